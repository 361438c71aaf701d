"""Many documents in order, each cleaned alone or against every earlier one (``across``).

Pure: documents come in as text and go out as :class:`Result` values; no files, streams or
JSON here (reading and writing a corpus is :mod:`dedup.batch.local`). Documents are cleaned strictly
in the order given, one at a time, so the result never depends on how many cores there are.
Without ``across`` every document gets a fresh matcher and is cleaned exactly as
:func:`dedup.clean` would clean it alone. With ``across`` one matcher remembers the kept
paragraphs of every earlier document, so boilerplate is kept once, in the first document that
has it.

Memory is bounded by what the matcher keeps (the distinct kept paragraphs and its index) and,
with a report, one small entry per document that kept something; never by the size of the
corpus.
"""

from __future__ import annotations

import dataclasses
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from dedup.match.matcher import Match, Matcher
from dedup.options import Options
from dedup.pipeline import Outcome, Result, clean, clean_document

TOP_REPEATS = 10
"""How many of the most repeated paragraphs ``--stats`` lists."""
SAMPLE_CHARS = 200
"""How much of a kept paragraph is remembered to show it: in the report, and for ``--stats``."""


@dataclass(frozen=True)
class Document:
    """Where a document came from: a file, or the record on line ``record`` of a file."""

    file: str
    record: int | None = None
    ident: object = None

    @property
    def name(self) -> str:
        """``file`` for a text file, ``file:line`` for a record: what a person can look up."""
        return self.file if self.record is None else f"{self.file}:{self.record}"

    def describe(self) -> dict[str, object]:
        """The report's fields for this document: its name, and its id when it has one."""
        described: dict[str, object] = {"document": self.name}
        if self.ident is not None:
            described["id"] = self.ident
        return described


@dataclass
class Tally:
    """Running counts over a run, for ``--stats`` and the exit status of ``--check``."""

    documents: int = 0
    paragraphs: int = 0
    removed: int = 0
    exact: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    skipped_records: int = 0
    dropped_records: int = 0
    """Records left out because every paragraph was removed (``--drop-empty``)."""
    failed: int = 0
    """Inputs that could not be cleaned (a run that goes on after a bad input counts them)."""
    exact_only: int = 0
    """Paragraphs too long for fuzzy comparison, checked for exact repeats only."""
    repeats: Counter[bytes] = field(default_factory=Counter)
    """Removals per kept paragraph that was repeated, by a digest of its text (``top`` only)."""
    samples: dict[bytes, str] = field(default_factory=dict)
    """The start of each paragraph counted in ``repeats``, to show it."""

    @property
    def kept(self) -> int:
        """Paragraphs written out."""
        return self.paragraphs - self.removed

    @property
    def near(self) -> int:
        """Removals that were near, not exact, repeats."""
        return self.removed - self.exact

    def count(self, outcome: Outcome) -> None:
        """Count one document, whole, streamed or in a shard: the one place a document is
        added to a run's totals (:meth:`Outcome.of` is the one place a result is counted)."""
        self.documents += 1
        self.paragraphs += outcome.paragraphs
        self.removed += outcome.removed
        self.exact += outcome.exact
        self.exact_only += len(outcome.exact_only)

    def merge(self, part: Tally) -> None:
        """Add the counts of a later part of the run (a shard), as if counted here in turn."""
        self.documents += part.documents
        self.paragraphs += part.paragraphs
        self.removed += part.removed
        self.exact += part.exact
        self.bytes_in += part.bytes_in
        self.bytes_out += part.bytes_out
        self.skipped_records += part.skipped_records
        self.dropped_records += part.dropped_records
        self.failed += part.failed
        self.exact_only += part.exact_only
        self.repeats.update(part.repeats)  # new keys in the part's order: ties rank as in one run
        for digest, sample in part.samples.items():
            self.samples.setdefault(digest, sample)

    def count_repeat(self, original: Fingerprint) -> None:
        """Count one removal against the kept paragraph it repeats."""
        digest, sample = original
        self.repeats[digest] += 1
        self.samples.setdefault(digest, sample)

    def top(self, count: int = TOP_REPEATS) -> list[tuple[str, int]]:
        """The most repeated kept paragraphs (their start) and how many copies of each went."""
        return [(self.samples[digest], n) for digest, n in self.repeats.most_common(count)]


Fingerprint = tuple[bytes, str]
"""A paragraph for the top list: a digest of its whole text, and its start to show."""


def fingerprint(text: str) -> Fingerprint:
    """Identify a paragraph by all of its text, not by the start that is shown.

    >>> fingerprint("a" * 300)[0] == fingerprint("a" * 299 + "b")[0]
    False
    """
    import hashlib  # only --stats and --report need it: ~2 ms of start-up otherwise

    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return digest, text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…"


class Ledger:
    """Maps a matcher id back to its document and paragraph index (``--across`` reports).

    One entry per document that kept a paragraph (only those can be an original): its first
    id and its :class:`Document`. Ids grow with the documents, so a bisection finds the owner.
    """

    def __init__(self) -> None:
        self._first_ids = array("q")
        self._documents: list[Document] = []

    def add(self, first_id: int, document: Document) -> None:
        """Record that ``document``'s paragraphs have ids from ``first_id`` on."""
        self._first_ids.append(first_id)
        self._documents.append(document)

    def locate(self, ident: int) -> tuple[Document, int]:
        """Return the document that paragraph ``ident`` belongs to, and its index there."""
        position = bisect_right(self._first_ids, ident) - 1
        return self._documents[position], ident - self._first_ids[position]


Report = Callable[[dict[str, object]], None]
"""Takes one report entry (a JSON-ready dict) per removed paragraph."""


class Cleaner:
    """Cleans documents in order, each on its own or against all kept before (``across``).

    ``report`` receives an entry per removal; ``top`` counts the most repeated paragraphs.
    The work on one document is a pure function of the document, the options and the matcher.
    """

    def __init__(
        self, options: Options, *, across: bool, report: Report | None = None, top: bool = False
    ) -> None:
        self.options = options
        self.tally = Tally()
        self._matcher: Matcher | None = Matcher.from_options(options) if across else None
        self._ledger = Ledger() if across and report is not None else None
        self._report = report
        self._top = top
        # With --across and --stats or a report, the line and fingerprint of every kept
        # paragraph by id, to show the earlier original a removal repeats: a number, a digest
        # and a short string per kept paragraph.
        remember = across and (top or report is not None)
        self._kept: dict[int, tuple[int, Fingerprint]] | None = {} if remember else None

    @property
    def matcher(self) -> Matcher | None:
        """The matcher all documents share (``across``); ``None`` when each has its own."""
        return self._matcher

    def clean(self, document: Document, source: str, *, bom: bytes = b"") -> Result:
        """Clean one document and account for it in the tally and the report."""
        if self._matcher is None:
            result = dataclasses.replace(clean(source, self.options), bom=bom)
            first_id = 0
        else:
            first_id = self._matcher.next_id
            result = clean_document(source, self.options, self._matcher, bom=bom)
            if self._ledger is not None and len(result.removed) < len(result.paragraphs):
                self._ledger.add(first_id, document)
            if self._kept is not None:
                self._remember_kept(result, first_id)
        self._account(result)
        if self._report is not None:
            for match in result.removed:
                self._report(self._entry(document, result, match))
        return result

    def _account(self, result: Result) -> None:
        self.tally.count(Outcome.of(result, whole=False))
        if self._top:
            self._count_repeats(result)

    def _remember_kept(self, result: Result, first_id: int) -> None:
        assert self._kept is not None
        gone = {match.index for match in result.removed}
        for index, paragraph in enumerate(result.paragraphs):
            if index not in gone:
                self._kept[first_id + index] = (
                    paragraph.line,
                    fingerprint(result.paragraph_text(index)),
                )

    def _original(self, result: Result, match: Match) -> tuple[int, Fingerprint]:
        """The line and fingerprint of the kept paragraph that ``match`` repeats."""
        if match.earlier:
            assert self._kept is not None  # only --across has earlier documents
            return self._kept[match.original]
        line = result.paragraphs[match.original].line
        return line, fingerprint(result.paragraph_text(match.original))

    def _count_repeats(self, result: Result) -> None:
        """Count each removal against the kept paragraph it repeats."""
        for match in result.removed:
            self.tally.count_repeat(self._original(result, match)[1])

    def _entry(self, document: Document, result: Result, match: Match) -> dict[str, object]:
        if match.earlier:
            assert self._ledger is not None  # only an --across matcher has earlier documents
            original, index = self._ledger.locate(match.original)
        else:
            original, index = document, match.original
        line, (_, sample) = self._original(result, match)
        repeats = {**original.describe(), "paragraph": index, "line": line, "text": sample}
        return report_entry(document, result, match, repeats)


def report_entry(
    document: Document, result: Result, match: Match, repeats: dict[str, object]
) -> dict[str, object]:
    """The report's entry for one removal; ``repeats`` describes the kept original.

    The original's fields are its document's (:meth:`Document.describe`), then
    ``paragraph``, ``line`` and ``text`` (its start, as :func:`fingerprint` keeps it).
    ``start`` and ``end`` are the removed paragraph's byte offsets in its document (for a
    record, in the UTF-8 of its text field), ``reason`` the rule's words for why it is a copy
    (``exact``, or what a near copy changed), as ``-v`` shows it. Every road builds its
    entries here, so every executor writes the same bytes.
    """
    start, end = result.byte_spans[match.index]
    return {
        **document.describe(),
        "paragraph": match.index,
        "line": result.paragraphs[match.index].line,
        "start": start,
        "end": end,
        "repeats": repeats,
        "score": match.score,
        "reason": match.reason,
        "text": result.paragraph_text(match.index),
    }


def clean_documents(
    texts: Iterable[str], options: Options | None = None, *, across: bool = False
) -> Iterator[Result]:
    """Clean documents in order; with ``across``, also remove repeats of earlier documents.

    Lazy: each result is ready before the next document is read, so a corpus streams.
    A match whose original lies in an earlier document is marked ``earlier``.

    >>> boiler = "Baca juga: berita lain hari ini.\\n"
    >>> [r.text for r in clean_documents([boiler + "A story.\\n", boiler], across=True)]
    ['Baca juga: berita lain hari ini.\\nA story.\\n', '']
    >>> [r.text for r in clean_documents([boiler + "A story.\\n", boiler])][1]
    'Baca juga: berita lain hari ini.\\n'
    """
    cleaner = Cleaner(options or Options(), across=across)
    for number, text in enumerate(texts):
        yield cleaner.clean(Document(f"<document {number}>"), text)
