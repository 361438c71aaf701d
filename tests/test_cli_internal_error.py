"""An unexpected exception is a bug: one line, how to see the traceback, exit 70.

Tested in-process through ``main()``, the console script's entry point, with the core
monkeypatched to fail as a bug would.
"""

from __future__ import annotations

import os

import pytest

from dedup.cli import main


def fail_with(error):
    def clean(*_args, **_kwargs):
        raise error

    return clean


def break_the_core(monkeypatch, error):
    """Both roads a plain clean takes: the whole document, and the stream."""
    monkeypatch.setattr("dedup.corpus.clean", fail_with(error))
    monkeypatch.setattr("dedup.batch.local.Streamer", fail_with(error))


def test_internal_error_is_one_line_with_the_debug_hint(monkeypatch, capsys):
    monkeypatch.delenv("DEDUP_DEBUG", raising=False)
    break_the_core(monkeypatch, ZeroDivisionError("division by zero"))
    with pytest.raises(SystemExit) as exit_info:
        main(["clean", os.devnull])
    assert exit_info.value.code == 70
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "dedup: internal error: ZeroDivisionError: division by zero "
        "(set DEDUP_DEBUG=1 for details)\n"
    )


def test_dedup_debug_shows_the_real_exception(monkeypatch):
    monkeypatch.setenv("DEDUP_DEBUG", "1")
    break_the_core(monkeypatch, ZeroDivisionError("division by zero"))
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        main(["clean", os.devnull])


def test_keyboard_interrupt_exits_130_without_a_traceback(monkeypatch, capsys):
    break_the_core(monkeypatch, KeyboardInterrupt())
    with pytest.raises(SystemExit) as exit_info:
        main(["clean", os.devnull])
    assert exit_info.value.code == 130
    assert capsys.readouterr().err.strip() == ""
