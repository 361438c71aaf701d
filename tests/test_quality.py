"""A quality floor on real pages: extra copies must go, legitimate repeats should stay.

The floors in ``quality/baseline.json`` may only move on purpose (trafilatura's eval gate).
They were measured with the recurring-structure rule, which is opt-in (``--keep-recurring``)
since keep-first removes every later repeat by default (issue 11); the default is checked
on its own below.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from dedup import Options, clean

QUALITY = Path(__file__).parent / "quality"
BASELINE = json.loads((QUALITY / "baseline.json").read_text())


KEEP_RECURRING = Options(keep_recurring=True)


def measure(options: Options = KEEP_RECURRING) -> Counter:
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
def default_counts():
    return measure(Options())


def share(counts, label):
    return counts[label + "/removed"] / counts[label]


def test_the_corpus_is_the_one_the_baseline_was_measured_on(counts):
    assert {k: v for k, v in counts.items() if "/removed" not in k} == BASELINE["repeats"]


def test_extra_copies_are_removed(counts):
    assert share(counts, "extra_copy/exact") >= BASELINE["min_extra_copy_removed"]


def test_legitimate_near_repeats_mostly_stay(counts, default_counts):
    assert share(counts, "legit/near") <= BASELINE["max_legit_near_removed"]
    assert share(default_counts, "legit/near") <= BASELINE["max_legit_near_removed"]


def test_legitimate_exact_repeats_removed_at_most_as_before(counts):
    # Exact repeats are removed by definition; this pins that nothing else changes the count.
    assert share(counts, "legit/exact") <= BASELINE["max_legit_exact_removed"]


def test_by_default_every_exact_repeat_goes(default_counts):
    # The default is keep-first with no exceptions: every exact repeat is removed, the
    # extra copies and the legitimate repeats alike.
    assert share(default_counts, "extra_copy/exact") == 1.0
    assert share(default_counts, "legit/exact") == 1.0


if __name__ == "__main__":  # python tests/test_quality.py: print the current figures
    for title, options in (("--keep-recurring", KEEP_RECURRING), ("default", Options())):
        print(title)  # noqa: T201
        current = measure(options)
        for label in sorted(k for k in current if "/removed" not in k):
            print(f"  {label}: {current[label + '/removed']} of {current[label]} removed")  # noqa: T201
