"""Split text into paragraphs without losing a byte.

Lines are :mod:`dedup.text.lines`'s (the one line grammar: terminators, blank lines, record
separators, long lines). Every paragraph owns
the run of blank lines just before it (``lead``), so joining ``text[p.lead:p.end]`` over all
paragraphs, plus the trailing blank lines, gives the input back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import accumulate
from typing import NamedTuple

from dedup.options import SplitMode
from dedup.text.lines import LINE, is_boundary, most_are_long

FIRST_BLOCK_LINES = 1000
"""In ``auto`` mode, a text whose first block has more lines than this is read line by line,
as a text of one block is.

A block that long is a list, not a paragraph (a log, a dump of extracted lines); and the rule
lets ``auto`` choose after this many lines instead of at the end of the input, so that a text
without blank lines streams. Read as ``paragraphs.FIRST_BLOCK_LINES`` by both roads (this
module and :mod:`dedup.streaming`), so a test can lower it for both.
"""


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
    if mode == "auto" and blocks and is_changelog(lines[blocks[0][1]]):
        return [
            Paragraph(offsets[lead], offsets[first], offsets[last + 1], first + 1, number)
            for number, (lead, first, last) in enumerate(_uploads(lines, blocks))
        ]
    per_line = mode == "line" or (mode == "auto" and _one_list(lines, blocks))
    paragraphs: list[Paragraph] = []
    for number, (lead, first, last) in enumerate(blocks):
        # lead, first and last are line indices: blank lines from lead, content first..last.
        if per_line or (mode == "auto" and looks_like_lines(lines[first : last + 1])):
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


def _one_list(lines: list[str], blocks: list[tuple[int, int, int]]) -> bool:
    """Whether ``auto`` reads the whole text line by line (see :data:`FIRST_BLOCK_LINES`):
    a text of one block, unless it is a drawn table, or a first block too long to be a
    paragraph."""
    if not blocks:
        return False
    _, first, last = blocks[0]
    if last - first + 1 > FIRST_BLOCK_LINES:
        return True
    return len(blocks) == 1 and not is_drawn_table(lines[first:])


_UPLOAD = re.compile(
    r"[a-z0-9][a-z0-9+.-]* \([^()\s]+\) [^;\r\n]+; [^\r\n]*urgency=", re.IGNORECASE
)
"""The first line of an upload in a Debian changelog: ``pkg (1.2-3) unstable; urgency=low``
(in any case: a copy that capitalised it is still a header)."""


def is_changelog(first_line: str) -> bool:
    """Whether a text whose first line is ``first_line`` is a Debian changelog.

    A changelog is made of records, one per upload (its header, its entries, its sign-off):
    ``auto`` reads each upload as one paragraph, so an upload that repeats an earlier one goes
    whole, and an entry that every upload has (``* New upstream release``) stays in each.

    >>> is_changelog("debianutils (5.1-1) unstable; urgency=medium\\n")
    True
    """
    return _UPLOAD.match(first_line) is not None


def _uploads(lines: list[str], blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The lines of a changelog's blocks as uploads: each from a header to the line before
    the next one (a header may stand right under another upload's lines, with no blank line)."""
    uploads: list[tuple[int, int, int]] = []
    for lead, first, last in blocks:
        for line in range(first, last + 1):
            if not uploads or _UPLOAD.match(lines[line]):
                uploads.append((lead if line == first else line, line, line))
            else:
                uploads[-1] = (uploads[-1][0], uploads[-1][1], line)
    return uploads


def looks_like_lines(lines: Sequence[str]) -> bool:
    """Whether ``auto`` reads a block (not the whole text) one line at a time: most lines
    are long (:func:`dedup.text.lines.most_are_long`), and it is no table (:func:`is_table`)."""
    return most_are_long(lines) and not is_table(lines)


def looks_like_lines_bytes(lines: Sequence[bytes]) -> bool:
    """:func:`looks_like_lines` of lines' bytes: lengths in characters, tables by their text."""
    return looks_like_lines([line.decode("utf-8", "surrogateescape") for line in lines])


TABLE_ROWS = 3
"""Lines a block needs before its aligned columns make it a table."""
TABLE_COLUMNS = 2
"""Columns (starts of text after a gap of two spaces or more) that most rows must share."""
_BOX = re.compile(r"[\u2500-\u257f]|^\s*[+|](?:[-=:]+[+|])+\s*$")
"""A box-drawing character, or a row border drawn in ASCII (``+----+----+``, ``|---|---|``)."""
_GAP = re.compile(r"(?<=\S)  +(?=\S)")


def is_drawn_table(lines: Sequence[str]) -> bool:
    """Whether a block is a table drawn with box characters or ASCII borders.

    The test for a text of one block, which ``auto`` reads line by line unless it is drawn:
    aligned columns alone do not count there, since a log or a listing aligns its columns
    and its lines are its records.
    """
    return any(_BOX.search(line) for line in lines)


def is_drawn_table_bytes(chunks: Sequence[bytes]) -> bool:
    """:func:`is_drawn_table` of bytes (lines, or chunks of whole lines)."""
    return is_drawn_table(LINE.findall(b"".join(chunks).decode("utf-8", "surrogateescape")))


def is_table(lines: Sequence[str]) -> bool:
    """Whether a block is a table: drawn with box characters or ASCII borders, or rows whose
    columns line up. A table is read whole, never one line at a time: its row borders repeat
    by design, and a cell's lines mean nothing without their row (systemd's man pages at 80
    columns lost cell lines and borders to line-by-line reading).

    >>> is_table(["┌────┬────┐\\n", "│ a  │ b  │\\n", "└────┴────┘\\n"])
    True
    >>> is_table(["name   size   kind\\n", "a.txt  10     file\\n", "docs   -      dir\\n"])
    True
    >>> is_table(["A long line of prose, wrapped  here.\\n", "And another one.\\n"])
    False
    """
    if is_drawn_table(lines):
        return True
    if len(lines) < TABLE_ROWS:
        return False
    counts: dict[int, int] = {}
    for line in lines:
        for gap in _GAP.finditer(line):
            counts[gap.end()] = counts.get(gap.end(), 0) + 1
    shared = sum(1 for count in counts.values() if count * 3 >= len(lines) * 2)
    return shared >= TABLE_COLUMNS


def _blocks(lines: list[str]) -> list[tuple[int, int, int]]:
    """Return each run of non-blank lines as (first blank line before it, first, last)."""
    blocks: list[tuple[int, int, int]] = []
    lead = first = -1
    for index, line in enumerate(lines):
        if is_boundary(line):  # every line but the last has a terminator, which is whitespace
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


def reading(text: str, paragraphs: Sequence[Paragraph]) -> str:
    """How ``split`` read a text, for ``-v``: lines, blocks, which blocks line by line, the
    tables read whole and the records bounded by separators.

    >>> text = "a\\n%\\nb\\n\\n" + "x" * 120 + "\\n" + "y" * 120 + "\\n"
    >>> reading(text, split(text))
    'blocks, 1 of them line by line (long lines); records bounded by 1 separator line (%)'
    """
    lines = LINE.findall(text)
    per_block: dict[int, list[Paragraph]] = {}
    for paragraph in paragraphs:
        per_block.setdefault(paragraph.block, []).append(paragraph)
    by_line = [b for b, found in per_block.items() if len(found) > 1]
    if not per_block:
        return "nothing to read"
    count = len(paragraphs)
    if len(per_block) == count and is_changelog(text[paragraphs[0].start : paragraphs[0].end]):
        return f"records: {count} upload{'s' * (count > 1)} of a Debian changelog"
    if len(per_block) == 1 and by_line:
        parts = ["lines"]
    elif len(by_line) == len(per_block):
        parts = ["blocks, each line by line (long lines)"]
    elif by_line:
        parts = [f"blocks, {len(by_line)} of them line by line (long lines)"]
    else:
        parts = ["blocks"]
    tables = 0
    for found in per_block.values():
        if len(found) == 1:
            first = found[0]
            block_lines = LINE.findall(text[first.start : first.end])
            tables += len(block_lines) > 1 and is_table(block_lines)
    extras = []
    if tables:
        extras.append(f"{tables} table{'s' * (tables > 1)} read whole")
    separators = sum(1 for line in lines if not line.isspace() and is_boundary(line))
    if separators:
        extras.append(f"records bounded by {separators} separator line{'s' * (separators > 1)} (%)")
    return "; ".join([", ".join(parts), *extras])
