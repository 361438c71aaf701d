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

MIN_FAR_WORD = 4
"""Words this long or longer may be one edit further from their word than
:data:`MAX_TYPO_EDITS` says when the other side is in no list at all, not even the large one:
``angree`` / ``angry``, ``седня`` / ``сегодня``, ``канешна`` / ``конечно``. A listed word so
far is another word (``Олесю`` / ``Олега``); a token no list has is nobody's word."""

COMPOUND_WORD = 12
"""Words this long that no list has, one letter apart, are one word misspelt: the compounds
of Dutch, German and Swedish (``systeemgebruiker`` / ``srsteemgebruiker``) are too many to be
listed, and two different ones one letter apart are rare at this length."""

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
    if derived is not None and _both_words(x, y, language):
        return False, derived
    shortest = min(len(x), len(y))
    allowed = 1 if shortest < LONG_WORD else MAX_TYPO_EDITS if shortest < LONGER_WORD else 3
    edits = OSA.distance(x, y, score_cutoff=allowed + 2)
    if edits > allowed + 1:
        return False, replaced
    zx, zy = lexicon().zipf(x, language), lexicon().zipf(y, language)
    if min(zx, zy) == 0:
        # The unlisted side may be a rare real word: ask the large list.
        zx, zy = lexicon().rare_zipf(x, language), lexicon().rare_zipf(y, language)
    if edits > allowed and not (
        shortest >= MIN_FAR_WORD and min(zx, zy) == 0 and max(zx, zy) >= COMMON_ZIPF
    ):
        return False, replaced  # one edit more only for a token no list has (angree, седня)
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
    if low == 0 and high >= RARE_ZIPF:
        return True, misspelt  # a listed word, close to a token no list has (questionarie)
    if low == 0 < high and min(len(x), len(y)) >= LONG_WORD and OSA.distance(x, y) == 1:
        return True, misspelt  # a long listed word, one edit from a word no list has
    if high == 0 and shortest >= COMPOUND_WORD and edits == 1 and x[0] == y[0]:
        return True, f"a misspelling ({x} → {y}; neither is a word in {language})"
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


def _both_words(x: str, y: str, language: str) -> bool:
    """Whether a word and its derivation (:func:`_derived`) are both words of the language:
    the longer one listed at all, the shorter one among its common words. A stem the
    language does not know (``asketball``, ``illen`` for ``willen``, ``nakow`` for
    ``znakow``) is a word with its first letter lost, and a first letter doubled (``ddie``,
    ``qque``) is a key pressed twice: misspellings, judged as any other."""
    from dedup.match.lexicon import lexicon

    short, long = sorted((x, y), key=len)
    if long == short[0] + short:
        return False
    found = lexicon()
    return found.zipf(short, language) > 0 and found.rare_zipf(long, language) > 0


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
    neighbours: the stretch of up to :data:`SEGMENT_REACH` characters either side is cut into
    its most probable words (:func:`_segmented`) in both versions, and the replacement is
    noise when one version reads :data:`SEGMENT_GAIN` more probable (30 times) and, in the
    other, the character makes no listed word with either neighbour. A learner's homophone
    (诉之于 for 诉诸于, 污然 for 污染, 一言以行 for 一言一行) makes a stretch that reads as no
    words; an edit that says something else makes other words (上个星期 / 下个星期, 大学 /
    小学, 今天 / 昨天) and stays, as does a character that makes a word on both sides (一般 /
    一半, 受到 / 收到: two real words).

    The caller has ruled out negation characters and numerals: 不/没 and 一/二 are the statement.
    """
    replaced = f"a character replaced: {x} → {y}"
    if not (is_cjk(x) and is_cjk(y)):
        return False, replaced
    from dedup.match.lexicon import lexicon

    kana = any("\u3040" <= c <= "\u30ff" for c in (*a, *b))
    language = "ja" if kana else "zh"
    alone_x, alone_y = lexicon().rare_zipf(x, language), lexicon().rare_zipf(y, language)
    if min(alone_x, alone_y) == 0 and max(alone_x, alone_y) >= COMMON_ZIPF:
        unknown = x if alone_x == 0 else y
        return True, f"a misspelling ({x} → {y}; {unknown}: in no word of {language})"
    before, after = _reach(a, b, i, j)
    stretch_a, stretch_b = a[i - before : i + after + 1], b[j - before : j + after + 1]
    gain = _segmented(stretch_b, language) - _segmented(stretch_a, language)
    worse, better = (stretch_a, stretch_b) if gain > 0 else (stretch_b, stretch_a)
    if abs(gain) >= SEGMENT_GAIN and not _in_a_word(worse, before, language):
        word = _words_with(better, before, language) or "".join(better)
        return True, f"a misspelling ({x} → {y}; {word} is a word in {language})"
    words = _words_with(stretch_a, before, language), _words_with(stretch_b, before, language)
    if words[0] and words[1]:
        return False, f"two real words: {words[0]} / {words[1]}"
    return False, replaced


SEGMENT_REACH = 3
"""Characters either side of a replaced one read with it: a word of up to four characters
around it (一言一行) fits, and the rest of the sentence, the same in both, does not vote."""

SEGMENT_GAIN = 1.5
"""How much more probable (log10: 30 times) the better version of the stretch reads. Two
readings of real words differ by their words' frequencies, usually by less (今天 / 昨天 1.0);
a homophone that makes no word costs its stretch two to seven."""

UNLISTED_CHARACTER = 0.0
"""The Zipf a character no list has counts for when a stretch is cut into words."""


def _reach(a: tuple[str, ...], b: tuple[str, ...], i: int, j: int) -> tuple[int, int]:
    """How many characters before and after ``a[i]`` / ``b[j]`` both versions hold, aligned,
    as ideographs or kana, up to :data:`SEGMENT_REACH`."""

    def cjk_at(offset: int) -> bool:
        p, q = i + offset, j + offset
        return 0 <= p < len(a) and 0 <= q < len(b) and is_cjk(a[p]) and is_cjk(b[q])

    before = after = 0
    while before < SEGMENT_REACH and cjk_at(-before - 1):
        before += 1
    while after < SEGMENT_REACH and cjk_at(after + 1):
        after += 1
    return before, after


def _segmented(chars: tuple[str, ...], language: str) -> float:
    """The log10 probability of the most probable cut of ``chars`` into listed words (one to
    four characters each; a character alone is always a word, at
    :data:`UNLISTED_CHARACTER` if no list has it): the unigram reading that word segmenters
    such as jieba make, with wordfreq's frequencies (Zipf - 9 is log10 of a word's share)."""
    from dedup.match.lexicon import lexicon

    found = lexicon()
    best = [0.0] + [float("-inf")] * len(chars)
    for end in range(1, len(chars) + 1):
        for start in range(max(0, end - 4), end):
            zipf = found.rare_zipf("".join(chars[start:end]), language)
            if zipf == 0 and end - start > 1:
                continue
            score = best[start] + (zipf or UNLISTED_CHARACTER) - 9
            best[end] = max(best[end], score)
    return best[-1]


def _in_a_word(chars: tuple[str, ...], at: int, language: str) -> bool:
    """Whether the character at ``at`` makes a listed word (Zipf ≥ :data:`RARE_ZIPF`) with
    its left or its right neighbour."""
    return bool(_words_with(chars, at, language))


def _words_with(chars: tuple[str, ...], at: int, language: str) -> str:
    """The first listed two-character word (Zipf ≥ :data:`RARE_ZIPF`) the character at
    ``at`` makes with a neighbour, or ''."""
    from dedup.match.lexicon import lexicon

    for start in (at - 1, at):
        pair = "".join(chars[start : start + 2]) if start >= 0 else ""
        if len(pair) == 2 and lexicon().rare_zipf(pair, language) >= RARE_ZIPF:
            return pair
    return ""


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
