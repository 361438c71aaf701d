"""The right unit (issue 14, item 6): tables are read whole, record separators bound records."""

from __future__ import annotations

import re
from pathlib import Path

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
    assert f"{path}: read as records: 4 records bounded by 4 separator lines (%)\n" in err
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


# Real records of this machine, drawn by tests/units/build_units.py (seeded, not by eye).
UNITS = Path(__file__).parent / "units"
REAL_FORTUNES = (UNITS / "fortunes.txt").read_text(encoding="utf-8")
MAN_PAGES = sorted(UNITS.glob("man-*.txt"))


def records_of(text: str) -> list[str]:
    return text.split("%\n")[:-1]


def test_each_real_fortune_of_stanzas_is_one_record():
    records = records_of(REAL_FORTUNES)
    assert all("\n\n" in r or "\n \n" in r or "\n\t\n" in r for r in records)
    assert [REAL_FORTUNES[p.start : p.end] for p in split(REAL_FORTUNES)] == records


@pytest.mark.parametrize("threshold", [90, 100])
def test_a_repeated_fortune_of_stanzas_goes_whole_and_its_stanzas_stay_elsewhere(threshold):
    records = records_of(REAL_FORTUNES)
    stanzas = [r.split("\n\n") for r in records]
    shared = [  # a new record made of one stanza of each of two fortunes: no repeat of either
        f"{a[-1].rstrip()}\n\n{b[0].rstrip()}\n"
        for a, b in zip(stanzas[0:20:4], stanzas[1:20:4], strict=True)
        if len(a) > 1 and len(b) > 1
    ]
    assert shared
    copies = [records[i] for i in range(0, len(records), 5)]
    planted = REAL_FORTUNES + "".join(f"{r}%\n" for r in [*shared, *copies])
    expected = REAL_FORTUNES + "".join(f"{r}%\n" for r in shared)
    assert both_roads(planted.encode(), Options(threshold=threshold)) == expected.encode()


def test_a_line_repeated_inside_two_fortunes_stays_with_each():
    records = records_of(REAL_FORTUNES)
    line = records[0].splitlines(keepends=True)[2]  # a line of the first fortune's second stanza
    planted = REAL_FORTUNES + records[1].rstrip("\n") + "\n\n" + line + "%\n"
    assert both_roads(planted.encode(), Options()) == planted.encode()
    # --split line asks for line-level cleaning: then the repeated line goes.
    assert both_roads(planted.encode(), Options(split="line")).count(line.encode()) == 1


def entries(text: str) -> list[tuple[int, int]]:
    """The option entries of a rendered man page, by this test's own reading: a line after a
    blank one that starts with ``-`` at the body indent and has a deeper one under it, and
    every line after it that is blank or deeper."""
    lines = text.splitlines(keepends=True)
    found = []
    for i, line in enumerate(lines[1:-1], start=1):
        if re.match(r" {7}-", line) and not lines[i - 1].strip() and lines[i + 1][:8] == " " * 8:
            end = i + 1
            while end < len(lines) and (not lines[end].strip() or lines[end].startswith(" " * 8)):
                end += 1
            while not lines[end - 1].strip():
                end -= 1
            found.append((i, end))
    return found


@pytest.mark.parametrize("page", MAN_PAGES, ids=lambda p: p.stem)
def test_an_option_entry_of_a_real_man_page_is_one_record(page):
    text = page.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    paragraphs = split(text)
    ends = [p.line - 1 + text[p.start : p.end].count("\n") for p in paragraphs]
    for first, end in entries(text):
        # The paragraph that holds the entry's first line (under its section's heading, for
        # the first entry of a section) ends where the entry ends.
        at = max(i for i, p in enumerate(paragraphs) if p.line - 1 <= first)
        assert ends[at] == end, "".join(lines[first:end])


@pytest.mark.parametrize("page", MAN_PAGES, ids=lambda p: p.stem)
def test_a_description_shared_by_two_man_page_entries_stays_and_a_copied_entry_goes(page):
    text = page.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    (a_first, a_end), (_, b_end) = entries(text)[:2]
    description = "".join(lines[a_end - 1 : a_end])  # the last line of the first entry
    entry = "".join(lines[a_first:a_end])
    shared = [*lines[:b_end], "\n", description, *lines[b_end:]]
    assert both_roads("".join(shared).encode(), Options()) == "".join(shared).encode()
    copied = [*lines[:b_end], "\n", entry, *lines[b_end:]]
    assert both_roads("".join(copied).encode(), Options()) == text.encode()
