"""Compressed corpora: gzip and zstd, recognised by their magic bytes, written by file name.

Input is never trusted to be named right (``dump.jsonl`` that is really gzip, or gzip on
stdin), so the first four bytes decide. Output has no bytes yet to look at, so the name
decides: ``-o clean.jsonl.zst`` writes zstd, anything else is written plain.

zstd comes from the standard library on Python 3.14 (``compression.zstd``) and from the
``zstandard`` package before that, installed with the ``zstd`` extra
(``pip install '.[zstd]' in dedup's clone``). It stays optional because most users never meet a zstd
file, and a missing package is a one-line error naming the remedy, never a traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO, Literal, cast

from dedup.errors import DedupError, InputError, OutputError

Format = Literal["gzip", "zstd"]

MAGIC: dict[bytes, Format] = {b"\x1f\x8b": "gzip", b"\x28\xb5\x2f\xfd": "zstd"}
SUFFIXES: dict[str, Format] = {".gz": "gzip", ".zst": "zstd"}
GZIP_LEVEL = 6
"""What ``gzip`` itself uses; Python's default of 9 is several times slower for ~1% less."""

ZSTD_MISSING = (
    "zstd needs the zstandard package on Python < 3.14: pip install '.[zstd]' in dedup's clone"
)


def detect(head: bytes) -> Format | None:
    """Return the compression that the first bytes of a stream announce, if any.

    >>> detect(b"\\x1f\\x8b\\x08\\x00"), detect(b'{"text"')
    ('gzip', None)
    """
    for magic, name in MAGIC.items():
        if head.startswith(magic):
            return name
    return None


def format_for(path: str) -> Format | None:
    """Return the compression an output file's name asks for.

    >>> format_for("out/clean.jsonl.zst"), format_for("clean.txt")
    ('zstd', None)
    """
    for suffix, name in SUFFIXES.items():
        if path.lower().endswith(suffix):
            return name
    return None


def open_stream(
    source: BinaryIO, name: str, *, as_is: bool = False
) -> tuple[io.BufferedReader, Format | None]:
    """A buffered stream of ``source``'s bytes, decompressed if they are compressed, and the
    compression it found (``None`` for plain bytes).

    ``source`` need not be seekable (stdin): the bytes read to sniff the format are handed
    back in front of the rest. Corrupt or truncated data becomes an :class:`InputError`
    naming ``name`` at the read that meets it.

    ``as_is``: ``source`` is a regular file whose reader maps its own read errors; when its
    bytes are plain, it is returned itself, without the layers (``peek`` sniffs).
    """
    if as_is and isinstance(source, io.BufferedReader) and detect(source.peek(4)[:4]) is None:
        return source, None
    head = _read_up_to(source, 4)
    raw = io.BufferedReader(_Prefixed(head, source))
    found = detect(head)
    stream: BinaryIO
    if found == "gzip":
        import gzip  # imported when met: plain text, the usual case, never needs it

        stream = cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb"))
    elif found == "zstd":
        stream = _zstd_reader(raw, name)
    else:
        stream = raw
    return io.BufferedReader(_Checked(stream, name, found)), found


@contextlib.contextmanager
def writer(sink: BinaryIO, compression: Format | None, name: str) -> Iterator[BinaryIO]:
    """Yield a stream that writes to ``sink``, compressed as asked; ``sink`` stays open."""
    if compression is None:
        yield sink
    elif compression == "gzip":
        # mtime=0 and no file name in the header: the same input gives the same bytes.
        import gzip

        with gzip.GzipFile(
            filename="", fileobj=sink, mode="wb", compresslevel=GZIP_LEVEL, mtime=0
        ) as packed:
            yield packed  # type: ignore[misc]  # GzipFile is a binary stream, not typed as one
    else:
        with _zstd_writer(sink, name) as packed:
            yield packed


def _zstd_module() -> tuple[str, Any]:
    for module in ("compression.zstd", "zstandard"):
        try:
            return module, importlib.import_module(module)
        except ImportError:
            continue
    raise DedupError(ZSTD_MISSING)


def _zstd_reader(raw: BinaryIO, name: str) -> BinaryIO:
    try:
        module_name, module = _zstd_module()
    except DedupError as error:
        raise InputError(f"{name}: {error}") from None
    if module_name == "compression.zstd":
        return module.ZstdFile(raw, mode="rb")  # type: ignore[no-any-return]  # stdlib, 3.14+
    return io.BufferedReader(_ZstandardFrames(module, raw))


@contextlib.contextmanager
def _zstd_writer(sink: BinaryIO, name: str) -> Iterator[BinaryIO]:
    try:
        module_name, module = _zstd_module()
    except DedupError as error:
        raise OutputError(f"{name}: {error}") from None
    if module_name == "compression.zstd":
        with module.ZstdFile(sink, mode="wb") as packed:
            yield packed
    else:
        packed = module.ZstdCompressor().stream_writer(sink, closefd=False)
        yield packed
        packed.close()  # writes the end of the frame; sink stays open (closefd=False)


def _read_up_to(source: BinaryIO, size: int) -> bytes:
    head = b""
    while len(head) < size:
        chunk = source.read(size - len(head))
        if not chunk:
            break
        head += chunk
    return head


class _Source(io.RawIOBase):
    """A readable raw stream; a subclass only says how to get up to ``size`` bytes."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # noqa: ANN401 (io's own signature: a writable buffer)
        view = memoryview(buffer).cast("B")
        data = self._read(len(view))
        view[: len(data)] = data
        return len(data)

    def _read(self, size: int) -> bytes:
        raise NotImplementedError


class _Prefixed(_Source):
    """``head`` followed by the rest of ``source``: a sniffed stream, made whole again."""

    def __init__(self, head: bytes, source: BinaryIO) -> None:
        self._head = head
        self._source = source

    def _read(self, size: int) -> bytes:
        if not self._head:
            return self._source.read(size)
        data, self._head = self._head[:size], self._head[size:]
        return data


class _ZstandardFrames(_Source):
    """zstd frames one after another, as pzstd or ``cat a.zst b.zst`` write them.

    zstandard's own ``stream_reader`` ends quietly at a truncated frame, which would drop the
    end of a corpus without a word; this reader says so, as gzip does.
    """

    CHUNK = 1 << 16
    STEP = 1 << 11
    """Compressed bytes per decompression call, which bounds what one call makes.

    A zstd block decodes to at most 128 KiB and takes at least 4 bytes (a 3-byte header and
    one RLE byte), so 2 KiB in make at most 64 MiB out: a bomb is read in steps like any
    other stream, never all at once (a 176 KB file fed whole made 2.26 GB). zstandard's
    ``decompressobj`` has no output limit of its own (the standard library's, on 3.14, has).
    """

    def __init__(self, module: Any, raw: BinaryIO) -> None:  # noqa: ANN401 (zstandard, imported late)
        self._new_frame = module.ZstdDecompressor().decompressobj
        self._raw = raw
        self._frame: Any = None
        self._pending = b""
        self._offset = 0
        self._input = b""
        self._at = 0  # how much of _input was fed

    def _read(self, size: int) -> bytes:
        while self._offset == len(self._pending):
            if self._at == len(self._input):
                self._input, self._at = self._raw.read(self.CHUNK), 0
                if not self._input:
                    if self._frame is not None and not self._frame.eof:
                        raise EOFError("compressed file ended before the end of a zstd frame")
                    return b""
            step = self._input[self._at : self._at + self.STEP]
            self._at += len(step)
            self._pending, self._offset = self._decompress(step), 0
        data = self._pending[self._offset : self._offset + size]
        self._offset += len(data)
        return data

    def _decompress(self, data: bytes) -> bytes:
        parts = []
        while data:
            if self._frame is None or self._frame.eof:
                self._frame = self._new_frame()
            parts.append(self._frame.decompress(data))
            data = self._frame.unused_data if self._frame.eof else b""
        return b"".join(parts)


class _Checked(_Source):
    """Reads ``stream`` and turns a decompressor's complaint into one line naming the file."""

    def __init__(self, stream: BinaryIO, name: str, compression: Format | None) -> None:
        self._stream = stream
        self._name = name
        self._compression = compression

    def _read(self, size: int) -> bytes:
        try:
            return self._stream.read(size)
        except (OSError, EOFError, zlib.error) as error:
            raise InputError(f"{self._name}: {self._describe(error)}") from error
        except Exception as error:
            # zstandard.ZstdError derives from Exception only; naming it would import zstd.
            if self._compression != "zstd":
                raise
            raise InputError(f"{self._name}: {self._describe(error)}") from error

    def _describe(self, error: BaseException) -> str:
        what = f"corrupt {self._compression} data" if self._compression else "read error"
        detail = getattr(error, "strerror", None) or str(error)
        return f"{what} ({detail})" if detail else what
