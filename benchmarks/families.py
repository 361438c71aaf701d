"""Generate the adversarial input families of "Speed and memory", seeded.

The one home of these generators: ``benchmarks/families_bench.py`` times them at size, and
``tests/test_hang_guards.py`` cleans them small, in bounded time.

    python benchmarks/families.py --lines 20000 --out benchmarks/data/families

Each family is one text file, one paragraph per line (the shapes users have: templated
lines that are all alike and all different). Written to benchmarks/data/ (gitignored).
"""

from __future__ import annotations

import argparse
import gzip
import random
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "data" / "families"
WORDS = str.split(
    "harga cabai naik menjelang lebaran pasar induk pedagang mengeluhkan pasokan petani "
    "banjir merendam desa pesisir utara warga mengungsi balai senin malam panen raya dimulai "
    "lebih awal tahun ini jalan tol baru dibuka untuk mudik pemerintah daerah menyiapkan "
    "bantuan sosial bagi keluarga terdampak gempa bumi guncang wilayah selatan"
)


def numbered(rng: random.Random, i: int) -> str:
    """The template line of the issue: a number and a random 6-digit fraction."""
    return (
        f"Paragraf nomor {i} berisi kalimat yang cukup panjang untuk dianggap sebuah "
        f"paragraf, {rng.random():.6f}."
    )


def log(rng: random.Random, i: int) -> str:
    level = rng.choice(["INFO", "INFO", "INFO", "WARN", "ERROR"])
    return (
        f"2026-12-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}"
        f".{rng.randrange(1000):03d}Z "
        f"{level} worker-{rng.randrange(16)} request id={rng.getrandbits(48):012x} "
        f"path=/api/v1/items/{rng.randrange(100000)} status={rng.choice([200, 200, 404, 500])} "
        f"took={rng.randrange(1, 2000)}ms"
    )


def csv(rng: random.Random, i: int) -> str:
    return (
        f"{i},{rng.choice(WORDS)} {rng.choice(WORDS)},"
        f"{rng.randrange(1, 999)}.{rng.randrange(100):02d},"
        f"{rng.choice(['Jakarta', 'Bandung', 'Surabaya', 'Medan'])},"
        f"2026-{rng.randrange(1, 13):02d}-"
        f"{rng.randrange(1, 29):02d},{rng.choice(['paid', 'open', 'void'])}"
    )


def table(rng: random.Random, i: int) -> str:
    won, lost = rng.randrange(40), rng.randrange(40)
    return (
        f"| {i} | Team {rng.choice(WORDS).title()} {rng.randrange(100)} | {won} | {lost} | "
        f"{won * 3} | {rng.randrange(1, 30)} |"
    )


def links(rng: random.Random, i: int, *, headlines: int | None = None) -> str:
    """ "Baca juga" lines; with ``headlines``, that many, each another choice of six words
    (so each recurs: the hang guards' scaled shape), else a new random headline each."""
    if headlines is not None:
        n = rng.randrange(headlines)
        return "Baca juga: " + " ".join(random.Random(n).sample(WORDS, 6)).capitalize()
    headline = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(5, 10))).capitalize()
    return f"Baca juga: {headline}"


def repeated(rng: random.Random, i: int, *, distinct: int = 4000) -> str:
    """The 4,000x20 shape: ``distinct`` numbered lines, each occurring about 20 times at
    20 times as many lines."""
    n = rng.randrange(distinct)
    return numbered(random.Random(n), n)


def changelog(rng: random.Random, i: int) -> str:
    """Debian changelog uploads, one line at a time: headers differ in versions, bullets
    repeat exactly. Each upload is a record, so a bullet repeated in another upload stays.
    (Not in ``FAMILIES``: the benchmark reads this machine's real changelogs instead.)"""
    part = i % 6
    version = f"{i // 6 // 10}.{i // 6 % 10}-{rng.randrange(1, 4)}"
    return [
        f"dedup ({version}) unstable; urgency=medium",
        "",
        rng.choice(["  * New upstream release.", "  * Bump Standards-Version to 4.6.2."]),
        f"  * Fix crash on empty input (Closes: #{100000 + i}).",
        "",
        f" -- Jane Doe <jane@example.org>  Mon, {i % 28 + 1:02d} Jan 2024 12:00:00 +0000\n",
    ][part]


def exact(rng: random.Random, i: int) -> str:
    """The 1M-line exact file: 20,000 distinct lines of ~170 bytes, in random order."""
    n = rng.randrange(20000)
    words = random.Random(n)
    return f"{n:05d} " + " ".join(words.choice(WORDS) for _ in range(24))


FAMILIES: dict[str, Callable[[random.Random, int], str]] = {
    "numbered": numbered,
    "log": log,
    "csv": csv,
    "table": table,
    "links": links,
    "repeated": repeated,
    "exact": exact,
}


def lines(family: str, count: int, seed: int = 8) -> Iterator[str]:
    rng = random.Random(seed)
    make = FAMILIES[family]
    for i in range(count):
        yield make(rng, i)


def write(family: str, count: int, folder: Path = DATA) -> Path:
    """Write ``count`` lines of ``family`` (cached by name); return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{family}-{count}.txt"
    if not path.exists():
        with path.open("w", encoding="utf-8") as out:
            for line in lines(family, count):
                out.write(line + "\n")
    return path


def changelogs(limit: int, folder: Path = DATA) -> Path:
    """Concatenate this machine's Debian changelogs, up to ``limit`` bytes (cached)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"changelogs-{limit}.txt"
    if not path.exists():
        written = 0
        with path.open("wb") as out:
            for source in sorted(Path("/usr/share/doc").glob("*/changelog.Debian.gz")):
                data = gzip.decompress(source.read_bytes())
                if written + len(data) > limit:
                    break
                out.write(data)
                written += len(data)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--family", choices=sorted(FAMILIES), action="append")
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args()
    for family in args.family or sorted(FAMILIES):
        print(write(family, args.lines, args.out))


if __name__ == "__main__":
    main()
