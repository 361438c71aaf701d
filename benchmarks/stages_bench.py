"""Time a sharded corpus run: one process vs the stages on 1 or 2 processes vs Ray.

    python benchmarks/stages_bench.py --all --paragraphs 100000      # everything, as committed
    python benchmarks/stages_bench.py --paragraphs 100000 --mode across --cases one jobs2
    python benchmarks/stages_bench.py --corpus news --mode across-exact

``--all`` runs near and exact ``--across`` on the planted corpus, as 16 JSON Lines shards and
as one JSON Lines file, with every case, then the per-stage costs; that is the one command
that re-takes every figure of benchmarks/results/stages.md.

The corpora: ``planted`` is benchmarks/corpus.py's planted corpus (exact and near copies of
earlier lines, within and across documents), its documents' lines cut into records of
:data:`LINES_PER_RECORD` lines; ``news`` is benchmarks/corpus_gen.py's synthetic news (about
7.5 paragraphs per record, mostly exact boilerplate). Either is written as ``--shards`` JSON
Lines files under benchmarks/data/ (generated once per size), and as the same records in one
file. Each case runs the installed ``dedup`` in a child process with ``--output-dir``; a
sampler reads VmHWM (peak RSS) and CPU of every process in the child's tree (the pool
workers, and for Ray the raylet, GCS and workers it starts) every 0.2 s. "one" names the
shard files, so it is the one-process corpus loop, not the stage code; "jobs1" gives the
directory, so the stages run in the one process; "file" and "file-jobs2" run the one file
in one process and with ``--jobs 2``, cut into byte ranges of ``--shard-size`` (default: a
sixteenth of the file). The last column is each case's wall time over "one".

Then the stages run in this process (:func:`dedup.batch.sharded.near_stages`, or the
grouping stages), one after another, for their cost per paragraph, the bytes they hand each
other through the work directory per paragraph, and (near) the rounds: the longest chain of
keep-first decisions that wait for an earlier one.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "data"
PARAGRAPHS_PER_RECORD = 7.5  # corpus_gen.py's average, measured
LINES_PER_RECORD = 8
"""A planted document's lines per record: a web page's worth of paragraphs."""

MODES = {
    "alone": ["--jsonl"],
    "across-exact": ["--jsonl", "--across", "--threshold", "100"],
    "across": ["--jsonl", "--across"],
}


def planted_records(paragraphs: int) -> list[bytes]:
    """The planted corpus's lines as JSON Lines records of :data:`LINES_PER_RECORD` lines."""
    import json

    sys.path.insert(0, str(HERE))
    from corpus import generate

    folder = generate(paragraphs, seed=1)
    records = []
    for path in sorted(folder.glob("doc*.txt")):
        lines = path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
        for start in range(0, len(lines), LINES_PER_RECORD):
            text = "\n".join(lines[start : start + LINES_PER_RECORD]) + "\n"
            records.append(json.dumps({"text": text}).encode() + b"\n")
    return records


def shards(paragraphs: int, count: int, corpus: str = "planted") -> Path:
    """The corpus as ``count`` JSON Lines shards in a directory (made once)."""
    if corpus == "news":
        documents = int(paragraphs / PARAGRAPHS_PER_RECORD)
        directory = DATA / f"stages-{documents}-{count}"
    else:
        directory = DATA / f"stages-planted-{paragraphs}-{count}"
    if directory.exists():
        return directory
    DATA.mkdir(exist_ok=True)
    if corpus == "news":
        generated = subprocess.run(
            [sys.executable, HERE / "corpus_gen.py", "--documents", str(documents)],
            capture_output=True,
            check=True,
        ).stdout.splitlines(keepends=True)
    else:
        generated = planted_records(paragraphs)
    partial = Path(tempfile.mkdtemp(dir=DATA))
    size = -(-len(generated) // count)
    for number in range(count):
        part = generated[number * size : (number + 1) * size]
        (partial / f"part-{number:03d}.jsonl").write_bytes(b"".join(part))
    partial.rename(directory)
    return directory


def one_file(directory: Path) -> Path:
    """The shards of ``directory`` as one JSON Lines file beside it (made once)."""
    path = directory.with_name(directory.name + ".jsonl")
    if not path.exists():
        partial = path.with_suffix(".partial")
        with partial.open("wb") as joined:
            for shard in sorted(directory.iterdir()):
                joined.write(shard.read_bytes())
        partial.rename(path)
    return path


def tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


TICKS = os.sysconf("SC_CLK_TCK")


def sample_process(pid: int) -> tuple[str, int, float] | None:
    """A process's command (first words), peak RSS in kB so far, and CPU seconds so far."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        name = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    cpu = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            label = " ".join(part.decode(errors="replace") for part in name[:3])
            return label, int(line.split()[1]), cpu
    return None


def measure(command: list[str]) -> tuple[float, dict[int, tuple[str, int, float]]]:
    """Run ``command``; return wall seconds and, per process, its peak RSS (kB) and CPU s.

    Sampled every 0.2 s, so a process's last fraction of a second of CPU can be missed.
    """
    peaks: dict[int, tuple[str, int, float]] = {}
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, stderr=errors, cwd=DATA)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                for pid in tree(process.pid):
                    seen = sample_process(pid)
                    if seen is not None:
                        peaks[pid] = seen
                done.wait(0.2)

        sampler = threading.Thread(target=sample)
        sampler.start()
        code = process.wait()
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        if code != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode()}")
    return elapsed, peaks


def stage_costs(directory: Path, mode: str) -> str:
    """Run the stages one after another in this process: seconds and work-directory bytes
    per paragraph of each, and (near) the rounds and verdicts."""
    from dedup.batch import grouping
    from dedup.batch.executors import InProcess
    from dedup.batch.job import Job, Listener, Records
    from dedup.batch.sharded import list_shards, near_stages, spec_for
    from dedup.batch.shards import WriteTask
    from dedup.batch.spill import sizes
    from dedup.batch.stages import write_shard
    from dedup.io.outputs import Nowhere
    from dedup.options import Options

    exact = mode == "across-exact"
    job = Job(
        inputs=(str(directory),),
        options=Options(threshold=100 if exact else 90),
        across=True,
        records=Records(),
        destination=Nowhere(),
        on_bad_input="stop",
    )
    spec = spec_for(job)
    tasks = [WriteTask(shard, spec) for shard in list_shards(job)]
    timings: dict[str, float] = {}
    extra = ""
    with tempfile.TemporaryDirectory() as work:
        if exact:
            count = len(tasks)
            plan = grouping.Plan(work, count, count)
            start = time.process_time()
            hashed = [grouping.hash_shard((task, plan)) for task in tasks]
            timings["key and deal"] = time.process_time() - start
            offsets, total = [], 0
            for shard in hashed:
                offsets.append(total)
                total += shard.paragraphs
            plan = replace(plan, offsets=tuple(offsets))
            start = time.process_time()
            for bucket in range(count):
                grouping.group_shards((bucket, plan))
            timings["group"] = time.process_time() - start
            decided = functools.partial(grouping.with_decisions, plan)
            tasks = [replace(task, decided=decided) for task in tasks]
        else:
            tasks, resolved = near_stages(InProcess(), tasks, Listener(), work, timings)
            extra = (
                f"; rounds {resolved.rounds}, copy or passage verdicts {resolved.pairs:,}, "
                f"removed before the structure rule {resolved.removed:,}"
            )
        start = time.process_time()
        paragraphs = sum(write_shard(task).tally.paragraphs for task in tasks)
        timings["write"] = time.process_time() - start
        moved = sizes(work)
    rows = [f"| {name} | {seconds:.2f} | {seconds / paragraphs * 1e6:.1f} |"
            for name, seconds in timings.items()]  # fmt: skip
    handed = ", ".join(f"{name} {size / paragraphs:.0f}" for name, size in sorted(moved.items()))
    return "\n".join(
        [
            f"stages in one process, {paragraphs:,} paragraphs{extra}",
            "",
            "| stage | s | µs per paragraph |",
            "| --- | ---: | ---: |",
            *rows,
            "",
            f"work-directory bytes per paragraph, by stage output: {handed}; "
            f"total {sum(moved.values()) / paragraphs:.0f}",
        ]
    )


def run_cases(args: argparse.Namespace, mode: str, directory: Path) -> None:
    """Time every case of ``args.cases`` on ``directory`` in ``mode``; print a table."""
    files = sorted(str(p.relative_to(DATA)) for p in directory.iterdir())  # run in DATA
    size = sum((DATA / f).stat().st_size for f in files) / 1e6
    print(f"\ncorpus: {directory.name}, {size:.0f} MB, mode {mode}\n", flush=True)
    big = one_file(directory) if any(c.startswith("file") for c in args.cases) else None
    piece = args.shard_size or str(int(size * 1e6 / 16) + 1)
    cases = {
        "one": files,
        "jobs1": [directory.name],
        "jobs2": ["--jobs", "2", directory.name],
        "ray": ["--engine", "ray", "--jobs", "2", directory.name],
        "file": [big.name if big else ""],
        "file-jobs2": ["--jobs", "2", "--shard-size", piece, big.name if big else ""],
    }
    print(
        "| case | wall s | driver CPU s | all CPU s | driver peak RSS MB "
        "| largest other process MB | processes | wall / one |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    first: float | None = None
    for name in args.cases:
        with tempfile.TemporaryDirectory(dir=DATA) as out:
            output = Path(out).name
            command = [args.dedup, "clean", *MODES[mode], "--output-dir", output, *cases[name]]
            seconds, peaks = measure(command)
        drivers = [(kb, cpu) for label, kb, cpu in peaks.values() if "dedup" in label]
        driver_kb, driver_cpu = max(drivers, default=(0, 0.0))
        others = [kb for label, kb, _ in peaks.values() if "dedup" not in label]
        largest = max(others, default=0) / 1024
        cpu = sum(cpu for _, _, cpu in peaks.values())
        first = seconds if first is None else first
        print(
            f"| {name} | {seconds:.1f} | {driver_cpu:.1f} | {cpu:.1f} | {driver_kb / 1024:.0f} "
            f"| {largest:.0f} | {len(peaks)} | {seconds / first:.2f} |",
            flush=True,
        )
    print()
    print(stage_costs(directory, mode), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--corpus", choices=["planted", "news"], default="planted")
    parser.add_argument("--mode", choices=MODES, default="across")
    parser.add_argument("--cases", nargs="+", default=["one", "jobs1", "jobs2", "ray"])
    parser.add_argument("--all", action="store_true", help="both --across modes, every case")
    parser.add_argument("--dedup", default=shutil.which("dedup") or "dedup")
    parser.add_argument("--shard-size", help="for file-jobs2 (default: the file / 16)")
    args = parser.parse_args()
    directory = shards(args.paragraphs, args.shards, args.corpus)
    print(
        f"`python benchmarks/stages_bench.py {' '.join(sys.argv[1:])}`; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start"
    )
    if args.all:
        args.cases = ["one", "jobs1", "jobs2", "ray", "file", "file-jobs2"]
        for mode in ("across", "across-exact"):
            run_cases(args, mode, directory)
    else:
        run_cases(args, args.mode, directory)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
