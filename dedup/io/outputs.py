"""Where cleaned bytes go: standard output, an ``-o`` file, an ``--output-dir`` copy.

Every road writes through these: a file is written beside its target and renamed at the end,
compressed when its name says so, and never over the input it was read from.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from dedup.errors import InputError, OutputError
from dedup.io.compression import format_for, writer
from dedup.io.files import (
    PipeClosed,
    atomic_writer,
    display_name,
    is_special,
    reason,
    same_file,
    write_all,
)


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


def refuse_same_file(shown: str, status: os.stat_result, sink: BinaryIO) -> None:
    """Refuse an input that is the regular file the shared output writes to (``cat``'s rule)."""
    try:
        output = os.fstat(sink.fileno())
    except (OSError, ValueError):
        return
    # Only a regular file can be clobbered; /dev/null or a terminal is the same for everyone.
    if stat.S_ISREG(output.st_mode) and same_file(status, output):
        raise InputError(f"{shown}: input file is output file")


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
    """``-o``: a FIFO or device is written directly; a file atomically (beside it, renamed)."""
    shown = display_name(path)
    compression = format_for(path)
    with contextlib.ExitStack() as stack:
        if is_special(path):
            handle: BinaryIO = stack.enter_context(open(path, "wb"))
        else:
            # Written beside the target and renamed at the end, so `-o f f` reads f before f
            # is replaced, and a failure never leaves a truncated f.
            handle = stack.enter_context(atomic_writer(path))
        packed = stack.enter_context(writer(handle, compression, shown))
        yield Sink(packed, packed=compression is not None)


@contextlib.contextmanager
def output_file(path: str, source: str) -> Iterator[Sink]:
    """Write one ``--output-dir`` copy atomically, compressed if its name says so."""
    shown = display_name(path)
    ready_output(path, source)
    compression = format_for(path)
    with atomic_writer(path) as handle, writer(handle, compression, shown) as packed:
        yield Sink(packed, packed=compression is not None)


def ready_output(path: str, source: str) -> None:
    """Make the directory of ``source``'s ``--output-dir`` copy; refuse to overwrite the input."""
    if os.path.exists(path) and os.path.samefile(path, source):
        raise InputError(f"{display_name(source)}: input file is output file")
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    except OSError as error:
        raise OutputError(f"{display_name(path)}: {reason(error)}") from error
