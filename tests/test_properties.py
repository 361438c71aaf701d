"""Invariants, checked by hypothesis on text built to contain repeats, near repeats and traps."""

from hypothesis import given
from hypothesis import strategies as st
from invariants import is_input_minus_whole_lines
from strategies import OPTIONS, SENTENCES, documents

from dedup import clean, clean_bytes
from dedup.match.matcher import score
from dedup.text.lines import LINE
from dedup.text.normalize import key
from dedup.text.paragraphs import split


@given(documents(), OPTIONS)
def test_idempotent(data, options):
    once = clean_bytes(data, options)
    assert clean_bytes(once, options) == once


@given(documents(), OPTIONS)
def test_output_is_input_minus_whole_lines_in_order(data, options):
    assert is_input_minus_whole_lines(data, clean_bytes(data, options))


@given(st.binary(max_size=300), OPTIONS)
def test_any_bytes_come_out_as_input_minus_lines(data, options):
    assert is_input_minus_whole_lines(data, clean_bytes(data, options))


@given(documents(), OPTIONS)
def test_no_two_kept_paragraphs_are_repeats(data, options):
    result = clean(data, options)
    gone = {m.index for m in result.removed} | set(result.recurring)
    kept = [key(result.paragraph_text(i)) for i in range(len(result.paragraphs)) if i not in gone]
    kept = [k for k in kept if len(k) >= options.min_chars]
    for i, a in enumerate(kept):
        for b in kept[i + 1 :]:
            assert a != b
            assert not score(a, b, threshold=options.threshold) or options.threshold >= 100


@given(documents(), OPTIONS)
def test_every_removal_is_explained_by_a_kept_earlier_paragraph(data, options):
    result = clean(data, options)
    gone = {m.index for m in result.removed}
    for match in result.removed:
        assert match.original < match.index
        assert match.original not in gone
        a, b = (key(result.paragraph_text(i)) for i in (match.original, match.index))
        candidates = [a]
        if options.split == "auto" and match.original == 0:
            # A paragraph removed as a repeat of the first, which was then read again as its
            # output alone reads (see pipeline._read_first_paragraph_again: a block line by
            # line, a record by blocks): it was matched to the first paragraphs taken together.
            first = result.paragraphs[0].start
            candidates += [
                key(result.source[first : p.end]) for p in result.paragraphs[1 : match.index]
            ]
        assert len(b) >= options.min_chars
        assert any(
            a == b or score(a, b, threshold=options.threshold) == match.score > 0
            for a in candidates
        )


@given(st.lists(st.sampled_from(SENTENCES), unique=True), st.sampled_from(["\n", "\r\n"]))
def test_text_without_repeats_is_unchanged(sentences, newline):
    distinct = [s for s in sentences if not s.startswith(("Vote", "Arsenal", "a"))]
    data = "".join(s + newline for s in distinct).encode()
    assert clean_bytes(data) == data


@given(documents())
def test_split_then_join_gives_the_input_back(data):
    text = data.decode("utf-8", "surrogateescape")
    for mode in ("auto", "line", "block"):
        paragraphs = split(text, mode)
        joined = "".join(text[p.lead : p.end] for p in paragraphs)
        rest = text[paragraphs[-1].end :] if paragraphs else text
        assert joined + rest == text
        assert all(
            "".join(LINE.findall(text[p.start : p.end])) == text[p.start : p.end]
            for p in paragraphs
        )


@given(documents(), OPTIONS)
def test_cli_output_equals_api_output(run, data, options):
    args = [
        "--threshold",
        str(options.threshold),
        "--min-chars",
        str(options.min_chars),
        "--split",
        options.split,
        "--text",
    ]
    args.append("--keep-recurring" if options.keep_recurring else "--remove-recurring")
    result = run(*args, input=data)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == clean_bytes(data, options)


@given(documents(), OPTIONS)
def test_byte_spans_cut_each_removed_paragraph_out_of_the_input(data, options):
    # The report's start and end: a consumer cuts the input's own bytes, BOM and odd bytes
    # included, and gets the removed paragraph's bytes, with no splitting of its own.
    result = clean(data, options)
    spans = result.byte_spans
    assert sorted(spans) == sorted(m.index for m in result.removed)
    for index, (start, end) in spans.items():
        assert data[start:end] == result.paragraph_text(index).encode("utf-8", "surrogateescape")
