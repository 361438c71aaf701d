import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from dedup.text.normalize import _FOLD, key


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
