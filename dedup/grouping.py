"""Exact repeats across a corpus by grouping keys, not one matcher (``--across --threshold 100``).

With exact matching only, keep-first needs no sequential pass. A substantive paragraph (key at
least ``min_chars`` long) is removed exactly when an earlier one has the same key, and the
original it repeats is the *first* paragraph with that key: the first occurrence is never
removed (nothing earlier has its key), so it is kept, and every later occurrence meets it in
the matcher's dictionary. That is what :class:`~dedup.matching.Matcher` does with
``threshold=100``, decided one key group at a time instead of one key at a time:

1. per shard (:func:`hash_shard`): split and key every document; send each substantive
   paragraph's key, position and what follows it to the bucket its key's hash names;
2. per bucket (:func:`group_bucket`): the occurrences arrive in global order (shards in order,
   each shard's own in order), so one pass finds each key's first occurrence and maps every
   later one to it;
3. per shard (:func:`dedup.stages.write_shard`): :func:`dedup.recurring.with_short_ones` adds
   the short paragraphs that go with a removed passage, the same
   :func:`~dedup.pipeline.decide` as one process finishes the decisions (through
   :class:`dedup.stages.Replay`), and the shard is cut and written.

Keys are compared whole, never by digest alone, so a hash collision only puts two groups in
one bucket. The driver holds one number per document (where its ids start) and passes the
buckets through; with Ray, they could go worker to worker through the object store instead.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from dedup.corpus import Document
from dedup.executors import Executor, shuffle
from dedup.matching import Match, is_substantive
from dedup.normalize import key
from dedup.paragraphs import split
from dedup.recurring import Follow
from dedup.shards import Decision, Original, WriteTask, read_units

Occurrence = tuple[str, int, int, int, Follow]
"""A substantive paragraph: its key, its position (shard, document within the shard,
paragraph) and what follows it."""


@dataclass(frozen=True)
class Hashed:
    """A shard after step 1, what the driver gets of it: its documents and paragraph counts.

    Its bucketed keys travel separately, from worker to worker where the executor can.
    """

    number: int
    documents: list[Document]
    paragraphs: list[int]
    warnings: list[str]


def bucket_of(text: str, buckets: int) -> int:
    """The bucket a key goes to: a stable hash (Python's own ``hash`` differs per process).

    >>> bucket_of("baca juga", 8) == bucket_of("baca juga", 8)
    True
    """
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % buckets


def hash_shard(item: tuple[WriteTask, int]) -> tuple[Hashed, list[list[Occurrence]]]:
    """Key a shard's paragraphs and deal the substantive ones into ``buckets`` (step 1)."""
    task, buckets = item
    options = task.spec.options
    warnings: list[str] = []
    documents: list[Document] = []
    paragraphs: list[int] = []
    dealt: list[list[Occurrence]] = [[] for _ in range(buckets)]
    for unit in read_units(task.shard, task.spec, warnings):
        if unit.document is None:
            continue
        position = len(documents)
        documents.append(unit.document)
        found = split(unit.text, options.split)
        paragraphs.append(len(found))
        keys = [key(unit.text[p.start : p.end]) for p in found]
        for occurrence in occurrences(keys, task.shard.number, position, options.min_chars):
            dealt[bucket_of(occurrence[0], buckets)].append(occurrence)
    return Hashed(task.shard.number, documents, paragraphs, warnings), dealt


def occurrences(keys: Sequence[str], shard: int, position: int, min_chars: int) -> list[Occurrence]:
    """A document's substantive paragraphs as occurrences, each with what follows it.

    >>> occurrences(["a long one", "*", "another"], 0, 0, 5)[0]
    ('a long one', 0, 0, 0, ('another', ('*',)))
    """
    substantive = [i for i, k in enumerate(keys) if is_substantive(k, min_chars)]
    found = []
    for index, following in itertools.zip_longest(substantive, substantive[1:]):
        follow = None
        if following is not None and following - index > 1:
            follow = (keys[following], tuple(keys[index + 1 : following]))
        found.append((keys[index], shard, position, index, follow))
    return found


def group_bucket(occurrences: Sequence[Occurrence]) -> list[tuple[Occurrence, Occurrence]]:
    """Map every later occurrence of a key to its first one (step 2); input in global order.

    The pairs go back without their key: positions (and what follows the original) are all
    that the write stage needs, and the key is the bulk of the bytes.

    >>> group_bucket([("a", 0, 0, 0, None), ("b", 0, 0, 1, None), ("a", 0, 1, 0, None)])
    [(('', 0, 1, 0, None), ('', 0, 0, 0, None))]
    """
    first: dict[str, Occurrence] = {}
    repeats = []
    for occurrence in occurrences:
        kept = first.setdefault(occurrence[0], occurrence)
        if kept is not occurrence:
            repeats.append((("", *occurrence[1:]), ("", *kept[1:])))
    return repeats


def group_parts(parts: list[list[Occurrence]]) -> list[tuple[Occurrence, Occurrence]]:
    """:func:`group_bucket` of one bucket's parts from every shard, in shard order."""
    return group_bucket(list(itertools.chain.from_iterable(parts)))


def grouped(
    executor: Executor, tasks: list[WriteTask], warn: Callable[[str], None]
) -> list[WriteTask]:
    """Steps 1 and 2 for every shard: the raw exact decisions, attached to each ``WriteTask``."""
    buckets = max(1, len(tasks))
    items = [(task, buckets) for task in tasks]
    hashed, grouped_buckets = shuffle(executor, hash_shard, group_parts, items, buckets)
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
    raw: dict[tuple[int, int], list[tuple[Occurrence, Occurrence]]] = {}
    for repeats in grouped_buckets:
        for removed, kept in repeats:
            raw.setdefault((removed[1], removed[2]), []).append((removed, kept))

    def global_id(occurrence: Occurrence) -> int:
        return first_ids[occurrence[1]][occurrence[2]] + occurrence[3]

    def decision(shard: Hashed, position: int) -> Decision:
        found = sorted(raw.get((shard.number, position), ()), key=lambda pair: pair[0][3])
        return Decision(
            tuple(Match(global_id(r), global_id(k), 100.0, "exact") for r, k in found),
            tuple(Original(hashed[k[1]].documents[k[2]], k[1], k[2], k[3]) for _, k in found),
            first_ids[shard.number][position],
            tuple(k[4] for _, k in found),
        )

    wanted: dict[int, dict[int, set[int]]] = {}
    if tasks and (tasks[0].spec.top or tasks[0].spec.report):
        for pairs in raw.values():
            for _, kept in pairs:
                shorts = len(kept[4][1]) if kept[4] is not None else 0  # they may go too
                indices = range(kept[3], kept[3] + 1 + shorts)
                wanted.setdefault(kept[1], {}).setdefault(kept[2], set()).update(indices)
    return [
        replace(
            task,
            decisions=[decision(shard, p) for p in range(len(shard.documents))],
            wanted={p: tuple(sorted(i)) for p, i in wanted.get(shard.number, {}).items()},
        )
        for task, shard in zip(tasks, hashed, strict=True)
    ]
