"""Exact repeats across a corpus by grouping keys, not one matcher (``--across --threshold 100``).

With exact matching only, keep-first needs no sequential pass. A substantive paragraph (key at
least ``min_chars`` long) is removed exactly when an earlier one has the same key, and the
original it repeats is the *first* paragraph with that key: the first occurrence is never
removed (nothing earlier has its key), so it is kept, and every later occurrence meets it in
the matcher's dictionary. That is what :class:`~dedup.match.matcher.Matcher` does with
``threshold=100``, decided one key group at a time instead of one key at a time:

1. per shard (:func:`hash_shard`): split and key every document, once; keep the keys in the
   run's work directory (:mod:`dedup.batch.spill`) for the write stage; send the first
   occurrence in the shard of each key, with its position and what follows it, to the bucket
   its key's hash names;
2. per bucket (:func:`group_shards`): the occurrences arrive in global order (shards in
   order, each shard's own in order), so one pass finds each key's first occurrence in the
   corpus; every later one goes back to its own shard with the first it repeats, and every
   first that is repeated to its shard (its line and text go in the report);
3. per shard (:func:`with_decisions`, then :func:`dedup.batch.stages.write_shard`): the
   shard's repeats come from the buckets and its keys from step 1 (the shard is read again
   to be written, but not keyed again); :func:`dedup.match.passages.with_short_ones` adds the
   short paragraphs that go with a removed passage, the same :func:`~dedup.pipeline.decide`
   as one process finishes the decisions (through :class:`dedup.batch.stages.Replay`), and
   the shard is cut and written.

Keys are compared whole, never by digest alone, so a hash collision only puts two groups in
one bucket. The driver holds one number per shard (where its ids start); the buckets go from
stage to stage through the work directory, never through it.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from dedup.batch.shards import Counted, Decision, Original, WriteTask, read_units
from dedup.batch.spill import load, load_part, save, save_parts
from dedup.corpus import Document
from dedup.match.matcher import Match, is_substantive
from dedup.match.passages import Follow
from dedup.text.normalize import key
from dedup.text.paragraphs import split

Occurrence = tuple[str, int, int, int, Follow, int]
"""A substantive paragraph: its key, its position (shard, document within the shard,
paragraph), what follows it and its place among the shard's paragraphs."""


@dataclass(frozen=True)
class Plan:
    """What every stage of one grouping needs to know: small, sent with each task."""

    work: str
    shards: int
    buckets: int
    offsets: tuple[int, ...] = ()
    """The global id of each shard's first paragraph (after step 1)."""
    wanted: bool = False
    """Whether the write stage needs the originals' lines (``--report``, ``--stats``)."""

    def path(self, name: str) -> Path:
        """A file of the work directory."""
        return Path(self.work, name)


def bucket_of(text: str, buckets: int) -> int:
    """The bucket a key goes to: a stable hash (Python's own ``hash`` differs per process).

    >>> bucket_of("baca juga", 8) == bucket_of("baca juga", 8)
    True
    """
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % buckets


def hash_shard(item: tuple[WriteTask, Plan]) -> Counted:
    """Key a shard's paragraphs, keep the keys, deal each key's first occurrence (step 1)."""
    task, plan = item
    options = task.spec.options
    warnings: list[str] = []
    documents: list[Document] = []
    counts: list[int] = []
    keys: list[str] = []
    dealt: list[list[Occurrence]] = [[] for _ in range(plan.buckets)]
    first: dict[str, Occurrence] = {}  # the first occurrence in the shard of each key
    again: list[tuple[int, int, Occurrence]] = []  # later ones: (position, index, the first)
    for unit in read_units(task.shard, task.spec, warnings):
        if unit.document is None:
            continue
        position = len(documents)
        documents.append(unit.document)
        found = split(unit.text, options.split)
        counts.append(len(found))
        document_keys = [key(unit.text[p.start : p.end]) for p in found]
        keys += document_keys
        start = len(keys) - len(document_keys)
        for occurrence in occurrences(
            document_keys, task.shard.number, position, options.min_chars, start
        ):
            known = first.setdefault(occurrence[0], occurrence)
            if known is occurrence:
                dealt[bucket_of(occurrence[0], plan.buckets)].append(occurrence)
            else:  # decided in the shard: it repeats what its first one is or repeats
                again.append((position, occurrence[3], ("", *known[1:])))
    number = task.shard.number
    save(plan.path(f"keys-{number}"), (counts, keys, again))
    save(plan.path(f"documents-{number}"), documents)
    save_parts(plan.path(f"exact-{number}"), dealt)
    return Counted(number, len(keys), warnings)


def occurrences(
    keys: Sequence[str], shard: int, position: int, min_chars: int, start: int = 0
) -> list[Occurrence]:
    """A document's substantive paragraphs as occurrences, each with what follows it;
    ``start`` is the document's first paragraph's place among the shard's.

    >>> occurrences(["a long one", "*", "another"], 0, 0, 5, 10)[0]
    ('a long one', 0, 0, 0, ('another', ('*',)), 10)
    """
    substantive = [i for i, k in enumerate(keys) if is_substantive(k, min_chars)]
    found = []
    for index, following in itertools.zip_longest(substantive, substantive[1:]):
        follow = None
        if following is not None and following - index > 1:
            follow = (keys[following], tuple(keys[index + 1 : following]))
        found.append((keys[index], shard, position, index, follow, start + index))
    return found


def group_bucket(occurrences: Sequence[Occurrence]) -> list[tuple[Occurrence, Occurrence]]:
    """Map every later occurrence of a key to its first one (step 2); input in global order.

    The pairs go back without their key: positions (and what follows the original) are all
    that the write stage needs, and the key is the bulk of the bytes.

    >>> group_bucket([("a", 0, 0, 0, None, 0), ("b", 0, 0, 1, None, 1), ("a", 0, 1, 0, None, 2)])
    [(('', 0, 1, 0, None, 2), ('', 0, 0, 0, None, 0))]
    """
    first: dict[str, Occurrence] = {}
    repeats = []
    for occurrence in occurrences:
        kept = first.setdefault(occurrence[0], occurrence)
        if kept is not occurrence:
            repeats.append((("", *occurrence[1:]), ("", *kept[1:])))
    return repeats


def group_shards(item: tuple[int, Plan]) -> int:
    """:func:`group_bucket` of one bucket's parts from every shard, in shard order (step 2);
    the repeats go to their shard, the repeated first occurrences to theirs."""
    bucket, plan = item
    parts = [load_part(plan.path(f"exact-{n}"), bucket) for n in range(plan.shards)]
    repeats: list[list[tuple[int, int, Occurrence]]] = [[] for _ in range(plan.shards)]
    wanted: list[list[tuple[int, int, int]]] = [[] for _ in range(plan.shards)]
    for removed, kept in group_bucket(list(itertools.chain.from_iterable(parts))):
        repeats[removed[1]].append((removed[2], removed[3], kept))
        if plan.wanted:
            shorts = len(kept[4][1]) if kept[4] is not None else 0  # they may go too
            wanted[kept[1]].append((kept[2], kept[3], kept[3] + 1 + shorts))
    save_parts(plan.path(f"repeats-{bucket}"), repeats)
    save_parts(plan.path(f"wanted-{bucket}"), wanted)
    return sum(map(len, repeats))


def with_decisions(plan: Plan, task: WriteTask) -> WriteTask:
    """The write task of a shard with its raw exact decisions (step 3, in the write stage).

    The first occurrence in the shard of each key that an earlier shard has comes from the
    buckets; a later occurrence in the shard repeats what that first one repeats, or the
    first itself. What the write stage then does with them is what it does for every road.
    """
    number = task.shard.number
    counts, keys, again = load(plan.path(f"keys-{number}"))
    documents: list[Document] = load(plan.path(f"documents-{number}"))
    repeats: dict[int, list[tuple[int, Occurrence]]] = {}  # position -> (index, original)
    earlier: dict[tuple[int, int], Occurrence] = {}  # a first in the shard -> what it repeats
    wanted: dict[int, set[int]] = {}
    for bucket in range(plan.buckets):
        for position, index, kept in load_part(plan.path(f"repeats-{bucket}"), number):
            earlier[(position, index)] = kept
            repeats.setdefault(position, []).append((index, kept))
        for position, start, end in load_part(plan.path(f"wanted-{bucket}"), number):
            wanted.setdefault(position, set()).update(range(start, end))
    for position, index, first in again:
        kept = earlier.get((first[2], first[3]), first)
        repeats.setdefault(position, []).append((index, kept))
        if plan.wanted and kept is first:  # the buckets named the other shards' ones
            shorts = len(kept[4][1]) if kept[4] is not None else 0
            wanted.setdefault(kept[2], set()).update(range(kept[3], kept[3] + 1 + shorts))
    others: dict[int, list[Document]] = {number: documents}

    def documents_of(shard: int) -> list[Document]:
        if shard not in others:
            others[shard] = load(plan.path(f"documents-{shard}"))
        return others[shard]

    decisions = []
    at = 0
    nothing = Decision((), (), 0)
    for position, count in enumerate(counts):
        found = sorted(repeats.get(position, ()), key=lambda pair: pair[0])
        if found:  # the write stage finishes these with the document's keys
            decision = _decision(plan, documents_of, plan.offsets[number] + at, found)
            decisions.append(replace(decision, keys=keys[at : at + count]))
        else:
            decisions.append(nothing)
        at += count
    return replace(
        task,
        decisions=decisions,
        wanted={p: tuple(sorted(i)) for p, i in wanted.items()},
        decided=None,
    )


def _decision(
    plan: Plan,
    documents_of: Callable[[int], list[Document]],
    first_id: int,
    found: list[tuple[int, Occurrence]],
) -> Decision:
    """A document's raw exact decisions in global ids, with each original's place."""
    return Decision(
        tuple(Match(first_id + i, plan.offsets[k[1]] + k[5], 100.0, "exact") for i, k in found),
        tuple(Original(documents_of(k[1])[k[2]], k[1], k[2], k[3]) for _, k in found),
        first_id,
        tuple(k[4] for _, k in found),
    )
