"""Remove duplicate and near-duplicate paragraphs from text, byte for byte.

>>> from dedup import clean, Options
>>> clean("A line that repeats itself.\\nA line that repeats itself.\\n", Options()).text
'A line that repeats itself.\\n'
"""

from dedup.corpus import clean_documents
from dedup.errors import DedupError, InputError, OutputError
from dedup.matching import Match
from dedup.options import DEFAULT_MIN_CHARS, DEFAULT_THRESHOLD, Options
from dedup.pipeline import Result, clean, clean_bytes

__version__ = "0.1.0"

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
