"""Grouping keys by bucket decides exactly what the exhaustive matcher decides at threshold 100."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st
from processes import environment

from dedup.grouping import bucket_of, group_bucket
from dedup.matching import ExhaustiveMatcher, Match

KEYS = st.lists(st.text(alphabet="ab ", max_size=4), max_size=60)


@given(keys=KEYS, buckets=st.integers(1, 5), min_chars=st.integers(0, 3))
def test_grouped_decisions_are_the_matchers(keys, buckets, min_chars):
    dealt = [[] for _ in range(buckets)]
    for index, key in enumerate(keys):
        if len(key) >= min_chars:
            dealt[bucket_of(key, buckets)].append((key, 0, 0, index))
    grouped = [
        Match(removed[3], kept[3], 100.0)
        for bucket in dealt
        for removed, kept in group_bucket(bucket)
    ]
    matcher = ExhaustiveMatcher(threshold=100, min_chars=min_chars)
    assert sorted(grouped, key=lambda m: m.index) == matcher.feed(keys)


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
