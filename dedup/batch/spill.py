"""The work directory of a sharded run: how stages hand each other their outputs.

A stage that feeds another writes files here instead of returning its output to the driver:
a shuffle goes worker to worker, as datatrove's and NeMo Curator's stages hand over through
a shared folder, and the driver's memory never holds a corpus-sized value. The directory is
the run's own (made by :mod:`dedup.batch.sharded`, removed on every way out of the run) and
must be on storage every worker sees: the local disk for local processes or a local Ray, a
shared mount on a cluster.

Every file is written to a temporary name and renamed, so a stage that runs again (its worker
died) never leaves half a file for the next stage to read.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any


def save(path: Path, value: object) -> None:
    """Write ``value`` to ``path`` atomically."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with partial.open("wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)


def load(path: Path) -> Any:  # noqa: ANN401 (each reader knows what its stage wrote)
    """Read what :func:`save` wrote."""
    with path.open("rb") as handle:
        return pickle.load(handle)


def save_parts(path: Path, parts: list[Any]) -> None:
    """Write one part per reader (a bucket, a shard) into one file: the parts, then where each
    starts. One file per writer, not one per part: creating a file costs 100+ µs, which at
    shards x buckets files was most of a stage."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with partial.open("wb") as handle:
        starts = []
        for part in parts:
            starts.append(handle.tell())
            pickle.dump(part, handle, protocol=pickle.HIGHEST_PROTOCOL)
        index = handle.tell()
        pickle.dump(starts, handle, protocol=pickle.HIGHEST_PROTOCOL)
        handle.write(index.to_bytes(8, "little"))
    partial.replace(path)


def load_part(path: Path, number: int) -> Any:  # noqa: ANN401 (as load)
    """Part ``number`` of a file :func:`save_parts` wrote, reading only that part.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as work:
    ...     save_parts(Path(work, "x"), [["a"], ["b", "c"]])
    ...     load_part(Path(work, "x"), 1)
    ['b', 'c']
    """
    with path.open("rb") as handle:
        handle.seek(-8, os.SEEK_END)
        handle.seek(int.from_bytes(handle.read(8), "little"))
        starts = pickle.load(handle)
        handle.seek(starts[number])
        return pickle.load(handle)


def sizes(work: str) -> dict[str, int]:
    """Bytes in the work directory by the stage output that holds them (``keys``, ``band``
    ...: a file's name up to its first ``-``), for the benchmark's bytes shuffled."""
    found: dict[str, int] = {}
    for path in Path(work).iterdir():
        stage = path.name.split("-", 1)[0]
        found[stage] = found.get(stage, 0) + path.stat().st_size
    return found
