"""Time a sharded corpus run: one process vs ``--jobs N`` vs Ray, with peak RSS per process.

    python benchmarks/stages_bench.py                                  # 1M paragraphs, 16 shards
    python benchmarks/stages_bench.py --paragraphs 100000 --mode across-exact

The corpus is benchmarks/corpus_gen.py's synthetic news (about 7.5 paragraphs per record),
split into ``--shards`` JSON Lines files under benchmarks/data/ (generated once per size).
Each case runs the installed ``dedup`` in a child process with ``--output-dir``; a sampler
reads VmHWM (peak RSS) of every process in the child's tree (the pool workers, and for Ray
the raylet, GCS and workers it starts) every 0.2 s. "one process" names the shard files, so
it is today's corpus loop, not the stage code.

Bytes moved between stages are measured separately, in this process, on the first two
shards: the pickled size of what step 1 sends to the driver (keys per document), of what
step 3 receives (decisions) and of what it sends back (counts and report lines).
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "data"
PARAGRAPHS_PER_RECORD = 7.5  # corpus_gen.py's average, measured

MODES = {
    "alone": ["--jsonl"],
    "across-exact": ["--jsonl", "--across", "--threshold", "100"],
    "across": ["--jsonl", "--across"],
}


def shards(paragraphs: int, count: int) -> Path:
    """The corpus as ``count`` JSON Lines shards in a directory (made once)."""
    documents = int(paragraphs / PARAGRAPHS_PER_RECORD)
    directory = DATA / f"stages-{documents}-{count}"
    if directory.exists():
        return directory
    DATA.mkdir(exist_ok=True)
    generated = subprocess.run(
        [sys.executable, HERE / "corpus_gen.py", "--documents", str(documents)],
        capture_output=True,
        check=True,
    ).stdout.splitlines(keepends=True)
    partial = Path(tempfile.mkdtemp(dir=DATA))
    size = -(-len(generated) // count)
    for number in range(count):
        part = generated[number * size : (number + 1) * size]
        (partial / f"part-{number:03d}.jsonl").write_bytes(b"".join(part))
    partial.rename(directory)
    return directory


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


def moved(directory: Path, mode: str) -> tuple[int, int, int, int]:
    """Bytes pickled between stages for the first two shards: to the driver, to step 3, back.

    "To the driver" is what step 1 sends: keys per document (``--across``), or, for exact
    ``--across`` on several workers, the bucketed keys of the grouping shuffle plus what
    the buckets send back.
    """
    from dedup.grouping import group_bucket, hash_shard
    from dedup.job import Job, Records
    from dedup.options import Options
    from dedup.outputs import Nowhere
    from dedup.sharding import list_shards, spec_for
    from dedup.shards import WriteTask
    from dedup.stages import Resolver, prepare_shard, write_shard

    across = mode != "alone"
    options = Options(threshold=100 if mode == "across-exact" else 90)
    job = Job(
        inputs=(str(directory),),
        options=options,
        across=across,
        records=Records(),
        destination=Nowhere(),
        on_bad_input="stop",
    )
    spec = spec_for(job)
    tasks = [WriteTask(shard, spec) for shard in list_shards(job)[:2]]
    paragraphs = up = down = back = 0
    resolver = Resolver(options)
    for task in tasks:
        if mode == "across-exact":
            hashed, buckets = hash_shard((task, 16))
            up += len(pickle.dumps(hashed)) + len(pickle.dumps(buckets))
            up += sum(len(pickle.dumps(group_bucket(b))) for b in buckets)
        if across:
            prepared = prepare_shard(task)
            if mode != "across-exact":
                up += len(pickle.dumps(prepared))
            paragraphs += sum(len(batch.keys) for _, batch in prepared.documents)
            task = WriteTask(task.shard, spec, resolver.resolve(prepared))
        down += len(pickle.dumps(task))
        written = write_shard(task)
        back += len(pickle.dumps(written))
        if not across:
            paragraphs += written.tally.paragraphs
    return paragraphs, up, down, back


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=1_000_000)
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--mode", choices=MODES, default="alone")
    parser.add_argument("--cases", nargs="+", default=["one", "jobs2", "ray"])
    parser.add_argument("--dedup", default=shutil.which("dedup") or "dedup")
    args = parser.parse_args()
    directory = shards(args.paragraphs, args.shards)
    files = sorted(str(p.relative_to(DATA)) for p in directory.iterdir())  # run in DATA
    size = sum((DATA / f).stat().st_size for f in files) / 1e6
    print(f"corpus: {directory.name}, {size:.0f} MB, mode {args.mode}", flush=True)
    cases = {
        "one": files,
        "jobs2": ["--jobs", "2", directory.name],
        "ray": ["--engine", "ray", "--jobs", "2", directory.name],
    }
    print(
        "| case | wall s | driver CPU s | all CPU s | driver peak RSS MB "
        "| largest other process MB | processes |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in args.cases:
        with tempfile.TemporaryDirectory(dir=DATA) as out:
            output = Path(out).name
            command = [args.dedup, "clean", *MODES[args.mode], "--output-dir", output, *cases[name]]
            seconds, peaks = measure(command)
        drivers = [(kb, cpu) for label, kb, cpu in peaks.values() if "dedup" in label]
        driver_kb, driver_cpu = max(drivers, default=(0, 0.0))
        others = [kb for label, kb, _ in peaks.values() if "dedup" not in label]
        largest = max(others, default=0) / 1024
        cpu = sum(cpu for _, _, cpu in peaks.values())
        print(
            f"| {name} | {seconds:.1f} | {driver_cpu:.1f} | {cpu:.1f} | {driver_kb / 1024:.0f} "
            f"| {largest:.0f} | {len(peaks)} |"
        )
    paragraphs, up, down, back = moved(directory, args.mode)
    print(
        f"\nbytes moved per paragraph (first two shards, {paragraphs:,} paragraphs): "
        f"step 1 -> driver {up / paragraphs:.2f}, driver -> step 3 {down / paragraphs:.2f}, "
        f"step 3 -> driver {back / paragraphs:.2f}"
    )


if __name__ == "__main__":
    main()
