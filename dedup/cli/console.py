"""Everything a person reads: the stderr console, the summary tables and the removal list.

Presentation only: values come in (results, counts), lines go out on stderr. The engine is
imported for type checking only, so showing a warning never loads corpus mode. rich decides
about colour (a terminal, ``NO_COLOR``, ``TERM=dumb``); nothing here ever writes to stdout,
which carries only the cleaned text. The module is imported only when something is to be
shown, because importing rich costs more start-up time than the whole clean of a small file.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from dedup.corpus import Tally
    from dedup.pipeline import Result

err_console = Console(stderr=True, highlight=False, soft_wrap=False)

PREVIEW_CHARS = 70
"""How much of a paragraph ``-v`` and the ``--stats`` top list show."""

LOG_WIDTH = 10_000
"""How wide a table may grow when stderr is a log, not a terminal: names are never cut there."""

StatsRow = tuple[str, list[int]]
"""One input of the plain ``--stats`` table: its name; paragraphs, kept, removed, exact, near."""


def preview(text: str) -> str:
    """A paragraph flattened to one line and cut short; odd input bytes shown as ``\\xNN``.

    >>> preview("Baca juga:\\n  Berita   lain caf\\udce9")
    'Baca juga: Berita lain caf\\\\xe9'
    """
    flat = " ".join(text.split())
    flat = flat.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1] + "…"


def show_error(message: str) -> None:
    """Print ``dedup: message`` as one line (markup in file names is escaped)."""
    err_console.print(f"[bold red]dedup:[/] {escape(message)}", soft_wrap=True)


def show_warning(message: str) -> None:
    """Print ``dedup: warning: message`` as one line."""
    err_console.print(f"[yellow]dedup: warning:[/] {escape(message)}", soft_wrap=True)


def show_reading(name: str, result: Result) -> None:
    """Say how the document was read (``-v``): lines, blocks, tables read whole, records."""
    from dedup.text.paragraphs import reading

    how = reading(result.source, result.paragraphs)
    err_console.print(f"[cyan]{escape(name)}[/]: read as {escape(how)}", soft_wrap=True)


def show_removals(name: str, result: Result) -> None:
    """List every removed paragraph, what it repeats, the score and why (``-v``); then every
    paragraph kept although it looked like a kept one, and why it is not a copy."""
    for match in result.removed:
        removed = result.paragraphs[match.index]
        where = f"{escape(name)}:{removed.line}"
        if match.earlier:
            original = "an earlier document"
        else:
            original = f"line {result.paragraphs[match.original].line}"
        kind = "exact" if match.exact else f"{match.score:.1f}"
        err_console.print(
            f"[cyan]{where}[/] removed, repeats {original} ([bold]{kind}[/]): "
            f"[dim]{escape(preview(result.paragraph_text(match.index)))}[/]",
            soft_wrap=True,
        )
        if match.reason and match.reason != "exact":
            err_console.print(f"  why: {escape(match.reason)}", soft_wrap=True)
    for miss in result.near_misses:
        kept = result.paragraphs[miss.index]
        like = "a paragraph of an earlier document"
        if not miss.earlier:
            like = f"line {result.paragraphs[miss.original].line}"
        err_console.print(
            f"[cyan]{escape(name)}:{kept.line}[/] kept, though like {like} "
            f"([bold]{miss.score:.1f}[/]): {escape(miss.reason)}",
            soft_wrap=True,
        )


def show_would_clean(name: str) -> None:
    """Say that ``--check`` found something to remove in ``name`` (as ``black --check`` does)."""
    err_console.print(f"would clean {escape(name)}", soft_wrap=True)


def show_stats(rows: Sequence[StatsRow]) -> None:
    """Print a table of paragraphs in, out and removed, per input and in total."""
    table = Table(title=None, box=None, header_style="bold", pad_edge=False)
    for column in ("input", "paragraphs", "kept", "removed", "exact", "near"):
        table.add_column(column, justify="left" if column == "input" else "right")
    totals = [0, 0, 0, 0, 0]
    for name, counts in rows:
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        table.add_row(escape(name), *(f"{n:,}" for n in counts))
    if len(rows) > 1:
        table.add_row("[bold]total[/]", *(f"[bold]{n:,}[/]" for n in totals))
    _print_table(table)


def _print_table(table: Table) -> None:
    """Print a table; into a log (not a terminal), as wide as it needs, so no name is cut."""
    if err_console.is_terminal:
        err_console.print(table)
    else:
        from rich.measure import Measurement

        unbounded = err_console.options.update_width(LOG_WIDTH)
        width = err_console.width
        # print(width=...) can only narrow; the console itself must be widened for the table.
        err_console.width = max(width, Measurement.get(err_console, unbounded, table).maximum)
        try:
            err_console.print(table)
        finally:
            err_console.width = width


def show_corpus_stats(tally: Tally) -> None:
    """Print the corpus summary and the most removed paragraphs (``--stats`` in corpus mode)."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="left")
    table.add_column(justify="right")
    rows = [
        ("documents", tally.documents),
        ("paragraphs in", tally.paragraphs),
        ("paragraphs out", tally.kept),
        ("removed, exact", tally.exact),
        ("removed, near", tally.near),
        ("bytes in", tally.bytes_in),
        ("bytes out", tally.bytes_out),
        ("bytes saved", tally.bytes_in - tally.bytes_out),
    ]
    if tally.skipped_records:
        rows.append(("bad records passed through", tally.skipped_records))
    if tally.dropped_records:
        rows.append(("emptied records dropped", tally.dropped_records))
    for label, number in rows:
        table.add_row(label, f"{number:,}")
    err_console.print(table)
    top = tally.top()
    if top:
        repeats = Table(title=None, box=None, header_style="bold", pad_edge=False)
        repeats.add_column("removed", justify="right")
        repeats.add_column("most repeated paragraphs")
        for text, count in top:
            repeats.add_row(f"{count:,}", escape(preview(text)))
        _print_table(repeats)


REFRESH_SECONDS = 0.1
"""How often the progress bar takes new numbers; more often only costs time in the loop."""


class ProgressBar:
    """Feeds a rich progress bar from the corpus loop, at most every ``REFRESH_SECONDS``."""

    def __init__(self, progress: Progress, task: TaskID, *, by_bytes: bool) -> None:
        self._progress = progress
        self._task = task
        self._by_bytes = by_bytes
        self._started = self._last = time.monotonic()
        self._stages: dict[str, TaskID] = {}

    def stage(self, name: str, done: int, total: int) -> None:
        """Show a stage of a sharded run as its own line: shards done, rate and ETA.

        Each stage gets its line when it starts (``shards prepared``, ``shards written``) and
        keeps it, so a person sees where a long run is; the line of the last shard is always
        drawn, whatever the refresh interval.
        """
        task = self._stages.get(name)
        if task is None:
            task = self._progress.add_task(
                f"shards {name}", total=total, documents="", paragraphs=""
            )
            self._stages[name] = task
        self._progress.update(task, completed=done, documents=f"{done:,} of {total:,} shards")

    def update(self, tally: Tally, position: Callable[[], int | None]) -> None:
        now = time.monotonic()
        if now - self._last < REFRESH_SECONDS:
            return
        self._last = now
        elapsed = max(now - self._started, 1e-9)
        completed = position() if self._by_bytes else tally.documents
        self._progress.update(
            self._task,
            completed=completed,
            documents=f"{tally.documents:,} docs ({tally.documents / elapsed:,.0f}/s)",
            paragraphs=f"{tally.paragraphs:,} paragraphs ({tally.paragraphs / elapsed:,.0f}/s)",
        )


@contextlib.contextmanager
def corpus_progress(total: int | None, *, by_bytes: bool) -> Iterator[ProgressBar]:
    """Show a transient progress bar on stderr while the corpus is cleaned.

    ``total`` is the number of input files, or with ``by_bytes`` their size; ``None`` shows
    counts and rates without a bar or an ETA. Stdout is never redirected or touched.
    """
    # Imported here: only a long run on a terminal needs it, and it costs start-up time.
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("[bold]{task.description}[/]"),
        BarColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[documents]}"),
        TextColumn("{task.fields[paragraphs]}"),
        console=err_console,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    with progress:
        task = progress.add_task("dedup", total=total, documents="", paragraphs="")
        yield ProgressBar(progress, task, by_bytes=by_bytes)


PROGRESS_DELAY = 1.0
"""Seconds a plain clean runs before its progress bar appears: a quick run never flickers."""


class ByteBar:
    """A bar of input bytes read, with rate and ETA, for a plain clean (one text at a time).

    It appears only once the run has lasted ``PROGRESS_DELAY`` and takes new numbers at most
    every ``REFRESH_SECONDS``. Without a position (stdin), the bytes counted so far stand in.
    """

    def __init__(self, total: int | None) -> None:
        self._total = total
        self._started = self._last = time.monotonic()
        self._bar: tuple[Progress, TaskID] | None = None

    def update(self, tally: Tally, position: Callable[[], int | None]) -> None:
        now = time.monotonic()
        if now - self._last < REFRESH_SECONDS:
            return
        self._last = now
        if self._bar is None:
            if now - self._started < PROGRESS_DELAY:
                return
            self._bar = self._start()
        progress, task = self._bar
        done = position()
        progress.update(task, completed=tally.bytes_in if done is None else done, refresh=True)

    def stage(self, name: str, done: int, total: int) -> None:
        """A plain clean is one text at a time: it has no stages to show."""

    def _start(self) -> tuple[Progress, TaskID]:
        # Imported here: only a long run on a terminal needs it, and it costs start-up time.
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        progress = Progress(
            TextColumn("[bold]dedup[/]"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        progress.start()
        return progress, progress.add_task("clean", total=self._total)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar[0].stop()


@contextlib.contextmanager
def plain_progress(total: int | None) -> Iterator[ByteBar]:
    """Show a transient bar of bytes read on stderr once a plain clean passes a second.

    ``total`` is the inputs' size in bytes, when known (regular files), for the ETA. Stdout is
    never redirected or touched.
    """
    bar = ByteBar(total)
    try:
        yield bar
    finally:
        bar.stop()
