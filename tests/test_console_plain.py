"""The plain-mode progress bar: bytes, rate and ETA on a terminal after a second, else nothing."""

from __future__ import annotations

import io

from rich.console import Console

from dedup.cli import console
from dedup.corpus import Tally


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bar_appears_after_the_delay_with_bytes_and_rate(monkeypatch, capsys):
    screen = io.StringIO()
    monkeypatch.setattr(
        console, "err_console", Console(file=screen, force_terminal=True, width=120)
    )
    clock = Clock()
    monkeypatch.setattr(console.time, "monotonic", clock)
    with console.plain_progress(4_000_000) as bar:
        clock.now += 0.5
        bar.update(Tally(), lambda: 1_000_000)
        assert screen.getvalue() == ""  # a quick run never shows a bar
        clock.now += 1.0
        bar.update(Tally(), lambda: 2_000_000)
        console.err_console.file.flush()
        shown = screen.getvalue()
    assert "dedup" in shown
    assert "2.0/4.0 MB" in shown
    assert capsys.readouterr().out == ""


def test_no_bar_when_stderr_is_not_a_terminal(run, monkeypatch, tmp_path):
    monkeypatch.setattr(console, "PROGRESS_DELAY", 0.0)
    monkeypatch.setattr(console, "REFRESH_SECONDS", 0.0)
    path = tmp_path / "big.txt"
    path.write_bytes(b"The same line, long enough to be a paragraph.\n" * 50_000)
    result = run("--split", "line", "--remove-recurring", path)
    assert result.exit_code == 0
    assert result.stdout_bytes == b"The same line, long enough to be a paragraph.\n"
    assert result.stderr == ""


def test_without_a_position_the_bytes_counted_stand_in(monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(
        console, "err_console", Console(file=screen, force_terminal=True, width=120)
    )
    monkeypatch.setattr(console, "PROGRESS_DELAY", 0.0)
    monkeypatch.setattr(console, "REFRESH_SECONDS", 0.0)
    with console.plain_progress(None) as bar:
        bar.update(Tally(bytes_in=3_000_000), lambda: None)
        shown = screen.getvalue()
    assert "3.0/? MB" in shown
