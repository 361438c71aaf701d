"""Remove duplicate and near-duplicate paragraphs from text, byte for byte.

>>> from dedup import clean, Options
>>> clean("A line that repeats itself.\\nA line that repeats itself.\\n", Options()).text
'A line that repeats itself.\\n'

The public names are loaded when first asked for (PEP 562): ``import dedup`` alone, and the
command's start-up (``dedup.cli.launch`` imports ``dedup`` first), then pay only for the modules
the run needs, not for the corpus API, say.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedup.faces import lazy_names

if TYPE_CHECKING:
    from dedup.corpus import clean_documents
    from dedup.errors import DedupError, InputError, OutputError
    from dedup.match.matcher import Match
    from dedup.options import DEFAULT_MIN_CHARS, DEFAULT_THRESHOLD, Options
    from dedup.pipeline import Result, clean, clean_bytes

__version__ = "0.1.0"

_HOMES = {
    "DEFAULT_MIN_CHARS": "dedup.options",
    "DEFAULT_THRESHOLD": "dedup.options",
    "DedupError": "dedup.errors",
    "InputError": "dedup.errors",
    "Match": "dedup.match.matcher",
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


__getattr__, __dir__ = lazy_names(__name__, _HOMES, __all__)
