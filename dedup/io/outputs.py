"""Where cleaned bytes go: standard output, an ``-o`` file, an ``--output-dir`` copy.

Every road writes through these: a file is written beside its target and renamed at the end,
a special file in place (:mod:`dedup.io.targets` decides which, by what the path is), compressed
when its name says so, and never over an input or another output (:func:`refuse_shared_files`).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from dedup.errors import OutputError
from dedup.io.compression import format_for, writer
from dedup.io.files import STDIN, PipeClosed, display_name, reason, write_all
from dedup.io.targets import Output, open_target, place, refuse_overlaps, stream_place


@dataclass(frozen=True)
class Stdout:
    """Write every document, in order, to standard output."""


@dataclass(frozen=True)
class OutputFile:
    """Write every document, in order, to ``path``: atomically, compressed if its name says."""

    path: str


@dataclass(frozen=True)
class InPlace:
    """Replace each input file with its cleaned copy (``force``: also read-only, hard-linked)."""

    force: bool = False


@dataclass(frozen=True)
class OutputDir:
    """Write each input's cleaned copy under ``path``, with the input's relative name."""

    path: str


@dataclass(frozen=True)
class Nowhere:
    """Write nothing (``--check``): only the counts matter."""


Destination = Stdout | OutputFile | InPlace | OutputDir | Nowhere


class Sink:
    """Where one input's (or shard's) output goes; compressed streams get ``write``, files
    ``write_all``.

    ``write_all`` writes past Python's buffer and completes short writes (see ``files``); a
    compressor must see every byte, so it gets them through its own ``write``.
    """

    def __init__(self, stream: BinaryIO, *, packed: bool) -> None:
        self.stream = stream
        self.packed = packed

    def write(self, data: bytes) -> None:
        if self.packed:
            self.stream.write(data)
        else:
            write_all(self.stream, data)


_EDIT_IN_PLACE = "; -i edits a file in place"
"""The remedy when ``-o`` names an input."""


def refuse_shared_files(
    destination: Destination,
    report: str | None,
    inputs: Sequence[str],
    copies: Mapping[str, str],
) -> None:
    """Refuse, before anything is read, a run whose outputs clobber an input or each other.

    Every output of a run (stdout, ``-o``, each ``--output-dir`` copy, the ``report``) goes
    through the one rule of :func:`dedup.io.targets.refuse_overlaps`; ``copies`` maps an input to
    its ``--output-dir`` copy. The same check for one process and for shards.
    """
    outputs: list[Output] = []
    if report is not None and report != STDIN:
        outputs.append(Output("--report", report, place(report)))
    if isinstance(destination, Stdout):
        stdout = stream_place(1)
        if stdout is not None:
            outputs.append(Output("stdout", "", stdout))
    elif isinstance(destination, OutputFile):
        target = place(destination.path)
        outputs.append(Output("-o", destination.path, target, remedy=_EDIT_IN_PLACE))
    outputs += [Output("--output-dir", copy, place(copy)) for copy in copies.values()]
    stdin = stream_place(0)
    named = [
        (name, where)
        for name in inputs
        if (where := stdin if name == STDIN else place(name)) is not None
    ]
    refuse_overlaps(named, outputs)


@contextlib.contextmanager
def shared_output(destination: Destination) -> Iterator[Sink | None]:
    """Yield where every document goes in turn: stdout, an ``-o`` file, or nowhere (``None``).

    EPIPE from any write into it becomes :class:`PipeClosed`, since click would turn the
    ``OSError`` into exit status 1.
    """
    try:
        if isinstance(destination, Stdout):
            if sys.stdout is None:
                raise OutputError("write error: standard output is closed")
            yield Sink(sys.stdout.buffer, packed=False)
            sys.stdout.buffer.flush()
        elif isinstance(destination, OutputFile):
            with _output_stream(destination.path) as sink:
                yield sink
        else:
            yield None
    except BrokenPipeError as error:
        raise PipeClosed from error


@contextlib.contextmanager
def _output_stream(path: str) -> Iterator[Sink]:
    """``-o``: written in place or replaced, as :func:`dedup.io.targets.open_target` decides."""
    shown = display_name(path)
    compression = format_for(path)
    with contextlib.ExitStack() as stack:
        # A file is written beside the target and renamed at the end (dedup.io.targets), so
        # `-o f f` reads f before f is replaced, and a failure never leaves a truncated f.
        handle = stack.enter_context(open_target(path))
        packed = stack.enter_context(writer(handle, compression, shown))
        yield Sink(packed, packed=compression is not None)


@contextlib.contextmanager
def output_file(path: str, source: str) -> Iterator[Sink]:
    """Write one ``--output-dir`` copy atomically, compressed if its name says so."""
    shown = display_name(path)
    ready_output(path)
    compression = format_for(path)
    with open_target(path) as handle, writer(handle, compression, shown) as packed:
        yield Sink(packed, packed=compression is not None)


def ready_output(path: str) -> None:
    """Make the directory of an ``--output-dir`` copy (that it is no input was checked first)."""
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    except OSError as error:
        raise OutputError(f"{display_name(path)}: {reason(error)}") from error
