"""Bytes in, text to work on, the same bytes out.

Input is read as UTF-8 with ``surrogateescape``: every byte that is not valid UTF-8 becomes a
lone surrogate and turns back into the very same byte on the way out (PEP 383), so Latin-1 or
broken input passes through unchanged instead of failing or being "repaired". A UTF-8 BOM is
taken off before splitting (so it never glues itself to the first paragraph's key) and put back.
"""

from __future__ import annotations

from dataclasses import dataclass

BOM = b"\xef\xbb\xbf"
SNIFF_BYTES = 8192
"""How far to look for a NUL byte before calling input binary, as GNU grep and diff do."""


@dataclass(frozen=True)
class Decoded:
    """Text to work on, and what is needed to turn it back into the original bytes."""

    text: str
    bom: bytes


def decode(data: bytes) -> Decoded:
    """Decode ``data`` so that :func:`encode` gives it back byte for byte.

    >>> decode(b"\\xef\\xbb\\xbfcaf\\xe9\\n")
    Decoded(text='caf\\udce9\\n', bom=b'\\xef\\xbb\\xbf')
    """
    bom = BOM if data.startswith(BOM) else b""
    return Decoded(data[len(bom) :].decode("utf-8", "surrogateescape"), bom)


def encode(text: str, bom: bytes = b"") -> bytes:
    """Turn text produced by :func:`decode` (or any slices of it) back into bytes.

    >>> encode(*decode(b"\\xef\\xbb\\xbfcaf\\xe9\\n").__dict__.values())
    b'\\xef\\xbb\\xbfcaf\\xe9\\n'
    """
    return bom + text.encode("utf-8", "surrogateescape")


def looks_binary(data: bytes) -> bool:
    """Return whether ``data`` has a NUL byte near its start, the usual sign of a binary file.

    >>> looks_binary(b"PK\\x03\\x04\\x00"), looks_binary("plain text".encode())
    (True, False)
    """
    return b"\0" in data[:SNIFF_BYTES]


# Longest first: the UTF-32LE BOM begins with the UTF-16LE one.
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def wide_encoding(data: bytes) -> str | None:
    """Return ``"UTF-16"`` or ``"UTF-32"`` when ``data`` starts with that encoding's BOM.

    Such text is not UTF-8 with odd bytes: its line breaks are two or four bytes wide, so
    cutting it at ``\\n`` bytes would cut characters in half. UTF-8 never has the bytes
    ``ff`` or ``fe``, so these BOMs cannot start UTF-8 text.

    >>> wide_encoding("text".encode("utf-16")), wide_encoding(b"text")
    ('UTF-16', None)
    """
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    return None
