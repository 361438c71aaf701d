import dataclasses

import pytest

import dedup
from dedup import Match, Options, clean, clean_bytes

TEXT = "A paragraph that repeats itself.\nSomething else entirely here.\nA paragraph that repeats itself!\n"


def test_public_names():
    assert set(dedup.__all__) >= {
        "clean",
        "clean_bytes",
        "Options",
        "Result",
        "Match",
        "DedupError",
    }


def test_clean_explains_every_removal():
    result = clean(TEXT)
    assert result.text == "A paragraph that repeats itself.\nSomething else entirely here.\n"
    assert result.removed == (Match(index=2, original=0, score=result.removed[0].score),)
    assert result.removed[0].score > 90
    assert result.paragraph_text(2) == "A paragraph that repeats itself!\n"
    assert result.changed


def test_bytes_in_bytes_out():
    assert clean(TEXT.encode()).data == clean_bytes(TEXT.encode()) == clean(TEXT).text.encode()


def test_options_are_frozen_and_validated():
    options = Options(threshold=95)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.threshold = 5  # type: ignore[misc]
    assert dataclasses.replace(options, min_chars=3).min_chars == 3
    with pytest.raises(ValueError, match="threshold"):
        Options(threshold=101)


def test_split_is_validated_like_threshold():
    # "paragraph" once quietly meant blocks: an unknown mode is refused, as the CLI refuses it.
    with pytest.raises(ValueError, match="split must be one of auto, line, block"):
        Options(split="paragraph")  # type: ignore[arg-type]


def test_exact_mode_is_decided_by_the_options():
    assert Options(threshold=100).exact
    assert not Options(threshold=99).exact


def test_same_input_same_result_in_any_order():
    first = clean(TEXT)
    clean("other text\nother text\n")
    assert clean(TEXT) == first


def test_diff_of_the_result():
    assert clean(TEXT).diff("t.txt").splitlines()[-1] == "-A paragraph that repeats itself!"


def test_paragraphs_too_long_for_fuzzy_work_are_listed_also_after_the_first_block_is_reread():
    long = "word " * 2100  # past MAX_FUZZY_CHARS
    text = f"{long}\nshort line here, long enough\n\n{long}\nshort line here, long enough\n"
    result = clean(text)
    assert result.text == f"{long}\nshort line here, long enough\n"
    assert [m.index for m in result.removed] == [2]
    assert result.exact_only == (0, 2)
    assert clean(text, Options(threshold=100)).exact_only == ()


def test_match_says_whether_it_is_exact_and_whether_its_original_is_earlier():
    exact, near = Match(3, 1, 100.0), Match(4, 1, 96.5)
    assert (exact.exact, near.exact) == (True, False)
    assert not exact.earlier
    assert repr(exact) == "Match(index=3, original=1, score=100.0)"
    assert repr(Match(0, 7, 100.0, earlier=True)) == (
        "Match(index=0, original=7, score=100.0, earlier=True)"
    )


def test_clean_documents_is_public():
    assert "clean_documents" in dedup.__all__
    results = list(dedup.clean_documents(["Same line in both documents.\n"] * 2, across=True))
    assert [r.text for r in results] == ["Same line in both documents.\n", ""]
    assert results[1].removed == (Match(0, 0, 100.0, earlier=True),)
