"""Start the ``dedup`` command: a plain ``dedup clean [FILE...]`` runs without loading click.

Why: importing click costs more than Python's own start-up (about 30 ms of the 45 ms that
``python -c "import click"`` takes), and a shell loop over many small files pays it once per
file. So an invocation that names only files (no option, nothing click must interpret) builds
the same :class:`~dedup.batch.Job` as click would for it and runs it here; anything else goes
to :mod:`dedup.cli`, the one place that knows the flags. Both roads share what follows the
parsing: :func:`execute` (run the job, show what a person should see, pick the exit code) and
:func:`guarded` (every failure becomes one line and a documented exit code).
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

from dedup.errors import DedupError
from dedup.files import STDIN, PipeClosed, is_parquet, reason
from dedup.job import Job, Listener
from dedup.options import MAX_FUZZY_CHARS
from dedup.outputs import Stdout
from dedup.run import run

if TYPE_CHECKING:
    from dedup.console import ByteBar, ProgressBar, StatsRow
    from dedup.corpus import Document, Tally
    from dedup.pipeline import Result
    from dedup.streaming import Summary

EXIT_OK = 0
EXIT_REPEATS_FOUND = 1  # only with --check
EXIT_ERROR = 2  # usage, input and output errors
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # the reader went away: 128 + SIGPIPE, as a killed filter reports
EXIT_INTERNAL = 70  # a bug in dedup (EX_SOFTWARE); please report it
EXIT_OUT_OF_MEMORY = 71  # the system ran out of a resource (EX_OSERR): memory
EXIT_TERMINATED = 143  # SIGTERM: 128 + SIGTERM, after removing any temporary file


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
        from dedup.cli import parse_and_run  # click: only when there is something to parse

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


def execute(
    job: Job,
    *,
    verbose: bool = False,
    quiet: bool = False,
    check: bool = False,
    stats: bool = False,
    corpus: bool = False,
) -> int:
    """Run ``job``, show a person what they asked to see on stderr, return the exit code."""
    watcher = _Watcher(verbose=verbose, quiet=quiet, check=check, stats=stats and not corpus)
    with _progress(job, quiet=quiet, corpus=corpus) as watcher.bar:
        tally = run(job, watcher)
    watcher.finish(tally, stats=stats, corpus=corpus)
    return _exit_code(tally, check=check)


def guarded(call: Callable[[], int]) -> int:
    """Return ``call()``'s exit code; every failure that reaches here is one line on stderr
    and the documented code (click's own errors are caught inside :mod:`dedup.cli`)."""
    try:
        return call()
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except (BrokenPipeError, PipeClosed):
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except DedupError as error:
        _error(str(error))
        return error.exit_code
    except OSError as error:
        # Reaches here only from writing stdout: ENOSPC on `> /dev/full`, EIO, ...
        _error(f"write error: {reason(error)}")
        _flush_or_silence_stdout()
        return EXIT_ERROR
    except MemoryError:
        _out_of_memory()
        return EXIT_OUT_OF_MEMORY
    except Exception as error:
        if os.environ.get("DEDUP_DEBUG"):
            raise
        _error(f"internal error: {type(error).__name__}: {error} (set DEDUP_DEBUG=1 for details)")
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


def _exit_code(tally: Tally, *, check: bool) -> int:
    if tally.failed:
        return EXIT_ERROR
    if check and tally.removed:
        return EXIT_REPEATS_FOUND
    return EXIT_OK


class _Watcher(Listener):
    """Shows what a run tells: removals (-v), "would clean" (--check), warnings, errors.

    rich (through :mod:`dedup.console`) is imported only when there is something to show.
    """

    def __init__(self, *, verbose: bool, quiet: bool, check: bool, stats: bool) -> None:
        self.verbose = verbose
        self.quiet = quiet
        self.check = check
        self.rows: list[StatsRow] | None = [] if stats else None
        self.bar: ProgressBar | ByteBar | None = None

    def cleaned(self, document: Document, result: Result) -> None:
        if result.exact_only and self.verbose:
            self.warn(f"{document.name}: {_exact_only(len(result.exact_only))}")
        if self.verbose and (result.removed or result.near_misses):
            from dedup.console import show_removals

            show_removals(document.name, result)
        if self.rows is not None:
            from dedup.console import stats_row

            self.rows.append(stats_row(document.name, result))

    def changed(self, document: Document) -> None:
        if self.check and not self.quiet:
            from dedup.console import show_would_clean

            show_would_clean(document.name)

    def progress(self, tally: Tally, position: Callable[[], int | None]) -> None:
        if self.bar is not None:
            self.bar.update(tally, position)

    def warn(self, message: str) -> None:
        if not self.quiet:
            from dedup.console import show_warning

            show_warning(message)

    def failed(self, error: DedupError) -> None:
        _error(str(error))

    def streamed(self, document: Document, summary: Summary) -> None:
        # As cleaned() for a document cleaned as it was read (never with -v: that needs it whole;
        # the run calls changed() for --check and counts the long paragraphs in the tally).
        if self.rows is not None:
            removed, exact = summary.removed, summary.exact
            counts = [summary.paragraphs, summary.kept, removed, exact, removed - exact]
            self.rows.append((document.name, counts))

    def finish(self, tally: Tally, *, stats: bool, corpus: bool) -> None:
        """After the run: the long-paragraph warning, once, and the --stats table."""
        if tally.exact_only and not self.verbose:
            self.warn(f"{_exact_only(tally.exact_only)} (-v names the files)")
        if stats and corpus:
            from dedup.console import show_corpus_stats

            show_corpus_stats(tally)
        elif stats:
            from dedup.console import show_stats

            show_stats(self.rows or [])


def _exact_only(count: int) -> str:
    return (
        f"{count:,} paragraph(s) longer than {MAX_FUZZY_CHARS:,} characters checked for "
        "exact repeats only"
    )


def _progress(
    job: Job, *, quiet: bool, corpus: bool
) -> contextlib.AbstractContextManager[ProgressBar | ByteBar | None]:
    """A progress bar on stderr, only for a person watching a terminal that stdout is not on."""
    to_stdout = isinstance(job.destination, Stdout)
    if (
        quiet
        or job.report == STDIN
        or not sys.stderr
        or not sys.stderr.isatty()
        or (to_stdout and sys.stdout is not None and sys.stdout.isatty())
    ):
        return contextlib.nullcontext()
    from dedup.files import input_size

    if not corpus:  # plain: a bar of bytes, once the run passes a second
        from dedup.console import plain_progress

        return plain_progress(input_size(job.inputs))
    from dedup.console import corpus_progress

    if job.records is not None:
        return corpus_progress(input_size(job.inputs), by_bytes=True)
    return corpus_progress(len(job.inputs), by_bytes=False)


def _error(message: str) -> None:
    from dedup.console import show_error  # rich is imported only when there is something to show

    show_error(message)


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
