"""Parquet shards in and out: the text column cleaned, every other column and the row order kept.

FineWeb-style corpora ship as directories of Parquet shards. A shard is read and written one
row group at a time, so a worker holds one row group, never the whole shard: each row's
string in the text column is one document, and each row group is written back with only
that column replaced (and the rows ``--drop-empty`` left out): the same schema (its metadata
included), the same columns in the same order, the same rows in the same order, one output
row group per input row group, with the input's compression codec. A shard where nothing
was removed is copied byte for byte. A null text is not a document: it passes through as it
was.

pyarrow is an optional dependency (the ``parquet`` extra, which holds pyarrow only); it is
imported only when a ``.parquet`` input is met.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from dedup.errors import InputError
from dedup.io.files import atomic_writer, display_name

INSTALL = "pip install '.[parquet]' in dedup's clone"
"""What to run when Parquet meets an installation without pyarrow."""

_CODECS = {"UNCOMPRESSED": "none", "LZ4_RAW": "lz4"}
"""Parquet's codec names where ``pyarrow.parquet.ParquetWriter`` spells them otherwise."""


@dataclass(frozen=True)
class Table:
    """The documents of one row group: each row's text (``None`` for a null) and its id."""

    texts: list[str | None]
    idents: list[object]


def read(
    path: str, *, field: str, id_field: str | None, shown: str | None = None
) -> Iterator[Table]:
    """Read the text column (and the id column, if there is one), one row group at a time.

    Only those columns are read; ``shown`` names the shard in messages (default: ``path``).
    """
    pa, pq = _pyarrow()
    shown = shown or display_name(path)
    try:
        handle = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"{shown}: not a readable Parquet file ({error})") from error
    names = handle.schema_arrow.names
    _check_text_column(handle.schema_arrow, field, shown, pa)
    columns = [field] if id_field is None or id_field not in names else [field, id_field]
    for number in range(handle.num_row_groups):
        try:
            group = handle.read_row_group(number, columns=columns)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{shown}: row group {number} unreadable ({error})") from error
        texts: list[str | None] = group.column(field).to_pylist()
        idents: list[object] = [None] * len(texts)
        if len(columns) == 2:
            idents = [_plain(value) for value in group.column(id_field).to_pylist()]
        yield Table(texts, idents)


class Rewrite:
    """A shard being written row group by row group, beside its final name (see :func:`rewrite`).

    Set :attr:`changed` once something was removed; left unset, the shard is copied instead.
    """

    def __init__(self, source: Any, writer: Any, field: str) -> None:  # noqa: ANN401 (pyarrow is untyped)
        self._source, self._writer, self._field = source, writer, field
        self._next = 0
        self.changed = False

    def group(self, texts: Sequence[str | None], dropped: Sequence[int] = ()) -> None:
        """Write the next row group with its text column replaced by ``texts``.

        ``dropped`` rows (0-based in the group) are left out: records ``--drop-empty`` emptied.
        """
        pa, _ = _pyarrow()
        table = self._source.read_row_group(self._next)
        self._next += 1
        position = table.column_names.index(self._field)
        old = table.schema.field(position)
        table = table.set_column(position, old, pa.array(list(texts), type=old.type))
        if dropped:
            gone = set(dropped)
            table = table.filter(pa.array([row not in gone for row in range(len(texts))]))
        if table.num_rows:
            self._writer.write_table(table, row_group_size=table.num_rows)


@contextlib.contextmanager
def rewrite(source: str, target: str, *, field: str) -> Iterator[Rewrite]:
    """Write ``target`` from ``source`` by row groups, atomically: it appears only when whole.

    The schema (its metadata included) and each column's codec are the source's. If the
    caller never sets :attr:`Rewrite.changed`, the source's bytes are written instead.
    """
    _, pq = _pyarrow()
    original = pq.ParquetFile(source)
    with atomic_writer(target) as handle:
        writer = pq.ParquetWriter(
            handle, original.schema_arrow, compression=_compression(original.metadata)
        )
        try:
            rewritten = Rewrite(original, writer, field)
            yield rewritten
        finally:
            writer.close()
        if not rewritten.changed:  # nothing removed: the very bytes that were read
            handle.seek(0)
            handle.truncate()
            with open(source, "rb") as unchanged:  # noqa: PTH123 (str path, as everywhere in dedup)
                shutil.copyfileobj(unchanged, handle)


def _compression(metadata: Any) -> dict[str, str] | str:  # noqa: ANN401 (pyarrow is untyped)
    """Each column's codec, as its first row group has it (``snappy`` for an empty file)."""
    if not metadata.num_row_groups:
        return "snappy"
    first = metadata.row_group(0)
    codecs: dict[str, str] = {}
    for number in range(first.num_columns):
        column = first.column(number)
        name = column.path_in_schema.split(".")[0]
        codecs.setdefault(name, _CODECS.get(column.compression, column.compression.lower()))
    return codecs


def _check_text_column(schema: Any, field: str, shown: str, pa: Any) -> None:  # noqa: ANN401 (pyarrow is untyped)
    if field not in schema.names:
        raise InputError(f'{shown}: no "{field}" column (--field names the text column)')
    kind = schema.field(field).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise InputError(f'{shown}: column "{field}" is {kind}, not a string')


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
        from dedup.errors import MissingExtra

        raise MissingExtra(f"Parquet input needs pyarrow: {INSTALL}") from None
    return pa, pq
