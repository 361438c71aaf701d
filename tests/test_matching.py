import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.match.matcher import Match, Matcher, find_repeats, may_reach, score
from dedup.options import MAX_FUZZY_CHARS

LINE = "the council approved the harbour budget on monday evening"


def test_exact_repeats_are_found_with_their_first_occurrence():
    assert find_repeats([LINE, "other paragraph, long enough", LINE]) == [Match(2, 0, 100.0)]


def test_short_keys_are_never_removed():
    assert find_repeats(["***", "***", "advertisement", "advertisement"]) == []
    assert find_repeats(["***", "***"], min_chars=0) == [Match(1, 0, 100.0)]


def test_threshold_100_finds_only_exact_repeats():
    typo = LINE.replace("harbour", "harbuor")
    assert find_repeats([LINE, typo], threshold=100) == []
    assert find_repeats([LINE, typo])[0].original == 0


def test_keep_first_compares_only_with_kept_paragraphs():
    a = "alpha bravo charlie delta echoes foxtrot golfer hotels"
    b = "alpha bravo charlie delta echoes foxtrot golfer hoetls"
    c = "alpha bravo charlie delta echoes foxtrot gofler hoetls"
    assert [m.index for m in find_repeats([a, b, c], threshold=97)] == [1]


def test_feeding_in_batches_equals_feeding_at_once():
    keys = [
        LINE,
        "another paragraph that is long",
        LINE,
        LINE + "!",
        "another paragraph that is long",
    ]
    whole = Matcher().feed(keys)
    matcher = Matcher()
    parts = matcher.feed(keys[:2]) + matcher.feed(keys[2:])
    assert parts == whole
    assert matcher.next_id == len(keys)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("vote for anna on the last page!", "vote for olga on the last page!"),
        ("arsenal beat chelsea 2-1 on saturday", "arsenal beat chelsea 3-0 on saturday"),
    ],
)
def test_replaced_words_make_a_different_statement(a, b):
    assert score(a, b, threshold=90) == 0.0


def test_a_changed_number_is_a_different_statement_even_in_a_long_block():
    block = " ".join(["word"] * 40) + " grew by 2 percent"
    assert score(block, block.replace("2 percent", "3 percent"), threshold=90) == 0.0
    assert score(block, block.replace("grew", "grew,"), threshold=90) > 90


def test_very_long_keys_are_compared_exactly_only():
    long = "x" * (MAX_FUZZY_CHARS + 1)
    assert score(long, long + "y", threshold=50) == 0.0
    assert find_repeats([long, long]) == [Match(1, 0, 100.0)]


def test_a_removed_near_repeat_does_not_shift_what_is_remembered_of_later_keys():
    # Each distinct key's text and features are remembered by position; a removed one must
    # take exactly one place, or later comparisons judge one key by another's features.
    keys = [
        "the council approved the harbour budget on monday",
        "the council approved the harbour budget on monday!",  # removed: a copy of 0
        "we met in the northern part of the city today",
        "we met in the southern part of the city today",  # compared with 2, kept
        "the meeting is on monday in the main office downstairs",
        "the meeting is on monday in the main office downstairs.",  # removed: a copy of 4
    ]
    assert [(m.index, m.original) for m in find_repeats(keys)] == [(1, 0), (5, 4)]


@given(
    st.text(alphabet="abc ", max_size=40),
    st.text(alphabet="abc ", max_size=40),
    st.sampled_from([0, 50, 85, 90, 99, 100]),
)
def test_may_reach_never_rules_out_a_pair_that_reaches_the_threshold(a, b, threshold):
    # The length bound only spares rapidfuzz calls: it must never drop a real candidate.
    from rapidfuzz import fuzz

    if fuzz.ratio(a, b) >= threshold:
        assert may_reach(len(a), len(b), threshold)


LANGUAGE_DOCUMENT = [
    "the settings are read from the file that the user names on the command line",
    "d key data store data at existing key data d key delete data stoed at key raises",
    "d key data store data at existing key data d key delete data stored at key raises",
    "every value that the file leaves out is taken from the defaults of the program",
    "every value that the file leaves out is taken from the defualts of the program",
]


@given(st.integers(1, len(LANGUAGE_DOCUMENT) - 1))
def test_the_language_read_from_the_opening_is_the_same_however_the_document_is_fed(cut):
    """Only the paragraphs before a verdict decide its language: batches change nothing."""
    whole = Matcher().feed(LANGUAGE_DOCUMENT)
    streamed = Matcher()
    parts = streamed.feed(LANGUAGE_DOCUMENT[:cut], end=False)
    parts += streamed.feed(LANGUAGE_DOCUMENT[cut:])
    assert [(m.index, m.original, m.reason) for m in parts] == [
        (m.index, m.original, m.reason) for m in whole
    ]
    assert [m.index for m in whole] == [2, 4]
