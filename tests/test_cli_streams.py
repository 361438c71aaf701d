"""Streams as a Unix filter sees them: bytes through three ways, pipes, locales, odd names.

Every case runs as a real process, because what is tested is what only a process has: its
stdin and stdout descriptors, its locale and its interpreter's encoding settings.
"""

from __future__ import annotations

import os
import platform
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
from processes import DEDUP, HANG_GUARD, WAYS, dedup, environment, run_three_ways, shell

A = b"The council approved the harbour budget on Monday evening.\n"
B = b"Residents asked for more money for the ferry service today.\n"
BOM = b"\xef\xbb\xbf"

# input, expected output: odd bytes must come out exactly as they went in
BYTE_CASES = {
    "invalid utf-8": (
        b"caf\xe9 au lait is served in the morning\n" * 2 + b"\xff\xfe stray bytes\n",
        b"caf\xe9 au lait is served in the morning\n\xff\xfe stray bytes\n",
    ),
    "lone surrogate as bytes": (
        b"\xed\xa0\x80 half a surrogate pair, twice\n" * 2 + b"end\n",
        b"\xed\xa0\x80 half a surrogate pair, twice\nend\n",
    ),
    "mixed line endings": (
        A.replace(b"\n", b"\r\n") + B + A.replace(b"\n", b"\r") + b"last\r\n",
        A.replace(b"\n", b"\r\n") + B + b"last\r\n",
    ),
    "bom and crlf": (
        BOM + (A + B + A).replace(b"\n", b"\r\n"),
        BOM + (A + B).replace(b"\n", b"\r\n"),
    ),
    "nothing to remove, odd bytes": (
        b"\xc0\x80 overlong\r\n\xc2\x85 next-line\n\xe2\x80\xa8 separator\n\x0c form feed\n\r",
        b"\xc0\x80 overlong\r\n\xc2\x85 next-line\n\xe2\x80\xa8 separator\n\x0c form feed\n\r",
    ),
    "no final newline": (A + B + A.rstrip(b"\n"), A + B),
}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("case", BYTE_CASES)
def test_bytes_pass_through(case, way, tmp_path):
    data, expected = BYTE_CASES[case]
    done = run_three_ways(way, data, tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, expected, b"")


@pytest.mark.parametrize("way", WAYS)
def test_binary_is_refused_unless_text(way, tmp_path):
    data = b"GIF89a\x00\x01\n" + A + A
    refused = run_three_ways(way, data, tmp_path)
    shown = str(tmp_path / "input.txt") if way == "file argument" else "<stdin>"
    assert refused.returncode == 2
    assert refused.stdout == b""
    assert refused.stderr.decode() == (
        f"dedup: {shown}: binary file (NUL byte); use -a/--text to clean it\n"
    )
    forced = run_three_ways(way, data, tmp_path, "-a")
    assert (forced.returncode, forced.stdout) == (0, b"GIF89a\x00\x01\n" + A)


def test_binary_is_refused_per_file(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"\x7fELF\x00" + A)
    (tmp_path / "b.txt").write_bytes(A + A)
    done = dedup("clean", "a.bin", "b.txt", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, A)
    assert done.stderr.decode().splitlines() == [
        "dedup: a.bin: binary file (NUL byte); use -a/--text to clean it"
    ]


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED=1"])
def test_head_closing_the_pipe_is_quiet(unbuffered, tmp_path):
    # A second line far longer than a pipe holds, so dedup is still writing when head leaves.
    (tmp_path / "big.txt").write_bytes(b"line 0\n" + b"x" * 4_000_000 + b"\n")
    env = environment(PYTHONUNBUFFERED="1") if unbuffered else environment()
    done = shell(
        '$DEDUP clean big.txt | head -1; echo "status ${PIPESTATUS[0]}"', env=env, cwd=tmp_path
    )
    assert done.stdout == b"line 0\nstatus 141\n"
    assert done.stderr == b""  # no "Exception ignored", no traceback


def test_closed_stdout_is_an_error_not_a_silent_success(tmp_path):
    (tmp_path / "a.txt").write_bytes(A + A)
    done = shell('$DEDUP clean a.txt >&-; echo "status $?"', cwd=tmp_path)
    assert done.stdout == b"status 2\n"
    assert done.stderr == b"dedup: write error: standard output is closed\n"


def test_closed_stderr_does_not_crash(tmp_path):
    (tmp_path / "a.txt").write_bytes(A + A)
    done = shell('$DEDUP clean missing.txt a.txt 2>&-; echo "status $?"', cwd=tmp_path)
    assert done.stdout == A + b"status 2\n"


@pytest.mark.parametrize("spelling", ["f.txt", "./f.txt", "link.txt", "hard.txt"])
def test_output_argument_naming_the_input_is_refused_not_truncated(spelling, tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(A + B + A)
    (tmp_path / "link.txt").symlink_to("f.txt")
    (tmp_path / "hard.txt").hardlink_to(path)
    done = dedup("clean", "-o", spelling, "f.txt", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode() == (
        f"dedup: f.txt: input file is output file (-o {spelling}); -i edits a file in place\n"
    )
    assert path.read_bytes() == A + B + A


@pytest.mark.parametrize(
    ("script", "shown"),
    [
        ("$DEDUP clean f.txt >> f.txt", "f.txt"),
        ("$DEDUP clean < f.txt >> f.txt", "<stdin>"),
        ("$DEDUP clean other.txt f.txt 1<> f.txt", "f.txt"),
    ],
)
def test_input_file_is_output_file_stops(script, shown, tmp_path):
    (tmp_path / "f.txt").write_bytes(A + B + A)
    (tmp_path / "other.txt").write_bytes(b"")
    done = shell(script + '; echo "status $?"', cwd=tmp_path)
    assert done.stdout == b"status 2\n"
    assert done.stderr.decode() == f"dedup: {shown}: input file is output file\n"
    assert (tmp_path / "f.txt").read_bytes() == A + B + A


def test_appending_to_another_file_is_fine(tmp_path):
    (tmp_path / "f.txt").write_bytes(A + A)
    (tmp_path / "g.txt").write_bytes(B)
    done = shell("$DEDUP clean f.txt >> g.txt", cwd=tmp_path)
    assert (done.returncode, (tmp_path / "g.txt").read_bytes()) == (0, B + A)


LOCALES = {
    "default": {},
    "LC_ALL=C": {"LC_ALL": "C"},
    "LC_ALL=POSIX": {"LC_ALL": "POSIX"},
    "LC_ALL=C PYTHONUTF8=0": {"LC_ALL": "C", "PYTHONUTF8": "0"},
    "PYTHONIOENCODING=latin-1": {"PYTHONIOENCODING": "latin-1"},
    "PYTHONUTF8=0": {"PYTHONUTF8": "0"},
    "PYTHONUTF8=1": {"PYTHONUTF8": "1"},
}


def test_output_never_depends_on_the_locale(tmp_path):
    data = (
        "Ünïcödé paragraphs — “quoted” — are compared the same way.\n".encode() * 2
        + b"caf\xe9 and \xed\xa0\x80 stay as bytes\r\n"
        + "日本語の段落はここにあります。\n".encode()
    )
    name = b"caf\xe9 notes.txt"  # a file name that is not UTF-8
    (tmp_path / os.fsdecode(name)).write_bytes(data)
    seen = {}
    for label, variables in LOCALES.items():
        env = environment(**variables)
        cleaned = dedup("clean", name, b"missing \xff.txt", cwd=tmp_path, env=env)
        diffed = dedup("clean", "--diff", name, cwd=tmp_path, env=env)
        seen[label] = (cleaned.returncode, cleaned.stdout, cleaned.stderr, diffed.stdout)
    code, stdout, stderr, diff = seen["default"]
    assert (code, stdout) == (2, data.split(b"\n", 1)[1])
    assert stderr == b"dedup: missing \\xff.txt: No such file or directory\n"
    assert diff.startswith(b"--- caf\\xe9 notes.txt\n")
    assert b"\n-" + data.split(b"\n", 1)[0] + b"\n" in diff
    assert all(result == seen["default"] for result in seen.values()), seen


ODD_NAMES = {
    "notes[/b].txt": "notes[/b].txt",
    "[bold red]alarm[/].txt": "[bold red]alarm[/].txt",
    "with  two spaces.txt": "with  two spaces.txt",
    "trailing backslash\\": "trailing backslash\\",
    "back\\[slash].txt": "back\\[slash].txt",
    "[link=https://example.org]x[/link]": "[link=https://example.org]x[/link]",
    "long " * 40: "long " * 40,
    b"caf\xe9.txt": "caf\\xe9.txt",
    "new\nline.txt": "new\\x0aline.txt",
    "\x1b[31mred.txt": "\\x1b[31mred.txt",
}


def test_odd_file_names_appear_as_they_are_on_one_line(tmp_path):
    done = dedup("clean", *ODD_NAMES, cwd=tmp_path, env=environment(COLUMNS="20"))
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        f"dedup: {shown}: No such file or directory" for shown in ODD_NAMES.values()
    ]


def test_odd_file_names_in_verbose_and_stats(tmp_path):
    (tmp_path / "notes[").mkdir()  # the name of the issue is a path: "b].txt" in "notes["
    (tmp_path / "notes[/b].txt").write_bytes(A + B + A)
    done = dedup("clean", "-v", "--stats", "notes[/b].txt", cwd=tmp_path)
    assert done.returncode == 0
    text = done.stderr.decode()
    assert "notes[/b].txt:3 removed, repeats line 1 (exact)" in text
    assert [line.split()[0] for line in text.splitlines()][-1] == "notes[/b].txt"


def test_fifo_as_input_and_as_output(tmp_path):
    (tmp_path / "f.txt").write_bytes(A + B + A)
    os.mkfifo(tmp_path / "in.fifo")
    os.mkfifo(tmp_path / "out.fifo")
    done = shell(
        "cat f.txt > in.fifo & $DEDUP clean in.fifo;"
        " cat out.fifo > got.txt & $DEDUP clean f.txt -o out.fifo; wait",
        cwd=tmp_path,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, A + B, b"")
    assert (tmp_path / "got.txt").read_bytes() == A + B
    assert stat.S_ISFIFO((tmp_path / "out.fifo").stat().st_mode)  # written into, not replaced


READ_SYSCALL = {"x86_64": 0, "aarch64": 63}


def wait_until_reading_stdin(child):
    """Block until the child sits in read(0, ...): by then main() has set its handlers.

    ``/proc/PID/syscall`` starts with the number of the system call the process is blocked
    in and its first argument, so ``0 0x0`` on x86-64 is read() on descriptor 0.
    """
    deadline = time.monotonic() + HANG_GUARD
    syscall = Path(f"/proc/{child.pid}/syscall")
    reading_stdin = f"{READ_SYSCALL[platform.machine()]} 0x0 "
    while not syscall.read_text().startswith(reading_stdin):
        assert child.poll() is None
        assert time.monotonic() < deadline
        time.sleep(0.01)


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["TERM", "INT"]
)
def test_signal_while_reading_stdin(signum, status, reap):
    child = subprocess.Popen(
        [*DEDUP, "clean"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    reap(child)
    wait_until_reading_stdin(child)
    child.send_signal(signum)
    stdout, stderr = child.communicate(timeout=HANG_GUARD)
    assert (child.returncode, stdout, stderr.strip()) == (status, b"", b"")


def test_fifo_output_whose_reader_leaves_with_stdout_closed(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"line 0\n" + b"x" * 4_000_000 + b"\n")
    os.mkfifo(tmp_path / "out.fifo")
    done = shell(
        'head -c 1 out.fifo > /dev/null & $DEDUP clean big.txt -o out.fifo >&-; echo "status $?"',
        cwd=tmp_path,
    )
    assert (done.stdout, done.stderr) == (b"status 141\n", b"")
