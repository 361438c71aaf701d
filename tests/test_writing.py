from hypothesis import given
from hypothesis import strategies as st
from reference import reference_removed_spans
from strategies import documents

from dedup.text.decoding import decode
from dedup.text.paragraphs import split
from dedup.text.writing import removed_spans, render, unified_diff


def test_removal_takes_the_blank_lines_before_it():
    text = "a\n\nb\n\n\nc\n"
    assert render(text, split(text), {1}) == "a\n\n\nc\n"


def test_a_gap_stays_when_the_rest_of_its_block_is_kept():
    long = ["x" * 100 + str(i) for i in range(3)]
    text = f"{long[0]}\n\n{long[1]}\n{long[2]}\n"
    assert render(text, split(text), {1}) == f"{long[0]}\n\n{long[2]}\n"


def test_trailing_blank_lines_and_missing_newline_stay():
    text = "a\nb\n\n\n"
    assert render(text, split(text, "line"), {1}) == "a\n\n\n"
    assert render("a\nb", split("a\nb"), {1}) == "a\n"


def test_spans_are_whole_lines_and_merge():
    text = "a\nb\nc\nd\n"
    assert removed_spans(text, split(text), {1, 2}) == [(2, 6)]


def test_diff_marks_a_missing_final_newline():
    text = "a\nb\na"
    diff = unified_diff(text, [(4, 5)], name="f")
    assert diff.endswith("-a\n\\ No newline at end of file\n")
    assert "@@ -1,3 +1,2 @@" in diff


def test_diff_numbers_later_hunks_on_the_new_side():
    lines = [f"l{i}\n" for i in range(20)]
    text = "".join(lines)
    first = sum(map(len, lines[:2]))
    second = sum(map(len, lines[:15]))
    spans = [(first, first + len(lines[2])), (second, second + len(lines[15]))]
    diff = unified_diff(text, spans, name="f")
    assert "@@ -13,7 +12,6 @@" in diff


def test_no_spans_no_diff():
    assert unified_diff("a\n", [], name="f") == ""


@given(documents(), st.sampled_from(["auto", "line", "block"]), st.randoms(use_true_random=False))
def test_the_one_render_rule_agrees_with_the_reference_by_whole_blocks(data, mode, rng):
    # Writer decides paragraph by paragraph, as a stream must; the reference looks at whole
    # blocks. Every road renders through Writer, so this holds them all to the rule.
    text = decode(data).text
    paragraphs = split(text, mode)
    removed = {i for i in range(len(paragraphs)) if rng.random() < 0.5}
    spans = removed_spans(text, paragraphs, removed)
    assert spans == reference_removed_spans(paragraphs, removed)
    cut, position = [], 0
    for start, end in spans:
        cut.append(text[position:start])
        position = end
    assert render(text, paragraphs, removed) == "".join(cut) + text[position:]
