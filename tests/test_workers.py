"""dedup.batch.workers: waiting for a process to end, and listing what a process started."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from processes import HANG_GUARD

from dedup.batch import workers

SLEEPER = [sys.executable, "-c", "import sys, time; sys.stdin.read()"]


def started_and_reaped():
    """A child that runs until its stdin closes, reaped as soon as it ends (no zombie)."""
    child = subprocess.Popen(SLEEPER, stdin=subprocess.PIPE)
    reaper = threading.Thread(target=child.wait)
    reaper.start()
    return child, reaper


@pytest.mark.parametrize("kernel", [True, False], ids=["pidfd-or-kqueue", "polling"])
def test_wait_for_exit_returns_once_the_process_has_ended(monkeypatch, kernel):
    if not kernel:
        monkeypatch.setattr(workers, "_waited_in_kernel", lambda pid: False)
        monkeypatch.setattr(workers, "POLL", 0.01)
    child, reaper = started_and_reaped()
    try:
        timer = threading.Timer(0.2, child.stdin.close)
        timer.start()
        workers.wait_for_exit(child.pid)
        reaper.join(HANG_GUARD)
        assert child.returncode == 0  # it ended on its own, after its stdin closed
    finally:
        child.kill()
        reaper.join(HANG_GUARD)


def test_wait_for_exit_of_a_process_that_is_gone_returns_at_once():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # ended and reaped: the pid names nothing now
    workers.wait_for_exit(child.pid)


def test_descendants_are_children_and_their_children():
    shell = subprocess.Popen(["sh", "-c", f"{' '.join(SLEEPER[:2])} '{SLEEPER[2]}' & wait"])
    try:
        for _ in range(int(HANG_GUARD / 0.05)):
            ours = workers.descendants(os.getpid())
            grandchildren = [pid for pid in ours if pid != shell.pid]
            if grandchildren:
                break
            threading.Event().wait(0.05)
        assert shell.pid in ours
        assert grandchildren
        assert os.getpid() not in ours
    finally:
        for pid in workers.descendants(shell.pid):
            os.kill(pid, 9)
        shell.kill()
        shell.wait()


def test_only_ray_processes_are_reaped():
    assert not workers._is_ray(os.getpid())  # pytest is not Ray
