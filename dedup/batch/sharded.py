"""A sharded corpus run from the driver's side: list the shards, run the stages, gather in order.

:func:`dedup.batch.run.run` hands a :class:`~dedup.batch.job.Job` here when it runs as shards (see
``Job.sharded``). :mod:`dedup.batch.stages` holds what runs on the workers; this module decides
which stages run (one matcher, exact grouping, or nothing to resolve), hands them to an
executor (:mod:`dedup.batch.executors`) and takes the results in shard order into the output
stream, the report and the tally, so that every byte comes out where and when one process
puts it. Where output goes, the report file and "input is output" are :mod:`dedup.batch.local`'s
and :mod:`dedup.io.report`'s decisions, used here as they are.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import glob
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from dedup.batch.executors import Engine, Executor, executor_for
from dedup.batch.job import Job, Listener
from dedup.batch.shards import Counted, Kind, Shard, ShardSpec, Where, WriteTask, Written
from dedup.batch.stages import write_shard
from dedup.corpus import Fingerprint, Tally
from dedup.errors import InputError
from dedup.io.compression import detect
from dedup.io.files import (
    STDIN,
    display_name,
    is_parquet,
    names_shards,
    output_targets,
    reason,
    remove_stale_temporaries,
)
from dedup.io.outputs import (
    OutputDir,
    OutputFile,
    Sink,
    Stdout,
    ready_output,
    refuse_shared_files,
    shared_output,
)
from dedup.io.report import open_report
from dedup.io.targets import open_target
from dedup.match.matcher import SMALL_INPUT

if TYPE_CHECKING:
    from dedup.batch import near


def list_shards(job: Job, warn: Callable[[str], None] | None = None) -> list[Shard]:
    """The shards of a run, in order: files as given, a directory's files, a glob's matches.

    A directory is read recursively in sorted order, hidden files skipped (a ``.NAME.tmp``
    left by a killed run included); under ``--output-dir`` its files keep their names relative
    to it, as datatrove's output folders do. A pattern that is not an existing name is
    expanded with :mod:`glob` (sorted), for corpora with more shards than a command line holds;
    its matches keep their names relative to the pattern's fixed directory (see
    :func:`pattern_base`), so ``crawl/`` and ``'crawl/*.jsonl'`` name the same copies.

    What a directory or a pattern finds is read only if it is a regular file (or a symlink to
    one): a FIFO would block the run forever, a device or a socket is no shard. Symlinked
    directories are not followed, as ``find`` and ``du`` do not by default: a link may loop
    back, or lead out of the corpus. Each is skipped with a warning (``warn``). The
    ``--output-dir``, when it lies inside an input directory, is never read: it holds this
    run's outputs, or an earlier run's.
    """
    warn = warn or (lambda message: None)
    skip = _output_dir(job)
    named: list[tuple[str, str]] = []
    for name in job.inputs:
        if not names_shards(name):
            named.append((name, name))
            continue
        if os.path.isdir(name):
            found = _walk(name, skip, warn)
            named += [(path, os.path.relpath(path, name)) for path in found]
        else:
            matches = sorted(glob.glob(name, recursive=True))
            found = [p for p in matches if not _inside(p, skip) and _readable_shard(p, warn)]
            base = pattern_base(name)
            named += [(path, os.path.relpath(path, base)) for path in found]
        if not found:
            raise InputError(f"{display_name(name)}: no input files there")
    targets: dict[str, str] = {}
    if isinstance(job.destination, OutputDir):
        targets = output_targets(job.destination.path, named)
    elif (parquet_file := parquet_output(job)) is not None:
        if len(named) != 1 or not is_parquet(named[0][0]):
            shown = display_name(parquet_file)
            raise InputError(f"{shown}: -o NAME.parquet takes one Parquet input")
        targets = {named[0][0]: parquet_file}
    shards: list[Shard] = []
    for path, _ in named:
        # Absolute: a worker's current directory is not ours.
        target = os.path.abspath(targets[path]) if path in targets else None
        location = path if path == STDIN else os.path.abspath(path)
        kind = _kind(path, job)
        whole = Shard(len(shards), path, location, kind, target)
        ranges = byte_ranges(location, job.shard_size) if _splits(whole, job) else []
        if len(ranges) < 2:
            shards.append(whole)
            continue
        for piece, (start, end, line) in enumerate(ranges):
            part = None if target is None else _part_name(target, piece)
            shards.append(
                Shard(len(shards), path, location, kind, part, start, end, line, joined=target)
            )
    return shards


CHUNK = 1 << 20
"""How much of a big file the driver reads at a time while it looks for cut points."""


def byte_ranges(path: str, size: int) -> list[tuple[int, int, int]]:
    """Cut a JSON Lines file into pieces of about ``size`` bytes, each ending with a line.

    Each piece is ``(start, end, first line number)``. The driver reads the file once, to
    find each cut (the first newline at or after ``size`` bytes into a piece) and to count
    the lines before it, so a piece's records get the line numbers one process gives them;
    ``bytes.count`` and ``find`` run at memory speed, far below a worker's cost per record.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as f:
    ...     _ = f.write(b'{"a": 1}\\n{"a": 22}\\n{"a": 3}\\n')
    >>> byte_ranges(f.name, 10)
    [(0, 19, 1), (19, 28, 3)]
    >>> os.unlink(f.name)
    """
    ranges: list[tuple[int, int, int]] = []
    start, line = 0, 1  # the piece being cut, and the number of its first line
    at = newlines = 0  # bytes read so far, and the newlines among them
    with open(os.fsencode(path), "rb") as handle:
        while chunk := handle.read(CHUNK):
            searched = 0
            while start + size < at + len(chunk):
                cut = chunk.find(b"\n", max(start + size - at, searched))
                if cut < 0:
                    break  # the line goes on in the next chunk
                end = at + cut + 1
                line_after = newlines + chunk.count(b"\n", 0, cut + 1) + 1
                ranges.append((start, end, line))
                start, line, searched = end, line_after, cut + 1
            newlines += chunk.count(b"\n")
            at += len(chunk)
    if start < at:
        ranges.append((start, at, line))
    return ranges


def _splits(shard: Shard, job: Job) -> bool:
    """Whether a shard is read as byte ranges: a plain (not compressed) JSON Lines file
    larger than ``job.shard_size``. A text file is one document, whose rules (keep-first
    inside it, its passages and structure) need all of it: it is never cut."""
    if shard.kind != "jsonl" or shard.path == STDIN:
        return False
    try:
        status = os.stat(os.fsencode(shard.path))
        if not stat.S_ISREG(status.st_mode) or status.st_size <= job.shard_size:
            return False
        with open(os.fsencode(shard.path), "rb") as handle:
            return detect(handle.read(4)) is None
    except OSError:
        return False  # the stage that reads it says why, in order


def _part_name(target: str, piece: int) -> str:
    """Where a piece's output waits to be joined: a hidden name beside the target, of the
    pattern :func:`~dedup.io.files.remove_stale_temporaries` clears after a killed run."""
    directory, base = os.path.split(target)
    return os.path.join(directory, f".{base}.part{piece:04d}.tmp")


def pattern_base(pattern: str) -> str:
    """The directory a glob pattern starts from: its leading parts without wildcards.

    One rule for ``--output-dir`` names: a match is named relative to this, as a directory's
    files are named relative to the directory.

    >>> pattern_base("crawl/*.jsonl"), pattern_base("data/**/0*.parquet"), pattern_base("*.txt")
    ('crawl', 'data', '.')
    """
    fixed: list[str] = []
    head, parts = pattern, []
    while True:
        head, tail = os.path.split(head)
        if not tail:
            break
        parts.append(tail)
    for part in reversed(parts[1:]):  # the last part names files, never the base
        if glob.has_magic(part):
            break
        fixed.append(part)
    return os.path.join(head, *fixed) if (head or fixed) else "."


def parquet_output(job: Job) -> str | None:
    """The Parquet file ``-o`` names, if it names one: the one Parquet input is written there,
    by row groups, as an ``--output-dir`` shard is, and no byte stream is opened."""
    destination = job.destination
    if isinstance(destination, OutputFile) and is_parquet(destination.path):
        return destination.path
    return None


def _output_dir(job: Job) -> str | None:
    destination = job.destination
    return os.path.realpath(destination.path) if isinstance(destination, OutputDir) else None


def _inside(path: str, directory: str | None) -> bool:
    if directory is None:
        return False
    real = os.path.realpath(path)
    return real == directory or real.startswith(directory.rstrip(os.sep) + os.sep)


def _readable_shard(path: str, warn: Callable[[str], None]) -> bool:
    """Whether a found name is a shard to read; a directory is silently passed over."""
    try:
        status = os.stat(os.fsencode(path))
    except OSError as error:
        warn(f"{display_name(path)}: {reason(error)}; skipped")
        return False
    if stat.S_ISDIR(status.st_mode):
        if os.path.islink(path):
            warn(f"{display_name(path)}: symlinked directory, not followed; skipped")
        return False
    if not stat.S_ISREG(status.st_mode):
        warn(f"{display_name(path)}: {_kind_of(status.st_mode)}, not a regular file; skipped")
        return False
    return True


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file"


def _walk(directory: str, skip: str | None, warn: Callable[[str], None]) -> list[str]:
    found: list[str] = []
    for root, directories, names in os.walk(directory):
        kept = []
        for entry in sorted(d for d in directories if not d.startswith(".")):
            path = os.path.join(root, entry)
            if _inside(path, skip):
                continue
            if os.path.islink(path):  # os.walk lists it, and does not go in
                warn(f"{display_name(path)}: symlinked directory, not followed; skipped")
                continue
            kept.append(entry)
        directories[:] = kept
        paths = (os.path.join(root, n) for n in names if not n.startswith("."))
        found += [path for path in paths if _readable_shard(path, warn)]
    return sorted(found)


def _kind(path: str, job: Job) -> Kind:
    if is_parquet(path):
        return "parquet"
    return "text" if job.records is None else "jsonl"


def run_sharded(job: Job, listener: Listener) -> Tally:
    """Clean the job's inputs as one corpus, shard by shard; the same bytes as one process.

    A sharded run stops at its first bad input, whatever ``job.on_bad_input`` says: the
    stages of the other shards are already under way.
    """
    shards = list_shards(job, listener.warn)
    _check_shards(shards, job)
    _refuse_shared_files(shards, job)
    targets, started = _targets(shards, job), time.time()
    remove_stale_temporaries(targets)
    with contextlib.ExitStack() as stack:
        # Last, once every worker has stopped: what a worker killed mid-stage left (its
        # shard ran again, or the run stopped).
        stack.callback(remove_stale_temporaries, targets, since=started)
        executor = stack.enter_context(executor_for(Engine(job.engine, job.jobs, job.ray_address)))
        report = open_report(stack, job.report)
        to_parquet = parquet_output(job) is not None
        with contextlib.nullcontext() if to_parquet else shared_output(job.destination) as shared:
            spec = spec_for(job)
            tasks = [WriteTask(shard, spec) for shard in shards]
            if job.across and job.options.exact:
                tasks = _grouped(executor, tasks, listener, stack)
            elif job.across:
                tasks = _staged(executor, tasks, listener, stack)
            return _written(executor, tasks, shared, report, listener)


def spec_for(job: Job) -> ShardSpec:
    """What the stages need of ``job``: sent with every shard instead of the whole job."""
    return ShardSpec(
        options=job.options,
        records=job.records,
        binary_ok=job.binary_ok,
        top=job.top,
        report=job.report is not None,
        counts=job.top,
        keeps_output=_keeps_output(job),
    )


def _keeps_output(job: Job) -> bool:
    """Whether shards send their output bytes back to the driver: one stream (stdout, ``-o``)."""
    return isinstance(job.destination, Stdout | OutputFile)


def _check_shards(shards: list[Shard], job: Job) -> None:
    for shard in shards:
        if shard.path == STDIN:
            if job.parallel:
                raise InputError("<stdin>: --jobs and --engine need file arguments, not stdin")
        elif shard.kind == "parquet" and _keeps_output(job) and shard.output is None:
            raise InputError(
                f"{display_name(shard.name)}: Parquet output needs -o NAME.parquet or "
                "--output-dir (or --check)"
            )


def _targets(shards: list[Shard], job: Job) -> list[str]:
    """Every file the run may replace, for the clean-up of a killed run's leftovers."""
    targets = [shard.output for shard in shards if shard.output is not None]
    if isinstance(job.destination, OutputFile):
        targets.append(job.destination.path)
    if job.report not in (None, STDIN):
        targets.append(job.report)
    return targets


def _refuse_shared_files(shards: list[Shard], job: Job) -> None:
    """Refuse a run whose outputs clobber a shard or each other, before any stage starts.

    The one rule of :func:`dedup.io.outputs.refuse_shared_files`, with the shards' outputs:
    a big file's pieces are one copy, the file they are joined into; ``-o NAME.parquet`` is
    the one Parquet input's copy, said as ``-o``.
    """
    copies = {
        shard.path: os.path.relpath(copy)
        for shard in shards
        if (copy := shard.joined or shard.output) is not None
    }
    # Named relative to here, as the user named the directory, in a refusal's message.
    refuse_shared_files(
        job.destination,
        job.report,
        [shard.name for shard in shards],
        {} if parquet_output(job) is not None else copies,
    )


def _first_ids(
    passes: Iterable[Counted], listener: Listener, stage: str, count: int
) -> tuple[tuple[int, ...], int]:
    """Take a first pass's shards in order: say their warnings, show the stage's progress and
    return each shard's first global paragraph id (the paragraphs of the shards before it)
    and the paragraphs of all."""
    offsets: list[int] = []
    total = 0
    for counted in passes:
        for message in counted.warnings:
            listener.warn(message)
        offsets.append(total)
        total += counted.paragraphs
        listener.stage(stage, len(offsets), count)
    return tuple(offsets), total


def _grouped(
    executor: Executor, tasks: list[WriteTask], listener: Listener, stack: contextlib.ExitStack
) -> list[WriteTask]:
    """Exact ``--across``: key every shard once, group the keys by bucket
    (:mod:`dedup.batch.grouping`); the write tasks read their repeats themselves."""
    if not tasks:
        return tasks
    from dedup.batch import grouping

    work = stack.enter_context(tempfile.TemporaryDirectory(prefix="dedup-stages-"))
    spec = tasks[0].spec
    count = len(tasks)
    plan = grouping.Plan(work, count, count, wanted=spec.top or spec.report)
    offsets, _ = _first_ids(
        executor.map(grouping.hash_shard, [(t, plan) for t in tasks]), listener, "keyed", count
    )
    plan = dataclasses.replace(plan, offsets=offsets)
    for done, _ in enumerate(
        executor.map(grouping.group_shards, [(b, plan) for b in range(count)])
    ):
        listener.stage("grouped", done + 1, count)
    decided = functools.partial(grouping.with_decisions, plan)
    return [dataclasses.replace(task, decided=decided) for task in tasks]


def _staged(
    executor: Executor, tasks: list[WriteTask], listener: Listener, stack: contextlib.ExitStack
) -> list[WriteTask]:
    """Near ``--across``: :func:`near_stages` in a work directory removed on every way out."""
    if not tasks:
        return tasks
    work = stack.enter_context(tempfile.TemporaryDirectory(prefix="dedup-stages-"))
    return near_stages(executor, tasks, listener, work)[0]


def near_stages(
    executor: Executor,
    tasks: list[WriteTask],
    listener: Listener,
    work: str,
    timings: dict[str, float] | None = None,
) -> tuple[list[WriteTask], near.Resolved]:
    """Prepare, exact, bands, candidates, verify and resolve as stages (:mod:`dedup.batch.near`);
    return the write tasks, which read their decisions themselves, and what resolve measured.

    The driver schedules each stage over shards or buckets, adds up one number per shard
    (where its ids start) and the first ids of the small-input part; everything else goes
    from stage to stage through ``work``. ``timings`` gets the CPU seconds this process spent
    in each stage (the benchmark runs the stages here, so that is their cost).
    """
    from dedup.batch import near  # numpy, and only near --across needs it

    clock = _Clock(timings)
    spec = tasks[0].spec
    count = len(tasks)
    plan = near.Plan(work, count, count, spec.options, wanted=spec.top or spec.report)
    offsets, total = _first_ids(
        executor.map(near.prepare, [(t, plan) for t in tasks]), listener, "prepared", count
    )
    clock.lap("prepare")
    plan = dataclasses.replace(plan, offsets=offsets)
    _each(executor, near.exact, plan, plan.buckets, listener, "grouped")
    clock.lap("exact")
    first_ids: list[int] = []
    for done, banded in enumerate(executor.map(near.bands, [(n, plan) for n in range(count)])):
        first_ids += banded.first_ids[: max(0, SMALL_INPUT + 1 - len(first_ids))]
        listener.stage("banded", done + 1, count)
    clock.lap("bands")
    below = first_ids[SMALL_INPUT] if len(first_ids) > SMALL_INPUT else total
    plan = dataclasses.replace(plan, exhaustive_below=below)
    _each(executor, near.candidates, plan, plan.buckets, listener, "paired")
    clock.lap("candidates")
    _each(executor, near.verify_shard, plan, count, listener, "verified")
    clock.lap("verify")
    (resolved,) = executor.map(near.resolve, [plan])
    listener.stage("resolved", 1, 1)
    clock.lap("resolve")
    decided = functools.partial(near.with_decisions, work)
    return [dataclasses.replace(task, decided=decided) for task in tasks], resolved


class _Clock:
    """CPU seconds of this process per stage, when asked for: steady on a loaded machine."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self._timings = timings
        self._last = time.process_time()

    def lap(self, name: str) -> None:
        now = time.process_time()
        if self._timings is not None:
            self._timings[name] = now - self._last
        self._last = now


def _each(
    executor: Executor,
    stage: Callable[[tuple[int, near.Plan]], object],
    plan: near.Plan,
    count: int,
    listener: Listener,
    name: str,
) -> None:
    """Run ``stage`` on shard (or bucket) numbers 0 to ``count - 1``; tell the listener."""
    for done, _ in enumerate(executor.map(stage, [(n, plan) for n in range(count)])):
        listener.stage(name, done + 1, count)


def _written(
    executor: Executor,
    tasks: list[WriteTask],
    stream: Sink | None,
    report: Callable[[dict[str, object]], None] | None,
    listener: Listener,
) -> Tally:
    """Step 3 on every shard; the results are taken in order into the stream, report and tally."""
    tally = Tally()
    kept: dict[Where, tuple[int, Fingerprint]] = {}
    done = 0
    parts = _Parts(tasks)
    with parts:
        for task, written in zip(tasks, executor.map(write_shard, tasks), strict=True):
            _take(task, written, stream, report, listener, tally, kept)
            parts.written(task.shard)
            listener.stage("written", task.shard.number + 1, len(tasks))
            done += _size(task.shard)
            listener.progress(tally, lambda done=done: done)  # type: ignore[misc]
    return tally


def _take(
    task: WriteTask,
    written: Written,
    stream: Sink | None,
    report: Callable[[dict[str, object]], None] | None,
    listener: Listener,
    tally: Tally,
    kept: dict[Where, tuple[int, Fingerprint]],
) -> None:
    """Take one shard's results, in shard order, into the stream, the report and the tally."""
    if task.decisions is None and task.decided is None:  # --across warned in step 1 already
        for message in written.warnings:
            listener.warn(message)
    for document, outcome in written.documents:
        listener.done(document, outcome)
    if stream is not None and written.output is not None:
        stream.write(written.output)
    for (position, index), found in written.kept.items():
        kept[(written.number, position, index)] = found
    if report is not None:
        for entry, where in written.report:
            if where is not None:  # an original in another document: its line and text
                repeats = entry["repeats"]
                assert isinstance(repeats, dict)
                repeats["line"], (_, repeats["text"]) = kept[where]
            report(entry)
    tally.merge(written.tally)
    for where in written.originals:  # --across --stats: in global order, as one process
        tally.count_repeat(kept[where][1])


class _Parts:
    """Joins the pieces of a big file, in order, into its one ``--output-dir`` copy.

    The driver only concatenates: each piece was cleaned and written by a stage. The copy
    appears atomically once its last piece is in; on any failure every part is removed.
    """

    def __init__(self, tasks: list[WriteTask]) -> None:
        self._last: dict[str, int] = {}
        for task in tasks:
            if task.shard.joined is not None:
                self._last[task.shard.joined] = task.shard.number
        self._waiting: list[str] = []
        self._all = [t.shard.output for t in tasks if t.shard.joined and t.shard.output]

    def __enter__(self) -> _Parts:
        return self

    def __exit__(self, *failed: object) -> None:
        if failed[0] is not None:
            for part in self._all:
                with contextlib.suppress(OSError):
                    os.unlink(part)

    def written(self, shard: Shard) -> None:
        """Note that ``shard`` is written; join its file when it was the last piece."""
        if shard.joined is None or shard.output is None:
            return
        self._waiting.append(shard.output)
        if self._last[shard.joined] != shard.number:
            return
        import shutil

        ready_output(shard.joined)
        with open_target(shard.joined) as joined:
            for part in self._waiting:
                with open(os.fsencode(part), "rb") as piece:
                    shutil.copyfileobj(piece, joined, CHUNK)
        for part in self._waiting:
            with contextlib.suppress(OSError):
                os.unlink(part)
        self._waiting = []


def _size(shard: Shard) -> int:
    if shard.end is not None:
        return shard.end - shard.start
    try:
        return os.stat(os.fsencode(shard.path)).st_size if shard.path != STDIN else 0
    except OSError:
        return 0
