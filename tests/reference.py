"""A plain reference for the matcher's contract, written apart from ``dedup.matching``.

The indexed :class:`~dedup.matching.Matcher` used to be checked against
:class:`~dedup.matching.ExhaustiveMatcher`, its own base class, so a change to their shared
part moved both and the check could not see it (as RapidFuzz keeps ``_py`` references beside
its C++ scorers, this file is the other implementation). It shares only the pair rule,
:func:`dedup.matching.score`, which *is* the contract; the rest is the contract's text, read
as a loop:

* keep-first: a key is a repeat only of a key *kept* earlier;
* a key shorter than ``min_chars`` is never removed and never kept for matching;
* an exact repeat (equal keys) wins at any length, against the key that was kept;
* otherwise the earliest kept key that :func:`score` accepts is the original;
* ``threshold=100`` means exact repeats only.

Quadratic and slow on purpose: nothing clever to get wrong.
"""

from __future__ import annotations

from dedup.matching import Match, score


def reference_repeats(keys: list[str], *, threshold: float, min_chars: int) -> list[Match]:
    """Return a :class:`Match` for each key that repeats an earlier kept key, in order."""
    kept: list[tuple[int, str]] = []
    matches: list[Match] = []
    for index, key in enumerate(keys):
        if len(key) < min_chars:
            continue
        found = _exact(kept, key) or (None if threshold >= 100 else _near(kept, key, threshold))
        if found is None:
            kept.append((index, key))
        else:
            matches.append(Match(index, *found))
    return matches


def _exact(kept: list[tuple[int, str]], key: str) -> tuple[int, float] | None:
    for index, other in kept:
        if other == key:
            return index, 100.0
    return None


def _near(kept: list[tuple[int, str]], key: str, threshold: float) -> tuple[int, float] | None:
    for index, other in kept:
        found = score(other, key, threshold=threshold)
        if found:
            return index, found
    return None
