"""Golden files: each ``<case>.txt`` must clean to ``<case>.expected.txt``, byte for byte.

Every case runs through the Python API and through the CLI (CliRunner), so the two can never
drift apart. ``<case>.args`` holds CLI flags, mapped to :class:`Options` for the API run.
"""

import difflib
import hashlib
import shlex
from pathlib import Path

import pytest

from dedup import Options, clean_bytes

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name[: -len(".txt")] for p in GOLDEN.glob("*.txt") if ".expected" not in p.name)
FLAG_TO_FIELD = {
    "--threshold": ("threshold", int),
    "--min-chars": ("min_chars", int),
    "--split": ("split", str),
}
SWITCH_TO_FIELD = {
    "--remove-recurring": ("keep_recurring", False),
    "--keep-recurring": ("keep_recurring", True),
}


def load(case):
    args_file = GOLDEN / f"{case}.args"
    args = shlex.split(args_file.read_text()) if args_file.exists() else []
    return (
        (GOLDEN / f"{case}.txt").read_bytes(),
        (GOLDEN / f"{case}.expected.txt").read_bytes(),
        args,
    )


def options_for(args):
    fields = dict(SWITCH_TO_FIELD[flag] for flag in args if flag in SWITCH_TO_FIELD)
    valued = [arg for arg in args if arg not in SWITCH_TO_FIELD]
    for flag, value in zip(valued[::2], valued[1::2], strict=True):
        name, kind = FLAG_TO_FIELD[flag]
        fields[name] = kind(value)
    return Options(**fields)


def assert_same(expected: bytes, actual: bytes) -> None:
    if expected != actual:
        diff = difflib.unified_diff(
            expected.decode("utf-8", "backslashreplace").splitlines(keepends=True),
            actual.decode("utf-8", "backslashreplace").splitlines(keepends=True),
            "expected",
            "actual",
        )
        pytest.fail("output differs:\n" + "".join(diff) + f"\n{expected!r}\n{actual!r}")


def test_there_are_many_cases():
    assert len(CASES) >= 30
    assert "antara-repeated" in CASES


@pytest.mark.parametrize("case", CASES)
def test_api(case):
    data, expected, args = load(case)
    assert_same(expected, clean_bytes(data, options_for(args)))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("via", ["file", "stdin", "dash"])
def test_cli(run, case, via):
    data, expected, args = load(case)
    path = {"file": [str(GOLDEN / f"{case}.txt")], "stdin": [], "dash": ["-"]}[via]
    result = run(*args, *path, input=data)
    assert result.exit_code == 0, result.stderr
    assert_same(expected, result.stdout_bytes)
    assert result.stderr == ""


@pytest.mark.parametrize("case", CASES)
def test_output_is_a_fixed_point(case):
    _, expected, args = load(case)
    assert_same(expected, clean_bytes(expected, options_for(args)))


SHARED_EXAMPLE_SHA256 = "2fb88a68f3d17691a19e16e15f30f752d2af74f568f824e0171606583ed455f9"
"""The SHA-256 of ``shared/examples/antara-repeated.txt``, the project's given example."""


def test_the_bundled_example_is_the_shared_one():
    # Checked on any clone, by the pinned digest; beside ../shared, also against the file.
    bundled = (GOLDEN / "antara-repeated.txt").read_bytes()
    assert hashlib.sha256(bundled).hexdigest() == SHARED_EXAMPLE_SHA256
    shared = Path(__file__).parents[2] / "shared" / "examples" / "antara-repeated.txt"
    if shared.exists():  # the developers' and CI's layout
        assert shared.read_bytes() == bundled
