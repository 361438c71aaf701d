"""Build ``spelling.jsonl``: real spelling corrections, planted typos and real-word look-alikes.

Run from the repository root with the three public repositories it reads already on disk as
git directories (the commits below are the ones the committed set was made from):

    python tests/judgement/build_spelling.py SAGE_GIT PYCORRECTOR_GIT CODESPELL_GIT

Sources (none written here; licences in ``README.md``):

- ai-forever/sage ``data/example_data/bea60k/subsample`` (English learners' sentences and
  their annotators' corrections) and ``data/sanity_check_samples`` (Russian posts and their
  corrections): ``real-correction``, label "copy".
- shibing624/pycorrector ``examples/data/sighan_2015/test.json`` (SIGHAN 2015 Chinese
  learners' sentences with character errors, and their corrections): ``real-correction``.
- codespell-project/codespell ``codespell_lib/data/dictionary_rare.txt`` (real words that are
  often typos of a look-alike: ``form->from``): planted in place of their look-alike in a real
  sentence of the sets above: ``rare-word-look-alike``, label "different" (the sentence now
  says another word; when in doubt, keep).
- ``planted-typo``, label "copy": one random edit (a letter added, dropped, changed, or two
  swapped; any position) in one word of 3+ letters of a real sentence, in every language of
  ``pairs.jsonl`` (its ``a`` sides) and the sources above.

Like ``build.py`` this file knows nothing of how dedup judges a pair (it never imports
dedup's rule); it keeps a pair only when both lines have 20+ characters and their keys score
at least 90, as ``build.py`` does. One case in three (by a hash of its text) is ``held-out``:
the rule's constants were not tuned on it, and its rates are reported apart.
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
from pathlib import Path

from rapidfuzz import fuzz

from dedup.text.normalize import key

HERE = Path(__file__).parent
SEED = 14
THRESHOLD = 90
PER_SOURCE = 300
LOOK_ALIKES = 200
TYPOS_PER_LANGUAGE = 40
SAGE = "ai-forever/sage@9a6cd01bc44c152adef8880af7e75fbc9a344664"
PYCORRECTOR = "shibing624/pycorrector@fc8aa56c336276fbd8cdd3a49eef505dc67b8a6e"
CODESPELL = "codespell-project/codespell@b69d26d50765ba513dbd009fce882d4de338037c"


def show(git_dir: str, path: str) -> str:
    out = subprocess.run(
        ["git", "--git-dir", git_dir, "show", f"HEAD:{path}"], check=True, capture_output=True
    )
    return out.stdout.decode("utf-8")


def usable(a: str, b: str) -> bool:
    return (
        a != b
        and min(len(a), len(b)) >= 20
        and "\n" not in a + b
        and fuzz.ratio(key(a), key(b)) >= THRESHOLD
    )


def split_of(a: str, b: str) -> str:
    digest = hashlib.blake2b(f"{a}\x1f{b}".encode(), digest_size=4).digest()
    return "held-out" if digest[0] % 3 == 0 else "tune"


def case(a: str, b: str, label: str, category: str, lang: str, source: str) -> dict:
    return {"a": a, "b": b, "label": label, "category": category, "lang": lang,
            "source": source, "split": split_of(a, b)}  # fmt: skip


def corrections(sage: str, pycorrector: str, rng: random.Random) -> list[dict]:
    found: list[dict] = []
    en_src = "data/example_data/bea60k/subsample/"
    ru_src = "data/sanity_check_samples/"
    for lang, source, wrong_path, right_path in (
        ("en", f"{SAGE}:{en_src}", en_src + "sources.txt", en_src + "corrections.txt"),
        ("ru", f"{SAGE}:{ru_src}", ru_src + "source_sents.txt", ru_src + "corrected_sents.txt"),
    ):
        wrong = show(sage, wrong_path).splitlines()
        right = show(sage, right_path).splitlines()
        pairs = [(w, r) for w, r in zip(wrong, right, strict=True) if usable(w, r)]
        rng.shuffle(pairs)
        found += [
            case(w, r, "copy", "real-correction", lang, source) for w, r in pairs[:PER_SOURCE]
        ]
    zh = json.loads(show(pycorrector, "examples/data/sighan_2015/test.json"))
    pairs = [(x["original_text"], x["correct_text"]) for x in zh if x["wrong_ids"]]
    pairs = [(w, r) for w, r in pairs if usable(w, r)]
    rng.shuffle(pairs)
    source = f"{PYCORRECTOR}:examples/data/sighan_2015/test.json"
    found += [case(w, r, "copy", "real-correction", "zh", source) for w, r in pairs[:PER_SOURCE]]
    return found


def look_alikes(codespell: str, sentences: list[str], rng: random.Random) -> list[dict]:
    """A real word put in place of the look-alike it is often typed for (``from`` -> ``form``)."""
    rare: dict[str, str] = {}
    for line in show(codespell, "codespell_lib/data/dictionary_rare.txt").splitlines():
        word, _, fixes = line.partition("->")
        options = [f.strip() for f in fixes.split(",") if f.strip()]
        if word.isalpha() and len(options) == 1 and options[0].isalpha():
            rare.setdefault(options[0], word)  # the intended word -> the real word typed
    found: list[dict] = []
    order = sentences[:]
    rng.shuffle(order)
    for sentence in order:
        words = sentence.split(" ")
        spots = [i for i, w in enumerate(words) if w in rare]
        if not spots:
            continue
        i = rng.choice(spots)
        changed = " ".join([*words[:i], rare[words[i]], *words[i + 1 :]])
        if usable(sentence, changed):
            source = f"{CODESPELL}:codespell_lib/data/dictionary_rare.txt ({words[i]} -> {rare[words[i]]})"
            found.append(case(sentence, changed, "different", "rare-word-look-alike", "en", source))
        if len(found) >= LOOK_ALIKES:
            break
    return found


def typo(word: str, rng: random.Random) -> str:
    letters = sorted(set(word.lower())) or ["e"]
    at = rng.randrange(len(word))
    kind = rng.choice(["add", "drop", "change", "swap"])
    if kind == "add":
        return word[:at] + rng.choice(letters) + word[at:]
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    if kind == "swap" and at + 1 < len(word) and word[at] != word[at + 1]:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    others = [c for c in letters if c != word[at].lower()] or ["x"]
    return word[:at] + rng.choice(others) + word[at + 1 :]


def planted(by_language: dict[str, list[tuple[str, str]]], rng: random.Random) -> list[dict]:
    found: list[dict] = []
    for lang in sorted(by_language):
        chosen = 0
        items = by_language[lang][:]
        rng.shuffle(items)
        for sentence, source in items:
            if lang == "zh":
                spots = [i for i, c in enumerate(sentence) if "\u4e00" <= c <= "\u9fff"]
                if not spots:
                    continue
                i = rng.choice(spots)
                other = chr(rng.randrange(0x4E00, 0x9FA5))
                changed = sentence[:i] + other + sentence[i + 1 :]
            else:
                words = sentence.split(" ")
                spots = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 3]
                if not spots:
                    continue
                i = rng.choice(spots)
                changed = " ".join([*words[:i], typo(words[i], rng), *words[i + 1 :]])
            if usable(sentence, changed):
                found.append(case(sentence, changed, "copy", "planted-typo", lang, source))
                chosen += 1
            if chosen >= TYPOS_PER_LANGUAGE:
                break
    return found


def main() -> None:
    sage, pycorrector, codespell = sys.argv[1:4]
    rng = random.Random(SEED)
    cases = corrections(sage, pycorrector, rng)
    english = [c["b"] for c in cases if c["lang"] == "en"]
    cases += look_alikes(codespell, english, rng)
    by_language: dict[str, list[tuple[str, str]]] = {}
    for c in cases:
        if c["category"] == "real-correction":
            by_language.setdefault(c["lang"], []).append((c["b"], c["source"]))
    for line in (HERE / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        if c["lang"] != "zxx" and c["label"] == "different":
            by_language.setdefault(c["lang"], []).append((c["a"], c["source"]))
    cases += planted(by_language, rng)
    with (HERE / "spelling.jsonl").open("w", encoding="utf-8") as out:
        for c in cases:
            out.write(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n")
    sys.stderr.write(f"{len(cases)} cases\n")


if __name__ == "__main__":
    main()
