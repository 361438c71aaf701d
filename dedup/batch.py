"""One road for every document: a :class:`Job` describes a run, :func:`run` carries it out.

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
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, Literal

from dedup import exact
from dedup.compression import format_for, open_stream, writer
from dedup.corpus import Cleaner, Document, Tally
from dedup.decoding import decode, looks_binary
from dedup.errors import DedupError, InputError, OutputError
from dedup.files import (
    STDIN,
    PipeClosed,
    check_editable,
    display_name,
    is_parquet,
    names_shards,
    output_targets,
    read_chunks,
    reason,
    refuse_binary,
    regular_file_status,
    remove_stale_temporaries,
    replace_file,
    stdin_buffer,
    write_all,
)
from dedup.pipeline import Options, Result
from dedup.report import open_report
from dedup.streaming import READ_SIZE, Streamer, Summary, streamable
from dedup.targets import Output, open_target, place, refuse_overlaps, stream_place

if TYPE_CHECKING:
    from dedup.records import Record


@dataclass(frozen=True)
class Stdout:
    """Write every document, in order, to standard output."""


@dataclass(frozen=True)
class OutputFile:
    """Write every document, in order, to ``path``: atomically, compressed if its name says."""

    path: str


@dataclass(frozen=True)
class InPlace:
    """Replace each input file with its cleaned copy (``force``: also read-only, hard-linked)."""

    force: bool = False


@dataclass(frozen=True)
class OutputDir:
    """Write each input's cleaned copy under ``path``, with the input's relative name."""

    path: str


@dataclass(frozen=True)
class Nowhere:
    """Write nothing (``--check``): only the counts matter."""


Destination = Stdout | OutputFile | InPlace | OutputDir | Nowhere


DEFAULT_FIELD = "text"
"""The record field that holds a document, as in most corpora (Dolma, RedPajama, C4)."""
DEFAULT_ID_FIELD = "id"
"""The record field that names a document in the report, when a record has it."""


@dataclass(frozen=True)
class Records:
    """Inputs are JSON Lines: the string in ``field`` of each record is one document.

    ``id_field`` names a record in the report; ``skip_bad`` passes a bad line through with a
    warning instead of stopping the run.
    """

    field: str = DEFAULT_FIELD
    id_field: str | None = DEFAULT_ID_FIELD
    skip_bad: bool = False


@dataclass(frozen=True)
class Job:
    """Everything one run needs, in one value; the CLI builds it from its flags.

    ``inputs``: file names, ``-`` for stdin. ``records``: ``None`` when each input is one text
    document. ``across``: one matcher for all documents, in input order. ``diff``: write a
    unified diff instead of the cleaned text (text documents only). ``report``: a file that
    gets a JSON line per removal (``-``: stderr). ``binary_ok``: clean input that looks binary.
    ``on_bad_input``: ``"continue"`` reports an input that cannot be read and goes on with the
    next, as ``cat`` does; ``"stop"`` ends the run there (a corpus with a hole is usually a
    mistake). ``top``: count the most repeated paragraphs, for ``--stats``.

    ``jobs``: clean a corpus as stages over shards on this many local processes (0: one per
    core); ``engine="ray"``: on a Ray cluster instead, the one at ``ray_address`` (default:
    ``RAY_ADDRESS``, else a local Ray). Either way the output is the bytes of one process
    (see :mod:`dedup.stages`). A sharded run always stops at its first bad input.
    """

    inputs: tuple[str, ...] = (STDIN,)
    options: Options = field(default_factory=Options)
    across: bool = False
    records: Records | None = None
    destination: Destination = field(default_factory=Stdout)
    diff: bool = False
    report: str | None = None
    binary_ok: bool = False
    on_bad_input: Literal["continue", "stop"] = "continue"
    top: bool = False
    jobs: int = 1
    engine: Literal["local", "ray"] = "local"
    ray_address: str | None = None

    def __post_init__(self) -> None:
        # The CLI says these as usage errors first; a library caller gets a ValueError.
        if self.records is not None and (self.diff or isinstance(self.destination, InPlace)):
            raise ValueError("records are written back whole: no diff, no in-place edit")
        if isinstance(self.destination, InPlace | OutputDir) and STDIN in self.inputs:
            raise ValueError("in-place editing and an output directory need named files")
        if not self.inputs:
            raise ValueError("a job needs at least one input (- for stdin)")
        if self.jobs < 0:
            raise ValueError(f"jobs must be 0 (one per core) or more, not {self.jobs}")
        if self.parallel and (self.diff or isinstance(self.destination, InPlace)):
            raise ValueError("--jobs and --engine write shards whole: no diff, no in-place edit")

    @property
    def parallel(self) -> bool:
        """Whether the stages run anywhere but in this process (``jobs`` other than 1, Ray)."""
        return self.engine == "ray" or self.jobs != 1

    @property
    def sharded(self) -> bool:
        """Whether the run goes as stages over shards (:mod:`dedup.sharding`).

        A parallel run does; so does a Parquet input, and in a run that stops at a bad input
        (a corpus) a directory or a glob pattern, which name shards. Otherwise a directory is
        refused, as ``cat`` refuses one.
        """
        if self.parallel or any(is_parquet(name) for name in self.inputs):
            return True
        return self.on_bad_input == "stop" and any(names_shards(name) for name in self.inputs)


class Listener:
    """What a run tells whoever watches it; every method here ignores it (subclass to show)."""

    def cleaned(self, document: Document, result: Result) -> None:
        """A document was cleaned (before its output is written)."""

    def changed(self, document: Document) -> None:
        """A text file (a whole document, not a record) lost paragraphs: what ``--check`` names.

        Called however the file was cleaned: whole (after ``cleaned``), as it was read (after
        ``streamed``), or in a shard (where neither is called: the results stay on the
        workers).
        """

    def progress(self, tally: Tally, position: Callable[[], int | None]) -> None:
        """Another document is done; ``position()`` gives the input bytes read so far, if known."""

    def warn(self, message: str) -> None:
        """Something a person may want to know that does not stop the run."""

    def failed(self, error: DedupError) -> None:
        """An input could not be cleaned and the run goes on (``on_bad_input="continue"``)."""

    def streamed(self, document: Document, summary: Summary) -> None:
        """A document was cleaned as it was read (its output is written already): the counts
        of what went, since no whole :class:`Result` ever existed."""


def run(job: Job, listener: Listener | None = None) -> Tally:
    """Clean every input of ``job`` in order, write the results, and return the counts.

    With ``on_bad_input="stop"`` the first bad input raises; otherwise it is counted in
    ``tally.failed``, passed to ``listener.failed``, and an ``-o`` file is then left as it
    was (as ``sort -o`` leaves it), since it would hold only part of the result.
    """
    if job.sharded:
        from dedup.sharding import run_sharded  # stages, executors: only for such a run

        return run_sharded(job, listener or Listener())
    road = _Road(job, listener or Listener())
    refuse_shared_files(job, job.inputs, road.copies)
    remove_stale_temporaries(road.targets())
    with contextlib.ExitStack() as stack:
        road.cleaner = Cleaner(
            job.options, across=job.across, report=open_report(stack, job.report), top=job.top
        )
        with shared_output(job.destination) as shared:
            for name in job.inputs:
                road.clean_input(name, shared)
            _keep_a_partial_result_out(job, road.cleaner.tally)
    return road.cleaner.tally


_Opened = tuple[BinaryIO, bool, "os.stat_result | None", Callable[[], "int | None"]]


class Sink:
    """Where one input's (or shard's) output goes; compressed streams get ``write``, files
    ``write_all``.

    ``write_all`` writes past Python's buffer and completes short writes (see ``files``); a
    compressor must see every byte, so it gets them through its own ``write``.
    """

    def __init__(self, stream: BinaryIO, *, packed: bool) -> None:
        self.stream = stream
        self.packed = packed

    def write(self, data: bytes) -> None:
        if self.packed:
            self.stream.write(data)
        else:
            write_all(self.stream, data)


class _Road:
    """One run in progress: the job, the cleaner, and the input bytes done (for progress)."""

    cleaner: Cleaner  # set by run(), inside the report's context

    def __init__(self, job: Job, listener: Listener) -> None:
        self.job = job
        self.listener = listener
        self.bytes_done = 0
        self._exact_lines: exact.ExactLines | None = None  # --across, exact, line by line
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
                    with self._output_for(name, shared) as sink:
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
        :meth:`streams`), it is cleaned as it is read instead.
        """
        if self.streams():
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
        self.listener.cleaned(document, result)
        if result.changed:
            self.listener.changed(document)
        out = result.data
        self._count_bytes(data, out)
        if in_place:
            if result.changed:
                replace_file(path, out, expected=status)
            return
        if self.job.diff:
            out = result.diff(shown).encode("utf-8", "surrogateescape")
        with self._output_for(name, shared) as sink:
            if sink is not None:
                sink.write(out)

    def streams(self) -> bool:
        """Whether a text input is cleaned as it is read (:mod:`dedup.streaming`).

        Not when the whole document is needed: ``-i`` rewrites only a changed file, ``--diff``
        and ``explain`` (``-v``) show its text, keeping recurring structure judges every
        occurrence at once (``streaming.streamable``); nor with a report or the top list,
        which account for each removal of a whole :class:`Result`. Across documents, the
        stream feeds the shared matcher.
        """
        job = self.job
        return (
            streamable(job.options)
            and not (job.options.explain or job.diff)
            and job.records is None
            and job.report is None
            and not isinstance(job.destination, InPlace)
            and not (job.top and isinstance(job.destination, OutputDir))
        )

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

        with self._output_for(name, shared) as sink:
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
        summary = streamer.summary
        tally.documents += 1
        tally.paragraphs += summary.paragraphs
        tally.removed += summary.removed
        tally.exact += summary.exact
        tally.exact_only += len(summary.exact_only)
        document = Document(display_name(name))
        self.listener.streamed(document, summary)
        if summary.changed:
            self.listener.changed(document)

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
                    out = self._cleaned_record(record, Document(shown, number, record.ident))
                    self.listener.progress(self.cleaner.tally, position)
            self._count_bytes(raw, out)
            if sink is not None:
                sink.write(out)

    def _record(self, raw: bytes, shown: str, number: int, records: Records) -> Record | None:
        record = parse_record(raw, shown, number, records, self.listener.warn)
        if record is None:
            self.cleaner.tally.skipped_records += 1
        return record

    def _cleaned_record(self, record: Record, document: Document) -> bytes:
        result = self.cleaner.clean(document, record.text)
        self.listener.cleaned(document, result)
        if not result.removed:
            return record.line.encode("utf-8", "surrogateescape") + record.terminator
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
        run began: :func:`refuse_shared_files`.)
        """
        shown = display_name(name)
        with open_input(path, shown) as (handle, status):
            if path == STDIN:
                stream, found = open_stream(handle, shown)
                yield stream, found is not None, status, lambda: None
                return
            # A plain file to be streamed is read as it is: the decompression layers cost a
            # tenth of exact mode's time, and read_chunks says what a failed read was.
            as_is = self.streams() and status is not None and stat.S_ISREG(status.st_mode)
            stream, found = open_stream(handle, shown, as_is=as_is)
            done = self.bytes_done
            yield stream, found is not None, status, lambda: done + handle.tell()
            self.bytes_done += status.st_size if status is not None else 0

    @contextlib.contextmanager
    def _output_for(self, name: str, shared: Sink | None) -> Iterator[Sink | None]:
        """The shared output, or with ``--output-dir`` this input's own copy."""
        target = self.copies.get(name)
        if target is None:
            yield shared
            return
        with output_file(target, name) as copy:
            yield copy


def parse_record(
    raw: bytes, shown: str, number: int, records: Records, warn: Callable[[str], None]
) -> Record | None:
    """Parse the record on line ``number``; a bad one stops the run, or with ``skip_bad`` is
    passed over with a warning (``None``: write the line through unchanged)."""
    from dedup.records import BadRecord, parse  # JSON Lines only: json costs start-up

    try:
        return parse(raw, field=records.field, id_field=records.id_field)
    except BadRecord as error:
        if not records.skip_bad:
            raise InputError(
                f"{shown}:{number}: {error} (--skip-bad-records passes such records through)"
            ) from None
        warn(f"{shown}:{number}: {error}; passed through unchanged")
        return None


@contextlib.contextmanager
def open_input(path: str, shown: str) -> Iterator[tuple[BinaryIO, os.stat_result | None]]:
    """Open an input (``-``: stdin) as raw bytes with its stat (``None``: not a regular file
    on stdin); a file that cannot be opened, or a directory, is an :class:`InputError`."""
    if path == STDIN:
        stdin = stdin_buffer()
        yield stdin, regular_file_status(stdin)
        return
    try:
        handle = open(os.fsencode(path), "rb")  # noqa: SIM115 (closed by the with below)
    except OSError as error:
        raise InputError(f"{shown}: {reason(error)}") from error
    with handle:
        status = os.fstat(handle.fileno())
        if stat.S_ISDIR(status.st_mode):
            raise InputError(f"{shown}: Is a directory")
        yield handle, status


def _refuse_in_place(data: bytes, shown: str, *, compressed: bool) -> None:
    if compressed:
        raise InputError(f"{shown}: compressed; -i cannot rewrite it, use -o")
    if looks_binary(data):
        # Even with -a: removing "lines" from an image or an archive in place destroys it.
        raise InputError(f"{shown}: binary file (NUL byte); not edited in place")


def refuse_shared_files(job: Job, inputs: Sequence[str], copies: Mapping[str, str]) -> None:
    """Refuse, before anything is read, a run whose outputs clobber an input or each other.

    Every output of the job (stdout, ``-o``, each ``--output-dir`` copy, the report) goes
    through the one rule of :func:`dedup.targets.refuse_overlaps`; ``copies`` maps an input to
    its ``--output-dir`` copy. The same check for one process and for shards.
    """
    outputs: list[Output] = []
    if job.report not in (None, STDIN):
        outputs.append(Output("--report", job.report, place(job.report)))
    destination = job.destination
    if isinstance(destination, Stdout):
        stdout = stream_place(1)
        if stdout is not None:
            outputs.append(Output("stdout", "", stdout))
    elif isinstance(destination, OutputFile):
        outputs.append(Output("-o", destination.path, place(destination.path), may_be_input=True))
    outputs += [Output("--output-dir", copy, place(copy)) for copy in copies.values()]
    stdin = stream_place(0)
    named = [
        (name, where)
        for name in inputs
        if (where := stdin if name == STDIN else place(name)) is not None
    ]
    refuse_overlaps(named, outputs)


@contextlib.contextmanager
def shared_output(destination: Destination) -> Iterator[Sink | None]:
    """Yield where every document goes in turn: stdout, an ``-o`` file, or nowhere (``None``).

    EPIPE from any write into it becomes :class:`PipeClosed`, since click would turn the
    ``OSError`` into exit status 1.
    """
    try:
        if isinstance(destination, Stdout):
            if sys.stdout is None:
                raise OutputError("write error: standard output is closed")
            yield Sink(sys.stdout.buffer, packed=False)
            sys.stdout.buffer.flush()
        elif isinstance(destination, OutputFile):
            with _output_stream(destination.path) as sink:
                yield sink
        else:
            yield None
    except BrokenPipeError as error:
        raise PipeClosed from error


@contextlib.contextmanager
def _output_stream(path: str) -> Iterator[Sink]:
    """``-o``: written in place or replaced, as :func:`dedup.targets.open_target` decides."""
    shown = display_name(path)
    compression = format_for(path)
    with contextlib.ExitStack() as stack:
        # A file is written beside the target and renamed at the end (dedup.targets), so
        # `-o f f` reads f before f is replaced, and a failure never leaves a truncated f.
        handle = stack.enter_context(open_target(path))
        packed = stack.enter_context(writer(handle, compression, shown))
        yield Sink(packed, packed=compression is not None)


def _keep_a_partial_result_out(job: Job, tally: Tally) -> None:
    destination = job.destination
    if (
        tally.failed
        and isinstance(destination, OutputFile)
        and not place(destination.path).in_place
    ):
        # The atomic writer drops its temporary file on this exception.
        raise OutputError(f"{display_name(destination.path)}: left as it was, an input failed")


@contextlib.contextmanager
def output_file(path: str, source: str) -> Iterator[Sink]:
    """Write one ``--output-dir`` copy atomically, compressed if its name says so."""
    shown = display_name(path)
    ready_output(path)
    compression = format_for(path)
    with open_target(path) as handle, writer(handle, compression, shown) as packed:
        yield Sink(packed, packed=compression is not None)


def ready_output(path: str) -> None:
    """Make the directory of an ``--output-dir`` copy (that it is no input was checked first)."""
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    except OSError as error:
        raise OutputError(f"{display_name(path)}: {reason(error)}") from error
