"""Clean a document as it is read: bytes chunks in, bytes chunks out, paragraph by paragraph.

The same bytes as :func:`dedup.clean_bytes` (a property test holds it to that, for any chunk
sizes), in bounded memory: the matcher's memory of what it has seen, the paragraphs it has
not decided yet (short ones wait for the next substantive one, see :mod:`dedup.match.matcher`),
and the blank lines before a block whose fate is still open. Nothing else of the input is
kept, so output starts before input ends and ``dedup clean --split line BIG | head -1``
returns at once.

The rules of :mod:`dedup.text.paragraphs` and :mod:`dedup.text.writing` hold line by line:

* lines end in ``\\n``, ``\\r\\n`` or a lone ``\\r`` (so a ``\\r`` at the end of a chunk waits
  for the next one: it may be the first half of ``\\r\\n``); a line of whitespace is blank;
* a paragraph owns the blank lines before it only if it is the first of its block, and those
  go with it when it is removed, unless another paragraph of the block is kept: so the blank
  lines before a block are written with the first kept paragraph of the block, or dropped
  (:class:`dedup.text.writing.Writer`, the rule's one home, which every road renders by);
* blank lines after the last paragraph always stay.

Lines are decoded one at a time (UTF-8, ``surrogateescape``): every line ends in an ASCII
byte, which never belongs to a multi-byte sequence, so this is the decoding of the whole.

``--split auto`` first holds the input for ``paragraphs.RECORD_LOOKAHEAD`` lines, enough to
tell whether the text is made of records (:func:`dedup.text.paragraphs.record_kind`: a fortune
file, a changelog, a man page), which it holds whole and cleans as :func:`dedup.clean` does at
the end: such texts are small, and their records span blank lines. Otherwise it decides its
reading from the first block (one block, or one of more than
``paragraphs.FIRST_BLOCK_LINES`` lines: line by line; else block by block), so here it keeps
the input as it came until a second block begins (then reads block by block), the first block
passes that many lines, or the input ends (then it is read line by line). So it holds at most
that many lines, and a text without blank lines streams from its thousandth line on. It
also keeps the output of a first block read as one paragraph until a later paragraph is kept
(see ``pipeline._read_first_paragraph_again``). Structure-keeping (``keep_recurring``) is a verdict
on the whole document and is not streamed: :func:`streamable` says so.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable, Iterator

from dedup.match import exact
from dedup.match.matcher import Match, Matcher
from dedup.options import Options, SplitMode
from dedup.pipeline import Decider, Outcome, clean, clean_document
from dedup.text import paragraphs
from dedup.text.decoding import BOM
from dedup.text.lines import boundary_test, lines_of, one_line
from dedup.text.normalize import key_of_bytes
from dedup.text.paragraphs import is_drawn_table_bytes, looks_like_lines_bytes, record_kind
from dedup.text.writing import Writer

READ_SIZE = 1 << 20
"""Bytes read (and decided) per step: large enough that per-step costs vanish, small enough
that the first output comes at once."""


def streamable(options: Options) -> bool:
    """Whether :class:`Streamer` gives the whole-document result for these options.

    Keeping recurring structure looks at every occurrence of a paragraph in the document
    before deciding any of them, so it needs the whole document.
    """
    return not options.keep_recurring


class _Paragraph:
    """A paragraph on its way: its bytes, and the blank lines before it that it owns."""

    __slots__ = ("block", "body", "lead")

    def __init__(self, lead: bytes, body: bytes, block: int) -> None:
        self.lead = lead  # the blank lines before it (the first of a block only)
        self.body = body
        self.block = block


class Streamer:
    """Cleans one document fed in chunks of bytes; each call returns the bytes now final.

    >>> streamer = Streamer(Options(split="line", keep_recurring=False))
    >>> streamer.feed(b"A line long enough to count.\\nA line long")
    b'A line long enough to count.\\n'
    >>> streamer.feed(b" enough to count.\\r")
    b''
    >>> streamer.close()
    b''
    >>> streamer.outcome.removed
    1
    """

    def __init__(
        self,
        options: Options,
        *,
        matcher: Matcher | None = None,
        lines: exact.ExactLines | None = None,
    ) -> None:
        """``matcher``: one that remembers earlier documents (``--across``), as
        :func:`dedup.pipeline.clean_document` takes; by default, a fresh one. ``lines``: with
        ``--across`` at ``--split line`` and ``--threshold 100``, the exact line path that
        stands for that matcher, shared by the documents in its place."""
        if not streamable(options):
            raise ValueError("keep_recurring needs the whole document; see streamable()")
        self.options = options
        # Alone, a document is cleaned as clean() does, first-block fix and exact fast path
        # included; against a shared matcher, as clean_document() does, and by that matcher.
        self._alone = matcher is None
        self.outcome = Outcome()
        self._mode: SplitMode = options.split
        # An incomplete last line (or the first bytes, until the BOM is known), in the pieces
        # it came in: joined once, when its terminator comes (see feed()).
        self._tail: list[bytes] = []
        self._started = False
        self._out: list[bytes] = []
        self._blanks: list[bytes] = []  # blank lines since the last content line
        self._lines: list[bytes] | None = None  # the current block (block and auto reading)
        self._block = -1  # number of the current block
        # auto: the input, kept as it came until a second block begins (then blocks are read
        # as blocks) or the input ends (then it is one block, and read line by line).
        self._held: list[bytes] | None = [] if options.split == "auto" else None
        self.pending = 0
        """Input bytes taken but not decided yet: ``auto`` holds a one-block text to its end."""
        self._first = _FirstBlock()  # auto, while held: what the first block says so far
        self._whole: list[bytes] | None = None  # auto: a text of records, held whole to its end
        # auto: the first lines, until they say whether the text is made of records (see
        # paragraphs.record_kind), and the input held meanwhile.
        self._head: list[str] | None = [] if options.split == "auto" else None
        self._undecided: list[bytes] = []
        self._fast = exact.ExactLines(options) if self._alone and exact.applies(options) else lines
        # Counted per document, though a shared exact line path counts a whole corpus.
        self._counted = (
            (0, 0) if self._fast is None else (self._fast.paragraphs, self._fast.removed)
        )
        self._decider = _Decider(options, matcher)

    def feed(self, data: bytes) -> bytes:
        """Take the next bytes of the document; return the output that is now final.

        Linear in the input, however long its lines: only the new bytes are searched for a
        terminator, and an incomplete line is joined once, when it ends. (Joining it to each
        chunk made a 400 MB line without a newline take 145 s: quadratic.)
        """
        if not self._started:
            data = b"".join(self._tail) + data
            self._tail = []
            if len(data) < len(BOM) and BOM.startswith(data):
                self._tail = [data]
                return b""
            data = self._start(data)
        end = max(data.rfind(b"\n"), data.rfind(b"\r", 0, len(data) - 1))
        if end < 0 and data and self._tail and self._tail[-1].endswith(b"\r"):
            end = -1  # the CR that ended the last piece is a terminator: no LF follows it
            self._take(b"".join(self._tail))
            self._tail = [data]
        elif end >= 0:
            self._tail.append(data[: end + 1])
            line = b"".join(self._tail)
            self._tail = [data[end + 1 :]] if end + 1 < len(data) else []
            self._take(line)
        elif data:
            self._tail.append(data)
        return self._flush(end=False)

    def close(self) -> bytes:
        """Take the end of the document; return the rest of the output."""
        return b"".join(self.finish())

    def finish(self) -> Iterator[bytes]:
        """Take the end of the document; yield the rest of the output, piece by piece.

        A one-block text read with ``auto`` is decided only now, chunk by chunk: each piece
        can be written, and each chunk of input let go, before the next is decided.
        """
        tail = b"".join(self._tail)
        self._tail = []
        if not self._started:
            tail = self._start(tail)
        if tail:
            self._take(tail)
            tail = b""  # held where it was taken, and let go there once written
        if self._head is not None:  # shorter than the look-ahead: its end decides
            self._decide_records(b"", end=True)
        if self._whole is not None:  # a text of records (a changelog, fortunes): as clean()
            yield self._cleaned_whole()
            return
        if self._held is not None and is_drawn_table_bytes(self._held):  # one block, a drawn table
            held, self._held = self._held, None
            self._mode = "block"
            for data in held:
                self._take_lines(data)
                self.pending -= len(data)
        if self._held is not None:  # auto, and one block: read line by line
            held = self._read_as_lines()
            held.reverse()
            while held:  # chunk by chunk, each let go once decided
                data = held.pop()
                self._take_lines(data)
                self.pending -= len(data)
                if self._fast is None:
                    self._out += self._decider.decide(self.outcome, end=False)
                yield self._joined()
        if self._fast is not None:
            self._out += self._fast.close()
            self.outcome.paragraphs = self._fast.paragraphs - self._counted[0]
            self.outcome.removed = self.outcome.exact = self._fast.removed - self._counted[1]
            yield self._joined()
            return
        if self._lines is not None:
            self._end_block()
        yield self._flush(end=True)

    def _records(self, data: bytes, *, end: bool) -> bool | None:
        """Whether the text is made of records, once its first lines (``data`` the latest of
        them) can tell: None while they cannot, before ``paragraphs.RECORD_LOOKAHEAD`` lines
        and the end."""
        assert self._head is not None
        room = paragraphs.RECORD_LOOKAHEAD - len(self._head)
        if room > 0:
            found = lines_of(data)[:room]
            self._head += [line.decode("utf-8", "surrogateescape") for line in found]
        if record_kind(self._head) is not None:
            return True
        full = len(self._head) >= paragraphs.RECORD_LOOKAHEAD
        return False if end or full else None

    def _decide_records(self, data: bytes, *, end: bool = False) -> bool:
        """Hold ``data`` while the first lines cannot tell whether the text is records; then
        hold a text of records whole, or let the held input take the usual road. Whether
        ``data`` was taken here."""
        if self._head is None:
            return False
        self._undecided.append(data)
        self.pending += len(data)
        records = self._records(data, end=end)
        if records is None:
            return True
        held, self._undecided, self._head = self._undecided, [], None
        if records:
            self._whole = held
            return True
        self.pending -= sum(map(len, held))
        for earlier in held:
            self._take(earlier)
        return True

    def _cleaned_whole(self) -> bytes:
        """Clean a text held whole (made of records: uploads, entries, fortunes) as clean()
        does."""
        assert self._whole is not None
        source = b"".join(self._whole).decode("utf-8", "surrogateescape")
        self._whole = None
        self.pending = 0
        if self._alone:
            result = clean(source, self.options)
        else:
            result = clean_document(source, self.options, self._decider.matcher)
        self.outcome = Outcome.of(result, whole=False)  # nothing was decided before
        return b"".join(self._out) + result.text.encode("utf-8", "surrogateescape")

    def _start(self, data: bytes) -> bytes:
        self._started = True
        if data.startswith(BOM):
            self._out.append(BOM)
            return data[len(BOM) :]
        return data

    def _take(self, data: bytes) -> None:
        """Handle complete lines (the last one may lack its terminator only at the end)."""
        if self._whole is not None:
            self._whole.append(data)
            self.pending += len(data)
            return
        if self._decide_records(data):
            return
        if self._held is not None:
            shape = self._first.shape(data)
            if shape is None:
                self._held.append(data)
                self.pending += len(data)
                return
            if shape == "line":
                held = self._read_as_lines()
            else:
                held, self._held = self._held, None
            self.pending = 0
            for earlier in held:
                self._take_lines(earlier)
        self._take_lines(data)

    def _read_as_lines(self) -> list[bytes]:
        """Auto chose to read this text line by line: return what it held, to be read so."""
        assert self._held is not None
        held, self._held = self._held, None
        self._mode = "line"
        line_options = dataclasses.replace(self.options, split="line")
        if self._alone and exact.applies(line_options):
            self._fast = exact.ExactLines(self.options)
        return held

    def _take_lines(self, data: bytes) -> None:
        if self._fast is not None:
            self._out += self._fast.take(data)
            return
        blank = boundary_test(data)
        for line in lines_of(data):
            if blank(line):
                self._blank(line)
            else:
                self._content(line)

    def _blank(self, line: bytes) -> None:
        if self._lines is not None:
            self._end_block()
        self._blanks.append(line)

    def _content(self, line: bytes) -> None:
        if self._mode == "line":
            if self._blanks or self._block < 0:
                self._block += 1
            lead = b"".join(self._blanks)
            self._blanks.clear()
            self._decider.add(_Paragraph(lead, line, self._block))
            return
        if self._lines is None:
            self._lines = [b"".join(self._blanks)]
            self._blanks.clear()
        self._lines.append(line)

    def _end_block(self) -> None:
        assert self._lines is not None
        lead, *lines = self._lines
        self._lines = None
        self._block_paragraphs(lead, lines)

    def _block_paragraphs(self, lead: bytes, lines: list[bytes]) -> None:
        # A block of one line is the same paragraph read either way: not looked at (a line of
        # hundreds of megabytes would be decoded and searched for table marks for nothing).
        if self._mode == "auto" and len(lines) > 1 and looks_like_lines_bytes(lines):
            self._line_paragraphs(lead, lines)
            return
        self._block += 1
        self._decider.add(
            _Paragraph(lead, b"".join(lines), self._block),
            holds=self._alone
            and self._mode == "auto"
            and self._block == 0
            and len(lines) > 1
            and not is_drawn_table_bytes(lines),
        )

    def _line_paragraphs(self, lead: bytes, lines: list[bytes]) -> None:
        self._block += 1
        decider = self._decider
        decider.add(_Paragraph(lead, lines[0], self._block))
        for line in lines[1:]:
            decider.add(_Paragraph(b"", line, self._block))

    def _flush(self, *, end: bool) -> bytes:
        self._out += self._decider.decide(self.outcome, end=end)
        if end:
            self._out += self._decider.finish(self.outcome, self.options)
        if end:
            self._out += self._blanks  # blank lines after the last paragraph always stay
            self._blanks = []
        return self._joined()

    def _joined(self) -> bytes:
        # Empty pieces left out: one piece is then returned as it is, not copied by join (a
        # paragraph of hundreds of megabytes with its empty lead).
        out = b"".join([piece for piece in self._out if piece] if len(self._out) > 1 else self._out)
        self._out.clear()
        return out


class _FirstBlock:
    """How ``auto`` reads a streamed text, as its first block says: one concern of the streamer.

    Watches the lines of an ``auto`` text while the streamer holds them: ``"block"`` once a
    second block begins, ``"line"`` once the first block passes ``FIRST_BLOCK_LINES`` (the
    rules of :func:`dedup.text.paragraphs.split`, on bytes, line by line).
    """

    __slots__ = ("_content_seen", "_first_lines", "_gap")

    def __init__(self) -> None:
        self._content_seen = False  # a content line has been seen
        self._first_lines = 0  # ... how many (all in the first block)
        self._gap = False  # ... and a blank line after it

    def shape(self, data: bytes) -> SplitMode | None:
        """How auto reads the text, if ``data`` (after what is held) says: ``"block"`` when a
        second block begins, ``"line"`` when the first passes ``FIRST_BLOCK_LINES``."""
        if self._second_block(data):
            return "block"
        return "line" if self._first_lines > paragraphs.FIRST_BLOCK_LINES else None

    def _second_block(self, data: bytes) -> bool:
        """Whether a second block begins in ``data``, after the lines held so far (auto);
        counts the first block's lines as it goes, up to where it ends or passes the bound."""
        if b"\r" in data or one_line(data):
            lines = lines_of(data)
        else:
            lines = data.split(b"\n")
            if not lines[-1]:
                lines.pop()  # the empty rest after the last terminator
        blank = boundary_test(data)
        flags = [not line or blank(line) for line in lines]
        if True not in flags:
            if lines and self._gap:
                return True
            self._content_seen = self._content_seen or bool(lines)
            self._first_lines += len(lines)
            return False
        for flag in flags:
            if flag:
                self._gap = self._content_seen
            elif self._gap:
                return True
            else:
                self._content_seen = True
                self._first_lines += 1
                if self._first_lines > paragraphs.FIRST_BLOCK_LINES:
                    return False  # a list: the rest of it no longer matters
        return False


class _Decider:
    """Feeds paragraphs' keys to the matcher and turns its decisions into output bytes.

    The decisions are :class:`dedup.pipeline.Decider`'s, the whole-document road's, fed as
    the text is read; the output is :class:`dedup.text.writing.Writer`'s. The matcher may leave
    the last keys of a feed undecided until it has seen more (``feed(keys, end=False)``):
    those paragraphs wait here.
    """

    def __init__(self, options: Options, matcher: Matcher | None) -> None:
        self._matcher = Matcher.from_options(options) if matcher is None else matcher
        self._decider = Decider(self._matcher, options)
        self._new: list[_Paragraph] = []  # not yet fed to the matcher
        self._waiting: deque[_Paragraph] = deque()  # fed, not yet decided
        self._next = 0  # id of the first waiting paragraph
        self._writer = Writer[bytes]()  # the render rule, as paragraphs are decided
        self._holding: list[bytes] | None = None  # auto: the first block's output, held
        self._held_raw = b""  # ... and its input, to read it again line by line

    @property
    def matcher(self) -> Matcher:
        """The matcher this document is fed to (a shared one with ``--across``)."""
        return self._matcher

    def add(self, paragraph: _Paragraph, *, holds: bool = False) -> None:
        if holds:
            self._holding = []
            self._held_raw = paragraph.lead + paragraph.body
        self._new.append(paragraph)

    def decide(self, outcome: Outcome, *, end: bool) -> list[bytes]:
        """Feed the new paragraphs; return the output of every paragraph now decided."""
        if not self._new and not end:
            return []
        keys = [key_of_bytes(p.body) for p in self._new]
        self._waiting.extend(self._new)
        self._new = []
        removed = {m.index: m for m in self._decider.feed(keys, end=end)}
        decided = self._decider.decided
        outcome.paragraphs += len(keys)
        out: list[bytes] = []
        while self._next < decided:
            self._apply(self._waiting.popleft(), removed.get(self._next), outcome, out)
            self._next += 1
        return out

    def _apply(
        self, paragraph: _Paragraph, match: Match | None, outcome: Outcome, out: list[bytes]
    ) -> None:
        removed = match is not None
        pieces = self._writer.take(paragraph.block, paragraph.lead, paragraph.body, removed=removed)
        if match is not None:
            outcome.removed += 1
            outcome.exact += match.score >= 100
        elif self._holding is not None and self._next > 0:  # a later paragraph stays: let go
            out[:0] = self._holding
            self._holding = None
        target = self._holding if self._holding is not None else out
        target += pieces

    def finish(self, outcome: Outcome, options: Options) -> list[bytes]:
        """At the end: what is still held, or the first block read again line by line."""
        held, self._holding = self._holding, None
        outcome.exact_only[:] = self._decider.exact_only
        if held is None:
            return []
        if outcome.paragraphs == 1:
            return held
        # Every later paragraph repeated the first block, read as one: as clean() does, read
        # that block line by line, with a fresh matcher, so the output is a fixed point.
        again = Streamer(Options(options.threshold, options.min_chars, "line", False))
        again._started = True  # the BOM, if any, is written already; this is the text after it
        out = [again.feed(self._held_raw), again.close()]
        lines = again.outcome
        outcome.paragraphs += lines.paragraphs - 1
        outcome.removed += lines.removed
        outcome.exact += lines.exact
        shift = lines.paragraphs - 1
        outcome.exact_only[:] = lines.exact_only + [i + shift for i in outcome.exact_only if i]
        return out


def clean_chunks(chunks: Iterable[bytes], options: Options) -> Iterator[bytes]:
    """Clean a document given as chunks of bytes; yield the output as it becomes final.

    >>> options = Options(split="block", keep_recurring=False)
    >>> chunks = [b"One block of plain text.\\n\\nOne block", b" of plain text.\\n"]
    >>> b"".join(clean_chunks(chunks, options))
    b'One block of plain text.\\n'
    """
    streamer = Streamer(options)
    for chunk in chunks:
        out = streamer.feed(chunk)
        if out:
            yield out
    out = streamer.close()
    if out:
        yield out
