"""What must hold for any input: the output is the input minus whole lines, in order.

Shared by the hypothesis tests and the atheris target in ``fuzz/``. Lines are cut here with a
regular expression of the tests' own, not with dedup's, so a bug in dedup's splitting cannot
hide itself.
"""

from __future__ import annotations

import re

BOM = b"\xef\xbb\xbf"
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def lines(data: bytes) -> list[bytes]:
    """The lines of ``data`` with their terminators (``\\n``, ``\\r\\n``, a lone ``\\r``)."""
    return _LINE.findall(data)


def is_input_minus_whole_lines(data: bytes, output: bytes) -> bool:
    """Whether ``output`` is some of ``data``'s lines, whole and in their order.

    A BOM belongs to the document, not to its first line, so it must stay in front. Every
    way of taking or skipping lines is followed (the set of output offsets reachable so far),
    not a greedy match: ``a\\r`` then ``\\n`` and ``a\\r\\n`` spell the same bytes.
    """
    if data.startswith(BOM):
        if not output.startswith(BOM):
            return False
        data, output = data[len(BOM) :], output[len(BOM) :]
    reachable = {0}
    for line in lines(data):
        reachable |= {end + len(line) for end in reachable if output.startswith(line, end)}
    return len(output) in reachable
