"""The one line grammar: its bytes forms answer what its str forms answer on the decoded text."""

import re

from hypothesis import given
from strategies import CHUNKS_OF_LINES

from dedup.text.lines import LINE, LINE_BYTES, boundary_test, is_boundary, most_are_long
from dedup.text.paragraphs import (
    is_drawn_table,
    is_drawn_table_bytes,
    looks_like_lines,
    looks_like_lines_bytes,
)


def decoded(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


@given(CHUNKS_OF_LINES)
def test_lines_of_bytes_are_the_lines_of_the_text(data):
    assert [decoded(line) for line in re.findall(LINE_BYTES, data)] == LINE.findall(decoded(data))


@given(CHUNKS_OF_LINES)
def test_a_line_of_bytes_bounds_blocks_exactly_when_its_text_does(data):
    # boundary_test picks a fast test for the chunk (bytes.isspace alone for plain ASCII); on
    # every line of it, the answer is is_boundary's on the decoded line.
    blank = boundary_test(data)
    for line in re.findall(LINE_BYTES, data):
        assert blank(line) == is_boundary(decoded(line)), line


@given(CHUNKS_OF_LINES)
def test_the_block_rules_on_bytes_are_the_rules_on_text(data):
    lines = re.findall(LINE_BYTES, data)
    text_lines = [decoded(line) for line in lines]
    assert looks_like_lines_bytes(lines) == looks_like_lines(text_lines)
    assert is_drawn_table_bytes(lines) == is_drawn_table(text_lines)


def test_most_lines_long_counts_characters_not_bytes():
    # 100 characters of two bytes each: long; 99 are not, whatever their bytes.
    assert most_are_long(["é" * 100 + "\n"])
    assert not most_are_long(["é" * 99 + "  \n"])
