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
from typing import NoReturn

from dedup.batch.job import Job
from dedup.cli.watch import (
    EXIT_BROKEN_PIPE,
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OUT_OF_MEMORY,
    EXIT_STDERR,
    EXIT_TERMINATED,
    execute,
    show_error,
)
from dedup.errors import DedupError, StderrFailed
from dedup.io.files import STDIN, PipeClosed, is_parquet, reason
from dedup.io.outputs import Stdout


class Terminated(SystemExit):
    """Raised from the SIGTERM handler so that ``finally`` blocks remove temporary files."""


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the CLI and exit with the documented code; no expected failure shows a traceback."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    code = run_command(sys.argv[1:] if argv is None else argv)
    try:  # what stderr still holds: a failure there is EXIT_STDERR, not Python's "lost stderr"
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        _silence(2)
        code = EXIT_STDERR
    sys.exit(code)


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
        return _reported(call)
    except StderrFailed:  # from the run, or from reporting its failure: nothing more to say
        _silence(2)
        return EXIT_STDERR


def _reported(call: Callable[[], int]) -> int:
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
    except MemoryError:
        _out_of_memory()
        return EXIT_OUT_OF_MEMORY
    except Exception as error:
        if os.environ.get("DEDUP_DEBUG"):
            raise
        show_error(
            f"internal error: {type(error).__name__}: {error} (set DEDUP_DEBUG=1 for details)"
        )
        return EXIT_INTERNAL


_OUT_OF_MEMORY = (
    b"dedup: out of memory: the input needs more than this process may use (RAM, ulimit -v); "
    b"no file was replaced or left half written\n"
)
"""Made before it is needed: at that moment even formatting a message may fail."""


def _out_of_memory() -> None:
    """Say "out of memory" on stderr with no allocation to speak of (no rich, no format).

    By the time the error reaches :func:`guarded`, the frames that held the big objects are
    gone and every temporary file was removed on the way (``atomic_writer``), so the inputs
    and the files that were to be replaced are as they were.
    """
    with contextlib.suppress(OSError, ValueError):
        os.write(2, _OUT_OF_MEMORY)


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
    _silence(1)


def _silence(descriptor: int) -> None:
    """Point ``descriptor`` (1: stdout, 2: stderr) at /dev/null; what Python still holds for
    it is then flushed there at exit, without a second failure."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(devnull, descriptor)
    os.close(devnull)
