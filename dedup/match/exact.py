"""Exact-only cleaning of lines, on bytes: ``--threshold 100 --split line`` at awk's speed.

The decisions of :class:`dedup.match.matcher.Matcher` at ``threshold=100`` for a document read
line by line, taken without building a ``str`` per line where the bytes say enough. Used by
:mod:`dedup.streaming` for a document alone; the byte helpers here (what a line is, which
lines are blank) are shared with it.
"""

from __future__ import annotations

import re

from dedup.options import Options
from dedup.text.lines import LINE_BYTES, is_boundary_bytes, odd_whitespace, one_line
from dedup.text.normalize import LONGEST_KEYED_CHARS, keeps_case, key_of_bytes

DIGEST_SIZE = 16
"""Bytes of the digest that stands for an exact key: 128 bits, so two different keys of a
billion-line input collide with odds of about 1 in 10^21."""

RAW_CACHE_BYTES = 32 << 20
"""How much of the lines already met the exact-only path remembers byte for byte."""
RAW_CACHE_OVERHEAD = 80
"""What a remembered line costs beyond its bytes (the object and its slot in the dict)."""

_ASCII_KEY = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ\t\n\x0b\x0c\r`", b"abcdefghijklmnopqrstuvwxyz     '"
)
"""``normalize.key`` on ASCII, but for the collapsing of spaces: case and backquote folded,
every whitespace byte a space (the bytes \\x1c-\\x1f are whitespace to ``str`` only, so a
chunk with one takes the ``str`` path: see ``lines.odd_whitespace``)."""


def applies(options: Options) -> bool:
    """Whether :class:`ExactLines` gives the matcher's decisions for these options."""
    return options.split == "line" and options.exact


class ExactLines:
    """``--split line`` with exact matching only, at the speed of ``awk '!seen[$0]++'``.

    The decisions of :class:`dedup.match.matcher.Matcher` at ``threshold=100``, with less work
    per line:

    * a line met before byte for byte has the same key, so its fate is known: every later
      copy of a substantive line goes, as a repeat of the same original. Those lines are
      remembered as they are, up to ``RAW_CACHE_BYTES`` (then forgotten and learnt again: the
      cache only saves work, it never decides), and meet one dict lookup; a chunk made only
      of them meets one C loop;
    * an ASCII line's key is computed on its bytes (``_ASCII_KEY`` maps case, the other
      whitespace and the backquote as ``normalize.key`` does on ASCII), without a ``str``,
      unless ``normalize.keeps_case`` says a technical chunk keeps its case there;
    * a key is remembered as a 16-byte digest (``DIGEST_SIZE``), or as itself when shorter,
      so memory grows by a few dozen bytes per distinct key, whatever its length.

    Short lines keep the matcher's rule: one goes only with its passage, when it stands
    between two removed lines as the same short lines stood between their originals. Such
    lines (and the blank lines among them) wait here until the next substantive line says.
    """

    def __init__(self, options: Options) -> None:
        from dedup.match.copies import blake2b  # without OpenSSL: see there

        self._blake2b = blake2b
        self._min_chars = options.min_chars
        self._seen: dict[bytes, int] = {}  # digest of a substantive key -> its original's id
        self._copies: dict[bytes, int] = {}  # a line met before -> its original's id
        self._copies_size = 0
        self._lead: list[bytes] = []  # blank lines before the current block, not written yet
        self._blanks: list[bytes] = []  # blank lines since the last content line
        self._in_block = False
        self._next = 0  # id of the next paragraph
        # The matcher's context: the last substantive line (id, the original it is or
        # repeats, whether it went), the short lines after it, and after each kept line
        # followed by short ones, (the original of the line after them, their keys).
        self._last: tuple[int, int, bool] | None = None
        self._shorts: list[tuple[int, bytes]] = []
        self._trailing: dict[int, tuple[int, tuple[bytes, ...]]] = {}
        # Output waiting for the fate of short lines after a removed one: (line, its
        # terminator, its id, or -1 for a blank line).
        self._held: list[tuple[bytes, bytes, int]] = []
        self.paragraphs = 0
        self.removed = 0

    def take(self, data: bytes) -> list[bytes]:
        """Decide complete lines; return the output pieces (lines and their terminators)."""
        plain = not odd_whitespace(data)
        if one_line(data):  # as it is: a line of hundreds of megabytes is not copied
            return self._lines([data], b"", plain=plain)
        if b"\r" not in data or data.count(b"\r") == data.count(b"\r\n"):
            lines = data.split(b"\n")
            last = lines.pop()
            out = self._lines(lines, b"\n", plain=plain)
            if last:  # the end of the input, without a final newline
                out += self._lines([last], b"", plain=plain)
            return out
        return self._lines(re.findall(LINE_BYTES, data), b"", plain=plain)

    def _lines(self, lines: list[bytes], sep: bytes, *, plain: bool) -> list[bytes]:
        copies = self._copies
        if lines and not self._shorts and all(map(copies.__contains__, lines)):
            # Every line a copy of a substantive line met before, as most chunks of a file
            # full of repeats are: all go, and two C loops are the only work.
            if not self._in_block:
                self._in_block, self._lead, self._blanks = True, self._blanks, []
            self._next += len(lines)
            self._last = (self._next - 1, copies[lines[-1]], True)
            self.paragraphs += len(lines)
            self.removed += len(lines)
            return []
        # Admittedly one long loop: this is the hot path of exact mode, and every attribute
        # lookup and call per line shows in the time.
        out: list[bytes] = []
        seen, held, shorts = self._seen, self._held, self._shorts
        lead, blanks, in_block = self._lead, self._blanks, self._in_block
        min_chars, blake2b = self._min_chars, self._blake2b
        ident = self._next - 1
        last = self._last
        paragraphs = removed = 0
        for line in lines:
            original = copies.get(line)
            if original is not None and not shorts:  # a copy, and nothing waits: it goes
                ident += 1
                last = (ident, original, True)
                if not in_block:
                    in_block, lead, blanks = True, blanks, []
                removed += 1
                continue
            if original is None:
                # A line too long to normalize takes key(), which digests it (one rule).
                ascii_line = plain and len(line) <= LONGEST_KEYED_CHARS and line.isascii()
                if (
                    not line
                    or line.isspace()
                    or ((not ascii_line or line[:1] == b"%") and is_boundary_bytes(line))
                ):
                    if held:
                        held.append((line, sep, -1))
                    else:
                        blanks += (line, sep)
                        in_block = False
                    continue
                ident += 1
                if ascii_line and (line.islower() or not keeps_case(line.decode("ascii"))):
                    k = line.translate(_ASCII_KEY)
                    if b"  " in k or k[:1] == b" " or k[-1:] == b" ":
                        k = b" ".join(k.split())
                    size = len(k)
                else:
                    text = key_of_bytes(line)
                    size = len(text)
                    k = text.encode("utf-8", "surrogateescape")
                if size < min_chars:  # short: its fate may depend on the next line
                    shorts.append((ident, k))
                    if held or (last is not None and last[2]):
                        held.append((line, sep, ident))
                        continue
                    if not in_block:
                        in_block, lead, blanks = True, blanks, []
                    if lead:
                        out += lead
                        lead = []
                    out += (line, sep)
                    continue
                digest = k if len(k) < DIGEST_SIZE else blake2b(k, digest_size=DIGEST_SIZE).digest()
                original = seen.get(digest)
                if original is None:
                    seen[digest] = ident
                self._remember(line, ident if original is None else original)
            else:
                ident += 1
            # A substantive line, decided: first the short lines before it.
            represents = ident if original is None else original
            gone: tuple[int, ...] = ()
            if last is not None and shorts:
                keys = tuple(k for _, k in shorts)
                if not last[2]:
                    self._trailing[last[0]] = (represents, keys)
                elif original is not None and self._trailing.get(last[1]) == (represents, keys):
                    gone = tuple(i for i, _ in shorts)
            shorts.clear()
            last = (ident, represents, original is not None)
            for held_line, held_sep, held_id in held:
                if held_id < 0:
                    blanks += (held_line, held_sep)
                    in_block = False
                    continue
                if not in_block:
                    in_block, lead, blanks = True, blanks, []
                if held_id in gone:
                    removed += 1
                    continue
                if lead:
                    out += lead
                    lead = []
                out += (held_line, held_sep)
            held.clear()
            if not in_block:
                in_block, lead, blanks = True, blanks, []
            if original is not None:
                removed += 1
                continue
            if lead:
                out += lead
                lead = []
            out += (line, sep)
        paragraphs = ident + 1 - self._next
        self._lead, self._blanks, self._in_block = lead, blanks, in_block
        self._next, self._last = ident + 1, last
        self.paragraphs += paragraphs
        self.removed += removed
        return out

    def _remember(self, line: bytes, original: int) -> None:
        self._copies_size += len(line) + RAW_CACHE_OVERHEAD
        if self._copies_size > RAW_CACHE_BYTES:
            self._copies.clear()
            self._copies_size = len(line) + RAW_CACHE_OVERHEAD
        self._copies[line] = original

    def close(self) -> list[bytes]:
        """The end of the document: short lines still waiting stay, as do the last blanks."""
        self._shorts.clear()
        self._last = None
        held, self._held = self._held, []
        out = self._lines([], b"", plain=True)  # nothing to decide; sets the state up
        for line, sep, ident in held:
            if ident < 0:
                self._blanks += (line, sep)
                self._in_block = False
                continue
            if not self._in_block:
                self._in_block, self._lead, self._blanks = True, self._blanks, []
            out += self._lead
            self._lead = []
            out += (line, sep)
        blanks, self._blanks = self._blanks, []
        # Ready for the next document (--across): what was seen stays, the context goes.
        self._lead, self._in_block = [], False
        return out + blanks
