"""The removal report: one JSON line per removed paragraph, to a file or to stderr.

Written as the run goes, so a long corpus run leaves a usable audit trail; a file is written
as :func:`dedup.io.targets.open_target` says (a regular one beside it and renamed at the end, a
device, FIFO or ``/dev/stdout`` in place) and compressed when its name ends in ``.gz`` or
``.zst``.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable

from dedup.errors import OutputError
from dedup.io.compression import format_for, writer
from dedup.io.files import STDIN, display_name
from dedup.io.targets import open_target


def report_line(entry: dict[str, object]) -> bytes:
    """One report entry as a JSON line; text keeps odd input bytes as they were.

    >>> report_line({"text": "café \\udce9"})
    b'{"text": "caf\\xc3\\xa9 \\xe9"}\\n'
    """
    import json  # only a run with --report needs it

    line = json.dumps(entry, ensure_ascii=False) + "\n"
    try:
        return line.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        # A lone surrogate that came from a JSON escape, not from a byte: keep it escaped.
        return (json.dumps(entry) + "\n").encode("ascii")


Report = Callable[[dict[str, object]], None]
"""Takes one report entry; :class:`dedup.corpus.Cleaner` makes them, this module writes them."""


def open_report(stack: contextlib.ExitStack[bool | None], target: str | None) -> Report | None:
    """Open where report entries go (``-``: stderr), closed by ``stack``; ``None``: no report."""
    if target is None:
        return None
    if target == STDIN:
        if sys.stderr is None:
            raise OutputError("--report -: standard error is closed")
        errors = sys.stderr.buffer

        def to_stderr(entry: dict[str, object]) -> None:
            sys.stderr.flush()  # keep the order of warnings and report lines
            errors.write(report_line(entry))
            errors.flush()

        return to_stderr
    shown = display_name(target)
    handle = stack.enter_context(open_target(target))
    stream = stack.enter_context(writer(handle, format_for(target), shown))

    def to_file(entry: dict[str, object]) -> None:
        stream.write(report_line(entry))

    return to_file
