"""The word lists: which language a text is in, and how common a word is there."""

import subprocess
import sys

import pytest

from dedup.match.lexicon import Lexicon, fold, script


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("the quick brown fox jumps over the lazy dog", "en"),
        ("der schnelle braune fuchs springt über den faulen hund", "de"),
        ("le renard brun saute par dessus le chien paresseux", "fr"),
        ("este es un perro muy bonito y grande", "es"),
        ("anjing itu tidak makan nasi hari ini", "id"),
        ("быстрая коричневая лиса прыгает через ленивую собаку", "ru"),
        ("我们昨天去学校", "zh"),
        ("わたしは学校に行きます", "ja"),
    ],
)
def test_the_language_comes_from_the_words(text, language):
    words = [fold(w) for w in text.split()] if " " in text else list(text)
    assert Lexicon().language(words) == language


def test_no_script_no_language():
    assert Lexicon().language(["123", "--"]) is None
    assert script("1234") is None


def test_common_words_are_common_and_misspellings_rare():
    lexicon = Lexicon()
    assert lexicon.zipf("the", "en") > 7 > lexicon.zipf("which", "en") > 5
    assert lexicon.zipf("whihc", "en") == 0 == lexicon.rare_zipf("whihc", "en")
    assert 0 < lexicon.rare_zipf("recieve", "en") < 3 < lexicon.zipf("receive", "en")


def test_words_are_folded_as_the_keys_fold_them():
    assert fold("Résumé") == "resume"
    assert fold("don't") == fold("don\u2019t") == "dont"
    assert Lexicon().zipf("fur", "de") > 6  # für


def test_importing_the_lexicon_reads_no_list():
    code = "import sys, dedup.match.lexicon; assert 'wordfreq' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
