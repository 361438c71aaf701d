"""``-i`` and ``-o`` never lose data: atomic replacement, kept modes and links, refusals, signals.

File-system effects are checked in-process with CliRunner (they are real files either way);
signals, kills and descriptor limits need a real process. A child that must be caught in the
middle of a write runs ``dedup`` through a small driver that pauses it at a chosen point by
wrapping a function from the outside, so the production code carries no test hook.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import stat
import subprocess
import sys
import time

import pytest
from processes import HANG_GUARD, dedup, environment

from dedup.pipeline import clean

A = b"The council approved the harbour budget on Monday evening.\n"
B = b"Residents asked for more money for the ferry service today.\n"


def temporaries(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def repeated(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(A + B + A)
    return path


def test_changed_file_is_replaced_with_its_mode(run, repeated):
    repeated.chmod(0o751)
    before = repeated.stat()
    result = run("-i", repeated)
    assert (result.exit_code, result.stdout_bytes, result.stderr) == (0, b"", "")
    assert repeated.read_bytes() == A + B
    after = repeated.stat()
    assert stat.S_IMODE(after.st_mode) == 0o751
    assert after.st_ino != before.st_ino  # a new file, renamed into place
    assert temporaries(repeated.parent) == []


def test_unchanged_file_is_not_rewritten(run, tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(A + B)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.stat()
    assert run("-i", path).exit_code == 0
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_ctime_ns) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_ctime_ns,
    )


def test_symlink_stays_a_link_and_its_target_is_cleaned(run, repeated, tmp_path):
    (tmp_path / "links").mkdir()
    link = tmp_path / "links" / "f.txt"
    link.symlink_to("../f.txt")
    result = run("-i", link)
    assert result.exit_code == 0
    assert link.is_symlink()
    assert str(link.readlink()) == "../f.txt"
    assert repeated.read_bytes() == A + B
    assert temporaries(tmp_path) == temporaries(tmp_path / "links") == []


def test_hard_link_is_refused_unless_forced(run, repeated, tmp_path):
    other = tmp_path / "other.txt"
    os.link(repeated, other)
    refused = run("-i", repeated)
    assert refused.exit_code == 2
    assert (
        refused.stderr
        == f"dedup: {repeated}: has 2 hard links; editing would split them (use --force)\n"
    )
    assert repeated.read_bytes() == other.read_bytes() == A + B + A
    forced = run("-i", "--force", repeated)
    assert forced.exit_code == 0
    assert repeated.read_bytes() == A + B
    assert other.read_bytes() == A + B + A  # the split --force accepts


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_fifo_and_device_are_refused(run, kind, tmp_path):
    if kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)  # opening it would block; dedup must not even try
    else:
        target = "/dev/null"
    result = run("-i", target)
    assert result.exit_code == 2
    assert result.stderr == f"dedup: {target}: not a regular file, cannot edit in place\n"


def test_read_only_file_is_refused_unless_forced(run, repeated):
    repeated.chmod(0o444)
    refused = run("-i", repeated)
    assert refused.exit_code == 2
    assert (
        refused.stderr == f"dedup: {repeated}: file is read-only (use --force to edit it anyway)\n"
    )
    assert repeated.read_bytes() == A + B + A
    forced = run("-i", "--force", repeated)
    assert forced.exit_code == 0
    assert repeated.read_bytes() == A + B
    assert stat.S_IMODE(repeated.stat().st_mode) == 0o444


@pytest.mark.parametrize("flags", [[], ["-a"]], ids=["plain", "with -a"])
def test_binary_file_is_never_edited_in_place(run, flags, repeated, tmp_path):
    binary = tmp_path / "image.gif"
    binary.write_bytes(b"GIF89a\x00\x01\n" + A + A)
    before = binary.stat()
    result = run("-i", *flags, binary, repeated)
    assert result.exit_code == 2
    assert result.stderr == f"dedup: {binary}: binary file (NUL byte); not edited in place\n"
    after = binary.stat()
    assert binary.read_bytes() == b"GIF89a\x00\x01\n" + A + A
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert repeated.read_bytes() == A + B  # the run went on


def test_file_changed_while_working_is_left_alone(run, repeated, monkeypatch):
    def clean_while_someone_edits(data, options):
        with repeated.open("ab") as handle:
            handle.write(b"A line someone added meanwhile.\n")
        return clean(data, options)

    monkeypatch.setattr("dedup.corpus.clean", clean_while_someone_edits)
    result = run("-i", repeated)
    assert result.exit_code == 2
    assert result.stderr == (
        f"dedup: {repeated}: file changed while dedup was working; left it as it was\n"
    )
    assert repeated.read_bytes() == A + B + A + b"A line someone added meanwhile.\n"
    assert temporaries(repeated.parent) == []


def test_failed_write_leaves_the_original(run, repeated, monkeypatch):
    def full_disk(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_disk)
    result = run("-i", repeated)
    assert result.exit_code == 2
    assert result.stderr == f"dedup: {repeated}: No space left on device\n"
    assert repeated.read_bytes() == A + B + A
    assert temporaries(repeated.parent) == []


def test_output_file_gets_the_umask_mode_when_new(run, repeated, tmp_path):
    previous = os.umask(0o027)
    try:
        result = run(repeated, "-o", tmp_path / "new.txt")
    finally:
        os.umask(previous)
    assert result.exit_code == 0
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640  # not mkstemp's 0600
    assert (tmp_path / "new.txt").read_bytes() == A + B


def test_output_file_keeps_its_mode_and_symlink(run, repeated, tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old\n")
    target.chmod(0o604)
    link = tmp_path / "out-link.txt"
    link.symlink_to("out.txt")
    result = run(repeated, "-o", link)
    assert result.exit_code == 0
    assert link.is_symlink()
    assert target.read_bytes() == A + B
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert temporaries(tmp_path) == []


def test_three_hundred_files_with_sixty_four_descriptors(tmp_path):
    names = [f"f{i:03}.txt" for i in range(300)]
    for name in names:
        (tmp_path / name).write_bytes(A + B + A)

    def limit_descriptors():
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    printed = dedup("clean", *names, cwd=tmp_path, preexec_fn=limit_descriptors)
    assert (printed.returncode, printed.stderr) == (0, b"")
    assert printed.stdout == (A + B) * 300
    edited = dedup("clean", "-i", *names, cwd=tmp_path, preexec_fn=limit_descriptors)
    assert (edited.returncode, edited.stderr) == (0, b"")
    assert all((tmp_path / name).read_bytes() == A + B for name in names)


# Runs dedup's main() with one function wrapped to announce itself (by creating the file
# named in argv[1]) and then sleep, so a signal arrives at a known point of an in-place edit.
PAUSING_DRIVER = """
import os, sys, time
import dedup.io.files
from dedup.cli import main

marker, point = sys.argv[1], sys.argv[2]

def pause(*args):
    open(marker, "w").close()
    time.sleep(600)

if point == "before-rename":   # the temporary file is written, not yet fsynced or renamed
    os.fsync = pause
else:                          # renamed, the directory not yet fsynced
    dedup.io.files._fsync_directory = pause
main(sys.argv[3:])
"""


def start_paused(path, point, reap):
    marker = path.parent / "paused"
    child = subprocess.Popen(
        [sys.executable, "-c", PAUSING_DRIVER, marker, point, "clean", "-i", path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    reap(child)
    deadline = time.monotonic() + HANG_GUARD
    while not marker.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return child


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["TERM", "INT"]
)
def test_signal_during_in_place_edit_removes_the_temporary_file(signum, status, repeated, reap):
    child = start_paused(repeated, "before-rename", reap)
    assert len(temporaries(repeated.parent)) == 1  # the cleanup below has something to do
    child.send_signal(signum)
    _, stderr = child.communicate(timeout=HANG_GUARD)
    assert child.returncode == status
    assert b"Traceback" not in stderr
    assert stderr.strip() == b""
    assert temporaries(repeated.parent) == []
    assert repeated.read_bytes() == A + B + A


@pytest.mark.parametrize(
    ("point", "content"),
    [("before-rename", A + B + A), ("after-rename", A + B)],
)
def test_kill_leaves_the_original_or_the_whole_result(point, content, repeated, reap):
    child = start_paused(repeated, point, reap)
    child.kill()
    child.communicate(timeout=HANG_GUARD)
    assert child.returncode == -signal.SIGKILL
    assert repeated.read_bytes() == content


def test_owner_is_kept_when_allowed(run, repeated):
    if os.geteuid() != 0:  # only root may give a file away; anyone else keeps it anyway
        assert run("-i", repeated).exit_code == 0
        assert repeated.stat().st_uid == os.geteuid()
        return
    os.chown(repeated, 12345, 23456)
    assert run("-i", repeated).exit_code == 0
    after = repeated.stat()
    assert (after.st_uid, after.st_gid) == (12345, 23456)
    assert repeated.read_bytes() == A + B


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (["bad.txt"], "dedup: bad.txt: binary file (NUL byte); use -a/--text to clean it"),
        (["missing.txt", "good.txt"], "dedup: missing.txt: No such file or directory"),
    ],
    ids=["the input binary", "one input missing"],
)
def test_output_file_is_left_as_it_was_when_an_input_fails(inputs, message, tmp_path):
    old = b"GIF89a\x00\x01\n" + A + A
    (tmp_path / "out.txt").write_bytes(old)
    (tmp_path / "good.txt").write_bytes(A + A)
    (tmp_path / "bad.txt").write_bytes(old)
    done = dedup("clean", *inputs, "-o", "out.txt", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        message,
        "dedup: out.txt: left as it was, an input failed",
    ]
    assert (tmp_path / "out.txt").read_bytes() == old  # not truncated, not half-written
    assert temporaries(tmp_path) == []
