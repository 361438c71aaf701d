"""The matcher against an independent reference (tests/reference.py): same contract, same removals."""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from reference import opening_at, reference_repeats

from dedup.match import matcher as matching
from dedup.match.copies import Level, compare, features
from dedup.match.index import signatures
from dedup.match.matcher import Match, Matcher

_SYLLABLES = ["ka", "lo", "mi", "ne", "tu", "ra", "se", "vi", "do", "pe", "shi", "gor", "an"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4)))


def _near(text: str, rng: random.Random) -> str:
    """A typo, a dropped or an added word: what a scraper or an editor does to a copy."""
    kind = rng.randrange(3)
    i = rng.randrange(len(text))
    if kind == 0:
        return text[:i] + rng.choice("aeiou") + text[i + 1 :]
    words = text.split()
    j = rng.randrange(len(words))
    if kind == 1 and len(words) > 8:
        return " ".join(words[:j] + words[j + 1 :])
    return " ".join([*words[:j], _word(rng), *words[j:]])


def planted_keys(n: int, *, seed: int) -> list[str]:
    """Keys of ``n`` paragraphs: ~15% exact and ~10% near copies of earlier ones, seeded."""
    rng = random.Random(seed)
    keys: list[str] = []
    originals: list[str] = []
    for _ in range(n):
        roll = rng.random()
        if originals and roll < 0.15:
            keys.append(rng.choice(originals))
        elif originals and roll < 0.25:
            keys.append(_near(rng.choice(originals), rng))
        else:
            text = " ".join(_word(rng) for _ in range(rng.randint(4, 40)))
            originals.append(text)
            keys.append(text)
    return keys


@contextmanager
def small_input(limit: int) -> Iterator[None]:
    """Let the index take over after ``limit`` kept keys, so small inputs exercise it."""
    with mock.patch.object(matching, "SMALL_INPUT", limit):
        yield


def assert_valid(
    keys: list[str], matches: list[Match], *, threshold: float, min_chars: int
) -> None:
    """Every removal repeats a paragraph that was kept earlier: exactly, as a copy, or (for a
    short paragraph) as part of its passage."""
    removed = {m.index for m in matches}
    for m in matches:
        assert m.original < m.index
        assert m.original not in removed
        a, b = keys[m.original], keys[m.index]
        if len(b) < min_chars:
            assert a == b
            continue
        assert len(a) >= min_chars
        # Judged where the key first occurred: a later exact repeat inherits that verdict
        # (and scores 100, though its original is the one its first occurrence repeats).
        first = keys.index(b)
        opening = opening_at(keys, first)
        verdict = compare(a, b, features(a), features(b), threshold=threshold, opening=opening)
        assert verdict.level is not Level.DIFFERENT
        assert m.score == (verdict.score if first == m.index else 100.0)


def pairs(matches: list[Match]) -> set[tuple[int, int]]:
    return {(m.index, m.original) for m in matches}


def test_index_finds_what_the_reference_finds_on_a_planted_corpus():
    keys = planted_keys(2500, seed=7)
    reference = pairs(reference_repeats(keys))
    indexed = Matcher().feed(keys)
    assert_valid(keys, indexed, threshold=matching.DEFAULT_THRESHOLD, min_chars=20)
    assert len(pairs(indexed) & reference) >= 0.99 * len(reference)
    assert pairs(indexed) <= reference  # the index only ever misses; it never adds
    assert len(reference) > 400  # the corpus really is planted


def test_index_engages_after_small_input_and_keeps_earliest_original():
    keys = planted_keys(2000, seed=3)
    with small_input(50):
        indexed = pairs(Matcher().feed(keys))
    reference = pairs(reference_repeats(keys))
    assert len(indexed & reference) >= 0.99 * len(reference)


@settings(max_examples=150, deadline=None)
@given(
    keys=st.lists(
        st.sampled_from(
            [
                "a short one",
                "the same paragraph, long enough",
                "the same paragraph long enough",
                "another paragraph, also long",
                "another paragraph also long!",
                "x",
                "y",
                "a third paragraph of words",
                "a third paragraph of the words",
                "1999 was a year",
                "2000 was a year too",
            ]
        ),
        max_size=40,
    ),
    threshold=st.sampled_from([80, 90, 100]),
)
def test_the_matcher_is_the_reference_on_small_documents(keys, threshold):
    assert pairs(Matcher(threshold=threshold).feed(keys)) == pairs(
        reference_repeats(keys, threshold=threshold)
    )


_PIECES = ["alpha beta gamma delta", "epsilon zeta eta", "theta iota kappa lambda mu", "1999", "nu"]


@st.composite
def near_keys(draw: st.DrawFn) -> list[str]:
    """Short lists of keys built from a few shared pieces, so near repeats are common."""
    pieces = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=5).map(" ".join)
    noisy = st.tuples(pieces, st.text("abcxyz .", max_size=3)).map("".join)
    return draw(st.lists(st.one_of(pieces, noisy, st.text(max_size=30)), max_size=60))


@settings(max_examples=150, deadline=None)
@given(keys=near_keys(), cuts=st.lists(st.integers(0, 60), max_size=6))
def test_batches_do_not_change_the_result(keys, cuts):
    with small_input(3):
        whole = Matcher().feed(keys)
        matcher = Matcher()
        parts: list[Match] = []
        bounds = sorted({0, len(keys), *(c for c in cuts if c <= len(keys))})
        for start, end in itertools.pairwise(bounds):
            parts += matcher.feed(keys[start:end], end=end == len(keys))
    assert parts == whole
    assert_valid(keys, whole, threshold=matching.DEFAULT_THRESHOLD, min_chars=20)


@settings(max_examples=100, deadline=None)
@given(keys=near_keys(), threshold=st.integers(50, 100), min_chars=st.integers(0, 25))
def test_every_removal_is_a_valid_repeat(keys, threshold, min_chars):
    with small_input(2):
        matches = Matcher(threshold=threshold, min_chars=min_chars).feed(keys)
    assert_valid(keys, matches, threshold=threshold, min_chars=min_chars)


def test_one_key_at_a_time_equals_all_at_once():
    keys = planted_keys(2500, seed=11)
    with small_input(100):
        whole = Matcher().feed(keys)
        matcher = Matcher()
        single = [m for k in keys for m in matcher.feed([k], end=False)]
        single += matcher.feed([], end=True)
    assert single == whole


def test_batch_size_does_not_change_the_result():
    keys = planted_keys(3000, seed=13)
    results = []
    for size in (1, 7, 64, 1000, 8192):
        with small_input(100):
            matcher = Matcher()
            results.append(
                [
                    m
                    for start in range(0, len(keys), size)
                    for m in matcher.feed(keys[start : start + size], end=start + size >= len(keys))
                ]
            )
    assert all(result == results[0] for result in results)


_PROBE = """
import json, random, sys
from unittest import mock
sys.path.insert(0, {tests!r})
from test_index import planted_keys
from dedup.match import matcher as matching
from dedup.match.index import signatures
keys = planted_keys(1500, seed=5)
with mock.patch.object(matching, "SMALL_INPUT", 10):
    found = [(m.index, m.original, m.score) for m in matching.Matcher().feed(keys)]
print(json.dumps({{"sig": signatures(keys[:50]).tolist(), "found": found}}))
"""


def test_same_result_in_another_process():
    tests = str(__import__("pathlib").Path(__file__).parent)
    keys = planted_keys(1500, seed=5)
    with small_input(10):
        found = [[m.index, m.original, m.score] for m in Matcher().feed(keys)]
    for seed in ("0", "12345"):
        out = subprocess.run(
            [sys.executable, "-c", _PROBE.format(tests=tests)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        )
        other = json.loads(out.stdout)
        assert other["sig"] == signatures(keys[:50]).tolist()
        assert other["found"] == found


_NO_NUMPY = """
import sys
from dedup import Options, clean
text = "A line that repeats itself, word for word.\\n" * 40 + "Another one, just once.\\n"
assert clean(text, Options(threshold=100)).text.count("\\n") == 2
assert clean(text * 3).text.count("\\n") == 2
print("numpy" in sys.modules)
"""


def test_small_and_exact_cleaning_never_import_numpy():
    out = subprocess.run(
        [sys.executable, "-c", _NO_NUMPY], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_exact_mode_on_a_large_input_never_imports_numpy():
    code = (
        "import sys\nfrom dedup.match.matcher import Matcher\n"
        "keys = [f'paragraph number {i} of a long document' for i in range(3000)] * 2\n"
        "assert len(Matcher(threshold=100).feed(keys)) == 3000\n"
        "print('numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_signatures_are_equal_for_equal_keys_and_short_keys_work():
    sig = signatures(["", "ab", "ab", "a longer key with words"])
    assert (sig[1] == sig[2]).all()
    assert not (sig[1] == sig[3]).all()


def test_prepared_batches_decide_as_plain_ones_even_after_pickling():
    import pickle

    keys = planted_keys(2500, seed=17)
    with small_input(200):
        plain = Matcher().feed(keys)
        matcher = Matcher()
        prepared = []
        for start in range(0, len(keys), 700):
            batch = matching.prepare(keys[start : start + 700])
            end = start + 700 >= len(keys)
            prepared += matcher.feed_prepared(pickle.loads(pickle.dumps(batch)), end=end)
    assert prepared == plain
    assert len(plain) > 300
