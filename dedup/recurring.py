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

from collections import Counter
from collections.abc import Sequence

from dedup.matching import Match

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

    >>> from dedup.matching import Match
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
