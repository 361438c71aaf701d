"""Everything a person reads: the stderr console, the summary table and the removal list.

rich decides about colour (a terminal, ``NO_COLOR``, ``TERM=dumb``); nothing here ever writes
to stdout, which carries only the cleaned text. The module is imported only when something
is to be shown, because importing rich costs more start-up time than the whole clean of a
small file.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dedup.corpus import Observer, Tally, preview
from dedup.pipeline import Result
from dedup.streaming import Summary

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

err_console = Console(stderr=True, highlight=False, soft_wrap=False)


def show_error(message: str) -> None:
    """Print ``dedup: message`` as one line (markup in file names is escaped)."""
    err_console.print(f"[bold red]dedup:[/] {escape(message)}", soft_wrap=True)


def show_warning(message: str) -> None:
    """Print ``dedup: warning: message`` as one line."""
    err_console.print(f"[yellow]dedup: warning:[/] {escape(message)}", soft_wrap=True)


def show_removals(name: str, result: Result) -> None:
    """List every removed paragraph, what it repeats, and the score (``-v``)."""
    for match in result.removed:
        removed = result.paragraphs[match.index]
        where = f"{escape(name)}:{removed.line}"
        if match.original >= 0:
            original = f"line {result.paragraphs[match.original].line}"
        else:
            original = "an earlier document"
        kind = "exact" if match.score >= 100 else f"{match.score:.1f}"
        err_console.print(
            f"[cyan]{where}[/] removed, repeats {original} ([bold]{kind}[/]): "
            f"[dim]{escape(preview(result.paragraph_text(match.index)))}[/]",
            soft_wrap=True,
        )


def show_stats(rows: Sequence[tuple[str, Result | Summary]]) -> None:
    """Print a table of paragraphs in, out and removed, per input and in total."""
    table = Table(title=None, box=None, header_style="bold", pad_edge=False)
    for column in ("input", "paragraphs", "kept", "removed", "exact", "near"):
        table.add_column(column, justify="left" if column == "input" else "right")
    totals = [0, 0, 0, 0, 0]
    for name, result in rows:
        counts = _counts(result)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        table.add_row(escape(name), *(f"{n:,}" for n in counts))
    if len(rows) > 1:
        table.add_row("[bold]total[/]", *(f"[bold]{n:,}[/]" for n in totals))
    err_console.print(table)


def _counts(result: Result | Summary) -> list[int]:
    if isinstance(result, Summary):  # a streamed input: counts only
        total, removed, exact = result.paragraphs, result.removed, result.exact
        return [total, total - removed, removed, exact, removed - exact]
    total = len(result.paragraphs)
    removed = len(result.removed)
    exact = sum(1 for match in result.removed if match.score >= 100)
    return [total, total - removed, removed, exact, removed - exact]


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
    for label, number in rows:
        table.add_row(label, f"{number:,}")
    err_console.print(table)
    top = tally.top()
    if top:
        repeats = Table(title=None, box=None, header_style="bold", pad_edge=False)
        repeats.add_column("removed", justify="right")
        repeats.add_column("most repeated paragraphs")
        for text, count in top:
            repeats.add_row(f"{count:,}", escape(text))
        err_console.print(repeats)


REFRESH_SECONDS = 0.1
"""How often the progress bar takes new numbers; more often only costs time in the loop."""


class _CorpusProgress:
    """Feeds a rich progress bar from the corpus loop, at most every ``REFRESH_SECONDS``."""

    def __init__(self, progress: Progress, task: TaskID, *, by_bytes: bool) -> None:
        self._progress = progress
        self._task = task
        self._by_bytes = by_bytes
        self._started = self._last = time.monotonic()

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
def corpus_progress(total: int | None, *, by_bytes: bool) -> Iterator[Observer]:
    """Show a transient progress bar on stderr while the corpus is cleaned.

    ``total`` is the number of input files, or with ``by_bytes`` their size; ``None`` shows
    counts and rates without a bar or an ETA. Stdout is never redirected or touched.
    """
    # Imported here: only a long run on a terminal needs it, and it costs start-up time.
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("[bold]dedup[/]"),
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
        task = progress.add_task("clean", total=total, documents="", paragraphs="")
        yield _CorpusProgress(progress, task, by_bytes=by_bytes)


PROGRESS_DELAY = 1.0
"""Seconds a plain clean runs before its progress bar appears: a quick run never flickers."""


class _ByteProgress:
    """Feeds a rich bar of bytes read, started once the run passes ``PROGRESS_DELAY``."""

    def __init__(self, total: int | None) -> None:
        self._total = total
        self._started = self._last = time.monotonic()
        self._bar: tuple[Progress, TaskID] | None = None

    def __call__(self, position: int) -> None:
        now = time.monotonic()
        if now - self._last < REFRESH_SECONDS:
            return
        self._last = now
        if self._bar is None:
            if now - self._started < PROGRESS_DELAY:
                return
            self._bar = self._start()
        progress, task = self._bar
        progress.update(task, completed=position, refresh=True)  # throttled above

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
def byte_progress(total: int | None) -> Iterator[Callable[[int], None]]:
    """Yield a callback taking the input bytes read so far; it draws a transient bar on stderr.

    The bar (bytes read, rate, ETA when ``total`` is known) appears only once the run has
    lasted ``PROGRESS_DELAY``, and is erased at the end. Stdout is never touched.
    """
    progress = _ByteProgress(total)
    try:
        yield progress
    finally:
        progress.stop()
