"""Hang guards: each input shape of "Speed and memory" (issue 8) is cleaned, at a small size.

Templated text (lines that share a template and differ in a number, an id or a name) once
made the near matcher compare every pair. The families are benchmarks/families.py's (their one
home), at a small size. Each family here, 2,000 lines, must come out of a
real process before a generous timeout (60 s, for a loaded CI box) and come out right. The
time itself is not asserted: timings belong in benchmarks/families_bench.py.

What is right: no family has near copies, only different statements and exact repeats, so
the default clean removes exactly what the exact-only clean removes (``threshold=100``),
and where every line is different, nothing.
"""

from __future__ import annotations

import functools
import random
import subprocess
import sys

import families  # benchmarks/families.py, the one home of these shapes (see conftest.py)
import pytest

LINES = 2_000
TIMEOUT = 60
CLEAN = (
    "import sys; from dedup import Options, clean_bytes; "
    "sys.stdout.buffer.write(clean_bytes(sys.stdin.buffer.read(), "
    "Options(threshold=int(sys.argv[1]), keep_recurring=False)))"
)

FAMILIES = {
    "numbered": (families.numbered, True),
    "log": (families.log, True),
    "csv": (families.csv, True),
    "table": (families.table, True),
    # 500 headlines, each met about four times; 100 numbered lines, each about 20 times.
    "links": (functools.partial(families.links, headlines=LINES // 4), False),
    "repeated": (functools.partial(families.repeated, distinct=LINES // 20), False),
    "changelog": (families.changelog, True),
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
