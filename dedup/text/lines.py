"""The one line grammar, on ``str`` and on ``bytes``: what a line is, and which lines are blank.

Lines own their terminators: ``\\n``, ``\\r\\n`` or a lone ``\\r``. Nothing else ends a line, not
a form feed and not U+2028, which is why ``str.splitlines()`` is never used. A line that holds
only whitespace is blank, and so is a record separator (``%``): both bound blocks.

The ``bytes`` forms are for the roads that never build a ``str`` per line (the streamer, the
exact line path); each answers what its ``str`` twin answers on the line decoded as UTF-8 with
``surrogateescape`` (a property test holds them to it). Every line ends in an ASCII byte,
which never belongs to a multi-byte sequence, so decoding line by line is decoding the whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

LINE = re.compile(r"[^\r\n]+(?:\r\n|\r|\n)?|\r\n|\r|\n")
"""One line and its terminator; the last line may have none.

Written so that no match ever backtracks: the text of a line, then its terminator if there is
one. (``[^\\r\\n]*`` before a required terminator, tried on a 40 MB line without one, ran to
its end and back one character at a time before the second alternative took it.)"""

LINE_BYTES = rb"[^\r\n]+(?:\r\n|\r|\n)?|\r\n|\r|\n"
""":data:`LINE` on bytes. A plain pattern, compiled by ``re``'s own cache on first use
(start-up time: most runs never meet a lone CR)."""


def one_line(data: bytes) -> bool:
    """Whether ``data`` is one line (with its terminator, if any): what ``re.findall(LINE_BYTES,
    data)`` would return as ``[data]``, found by two memchr scans and without copying it."""
    end = len(data)
    newline, cr = data.find(b"\n"), data.find(b"\r")
    if newline not in (-1, end - 1):
        return False
    return cr == -1 or cr == end - 1 or (cr == end - 2 and newline == end - 1)


def lines_of(data: bytes) -> list[bytes]:
    """``re.findall(LINE_BYTES, data)``, but a chunk that is one line is not copied."""
    if one_line(data):
        return [data] if data else []
    return re.findall(LINE_BYTES, data)


RECORD_SEPARATORS = frozenset({"%", "%%"})
"""Lines that only separate records (fortune files, ``strfile``'s ``%``). Such a line bounds
records as a blank line bounds blocks, and is treated as one: it is never a paragraph, never
matched, and goes only as the lead of the record after it, so removing a record never merges
two others nor takes a separator of its neighbour's."""

_ODD_WHITESPACE = (b"\x1c", b"\x1d", b"\x1e", b"\x1f")
"""ASCII bytes that ``str.isspace`` and ``str.split`` treat as whitespace but ``bytes``
methods do not: a chunk with one of them takes the decoding path for every line."""


def is_boundary(line: str) -> bool:
    """Whether a line bounds blocks: blank (whitespace only) or a record separator.

    >>> [is_boundary(line) for line in (" \\n", "%\\n", "%%", "50%\\n", "% x\\n")]
    [True, True, True, False, False]
    """
    return line.isspace() or (line[:1] == "%" and line.rstrip() in RECORD_SEPARATORS)


def is_boundary_bytes(line: bytes) -> bool:
    """:func:`is_boundary` of a line's bytes (UTF-8, undecodable bytes escaped)."""
    return is_boundary(line.decode("utf-8", "surrogateescape"))


def odd_whitespace(data: bytes) -> bool:
    """Whether ``data`` holds a byte that only ``str`` calls whitespace."""
    # Four memchr scans are several times faster than one regex character class (and spelt
    # out, faster than a generator over _ODD_WHITESPACE).
    return b"\x1c" in data or b"\x1d" in data or b"\x1e" in data or b"\x1f" in data


def boundary_test(data: bytes) -> Callable[[bytes], bool]:
    """:func:`is_boundary_bytes` for the lines of ``data``, as fast as its bytes allow: by
    ``bytes.isspace`` alone when they are ASCII without odd whitespace or a ``%``."""
    if data.isascii() and not odd_whitespace(data):
        return _boundary_ascii if b"%" in data else bytes.isspace
    return _boundary_any


def _boundary_ascii(line: bytes) -> bool:
    return line.isspace() or (line[:1] == b"%" and is_boundary_bytes(line))


def _boundary_any(line: bytes) -> bool:
    if line.isspace():
        return True
    if 0x20 < line[0] < 0x7F:  # it opens with a visible ASCII character: not blank (most lines)
        return line[:1] == b"%" and is_boundary_bytes(line)  # ... unless a record separator
    if line.isascii() and not odd_whitespace(line):
        return False
    return is_boundary_bytes(line)


LONG_LINE_CHARS = 100
"""In ``auto`` mode, a block in which most lines are at least this long is one paragraph per
line: nobody hard-wraps prose that wide, so its lines are paragraphs an extractor wrote out."""


def most_are_long(lines: Sequence[str]) -> bool:
    """Whether most of ``lines`` are at least :data:`LONG_LINE_CHARS` long, trailing
    whitespace aside."""
    long_lines = sum(1 for line in lines if len(line.rstrip()) >= LONG_LINE_CHARS)
    return long_lines * 2 > len(lines)
