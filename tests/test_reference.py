"""The matchers against the plain reference in ``reference.py``, which shares no code path
with them but the pair rule (issue 9, item 4)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reference import reference_repeats
from test_index import near_keys, planted_keys, small_input

from dedup.matching import ExhaustiveMatcher, Matcher


@settings(max_examples=150, deadline=None)
@given(keys=near_keys(), threshold=st.sampled_from([50, 85, 90, 100]), min_chars=st.integers(0, 25))
def test_the_exhaustive_matcher_is_the_reference(keys, threshold, min_chars):
    expected = reference_repeats(keys, threshold=threshold, min_chars=min_chars)
    assert ExhaustiveMatcher(threshold=threshold, min_chars=min_chars).feed(keys) == expected


def test_the_indexed_matcher_against_the_reference_on_a_planted_corpus():
    keys = planted_keys(2500, seed=7)
    expected = {m.index: m for m in reference_repeats(keys, threshold=90, min_chars=20)}
    with small_input(100):
        indexed = Matcher().feed(keys)
    same = [m for m in indexed if expected.get(m.index) == m]
    assert len(expected) > 500  # the corpus really is planted
    assert len(same) >= 0.99 * len(expected)
    assert len(indexed) <= len(expected) * 1.01
