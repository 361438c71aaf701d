"""Near repeats across a corpus as stages over shards; the driver only schedules them.

The one-process :class:`~dedup.match.matcher.Matcher` takes four steps for every paragraph:
*candidates* (the bounded band index, or every earlier key of a fingerprint for the first
:data:`~dedup.match.matcher.SMALL_INPUT` distinct keys), the ratio filter, *verify*
(:func:`~dedup.match.matcher.verify`) and *resolve* (:class:`~dedup.match.keepfirst.KeepFirst`).
Only the last depends on decisions; here each runs as its own stage, calling the very same
functions, so the bytes, the report and ``--stats`` are those of one process:

1. **prepare**, per shard: read, split and key every document; deal each locally distinct
   substantive key's digest to an *exact* bucket; sign the near-eligible keys (MinHash band
   hashes and low signature bytes, :mod:`dedup.match.index`).
2. **exact**, per bucket: each digest's first occurrence in global order; sent back to the
   shards as (local first occurrence, global first occurrence) for the keys seen before.
3. **bands**, per shard: the near-eligible keys that are first occurrences in the whole
   corpus (the matcher's *distinct* keys) deal their 32 band entries to *band* buckets by
   band hash, the shuffle datatrove and NeMo Curator do for MinHash.
4. **candidates**, per band bucket: the bucket rule of the index
   (:func:`~dedup.match.index.run_pairs`: the first :data:`~dedup.match.index.BUCKET` keys of a
   band hash are its members), once over every key of the bucket; the pairs go to the later
   key's shard.
5. **verify**, per shard: the most-shared-bands bound (:func:`~dedup.match.index.best_pairs`),
   the agreement of low bytes, the ratio (:func:`~dedup.match.matcher.reaching`), the small-input
   pairs (:func:`~dedup.match.matcher.among`), then :func:`~dedup.match.matcher.verify` on every
   pair left; a copy or passage verdict is kept as (earlier, later, level, score, reason).
6. **resolve**, one task: keep-first in global order over integers, the verdicts and the
   exact first occurrences (:class:`~dedup.match.keepfirst.KeepFirst`); it also measures the
   *rounds* (the longest chain of decisions that wait for an earlier one), the number of
   parallel steps a resolve by rounds would take.
7. **write**, per shard (:func:`dedup.batch.stages.write_shard`), from step 6's decisions.

Every stage reads and writes files in a work directory the run makes and removes (on one
machine, or on storage every worker shares, as datatrove's output folders): the shuffles go
worker to worker through it, never through the driver, which only schedules, adds up a
number per shard and passes the paths along.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from dedup.batch.shards import Counted, Decision, Original, WriteTask, read_units
from dedup.batch.spill import load, load_part, save, save_parts, sizes
from dedup.corpus import Document
from dedup.match.copies import Level, Opening, Verdict, blake2b, features, fingerprint
from dedup.match.index import (
    BANDS,
    POSITION_BITS,
    agreeing,
    band_entries,
    band_hashes,
    best_pairs,
    low_bytes,
    min_agreement,
    run_pairs,
    signatures,
)
from dedup.match.keepfirst import KeepFirst, Removal
from dedup.match.matcher import (
    SMALL_INPUT,
    Match,
    among,
    digest,
    is_substantive,
    may_be_near,
    reaching,
    verify,
)
from dedup.options import Options
from dedup.text.normalize import key
from dedup.text.paragraphs import split


@dataclass(frozen=True)
class Plan:
    """What every stage of one run needs to know of the others: small, sent with each task."""

    work: str
    """The work directory (shared by every worker)."""
    shards: int
    buckets: int
    options: Options
    offsets: tuple[int, ...] = ()
    """Global id of each shard's first paragraph (after step 1)."""
    exhaustive_below: int = 0
    """Distinct keys with a smaller id are the matcher's small-input part (after step 3)."""
    wanted: bool = False
    """Whether the write stage needs the originals' lines (``--report``, ``--stats``)."""

    def path(self, name: str) -> Path:
        """A file of the work directory."""
        return Path(self.work, name)


@dataclass(frozen=True)
class Banded:
    """Step 3's answer: how many distinct near keys a shard has, and the first of their ids."""

    number: int
    distinct: int
    first_ids: list[int]


@dataclass
class Resolved:
    """Step 6's answer: what the run measured of keep-first."""

    rounds: int = 0
    """The longest chain of decisions that each wait for an earlier one."""
    pairs: int = 0
    """Verdicts of copy or passage read."""
    removed: int = 0
    shuffled: dict[str, int] = field(default_factory=dict)
    """Bytes written to the work directory, by stage."""


# --- files of the work directory ------------------------------------------------------------


def _bucket(seen: str | bytes, buckets: int) -> int:
    """The exact bucket of a digest: stable in every process (not Python's salted hash)."""
    data = seen if isinstance(seen, bytes) else seen.encode("utf-8", "surrogatepass")
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "little") % buckets


def with_decisions(work: str, task: WriteTask) -> WriteTask:
    """The write task of a shard with what step 6 decided for it, read in by the write stage
    itself (``WriteTask.decided``): decisions never pass through the driver."""
    number = task.shard.number
    decisions: list[Decision] = load(Path(work, f"decisions-{number}"))
    wanted = load(Path(work, f"wanted-{number}"))
    _, counts, keys = load(Path(work, f"keys-{number}"))
    at = 0
    for position, count in enumerate(counts):  # not keyed again: step 1 did it
        decisions[position] = replace(decisions[position], keys=keys[at : at + count])
        at += count
    return replace(task, decisions=decisions, wanted=wanted, decided=None)


# --- step 1: prepare ------------------------------------------------------------------------


def prepare(item: tuple[WriteTask, Plan]) -> Counted:
    """Read and key a shard; deal its distinct digests; sign its near keys (step 1)."""
    task, plan = item
    options = task.spec.options
    warnings: list[str] = []
    documents: list[Document] = []
    counts: list[int] = []
    keys: list[str] = []
    for unit in read_units(task.shard, task.spec, warnings):
        if unit.document is None:
            continue
        paragraphs = split(unit.text, options.split)
        documents.append(unit.document)
        counts.append(len(paragraphs))
        keys += [key(unit.text[p.start : p.end]) for p in paragraphs]
    number = task.shard.number
    dealt: list[list[tuple[str | bytes, int]]] = [[] for _ in range(plan.buckets)]
    near: dict[str, int] = {}  # near-eligible key -> its first local id
    seen: set[str | bytes] = set()
    for local, text in enumerate(keys):
        if not is_substantive(text, options.min_chars):
            continue
        found = digest(text)
        if found in seen:
            continue
        seen.add(found)
        dealt[_bucket(found, plan.buckets)].append((found, local))
        if may_be_near(text, options.min_chars):
            near[text] = local
    save(plan.path(f"keys-{number}"), (documents, counts, keys))
    save_parts(plan.path(f"exact-{number}"), dealt)
    texts = list(near)
    ids = np.fromiter(near.values(), dtype=np.int64, count=len(near))
    prints = np.fromiter((fingerprint(t) for t in texts), dtype=np.uint32, count=len(texts))
    signed = signatures(texts)
    entries = (
        band_entries(band_hashes(signed, prints))
        if texts
        else np.empty((0, BANDS), dtype=np.uint64)
    )
    save(plan.path(f"signed-{number}"), (ids, prints, entries, low_bytes(signed)))
    return Counted(number, len(keys), warnings)


# --- step 2: exact --------------------------------------------------------------------------


def exact(item: tuple[int, Plan]) -> int:
    """Find each digest's first occurrence in global order, for one bucket (step 2)."""
    bucket, plan = item
    first: dict[str | bytes, int] = {}
    again = 0
    found_again: list[list[tuple[int, int]]] = []
    for number in range(plan.shards):
        start = plan.offsets[number]
        repeats: list[tuple[int, int]] = []
        found_again.append(repeats)
        for found, local in load_part(plan.path(f"exact-{number}"), bucket):
            ident = first.setdefault(found, start + local)
            if ident != start + local:
                repeats.append((local, ident))
        again += len(repeats)
    save_parts(plan.path(f"first-{bucket}"), found_again)
    return again


def _firsts(plan: Plan, number: int) -> dict[int, int]:
    """A shard's local first occurrences that repeat a key seen earlier: their global first."""
    found: dict[int, int] = {}
    for bucket in range(plan.buckets):
        found.update(load_part(plan.path(f"first-{bucket}"), number))
    return found


# --- step 3: bands --------------------------------------------------------------------------


def bands(item: tuple[int, Plan]) -> Banded:
    """Deal the band entries of a shard's distinct near keys to the band buckets (step 3)."""
    number, plan = item
    repeats = _firsts(plan, number)
    ids, prints, entries, low = load(plan.path(f"signed-{number}"))
    distinct = np.fromiter((int(i) not in repeats for i in ids), dtype=bool, count=len(ids))
    ids, prints, entries, low = ids[distinct], prints[distinct], entries[distinct], low[distinct]
    keys = load(plan.path(f"keys-{number}"))[2]
    texts = [keys[int(i)] for i in ids]
    ids = ids + plan.offsets[number]
    save(plan.path(f"near-{number}"), (ids, prints, low, texts))
    flat = entries.reshape(-1)
    owners = np.repeat(ids, BANDS)
    bucket_of = (flat >> np.uint64(POSITION_BITS)) % np.uint64(plan.buckets)
    parts = []
    for bucket in range(plan.buckets):
        mine = bucket_of == bucket
        parts.append((flat[mine], owners[mine]))
    save_parts(plan.path(f"band-{number}"), parts)
    return Banded(number, len(ids), ids[:SMALL_INPUT].tolist())


# --- step 4: candidates ---------------------------------------------------------------------


def candidates(item: tuple[int, Plan]) -> int:
    """Apply the bucket rule to one band bucket; deal the pairs to the later key's shard."""
    bucket, plan = item
    parts = [load_part(plan.path(f"band-{number}"), bucket) for number in range(plan.shards)]
    prefixes = np.concatenate([p for p, _ in parts]) if parts else np.empty(0, np.uint64)
    owners = np.concatenate([o for _, o in parts]) if parts else np.empty(0, np.int64)
    order = np.lexsort((owners, prefixes))  # a bucket's keys in global order
    owners = owners[order]
    later, earlier, _ = run_pairs(prefixes[order])
    later_ids, earlier_ids = owners[later], owners[earlier]
    counted = later_ids >= plan.exhaustive_below  # the small-input part has its own pairs
    later_ids, earlier_ids = later_ids[counted], earlier_ids[counted]
    shard_of = np.searchsorted(np.asarray(plan.offsets, dtype=np.int64), later_ids, "right") - 1
    parts = []
    for number in range(plan.shards):
        mine = shard_of == number
        parts.append((later_ids[mine], earlier_ids[mine]))
    save_parts(plan.path(f"pairs-{bucket}"), parts)
    return len(later_ids)


# --- step 5: verify -------------------------------------------------------------------------


class _Near:
    """The distinct near keys of the shards a verify task reads, loaded once each."""

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        self._shards: dict[int, tuple[Any, Any, Any, list[str]]] = {}

    def shard(self, number: int) -> tuple[Any, Any, Any, list[str]]:
        if number not in self._shards:
            self._shards[number] = load(self._plan.path(f"near-{number}"))
        return self._shards[number]

    def rows(self, ids: Any) -> Iterator[tuple[int, Any, Any]]:  # noqa: ANN401
        """For each shard holding some of ``ids``: its number, where, and the rows there."""
        offsets = np.asarray(self._plan.offsets, dtype=np.int64)
        shard_of = np.searchsorted(offsets, ids, "right") - 1
        for number in np.unique(shard_of).tolist():
            where = np.flatnonzero(shard_of == number)
            yield number, where, np.searchsorted(self.shard(number)[0], ids[where])

    def low(self, ids: Any) -> Any:  # noqa: ANN401
        out = np.empty((len(ids), 128), dtype=np.uint8)
        for number, where, rows in self.rows(ids):
            out[where] = self.shard(number)[2][rows]
        return out

    def texts(self, ids: Any) -> list[str]:  # noqa: ANN401
        out = [""] * len(ids)
        for number, where, rows in self.rows(ids):
            texts = self.shard(number)[3]
            for w, r in zip(where.tolist(), rows.tolist(), strict=True):
                out[w] = texts[r]
        return out


def verify_shard(item: tuple[int, Plan]) -> int:
    """Judge every candidate pair whose later key is in one shard (step 5)."""
    number, plan = item
    threshold = plan.options.threshold
    near = _Near(plan)
    ids, _, low, texts = near.shard(number)
    parts = [load_part(plan.path(f"pairs-{b}"), number) for b in range(plan.buckets)]
    later = np.concatenate([p[0] for p in parts]).astype(np.intp)
    earlier = np.concatenate([p[1] for p in parts]).astype(np.intp)
    pairs: list[tuple[int, int]] = []
    if len(later):
        later, earlier = best_pairs(later, earlier)
        rows = np.searchsorted(ids, later)
        passed = agreeing(low, rows, near.low, earlier, min_agreement(threshold))
        later, earlier, rows = later[passed], earlier[passed], rows[passed]
        left = [texts[r] for r in rows.tolist()]
        right = near.texts(earlier)
        pairs = [(int(earlier[i]), int(later[i])) for i, _ in reaching(left, right, threshold)]
    pairs = _small_input(plan, near, number) + pairs
    known: dict[int, str] = {}
    for e, l_ in pairs:
        known.setdefault(e, "")
        known.setdefault(l_, "")
    wanted = np.fromiter(known, dtype=np.int64, count=len(known))
    for ident, text in zip(wanted.tolist(), near.texts(wanted), strict=True):
        known[ident] = text
    judged: dict[int, list[tuple[int, Verdict]]] = {}
    cached: dict[int, Any] = {}

    def features_of(ident: int) -> Any:  # noqa: ANN401
        if ident not in cached:
            cached[ident] = features(known[ident])
        return cached[ident]

    opening_of = _Openings(plan, number)
    for e, l_ in pairs:
        verdict = verify(
            known[e], known[l_], features_of(e), features_of(l_), threshold, opening_of(l_)
        )
        if verdict.level is not Level.DIFFERENT:
            judged.setdefault(l_, []).append((e, verdict))
    save(plan.path(f"verdicts-{number}"), judged)
    return sum(len(v) for v in judged.values())


class _Openings:
    """The opening of the later paragraph's document as the one-process matcher holds it when
    it judges that paragraph (:meth:`~dedup.match.copies.Opening.of`): where a changed word's
    language is read from. One per document and cut-off, since an opening stops growing."""

    def __init__(self, plan: Plan, number: int) -> None:
        _, counts, self._keys = load(plan.path(f"keys-{number}"))
        self._offset = plan.offsets[number]
        self._starts = array("q", [0])
        for count in counts:
            self._starts.append(self._starts[-1] + count)
        self._cache: dict[tuple[int, int], Opening] = {}
        self._taken: dict[int, int] = {}  # document start -> keys its whole opening takes

    def __call__(self, ident: int) -> Opening:
        local = ident - self._offset
        slot = bisect_right(self._starts, local) - 1
        start = self._starts[slot]
        taken = self._taken.get(start)
        if taken is None:
            taken = self._taken[start] = Opening.taken(self._keys[start : self._starts[slot + 1]])
        end = start + min(local + 1 - start, taken)  # a prefix takes all of itself, or as much
        found = self._cache.get((start, end))
        if found is None:
            found = self._cache[(start, end)] = Opening.of(self._keys[start:end])
        return found


def _small_input(plan: Plan, near: _Near, number: int) -> list[tuple[int, int]]:
    """The pairs of the small-input part whose later key is in this shard: every earlier
    distinct key of its fingerprint that reaches the threshold (the matcher's exhaustive part)."""
    ids, prints, _, texts = near.shard(number)
    small = int(np.searchsorted(ids, plan.exhaustive_below))
    if not small:
        return []
    early: dict[int, list[tuple[int, str]]] = {}  # fingerprint -> (id, text), in order
    for shard in range(number + 1):
        s_ids, s_prints, _, s_texts = near.shard(shard)
        for i in range(int(np.searchsorted(s_ids, plan.exhaustive_below))):
            early.setdefault(int(s_prints[i]), []).append((int(s_ids[i]), s_texts[i]))
    pairs: list[tuple[int, int]] = []
    for row in range(small):
        ident = int(ids[row])
        group = [(e, t) for e, t in early.get(int(prints[row]), []) if e < ident]
        hits = among(texts[row], [t for _, t in group], plan.options.threshold)
        pairs += [(group[i][0], ident) for i, _ in hits]
    return pairs


# --- step 6: resolve ------------------------------------------------------------------------


def resolve(plan: Plan) -> Resolved:
    """Keep-first over the whole corpus in global order, on integers (step 6; one task)."""
    keep = KeepFirst(passages=not plan.options.exact)
    measured = Resolved()
    rounds: dict[int, int] = {}  # first occurrence -> the round it is decided in
    first_ids = array("q")  # documents that kept something: where their ids start
    owners: list[tuple[Document, int, int]] = []
    wanted: list[dict[int, set[int]]] = [{} for _ in range(plan.shards)]
    min_chars = plan.options.min_chars
    for number in range(plan.shards):
        documents, counts, keys = load(plan.path(f"keys-{number}"))
        repeats = _firsts(plan, number)
        judged: dict[int, list[tuple[int, Verdict]]] = load(plan.path(f"verdicts-{number}"))
        local_first: dict[str | bytes, int] = {}
        start = plan.offsets[number]
        at = start
        decisions: list[Decision] = []
        for position, (document, count) in enumerate(zip(documents, counts, strict=True)):
            removals: list[Removal] = []
            last_round = 0
            for ident in range(at, at + count):
                text = keys[ident - start]
                if not is_substantive(text, min_chars):
                    keep.short(ident, text)
                    continue
                local = local_first.setdefault(digest(text), ident - start)
                first = repeats.get(local, start + local)
                if first != ident:
                    removals += keep.exact(ident, first)
                    last_round = rounds[first] + 1
                    measured.rounds = max(measured.rounds, last_round)
                    continue
                verdicts = dict(judged.get(ident, ()))
                found, _ = keep.copy_of(verdicts, verdicts.__getitem__)
                removals += keep.settle(ident, found, first=True)
                waits = [rounds[e] for e in verdicts]
                if any(v.level is Level.PASSAGE for v in verdicts.values()):
                    waits.append(last_round)
                last_round = rounds[ident] = 1 + max(waits, default=0)
                measured.rounds = max(measured.rounds, last_round)
                measured.pairs += len(verdicts)
            keep.end()
            removals.sort(key=lambda r: r.index)
            if len(removals) < count:
                first_ids.append(at)
                owners.append((document, number, position))
            originals = []
            for removal in removals:
                if removal.original >= at:
                    original = Original(document, number, position, removal.original - at)
                else:
                    slot = bisect_right(first_ids, removal.original) - 1
                    doc, shard, place = owners[slot]
                    original = Original(doc, shard, place, removal.original - first_ids[slot])
                originals.append(original)
                if plan.wanted:
                    held = wanted[original.shard].setdefault(original.position, set())
                    held.add(original.paragraph)
            matches = tuple(Match(r.index, r.original, r.score, r.reason) for r in removals)
            measured.removed += len(matches)
            decisions.append(Decision(matches, tuple(originals), at, (None,) * len(matches)))
            at += count
        save(plan.path(f"decisions-{number}"), decisions)
    for number, originals_here in enumerate(wanted):
        indices = {p: tuple(sorted(i)) for p, i in originals_here.items()}
        save(plan.path(f"wanted-{number}"), indices)
    measured.shuffled = sizes(plan.work)
    return measured
