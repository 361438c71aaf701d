"""Reading inputs and writing results without ever losing data.

Every failure becomes an :class:`InputError` or :class:`OutputError` whose message is one line
that names the file, the way ``cat`` and ``sed`` word theirs. Writes that replace a file go to a
temporary file in the same directory, are fsynced, and are renamed over the target only when
complete, so a crash, a full disk or a kill leaves either the old file or the new one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from dedup.errors import InputError, OutputError
from dedup.text.decoding import SNIFF_BYTES, looks_binary, wide_encoding

STDIN = "-"

# A newline or an escape sequence in a file name would break the one-line message, or drive the
# terminal; such characters are shown as ``\xNN``, as undecodable bytes are.
_CONTROL_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)}


class PipeClosed(Exception):
    """The reader of the output went away (EPIPE): stop quietly, as ``cat | head`` does.

    Deliberately not an ``OSError``: click turns an EPIPE ``OSError`` into exit status 1
    before dedup's own handler could give the documented one.
    """


def display_name(path: str) -> str:
    """Return ``path`` as it can be shown on one line: odd bytes appear as ``\\xNN`` escapes.

    >>> display_name("caf\\udce9.txt"), display_name("two\\nlines")
    ('caf\\\\xe9.txt', 'two\\\\x0alines')
    """
    if path == STDIN:
        return "<stdin>"
    return os.fsencode(path).decode("utf-8", "backslashreplace").translate(_CONTROL_ESCAPES)


def reason(error: OSError) -> str:
    """The operating system's words for an error, without Python's ``[Errno N]`` dressing."""
    return error.strerror or str(error)


def refuse_binary(data: bytes, name: str, *, binary_ok: bool = False) -> None:
    """Raise :class:`InputError` when ``data`` is not text that dedup can cut into lines.

    UTF-16 and UTF-32 text (a BOM says so) is refused even with ``binary_ok``: its line
    breaks are several bytes wide, so removing "lines" would cut characters in half. Other
    input that looks binary (see ``decoding.looks_binary``) is refused unless ``binary_ok``.
    """
    wide = wide_encoding(data)
    if wide is not None:
        raise InputError(
            f"{display_name(name)}: {wide} text; convert it first: iconv -f {wide} -t UTF-8"
        )
    if not binary_ok and looks_binary(data):
        raise InputError(f"{display_name(name)}: binary file (NUL byte); use -a/--text to clean it")


def stdin_buffer() -> BinaryIO:
    """Standard input as bytes, or :class:`InputError` when it was closed (``<&-``)."""
    if sys.stdin is None:
        raise InputError("<stdin>: standard input is closed")
    return sys.stdin.buffer


def regular_file_status(stream: BinaryIO) -> os.stat_result | None:
    """The stat of a stream that is a regular file (``< f``), so ``< f >> f`` can be caught."""
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError):  # not a real file: CliRunner's stdin, a closed descriptor
        return None
    return status if stat.S_ISREG(status.st_mode) else None


def write_all(stream: BinaryIO, data: bytes) -> None:
    """Write every byte of ``data`` to ``stream`` or raise (:class:`PipeClosed` for EPIPE).

    The bytes go straight to the descriptor, past Python's buffer. With ``PYTHONUNBUFFERED=1``,
    ``sys.stdout.buffer`` is a raw file whose ``write`` makes one system call and may write
    only part (a pipe whose reader left, a signal), returning a count nobody checks. And bytes
    left in a buffer after a failed write would fail again in the interpreter's final flush
    ("Exception ignored ..."). Here nothing is left behind, whatever the outcome.
    """
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError):  # not a real file (CliRunner's stdout): it takes everything
        stream.write(data)
        return
    view = memoryview(data)
    try:
        stream.flush()
        while view:
            view = view[os.write(descriptor, view) :]
    except BrokenPipeError as error:
        raise PipeClosed from error


def same_file(a: os.stat_result, b: os.stat_result) -> bool:
    """Whether two stats describe one file (the test ``cat`` uses for "input is output")."""
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def check_editable(name: str, *, force: bool) -> str:
    """Return the real path to edit in place, or refuse with an :class:`OutputError`.

    A symlink is followed, so the link stays a link and its target is cleaned (``sed -i``
    would replace the link with a copy). A FIFO or device cannot be replaced by a rename. A
    file with several hard links or no write permission is refused unless ``force``: replacing
    it would silently split the links, or overrule its owner's read-only bit.
    """
    shown = display_name(name)
    if name == STDIN:
        raise OutputError("cannot edit standard input in place")
    path = os.path.realpath(os.fsencode(name))
    try:
        status = os.stat(path)
    except OSError as error:
        raise InputError(f"{shown}: {reason(error)}") from error
    if not stat.S_ISREG(status.st_mode):
        raise OutputError(f"{shown}: not a regular file, cannot edit in place")
    if status.st_nlink > 1 and not force:
        raise OutputError(
            f"{shown}: has {status.st_nlink} hard links; editing would split them (use --force)"
        )
    if not status.st_mode & 0o222 and not force:
        raise OutputError(f"{shown}: file is read-only (use --force to edit it anyway)")
    return os.fsdecode(path)


def replace_file(path: str, data: bytes, *, expected: os.stat_result | None) -> None:
    """Atomically replace ``path`` with ``data``, keeping its mode (and owner when allowed).

    ``expected`` is the file's stat when it was read: if the file changed since, nothing is
    replaced, since writing would throw away someone else's edit.
    """
    with atomic_writer(path, expected=expected) as handle:
        write_all(handle, data)


def _changed_since(path: str, expected: os.stat_result) -> bool:
    now = os.stat(path)
    return (now.st_ino, now.st_size, now.st_mtime_ns) != (
        expected.st_ino,
        expected.st_size,
        expected.st_mtime_ns,
    )


@contextlib.contextmanager
def atomic_writer(path: str, *, expected: os.stat_result | None = None) -> Iterator[BinaryIO]:
    """Yield a file that becomes ``path`` only if the ``with`` block completes.

    On any exception, ``KeyboardInterrupt`` and the ``SystemExit`` of a SIGTERM handler
    included, the temporary file is removed and ``path`` is untouched. A symlink is written
    through, as ``>`` does, so it stays a link. The new file gets the mode (and, when allowed,
    the owner) of the file it replaces, or the umask's default for a new one, as ``>`` gives;
    ``mkstemp``'s 0600 would silently hide the result from everyone else. With ``expected``,
    the file must still match that stat just before the rename (re-checked as late as possible).
    """
    shown = display_name(path)
    target = os.path.realpath(path)
    directory, base = os.path.split(target)
    try:
        import tempfile  # only writers need it, and it costs ~8 ms of start-up

        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{base}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"{shown}: {reason(error)}") from error
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            _copy_owner_and_mode(target, handle.fileno())
        if expected is not None and _changed_since(target, expected):
            raise OutputError(f"{shown}: file changed while dedup was working; left it as it was")
        os.replace(temporary, target)
        _fsync_directory(directory)
    except OSError as error:
        _unlink_quietly(temporary)
        raise OutputError(f"{shown}: {reason(error)}") from error
    except BaseException:
        _unlink_quietly(temporary)
        raise


STALE_SECONDS = 3600
"""A temporary file of ours untouched this long was left by a killed run (SIGKILL, power loss).

A live run writes its temporary file as it goes and renames it within moments of the last
write, so an hour without a write is no run's file any more.
"""


def remove_stale_temporaries(targets: Iterable[str], *, since: float | None = None) -> None:
    """Remove the temporary files that a killed run left beside ``targets``.

    With ``since`` (a ``time.time()``), also those written since then: a run calls it so at
    its end, once all its workers have stopped, for what one killed mid-stage left.

    Only names of our ``mkstemp`` pattern, ``.NAME.XXXXXXXX.tmp`` for a NAME among the
    targets, untouched for ``STALE_SECONDS``; anything else is none of dedup's business.
    One listing per directory, however many targets it holds. Best effort: a file that
    cannot be removed is left.
    """
    import re
    import time

    pattern = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp")
    bases: dict[str, set[str]] = {}
    for target in targets:
        directory, base = os.path.split(os.path.realpath(target))
        bases.setdefault(directory, set()).add(base)
    for directory, names in bases.items():
        try:
            entries = os.listdir(directory)
        except OSError:
            continue
        for entry in entries:
            found = pattern.fullmatch(entry)
            if found is None or found.group(1) not in names:
                continue
            path = os.path.join(directory, entry)
            with contextlib.suppress(OSError):
                status = os.lstat(path)
                left = since is not None and status.st_mtime >= since
                stale = time.time() - status.st_mtime > STALE_SECONDS
                if stat.S_ISREG(status.st_mode) and (stale or left):
                    os.unlink(path)


def _copy_owner_and_mode(source: str, descriptor: int) -> None:
    try:
        status = os.stat(source)
    except FileNotFoundError:
        os.fchmod(descriptor, 0o666 & ~_umask())
        return
    os.fchmod(descriptor, stat.S_IMODE(status.st_mode))
    # Only root may give a file away; anyone else keeps ownership, as sed -i does.
    with contextlib.suppress(PermissionError):
        os.fchown(descriptor, status.st_uid, status.st_gid)


def _umask() -> int:
    # The only portable way to read the umask is to set it; dedup runs no threads meanwhile.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_directory(directory: str) -> None:
    # Makes the rename itself durable; some filesystems refuse to open a directory, which is
    # harmless to skip.
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def output_path(output_dir: str, name: str) -> str:
    """Where ``--output-dir`` writes the cleaned copy of input ``name``: the same relative name.

    ``name`` is relative by now (see :func:`output_targets`); one that is still absolute, or
    climbs out with ``..``, would escape the directory and is refused.

    >>> output_path("clean", "news/2024/a.jsonl.gz")
    'clean/news/2024/a.jsonl.gz'
    """
    if name == STDIN:
        raise InputError("<stdin>: --output-dir needs file arguments, not stdin")
    relative = os.path.normpath(name)
    if os.path.isabs(relative) or relative.split(os.sep)[0] == os.pardir:
        raise InputError(f"{display_name(name)}: --output-dir would write it outside {output_dir}")
    return os.path.join(output_dir, relative)


def names_shards(name: str) -> bool:
    """Whether an input names shards rather than a file: a directory, or a glob pattern
    that is no existing name and matches some (for corpora with more shards than a command
    line holds). On every road alike: a name that matches nothing is a missing file, so
    ``notes[1].txt`` that is not there is "No such file or directory" as any other name.

    >>> names_shards("dedup"), names_shards("no-such-part-*.jsonl"), names_shards("-")
    (True, False, False)
    """
    if name == STDIN:
        return False
    if os.path.isdir(name):
        return True
    import glob  # only to recognise a pattern

    return not os.path.lexists(name) and glob.has_magic(name) and bool(glob.glob(name))


def output_targets(output_dir: str, named: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each input's ``--output-dir`` copy, from ``(name, relative name)`` pairs, by name.

    Names inside the current directory keep their relative name. When one is absolute or
    climbs out with ``..`` (``/data/crawl/*.txt``), every file named on its own is placed by its
    path relative to what those files share: the deepest directory common to them all. Two
    inputs onto one copy (``a.txt ./a.txt``, or ``x.jsonl`` in two directories given as
    shards) are refused here, before anything is cleaned.
    """
    named = list(named)
    if any(_outside(relative) for _, relative in named):
        named = _from_common_directory(named)
    targets: dict[str, str] = {}
    owners: dict[str, str] = {}
    for name, relative in named:
        target = output_path(output_dir, relative)
        if target in owners:
            raise InputError(
                f"{display_name(name)}: --output-dir would write {display_name(target)} twice "
                f"(also from {display_name(owners[target])})"
            )
        owners[target] = name
        targets[name] = target
    return targets


def _outside(name: str) -> bool:
    relative = os.path.normpath(name)
    return name != STDIN and (os.path.isabs(relative) or relative.split(os.sep)[0] == os.pardir)


def _from_common_directory(named: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Name each file given on its own relative to the directory all such files share.

    A file found in a named directory (``relative`` differs from ``name``) keeps its name
    relative to that directory.

    >>> [r for _, r in _from_common_directory([("/data/a/x.txt",) * 2, ("/data/b/y.txt",) * 2])]
    ['a/x.txt', 'b/y.txt']
    """
    alone = [os.path.abspath(name) for name, relative in named if name == relative]
    try:
        common = os.path.commonpath([os.path.dirname(path) for path in alone]) if alone else ""
    except ValueError:  # different drives: there is nothing in common to place them under
        return named
    return [
        (name, os.path.relpath(os.path.abspath(name), common) if name == relative else relative)
        for name, relative in named
    ]


def input_size(files: tuple[str, ...] | list[str]) -> int | None:
    """The total size of the inputs in bytes, when they are all regular files (for an ETA)."""
    total = 0
    for name in files:
        try:
            status = os.stat(os.fsencode(name)) if name != STDIN else None
        except OSError:
            return None
        if status is None or not stat.S_ISREG(status.st_mode):
            return None
        total += status.st_size
    return total


def read_chunks(stream: BinaryIO, name: str, *, size: int) -> Iterator[bytes]:
    """Yield ``stream``'s bytes as they come, at most ``size`` at a time (never empty).

    The first chunk holds at least ``SNIFF_BYTES`` (or all there is), so that it alone can
    say whether the input looks binary. Later chunks are whatever the stream has ready
    (``read1``), so a slow pipe is cleaned as it flows. A failed read is an :class:`InputError`.
    """
    first = True
    try:
        while True:
            chunk = stream.read1(size) if hasattr(stream, "read1") else stream.read(size)
            while first and chunk and len(chunk) < SNIFF_BYTES:
                more = stream.read(SNIFF_BYTES - len(chunk))
                if not more:
                    break
                chunk += more
            first = False
            if not chunk:
                return
            yield chunk
    except OSError as error:
        raise InputError(f"{display_name(name)}: {reason(error)}") from error


@contextlib.contextmanager
def open_input(path: str, shown: str) -> Iterator[tuple[BinaryIO, os.stat_result | None]]:
    """Open an input (``-``: stdin) as raw bytes with its stat (``None``: not a regular file
    on stdin); a file that cannot be opened, or a directory, is an :class:`InputError`."""
    if path == STDIN:
        stdin = stdin_buffer()
        yield stdin, regular_file_status(stdin)
        return
    try:
        handle = open(os.fsencode(path), "rb")  # noqa: SIM115 (closed by the with below)
    except OSError as error:
        raise InputError(f"{shown}: {reason(error)}") from error
    with handle:
        status = os.fstat(handle.fileno())
        if stat.S_ISDIR(status.st_mode):
            raise InputError(f"{shown}: Is a directory")
        yield handle, status


PARQUET_SUFFIX = ".parquet"


def is_parquet(name: str) -> bool:
    """Whether an input is read as Parquet: by its name, as datatrove's readers decide.

    Here, not in :mod:`dedup.io.parquet`, so that a plain run can ask without loading that.

    >>> is_parquet("shard-000.parquet"), is_parquet("shard-000.jsonl")
    (True, False)
    """
    return name.lower().endswith(PARQUET_SUFFIX)
