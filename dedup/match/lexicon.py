"""Which words a language knows, and how common they are: the evidence for a misspelling.

A copy that fixes a misspelling changes one word into a look-alike; so does an edit that says
something else (``martial`` / ``marital``, ``trial`` / ``trail``, ``form`` / ``from``). The shape
of the change cannot tell them apart; the language can: in a misspelling one side is a word the
language uses and the other is not. The evidence is wordfreq's field-made frequency lists
(web, subtitles, news, books, Wikipedia; 40+ languages), which ship inside its wheel: nothing
is downloaded at run time. Frequencies are Zipf values (log10 of uses per billion words:
``the`` ≈ 7.7, ``receive`` ≈ 4.6, ``recieve`` ≈ 2.8, an unlisted word 0).

Why wordfreq. Measured against pyspellchecker 0.9.1 and symspellpy 6.10.1 on 3,000 of
codespell's real misspellings: each list knows the fix and not the typo about as often
(wordfreq's large English list 89%, pyspellchecker 92%, symspellpy 92%), but wordfreq knows
more of codespell's rare real words (74%, against 66% and 56%), has 42 languages (12 and 1:
no Chinese, Japanese, Indonesian, Polish or Swedish elsewhere) and gives frequencies, which
the rule needs (a misspelling is much rarer than its word). It costs more room: ~66 MB
installed with its dependencies, against 7 MB each.

The language comes from the text itself: the script of its letters, then, among the languages
written in that script, the one whose list knows most of its words. No flag is needed.

Loading costs tens to hundreds of milliseconds per language, so nothing is loaded until a
verdict turns on a changed word (:func:`lexicon`), and a list once loaded is kept for the
process: it is read-only data of the installed package, the same in every process, so what
it answers never depends on what was asked before (the reason module state is allowed here,
as for :class:`dedup.match.copies._Pattern`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

# wordfreq's languages by script (wordfreq 3.1). Serbo-Croatian (sh) is listed in Latin letters.
_LATIN: Final = (
    "en", "de", "fr", "es", "pt", "it", "nl", "sv", "pl", "id", "ca", "cs", "da", "fi",
    "fil", "hu", "is", "lt", "lv", "ms", "nb", "ro", "sh", "sk", "sl", "tr", "vi",
)  # fmt: skip
SCRIPTS: Final[dict[str, tuple[str, ...]]] = {
    "LATIN": tuple(_LATIN),
    "CYRILLIC": ("ru", "uk", "bg", "mk"),
    "GREEK": ("el",),
    "ARABIC": ("ar", "fa", "ur"),
    "HEBREW": ("he",),
    "DEVANAGARI": ("hi",),
    "BENGALI": ("bn",),
    "TAMIL": ("ta",),
    "HANGUL": ("ko",),
    "CJK": ("zh", "ja"),
}
"""The languages of each script, most used first (a tie in :func:`Lexicon.language` goes to
the first)."""

# Languages with a "large" list (down to Zipf 1) in wordfreq 3.1; the others have "small"
# (down to Zipf 3). The large list is what knows rare real words (``causal``, ``statute``).
_LARGE: Final = frozenset(
    [
        "ar",
        "bn",
        "ca",
        "cs",
        "de",
        "en",
        "es",
        "fi",
        "fr",
        "he",
        "it",
        "ja",
        "mk",
        "nb",
        "nl",
        "pl",
        "pt",
        "ru",
        "sv",
        "uk",
        "zh",
    ]
)
DETECT_WORDS: Final = 300
"""How many of a language's most common words rank the candidate languages: the function
words, which every sentence of the language uses and other languages rarely share."""
DETECT_FINALISTS: Final = 3
"""The best-ranked languages whose whole common list then decides (``dog`` is among Danish's
300 most common words, not among English's; English's list knows ``quick`` and ``lazy``)."""
DECISIVE_WORDS: Final = 8
DECISIVE_LEAD: Final = 2
"""A language whose most common words are at least :data:`DECISIVE_WORDS` of a text's words
and :data:`DECISIVE_LEAD` times as many as any other language's is the text's language
without the whole lists' vote (a document's opening, unlike a pair of short lines, is
decided so: English prose has twice the English function words that Filipino's or
Hungarian's web-made lists share with it). The other lists then never load."""
SMALL_LIST_FLOOR: Final = 3.0
"""The rarest Zipf value in wordfreq's "small" lists: an unlisted word is rarer than this."""


def script(word: str) -> str | None:
    """The script of a word's first letter (``LATIN``, ``CYRILLIC``, ``CJK``, …), if one we know.

    >>> script("word"), script("слово"), script("词"), script("かな")
    ('LATIN', 'CYRILLIC', 'CJK', 'CJK')
    """
    for char in word:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith(("CJK", "HIRAGANA", "KATAKANA")):
            return "CJK"
        first = name.split(" ", 1)[0]
        return first if first in SCRIPTS else None
    return None


def fold(word: str) -> str:
    """A word as :mod:`dedup.match.copies` reads it: lower case, accents and apostrophes dropped."""
    word = word.casefold().replace("'", "").replace("\u2019", "")
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


@dataclass
class Lexicon:
    """The word lists loaded so far: each language's words folded, with their Zipf values.

    The "small" list of a language (its words of Zipf 3 and more, ~30,000, read in tens of
    milliseconds) answers most questions; the "large" one (down to Zipf 1, several hundred
    thousand words, about a second) only when a verdict needs to know how rare a word
    outside the small list is (:meth:`rare_zipf`).
    """

    _small: dict[str, dict[str, float]] = field(default_factory=dict)
    _large: dict[str, dict[str, float]] = field(default_factory=dict)
    _top: dict[str, frozenset[str]] = field(default_factory=dict)

    def zipf(self, word: str, language: str) -> float:
        """How common the (folded) word is: Zipf, 0 when below :data:`SMALL_LIST_FLOOR`."""
        return self._list(self._small, language, "small").get(word, 0.0)

    def rare_zipf(self, word: str, language: str) -> float:
        """Like :meth:`zipf`, with the language's large list where it has one."""
        found = self.zipf(word, language)
        if found or language not in _LARGE:
            return found
        return self._list(self._large, language, "large").get(word, 0.0)

    def language(self, words: list[str] | tuple[str, ...]) -> str | None:
        """The language of these (folded) words: their script, then the list knowing most.

        Japanese is told from Chinese by its kana; a script with one language needs no count.
        """
        scripts = [s for s in map(script, words) if s is not None]
        if not scripts:
            return None
        main = max(sorted(set(scripts)), key=scripts.count)
        candidates = SCRIPTS[main]
        if main == "CJK":
            return "ja" if any(_is_kana(c) for w in words for c in w) else "zh"
        if len(candidates) == 1:
            return candidates[0]
        plain = [w for w in words if script(w) == main]
        common = {lang: sum(w in self._top_words(lang) for w in plain) for lang in candidates}
        ranked = sorted(candidates, key=lambda lang: -common[lang])
        first, second = common[ranked[0]], common[ranked[1]]
        if first >= DECISIVE_WORDS and first >= DECISIVE_LEAD * second:
            return ranked[0]  # its function words outvote every other's: no list need load
        finalists = ranked[:DETECT_FINALISTS]
        known = {lang: sum(self.zipf(w, lang) > 0 for w in plain) for lang in finalists}
        return max(finalists, key=lambda lang: (known[lang], -finalists.index(lang)))

    def _list(
        self, lists: dict[str, dict[str, float]], language: str, size: str
    ) -> dict[str, float]:
        found = lists.get(language)
        if found is None:
            found = _folded(_read(language, size))
            lists[language] = found
        return found

    def _top_words(self, language: str) -> frozenset[str]:
        found = self._top.get(language)
        if found is None:
            small = self._small.get(language)
            if small is not None:
                found = frozenset(sorted(small, key=small.__getitem__, reverse=True)[:DETECT_WORDS])
            else:
                found = frozenset(fold(w) for w in _read_top(language, DETECT_WORDS))
            self._top[language] = found
        return found


def _is_kana(char: str) -> bool:
    return "\u3040" <= char <= "\u30ff"


def _read(language: str, size: str) -> list[list[str]]:
    """wordfreq's list: bin ``i`` holds the words of frequency 10^(-i/100) (Zipf 9 - i/100).

    The file is read straight from wordfreq's package data (gzip + msgpack, wordfreq's own
    "cBpack" format, checked by its header) without importing wordfreq: its import pulls in
    ftfy, langcodes and regex, ~90 ms that a short file's clean would otherwise pay for one
    changed word.
    """
    import gzip

    import msgpack  # wordfreq's own dependency, declared as ours since we call it

    path = _path(language, size)
    with gzip.open(path, "rb") as packed:
        data: list[Any] = msgpack.load(packed, raw=False)
    _check(data[0] if data else None, path)
    return data[1:]


def _path(language: str, size: str) -> Path:
    from importlib.util import find_spec

    spec = find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("wordfreq is not installed: pip install wordfreq")
    package = Path(next(iter(spec.submodule_search_locations)))
    return package / "data" / f"{size}_{language}.msgpack.gz"


def _check(header: object, path: Path) -> None:
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"{path}: not a wordfreq frequency list of a version this reads")


def _read_top(language: str, count: int) -> list[str]:
    """The ``count`` most common words of a language's small list, read from the head of its
    file only: ranking 27 Latin-script languages by their function words must not cost 27
    whole lists (a few milliseconds each, against tens for a whole one)."""
    import gzip

    import msgpack

    path = _path(language, "small")
    top: list[str] = []
    with gzip.open(path, "rb") as packed:
        unpacker = msgpack.Unpacker(packed, raw=False, read_size=4096)
        unpacker.read_array_header()
        _check(unpacker.unpack(), path)
        while len(top) < count:
            try:
                top += unpacker.unpack()
            except msgpack.OutOfData:
                break
    return top


def _folded(packed: list[list[str]]) -> dict[str, float]:
    """Word -> Zipf, words folded as :mod:`dedup.match.copies` folds them (the most common spelling
    wins when two fold together: ``resume`` and ``résumé``). Bin ``i`` holds the words of
    frequency 10^(-i/100): Zipf 9 - i/100."""
    folded: dict[str, float] = {}
    for index, bin_words in enumerate(packed):
        zipf = round(9 - index / 100, 2)
        for word in bin_words:
            key = word if word.isascii() and "'" not in word else fold(word)
            if key not in folded:  # bins run from the most common down
                folded[key] = zipf
    return folded


_LEXICON = Lexicon()


def lexicon() -> Lexicon:
    """The process's lexicon; lists load on first use (see the module docstring)."""
    return _LEXICON
