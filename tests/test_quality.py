"""A quality floor on real pages: extra copies must go, legitimate repeats should stay.

The floors in ``quality/baseline.json`` may only move on purpose (trafilatura's eval gate).
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from dedup import Options, clean

QUALITY = Path(__file__).parent / "quality"
BASELINE = json.loads((QUALITY / "baseline.json").read_text())


def measure(options: Options | None = None) -> Counter:
    counts: Counter = Counter()
    for line in (QUALITY / "labels.jsonl").read_text().splitlines():
        record = json.loads(line)
        result = clean((QUALITY / record["file"]).read_bytes(), options)
        removed_lines = {result.paragraphs[m.index].line - 1 for m in result.removed}
        for repeat in record["repeats"]:
            label = f"{repeat['gt']}/{repeat['match']}"
            counts[label] += 1
            counts[label + "/removed"] += repeat["line"] in removed_lines
    return counts


@pytest.fixture(scope="module")
def counts():
    return measure()


@pytest.fixture(scope="module")
def counts_keeping_structure():
    return measure(Options(keep_recurring=True))


def share(counts, label):
    return counts[label + "/removed"] / counts[label]


def test_the_corpus_is_the_one_the_baseline_was_measured_on(counts):
    assert {k: v for k, v in counts.items() if "/removed" not in k} == BASELINE["repeats"]


def test_extra_copies_are_removed(counts, counts_keeping_structure):
    assert share(counts, "extra_copy/exact") >= BASELINE["min_extra_copy_removed"]
    assert share(counts_keeping_structure, "extra_copy/exact") >= BASELINE["min_extra_copy_removed"]


def test_legitimate_near_repeats_mostly_stay(counts):
    assert share(counts, "legit/near") <= BASELINE["max_legit_near_removed"]


def test_every_exact_repeat_goes_by_default(counts):
    # Keep-first: a later exact repeat is removed, legitimate or not; structure is opt-in.
    assert share(counts, "legit/exact") == 1.0


def test_keeping_structure_keeps_legitimate_exact_repeats(counts_keeping_structure):
    # --keep-recurring: exact repeats are removed by definition unless they are structure;
    # this pins that nothing else changes the count.
    removed = share(counts_keeping_structure, "legit/exact")
    assert removed <= BASELINE["max_legit_exact_removed_keeping_structure"]


if __name__ == "__main__":  # python tests/test_quality.py: print the current figures
    for name, options in [("default", None), ("--keep-recurring", Options(keep_recurring=True))]:
        current = measure(options)
        for label in sorted(k for k in current if "/removed" not in k):
            removed = current[label + "/removed"]
            print(f"{name}: {label}: {removed} of {current[label]} removed")  # noqa: T201
