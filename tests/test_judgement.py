"""The judgement gate: different statements must stay, copy noise must go.

Each case of ``judgement/pairs.jsonl`` is cleaned as a document of two lines, ``a`` then ``b``,
with default options: a "different" pair must come out unchanged, a "copy" pair must lose its
second line. Each case of ``judgement/passages.jsonl`` is a whole document (a three-sentence
passage and its repeat) that must come out as ``expected``, byte for byte. The set was built
from real text by ``judgement/build.py``; see ``judgement/README.md``.

The floors in ``judgement/baseline.json`` may only move on purpose, in a commit that says why
(trafilatura's eval gate, as ``test_quality.py``). ``python tests/test_judgement.py`` prints the
current rates per category.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

import pytest

from dedup import clean

JUDGEMENT = Path(__file__).parent / "judgement"
BASELINE = json.loads((JUDGEMENT / "baseline.json").read_text())
SHOWN = 20  # failing cases printed per gate


def load(name: str) -> list[dict]:
    lines = (JUDGEMENT / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


PAIRS = load("pairs.jsonl")
PASSAGES = load("passages.jsonl")
SPELLING = load("spelling.jsonl")
TECHNICAL = load("technical.jsonl")
"""Edits of technical tokens in real lines (``judgement/build_technical.py``), each case in a
``tune`` or a ``heldout`` half: the rule was tuned on the first only; both are gated."""


@dataclass(frozen=True)
class Verdict:
    """One case, what dedup made of it, and whether that is what its label asks."""

    case: dict
    kind: str  # "pairs" or "passages"
    right: bool
    output: str
    why: str  # the removals dedup made, as "line N repeats line M (score)"

    def describe(self) -> str:
        c = self.case
        head = f"[{self.kind} {c['label']} {c['category']} {c['lang']}] {c['source']}"
        if self.kind in ("pairs", "spelling"):
            body = f"\n    a: {c['a']}\n    b: {c['b']}"
        else:
            body = f"\n    doc:      {c['doc']!r}\n    expected: {c['expected']!r}"
        return f"{head}{body}\n    got: {self.output!r}  ({self.why or 'nothing removed'})"


def _removals(document: str) -> tuple[str, str]:
    result = clean(document.encode("utf-8"))
    why = "; ".join(
        f"line {m.index + 1} repeats line {m.original + 1} ({m.score:.1f})" for m in result.removed
    )
    return result.data.decode("utf-8"), why


def judge_pair(case: dict) -> Verdict:
    document = f"{case['a']}\n{case['b']}\n"
    expected = document if case["label"] == "different" else f"{case['a']}\n"
    output, why = _removals(document)
    return Verdict(case, "pairs", output == expected, output, why)


def judge_technical(case: dict) -> Verdict:
    verdict = judge_pair(case)
    return Verdict(case, f"technical-{case['split']}", verdict.right, verdict.output, verdict.why)


def judge_passage(case: dict) -> Verdict:
    output, why = _removals(case["doc"])
    return Verdict(case, "passages", output == case["expected"], output, why)


def judge_spelling(case: dict) -> Verdict:
    verdict = judge_pair(case)
    return Verdict(case, "spelling", verdict.right, verdict.output, verdict.why)


def measure() -> list[Verdict]:
    return (
        [judge_pair(c) for c in PAIRS]
        + [judge_passage(c) for c in PASSAGES]
        + [judge_spelling(c) for c in SPELLING]
        + [judge_technical(c) for c in TECHNICAL]
    )


@pytest.fixture(scope="module")
def verdicts() -> list[Verdict]:
    return measure()


def rate(verdicts: list[Verdict], kind: str, label: str) -> tuple[float, list[Verdict]]:
    """The share of ``kind`` cases with ``label`` judged right, and the wrong ones."""
    chosen = [v for v in verdicts if v.kind == kind and v.case["label"] == label]
    wrong = [v for v in chosen if not v.right]
    return 1 - len(wrong) / len(chosen), wrong


def by_category(verdicts: list[Verdict]) -> list[str]:
    total: Counter[tuple[str, str, str]] = Counter()
    right: Counter[tuple[str, str, str]] = Counter()
    for v in verdicts:
        k = (v.kind, v.case["label"], v.case["category"])
        total[k] += 1
        right[k] += v.right
    return [
        f"{kind:8} {label:9} {category:30} {right[k]:4} of {total[k]:4} right ({right[k] / total[k]:.1%})"
        for k in sorted(total)
        for kind, label, category in [k]
    ]


def spread(wrong: list[Verdict]) -> list[Verdict]:
    """The wrong cases, one category after another in turn, so the first few show every kind."""
    queues: dict[str, list[Verdict]] = {}
    for v in wrong:
        queues.setdefault(v.case["category"], []).append(v)
    rows = zip_longest(*queues.values())
    return [v for row in rows for v in row if v is not None]


def gate(verdicts: list[Verdict], kind: str, label: str, floor: float, what: str) -> None:
    share, wrong = rate(verdicts, kind, label)
    if share < floor:
        shown = "\n".join(v.describe() for v in spread(wrong)[:SHOWN])
        table = "\n".join(by_category(verdicts))
        pytest.fail(
            f"{what}: {share:.1%} < floor {floor:.0%} ({len(wrong)} wrong); "
            f"first {min(SHOWN, len(wrong))}:\n{shown}\n\nper category:\n{table}",
            pytrace=False,
        )


def test_the_set_is_the_one_the_baseline_was_measured_on():
    counts = Counter(
        f"{kind}/{c['label']}"
        for kind, cases in (("pairs", PAIRS), ("passages", PASSAGES))
        for c in cases
    ) + Counter(f"technical-{c['split']}/{c['label']}" for c in TECHNICAL)
    counts.update(f"spelling/{c['category']}/{c['split']}" for c in SPELLING)
    assert dict(counts) == BASELINE["cases"]


def spelling_rate(verdicts: list[Verdict], category: str, split: str | None) -> float:
    chosen = [
        v
        for v in verdicts
        if v.kind == "spelling"
        and v.case["category"] == category
        and split in (None, v.case["split"])
    ]
    return sum(v.right for v in chosen) / len(chosen)


@pytest.mark.parametrize("category", ["real-correction", "planted-typo", "rare-word-look-alike"])
@pytest.mark.parametrize("split", ["tune", "held-out"])
def test_spelling_rates_hold_their_floor(verdicts, category, split):
    """Issue 14's spelling set, each part and split against its floor in the baseline."""
    floor = BASELINE["spelling_floors"][category][split]
    share = spelling_rate(verdicts, category, split)
    if share < floor:
        chosen = [
            v
            for v in verdicts
            if v.kind == "spelling"
            and v.case["category"] == category
            and v.case["split"] == split
            and not v.right
        ]
        shown = "\n".join(v.describe() for v in chosen[:SHOWN])
        pytest.fail(f"{category} {split}: {share:.1%} < {floor:.0%}\n{shown}", pytrace=False)


def test_every_pair_is_two_single_lines_of_at_least_min_chars():
    for c in PAIRS:
        assert c["label"] in ("different", "copy"), c
        assert c["a"] != c["b"], c
        for side in (c["a"], c["b"]):
            assert "\n" not in side, c
            assert "\r" not in side, c
            assert len(side) >= 20, c


def test_every_passage_expects_its_first_copy_and_a_kept_different_line():
    for c in PASSAGES:
        lines = c["doc"].splitlines(keepends=True)
        assert len(lines) == 6, c
        assert lines[0] == lines[3], c
        assert lines[2] == lines[5], c
        kept = lines[:3] + ([] if c["label"] == "copy" else [lines[4]])
        assert c["expected"] == "".join(kept), c


def test_different_statements_are_kept(verdicts):
    gate(
        verdicts, "pairs", "different", BASELINE["min_different_kept"], "different statements kept"
    )


def test_copy_noise_is_removed(verdicts):
    gate(verdicts, "pairs", "copy", BASELINE["min_copy_removed"], "copy noise removed")


def test_changed_facts_inside_a_repeated_passage_are_kept(verdicts):
    floor = BASELINE["min_passage_different_kept"]
    gate(verdicts, "passages", "different", floor, "changed facts in a repeated passage kept")


def test_a_repeated_passage_with_one_word_more_or_less_is_removed(verdicts):
    floor = BASELINE["min_passage_copy_removed"]
    gate(
        verdicts,
        "passages",
        "copy",
        floor,
        "passages with one ordinary word added or dropped removed",
    )


@pytest.mark.parametrize("part", ["tune", "heldout"])
def test_technical_differences_are_kept(verdicts, part):
    floor = BASELINE["min_technical_different_kept"]
    gate(verdicts, f"technical-{part}", "different", floor, f"technical edits kept ({part})")


@pytest.mark.parametrize("part", ["tune", "heldout"])
def test_copy_noise_in_technical_lines_is_removed(verdicts, part):
    floor = BASELINE["min_technical_copy_removed"]
    gate(verdicts, f"technical-{part}", "copy", floor, f"noise in technical lines ({part})")


if __name__ == "__main__":  # python tests/test_judgement.py: print the current rates
    current = measure()
    for line in by_category(current):
        print(line)  # noqa: T201
    for kind in ("pairs", "passages", "technical-tune", "technical-heldout"):
        for label in ("different", "copy"):
            share, wrong = rate(current, kind, label)
            print(f"{kind} {label}: {share:.1%} right ({len(wrong)} wrong)")  # noqa: T201
    for lang in sorted({c["lang"] for c in TECHNICAL}):
        for split in ("tune", "heldout"):
            for label in ("different", "copy"):
                chosen = [
                    v
                    for v in current
                    if v.kind == f"technical-{split}"
                    and v.case["lang"] == lang
                    and v.case["label"] == label
                ]
                if chosen:
                    share = sum(v.right for v in chosen) / len(chosen)
                    print(f"technical {lang} {split} {label}: {share:.1%} of {len(chosen)}")  # noqa: T201
    for category in ("real-correction", "planted-typo", "rare-word-look-alike"):
        for split in ("tune", "held-out", None):
            share = spelling_rate(current, category, split)
            print(f"spelling {category} {split or 'all'}: {share:.1%} right")  # noqa: T201
    languages = sorted({c["lang"] for c in SPELLING})
    for category in ("real-correction", "planted-typo"):
        for lang in languages:
            chosen = [
                v
                for v in current
                if v.kind == "spelling"
                and v.case["category"] == category
                and v.case["lang"] == lang
            ]
            if chosen:
                share = sum(v.right for v in chosen) / len(chosen)
                print(f"spelling {category} {lang}: {share:.1%} of {len(chosen)}")  # noqa: T201
