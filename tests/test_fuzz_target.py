"""The fuzz target in ``fuzz/`` stays runnable, and really checks something."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

TARGET = Path(__file__).parents[1] / "fuzz" / "fuzz_clean.py"


@pytest.fixture
def target():
    spec = importlib.util.spec_from_file_location("fuzz_clean", TARGET)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_plain_loop_passes_on_dedup(target, capsys):
    target.plain_loop(300, seed=1)
    assert capsys.readouterr().out == "300 inputs checked\n"


def test_check_catches_output_that_is_not_the_input_minus_lines(target, monkeypatch):
    monkeypatch.setattr(target, "clean_bytes", lambda data, options: data[::-1])
    with pytest.raises(AssertionError, match="not the input minus whole lines"):
        target.check(b"\x00first line\nsecond line\n")
