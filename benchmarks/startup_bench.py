"""Start-up of a plain ``dedup clean`` on a small file, against ``import click, rapidfuzz.fuzz``.

    python benchmarks/startup_bench.py            # 30 pairs
    python benchmarks/startup_bench.py -n 100 --file tests/golden/antara-repeated.txt

Whole-process wall time from this parent (start to exit, interpreter start-up included),
the two commands in turn (A B A B ...), the ratio taken pair by pair so that a machine whose
speed drifts still gives a fair ratio; medians are printed. The same figure with public
tools: ``hyperfine -N -w 3 -r 30 'dedup clean FILE' "python -c 'import click, rapidfuzz.fuzz'"``,
and where the time goes: ``python -X importtime -m dedup clean FILE > /dev/null``.

Bytecode matters: with ``PYTHONDONTWRITEBYTECODE`` set and no ``__pycache__``, every module is
compiled at every start. This script compiles dedup first (``compileall``), as ``pip install``
does for an installed package.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
ARTICLE = HERE.parent / "tests" / "golden" / "antara-repeated.expected.txt"  # 1.8 KB of news


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=30)
    parser.add_argument("--file", type=Path, default=ARTICLE)
    args = parser.parse_args()
    compileall.compile_dir(HERE.parent / "dedup", quiet=1)
    dedup = shutil.which("dedup") or sys.exit("dedup is not installed (pip install -e .)")
    a = [dedup, "clean", str(args.file)]
    b = [sys.executable, "-c", "import click, rapidfuzz.fuzz"]
    for _ in range(3):  # warm the file cache
        wall(a), wall(b)
    pairs = [(wall(a), wall(b)) for _ in range(args.runs)]
    ratios = sorted(x / y for x, y in pairs)
    mine = statistics.median(x for x, _ in pairs) * 1e3
    theirs = statistics.median(y for _, y in pairs) * 1e3
    print(f"runs: {args.runs} pairs, file: {args.file} ({args.file.stat().st_size} bytes)")
    print(f"dedup clean FILE                         median {mine:6.1f} ms")
    print(f"python -c 'import click, rapidfuzz.fuzz' median {theirs:6.1f} ms")
    low, high = ratios[0], ratios[-1]
    print(f"ratio pair by pair: median {statistics.median(ratios):.3f} ({low:.3f} to {high:.3f})")


if __name__ == "__main__":
    main()
