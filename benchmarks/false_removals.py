"""False removals on real documents that hold no copies, and recall on planted copies.

    python benchmarks/false_removals.py                 # every source, full size
    python benchmarks/false_removals.py --quick         # 40 files per source
    python benchmarks/false_removals.py --sources changelogs,licences

Part 1 runs ``dedup clean --check -v --stats`` (default options, the real CLI, one process per
source) over documents on this machine that nobody copied anything into: the Debian changelogs
and copyright files in /usr/share/doc, a few hundred man pages in eleven languages rendered to
text at 80 columns, and the licences in /usr/share/common-licenses. Every removal there is a
false removal unless the author really wrote a paragraph twice, so each near removal is listed
with both texts in ``near-removals.txt`` for a person to read.

Part 2 plants copies into a seeded sample of the same documents, each in its own file: a
copied passage (three consecutive paragraphs repeated exactly further down) and single
paragraphs repeated with copy noise (punctuation, case, quotes, spacing, a typo in a long word,
a doubled word). It reports the share of planted paragraphs removed (recall) and how many
other paragraphs went.

Output: a table on stdout and in ``benchmarks/results/false-removals.md``; the listing of
every near removal goes to ``benchmarks/data/false-removals/near-removals.txt`` (not committed:
it is long while the matcher removes thousands).
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from dedup.text.paragraphs import split

HERE = Path(__file__).parent
DATA = HERE / "data" / "false-removals"
RESULTS = HERE / "results" / "false-removals.md"
NEAR = DATA / "near-removals.txt"
EXACT_DIFFERS = DATA / "exact-removals-differing.txt"
MISSED = DATA / "planted-missed.txt"
SEED = 11
MAN_LANGS = {"en": 150, "de": 25, "fr": 25, "es": 25, "it": 25, "nl": 25, "pt": 25, "ru": 25,
             "sv": 25, "pl": 25, "id": 15}  # fmt: skip
REMOVAL = re.compile(  # one line of -v output
    r"^(?P<file>.+):(?P<line>\d+) removed, repeats (?:line (?P<orig>\d+)|an earlier document) "
    r"\((?P<score>exact|[\d.]+)\): "
)


def regular(paths: list[Path]) -> list[Path]:
    return sorted(p for p in paths if p.is_file() and not p.is_symlink())


def render_man(rng: random.Random) -> list[Path]:
    """Man pages rendered as a reader sees them (80 columns), cached under DATA/man."""
    out = []
    for lang, count in MAN_LANGS.items():
        root = Path("/usr/share/man") if lang == "en" else Path("/usr/share/man") / lang
        pattern = "man[1578]/*.gz" if lang == "en" else "man*/*.gz"
        found = regular(list(root.glob(pattern)))
        for page in rng.sample(found, min(count, len(found))):
            target = DATA / "man" / lang / (page.name.removesuffix(".gz") + ".txt")
            if not target.exists():
                env = {**os.environ, "LC_ALL": "C.UTF-8", "MANWIDTH": "80"}
                man = subprocess.run(
                    ["man", "-l", str(page)], capture_output=True, env=env, check=False
                )
                col = subprocess.run(
                    ["col", "-bx"], input=man.stdout, capture_output=True, check=False
                )
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(col.stdout)
            if target.stat().st_size:
                out.append(target)
    return out


def sources(rng: random.Random, quick: bool) -> dict[str, list[Path]]:
    doc = Path("/usr/share/doc")
    found = {
        # every file, as a user would run it (the binary packages of one source share theirs)
        "changelogs": regular(list(doc.glob("*/changelog.Debian.gz"))),
        "copyright": regular(list(doc.glob("*/copyright"))),
        "man pages": render_man(rng),
        "licences": regular(list(Path("/usr/share/common-licenses").glob("*"))),
    }
    if quick:
        found = {name: rng.sample(paths, min(40, len(paths))) for name, paths in found.items()}
    return found


# ----------------------------------------------------------------------------- running dedup


@dataclass
class Run:
    """What one ``dedup clean --check -v --stats`` over a source's files reported."""

    files: int
    paragraphs: int = 0
    exact: int = 0
    near: list[tuple[str, int, int, str]] = field(
        default_factory=list
    )  # file, line, original, score
    removed: list[tuple[str, int]] = field(default_factory=list)  # every removal: file, line
    exact_pairs: list[tuple[str, int, int]] = field(default_factory=list)  # file, line, original


def run_dedup(paths: list[Path]) -> Run:
    env = {**os.environ, "COLUMNS": "10000", "NO_COLOR": "1"}
    command = [sys.executable, "-m", "dedup", "clean", "--check", "-v", "--stats", *map(str, paths)]
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"dedup failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    run = Run(files=len(paths))
    for line in done.stderr.decode("utf-8", "replace").splitlines():
        m = REMOVAL.match(line)
        if m:
            where = (m["file"], int(m["line"]))
            run.removed.append(where)
            if m["score"] == "exact":
                run.exact += 1
                if m["orig"]:
                    run.exact_pairs.append((*where, int(m["orig"])))
            else:
                run.near.append((*where, int(m["orig"] or 0), m["score"]))
            continue
        cells = line.split()
        if (len(paths) == 1 and cells[:1] == [str(paths[0])]) or cells[:1] == ["total"]:
            run.paragraphs = int(cells[1].replace(",", ""))
    return run


def exact_differing(rows: list[tuple[str, Run]]) -> list[str]:
    """Every exact removal whose raw text differs from its original's other than in
    whitespace (case, a quote, a dash: what the key folds), both texts, for a person to read."""
    listing = []
    for _, run in rows:
        for file, line, original in run.exact_pairs:
            kept, removed = paragraph_at(file, original), paragraph_at(file, line)
            if " ".join(kept.split()) != " ".join(removed.split()):
                listing.append(
                    f"== {file}:{line} repeats line {original} (exact)\n"
                    f"-- kept (line {original}):\n{kept}\n-- removed (line {line}):\n{removed}\n"
                )
    return listing


def read_text(path: str) -> str:
    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", "surrogateescape")


def paragraph_at(path: str, line: int) -> str:
    """The text of the paragraph that starts at ``line``, as dedup's default split reads it."""
    text = read_text(path)
    for p in split(text):
        if p.line == line:
            return text[p.start : p.end].rstrip("\n")
    return f"(no paragraph starts at line {line})"


# ----------------------------------------------------------------------------- planting


def blocks_of(text: str) -> list[str]:
    return [b for b in re.split(r"\n[ \t]*\n", text.strip("\n")) if b.strip()]


def noisy(block: str, rng: random.Random) -> str:
    """A copy of ``block`` with one kind of copy noise."""
    words = [m for m in re.finditer(r"[^\W\d_]{7,}", block)]
    options = ["punctuation", "case", "spacing", "doubled"]
    if words:
        options.append("typo")
    if "'" in block:
        options.append("quotes")
    kind = rng.choice(options)
    if kind == "punctuation":
        return block[:-1] if block[-1] in ".:;!?" else block + "."
    if kind == "case":
        return block[:1].swapcase() + block[1:]
    if kind == "spacing":
        spaces = [m.start() for m in re.finditer(r"(?<=\S) (?=\S)", block)] or [len(block)]
        i = rng.choice(spaces)
        return block[:i] + " " + block[i:]
    if kind == "quotes":
        return block.replace("'", "\u2019")
    if kind == "typo":
        m = rng.choice(words)
        w = m.group()
        i = rng.randrange(1, len(w) - 2)
        return block[: m.start()] + w[:i] + w[i + 1] + w[i] + w[i + 2 :] + block[m.end() :]
    found = list(re.finditer(r"(?<![^\s])[^\W\d_]{2,8}(?= )", block))
    if not found:
        return block + "."
    m = rng.choice(found)
    return block[: m.end()] + " " + m.group() + block[m.end() :]


def plant(text: str, rng: random.Random) -> tuple[str, dict[int, int]] | None:
    """``text`` with a copied passage and two noisy copies added, and the lines each of them
    starts and ends on."""
    blocks = blocks_of(text)
    long_ = [i for i, b in enumerate(blocks) if len(" ".join(b.split())) >= 40]
    runs = [
        i
        for i in range(len(blocks) - 2)
        if all(len(" ".join(blocks[j].split())) >= 20 for j in range(i, i + 3))
    ]
    if len(blocks) < 6 or len(long_) < 2 or not runs:
        return None
    start = rng.choice(runs)
    inserts: list[tuple[int, list[str]]] = [
        (len(blocks), blocks[start : start + 3])
    ]  # passage at the end
    for i in rng.sample(long_, 2):
        at = rng.randrange(i + 1, len(blocks) + 1)
        inserts.append((at, [noisy(blocks[i], rng)]))
    out: list[tuple[str, bool]] = [(b, False) for b in blocks]
    for at, new in sorted(inserts, key=lambda x: -x[0]):
        out[at:at] = [(b, True) for b in new]
    lines, planted, line = [], {}, 1
    for b, is_planted in out:
        if is_planted:
            planted[line] = line + b.count("\n")  # its first and last line
        lines.append(b)
        line += b.count("\n") + 2
    return "\n\n".join(lines) + "\n", planted


def planted_run(name: str, paths: list[Path], rng: random.Random, tmp: Path, count: int) -> dict:
    chosen = rng.sample(paths, min(count, len(paths)))
    truth: dict[str, dict[int, int]] = {}
    baseline_paths = []
    for i, path in enumerate(chosen):
        made = plant(read_text(str(path)), rng)
        if made is None:
            continue
        text, planted = made
        # both versions are normalised the same way (blocks joined by one blank line), so the
        # removals that are not planted copies can be compared with the unplanted text
        target = tmp / f"{name.replace(' ', '-')}-{i:04d}.txt"
        target.write_text(text, encoding="utf-8", errors="surrogateescape")
        truth[str(target)] = planted
        plain = tmp / f"{name.replace(' ', '-')}-{i:04d}.plain.txt"
        plain.write_text(
            "\n\n".join(blocks_of(read_text(str(path)))) + "\n",
            encoding="utf-8",
            errors="surrogateescape",
        )
        baseline_paths.append(plain)
    run = run_dedup([Path(p) for p in truth])
    # A planted copy went when a removal starts among its lines: a reading that splits a man
    # page's section heading off (a paragraph of its own, short, never matched alone) removes
    # the copy's text from the line under the heading.
    starts: dict[str, set[int]] = {}
    for f, n in run.removed:
        starts.setdefault(f, set()).add(n)
    planted_total = sum(len(v) for v in truth.values())
    went = {
        (f, n)
        for f, spans in truth.items()
        for n, last in spans.items()
        if any(n <= r <= last for r in starts.get(f, ()))
    }
    found = len(went)
    missed = [
        f"== {name}: planted copy at line {n} kept\n{paragraph_at(f, n)}\n"
        for f, spans in truth.items()
        for n in sorted(spans)
        if (f, n) not in went
    ]
    inside = {
        (f, r)
        for f, spans in truth.items()
        for r in starts.get(f, ())
        if any(n <= r <= last for n, last in spans.items())
    }
    others = len(set(run.removed) - inside)
    unplanted = run_dedup(baseline_paths)
    return {"documents": len(truth), "planted": planted_total, "removed": found, "missed": missed,
            "others": others, "others_without_plants": len(unplanted.removed)}  # fmt: skip


# ----------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="40 files per source")
    parser.add_argument("--sources", default="", help="comma-separated subset of the sources")
    parser.add_argument(
        "--planted", type=int, default=100, help="documents per source with planted copies"
    )
    args = parser.parse_args()
    rng = random.Random(SEED)
    DATA.mkdir(parents=True, exist_ok=True)
    found = sources(rng, args.quick)
    if args.sources:
        found = {k: v for k, v in found.items() if k in args.sources.split(",")}

    rows, listing = [], []
    for name, paths in found.items():
        run = run_dedup(paths)
        rows.append((name, run))
        for file, line, original, score in run.near:
            listing.append(
                f"== {file}:{line} repeats line {original} ({score})\n"
                f"-- kept (line {original}):\n{paragraph_at(file, original)}\n"
                f"-- removed (line {line}):\n{paragraph_at(file, line)}\n"
            )
    NEAR.write_text("\n".join(listing), encoding="utf-8", errors="surrogateescape")
    differing = exact_differing(rows)
    EXACT_DIFFERS.write_text("\n".join(differing), encoding="utf-8", errors="surrogateescape")

    planted_rows = []
    with tempfile.TemporaryDirectory(prefix="dedup-planted-") as tmp:
        for name, paths in found.items():
            planted_rows.append(
                (name, planted_run(name, paths, random.Random(SEED), Path(tmp), args.planted))
            )
    missed = "\n".join(m for _, p in planted_rows for m in p["missed"])
    MISSED.write_text(missed, encoding="utf-8", errors="surrogateescape")

    lines = [
        "# False removals on real documents, and recall on planted copies",
        "",
        f"`python benchmarks/false_removals.py{' --quick' if args.quick else ''}` "
        "(`dedup clean --check -v --stats`, default options). Documents with no copies in them:",
        "",
        "| source | files | paragraphs | exact removals | near removals |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {n} | {r.files:,} | {r.paragraphs:,} | {r.exact:,} | {len(r.near):,} |" for n, r in rows
    ]
    columns = [(r.files, r.paragraphs, r.exact, len(r.near)) for _, r in rows]
    total = [sum(x) for x in zip(*columns, strict=True)]
    lines.append("| **total** | " + " | ".join(f"{n:,}" for n in total) + " |")
    lines += [
        "",
        f"Each near removal, with both texts: `{NEAR.relative_to(HERE.parent)}` "
        f"({len(listing):,} entries). Each exact removal whose raw text differs from its"
        f" original's other than in whitespace: `{EXACT_DIFFERS.relative_to(HERE.parent)}`"
        f" ({len(differing):,} entries).",
        "Figures from a shared 2-core machine; they count removals, not time.",
        "",
        "Planted copies (per document: a copied passage of three paragraphs, two paragraphs"
        " copied with copy noise; blocks rejoined by one blank line):",
        "",
        "| source | documents | planted | removed (recall) | other removals "
        "| removals without the plants |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for n, p in planted_rows:
        recall = p["removed"] / p["planted"] if p["planted"] else 0
        lines.append(f"| {n} | {p['documents']} | {p['planted']} | {p['removed']} ({recall:.1%}) | "
                     f"{p['others']} | {p['others_without_plants']} |")  # fmt: skip
    missed = sum(len(p["missed"]) for _, p in planted_rows)
    where = MISSED.relative_to(HERE.parent)
    lines += ["", f"Each planted copy that stayed: `{where}` ({missed} entries)."]
    report = "\n".join(lines) + "\n"
    print(report)
    if not args.sources:
        RESULTS.write_text(report)


if __name__ == "__main__":
    main()
