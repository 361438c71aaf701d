"""The streamed clean gives the bytes of the whole-document clean, for any chunking."""

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup import Options, clean, clean_bytes
from dedup.corpus import Cleaner, Document
from dedup.match import exact
from dedup.pipeline import Outcome
from dedup.streaming import Streamer, clean_chunks, streamable
from dedup.text import paragraphs
from dedup.text.decoding import decode

LINES = [
    "The council approved the harbour budget on Monday evening.",
    "the council approved the  harbour budget on monday evening.",
    "The council approved the harbour budjet on Monday evening.",
    "Residents asked for more money for the `ferry` service.",
    "Residents asked for more money for the 'ferry' service.",
    "Vote for Anna on the last page!",
    "Vote for Olga on the last page!",
    "北京时间周一晚间，国家统计局公布了经济数据。",
    "Caf\udce9 au lait, a line with one byte that is not UTF-8.",
    "A line with\x1cseparator\x1fbytes that str calls whitespace.",
    "Ａ full-width line that folds to ASCII, long enough.",
    "***",
    "Share",
    "x" * 120,
    "x" * 120 + " ",
    ("A long line of an extractor that wrote paragraphs out, " * 3).strip(),
    "├" + "─" * 104 + "┤",  # a drawn table's row border, too wide to be prose
    "│ The first partition with AArch64 / 64-bit ARM systems" + " " * 50 + "│",
    "| cell | another cell |",
    "%",  # a record separator
    "Run curl -I https://example.com to see the headers.",  # technical: case is the statement
    "Run curl -i https://example.com to see the headers.",
    "RUN CURL -I HTTPS://EXAMPLE.COM TO SEE THE HEADERS.",  # capitals throughout: case folds
    "Run curl -i https://example.com to see the headers\u00e9.",
    "dedup (1.0-1) unstable; urgency=medium",  # a Debian changelog, when it comes first
    " -- Jane Doe <jane@example.org>  Mon, 02 Jan 2023 10:00:00 +0100",
]
BLANKS = ["", " ", "\t", "\f", "\x1c", "\u00a0", "\u2028", "\x85", "\ufeff"]
ENDS = ["\n", "\n", "\n", "\r\n", "\r", ""]


@st.composite
def documents(draw):
    """Lines, blank lines of every kind of whitespace, any terminators, BOMs, odd bytes."""
    parts = []
    for _ in range(draw(st.integers(0, 24))):
        if draw(st.integers(0, 3)) == 0:
            body = draw(st.sampled_from(BLANKS))
        else:
            body = draw(st.sampled_from(LINES))
        parts.append(body + draw(st.sampled_from(ENDS)))
    for _ in range(draw(st.integers(0, 3))):  # a passage repeated, short lines and all
        start = draw(st.integers(0, len(parts)))
        end = draw(st.integers(start, len(parts)))
        parts += parts[start:end]
    data = "".join(parts).encode("utf-8", "surrogateescape")
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf"])) + data


OPTIONS = st.builds(
    Options,
    threshold=st.sampled_from([0, 85, 90, 100]),
    min_chars=st.sampled_from([0, 5, 20]),
    split=st.sampled_from(["auto", "line", "block"]),
    keep_recurring=st.just(False),
)


def chunked(data: bytes, sizes: list[int]) -> list[bytes]:
    chunks, position = [], 0
    for size in sizes:
        chunks.append(data[position : position + size])
        position += size
    chunks.append(data[position:])
    return chunks


@given(documents(), OPTIONS, st.lists(st.integers(0, 40), max_size=30))
def test_streamed_bytes_equal_the_whole_document_clean(data, options, sizes):
    streamed = b"".join(clean_chunks(chunked(data, sizes), options))
    assert streamed == clean_bytes(data, options)


@given(documents(), OPTIONS, st.lists(st.integers(0, 40), max_size=30))
def test_streamed_counts_equal_the_result(data, options, sizes):
    streamer = Streamer(options)
    for chunk in chunked(data, sizes):
        streamer.feed(chunk)
    streamer.close()
    result = clean(data, options)
    summary = streamer.outcome
    assert summary.paragraphs == len(result.paragraphs)
    assert summary.removed == len(result.removed)
    assert summary.exact == sum(1 for m in result.removed if m.score >= 100)
    assert summary.exact_only == list(result.exact_only)


@pytest.mark.parametrize(
    "chunks",
    [
        [
            b"A line long enough to be a paragraph.\r",
            b"\nA line long enough to be a paragraph.\r\n",
        ],
        [b"\xef", b"\xbb", b"\xbfA line long enough to be a paragraph.\n"],
        [
            b"A line long enough to be a paragraph.\n\n\n",
            b"A line long enough to be a paragraph.\n",
        ],
        [b"caf\xc3", b"\xa9 is a line long enough to be a paragraph\n" * 2],
    ],
)
@pytest.mark.parametrize("split", ["auto", "line", "block"])
@pytest.mark.parametrize("threshold", [90, 100])
def test_chunk_boundaries_inside_a_line_a_crlf_a_bom_a_character(chunks, split, threshold):
    options = Options(threshold=threshold, split=split, keep_recurring=False)
    assert b"".join(clean_chunks(chunks, options)) == clean_bytes(b"".join(chunks), options)


def test_line_mode_writes_before_the_input_ends():
    streamer = Streamer(Options(split="line", keep_recurring=False, threshold=100))
    first = streamer.feed(b"The first line is written at once.\nThe second")
    assert first == b"The first line is written at once.\n"


def test_blank_lines_before_a_removed_block_wait_for_its_fate():
    options = Options(split="line", keep_recurring=False, threshold=100)
    streamer = Streamer(options)
    out = streamer.feed(
        b"A line long enough to be a paragraph.\n\n\nA line long enough to be a paragraph.\n"
    )
    # The blank lines belong to the second block, whose only line so far is removed.
    assert out == b"A line long enough to be a paragraph.\n"
    out += streamer.feed(b"Another line, so the block is kept after all.\n")
    assert (
        out
        == b"A line long enough to be a paragraph.\n\n\nAnother line, so the block is kept after all.\n"
    )


def test_structure_keeping_is_not_streamed():
    assert not streamable(Options(keep_recurring=True))
    with pytest.raises(ValueError, match="keep_recurring"):
        Streamer(Options(keep_recurring=True))


def test_summary_counts_removals():
    options = dataclasses.replace(Options(), keep_recurring=False)
    streamer = Streamer(options)
    streamer.feed(b"Same line, long enough to count.\nSame line, long enough to count!\n")
    streamer.close()
    assert streamer.outcome == Outcome(paragraphs=2, removed=1, exact=0)
    assert streamer.outcome.changed
    assert streamer.outcome.kept == 1


@pytest.mark.parametrize("threshold", [90, 100])
def test_auto_reads_a_lone_first_block_again_line_by_line(threshold):
    # Every later block repeats the first, so clean() reads the first block line by line
    # (idempotence); the streamed clean must hold the first block until it knows.
    block = b"A line long enough, said twice.\r\nA line long enough, said twice.\r\n"
    data = b"\n" + block + b"\n" + block + b"\n\n"
    options = Options(threshold=threshold, keep_recurring=False)
    expected = b"\nA line long enough, said twice.\r\n\n\n"
    assert clean_bytes(data, options) == expected
    assert b"".join(clean_chunks([data[:40], data[40:]], options)) == expected


@given(documents(), st.sampled_from([0, 5, 20]), st.lists(st.integers(0, 40), max_size=30))
def test_exact_lines_forgetting_copies_changes_nothing(data, min_chars, sizes):
    # The cache of lines met byte for byte only saves work: with room for one line or two,
    # it is cleared all the time, and the result stays the matcher's.
    options = Options(threshold=100, min_chars=min_chars, split="line", keep_recurring=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(exact, "RAW_CACHE_BYTES", 200)
        streamed = b"".join(clean_chunks(chunked(data, sizes), options))
    assert streamed == clean_bytes(data, options)


@pytest.mark.parametrize("split", ["auto", "line", "block"])
@pytest.mark.parametrize("threshold", [90, 100])
def test_short_lines_go_with_their_passage_after_a_short_first_line(split, threshold):
    # The short lines before the first substantive one are no part of any passage; the
    # "***" after each copy of the council line goes with the last copy, as it stood
    # after the original.
    council = b"The council approved the harbour budget on Monday evening.\n"
    data = b"~\n" + council + b"***\n\n\n" + council + b"\n" + council + b"***\n\n" + council
    options = Options(threshold=threshold, min_chars=5, split=split, keep_recurring=False)
    expected = clean_bytes(data, options)
    if split == "line":
        assert expected == b"~\n" + council + b"***\n"
    for size in (1, 7, len(data)):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        assert b"".join(clean_chunks(chunks, options)) == expected


def test_auto_counts_the_one_block_it_holds_as_pending_until_it_is_decided():
    streamer = Streamer(Options(keep_recurring=False))
    text = b"A line long enough to be a paragraph.\n" * 3
    assert streamer.feed(text) == b""  # one block so far: auto cannot say how to read it
    assert streamer.pending == len(text)
    pieces = list(streamer.finish())
    assert b"".join(pieces) == b"A line long enough to be a paragraph.\n"
    assert streamer.pending == 0


@given(
    st.lists(documents(), min_size=1, max_size=3),
    OPTIONS,
    st.lists(st.integers(0, 40), max_size=30),
)
def test_streamed_across_documents_equal_the_cleaner(docs, options, sizes):
    # --across: one matcher remembers every earlier document; streamed, each document gives
    # the bytes the whole-document Cleaner gives it, and the same counts.
    cleaner = Cleaner(options, across=True)
    expected = []
    for data in docs:
        decoded = decode(data)
        expected.append(cleaner.clean(Document("d"), decoded.text, bom=decoded.bom))
    shared = Cleaner(options, across=True).matcher
    # At --split line and --threshold 100, the exact line path stands in for the matcher.
    lines = exact.ExactLines(options) if exact.applies(options) else None
    for data, result in zip(docs, expected, strict=True):
        streamer = Streamer(options, matcher=shared, lines=lines)
        out = b"".join([streamer.feed(c) for c in chunked(data, sizes)]) + streamer.close()
        assert out == result.data
        assert streamer.outcome.removed == len(result.removed)
        assert streamer.outcome.paragraphs == len(result.paragraphs)


@pytest.mark.parametrize(("split", "threshold"), [("line", 100), ("line", 90), ("block", 90)])
def test_a_line_longer_than_any_key_streams_in_chunks_and_goes_when_repeated(split, threshold):
    from dedup.text.normalize import LONGEST_KEYED_CHARS

    long = b"word " * (LONGEST_KEYED_CHARS // 5 + 1)
    data = long + b"\n\n" + long.upper() + b"\n\n" + long + b"\n"
    options = Options(split=split, threshold=threshold)
    chunks = [data[i : i + 65536] for i in range(0, len(data), 65536)]
    out = b"".join(clean_chunks(chunks, options))
    assert out.startswith(long + b"\n\n" + long.upper() + b"\n")
    assert (out.count(long), out.count(long.upper()), len(out) < len(data) - len(long)) == (
        1,
        1,
        True,
    )
    assert out == clean_bytes(data, options)  # the whole-document road decides the same


@given(documents(), OPTIONS, st.lists(st.integers(0, 40), max_size=30), st.integers(0, 4))
def test_a_long_first_block_is_read_as_lines_by_both_roads(data, options, sizes, bound):
    # FIRST_BLOCK_LINES lowered, so that the generated texts pass it: the streamer chooses
    # line reading as soon as the first block passes it, the whole-document split at the end.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paragraphs, "FIRST_BLOCK_LINES", bound)
        streamed = b"".join(clean_chunks(chunked(data, sizes), options))
        assert streamed == clean_bytes(data, options)


def test_auto_streams_a_text_without_blank_lines_after_its_first_lines(monkeypatch):
    monkeypatch.setattr(paragraphs, "FIRST_BLOCK_LINES", 3)
    # ... and after the lines that tell whether it is made of records
    monkeypatch.setattr(paragraphs, "RECORD_LOOKAHEAD", 2)
    streamer = Streamer(Options(keep_recurring=False))
    line = b"A line long enough to be a paragraph, and short enough to wrap.\n"
    assert streamer.feed(line * 3) == b""  # three lines: a block that may still be prose
    assert streamer.feed(line) == line  # a fourth: a list, read line by line from here on
    assert streamer.pending == 0


def test_a_long_first_block_is_lines_even_when_blocks_follow(monkeypatch):
    monkeypatch.setattr(paragraphs, "FIRST_BLOCK_LINES", 2)
    text = "short one\nshort two\nshort one\n\na block\nof prose\n"
    assert [text[p.start : p.end] for p in paragraphs.split(text)][:3] == [
        "short one\n",
        "short two\n",
        "short one\n",
    ]


@pytest.mark.parametrize("split", ["auto", "line", "block"])
def test_a_line_beyond_the_bound_is_held_about_once(split):
    # Its pieces are joined once when it ends (twice its size for that moment); it is never
    # decoded, normalized, searched for table marks or joined again on its way out.
    import tracemalloc

    from dedup.text.normalize import LONGEST_KEYED_CHARS

    line = b"lorem ipsum dolor " * (12 * LONGEST_KEYED_CHARS // 18)
    chunks = [line[i : i + (1 << 20)] for i in range(0, len(line), 1 << 20)]
    tracemalloc.start()
    try:
        out = list(clean_chunks(iter(chunks), Options(split=split)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert b"".join(out) == line
    assert peak < 2.5 * len(line), peak / len(line)
