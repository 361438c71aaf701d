"""A quality floor on real pages: extra copies must go, legitimate repeats should stay.

The floors in ``quality/baseline.json`` may only move on purpose (trafilatura's eval gate).
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from dedup import clean

QUALITY = Path(__file__).parent / "quality"
BASELINE = json.loads((QUALITY / "baseline.json").read_text())


def measure() -> Counter:
    counts: Counter = Counter()
    for line in (QUALITY / "labels.jsonl").read_text().splitlines():
        record = json.loads(line)
        result = clean((QUALITY / record["file"]).read_bytes())
        removed_lines = {result.paragraphs[m.index].line - 1 for m in result.removed}
        for repeat in record["repeats"]:
            label = f"{repeat['gt']}/{repeat['match']}"
            counts[label] += 1
            counts[label + "/removed"] += repeat["line"] in removed_lines
    return counts


@pytest.fixture(scope="module")
def counts():
    return measure()


def share(counts, label):
    return counts[label + "/removed"] / counts[label]


def test_the_corpus_is_the_one_the_baseline_was_measured_on(counts):
    assert {k: v for k, v in counts.items() if "/removed" not in k} == BASELINE["repeats"]


def test_extra_copies_are_removed(counts):
    assert share(counts, "extra_copy/exact") >= BASELINE["min_extra_copy_removed"]


def test_legitimate_near_repeats_mostly_stay(counts):
    assert share(counts, "legit/near") <= BASELINE["max_legit_near_removed"]


def test_legitimate_exact_repeats_removed_at_most_as_before(counts):
    # Exact repeats are removed by definition; this pins that nothing else changes the count.
    assert share(counts, "legit/exact") <= BASELINE["max_legit_exact_removed"]


if __name__ == "__main__":  # python tests/test_quality.py: print the current figures
    current = measure()
    for label in sorted(k for k in current if "/removed" not in k):
        print(f"{label}: {current[label + '/removed']} of {current[label]} removed")  # noqa: T201
