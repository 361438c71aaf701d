"""JSON Lines records: finding the document, and cutting it without re-serialising the line."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.io.records import BadRecord, cut_literal, parse


def test_parse_finds_the_field_its_literal_and_the_id():
    raw = b'{"id": "d1", "text": "caf\\u00e9 and caf\xc3\xa9\\n", "n": 2}\r\n'
    record = parse(raw, field="text", id_field="id")
    assert record.text == "café and café\n"
    assert record.ident == "d1"
    assert record.terminator == b"\r\n"
    start, end = record.literal
    assert record.line[start:end] == '"caf\\u00e9 and café\\n"'


def test_parse_without_the_id_field_gives_no_id():
    assert parse(b'{"text": "x"}', field="text", id_field="id").ident is None


def test_a_byte_order_mark_before_the_first_record_is_kept():
    record = parse(b'\xef\xbb\xbf{"text": "a\\nb\\n"}\n', field="text")
    assert record.text == "a\nb\n"
    assert record.with_spans_removed([(0, 2)]) == b'\xef\xbb\xbf{"text": "b\\n"}\n'


def test_a_later_duplicate_field_wins_as_in_json_loads():
    record = parse(b'{"text": "first", "text": "second"}\n', field="text")
    assert record.text == json.loads('{"text": "first", "text": "second"}')["text"] == "second"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"body": "x"}\n', 'no "text" field'),
        (b'{"text": 3}\n', '"text" is a number, not a string'),
        (b'{"text": null}\n', '"text" is null, not a string'),
        (b'{"text": ["a"]}\n', '"text" is an array, not a string'),
        (b'["text"]\n', "not a JSON object"),
        (b"text\n", "not a JSON object"),
        (b'{"text": "x"} trailing\n', "not valid JSON: extra data after the object (column 14)"),
        (b'{"text": "x",}\n', "not valid JSON: expected a quoted field name (column 14)"),
        (b'{"text": "x\n', "not valid JSON: unterminated string starting (column 10)"),
        (b'{"text": "x"\n', "not valid JSON: expected ',' or '}' (column 13)"),
    ],
)
def test_bad_records_say_why(raw, message):
    with pytest.raises(BadRecord) as caught:
        parse(raw, field="text")
    assert str(caught.value) == message


def test_with_spans_removed_keeps_everything_else_as_written():
    raw = b'{"a":1,  "text":"one\\ntwo \\u00e9\\nthree\\n" ,"z":"\\u00e9"}\n'
    record = parse(raw, field="text")
    assert record.text[4:10] == "two é\n"  # the span below, in decoded characters
    assert (
        record.with_spans_removed([(4, 10)])
        == b'{"a":1,  "text":"one\\nthree\\n" ,"z":"\\u00e9"}\n'
    )


def test_escaped_surrogate_pairs_count_as_one_character():
    literal = '"\\ud83d\\ude00x\\ny\\n"'
    assert json.loads(literal) == "😀x\ny\n"
    assert cut_literal(literal, [(0, 3)]) == '"y\\n"'
    assert cut_literal(literal, [(3, 5)]) == '"\\ud83d\\ude00x\\n"'
    lone_then_pair = '"\\ud800\\ud83d\\ude00\\udc00!"'
    assert len(json.loads(lone_then_pair)) == 4
    assert cut_literal(lone_then_pair, [(0, 1)]) == '"\\ud83d\\ude00\\udc00!"'


@st.composite
def texts_and_spans(draw):
    # Surrogates included: a lone one is escaped alone, a pair as one character.
    text = draw(st.text(st.characters(exclude_categories=()), max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    spans = list(zip(cuts[::2], cuts[1::2], strict=False))
    return text, spans


@given(texts_and_spans(), st.booleans())
def test_cutting_the_literal_equals_serialising_the_cut_text(case, ensure_ascii):
    # json.dumps writes each character on its own, so cutting characters out of its output
    # must give exactly what it writes for the cut text: no escape is changed or lost.
    text, spans = case
    kept = "".join(text[a:b] for a, b in _complement(spans, len(text)))
    literal = json.dumps(text, ensure_ascii=ensure_ascii)
    assert cut_literal(literal, spans) == json.dumps(kept, ensure_ascii=ensure_ascii)


def _complement(spans, length):
    position = 0
    for start, end in spans:
        yield position, start
        position = end
    yield position, length


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"text": "a", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}\n", "nested too deeply"),
        (b'{"n": ' + b"9" * 5000 + b', "text": "a"}\n', "exceeds the limit (4300 digits)"),
        (b'{"text": "a \\ud800 b"}\n', '"text" holds \\ud800, a lone surrogate'),
        (b'{"text": "a \\udcff"}\n', '"text" holds \\udcff, a lone surrogate'),
    ],
)
def test_what_json_cannot_load_or_utf8_cannot_hold_is_a_bad_record(raw, message):
    with pytest.raises(BadRecord, match=re.escape(message)):
        parse(raw, field="text")


def test_a_surrogate_pair_and_an_undecodable_byte_are_text():
    # The pair is one character; the raw byte 0xff comes back as itself (surrogateescape).
    record = parse(b'{"text": "\\ud83d\\ude00 caf\xff"}\n', field="text")
    assert record.text == "\U0001f600 caf\udcff"
