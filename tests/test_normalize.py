from dedup.normalize import key


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
