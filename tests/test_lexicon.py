"""The word lists: which language a text is in, and how common a word is there."""

import subprocess
import sys

import pytest

from dedup.match.copies import Opening
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


# The language of a document is read once, from its opening, not from each compared pair.

PROSE = (
    "This module provides the functions that read a configuration file and return the "
    "values it holds, with the defaults filled in for every key that the file leaves out."
)
JARGON = "d key data store data at existing key data d key delete data stoed at key raises"


def test_a_pair_of_jargon_is_read_in_the_language_of_its_document():
    words = [*JARGON.split(), "keyerror", "if", "no", "sb", "se", "sequence", "dont"]
    assert Lexicon().language(words) != "en"  # alone, its few words look like another language
    opening = Opening()
    for key in (PROSE, JARGON):
        opening.add(key)
    assert opening.language(words) == "en"


def test_a_pair_in_another_script_is_read_in_its_own():
    opening = Opening()
    opening.add(PROSE)
    russian = ["результаты", "опроса", "были", "опубликованы", "прошлой", "весной"]
    assert opening.language(russian) == "ru"
    opening.clear()
    assert opening.language(JARGON.split()) != "en"  # a new document: nothing read yet


def test_an_english_document_loads_only_the_english_lists():
    """The cost of issue 14's rule: one language's lists, not every candidate's."""
    prose = " ".join([PROSE] * 3)
    code = (
        "from dedup import clean\n"
        "from dedup.match.lexicon import lexicon\n"
        f"text = {prose!r} + '\\n\\n' + {prose!r}.replace('values', 'valeus') + '\\n'\n"
        "assert len(clean(text.encode()).removed) == 1\n"
        "assert set(lexicon()._small) <= {'en'}, sorted(lexicon()._small)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
