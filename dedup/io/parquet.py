"""Parquet shards in and out: the text column cleaned, every other column and the row order kept.

FineWeb-style corpora ship as directories of Parquet shards. A shard is read and written one
row group at a time, so a worker holds one row group, never the whole shard: each row's
string in the text column is one document, and each row group is written back with only
that column replaced (and the rows ``--drop-empty`` left out): the same schema (its metadata
included), the same columns in the same order, the same rows in the same order, one output
row group per input row group, with the input's compression codec. A shard where nothing
was removed is copied byte for byte. A null text is not a document: it passes through as it
was; so does a text that is not valid UTF-8 (a bad record, see :class:`Table`), byte for byte.

pyarrow is an optional dependency (the ``parquet`` extra, which holds pyarrow only); it is
imported only when a ``.parquet`` input is met.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from dedup.errors import InputError
from dedup.io.files import display_name
from dedup.io.targets import open_target, place

INSTALL = "pip install '.[parquet]' in dedup's clone"
"""What to run when Parquet meets an installation without pyarrow."""

_CODECS = {"UNCOMPRESSED": "none", "LZ4_RAW": "lz4"}
"""Parquet's codec names where ``pyarrow.parquet.ParquetWriter`` spells them otherwise."""


@dataclass(frozen=True)
class Table:
    """The documents of one row group: each row's text (``None`` for a null) and its id.

    ``bad`` holds the rows (0-based in the group) whose text is no valid UTF-8, with why:
    their text is ``None``, and :meth:`Rewrite.group` keeps their bytes as they were.
    """

    texts: list[str | None]
    idents: list[object]
    bad: dict[int, str] = field(default_factory=dict)


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
        texts, bad = _decoded(group.column(field), pa)
        idents: list[object] = [None] * len(texts)
        if len(columns) == 2:
            idents = [_plain(value) for value in group.column(id_field).to_pylist()]
        yield Table(texts, idents, bad)


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
    for row, value in enumerate(raw):
        try:
            texts.append(None if value is None else value.decode("utf-8"))
        except UnicodeDecodeError as error:
            texts.append(None)
            bad[row] = f"text is not valid UTF-8 (byte 0x{value[error.start]:02x} at {error.start})"
    return texts, bad


def _binary_type(kind: Any, pa: Any) -> Any:  # noqa: ANN401 (pyarrow is untyped)
    return pa.large_binary() if pa.types.is_large_string(kind) else pa.binary()


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

        A ``None`` keeps the row's text as it was: a null stays null, and a text that was no
        valid UTF-8 (a bad record passed through) keeps its very bytes. ``dropped`` rows
        (0-based in the group) are left out: records ``--drop-empty`` emptied.
        """
        pa, _ = _pyarrow()
        table = self._source.read_row_group(self._next)
        self._next += 1
        position = table.column_names.index(self._field)
        old = table.schema.field(position)
        column = _merged(table.column(position), texts, pa)
        table = table.set_column(position, old, column)
        if dropped:
            gone = set(dropped)
            table = table.filter(pa.array([row not in gone for row in range(len(texts))]))
        if table.num_rows:
            self._writer.write_table(table, row_group_size=table.num_rows)


def _merged(original: Any, texts: Sequence[str | None], pa: Any) -> Any:  # noqa: ANN401 (pyarrow)
    """The new text column: ``texts`` where given, the original bytes where ``None``.

    The merge is done on the bytes, and the result is viewed as text again without the check
    that would refuse a row that was no valid UTF-8.
    """
    import pyarrow.compute as pc

    binary = _binary_type(original.type, pa)
    new = pa.array(
        [None if text is None else text.encode("utf-8", "surrogateescape") for text in texts],
        type=binary,
    )
    old = original.cast(binary).combine_chunks()
    return pc.coalesce(new, old).view(original.type)


@contextlib.contextmanager
def rewrite(source: str, target: str, *, field: str) -> Iterator[Rewrite]:
    """Write ``target`` from ``source`` by row groups: it appears only when whole.

    The schema (its metadata included) and each column's codec are the source's. If the
    caller never sets :attr:`Rewrite.changed`, the source's bytes are written instead. The
    target is written as :func:`dedup.io.targets.open_target` says: a regular file beside it
    and renamed; a FIFO or device in place, from a scratch file once the shard is done (only
    then is it known whether the source's bytes or the rewritten ones go there).
    """
    _, pq = _pyarrow()
    original = pq.ParquetFile(source)
    with contextlib.ExitStack() as stack:
        in_place = place(target).in_place
        handle: BinaryIO = (
            stack.enter_context(tempfile.TemporaryFile())
            if in_place
            else stack.enter_context(open_target(target))
        )
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
        if in_place:
            handle.seek(0)
            with open_target(target) as out:
                shutil.copyfileobj(handle, out)


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
