"""Split text into paragraphs without losing a byte.

Lines own their terminators: ``\\n``, ``\\r\\n`` or a lone ``\\r``. Nothing else ends a line, not
a form feed and not U+2028, which is why ``str.splitlines()`` is never used here. A line that
holds only whitespace is blank. Every paragraph owns the run of blank lines just before it
(``lead``), so joining ``text[p.lead:p.end]`` over all paragraphs, plus the trailing blank lines,
gives the input back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

SplitMode = Literal["auto", "line", "block"]
SPLIT_MODES: tuple[SplitMode, ...] = ("auto", "line", "block")

LONG_LINE_CHARS = 100
"""In ``auto`` mode, a block in which most lines are at least this long is one paragraph per
line: nobody hard-wraps prose that wide, so its lines are paragraphs an extractor wrote out."""

LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
"""One line and its terminator; the last line may have none."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph's place in the text (offsets are ``str`` indices).

    ``lead`` is where the blank lines before it start (``lead == start`` when there are none),
    ``start`` and ``end`` delimit its own lines, terminators included, ``line`` is the 1-based
    number of its first line, and ``block`` numbers the blank-line-separated block it is in:
    several paragraphs share a block when its lines are read one paragraph each.
    """

    lead: int
    start: int
    end: int
    line: int
    block: int


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    width: int  # characters of content, trailing whitespace excluded
    number: int


def split(text: str, mode: SplitMode = "auto") -> list[Paragraph]:
    """Return the paragraphs of ``text`` in order.

    >>> [text[p.start:p.end] for text in ["a\\nb\\n"] for p in split(text)]
    ['a\\n', 'b\\n']
    >>> [text[p.lead:p.end] for text in ["a\\nb\\n\\n\\nc"] for p in split(text)]
    ['a\\nb\\n', '\\n\\nc']
    """
    blocks = list(_blocks(text))
    per_line = mode == "line" or (mode == "auto" and len(blocks) == 1)
    paragraphs: list[Paragraph] = []
    for number, (lead, lines) in enumerate(blocks):
        if per_line or (mode == "auto" and _looks_like_lines(lines)):
            for position, line in enumerate(lines):
                first = lead if position == 0 else line.start
                paragraphs.append(Paragraph(first, line.start, line.end, line.number, number))
        else:
            start, first_line = lines[0].start, lines[0].number
            paragraphs.append(Paragraph(lead, start, lines[-1].end, first_line, number))
    return paragraphs


def _looks_like_lines(lines: list[_Line]) -> bool:
    long_lines = sum(1 for line in lines if line.width >= LONG_LINE_CHARS)
    return long_lines * 2 > len(lines)


def _blocks(text: str) -> Iterator[tuple[int, list[_Line]]]:
    """Yield each run of non-blank lines with the offset where the blank lines before it start."""
    lead = 0
    lines: list[_Line] = []
    for number, found in enumerate(LINE.finditer(text), start=1):
        content = found.group().rstrip()
        if not content:
            if lines:
                yield lead, lines
                lines = []
                lead = found.start()
            continue
        lines.append(_Line(found.start(), found.end(), len(content), number))
    if lines:
        yield lead, lines
