"""Whether a changed word is a misspelling: the language decides (issue 14).

A copy that fixes a misspelling changes one word into a look-alike, and so does an edit that
says something else (``martial`` / ``marital``, ``trial`` / ``trail``, ``form`` / ``from``).
The shape of the change cannot tell them apart; the language can: in a misspelling one side
is a common word of the language and the other is not (:mod:`dedup.match.lexicon` holds the
evidence). Where no list knows the language, only the narrow shape of a typo counts
(:func:`typo_shaped`).

:mod:`dedup.match.copies` calls these for a prose word replaced by another, after its strict rules
(identifiers, negations, numerals: never respelt) have had their say. Pure functions of the
two words, their sentences and the installed word lists.
"""

from __future__ import annotations

CJK_RANGES = (("\u2e80", "\u2fff"), ("\u3040", "\u30ff"), ("\u3400", "\u4dbf"),
              ("\u4e00", "\u9fff"), ("\uf900", "\ufaff"))  # fmt: skip
"""The scripts written without spaces (CJK ideographs, kana): one character a word."""

MIN_TYPO_WORD = 5
"""Words shorter than this are never a misspelling of another: ``uid``/``gid``, ``form``/``from``,
``cat``/``cut`` are different words, and short words are where one letter changes the meaning."""

MAX_TYPO_EDITS = 2
"""Edits (a letter added, dropped, changed, or two swapped) between a misspelling and its
word, in words of :data:`LONG_WORD` to :data:`LONGER_WORD` letters; shorter words allow one,
longer ones three."""

MIN_STEM = 3
"""A word this long or longer, with letters added at an end, makes another word (see
:func:`_derived`)."""

LONG_WORD = 6
"""Words shorter than this allow one edit: two in a five-letter word make another word, often
a name (``Олесю`` / ``Олега``, Olesya / Oleg, on a real page of the quality corpus)."""

LONGER_WORD = 9
"""Words of this length or more allow three edits (``questionarie`` / ``questionnaire``)."""

COMMON_ZIPF = 3.5
"""The known side of a misspelling is at least this common (Zipf: log10 uses per billion
words; 3.5 is about one use in 300,000 words: ``receive`` 4.6, ``dessert`` 3.8)."""

RARE_ZIPF = 3.1
"""The other side is rarer than this: not in the lists' common core, which stops at Zipf 3.
Frequent misspellings are listed too (``teh`` 3.0, ``thier`` 3.0, ``recieve`` 2.8); real
words below it are few and mostly look-alikes used as misspellings (``pubic`` 3.1 for
``public``): the price of the rule, measured in tests/judgement."""

RARER_BY = 1.5
"""... and at least this much rarer (30 times): ``form`` (5.3) is not a misspelling of
``from`` (6.6), it is another word."""

FUNCTION_ZIPF = 5.5
"""A word this common (``the`` 7.7, ``und`` 7.4, ``our`` 6.5) ..."""

FUNCTION_GAP = 2.0
"""... turned into a token of :data:`SHORT_TOKEN` letters 100 times rarer is a misspelling
even when the lists have the token (``te``, ``nd``, ``ur``: abbreviations, web noise and
names make two-letter tokens common enough to be listed). Longer ones are words: ``with`` /
``wit``, ``we`` / ``wee`` stay two real words."""

SHORT_TOKEN = 2


def respelt(x: str, y: str, language: str) -> tuple[bool, str]:
    """A look-alike pair is a misspelling when the language knows one side and not the other.

    Look-alike: at most :data:`MAX_TYPO_EDITS` edits (one for words under
    :data:`LONG_WORD` letters), any letter, first and last included. Known: common
    (Zipf ≥ :data:`COMMON_ZIPF`) on one side, rare or unlisted (Zipf < :data:`RARE_ZIPF`) on
    the other, and :data:`RARER_BY` below it. Two listed words are two real words: kept.
    """
    from rapidfuzz.distance import OSA  # lazy: only pairs that are compared

    from dedup.match.lexicon import lexicon

    replaced = f"a word replaced: {x} → {y}"
    if min(len(x), len(y)) < 2:
        return False, replaced  # a letter: a version's (2023a / 2023b), an item's, a variable's
    if _spelling_variant(x, y):
        return True, f"a spelling variant ({x} → {y})"
    if _collapsed(x) == _collapsed(y):
        return True, f"a letter drawn out ({x} → {y})"
    derived = _derived(x, y)
    if derived is not None and lexicon().rare_zipf(max(x, y, key=len), language) > 0:
        return False, derived  # and the language has the longer word
    shortest = min(len(x), len(y))
    allowed = 1 if shortest < LONG_WORD else MAX_TYPO_EDITS if shortest < LONGER_WORD else 3
    if OSA.distance(x, y, score_cutoff=allowed + 1) > allowed:
        return False, replaced
    zx, zy = lexicon().zipf(x, language), lexicon().zipf(y, language)
    if min(zx, zy) == 0:
        # The unlisted side may be a rare real word: ask the large list.
        zx, zy = lexicon().rare_zipf(x, language), lexicon().rare_zipf(y, language)
    rare = x if zx < zy else y
    low, high = min(zx, zy), max(zx, zy)
    why = "not a word" if low == 0 else "a rare word"
    misspelt = f"a misspelling ({x} → {y}; {rare}: {why} in {language})"
    if high >= FUNCTION_ZIPF and high - low >= FUNCTION_GAP and len(rare) <= SHORT_TOKEN:
        return True, misspelt  # the, und, our typed as te, nd, ur: listed web noise
    if low >= RARE_ZIPF:
        return False, f"two real words: {x} / {y}"
    if high >= COMMON_ZIPF and high - low >= RARER_BY:
        return True, misspelt
    if low == 0 < high and min(len(x), len(y)) >= LONG_WORD and OSA.distance(x, y) == 1:
        return True, misspelt  # a long listed word, one edit from a word no list has
    # Neither side common (jargon, names, rare words): only the narrow shape of a typo.
    if typo_shaped(x, y):
        return True, f"a misspelling ({x} → {y})"
    return False, replaced


def _derived(x: str, y: str) -> str | None:
    """Why one word is the other with a prefix (``delete`` / ``undelete``, ``typical`` /
    ``atypical``) or a suffix of two letters or more (``use`` / ``useful``), if it is: when
    the language lists the longer word, it is another word made from the shorter, often its
    opposite, even if a rare one."""
    short, long = (x, y) if len(x) < len(y) else (y, x)
    if len(short) >= MIN_STEM and long.endswith(short):
        return f"a word with a prefix: {x} / {y}"
    if len(short) >= MIN_STEM and long.startswith(short) and len(long) - len(short) >= 2:
        return f"a word with a suffix: {x} / {y}"
    return None


def _collapsed(word: str) -> str:
    """The word with every run of three or more of one letter written once (``вооот`` → ``вот``,
    ``ээээххх`` → ``эх``): a drawn-out letter is emphasis, not another word. Doubled letters
    stay: ``good`` and ``god`` are two words."""
    out: list[str] = []
    i = 0
    while i < len(word):
        j = i
        while j < len(word) and word[j] == word[i]:
            j += 1
        out.append(word[i] if j - i >= 3 else word[i:j])
        i = j
    return "".join(out)


_VARIANTS = (("our", "or"), ("ise", "ize"), ("isation", "ization"), ("yse", "yze"),
             ("tre", "ter"), ("ll", "l"), ("ogue", "og"), ("ence", "ense"),
             ("amme", "am"))  # fmt: skip


def _spelling_variant(x: str, y: str) -> bool:
    """British and American spellings of one word (colour/color, -ise/-ize, centre/center,
    travelled/traveled): both are real words, and the same word."""
    if x == y:
        return False
    for long, short in _VARIANTS:
        for p, q in ((long, short), (short, long)):
            at = x.find(p)
            while at > 0:
                if x[:at] + q + x[at + len(p) :] == y:
                    return True
                at = x.find(p, at + 1)
    return False


def is_cjk(word: str) -> bool:
    """Whether the word is one Chinese or Japanese character (ideograph or kana)."""
    return len(word) == 1 and any(low <= word <= high for low, high in CJK_RANGES)


def respelt_character(
    x: str, y: str, i: int, j: int, a: tuple[str, ...], b: tuple[str, ...]
) -> tuple[bool, str]:
    """A character replaced in Chinese or Japanese, judged by the words it makes with its
    neighbours: each window of two to four characters around it is read in both versions,
    and the replacement is noise when some window is a common word in one version and no
    word in the other, by a margin that no window for the opposite reading comes near.

    The caller has ruled out negation characters and numerals: 不/没 and 一/二 are the statement.
    """
    replaced = f"a character replaced: {x} → {y}"
    if not (is_cjk(x) and is_cjk(y)):
        return False, replaced
    from dedup.match.lexicon import lexicon

    kana = any("\u3040" <= c <= "\u30ff" for c in (*a, *b))
    language = "ja" if kana else "zh"
    for_a: tuple[float, str] = (0.0, "")  # the strongest evidence that a's reading is right
    for_b: tuple[float, str] = (0.0, "")
    both_words: tuple[str, str] | None = None
    for start in range(-3, 1):
        for size in (2, 3, 4):
            window_a = _window(a, i + start, size, i)
            window_b = _window(b, j + start, size, j)
            if window_a is None or window_b is None:
                continue
            za = lexicon().zipf(window_a, language)
            zb = lexicon().zipf(window_b, language)
            if za >= COMMON_ZIPF and zb < RARE_ZIPF and za - zb > for_a[0]:
                for_a = (za - zb, window_a)
            if zb >= COMMON_ZIPF and za < RARE_ZIPF and zb - za > for_b[0]:
                for_b = (zb - za, window_b)
            if za >= RARE_ZIPF and zb >= RARE_ZIPF and both_words is None:
                both_words = (window_a, window_b)
    alone_x, alone_y = lexicon().rare_zipf(x, language), lexicon().rare_zipf(y, language)
    if min(alone_x, alone_y) == 0 and max(alone_x, alone_y) >= COMMON_ZIPF:
        unknown = x if alone_x == 0 else y
        return True, f"a misspelling ({x} → {y}; {unknown}: in no word of {language})"
    strong, weak = max(for_a, for_b), min(for_a, for_b)
    if strong[0] >= RARER_BY and strong[0] - weak[0] >= RARER_BY:
        return True, f"a misspelling ({x} → {y}; {strong[1]} is a word in {language})"
    if both_words is not None:
        return False, f"two real words: {both_words[0]} / {both_words[1]}"
    return False, replaced


def _window(words: tuple[str, ...], start: int, size: int, at: int) -> str | None:
    """The ``size`` characters from ``start`` as one string, if they are all ideographs or kana
    and the window holds position ``at``."""
    end = start + size
    if start < 0 or end > len(words) or not start <= at < end:
        return None
    chunk = words[start:end]
    return "".join(chunk) if all(is_cjk(c) for c in chunk) else None


def typo_shaped(x: str, y: str) -> bool:
    """One edit inside a long plain word: a letter added or dropped, two letters swapped.

    The shape of a typo, for words no list can judge (a language without a list, or jargon
    neither side of which is common). Not a letter changed for another: that is how one real
    word becomes another (Polish wyjście/wejście, output/input; house/horse), except s/z,
    the -ise/-ize spelling.
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
