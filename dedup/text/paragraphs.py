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
from typing import Literal, NamedTuple

from dedup.options import SplitMode
from dedup.text.lines import LINE, is_boundary, lines_of, most_are_long

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

    >>> [text[p.start : p.end] for text in ["a\\nb\\n"] for p in split(text)]
    ['a\\n', 'b\\n']
    >>> [text[p.lead : p.end] for text in ["a\\nb\\n\\n\\nc"] for p in split(text)]
    ['a\\nb\\n', '\\n\\nc']
    """
    lines = LINE.findall(text)
    offsets = [0, *accumulate(map(len, lines))]
    blocks = _blocks(lines)
    kind = record_kind(lines[:RECORD_LOOKAHEAD]) if mode == "auto" and blocks else None
    if kind is not None:
        return [
            Paragraph(offsets[lead], offsets[first], offsets[last + 1], first + 1, number)
            for number, (lead, first, last) in enumerate(_RECORDS[kind](lines, blocks))
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


RECORD_LOOKAHEAD = 100
"""In ``auto`` mode, a text with a record separator line (:data:`RECORD_SEPARATORS`) among its
first this many lines is made of records (a fortune file: its first separator comes within
the first 30 lines in each of the 97 files of Debian's ``fortunes`` packages, though a first
fortune may hold blank lines). Read as ``paragraphs.RECORD_LOOKAHEAD`` by both roads."""

RecordKind = Literal["changelog", "man page", "separated"]
"""The texts ``auto`` reads by records: a Debian changelog (uploads), a man page rendered as
text (entries), a text of records bounded by separator lines (fortunes)."""

_SECTION = re.compile(r"\(\d[\w+]*\)$")


def is_man_header(line: str) -> bool:
    """Whether ``line`` is the first line of a man page rendered as text: its name and section
    in the first and the last field (``LS(1)   User Commands   LS(1)``), or, where the three
    fields overlap as in gcloud's pages, the name again in the last
    (``GCLOUD_X_YGeneral CommandGCLOUD_X_Y(1)``). A sentence that ends in a reference
    (``See ls(1)``) does not repeat its first word there.

    >>> [is_man_header(x) for x in ("LS(1)     User Commands     LS(1)", "See also ls(1)")]
    [True, False]
    """
    fields = line.split()
    if not fields or not _SECTION.search(fields[-1]):
        return False
    name = fields[0].split("(", 1)[0][:4]
    if not name:
        return False
    if len(fields) == 1:
        return fields[0].find(name, 1) > 0
    return name in fields[-1] or fields[-1] in fields[:-1]


def record_kind(head: Sequence[str]) -> RecordKind | None:
    """What records a text whose first lines are ``head`` is made of, if any.

    Read from the head alone, so that a stream can tell before it writes a byte: a Debian
    changelog by its first line, a man page by its first line and the blank one under it,
    separated records by a separator line among the first :data:`RECORD_LOOKAHEAD`.

    >>> record_kind(["A fortune.\\n", "\\n", "Its second part.\\n", "%\\n", "Another.\\n"])
    'separated'
    >>> record_kind(["LS(1)                 User Commands                 LS(1)\\n", "\\n"])
    'man page'
    >>> record_kind(["Prose, and a percentage: 50%\\n"]) is None
    True
    """
    at = next((i for i, line in enumerate(head) if not is_boundary(line)), None)
    if at is not None and is_changelog(head[at]):
        return "changelog"
    under = head[at + 1] if at is not None and at + 1 < len(head) else ""
    if at is not None and under.isspace() and is_man_header(head[at]):
        return "man page"  # a page's header stands alone: a blank line under it
    if any(not line.isspace() and is_boundary(line) for line in head[:RECORD_LOOKAHEAD]):
        return "separated"
    return None


def _separated(lines: list[str], blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The blocks of a text of separated records, joined into records: a record runs from one
    separator line to the next, blank lines inside it included (a fortune of two stanzas is one
    record, which goes whole or stays whole)."""
    records: list[tuple[int, int, int]] = []
    for lead, first, last in blocks:
        bounded = any(not line.isspace() for line in lines[lead:first])  # a separator
        if records and not bounded:
            records[-1] = (records[-1][0], records[-1][1], last)
        else:
            records.append((lead, first, last))
    return records


_SENTENCE_END = tuple(".;,!?")
"""How a line that is a sentence ends, not a tag (``This must be specified.``)."""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _body_indent(lines: list[str], blocks: list[tuple[int, int, int]]) -> int:
    """A man page's body indent: most often that of the line under a section heading (a
    heading stands at column 0, its text under it, at 7 columns in most pages); else the
    shallowest indented block."""
    under = [
        _indent(lines[first + 1])
        for _, first, last in blocks
        if last > first and _indent(lines[first]) == 0 and _indent(lines[first + 1]) > 0
    ]
    if under:
        return max(set(under), key=under.count)
    return min((i for i in (_indent(lines[first]) for _, first, _ in blocks) if i), default=1)


def _entries(lines: list[str], blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The blocks of a man page, each option entry (its tag and every paragraph of its
    description) joined into one record: see :func:`_entry_heads`."""
    blocks = _headed(lines, blocks)
    records: list[tuple[int, int, int]] = []
    for (lead, first, last), joined in zip(blocks, _entry_heads(lines, blocks), strict=True):
        if joined == "in":
            records[-1] = (records[-1][0], records[-1][1], last)
        else:
            records.append((lead, first, last))
    return records


def _headed(lines: list[str], blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """A man page's blocks with each section's heading (at column 0, right above the
    section's first paragraph or entry, with no blank line between) a block of its own: so
    the first entry of a section reads as every other entry does."""
    found: list[tuple[int, int, int]] = []
    for lead, first, last in blocks:
        if _indent(lines[first]) == 0 and last > first and _indent(lines[first + 1]) > 0:
            found += [(lead, first, first), (first + 1, first + 1, last)]
        else:
            found.append((lead, first, last))
    return found


def _entry_heads(lines: list[str], blocks: list[tuple[int, int, int]]) -> list[str]:
    """For each block of a man page: ``"head"`` when it opens an entry, ``"in"`` when it is
    part of the open one, ``""`` otherwise.

    An entry's head is a block at the page's body indent or deeper that is a tag alone (one
    line, no sentence: ``--region=REGION``, ``OPERATION``), hangs (a later line deeper than
    its first: ``-c     with -lt: sort by``, and gcloud's argument groups, whose first line
    or two stand shallower than the rest) or introduces what follows (it ends in ``:``, as an
    example's caption does); the entry runs on through the blocks indented
    deeper than the tag. So a description line that two entries share stays in each,
    and a section's heading (at column 0) or a subsection's (shallower than the body) never
    swallows its section.
    """
    body = _body_indent(lines, blocks)
    found: list[str] = []
    tag = -1  # indent of the open entry's tag, or -1 outside one
    for _, first, last in blocks:
        indent = _indent(lines[first])
        if tag >= 0 and indent > tag:
            found.append("in")
            continue
        end = lines[last].rstrip()[-1:]
        alone = last == first and end not in _SENTENCE_END
        deeper = any(_indent(lines[i]) > indent for i in range(first + 1, last + 1))
        hangs = alone or end == ":" or deeper
        tag = indent if indent >= body and hangs else -1
        found.append("head" if tag >= 0 else "")
    return found


_RECORDS = {"changelog": _uploads, "man page": _entries, "separated": _separated}


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
    """:func:`is_drawn_table` of bytes (lines, or chunks of whole lines), line by line: a line
    of hundreds of megabytes is neither joined to the others nor decoded."""
    return any(is_drawn_line_bytes(line) for chunk in chunks for line in lines_of(chunk))


_ASCII_BORDER = re.compile(rb"[\s\x1c-\x1f]*[+|](?:[-=:]+[+|])+[\s\x1c-\x1f]*$")
"""The ASCII half of :data:`_BOX`, on one line's bytes (``str``'s ``\\s`` has \\x1c-\\x1f too)."""


def is_drawn_line_bytes(line: bytes) -> bool:
    """:func:`is_drawn_table` of one line, given as UTF-8 bytes: an ASCII line (which holds
    no box character) is searched as bytes, not decoded.

    >>> is_drawn_line_bytes(b"+----+----+\\r\\n"), is_drawn_line_bytes("│ a │".encode())
    (True, True)
    """
    if line.isascii():
        return _ASCII_BORDER.match(line) is not None
    return _BOX.search(line.decode("utf-8", "surrogateescape")) is not None


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
    tables read whole, or the records it is made of.

    >>> text = "a\\n\\n" + "x" * 120 + "\\n" + "y" * 120 + "\\n"
    >>> reading(text, split(text))
    'blocks, 1 of them line by line (long lines)'
    >>> text = "A fortune.\\n\\nIts second stanza.\\n%\\nAnother fortune.\\n"
    >>> reading(text, split(text))
    'records: 2 records bounded by 1 separator line (%)'
    """
    lines = LINE.findall(text)
    per_block: dict[int, list[Paragraph]] = {}
    for paragraph in paragraphs:
        per_block.setdefault(paragraph.block, []).append(paragraph)
    by_line = [b for b, found in per_block.items() if len(found) > 1]
    if not per_block:
        return "nothing to read"
    count = len(paragraphs)
    separators = sum(1 for line in lines if not line.isspace() and is_boundary(line))
    kind = record_kind(lines[:RECORD_LOOKAHEAD])
    if kind is not None and list(paragraphs) == split(text):
        if kind == "changelog":
            return f"records: {count} upload{'s' * (count > 1)} of a Debian changelog"
        if kind == "man page":
            entries = _entry_heads(lines, _headed(lines, _blocks(lines))).count("head")
            return f"records: a man page, {entries} entr{'ies' if entries != 1 else 'y'} read whole"
        return (
            f"records: {count} record{'s' * (count > 1)} bounded by {separators} separator"
            f" line{'s' * (separators > 1)} (%)"
        )
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
    if separators:
        extras.append(f"records bounded by {separators} separator line{'s' * (separators > 1)} (%)")
    return "; ".join([", ".join(parts), *extras])
