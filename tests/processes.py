"""Run the real ``dedup`` in a child process, for what CliRunner cannot show.

Pipes, signals, closed descriptors, ``/dev/full``, resource limits and the interpreter's own
exit (its final flush, "Exception ignored" messages) exist only in a real process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

DEDUP = (sys.executable, "-m", "dedup")
HANG_GUARD = 120
"""Seconds after which a child is deemed hung; a guard only, never a measurement."""

# Variables that change how Python or dedup behave; each test sets the ones it means to.
_ISOLATE = ("PYTHONUNBUFFERED", "PYTHONIOENCODING", "PYTHONUTF8", "LC_ALL", "DEDUP_DEBUG")


def environment(**overrides: str) -> dict[str, str]:
    """The parent's environment without the variables above, plus ``overrides``."""
    env = {name: value for name, value in os.environ.items() if name not in _ISOLATE}
    env.update(overrides)
    return env


def dedup(
    *args: str | bytes | os.PathLike[str],
    env: dict[str, str] | None = None,
    **options: Any,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``dedup ARGS``; stdout and stderr are captured unless ``options`` say otherwise."""
    options.setdefault("stdout", subprocess.PIPE)
    options.setdefault("stderr", subprocess.PIPE)
    options.setdefault("timeout", HANG_GUARD)
    return subprocess.run([*DEDUP, *args], env=env or environment(), check=False, **options)


def shell(
    script: str, *, env: dict[str, str] | None = None, **options: Any
) -> subprocess.CompletedProcess[bytes]:
    """Run a bash ``script`` in which ``$DEDUP`` is the command, for redirections like ``>&-``."""
    env = dict(env or environment())
    env["DEDUP"] = " ".join(DEDUP)
    return subprocess.run(
        ["bash", "-c", script],
        env=env,
        check=False,
        capture_output=True,
        timeout=HANG_GUARD,
        **options,
    )


WAYS = ("file argument", "pipe", "stdin redirect")


def run_three_ways(way, data, tmp_path, *args):
    """Run ``dedup clean ARGS`` on ``data`` given as a file name, through a pipe, or as ``< file``."""
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    if way == "file argument":
        return dedup("clean", *args, path)
    if way == "pipe":
        return dedup("clean", *args, input=data)
    with path.open("rb") as redirected:
        return dedup("clean", *args, stdin=redirected)
