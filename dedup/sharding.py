"""A sharded corpus run from the driver's side: list the shards, run the stages, gather in order.

:func:`dedup.run.run` hands a :class:`~dedup.batch.Job` here when it runs as shards (see
``Job.sharded``). :mod:`dedup.stages` holds what runs on the workers; this module decides
which stages run (one matcher, exact grouping, or nothing to resolve), hands them to an
executor (:mod:`dedup.executors`) and takes the results in shard order into the output
stream, the report and the tally, so that every byte comes out where and when one process
puts it. Where output goes, the report file and "input is output" are :mod:`dedup.batch`'s
and :mod:`dedup.report`'s decisions, used here as they are.
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import os
import stat
from collections.abc import Callable

from dedup.corpus import Document, Fingerprint, Tally
from dedup.errors import InputError
from dedup.executors import Engine, Executor, executor_for
from dedup.files import (
    STDIN,
    display_name,
    is_parquet,
    names_shards,
    output_targets,
    reason,
    remove_stale_temporaries,
)
from dedup.job import Job, Listener
from dedup.outputs import OutputDir, OutputFile, Sink, Stdout, refuse_shared_files, shared_output
from dedup.report import open_report
from dedup.shards import Decision, Kind, Shard, ShardSpec, Where, WriteTask
from dedup.stages import Resolver, prepare_shard, write_shard


def list_shards(job: Job, warn: Callable[[str], None] | None = None) -> list[Shard]:
    """The shards of a run, in order: files as given, a directory's files, a glob's matches.

    A directory is read recursively in sorted order, hidden files skipped (a ``.NAME.tmp``
    left by a killed run included); under ``--output-dir`` its files keep their names relative
    to it, as datatrove's output folders do. A pattern that is not an existing name is
    expanded with :mod:`glob` (sorted), for corpora with more shards than a command line holds.

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
            named += [(path, path) for path in found]
        if not found:
            raise InputError(f"{display_name(name)}: no input files there")
    targets: dict[str, str] = {}
    if isinstance(job.destination, OutputDir):
        targets = output_targets(job.destination.path, named)
    shards: list[Shard] = []
    for number, (path, _) in enumerate(named):
        # Absolute: a worker's current directory is not ours.
        target = os.path.abspath(targets[path]) if path in targets else None
        location = path if path == STDIN else os.path.abspath(path)
        shards.append(Shard(number, path, location, _kind(path, job), target))
    return shards


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
    refuse_shared_files(
        job.destination,
        job.report,
        [shard.name for shard in shards],
        # Named relative to here, as the user named the directory, in a refusal's message.
        {shard.path: os.path.relpath(shard.output) for shard in shards if shard.output},
    )
    remove_stale_temporaries(_targets(shards, job))
    with contextlib.ExitStack() as stack:
        executor = executor_for(Engine(job.engine, job.jobs, job.ray_address))
        stack.callback(executor.close)
        report = open_report(stack, job.report)
        with shared_output(job.destination) as shared:
            spec = spec_for(job)
            tasks = [WriteTask(shard, spec) for shard in shards]
            if job.across and job.parallel and job.options.exact:
                from dedup.grouping import grouped  # exact only: grouping replaces the matcher

                tasks = grouped(executor, tasks, listener.warn)
            elif job.across:
                tasks = _resolved(executor, tasks, listener.warn)
            return _written(executor, tasks, shared, report, listener)


def spec_for(job: Job) -> ShardSpec:
    """What the stages need of ``job``: sent with every shard instead of the whole job."""
    return ShardSpec(
        options=job.options,
        records=job.records,
        binary_ok=job.binary_ok,
        top=job.top,
        report=job.report is not None,
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
        elif shard.kind == "parquet" and _keeps_output(job):
            raise InputError(
                f"{display_name(shard.name)}: Parquet output needs --output-dir (or --check)"
            )


def _targets(shards: list[Shard], job: Job) -> list[str]:
    """Every file the run may replace, for the clean-up of a killed run's leftovers."""
    targets = [shard.output for shard in shards if shard.output is not None]
    if isinstance(job.destination, OutputFile):
        targets.append(job.destination.path)
    if job.report not in (None, STDIN):
        targets.append(job.report)
    return targets


def _resolved(
    executor: Executor, tasks: list[WriteTask], warn: Callable[[str], None]
) -> list[WriteTask]:
    """Steps 1 and 2: prepare every shard in parallel, resolve them in order in this process."""
    if not tasks:
        return tasks
    spec = tasks[0].spec
    resolver = Resolver(spec.options)
    decided: list[list[Decision]] = []
    for prepared in executor.map(prepare_shard, tasks):
        for message in prepared.warnings:
            warn(message)
        decided.append(resolver.resolve(prepared))
    wanted: dict[int, dict[int, set[int]]] = {}
    if spec.top or spec.report:
        for decisions in decided:
            for decision in decisions:
                for original in decision.originals:
                    shard = wanted.setdefault(original.shard, {})
                    shard.setdefault(original.position, set()).add(original.paragraph)
    return [
        dataclasses.replace(
            task,
            decisions=decisions,
            wanted={
                position: tuple(sorted(indices))
                for position, indices in wanted.get(task.shard.number, {}).items()
            },
        )
        for task, decisions in zip(tasks, decided, strict=True)
    ]


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
    for task, written in zip(tasks, executor.map(write_shard, tasks), strict=True):
        if task.decisions is None:  # --across warned in step 1 already
            for message in written.warnings:
                listener.warn(message)
        if written.changed:
            listener.changed(Document(display_name(task.shard.name)))
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
        done += _size(task.shard.path)
        listener.progress(tally, lambda done=done: done)  # type: ignore[misc]
    return tally


def _size(path: str) -> int:
    try:
        return os.stat(os.fsencode(path)).st_size if path != STDIN else 0
    except OSError:
        return 0
