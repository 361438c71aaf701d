"""A sharded corpus run from the driver's side: list the shards, run the stages, gather in order.

:mod:`dedup.stages` holds what runs on the workers; this module decides which stages run
(one matcher, exact grouping, or nothing to resolve), hands them to an executor
(:mod:`dedup.executors`) and takes the results in shard order into the output stream, the
report and the tally, so that every byte comes out where and when one process puts it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import os
import sys
from collections.abc import Callable, Sequence
from typing import BinaryIO

from dedup import parquet
from dedup.compression import format_for, writer
from dedup.corpus import CheckInput, CorpusSettings, Observer, Tally, output_path
from dedup.errors import InputError, OutputError
from dedup.executors import Engine, Executor, executor_for
from dedup.files import STDIN, atomic_writer, display_name
from dedup.pipeline import Options
from dedup.stages import (
    Decision,
    Kind,
    Plan,
    Resolver,
    Shard,
    WriteTask,
    prepare_shard,
    write_shard,
)


def list_shards(files: Sequence[str], settings: CorpusSettings) -> list[Shard]:
    """The shards of a run, in order: files as given, a directory's files, a glob's matches.

    A directory is read recursively in sorted order, hidden files skipped (a ``.NAME.tmp``
    left by a killed run included); under ``--output-dir`` its files keep their names relative
    to it, as datatrove's output folders do. A pattern that is not an existing name is
    expanded with :mod:`glob` (sorted), for corpora with more shards than a command line holds.
    """
    named: list[tuple[str, str]] = []
    for name in files:
        if name != STDIN and os.path.isdir(name):
            found = _walk(name)
            named += [(path, os.path.relpath(path, name)) for path in found]
        elif name != STDIN and not os.path.lexists(name) and glob.has_magic(name):
            found = sorted(p for p in glob.glob(name, recursive=True) if not os.path.isdir(p))
            named += [(path, path) for path in found]
        else:
            named.append((name, name))
            continue
        if not found:
            raise InputError(f"{display_name(name)}: no input files there")
    shards: list[Shard] = []
    targets: dict[str, str] = {}
    for number, (path, relative) in enumerate(named):
        target = None
        if settings.output_dir is not None:
            target = os.path.abspath(output_path(settings.output_dir, relative))
            if target in targets:
                raise InputError(
                    f"{display_name(path)}: --output-dir would write {display_name(target)} "
                    f"twice (also from {display_name(targets[target])})"
                )
            targets[target] = path
        location = path if path == STDIN else os.path.abspath(path)
        shards.append(Shard(number, path, location, _kind(path, settings), target))
    return shards


def _walk(directory: str) -> list[str]:
    found: list[str] = []
    for root, directories, names in os.walk(directory):
        directories[:] = sorted(d for d in directories if not d.startswith("."))
        found += [os.path.join(root, n) for n in names if not n.startswith(".")]
    return sorted(found)


def _kind(path: str, settings: CorpusSettings) -> Kind:
    if parquet.is_parquet(path):
        return "parquet"
    return "jsonl" if settings.jsonl else "text"


def clean_sharded(
    files: Sequence[str],
    options: Options,
    settings: CorpusSettings,
    engine: Engine,
    *,
    sink: BinaryIO | None,
    output: str | None = None,
    warn: Callable[[str], None],
    observer: Observer | None = None,
    check_input: CheckInput | None = None,
    top: bool = False,
) -> Tally:
    """Clean ``files`` as one corpus, shard by shard on ``engine``; the same bytes as one process.

    ``sink``, ``output`` and the rest mean what they mean for :func:`dedup.corpus.clean_corpus`.
    """
    shards = list_shards(files, settings)
    plan = Plan(
        options=options,
        across=settings.across,
        field=settings.field,
        id_field=settings.id_field,
        skip_bad_records=settings.skip_bad_records,
        binary_ok=settings.binary_ok,
        report=settings.report is not None,
        top=top,
        keep_output=sink is not None and settings.output_dir is None,
    )
    _check_shards(shards, plan, engine, check_input)
    with contextlib.ExitStack() as stack:
        executor = executor_for(engine)
        stack.callback(executor.close)
        report = _open_report(stack, settings.report)
        stream = sink
        if sink is not None and output is not None:
            stream = stack.enter_context(writer(sink, format_for(output), display_name(output)))
        tasks = [WriteTask(shard, plan) for shard in shards]
        if settings.across and engine.parallel and options.threshold >= 100:
            from dedup.grouping import grouped  # exact only: grouping replaces the matcher

            tasks = grouped(executor, tasks, warn)
        elif settings.across:
            tasks = _resolved(executor, tasks, warn)
        return _written(executor, tasks, stream, report, warn, observer)


def _check_shards(
    shards: Sequence[Shard], plan: Plan, engine: Engine, check_input: CheckInput | None
) -> None:
    for shard in shards:
        if shard.path == STDIN:
            if engine.parallel:
                raise InputError("<stdin>: --jobs and --engine need file arguments, not stdin")
            continue
        if shard.kind == "parquet" and plan.keep_output:
            raise InputError(
                f"{display_name(shard.name)}: Parquet output needs --output-dir (or --check)"
            )
        if check_input is not None:
            try:
                status = os.stat(os.fsencode(shard.path))
            except OSError:
                continue  # the stage that reads it says why, in order
            check_input(shard.name, status)


def _resolved(
    executor: Executor, tasks: list[WriteTask], warn: Callable[[str], None]
) -> list[WriteTask]:
    """Steps 1 and 2: prepare every shard in parallel, resolve them in order in this process."""
    resolver = Resolver(tasks[0].plan.options if tasks else Options())
    decided: list[list[Decision]] = []
    for prepared in executor.map(prepare_shard, tasks):
        for message in prepared.warnings:
            warn(message)
        decided.append(resolver.resolve(prepared))
    wanted: dict[int, dict[int, set[int]]] = {}
    if tasks and tasks[0].plan.top:
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
    stream: BinaryIO | None,
    report: Callable[[bytes], object] | None,
    warn: Callable[[str], None],
    observer: Observer | None,
) -> Tally:
    """Step 3 on every shard; the results are taken in order into the stream, report and tally."""
    tally = Tally()
    previews: dict[tuple[int, int, int], str] = {}
    originals: list[tuple[int, int, int]] = []
    done = 0
    for task, written in zip(tasks, executor.map(write_shard, tasks), strict=True):
        if task.decisions is None:  # --across warned in step 1 already
            for message in written.warnings:
                warn(message)
        if stream is not None and written.output is not None:
            stream.write(written.output)
        if report is not None and written.report:
            report(written.report)
        _add(tally, written.tally)
        for (position, index), text in written.previews.items():
            previews[(written.number, position, index)] = text
        originals += written.originals
        done += _size(task.shard.path)
        if observer is not None:
            observer.update(tally, lambda done=done: done)  # type: ignore[misc]
    for where in originals:  # --across --stats: in global order, as one process counts them
        tally.repeats[previews[where]] += 1
    return tally


def _add(total: Tally, part: Tally) -> None:
    total.documents += part.documents
    total.paragraphs += part.paragraphs
    total.removed += part.removed
    total.exact += part.exact
    total.bytes_in += part.bytes_in
    total.bytes_out += part.bytes_out
    total.skipped_records += part.skipped_records
    total.repeats.update(part.repeats)


def _size(path: str) -> int:
    try:
        return os.stat(os.fsencode(path)).st_size if path != STDIN else 0
    except OSError:
        return 0


def _open_report(
    stack: contextlib.ExitStack[bool | None], target: str | None
) -> Callable[[bytes], object] | None:
    """Where report lines go: stderr (``-``) or a file written atomically, compressed by name."""
    if target is None:
        return None
    if target == STDIN:
        if sys.stderr is None:
            raise OutputError("--report -: standard error is closed")
        errors = sys.stderr.buffer

        def to_stderr(lines: bytes) -> None:
            sys.stderr.flush()  # keep the order of warnings and report lines
            errors.write(lines)
            errors.flush()

        return to_stderr
    handle = stack.enter_context(atomic_writer(target))
    return stack.enter_context(writer(handle, format_for(target), display_name(target))).write
