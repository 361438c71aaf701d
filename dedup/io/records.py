"""JSON Lines records: find the document in a line, and put the cleaned one back byte for byte.

A record whose text is unchanged is written back as the very line that was read. A changed
record is the same line with pieces cut out of the field's string literal: every other field,
the key order, the spacing and every escape (``\\u00e9`` stays ``\\u00e9``, ``é`` stays ``é``)
are kept, because nothing is ever re-serialised. Only the JSON of the one field is read to find
where its decoded characters sit in the line.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
# One escape, one decoded character. An escaped surrogate pair is one character, as
# json.decoder.scanstring decodes it, so it is matched whole (the pair comes first).
_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.",
    re.DOTALL,
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class BadRecord(ValueError):
    """A line that holds no usable document; the message says why, without the line number."""


@dataclass(frozen=True)
class Record:
    """One JSON Lines record and where its document sits in it.

    ``line`` is the line as decoded (UTF-8, odd bytes kept by ``surrogateescape``) without its
    terminator; ``literal`` is the ``(start, end)`` of the field's string literal, quotes
    included; ``text`` is its decoded value and ``ident`` the value of the id field, if any.
    """

    line: str
    terminator: bytes
    literal: tuple[int, int]
    text: str
    ident: object = None

    def with_spans_removed(self, spans: Sequence[tuple[int, int]]) -> bytes:
        """Return the line with ``spans`` (offsets into ``text``) cut out of the field."""
        start, end = self.literal
        literal = cut_literal(self.line[start:end], spans)
        line = self.line[:start] + literal + self.line[end:]
        return line.encode("utf-8", "surrogateescape") + self.terminator


def parse(raw: bytes, *, field: str, id_field: str | None = None) -> Record:
    """Read one line (terminator included) and find the string in ``field``.

    >>> record = parse(b'{"id": 7, "text": "caf\\\\u00e9\\\\n"}\\n', field="text", id_field="id")
    >>> record.text, record.ident, record.line[record.literal[0]:record.literal[1]]
    ('café\\n', 7, '"caf\\\\u00e9\\\\n"')
    """
    body = raw.rstrip(b"\r\n")
    line = body.decode("utf-8", "surrogateescape")
    members = {name: (value, start, end) for name, value, start, end in _members(line)}
    if field not in members:
        raise BadRecord(f'no "{field}" field')
    text, start, end = members[field]
    if not isinstance(text, str):
        raise BadRecord(f'"{field}" is {_kind(text)}, not a string')
    if _SURROGATE.search(text):
        _refuse_lone_surrogates(line[start:end], field)
    ident = members[id_field][0] if id_field is not None and id_field in members else None
    return Record(line, raw[len(body) :], (start, end), text, ident)


def _members(line: str) -> Iterator[tuple[str, object, int, int]]:
    """Yield each top-level member of the object on ``line``: name, value, value span.

    A later duplicate name wins, as with ``json.loads``, because the caller builds a dict.
    """
    position = _skip(line, 1 if line.startswith("\ufeff") else 0)  # a BOM on the first line
    if line[position : position + 1] != "{":
        raise BadRecord("not a JSON object" if line.strip() else "empty line")
    position = _skip(line, position + 1)
    if line[position : position + 1] == "}":
        _end(line, position + 1)
        return
    try:
        while True:
            if line[position : position + 1] != '"':
                raise _error("expected a quoted field name", position)
            name, position = _DECODER.raw_decode(line, position)
            position = _skip(line, position)
            if line[position : position + 1] != ":":
                raise _error("expected ':'", position)
            start = _skip(line, position + 1)
            value, end = _DECODER.raw_decode(line, start)
            yield name, value, start, end
            position = _skip(line, end)
            if line[position : position + 1] == ",":
                position = _skip(line, position + 1)
            elif line[position : position + 1] == "}":
                _end(line, position + 1)
                return
            else:
                raise _error("expected ',' or '}'", position)
    except json.JSONDecodeError as error:
        raise _error(error.msg.lower().removesuffix(" at"), error.pos) from None
    except BadRecord:  # a ValueError too: said already
        raise
    except RecursionError:
        raise BadRecord("not loadable: nested too deeply for Python's json") from None
    except ValueError as error:
        # The one ValueError that is not a JSONDecodeError: an integer longer than Python
        # converts (sys.get_int_max_str_digits, 4300 digits by default).
        raise BadRecord(f"not loadable: {str(error).split(';')[0].lower()}") from None


def _refuse_lone_surrogates(literal: str, field: str) -> None:
    """Refuse a string whose escapes make a lone surrogate (``"\\ud800"``): no UTF-8 holds it.

    Such a document could be cleaned, but not shown, reported or counted in ``--stats``
    without inventing bytes, so it is a bad record like any other line ``json`` cannot give a
    text for. A surrogate that stands for an undecodable byte of the line is fine: it turns
    back into that byte (``surrogateescape``). Only the escapes in the literal are looked at.
    """
    for escape in _ESCAPE.finditer(literal, 1, len(literal) - 1):
        if len(escape.group()) == 6 and _LONE_ESCAPE.fullmatch(escape.group()):
            raise BadRecord(
                f'"{field}" holds {escape.group()}, a lone surrogate that no UTF-8 text can hold'
            )


def _end(line: str, position: int) -> None:
    if line[_skip(line, position) :]:
        raise _error("extra data after the object", position)


def _skip(line: str, position: int) -> int:
    found = _SPACE.match(line, position)
    assert found is not None  # the pattern matches the empty string
    return found.end()


def _error(message: str, position: int) -> BadRecord:
    return BadRecord(f"not valid JSON: {message} (column {position + 1})")


def _kind(value: object) -> str:
    if value is None:
        return "null"
    names = {bool: "a boolean", int: "a number", float: "a number", list: "an array"}
    return names.get(type(value), "an object")


def cut_literal(literal: str, spans: Sequence[tuple[int, int]]) -> str:
    """Cut ``spans`` (offsets into the decoded string) out of a JSON string literal.

    Escapes are kept as they were written; the decoded offsets are mapped onto the literal.

    >>> cut_literal('"a\\nb\\u00e9\\nc"', [(2, 5)])
    '"a\\nc"'
    """
    to_literal = _offset_map(literal)
    parts = ['"']
    position = 1
    for start, end in spans:
        parts.append(literal[position : to_literal(start)])
        position = to_literal(end)
    parts.append(literal[position:])
    return "".join(parts)


def _offset_map(literal: str) -> Callable[[int], int]:
    """Return a function from an offset in the decoded string to the offset in ``literal``.

    Between escapes, characters stand for themselves, so only the escapes are recorded: after
    each one, where decoding and the literal stand. A bisection finds the last one before an
    offset. This keeps the cost per escape, not per character, for long documents.
    """
    decoded_at = [0]
    literal_at = [1]  # just after the opening quote
    for escape in _ESCAPE.finditer(literal, 1, len(literal) - 1):
        decoded_at.append(decoded_at[-1] + (escape.start() - literal_at[-1]) + 1)
        literal_at.append(escape.end())

    def to_literal(offset: int) -> int:
        anchor = bisect_right(decoded_at, offset) - 1
        return literal_at[anchor] + offset - decoded_at[anchor]

    return to_literal
