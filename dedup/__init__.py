"""Remove duplicate and near-duplicate paragraphs from text, byte for byte.

>>> from dedup import clean, Options
>>> clean("A line that repeats itself.\\nA line that repeats itself.\\n", Options()).text
'A line that repeats itself.\\n'

The public names are loaded when first asked for (PEP 562): ``import dedup`` alone, and the
command's start-up (``dedup.launch`` imports ``dedup`` first), then pay only for the modules
the run needs, not for the corpus API, say.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dedup.corpus import clean_documents
    from dedup.errors import DedupError, InputError, OutputError
    from dedup.matching import Match
    from dedup.options import DEFAULT_MIN_CHARS, DEFAULT_THRESHOLD, Options
    from dedup.pipeline import Result, clean, clean_bytes

__version__ = "0.1.0"

_HOMES = {
    "DEFAULT_MIN_CHARS": "dedup.options",
    "DEFAULT_THRESHOLD": "dedup.options",
    "DedupError": "dedup.errors",
    "InputError": "dedup.errors",
    "Match": "dedup.matching",
    "Options": "dedup.options",
    "OutputError": "dedup.errors",
    "Result": "dedup.pipeline",
    "clean": "dedup.pipeline",
    "clean_bytes": "dedup.pipeline",
    "clean_documents": "dedup.corpus",
}

__all__ = [
    "DEFAULT_MIN_CHARS",
    "DEFAULT_THRESHOLD",
    "DedupError",
    "InputError",
    "Match",
    "Options",
    "OutputError",
    "Result",
    "__version__",
    "clean",
    "clean_bytes",
    "clean_documents",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'dedup' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
