"""What dedup puts around Ray: a local Ray on loopback, reaped, and signals Ray would eat.

Ray is used as it is (:class:`dedup.batch.executors.RayTasks`); these are the edges where its
defaults do not suit a command-line filter on a shared machine: a local node that listens
on every interface, agents that outlive a killed driver, a SIGTERM turned into exit 15 or
silently into exit 1, an unreachable address retried for many minutes, and remote
tracebacks in colour. Each is a small function here, checked by
``tests/test_faults_processes.py``.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

from dedup.errors import EngineError

LOOPBACK = "127.0.0.1"
"""The only address a local Ray of dedup's listens on: its gRPC servers, agents and workers."""

CONNECT_TIMEOUT = 10.0
"""Seconds to reach ``--ray-address`` before giving up; Ray itself retries for many minutes."""

SIGNALS = (signal.SIGINT, signal.SIGTERM)

WAIT_SLICE = 0.25
"""Seconds the driver waits inside Ray at a time, so a SIGTERM is acted on soon after."""


@contextlib.contextmanager
def termination_outside_ray() -> Iterator[list[int]]:
    """Defer SIGTERM while waiting inside Ray; deliver it again once out of Ray's code.

    Ray runs Python's signal handlers from inside its C++ wait, and an exception raised
    there (the CLI's SIGTERM handler unwinds the run with ``SystemExit``) becomes a silent
    exit 1. Here SIGTERM is only noted; the wait ends within :data:`WAIT_SLICE`, the
    previous handler is restored and the signal sent again, to run in plain Python code.
    """
    noted: list[int] = []
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, lambda number, frame: noted.append(number))
    try:
        yield noted
    finally:
        signal.signal(signal.SIGTERM, previous)
        if noted:
            os.kill(os.getpid(), signal.SIGTERM)


_NOT_A_CLUSTER = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"


@contextlib.contextmanager
def loopback_only(ray: Any) -> Iterator[None]:  # noqa: ANN401 (the ray module)
    """While a local Ray starts: a node that is no cluster's, so it binds to loopback only.

    On Linux, Ray turns ``127.0.0.1`` as the node address into the machine's external
    address, and its servers then listen on every interface. Its one switch for a
    single-machine node is ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` (the default on macOS
    and Windows), read into a constant when Ray is imported: both are set for the start,
    when the node's address is decided and its processes inherit the environment, and put
    back after. ``tests/test_faults_processes.py`` checks every listening socket.
    """
    constants: Any = sys.modules.get("ray._private.ray_constants")
    before = os.environ.get(_NOT_A_CLUSTER), getattr(constants, "ENABLE_RAY_CLUSTER", None)
    os.environ[_NOT_A_CLUSTER] = "0"
    if constants is not None:
        constants.ENABLE_RAY_CLUSTER = False
    try:
        yield
    finally:
        if before[0] is None:
            os.environ.pop(_NOT_A_CLUSTER, None)
        else:
            os.environ[_NOT_A_CLUSTER] = before[0]
        if constants is not None:
            constants.ENABLE_RAY_CLUSTER = before[1]


def start_reaper() -> subprocess.Popen[bytes]:
    """Start :func:`dedup.batch.workers.reap` for us: it kills our Ray if we are killed."""
    return subprocess.Popen(
        [sys.executable, "-m", "dedup.batch.workers", str(os.getpid())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # never holds our stdout open for a reader downstream
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the terminal's Ctrl-C and a group's SIGTERM pass it by
    )


JOIN_ATTEMPTS = 2
"""How often Ray tries to reach a cluster's GCS when joining (``RAY_NUM_REDIS_GET_RETRIES``)."""

JOIN_ATTEMPT_TIMEOUT = 5
"""Seconds of each attempt (``RAY_py_gcs_connect_timeout_s``; Ray's defaults: 20 of 30 s)."""


def bound_joining() -> None:
    """Bound the time Ray spends joining an address that takes connections but is no GCS.

    With its defaults Ray tries 20 times for 30 seconds each, about ten minutes, while
    Ctrl-C and SIGTERM wait; here about half a minute (measured 33 s, loaded machine). Both
    are environment variables Ray reads when it is imported, so this runs before that (and
    does nothing once Ray is imported, as in a notebook), and a value the user set is kept.
    """
    if "ray" in sys.modules:
        return  # read already; setting them now would only reach the processes we start
    os.environ.setdefault("RAY_NUM_REDIS_GET_RETRIES", str(JOIN_ATTEMPTS))
    os.environ.setdefault("RAY_py_gcs_connect_timeout_s", str(JOIN_ATTEMPT_TIMEOUT))


def check_reachable(address: str) -> None:
    """Refuse a ``HOST:PORT`` that takes no connection within :data:`CONNECT_TIMEOUT`.

    Ray retries an unreachable address for many minutes inside C++ code that never returns
    to Python, so Ctrl-C and SIGTERM waited as long; this connect is bounded and can be
    interrupted. Other forms (``auto``, a ``ray://`` client address) are Ray's to resolve.
    """
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit() or address in ("auto", "local"):
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as error:
        raise EngineError(
            f"--engine ray: cannot reach Ray at {address} within {CONNECT_TIMEOUT:g} s: "
            f"{error.strerror or error}"
        ) from None


def one_line(error: BaseException) -> str:
    """The first line of an exception's message, without the terminal colours Ray adds."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()
    return text.splitlines()[0] if text else type(error).__name__
