"""Errors the core raises; the CLI turns each into one line on stderr and its exit code.

No click here: a Python user catches :class:`DedupError` and never sees a terminal concern.
"""

from __future__ import annotations


class DedupError(Exception):
    """Base of every error dedup reports to a user instead of crashing."""

    exit_code = 2


class InputError(DedupError):
    """An input cannot be read or is not text: missing, a directory, binary, unreadable."""


class OutputError(DedupError):
    """The result cannot be written: a full disk, a closed stdout, a refused in-place edit."""


class StderrFailed(Exception):
    """Standard error could not be written (``2>/dev/full``, a closed pipe): not a
    :class:`DedupError`, since there is nowhere left to say it. The CLI exits with its own code."""


RAY_INSTALL = "pip install '.[ray]' in dedup's clone"
"""What to run when ``--engine ray`` or Parquet meets an installation without the extra."""


class MissingExtra(DedupError):
    """An optional dependency (Ray, pyarrow) is not installed; the message says how to add it.

    Exit code 2, as a usage error: the command asked for something this installation lacks.
    """


class EngineError(DedupError):
    """Ray could not be started or joined (exit 2: the run never began)."""
