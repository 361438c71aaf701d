"""A corpus run as stages over shards, the same bytes as one process by construction.

A shard is one input file (text, JSON Lines or Parquet). The run has three steps:

1. **prepare**, per shard, anywhere: read, decode, split and key every document, and do the
   matcher's per-paragraph work (:func:`dedup.match.matcher.prepare`: features, MinHash
   signatures) (:func:`prepare_shard`). This needs no other shard.
2. **resolve**, in the driver, in global order (input order, then record, then paragraph):
   one :class:`~dedup.match.matcher.Matcher` is fed every document exactly as
   :class:`dedup.corpus.Cleaner` feeds them in one process, through the same
   ``pipeline.decide`` (:class:`Resolver`). Keep-first makes this step sequential: a
   paragraph is removed only for a paragraph *kept* earlier, and whether that one was kept
   depends on everything before it. What comes out per document is its removals and, for
   the report, whom each repeats. (Exact matching needs no such pass: :mod:`dedup.batch.grouping`.)
3. **write**, per shard, anywhere: read the shard again, cut the removed lines out byte for
   byte (the same ``render`` and JSON Lines splice as one process) and produce the output
   shard (written to a temporary name, then renamed) and the report entries
   (:func:`write_shard`).

Without ``--across`` every document is cleaned on its own, so there is nothing to resolve:
step 3 cleans each document itself with :func:`dedup.clean`, exactly as one process does.

What a shard is read with, and written through, is :mod:`dedup.batch.local`'s: opening an input
(:func:`~dedup.io.files.open_input`), decompression, binary refusal, a bad record
(:func:`~dedup.batch.shards.parse_record`) and an ``--output-dir`` copy
(:func:`~dedup.io.outputs.output_file`) are decided there once, for one process and for shards.

Every stage function takes one picklable value and returns one, and depends on nothing but
it and the shard's bytes: an executor (:mod:`dedup.batch.executors`) may run it in any process, on
any machine, twice after a crash, and the driver (:mod:`dedup.batch.sharded`), which consumes
results in shard order, sees the same thing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence

from dedup.batch.job import DEFAULT_FIELD
from dedup.batch.shards import (
    NONE,
    Decision,
    Original,
    PreparedShard,
    Shard,
    ShardSpec,
    Unit,
    Where,
    WriteTask,
    Written,
    read_units,
)
from dedup.corpus import Document, Tally, fingerprint, report_entry
from dedup.io import parquet
from dedup.io.outputs import Sink, output_file, ready_output
from dedup.match.matcher import Match, Matcher, Prepared, prepare
from dedup.match.passages import with_short_ones
from dedup.options import Options
from dedup.pipeline import Feeder, Outcome, Result, clean, decide
from dedup.text.normalize import key
from dedup.text.paragraphs import Paragraph, split
from dedup.text.writing import render

# --- step 1: prepare ------------------------------------------------------------------------


def prepare_shard(task: WriteTask) -> PreparedShard:
    """Read a shard and prepare every document's keys (step 1; runs in any process)."""
    shard, options = task.shard, task.spec.options
    warnings: list[str] = []
    documents: list[tuple[Document, Prepared]] = []
    for unit in read_units(shard, task.spec, warnings):
        if unit.document is not None:
            paragraphs = split(unit.text, options.split)
            keys = [key(unit.text[p.start : p.end]) for p in paragraphs]
            batch = prepare(keys, threshold=options.threshold, min_chars=options.min_chars)
            documents.append((unit.document, batch))
    return PreparedShard(shard.number, documents, warnings)


# --- step 2: resolve ------------------------------------------------------------------------


class Resolver:
    """Feeds prepared shards, in global order, to one matcher: the keep-first decisions.

    The same calls as :meth:`dedup.corpus.Cleaner.clean` with ``across``: ``decide`` on each
    document's keys in turn, and a ledger of the documents that kept something, to name the
    document an earlier original lies in.
    """

    def __init__(self, options: Options) -> None:
        self.options = options
        self.matcher: Matcher = Matcher.from_options(options)
        self._first_ids = array("q")
        self._owners: list[tuple[Document, int, int]] = []

    def resolve(self, prepared: PreparedShard) -> list[Decision]:
        """Decide every document of the next shard; shards must come in input order."""
        decisions: list[Decision] = []
        for position, (document, batch) in enumerate(prepared.documents):
            first_id = self.matcher.next_id
            keys = batch.keys
            fed = _FeedPrepared(self.matcher, batch)
            decided = decide(keys, fed, self.options)
            removed = decided.removed
            if len(removed) < len(keys):
                self._first_ids.append(first_id)
                self._owners.append((document, prepared.number, position))
            here = (document, prepared.number, position)
            originals = tuple(
                self._locate(m.original) if m.earlier else Original(*here, m.original)
                for m in removed
            )
            decisions.append(
                Decision(tuple(removed), originals, exact_only=tuple(decided.exact_only))
            )
        return decisions

    def _locate(self, ident: int) -> Original:
        slot = bisect_right(self._first_ids, ident) - 1
        document, shard, position = self._owners[slot]
        return Original(document, shard, position, ident - self._first_ids[slot])


# --- step 3: write --------------------------------------------------------------------------


def write_shard(task: WriteTask) -> Written:
    """Cut the removed lines out of a shard and write it (step 3; runs in any process)."""
    shard, spec = task.shard, task.spec
    written = Written(shard.number, Tally())
    texts: list[str | None] = []  # a Parquet row group's
    dropped: list[int] = []  # its rows left out (--drop-empty)
    drop_empty = spec.records is not None and spec.records.drop_empty
    position = 0
    with _destination(shard, spec) as sink, _parquet_output(shard, spec) as rewrite:
        for unit in read_units(shard, spec, written.warnings):
            if unit.group_end:
                if rewrite is not None:
                    rewrite.group(texts, dropped)
                texts, dropped = [], []
                continue
            out = unit.raw
            if unit.document is not None:
                decision = None if task.decisions is None else task.decisions[position]
                result, decision = _result(unit, spec.options, decision)
                if drop_empty and result.emptied:
                    out = b""
                    dropped.append(len(texts))
                    written.tally.dropped_records += 1
                elif unit.splice is None:
                    out = result.data
                elif result.removed:  # a record with nothing removed is its line, as read
                    out = unit.splice(result)
                _account(written, unit.document, result, position, task, decision)
                position += 1
                texts.append(result.text)
            else:
                texts.append(None)
            written.tally.bytes_in += len(unit.raw)
            written.tally.bytes_out += len(out)
            if sink is not None:
                sink.write(out)
        if isinstance(sink, io.BytesIO):
            written.output = sink.getvalue()
        if rewrite is not None:
            rewrite.changed = bool(written.tally.removed)
    written.tally.skipped_records = len(written.warnings)
    return written


def _result(
    unit: Unit, options: Options, decision: Decision | None
) -> tuple[Result, Decision | None]:
    if decision is None:  # on its own: exactly what one process does for a document
        return dataclasses.replace(clean(unit.text, options), bom=unit.bom), None
    paragraphs = split(unit.text, options.split)
    if decision.first_id is not None:
        # No raw removal, no removal: _decide would find nothing, so the keys are not needed.
        decision = _finished(unit.text, paragraphs, options, decision) if decision.removed else NONE
    gone = {match.index for match in decision.removed}
    text = render(unit.text, paragraphs, gone)
    result = Result(
        text,
        decision.removed,
        tuple(paragraphs),
        unit.text,
        unit.bom,
        exact_only=decision.exact_only,
    )
    return result, decision


def _finished(
    text: str, paragraphs: Sequence[Paragraph], options: Options, raw: Decision
) -> Decision:
    """Turn the matcher's raw decisions for a document into its removals, as ``decide`` does.

    ``decide`` itself runs, on the document's keys, with a matcher that replays the raw
    decisions: the same code as one process, from the same matcher output.
    """
    assert raw.first_id is not None
    keys = [key(text[p.start : p.end]) for p in paragraphs]
    found = with_short_ones(
        keys, raw.removed, raw.follows, first_id=raw.first_id, min_chars=options.min_chars
    )
    matches = [match for match, _, _ in found]
    originals = [
        dataclasses.replace(raw.originals[n], paragraph=raw.originals[n].paragraph + k)
        for _, n, k in found
    ]
    replay = Replay(raw.first_id, matches)
    removed = decide(keys, replay, options).removed
    original_of = {m.index: o for m, o in zip(matches, originals, strict=True)}
    return Decision(tuple(removed), tuple(original_of[m.index + raw.first_id] for m in removed))


class _FeedPrepared(Feeder):
    """The matcher, seen by ``decide``: its ``feed`` of the document is ``feed_prepared``.

    So the decisions go through the very code one process runs, with the per-paragraph work
    done by the workers.
    """

    def __init__(self, matcher: Matcher, batch: Prepared) -> None:
        self.matcher = matcher
        self.batch = batch

    @property
    def next_id(self) -> int:
        """The matcher's next id."""
        return self.matcher.next_id

    @property
    def decided(self) -> int:
        """The matcher's final ids: all of them, since a whole document is fed at once."""
        return self.matcher.decided

    def feed(self, keys: list[str], *, end: bool = True) -> list[Match]:
        """Feed the prepared batch, whose keys are ``keys`` (a whole document: ``end``)."""
        assert keys is self.batch.keys
        assert end
        return self.matcher.feed_prepared(self.batch)

    def take_near_misses(self) -> list[Match]:
        """The matcher's near misses (for ``-v``; corpus mode does not show them)."""
        return self.matcher.take_near_misses()


class Replay(Feeder):
    """Stands in for a :class:`~dedup.match.matcher.Matcher` whose decisions are already known."""

    def __init__(self, next_id: int, matches: list[Match]) -> None:
        self._next_id = next_id
        self._matches = matches

    @property
    def next_id(self) -> int:
        """The id the next key gets, as the matcher that decided would have given it."""
        return self._next_id

    @property
    def decided(self) -> int:
        """Every id fed: the decisions were known before."""
        return self._next_id

    def feed(self, keys: list[str], *, end: bool = True) -> list[Match]:
        """The known decisions for the next ``len(keys)`` ids (a whole document: ``end``)."""
        assert end
        self._next_id += len(keys)
        return self._matches

    def take_near_misses(self) -> list[Match]:
        """Exact grouping compares nothing fuzzily, so there are none."""
        return []


def _account(
    written: Written,
    document: Document,
    result: Result,
    position: int,
    task: WriteTask,
    decision: Decision | None,
) -> None:
    """Count a document, keep the originals asked for, and make its report entries.

    The entries are what :meth:`dedup.corpus.Cleaner.clean` reports; an original in another
    document gets its line and text from the driver (see :class:`Written`).
    """
    tally, spec = written.tally, task.spec
    outcome = Outcome.of(result, whole=False)  # a result stays in its process
    tally.count(outcome)
    if spec.counts or task.shard.kind == "text":  # a text file's document: --check names it
        written.documents.append((document, outcome))
    for index in task.wanted.get(position, ()):
        line = result.paragraphs[index].line
        written.kept[(position, index)] = (line, fingerprint(result.paragraph_text(index)))
    for number, match in enumerate(result.removed):
        if decision is None:  # on its own: the original is in this document
            original = Original(document, task.shard.number, position, match.original)
            if spec.top:
                tally.count_repeat(fingerprint(result.paragraph_text(match.original)))
        else:
            original = decision.originals[number]
            if spec.top:
                written.originals.append((original.shard, original.position, original.paragraph))
        if spec.report:
            written.report.append(_entry(document, result, match, original))


def _entry(
    document: Document, result: Result, match: Match, original: Original
) -> tuple[dict[str, object], Where | None]:
    """One report entry, and where its original is when the driver must complete it."""
    repeats = {**original.document.describe(), "paragraph": original.paragraph}
    entry = report_entry(document, result, match, repeats)
    if match.earlier:
        return entry, (original.shard, original.position, original.paragraph)
    repeats["line"] = result.paragraphs[original.paragraph].line
    repeats["text"] = fingerprint(result.paragraph_text(original.paragraph))[1]
    return entry, None


@contextlib.contextmanager
def _destination(shard: Shard, spec: ShardSpec) -> Iterator[Sink | io.BytesIO | None]:
    """Where a JSON Lines or text shard's bytes go while it is read: its own file, or memory.

    A file under ``--output-dir`` is written to a temporary name and renamed only once the
    whole shard is through: an interrupted or failed stage leaves no half-written shard.
    """
    if shard.kind == "parquet":
        yield None  # written by row groups (see _parquet_output)
    elif shard.output is not None:
        with output_file(shard.output, shard.path) as sink:
            yield sink
    elif spec.keeps_output:
        yield io.BytesIO()
    else:
        yield None


@contextlib.contextmanager
def _parquet_output(shard: Shard, spec: ShardSpec) -> Iterator[parquet.Rewrite | None]:
    """Where a Parquet shard's row groups go as they are cleaned: its output, if it has one.

    Written beside its final name and renamed when whole, as every output shard is.
    """
    if shard.kind != "parquet" or shard.output is None:
        yield None
        return
    ready_output(shard.output)
    text_field = DEFAULT_FIELD if spec.records is None else spec.records.field
    with parquet.rewrite(shard.path, shard.output, field=text_field) as rewrite:
        yield rewrite
