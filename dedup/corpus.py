"""Corpus mode: many documents in order, files or JSON Lines records, streamed one at a time.

Documents are cleaned strictly in input order (files in argument order, records in line
order), one at a time, in this process: the result never depends on how many cores there
are. Without ``across`` every document gets a fresh matcher and is cleaned exactly as
:func:`dedup.clean` would clean it alone. With ``across`` one matcher remembers the kept
paragraphs of every earlier document, so boilerplate is kept once, in the first document
that has it.

Memory is bounded by what the matcher keeps (the distinct kept paragraphs and its index), one
document at a time, and with a report, one small entry per document that kept something; never
by the size of the corpus. A JSON Lines file is read and written record by record.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import stat
import sys
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from dedup.compression import format_for, reader, writer
from dedup.decoding import decode
from dedup.errors import InputError, OutputError
from dedup.files import STDIN, atomic_writer, display_name, reason, refuse_binary, stdin_buffer
from dedup.matching import Match, Matcher
from dedup.pipeline import Options, Result, clean, clean_document
from dedup.records import DEFAULT_FIELD, DEFAULT_ID_FIELD, BadRecord, Record, parse

TOP_REPEATS = 10
"""How many of the most repeated paragraphs ``--stats`` lists."""
PREVIEW_CHARS = 70
"""How much of a paragraph ``-v`` and the ``--stats`` top list show."""


@dataclass(frozen=True)
class CorpusSettings:
    """What corpus mode was asked for, beside the cleaning :class:`Options`.

    ``id_field`` names the record field that identifies a document in the report; records
    without it are named by their line number. ``output_dir`` writes one cleaned copy per input
    under it (``None``: everything goes to one stream). ``report`` is a file for the removal
    report, ``-`` for stderr.
    """

    jsonl: bool = False
    field: str = DEFAULT_FIELD
    id_field: str | None = DEFAULT_ID_FIELD
    across: bool = False
    skip_bad_records: bool = False
    output_dir: str | None = None
    report: str | None = None
    binary_ok: bool = False


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
    """Running counts over a corpus, for ``--stats`` and the exit status of ``--check``."""

    documents: int = 0
    paragraphs: int = 0
    removed: int = 0
    exact: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    skipped_records: int = 0
    repeats: Counter[str] = field(default_factory=Counter)
    """Removals per kept paragraph that was repeated (its preview), with ``top`` only."""

    @property
    def kept(self) -> int:
        """Paragraphs written out."""
        return self.paragraphs - self.removed

    @property
    def near(self) -> int:
        """Removals that were near, not exact, repeats."""
        return self.removed - self.exact

    def top(self, count: int = TOP_REPEATS) -> list[tuple[str, int]]:
        """The most repeated kept paragraphs and how many copies of each went, most first."""
        return self.repeats.most_common(count)


class Observer(Protocol):
    """Follows a run, for a progress display; the corpus code never draws anything itself."""

    def update(self, tally: Tally, position: Callable[[], int | None]) -> None:
        """Another document is done; ``position()`` gives the input bytes read so far, if known."""


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


class Cleaner:
    """Cleans documents in order, each on its own or against all kept before (``across``)."""

    def __init__(
        self, options: Options, *, across: bool, report: Report | None, top: bool = False
    ) -> None:
        self.options = options
        self.tally = Tally()
        self._matcher: Matcher | None = options.matcher() if across else None
        self._ledger = Ledger() if across and report is not None else None
        self._report = report
        self._top = top
        # With --stats and --across, the preview of every kept paragraph by id, to name the
        # earlier original a removal repeats: one short string per kept paragraph.
        self._previews: dict[int, str] | None = {} if top and across else None

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
        self._account(result, first_id)
        if self._report is not None:
            for match in result.removed:
                self._report(self._entry(document, result, match, first_id))
        return result

    def _account(self, result: Result, first_id: int) -> None:
        tally = self.tally
        tally.documents += 1
        tally.paragraphs += len(result.paragraphs)
        tally.removed += len(result.removed)
        tally.exact += sum(1 for match in result.removed if match.score >= 100)
        if self._top:
            self._count_repeats(result, first_id)

    def _count_repeats(self, result: Result, first_id: int) -> None:
        """Count each removal against the kept paragraph it repeats, shown by its preview."""
        gone = {match.index for match in result.removed}
        if self._previews is not None:
            for index in range(len(result.paragraphs)):
                if index not in gone:
                    self._previews[first_id + index] = preview(result.paragraph_text(index))
        for match in result.removed:
            if match.original >= 0:
                original = preview(result.paragraph_text(match.original))
            else:
                assert self._previews is not None  # only --across has earlier documents
                original = self._previews[first_id + match.original]
            self.tally.repeats[original] += 1

    def _entry(
        self, document: Document, result: Result, match: Match, first_id: int
    ) -> dict[str, object]:
        if match.original >= 0:
            original, index = document, match.original
        else:
            assert self._ledger is not None  # only an --across matcher has earlier documents
            original, index = self._ledger.locate(first_id + match.original)
        return {
            **document.describe(),
            "paragraph": match.index,
            "line": result.paragraphs[match.index].line,
            "repeats": {**original.describe(), "paragraph": index},
            "score": match.score,
            "text": result.paragraph_text(match.index),
        }


def preview(text: str) -> str:
    """A paragraph flattened to one line and cut short, for tables.

    >>> preview("Baca juga:\\n  Berita   lain")
    'Baca juga: Berita lain'
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1] + "…"


def report_line(entry: dict[str, object]) -> bytes:
    """One report entry as a JSON line; text keeps odd input bytes as they were.

    >>> report_line({"text": "café \\udce9"})
    b'{"text": "caf\\xc3\\xa9 \\xe9"}\\n'
    """
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    try:
        return line.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        # A lone surrogate that came from a JSON escape, not from a byte: keep it escaped.
        return (json.dumps(entry) + "\n").encode("ascii")


Outputs = Callable[[str], contextlib.AbstractContextManager[BinaryIO | None]]
"""Given an input's name, where its cleaned bytes go (``None``: nowhere, as with ``--check``)."""

CheckInput = Callable[[str, os.stat_result], None]
"""Called with each input file's name and stat before it is read; raises to refuse it."""


class Run:
    """One pass over the inputs, in order; the first unreadable input or bad record stops it."""

    def __init__(
        self,
        cleaner: Cleaner,
        settings: CorpusSettings,
        *,
        warn: Callable[[str], None],
        observer: Observer | None = None,
        check_input: CheckInput | None = None,
    ) -> None:
        self.cleaner = cleaner
        self.settings = settings
        self.warn = warn
        self.observer = observer
        self.check_input = check_input
        self._bytes_done = 0  # the size of the input files already cleaned, for the progress bar

    def run(self, files: Sequence[str], outputs: Outputs) -> Tally:
        """Clean every input and send each to ``outputs(name)``; return the counts."""
        for name in files:
            with self._opened(name) as (stream, position), outputs(name) as sink:
                if self.settings.jsonl:
                    self._clean_records(name, stream, sink, position)
                else:
                    self._clean_file(name, stream, sink)
                    self._progress(position)
        return self.cleaner.tally

    def _progress(self, position: Callable[[], int | None]) -> None:
        if self.observer is not None:
            self.observer.update(self.cleaner.tally, position)

    def _clean_file(self, name: str, stream: BinaryIO, sink: BinaryIO | None) -> None:
        data = stream.read()
        if not self.settings.binary_ok:
            refuse_binary(data, name)
        shown = display_name(name)
        decoded = decode(data)
        out = self.cleaner.clean(Document(shown), decoded.text, bom=decoded.bom).data
        self._write(sink, data, out)

    def _clean_records(
        self, name: str, stream: BinaryIO, sink: BinaryIO | None, position: Callable[[], int | None]
    ) -> None:
        shown = display_name(name)
        for number, raw in enumerate(stream, start=1):
            out = raw
            if raw.strip():  # a blank line is no record; it passes through like any other byte
                record = self._record(raw, shown, number)
                if record is not None:
                    out = self._cleaned_record(record, Document(shown, number, record.ident))
                    self._progress(position)
            self._write(sink, raw, out)

    def _record(self, raw: bytes, shown: str, number: int) -> Record | None:
        settings = self.settings
        try:
            return parse(raw, field=settings.field, id_field=settings.id_field)
        except BadRecord as error:
            if not settings.skip_bad_records:
                raise InputError(
                    f"{shown}:{number}: {error} (--skip-bad-records passes such records through)"
                ) from None
            self.cleaner.tally.skipped_records += 1
            self.warn(f"{shown}:{number}: {error}; passed through unchanged")
            return None

    def _cleaned_record(self, record: Record, document: Document) -> bytes:
        result = self.cleaner.clean(document, record.text)
        if not result.removed:
            return record.line.encode("utf-8", "surrogateescape") + record.terminator
        return record.with_spans_removed(result.spans())

    def _write(self, sink: BinaryIO | None, data: bytes, out: bytes) -> None:
        self.cleaner.tally.bytes_in += len(data)
        self.cleaner.tally.bytes_out += len(out)
        if sink is not None:
            sink.write(out)

    @contextlib.contextmanager
    def _opened(self, name: str) -> Iterator[tuple[BinaryIO, Callable[[], int | None]]]:
        """Open an input for streaming, decompressed; also yield how far into it reading got."""
        shown = display_name(name)
        if name == STDIN:
            yield reader(stdin_buffer(), shown), lambda: None
            return
        try:
            handle = open(os.fsencode(name), "rb")  # noqa: SIM115 (closed by the with below)
        except OSError as error:
            raise InputError(f"{shown}: {reason(error)}") from error
        with handle:
            status = os.fstat(handle.fileno())
            if stat.S_ISDIR(status.st_mode):
                raise InputError(f"{shown}: Is a directory")
            if self.check_input is not None:
                self.check_input(name, status)
            yield reader(handle, shown), lambda: self._bytes_done + handle.tell()
            self._bytes_done += status.st_size


def input_size(files: Sequence[str]) -> int | None:
    """The total size of the inputs in bytes, when they are all regular files (for an ETA)."""
    total = 0
    for name in files:
        try:
            status = os.stat(os.fsencode(name)) if name != STDIN else None
        except OSError:
            return None
        if status is None or not stat.S_ISREG(status.st_mode):
            return None
        total += status.st_size
    return total


def output_path(output_dir: str, name: str) -> str:
    """Where ``--output-dir`` writes the cleaned copy of input ``name``: the same relative name.

    An absolute name, or one that climbs out with ``..``, has no place under the directory.

    >>> output_path("clean", "news/2024/a.jsonl.gz")
    'clean/news/2024/a.jsonl.gz'
    """
    if name == STDIN:
        raise InputError("<stdin>: --output-dir needs file arguments, not stdin")
    relative = os.path.normpath(name)
    if os.path.isabs(relative) or relative.split(os.sep)[0] == os.pardir:
        raise InputError(
            f"{display_name(name)}: --output-dir needs a relative path inside the current "
            "directory; cd to the corpus and name its files from there"
        )
    return os.path.join(output_dir, relative)


@contextlib.contextmanager
def output_file(path: str, source: str) -> Iterator[BinaryIO]:
    """Write one ``--output-dir`` copy atomically, compressed if its name says so."""
    shown = display_name(path)
    if os.path.exists(path) and os.path.samefile(path, source):
        raise InputError(f"{display_name(source)}: input file is output file")
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    except OSError as error:
        raise OutputError(f"{shown}: {reason(error)}") from error
    with atomic_writer(path) as handle, writer(handle, format_for(path), shown) as packed:
        yield packed


def clean_corpus(
    files: Sequence[str],
    options: Options,
    settings: CorpusSettings,
    *,
    sink: BinaryIO | None,
    output: str | None = None,
    warn: Callable[[str], None],
    observer: Observer | None = None,
    check_input: CheckInput | None = None,
    top: bool = False,
) -> Tally:
    """Clean ``files`` as one corpus and return the counts (``top``: count the top repeats).

    ``sink`` takes every document in order (stdout or ``-o``, compressed when the name
    ``output`` ends in ``.gz`` or ``.zst``); it is ``None`` with ``--output-dir``, which writes
    one copy per input, or when nothing is written (``--check``).
    """
    with contextlib.ExitStack() as stack:
        report = _open_report(stack, settings.report)
        cleaner = Cleaner(options, across=settings.across, report=report, top=top)
        run = Run(cleaner, settings, warn=warn, observer=observer, check_input=check_input)
        if settings.output_dir is not None:
            # Every name is checked before anything is cleaned, not halfway through a corpus.
            targets = {name: output_path(settings.output_dir, name) for name in files}
            return run.run(files, lambda name: output_file(targets[name], name))
        shared = sink
        if sink is not None and output is not None:
            shared = stack.enter_context(writer(sink, format_for(output), display_name(output)))
        return run.run(files, lambda name: contextlib.nullcontext(shared))


def _open_report(stack: contextlib.ExitStack[bool | None], target: str | None) -> Report | None:
    if target is None:
        return None
    if target == STDIN:
        if sys.stderr is None:
            raise OutputError("--report -: standard error is closed")
        errors = sys.stderr.buffer

        def to_stderr(entry: dict[str, object]) -> None:
            sys.stderr.flush()  # keep the order of warnings and report lines
            errors.write(report_line(entry))
            errors.flush()

        return to_stderr
    shown = display_name(target)
    handle = stack.enter_context(atomic_writer(target))
    stream = stack.enter_context(writer(handle, format_for(target), shown))

    def to_file(entry: dict[str, object]) -> None:
        stream.write(report_line(entry))

    return to_file
