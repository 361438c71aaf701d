"""A run in this process: every input in order, each document cleaned as one process does.

Between the command line and the pipeline. A job names its inputs, the cleaning
:class:`Options`, whether documents are cleaned ``across`` each other, how a document is
found in an input (a whole text file, or each record of a JSON Lines file), where the output
goes, and what a bad input does. :func:`run` then opens every input the same way, plain or
record, and decides each of these once: where output goes, refusing binary input,
decompression, and "input file is output file". No click and no rich: what a person should
see is handed to a :class:`Listener`.

The work on one document is :meth:`dedup.corpus.Cleaner.clean`, a pure function of the
document, the options and the matcher; everything around it here is reading and writing.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, BinaryIO

from dedup.batch.job import Job, Listener, Records
from dedup.corpus import Cleaner, Document, Tally
from dedup.errors import InputError, OutputError
from dedup.io.compression import open_stream
from dedup.io.files import (
    STDIN,
    check_editable,
    display_name,
    open_input,
    output_targets,
    read_chunks,
    refuse_binary,
    remove_stale_temporaries,
    replace_file,
)
from dedup.io.outputs import (
    InPlace,
    OutputDir,
    OutputFile,
    Sink,
    output_file,
    refuse_shared_files,
    shared_output,
)
from dedup.io.report import open_report
from dedup.io.targets import place
from dedup.match import exact
from dedup.pipeline import Outcome
from dedup.streaming import READ_SIZE, Streamer, streamable
from dedup.text.decoding import decode, looks_binary

if TYPE_CHECKING:
    from dedup.io.records import Record


def run_local(job: Job, listener: Listener | None = None) -> Tally:
    """Clean every input of ``job`` in order, write the results, and return the counts.

    With ``on_bad_input="stop"`` the first bad input raises; otherwise it is counted in
    ``tally.failed``, passed to ``listener.failed``, and an ``-o`` file is then left as it
    was (as ``sort -o`` leaves it), since it would hold only part of the result.
    """
    outputs = _Outputs(job)
    refuse_shared_files(job.destination, job.report, job.inputs, outputs.copies)
    remove_stale_temporaries(outputs.targets())
    with contextlib.ExitStack() as stack:
        report = open_report(stack, job.report)
        cleaner = Cleaner(job.options, across=job.across, report=report, top=job.top)
        road = _Road(job, listener or Listener(), cleaner, outputs)
        with shared_output(job.destination) as shared:
            for name in job.inputs:
                road.clean_input(name, shared)
            _keep_a_partial_result_out(job, cleaner.tally)
    return cleaner.tally


def streams(job: Job) -> bool:
    """Whether a text input of ``job`` is cleaned as it is read (:mod:`dedup.streaming`).

    Not when the whole document is needed: ``-i`` rewrites only a changed file, ``--diff``
    and ``explain`` (``-v``) show its text, keeping recurring structure judges every
    occurrence at once (``streaming.streamable``); nor with a report or the top list,
    which account for each removal of a whole :class:`Result` (``--stats`` ranks the
    most repeated paragraphs on every road, so it never streams). Across documents, the
    stream feeds the shared matcher.
    """
    return (
        streamable(job.options)
        and not (job.options.explain or job.diff)
        and job.records is None
        and job.report is None
        and not isinstance(job.destination, InPlace)
        and not job.top
    )


class _Outputs:
    """Where a run writes: the shared output, or each input's ``--output-dir`` copy."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.copies: dict[str, str] = {}  # --output-dir: input name -> its copy
        destination = job.destination
        if isinstance(destination, OutputDir):
            # Every name is checked before anything is cleaned, not halfway through a corpus.
            self.copies = output_targets(destination.path, ((n, n) for n in job.inputs))

    def targets(self) -> list[str]:
        """Every file this run may replace, for the clean-up of a killed run's leftovers."""
        destination = self.job.destination
        targets = list(self.copies.values())
        if isinstance(destination, OutputFile):
            targets.append(destination.path)
        elif isinstance(destination, InPlace):
            targets += [name for name in self.job.inputs if name != STDIN]
        if self.job.report not in (None, STDIN):
            targets.append(self.job.report)
        return targets

    @contextlib.contextmanager
    def output_for(self, name: str, shared: Sink | None) -> Iterator[Sink | None]:
        """The shared output, or with ``--output-dir`` this input's own copy."""
        target = self.copies.get(name)
        if target is None:
            yield shared
            return
        with output_file(target, name) as copy:
            yield copy


_Opened = tuple[BinaryIO, bool, "os.stat_result | None", Callable[[], "int | None"]]


class _Road:
    """One run in progress: each input opened and cleaned by its kind (a whole text, a
    streamed text, JSON Lines records), told to the listener, and written out."""

    def __init__(self, job: Job, listener: Listener, cleaner: Cleaner, outputs: _Outputs) -> None:
        self.job = job
        self.listener = listener
        self.cleaner = cleaner
        self.outputs = outputs
        self.bytes_done = 0  # of the inputs opened so far, for a progress bar's ETA
        self._streams = streams(job)
        self._exact_lines: exact.ExactLines | None = None  # --across, exact, line by line

    def clean_input(self, name: str, shared: Sink | None) -> None:
        """Clean one input into its output; a bad input stops the run or is reported."""
        destination = self.job.destination
        try:
            # In place, the file is checked before it is opened (a FIFO would block the open)
            # and a symlink's target is what is read and replaced.
            path = (
                check_editable(name, force=destination.force)
                if isinstance(destination, InPlace)
                else name
            )
            with self._opened(path, name, shared) as (stream, compressed, status, position):
                if self.job.records is not None:
                    with self.outputs.output_for(name, shared) as sink:
                        self._clean_records(name, stream, sink, self.job.records, position)
                else:
                    self._clean_text(name, path, stream, compressed, status, shared, position)
                    self.listener.progress(self.cleaner.tally, position)
        except (InputError, OutputError) as error:
            if self.job.on_bad_input == "stop":
                raise
            self.cleaner.tally.failed += 1
            self.listener.failed(error)

    # -- one text document: the one place where a plain file is cleaned -------------------

    def _clean_text(
        self,
        name: str,
        path: str,
        stream: BinaryIO,
        compressed: bool,
        status: os.stat_result | None,
        shared: Sink | None,
        position: Callable[[], int | None],
    ) -> None:
        """Clean one text file: read it whole, refuse what is not text, clean, write.

        The one place a plain file is cleaned; when it need not be whole (see
        :func:`streams`), it is cleaned as it is read instead.
        """
        if self._streams:
            self._stream_text(name, stream, shared, position, compressed=compressed)
            return
        data = stream.read()
        shown = display_name(name)
        in_place = isinstance(self.job.destination, InPlace)
        if in_place:
            _refuse_in_place(data, shown, compressed=compressed)
        refuse_binary(data, name, binary_ok=self.job.binary_ok)
        decoded = decode(data)
        document = Document(shown)
        result = self.cleaner.clean(document, decoded.text, bom=decoded.bom)
        self.listener.done(document, Outcome.of(result))
        out = result.data
        self._count_bytes(data, out)
        if in_place:
            if result.changed:
                replace_file(path, out, expected=status)
            return
        if self.job.diff:
            out = result.diff(shown).encode("utf-8", "surrogateescape")
        with self.outputs.output_for(name, shared) as sink:
            if sink is not None:
                sink.write(out)

    def _stream_text(
        self,
        name: str,
        stream: BinaryIO,
        shared: Sink | None,
        position: Callable[[], int | None],
        *,
        compressed: bool,
    ) -> None:
        """Clean one text file chunk by chunk, writing each piece of output as it is final.

        Progress is told in input bytes decided, which ``auto`` reading a one-block text
        reaches only while it finishes (for compressed input, whose file offsets count
        other bytes, in bytes read).
        """
        options = self.job.options
        lines = None
        if self.job.across and exact.applies(options):
            # The exact line path stands for the corpus matcher: every document goes there.
            if self._exact_lines is None:
                self._exact_lines = exact.ExactLines(options)
            lines = self._exact_lines
        streamer = Streamer(options, matcher=self.cleaner.matcher, lines=lines)
        tally = self.cleaner.tally

        def decided() -> int | None:
            done = position()
            if done is None or compressed:
                return done
            return max(0, done - streamer.pending)

        with self.outputs.output_for(name, shared) as sink:
            first = True
            for chunk in read_chunks(stream, name, size=READ_SIZE):
                if first:
                    refuse_binary(chunk, name, binary_ok=self.job.binary_ok)
                    first = False
                out = streamer.feed(chunk)
                self._count_bytes(chunk, out)
                if sink is not None and out:
                    sink.write(out)
                self.listener.progress(tally, decided)
            for out in streamer.finish():
                self._count_bytes(b"", out)
                if sink is not None and out:
                    sink.write(out)
                self.listener.progress(tally, decided)
        tally.count(streamer.outcome)
        self.listener.done(Document(display_name(name)), streamer.outcome)

    # -- JSON Lines records: each one a document, written back as soon as it is cleaned ----

    def _clean_records(
        self,
        name: str,
        stream: BinaryIO,
        sink: Sink | None,
        records: Records,
        position: Callable[[], int | None],
    ) -> None:
        shown = display_name(name)
        for number, raw in enumerate(stream, start=1):
            out = raw
            if raw.strip():  # a blank line is no record; it passes through like any other byte
                record = self._record(raw, shown, number, records)
                if record is not None:
                    document = Document(shown, number, record.ident)
                    out = self._cleaned_record(record, document, records)
                    self.listener.progress(self.cleaner.tally, position)
            self._count_bytes(raw, out)
            if sink is not None:
                sink.write(out)

    def _record(self, raw: bytes, shown: str, number: int, records: Records) -> Record | None:
        # JSON Lines only: the record parser brings json and the shard reader (Parquet), which
        # a plain clean never needs (tests/test_cli_startup.py).
        from dedup.batch.shards import parse_record

        record = parse_record(raw, shown, number, records, self.listener.warn)
        if record is None:
            self.cleaner.tally.skipped_records += 1
        return record

    def _cleaned_record(self, record: Record, document: Document, records: Records) -> bytes:
        result = self.cleaner.clean(document, record.text)
        self.listener.done(document, Outcome.of(result))
        if not result.removed:
            return record.line.encode("utf-8", "surrogateescape") + record.terminator
        if records.drop_empty and result.emptied:
            self.cleaner.tally.dropped_records += 1
            return b""
        return record.with_spans_removed(result.spans())

    # -- reading and writing --------------------------------------------------------------

    def _count_bytes(self, data: bytes, out: bytes) -> None:
        self.cleaner.tally.bytes_in += len(data)
        self.cleaner.tally.bytes_out += len(out)

    @contextlib.contextmanager
    def _opened(self, path: str, name: str, shared: Sink | None) -> Iterator[_Opened]:
        """Open an input, decompressed: the stream, whether it was compressed, its stat, and
        how far into the inputs reading has got (for a progress bar's ETA).

        A directory is refused. (An input that an output would clobber was refused before the
        run began: :func:`dedup.io.outputs.refuse_shared_files`.)
        """
        shown = display_name(name)
        with open_input(path, shown) as (handle, status):
            if path == STDIN:
                stream, found = open_stream(handle, shown)
                yield stream, found is not None, status, lambda: None
                return
            # A plain file to be streamed is read as it is: the decompression layers cost a
            # tenth of exact mode's time, and read_chunks says what a failed read was.
            as_is = self._streams and status is not None and stat.S_ISREG(status.st_mode)
            stream, found = open_stream(handle, shown, as_is=as_is)
            done = self.bytes_done
            yield stream, found is not None, status, lambda: done + handle.tell()
            self.bytes_done += status.st_size if status is not None else 0


def _refuse_in_place(data: bytes, shown: str, *, compressed: bool) -> None:
    if compressed:
        raise InputError(f"{shown}: compressed; -i cannot rewrite it, use -o")
    if looks_binary(data):
        # Even with -a: removing "lines" from an image or an archive in place destroys it.
        raise InputError(f"{shown}: binary file (NUL byte); not edited in place")


def _keep_a_partial_result_out(job: Job, tally: Tally) -> None:
    destination = job.destination
    if (
        tally.failed
        and isinstance(destination, OutputFile)
        and not place(destination.path).in_place
    ):
        # The atomic writer drops its temporary file on this exception.
        raise OutputError(f"{display_name(destination.path)}: left as it was, an input failed")
