"""The command line: click options to a job, a job's outcome to stderr and an exit code.

The only layer that imports click or rich. ``main`` is the console script (``dedup``); it is
a function here, not an import of :mod:`dedup.cli.launch`, so that importing
:mod:`dedup.cli.console` (or this package) loads nothing of the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run ``dedup`` with ``argv`` (default: the process's arguments) and exit."""
    from dedup.cli.launch import main as launch

    launch(argv)
