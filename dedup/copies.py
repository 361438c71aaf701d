"""Copy or different statement: how two alike paragraphs differ, not only how much.

A scraper's or an editor's copy of a paragraph differs from the original by *copy noise*:
punctuation, quotes, case, spacing, accents, a misspelling fixed inside a word, a spelling
variant (colour/color), a duplicated word ("the the"), a truncation marker. A different statement
can differ by as little: "found guilty" / "found *not* guilty", ``5.0.1-1`` / ``5.1-1``,
``string1 < string2`` / ``string1 > string2``, "the northern coast" / "the southern coast". A
character ratio cannot tell these apart, so the rule looks at *what* changed:

* numbers (every run of digits, in order: a version's components, a date, a count) must be the
  same sequence;
* operators and symbols (``< > & | # % + = * / \\ ~ ^ $ @ { } [ ]``, and a leading minus or option
  dash) must be the same sequence;
* negations (not, never, tidak, nicht, pas, …) must be the same set;
* words are aligned in order: a word may be replaced only by a misspelling of itself (one
  letter added or dropped, or two swapped, inside a word of five letters or more, first and
  last letter kept; not in an identifier such as ``http_proxy`` or ``libs/coroutine``); a word
  may be added or dropped only when it repeats its neighbour, or — :data:`Level.PASSAGE`, one
  ordinary word, never a negation — inside a repeated passage, where the neighbours show the
  paragraph was copied together with its original's neighbours.

Numbers, operators and negations must match exactly, so they make a :func:`fingerprint`:
two paragraphs with different fingerprints are never a copy, and the matcher never even compares
them. That is what keeps templated text (log lines, CSV rows, numbered lines) cheap: its
siblings differ in a number and never meet.

Everything here is a pure function of the two keys (see :mod:`dedup.normalize`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from hashlib import blake2b


class _Pattern:
    """A regular expression compiled on first use.

    Compiling this module's Unicode classes costs milliseconds at import, which a script
    that cleans one small file with ``--threshold 100`` would pay for nothing.
    """

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    def get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return self._compiled


# A word is a run of letters; in the scripts written without spaces (CJK ideographs, kana) each
# character is a word of its own, since one cannot tell where words end there.
_CJK = "\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = _Pattern(rf"(\d+)|([{_CJK}])|([^\W\d_{_CJK}]+)")
# Apostrophes inside a word are spelling, not punctuation: "don't" and "dont" are one word.
_APOSTROPHE = _Pattern(r"(?<=[^\W\d_])'(?=[^\W\d_])")
# Operators and symbols; a dash counts when it opens a word ("-uid", "-1"), not inside one.
# One character class, then context by hand: a regex alternation with look-arounds tries
# every position of the text and costs several times more.
_SYMBOL = _Pattern(r"[<>&|#%+=*/\\~^$@{}\[\]-]")
# A chunk (between spaces) with a letter and an identifier mark is code, a path or an option:
# one letter changed there changes what it names (``http_proxy``, ``libs/coroutine``, ``-uid``).
_IDENTIFIER = _Pattern(r"[_/\\$@{}=<>]|\w[.:]\w|^-+[^\W\d_]")
_LETTER = _Pattern(r"[^\W\d_]")
# Whether any chunk may be a name: then the slow, chunk-by-chunk reading (a superset test,
# in cheap steps: one character class over the text is several times faster than the
# alternation, which tries every position).
_NAME_MARK = _Pattern(r"[_/\\$@{}=<>]")
_DOTTED = _Pattern(r"[.:](?=\w)")
_OPTION = _Pattern(r"(?:^| )-+[^\W\d_]")
_NUMBER = _Pattern(r"\d+")
_OPERATOR = _Pattern(r"[<>&|#%+=*/\\~^$@{}\[\]]")
_WORD = _Pattern(rf"[{_CJK}]|[^\W\d_{_CJK}]+")
_INNER_MARK = _Pattern(r"[^\w\s]")
_EDGE_PUNCTUATION = ".,;:!?\"'()"
# A truncated copy ends in one of these (after normalization "…" is "...").
_TRUNCATION = _Pattern(r"\s*(?:\.\.\.|\[\.\.\.\]|\(\.\.\.\))$")

# The same readings of an ASCII text with ``str``/``bytes`` methods, several times faster than
# the regular expressions (a property test holds them equal): on ASCII, a word (``_WORD``) is
# a run of letters and a number a run of digits, so mapping everything else to a space and
# splitting finds them; ``_OPERATOR``'s characters are what is left when the rest is deleted.
_ASCII_LETTERS = "".join(chr(c) if chr(c).isalpha() else " " for c in range(128))
_ONLY_LETTERS = str.maketrans(dict(enumerate(_ASCII_LETTERS)))
_ONLY_LETTER_BYTES = bytes(c if chr(c).isalpha() and c < 128 else 32 for c in range(256))
_ONLY_DIGITS = str.maketrans({c: " " for c in range(128) if not chr(c).isdigit()})
_ONLY_DIGIT_BYTES = bytes(c if 48 <= c <= 57 else 32 for c in range(256))
_OPERATOR_CHARS = b"<>&|#%+=*/\\~^$@{}[]"
_NOT_OPERATOR_BYTES = bytes(c for c in range(256) if c not in _OPERATOR_CHARS)

MIN_TYPO_WORD = 5
"""Words shorter than this are never a misspelling of another: ``uid``/``gid``, ``form``/``from``,
``cat``/``cut`` are different words, and short words are where one letter changes the meaning."""

TYPO_WORDS_PER_FIX = 12
"""One misspelling is allowed per this many words (at least one): a copy fixes a typo or two,
a paragraph with a word in three changed is a rewrite."""

_NEGATION_WORDS = (
    # English (apostrophes inside words are dropped: don't -> dont)
    "not no never none nobody nothing nowhere neither nor cannot without "
    "dont doesnt didnt isnt arent wasnt werent cant couldnt wont wouldnt shouldnt "
    "hasnt havent hadnt mustnt neednt aint "
    # Indonesian and Malay
    "tidak bukan tak belum jangan tanpa enggak nggak gak tiada "
    # German
    "nicht kein keine keinen keinem keiner keines nie niemals nichts ohne weder "
    # French
    "ne pas non jamais aucun aucune rien sans ni "
    # Spanish, Portuguese, Italian
    "nunca jamas ningun ninguno ninguna nada nadie tampoco sin nao nenhum nenhuma ninguem "
    "sem nem mai nessun nessuno nessuna niente nulla senza "
    # Dutch, Scandinavian, Finnish, Hungarian, Polish, Czech, Turkish
    "niet geen nooit niets niemand zonder inte ikke ej aldrig ingen inget inga "
    "ei en et emme ette eivat nem sem soha nie nigdy zaden nikdy degil yok hic "
    # Russian, Ukrainian
    "не нет ни никогда ничего никто без ні немає "
    # Chinese and Japanese (one character a word here)
    "不 没 無 无 未 非 別 别"
)
NEGATIONS = frozenset(_NEGATION_WORDS.split())
"""Words whose presence flips a statement. Added or dropped, they always make a different one."""
_ASCII_NEGATIONS = frozenset(w.encode("ascii") for w in NEGATIONS if w.isascii())


class Level(IntEnum):
    """How much of a copy one paragraph is of another."""

    DIFFERENT = 0
    """A different statement: keep both."""
    PASSAGE = 1
    """A copy if it sits in a repeated passage (it adds or drops an ordinary word)."""
    COPY = 2
    """A copy on its own: only copy noise tells them apart."""


@dataclass(frozen=True)
class Verdict:
    """What :func:`compare` found: the level, the ``fuzz.ratio`` score, and a reason to show."""

    level: Level
    score: float
    reason: str


@dataclass(frozen=True)
class Features:
    """What a key's judgement needs, computed once per distinct key."""

    words: tuple[str, ...]
    """Words in order, accents folded (café = cafe), with identifier words marked by a
    leading ``\\x00`` so that they never pair with a plain word as a misspelling."""
    numbers: tuple[str, ...]
    symbols: tuple[str, ...]
    negations: frozenset[str]
    fingerprint: int
    """:func:`fingerprint` of the key."""


def features(key: str) -> Features:
    """Return the features of a comparison key (see :mod:`dedup.normalize`).

    >>> f = features("debianutils (5.0.1-1) unstable; urgency=medium")
    >>> f.numbers, f.symbols, f.words[:2]
    (('5', '0', '1', '1'), ('=',), ('debianutils', 'unstable'))
    >>> features("set it to not true").negations
    frozenset({'not'})
    """
    text = _fold_accents(_APOSTROPHE.get().sub("", key) if "'" in key else key)
    if not _may_hold_names(text):  # prose, in one pass (most keys)
        if text.isascii():
            numbers = text.translate(_ONLY_DIGITS).split()
            words = text.translate(_ONLY_LETTERS).split()
        else:
            numbers = _NUMBER.get().findall(text)
            words = _WORD.get().findall(text)
        symbols = _symbols(text)
    else:
        words, numbers, symbols = _chunk_by_chunk(text)
    negations = frozenset(w for w in words if w in NEGATIONS)
    return Features(
        tuple(words),
        tuple(numbers),
        tuple(symbols),
        negations,
        fingerprint(key),
    )


def _may_hold_names(text: str) -> bool:
    return bool(
        _NAME_MARK.get().search(text)
        or (("." in text or ":" in text) and _dotted(text))
        or ("-" in text and _OPTION.get().search(text))
    )


def _dotted(text: str) -> bool:
    """Whether a dot or colon joins two word characters (``foo.bar``, ``a:b``)."""
    return any(m.start() and _is_word(text[m.start() - 1]) for m in _DOTTED.get().finditer(text))


def _symbols(text: str) -> list[str]:
    """The operators and symbols of ``text`` in order; a run of dashes opening a word is one."""
    found: list[str] = []
    for match in _SYMBOL.get().finditer(text):
        char, at = match.group(), match.start()
        if char != "-":
            found.append(char)
            continue
        if at and (text[at - 1] == "-" or _is_word(text[at - 1])):
            continue  # inside a word or a run of dashes
        end = at
        while end < len(text) and text[end] == "-":
            end += 1
        if end < len(text) and _is_word(text[end]):
            found.append("-")
    return found


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what the regular expression \w matches


def _chunk_by_chunk(text: str) -> tuple[list[str], list[str], list[str]]:
    """Words, numbers and symbols of text that holds names: the names are read one by one,
    the runs of plain chunks between them in one pass each."""
    words: list[str] = []
    numbers: list[str] = []
    symbols: list[str] = []
    plain: list[str] = []
    chunks: list[str | None] = [*text.split(" "), None]  # None flushes the last run
    for chunk in chunks:
        if chunk is not None and not (
            _IDENTIFIER.get().search(chunk) and _LETTER.get().search(chunk)
        ):
            plain.append(chunk)
            continue
        if plain:
            run = " ".join(plain)
            numbers += _NUMBER.get().findall(run)
            words += _WORD.get().findall(run)
            symbols += _symbols(run)
            plain = []
        if chunk is None:
            break
        for number, ideograph, word in _TOKEN.get().findall(chunk):
            if number:
                numbers.append(number)
            else:
                words.append("\0" + (ideograph or word))
        # Every mark inside a name counts: vmlinuz and vmlinuz- differ.
        symbols += _INNER_MARK.get().findall(chunk.strip(_EDGE_PUNCTUATION))
    return words, numbers, symbols


def _fold_accents(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", folded)


def fingerprint(key: str) -> int:
    """A 32-bit hash of what every copy of ``key`` shares: its numbers, operator characters
    and negation words. Cheap (three passes of a regular expression), since the matcher needs
    it for every distinct key, and the full :func:`features` only for the few compared.

    Equal for a key and its copies: :func:`compare` finds a copy only when the numbers and
    the symbols (of which the operators are a part) are the same sequences, and the words
    differ by no negation. (A misspelt negation word changes it; such a copy is missed.)

    >>> fingerprint("version 5.0.1, built today!") == fingerprint("version 5.0.1 built today")
    True
    >>> fingerprint("version 5.0.1 built today") == fingerprint("version 5.1 built today")
    False
    """
    text = _fold_accents(_APOSTROPHE.get().sub("", key) if "'" in key else key)
    if text.isascii():  # the same bytes as below, by bytes methods (most keys)
        raw = text.encode("ascii")
        found = _ASCII_NEGATIONS.intersection(raw.translate(_ONLY_LETTER_BYTES).split())
        whole = b"\x1f".join(
            [
                b" ".join(raw.translate(_ONLY_DIGIT_BYTES).split()),
                raw.translate(None, _NOT_OPERATOR_BYTES),
                b" ".join(sorted(found)),
            ]
        )
    else:
        negations = NEGATIONS.intersection(_WORD.get().findall(text))
        parts = [" ".join(_NUMBER.get().findall(text)), "".join(_OPERATOR.get().findall(text))]
        parts.append(" ".join(sorted(negations)))
        whole = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    # blake2b, not hash(): the fingerprint must be the same in every process (corpus workers).
    return int.from_bytes(blake2b(whole, digest_size=4).digest(), "little")


def compare(earlier: str, later: str, a: Features, b: Features, *, threshold: float) -> Verdict:
    """Judge whether key ``later`` is a copy of key ``earlier`` (with their features).

    >>> def judge(x, y):
    ...     v = compare(x, y, features(x), features(y), threshold=90)
    ...     return v.level.name, v.reason
    >>> judge("the defendant was found guilty on all counts.",
    ...       "the defendant was found not guilty on all counts.")
    ('DIFFERENT', 'a negation added: not')
    >>> judge("passwords need at least 8 characters and one digit.",
    ...       "passwords need at least 12 characters and one digit.")
    ('DIFFERENT', 'differs in a number: 8 → 12')
    >>> judge("the quick brown fox jumps over the lazy dog",
    ...       "the quick brwon fox jumps over the lazy dog!")
    ('COPY', 'copy noise: a misspelling (brown → brwon)')
    >>> judge("we met in the northern part of the city.",
    ...       "we met in the southern part of the city.")
    ('DIFFERENT', 'a word replaced: northern → southern')
    """
    if earlier == later:
        return Verdict(Level.COPY, 100.0, "exact")
    from rapidfuzz import fuzz  # lazy: a small file whose paragraphs never meet needs none

    truncated = _truncated(earlier, later, a, b)
    if truncated is not None:
        ratio = fuzz.ratio(earlier, later)
        if ratio >= threshold and truncated:
            return Verdict(Level.COPY, ratio, "copy noise: truncated, with a truncation marker")
    if a.numbers != b.numbers:
        return Verdict(Level.DIFFERENT, 0.0, _differs("a number", a.numbers, b.numbers))
    if a.symbols != b.symbols:
        return Verdict(Level.DIFFERENT, 0.0, _differs("a symbol", a.symbols, b.symbols))
    ratio = fuzz.ratio(earlier, later)
    if ratio < threshold:
        return Verdict(Level.DIFFERENT, ratio, f"not alike enough ({ratio:.1f} < {threshold:g})")
    level, reason = _compare_words(a.words, b.words)
    return Verdict(level, ratio, reason)


def _truncated(earlier: str, later: str, a: Features, b: Features) -> bool | None:
    """Whether ``later`` is ``earlier`` cut short at a word, with a marker; None if unmarked.

    The cut may fall inside the last word ("… for the wor..."); what remains must be the
    original's words, numbers and symbols in order, with nothing changed.
    """
    marker = _TRUNCATION.get().search(later)
    if marker is None or _TRUNCATION.get().search(earlier):
        return None
    kept = features(later[: marker.start()])
    words = kept.words
    if not words or len(words) > len(a.words):
        return False
    head_ok = a.words[: len(words) - 1] == words[:-1]
    last_ok = a.words[len(words) - 1].startswith(words[-1])
    return (
        head_ok
        and last_ok
        and a.numbers[: len(kept.numbers)] == kept.numbers
        and a.symbols[: len(kept.symbols)] == kept.symbols
        and a.negations >= kept.negations
    )


def _compare_words(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[Level, str]:
    if a == b:
        return Level.COPY, "copy noise: punctuation, case or spacing"
    level = Level.COPY
    notes: list[str] = []
    typos = 0
    from rapidfuzz.distance import Levenshtein  # lazy: only pairs that are compared

    for op in Levenshtein.editops(a, b):
        if op.tag == "replace":
            x, y = a[op.src_pos], b[op.dest_pos]
            if not _misspelling(x, y):
                return Level.DIFFERENT, f"a word replaced: {_shown(x)} → {_shown(y)}"
            typos += 1
            notes.append(f"a misspelling ({_shown(x)} → {_shown(y)})")
            continue
        added = op.tag == "insert"
        words, position = (b, op.dest_pos) if added else (a, op.src_pos)
        word = words[position]
        verb = "added" if added else "dropped"
        if _repeats_neighbour(words, position):
            notes.append(f"a duplicated word {verb} ({_shown(word)})")
        elif _shown(word) in NEGATIONS:  # a name like "not_found" holds one too
            return Level.DIFFERENT, f"a negation {verb}: {word}"
        elif level is Level.PASSAGE:
            # Two words more or less is a rewording ("in both source and binary form"
            # added to a licence), not a copy, even inside a repeated passage.
            return Level.DIFFERENT, f"words added or dropped: {_shown(word)} and more"
        else:
            level = Level.PASSAGE
            notes.append(f"a word {verb} ({_shown(word)})")
    if typos > max(1, (len(a) + len(b)) // (2 * TYPO_WORDS_PER_FIX)):
        return Level.DIFFERENT, f"{typos} words respelt: a rewrite, not a copy"
    prefix = "copy noise" if level is Level.COPY else "a copy only inside a repeated passage"
    return level, f"{prefix}: {', '.join(dict.fromkeys(notes))}"


def _misspelling(x: str, y: str) -> bool:
    """One edit inside a long plain word: a letter added or dropped, two letters swapped.

    Not a letter changed for another: that is how one real word becomes another (Polish
    wyjście/wejście, output/input; house/horse), except s/z, the -ise/-ize spelling.
    """
    if x[0] == "\0" or y[0] == "\0" or min(len(x), len(y)) < MIN_TYPO_WORD:
        return False
    from rapidfuzz.distance import OSA  # lazy: only pairs that are compared

    if x[0] != y[0] or x[-1] != y[-1] or OSA.distance(x, y, score_cutoff=1) > 1:
        return False
    if len(x) != len(y):
        return True
    changed = {(a, b) for a, b in zip(x, y, strict=True) if a != b}
    return len(changed) == 2 or changed in ({("s", "z")}, {("z", "s")})


def _repeats_neighbour(words: tuple[str, ...], position: int) -> bool:
    word = words[position]
    return (position > 0 and words[position - 1] == word) or (
        position + 1 < len(words) and words[position + 1] == word
    )


def _differs(what: str, a: tuple[str, ...], b: tuple[str, ...]) -> str:
    for x, y in zip(a, b, strict=False):  # the first difference, if any
        if x != y:
            return f"differs in {what}: {x} → {y}"
    if len(a) > len(b):
        return f"differs in {what}: {a[len(b)]} dropped"
    return f"differs in {what}: {b[len(a)]} added"


def _shown(word: str) -> str:
    return word.lstrip("\0")
