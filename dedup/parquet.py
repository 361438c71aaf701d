"""Parquet shards in and out: the text column cleaned, every other column and the row order kept.

FineWeb-style corpora ship as Parquet. A shard is read whole (a shard is sized to fit a
worker), each row's string in the text column is one document, and the shard is written back
with only that column replaced: the same schema (its metadata included), the same columns in
the same order, the same rows in the same order, the same compression codec and row group
size as the first row group of the input. A shard where nothing was removed is copied byte
for byte. A null text is not a document: it passes through as it was.

pyarrow is an optional dependency (the ``ray`` extra); it is imported only when a ``.parquet``
input is met.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dedup.errors import InputError
from dedup.files import display_name
from dedup.targets import open_target

_CODECS = {"UNCOMPRESSED": "none", "LZ4_RAW": "lz4"}
"""Parquet's codec names where ``pyarrow.parquet.write_table`` spells them otherwise."""


@dataclass(frozen=True)
class Table:
    """The documents of a Parquet shard: each row's text (``None`` for a null) and its id.

    ``bad`` holds the rows (numbered from 1) whose text is no valid UTF-8, with why: their
    text is ``None``, and :func:`write` keeps their bytes as they were.
    """

    texts: list[str | None]
    idents: list[object]
    bad: dict[int, str] = field(default_factory=dict)


def read(path: str, *, field: str, id_field: str | None, shown: str | None = None) -> Table:
    """Read the text column (and the id column, if there is one) of a Parquet shard.

    ``shown`` names the shard in messages (default: ``path``).
    """
    pa, pq = _pyarrow()
    shown = shown or display_name(path)
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"{shown}: not a readable Parquet file ({error})") from error
    column = _text_column(table, field, shown, pa)
    texts, bad = _decoded(column, pa)
    idents: list[object] = [None] * len(texts)
    if id_field is not None and id_field in table.column_names:
        idents = [_plain(value) for value in table.column(id_field).to_pylist()]
    return Table(texts, idents, bad)


def _decoded(column: Any, pa: Any) -> tuple[list[str | None], dict[int, str]]:  # noqa: ANN401 (pyarrow)
    """Each row's text, and the rows that are no valid UTF-8 (Arrow does not check on read).

    The fast road is Arrow's own conversion; only when it fails is each row decoded alone,
    to say which rows are bad and keep every other.
    """
    try:
        return column.to_pylist(), {}
    except UnicodeDecodeError:
        pass
    raw = column.cast(_binary_type(column.type, pa)).to_pylist()
    texts: list[str | None] = []
    bad: dict[int, str] = {}
    for row, value in enumerate(raw, start=1):
        try:
            texts.append(None if value is None else value.decode("utf-8"))
        except UnicodeDecodeError as error:
            texts.append(None)
            bad[row] = f"text is not valid UTF-8 (byte 0x{value[error.start]:02x} at {error.start})"
    return texts, bad


def _binary_type(kind: Any, pa: Any) -> Any:  # noqa: ANN401 (pyarrow is untyped)
    return pa.large_binary() if pa.types.is_large_string(kind) else pa.binary()


def write(source: str, target: str, *, field: str, texts: Sequence[str | None]) -> None:
    """Write ``source`` to ``target`` with the text column replaced by ``texts``, atomically."""
    pa, pq = _pyarrow()
    table = pq.read_table(source)
    position = table.column_names.index(field)
    old = table.schema.field(position)
    column = _merged(table.column(position), texts, pa)
    replaced = table.set_column(position, old, column).replace_schema_metadata(
        table.schema.metadata
    )
    metadata = pq.ParquetFile(source).metadata
    options: dict[str, Any] = {}
    if metadata.num_row_groups:
        first = metadata.row_group(0)
        codec = first.column(position).compression
        options = {
            "compression": _CODECS.get(codec, codec.lower()),
            "row_group_size": max(first.num_rows, 1),
        }
    with open_target(target) as handle:
        pq.write_table(replaced, handle, **options)


def _merged(original: Any, texts: Sequence[str | None], pa: Any) -> Any:  # noqa: ANN401 (pyarrow)
    """The new text column: ``texts`` where given, the original bytes where ``None``.

    A null stays null, and a row that was no valid UTF-8 (a bad record passed through) keeps
    its very bytes: the merge is done on the bytes, and the result is viewed as text again
    without the check that would refuse them.
    """
    import pyarrow.compute as pc

    binary = _binary_type(original.type, pa)
    new = pa.array(
        [None if text is None else text.encode("utf-8", "surrogateescape") for text in texts],
        type=binary,
    )
    old = original.cast(binary).combine_chunks()
    return pc.coalesce(new, old).view(original.type)


def copy(source: str, target: str) -> None:
    """Copy an unchanged shard byte for byte, atomically."""
    with open_target(target) as handle, open(source, "rb") as original:  # noqa: PTH123 (str path, as everywhere in dedup)
        shutil.copyfileobj(original, handle)


def _text_column(table: Any, field: str, shown: str, pa: Any) -> Any:  # noqa: ANN401 (pyarrow is untyped)
    if field not in table.column_names:
        raise InputError(f'{shown}: no "{field}" column (--field names the text column)')
    column = table.column(field)
    kind = column.type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise InputError(f'{shown}: column "{field}" is {kind}, not a string')
    return column


def _plain(value: object) -> object:
    """An id as the JSON report can hold it: numbers and strings as they are, others as text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        from dedup.errors import RAY_INSTALL, MissingExtra

        raise MissingExtra(f"Parquet input needs pyarrow: {RAY_INSTALL}") from None
    return pa, pq
