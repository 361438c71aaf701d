"""A shard and the values that travel between the stages of a sharded run, and its reader.

Everything here is a plain picklable value or a pure reader of one shard: what the driver
(:mod:`dedup.batch.sharded`) and the worker stages (:mod:`dedup.batch.stages`,
:mod:`dedup.batch.grouping`) share, so that neither imports the other. :func:`read_units` reads
a shard as one process reads the same file: its documents and the bytes between them, in order.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, Literal

from dedup.batch.job import DEFAULT_FIELD, DEFAULT_ID_FIELD, Records
from dedup.corpus import Document, Fingerprint, Tally
from dedup.errors import InputError
from dedup.io.compression import open_stream
from dedup.io.files import display_name, open_input, refuse_binary
from dedup.match.matcher import Match
from dedup.options import Options
from dedup.pipeline import Outcome, Result
from dedup.text.decoding import decode

if TYPE_CHECKING:  # a plain run reads records through parse_record, which loads them lazily
    from dedup.io.records import Record

Kind = Literal["text", "jsonl", "parquet"]


@dataclass(frozen=True)
class Shard:
    """One input file of a sharded run, and where its cleaned copy goes (``None``: the sink)."""

    number: int
    name: str
    """The input as named on the command line: what messages and the report show."""
    path: str
    """Where it is read from: absolute, since a worker's current directory is not ours."""
    kind: Kind
    output: str | None = None
    """Where ``--output-dir`` writes its cleaned copy (absolute too)."""
    start: int = 0
    end: int | None = None
    """A piece of a big JSON Lines file: its bytes ``start`` to ``end``, cut after a line
    (``None``: the whole file). See :func:`dedup.batch.sharded.byte_ranges`."""
    first_line: int = 1
    """The line number of the piece's first line in its file, for the report."""
    joined: str | None = None
    """A piece's ``--output-dir`` copy of the whole file: ``output`` is then the piece's part,
    which the driver joins, in order, into this name once every piece is written."""


@dataclass(frozen=True)
class Original:
    """The kept paragraph a removal repeats: its document, where that is, and its index."""

    document: Document
    shard: int
    position: int  # the document's place among the shard's documents
    paragraph: int


@dataclass(frozen=True)
class Decision:
    """What resolution decided for one document: its removals (local indices) and originals.

    With ``first_id`` set (exact grouping, :mod:`dedup.batch.grouping`, or the near stages,
    :mod:`dedup.batch.near`), ``removed`` holds the raw keep-first decisions in global ids
    instead, and the write stage finishes them with the same ``decide`` as one process (the
    recurring-structure rule needs the document's keys).
    """

    removed: tuple[Match, ...]
    originals: tuple[Original, ...]
    first_id: int | None = None
    follows: tuple[tuple[str, tuple[str, ...]] | None, ...] = ()
    """With ``first_id``: for each raw removal, what followed its original (see ``grouping``)."""
    exact_only: tuple[int, ...] = ()
    """Paragraphs too long for fuzzy comparison (see ``Result.exact_only``)."""
    keys: list[str] | None = None
    """With ``first_id``: the document's keys, as the stage that keyed it left them, so the
    write stage does not key the document again."""


NONE = Decision((), ())
"""A document with nothing removed."""


@dataclass(frozen=True)
class ShardSpec:
    """What a stage needs of the run, and no more: small and picklable, sent with every shard.

    Not the whole :class:`~dedup.batch.job.Job`: a worker has no business with the inputs of other
    shards, the executor or where the driver writes, and a stage module that never sees a
    ``Job`` cannot import the driver by accident.
    """

    options: Options
    records: Records | None = None
    """``None``: a text shard is one document; else how a JSON Lines or Parquet record holds one."""
    binary_ok: bool = False
    top: bool = False
    """Count the most repeated paragraphs (``--stats``)."""
    report: bool = False
    """Make report entries (``--report``)."""
    counts: bool = False
    """Send every document's counts back (``--stats``: one row per document)."""
    keeps_output: bool = False
    """Send the output bytes back to the driver: one stream for every shard (stdout, ``-o``)."""


@dataclass(frozen=True)
class WriteTask:
    """A stage's input: a shard, what stages need of the run (:class:`ShardSpec`), and
    (``--across``) its documents' decisions.

    ``wanted`` lists the paragraphs of this shard, as (document position, paragraph index),
    that removals repeat; their line and fingerprint come back for the report and the
    ``--stats`` top list.
    """

    shard: Shard
    spec: ShardSpec
    decisions: list[Decision] | None = None
    wanted: dict[int, tuple[int, ...]] = field(default_factory=dict)
    decided: Callable[[WriteTask], WriteTask] | None = None
    """Reads what an earlier stage decided for this shard (``decisions`` and ``wanted``) from
    where that stage left it, in the write stage itself, so it never passes through the
    driver (:mod:`dedup.batch.near`, :mod:`dedup.batch.grouping`)."""

    def with_decisions(self) -> WriteTask:
        """This task with its decisions read in (see ``decided``)."""
        return self if self.decided is None else self.decided(self)


Where = tuple[int, int, int]
"""A paragraph of the run: its shard, its document's place in the shard, its index there."""


@dataclass(frozen=True)
class Counted:
    """What a first pass over a shard tells the driver: its paragraph count and warnings.

    The exact and near stages both start so; the driver turns the counts into each shard's
    first global id and says the warnings in shard order.
    """

    number: int
    paragraphs: int
    warnings: list[str]


@dataclass
class Written:
    """Step 3's output for one shard: counts, report entries, and the bytes for one stream.

    A report entry whose original lies in another document comes with that original's
    :data:`Where`: the driver adds its line and text from the ``kept`` of the shard that
    holds it, which it has taken before (an original is never later than its copy).
    """

    number: int
    tally: Tally
    report: list[tuple[dict[str, object], Where | None]] = field(default_factory=list)
    output: bytes | None = None
    kept: dict[tuple[int, int], tuple[int, Fingerprint]] = field(default_factory=dict)
    """The ``wanted`` paragraphs: their line and fingerprint."""
    warnings: list[str] = field(default_factory=list)
    originals: list[Where] = field(default_factory=list)
    """With ``--across`` and ``--stats``: where each removal's original is, in order."""
    documents: list[tuple[Document, Outcome]] = field(default_factory=list)
    """Every document and its counts, for ``Listener.done``: with ``ShardSpec.counts``, or a
    text shard's one document (``--check`` names a text file that would change)."""


# --- reading a shard ------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A piece of a shard in order: a document (``text`` set) or bytes that pass through."""

    raw: bytes
    document: Document | None = None
    text: str = ""
    bom: bytes = b""
    splice: Callable[[Result], bytes] | None = None
    group_end: bool = False
    """Marks the end of a Parquet row group (no document, no bytes): write it out now."""


def read_units(shard: Shard, spec: ShardSpec, warnings: list[str]) -> Iterator[Unit]:
    """Yield the shard's documents and pass-through pieces in order, as one process reads them."""
    shown = display_name(shard.name)
    records = spec.records
    if shard.kind == "parquet":
        from dedup.io import (
            parquet,  # pyarrow, only for Parquet shards; the local loop imports this module
        )

        text_field: str = DEFAULT_FIELD
        id_field: str | None = DEFAULT_ID_FIELD
        if records is not None:
            text_field, id_field = records.field, records.id_field
        skip_bad = records is not None and records.skip_bad
        row = 0
        for table in parquet.read(shard.path, field=text_field, id_field=id_field, shown=shown):
            for at, (text, ident) in enumerate(zip(table.texts, table.idents, strict=True)):
                row += 1
                if at in table.bad:  # a bad record, as a bad JSON Lines line is (parse_record)
                    if not skip_bad:
                        raise InputError(
                            f"{shown}:{row}: {table.bad[at]} (--skip-bad-records passes such "
                            "records through)"
                        )
                    warnings.append(f"{shown}:{row}: {table.bad[at]}; passed through unchanged")
                    yield Unit(b"")
                elif text is None:
                    yield Unit(b"")
                else:
                    raw = text.encode("utf-8", "surrogateescape")  # for the byte counts only
                    yield Unit(raw, Document(shown, row, ident), text)
            yield Unit(b"", group_end=True)
        return
    with open_input(shard.path, shown) as (handle, _):
        if records is None:  # a text file: one document, never cut into pieces
            data = open_stream(handle, shown)[0].read()
            refuse_binary(data, shard.name, binary_ok=spec.binary_ok)
            decoded = decode(data)
            yield Unit(data, Document(shown), decoded.text, decoded.bom)
            return
        lines: Iterable[bytes]
        if shard.end is None:
            lines = open_stream(handle, shown)[0]
        else:  # a piece of a plain file (the driver checked it is not compressed)
            lines = _piece(handle, shard.start, shard.end)
        for number, raw in enumerate(lines, start=shard.first_line):
            if not raw.strip():  # a blank line is no record; it passes through
                yield Unit(raw)
                continue
            record = parse_record(raw, shown, number, records, warnings.append)
            if record is None:
                yield Unit(raw)
                continue
            yield Unit(
                raw,
                Document(shown, number, record.ident),
                record.text,
                splice=functools.partial(splice, record),
            )


def _piece(handle: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    """The lines of bytes ``start`` to ``end`` of a file, which begin and end with a line."""
    handle.seek(start)
    left = end - start
    while left > 0:
        line = handle.readline(left)
        if not line:
            return
        left -= len(line)
        yield line


def splice(record: Record, result: Result) -> bytes:
    """A record with the removed spans of its document cut out of its text field."""
    return record.with_spans_removed(result.spans())


def parse_record(
    raw: bytes, shown: str, number: int, records: Records, warn: Callable[[str], None]
) -> Record | None:
    """Parse the record on line ``number``; a bad one stops the run, or with ``skip_bad`` is
    passed over with a warning (``None``: write the line through unchanged)."""
    from dedup.io.records import BadRecord, parse  # JSON Lines only: json costs start-up

    try:
        return parse(raw, field=records.field, id_field=records.id_field)
    except BadRecord as error:
        if not records.skip_bad:
            raise InputError(
                f"{shown}:{number}: {error} (--skip-bad-records passes such records through)"
            ) from None
        warn(f"{shown}:{number}: {error}; passed through unchanged")
        return None
