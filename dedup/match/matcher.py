"""Decide which paragraphs repeat an earlier one: exact keys first, then near copies.

The contract every way of running it keeps (one batch or many, one process or a cluster):

* keep-first: paragraphs are decided in order, and one is a near repeat only of a paragraph
  that was *kept* earlier, so a chain a ≈ b ≈ c never removes c because of a removed b;
* a paragraph whose key is shorter than ``min_chars`` is *short*: never matched, and removed
  only with its passage (see below);
* a key equal to an earlier key is a repeat at any length (score 100); its original is that
  earlier key's first paragraph if it was kept, else the paragraph that one repeated;
* otherwise the first occurrence of a key is a near repeat of the earliest kept candidate that
  :func:`dedup.match.copies.compare` judges a copy: :attr:`~dedup.match.copies.Level.COPY` always,
  :attr:`~dedup.match.copies.Level.PASSAGE` only when the paragraph before it (the nearest one that
  is not short, in the same document) is, or repeats, the paragraph before the candidate. The
  candidates of the first :data:`SMALL_INPUT` distinct keys are all kept keys with the same
  fingerprint; after that, the keys that share a band of the bounded index
  (:mod:`dedup.match.index`);
* short paragraphs between two removed paragraphs go with them when the same short paragraphs
  stood between their two originals, and those were consecutive: a heading of a copied
  section goes with the section;
* ``threshold=100`` does no fuzzy work at all.

Candidates depend only on the order of the distinct keys, never on decisions, which is what
lets them be computed ahead, in batches, or on other machines, with the same result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from dedup.match.copies import (
    Features,
    Level,
    Opening,
    Verdict,
    blake2b,
    compare,
    features,
    fingerprint,
)
from dedup.match.keepfirst import KeepFirst, Removal
from dedup.options import DEFAULT_MIN_CHARS, DEFAULT_THRESHOLD, MAX_FUZZY_CHARS, Options, is_exact

if TYPE_CHECKING:  # numpy is imported only once an input outgrows the exhaustive path
    import numpy as np
    from numpy.typing import NDArray

    from dedup.match.index import BandIndex

SMALL_INPUT = 1000
"""Distinct keys up to which a new key is compared with every kept key of its fingerprint.

Below this, the exhaustive comparison misses nothing and needs no numpy; after it, the bounded
index (:mod:`dedup.match.index`) proposes the candidates.
"""

SMALL_FEED = 512
"""Candidate pairs fewer than this are scored on one thread (starting threads costs ~1 ms)."""

SMALL_GROUP = 32
"""Kept keys of one fingerprint up to which lengths are checked before rapidfuzz is called."""

DIGEST_OVER = 32
"""Keys longer than this are remembered by a 16-byte digest, not by their text."""


@dataclass(frozen=True, repr=False)
class Match:
    """Paragraph ``index`` was removed because it repeats the kept paragraph ``original``.

    ``original`` is a paragraph of the same document, unless ``earlier`` is set: then the
    original was kept in an earlier document of a corpus (``--across``) and ``original`` is
    its id in the matcher that saw every document, which :mod:`dedup.corpus` maps back to a
    document. ``score`` is 100.0 for an exact repeat (equal keys), see :attr:`exact`.
    ``reason`` says how the two differ, for people (``-v``); it takes no part in equality.
    """

    index: int
    original: int
    score: float
    reason: str = field(default="", compare=False, repr=False)
    # Keyword-only, so that fields added later can follow positionally.
    earlier: bool = field(default=False, kw_only=True)

    @property
    def exact(self) -> bool:
        """Whether the keys were equal: an exact repeat after normalization, not a near one."""
        return self.score >= 100

    def __repr__(self) -> str:
        # The positional fields always; the others only when they say something (and ask to
        # be shown), so a one-document match stays ``Match(index=.., original=.., score=..)``.
        shown = [
            f"{f.name}={getattr(self, f.name)!r}"
            for f in fields(self)
            if f.repr
            and (f.name in ("index", "original", "score") or getattr(self, f.name) != f.default)
        ]
        return f"Match({', '.join(shown)})"


def is_substantive(key: str, min_chars: int) -> bool:
    """Whether a key is long enough to be matched at all (the one definition of it)."""
    return len(key) >= min_chars


def may_be_near(key: str, min_chars: int) -> bool:
    """Whether a key takes part in near matching: substantive, and short enough for
    ``fuzz.ratio`` (:data:`MAX_FUZZY_CHARS`); longer ones are matched exactly only."""
    return min_chars <= len(key) <= MAX_FUZZY_CHARS


def may_reach(a: int, b: int, threshold: float) -> bool:
    """Whether keys of lengths ``a`` and ``b`` can have a ``fuzz.ratio`` of ``threshold``.

    The ratio is ``100 * (1 - indel / (a + b))`` and the indel distance is at least
    ``|a - b|``, so it is at most ``200 * min(a, b) / (a + b)``: a bound, never a verdict.

    >>> may_reach(100, 120, 90), may_reach(100, 130, 90)
    (True, False)
    """
    return 200 * min(a, b) >= threshold * (a + b)


def score(a: str, b: str, *, threshold: float) -> float:
    """Return how alike two keys are (0-100) if ``b`` is a copy of ``a`` on its own, else 0.0.

    >>> score("the match ended 2-1 to arsenal", "the match ended 3-0 to arsenal", threshold=90)
    0.0
    >>> score("vote for anna on the last page!", "vote for olga on the last page!", threshold=90)
    0.0
    >>> round(score("the quick brown fox jumps", "the quick brwon fox jumps", threshold=90), 1)
    96.0
    """
    if a == b:
        return 100.0
    if len(a) > MAX_FUZZY_CHARS or len(b) > MAX_FUZZY_CHARS:
        return 0.0
    verdict = compare(a, b, features(a), features(b), threshold=threshold)
    return verdict.score if verdict.level is Level.COPY else 0.0


def among(text: str, earlier: Sequence[str], threshold: float) -> list[tuple[int, float]]:
    """The exhaustive part's candidates: which of ``earlier`` (one fingerprint's keys, in
    order) reach the threshold with ``text``, as (index, ratio), earliest first.

    The one home of the small-input candidates, for the matcher and a sharded run's verify
    stage alike: decided by keys alone, removed ones included (keep-first skips those).
    """
    group = list(range(len(earlier)))
    if group and len(group) <= SMALL_GROUP:
        # Cheap in Python for a few keys, and a small file whose paragraphs cannot meet
        # never loads rapidfuzz (a tenth of the start-up); the cutoff below decides.
        group = [i for i in group if may_reach(len(text), len(earlier[i]), threshold)]
    if not group:
        return []
    from rapidfuzz import fuzz, process  # lazy: only keys that meet a candidate

    hits = process.extract(
        text, [earlier[i] for i in group], scorer=fuzz.ratio, score_cutoff=threshold, limit=None
    )
    return sorted((group[i], float(s)) for _, s, i in hits)


def reaching(
    left: Sequence[str], right: Sequence[str], threshold: float
) -> list[tuple[int, float]]:
    """The index's candidates that count: which pairs ``(left[i], right[i])`` reach the
    threshold, as (i, ratio); shared by the matcher and a sharded run's verify stage."""
    from rapidfuzz import fuzz, process

    ratios = process.cpdist(
        left,
        right,
        scorer=fuzz.ratio,
        score_cutoff=threshold,
        workers=-1 if len(left) >= SMALL_FEED else 1,
    )
    return [(i, float(ratios[i])) for i in ratios.nonzero()[0].tolist()]


def verify(
    earlier: str,
    later: str,
    a: Features,
    b: Features,
    threshold: float,
    opening: Opening | None = None,
) -> Verdict:
    """Judge a candidate pair whose ratio reaches the threshold: the one verify step.

    The one-process matcher calls it when keep-first asks, a sharded run's verify stage for
    every candidate pair ahead; both with :func:`~dedup.match.copies.compare`'s verdict, which
    keep-first (:mod:`dedup.match.keepfirst`) reads with the passage condition. ``opening``
    is the later paragraph's document as read up to it, which a changed word's language
    comes from (:class:`~dedup.match.copies.Opening`).
    """
    return compare(earlier, later, a, b, threshold=threshold, opening=opening)


def digest(key: str) -> str | bytes:
    """What the exact pass remembers of a key: the key itself if short, else 16 bytes."""
    if len(key) <= DIGEST_OVER:
        return key
    return blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass(frozen=True)
class Prepared:
    """A batch of keys with the per-paragraph work done: what a worker process can compute.

    :func:`prepare` fills in the fingerprint of every key that may be fuzzy-matched and its
    MinHash signature; :meth:`Matcher.feed_prepared` then only decides. A Prepared with
    nothing filled in (``Prepared(keys)``) is computed as needed. Either way, the decisions
    are the same: this only moves where the work happens.
    """

    keys: list[str]
    fingerprints: dict[str, int] = field(default_factory=dict)
    features: dict[str, Features] = field(default_factory=dict)
    """Filled as keys are compared (features are needed only then)."""
    signatures: dict[str, int] = field(default_factory=dict)
    """Row of each key in :attr:`signature_rows`."""
    signature_rows: NDArray[np.uint32] | None = None


def prepare(
    keys: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_chars: int = DEFAULT_MIN_CHARS,
    with_signatures: bool = True,
) -> Prepared:
    """Do the per-paragraph work for a batch of keys, in any process (a pure function).

    >>> p = prepare(["a paragraph long enough", "short"], with_signatures=False)
    >>> sorted(p.fingerprints)
    ['a paragraph long enough']
    """
    keys = list(keys)
    if is_exact(threshold):
        return Prepared(keys)
    eligible = list(dict.fromkeys(k for k in keys if may_be_near(k, min_chars)))
    found = {k: fingerprint(k) for k in eligible}
    if not with_signatures or not eligible:
        return Prepared(keys, found)
    from dedup.match.index import signatures  # lazy: numpy

    rows = {k: i for i, k in enumerate(eligible)}
    return Prepared(keys, found, {}, rows, signatures(eligible))


@dataclass
class _Distinct:
    """What is remembered of the distinct keys that may be fuzzy-matched, by position."""

    keys: list[str | None] = field(default_factory=list)  # None once removed: never needed
    features: list[Features | None] = field(default_factory=list)  # exhaustive part only
    ids: list[int] = field(default_factory=list)
    groups: dict[int, list[int]] = field(default_factory=dict)  # fingerprint -> positions


class Matcher:
    """Remembers what was seen and decides, in order, which new keys repeat a kept one.

    Every key fed gets the next id (0, 1, 2, ...), kept or not, so a caller that feeds several
    documents in turn (``--across``) can map an id back to its document.

    ``feed(keys)`` decides a whole document. ``feed(keys, end=False)`` says more keys of the
    same document follow (streaming): short paragraphs after the last substantive one may
    then wait for the next call, since whether they go depends on the next paragraph.
    :attr:`decided` says how many ids are final. Feeding a document in any number of batches
    gives the same result as feeding it at once.
    """

    @classmethod
    def from_options(cls, options: Options) -> Matcher:
        """A fresh matcher with the settings of ``options`` (one per document, or per corpus).

        Here rather than on ``Options``, so the settings stay a leaf that imports no rule.
        """
        return cls(
            threshold=options.threshold, min_chars=options.min_chars, explain=options.explain
        )

    def __init__(
        self,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        min_chars: int = DEFAULT_MIN_CHARS,
        explain: bool = False,
    ) -> None:
        self.threshold = threshold
        self.min_chars = min_chars
        self.explain = explain
        """Record near misses, to say why a look-alike was kept (``-v``): those of the same
        fingerprint met as candidates, and, in the exhaustive part (the first ``SMALL_INPUT``
        keys), those of another number, symbol or negation, at the cost of a scan of the
        kept keys per key. Off, nothing is recorded, so nothing piles up unasked."""
        self.next_id = 0
        """The id the next key fed will get."""
        self._seen: dict[str | bytes, int] = {}  # digest -> its first occurrence's id
        self._distinct = _Distinct()
        self._index: BandIndex | None = None
        self._near_misses: list[Match] = []
        self._prepared = Prepared([])  # the batch being fed
        self._keep = KeepFirst(passages=not is_exact(threshold))
        self._opening = Opening()  # what a changed word's language is read from

    @property
    def decided(self) -> int:
        """How many ids are final: all fed, but for short paragraphs still waiting."""
        waiting = self._keep.waiting()
        return self.next_id if waiting is None else waiting

    def take_near_misses(self) -> list[Match]:
        """Return (and forget) the kept paragraphs that were alike enough to a kept one to
        be compared, and why they were kept ("differs in a number: 8 → 12"), for ``-v``."""
        misses, self._near_misses = self._near_misses, []
        return misses

    def feed(self, keys: Sequence[str], *, end: bool = True) -> list[Match]:
        """Decide each key in order; return the repeats among the ids that became final."""
        return self.feed_prepared(Prepared(list(keys)), end=end)

    def feed_prepared(self, prepared: Prepared, *, end: bool = True) -> list[Match]:
        """:meth:`feed` of a batch whose per-paragraph work is done (see :func:`prepare`)."""
        keys = prepared.keys
        self._prepared = prepared
        digests = [digest(k) if is_substantive(k, self.min_chars) else None for k in keys]
        candidates = self._candidates(keys, digests)
        found: list[Removal] = []
        first_id = self.next_id
        self.next_id += len(keys)
        keep = self._keep
        for offset, (text, seen) in enumerate(zip(keys, digests, strict=True)):
            ident = first_id + offset
            self._opening.add(text)
            if seen is None:
                keep.short(ident, text)
                continue
            first = self._seen.get(seen)
            if first is not None:
                found += keep.exact(ident, first)
                continue
            self._seen[seen] = ident
            found += keep.settle(ident, self._near(ident, text, candidates), first=True)
        if end:
            keep.end()
            self._opening.clear()
        self._prepared = Prepared([])  # hold no batch longer than its feed
        matches = [Match(r.index, r.original, r.score, r.reason) for r in found]
        return sorted(matches, key=lambda m: m.index) if len(matches) > 1 else matches

    def _near(
        self, ident: int, text: str, candidates: dict[int, list[tuple[int, float]]]
    ) -> Removal | None:
        """Decide the first occurrence of a key that may be a near repeat."""
        if is_exact(self.threshold) or not may_be_near(text, self.min_chars):
            return None
        distinct = self._distinct
        position = len(distinct.ids)
        exhaustive = position < SMALL_INPUT
        group = self._fingerprint(text) if exhaustive else 0
        found = self._exhaustive(text, group) if exhaustive else candidates.get(ident, [])
        match = self._first_copy(ident, text, found)
        if match is None and exhaustive and self.explain:
            self._explain(ident, text)
        distinct.ids.append(ident)
        # Features are computed when a key is first compared, and kept for the exhaustive
        # part, where a key may be compared often; past it, verification is rare, and
        # recomputing is cheaper than holding a million word tuples.
        distinct.features.append(self._prepared.features.get(text) if exhaustive else None)
        if exhaustive:
            # Every key of the exhaustive part is a candidate of later ones of its fingerprint,
            # kept or not: candidates never depend on decisions (keep-first skips removed ones).
            distinct.keys.append(text)
            distinct.groups.setdefault(group, []).append(position)
        else:
            # A removed key is never a candidate again (keep-first skips it before asking for
            # a verdict), so its text is not needed.
            distinct.keys.append(text if match is None else None)
        return match

    def _exhaustive(self, text: str, fingerprint: int) -> list[tuple[int, float]]:
        """Every earlier key of the same fingerprint whose ratio reaches the threshold."""
        group = self._distinct.groups.get(fingerprint, [])
        known = self._distinct.keys
        hits = among(text, [known[p] or "" for p in group], self.threshold)
        return [(group[i], ratio) for i, ratio in hits]

    def _first_copy(self, ident: int, text: str, found: list[tuple[int, float]]) -> Removal | None:
        """The earliest kept candidate that ``text`` is a copy of, given its context
        (:meth:`KeepFirst.copy_of`), each pair judged when keep-first asks for it."""
        distinct = self._distinct
        at = {distinct.ids[position]: position for position, _ in found}

        def verdict(original: int) -> Verdict:
            position = at[original]
            other = distinct.keys[position]
            assert other is not None  # kept ones keep their text
            own = self._features(text)
            return verify(
                other, text, self._kept_features(position), own, self.threshold, self._opening
            )

        match, miss = self._keep.copy_of(at, verdict)
        if match is None and miss is not None and self.explain:
            original, judged = miss
            reason = judged.reason
            if judged.level is Level.PASSAGE:
                reason = "added or dropped a word outside a repeated passage"
            self._near_misses.append(Match(ident, original, judged.score, reason))
        return match

    def _explain(self, ident: int, text: str) -> None:
        """Record why ``text`` was kept though a kept key of another fingerprint is alike."""
        if self._near_misses and self._near_misses[-1].index == ident:
            return  # its own fingerprint's look-alike already says why
        distinct = self._distinct
        kept = [p for p, i in enumerate(distinct.ids) if self._keep.kept(i)]
        from rapidfuzz import fuzz, process

        best = process.extractOne(
            text, [distinct.keys[p] for p in kept], scorer=fuzz.ratio, score_cutoff=self.threshold
        )
        if best is None:
            return
        position = kept[best[2]]
        other = distinct.keys[position]
        assert other is not None
        own = self._features(text)
        verdict = verify(
            other, text, self._kept_features(position), own, self.threshold, self._opening
        )
        original = distinct.ids[position]
        self._near_misses.append(Match(ident, original, float(best[1]), verdict.reason))

    def _kept_features(self, position: int) -> Features:
        known = self._distinct.features[position]
        if known is not None:
            return known
        text = self._distinct.keys[position]
        assert text is not None  # kept keys keep their text
        found = features(text)
        if position < SMALL_INPUT:
            self._distinct.features[position] = found
        return found

    def _features(self, text: str) -> Features:
        found = self._prepared.features.get(text)
        if found is None:
            found = features(text)
            self._prepared.features[text] = found  # computed once per batch, here or ahead
        return found

    def _signatures(self, texts: list[str]) -> NDArray[np.uint32]:
        from dedup.match.index import signatures  # lazy: numpy

        prepared = self._prepared
        if prepared.signature_rows is None:
            return signatures(texts)
        return prepared.signature_rows[[prepared.signatures[t] for t in texts]]

    def _fingerprint(self, text: str) -> int:
        found = self._prepared.fingerprints.get(text)
        if found is None:
            found = fingerprint(text)
            self._prepared.fingerprints[text] = found
        return found

    def _fingerprints(self, texts: list[str]) -> NDArray[np.uint32]:
        import numpy as np  # lazy: large inputs only

        found = (self._fingerprint(t) for t in texts)
        return np.fromiter(found, dtype=np.uint32, count=len(texts))

    def _candidates(
        self, keys: list[str], digests: list[str | bytes | None]
    ) -> dict[int, list[tuple[int, float]]]:
        """Candidates from the bounded index for this batch's new keys past ``SMALL_INPUT``.

        Returns, per id, ``(position, ratio)`` of the candidates whose ratio reaches the
        threshold, in position order. Keys before ``SMALL_INPUT`` (and all keys once the index
        exists) are added to the index, so later keys find them.
        """
        if is_exact(self.threshold):
            return {}
        new: dict[str, int] = {}  # first occurrences of fuzzy-eligible keys: key -> id
        seen = self._seen
        for offset, (text, known) in enumerate(zip(keys, digests, strict=True)):
            if (
                known is not None  # substantive
                and may_be_near(text, self.min_chars)
                and text not in new
                and known not in seen
            ):
                new[text] = self.next_id + offset
        start = len(self._distinct.ids)
        if start + len(new) <= SMALL_INPUT:
            return {}
        return self._look_up(list(new), list(new.values()), start)

    def _look_up(
        self, texts: list[str], ids: list[int], start: int
    ) -> dict[int, list[tuple[int, float]]]:
        import numpy as np  # lazy: large inputs only

        from dedup.match.index import BandIndex, min_agreement, signatures

        agreement = min_agreement(self.threshold)
        if self._index is None:
            # The index holds every distinct key before this batch, the exhaustive part's too
            # (whose texts are all remembered): later keys must find those as well.
            self._index = BandIndex()
            early = [text for text in self._distinct.keys if text is not None]
            assert len(early) == start
            if early:
                self._index.add_batch(
                    signatures(early),
                    np.fromiter((fingerprint(t) for t in early), dtype=np.uint32),
                    agreement=agreement,
                )
        index = self._index
        rows, positions = index.add_batch(
            self._signatures(texts), self._fingerprints(texts), agreement=agreement
        )
        rows_list = rows.tolist()
        positions_list = positions.tolist()
        pairs = [
            (r, p)
            for r, p in zip(rows_list, positions_list, strict=True)
            if start + r >= SMALL_INPUT and self._may_be_kept(p, start)
        ]
        if not pairs:
            return {}
        left = [texts[r] for r, _ in pairs]
        right = [self._text_at(p, start, texts) for _, p in pairs]
        found: dict[int, list[tuple[int, float]]] = {}
        for i, ratio in reaching(left, right, self.threshold):
            row, position = pairs[i]
            found.setdefault(ids[row], []).append((position, ratio))
        return found

    def _may_be_kept(self, position: int, start: int) -> bool:
        # Removed keys are skipped by keep-first before any verdict, so their ratio is not
        # needed either (their text is gone past the exhaustive part).
        return position >= start or self._keep.kept(self._distinct.ids[position])

    def _text_at(self, position: int, start: int, texts: list[str]) -> str:
        if position >= start:
            return texts[position - start]
        text = self._distinct.keys[position]
        assert text is not None  # only kept positions are asked for
        return text


def find_repeats(
    keys: Iterable[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_chars: int = DEFAULT_MIN_CHARS,
) -> list[Match]:
    """Return a :class:`Match` for every key that repeats an earlier kept one.

    >>> keys = ["a paragraph long enough", "another paragraph here", "a paragraph long enough!"]
    >>> find_repeats(keys)
    [Match(index=2, original=0, score=97.87234042553192)]
    """
    return Matcher(threshold=threshold, min_chars=min_chars).feed(list(keys))
