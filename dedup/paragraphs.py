"""Split text into paragraphs without losing a byte.

Lines own their terminators: ``\\n``, ``\\r\\n`` or a lone ``\\r``. Nothing else ends a line, not
a form feed and not U+2028, which is why ``str.splitlines()`` is never used here. A line that
holds only whitespace is blank. Every paragraph owns the run of blank lines just before it
(``lead``), so joining ``text[p.lead:p.end]`` over all paragraphs, plus the trailing blank lines,
gives the input back exactly.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import NamedTuple

from dedup.options import SplitMode

LONG_LINE_CHARS = 100
"""In ``auto`` mode, a block in which most lines are at least this long is one paragraph per
line: nobody hard-wraps prose that wide, so its lines are paragraphs an extractor wrote out."""

FIRST_BLOCK_LINES = 1000
"""In ``auto`` mode, a text whose first block has more lines than this is read line by line,
as a text of one block is.

A block that long is a list, not a paragraph (a log, a dump of extracted lines); and the rule
lets ``auto`` choose after this many lines instead of at the end of the input, so that a text
without blank lines streams. Read as ``paragraphs.FIRST_BLOCK_LINES`` by both roads (this
module and :mod:`dedup.streaming`), so a test can lower it for both.
"""

LINE = re.compile(r"[^\r\n]+(?:\r\n|\r|\n)?|\r\n|\r|\n")
"""One line and its terminator; the last line may have none.

Written so that no match ever backtracks: the text of a line, then its terminator if there is
one. (``[^\r\n]*`` before a required terminator, tried on a 40 MB line without one, ran to
its end and back one character at a time before the second alternative took it.)"""


class Paragraph(NamedTuple):
    """One paragraph's place in the text (offsets are ``str`` indices).

    ``lead`` is where the blank lines before it start (``lead == start`` when there are none),
    ``start`` and ``end`` delimit its own lines, terminators included, ``line`` is the 1-based
    number of its first line, and ``block`` numbers the blank-line-separated block it is in:
    several paragraphs share a block when its lines are read one paragraph each.

    A named tuple rather than a frozen dataclass: a million-line input makes a million of
    them, and a tuple is built several times faster.
    """

    lead: int
    start: int
    end: int
    line: int
    block: int


def split(text: str, mode: SplitMode = "auto") -> list[Paragraph]:
    """Return the paragraphs of ``text`` in order.

    >>> [text[p.start:p.end] for text in ["a\\nb\\n"] for p in split(text)]
    ['a\\n', 'b\\n']
    >>> [text[p.lead:p.end] for text in ["a\\nb\\n\\n\\nc"] for p in split(text)]
    ['a\\nb\\n', '\\n\\nc']
    """
    lines = LINE.findall(text)
    offsets = [0, *accumulate(map(len, lines))]
    blocks = _blocks(lines)
    per_line = mode == "line" or (mode == "auto" and _one_list(blocks))
    paragraphs: list[Paragraph] = []
    for number, (lead, first, last) in enumerate(blocks):
        # lead, first and last are line indices: blank lines from lead, content first..last.
        if per_line or (mode == "auto" and _looks_like_lines(lines[first : last + 1])):
            paragraphs.append(
                Paragraph(offsets[lead], offsets[first], offsets[first + 1], first + 1, number)
            )
            paragraphs.extend(
                Paragraph(offsets[i], offsets[i], offsets[i + 1], i + 1, number)
                for i in range(first + 1, last + 1)
            )
        else:
            paragraphs.append(
                Paragraph(offsets[lead], offsets[first], offsets[last + 1], first + 1, number)
            )
    return paragraphs


def _one_list(blocks: list[tuple[int, int, int]]) -> bool:
    """Whether ``auto`` reads the whole text line by line (see :data:`FIRST_BLOCK_LINES`)."""
    if len(blocks) == 1:
        return True
    return bool(blocks) and blocks[0][2] - blocks[0][1] + 1 > FIRST_BLOCK_LINES


def _looks_like_lines(lines: list[str]) -> bool:
    long_lines = sum(1 for line in lines if len(line.rstrip()) >= LONG_LINE_CHARS)
    return long_lines * 2 > len(lines)


def _blocks(lines: list[str]) -> list[tuple[int, int, int]]:
    """Return each run of non-blank lines as (first blank line before it, first, last)."""
    blocks: list[tuple[int, int, int]] = []
    lead = first = -1
    for index, line in enumerate(lines):
        if line.isspace():  # every line but the last has a terminator, which is whitespace
            if first >= 0:
                blocks.append((lead, first, index - 1))
                first = -1
                lead = index
        elif first < 0:
            first = index
            lead = 0 if lead < 0 else lead
    if first >= 0:
        blocks.append((lead, first, len(lines) - 1))
    return blocks
