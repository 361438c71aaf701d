"""The copy-vs-statement rule on the pairs issue 11 names, and on its edges."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import copies
from dedup.copies import Level, compare, features, fingerprint
from dedup.normalize import key


def judge(a: str, b: str) -> Level:
    ka, kb = key(a), key(b)
    return compare(ka, kb, features(ka), features(kb), threshold=90).level


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "The defendant was found guilty on all counts.",
            "The defendant was found not guilty on all counts.",
        ),
        (
            "Set the flag to true to enable the cache for all users.",
            "Set the flag to false to enable the cache for all users.",
        ),
        (
            "We sailed along the northern coast for three long days.",
            "We sailed along the southern coast for three long days.",
        ),
        (
            "string1 < string2  True if string1 sorts before string2.",
            "string1 > string2  True if string1 sorts before string2.",
        ),
        (
            "command1 && command2  runs command2 only if command1 succeeds",
            "command1 || command2  runs command2 only if command1 succeeds",
        ),
        (
            "${parameter#word}  Remove matching prefix pattern here.",
            "${parameter%word}  Remove matching prefix pattern here.",
        ),
        (
            "-uid n  File's numeric user ID is less than n.",
            "-gid n  File's numeric user ID is less than n.",
        ),
        (
            "http_proxy  Sets the proxy server to use for HTTP.",
            "https_proxy  Sets the proxy server to use for HTTP.",
        ),
        (
            "debianutils (5.0.1-1) unstable; urgency=medium",
            "debianutils (5.1-1) unstable; urgency=medium",
        ),
        (
            "mesa (22.2.3-1) experimental; urgency=medium",
            "mesa (22.3.2-1) experimental; urgency=medium",
        ),
        (
            "Files: libs/coroutine/* Copyright: 2008 Oliver Kowalke",
            "Files: libs/coroutine2/* Copyright: 2008 Oliver Kowalke",
        ),
        (
            "| Arsenal | 12 | 3 | 38 points this season |",
            "| Arsenal | 3 | 12 | 38 points this season |",
        ),
        (
            "Passwords need at least 8 characters, one digit and a symbol.",
            "Passwords need at least 12 characters, one digit and a symbol.",
        ),
        (
            "The weekly meeting is on Monday in the main office.",
            "The weekly meeting is on Tuesday in the main office.",
        ),
        (
            "Wyjście jest szersze niż 80 znaków w linii terminala.",
            "Wejście jest szersze niż 80 znaków w linii terminala.",
        ),
        (
            "Si existe el enlace {dir}/vmlinuz, se actualiza ahora.",
            "Si existe el enlace {dir}/vmlinuz-, se actualiza ahora.",
        ),
        (
            "Das Programm ist nicht für den Einsatz in Produktion gedacht.",
            "Das Programm ist für den Einsatz in Produktion gedacht.",
        ),
        (
            "Layanan ini tidak tersedia untuk pengguna di luar negeri.",
            "Layanan ini tersedia untuk pengguna di luar negeri.",
        ),
    ],
)
def test_different_statements_are_never_copies(a, b):
    assert judge(a, b) is Level.DIFFERENT
    assert judge(b, a) is Level.DIFFERENT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "“Hello there,” she said, and walked into the café.",
            '"Hello there" she said, and walked into the cafe.',
        ),
        (
            "The quick brown fox jumps over the lazy dog today.",
            "The quick brwon fox jumps over the lazy dog today!",
        ),
        (
            "The government announced new measures on Friday.",
            "The goverment announced new measures on Friday.",
        ),
        (
            "The colour of the sky changes at dusk over the sea.",
            "The color of the sky changes at dusk over the sea.",
        ),
        (
            "We will organise a meeting with every team next week.",
            "We will organize a meeting with every team next week.",
        ),
        (
            "This is the final version of the shared document.",
            "This is the the final version of the shared document.",
        ),
        (
            "The council approved the harbour budget on Monday evening after a long debate.",
            "The council approved the harbour budget on Monday evening after a long…",
        ),
    ],
)
def test_copy_noise_makes_a_copy(a, b):
    assert judge(a, b) is Level.COPY


def test_one_word_more_is_a_copy_only_in_a_passage_and_two_are_a_rewrite():
    a = "Permission is granted to anyone to use this software for any purpose at all."
    assert judge(a, a.replace("for any", "for any other")) is Level.PASSAGE
    two = a.replace("to use this software", "to use and copy this software")
    assert judge(a, two) is Level.DIFFERENT
    assert judge(a, a.replace("granted", "not granted")) is Level.DIFFERENT


def test_letter_substitutions_and_short_words_are_not_typos():
    assert (
        judge(
            "The horse ran across the field very fast today.",
            "The house ran across the field very fast today.",
        )
        is Level.DIFFERENT
    )
    assert (
        judge(
            "Take the data from the source directory now.",
            "Take the data form the source directory now.",
        )
        is Level.DIFFERENT
    )


def test_the_fingerprint_is_equal_for_copies_and_differs_for_statements():
    a, b, c = (
        key(t)
        for t in (
            "Version 5.0.1, built today!",
            "version 5.0.1 built today",
            "Version 5.1, built today",
        )
    )
    assert features(a).fingerprint == features(b).fingerprint != features(c).fingerprint


def _plain_features(key_text: str) -> tuple[list[str], list[str], list[str]]:
    """The reading of features() chunk by chunk, with nothing skipped: its fast paths'
    reference."""
    import re

    from dedup import copies

    text = copies._fold_accents(copies._APOSTROPHE.get().sub("", key_text))
    words, numbers, symbols = [], [], []
    for chunk in text.split(" "):
        identifier = bool(
            copies._IDENTIFIER.get().search(chunk) and copies._LETTER.get().search(chunk)
        )
        for number, ideograph, word in copies._TOKEN.get().findall(chunk):
            if number:
                numbers.append(number)
            else:
                words.append(("\0" if identifier else "") + (ideograph or word))
        if identifier:
            symbols += re.findall(r"[^\w\s]", chunk.strip(copies._EDGE_PUNCTUATION))
        else:
            symbols += [
                "-" if s[0] == "-" else s
                for s in re.findall(r"[<>&|#%+=*/\\~^$@{}\[\]]|(?<![\w-])-+(?=\w)", chunk)
            ]
    return words, numbers, symbols


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab é1 2_-./:=<>&|#%'{}()[],x文", max_size=40))
def test_features_reads_as_the_plain_chunk_by_chunk_reading(text):
    found = features(" ".join(text.split()))
    assert (list(found.words), list(found.numbers), list(found.symbols)) == _plain_features(
        " ".join(text.split())
    )


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ab é1 2_-./:=<>&|#%'{}x", max_size=30),
    st.sampled_from([" not", " 7", " <", ".", "", " the", "x", " -v"]),
    st.integers(0, 30),
)
def test_a_copy_always_has_the_fingerprint_of_its_original(base, edit, at):
    a = " ".join(("words enough for a key " + base).split())
    b = " ".join((a[:at] + edit + a[at:]).split())
    verdict = compare(a, b, features(a), features(b), threshold=0)
    if verdict.level is not Level.DIFFERENT and "truncat" not in verdict.reason:
        assert fingerprint(a) == fingerprint(b)


def _regex_fingerprint(key):
    """The fingerprint as the regular expressions read it: the reference of the ASCII path."""
    from hashlib import blake2b

    text = copies._APOSTROPHE.get().sub("", key) if "'" in key else key
    text = copies._fold_accents(text)
    negations = copies.NEGATIONS.intersection(copies._WORD.get().findall(text))
    parts = [
        " ".join(copies._NUMBER.get().findall(text)),
        "".join(copies._OPERATOR.get().findall(text)),
        " ".join(sorted(negations)),
    ]
    digest = blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=4)
    return int.from_bytes(digest.digest(), "little")


ASCII_KEYS = st.text(
    alphabet=st.sampled_from([*"abcnotvr 0123456789'_-.,:;<>&|#%+=*/\\~^$@{}[]()!?\"`\t"]),
    max_size=60,
) | st.sampled_from(["do not 5 never", "cannot-be 3.2", "it isn't 7 < 8", "a1not b_no"])


@given(ASCII_KEYS)
def test_ascii_fingerprint_equals_the_regular_expressions(key):
    assert copies.fingerprint(key) == _regex_fingerprint(key)


@given(ASCII_KEYS)
def test_ascii_prose_features_equal_the_regular_expressions(key):
    found = copies.features(key)
    text = copies._APOSTROPHE.get().sub("", key) if "'" in key else key
    if not copies._may_hold_names(text):
        assert found.words == tuple(copies._WORD.get().findall(text))
        assert found.numbers == tuple(copies._NUMBER.get().findall(text))
