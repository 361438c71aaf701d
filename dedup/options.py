"""Every setting of a clean, its defaults and its limits: a leaf any layer may import.

``Options`` is what the API, the CLI, a job and a shard stage all carry; it imports nothing of
dedup, so the rules that read it (``dedup.matching``, ``dedup.paragraphs``) can import it
without a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SplitMode = Literal["auto", "line", "block"]
SPLIT_MODES: tuple[SplitMode, ...] = ("auto", "line", "block")

DEFAULT_THRESHOLD = 90
"""Minimum ``fuzz.ratio`` (0-100) of two keys for a near repeat."""

DEFAULT_MIN_CHARS = 20
"""Keys shorter than this are never matched: ``***``, ``Advertisement``, a refrain."""

MAX_FUZZY_CHARS = 10_000
"""Keys longer than this are compared exactly only.

``fuzz.ratio`` is quadratic in the length: about 2 ms for two 10,000-character keys, 1 s for two
of 300,000 (measured with rapidfuzz 3.14 on this project's 2-core machine). A paragraph that
long is a dump, not prose, and an exact repeat of it is still found.
"""


@dataclass(frozen=True)
class Options:
    """Every setting of a clean, in one value (make variants with ``dataclasses.replace``).

    ``threshold``: minimum ``rapidfuzz.fuzz.ratio`` (0-100) of two normalized paragraphs for a
    near repeat; 100 means exact repeats (after normalization) only.
    ``min_chars``: paragraphs whose normalized text is shorter are never removed.
    ``split``: ``"auto"``, ``"line"`` (every line a paragraph) or ``"block"`` (every
    blank-line-separated block a paragraph); see docs/rules.md for how ``auto`` reads text.
    ``keep_recurring``: keep a paragraph that occurs three or more times with new text
    around each occurrence (an interview's questions): structure, not a copy. See ``recurring``.
    Off by default, in plain and corpus mode alike: keep-first then removes every later
    repeat, which is what a user can predict (issue 11). The CLI takes its default from here.
    ``explain``: fill ``Result.near_misses`` with the look-alikes that were kept and why
    (``-v``); it changes no decision, and costs time on long documents.
    """

    threshold: int = DEFAULT_THRESHOLD
    min_chars: int = DEFAULT_MIN_CHARS
    split: SplitMode = "auto"
    keep_recurring: bool = False
    explain: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.threshold <= 100:
            raise ValueError(f"threshold must be between 0 and 100, not {self.threshold}")
        if self.min_chars < 0:
            raise ValueError(f"min_chars must not be negative, not {self.min_chars}")
        if self.split not in SPLIT_MODES:
            modes = ", ".join(SPLIT_MODES)
            raise ValueError(f"split must be one of {modes}, not {self.split!r}")

    @property
    def exact(self) -> bool:
        """Whether only exact repeats (after normalization) are asked for: ``threshold`` 100.

        The one place this is decided: no fuzzy work is done, and no key is too long.
        """
        return self.threshold >= 100
