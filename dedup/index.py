"""MinHash LSH over character 5-grams: which kept keys are worth comparing with a new one.

Comparing every key with every kept key is quadratic; here each key gets a 128-bin
one-permutation MinHash signature (every 5-gram hashed once, each bin keeps its smallest hash,
empty bins filled from the next non-empty one), cut into 32 bands of 4 strided bins. Two keys
become candidates when a whole band agrees, and stay candidates when enough single bins agree.
The index only proposes; :func:`dedup.matching.score` decides, so a false candidate costs time,
never a wrong removal, and a missed one costs a removal the exhaustive matcher would make.

Everything is a pure function of the keys: hashes come from code points (never Python's salted
``hash``), so a key gets the same signature in any process, any chunk and any order. That is
what makes the matcher's result independent of how the keys were fed.

numpy is imported here and only here; :mod:`dedup.matching` imports this module when an input
grows past its small-input path, so cleaning one article never pays numpy's import.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

GRAM = 5
"""Characters per shingle: long enough that a shared gram means shared words, short enough
that one typo spoils only five of them."""

BINS = 128
"""Signature length (one-permutation hashing: one hash per gram, split over this many bins)."""

BANDS = 32
"""LSH bands of ``BINS // BANDS = 4`` bins each; band ``b`` takes bins b, b+32, b+64, b+96."""

MIN_AGREEMENT = 10
"""Candidates need at least this many of the 128 low signature bytes equal (a band brings 4).

Two unrelated keys agree on about 128/256 bytes by chance; keys with 5-gram Jaccard 0.1 agree
on about 13. Pairs that reach ``fuzz.ratio`` 85 on real text agree on far more (measured on the
planted benchmark corpus: see benchmarks/results.md), so this only drops chance band hits.
"""

POSITION_BITS = 27
"""Bits of a kept position in a packed band entry: 134 million kept keys per index."""

_EMPTY = np.uint32(0xFFFFFFFF)
_POSITION_MASK = np.uint64((1 << POSITION_BITS) - 1)
_PRIME = np.uint64(0x100000001B3)  # FNV's 64-bit prime: any odd multiplier with many bits works
_DENSIFY_STEP = np.uint32(0x9E3779B1)  # golden-ratio constant; marks how far a bin was borrowed
_ROWS = BINS // BANDS
_BLOCK = 1 << 16  # rows per block of stored signature bytes

Signatures = NDArray[np.uint32]
"""``(n, BINS)`` MinHash values, one row per key."""


def _mix(h: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """MurmurHash3's 64-bit finaliser: turns a polynomial hash into well-spread bits."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def _gram_hashes(keys: Sequence[str]) -> tuple[NDArray[np.uint64], NDArray[np.intp]]:
    """Return the hash of every 5-gram of every key, and which key each gram belongs to.

    The keys are laid end to end with four NULs after each, so a key shorter than a gram
    still gets one gram (itself, padded), and no valid gram spans two keys.
    """
    pad = "\0" * (GRAM - 1)
    text = pad.join(keys) + pad + "\0"
    # surrogatepass: keys of undecodable bytes hold lone surrogates (see dedup.decoding).
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    codes = codes.astype(np.uint64)
    span = len(codes) - GRAM + 1
    h = codes[:span].copy()
    for k in range(1, GRAM):
        h *= _PRIME
        h += codes[k : k + span]
    lengths = np.fromiter((len(k) for k in keys), dtype=np.intp, count=len(keys))
    starts = np.zeros(len(keys), dtype=np.intp)
    np.cumsum(lengths[:-1] + (GRAM - 1), out=starts[1:])
    counts = np.maximum(lengths - (GRAM - 1), 1)
    owner = np.repeat(np.arange(len(keys), dtype=np.intp), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    positions = np.arange(len(owner), dtype=np.intp) - first + np.repeat(starts, counts)
    return _mix(h[positions]), owner


def signatures(keys: Sequence[str]) -> Signatures:
    """Return the densified one-permutation MinHash signature of each key.

    >>> sig = signatures(["the same words in the same order", "the same words in the same order"])
    >>> sig.shape, bool((sig[0] == sig[1]).all())
    ((2, 128), True)
    """
    sig = np.full((len(keys), BINS), _EMPTY, dtype=np.uint32)
    if not keys:
        return sig
    hashes, owner = _gram_hashes(keys)
    bins = (hashes >> np.uint64(64 - 7)).astype(np.intp)  # top 7 bits: 128 bins
    values = (hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    np.minimum.at(sig.reshape(-1), owner * BINS + bins, values)
    return _densify(sig)


def _densify(sig: Signatures) -> Signatures:
    """Fill each empty bin from the next non-empty bin to its right (wrapping round).

    Short keys leave many of the 128 bins empty; borrowing makes two keys with equal grams
    agree on the borrowed bins too, so a band's chance of agreeing tracks the Jaccard
    similarity for short keys as well (rotation densification, Shrivastava & Li 2014). The
    borrowed value is shifted by the distance, so a bin borrowed from afar differs from one
    borrowed from nearby.
    """
    empty = sig == _EMPTY
    if not empty.any():
        return sig
    column = np.arange(BINS, dtype=np.int32)
    source = np.where(empty, np.int32(4 * BINS), column)
    doubled = np.concatenate([source, source + BINS], axis=1)
    nearest = np.minimum.accumulate(doubled[:, ::-1], axis=1)[:, ::-1][:, :BINS]
    found = nearest < 4 * BINS
    rows = np.nonzero(empty & found)
    taken = nearest[rows]
    distance = (taken - rows[1]).astype(np.uint32)
    sig[rows] = sig[rows[0], taken % BINS] + distance * _DENSIFY_STEP
    return sig


def band_hashes(sig: Signatures) -> NDArray[np.uint64]:
    """Return ``(n, BANDS)`` 32-bit band hashes, each of one band's 4 strided bins."""
    x = sig.astype(np.uint64).reshape(len(sig), _ROWS, BANDS)
    low = (x[:, 0] << np.uint64(32)) | x[:, 1]
    high = (x[:, 2] << np.uint64(32)) | x[:, 3]
    return _mix(_mix(low) ^ high) >> np.uint64(32)


def _entries(bands: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """Pack (band, band hash) as the sortable prefix of an entry, position bits left zero."""
    band = np.arange(BANDS, dtype=np.uint64)
    return (band << np.uint64(64 - 5)) | (bands << np.uint64(POSITION_BITS))


def _expand(lo: NDArray[np.intp], hi: NDArray[np.intp]) -> NDArray[np.intp]:
    """Return the concatenation of ``range(lo[i], hi[i])`` for every i, vectorised."""
    counts = hi - lo
    offsets = np.arange(int(counts.sum()), dtype=np.intp) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    expanded: NDArray[np.intp] = np.repeat(lo, counts) + offsets
    return expanded


class BandIndex:
    """The band tables of kept keys, as a few sorted arrays of packed uint64 entries.

    An entry is ``band (5 bits) | band hash (32 bits) | kept position (27 bits)``, so one
    sort orders every band's table at once and a lookup is two binary searches. New entries
    arrive a chunk at a time as their own sorted segment; equal-sized neighbours are merged
    (a log-structured merge), so adding n keys costs O(n log n) and a lookup visits
    O(log n) segments. Low signature bytes are kept in blocks for the agreement pre-filter.
    """

    def __init__(self) -> None:
        self._segments: list[NDArray[np.uint64]] = []
        self._blocks: list[NDArray[np.uint8]] = []
        self.size = 0
        """How many keys have been added; the next one gets this position."""

    def add(self, sig: Signatures) -> None:
        """Add keys with these signatures at positions ``size``, ``size + 1``, ..."""
        if self.size + len(sig) > 1 << POSITION_BITS:
            raise OverflowError(f"a band index holds at most {1 << POSITION_BITS} keys")
        positions = np.arange(self.size, self.size + len(sig), dtype=np.uint64)
        entries = (_entries(band_hashes(sig)) | positions[:, None]).reshape(-1)
        self._segments.append(np.sort(entries))
        while len(self._segments) > 1 and len(self._segments[-2]) <= 2 * len(self._segments[-1]):
            newer = self._segments.pop()
            older = self._segments.pop()
            # Two sorted runs: the stable sort (timsort) merges them in linear time.
            self._segments.append(np.sort(np.concatenate([older, newer]), kind="stable"))
        self._store_bytes(sig)
        self.size += len(sig)

    def _store_bytes(self, sig: Signatures) -> None:
        low = (sig & np.uint32(0xFF)).astype(np.uint8)
        while len(low):
            if not self._blocks or len(self._blocks[-1]) == _BLOCK:
                self._blocks.append(np.empty((0, BINS), dtype=np.uint8))
            room = _BLOCK - len(self._blocks[-1])
            self._blocks[-1] = np.concatenate([self._blocks[-1], low[:room]])
            low = low[room:]

    def stored_bytes(self, positions: NDArray[np.intp]) -> NDArray[np.uint8]:
        """Return the low signature bytes of the keys at ``positions``."""
        out = np.empty((len(positions), BINS), dtype=np.uint8)
        block = positions >> 16
        for b in np.unique(block):
            where = block == b
            out[where] = self._blocks[int(b)][positions[where] & (_BLOCK - 1)]
        return out

    def candidates(self, sig: Signatures) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Return pairs (query row, kept position) that agree on a band and pass the pre-filter.

        Pairs are unique and sorted by query row, then by kept position.
        """
        prefix = _entries(band_hashes(sig)).reshape(-1)
        order = np.argsort(prefix, kind="stable")
        sorted_prefix = prefix[order]
        rows: list[NDArray[np.intp]] = []
        kept: list[NDArray[np.intp]] = []
        for segment in self._segments:
            lo = np.searchsorted(segment, sorted_prefix, side="left")
            hi = np.searchsorted(segment, sorted_prefix | _POSITION_MASK, side="right")
            hit = hi > lo
            if not hit.any():
                continue
            found = _expand(lo[hit], hi[hit])
            rows.append(np.repeat(order[hit] // BANDS, (hi - lo)[hit]))
            kept.append((segment[found] & _POSITION_MASK).astype(np.intp))
        if not rows:
            empty = np.empty(0, dtype=np.intp)
            return empty, empty
        row, position = _unique_pairs(np.concatenate(rows), np.concatenate(kept))
        low = (sig & np.uint32(0xFF)).astype(np.uint8)
        agree = (low[row] == self.stored_bytes(position)).sum(axis=1)
        passed = agree >= MIN_AGREEMENT
        return row[passed], position[passed]


def pairs_within(sig: Signatures) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Return pairs (earlier row, later row) of one chunk that agree on a band and pass the
    pre-filter, unique and sorted by later row, then earlier row."""
    prefix = _entries(band_hashes(sig)).reshape(-1)
    order = np.argsort(prefix, kind="stable")
    sorted_prefix = prefix[order]
    # Each entry pairs with every earlier entry of its run of equal prefixes.
    new_run = np.empty(len(sorted_prefix), dtype=bool)
    new_run[:1] = True
    new_run[1:] = sorted_prefix[1:] != sorted_prefix[:-1]
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(new_run)), 0))
    later = np.arange(len(sorted_prefix), dtype=np.intp)
    earlier = _expand(run_start, later)
    later = np.repeat(later, later - run_start)
    # A run holds one band only, so the two rows always differ; order them.
    a = order[earlier] // BANDS
    b = order[later] // BANDS
    second, first = _unique_pairs(np.maximum(a, b), np.minimum(a, b))
    low = (sig & np.uint32(0xFF)).astype(np.uint8)
    agree = (low[first] == low[second]).sum(axis=1)
    passed = agree >= MIN_AGREEMENT
    return first[passed], second[passed]


def _unique_pairs(
    a: NDArray[np.intp], b: NDArray[np.intp]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Return the distinct pairs (a[i], b[i]), sorted by a then b."""
    code = np.unique((a.astype(np.uint64) << np.uint64(32)) | b.astype(np.uint64))
    return (code >> np.uint64(32)).astype(np.intp), (code & np.uint64(0xFFFFFFFF)).astype(np.intp)
