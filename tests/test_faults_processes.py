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

    def __init__(self, directory: Path, args: list[str], fault: str) -> None:
        self.marks = directory / "marks"
        self.marks.mkdir()
        self.out = directory / "out"
        env = environment(
            PYTHONPATH=os.pathsep.join([str(FAULTS), os.environ.get("PYTHONPATH", "")]),
            DEDUP_FAULT_MARKS=str(self.marks),
            DEDUP_FAULT=fault,
        )
        self.child = subprocess.Popen(
            [*DEDUP, "clean", "--jsonl", *args, "--output-dir", str(self.out), "in"],
            cwd=directory,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
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

    def started(*args: str, fault: str = "pause") -> Run:
        directory = tmp_path / f"run-{len(runs)}"
        directory.mkdir()
        (directory / "in").symlink_to(corpus / "in", target_is_directory=True)
        runs.append(Run(directory, list(args), fault))
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
