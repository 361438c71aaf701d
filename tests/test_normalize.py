import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.text.normalize import _FOLD, is_technical, keeps_case, key, unicode_key


def test_key_folds_what_copies_change():
    assert key("\u201cIt\u2019s  ON\u201d \u2014 now") == key('"it\'s on" - now')


def test_key_joins_wrapped_lines():
    assert key("one two\nthree\r\nfour") == "one two three four"


def test_key_drops_invisible_characters_and_tatweel():
    assert (
        key("soft\u00adhyphen zero\u200bwidth \u0627\u0640\u0644")
        == "softhyphen zerowidth \u0627\u0644"
    )


def test_key_keeps_what_differs():
    assert key("Version 2") != key("Version 3")
    assert key("naïve") != key("naive")  # accents are content, not typography


@given(st.text(st.characters(max_codepoint=127)))
def test_ascii_fast_path_equals_the_unicode_path(text):
    assert key(text) == unicode_key(text)


@given(st.text(st.characters(max_codepoint=127)))
def test_ascii_prose_folds_as_it_always_did(text):
    if not keeps_case(text):
        folded = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
        assert key(text) == " ".join(folded.split())


@given(st.text(alphabet="aBc Z1 _.-:(\"'=/,!", max_size=40))
def test_the_sifted_ascii_path_keeps_case_where_the_reference_does(text):
    # Names and marks abound here, so the sifting of chunks in the ASCII path is exercised.
    assert key(text) == unicode_key(text)


def test_case_stays_in_technical_chunks_only():
    assert key("Use -I or HTTP_PROXY, Then Stop.") == "use -I or HTTP_PROXY, then stop."
    assert key("USE -I OR HTTP_PROXY") == "use -i or http_proxy"  # capitals throughout
    assert key("Ünïcode Text: see libXft.so.2 Now") == "ünïcode text: see libXft.so.2 now"


def _plain_unicode_key(text):
    """The key read chunk by chunk, with nothing sifted: the reference of unicode_key."""
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD)
    if folded.upper() == folded:
        return " ".join(folded.casefold().split())
    chunks = folded.split()
    return " ".join(c if c.casefold() != c and is_technical(c) else c.casefold() for c in chunks)


@given(st.text(alphabet="aBéÉßẞ İ1 _.-:(\"'=/,!Ω\u00a0\u2028ﬁ", max_size=40))
def test_the_sifted_unicode_path_is_the_plain_reading(text):
    assert unicode_key(text) == _plain_unicode_key(text)


def test_a_paragraph_too_long_to_normalize_is_keyed_by_its_exact_text():
    from dedup.options import MAX_FUZZY_CHARS
    from dedup.text.normalize import LONGEST_KEYED_CHARS

    assert LONGEST_KEYED_CHARS > MAX_FUZZY_CHARS  # its key is then matched exactly only
    long = "word " * (LONGEST_KEYED_CHARS // 5 + 1)
    assert key(long) == key(long[:-1] + " ")  # the same text, built again
    assert len(key(long)) > LONGEST_KEYED_CHARS
    assert key(long) != key(long.upper())  # no folding: both copies are kept
    assert key(long) != key(long + "x")
    assert key(long[:LONGEST_KEYED_CHARS]) == " ".join(long[:LONGEST_KEYED_CHARS].split())


@pytest.mark.parametrize("end", [b"", b"\n", b"\r\n", b"\r"])
def test_a_paragraph_too_long_to_decode_is_keyed_from_its_bytes_as_from_its_text(end):
    from dedup.text.normalize import LONGEST_KEYED_CHARS, key_of_bytes

    raw = b"caf\xc3\xa9 \xff odd " * (4 * LONGEST_KEYED_CHARS // 12 + 1) + end
    assert len(raw) > 4 * LONGEST_KEYED_CHARS  # keyed without decoding
    assert key_of_bytes(raw) == key(raw.decode("utf-8", "surrogateescape"))
    assert key_of_bytes(raw) == key_of_bytes(raw.rstrip(b"\r\n"))  # a last line, or not
    assert key_of_bytes(raw) != key_of_bytes(raw.replace(b"\xff", b"\xfe"))
    short = raw[: 2 * LONGEST_KEYED_CHARS]  # beyond the bound in characters, decoded
    assert key_of_bytes(short) == key(short.decode("utf-8", "surrogateescape"))
