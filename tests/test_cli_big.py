"""Big and hostile inputs finish, with the right output.

No test here measures time: each asserts the exact output, and the subprocess timeout is only
a guard against a hang. That these finish in seconds rests on the bounds the code documents
(``MAX_FUZZY_CHARS`` for long paragraphs, exact matching by hash before any fuzzy work).
"""

from __future__ import annotations

import random

import pytest
from processes import dedup, run_three_ways

from dedup.options import MAX_FUZZY_CHARS

# Every byte value to a letter or a space (one in eight), never a line break.
_TO_WORDS = bytes(b"abcdefghijklmno "[value % 16] for value in range(256))


def words(seed: int, size: int) -> bytes:
    """``size`` bytes of pseudo-words on one line, the same for the same seed."""
    return random.Random(seed).randbytes(size).translate(_TO_WORDS)


def test_a_50_mb_single_line_passes_through():
    line = words(1, 50_000_000) + b"\n"
    done = dedup("clean", input=line)
    assert done.returncode == 0
    assert done.stderr == (
        b"dedup: warning: 1 paragraph(s) longer than 10,000 characters "
        b"checked for exact repeats only (-v names the files)\n"
    )
    assert done.stdout == line
    assert dedup("clean", "-q", input=line).stderr == b""


def test_a_million_short_lines(tmp_path):
    # `seq 1000000 | dedup clean`, with repeats: every line a paragraph, each shorter than
    # --min-chars, so all stay. (With --min-chars 0, 999,000 removals, it is right too but
    # takes several times as long, which this suite cannot afford on every run.)
    data = b"".join(b"%d\n" % (i % 1000) for i in range(1_000_000))
    (tmp_path / "numbers.txt").write_bytes(data)
    done = dedup("clean", tmp_path / "numbers.txt")
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == data


@pytest.mark.parametrize("way", ["file argument", "pipe", "stdin redirect"])
def test_two_different_one_megabyte_paragraphs(way, tmp_path):
    first, second = words(2, 1_000_000), words(3, 1_000_000)
    near_copy = first[:-1] + b"z"  # a near repeat, but far beyond MAX_FUZZY_CHARS: kept
    assert len(first) > MAX_FUZZY_CHARS
    data = b"\n\n".join([first, second, first, near_copy]) + b"\n"
    done = run_three_ways(way, data, tmp_path)
    assert done.returncode == 0
    assert b" 4 paragraph(s) longer than 10,000 characters" in done.stderr
    assert done.stdout == b"\n\n".join([first, second, near_copy]) + b"\n"


@pytest.mark.parametrize("way", ["file argument", "pipe", "stdin redirect"])
def test_paragraphs_of_only_equals_signs(way, tmp_path):
    rule = b"=" * 1_000_000
    first, last = b"Chapter one begins here.", b"Chapter two begins here."
    data = b"\n\n".join(
        [first, b"=====", b"=" * 30, b"=====", b"=" * 30, b"=" * 31, rule, rule, last]
    )
    done = run_three_ways(way, data, tmp_path)
    assert done.returncode == 0
    assert b" 2 paragraph(s) longer than 10,000 characters" in done.stderr
    # Short rules are below --min-chars and stay; long exact repeats go; "=" * 31 has no
    # words to weigh against "=" * 30, so it is not called a near repeat.
    assert done.stdout == b"\n\n".join(
        [first, b"=====", b"=" * 30, b"=====", b"=" * 31, rule, last]
    )
