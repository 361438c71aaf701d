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
    remove_stale_temporaries,
)
from dedup.job import Job, Listener
from dedup.outputs import OutputDir, OutputFile, Sink, Stdout, refuse_same_file, shared_output
from dedup.report import open_report
from dedup.shards import Decision, Kind, Shard, ShardSpec, Where, WriteTask
from dedup.stages import Resolver, prepare_shard, write_shard


def list_shards(job: Job) -> list[Shard]:
    """The shards of a run, in order: files as given, a directory's files, a glob's matches.

    A directory is read recursively in sorted order, hidden files skipped (a ``.NAME.tmp``
    left by a killed run included); under ``--output-dir`` its files keep their names relative
    to it, as datatrove's output folders do. A pattern that is not an existing name is
    expanded with :mod:`glob` (sorted), for corpora with more shards than a command line holds.
    """
    named: list[tuple[str, str]] = []
    for name in job.inputs:
        if not names_shards(name):
            named.append((name, name))
            continue
        if os.path.isdir(name):
            found = _walk(name)
            named += [(path, os.path.relpath(path, name)) for path in found]
        else:
            found = sorted(p for p in glob.glob(name, recursive=True) if not os.path.isdir(p))
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


def _walk(directory: str) -> list[str]:
    found: list[str] = []
    for root, directories, names in os.walk(directory):
        directories[:] = sorted(d for d in directories if not d.startswith("."))
        found += [os.path.join(root, n) for n in names if not n.startswith(".")]
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
    shards = list_shards(job)
    _check_shards(shards, job)
    remove_stale_temporaries(_targets(shards, job))
    with contextlib.ExitStack() as stack:
        executor = executor_for(Engine(job.engine, job.jobs, job.ray_address))
        stack.callback(executor.close)
        report = open_report(stack, job.report)
        with shared_output(job.destination) as shared:
            if shared is not None:
                _refuse_the_output(shards, shared)
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


def _refuse_the_output(shards: list[Shard], shared: Sink) -> None:
    """Refuse a shard that is the file stdout or ``-o`` writes to, before any stage starts."""
    for shard in shards:
        if shard.path == STDIN:
            continue
        try:
            status = os.stat(os.fsencode(shard.path))
        except OSError:
            continue  # the stage that reads it says why, in order
        refuse_same_file(display_name(shard.name), status, shared.stream)


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
