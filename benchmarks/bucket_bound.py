"""What the bounds on candidates cost in recall: 16 keys a bucket, 32 candidates a key.

    python benchmarks/bucket_bound.py [--paragraphs 100000]

Runs the same inputs through ``dedup.clean_documents`` (``--across``, ``--split line``) twice,
once with the shipped bound on every bucket (``dedup.match.index.BUCKET``) and once with buckets
that keep every key, and prints time, removals, and the removals the bound misses or adds.
Inputs: the planted prose corpus of ``benchmarks/run.py`` and the templated families of
``benchmarks/families_bench.py`` when it is there (generated, never committed).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from unittest import mock

from dedup import Options, clean_documents
from dedup.match import index

_VOCABULARY = (
    "pemerintah kota warga jalan banjir harga beras pasar sekolah presiden menteri polisi "
    "pemilu daerah rumah sakit kereta bandara hujan gempa festival musik sepak bola tim juara "
    "ekonomi bank rupiah ekspor petani nelayan pantai gunung wisata budaya bahasa"
)
WORDS = _VOCABULARY.split()

DATA = Path(__file__).parent / "data"


def removals(texts: list[str], bucket: int) -> tuple[set[tuple[int, int]], float]:
    """Removals and seconds, with buckets of ``bucket`` keys and as many candidates per key
    (the shipped bounds when ``bucket`` is ``index.BUCKET``)."""
    candidates = index.CANDIDATES if bucket == index.BUCKET else bucket
    with (
        mock.patch.object(index, "BUCKET", bucket),
        mock.patch.object(index, "CANDIDATES", candidates),
    ):
        start = time.perf_counter()
        found = {
            (number, match.index)
            for number, result in enumerate(
                clean_documents(texts, Options(split="line"), across=True)
            )
            for match in result.removed
        }
        return found, time.perf_counter() - start


def link_list(lines: int, *, seed: int = 5) -> str:
    """A link list ("Baca juga: <headline>"), 10% exact and 10% typo copies of earlier lines:
    one fingerprint for all, so its buckets fill up, which is where the bound bites."""
    import random

    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(lines):
        roll = rng.random()
        if out and roll < 0.1:
            out.append(rng.choice(out))
        elif out and roll < 0.2:
            words = rng.choice(out).split(" ")
            i = rng.randrange(2, len(words))
            word = words[i]
            if len(word) >= 5:  # a swapped pair of letters inside a long word
                j = rng.randrange(1, len(word) - 2)
                words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
            out.append(" ".join(words))
        else:
            out.append("Baca juga: " + " ".join(rng.choices(WORDS, k=rng.randint(6, 10))))
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=100_000)
    args = parser.parse_args()
    corpus = DATA / f"planted-{args.paragraphs}-s1"
    if not corpus.exists():
        raise SystemExit(
            f"{corpus} is missing: run benchmarks/run.py --paragraphs {args.paragraphs}"
        )
    inputs = {
        "planted prose": [p.read_text() for p in sorted(corpus.glob("doc*.txt"))],
        # Unbounded buckets on a link list of this vocabulary are quadratic in pairs (all of
        # it shares one fingerprint and many 5-grams): 100k lines ran out of memory.
        "link list": [link_list(min(args.paragraphs, 10_000))],
    }
    print(f"`python benchmarks/bucket_bound.py --paragraphs {args.paragraphs}`\n")
    print("| input | bound | wall s | removed | missed by the bound | added by the bound |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, texts in inputs.items():
        bounded, bounded_s = removals(texts, index.BUCKET)
        full, full_s = removals(texts, 1 << 30)
        print(f"| {name} | none | {full_s:.2f} | {len(full):,} | | |")
        print(
            f"| {name} | {index.BUCKET}/{index.CANDIDATES} | {bounded_s:.2f} | {len(bounded):,} | "
            f"{len(full - bounded):,} | {len(bounded - full):,} |"
        )
    lines = args.paragraphs
    bounded, bounded_s = removals([link_list(lines)], index.BUCKET)
    print(
        f"| link list, {lines:,} lines | {index.BUCKET} | {bounded_s:.2f} | {len(bounded):,} | | |"
    )


if __name__ == "__main__":
    main()
