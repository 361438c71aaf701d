"""Everything a person reads: the stderr console, the summary table and the removal list.

rich decides about colour (a terminal, ``NO_COLOR``, ``TERM=dumb``); nothing here ever writes
to stdout, which carries only the cleaned text. The module is imported only when something
is to be shown, because importing rich costs more start-up time than the whole clean of a
small file.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dedup.pipeline import Result

PREVIEW_CHARS = 70
"""How much of a removed paragraph ``-v`` shows."""

err_console = Console(stderr=True, highlight=False, soft_wrap=False)


def show_error(message: str) -> None:
    """Print ``dedup: message`` as one line (markup in file names is escaped)."""
    err_console.print(f"[bold red]dedup:[/] {escape(message)}", soft_wrap=True)


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
            f"[dim]{escape(_preview(result.paragraph_text(match.index)))}[/]",
            soft_wrap=True,
        )


def show_stats(rows: Sequence[tuple[str, Result]]) -> None:
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


def _counts(result: Result) -> list[int]:
    total = len(result.paragraphs)
    removed = len(result.removed)
    exact = sum(1 for match in result.removed if match.score >= 100)
    return [total, total - removed, removed, exact, removed - exact]


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1] + "…"
