"""A plain, independent reference for the matcher's contract (see ``dedup.match.matcher``).

Quadratic and written for reading, as RapidFuzz keeps ``_py`` references beside its C++: it
shares nothing with :class:`dedup.match.matcher.Matcher` but the judgement of a pair
(:func:`dedup.match.copies.compare`, with the document's :class:`~dedup.match.copies.Opening`
its changed words' language is read from), which is tested on its own (``test_copies``, the judgement set).
Every key is compared with every kept key; there is no index, digest, fingerprint or batch.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise

from rapidfuzz import fuzz

from dedup.match.copies import Features, Level, Opening, compare, features
from dedup.match.matcher import Match
from dedup.options import MAX_FUZZY_CHARS


def reference_repeats(
    keys: list[str], *, threshold: float = 90, min_chars: int = 20
) -> list[Match]:
    """Decide one document's keys by the contract, the slow and obvious way."""
    original: dict[int, int] = {}  # removed index -> the kept paragraph it repeats
    first: dict[str, int] = {}  # key -> index of its first occurrence
    kept: list[int] = []
    substantive = [i for i, k in enumerate(keys) if len(k) >= min_chars]
    before = {j: i for i, j in pairwise(substantive)}

    def represents(i: int) -> int:
        return original.get(i, i)

    opening, fed = Opening(), 0
    for i in substantive:
        text = keys[i]
        while fed <= i:  # the document up to the paragraph judged, short ones included
            opening.add(keys[fed])
            fed += 1
        if text in first:
            original[i] = represents(first[text])
            continue
        first[text] = i
        if threshold >= 100 or len(text) > MAX_FUZZY_CHARS:
            kept.append(i)
            continue
        for k in kept:  # earliest first
            other = keys[k]
            if len(other) > MAX_FUZZY_CHARS:
                continue
            if fuzz.ratio(other, text) < threshold:  # (compare would say so too, slower)
                continue
            verdict = compare(
                other,
                text,
                _features(other),
                _features(text),
                threshold=threshold,
                opening=opening,
            )
            in_passage = (
                i in before and k in before and represents(before[i]) == represents(before[k])
            )
            if verdict.level is Level.COPY or (verdict.level is Level.PASSAGE and in_passage):
                original[i] = k
                break
        else:
            kept.append(i)
    matches = [Match(i, o, 0.0) for i, o in original.items()]
    matches += _short_ones(keys, substantive, original)
    return sorted(matches, key=lambda m: m.index)


def opening_at(keys: list[str], index: int) -> Opening:
    """The opening a verdict on ``keys[index]`` reads its language from: the keys up to it."""
    opening = Opening()
    for key in keys[: index + 1]:
        opening.add(key)
    return opening


@cache
def _features(key: str) -> Features:
    return features(key)


def _short_ones(keys: list[str], substantive: list[int], original: dict[int, int]) -> list[Match]:
    """Short paragraphs between two removed ones, when the same stood between their originals."""
    following = dict(pairwise(substantive))
    matches = []
    for a, b in following.items():
        if b - a < 2 or a not in original or b not in original:
            continue
        o1 = original[a]
        n = following.get(o1)
        if n is None or original.get(n, n) != original[b]:
            continue
        if keys[a + 1 : b] == keys[o1 + 1 : n]:
            matches += [Match(a + 1 + k, o1 + 1 + k, 100.0) for k in range(b - a - 1)]
    return matches


def reference_removed_spans(
    paragraphs: list[tuple[int, int, int, int, int]], removed: set[int]
) -> list[tuple[int, int]]:
    """The render rule by whole blocks, the obvious way: a removed paragraph's span starts at
    its lead unless a paragraph of its block is kept; touching spans merge."""
    kept_blocks = {p[4] for i, p in enumerate(paragraphs) if i not in removed}
    spans: list[tuple[int, int]] = []
    for i, (lead, start, end, _, block) in enumerate(paragraphs):
        if i not in removed:
            continue
        begin = start if block in kept_blocks else lead
        if spans and spans[-1][1] == begin:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((begin, end))
    return spans
