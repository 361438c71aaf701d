"""A local worker process's tie to its driver: it stops when the driver stops, however it stops.

The workers of ``--jobs N`` are forked from multiprocessing's fork server, so their parent is
that server, not the driver, and a parent-death signal alone cannot see the driver go. Each
worker therefore watches the driver itself, from a thread that sleeps in the kernel until
the driver's process ends (a pidfd on Linux, kqueue on macOS and the BSDs, a once-a-second
check elsewhere). When it does, even by SIGKILL, the worker stops the way SIGTERM stops it:
the stage unwinds, the atomic writer removes its temporary, and the process exits. Once the
workers are gone the fork server and the resource tracker see their pipes close and exit
too, so nothing of the run is left. ``PR_SET_PDEATHSIG`` covers the fork server dying first.

:func:`start` is the pool's initializer; :class:`Stopped` is what SIGTERM raises in a worker.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import NoReturn

PR_SET_PDEATHSIG = 1
"""``prctl`` option from ``<linux/prctl.h>``: a signal sent to us when our parent exits."""

GRACE = 5.0
"""Seconds a worker has to unwind (and remove its temporary) before it exits regardless."""

POLL = 1.0
"""Seconds between checks of the driver where the kernel cannot tell us it ended."""


class Stopped(SystemExit):
    """SIGTERM in a worker: unwinds the running stage so ``finally`` blocks remove temporaries.

    A ``SystemExit``, so that a worker stopped between stages exits without a traceback. The
    executor's stage wrapper ends the process once the stage has unwound, since the pool
    would otherwise report the exception back and carry on with the next item.
    """


def start(driver: int) -> None:
    """Initialise a worker of ``driver``: signals, the parent-death signal, the watch thread.

    Ctrl-C reaches every process of the terminal's group; it is the driver's to handle (it
    stops the workers), and a worker that took it itself would print a traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_starting)
    _signal_on_parent_death(signal.SIGTERM)
    watch = threading.Thread(target=_watch_driver, args=(driver,), name="driver-watch", daemon=True)
    watch.start()
    signal.signal(signal.SIGTERM, _stop)


def _stop_starting(signum: int, frame: FrameType | None) -> NoReturn:
    """SIGTERM before the worker is ready (a pool being replaced): nothing to unwind yet.

    Raising here would make the pool log "Exception in initializer" and a traceback.
    """
    os._exit(128 + signum)


def _stop(signum: int, frame: FrameType | None) -> NoReturn:
    raise Stopped(128 + signum)


def _signal_on_parent_death(signum: int) -> None:
    """Linux only: the kernel sends ``signum`` when the fork server, our parent, exits."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # no libc to speak of: the watch remains
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0)


def _watch_driver(driver: int) -> None:
    """Wait for the driver to end, then stop this worker as SIGTERM would, then for sure."""
    wait_for_exit(driver)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE)  # a stage stuck in C code never returns to the handler
    os._exit(128 + signal.SIGTERM)


def wait_for_exit(pid: int) -> None:
    """Return once process ``pid`` has ended (at once if it is not running).

    Sleeps in the kernel where it can: a pidfd becomes readable (Linux), a kqueue
    ``NOTE_EXIT`` fires (macOS, the BSDs). Elsewhere polls every :data:`POLL` seconds, which
    a reused pid could fool; the kernel ways cannot be.
    """
    if not _waited_in_kernel(pid):
        while _running(pid):
            time.sleep(POLL)


if sys.platform == "linux":

    def _waited_in_kernel(pid: int) -> bool:
        try:
            descriptor = os.pidfd_open(pid)
        except ProcessLookupError:
            return True
        except OSError:
            return False  # a kernel before 5.3, or a sandbox that forbids it
        try:
            select.select([descriptor], [], [])  # readable once the process has ended
        finally:
            os.close(descriptor)
        return True

else:

    def _waited_in_kernel(pid: int) -> bool:
        if not hasattr(select, "kqueue"):
            return False
        try:
            queue = select.kqueue()
            exited = select.kevent(
                pid,
                filter=select.KQ_FILTER_PROC,
                flags=select.KQ_EV_ADD | select.KQ_EV_ONESHOT,
                fflags=select.KQ_NOTE_EXIT,
            )
            queue.control([exited], 1, None)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return True


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone's process, alive
    return True


def descendants(pid: int) -> list[int]:
    """The processes started by ``pid``, at any depth (a snapshot; never ``pid`` itself)."""
    children: dict[int, list[int]] = {}
    for child, parent in _parents():
        children.setdefault(parent, []).append(child)
    found: list[int] = []
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo += children.get(child, [])
    return found


def _parents() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process we can see: /proc on Linux, ps(1) elsewhere."""
    pairs: list[tuple[int, int]] = []
    proc = Path("/proc")
    if (proc / "self").is_dir():
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
            except OSError:
                continue  # it ended meanwhile
            pairs.append((int(entry.name), int(fields[1])))
        return pairs
    import subprocess

    listing = subprocess.run(
        ["ps", "-A", "-o", "pid=,ppid="], capture_output=True, check=False, text=True
    ).stdout
    for line in listing.splitlines():
        pid, _, parent = line.strip().partition(" ")
        if pid.isdigit() and parent.strip().isdigit():
            pairs.append((int(pid), int(parent.strip())))
    return pairs


def reap(driver: int) -> None:
    """Until ``driver`` ends, note the Ray processes it started; then kill those left.

    Run as ``python -m dedup.batch.workers DRIVER`` in a session of its own (the signals of the
    driver's terminal pass it by), started before Ray is. A driver that ends normally stops
    its Ray and then this process; one killed by SIGKILL cannot, and Ray's agents outlive
    their raylet by a minute or more. Only descendants whose command line is Ray's are
    noted, every :data:`REAP_POLL` seconds, so a reused pid has no time to be someone
    else's; processes that Ray started from those are killed as well.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    noted: set[int] = set()
    while _running(driver):
        noted |= {pid for pid in descendants(driver) if _is_ray(pid)}
        time.sleep(REAP_POLL)
    started = {child for parent in noted for child in descendants(parent)}
    for pid in noted | started:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


REAP_POLL = 0.5
"""Seconds between two looks at what a driver's Ray has started."""


def _is_ray(pid: int) -> bool:
    """Whether ``pid`` runs Ray: its binaries, its Python entry points, or a ``ray::`` title."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        import subprocess

        command = subprocess.run(
            ["ps", "-p", str(pid), "-o", "args="], capture_output=True, check=False
        ).stdout
    return command.startswith(b"ray::") or b"/ray/" in command


if __name__ == "__main__":
    reap(int(sys.argv[1]))
