"""MinHash LSH over character 5-grams: which kept keys are worth comparing with a new one.

Comparing every key with every kept key is quadratic; here each key gets a 128-bin
one-permutation MinHash signature (every 5-gram hashed once, each bin keeps its smallest hash,
empty bins borrow from other bins along fixed routes), cut into 32 bands of 4 strided bins.
Two keys become candidates when a whole band agrees, and stay candidates when enough single
bins agree (:func:`min_agreement`).
The index only proposes; :func:`dedup.match.matcher.score` decides, so a false candidate costs time,
never a wrong removal, and a missed one costs a removal the exhaustive matcher would make.

Everything is a pure function of the keys: hashes come from code points (never Python's salted
``hash``), so a key gets the same signature in any process, any chunk and any order. That is
what makes the matcher's result independent of how the keys were fed.

numpy is imported here and only here; :mod:`dedup.match.matcher` imports this module when an input
grows past its small-input path, so cleaning one article never pays numpy's import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray

GRAM = 5
"""Characters per shingle: long enough that a shared gram means shared words, short enough
that one typo spoils only five of them."""

BINS = 128
"""Signature length (one-permutation hashing: one hash per gram, split over this many bins)."""

BANDS = 32
"""LSH bands of ``BINS // BANDS = 4`` bins each; band ``b`` takes bins b, b+32, b+64, b+96."""


def min_agreement(threshold: float) -> int:
    """Return how many of the 128 low signature bytes two candidates must share.

    Unrelated keys share about 128/256 bytes by chance, keys of 5-gram Jaccard J about
    128 * J; a band hit brings 4. Text built from the same sentences (boilerplate, or the
    benchmark's generated paragraphs) collides in a band often without being near: in the
    first 200k paragraphs of the 1M benchmark corpus, 88% of band hits share fewer than 40
    bytes, while the pairs that really reach ``fuzz.ratio`` 90 share at least 67 (at 85:
    55). The bar is 40 at 90, and drops with the threshold, down to barely above chance
    for thresholds of 74 and below, where the index is a rough guide anyway.

    >>> min_agreement(90), min_agreement(85), min_agreement(60)
    (40, 30, 8)
    """
    return int(min(60, max(8, 2 * (threshold - 70))))


POSITION_BITS = 27
"""Bits of a kept position in a packed band entry: 134 million kept keys per index."""

_EMPTY = np.uint32(0xFFFFFFFF)
_POSITION_MASK = np.uint64((1 << POSITION_BITS) - 1)
_PRIME = np.uint32(0x01000193)  # FNV's 32-bit prime: any odd multiplier with many bits works
_DENSIFY_STEP = np.uint32(0x9E3779B1)  # golden-ratio constant; marks how far a bin was borrowed
_ROWS = BINS // BANDS
_BLOCK = 1 << 16  # rows per block of stored signature bytes

Signatures = NDArray[np.uint32]
"""``(n, BINS)`` MinHash values, one row per key."""


def _mix(h: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """MurmurHash3's 32-bit finaliser: spreads a polynomial hash over all 32 bits.

    32-bit arithmetic throughout: numpy vectorises it, and 64-bit multiplies are several
    times slower on the 2-core x86 machine this was measured on.
    """
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _gram_slots(keys: Sequence[str]) -> tuple[NDArray[np.intp], NDArray[np.uint32]]:
    """Return, for every 5-gram of the keys, its signature slot (key * BINS + bin) and hash.

    The keys are laid end to end with four NULs after each, so a key shorter than a gram
    still gets one gram (itself, padded). The positions whose gram would run past its key get
    the hash ``_EMPTY``, which no bin's minimum ever takes.
    """
    pad = "\0" * (GRAM - 1)
    text = "".join([pad.join(keys), pad, "\0"])
    # surrogatepass: keys of undecodable bytes hold lone surrogates (see dedup.decoding).
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    span = len(codes) - GRAM + 1
    h = codes[:span].copy()
    for k in range(1, GRAM):
        h *= _PRIME
        h += codes[k : k + span]
    h = _mix(h)
    lengths = np.fromiter((len(k) for k in keys), dtype=np.intp, count=len(keys))
    width = lengths + (GRAM - 1)
    width[-1] += 1  # the final NUL
    starts = np.cumsum(width) - width
    ends = starts + np.maximum(lengths - (GRAM - 1), 1)  # one past the key's last gram
    h[_expand(ends, np.minimum(starts + width, span))] = _EMPTY
    row = np.repeat(np.arange(0, len(keys) * BINS, BINS, dtype=np.intp), width)[:span]
    row += h >> np.uint32(32 - 7)
    return row, h


def signatures(keys: Sequence[str]) -> Signatures:
    """Return the densified one-permutation MinHash signature of each key.

    >>> sig = signatures(["the same words in the same order", "the same words in the same order"])
    >>> sig.shape, bool((sig[0] == sig[1]).all())
    ((2, 128), True)
    """
    sig = np.full((len(keys), BINS), _EMPTY, dtype=np.uint32)
    if keys:
        slots, hashes = _gram_slots(keys)
        np.minimum.at(sig.reshape(-1), slots, hashes)
    return _densify(sig)


def _densify(sig: Signatures) -> Signatures:
    """Fill each empty bin from another bin, chosen by a fixed hash sequence, that is not empty.

    Short keys leave many of the 128 bins empty. Empty bin ``j`` takes the value of bin
    ``route[0, j]`` if that is filled, else of ``route[1, j]``, and so on: the routes are the
    same for every key, so two keys with equal grams borrow alike, and a bin's chance of
    agreeing stays the Jaccard similarity ("optimal densification", Shrivastava 2017). Random
    routes, unlike borrowing from the next bin to the right, do not make neighbouring empty
    bins copies of one value, which would make a short key's bands agree or disagree together
    and cost recall. The rare bin left after all routes borrows from the right.
    """
    flat = sig.reshape(-1)
    empty = flat == _EMPTY
    holes = np.flatnonzero(empty)
    column = holes & (BINS - 1)
    for route in _ROUTES:
        if not len(holes):
            return sig
        source = holes - column + route[column]
        ok = ~empty[source]
        flat[holes[ok]] = flat[source[ok]]
        holes, column = holes[~ok], column[~ok]
    if len(holes):
        hole = np.zeros(flat.shape, dtype=bool)
        hole[holes] = True
        sig = _borrow_right(sig, hole.reshape(sig.shape), ~empty.reshape(sig.shape))
    return sig


def _routes(attempts: int) -> NDArray[np.intp]:
    """``(attempts, BINS)`` bins to borrow from, fixed for all keys and all processes."""
    seeds = np.arange(attempts * BINS, dtype=np.uint32) + np.uint32(0x5EED)
    return (_mix(seeds) >> np.uint32(32 - 7)).astype(np.intp).reshape(attempts, BINS)


_ROUTES = _routes(48)


def _borrow_right(
    sig: Signatures, hole: NDArray[np.bool_], filled: NDArray[np.bool_]
) -> Signatures:
    """Fill the bins in ``hole`` from the next ``filled`` bin to the right, wrapping round."""
    column = np.arange(BINS, dtype=np.int32)
    source = np.where(filled, column, np.int32(4 * BINS))
    doubled = np.concatenate([source, source + BINS], axis=1)
    nearest = np.minimum.accumulate(doubled[:, ::-1], axis=1)[:, ::-1][:, :BINS]
    rows = np.nonzero(hole & (nearest < 4 * BINS))
    taken = nearest[rows]
    distance = (taken - rows[1]).astype(np.uint32)
    sig[rows] = sig[rows[0], taken % BINS] + distance * _DENSIFY_STEP
    return sig


def band_hashes(sig: Signatures, salt: NDArray[np.uint32]) -> NDArray[np.uint64]:
    """Return ``(n, BANDS)`` 32-bit band hashes, each of one band's 4 strided bins.

    ``salt`` (one value per key: the key's fingerprint, see :mod:`dedup.match.copies`) goes into
    every band, so keys that can never be copies of each other (another number, another
    operator) never share a band: template siblings do not even become candidates.
    """
    x = sig.reshape(len(sig), _ROWS, BANDS)
    h = _mix(x[:, 0] + _mix(salt + np.uint32(0x9E3779B9))[:, None])
    for r in range(1, _ROWS):
        h = _mix(h ^ x[:, r])
    return h.astype(np.uint64)


def band_entries(bands: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """Pack (band, band hash) as the sortable prefix of an entry, position bits left zero."""
    band = np.arange(BANDS, dtype=np.uint64)
    return (band << np.uint64(64 - 5)) | (bands << np.uint64(POSITION_BITS))


BUCKET = 16
"""Keys a bucket (one band hash of one band) remembers: the first 16 that hash there.

This bounds the work per paragraph at ``BANDS * BUCKET`` = 512 candidate pairs however many
similar paragraphs came before (a link list, a log, a table with one template): their first
16 are remembered, later ones are still looked up but not added. A copy meets its original
in any one of the 32 bands, and a real copy agrees in most of them, so a copy is missed only
when every band its original shares was full before the original arrived.
"""


_BAND_STARTS = np.arange(BANDS, dtype=np.uint64) << np.uint64(64 - 5)
PER_BAND_SEARCH = 4096
"""From this many query entries on, binary searches run band by band (see below)."""


def _search_by_band(
    segment: NDArray[np.uint64],
    queries: NDArray[np.uint64],
    side: Literal["left", "right"] = "left",
) -> NDArray[np.intp]:
    """``np.searchsorted(segment, queries)`` for sorted queries, one band at a time.

    The same answer, several times faster on a large segment: a band's slice is 1/32 of
    it, so the binary searches run in cache instead of missing it at every step.
    """
    if len(queries) < PER_BAND_SEARCH:
        # A few queries (a short document of a corpus): the band loop's fixed cost of 32
        # slices would outweigh what it saves.
        return np.searchsorted(segment, queries, side=side)
    seg_bounds = [*np.searchsorted(segment, _BAND_STARTS).tolist(), len(segment)]
    query_bounds = [*np.searchsorted(queries, _BAND_STARTS).tolist(), len(queries)]
    out = np.empty(len(queries), dtype=np.intp)
    for band in range(BANDS):
        q0, q1 = query_bounds[band], query_bounds[band + 1]
        if q0 < q1:
            s0, s1 = seg_bounds[band], seg_bounds[band + 1]
            out[q0:q1] = s0 + np.searchsorted(segment[s0:s1], queries[q0:q1], side=side)
    return out


CANDIDATES = 32
"""Candidates a key is compared with, at most: those sharing the most bands with it.

A copy shares most of the 32 bands with its original; template siblings share a few. When
more than 32 earlier keys share a band with a key (a link list, a log), the 32 that share the
most bands (the earliest among equals) are the ones verified. What this costs in recall is
measured by ``benchmarks/bucket_bound.py``.
"""

AGREEMENT_BLOCK = 1 << 18
"""Pairs whose signature bytes are compared at once: 32 MiB of bytes per side, not gigabytes."""


def low_bytes(sig: Signatures) -> NDArray[np.uint8]:
    return (sig & np.uint32(0xFF)).astype(np.uint8)


def _expand(lo: NDArray[np.intp], hi: NDArray[np.intp]) -> NDArray[np.intp]:
    """Return the concatenation of ``range(lo[i], hi[i])`` for every i, vectorised."""
    counts = hi - lo
    offsets = np.arange(int(counts.sum()), dtype=np.intp) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    expanded: NDArray[np.intp] = np.repeat(lo, counts) + offsets
    return expanded


Pairs = tuple[NDArray[np.intp], NDArray[np.intp]]


class BandIndex:
    """Bounded LSH buckets of every distinct key so far, as sorted arrays of packed entries.

    An entry is ``band (5 bits) | band hash (32 bits) | position (27 bits)``, so one sort
    orders every band's table at once and a lookup is two binary searches. Batches arrive as
    sorted segments of their own; equal-sized neighbours are merged (a log-structured merge),
    and since a batch's positions follow all earlier ones, segments stay in position order:
    the earliest keys of a bucket are found first.

    Every distinct key is added, kept or removed: which pairs are candidates then depends only
    on the order of the keys, never on decisions, so candidates can be computed before the
    decisions, in batches or on other machines, and the result is the same.
    """

    def __init__(self) -> None:
        self._segments: list[NDArray[np.uint64]] = []
        self._blocks: list[NDArray[np.uint8]] = []
        self.size = 0
        """How many keys have been added; the next one gets this position."""

    def add_batch(self, sig: Signatures, salt: NDArray[np.uint32], *, agreement: int) -> Pairs:
        """Add keys at positions ``size``, ``size + 1``, ...; return their candidate pairs.

        A pair ``(row, position)`` says the batch's key ``row`` shares a band with the key at
        ``position`` (earlier: in the index, or an earlier row of this batch, at ``size +
        row``), which is among the first :data:`BUCKET` keys of that band's bucket, and that
        the two agree on at least ``agreement`` low signature bytes (see
        :func:`min_agreement`). Pairs are unique, sorted by row, then position.
        """
        base = self.size
        if base + len(sig) > 1 << POSITION_BITS:
            raise OverflowError(f"a band index holds at most {1 << POSITION_BITS} keys")
        prefixes = band_entries(band_hashes(sig, salt)).reshape(-1)
        order = np.argsort(prefixes, kind="stable")  # equal prefixes stay in row order
        queries = prefixes[order]
        rows_old, positions_old, taken = self._look_up(queries, order)
        rows_new, positions_new, member = _within(queries, order, taken, base)
        low = low_bytes(sig)
        self._store_bytes(low)
        self.size += len(sig)
        positions = np.arange(base, base + len(sig), dtype=np.uint64)
        entries = queries[member] | positions[order[member] // BANDS]
        if len(entries):
            self._append(np.sort(entries))
        row, position = best_pairs(
            np.concatenate([rows_old, rows_new]), np.concatenate([positions_old, positions_new])
        )
        passed = agreeing(low, row, self.stored_bytes, position, agreement)
        return row[passed], position[passed]

    def _look_up(
        self, queries: NDArray[np.uint64], order: NDArray[np.intp]
    ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
        """Return each query entry's earliest bucket members (rows, positions) and how many
        members its bucket holds already (at most :data:`BUCKET`)."""
        taken = np.zeros(len(queries), dtype=np.intp)
        rows: list[NDArray[np.intp]] = []
        found: list[NDArray[np.intp]] = []
        for segment in self._segments:  # in position order
            lo = _search_by_band(segment, queries)
            hi = _search_by_band(segment, queries | _POSITION_MASK, side="right")
            hi = np.minimum(hi, lo + (BUCKET - taken))
            hit = hi > lo
            if not hit.any():
                continue
            lo, hi = lo[hit], hi[hit]
            taken[hit] += hi - lo
            rows.append(np.repeat(order[hit] // BANDS, hi - lo))
            found.append((segment[_expand(lo, hi)] & _POSITION_MASK).astype(np.intp))
        if not rows:
            empty = np.empty(0, dtype=np.intp)
            return empty, empty, taken
        return np.concatenate(rows), np.concatenate(found), taken

    def _append(self, added: NDArray[np.uint64]) -> None:
        self._segments.append(added)
        while len(self._segments) > 1 and len(self._segments[-2]) <= 2 * len(self._segments[-1]):
            merged = np.concatenate(self._segments[-2:])
            del self._segments[-2:]
            # Two sorted runs: the stable sort (timsort) merges them in linear time, in place.
            merged.sort(kind="stable")
            self._segments.append(merged)

    def _store_bytes(self, low: NDArray[np.uint8]) -> None:
        # Blocks are allocated whole and filled in place: growing one by concatenation
        # copied up to 8 MB for every short document of a corpus fed in turn.
        position = self.size
        while len(low):
            block, offset = divmod(position, _BLOCK)
            if block == len(self._blocks):
                self._blocks.append(np.empty((_BLOCK, BINS), dtype=np.uint8))
            take = min(_BLOCK - offset, len(low))
            self._blocks[block][offset : offset + take] = low[:take]
            low = low[take:]
            position += take

    def stored_bytes(self, positions: NDArray[np.intp]) -> NDArray[np.uint8]:
        """Return the low signature bytes of the keys at ``positions``."""
        out = np.empty((len(positions), BINS), dtype=np.uint8)
        block = positions >> 16
        for b in np.unique(block):
            where = block == b
            out[where] = self._blocks[int(b)][positions[where] & (_BLOCK - 1)]
        return out


def _within(
    queries: NDArray[np.uint64], order: NDArray[np.intp], taken: NDArray[np.intp], base: int
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.bool_]]:
    """Pairs among one batch's own entries, and which entries become bucket members.

    ``queries`` are the batch's entries sorted (rows ascending within equal prefixes). The
    entry at offset ``t`` of its run of equal prefixes is a member when ``taken + t <
    BUCKET``, and pairs with the members of its run before it.
    """
    later, earlier, member = run_pairs(queries, BUCKET - taken)
    rows = order[later] // BANDS
    positions = base + order[earlier] // BANDS
    return rows, positions.astype(np.intp), member


def run_pairs(
    prefixes: NDArray[np.uint64], room: NDArray[np.intp] | int = BUCKET
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.bool_]]:
    """The bucket rule on sorted entries: which pairs, and which entries are members.

    ``prefixes`` are sorted, equal ones in position order; ``room`` is how many members each
    entry's bucket can still take (:data:`BUCKET` when nothing came before). The entry at
    offset ``t`` of its run is a member when ``t < room``, and pairs with the members before
    it. Returns (later entry, earlier entry) indices and the member mask. The one home of the
    bucket bound: the index applies it batch by batch, a sharded run's candidates stage once
    over every key of a bucket (:mod:`dedup.batch.near`), with the same pairs.

    >>> later, earlier, member = run_pairs(np.array([5, 5, 5, 7], dtype=np.uint64))
    >>> later.tolist(), earlier.tolist(), member.tolist()
    ([1, 2, 2], [0, 0, 1], [True, True, True, True])
    """
    n = len(prefixes)
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = prefixes[1:] != prefixes[:-1]
    index = np.arange(n, dtype=np.intp)
    run_start = np.maximum.accumulate(np.where(new_run, index, 0))
    offset = index - run_start
    member = offset < room
    earlier_end = run_start + np.minimum(offset, np.maximum(room, 0))
    earlier = _expand(run_start, earlier_end)
    later = np.repeat(index, earlier_end - run_start)
    return later, earlier, member


def agreeing(
    low: NDArray[np.uint8],
    rows: NDArray[np.intp],
    earlier: Callable[[NDArray[np.intp]], NDArray[np.uint8]],
    positions: NDArray[np.intp],
    agreement: int,
) -> NDArray[np.bool_]:
    """Which pairs agree on at least ``agreement`` low signature bytes (:func:`min_agreement`).

    ``low[rows]`` are the later keys' bytes, ``earlier(positions)`` the earlier keys'; done in
    blocks of :data:`AGREEMENT_BLOCK` pairs, so memory stays bounded.
    """
    passed = np.empty(len(rows), dtype=bool)
    for start in range(0, len(rows), AGREEMENT_BLOCK):
        part = slice(start, start + AGREEMENT_BLOCK)
        same = np.count_nonzero(low[rows[part]] == earlier(positions[part]), axis=1)
        passed[part] = same >= agreement
    return passed


def best_pairs(
    rows: NDArray[np.intp], positions: NDArray[np.intp]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The distinct pairs, at most :data:`CANDIDATES` per row: those found in the most bands,
    the earliest position first among equals; sorted by row, then position.

    A pair found in ``k`` bands comes ``k`` times. The one home of the most-shared-bands bound:
    the index applies it per batch, a sharded run's verify stage per later key, over ids that
    may pass 2**32.
    """
    if len(rows) and max(int(rows.max()), int(positions.max())) >= 1 << 32:
        both, bands = np.unique(np.stack([rows, positions], axis=1), axis=0, return_counts=True)
        row, position = both[:, 0].astype(np.intp), both[:, 1].astype(np.intp)
    else:
        code, bands = np.unique(
            (rows.astype(np.uint64) << np.uint64(32)) | positions.astype(np.uint64),
            return_counts=True,
        )
        row = (code >> np.uint64(32)).astype(np.intp)
        position = (code & np.uint64(0xFFFFFFFF)).astype(np.intp)
    order = np.lexsort((position, -bands, row))
    row, position = row[order], position[order]
    first = np.ones(len(row), dtype=bool)
    first[1:] = row[1:] != row[:-1]
    index = np.arange(len(row), dtype=np.intp)
    rank = index - np.maximum.accumulate(np.where(first, index, 0))
    keep = rank < CANDIDATES
    row, position = row[keep], position[keep]
    order = np.lexsort((position, row))
    return row[order], position[order]
