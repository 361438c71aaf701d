"""The copy-vs-statement rule on the pairs issue 11 names, and on its edges."""

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.match import copies
from dedup.match.copies import (
    CJK_NUMERALS,
    NEGATIONS,
    Level,
    Verdict,
    compare,
    features,
    fingerprint,
)
from dedup.text.normalize import is_technical, key, may_hold_technical


def judge(a: str, b: str) -> Level:
    return judge_verdict(a, b).level


def judge_verdict(a: str, b: str) -> Verdict:
    ka, kb = key(a), key(b)
    return compare(ka, kb, features(ka), features(kb), threshold=90)


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
    assert judge(a, a.replace("to use", "to also use")) is Level.PASSAGE
    # "other" narrows what is granted: only words that cannot change the statement pass.
    assert judge(a, a.replace("for any", "for any other")) is Level.DIFFERENT
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

    from dedup.match import copies

    text = copies._fold_accents(copies._APOSTROPHE.get().sub("", key_text))
    words, numbers, symbols = [], [], []
    chunks = text.split(" ")
    named = [is_technical(c) for c in chunks]
    beside_names = any(named)
    # A lone -, . or .. that a command reads: after an option or a lone mark, before a name
    # or a lone mark, or (a -) at the end. A lone mark: -, ., .., or shell marks (|, 2>&1).
    lone = [c in ("-", ".", "..") or re.fullmatch(r"[|<>&\d]*[|<>&][|<>&\d]*", c) for c in chunks]
    arguments = {
        i
        for i, c in enumerate(chunks)
        if c in ("-", ".", "..")
        and (
            (c == "-" and i == len(chunks) - 1)
            or (i > 0 and (lone[i - 1] or (named[i - 1] and chunks[i - 1].startswith("-"))))
            or (i + 1 < len(chunks) and (lone[i + 1] or named[i + 1]))
        )
    }
    for at, chunk in enumerate(chunks):
        marks_only = bool(chunk.strip(".,;:!?\"'")) and not re.search(r"\w", chunk)
        marks_only = marks_only and chunk not in ("-", ".", "..")  # left to the argument rule
        if named[at] or (beside_names and marks_only) or at in arguments:
            numbers += re.findall(r"\d+", chunk)
            word = re.sub(r"(?<=[^.,!?])[.,!?]$", "", chunk)
            bracketed = re.fullmatch(r"([(\[]*)(.*?)([)\]]*)", word, re.DOTALL)
            assert bracketed is not None
            opening, inner, closing = bracketed.groups()
            if inner[:1] in ('"', "'"):
                word = opening + (inner.strip("\"'") or inner) + closing
            words.append("\0" + word)
            symbols += re.findall(r"[^\w\s]", chunk.strip(copies._EDGE_PUNCTUATION))
            continue
        for number, ideograph, word in re.findall(
            rf"(\d+)|([{copies._CJK}])|([^\W\d_{copies._CJK}]+)", chunk
        ):
            if number:
                numbers.append(number)
            else:
                words.append(ideograph or word)
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


# Issue 14: the language decides whether a changed word is a misspelling.


@pytest.mark.parametrize(
    ("sentence", "wrong", "right"),
    [
        ("I will tell you which of the two roads leads to the old harbour town.", "whihc", "which"),
        (
            "Please let us know when you receive the parcel at your new address.",
            "recieve",
            "receive",
        ),
        ("We walked along the river to the station in the early morning light.", "teh", "the"),
        ("We heard that they published the results of the survey last spring.", "tehy", "they"),
        (
            "Die Ergebnisse der Umfrage wurden im letzten Frühjahr veröffentlicht.",
            "Ergebnise",
            "Ergebnisse",
        ),
        (
            "Les résultats de l'enquête ont été publiés au printemps dernier, comme prévu.",
            "résultas",
            "résultats",
        ),
        (
            "Результаты опроса были опубликованы прошлой весной в городской газете.",
            "Резултаты",
            "Результаты",
        ),
    ],
)
def test_a_word_the_language_does_not_know_is_a_misspelling(sentence, wrong, right):
    verdict = judge_verdict(sentence, sentence.replace(right, wrong, 1))
    assert verdict.level is Level.COPY, verdict.reason
    assert "misspelling" in verdict.reason


@pytest.mark.parametrize(
    ("x", "y"),
    [("martial", "marital"), ("trial", "trail"), ("form", "from"), ("desert", "dessert"),
     ("statute", "statue"), ("causal", "casual")],
)  # fmt: skip
def test_two_real_words_are_a_word_replaced(x, y):
    a = f"The report on the {x} question was read out to the committee on Friday afternoon."
    verdict = judge_verdict(a, a.replace(x, y))
    assert verdict.level is Level.DIFFERENT
    assert verdict.reason == f"two real words: {x} / {y}"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("We spent the whole weekend at the lake house with all of our old friends.",
         "We spent the whole week-end at the lake house with all of our old friends."),
        ("Вчера вечером в нашем городе небыло никаких новостей о погоде и дорогах.",
         "Вчера вечером в нашем городе не было никаких новостей о погоде и дорогах."),
    ],
)  # fmt: skip
def test_a_word_joined_or_split_is_spelling(a, b):
    assert judge(a, b) is Level.COPY


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("You should climb the ladder slowly and keep both hands on the rails.",
         "You should climb down the ladder slowly and keep both hands on the rails."),
        ("He took his dogs out to the park behind the old school every morning.",
         "He took his three dogs out to the park behind the old school every morning."),
        ("He took his dogs out to the park behind the old school every morning.",
         "He took all his dogs out to the park behind the old school every morning."),
    ],
)  # fmt: skip
def test_a_word_that_can_change_the_statement_is_never_passage_noise(a, b):
    assert judge(a, b) is Level.DIFFERENT


def test_chinese_a_character_that_makes_no_word_is_a_misspelling():
    a = "下个星期，我跟我朋友打算去法国玩儿，然后再去意大利看看。"
    verdict = judge_verdict(a, a.replace("朋友", "朋唷"))
    assert verdict.level is Level.COPY, verdict.reason


def test_chinese_negations_numerals_and_real_words_are_never_misspellings():
    a = "下个星期，我跟我朋友打算去北京玩儿，然后再去上海看看。"
    assert judge(a, a.replace("北京", "南京")) is Level.DIFFERENT
    b = "我们昨天不去学校，因为老师说今天下午有三个重要的会议要开。"
    assert judge(b, b.replace("不", "没")) is Level.DIFFERENT
    assert judge(b, b.replace("三", "五")) is Level.DIFFERENT


def test_the_word_lists_load_only_when_a_verdict_turns_on_a_changed_word():
    code = (
        "import sys, dedup\n"
        "from dedup import clean\n"
        "from dedup.match.lexicon import lexicon\n"
        "clean(b'one paragraph here, long enough.\\n\\none paragraph here, long enough!\\n')\n"
        "assert not lexicon()._small, 'loaded for punctuation only'\n"
        "clean(b'one paragraph here, long enough.\\n\\none paragrahp here, long enough.\\n')\n"
        "assert 'en' in lexicon()._small\n"
        # The lists are read as data: wordfreq's tokenizer stack (ftfy, langcodes, regex: ~90 ms)
        # never loads for a verdict.
        "assert 'wordfreq' not in sys.modules and 'ftfy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("我们使用Python编写了这个程序，然后在服务器上运行了很长时间。",
         "我们使用 Python 编写了这个程序，然后在服务器上运行了很长时间。"),
        ("我们使用Ｐｙｔｈｏｎ编写了这个程序，然后在服务器上运行了很长时间。",
         "我们使用Python编写了这个程序，然后在服务器上运行了很长时间。"),
        ("Вот это было оооочень долгое путешествие по всей нашей большой стране.",
         "Вот это было очень долгое путешествие по всей нашей большой стране."),
    ],
)  # fmt: skip
def test_spacing_full_width_and_drawn_out_letters_are_noise(a, b):
    assert judge(a, b) is Level.COPY


SENTENCES = [
    "The committee approved the new budget for the harbour after a long debate.",
    "Der Ausschuss hat den neuen Haushalt für den Hafen nach langer Debatte gebilligt.",
    "Le comité a approuvé le nouveau budget du port après un long débat au conseil.",
    "我们昨天去学校，因为老师说今天下午有重要的会议要开，大家都要参加。",
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SENTENCES), st.sampled_from(sorted(NEGATIONS)), st.integers(0, 200))
def test_an_added_negation_is_never_a_copy(sentence, negation, at):
    """Property: whatever the language, place, or the rule that reads the other words."""
    if " " in sentence:  # a language written with spaces: insert between words
        words = sentence.split(" ")
        cut = at % (len(words) + 1)
        changed = " ".join([*words[:cut], negation, *words[cut:]])
    else:
        cut = at % (len(sentence) + 1)
        changed = sentence[:cut] + negation + sentence[cut:]
    assert judge(sentence, changed) is Level.DIFFERENT


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(CJK_NUMERALS)), st.sampled_from(sorted(CJK_NUMERALS)))
def test_a_changed_chinese_numeral_is_never_a_copy(x, y):
    sentence = "我们在会议上讨论了{}个重要的问题，然后大家一起去吃了晚饭。"
    if x != y:
        assert judge(sentence.format(x), sentence.format(y)) is Level.DIFFERENT


@pytest.mark.parametrize(
    ("a", "b", "removed"),
    [
        ("Вчера вечером в нашем городе небыло никаких новостей о погоде и дорогах.",
         "Вчера вечером в нашем городе не было никаких новостей о погоде и дорогах.", 1),
        ("Вчера вечером в нашем городе было много новостей о погоде и дорогах.",
         "Вчера вечером в нашем городе не было много новостей о погоде и дорогах.", 0),
        ("You cannot change the settings of this account after it has been created.",
         "You can not change the settings of this account after it has been created.", 1),
    ],
)  # fmt: skip
def test_a_glued_negation_meets_its_spaced_copy_and_an_added_one_stays(a, b, removed):
    """End to end: the fingerprint must let the pair meet for the rule to judge it."""
    from dedup import clean

    assert len(clean(f"{a}\n\n{b}\n".encode()).removed) == removed


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("tzdata (2023b-1) unstable; urgency=medium", "tzdata (2023a-1) unstable; urgency=medium"),
        ("(ALPHA) Delete a workload identity pool provider.",
         "(ALPHA) Undelete a workload identity pool provider."),
    ],
)  # fmt: skip
def test_real_removals_the_spelling_rule_must_not_make(a, b):
    """Found by benchmarks/false_removals.py on this machine's changelogs and man pages."""
    assert judge(a, b) is Level.DIFFERENT


def _regex_fingerprint(key):
    """The fingerprint as the regular expressions read it: the reference of the ASCII path."""
    from hashlib import blake2b

    text = copies._APOSTROPHE.get().sub("", key) if "'" in key else key
    text = copies._fold_accents(text)
    found = copies.NEGATIONS.intersection(copies._WORD.get().findall(text))
    negations = {copies._SAME_NEGATION.get(w, w) for w in found} - copies.GLUED_NEGATIONS
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
    if not may_hold_technical(text) and not copies._may_hold_arguments(text):
        assert found.words == tuple(copies._WORD.get().findall(text))
        assert found.numbers == tuple(copies._NUMBER.get().findall(text))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # A stem the language does not know, or a first letter doubled: a key lost or pressed twice.
        ("Basketball and swimming are the two activities I have chosen this year.",
         "asketball and swimming are the two activities I have chosen this year."),
        ("Die Architektur der Baumaschine wurde im letzten Jahr vollständig erneuert.",
         "Ddie Architektur der Baumaschine wurde im letzten Jahr vollständig erneuert."),
        # One edit more than the length allows, to a token that no list has at all.
        ("Pat got very angry and sad when she heard the news from her old school.",
         "Pat got very angree and sad when she heard the news from her old school."),
        # A long compound no list has, one letter apart.
        ("De shell van de nieuwe systeemgebruiker wordt ingesteld op de standaardwaarde.",
         "De shell van de nieuwe srsteemgebruiker wordt ingesteld op de standaardwaarde."),
        # A learner's homophone in Chinese that makes no word: 污然 for 污染.
        ("环境污染的问题越来越严重，我们希望工厂早一点处理这件事情。",
         "环境污然的问题越来越严重，我们希望工厂早一点处理这件事情。"),
    ],
)  # fmt: skip
def test_misspellings_the_language_does_not_know_are_noise(a, b):
    verdict = judge_verdict(a, b)
    assert verdict.level is Level.COPY, verdict.reason
    assert "misspelling" in verdict.reason


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("We had to delete the old files before the new release of the program.",
         "We had to undelete the old files before the new release of the program."),
        # Chinese: another reading of real words is another statement.
        ("上个星期我有陪她去医院看病，结果医生说她需要多休息一段时间。",
         "下个星期我有陪她去医院看病，结果医生说她需要多休息一段时间。"),
        ("现在社会的公司都要比较有名大学毕业的人，所以我们要努力念书。",
         "现在社会的公司都要比较有名小学毕业的人，所以我们要努力念书。"),
        ("过了一段时间，她说那个狗今天晚上死了，所以她一直哭个不停。",
         "过了一段时间，她说那个狗昨天晚上死了，所以她一直哭个不停。"),
        ("人类的一半就是女人，如果不好好利用她们的生产力，国家就很难进步。",
         "人类的一般就是女人，如果不好好利用她们的生产力，国家就很难进步。"),
    ],
)  # fmt: skip
def test_a_word_the_language_knows_on_both_sides_stays(a, b):
    assert judge(a, b) is Level.DIFFERENT
