"""Exact repeats across a corpus by grouping keys, not one matcher (``--across --threshold 100``).

With exact matching only, keep-first needs no sequential pass. A paragraph is removed exactly
when an earlier eligible paragraph (key at least ``min_chars`` long) has the same key, and
the original it repeats is the *first* paragraph with that key: the first occurrence is
never removed (nothing earlier has its key), so it is kept, and every later occurrence meets
it in the matcher's dictionary. That is what :class:`~dedup.matching.ExhaustiveMatcher` does
with ``threshold=100``, decided one key group at a time instead of one key at a time:

1. per shard (:func:`hash_shard`): split and key every document; send each eligible
   paragraph's key and position to the bucket its hash names;
2. per bucket (:func:`group_bucket`): the occurrences arrive in global order (shards in order,
   each shard's own in order), so one pass finds each key's first occurrence and maps every
   later one to it;
3. per shard (:func:`dedup.stages.write_shard`): the raw decisions go through the same
   ``_decide`` as one process (through :class:`dedup.stages.Replay`), which applies the
   recurring-structure rule, and the shard is cut and written.

Keys are compared whole, never by digest alone, so a hash collision only puts two groups in
one bucket. The driver holds one number per document (where its ids start) and passes the
buckets through; with Ray, the buckets could go worker to worker through the object store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from dedup.corpus import Document
from dedup.executors import Executor
from dedup.matching import Match
from dedup.normalize import key
from dedup.paragraphs import split
from dedup.stages import Decision, Original, WriteTask, _units

Occurrence = tuple[str, int, int, int]
"""A paragraph's key and its position: shard, document (within the shard), paragraph."""


@dataclass(frozen=True)
class Hashed:
    """A shard after step 1: its documents, their paragraph counts and its bucketed keys."""

    number: int
    documents: list[Document]
    paragraphs: list[int]
    buckets: list[list[Occurrence]]
    warnings: list[str]


def bucket_of(text: str, buckets: int) -> int:
    """The bucket a key goes to: a stable hash (Python's own ``hash`` differs per process).

    >>> bucket_of("baca juga", 8) == bucket_of("baca juga", 8)
    True
    """
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % buckets


def hash_shard(item: tuple[WriteTask, int]) -> Hashed:
    """Key a shard's paragraphs and deal the eligible ones into ``buckets`` (step 1)."""
    task, buckets = item
    options = task.plan.options
    warnings: list[str] = []
    documents: list[Document] = []
    paragraphs: list[int] = []
    dealt: list[list[Occurrence]] = [[] for _ in range(buckets)]
    for unit in _units(task.shard, task.plan, warnings):
        if unit.document is None:
            continue
        position = len(documents)
        documents.append(unit.document)
        found = split(unit.text, options.split)
        paragraphs.append(len(found))
        for index, paragraph in enumerate(found):
            text = key(unit.text[paragraph.start : paragraph.end])
            if len(text) >= options.min_chars:
                dealt[bucket_of(text, buckets)].append((text, task.shard.number, position, index))
    return Hashed(task.shard.number, documents, paragraphs, dealt, warnings)


def group_bucket(occurrences: Sequence[Occurrence]) -> list[tuple[Occurrence, Occurrence]]:
    """Map every later occurrence of a key to its first one (step 2); input in global order.

    >>> group_bucket([("a", 0, 0, 0), ("b", 0, 0, 1), ("a", 0, 1, 0)])
    [(('a', 0, 1, 0), ('a', 0, 0, 0))]
    """
    first: dict[str, Occurrence] = {}
    repeats = []
    for occurrence in occurrences:
        kept = first.setdefault(occurrence[0], occurrence)
        if kept is not occurrence:
            repeats.append((occurrence, kept))
    return repeats


def grouped(
    executor: Executor, tasks: list[WriteTask], warn: Callable[[str], None]
) -> list[WriteTask]:
    """Steps 1 and 2 for every shard: the raw exact decisions, attached to each ``WriteTask``."""
    buckets = max(1, len(tasks))
    hashed = list(executor.map(hash_shard, [(task, buckets) for task in tasks]))
    first_ids: list[list[int]] = []
    next_id = 0
    for shard in hashed:
        for message in shard.warnings:
            warn(message)
        starts = []
        for count in shard.paragraphs:
            starts.append(next_id)
            next_id += count
        first_ids.append(starts)
    inputs = [[o for shard in hashed for o in shard.buckets[b]] for b in range(buckets)]
    raw: dict[tuple[int, int], list[tuple[Occurrence, Occurrence]]] = {}
    for repeats in executor.map(group_bucket, inputs):
        for removed, kept in repeats:
            raw.setdefault((removed[1], removed[2]), []).append((removed, kept))

    def global_id(occurrence: Occurrence) -> int:
        return first_ids[occurrence[1]][occurrence[2]] + occurrence[3]

    def decision(shard: Hashed, position: int) -> Decision:
        found = sorted(raw.get((shard.number, position), ()), key=lambda pair: pair[0][3])
        return Decision(
            tuple(Match(global_id(r), global_id(k), 100.0) for r, k in found),
            tuple(Original(hashed[k[1]].documents[k[2]], k[1], k[2], k[3]) for _, k in found),
            first_ids[shard.number][position],
        )

    wanted: dict[int, dict[int, set[int]]] = {}
    if tasks and tasks[0].plan.top:
        for pairs in raw.values():
            for _, kept in pairs:
                wanted.setdefault(kept[1], {}).setdefault(kept[2], set()).add(kept[3])
    return [
        replace(
            task,
            decisions=[decision(shard, p) for p in range(len(shard.documents))],
            wanted={p: tuple(sorted(i)) for p, i in wanted.get(shard.number, {}).items()},
        )
        for task, shard in zip(tasks, hashed, strict=True)
    ]
