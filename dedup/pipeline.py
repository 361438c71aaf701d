"""The whole pipeline in a few named steps: decode, split, normalize, match, render, encode.

Everything here is pure: no I/O, no globals, no printing. Two calls with the same input give
the same result in any order and in any process, which corpus users running many workers rely on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from dedup.match.matcher import Match, Matcher, is_substantive
from dedup.match.passages import recurring, with_their_passage
from dedup.options import Options, exact_only_tells
from dedup.text.decoding import decode, encode
from dedup.text.normalize import key
from dedup.text.paragraphs import Paragraph, split
from dedup.text.writing import removed_spans, render, unified_diff


@dataclass(frozen=True)
class Result:
    """A cleaned document and why each paragraph went.

    ``removed[i].index`` and ``.original`` index ``paragraphs``, offsets into ``source``
    (the input as decoded), so ``result.paragraph_text(m.index)`` shows what was removed;
    an ``original`` marked ``earlier`` lies in an earlier document instead (see :class:`Match`).
    One wrinkle: when every paragraph repeated the first and the first was then read again
    as its output alone reads (a block line by line, a record by blocks; see
    ``_read_first_paragraph_again``), their ``original`` is 0, the first part of the paragraph
    they repeated, and their score is against that whole paragraph.
    """

    text: str
    removed: tuple[Match, ...]
    paragraphs: tuple[Paragraph, ...]
    source: str = field(repr=False)
    bom: bytes = field(default=b"", repr=False)
    recurring: tuple[int, ...] = ()
    """Paragraphs that repeat an earlier one but were kept as the document's structure."""
    exact_only: tuple[int, ...] = ()
    """Paragraphs too long for fuzzy comparison (``MAX_FUZZY_CHARS``): checked for exact
    repeats only, though near ones were asked for."""
    near_misses: tuple[Match, ...] = ()
    """Kept paragraphs that were alike enough to a kept one to be compared, each with the
    reason it was kept ("differs in a number: 8 → 12"): what ``-v`` shows as kept."""

    @property
    def data(self) -> bytes:
        """The cleaned text as bytes: exactly the input's bytes minus the removed lines."""
        return encode(self.text, self.bom)

    @property
    def changed(self) -> bool:
        """Whether anything was removed."""
        return bool(self.removed)

    @property
    def emptied(self) -> bool:
        """Whether every paragraph was removed: the one test ``--drop-empty`` asks of a record.

        A document that had no paragraph to begin with was not emptied by dedup and stays.
        """
        return bool(self.paragraphs) and len(self.removed) == len(self.paragraphs)

    def spans(self) -> list[tuple[int, int]]:
        """The ``(start, end)`` offsets in ``source`` of the lines the removals delete."""
        gone = {match.index for match in self.removed}
        return removed_spans(self.source, self.paragraphs, gone)

    def diff(self, name: str) -> str:
        """A unified diff from the input to the output, labelled with ``name``."""
        return unified_diff(self.source, self.spans(), name=name)

    def paragraph_text(self, index: int) -> str:
        """The original text of paragraph ``index``, without the blank lines before it."""
        paragraph = self.paragraphs[index]
        return self.source[paragraph.start : paragraph.end]

    @cached_property
    def byte_spans(self) -> dict[int, tuple[int, int]]:
        """Where each removed paragraph's own lines lie in the document's bytes: ``(start, end)``.

        Offsets count the bytes of the input as it was (a BOM included), so a consumer of the
        report can cut or highlight a removal without splitting the document again. Computed
        once per result, in one pass over the text up to the last removal.

        >>> line = b"caf\\xe9 du coin, ouvert le soir.\\n"
        >>> clean(b"\\xef\\xbb\\xbf" + line + line).byte_spans
        {1: (33, 63)}
        """
        points = sorted(
            {
                offset
                for match in self.removed
                for offset in self.paragraphs[match.index][1:3]  # start, end
            }
        )
        at, counted = 0, len(self.bom)
        where: dict[int, int] = {}
        for point in points:
            counted += _byte_length(self.source[at:point])
            at = point
            where[point] = counted
        spans = {}
        for match in self.removed:
            paragraph = self.paragraphs[match.index]
            spans[match.index] = (where[paragraph.start], where[paragraph.end])
        return spans


class Outcome:
    """A cleaned document in counts, on every road: the one type a run counts and tells.

    ``paragraphs`` read, ``removed`` (``exact`` of them exact repeats), ``exact_only``: the
    paragraphs too long for fuzzy comparison (as in :class:`Result`). ``result`` is the whole
    :class:`Result` where the road had it; ``None`` where the document was never all in
    memory (streamed) or was cleaned in another process (a shard's stage). Equal when the
    counts are. A plain class, not a dataclass: generating a dataclass's methods costs
    start-up time, and the streamer counts into one as it goes.
    """

    __slots__ = ("exact", "exact_only", "paragraphs", "removed", "result")

    def __init__(
        self,
        paragraphs: int = 0,
        removed: int = 0,
        exact: int = 0,
        exact_only: list[int] | None = None,
        result: Result | None = None,
    ) -> None:
        self.paragraphs = paragraphs
        self.removed = removed
        self.exact = exact
        self.exact_only: list[int] = exact_only or []
        self.result = result

    @classmethod
    def of(cls, result: Result, *, whole: bool = True) -> Outcome:
        """The counts of a whole cleaned document: the one place a :class:`Result` is
        counted. ``whole=False`` leaves the result out (what a shard's stage sends back)."""
        removed = result.removed
        exact = sum(1 for match in removed if match.exact)
        return cls(
            len(result.paragraphs),
            len(removed),
            exact,
            list(result.exact_only),
            result if whole else None,
        )

    def _fields(self) -> tuple[int, int, int, list[int]]:
        return self.paragraphs, self.removed, self.exact, self.exact_only

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Outcome) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass would be

    def __repr__(self) -> str:
        return "Outcome(paragraphs={}, removed={}, exact={}, exact_only={})".format(*self._fields())

    @property
    def changed(self) -> bool:
        """Whether anything was removed."""
        return bool(self.removed)

    @property
    def kept(self) -> int:
        """Paragraphs written out."""
        return self.paragraphs - self.removed


def _byte_length(text: str) -> int:
    """How many bytes ``text`` is in the output: odd input bytes count one each (see
    :mod:`dedup.decoding`); a lone surrogate from a JSON escape, which has no byte of its
    own, counts as the three bytes of its escape-free UTF-8 spelling."""
    try:
        return len(text.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:
        return len(text.encode("utf-8", "surrogatepass"))


def clean(text: str | bytes, options: Options | None = None) -> Result:
    """Remove repeated paragraphs from ``text``, keeping each first occurrence.

    Bytes are decoded as UTF-8 with any invalid bytes kept as they are (see ``decoding``);
    ``result.data`` gives the cleaned bytes.

    >>> result = clean("Breaking news from the city.\\nBreaking news from the city!\\n")
    >>> result.text
    'Breaking news from the city.\\n'
    >>> result.removed
    (Match(index=1, original=0, score=96.42857142857143),)
    """
    options = options or Options()
    if isinstance(text, bytes):
        decoded = decode(text)
        source, bom = decoded.text, decoded.bom
    else:
        source, bom = text, b""
    result = clean_document(source, options, Matcher.from_options(options), bom=bom)
    while _cleans_to_one_paragraph(result, options):
        result = _read_first_paragraph_again(result, options)
    return result


def clean_bytes(data: bytes, options: Options | None = None) -> bytes:
    """Return ``data`` with repeated paragraphs removed, every kept byte as it was.

    >>> clean_bytes(b"\\xef\\xbb\\xbfSame line, twice over.\\r\\nSame line, twice over.\\r\\n")
    b'\\xef\\xbb\\xbfSame line, twice over.\\r\\n'
    """
    return clean(data, options).data


def clean_document(source: str, options: Options, matcher: Matcher, *, bom: bytes = b"") -> Result:
    """Clean one document against ``matcher``, which may remember earlier documents.

    The matcher numbers every paragraph it is fed; here those ids become this document's
    paragraph indices. A match whose original lies in an earlier document keeps the matcher's
    id of that original and is marked ``earlier`` (see :class:`Match`).
    """
    paragraphs = split(source, options.split)
    keys = [key(source[p.start : p.end]) for p in paragraphs]
    return _result(source, paragraphs, decide(keys, matcher, options), bom)


class Feeder(Protocol):
    """What :func:`decide` needs of a matcher: a :class:`Matcher`, or a stand-in that feeds it
    prepared work (sharded resolution) or replays decisions known already (exact grouping)."""

    @property
    def next_id(self) -> int:
        """The id the next key fed gets."""
        ...

    @property
    def decided(self) -> int:
        """How many ids are final (short paragraphs may wait for the next feed)."""
        ...

    def feed(self, keys: list[str], *, end: bool = True) -> list[Match]:
        """Decide keys in order, in the matcher's ids; ``end=False``: more of the document
        follows (see :meth:`Matcher.feed`)."""
        ...

    def take_near_misses(self) -> list[Match]:
        """The near misses recorded since the last call (``Options.explain``)."""
        ...


@dataclass(frozen=True)
class Decisions:
    """What matching decided about a document's keys; indices are local to the document."""

    removed: list[Match]
    structure: list[int]  # repeats kept as the document's structure
    exact_only: list[int]  # keys too long for the fuzzy comparison that was asked for
    near_misses: list[Match]  # kept, though alike enough to a kept paragraph to be compared


class Decider:
    """Keep-first over one document's keys as they come, in one feed or many.

    The one driver of a matcher for a document, on every road: the whole document
    (:func:`decide`), the streamer (:mod:`dedup.streaming`, which feeds as it reads), and the
    sharded stages (through :func:`decide`). It numbers the matcher's decisions as the
    document numbers its paragraphs (an original in an earlier document is marked
    ``earlier``) and marks the keys too long for fuzzy comparison.
    """

    def __init__(self, matcher: Feeder, options: Options) -> None:
        self._matcher = matcher
        self._options = options
        self.first_id = matcher.next_id
        """The matcher's id of this document's first paragraph (not 0: ``--across``)."""
        self.paragraphs = 0
        """Keys fed so far."""
        self._long: list[int] = []

    @property
    def decided(self) -> int:
        """How many of the document's paragraphs are decided: all fed, but for short ones
        still waiting for the next substantive paragraph."""
        return self._matcher.decided - self.first_id

    def feed(self, keys: list[str], *, end: bool = True) -> list[Match]:
        """Feed the next keys; return the removals among the paragraphs now decided."""
        at = self.paragraphs
        self.paragraphs += len(keys)
        removed = self._matcher.feed(keys, end=end)
        # Whether a lone paragraph tells anything is known only at the end: see exact_only.
        self._long += [at + i for i in self._options.exact_only(keys, paragraphs=2, earlier=True)]
        if self.first_id:  # a matcher that has seen earlier documents (--across)
            return [_local(m, self.first_id) for m in removed]
        return removed

    def take_near_misses(self) -> list[Match]:
        """The kept look-alikes recorded since the last call, numbered as :meth:`feed` numbers."""
        misses = self._matcher.take_near_misses()
        if self.first_id:
            return [_local(m, self.first_id) for m in misses]
        return misses

    @property
    def exact_only(self) -> list[int]:
        """The paragraphs fed so far that were checked for exact repeats only
        (:meth:`Options.exact_only`, for the document as fed so far)."""
        if not exact_only_tells(self.paragraphs, earlier=self.first_id > 0):
            return []
        return list(self._long)


def decide(keys: list[str], matcher: Feeder, options: Options) -> Decisions:
    """Decide one document's removals: the matcher's, then recurring structure and passages.

    The one decision every road takes for a document, whether its matcher is fresh, shared
    across documents, fed prepared work by the sharded driver, or a replay of exact grouping;
    the streamer takes it as it reads, through the same :class:`Decider`.
    """
    decider = Decider(matcher, options)
    removed = decider.feed(keys)
    near_misses = decider.take_near_misses()
    structure: set[int] = set()
    if options.keep_recurring:
        substantive = [is_substantive(k, options.min_chars) for k in keys]
        repeats = [m for m in removed if substantive[m.index]]
        structure = recurring(repeats, substantive)
        removed = with_their_passage([m for m in removed if m.index not in structure], substantive)
    return Decisions(removed, sorted(structure), decider.exact_only, near_misses)


def _result(source: str, paragraphs: list[Paragraph], decided: Decisions, bom: bytes) -> Result:
    gone = {m.index for m in decided.removed}
    text = render(source, paragraphs, gone)
    return Result(
        text,
        tuple(decided.removed),
        tuple(paragraphs),
        source,
        bom,
        tuple(decided.structure),
        tuple(decided.exact_only),
        tuple(decided.near_misses),
    )


def _local(match: Match, first_id: int) -> Match:
    """Number a match of a matcher that has seen earlier documents as this document does."""
    # replace() carries every other field (a reason, say) along unchanged.
    if match.original < first_id:
        return dataclasses.replace(match, index=match.index - first_id, earlier=True)
    return dataclasses.replace(
        match, index=match.index - first_id, original=match.original - first_id
    )


def _read_first_paragraph_again(result: Result, options: Options) -> Result:
    """Read the first paragraph again as its output alone reads, so ``clean`` is idempotent.

    In ``auto`` mode, a text's reading depends on the text: blocks when it has blank lines,
    lines when it has none, records when it is a changelog, a man page or has separator lines.
    When every paragraph but the first repeats the first, the output is that one paragraph
    (a block, a record), which a second run may read otherwise (a block line by line, a
    fortune of two stanzas by blocks) and clean further. Doing that reading now makes the
    output a fixed point. The earlier removals keep their meaning: they repeated the first
    paragraph, which now starts at paragraph 0.
    """
    paragraphs = list(result.paragraphs)
    first = paragraphs[0]
    again = split(result.text, "auto")  # all within the first paragraph: the rest is blank
    keys = [key(result.source[p.start : p.end]) for p in again]
    in_parts = decide(keys, Matcher.from_options(options), options)
    # The later paragraphs move down by the parts the first now counts as, and their blocks
    # after the parts' blocks; all of them were removed as repeats of it, so their original
    # stays 0. (None is kept as structure.)
    shift = len(again) - 1
    blocks = again[-1].block - first.block
    decided = Decisions(
        in_parts.removed + [dataclasses.replace(m, index=m.index + shift) for m in result.removed],
        in_parts.structure,
        in_parts.exact_only + [i + shift for i in result.exact_only if i > 0],
        in_parts.near_misses,
    )
    later = [p._replace(block=p.block + blocks) for p in paragraphs[1:]]
    return _result(result.source, again + later, decided, result.bom)


def _cleans_to_one_paragraph(result: Result, options: Options) -> bool:
    """Whether every paragraph but the first went, and the first alone reads otherwise."""
    paragraphs = result.paragraphs
    if not (
        options.split == "auto"
        and len(paragraphs) > 1
        and {m.index for m in result.removed} == set(range(1, len(paragraphs)))
    ):
        return False
    again = split(result.text, "auto")
    return len(again) > 1
