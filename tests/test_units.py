"""The right unit (issue 14, item 6): tables are read whole, record separators bound records."""

from __future__ import annotations

import pytest

from dedup import Options, clean_bytes
from dedup.paragraphs import is_table, split
from dedup.streaming import clean_chunks

BORDER = "├" + "─" * 30 + "┼" + "─" * 78 + "┤\n"
ROW = "│ {:<29}│ {:<77}│\n"
TABLE = (
    "┌" + "─" * 30 + "┬" + "─" * 78 + "┐\n"
    + ROW.format("Partition type", "Description")
    + BORDER
    + ROW.format("root-arm64", "The first partition with AArch64 / 64-bit ARM systems")
    + ROW.format("", "root partition type UUID is used as root file system.")
    + BORDER
    + ROW.format("root-x86-64", "The first partition with x86-64 / AMD64 systems")
    + ROW.format("", "root partition type UUID is used as root file system.")
    + "└" + "─" * 30 + "┴" + "─" * 78 + "┘\n"
)  # fmt: skip


def both_roads(data: bytes, options: Options) -> bytes:
    whole = clean_bytes(data, options)
    streamed = b"".join(clean_chunks([data[i : i + 13] for i in range(0, len(data), 13)], options))
    assert streamed == whole
    return whole


@pytest.mark.parametrize("alone", [True, False])
def test_a_drawn_table_of_wide_rows_is_never_read_line_by_line(alone):
    text = TABLE if alone else f"Partitions are found by type.\n\n{TABLE}\nThat is all.\n"
    data = text.encode()
    assert both_roads(data, Options()) == data


def test_a_repeated_table_still_goes_whole():
    data = f"Before.\n\n{TABLE}\nBetween them.\n\n{TABLE}".encode()
    assert both_roads(data, Options()) == f"Before.\n\n{TABLE}\nBetween them.\n".encode()


def test_line_mode_still_reads_a_table_line_by_line_when_asked():
    assert both_roads(TABLE.encode(), Options(split="line")) != TABLE.encode()


def test_aligned_columns_make_a_table_inside_a_text():
    rows = [f"{name:<12}{size:<110}{kind}\n" for name, size, kind in [("name", "size", "kind")]]
    rows += [f"{n:<12}{'10':<110}file\n" for n in ("a.txt", "b.txt", "c.txt")]
    assert is_table(rows)
    text = "Listing.\n\n" + "".join(rows) + "\nEnd.\n"
    assert [p.line for p in split(text)] == [1, 3, 8]


def test_wrapped_prose_is_no_table():
    lines = [
        "The first line of a paragraph, wrapped  at a width that nobody uses for prose at all.\n",
        "The second line, with a double space after a full stop.  Then more words follow.\n",
        "The third line ends it.\n",
    ]
    assert not is_table(lines)
