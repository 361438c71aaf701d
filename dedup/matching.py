"""Decide which paragraphs repeat an earlier one: exact keys first, rapidfuzz after.

The contract every matcher here keeps (the indexed one of the scale work included):

* keep-first: paragraphs are decided in order, and one is a repeat only of a paragraph that was
  *kept* earlier, so a chain a ≈ b ≈ c never removes c because of a removed b;
* a paragraph whose key is shorter than ``min_chars`` is never removed and never matched;
* equal keys are a repeat at any length (score 100);
* otherwise :func:`score` decides: ``rapidfuzz.fuzz.ratio`` of the keys, at least ``threshold``,
  and few enough replaced words (see :func:`score`). ``threshold=100`` does no fuzzy work at all;
* the reported original is the earliest kept paragraph that qualifies.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

if TYPE_CHECKING:  # numpy is imported only once an input outgrows the exhaustive path
    from concurrent.futures import Executor

    import numpy as np
    from numpy.typing import NDArray

    from dedup.index import BandIndex, Bands

DEFAULT_THRESHOLD = 90
"""Minimum ``fuzz.ratio`` (0-100) of two keys for a near repeat."""

DEFAULT_MIN_CHARS = 20
"""Keys shorter than this are never removed: ``***``, ``Advertisement``, a refrain."""

MAX_FUZZY_CHARS = 10_000
"""Keys longer than this are compared exactly only.

``fuzz.ratio`` is quadratic in the length: about 2 ms for two 10,000-character keys, 1 s for two
of 300,000 (measured with rapidfuzz 3.14 on this project's 2-core machine). A paragraph that
long is a dump, not prose, and an exact repeat of it is still found.
"""

SMALL_INPUT = 1000
"""Kept keys up to which a new key is compared with every kept key.

Below this, the exhaustive comparison is exact and about as fast as the index (and needs no
numpy); above it, the index takes over. See :class:`Matcher`.
"""

CHUNK = 8192
"""Keys decided per round of the index: signatures, lookups and ratios are computed per chunk."""

SMALL_FEED = 512
"""Batches (or candidate lists) smaller than this are handled on one thread."""

# A token is a run of digits, a run of other letters, or, in the scripts written without spaces
# (CJK ideographs, kana), a character bigram: the usual stand-in for words there (as in
# Lucene's CJK analyzer), since one character is too small a unit to weigh a change by.
# Used to weigh replaced words against the size of a paragraph.
_CJK = "\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Plain pattern strings, compiled by re's own cache on first use: compiling these Unicode
# classes takes ~8 ms, a real share of start-up for a script that cleans one small file.
_TOKEN = rf"\d+|[{_CJK}]+|[^\W\d_{_CJK}]+"
_CJK_RUN = rf"[{_CJK}]"

SAME_WORD_RATIO = 66
"""Two differing words this alike (``fuzz.ratio``) count as one word misspelt, not replaced.

66 admits a swapped pair of letters in a three-letter word ("teh", "the") and keeps apart
short names that share letters ("Olesyu", "Oksanu" score 55).
"""


@dataclass(frozen=True, repr=False)
class Match:
    """Paragraph ``index`` was removed because it repeats the kept paragraph ``original``.

    ``original`` is a paragraph of the same document, unless ``earlier`` is set: then the
    original was kept in an earlier document of a corpus (``--across``) and ``original`` is
    its id in the matcher that saw every document, which :mod:`dedup.corpus` maps back to a
    document. ``score`` is 100.0 for an exact repeat (equal keys), see :attr:`exact`.
    """

    index: int
    original: int
    score: float
    # Keyword-only, so that fields added later can follow ``score`` positionally.
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


def score(a: str, b: str, *, threshold: float) -> float:
    """Return how alike two keys are (0-100), or 0.0 when they are not a repeat.

    The character ratio alone cannot tell a corrected copy from a different statement: "Vote
    for Anna on the last page!" and "Vote for Olga on the last page!" differ in four letters,
    and so do "Arsenal won 2-1" and "Arsenal won 3-0". What differs is the kind of change: a
    copy has typos, punctuation and a word more or less, a different statement has *words
    replaced*. So, beyond the ratio, the words that one key has and the other lacks (a number
    always counts, a misspelt word paired with its fix does not) must stay below the share
    of edits the threshold allows, counted against all words of both. A long block with one
    refreshed figure passes; a short sentence with another name or score does not.

    >>> score("the match ended 2-1 to arsenal", "the match ended 3-0 to arsenal", threshold=90)
    0.0
    >>> score("vote for anna on the last page!", "vote for olga on the last page!", threshold=90)
    0.0
    >>> round(score("the quick brown fox jumps", "the quick brwn fox jumps", threshold=90), 1)
    98.0
    """
    if a == b:
        return 100.0
    if len(a) > MAX_FUZZY_CHARS or len(b) > MAX_FUZZY_CHARS:
        return 0.0
    ratio = fuzz.ratio(a, b, score_cutoff=threshold)
    if not ratio or not _words_agree(a, b, threshold):
        return 0.0
    return float(ratio)


def _words_agree(a: str, b: str, threshold: float) -> bool:
    words_a = Counter(_words(a))
    words_b = Counter(_words(b))
    only_a = list((words_a - words_b).elements())
    only_b = list((words_b - words_a).elements())
    changed = len(only_a) + len(only_b) - 2 * _misspellings(only_a, only_b)
    total = sum(words_a.values()) + sum(words_b.values())
    return changed * 100 < (100 - threshold) * total


def _words(text: str) -> list[str]:
    words: list[str] = []
    for token in re.findall(_TOKEN, text):
        if len(token) > 1 and re.match(_CJK_RUN, token):
            words.extend(token[i : i + 2] for i in range(len(token) - 1))
        else:
            words.append(token)
    return words


def _misspellings(only_a: list[str], only_b: list[str]) -> int:
    """Count pairs of differing words that are spellings of one word ("brwn", "brown").

    Greedy in order, which is enough for the handful of words two near repeats differ in.
    Numbers never pair: 2019 and 2018 are different facts, not a typo.
    """
    pairs = 0
    unused = [word for word in only_b if not word.isdigit()]
    for word in only_a:
        if word.isdigit():
            continue
        for position, other in enumerate(unused):
            if fuzz.ratio(word, other, score_cutoff=SAME_WORD_RATIO):
                del unused[position]
                pairs += 1
                break
    return pairs


class ExhaustiveMatcher:
    """Remembers kept paragraphs and compares each new key with every one of them.

    This is the contract in its plainest form, and the oracle the indexed :class:`Matcher` is
    tested against. It is quadratic: right for an article, hopeless for a corpus.

    Every key fed gets the next id (0, 1, 2, ...), kept or not, so a caller that feeds several
    documents in turn (``--across``) can map an id back to its document. Feeding keys one
    batch at a time gives the same result as feeding them all at once.
    """

    def __init__(
        self, *, threshold: float = DEFAULT_THRESHOLD, min_chars: int = DEFAULT_MIN_CHARS
    ) -> None:
        self.threshold = threshold
        self.min_chars = min_chars
        self.next_id = 0
        """The id the next key fed will get."""
        self._exact: dict[str, int] = {}
        # Kept keys eligible for fuzzy comparison, and their ids, in the order they were kept.
        self._fuzzy_keys: list[str] = []
        self._fuzzy_ids: list[int] = []

    def feed(self, keys: Iterable[str]) -> list[Match]:
        """Decide each key in order; return the repeats (ids as described above)."""
        matches: list[Match] = []
        for text in keys:
            ident = self.next_id
            self.next_id += 1
            if len(text) < self.min_chars:
                continue
            found = self._find(text)
            if found is None:
                self._keep(ident, text)
            else:
                matches.append(Match(ident, found[0], found[1]))
        return matches

    def _find(self, text: str) -> tuple[int, float] | None:
        original = self._exact.get(text)
        if original is not None:
            return original, 100.0
        if self.threshold >= 100 or len(text) > MAX_FUZZY_CHARS or not self._fuzzy_keys:
            return None
        # The C loop of process.extract scores every kept key; ratio's own length bound makes
        # the misses cheap. Candidates then pass the word rule, earliest kept first.
        hits = process.extract(
            text,
            self._fuzzy_keys,
            scorer=fuzz.ratio,
            score_cutoff=self.threshold,
            limit=None,
        )
        for _, _, position in sorted(hits, key=lambda hit: hit[2]):
            found = score(self._fuzzy_keys[position], text, threshold=self.threshold)
            if found:
                return self._fuzzy_ids[position], found
        return None

    def _keep(self, ident: int, text: str) -> None:
        self._exact[text] = ident
        if self.threshold < 100 and len(text) <= MAX_FUZZY_CHARS:
            self._fuzzy_keys.append(text)
            self._fuzzy_ids.append(ident)


class Matcher(ExhaustiveMatcher):
    """Remembers kept paragraphs and decides, one batch of keys at a time, what repeats them.

    Every key fed gets the next id (0, 1, 2, ...), kept or not, so a caller that feeds several
    documents in turn (``--across``) can map an id back to its document. Feeding keys one
    batch at a time gives the same result as feeding them all at once.

    While fewer than ``SMALL_INPUT`` keys are kept, each new key is compared with all of them,
    exactly as :class:`ExhaustiveMatcher` does. After that, keys are decided ``CHUNK`` at a time
    and compared only with the candidates of a MinHash LSH index (:mod:`dedup.index`), in
    the same order and by the same :func:`score`. Whether a key goes one way or the other
    depends only on how many keys were kept before it, and whether a pair is a candidate only
    on the two keys, so the result never depends on how the keys were batched.
    """

    def __init__(
        self, *, threshold: float = DEFAULT_THRESHOLD, min_chars: int = DEFAULT_MIN_CHARS
    ) -> None:
        super().__init__(threshold=threshold, min_chars=min_chars)
        self._index: BandIndex | None = None

    def feed(self, keys: Iterable[str]) -> list[Match]:
        """Decide each key in order; return the repeats (ids as described above)."""
        pending = keys if isinstance(keys, list) else list(keys)
        if self.threshold >= 100:
            return super().feed(pending)
        matches: list[Match] = []
        start = 0
        while start < len(pending) and len(self._fuzzy_keys) < SMALL_INPUT:
            matches += super().feed(pending[start : start + 1])
            start += 1
        if start < len(pending):
            matches += self._feed_chunks(pending[start:])
        return matches

    def _feed_chunks(self, keys: list[str]) -> list[Match]:
        """Decide keys ``CHUNK`` at a time with the index, the next chunk's lookups running ahead.

        A second thread computes the next chunk's signatures and looks them up in the index
        as it stands, while this thread decides the current chunk (numpy and rapidfuzz
        release the GIL, so both cores work). The keys the current chunk keeps are then
        looked up separately, in a table of their own, before the next chunk is decided, so
        every key still meets every kept key's bands: the result is the same as with one
        thread and any chunk size.
        """
        from concurrent.futures import Future, ThreadPoolExecutor  # lazy: large inputs only

        from dedup.index import BandIndex, join_pairs, min_agreement, signatures  # lazy: numpy

        if self._index is None:
            self._index = BandIndex()
            for start in range(0, len(self._fuzzy_keys), CHUNK):
                self._index.add(signatures(self._fuzzy_keys[start : start + CHUNK]))
        index = self._index
        agreement = min_agreement(self.threshold)
        chunks = [keys[start : start + CHUNK] for start in range(0, len(keys), CHUNK)]
        if len(keys) < SMALL_FEED:
            # One short document of a corpus fed in turn: a second thread would cost more to
            # start than it saves. Same lookups, same decisions, on this thread.
            rows = self._queries(keys)
            bands, found = _look_up(index, list(rows), index.snapshot(), agreement)
            return self._feed_chunk(keys, rows, bands, found)[0]
        matches: list[Match] = []
        with ThreadPoolExecutor(max_workers=1) as ahead:
            rows = self._queries(chunks[0])
            # Nothing to decide yet: this thread looks up half of the first chunk itself.
            pending: Future[_LookUp] = Future()
            pending.set_result(_look_up_halves(index, list(rows), agreement, ahead))
            unseen: NDArray[np.uint64] | None = None  # entries added since that snapshot
            for number, chunk in enumerate(chunks):
                current_rows, current = rows, pending
                if number + 1 < len(chunks):
                    rows = self._queries(chunks[number + 1])
                    pending = ahead.submit(_look_up, index, list(rows), index.snapshot(), agreement)
                bands, found = current.result()
                if unseen is not None:
                    late = index.candidates(bands, agreement=agreement, segments=(unseen,))
                    found = join_pairs(found, late)
                chunk_matches, unseen = self._feed_chunk(chunk, current_rows, bands, found)
                matches += chunk_matches
        return matches

    def _queries(self, chunk: list[str]) -> dict[str, int]:
        """Number the keys of a chunk that need the index: the first copy of each key that
        may be fuzzy-matched and is not already an exact repeat of a kept key.

        Computed a chunk early, so a key kept in the previous chunk may still be listed
        here; it is then decided by the exact dict, and its signature is not used.
        """
        rows: dict[str, int] = {}
        exact = self._exact
        for text in chunk:
            eligible = self.min_chars <= len(text) <= MAX_FUZZY_CHARS
            if eligible and text not in exact and text not in rows:
                rows[text] = len(rows)
        return rows

    def _feed_chunk(
        self,
        chunk: list[str],
        rows: dict[str, int],
        bands: Bands,
        found: tuple[NDArray[np.intp], NDArray[np.intp]],
    ) -> tuple[list[Match], NDArray[np.uint64]]:
        """Decide a chunk of keys in order, given its candidates among kept keys.

        Returns the repeats and the index entries of the keys it kept.
        """
        from dedup.index import min_agreement, pairs_within  # lazy: numpy

        assert self._index is not None
        first_id = self.next_id
        self.next_id += len(chunk)
        within = pairs_within(bands, agreement=min_agreement(self.threshold))
        hits = self._verified_candidates(list(rows), *found, *within)
        matches: list[Match] = []
        kept_rows: dict[int, int] = {}  # query row -> id, for the rows kept in this chunk
        removed_rows: dict[int, tuple[int, float]] = {}
        for offset, text in enumerate(chunk):
            ident = first_id + offset
            if len(text) < self.min_chars:
                continue
            original = self._exact.get(text)
            if original is not None:
                matches.append(Match(ident, original, 100.0))
                continue
            row = rows.get(text)
            if row is None:  # too long for fuzzy work: kept, and matched exactly only
                self._exact[text] = ident
                continue
            found_one = removed_rows.get(row) or self._first_hit(text, hits.get(row, []), kept_rows)
            if found_one is None:
                kept_rows[row] = ident
                self._keep(ident, text)
            else:
                removed_rows[row] = found_one
                matches.append(Match(ident, *found_one))
        kept = list(kept_rows)
        return matches, self._index.add(bands.sig[kept], bands.prefixes[kept])

    def _verified_candidates(
        self,
        queries: list[str],
        rows: NDArray[np.intp],
        positions: NDArray[np.intp],
        earlier: NDArray[np.intp],
        later: NDArray[np.intp],
    ) -> dict[int, list[tuple[int, str]]]:
        """Return, per query row, the candidates whose ratio reaches the threshold, in order.

        A candidate is ``(-1 - kept position, key)`` for a key kept before this chunk, or
        ``(earlier row, key)`` for a key of this chunk, which counts only if that row is kept.
        Sorting puts the kept keys first, earliest first, then this chunk's, in order. All
        ratios are computed in one ``cpdist`` call, on every core: the pairs do not depend
        on each other, only the decisions do.
        """
        kept = self._fuzzy_keys
        left = [queries[r] for r in rows.tolist()] + [queries[r] for r in later.tolist()]
        right = [kept[p] for p in positions.tolist()] + [queries[r] for r in earlier.tolist()]
        if not left:
            return {}
        ratios = process.cpdist(
            left,
            right,
            scorer=fuzz.ratio,
            score_cutoff=self.threshold,
            workers=-1 if len(left) >= SMALL_FEED else 1,  # starting threads costs ~1 ms
        )
        targets = [-1 - p for p in positions.tolist()] + earlier.tolist()
        hits: dict[int, list[tuple[int, str]]] = {}
        for i in ratios.nonzero()[0].tolist():
            row = int(rows[i]) if i < len(rows) else int(later[i - len(rows)])
            hits.setdefault(row, []).append((targets[i], right[i]))
        for found in hits.values():
            found.sort(key=lambda hit: (hit[0] >= 0, -hit[0] if hit[0] < 0 else hit[0]))
        return hits

    def _first_hit(
        self, text: str, hits: list[tuple[int, str]], kept_rows: dict[int, int]
    ) -> tuple[int, float] | None:
        for target, other in hits:
            if target >= 0 and target not in kept_rows:
                continue  # an earlier key of this chunk that was itself removed
            found = score(other, text, threshold=self.threshold)
            if found:
                ident = kept_rows[target] if target >= 0 else self._fuzzy_ids[-1 - target]
                return ident, found
        return None


_LookUp = tuple["Bands", tuple["NDArray[np.intp]", "NDArray[np.intp]"]]


def _look_up(
    index: BandIndex,
    queries: list[str],
    segments: tuple[NDArray[np.uint64], ...],
    agreement: int,
) -> _LookUp:
    """A chunk's bands and its candidates in ``segments`` (run on the look-ahead thread)."""
    from dedup.index import Bands, signatures  # lazy: numpy

    bands = Bands.of(signatures(queries))
    return bands, index.candidates(bands, agreement=agreement, segments=segments)


def _look_up_halves(
    index: BandIndex, queries: list[str], agreement: int, other: Executor
) -> _LookUp:
    """:func:`_look_up` of all ``queries``, half of them on the ``other`` thread.

    For a batch that is one chunk (a document of a corpus fed in turn), this is the only
    way both cores work on it. Signatures are per key and candidates per pair, so the
    halves put together are exactly the whole.
    """
    from dedup.index import Bands, join_pairs  # lazy: numpy

    half = len(queries) // 2
    snapshot = index.snapshot()
    later = other.submit(_look_up, index, queries[half:], snapshot, agreement)
    first, (rows, positions) = _look_up(index, queries[:half], snapshot, agreement)
    second, (more_rows, more_positions) = later.result()
    bands = Bands.join(first, second)
    return bands, join_pairs((rows, positions), (more_rows + half, more_positions))


def find_repeats(
    keys: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_chars: int = DEFAULT_MIN_CHARS,
) -> list[Match]:
    """Return a :class:`Match` for every key that repeats an earlier kept one.

    >>> keys = ["a paragraph long enough", "another paragraph here", "a paragraph long enough!"]
    >>> find_repeats(keys)
    [Match(index=2, original=0, score=97.87234042553192)]
    """
    return Matcher(threshold=threshold, min_chars=min_chars).feed(keys)
