"""A run watched: what a person sees on stderr while it goes, and the exit status it ends with.

Shared by both roads into a run, the click command (:mod:`dedup.cli.command`) and the plain
start-up (:mod:`dedup.cli.launch`), and importing neither: each of them imports this.
Nothing here imports click; rich comes in through :mod:`dedup.cli.console`, and only when
there is something to show.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from dedup.batch.job import Job, Listener
from dedup.batch.run import run
from dedup.errors import DedupError
from dedup.io.files import STDIN
from dedup.io.outputs import Stdout
from dedup.options import MAX_FUZZY_CHARS

if TYPE_CHECKING:
    from dedup.cli.console import ByteBar, ProgressBar, StatsRow
    from dedup.corpus import Document, Tally
    from dedup.pipeline import Outcome, Result

EXIT_OK = 0
EXIT_REPEATS_FOUND = 1  # only with --check
EXIT_ERROR = 2  # usage, input and output errors
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # the reader went away: 128 + SIGPIPE, as a killed filter reports
EXIT_INTERNAL = 70  # a bug in dedup (EX_SOFTWARE); please report it
EXIT_OUT_OF_MEMORY = 71  # the system ran out of a resource (EX_OSERR): memory
EXIT_STDERR = 74  # stderr could not be written (EX_IOERR): nothing more can be said there
EXIT_TERMINATED = 143  # SIGTERM: 128 + SIGTERM, after removing any temporary file


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
    # Which --stats table: by what a document is (records, or files cleaned across each other),
    # never by the road (--jobs, Ray, a directory) or a reporting flag (--report, --output-dir).
    corpus_table = job.records is not None or job.across
    watcher = _Watcher(verbose=verbose, quiet=quiet, check=check, stats=stats and not corpus_table)
    with _progress(job, quiet=quiet, corpus=corpus) as watcher.bar:
        tally = run(job, watcher)
    watcher.finish(tally, stats=stats, corpus=corpus_table)
    return _exit_code(tally, check=check)


def _exit_code(tally: Tally, *, check: bool) -> int:
    if tally.failed:
        return EXIT_ERROR
    if check and tally.removed:
        return EXIT_REPEATS_FOUND
    return EXIT_OK


class _Watcher(Listener):
    """Shows what a run tells: removals (-v), "would clean" (--check), warnings, errors.

    rich (through :mod:`dedup.cli.console`) is imported only when there is something to show.
    """

    def __init__(self, *, verbose: bool, quiet: bool, check: bool, stats: bool) -> None:
        self.verbose = verbose
        self.quiet = quiet
        self.check = check
        self.rows: list[StatsRow] | None = [] if stats else None
        self.bar: ProgressBar | ByteBar | None = None

    def progress(self, tally: Tally, position: Callable[[], int | None]) -> None:
        if self.bar is not None:
            self.bar.update(tally, position)

    def stage(self, name: str, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.stage(name, done, total)

    def warn(self, message: str) -> None:
        if not self.quiet:
            from dedup.cli.console import show_warning

            show_warning(message)

    def failed(self, error: DedupError) -> None:
        show_error(str(error))

    def done(self, document: Document, outcome: Outcome) -> None:
        # Every road calls this once for every document, whole, streamed or in a shard.
        if outcome.result is not None and self.verbose:
            self._show(document, outcome.result)
        if self.check and not self.quiet and document.record is None and outcome.changed:
            from dedup.cli.console import show_would_clean

            show_would_clean(document.name)
        if self.rows is not None:  # one --stats row each
            removed, exact = outcome.removed, outcome.exact
            counts = [outcome.paragraphs, outcome.kept, removed, exact, removed - exact]
            self.rows.append((document.name, counts))

    def _show(self, document: Document, result: Result) -> None:
        """-v: the long paragraphs, how the text was read, and every removal and near miss."""
        if result.exact_only:
            self.warn(f"{document.name}: {_exact_only(len(result.exact_only))}")
        from dedup.cli.console import show_reading

        show_reading(document.name, result)
        if result.removed or result.near_misses:
            from dedup.cli.console import show_removals

            show_removals(document.name, result)

    def finish(self, tally: Tally, *, stats: bool, corpus: bool) -> None:
        """After the run: the long-paragraph warning, once, and the --stats table."""
        if tally.exact_only and not self.verbose:
            self.warn(f"{_exact_only(tally.exact_only)} (-v names the files)")
        if stats and corpus:
            from dedup.cli.console import show_corpus_stats

            show_corpus_stats(tally)
        elif stats:
            from dedup.cli.console import show_stats

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
    from dedup.io.files import input_size

    if not corpus:  # plain: a bar of bytes, once the run passes a second
        from dedup.cli.console import plain_progress

        return plain_progress(input_size(job.inputs))
    from dedup.cli.console import corpus_progress

    if job.records is not None:
        return corpus_progress(input_size(job.inputs), by_bytes=True)
    return corpus_progress(len(job.inputs), by_bytes=False)


def show_error(message: str) -> None:
    """One line on stderr, ``dedup: message``; rich is imported only now that there is one."""
    from dedup.cli import console

    console.show_error(message)
