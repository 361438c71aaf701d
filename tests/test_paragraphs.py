from hypothesis import given

from dedup.text.paragraphs import split
from tests.strategies import drawn_lines


def texts(text, mode="auto"):
    return [text[p.start : p.end] for p in split(text, mode)]


def test_lines_own_their_terminators():
    assert texts("a\r\nb\rc\nd") == ["a\r\n", "b\r", "c\n", "d"]


def test_form_feed_and_line_separator_do_not_end_a_line():
    assert texts("a\fb\nc\u2028d\n") == ["a\fb\n", "c\u2028d\n"]


def test_text_without_blank_lines_is_one_paragraph_per_line():
    assert texts("one\ntwo\nthree\n") == ["one\n", "two\n", "three\n"]


def test_blank_lines_make_blocks():
    assert texts("a\nb\n\n  \nc\nd\n") == ["a\nb\n", "c\nd\n"]


def test_a_block_of_long_lines_is_read_line_by_line():
    long1, long2 = "x" * 100, "y" * 120
    assert texts(f"{long1}\n{long2}\n\nshort\nlines\n") == [
        f"{long1}\n",
        f"{long2}\n",
        "short\nlines\n",
    ]


def test_a_block_with_few_long_lines_stays_a_block():
    assert texts(f"Title\n{'x' * 150}\n\nnext\n") == [f"Title\n{'x' * 150}\n", "next\n"]


def test_forced_modes():
    assert texts("a\nb\n\nc\n", "line") == ["a\n", "b\n", "c\n"]
    assert texts("a\nb\n", "block") == ["a\nb\n"]


def test_blank_lines_belong_to_the_next_paragraph_and_trailing_ones_to_none():
    text = "\n\na\n\n\nb\n\n"
    paragraphs = split(text)
    assert [text[p.lead : p.end] for p in paragraphs] == ["\n\na\n", "\n\nb\n"]
    assert text[paragraphs[-1].end :] == "\n"
    assert [p.line for p in paragraphs] == [3, 6]


def test_whitespace_only_text_has_no_paragraphs():
    assert split(" \n\t\n") == []
    assert split("") == []


@given(drawn_lines())
def test_a_drawn_line_is_told_alike_on_bytes(line):
    from dedup.text.paragraphs import is_drawn_line_bytes, is_drawn_table

    assert is_drawn_line_bytes(line.encode()) == is_drawn_table([line])
