"""Fault matrix, processes: whatever stops a run, nothing of it is left running or half-written.

Each row is a fault (a signal to the driver or to its whole process group, a worker killed
as the out-of-memory killer would) with what the run must do: its exit code, what stderr
says, and that no process of the run and no temporary file remain. The runs are real child
processes in their own session, so "nothing left" is checked by the process group being
empty; faults inside the workers are planted by ``tests/faults/sitecustomize.py``. Every
wait is bounded by :data:`processes.HANG_GUARD` or less; a row that fails kills what it
started. Extend the matrix by adding a row.
"""

from __future__ import annotations

import contextlib
import os
import pty
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from processes import DEDUP, HANG_GUARD, environment
from shards import planted_documents, write_jsonl_shards

FAULTS = Path(__file__).parent / "faults"
SHARDS = 4
GONE_WITHIN = 30
"""Seconds within which every process of a stopped run must have ended (a bound, not a time)."""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Four JSON Lines shards and what one process writes for them."""
    directory = tmp_path_factory.mktemp("faults")
    write_jsonl_shards(directory / "in", planted_documents(160, seed=5), SHARDS)
    done = subprocess.run(
        [*DEDUP, "clean", "--jsonl", "--output-dir", "expected", "in"],
        cwd=directory,
        env=environment(),
        capture_output=True,
        timeout=HANG_GUARD,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    return directory


class Run:
    """A ``dedup clean --jsonl ARGS --output-dir out in`` child in a session of its own."""

    def __init__(
        self, directory: Path, args: list[str], fault: str, stderr=subprocess.PIPE, **env: str
    ) -> None:
        self.marks = directory / "marks"
        self.marks.mkdir()
        self.out = directory / "out"
        env = environment(
            PYTHONPATH=os.pathsep.join([str(FAULTS), os.environ.get("PYTHONPATH", "")]),
            DEDUP_FAULT_MARKS=str(self.marks),
            DEDUP_FAULT=fault,
            **env,
        )
        self.child = subprocess.Popen(
            [*DEDUP, "clean", "--jsonl", *args, "--output-dir", str(self.out), "in"],
            cwd=directory,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
        self.group = self.child.pid

    def wait_for_stages(self, count: int) -> None:
        """Until ``count`` stages are under way (their temporaries open)."""
        deadline = time.monotonic() + HANG_GUARD
        while len(self.stages()) < count:
            assert self.child.poll() is None, self.child.stderr.read().decode()
            assert time.monotonic() < deadline, "the stages never started"
            time.sleep(0.05)

    def stages(self) -> list[Path]:
        return [mark for mark in self.marks.iterdir() if mark.name != "killed"]

    def finish(self) -> tuple[int, bytes]:
        """The exit code and stderr of the driver, once it has ended."""
        _, err = self.child.communicate(timeout=HANG_GUARD)
        return self.child.returncode, err

    def gone(self) -> bool:
        """Whether every process of the run has ended (within :data:`GONE_WITHIN`)."""
        deadline = time.monotonic() + GONE_WITHIN
        while time.monotonic() < deadline:
            try:
                os.killpg(self.group, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.1)
        return False

    def kill(self) -> None:
        """Whatever is left, for a row that failed."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.group, signal.SIGKILL)
        if self.child.poll() is None:
            self.child.kill()
        self.child.communicate()

    def temporaries(self) -> list[str]:
        return [path.name for path in self.out.rglob(".*")] if self.out.exists() else []


@pytest.fixture
def start(corpus, tmp_path):
    """Start a run in a copy of the corpus; whatever it leaves is killed after the test."""
    runs: list[Run] = []

    def started(*args: str, fault: str = "pause", **options) -> Run:
        directory = tmp_path / f"run-{len(runs)}"
        directory.mkdir()
        (directory / "in").symlink_to(corpus / "in", target_is_directory=True)
        runs.append(Run(directory, list(args), fault, **options))
        return runs[-1]

    yield started
    for run in runs:
        run.kill()


# (signal, sent to the whole group?, exit code): SIGTERM from kill(1) or from a service
# manager or timeout(1) that signals the group, Ctrl-C at a terminal (the group).
STOPS = [
    (signal.SIGTERM, False, 143),
    (signal.SIGTERM, True, 143),
    (signal.SIGINT, True, 130),
]


@pytest.mark.parametrize(
    ("signum", "group", "code"), STOPS, ids=["sigterm-driver", "sigterm-group", "ctrl-c"]
)
def test_jobs_stopped_by_a_signal_stops_every_worker_and_leaves_no_temporary(
    start, corpus, signum, group, code
):
    run = start("--jobs", "2")
    run.wait_for_stages(2)  # both workers in the middle of writing a shard
    if group:
        os.killpg(run.group, signum)
    else:
        os.kill(run.child.pid, signum)
    assert run.finish() in {(code, b""), (code, b"\n")}  # click ends the line Ctrl-C began
    assert run.gone()
    assert run.temporaries() == []
    for written in run.out.rglob("*"):  # whatever was written is whole
        assert written.read_bytes() == (corpus / "expected" / written.name).read_bytes()


def test_jobs_workers_end_with_a_driver_killed_by_sigkill(start):
    run = start("--jobs", "2")
    run.wait_for_stages(2)
    os.kill(run.child.pid, signal.SIGKILL)
    assert run.finish()[0] == -signal.SIGKILL
    assert run.gone()  # workers, fork server and resource tracker
    assert run.temporaries() == []  # each worker unwound its stage before it went


def test_jobs_worker_killed_mid_stage_runs_again_with_the_same_bytes(start, corpus):
    run = start("--jobs", "2", fault="kill-once")
    assert run.finish() == (0, b"")
    assert (run.marks / "killed").is_dir()  # a worker really died
    assert len(run.stages()) > SHARDS  # and a shard ran twice
    written = sorted(path.name for path in run.out.rglob("*"))
    assert written == sorted(path.name for path in (corpus / "expected").iterdir())
    for name in written:
        assert (run.out / name).read_bytes() == (corpus / "expected" / name).read_bytes()


def test_jobs_workers_that_keep_dying_stop_the_run_with_one_line(start):
    run = start("--jobs", "2", fault="kill-always")
    code, err = run.finish()
    assert code == 2
    assert err.decode().startswith("dedup: --jobs: a worker process died 4 times")
    assert err.count(b"\n") == 1
    assert run.gone()
    assert run.temporaries() == []


# Ray: a local Ray that dedup starts is its own to stop, on every exit path.

LISTENING = r"""
import os, socket, struct, sys
from dedup.batch import workers
from dedup.batch.executors import Engine, RayTasks

def listening():
    sockets = {}
    for name, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        with open(f"/proc/net/{name}") as table:
            next(table)
            for line in table:
                fields = line.split()
                if fields[3] != "0A":  # TCP_LISTEN
                    continue
                address, port = fields[1].split(":")
                words = [int(address[i : i + 8], 16) for i in range(0, len(address), 8)]
                raw = b"".join(struct.pack("<I", word) for word in words)
                sockets[fields[9]] = (socket.inet_ntop(family, raw), int(port, 16))
    for pid in workers.descendants(os.getpid()):
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        for link in links:
            if link.startswith("socket:[") and link[8:-1] in sockets:
                yield sockets[link[8:-1]]

ray = RayTasks(Engine("ray", 1))
try:
    assert list(ray.map(abs, [-1, -2])) == [1, 2]  # a worker started, with its servers
    found = sorted(set(listening()))
finally:
    ray.close()
print(len(found))
for address, port in found:
    if address not in ("127.0.0.1", "::ffff:127.0.0.1", "::1"):
        print(f"{address}:{port}")
"""


def test_a_local_ray_listens_on_loopback_only(tmp_path):
    done = subprocess.run(
        [*DEDUP[:1], "-c", LISTENING],
        cwd=tmp_path,
        env=environment(),
        capture_output=True,
        timeout=HANG_GUARD,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    count, *beyond = done.stdout.decode().split()
    assert int(count) >= 4  # GCS, raylet, agents, the worker: the check saw them
    assert beyond == []


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGKILL, -9), (signal.SIGTERM, 143)])
def test_a_ray_started_by_dedup_is_stopped_when_the_driver_is(start, signum, code):
    run = start("--engine", "ray", "--jobs", "1")
    run.wait_for_stages(1)
    os.kill(run.child.pid, signum)
    got, err = run.finish()
    assert got == code, err.decode()
    if signum == signal.SIGTERM:
        assert err == b""  # no crash banner from Ray's core worker
    assert run.gone()  # GCS, raylet, both agents, the workers


def test_a_bug_in_a_ray_task_is_one_plain_line(start):
    run = start("--engine", "ray", "--jobs", "1", fault="raise")
    code, err = run.finish()
    assert code == 70
    assert err.decode() == (
        "dedup: internal error: ValueError: a planted bug (set DEDUP_DEBUG=1 for details)\n"
    )
    assert run.gone()


def test_a_ray_address_that_refuses_is_one_line_at_once(tmp_path):
    (tmp_path / "a.txt").write_text("Some text.\n")
    with_ray = environment()
    with_ray.pop("RAY_ADDRESS", None)
    done = subprocess.run(
        [*DEDUP, "clean", "--engine", "ray", "--ray-address", "127.0.0.1:1", "a.txt"],
        cwd=tmp_path,
        env=with_ray,
        capture_output=True,
        timeout=HANG_GUARD,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode().startswith("dedup: --engine ray: cannot reach Ray at 127.0.0.1:1")
    assert done.stderr.count(b"\n") == 1


ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
COLOUR = re.compile(rb"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])[;m]")


def test_a_bug_in_a_ray_task_is_one_line_without_colour_on_a_terminal_with_no_color(start):
    reader, writer = pty.openpty()
    # -q: no progress bar, which a terminal would get; the error line is not a warning
    run = start("-q", "--engine", "ray", "--jobs", "1", fault="raise", stderr=writer, NO_COLOR="1")
    os.close(writer)
    shown = b""
    with contextlib.suppress(OSError):  # EIO once the last writer of the terminal is gone
        while chunk := os.read(reader, 4096):
            shown += chunk
    os.close(reader)
    assert run.finish()[0] == 70
    assert COLOUR.search(shown) is None  # bold may stay (rich's NO_COLOR); colours may not
    lines = [line for line in ESCAPE.sub(b"", shown).decode().splitlines() if line.strip()]
    assert lines == [
        "dedup: internal error: ValueError: a planted bug (set DEDUP_DEBUG=1 for details)"
    ]
