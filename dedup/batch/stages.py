"""The write stage of a sharded corpus run, the same bytes as one process by construction.

A shard is one input file (text, JSON Lines or Parquet), or a byte range of a big JSON Lines
file. Whatever decided its documents' removals beforehand — nothing (each document alone),
exact grouping (:mod:`dedup.batch.grouping`) or the near stages (:mod:`dedup.batch.near`:
prepare, exact, bands, candidates, verify, resolve) — the last step is here:
:func:`write_shard` reads the shard again, finishes each document's raw decisions with the
same ``pipeline.decide`` as one process (recurring structure, passages, long keys), cuts the
removed lines out byte for byte (the same ``render`` and JSON Lines splice as one process)
and produces the output shard (written to a temporary name, then renamed) and the report
entries.

Without ``--across`` every document is cleaned on its own, so there is nothing to resolve:
the write stage cleans each document itself with :func:`dedup.clean`, exactly as one
process does.

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
from collections.abc import Iterator, Sequence

from dedup.batch.job import DEFAULT_FIELD
from dedup.batch.shards import (
    NONE,
    Decision,
    Original,
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
from dedup.match.matcher import Match
from dedup.match.passages import with_short_ones
from dedup.options import Options
from dedup.pipeline import Feeder, Outcome, Result, clean, decide
from dedup.text.normalize import key
from dedup.text.paragraphs import Paragraph, split
from dedup.text.writing import render

# --- write ----------------------------------------------------------------------------------


def write_shard(task: WriteTask) -> Written:
    """Cut the removed lines out of a shard and write it (the last step; any process)."""
    task = task.with_decisions()
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
        # Exact grouping: no raw removal, no removal, and no key too long for near matching,
        # so the keys are not needed. Near raw decisions are always finished (exact_only).
        if decision.removed or not options.exact:
            decision = _finished(unit.text, paragraphs, options, decision)
        else:
            decision = NONE
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
    keys = raw.keys if raw.keys is not None else [key(text[p.start : p.end]) for p in paragraphs]
    found = with_short_ones(
        keys, raw.removed, raw.follows, first_id=raw.first_id, min_chars=options.min_chars
    )
    matches = [match for match, _, _ in found]
    originals = [
        dataclasses.replace(raw.originals[n], paragraph=raw.originals[n].paragraph + k)
        for _, n, k in found
    ]
    replay = Replay(raw.first_id, matches)
    decided = decide(keys, replay, options)
    original_of = {m.index: o for m, o in zip(matches, originals, strict=True)}
    return Decision(
        tuple(decided.removed),
        tuple(original_of[m.index + raw.first_id] for m in decided.removed),
        exact_only=tuple(decided.exact_only),
    )


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
