"""Comparison keys: the form in which two paragraphs are compared, never what is written.

A key folds away the differences that do not change what a paragraph says: Unicode
compatibility forms (full-width letters, ligatures), typographic quotes and dashes, invisible
characters, case, and the layout of whitespace (which also joins a hard-wrapped block's lines
into one run). The key only decides; the output is always the original bytes.
"""

from __future__ import annotations

import unicodedata

# Characters that NFKC leaves alone but that a scraper, a word processor or a CMS swaps freely.
_FOLD = str.maketrans(
    {
        # single quotes, primes and apostrophes
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        # double quotes and guillemets
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        # hyphens, dashes and the minus sign
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        # invisible characters that differ between copies of the same text
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u2060": None,  # word joiner
        "\ufeff": None,  # a BOM in the middle of text (concatenated files)
        "\u0640": None,  # Arabic tatweel: stretches a word, never changes it
    }
)


LONGEST_KEYED_CHARS = 1_000_000
"""The longest paragraph, in characters, that gets a normalized key.

A longer one (a line of hundreds of megabytes without a newline, a decompressed bomb) is
compared byte for byte instead, by a digest of its text: normalizing it would cost many times
its size in memory (a ``str`` per word) for a key that could only ever be matched exactly
(far beyond ``matching.MAX_FUZZY_CHARS``). Two such paragraphs that differ only in case or
spacing are then both kept, the safe side of every doubt.
"""

_DIGEST_KEY = "\x00dedup digest "
"""What starts the key of a paragraph beyond :data:`LONGEST_KEYED_CHARS`: no text's key does."""


def key(text: str) -> str:
    """Return the comparison key of a paragraph's text.

    Whitespace runs of any kind (including line breaks and NBSP) become one space, so the
    same block wrapped at another width gets the same key.

    >>> key("“Hello”\u00a0 WORLD — again\\n")
    '"hello" world - again'
    >>> key("\\uff21\\uff22\\uff23\\uff11") == key("abc1")  # full-width
    True
    """
    if len(text) > LONGEST_KEYED_CHARS:
        return _digest_key(text)
    if text.isascii():
        # The same result, 2-3x faster (measured on the benchmark corpus): NFKC leaves ASCII
        # alone, casefold is lower there, and the backquote is the one ASCII character _FOLD
        # maps. Most lines of most corpora take this path; exact mode spends much of its time here.
        return " ".join(text.replace("`", "'").lower().split())
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    return " ".join(folded.split())


def _digest_key(text: str) -> str:
    """The key of a paragraph too long to normalize: its digest, equal only for equal text.

    Padded to more than :data:`LONGEST_KEYED_CHARS` characters, so that it is as long as the
    paragraph is said to be: every length rule (exact only beyond ``MAX_FUZZY_CHARS``, the
    ``--min-chars`` floor) treats it as the long paragraph it stands for.
    """
    import hashlib  # only for such paragraphs

    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass")).hexdigest()
    return (_DIGEST_KEY + digest).ljust(LONGEST_KEYED_CHARS + 1, "\x00")
