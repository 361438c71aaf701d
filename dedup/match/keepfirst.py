"""Keep-first on integers: the one home of which paragraph a repeat goes for, and which stay.

Every road decides with this: the one-process :class:`~dedup.match.matcher.Matcher`, which
verifies candidates lazily as it goes, and the resolve stage of a sharded run
(:mod:`dedup.batch.stages`), which reads verdicts computed ahead on other workers. Both feed
paragraphs in global order (input order, then record, then paragraph) and give the same
answer, because the rule lives here and only here:

* a substantive paragraph whose key occurred before (an *exact* repeat) goes, for the kept
  paragraph its first occurrence is or repeats;
* the first occurrence of a key goes for the earliest *kept* candidate it is a copy of:
  :attr:`~dedup.match.copies.Level.COPY` always, :attr:`~dedup.match.copies.Level.PASSAGE` only
  when the substantive paragraph before it (in its document) is, or repeats, the one before
  the candidate; a removed candidate never counts, so a chain a ≈ b ≈ c never removes c for b;
* short paragraphs between two removed ones go with them when the same short paragraphs stood
  between their originals, and those originals were consecutive.

What it holds is integers (and the short paragraphs' keys while they wait): which first
occurrences were kept, what each kept one follows, the short paragraphs after a kept one. What
a candidate *is*, and how a pair is judged, is not decided here: candidates come from
:mod:`dedup.match.index` (and the exhaustive part of the matcher), verdicts from
:func:`dedup.match.copies.compare`, and depend only on keys and order, never on decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from dedup.match.copies import Level, Verdict

SHORT_REASON = "a short paragraph of a removed passage"
"""The reason a short paragraph that went with its passage gives (``-v``, the report)."""


@dataclass(frozen=True, repr=False)
class Removal:
    """Paragraph ``index`` goes, for the kept paragraph ``original`` (both global ids).

    The matcher turns it into its public :class:`~dedup.match.matcher.Match`; the sharded
    resolve stage writes it as it is. ``score`` is 100.0 for an exact repeat.
    """

    index: int
    original: int
    score: float
    reason: str


class KeepFirst:
    """Decides, in global order, which paragraphs go: fed one paragraph at a time.

    ``passages`` is off in exact mode (``threshold=100``), where nothing is judged a passage
    and what a kept paragraph follows need not be remembered.
    """

    def __init__(self, *, passages: bool = True) -> None:
        self.passages = passages
        # First occurrence -> the kept paragraph it is (itself) or repeats.
        self._represents: dict[int, int] = {}
        # The kept paragraph each kept one follows (its predecessor's representative).
        self._before: dict[int, int] = {}
        # Short paragraphs after a kept one: (the next one's representative, keys, ids).
        self._trailing: dict[int, tuple[int, tuple[Hashable, ...], tuple[int, ...]]] = {}
        # The document being fed: its last substantive paragraph (id, the kept paragraph it
        # is or repeats, whether it was removed) and the short paragraphs after it.
        self._last: tuple[int, int, bool] | None = None
        self._shorts: list[tuple[int, Hashable]] = []

    def waiting(self) -> int | None:
        """The first short paragraph still waiting for the next substantive one, if any."""
        return self._shorts[0][0] if self._shorts else None

    def kept(self, first: int) -> bool:
        """Whether the first occurrence ``first`` (decided already) was kept."""
        return self._represents[first] == first

    def represents(self, first: int) -> int:
        """The kept paragraph that the first occurrence ``first`` is or repeats."""
        return self._represents[first]

    def short(self, ident: int, token: Hashable) -> None:
        """A short paragraph (never matched): it waits for the next substantive one.

        ``token`` is its key (or anything equal exactly when the keys are equal).
        """
        self._shorts.append((ident, token))

    def end(self) -> None:
        """The document ends: short paragraphs still waiting stay."""
        self._last = None
        self._shorts = []

    def copy_of(
        self, candidates: Iterable[int], verdict: Callable[[int], Verdict]
    ) -> tuple[Removal | None, tuple[int, Verdict] | None]:
        """The earliest kept candidate the paragraph being decided is a copy of, given its
        context; and the first kept candidate it was not (``-v`` says why it stayed).

        ``candidates`` are first occurrences, earliest first; ``verdict(c)`` judges the pair
        (candidate, paragraph), and is asked only of kept candidates, in order, until one is
        a copy: the one-process matcher computes it then, a sharded run reads it.
        """
        miss: tuple[int, Verdict] | None = None
        for candidate in candidates:
            if not self.kept(candidate):
                continue
            judged = verdict(candidate)
            if judged.level is Level.COPY or (
                judged.level is Level.PASSAGE and self.in_passage(candidate)
            ):
                return Removal(-1, candidate, judged.score, judged.reason), miss
            if miss is None:
                miss = (candidate, judged)
        return None, miss

    def in_passage(self, original: int) -> bool:
        """Whether the paragraph being decided follows what ``original`` followed."""
        before = self._before.get(original, -1)
        return before >= 0 and self._last is not None and self._last[1] == before

    def settle(self, ident: int, found: Removal | None, *, first: bool) -> list[Removal]:
        """Record the decision on substantive paragraph ``ident``; return it and the short
        paragraphs before it that go with their passage (in id order).

        ``first``: ``ident`` is its key's first occurrence (``found`` is then its near copy,
        if any); otherwise ``found`` is its exact repeat.
        """
        if found is not None and found.index != ident:
            found = Removal(ident, found.original, found.score, found.reason)
        represents = ident if found is None else found.original
        if first:
            self._represents[ident] = represents
        gone: list[Removal] = []
        last, shorts = self._last, self._shorts
        if last is not None and found is None and self.passages:
            self._before[ident] = last[1]
        if last is not None and shorts:
            keys = tuple(token for _, token in shorts)
            if not last[2]:  # after a kept paragraph: remember them, for its copies
                self._trailing[last[0]] = (represents, keys, tuple(i for i, _ in shorts))
            elif found is not None:
                trailing = self._trailing.get(last[1])
                if trailing is not None and trailing[0] == represents and trailing[1] == keys:
                    gone = [
                        Removal(i, o, 100.0, SHORT_REASON)
                        for (i, _), o in zip(shorts, trailing[2], strict=True)
                    ]
        self._last = (ident, represents, found is not None)
        self._shorts = []
        if found is not None:
            gone.append(found)
        return gone

    def exact(self, ident: int, first: int) -> list[Removal]:
        """:meth:`settle` for an exact repeat of the first occurrence ``first``."""
        return self.settle(
            ident, Removal(ident, self.represents(first), 100.0, "exact"), first=False
        )
