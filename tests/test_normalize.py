import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from dedup.normalize import _FOLD, key


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
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    assert key(text) == " ".join(folded.split())


def test_a_paragraph_too_long_to_normalize_is_keyed_by_its_exact_text():
    from dedup.matching import MAX_FUZZY_CHARS
    from dedup.normalize import LONGEST_KEYED_CHARS

    assert LONGEST_KEYED_CHARS > MAX_FUZZY_CHARS  # its key is then matched exactly only
    long = "word " * (LONGEST_KEYED_CHARS // 5 + 1)
    assert key(long) == key(long[:-1] + " ")  # the same text, built again
    assert len(key(long)) > LONGEST_KEYED_CHARS
    assert key(long) != key(long.upper())  # no folding: both copies are kept
    assert key(long) != key(long + "x")
    assert key(long[:LONGEST_KEYED_CHARS]) == " ".join(long[:LONGEST_KEYED_CHARS].split())
