"""The exit-status contract, one table row per promise, each run as a real process.

0 done; 1 only for --check; 2 for usage and every input or output error; 141 when the reader
of stdout left. 70, 130 and 143 need a monkeypatch or a signal and are tested where those are
(test_cli_internal_error.py, test_cli_in_place.py). Every row checks stdout and the whole of
stderr too, so a traceback or a second line anywhere fails it.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from processes import dedup, environment

A = b"The council approved the harbour budget on Monday evening.\n"
B = b"Residents asked for more money for the ferry service today.\n"
BINARY = b"PK\x03\x04\x00\x00\n" + A + A
JSONL = b'{"id": 1, "text": "%s%s%s"}\n' % (A[:-1] + b"\\n", B[:-1] + b"\\n", A[:-1])
JSONL_CLEANED = b'{"id": 1, "text": "%s%s"}\n' % (A[:-1] + b"\\n", B[:-1] + b"\\n")


@dataclass(frozen=True)
class Case:
    """``dedup ARGS`` run in a directory of fixtures, with stdout going to ``stdout``."""

    args: tuple[str, ...]
    code: int
    stdout: bytes
    stderr: str  # a regular expression the whole of stderr must match
    stdin: bytes = b""
    to: str = "pipe"  # pipe, full (/dev/full), closed (>&-), gone (a pipe nobody reads), file
    closed_stdin: bool = False
    env: dict[str, str] = field(default_factory=dict)


UNBUFFERED = {"PYTHONUNBUFFERED": "1"}
NO_SPACE = re.escape("dedup: write error: No space left on device\n")
USAGE = r"Usage: dedup .*\n(?s:.*)Error: .*\n"

CASES = {
    "clean a file": Case(("clean", "repeated.txt"), 0, A + B, ""),
    "clean stdin": Case(("clean",), 0, A + B, "", stdin=A + B + A),
    "clean '-'": Case(("clean", "-"), 0, A + B, "", stdin=A + B + A),
    "check finds repeats": Case(
        ("clean", "--check", "repeated.txt"), 1, b"", "would clean repeated.txt\n"
    ),
    "check finds repeats, quietly": Case(("clean", "--check", "-q", "repeated.txt"), 1, b"", ""),
    "check finds none": Case(("clean", "--check", "clean.txt"), 0, b"", ""),
    "check needs no stdout": Case(
        ("clean", "--check", "-q", "repeated.txt"), 1, b"", "", to="closed"
    ),
    "diff": Case(("clean", "--diff", "clean.txt"), 0, b"", ""),
    "missing file, run goes on": Case(
        ("clean", "missing.txt", "clean.txt"),
        2,
        A + B,
        re.escape("dedup: missing.txt: No such file or directory\n"),
    ),
    "empty directory": Case(
        ("clean", "sub"), 2, b"", re.escape("dedup: sub: no input files there\n")
    ),
    "binary, run goes on": Case(
        ("clean", "binary.bin", "clean.txt"),
        2,
        A + B,
        re.escape("dedup: binary.bin: binary file (NUL byte); use -a/--text to clean it\n"),
    ),
    "binary with -a": Case(("clean", "-a", "binary.bin"), 0, b"PK\x03\x04\x00\x00\n" + A, ""),
    "unknown option": Case(("clean", "--nope"), 2, b"", USAGE),
    "value out of range": Case(("clean", "--threshold", "101"), 2, b"", USAGE),
    "unknown command": Case(("nosuch",), 2, b"", USAGE),
    "-i on stdin": Case(("clean", "-i"), 2, b"", USAGE),
    "-i with -o": Case(("clean", "-i", "-o", "x.txt", "clean.txt"), 2, b"", USAGE),
    "-i refuses a hard link": Case(
        ("clean", "-i", "linked.txt"),
        2,
        b"",
        re.escape("dedup: linked.txt: has 2 hard links; editing would split them (use --force)\n"),
    ),
    "help": Case(("clean", "--help"), 0, b"", ""),
    "version": Case(("--version",), 0, b"", ""),
    "full disk": Case(("clean", "repeated.txt"), 2, b"", NO_SPACE, to="full"),
    "full disk, unbuffered": Case(
        ("clean", "repeated.txt"), 2, b"", NO_SPACE, to="full", env=UNBUFFERED
    ),
    "stdout closed": Case(
        ("clean", "repeated.txt"),
        2,
        b"",
        re.escape("dedup: write error: standard output is closed\n"),
        to="closed",
    ),
    "stdin closed": Case(
        ("clean",),
        2,
        b"",
        re.escape("dedup: <stdin>: standard input is closed\n"),
        closed_stdin=True,
    ),
    "input is output (>>)": Case(
        ("clean", "repeated.txt"),
        2,
        b"",
        re.escape("dedup: repeated.txt: input file is output file\n"),
        to="file",
    ),
    "reader gone": Case(("clean", "repeated.txt"), 141, b"", "", to="gone"),
    "reader gone, unbuffered": Case(
        ("clean", "repeated.txt"), 141, b"", "", to="gone", env=UNBUFFERED
    ),
    # Corpus mode writes record by record through its own code; the same promises hold.
    "corpus: clean": Case(("clean", "--jsonl", "docs.jsonl"), 0, JSONL_CLEANED, ""),
    "corpus: reader gone": Case(("clean", "--jsonl", "docs.jsonl"), 141, b"", "", to="gone"),
    "corpus: reader gone, unbuffered": Case(
        ("clean", "--jsonl", "docs.jsonl"), 141, b"", "", to="gone", env=UNBUFFERED
    ),
    "corpus: full disk": Case(("clean", "--jsonl", "docs.jsonl"), 2, b"", NO_SPACE, to="full"),
    "corpus: full disk, unbuffered": Case(
        ("clean", "--jsonl", "docs.jsonl"), 2, b"", NO_SPACE, to="full", env=UNBUFFERED
    ),
}


@pytest.fixture
def fixtures(tmp_path):
    (tmp_path / "repeated.txt").write_bytes(A + B + A)
    (tmp_path / "clean.txt").write_bytes(A + B)
    (tmp_path / "binary.bin").write_bytes(BINARY)
    (tmp_path / "docs.jsonl").write_bytes(JSONL)
    (tmp_path / "linked.txt").write_bytes(A + A)
    os.link(tmp_path / "linked.txt", tmp_path / "link2.txt")
    (tmp_path / "sub").mkdir()
    return tmp_path


def _stdout_for(case: Case, directory):
    """Open what the child's stdout should be (the caller closes it)."""
    if case.to == "full":
        return Path("/dev/full").open("wb")
    if case.to == "file":
        return (directory / "repeated.txt").open("ab")
    return subprocess.PIPE


def _run(case: Case, directory):
    stdout = _stdout_for(case, directory)
    closing = []
    if case.to == "closed":
        closing.append(1)
    if case.closed_stdin:
        closing.append(0)
    pipe_read = pipe_write = None
    if case.to == "gone":
        pipe_read, pipe_write = os.pipe()
        os.close(pipe_read)  # the reader left before dedup wrote a byte
        stdout = pipe_write
    try:
        return dedup(
            *case.args,
            cwd=directory,
            input=None if case.closed_stdin else case.stdin,
            stdout=stdout,
            env=environment(**case.env),
            preexec_fn=(lambda: [os.close(fd) for fd in closing]) if closing else None,
        )
    finally:
        if pipe_write is not None:
            os.close(pipe_write)
        if hasattr(stdout, "close"):
            stdout.close()


@pytest.mark.parametrize("name", CASES)
def test_exit_status_contract(name, fixtures):
    case = CASES[name]
    done = _run(case, fixtures)
    assert done.returncode == case.code
    assert re.fullmatch(case.stderr, done.stderr.decode()), done.stderr
    if case.to == "pipe" and name not in ("diff", "help", "version"):
        assert done.stdout == case.stdout
    if case.to == "file":
        assert (fixtures / "repeated.txt").read_bytes() == A + B + A  # nothing appended


def test_help_and_version_and_diff_write_stdout(fixtures):
    assert b"Exit status" in _run(CASES["help"], fixtures).stdout
    assert _run(CASES["version"], fixtures).stdout.startswith(b"dedup, version ")
    diff = dedup("clean", "--diff", "repeated.txt", cwd=fixtures)
    assert diff.stdout.endswith(b"\n-" + A)
