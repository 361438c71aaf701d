"""Time corpus mode on a generated JSONL corpus: documents/s, MB/s and peak memory per case.

    python benchmarks/corpus_bench.py                      # 20,000 documents, ~150k paragraphs
    python benchmarks/corpus_bench.py --documents 2000 --cases across

Each case runs the installed ``dedup`` in a child process; ``os.wait4`` gives that child's
own peak RSS. MB/s counts the uncompressed JSONL read. Data goes to benchmarks/data/ (ignored
by git) and is generated once per size.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "data"

CASES = {
    # name: (dedup arguments before the input, input suffix, output name)
    "alone": (["--jsonl"], ".jsonl", "out.jsonl"),
    "across-exact": (["--jsonl", "--across", "--threshold", "100"], ".jsonl", "out.jsonl"),
    "across": (["--jsonl", "--across"], ".jsonl", "out.jsonl"),
    "gz-to-zst": (["--jsonl"], ".jsonl.gz", "out.jsonl.zst"),
}


def corpus(documents: int) -> Path:
    path = DATA / f"corpus-{documents}.jsonl"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        with path.open("wb") as out:
            subprocess.run(
                [sys.executable, HERE / "corpus_gen.py", "--documents", str(documents)],
                stdout=out,
                check=True,
            )
        with path.open("rb") as plain, gzip.open(f"{path}.gz", "wb", compresslevel=6) as packed:
            shutil.copyfileobj(plain, packed)
    return path


def measure(command: list[str]) -> tuple[float, int]:
    """Run ``command``; return wall seconds and the child's peak RSS in kB."""
    # stderr goes to a file, not a pipe: nobody reads a pipe while we wait.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode()}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--dedup", default=shutil.which("dedup") or "dedup")
    args = parser.parse_args()
    source = corpus(args.documents)
    size_mb = source.stat().st_size / 1e6
    print(f"corpus: {args.documents:,} documents, {size_mb:.1f} MB uncompressed ({source.name})")
    print(f"{'case':<14}{'seconds':>9}{'docs/s':>9}{'MB/s':>7}{'peak RSS MB':>13}")
    for name in args.cases:
        options, suffix, output = CASES[name]
        command = [args.dedup, "clean", *options, f"{DATA / source.stem}{suffix}"]
        command += ["-o", str(DATA / output)]
        seconds, rss_kb = measure(command)
        rate, throughput = args.documents / seconds, size_mb / seconds
        print(f"{name:<14}{seconds:>9.2f}{rate:>9,.0f}{throughput:>7.2f}{rss_kb / 1024:>13.1f}")


if __name__ == "__main__":
    main()
