"""Comparison keys: the form in which two paragraphs are compared, never what is written.

A key folds away the differences that do not change what a paragraph says: Unicode
compatibility forms (full-width letters, ligatures), typographic quotes and dashes, invisible
characters, case, and the layout of whitespace (which also joins a hard-wrapped block's lines
into one run). The key only decides; the output is always the original bytes.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import compress
from operator import ne, not_

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
(far beyond :data:`dedup.options.MAX_FUZZY_CHARS`). Two such paragraphs that differ only in
case or spacing are then both kept, the safe side of every doubt.
"""

_DIGEST_KEY = "\x00dedup digest "
"""What starts the key of a paragraph beyond :data:`LONGEST_KEYED_CHARS`: no text's key does."""


# What makes a chunk (a run between spaces) technical: an identifier mark, a dotted or
# colon-joined name, an option, letters glued to digits, a call, a member access, a quoted
# value after ``:`` or ``=``. Such a chunk needs a letter too (``50%``, ``1/2`` are numbers
# and symbols, which the copy rule compares anyway). Brackets alone are not a mark: a man
# page's ``GraphViz[1]`` is a footnote.
_TECHNICAL_NAME = re.compile(
    r"[_/\\$@{}=<>|~^#%&+]"  # identifier marks (not *: Markdown's **emphasis**)
    r"|\w[.:]\w|\w::\w|->"  # foo.c, a:b, Foo::Bar, Time->new
    r"|(?<!\S)(?:-+|:)\w"  # -i, --socks4a, psql's :foo
    r"|[^\W\d_]\d|\d[^\W\d_]"  # socks4a, xft2, 2nd
    r"|\w\(|[:=][\"']"  # A(), gitmailmap(5), :"foo", ="x"
)
_OPENING, _CLOSING = "(\"'", ".,!?)\"'"
"""Marks at a chunk's start and end that no rule of :data:`_TECHNICAL_NAME` needs (``:``,
``=`` and ``;`` are not among them): a chunk of letters between them (``(Hello,``) is a prose
word, without a regular expression."""
_LETTER = re.compile(r"[^\W\d_]")
# ... except a version, a time or a date, which is technical with digits only: 0.48-1, 2.2.0-3.
_VERSION = re.compile(r"\d[.:~+-]\d")


def is_technical(chunk: str) -> bool:
    """Whether a chunk of text (no whitespace in it) is technical: a name, not a prose word.

    In an identifier, an option, a path, a file name, a version, code or a command, case,
    every symbol, quote, bracket and separator, and every letter glued to a digit, is part of
    what is said (``-i``/``-I``, ``libipt_ttl.c``/``libipt_TTL.c``, ``socks4``/``socks4a``,
    ``0.48-1``/``0.48.1``); in a prose word they are noise. The one home of that decision:
    :func:`key` keeps the case of technical chunks, and :mod:`dedup.match.copies` reads them whole.

    >>> [is_technical(c) for c in ("-I", "libipt_TTL.c", "xft2", "(0.48-1)", "Time->new;")]
    [True, True, True, True, True]
    >>> [is_technical(c) for c in ("Hello,", "well-known", "(see", "50%", "GraphViz[1]")]
    [False, False, False, False, False]
    """
    found = _TECHNICAL_NAME.search(chunk)
    if found is not None and _LETTER.search(chunk):
        return True
    return _VERSION.search(chunk) is not None


def key(text: str) -> str:
    """Return the comparison key of a paragraph's text.

    Whitespace runs of any kind (including line breaks and NBSP) become one space, so the
    same block wrapped at another width gets the same key. Case is folded in prose words
    only: a technical chunk (:func:`is_technical`) keeps it, since there it is the statement
    (``-i``/``-I``), unless the text has no lower case at all: a paragraph in capitals
    (a heading, a shouted copy) says nothing by its case.

    >>> key("“Hello”\u00a0 WORLD — again\\n")
    '"hello" world - again'
    >>> key("\\uff21\\uff22\\uff23\\uff11") == key("abc1")  # full-width
    True
    >>> key("Run  curl -I to see the HEADERS")
    'run curl -I to see the headers'
    """
    if len(text) > LONGEST_KEYED_CHARS:
        return _digest_key(text)
    if text.isascii():
        # The same result, 2-3x faster (measured on the benchmark corpus): NFKC leaves ASCII
        # alone, casefold is lower there, and the backquote is the one ASCII character _FOLD
        # maps. Most lines of most corpora take this path; exact mode spends much of its time here.
        text = text.replace("`", "'")
        kept = _technical_cased(text)
        return " ".join(text.lower().split()) if kept is None else kept
    return unicode_key(text)


def _technical_cased(text: str) -> str | None:
    """The key of ASCII ``text`` (case folded but in its technical chunks), or None when
    that is all of it lowered: no upper-case letter in a technical chunk, or no lower-case
    letter anywhere.

    Admittedly terse: this runs on most lines of exact mode. The chunks are sifted by C
    loops (``map`` of str methods) down to those that hold a capital and a mark, and only
    those meet a regular expression; the key is rebuilt only when one of them is technical.
    """
    if text.islower() or text.isupper():  # one case, or none: all of it folds
        return None
    chunks = text.split()
    marked = [
        c
        for c in compress(chunks, map(not_, map(str.islower, chunks)))
        if not c.lstrip(_OPENING).rstrip(_CLOSING).isalpha() and is_technical(c)
    ]
    if not marked:
        return None
    technical = set(marked)
    return " ".join(c if c in technical else c.lower() for c in chunks)


def unicode_key(text: str) -> str:
    """:func:`key` without its ASCII fast path: the reference that path is tested against."""
    if len(text) > LONGEST_KEYED_CHARS:
        return _digest_key(text)
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD)
    if folded.upper() == folded:  # no lower case: shouted, so case tells nothing here
        return " ".join(folded.casefold().split())
    chunks, lowered = folded.split(), folded.casefold().split()  # casefold adds no space
    for at in compress(range(len(chunks)), map(ne, chunks, lowered)):
        chunk = chunks[at]
        if not chunk.lstrip(_OPENING).rstrip(_CLOSING).isalpha() and is_technical(chunk):
            lowered[at] = chunk
    return " ".join(lowered)


def may_hold_technical(text: str) -> bool:
    """Whether some chunk of ``text`` may be technical: a cheap superset of :func:`is_technical`
    over the chunks, one search over the whole text."""
    return _TECHNICAL_NAME.search(text) is not None or _VERSION.search(text) is not None


def keeps_case(text: str) -> bool:
    """Whether the key of ASCII ``text`` keeps some upper case: a technical chunk holds it.

    :mod:`dedup.match.exact` asks before it folds an ASCII line's case on its bytes.
    """
    return _technical_cased(text.replace("`", "'")) is not None


def key_of_bytes(raw: bytes) -> str:
    """:func:`key` of a paragraph's UTF-8 bytes (odd bytes by ``surrogateescape``).

    The same key as ``key(raw.decode("utf-8", "surrogateescape"))``, but a paragraph too long
    to be normalized (surely: more than 4 bytes for each character it may have) is digested
    as it is, never decoded: a line of hundreds of megabytes costs no copy of itself here.

    >>> key_of_bytes(b"Some  TEXT\\n") == key("Some  TEXT\\n")
    True
    """
    if len(raw) > _MOST_BYTES_PER_CHAR * LONGEST_KEYED_CHARS:
        import hashlib  # only for such paragraphs

        digest = hashlib.blake2b(memoryview(raw)[: _content_end(raw)])
        return _digest_padded(digest.hexdigest())
    return key(raw.decode("utf-8", "surrogateescape"))


_MOST_BYTES_PER_CHAR = 4
"""UTF-8 takes at most 4 bytes per character (an odd byte, escaped, is one character)."""
_DIGEST_STEP = 1 << 20
"""Characters encoded at a time for a digest: a long paragraph is never encoded whole."""


def _content_end(text: str | bytes) -> int:
    """Where ``text`` ends without its final line terminator: a line is the same with or
    without one (the last line of a file), as it is for every normalized key."""
    end = len(text)
    for terminator in ("\n", "\r"):
        if end and text[end - 1 : end] in (terminator, terminator.encode()):
            end -= 1
    return end


def _digest_key(text: str) -> str:
    """The key of a paragraph too long to normalize: its digest, equal only for equal text.

    The digest is of its bytes (the text encoded as it was decoded, ``surrogateescape``,
    so that :func:`key_of_bytes` gives the same key without decoding), less a final line
    terminator, encoded a step at a time so that no copy of the whole is made.
    """
    import hashlib  # only for such paragraphs

    digest = hashlib.blake2b()
    for at in range(0, _content_end(text), _DIGEST_STEP):
        piece = text[at : min(at + _DIGEST_STEP, _content_end(text))]
        try:
            digest.update(piece.encode("utf-8", "surrogateescape"))
        except UnicodeEncodeError:  # a lone surrogate from the API, not from odd bytes
            digest.update(piece.encode("utf-8", "surrogatepass"))
    return _digest_padded(digest.hexdigest())


def _digest_padded(digest: str) -> str:
    """Padded to more than :data:`LONGEST_KEYED_CHARS` characters, so that the key is as long
    as the paragraph is said to be: every length rule (exact only beyond ``MAX_FUZZY_CHARS``,
    the ``--min-chars`` floor) treats it as the long paragraph it stands for."""
    return (_DIGEST_KEY + digest).ljust(LONGEST_KEYED_CHARS + 1, "\x00")
