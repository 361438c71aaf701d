"""Repeats that are a document's structure, not a copy: the same question asked of each guest.

An extractor that copies text copies a *passage*: the paragraph after a copy repeats the
paragraph after the original (or the one before does). A document that repeats a paragraph as
part of its own structure — an interview's questions, "Vote for her on the last page!" under
each contestant, a table header over each table — puts something new around every
occurrence. So a paragraph that occurs three or more times, each later time with new
neighbours, is kept at every occurrence.

Decided on the sequence of paragraphs that will be written, and repeated until nothing
changes, so that the output read again reaches the same verdict (``clean`` stays idempotent).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

from dedup.match.keepfirst import SHORT_REASON
from dedup.match.matcher import Match, is_substantive

MIN_OCCURRENCES = 3
"""A paragraph must occur this often, every copy with new neighbours, to count as structure.

Two occurrences are as likely an extractor's single extra copy as a legitimate repeat; three
isolated ones are a pattern.
"""


def recurring(matches: Sequence[Match], substantive: Sequence[bool]) -> set[int]:
    """Return the indices of removed paragraphs that should stay as structure.

    ``matches`` are the matcher's removals (``earlier`` ones repeat another document);
    ``substantive[i]`` says whether paragraph ``i`` is long enough to be matched at all: the
    neighbours that count are the nearest substantive ones, so an image caption or a lone
    ``***`` between two copied paragraphs does not hide that they were copied together.

    >>> from dedup.match.matcher import Match
    >>> # Q a Q b Q c: the question recurs, each time before a new answer: all three stay.
    >>> sorted(recurring([Match(2, 0, 100), Match(4, 0, 100)], [True] * 6))
    [2, 4]
    >>> # Q a Q a Q a: the same passage three times: copies, not structure.
    >>> sorted(recurring([Match(i, i % 2, 100) for i in range(2, 6)], [True] * 6))
    []
    """
    original_of = {m.index: m.original for m in matches if not m.earlier}
    removed = {m.index for m in matches}
    # Every repeat starts as a candidate, so the first look at neighbours sees the document as
    # it came: a copied answer next to a copied question shows they were copied together.
    structure = set(original_of)
    while structure:
        visible = [
            i for i, ok in enumerate(substantive) if ok and (i not in removed or i in structure)
        ]
        remaining = _frequent(structure - _copied(structure, visible, original_of), original_of)
        if remaining == structure:
            break
        structure = remaining
    return structure


def _frequent(candidates: set[int], original_of: dict[int, int]) -> set[int]:
    """Keep the candidates whose paragraph occurs often enough, its original included."""
    occurrences = Counter(original_of[j] for j in candidates)
    return {j for j in candidates if occurrences[original_of[j]] + 1 >= MIN_OCCURRENCES}


def _copied(structure: set[int], visible: list[int], original_of: dict[int, int]) -> set[int]:
    """Return the members of ``structure`` whose neighbour, on either side, repeats the
    neighbour on that side of an earlier occurrence of the same paragraph, or that directly
    follow another occurrence: they were copied together with it."""
    groups = {original_of[j] for j in structure}
    seen_before: dict[int, set[int]] = {group: set() for group in groups}
    seen_after: dict[int, set[int]] = {group: set() for group in groups}
    copied = set()
    last = len(visible) - 1
    for position, index in enumerate(visible):  # in document order: "earlier" = seen
        group = original_of.get(index, index)
        if group not in groups:
            continue
        before = original_of.get(visible[position - 1], visible[position - 1]) if position else -1
        after = (
            original_of.get(visible[position + 1], visible[position + 1]) if position < last else -1
        )
        if index in structure and (
            before == group
            or (before >= 0 and before in seen_before[group])
            or (after >= 0 and after in seen_after[group])
        ):
            copied.add(index)
        seen_before[group].add(before)  # -1 (no neighbour) may go in: it never matches,
        seen_after[group].add(after)  # since -1 is never looked up
    return copied


# --- short paragraphs go with their passage --------------------------------------------------


Follow = tuple[str, tuple[str, ...]] | None
"""What follows a paragraph in its document when short paragraphs do: the key of the next
substantive paragraph and the keys of the short ones between (``None`` when there are none)."""


__all__ = ["SHORT_REASON", "Follow", "recurring", "with_short_ones", "with_their_passage"]


def with_their_passage(removed: list[Match], substantive: list[bool]) -> list[Match]:
    """Drop the removals of short paragraphs whose passage was kept as structure after all.

    A short paragraph goes only between two removed paragraphs (see :mod:`dedup.match.matcher`);
    when the recurring-structure rule keeps one of those, the short one stays too.
    """
    gone = {m.index for m in removed}
    kept: list[Match] = []
    for match in removed:
        i = match.index
        if not substantive[i]:
            before = next((j for j in range(i - 1, -1, -1) if substantive[j]), -1)
            after = next((j for j in range(i + 1, len(substantive)) if substantive[j]), -1)
            if before not in gone or after not in gone:
                continue
        kept.append(match)
    return kept


def with_short_ones(
    keys: Sequence[str],
    removed: Sequence[Match],
    follows: Sequence[Follow],
    *,
    first_id: int,
    min_chars: int,
) -> list[tuple[Match, int, int]]:
    """Add the short paragraphs that go with their passage to a document's exact removals.

    The matcher's rule (:mod:`dedup.match.matcher`): the short paragraphs between two removed
    paragraphs ``a`` and ``b`` go when the same short paragraphs followed ``a``'s original
    and the next paragraph there repeats what ``b`` repeats. With exact matching, that next
    paragraph "repeats what ``b`` repeats" when it has ``b``'s key, recorded beside the
    original as its :data:`Follow`. ``removed`` are in ids from ``first_id`` on, each with
    its ``follows``; the answer, in index order, is every removal with the position in
    ``removed`` of the one whose passage it belongs to and how many paragraphs after it.

    >>> removed = [Match(10, 0, 100.0), Match(12, 2, 100.0)]
    >>> keys = ["a long paragraph", "*", "another long one"]
    >>> follows = [("another long one", ("*",)), None]
    >>> found = with_short_ones(keys, removed, follows, first_id=10, min_chars=5)
    >>> [(m.index, m.original, n, k) for m, n, k in found]
    [(10, 0, 0, 0), (11, 1, 0, 1), (12, 2, 1, 0)]
    """
    by_index = {
        m.index - first_id: (n, m, f) for n, (m, f) in enumerate(zip(removed, follows, strict=True))
    }
    found = [(m, n, 0) for n, m in enumerate(removed)]
    substantive = [i for i, k in enumerate(keys) if is_substantive(k, min_chars)]
    for a, b in itertools.pairwise(substantive):
        if b - a < 2 or a not in by_index or b not in by_index:
            continue
        n, match, follow = by_index[a]
        if follow is None or follow != (keys[b], tuple(keys[a + 1 : b])):
            continue
        for k in range(1, b - a):
            found.append((Match(first_id + a + k, match.original + k, 100.0, SHORT_REASON), n, k))
    return sorted(found, key=lambda item: item[0].index)
