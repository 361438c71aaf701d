"""Where dedup writes: one rule for every output (stdout, ``-o``, ``--output-dir``, ``--report``).

A path is judged by what it *is*, never by how it is spelled (``./in.jsonl`` and ``in.jsonl``
are one file; ``/dev/stdout`` is whatever descriptor 1 is). :func:`place` says it once, from
``os.stat``: its identity (device and inode, or for a file yet to be made its directory's and
its name) and whether it is written in place or replaced. Everything else follows from that:

- **Written in place**: a special file (a character device such as ``/dev/null`` or a
  terminal, a FIFO, a socket) or an alias of the run's own stdout or stderr (``/dev/stdout``,
  ``/dev/fd/2``). It is opened and written as it is, never renamed over: renaming a report
  onto ``/dev/null`` would replace the machine's ``/dev/null``, and a FIFO's reader would get
  nothing. This is what ``sed -i`` and ``sponge`` do (``sponge`` writes a non-regular target
  directly).
- **Replaced**: a regular file, or one that does not exist yet. It is written to a temporary
  beside it and renamed when complete (:func:`dedup.io.files.atomic_writer`).

And one check, :func:`refuse_overlaps`, run before any input is read: no output may be another
output of the run or the report, and no output may be an input, by any spelling, hard link or
symlink. That holds for ``-o`` too (``dedup clean -o f f``): ``sort -o`` allows it, but here
editing a file in place is ``-i``, which checks what ``-o`` cannot (a file changed meanwhile,
hard links, read-only files), and a second road to the same end would be a second rule. A
character device may be named any number of times: writing ``/dev/null`` twice loses nothing.
The refusal is one line naming both paths, exit status 2.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from dedup.errors import InputError, OutputError
from dedup.io.files import atomic_writer, display_name, reason

Identity = tuple[object, ...]


@dataclass(frozen=True)
class Place:
    """What a path is: its identity, its file type, and which standard stream it aliases."""

    identity: Identity
    mode: int | None
    """``st_mode`` when the path exists, else ``None``."""
    stream: int | None = None
    """1 or 2 when the path is the run's own stdout or stderr (``/dev/stdout``, ``>> f``)."""

    @property
    def in_place(self) -> bool:
        """Whether it is opened and written as it is (see the module docstring)."""
        return self.stream is not None or (
            self.mode is not None and not stat.S_ISREG(self.mode) and not stat.S_ISDIR(self.mode)
        )

    @property
    def shareable(self) -> bool:
        """A character device (``/dev/null``, a terminal): any number of writers lose nothing."""
        return self.mode is not None and stat.S_ISCHR(self.mode)

    @property
    def regular(self) -> bool:
        """A regular file, the only kind that writing can clobber for a reader."""
        return self.mode is not None and stat.S_ISREG(self.mode)


def _from_status(status: os.stat_result, stream: int | None = None) -> Place:
    return Place((status.st_dev, status.st_ino), status.st_mode, stream)


def _stream_status(descriptor: int) -> os.stat_result | None:
    try:
        return os.fstat(descriptor)
    except OSError:
        return None


def place(path: str) -> Place:
    """What ``path`` is, following symlinks; for a missing file, where it would be made.

    >>> place("/dev/null").in_place, place("/no/such/dir/x").in_place
    (True, False)
    """
    try:
        status = os.stat(os.fsencode(path))
    except OSError:
        # Not there (yet): one file is "its directory's entry NAME"; a directory that is not
        # there either is named by its resolved path, which is as good as it gets.
        real = os.path.realpath(os.fsencode(path))
        directory, base = os.path.split(real)
        try:
            parent = os.stat(directory)
        except OSError:
            return Place(("path", real), None)
        return Place(("entry", parent.st_dev, parent.st_ino, base), None)
    for descriptor in (1, 2):
        stream = _stream_status(descriptor)
        if stream is not None and (stream.st_dev, stream.st_ino) == (status.st_dev, status.st_ino):
            return _from_status(status, descriptor)
    return _from_status(status)


def stream_place(descriptor: int) -> Place | None:
    """What a standard stream is (``None``: not a real descriptor, as under CliRunner)."""
    try:
        stream = getattr(sys, {0: "stdin", 1: "stdout", 2: "stderr"}[descriptor])
        if stream is None or stream.fileno() != descriptor:
            return None
    except (OSError, ValueError, AttributeError):
        return None
    status = _stream_status(descriptor)
    return None if status is None else _from_status(status, descriptor or None)


@dataclass(frozen=True)
class Output:
    """One file the run writes: how the user named it (``role``: ``--report``, ``-o``, ...)."""

    role: str
    name: str
    where: Place
    remedy: str = ""
    """What to do instead when it names an input (``-o``: ``-i`` edits a file in place)."""

    def shown(self) -> str:
        return self.role if not self.name else f"{self.role} {display_name(self.name)}"


def refuse_overlaps(inputs: Sequence[tuple[str, Place]], outputs: Sequence[Output]) -> None:
    """Refuse a run where an output is another output or an input (see the module docstring).

    ``inputs`` are ``(name, place)`` pairs. Raises :class:`InputError` (exit status 2) before
    anything is read or written.
    """
    seen: dict[Identity, Output] = {}
    for output in outputs:
        where = output.where
        earlier = seen.get(where.identity)
        if earlier is not None and not where.shareable:
            raise InputError(
                f"{earlier.shown()} and {output.shown()} are the same file; "
                "each output needs its own"
            )
        seen.setdefault(where.identity, output)
    for name, where in inputs:
        found = seen.get(where.identity)
        if found is None or not where.regular:
            continue
        shown = display_name(name)
        if found.role == "stdout":  # cat's own words, as `dedup clean f >> f` always said
            raise InputError(f"{shown}: input file is output file")
        raise InputError(f"{shown}: input file is output file ({found.shown()}){found.remedy}")


@contextlib.contextmanager
def open_target(path: str) -> Iterator[BinaryIO]:
    """Yield a file whose bytes become ``path``: written in place or replaced, by :func:`place`.

    Written in place, a stream alias is a duplicate of the run's own descriptor (so a pipe, a
    socket or a file appended to with ``>>`` gets the bytes, as ``-o /dev/stdout`` always did),
    and anything else is opened for writing as it is. Replaced, a failure leaves the old file.
    """
    where = place(path)
    if not where.in_place:
        with atomic_writer(path) as handle:
            yield handle
        return
    try:
        if where.stream is not None:
            handle = os.fdopen(os.dup(where.stream), "wb")
        else:
            handle = open(os.fsencode(path), "wb")  # noqa: SIM115 (closed by the with below)
    except OSError as error:
        raise OutputError(f"{display_name(path)}: {reason(error)}") from error
    with handle:
        yield handle
