"""Grouping keys by bucket decides exactly what the matcher's contract says at threshold 100."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st
from processes import environment
from reference import reference_repeats

from dedup.corpus import Document
from dedup.grouping import bucket_of, group_bucket, occurrences
from dedup.matching import Match
from dedup.recurring import with_short_ones
from dedup.shards import Decision, Original

# Few distinct keys, short and long, so that repeats, passages and short paragraphs abound.
KEYS = st.lists(
    st.sampled_from(["", "*", "ab", "a long one", "another one", "a third"]), max_size=40
)


@given(keys=KEYS, buckets=st.integers(1, 5), min_chars=st.integers(0, 4))
def test_grouped_decisions_are_the_references(keys, buckets, min_chars):
    dealt = [[] for _ in range(buckets)]
    for occurrence in occurrences(keys, 0, 0, min_chars):
        dealt[bucket_of(occurrence[0], buckets)].append(occurrence)
    found = sorted(
        (pair for bucket in dealt for pair in group_bucket(bucket)), key=lambda p: p[0][3]
    )
    raw = Decision(
        tuple(Match(removed[3], kept[3], 100.0) for removed, kept in found),
        tuple(Original(Document("d"), 0, 0, kept[3]) for _, kept in found),
        0,
        tuple(kept[4] for _, kept in found),
    )
    found = with_short_ones(keys, raw.removed, raw.follows, first_id=0, min_chars=min_chars)
    matches = [m for m, _, _ in found]
    expected = reference_repeats(keys, threshold=100, min_chars=min_chars)
    assert [(m.index, m.original) for m in matches] == [(m.index, m.original) for m in expected]
    # Each added short one is ``k`` paragraphs after the removal whose passage it goes with.
    originals = [raw.originals[n].paragraph + k for _, n, k in found]
    assert originals == [m.original for m in matches]


def test_a_key_goes_to_the_same_bucket_in_every_process():
    # blake2b, not hash(): with another PYTHONHASHSEED, hash() would deal keys differently.
    keys = ["baca juga", "", "caf\udce9", "x" * 50]
    script = f"from dedup.grouping import bucket_of; print([bucket_of(k, 7) for k in {keys!r}])"
    other = subprocess.run(
        [sys.executable, "-c", script],
        env=environment(PYTHONHASHSEED="12345"),
        capture_output=True,
        check=True,
    )
    assert other.stdout.decode().strip() == str([bucket_of(k, 7) for k in keys])
    assert bucket_of("baca juga", 1) == 0
