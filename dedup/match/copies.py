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
* words are aligned in order (a word joined or split, ``week-end`` / ``weekend``, read as
  one): a word may be replaced only by a misspelling of itself, which its language decides
  (:mod:`dedup.match.spelling`, with :mod:`dedup.match.lexicon`): one side a common word, the other
  one the language does not know; two real words (``trial`` / ``trail``) are a word replaced.
  Chinese and Japanese characters are judged by the words they make with their neighbours.
  Never in an identifier such as ``http_proxy`` or ``libs/coroutine``, never a negation or a
  numeral. A word may be added or dropped only when it repeats its neighbour, or —
  :data:`Level.PASSAGE`, one filler word (:data:`FILLER_WORDS`) — inside a repeated passage,
  where the neighbours show the paragraph was copied together with its original's neighbours.

Numbers, operators and negations must match exactly, so they make a :func:`fingerprint`:
two paragraphs with different fingerprints are never a copy, and the matcher never even compares
them. That is what keeps templated text (log lines, CSV rows, numbered lines) cheap: its
siblings differ in a number and never meet.

Everything here is a pure function of the two keys (see :mod:`dedup.text.normalize`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

try:  # hashlib's own BLAKE2 module: `import hashlib` also loads OpenSSL, ~2.5 ms of start-up
    from _blake2 import blake2b as blake2b
except ImportError:  # pragma: no cover - an interpreter built without it; hashlib finds one
    from hashlib import blake2b as blake2b

from dedup.match.spelling import CJK_RANGES, is_cjk, respelt, respelt_character, typo_shaped
from dedup.text.normalize import is_technical, may_hold_technical


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
_CJK = "".join(f"{low}-{high}" for low, high in CJK_RANGES)
# Apostrophes inside a word are spelling, not punctuation: "don't" and "dont" are one word.
_APOSTROPHE = _Pattern(r"(?<=[^\W\d_])'(?=[^\W\d_])")
# Operators and symbols; a dash counts when it opens a word ("-uid", "-1"), not inside one.
# One character class, then context by hand: a regex alternation with look-arounds tries
# every position of the text and costs several times more.
_SYMBOL = _Pattern(r"[<>&|#%+=*/\\~^$@{}\[\]-]")
_NUMBER = _Pattern(r"\d+")
_OPERATOR = _Pattern(r"[<>&|#%+=*/\\~^$@{}\[\]]")
_WORD = _Pattern(rf"[{_CJK}]|[^\W\d_{_CJK}]+")
_INNER_MARK = _Pattern(r"[^\w\s]")
_EDGE_PUNCTUATION = ".,;:!?\"'()"
_PROSE_MARKS = ".,;:!?\"'"
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

TYPO_WORDS_PER_FIX = 6
"""One misspelling is allowed per this many words (at least :data:`MIN_FIXES`): a copy fixes
a typo or two, a paragraph with a word in three changed is a rewrite."""

MIN_FIXES = 2
"""Misspellings allowed in any paragraph, however short: a learner's sentence or a quick post
often has two (``I recieve teh letter``), each judged on its own evidence."""

CJK_NUMERALS = frozenset("〇一二三四五六七八九十百千万萬亿億兩两零壹贰貳叁參肆伍陆陸柒捌玖拾佰仟")
"""Chinese and Japanese numerals: a changed one is a changed number, never a misspelling."""

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

GLUED_NEGATIONS = frozenset({"не", "ні"})
"""Negations that writers glue to the next word as often as they space them (небыло):
the same statement either way, so the fingerprint leaves them out (see :func:`fingerprint`)."""
_SAME_NEGATION = {"cannot": "not"}  # can not / cannot

_FILLER_WORDS = (
    # English: articles and discourse words that add no fact
    "the a an also then just simply really very too so "
    # German, French, Spanish, Italian, Dutch, Portuguese
    "der die das den dem des ein eine auch dann einfach sehr jeweils doch ja "
    "le la les l un une aussi alors simplement tres egalement donc "
    "el los las lo tambien entonces simplemente muy pues "
    "il gli i anche poi semplicemente molto "
    "de het een ook dan gewoon zeer "
    "o os as tambem entao simplesmente muito "
    # Swedish, Polish, Russian, Indonesian
    "ocksa sedan helt mycket takze tez potem bardzo также тоже затем очень juga lalu sangat pun"
)
FILLER_WORDS = frozenset(_FILLER_WORDS.split())
"""The only words whose addition or removal inside a repeated passage still makes a copy
(:data:`Level.PASSAGE`): articles and discourse words. Any other word can change what is
said (``climb`` / ``climb down``, ``his dogs`` / ``his three dogs``, ``all``, ``only``,
``left``): a different statement, kept."""


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
    """Return the features of a comparison key (see :mod:`dedup.text.normalize`).

    >>> f = features("debianutils (5.0.1-1) unstable; urgency=medium")
    >>> f.numbers, f.symbols, f.words[:3]
    (('5', '0', '1', '1'), ('.', '.', '-', '='), ('debianutils', '\\x00(5.0.1-1)', 'unstable'))
    >>> features("set it to not true").negations
    frozenset({'not'})
    """
    text = _fold_accents(_APOSTROPHE.get().sub("", key) if "'" in key else key)
    if not may_hold_technical(text) and not _may_hold_arguments(text):  # prose (most keys)
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
    """Words, numbers and symbols of text that holds technical chunks: each of those is read
    whole, as one word, and the runs of plain chunks between them in one pass each.

    A technical chunk (:func:`dedup.text.normalize.is_technical`: a name, an option, a path, a
    version, code) is one word with every mark and letter in it, less a sentence's final stop
    or comma: ``socks4a`` is not ``socks4`` and a word ``a``, ``-x\\*.o`` is not ``-x \\*.o``,
    ``Time->new;`` is not ``Time->new();``. So is a chunk of marks only beside names (the
    ``(`` of ``with ( A() as a ):``, a ``|``): there, a lone mark is syntax; and a lone ``-``
    or ``.`` that :func:`_arguments` takes for an argument (``zip - -``, ``tar cf - .``).
    """
    words: list[str] = []
    numbers: list[str] = []
    symbols: list[str] = []
    plain: list[str] = []
    chunks: list[str | None] = [*text.split(" "), None]  # None flushes the last run
    technical = [chunk is not None and is_technical(chunk) for chunk in chunks]
    beside_names = any(technical)
    for at in _arguments(text.split(" "), technical):
        technical[at] = True
    for chunk, named in zip(chunks, technical, strict=True):
        if chunk is not None and not (
            named or (beside_names and _marks_only(chunk) and chunk not in _LONE_MARKS)
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
        numbers += _NUMBER.get().findall(chunk)
        words.append("\0" + _without_final_stop(chunk))
        # Every mark inside a name counts: vmlinuz and vmlinuz- differ.
        symbols += _INNER_MARK.get().findall(chunk.strip(_EDGE_PUNCTUATION))
    return words, numbers, symbols


_LONE_MARKS = frozenset({"-", ".", ".."})


def _may_hold_arguments(text: str) -> bool:
    """Whether ``text`` may hold a lone ``-`` or ``.`` chunk (see :func:`_arguments`): one
    cheap look for prose keys."""
    padded = f" {text} "
    return " - " in padded or " . " in padded or " .. " in padded


def _arguments(chunks: list[str], technical: list[bool]) -> list[int]:
    """The lone ``-`` and ``.`` chunks that are a command's arguments, not punctuation.

    ``tar cf - .`` archives the current directory to standard output; ``tar cf -`` and
    ``tar cf .`` say other things, so dropping either is a different statement. In prose, a
    spaced hyphen is a dash (``Tuesday - the vote``, ``DEV/REGION - specifies the region``,
    which a copy may drop or glue) and a spaced stop a stray or tokenized one
    (``applications .``, ``1 . Grammar``). So a lone ``-``, ``.`` or ``..`` is an argument
    after an option or another such mark (``sort -u -``, ``- .``), before a name or such a
    mark (``- /home``, ``- |``, ``find . -name``), and a ``-`` also at the end of the text
    (``tar cf -``).
    """
    found: list[int] = []
    last = len(chunks) - 1
    lone = [chunk in _LONE_MARKS or _command_marks(chunk) for chunk in chunks]

    def after(at: int) -> bool:  # after an option or a lone mark
        return at > 0 and (lone[at - 1] or (technical[at - 1] and chunks[at - 1][:1] == "-"))

    def before(at: int) -> bool:  # before a name or a lone mark
        return at < last and (lone[at + 1] or technical[at + 1])

    for at, chunk in enumerate(chunks):
        if chunk in _LONE_MARKS and ((chunk == "-" and at == last) or after(at) or before(at)):
            found.append(at)
    return found


def _command_marks(chunk: str) -> bool:
    """A chunk of a shell's marks only: ``|``, ``>``, ``2>&1``, ``&&``."""
    return not chunk.strip("|<>&0123456789") and not chunk.isdigit()


def _marks_only(chunk: str) -> bool:
    """A chunk of marks that is no prose punctuation: ``(``, ``|``, ``-``, not ``.`` or ``,``.

    A lone ``-``, ``.`` or ``..`` is left to :func:`_arguments`: beside names it may still be
    a dash (``DEV/REGION - specifies the region``).
    """
    return bool(chunk.strip(_PROSE_MARKS)) and not any(map(_is_word, chunk))


def _without_final_stop(chunk: str) -> str:
    """A technical chunk as a word: less the quotes around it, inside its brackets if any,
    and the stop, comma, ``!`` or ``?`` that ends its sentence (``"foo.c",``, ``("a-z0-9")``);
    a final ``:`` or ``;`` stays (``…:flags:``, ``Time->new;``), as does every bracket and a
    quote inside (``:"foo"``). Quoting a name in prose is punctuation; its quote style, noise."""
    if len(chunk) > 1 and chunk[-1] in ".,!?" and chunk[-2] not in ".,!?":
        chunk = chunk[:-1]
    opening = len(chunk) - len(chunk.lstrip("(["))
    closing = len(chunk) - len(chunk.rstrip(")]"))
    inner = chunk[opening : len(chunk) - closing]
    if inner[:1] not in ('"', "'"):
        return chunk
    inner = inner.strip("\"'") or inner
    return chunk[:opening] + inner + chunk[len(chunk) - closing :]


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
    The negations written glued to their word as often as apart (:data:`GLUED_NEGATIONS`,
    небыло / не было) are left out, and ``cannot`` counts as ``not``, so that such copies
    meet; :func:`compare` still refuses one added or dropped.

    >>> fingerprint("version 5.0.1, built today!") == fingerprint("version 5.0.1 built today")
    True
    >>> fingerprint("version 5.0.1 built today") == fingerprint("version 5.1 built today")
    False
    """
    text = _fold_accents(_APOSTROPHE.get().sub("", key) if "'" in key else key)
    if text.isascii():  # the same bytes as below, by bytes methods (most keys)
        raw = text.encode("ascii")
        found = _ASCII_NEGATIONS.intersection(raw.translate(_ONLY_LETTER_BYTES).split())
        same = {_SAME_NEGATION.get(w.decode(), w.decode()).encode() for w in found}
        whole = b"\x1f".join(
            [
                b" ".join(raw.translate(_ONLY_DIGIT_BYTES).split()),
                raw.translate(None, _NOT_OPERATOR_BYTES),
                b" ".join(sorted(same)),
            ]
        )
    else:
        found_words = NEGATIONS.intersection(_WORD.get().findall(text))
        negations = {_SAME_NEGATION.get(w, w) for w in found_words} - GLUED_NEGATIONS
        parts = [" ".join(_NUMBER.get().findall(text)), "".join(_OPERATOR.get().findall(text))]
        parts.append(" ".join(sorted(negations)))
        whole = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    # blake2b, not hash(): the fingerprint must be the same in every process (corpus workers).
    return int.from_bytes(blake2b(whole, digest_size=4).digest(), "little")


def compare(
    earlier: str,
    later: str,
    a: Features,
    b: Features,
    *,
    threshold: float,
    opening: Opening | None = None,
) -> Verdict:
    """Judge whether key ``later`` is a copy of key ``earlier`` (with their features).

    A changed word's language is read from ``opening``, the document ``later`` opens with
    (see :class:`Opening`), or else from the two keys alone.

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
    ('COPY', 'copy noise: a misspelling (brown → brwon; brwon: not a word in en)')
    >>> judge("the case went to trial in the spring of that year.",
    ...       "the case went to trail in the spring of that year.")
    ('DIFFERENT', 'two real words: trial / trail')
    >>> judge("we met in the northern part of the city.",
    ...       "we met in the southern part of the city.")
    ('DIFFERENT', 'two real words: northern / southern')
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
    level, reason = _compare_words(a.words, b.words, opening)
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


def _compare_words(
    a: tuple[str, ...], b: tuple[str, ...], opening: Opening | None
) -> tuple[Level, str]:
    if a == b:
        return Level.COPY, "copy noise: punctuation, case or spacing"
    if _respaced(a, b):
        return Level.DIFFERENT, _respaced(a, b)
    notes: list[str] = []
    a, b = _rejoined(a, b, notes)
    if a == b:
        return Level.COPY, f"copy noise: {', '.join(dict.fromkeys(notes))}"
    level = Level.COPY
    typos = 0
    from rapidfuzz.distance import Levenshtein  # lazy: only pairs that are compared

    context = _Context(a, b, opening)
    for op in Levenshtein.editops(a, b):
        if op.tag == "replace":
            x, y = a[op.src_pos], b[op.dest_pos]
            if x[0] == "\0" or y[0] == "\0":
                return Level.DIFFERENT, _technical_differs(x, y)
            noise, note = _replacement(x, y, op.src_pos, op.dest_pos, context)
            if not noise:
                return Level.DIFFERENT, note
            typos += 1
            notes.append(note)
            continue
        added = op.tag == "insert"
        words, position = (b, op.dest_pos) if added else (a, op.src_pos)
        word = words[position]
        verb = "added" if added else "dropped"
        if _repeats_neighbour(words, position):
            notes.append(f"a duplicated word {verb} ({_shown(word)})")
        elif _shown(word) in NEGATIONS:  # a name like "not_found" holds one too
            return Level.DIFFERENT, f"a negation {verb}: {word}"
        elif word[0] == "\0":  # a name, an option, an argument: never noise
            return Level.DIFFERENT, f"{_kind(word)} {verb}: {_shown(word)}"
        elif word not in FILLER_WORDS:
            return Level.DIFFERENT, f"a word {verb} that can change what is said: {_shown(word)}"
        elif level is Level.PASSAGE:
            # Two words more or less is a rewording ("in both source and binary form"
            # added to a licence), not a copy, even inside a repeated passage.
            return Level.DIFFERENT, f"words added or dropped: {_shown(word)} and more"
        else:
            level = Level.PASSAGE
            notes.append(f"a word {verb} ({_shown(word)})")
    if typos > max(MIN_FIXES, (len(a) + len(b)) // (2 * TYPO_WORDS_PER_FIX)):
        return Level.DIFFERENT, f"{typos} words respelt: a rewrite, not a copy"
    prefix = "copy noise" if level is Level.COPY else "a copy only inside a repeated passage"
    return level, f"{prefix}: {', '.join(dict.fromkeys(notes))}"


def _rejoined(
    a: tuple[str, ...], b: tuple[str, ...], notes: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Both word sequences with a word split in one (``week-end``, ``не было``) joined as the
    other writes it (``weekend``, ``небыло``): a hyphen, a dash or a space inside a prose word
    is spelling, not a statement. A negation stays a negation either way (its features hold it).
    """
    if len(a) == len(b):
        return a, b
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    whole = set(shorter)
    joined: list[str] = []
    i = 0
    while i < len(longer):
        pair = longer[i] + longer[i + 1] if i + 1 < len(longer) else ""
        if (
            pair in whole
            and pair not in longer
            and "\0" not in pair
            and not (is_cjk(longer[i]) or is_cjk(longer[i + 1]))
        ):
            notes.append(f"a word joined or split ({longer[i]} {longer[i + 1]} / {pair})")
            joined.append(pair)
            i += 2
            continue
        joined.append(longer[i])
        i += 1
    rejoined = tuple(joined)
    return (rejoined, b) if longer is a else (a, rejoined)


OPENING_WORDS = 500
"""The words of a document's opening its language is read from: enough for the function
words to outvote a quoted name or a line of code, few enough to read in a millisecond."""

OPENING_CHARS = 8 * OPENING_WORDS
"""Characters of keys kept for the opening: more than :data:`OPENING_WORDS` words of prose."""


class Opening:
    """The opening of the document being read: the paragraphs a changed word's language is
    read from, once, rather than from each compared pair.

    A pair's own words are few, and in technical or mixed text they often look like another
    language's (a docstring's pair read as Filipino or Hungarian loads those lists, and
    judges its words by them). The document's opening says more, and is read once.

    Only what came before decides: the paragraphs fed up to the one being judged (at most
    :data:`OPENING_WORDS` words), so feeding a document at once or in batches, here or on a
    worker, gives the same language. A pair in another script than the opening's (a Russian
    paragraph in an English page) is read from the opening's words of its own script, or
    from its own words if there are none.
    """

    __slots__ = ("_chars", "_keys", "_languages", "_words", "_words_read")

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._chars = 0
        self._words: list[str] = []
        self._words_read = 0  # keys whose words are in _words
        self._languages: dict[tuple[str, int], str | None] = {}  # (script, words) -> language

    @classmethod
    def of(cls, keys: Sequence[str]) -> Opening:
        """The opening after ``keys``, a document's keys from its first up to the one judged:
        what the one-process matcher holds at that point, for a stage that judges the pair
        elsewhere (:mod:`dedup.batch.near`)."""
        opening = cls()
        for text in keys[: cls.taken(keys)]:
            opening.add(text)
        return opening

    @staticmethod
    def taken(keys: Sequence[str]) -> int:
        """How many of ``keys`` (a document's, from its first) an opening takes in: the ones
        after are never read, so every paragraph past them has the same opening."""
        chars = 0
        for count, text in enumerate(keys):
            if chars >= OPENING_CHARS:
                return count
            chars += len(text)
        return len(keys)

    def add(self, key: str) -> None:
        """Count ``key`` as the next paragraph of the document (cheap: nothing is read)."""
        if self._chars < OPENING_CHARS:
            self._keys.append(key)
            self._chars += len(key)

    def clear(self) -> None:
        """The document ended: the next key opens another."""
        self._keys, self._chars, self._words, self._words_read = [], 0, [], 0
        self._languages = {}

    def language(self, words: list[str]) -> str | None:
        """The language of a pair with these (plain) words, read from the opening."""
        from dedup.match.lexicon import lexicon, script

        scripts = [s for s in map(script, words) if s is not None]
        if not scripts:
            return None
        main = max(sorted(set(scripts)), key=scripts.count)
        opening = self._opening()
        known = (main, len(opening))
        if known not in self._languages:
            own = [w for w in opening if script(w) == main]
            self._languages[known] = lexicon().language(own) if own else None
        return self._languages[known] or lexicon().language(words)

    def _opening(self) -> list[str]:
        while self._words_read < len(self._keys) and len(self._words) < OPENING_WORDS:
            found = features(self._keys[self._words_read]).words
            self._words += [w for w in found if w[:1] != "\0"]
            self._words_read += 1
        return self._words


@dataclass(frozen=True)
class _Context:
    """The two word sequences a replacement sits in, and their language (found on demand)."""

    a: tuple[str, ...]
    b: tuple[str, ...]
    opening: Opening | None

    def language(self) -> str | None:
        from dedup.match.lexicon import lexicon  # lazy: loads word lists only for such a verdict

        plain = [w for w in (*self.a, *self.b) if w[:1] != "\0"]
        if self.opening is not None:
            return self.opening.language(plain)
        return lexicon().language(plain)


def _replacement(x: str, y: str, i: int, j: int, context: _Context) -> tuple[bool, str]:
    """Whether word ``x`` (at ``i`` in the earlier key) replaced by ``y`` (at ``j`` in the
    later one) is copy noise, and the reason to show either way.

    Identifiers, negations and numerals keep their strict rule: never respelt. A prose word
    is judged by its language (:func:`dedup.match.spelling.respelt`); where no list knows the
    language, by the shape of the edit alone (:func:`dedup.match.spelling.typo_shaped`).
    """
    replaced = f"a word replaced: {_shown(x)} → {_shown(y)}"
    if x[0] == "\0" or y[0] == "\0" or x in NEGATIONS or y in NEGATIONS:
        return False, replaced
    if is_cjk(x) or is_cjk(y):
        if x in CJK_NUMERALS or y in CJK_NUMERALS:
            return False, f"a character replaced: {x} → {y}"
        return respelt_character(x, y, i, j, context.a, context.b)
    language = context.language()
    if language is not None:
        return respelt(x, y, language)
    if typo_shaped(x, y):
        return True, f"a misspelling ({x} → {y})"
    return False, replaced


def _respaced(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    """Why two word sequences with a technical token differ only where a space cuts, or ''.

    In a command, a space splits one argument in two (``-x\\*.o`` / ``-x \\*.o``)."""
    x, y = "".join(map(_shown, a)), "".join(map(_shown, b))
    if x != y or not any(w[0] == "\0" for w in (*a, *b)):
        return ""
    at = next(i for i, (p, q) in enumerate(zip(a, b, strict=False)) if p != q)
    named = a[at] if a[at][0] == "\0" else b[at]
    return f"spacing differs in {_kind(named)}: {_shown(a[at])} / {_shown(b[at])}"


def _technical_differs(x: str, y: str) -> str:
    """Why two aligned tokens, one of them technical, make different statements."""
    a, b = _shown(x), _shown(y)
    what = _kind(x if x[0] == "\0" else y)
    if a.casefold() == b.casefold():
        return f"case differs in {what}: {a} / {b}"
    if "".join(a.split()) == "".join(b.split()):
        return f"spacing differs in {what}: {a} / {b}"
    return f"differs in {what}: {a} → {b}"


def _kind(word: str) -> str:
    """What a technical token is, for a person: ``an option``, ``a path``, ``a version``, …"""
    token = _shown(word)
    if token.startswith("-") and len(token) > 1 and _is_word(token.lstrip("-")[:1] or " "):
        return "an option"
    if not any(c.isalpha() for c in token):
        return "a version" if any(c.isdigit() for c in token) else "an argument"
    if "/" in token or "\\" in token:
        return "a path"
    if any(mark in token for mark in ("(", ")", ";", "->", "::", "{", "}", "<", ">", '"')):
        return "code"
    if re.search(r"[^\W\d_]\.[^\W\d_]+$", token.rstrip(",;:")):
        return "a file name"
    return "a name"


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
