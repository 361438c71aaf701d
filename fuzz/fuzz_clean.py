"""Fuzz the core: any bytes, any options; the output is the input minus whole lines, in order.

The same invariant as ``tests/test_cli_any_bytes.py`` (shared from ``tests/invariants.py``),
on ``clean_bytes`` directly, so libFuzzer spends its time in dedup rather than in click. Not
run in CI: it runs until stopped or until its time is up.

With atheris (coverage-guided)::

    pip install atheris
    python fuzz/fuzz_clean.py -max_total_time=600 -max_len=4096 fuzz/corpus

Without atheris, the same check runs as a plain loop over random inputs::

    python fuzz/fuzz_clean.py --plain 200000
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from invariants import is_input_minus_whole_lines

try:
    import atheris
except ImportError:  # the plain loop below still works
    atheris = None

if atheris is not None:
    with atheris.instrument_imports():
        from dedup import Options, clean_bytes
else:
    from dedup import Options, clean_bytes

THRESHOLDS = (0, 50, 85, 90, 100)
MIN_CHARS = (0, 5, 20)
SPLITS = ("auto", "line", "block")


def options_from(byte: int) -> Options:
    """Options chosen by one input byte, so the fuzzer explores them as it explores the text."""
    return Options(
        threshold=THRESHOLDS[byte % 5],
        min_chars=MIN_CHARS[byte // 5 % 3],
        split=SPLITS[byte // 15 % 3],  # type: ignore[arg-type]  # one of SplitMode's values
    )


def check(data: bytes) -> None:
    """Clean ``data[1:]`` with the options ``data[0]`` picks; raise if the invariant breaks."""
    if not data:
        return
    options, text = options_from(data[0]), data[1:]
    output = clean_bytes(text, options)
    if not is_input_minus_whole_lines(text, output):
        raise AssertionError(f"not the input minus whole lines: {text!r} -> {output!r}")


PIECES = (
    b"The council approved the harbour budget.",
    b"the council approved the harbour budget!",
    b"\xef\xbb\xbf",
    b"caf\xe9 \xed\xa0\x80",
    b"=====",
    b" ",
    b"\n",
    b"\r\n",
    b"\r",
    b"\x00",
)


def random_input(rng: random.Random) -> bytes:
    """Either raw random bytes or lines from a small pool, where repeats are likely."""
    if rng.random() < 0.5:
        return rng.randbytes(rng.randrange(200))
    return bytes([rng.randrange(256)]) + b"".join(rng.choices(PIECES, k=rng.randrange(30)))


def plain_loop(runs: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for _ in range(runs):
        check(random_input(rng))
    sys.stdout.write(f"{runs} inputs checked\n")


if __name__ == "__main__":
    if atheris is None or "--plain" in sys.argv:
        count = sys.argv[-1] if sys.argv[-1].isdigit() else "10000"
        plain_loop(int(count))
    else:
        atheris.Setup(sys.argv, check)
        atheris.Fuzz()
