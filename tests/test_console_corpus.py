"""The corpus progress bar and table, rendered into a string, never onto stdout."""

from __future__ import annotations

import ast
import io
import subprocess
import sys

from rich.console import Console

from dedup.cli import console
from dedup.corpus import Tally, fingerprint


def test_progress_shows_documents_and_paragraphs_per_second_on_stderr_only(monkeypatch, capsys):
    screen = io.StringIO()
    monkeypatch.setattr(
        console, "err_console", Console(file=screen, force_terminal=True, width=120)
    )
    monkeypatch.setattr(console, "REFRESH_SECONDS", 0.0)
    with console.corpus_progress(1000, by_bytes=True) as observer:
        observer.update(Tally(documents=1234, paragraphs=5678), lambda: 500)
        console.err_console.file.flush()
    shown = screen.getvalue()
    assert "1,234 docs (" in shown
    assert "5,678 paragraphs (" in shown
    assert capsys.readouterr().out == ""


def test_corpus_stats_table(monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(console, "err_console", Console(file=screen, width=100))
    tally = Tally(documents=2, paragraphs=10, removed=4, exact=3, bytes_in=900, bytes_out=700)
    for text, count in (("Baca juga: lainnya", 3), ("Ikuti kami", 1)):
        for _ in range(count):
            tally.count_repeat(fingerprint(text))
    console.show_corpus_stats(tally)
    lines = [line.rstrip() for line in screen.getvalue().splitlines()]
    assert "paragraphs out    6" in lines
    assert "removed, near     1" in lines
    assert "bytes saved     200" in lines
    assert "      3  Baca juga: lainnya" in lines


def test_console_imports_no_part_of_the_engine_at_run_time():
    # Presentation only: values come in, lines go out; engine types are for mypy alone. Read
    # in a child process, from what importing it loads, so that an import inside a function
    # called on import, or one through another module, is caught too.
    script = (
        "import sys\n"
        "from dedup.cli import console\n"
        "console.show_warning('a')\n"
        "console.show_error('b')\n"
        "print(sorted(m for m in sys.modules if m.startswith('dedup')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
    loaded = set(ast.literal_eval(done.stdout.decode()))
    assert loaded == {"dedup", "dedup.faces", "dedup.cli", "dedup.cli.console", "dedup.errors"}


def test_stages_of_a_sharded_run_get_a_line_each_with_their_shard_counts(monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(
        console, "err_console", Console(file=screen, force_terminal=True, width=120)
    )
    with console.corpus_progress(1000, by_bytes=True) as observer:
        observer.stage("prepared", 3, 16)
        observer.stage("prepared", 16, 16)
        observer.stage("written", 5, 16)
        console.err_console.file.flush()
    shown = screen.getvalue()
    assert "shards prepared" in shown
    assert "16 of 16 shards" in shown
    assert "shards written" in shown
    assert "5 of 16 shards" in shown
