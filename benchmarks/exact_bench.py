"""Exact mode at the default split beside mawk: ``dedup clean --threshold 100 FILE``.

    python benchmarks/exact_bench.py              # 1M lines: 20k distinct, and 1M distinct
    python benchmarks/exact_bench.py --lines 100000 --runs 3

Two one-paragraph-a-line files without blank lines (generated, cached in benchmarks/data/,
never committed): ``exact-1m`` (1M lines of ~170 bytes, 20,000 distinct, in random order: the
file of benchmarks/families.py) and ``distinct-1m`` (1M lines, every one distinct). Each
command runs in its own process, dedup and mawk in turn, under GNU time (wall seconds, peak
RSS), its output to /dev/null; the ratio is taken pair by pair and its median printed, so
that a loaded machine still gives a fair figure. The outputs are checked equal to
``--split line``'s and to mawk's first. The same figure with public tools:
``hyperfine -N -r 5 'dedup clean --threshold 100 FILE' "mawk '!seen[\\$0]++' FILE"``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from families import WORDS, exact

HERE = Path(__file__).parent
DATA = HERE / "data"
TIME = shutil.which("time", path="/usr/bin")


def make(name: str, lines: int) -> Path:
    path = DATA / f"{name}-{lines}.txt"
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    rng = random.Random(1)
    with path.open("w") as sink:
        for i in range(lines):
            if name == "exact":
                sink.write(exact(rng, i) + "\n")
            else:
                words = random.Random(i)
                sink.write(f"{i:07d} " + " ".join(words.choice(WORDS) for _ in range(24)) + "\n")
    return path


def timed(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS in MiB of one run.

    CPU and RSS come from GNU time (NaN without it). On a loaded machine wall time mostly
    measures the wait for a core; CPU time is the work.
    """
    prefix = [TIME, "-f", "%U %S %M"] if TIME else []
    start = time.perf_counter()
    done = subprocess.run(
        prefix + command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True
    )
    wall = time.perf_counter() - start
    if not TIME:
        return wall, float("nan"), float("nan")
    user, system, rss = done.stderr.split()[-3:]
    return wall, float(user) + float(system), float(rss) / 1024


def digest(command: list[str]) -> str:
    out = subprocess.run(command, capture_output=True, check=True).stdout
    return hashlib.sha256(out).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    dedup = shutil.which("dedup") or sys.exit("dedup is not installed (pip install -e .)")
    mawk = shutil.which("mawk") or sys.exit("mawk is not installed (apt-get install mawk)")
    print(
        "| file | dedup wall s | dedup cpu s | dedup MiB | mawk wall s | mawk cpu s | mawk MiB "
        "| wall ratio | cpu ratio |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in ("exact", "distinct"):
        path = make(name, args.lines)
        ours = [dedup, "clean", "--threshold", "100", str(path)]
        theirs = [mawk, "!seen[$0]++", str(path)]
        same = {digest(ours), digest([*ours[:4], "--split", "line", str(path)]), digest(theirs)}
        if len(same) != 1:
            sys.exit(f"{path.name}: the outputs differ")
        pairs = [(timed(ours), timed(theirs)) for _ in range(args.runs)]
        cells = [
            statistics.median(a[0] for a, _ in pairs),
            statistics.median(a[1] for a, _ in pairs),
        ]
        cells.append(max(a[2] for a, _ in pairs))
        cells += [
            statistics.median(b[0] for _, b in pairs),
            statistics.median(b[1] for _, b in pairs),
        ]
        cells.append(max(b[2] for _, b in pairs))
        wall = statistics.median(a[0] / b[0] for a, b in pairs)
        cpu = statistics.median(a[1] / b[1] for a, b in pairs)
        shown = " | ".join(f"{c:.0f}" if i in (2, 5) else f"{c:.2f}" for i, c in enumerate(cells))
        print(f"| {path.name} | {shown} | {wall:.2f}x | {cpu:.2f}x |")


if __name__ == "__main__":
    main()
