"""Hang guards: each input shape of "Speed and memory" (issue 8) is cleaned, at a small size.

Templated text (lines that share a template and differ in a number, an id or a name) once
made the near matcher compare every pair. Each family here, 2,000 lines, must come out of a
real process before a generous timeout (60 s, for a loaded CI box) and come out right. The
time itself is not asserted: timings belong in benchmarks/families_bench.py.

What is right: no family has near copies, only different statements and exact repeats, so
the default clean removes exactly what the exact-only clean removes (``threshold=100``),
and where every line is different, nothing.
"""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

LINES = 2_000
TIMEOUT = 60
WORDS = str.split(
    "harga cabai naik menjelang lebaran pasar induk pedagang mengeluhkan pasokan petani "
    "banjir merendam desa pesisir utara warga mengungsi balai senin malam panen raya dimulai "
    "lebih awal tahun jalan tol baru dibuka mudik pemerintah daerah menyiapkan bantuan"
)
CLEAN = (
    "import sys; from dedup import Options, clean_bytes; "
    "sys.stdout.buffer.write(clean_bytes(sys.stdin.buffer.read(), "
    "Options(threshold=int(sys.argv[1]), keep_recurring=False)))"
)


def numbered(rng: random.Random, i: int) -> str:
    return (
        f"Paragraf nomor {i} berisi kalimat yang cukup panjang untuk dianggap sebuah "
        f"paragraf, {rng.random():.6f}."
    )


def log(rng: random.Random, i: int) -> str:
    return (
        f"2026-12-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} INFO "
        f"worker-{rng.randrange(16)} request id={rng.getrandbits(48):012x} "
        f"path=/api/v1/items/{rng.randrange(100000)} status=200 took={rng.randrange(2000)}ms"
    )


def csv(rng: random.Random, i: int) -> str:
    return f"{i},{rng.choice(WORDS)} {rng.choice(WORDS)},{rng.randrange(999)}.{i % 100:02d},paid"


def table(rng: random.Random, i: int) -> str:
    return f"| {i} | Team {rng.choice(WORDS).title()} | {rng.randrange(40)} | {rng.randrange(40)} |"


def links(rng: random.Random, i: int) -> str:
    # 500 headlines, each another choice of six words, each met about four times.
    n = rng.randrange(LINES // 4)
    return "Baca juga: " + " ".join(random.Random(n).sample(WORDS, 6)).capitalize()


def repeated(rng: random.Random, i: int) -> str:
    """The 4,000x20 shape, scaled: 100 numbered lines, each met about 20 times."""
    n = rng.randrange(LINES // 20)
    return numbered(random.Random(n), n)


def changelog(rng: random.Random, i: int) -> str:
    """Debian changelog uploads: headers differ in versions, bullets repeat exactly. Each
    upload is a record (issue 14), so a bullet repeated in another upload stays: nothing goes."""
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


FAMILIES = {
    "numbered": (numbered, True),
    "log": (log, True),
    "csv": (csv, True),
    "table": (table, True),
    "links": (links, False),
    "repeated": (repeated, False),
    "changelog": (changelog, True),
}


def text_of(family: str) -> bytes:
    make, _ = FAMILIES[family]
    rng = random.Random(8)
    return "".join(make(rng, i) + "\n" for i in range(LINES)).encode()


def clean_in_a_process(data: bytes, threshold: int) -> bytes:
    done = subprocess.run(
        [sys.executable, "-c", CLEAN, str(threshold)],
        input=data,
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    return done.stdout


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_family_is_cleaned_in_bounded_time_and_right(family):
    data = text_of(family)
    _, all_different = FAMILIES[family]
    exact = clean_in_a_process(data, 100)
    assert clean_in_a_process(data, 90) == exact
    if all_different:
        assert exact == data
    else:
        assert len(exact) < len(data)  # the family's exact repeats went
    # The command streams its input (dedup.streaming): the same bytes, in bounded time too.
    done = subprocess.run(
        [sys.executable, "-m", "dedup", "clean", "-"],
        input=data,
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    assert done.stdout == exact
