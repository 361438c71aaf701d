"""Time dedup on the input shapes of "Speed and memory" (issue 8) beside mawk and a reference.

    python benchmarks/families_bench.py                     # 20k and 100k lines, every family
    python benchmarks/families_bench.py --lines 2000 --family numbered --timeout 30
    python benchmarks/families_bench.py --no-reference      # leave the slow reference out

Families (benchmarks/families.py; generated, cached in benchmarks/data/, never committed):
numbered template lines, log lines, CSV rows, Markdown table rows, "Baca juga:" link lists,
the 4,000x20 file (4,000 numbered lines, each 20 times), real Debian changelogs (this
machine's /usr/share/doc/*/changelog.Debian.gz, concatenated, up to 50 MB), the exact file
(20,000 distinct lines of ~170 bytes), and planted prose (benchmarks/corpus.py) as the
yardstick the targets are relative to.

Every command runs in its own process, once, under GNU time (wall seconds and peak RSS), with
a timeout (a row then says "> N s"). Commands: ``dedup clean FILE`` (default settings),
``dedup clean --threshold 100 --split line FILE``, ``mawk '!seen[$0]++' FILE`` and the
datasketch MinHashLSH + rapidfuzz reference of benchmarks/run.py on the same keys. On a shared
machine the ratios, taken in one run, say more than the seconds. Prints a Markdown table and
writes it to benchmarks/results/families.md.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
RESULTS = HERE / "results"
TIME = shutil.which("time", path="/usr/bin")
CHANGELOG_BYTES = 50 << 20
MIN_CHARS = 20
FAMILIES = [
    *["prose", "numbered", "log", "csv", "table", "links", "repeated", "changelogs", "exact"]
]


def reference(path: Path, out: Path) -> None:
    """datasketch MinHashLSH (char 5-grams, 128 perms, LSH 0.7) + fuzz.ratio >= 85, keep-first.

    The reference of benchmarks/run.py, on one file, line by line.
    """
    from datasketch import MinHash, MinHashLSH
    from rapidfuzz import fuzz

    from dedup.text.normalize import key

    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    kept: dict[int, str] = {}
    with out.open("wb") as sink:
        for ident, raw in enumerate(path.read_bytes().splitlines(keepends=True)):
            text = key(raw.decode("utf-8", "surrogateescape"))
            if len(text) < MIN_CHARS:
                sink.write(raw)
                continue
            grams = {text[i : i + 5].encode() for i in range(max(1, len(text) - 4))}
            sig = MinHash(num_perm=128)
            sig.update_batch(list(grams))
            hit = next((c for c in sorted(lsh.query(sig)) if fuzz.ratio(kept[c], text) >= 85), None)
            if hit is None:
                lsh.insert(ident, sig)
                kept[ident] = text
                sink.write(raw)


def measure(command: list[str], timeout: float) -> tuple[float, float, int] | None:
    """Run ``command`` (stdout counted, then dropped); (wall s, peak MiB, output lines) or None."""
    report = RESULTS / "families-time.tmp"
    timed = [TIME, "-f", "%e %M", "-o", str(report), *command] if TIME else command
    start = time.perf_counter()
    try:
        done = subprocess.run(timed, capture_output=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    wall = time.perf_counter() - start
    peak = int(report.read_text().split()[-1]) / 1024 if TIME else float("nan")
    return wall, peak, done.stdout.count(b"\n")


def inputs(sizes: list[int], families: list[str]) -> list[tuple[str, Path]]:
    sys.path.insert(0, str(HERE))
    import families as made

    found = []
    for family in families:
        if family == "changelogs":
            whole = made.changelogs(CHANGELOG_BYTES)
            lines = whole.read_bytes().splitlines(keepends=True)
            for size in sizes:
                part = whole.with_name(f"changelogs-{size}.txt")
                part.write_bytes(b"".join(lines[:size]))
                found.append((f"changelogs, {min(size, len(lines)):,} lines", part))
            found.append(
                (f"changelogs, all ({len(lines):,} lines, {whole.stat().st_size >> 20} MB)", whole)
            )
        elif family == "prose":
            from corpus import generate  # benchmarks/corpus.py: planted copies in prose

            for size in sizes:
                folder = generate(size)
                whole = folder / "all-lines.txt"
                if not whole.exists():
                    whole.write_bytes(b"".join(p.read_bytes() for p in sorted(folder.glob("doc*"))))
                found.append((f"prose, {size:,} paragraphs", whole))
        elif family == "exact":
            for size in [*sizes, 1_000_000]:
                found.append((f"exact, {size:,} lines", made.write("exact", size)))
        else:
            for size in sizes:
                found.append((f"{family}, {size:,} lines", made.write(family, size)))
    return found


def commands(path: Path, *, with_reference: bool) -> dict[str, list[str]]:
    dedup = [sys.executable, "-m", "dedup", "clean"]
    out = {
        "dedup": [*dedup, str(path)],
        "dedup --threshold 100 --split line": [
            *dedup,
            "--threshold",
            "100",
            "--split",
            "line",
            *_remove_recurring(),
            str(path),
        ],
        "mawk": ["mawk", "!seen[$0]++", str(path)],
    }
    if with_reference:
        out["reference"] = [sys.executable, __file__, "--child", str(path), "/dev/stdout"]
    return out


def _remove_recurring() -> list[str]:
    """``--remove-recurring`` where the CLI still has it (it streams only without structure)."""
    shown = subprocess.run(
        [sys.executable, "-m", "dedup", "clean", "--help"], capture_output=True, text=True
    ).stdout
    return ["--remove-recurring"] if "--remove-recurring" in shown else []


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        reference(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, action="append", help="default: 20000 and 100000")
    parser.add_argument("--family", action="append", help="default: all")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per command")
    parser.add_argument("--reference", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    sizes = args.lines or [20_000, 100_000]
    families = args.family or FAMILIES
    RESULTS.mkdir(exist_ok=True)
    tools = list(commands(Path("x"), with_reference=args.reference))
    rows = [
        "| input | MB | " + " | ".join(f"{tool}: s, MiB" for tool in tools) + " |",
        "|---|---:|" + "---:|" * len(tools),
    ]
    timed_out: set[tuple[str, str]] = set()
    for name, path in inputs(sizes, families):
        family = name.split(",")[0]
        cells = []
        for tool, command in commands(path, with_reference=args.reference).items():
            if (family, tool) in timed_out:  # a smaller size already took too long
                cells.append("not run")
                continue
            found = measure(command, args.timeout)
            if found is None:
                timed_out.add((family, tool))
                cells.append(f"> {args.timeout:.0f}")
            else:
                cells.append(f"{found[0]:.2f}, {found[1]:.0f}")
            print(f"{name}: {tool}: {cells[-1]}", file=sys.stderr, flush=True)
        size = path.stat().st_size / (1 << 20)
        rows.append(f"| {name} | {size:.1f} | " + " | ".join(cells) + " |")
    command = " ".join(["python benchmarks/families_bench.py", *sys.argv[1:]])
    table = "\n".join(
        [
            f"`{command}`: Python {platform.python_version()}, {platform.machine()}, "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, one run each, shared machine",
            "",
            *rows,
            "",
        ]
    )
    print(table)
    (RESULTS / "families.md").write_text(table)


if __name__ == "__main__":
    main()
