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
from dataclasses import dataclass

from rapidfuzz import fuzz, process

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

# A token is a run of digits, a run of other letters, or, in the scripts written without spaces
# (CJK ideographs, kana), a character bigram: the usual stand-in for words there (as in
# Lucene's CJK analyzer), since one character is too small a unit to weigh a change by.
# Used to weigh replaced words against the size of a paragraph.
_CJK = "\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"\d+|[{_CJK}]+|[^\W\d_{_CJK}]+")
_CJK_RUN = re.compile(rf"[{_CJK}]")

SAME_WORD_RATIO = 66
"""Two differing words this alike (``fuzz.ratio``) count as one word misspelt, not replaced.

66 admits a swapped pair of letters in a three-letter word ("teh", "the") and keeps apart
short names that share letters ("Olesyu", "Oksanu" score 55).
"""


@dataclass(frozen=True)
class Match:
    """Paragraph ``index`` was removed because it repeats the kept paragraph ``original``."""

    index: int
    original: int
    score: float


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
    for token in _TOKEN.findall(text):
        if len(token) > 1 and _CJK_RUN.match(token):
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


class Matcher:
    """Remembers kept paragraphs and decides, one batch of keys at a time, what repeats them.

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
