"""gzip and zstd: detected by magic bytes on the way in, chosen by name on the way out."""

from __future__ import annotations

import gzip
import io
import sys

import pytest
import zstandard

from dedup.errors import InputError, OutputError
from dedup.io import compression
from dedup.io.compression import detect, format_for, open_stream, writer

TEXT = "".join(f'{{"id": {n}, "text": "paragraph {n}\\n"}}\n' for n in range(2000)).encode()


class Trickle(io.RawIOBase):
    """A pipe-like source: not seekable, and every read returns at most three bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def readable(self):
        return True

    def readinto(self, buffer):
        size = min(3, len(buffer), len(self._data))
        buffer[:size] = self._data[:size]
        self._data = self._data[size:]
        return size


def pack(data: bytes, kind) -> bytes:
    sink = io.BytesIO()
    with writer(sink, kind, "out") as packed:
        packed.write(data)
    return sink.getvalue()


def decompressed(data: bytes, name: str) -> bytes:
    return open_stream(io.BytesIO(data), name)[0].read()


@pytest.mark.parametrize("kind", ["gzip", "zstd", None])
def test_round_trip_through_a_pipe(kind):
    packed = pack(TEXT, kind)
    assert detect(packed[:4]) == kind
    assert open_stream(Trickle(packed), "in")[0].read() == TEXT  # type: ignore[arg-type]


def test_the_magic_bytes_decide_not_the_name():
    assert detect(gzip.compress(b"x")[:4]) == "gzip"
    assert detect(zstandard.ZstdCompressor().compress(b"x")[:4]) == "zstd"
    assert detect(b"\x1f") is None  # too short to be gzip
    assert decompressed(b"plain text\n", "a.gz") == b"plain text\n"


def test_output_names_choose_compression():
    assert [format_for(n) for n in ("a.jsonl.gz", "A.ZST", "a.txt", "gz", "-")] == [
        "gzip",
        "zstd",
        None,
        None,
        None,
    ]


def test_gzip_output_is_reproducible():
    # No timestamp and no file name in the header: the same input gives the same bytes.
    assert pack(TEXT, "gzip") == pack(TEXT, "gzip")
    assert gzip.decompress(pack(TEXT, "gzip")) == TEXT


def test_concatenated_members_and_frames_are_read_whole():
    gz = gzip.compress(b"one\n") + gzip.compress(b"two\n")
    zst = zstandard.ZstdCompressor().compress(b"one\n") + zstandard.ZstdCompressor().compress(
        b"two\n"
    )
    assert decompressed(gz, "a") == decompressed(zst, "b") == b"one\ntwo\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (gzip.compress(TEXT)[:-20], "docs.gz: corrupt gzip data (Compressed file ended"),
        (b"\x1f\x8b\x08\x00garbage-garbage", "docs.gz: corrupt gzip data ("),
        (zstandard.ZstdCompressor().compress(TEXT)[:-9], "docs.gz: corrupt zstd data ("),
    ],
)
def test_corrupt_input_is_one_input_error_naming_the_file(data, message):
    with pytest.raises(InputError) as caught:
        open_stream(io.BytesIO(data), "docs.gz")[0].read()
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_missing_zstd_package_names_the_remedy(monkeypatch):
    packed = pack(TEXT, "zstd")
    monkeypatch.setitem(sys.modules, "zstandard", None)  # makes `import zstandard` fail
    monkeypatch.setitem(sys.modules, "compression.zstd", None)
    with pytest.raises(InputError) as read_error:
        open_stream(io.BytesIO(packed), "docs.zst")
    assert str(read_error.value) == f"docs.zst: {compression.ZSTD_MISSING}"
    with pytest.raises(OutputError) as write_error, writer(io.BytesIO(), "zstd", "out.zst"):
        pass
    assert "pip install '.[zstd]' in dedup's clone" in str(write_error.value)


def test_a_plain_regular_file_is_read_as_it_is_when_asked(tmp_path):
    plain = tmp_path / "a.txt"
    plain.write_bytes(b"plain text\n")
    packed = tmp_path / "a.gz"
    packed.write_bytes(gzip.compress(b"packed text\n"))
    with plain.open("rb") as handle:
        stream, found = open_stream(handle, "a.txt", as_is=True)
        assert (stream is handle, found, stream.read()) == (True, None, b"plain text\n")
    with packed.open("rb") as handle:
        stream, found = open_stream(handle, "a.gz", as_is=True)
        assert (stream is handle, found, stream.read()) == (False, "gzip", b"packed text\n")


def test_a_zstd_bomb_is_decompressed_in_bounded_steps():
    # 96 MiB of zeros packs into a few KB: fed whole, one call made all 96 MiB at once.
    size = 96 << 20
    bomb = zstandard.ZstdCompressor().compress(bytes(size)) * 2  # two frames, as pzstd writes
    frames = compression._ZstandardFrames(zstandard, io.BytesIO(bomb))
    largest = total = 0
    while piece := frames._read(1 << 16):
        largest = max(largest, len(frames._pending))
        total += len(piece)
    assert total == 2 * size
    assert largest <= 64 << 20  # STEP compressed bytes make at most 64 MiB (4 bytes a block)
