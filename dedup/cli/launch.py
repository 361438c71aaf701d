"""Start the ``dedup`` command: a plain ``dedup clean [FILE...]`` runs without loading click.

Why: importing click costs more than Python's own start-up (about 30 ms of the 45 ms that
``python -c "import click"`` takes), and a shell loop over many small files pays it once per
file. So an invocation that names only files (no option, nothing click must interpret) builds
the same :class:`~dedup.batch.job.Job` as click would for it and runs it here; anything else
goes to :mod:`dedup.cli.command`, the one place that knows the flags. Both roads share what
follows the parsing: :func:`dedup.cli.watch.execute` (run the job, show what a person should
see, pick the exit code) and :func:`guarded` (every failure becomes one line and a documented
exit code).
``tests/test_cli_startup.py`` checks that the two roads build the same job.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

from dedup.batch.job import Job
from dedup.cli.watch import (
    EXIT_BROKEN_PIPE,
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    execute,
    show_error,
)
from dedup.errors import DedupError
from dedup.io.files import STDIN, PipeClosed, is_parquet, reason
from dedup.io.outputs import Stdout

if TYPE_CHECKING:
    pass


class Terminated(SystemExit):
    """Raised from the SIGTERM handler so that ``finally`` blocks remove temporary files."""


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the CLI and exit with the documented code; no expected failure shows a traceback."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    sys.exit(run_command(sys.argv[1:] if argv is None else argv))


def run_command(args: Sequence[str]) -> int:
    """Run the command line ``args`` (without the program name) and return its exit code."""
    files = plain_files(args)
    if files is None:
        from dedup.cli.command import parse_and_run  # click: only when there is something to parse

        return guarded(lambda: parse_and_run(args))
    return guarded(lambda: execute(plain_job(files)))


def plain_files(args: Sequence[str]) -> tuple[str, ...] | None:
    """The files of ``dedup clean FILE...`` when nothing else is asked, else None.

    Nothing else: every argument after ``clean`` is an operand (``-`` is stdin), and none is
    Parquet (that is a corpus run, with its own defaults). On Windows click expands wildcards
    in the arguments, so there every command goes through click.
    """
    if os.name != "posix" or not args or args[0] != "clean":
        return None
    files = tuple(args[1:])
    if any((name.startswith("-") and name != STDIN) or is_parquet(name) for name in files):
        return None
    return files


def plain_job(files: tuple[str, ...]) -> Job:
    """The job click builds for ``dedup clean FILE...`` with every option at its default."""
    return Job(inputs=files or (STDIN,), destination=Stdout(), on_bad_input="continue")


def guarded(call: Callable[[], int]) -> int:
    """Return ``call()``'s exit code; every failure that reaches here is one line on stderr
    and the documented code (click's own errors are caught inside :mod:`dedup.cli.command`)."""
    try:
        return call()
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except (BrokenPipeError, PipeClosed):
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except DedupError as error:
        show_error(str(error))
        return error.exit_code
    except OSError as error:
        # Reaches here only from writing stdout: ENOSPC on `> /dev/full`, EIO, ...
        show_error(f"write error: {reason(error)}")
        _flush_or_silence_stdout()
        return EXIT_ERROR
    except Exception as error:
        if os.environ.get("DEDUP_DEBUG"):
            raise
        show_error(
            f"internal error: {type(error).__name__}: {error} (set DEDUP_DEBUG=1 for details)"
        )
        return EXIT_INTERNAL


def _on_sigterm(signum: int, frame: FrameType | None) -> NoReturn:
    raise Terminated(EXIT_TERMINATED)


def _flush_or_silence_stdout() -> None:
    """Flush what stdout still holds; if it cannot take it, silence it (see below).

    Otherwise the interpreter's final flush fails again and prints "Exception ignored".
    """
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again.

    The recipe from the Python docs (signal module, "Note on SIGPIPE").
    """
    if sys.stdout is None:  # closed from the start (>&-); the pipe was an -o FIFO
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
