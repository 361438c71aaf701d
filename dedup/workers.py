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
    signal.signal(signal.SIGTERM, _stop)
    _signal_on_parent_death(signal.SIGTERM)
    watch = threading.Thread(target=_watch_driver, args=(driver,), name="driver-watch", daemon=True)
    watch.start()


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
