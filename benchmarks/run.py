"""Benchmark dedup against mawk, a rensa + rapidfuzz script and a datasketch reference.

    python benchmarks/run.py                      # 100k paragraphs, reference included
    python benchmarks/run.py --paragraphs 1000000 # 1M, reference only with --reference
    python benchmarks/run.py --quick              # 10k, a smoke test

Every tool runs in its own subprocess on the same files of a seeded planted corpus
(benchmarks/corpus.py); the parent takes wall time around the child and the child's own peak
RSS from ``os.wait4``. Precision and recall are of removed lines against the planted copies.
Then dedup is run per document over /work/shared/realdata (or --realdata) with the silver labels.

dedup runs two ways: through its Python API in corpus mode (decode, ``clean_document`` with
one matcher shared by all documents, encode, write), and as the real CLI, ``python -m dedup
clean --split line --across doc*.txt``. With ``--across`` the default is to remove recurring
paragraphs too (every repeat in the planted corpus is a planted copy); one CLI row shows
``--keep-recurring`` (a paragraph met 3+ times, each time among new neighbours, kept as a
document's structure), which keeps some planted copies.
Results go to stdout and benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).parent
RESULTS = HERE / "results"
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
TIME = shutil.which("time", path="/usr/bin")  # GNU time, for peak RSS; without it RSS is n/a
MIN_CHARS = 20  # dedup's default, applied to the reference too so that both keep short lines


# --- children: each runs one tool, writes its output and the ids of the lines it removed ---


def _documents(folder: Path) -> list[Path]:
    truth = json.loads((folder / "truth.json").read_text())
    return [folder / name for name in truth["documents"]]


def run_dedup(folder: Path, out: Path, threshold: int) -> None:
    """What ``dedup clean --split line --threshold T --across`` does, through the API."""
    from dedup import Options, clean_documents
    from dedup.decoding import decode

    options = Options(threshold=threshold, split="line", keep_recurring=False)
    removed: list[int] = []
    first = 0  # the number of the document's first paragraph in the whole corpus
    boms: list[bytes] = []

    def texts() -> Iterator[str]:  # one document in memory at a time, as the CLI reads them
        for path in _documents(folder):
            decoded = decode(path.read_bytes())
            boms.append(decoded.bom)
            yield decoded.text

    with (out / "output.txt").open("wb") as sink:
        for number, result in enumerate(clean_documents(texts(), options, across=True)):
            sink.write(boms[number] + result.text.encode("utf-8", "surrogateescape"))
            removed += [first + m.index for m in result.removed]
            first += len(result.paragraphs)
    (out / "removed.json").write_text(json.dumps(removed))


def run_reference(folder: Path, out: Path) -> None:
    """datasketch MinHashLSH (char 5-grams, 128 perms, LSH threshold 0.7) + fuzz.ratio >= 85.

    Keep-first, earliest candidate first, on the same normalised keys as dedup (so the two
    differ only in how they find and verify candidates).
    """
    from datasketch import MinHash, MinHashLSH
    from rapidfuzz import fuzz

    from dedup.normalize import key

    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    kept: dict[int, str] = {}
    removed: list[int] = []
    ident = 0
    with (out / "output.txt").open("w") as sink:
        for path in _documents(folder):
            for line in path.read_text().splitlines(keepends=True):
                text = key(line)
                ident += 1
                if len(text) < MIN_CHARS:
                    sink.write(line)
                    continue
                grams = {text[i : i + 5].encode() for i in range(max(1, len(text) - 4))}
                sig = MinHash(num_perm=128)
                sig.update_batch(list(grams))
                hit = next(
                    (c for c in sorted(lsh.query(sig)) if fuzz.ratio(kept[c], text) >= 85), None
                )
                if hit is None:
                    lsh.insert(ident - 1, sig)
                    kept[ident - 1] = text
                    sink.write(line)
                else:
                    removed.append(ident - 1)
    (out / "removed.json").write_text(json.dumps(removed))


def run_rensa(folder: Path, out: Path) -> None:
    """rensa RMinHashLSH (char 5-grams, 128 perms, 32 bands) + fuzz.ratio >= 85, keep-first.

    The script a user would write today: rensa is a Rust MinHash/LSH (about 600x datasketch
    on MinHash), and everything else is one Python loop, on the same keys as dedup.
    """
    from rapidfuzz import fuzz
    from rensa import RMinHash, RMinHashLSH

    from dedup.normalize import key

    lsh = RMinHashLSH(threshold=0.7, num_perm=128, num_bands=32)
    kept: dict[int, str] = {}
    removed: list[int] = []
    ident = 0
    with (out / "output.txt").open("w") as sink:
        for path in _documents(folder):
            for line in path.read_text().splitlines(keepends=True):
                text = key(line)
                ident += 1
                if len(text) < MIN_CHARS:
                    sink.write(line)
                    continue
                sig = RMinHash(num_perm=128, seed=42)
                sig.update([text[i : i + 5] for i in range(max(1, len(text) - 4))])
                hit = next(
                    (c for c in sorted(lsh.query(sig)) if fuzz.ratio(kept[c], text) >= 85), None
                )
                if hit is None:
                    lsh.insert(ident - 1, sig)
                    kept[ident - 1] = text
                    sink.write(line)
                else:
                    removed.append(ident - 1)
    (out / "removed.json").write_text(json.dumps(removed))


def _child(argv: list[str]) -> None:
    tool, folder, out = argv[0], Path(argv[1]), Path(argv[2])
    if tool == "reference":
        run_reference(folder, out)
    elif tool == "rensa":
        run_rensa(folder, out)
    else:
        run_dedup(folder, out, int(tool.removeprefix("dedup-")))


# --- the parent: run, measure, score, report ---


def measure(command: list[str], stdout: Path | None = None) -> tuple[float, float]:
    """Run ``command``; return (wall seconds, peak RSS MiB) of that command alone.

    GNU time measures, because ``ru_maxrss`` of a child forked straight from this (large)
    process starts at this process's own high-water mark.
    """
    report = RESULTS / "time.tmp"
    timed = [TIME, "-f", "%e %M", "-o", str(report), *command] if TIME else command
    with (stdout or Path(os.devnull)).open("wb") as sink:
        start = time.perf_counter()
        subprocess.run(timed, stdout=sink, check=True)
        wall = time.perf_counter() - start
    if not TIME:
        return wall, float("nan")
    _, peak_kib = report.read_text().split()[-2:]
    return wall, int(peak_kib) / 1024


def mawk_removed(folder: Path) -> list[int]:
    """The lines ``mawk '!seen[$0]++'`` drops: raw lines seen before, across all files."""
    seen: set[bytes] = set()
    removed = []
    ident = 0
    for path in _documents(folder):
        for line in path.read_bytes().splitlines():
            if line in seen:
                removed.append(ident)
            seen.add(line)
            ident += 1
    return removed


def score(removed: list[int], truth: dict[str, list]) -> tuple[float, float]:
    planted = {i for i, kind in enumerate(truth["kind"]) if kind != "original"}
    hits = len(planted.intersection(removed))
    return hits / max(1, len(removed)), hits / len(planted)


def concatenated(folder: Path) -> Path:
    """All documents in one file: the CLI's output (documents in order) is this minus lines."""
    whole = folder / "all.txt"
    if not whole.exists():
        with whole.open("wb") as sink:
            for path in _documents(folder):
                sink.write(path.read_bytes())
    return whole


def cli_removed(whole: Path, output: Path) -> list[int]:
    """Line numbers missing from ``output``: it is ``whole`` minus some lines, in order."""
    kept = output.read_bytes().splitlines()
    removed, j = [], 0
    for i, line in enumerate(whole.read_bytes().splitlines()):
        if j < len(kept) and kept[j] == line:
            j += 1
        else:
            removed.append(i)
    assert j == len(kept), "the CLI output is not a subsequence of its input"
    return removed


def planted_table(folder: Path, reference: bool) -> str:
    truth = json.loads((folder / "truth.json").read_text())
    documents = [str(p) for p in _documents(folder)]
    whole = concatenated(folder)
    work = RESULTS / (folder.name + ".tmp")
    work.mkdir(parents=True, exist_ok=True)
    me = [sys.executable, str(Path(__file__).resolve()), "--child"]
    cli = [sys.executable, "-m", "dedup", "clean", "--split", "line", "--across"]
    rows = []

    def record(tool: str, wall: float, rss: float, removed: list[int]) -> None:
        rows.append((tool, wall, rss, removed))
        print(f"  {tool}: {wall:.1f} s, {rss:.0f} MiB, removed {len(removed)}", file=sys.stderr)

    for tool in ["dedup-90", "rensa"] + (["reference"] if reference else []):
        out = work / tool
        out.mkdir(exist_ok=True)
        wall, rss = measure([*me, tool, str(folder), str(out)])
        record(tool, wall, rss, json.loads((out / "removed.json").read_text()))
    for tool, flags in _CLI_ROWS.items():
        out = work / f"{tool}.txt"
        wall, rss = measure([*cli, *flags, *documents], out)
        record(tool, wall, rss, cli_removed(whole, out))
    if shutil.which("mawk"):
        wall, rss = measure(["mawk", "!seen[$0]++", *documents], work / "mawk.txt")
        removed = mawk_removed(folder)
        kept = (work / "mawk.txt").read_bytes().count(b"\n")
        assert kept + len(removed) == len(truth["kind"]), "mawk and its model disagree"
        record("mawk", wall, rss, removed)
    else:
        print("  mawk: not installed (apt-get install -y mawk); row left out", file=sys.stderr)
    base = {tool: wall for tool, wall, _, _ in rows}
    lines = [
        f"### {len(truth['kind']):,} paragraphs in {len(documents)} documents ({folder.name})",
        "",
        "| tool | wall s | peak RSS MiB | removed | precision | recall | wall / dedup API |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for tool, wall, rss, removed in rows:
        p, r = score(removed, truth)
        ratio = wall / base["dedup-90"]
        lines.append(
            f"| {_NAMES[tool]} | {wall:.2f} | {rss:.0f} | {len(removed):,} | {p:.4f} | {r:.4f} "
            f"| {ratio:.2f} |"
        )
    lines += ["", *_ratios(base), ""]
    shutil.rmtree(work)
    return "\n".join(lines)


_CLI_ROWS = {
    "cli-90": [],
    "cli-90-keep": ["--keep-recurring"],
    "cli-100": ["--threshold", "100", "--remove-recurring"],
}
_NAMES = {
    "dedup-90": "dedup API, corpus mode, remove-recurring",
    "cli-90": "`dedup clean --split line --across` (default settings)",
    "cli-90-keep": "`dedup clean --split line --across --keep-recurring`",
    "cli-100": "`dedup clean --split line --across --threshold 100 --remove-recurring`",
    "reference": "datasketch MinHashLSH + rapidfuzz (reference)",
    "rensa": "rensa RMinHashLSH (128 perms, 32 bands) + rapidfuzz",
    "mawk": "mawk '!seen[$0]++'",
}


def _ratios(base: dict[str, float]) -> list[str]:
    out = []
    if "reference" in base:
        reference = base["reference"]
        out.append(f"- reference / dedup API wall time: {reference / base['dedup-90']:.1f}x")
        out.append(f"- reference / dedup CLI wall time: {reference / base['cli-90']:.1f}x")
    if "rensa" in base:
        out.append(f"- rensa script / dedup CLI wall time: {base['rensa'] / base['cli-90']:.2f}x")
    if "mawk" in base:
        out.append(f"- dedup CLI exact / mawk wall time: {base['cli-100'] / base['mawk']:.2f}x")
    return out


def realdata_table(root: Path) -> str:
    """dedup per document over the labelled real pages: which labelled repeats it removes."""
    from dedup.options import Options
    from dedup.pipeline import clean

    lines = [
        f"### Real pages ({root}), one document at a time, `--split line`",
        "",
        "Repeats of at least 40 characters, as labelled in labels.jsonl (silver labels);",
        "`extra_copy` should go, `legit` should stay; `not_in_gt` is page chrome.",
        "",
        "| threshold | match | gt label | repeats | removed by dedup |",
        "|---:|---|---|---:|---:|",
    ]
    for threshold in (90, 100):
        counts: dict[tuple[str, str], list[int]] = {}
        for labels in sorted(root.glob("*/labels.jsonl")):
            for record in map(json.loads, labels.read_text().splitlines()):
                data = (labels.parent / record["file"]).read_bytes()
                result = clean(data, Options(threshold=threshold, split="line"))
                gone = {m.index for m in result.removed}
                for repeat in record["repeats"]:
                    if repeat["chars"] < 40:
                        continue
                    cell = counts.setdefault((repeat["match"], repeat.get("gt", "no_gt")), [0, 0])
                    cell[0] += 1
                    cell[1] += repeat["line"] in gone
        for (match, gt), (total, removed) in sorted(counts.items()):
            lines.append(f"| {threshold} | {match} | {gt} | {total} | {removed} |")
    return "\n".join([*lines, ""])


def environment() -> str:
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("rapidfuzz", "numpy", "datasketch", "rensa")
    )
    return (
        f"Python {platform.python_version()}, {versions}, {os.cpu_count()} cores, "
        f"{platform.machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10k paragraphs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reference",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the datasketch reference (default: only up to 200k paragraphs)",
    )
    parser.add_argument("--realdata", type=Path, default=REALDATA)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from corpus import generate

    size = 10_000 if args.quick else args.paragraphs
    reference = args.reference if args.reference is not None else size <= 200_000
    print(f"generating {size:,} paragraphs (cached in {HERE / 'data'})", file=sys.stderr)
    folder = generate(size, seed=args.seed)
    command = " ".join(["python benchmarks/run.py", *sys.argv[1:]])
    sections = [f"`{command}` — {environment()}", "", planted_table(folder, reference)]
    if args.realdata.is_dir():
        sections.append(realdata_table(args.realdata))
    report = "\n".join(sections)
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"planted-{size}.md").write_text(report)
    parts = [p.read_text() for p in sorted(RESULTS.glob("planted-*.md"), key=_size)]
    (HERE / "results.md").write_text("# Benchmark results\n\n" + "\n".join(parts))


def _size(path: Path) -> int:
    return int(path.stem.split("-")[1])


if __name__ == "__main__":
    main()
