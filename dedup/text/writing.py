"""Write the kept paragraphs back out: nothing but slices of the original text."""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import Generic, TypeVar

from dedup.text.lines import LINE
from dedup.text.paragraphs import Paragraph

Piece = TypeVar("Piece")
"""What :class:`Writer` writes: a slice of text, its offsets, or its bytes."""


class Writer(Generic[Piece]):
    """The render rule, one decided paragraph at a time: its one home, for every road.

    A removed paragraph takes the blank lines before it (its ``lead``) along, so no double
    gap is left, unless a later paragraph of the same block is kept: then the gap stays, so
    the kept lines do not run into the block above them. Decided in order, that is: a block's
    lead is written just before its first kept paragraph, and dropped with a block that keeps
    none. Blank lines after the last paragraph are no paragraph's and always stay.

    Generic in what a piece is: ``str`` slices for :func:`render`, ``(start, end)`` offsets for
    :func:`removed_spans`, ``bytes`` for :mod:`dedup.streaming`; the rule never looks inside.

    >>> writer = Writer[str]()
    >>> writer.take(0, "", "intro\\n", removed=False)
    ['', 'intro\\n']
    >>> writer.take(1, "\\n", "same\\n", removed=True)
    []
    >>> writer.take(1, "", "kept\\n", removed=False)
    ['\\n', '', 'kept\\n']
    """

    __slots__ = ("_block", "_held", "_kept")

    def __init__(self) -> None:
        self._block = -1  # the block of the last paragraph taken
        self._kept = False  # whether a paragraph of it was kept
        self._held: list[Piece] = []  # the leads of its removed paragraphs, until one is kept

    def take(self, block: int, lead: Piece, body: Piece, *, removed: bool) -> list[Piece]:
        """The pieces to write now for the next paragraph (``block`` numbers its block)."""
        if block != self._block:
            self._block, self._kept = block, False
            self._held = []
        if removed:
            if self._kept:  # the block's gap stays, written already: this lead is inside it
                return [lead]
            self._held.append(lead)
            return []
        out = [*self._held, lead, body]
        self._held = []
        self._kept = True
        return out


def removed_spans(
    text: str, paragraphs: Sequence[Paragraph], removed: Container[int]
) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets of every run of lines that removal deletes.

    What :class:`Writer` does not write; sorted, disjoint, and whole lines.
    """
    spans: list[tuple[int, int]] = []
    position = 0  # where what is written so far ends
    take = Writer[tuple[int, int]]().take
    for index, (lead, begin, finish, _, block) in enumerate(paragraphs):
        for start, end in take(block, (lead, begin), (begin, finish), removed=index in removed):
            if start == end:
                continue  # an empty lead: nothing written, and no seam between two spans
            if start > position:
                spans.append((position, start))
            position = end
    last = paragraphs[-1].end if paragraphs else 0
    if last > position:
        spans.append((position, last))
    return spans


def render(text: str, paragraphs: Sequence[Paragraph], removed: Container[int]) -> str:
    """Return ``text`` without the removed paragraphs, every other character untouched.

    What goes with a paragraph is :class:`Writer`'s rule (see :func:`removed_spans`).

    >>> from dedup.text.paragraphs import split
    >>> text = "intro\\n\\nsame\\n\\nsame\\n\\nend"
    >>> render(text, split(text), {2})
    'intro\\n\\nsame\\n\\nend'
    """
    parts: list[str] = []
    position = 0
    for start, end in removed_spans(text, paragraphs, removed):
        parts.append(text[position:start])
        position = end
    parts.append(text[position:])
    return "".join(parts)


DIFF_CONTEXT = 3
"""Lines of context around each hunk of ``--diff``, as ``diff -u`` gives."""


def unified_diff(text: str, spans: Sequence[tuple[int, int]], *, name: str) -> str:
    """Return a unified diff that deletes ``spans`` (whole lines) from ``text``.

    Built straight from the removed lines rather than by ``difflib``, which would search for
    an alignment we already know, in quadratic time on large inputs.

    >>> print(unified_diff("a\\nb\\nb\\n", [(4, 6)], name="f.txt"), end="")
    --- f.txt
    +++ f.txt (cleaned)
    @@ -1,3 +1,2 @@
     a
     b
    -b
    """
    if not spans:
        return ""
    lines = [match.group() for match in LINE.finditer(text)]
    gone = _removed_line_numbers(lines, spans)
    out = [f"--- {name}\n", f"+++ {name} (cleaned)\n"]
    removed_so_far = 0  # removed lines before the current hunk, to number the new side
    for first, last in _hunks(gone, len(lines)):
        body = [("-" if n in gone else " ") + _terminated(lines[n]) for n in range(first, last)]
        minus = sum(1 for line in body if line[0] == "-")
        old, new = last - first, last - first - minus
        out.append(f"@@ -{_range(first, old)} +{_range(first - removed_so_far, new)} @@\n")
        out.extend(body)
        removed_so_far += minus
    return "".join(out)


def _removed_line_numbers(lines: Sequence[str], spans: Sequence[tuple[int, int]]) -> set[int]:
    gone: set[int] = set()
    offset = 0
    span = 0
    for number, line in enumerate(lines):
        while span < len(spans) and spans[span][1] <= offset:
            span += 1
        if span < len(spans) and spans[span][0] <= offset < spans[span][1]:
            gone.add(number)
        offset += len(line)
    return gone


def _hunks(gone: set[int], total: int) -> list[tuple[int, int]]:
    hunks: list[tuple[int, int]] = []
    for number in sorted(gone):
        first, last = max(0, number - DIFF_CONTEXT), min(total, number + 1 + DIFF_CONTEXT)
        if hunks and first <= hunks[-1][1]:
            hunks[-1] = (hunks[-1][0], last)
        else:
            hunks.append((first, last))
    return hunks


def _range(first: int, count: int) -> str:
    # diff -u numbers lines from 1, and an empty range names the line before it.
    start = first + 1 if count else first
    return f"{start},{count}"


def _terminated(line: str) -> str:
    if line.endswith(("\n", "\r")):
        return line
    return line + "\n\\ No newline at end of file\n"
