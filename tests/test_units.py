"""The right unit (issue 14, item 6): tables are read whole, record separators bound records."""

from __future__ import annotations

import pytest

from dedup import Options, clean_bytes
from dedup.streaming import clean_chunks
from dedup.text.paragraphs import is_table, split

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


FORTUNES = (
    "A fortune that says one thing, and says it well.\n"
    "\t\t-- Someone\n"
    "%\n"
    "Another fortune, with a title line.\n"
    "It goes on for a second line here.\n"
    "%\n"
    "A fortune that says one thing, and says it well.\n"
    "\t\t-- Someone\n"
    "%\n"
    "The last fortune of the file, kept.\n"
    "\t\t-- Someone\n"
    "%\n"
)


@pytest.mark.parametrize("threshold", [90, 100])
def test_line_mode_never_leaves_two_separators_together(threshold):
    out = both_roads(FORTUNES.encode(), Options(split="line", threshold=threshold)).decode()
    assert out.count("says it well") == 1
    assert "%\n%\n" not in out
    assert not out.startswith("%")


@pytest.mark.parametrize("split_mode", ["auto", "block"])
@pytest.mark.parametrize("threshold", [90, 100])
def test_a_repeated_record_goes_with_one_separator(split_mode, threshold):
    out = both_roads(FORTUNES.encode(), Options(split=split_mode, threshold=threshold))
    records = out.decode().split("%\n")
    assert records == [
        "A fortune that says one thing, and says it well.\n\t\t-- Someone\n",
        "Another fortune, with a title line.\nIt goes on for a second line here.\n",
        "The last fortune of the file, kept.\n\t\t-- Someone\n",
        "",
    ]


def test_a_line_repeated_inside_different_records_stays():
    text = (
        "pkg version one, the first record of a file of records\n"
        "  * New upstream release, and its many changes\n"
        "%\n"
        "pkg version two, the second record of a file of records\n"
        "  * New upstream release, and its many changes\n"
        "%\n"
    )
    data = text.encode()
    assert both_roads(data, Options()) == data
    # --split line asks for line-level cleaning: then the repeated line goes.
    assert b"".join(both_roads(data, Options(split="line")).split(b"%\n")).count(b"New") == 1


def test_a_separator_is_never_a_paragraph():
    assert [p.line for p in split(FORTUNES)] == [1, 4, 7, 10]
    assert [p.line for p in split(FORTUNES, "line")] == [1, 2, 4, 5, 7, 8, 10, 11]


def test_verbose_says_how_the_document_was_read(run, tmp_path):
    path = tmp_path / "fortunes"
    path.write_text(FORTUNES)
    code, _, err = run("-v", path)
    assert code == 0
    assert f"{path}: read as blocks; records bounded by 4 separator lines (%)\n" in err
    drawn = tmp_path / "table.txt"
    drawn.write_text(f"Partitions.\n\n{TABLE}")
    assert "read as blocks; 1 table read whole" in run("-v", drawn)[2]


CHANGELOG = (
    "pkg (2.0-1) unstable; urgency=medium\n"
    "\n"
    "  * New upstream release\n"
    "\n"
    " -- Jane Doe <jane@example.org>  Mon, 02 Jan 2023 10:00:00 +0100\n"
    "\n"
    "pkg (1.0-1) unstable; urgency=medium\n"
    "\n"
    "  * New upstream release\n"
    "\n"
    " -- Jane Doe <jane@example.org>  Sun, 01 Jan 2023 10:00:00 +0100\n"
)


@pytest.mark.parametrize("threshold", [90, 100])
def test_each_upload_of_a_changelog_keeps_its_entries(threshold):
    data = CHANGELOG.encode()
    assert both_roads(data, Options(threshold=threshold)) == data
    assert [p.line for p in split(CHANGELOG)] == [1, 7]


def test_an_upload_that_repeats_an_earlier_one_goes_whole():
    first = CHANGELOG.split("\n\npkg (1.0-1)")[0] + "\n"
    data = (first + "\n" + first + "\n" + CHANGELOG).encode()
    assert both_roads(data, Options()) == CHANGELOG.encode()  # both later copies went


def test_line_mode_still_cleans_a_changelog_line_by_line():
    out = both_roads(CHANGELOG.encode(), Options(split="line"))
    assert out.count(b"New upstream release") == 1


def test_verbose_names_the_uploads(run, tmp_path):
    path = tmp_path / "changelog"
    path.write_text(CHANGELOG)
    assert "read as records: 2 uploads of a Debian changelog" in run("-v", path)[2]
