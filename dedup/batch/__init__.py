"""The application layer: describe a run (:class:`Job`), then :func:`run` it, here or on shards.

>>> from dedup.batch import Job, OutputDir, Records, run

The names are loaded when first asked for (PEP 562), so that a worker importing
:mod:`dedup.batch.stages` loads neither the local loop nor the sharded driver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedup.faces import lazy_names

if TYPE_CHECKING:
    from dedup.batch.job import Job, Listener, Records
    from dedup.batch.run import run
    from dedup.io.outputs import InPlace, Nowhere, OutputDir, OutputFile, Stdout

_HOMES = {
    "InPlace": "dedup.io.outputs",
    "Job": "dedup.batch.job",
    "Listener": "dedup.batch.job",
    "Nowhere": "dedup.io.outputs",
    "OutputDir": "dedup.io.outputs",
    "OutputFile": "dedup.io.outputs",
    "Records": "dedup.batch.job",
    "Stdout": "dedup.io.outputs",
    "run": "dedup.batch.run",
}

__all__ = [
    "InPlace",
    "Job",
    "Listener",
    "Nowhere",
    "OutputDir",
    "OutputFile",
    "Records",
    "Stdout",
    "run",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES, __all__)
