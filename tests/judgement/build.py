"""Build the labelled judgement set (``pairs.jsonl``, ``passages.jsonl``) from text on this machine.

Run it from the repository root (``python tests/judgement/build.py``); it rewrites both files.
The set is committed because CI machines have other man pages and changelogs; this script is
the record of how it was made, and on the same machine it writes the same bytes (a seeded RNG,
sorted file lists, nothing read from the network).

Sources, all read from disk: man pages in several languages (``/usr/share/man``, rendered with
``man -l`` at a width wide enough that every paragraph is one line), Debian changelogs and
copyright files (``/usr/share/doc/*/``), the licences in ``/usr/share/common-licenses``, and
the docstrings of some Python standard-library modules.

Three kinds of cases:

- REAL near pairs: two lines of one real file that an author wrote as two different lines
  (consecutive changelog headers, two option descriptions of one man page, two ``Files:``
  lines of one copyright file, a line of one licence and its counterpart in another). They
  are labelled "different" unless their only difference is noise (see ``_noise_only``).
- EDITED pairs: a real sentence and a copy of it with one edit. The edit decides the label:
  a changed fact (number, version, word, negation, operator, identifier, path, name, table
  cells) is "different"; copy noise (punctuation, case, quotes, spacing, accents, a typo in a
  long word, a spelling variant, a doubled word, a truncation marker) is "copy".
- PASSAGES: three consecutive real sentences ``P1 a P3`` followed by ``P1 b P3``, where ``b``
  is ``a`` with one ordinary word added or dropped ("copy": the whole second passage goes)
  or with a changed number, negation or word ("different": ``b`` stays).

Every pair is kept only if its two comparison keys (``dedup.text.normalize.key``) score at least
the default threshold with ``rapidfuzz.fuzz.ratio``: a pair the threshold already separates
tests nothing about how a near repeat is judged. Both lines are at least 20 characters
(the default ``--min-chars``), copy pairs at least 40.

This file deliberately knows nothing about how dedup judges a pair; the labels come from the
edits and from the real files, never from running dedup.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import zip_longest
from pathlib import Path

from rapidfuzz import fuzz, process

from dedup.text.normalize import key

SEED = 11
THRESHOLD = 90  # dedup's DEFAULT_THRESHOLD when the set was built
HERE = Path(__file__).parent
CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "dedup-judgement-man-cache"

MAN_LANGS = ["de", "fr", "es", "it", "id", "nl", "pt", "pt_BR", "ru", "sv", "pl"]
# English pages that are always read: the issue's examples live in them.
MAN_EN_ALWAYS = ["bash", "find", "test", "expr", "curl", "dash", "mawk", "grep", "sed", "sort",
                 "tar", "ssh", "make", "git"]  # fmt: skip
MAN_EN_SAMPLE = {"1": 260, "5": 60, "7": 60, "8": 120}
PY_MODULES = ["json", "pathlib", "subprocess", "argparse", "logging", "csv", "datetime",
              "collections", "itertools", "functools", "os", "shutil", "tarfile", "zipfile",
              "email.message", "http.client", "urllib.request", "socket", "threading",
              "asyncio.tasks", "decimal", "fractions", "statistics", "random", "re", "string",
              "textwrap", "unittest.case", "sqlite3", "gzip", "heapq", "bisect", "typing",
              "dataclasses", "enum", "inspect", "pickle", "tempfile", "glob", "difflib"]  # fmt: skip

# ----------------------------------------------------------------------------- reading


def files(root: str, pattern: str, *, links: bool = False) -> list[str]:
    """Sorted paths under ``root`` matching ``pattern``; symlinks (aliases) left out unless asked."""
    return sorted(str(p) for p in Path(root).glob(pattern) if links or not p.is_symlink())


def render_man(path: str) -> str:
    """Return a man page as plain text, one paragraph per line (cached between runs)."""
    digest = hashlib.sha1(path.encode()).hexdigest()
    cached = CACHE / digest
    if cached.exists():
        return cached.read_text()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "MANWIDTH": "3000", "MAN_KEEP_FORMATTING": ""}
    man = subprocess.run(["man", "-l", path], capture_output=True, env=env, check=False, timeout=60)
    col = subprocess.run(
        ["col", "-bx"], input=man.stdout, capture_output=True, env=env, check=False
    )
    text = col.stdout.decode("utf-8", "replace")
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(text)
    return text


def man_lang(path: str) -> str:
    part = path.split("/")[4]
    return "en" if part.startswith("man") else part.split("_")[0]


def man_pages(rng: random.Random) -> list[str]:
    pages: list[str] = []
    for name in MAN_EN_ALWAYS:
        pages += files("/usr/share/man/man1", f"{name}.1*", links=True)
    for section, count in MAN_EN_SAMPLE.items():
        found = files(f"/usr/share/man/man{section}", "*.gz")
        pages += rng.sample(found, min(count, len(found)))
    for lang in MAN_LANGS:
        pages += files(f"/usr/share/man/{lang}", "man*/*.gz")
    return sorted(set(pages))


def man_lines(text: str) -> list[str]:
    """Paragraph lines of a rendered page: stripped, no headers, no tables."""
    lines = []
    for raw in text.splitlines()[1:-1]:
        line = raw.strip()
        if len(line) < 20 or "  " in line or "\t" in line or "\ufffd" in line:
            continue
        lines.append(line)
    return lines


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“„«(]?[A-ZÀ-ÖØ-ÞА-ЯЁ])")


def sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(paragraph) if s.strip()]


def is_prose(sentence: str, *, low: int = 40, high: int = 200) -> bool:
    if not low <= len(sentence) <= high or len(sentence.split()) < 6:
        return False
    if "Ã" in sentence or "â\u20ac" in sentence:  # UTF-8 read as Latin-1 in a few translations
        return False
    letters = sum(c.isalpha() for c in sentence)
    return letters >= 0.7 * len(sentence.replace(" ", ""))


STOP = {
    "en": "the and is are of to with for this that be not will if by",
    "de": "der die das und ist nicht mit von zu den ein eine wird werden für auf sie es dem",
    "fr": "le la les et est des une un du pour dans pas que par sur ce il",
    "es": "el la los las y es de que en por para un una se del con",
    "it": "il la di che è e per un una del della non con sono le i",
    "nl": "de het een en is van niet te dat die voor met wordt worden op",
    "pt": "o a os as de que é e do da para um uma não com em",
    "sv": "och att är en ett det som för på med inte av den till om kan",
    "pl": "i w na jest się z do nie że to jak o przez dla jeśli",
    "ru": "и в не на что с по для как это из если то",
    "id": "dan yang di ini untuk dengan tidak dari ke akan itu atau pada adalah",
}
STOP_WORDS = {lang: set(words.split()) for lang, words in STOP.items()}


def language(sentence: str, declared: str) -> str | None:
    """``declared`` if the sentence reads as that language, "en" if it reads as English, or None.

    Translated man pages keep some sentences in English; this keeps their labels honest.
    """
    tokens = re.findall(r"\w+", sentence.lower())
    own = sum(t in STOP_WORDS.get(declared, ()) for t in tokens)
    english = sum(t in STOP_WORDS["en"] for t in tokens)
    if declared == "ru":
        cyrillic = sum("\u0400" <= c <= "\u04ff" for c in sentence)
        return "ru" if cyrillic >= 0.5 * sum(c.isalpha() for c in sentence) else None
    if declared != "en" and own >= 2 and own > english:
        return declared
    return "en" if (english >= 2 and english > own) or (declared == "en" and english >= 1) else None


def distinct(texts: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(path, text) with each text once: the binary packages of one source share their files."""
    seen: set[str] = set()
    out = []
    for path, text in texts:
        if text not in seen:
            seen.add(text)
            out.append((path, text))
    return out


def changelog_texts() -> list[tuple[str, str]]:
    out = []
    for path in files("/usr/share/doc", "*/changelog.Debian.gz"):
        try:
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
                out.append((path, f.read()))
        except OSError:
            continue
    return distinct(out)


def copyright_texts() -> list[tuple[str, str]]:
    found = files("/usr/share/doc", "*/copyright")
    return distinct((p, Path(p).read_text(encoding="utf-8", errors="replace")) for p in found)


def licence_texts() -> list[tuple[str, str]]:
    out = []
    for path in files("/usr/share/common-licenses", "*"):
        out.append((path, Path(path).read_text(encoding="utf-8", errors="replace")))
    return out


def unwrap(text: str) -> list[str]:
    """Blank-line-separated blocks of a hard-wrapped text, each joined into one line."""
    blocks = re.split(r"\n\s*\n", text)
    return [" ".join(block.split()) for block in blocks if block.strip()]


def python_docs() -> list[tuple[str, str]]:
    """(file, paragraph) pairs from the docstrings of some standard-library modules."""
    import importlib
    import inspect
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)  # typing.io and friends, when read

    out = []
    for name in PY_MODULES:
        module = importlib.import_module(name)
        source = getattr(module, "__file__", None) or name
        docs = [inspect.getdoc(module) or ""]
        for attr in sorted(vars(module)):
            if attr.startswith("_"):
                continue
            obj = getattr(module, attr)
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            docs.append(inspect.getdoc(obj) or "")
            if inspect.isclass(obj):
                for meth in sorted(vars(obj)):
                    if not meth.startswith("_"):
                        docs.append(inspect.getdoc(getattr(obj, meth, None)) or "")
        for doc in docs:
            out += [(source, block) for block in unwrap(doc) if ">>>" not in block]
    return out


# ----------------------------------------------------------------------------- the corpus


class Corpus:
    """Every real text the cases are made of, read once."""

    def __init__(self, rng: random.Random) -> None:
        self.man: dict[str, list[str]] = {}  # path -> paragraph lines
        for path in man_pages(rng):
            lines = man_lines(render_man(path))
            if lines:
                self.man[path] = lines
        self.changelogs = changelog_texts()
        self.copyrights = copyright_texts()
        self.licences = licence_texts()
        self.python = python_docs()
        # (lang, source, [sentences of one paragraph]) for sentence-level edits
        self.paragraphs: list[tuple[str, str, list[str]]] = []
        for path, lines in self.man.items():
            for line in lines:
                self.paragraphs.append((man_lang(path), path, sentences(line)))
        for path, text in self.licences:
            for block in unwrap(text):
                self.paragraphs.append(("en", path, sentences(block)))
        for path, block in self.python:
            self.paragraphs.append(("en", path, sentences(block)))
        self.words: dict[str, list[str]] = {}  # source -> its distinct words (for replacements)
        for _, source, sents in self.paragraphs:
            self.words.setdefault(source, []).extend(
                w for s in sents for w in re.findall(r"[^\W\d_]{5,}", s)
            )
        for source in self.words:
            self.words[source] = sorted(set(self.words[source]))

    def sentences(self, *, low: int = 40, high: int = 200) -> list[tuple[str, str, str]]:
        """(lang, source, sentence) for every distinct prose sentence, in a fixed order."""
        seen: set[str] = set()
        out = []
        for lang, source, sents in self.paragraphs:
            for s in sents:
                if is_prose(s, low=low, high=high) and s not in seen:
                    seen.add(s)
                    found = language(s, lang)
                    if found:
                        out.append((found, source, s))
        return out


# ----------------------------------------------------------------------------- labelling help

PUNCT = re.compile(r"[.,;:!?'\"()\[\]{}“”‘’„«»…—–]")
MEANINGFUL = set("<>&|+-#%=*/~^$@\\")
STOPWORDS = {"the", "a", "an", "also", "then", "just", "very", "simply", "really"}


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", strip_accents(key(text)))


def symbols_of(text: str) -> list[str]:
    """Operator-like characters of a text, leaving out a leading bullet or dash."""
    body = re.sub(r"^[-*•·—–\s]+", "", key(text))
    return [c for c in body if c in MEANINGFUL]


def damerau1(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one insertion, deletion, substitution or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _noise_only(a: str, b: str) -> bool:
    """Whether a real pair differs only in what a copy changes (so it is not a "different" case).

    Punctuation, case, accents and spacing; a doubled word; one long alphabetic word misspelt
    (one edit, both 6+ letters); a listed spelling variant; one added or dropped stop word.
    Such real pairs are left out of the set rather than labelled by guesswork.
    """
    wa, wb = words_of(a), words_of(b)
    if wa == wb:
        return symbols_of(a) == symbols_of(b)
    ops = [
        op
        for op in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes()
        if op[0] != "equal"
    ]
    if len(ops) != 1:
        return False
    tag, i1, i2, j1, j2 = ops[0]
    if tag == "replace" and i2 - i1 == 1 and j2 - j1 == 1:
        x, y = wa[i1], wb[j1]
        if x.isalpha() and y.isalpha() and min(len(x), len(y)) >= 6 and damerau1(x, y):
            return True
        return (x, y) in SPELLING_PAIRS or (y, x) in SPELLING_PAIRS
    inserted = wb[j1:j2] if tag == "insert" else wa[i1:i2] if tag == "delete" else []
    if len(inserted) == 1:
        word = inserted[0]
        longer, at = (wb, j1) if tag == "insert" else (wa, i1)
        neighbours = longer[max(at - 1, 0) : at] + longer[at + 1 : at + 2]
        return word in STOPWORDS or word in neighbours
    return False


def similar(a: str, b: str) -> float:
    return fuzz.ratio(key(a), key(b))


def case_like(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def replace_word(sentence: str, old: str, new: str) -> str | None:
    pattern = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)", re.IGNORECASE)
    found = list(pattern.finditer(sentence))
    if len(found) != 1:
        return None
    m = found[0]
    return sentence[: m.start()] + case_like(m.group(), new) + sentence[m.end() :]


# ----------------------------------------------------------------------------- word lists

ANTONYMS = {
    "en": "true false|northern southern|eastern western|monday tuesday|wednesday thursday|"
    "friday saturday|prefix suffix|user group|before after|first last|left right|enable disable|"
    "enabled disabled|minimum maximum|input output|read write|upper lower|uppercase lowercase|"
    "start end|open close|add remove|allow deny|increase decrease|older newer|local remote|"
    "source destination|client server|success failure|above below|inside outside|"
    "include exclude|smaller larger|less more|lowest highest|positive negative|public private|"
    "january february|north south|east west|odd even|hours minutes|seconds minutes|"
    "file directory|files directories|beginning end|earlier later|shorter longer|"
    "ascending descending|inclusive exclusive|accept reject|install uninstall",
    "de": "wahr falsch|benutzer gruppe|vor nach|erste letzte|ersten letzten|links rechts|"
    "eingabe ausgabe|lesen schreiben|datei verzeichnis|minimum maximum|anfang ende|"
    "aktiviert deaktiviert|montag dienstag|größer kleiner|mehr weniger|quelle ziel|"
    "lokal entfernt|oben unten|alte neue|älteren neueren",
    "fr": "vrai faux|utilisateur groupe|avant après|premier dernier|première dernière|"
    "gauche droite|entrée sortie|lecture écriture|fichier répertoire|minimum maximum|"
    "début fin|activé désactivé|lundi mardi|nord sud|plus moins|source destination|"
    "local distant|supérieur inférieur|ancienne nouvelle",
    "es": "verdadero falso|usuario grupo|antes después|primero último|primera última|"
    "izquierda derecha|entrada salida|lectura escritura|archivo directorio|mínimo máximo|"
    "principio final|lunes martes|norte sur|más menos|origen destino|local remoto",
    "it": "vero falso|utente gruppo|prima dopo|primo ultimo|sinistra destra|ingresso uscita|"
    "lettura scrittura|minimo massimo|inizio fine|lunedì martedì|nord sud|più meno|"
    "sorgente destinazione|locale remoto",
    "nl": "waar onwaar|gebruiker groep|voor na|eerste laatste|links rechts|invoer uitvoer|"
    "lezen schrijven|bestand map|minimum maximum|begin einde|maandag dinsdag|meer minder",
    "pt": "verdadeiro falso|usuário grupo|antes depois|primeiro último|esquerda direita|"
    "entrada saída|leitura escrita|arquivo diretório|mínimo máximo|início fim|mais menos|"
    "origem destino",
    "sv": "sant falskt|användare grupp|före efter|första sista|vänster höger|indata utdata|"
    "läsa skriva|fil katalog|början slutet|måndag tisdag|mer mindre",
    "pl": "prawda fałsz|użytkownik grupa|przed po|pierwszy ostatni|lewo prawo|wejście wyjście|"
    "odczyt zapis|plik katalog|minimum maksimum|początek koniec|więcej mniej",
    "ru": "истина ложь|пользователь группа|до после|первый последний|первая последняя|"
    "ввод вывод|чтение запись|файл каталог|минимум максимум|начало конец|больше меньше",
    "id": "benar salah|pengguna grup|sebelum sesudah|pertama terakhir|kiri kanan|"
    "masukan keluaran|baca tulis|berkas direktori|minimum maksimum|awal akhir|lebih kurang|"
    "senin selasa|utara selatan",
}
ANTONYM_PAIRS = {
    lang: [tuple(p.split()) for p in spec.split("|")] for lang, spec in ANTONYMS.items()
}

# (pattern, replacement) that removes one negation, per language
NEGATIONS: dict[str, list[tuple[str, str]]] = {
    "en": [(r"\b(is|are|was|were|does|do|did|will|should|must|can|could|may|would|has|have) not\b", r"\1"),
           (r"\bcannot\b", "can"), (r"\bnever\b ", ""), (r"\b(does|do|is|are)n't\b", r"\1")],
    "de": [(r" nicht\b", ""), (r"\bkein(e|en|em|er|es)?\b", r"ein\1"), (r" nie\b", "")],
    "fr": [(r"\b[Nn]e (\S+) pas\b", r"\1"), (r"\b[Nn]'(\S+) pas\b", r"\1"),
           (r"\b[Nn]e (\S+) jamais\b", r"\1")],
    "es": [(r"\b[Nn]o (?=\w)", ""), (r"\b[Nn]unca (?=\w)", "")],
    "it": [(r"\b[Nn]on (?=\w)", "")],
    "nl": [(r" niet\b", ""), (r"\bgeen\b", "een")],
    "pt": [(r"\b[Nn]ão (?=\w)", ""), (r"\b[Nn]unca (?=\w)", "")],
    "sv": [(r" inte\b", ""), (r" ej\b", "")],
    "pl": [(r"\b[Nn]ie (?=\w)", "")],
    "ru": [(r"(?<!\w)[Нн]е (?=\w)", "")],
    "id": [(r"\b[Tt]idak (?=\w)", ""), (r"\b[Bb]ukan (?=\w)", "")],
}  # fmt: skip

# Ordinary words whose presence does not change what a sentence states, per language.
ORDINARY = {
    "en": ["also", "then", "just", "simply", "really", "very", "the"],
    "de": ["auch", "dann", "einfach", "sehr", "jeweils", "die", "der", "das"],
    "fr": ["aussi", "alors", "simplement", "très", "également", "les"],
    "es": ["también", "entonces", "simplemente", "muy", "el", "los"],
    "it": ["anche", "poi", "semplicemente", "molto", "il"],
    "nl": ["ook", "dan", "gewoon", "zeer", "de", "het"],
    "pt": ["também", "então", "simplesmente", "muito"],
    "sv": ["också", "sedan", "helt", "mycket"],
    "pl": ["także", "też", "potem", "bardzo"],
    "ru": ["также", "тоже", "затем", "очень"],
    "id": ["juga", "lalu", "sangat", "pun"],
}

SPELLING = ("colour color|colours colors|behaviour behavior|behaviours behaviors|"
            "organisation organization|licence license|centre center|grey gray|"
            "favourite favorite|honour honor|neighbour neighbor|labelled labeled|"
            "cancelled canceled|modelling modeling|travelling traveling|catalogue catalog|"
            "analyse analyze|analysed analyzed|defence defense|programme program|"
            "recognise recognize|initialise initialize|initialised initialized|"
            "customise customize|optimise optimize|serialise serialize|normalise normalize|"
            "synchronise synchronize|summarise summarize|authorise authorize|"
            "organise organize|realise realize|utilise utilize|specialised specialized")  # fmt: skip
SPELLING_PAIRS = {tuple(p.split()) for p in SPELLING.split("|")}
IZE = re.compile(r"\b([a-z]{4,})i([sz])(e|es|ed|ing|ation|ations|er|ers)\b")
NOT_IZE = {"prec", "prem", "prom", "exerc", "advert", "superv", "otherw", "compr", "enterpr",
           "expert", "surpr", "dev", "rev", "conc", "franch", "merchand", "desp", "chast"}  # fmt: skip

# ----------------------------------------------------------------------------- edits
# Each edit takes (sentence, rng, context) and returns the edited sentence or None.

Edit = Callable[[str, random.Random, dict], "str | None"]


def edit_number(s: str, rng: random.Random, ctx: dict) -> str | None:
    found = list(re.finditer(r"(?<![\w.,:/-])\d{1,4}(?![\w.,:/-]\w)", s))
    if not found:
        return None
    m = rng.choice(found)
    n = int(m.group())
    new = rng.choice([n + 1, n + 4, n * 2 if n > 1 else n + 2, n - 1 if n > 1 else n + 3])
    if str(new) == m.group():
        return None
    return s[: m.start()] + str(new) + s[m.end() :]


def edit_version(s: str, rng: random.Random, ctx: dict) -> str | None:
    found = list(re.finditer(r"(?<![\w.])\d+(?:\.\d+)+(?![\w]|\.\d)", s))
    if not found:
        return None
    m = rng.choice(found)
    parts = m.group().split(".")
    shuffled = parts[:]
    for _ in range(5):
        rng.shuffle(shuffled)
        if shuffled != parts:
            break
    if shuffled == parts:
        return None
    return s[: m.start()] + ".".join(shuffled) + s[m.end() :]


def edit_antonym(s: str, rng: random.Random, ctx: dict) -> str | None:
    pairs = ANTONYM_PAIRS.get(ctx["lang"], [])
    options = []
    for x, y in pairs:
        for old, new in ((x, y), (y, x)):
            if re.search(rf"(?<!\w){re.escape(old)}(?!\w)", s, re.IGNORECASE):
                options.append((old, new))
    if not options:
        return None
    old, new = rng.choice(options)
    return replace_word(s, old, new)


def edit_doc_word(s: str, rng: random.Random, ctx: dict) -> str | None:
    """Replace one word of 5+ letters by another word of the same document."""
    own = re.findall(r"[^\W\d_]{5,}", s)
    pool = ctx["words"]
    if not own or len(pool) < 20:
        return None
    old = rng.choice(own)
    same_case = [w for w in pool if w[0].isupper() == old[0].isupper() and w.lower() != old.lower()
                 and w.lower() not in s.lower() and abs(len(w) - len(old)) <= 2]  # fmt: skip
    if not same_case:
        return None
    return replace_word(s, old, rng.choice(same_case))


def negation_variants(s: str, lang: str) -> list[str]:
    out = []
    for pattern, repl in NEGATIONS.get(lang, []):
        found = list(re.finditer(pattern, s))
        if len(found) == 1:
            m = found[0]
            out.append(s[: m.start()] + m.expand(repl) + s[m.end() :])
    return out


def edit_negation(s: str, rng: random.Random, ctx: dict) -> str | None:
    """Drop the sentence's one negation; the caller decides which side keeps it."""
    variants = negation_variants(s, ctx["lang"])
    return rng.choice(variants) if variants else None


OPERATOR_SWAPS = [("<=", ">="), ("&&", "||"), ("==", "!="), ("##", "%%"), ("<", ">"),
                  ("#", "%"), ("+", "-")]  # fmt: skip


def edit_operator(s: str, rng: random.Random, ctx: dict) -> str | None:
    """Swap one operator: ``<``/``>`` between spaces (never an <argument> bracket),
    ``&&``/``||`` and friends anywhere, ``#``/``%`` inside a word such as ``${parameter#word}``,
    ``+``/``-`` as the sign of a number (``-n``/``+n``)."""
    options = []
    for x, y in OPERATOR_SWAPS:
        for old, new in ((x, y), (y, x)):
            if old in ("<", ">"):
                pattern = rf"(?<=\s){re.escape(old)}(?=\s)"
            elif old in ("+", "-"):
                pattern = rf"(?<=\s){re.escape(old)}(?=\d)"
            elif old in ("#", "%", "##", "%%"):
                pattern = rf"(?<=[\w}}]){re.escape(old)}(?=[\w$])"
            else:
                pattern = rf"(?<![<>&|=!]){re.escape(old)}(?![<>&|=])"
            options += [(m.start(), m.end(), new) for m in re.finditer(pattern, s)]
    if not options:
        return None
    start, end, new = rng.choice(options)
    return s[:start] + new + s[end:]


IDENT = re.compile(r"(?<![\w/-])(--?[A-Za-z][\w-]*[A-Za-z0-9]|\$?[A-Z][A-Z0-9]*_[A-Z0-9_]+)")
# absolute paths, ~/ and ./ paths, and relative ones whose last part is a file name (a dot or *)
PATH = re.compile(
    r"(?<![\w/])((?:~|\.)?/\w[\w.-]*(?:/[\w.*-]*[\w*])*|[\w.-]+(?:/[\w.*-]+)*/[\w-]*[.*][\w.*-]*[\w*])"
)


def _swap_token(
    s: str, rng: random.Random, pattern: re.Pattern[str], pool: list[str]
) -> str | None:
    found = list(pattern.finditer(s))
    if not found:
        return None
    m = rng.choice(found)
    others = [t for t in pool if t != m.group() and t not in s and t[:1] == m.group()[:1]]
    close = [t for t in others if fuzz.ratio(t, m.group()) >= 50]
    if not close:
        return None
    return s[: m.start()] + rng.choice(close) + s[m.end() :]


def edit_identifier(s: str, rng: random.Random, ctx: dict) -> str | None:
    return _swap_token(s, rng, IDENT, ctx["identifiers"])


def edit_path(s: str, rng: random.Random, ctx: dict) -> str | None:
    return _swap_token(s, rng, PATH, ctx["paths"])


# copy noise


def noise_punctuation(s: str, rng: random.Random, ctx: dict) -> str | None:
    options = []
    if s[-1] in ".!?:;":
        options += [s[:-1], s[:-1] + "!" if s[-1] != "!" else s[:-1] + "."]
    else:
        options.append(s + ".")
    commas = [m.start() for m in re.finditer(r",", s)]
    if commas:
        i = rng.choice(commas)
        options += [s[:i] + s[i + 1 :], s[:i] + ";" + s[i + 1 :]]
    spaces = [m.start() for m in re.finditer(r"(?<=[^\W\d_]) (?=[^\W\d_])", s)]
    if spaces:
        i = rng.choice(spaces[1:-1] or spaces)
        options.append(s[:i] + "," + s[i:])
    return rng.choice(options)


def noise_case(s: str, rng: random.Random, ctx: dict) -> str | None:
    options = [s.upper(), s[:1].lower() + s[1:], s.title()]
    options = [o for o in options if o != s]
    return rng.choice(options) if options else None


# Pairs of (opening, closing) quotes; a swap turns every quote of one style into another.
QUOTE_STYLES = [("\"", "\""), ("\u201c", "\u201d"), ("\u201e", "\u201c"), ("\u00bb", "\u00ab"),
                ("\u00ab", "\u00bb"), ("\u2018", "\u2019")]  # fmt: skip
APOSTROPHE = re.compile(r"(?<=[^\W\d_])['\u2019](?=[^\W\d_])")


def noise_quotes(s: str, rng: random.Random, ctx: dict) -> str | None:
    """Straight apostrophes become curly (or back), or one style of quotes becomes another."""
    quoted = [(o, c) for o, c in QUOTE_STYLES if re.search(f"{o}[^{o}{c}]+{c}", s)]
    if APOSTROPHE.search(s) and (not quoted or rng.random() < 0.5):
        return APOSTROPHE.sub(lambda m: "\u2019" if m.group() == "'" else "'", s)
    if not quoted:
        return None
    opening, closing = quoted[0]
    new_open, new_close = rng.choice([q for q in QUOTE_STYLES if q != (opening, closing)])
    out, inside = [], False
    for c in s:
        if c == opening and not inside:
            out.append(new_open)
            inside = True
        elif c == closing and inside:
            out.append(new_close)
            inside = False
        else:
            out.append(c)
    return "".join(out)


def noise_spacing(s: str, rng: random.Random, ctx: dict) -> str | None:
    spaces = [m.start() for m in re.finditer(" ", s)]
    i = rng.choice(spaces)
    return rng.choice([
        s[:i] + "  " + s[i + 1 :],
        s[:i] + "\u00a0" + s[i + 1 :],
        s + " ",
        " " + s,
        re.sub(r"\s*([,.;:!?])$", r" \1", s) if s[-1] in ",.;:!?" else s + "  ",
    ])  # fmt: skip


def noise_accents(s: str, rng: random.Random, ctx: dict) -> str | None:
    if ctx["lang"] in ("ru",):
        return None
    out = strip_accents(s)
    return out if out != s else None


def _long_words(s: str) -> list[re.Match[str]]:
    return [m for m in re.finditer(r"[^\W\d_]{7,}", s)]


def noise_transposition(s: str, rng: random.Random, ctx: dict) -> str | None:
    words = _long_words(s)
    if not words:
        return None
    m = rng.choice(words)
    w = m.group()
    i = rng.randrange(1, len(w) - 2)
    if w[i] == w[i + 1]:
        return None
    w2 = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    return s[: m.start()] + w2 + s[m.end() :]


def noise_dropped_letter(s: str, rng: random.Random, ctx: dict) -> str | None:
    words = _long_words(s)
    if not words:
        return None
    m = rng.choice(words)
    w = m.group()
    i = rng.randrange(1, len(w) - 1)
    return s[: m.start()] + w[:i] + w[i + 1 :] + s[m.end() :]


def noise_doubled_letter(s: str, rng: random.Random, ctx: dict) -> str | None:
    words = _long_words(s)
    if not words:
        return None
    m = rng.choice(words)
    w = m.group()
    i = rng.randrange(1, len(w) - 1)
    return s[: m.start()] + w[: i + 1] + w[i:] + s[m.end() :]


def noise_spelling(s: str, rng: random.Random, ctx: dict) -> str | None:
    if ctx["lang"] != "en":
        return None
    options = []
    for x, y in sorted(SPELLING_PAIRS):
        for old, new in ((x, y), (y, x)):
            if re.search(rf"(?<!\w){old}(?!\w)", s, re.IGNORECASE):
                options.append((old, new))
    for m in IZE.finditer(s):
        if m.group(2) == "z" and m.group(1) not in NOT_IZE and not m.group(1).endswith("s"):
            options.append((m.group(), m.group(1) + "is" + m.group(3)))
    if not options:
        return None
    old, new = rng.choice(options)
    return replace_word(s, old, new)


def noise_duplicated_word(s: str, rng: random.Random, ctx: dict) -> str | None:
    words = [m for m in re.finditer(r"(?<!\S)[^\W\d_]{2,8}(?= )", s)]
    if not words:
        return None
    m = rng.choice(words)
    return s[: m.end()] + " " + m.group() + s[m.end() :]


def noise_truncation(s: str, rng: random.Random, ctx: dict) -> str | None:
    spaces = [m.start() for m in re.finditer(" ", s) if m.start() >= 0.9 * len(s)]
    if not spaces:
        return None
    cut = s[: rng.choice(spaces)].rstrip(",;:")
    return cut + rng.choice(["…", " …", " [...]", "...", " […]"])


# ----------------------------------------------------------------------------- case making


def case(a: str, b: str, label: str, category: str, lang: str, source: str, **extra: str) -> dict:
    return {"a": a, "b": b, "label": label, "category": category, "lang": lang,
            "source": source, **extra}  # fmt: skip


def usable(a: str, b: str, label: str) -> bool:
    if a == b or "\n" in a + b or "\r" in a + b:
        return False
    if min(len(key(a)), len(key(b))) < (40 if label == "copy" else 20):
        return False
    if label == "different" and key(a) == key(b):
        return False
    return similar(a, b) >= THRESHOLD


def edited(corpus: Corpus, sents: list[tuple[str, str, str]], rng: random.Random, edit: Edit,
           label: str, category: str, count: int, ctx_extra: Callable[[str], dict] | None = None,
           swap_sides: bool = False, per_lang: int = 0) -> list[dict]:  # fmt: skip
    """Up to ``count`` pairs (sentence, edited sentence) made by ``edit``.

    With ``per_lang``, each language contributes at most that many and the languages are
    interleaved before the cut, so no language crowds the others out.
    """
    by_lang: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for item in sents:
        by_lang[item[0] if per_lang else "all"].append(item)
    made: list[list[dict]] = []
    for lang in sorted(by_lang):
        group = by_lang[lang][:]
        rng.shuffle(group)
        out: list[dict] = []
        for lang_, source, s in group:
            if len(out) >= (per_lang or count):
                break
            ctx = {"lang": lang_, "words": corpus.words.get(source, [])}
            if ctx_extra:
                ctx.update(ctx_extra(source))
            b = edit(s, rng, ctx)
            if b is None:
                continue
            a = s
            if swap_sides and rng.random() < 0.5:
                a, b = b, a
            if usable(a, b, label):
                out.append(case(a, b, label, category, lang_, source))
        made.append(out)
    interleaved = [x for row in zip_longest(*made) for x in row if x is not None]
    return interleaved[:count]


# ----------------------------------------------------------------------------- real pairs


def near_pairs(lines: list[str], *, limit: int = 1500) -> Iterator[tuple[str, str]]:
    """Pairs of distinct lines of one text whose keys score >= THRESHOLD, in text order."""
    distinct = list(dict.fromkeys(lines))[:limit]
    keys = [key(x) for x in distinct]
    if len(keys) < 2:
        return
    scores = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=THRESHOLD, workers=1)
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            if scores[i][j] and keys[i] != keys[j]:
                yield distinct[i], distinct[j]


def real_cases(pairs: Iterable[tuple[str, str, str, str]], rng: random.Random, category: str,
               count: int, *, per_source: int = 2) -> list[dict]:  # fmt: skip
    """Sample up to ``count`` real near pairs (lang, source, a, b), at most a few per file."""
    candidates = [
        p for p in pairs if usable(p[2], p[3], "different") and not _noise_only(p[2], p[3])
    ]
    rng.shuffle(candidates)
    taken: dict[str, int] = defaultdict(int)
    out = []
    seen: set[frozenset[str]] = set()  # the same two lines found in two files count once
    for lang, source, a, b in candidates:
        if taken[source] >= per_source or frozenset((key(a), key(b))) in seen:
            continue
        taken[source] += 1
        seen.add(frozenset((key(a), key(b))))
        out.append(case(a, b, "different", category, lang, source))
        if len(out) >= count:
            break
    return out


HEADER = re.compile(r"^\S+ \([^)]*\) [^;\n]*; urgency=\S+", re.M)
TRAILER = re.compile(r"^ -- .+<[^>]+>  .+$", re.M)
ENTRY = re.compile(r"^\s+[*-] (.+)$", re.M)


def real_changelog(corpus: Corpus, rng: random.Random) -> list[dict]:
    headers, trailers, entries = [], [], []
    for path, text in corpus.changelogs:
        hs = HEADER.findall(text)
        headers += [("en", path, hs[i + 1], hs[i]) for i in range(len(hs) - 1)]  # older first
        ts = [t.strip() for t in TRAILER.findall(text)]
        trailers += [("en", path, ts[i + 1], ts[i]) for i in range(min(len(ts) - 1, 30))]
        es = [e.strip() for e in ENTRY.findall(text) if len(e.strip()) <= 200]
        entries += [("en", path, a, b) for a, b in near_pairs(es, limit=800)]
    return (real_cases(headers, rng, "real-changelog-header", 50)
            + real_cases(trailers, rng, "real-changelog-trailer", 30, per_source=1)
            + real_cases(entries, rng, "real-changelog-entry", 50))  # fmt: skip


def real_man(corpus: Corpus, rng: random.Random) -> list[dict]:
    pairs = []
    for path, lines in corpus.man.items():
        short = [x for x in lines if len(x) <= 160]
        lang = man_lang(path)
        # code, paths and commands in a page read as no language at all ("zxx", ISO 639)
        pairs += [(language(a, lang) or "zxx", path, a, b) for a, b in near_pairs(short)]
    by_lang: dict[str, list] = defaultdict(list)
    for p in pairs:
        by_lang[p[0]].append(p)
    out = []
    for lang in sorted(by_lang):
        out += real_cases(by_lang[lang], rng, "real-man", {"en": 30, "zxx": 12}.get(lang, 6))
    return out


def real_copyright(corpus: Corpus, rng: random.Random) -> list[dict]:
    pairs = []
    for path, text in corpus.copyrights:
        # stanza fields and copyright notices; wrapped licence text is real-licence's job
        lines = [x.strip() for x in text.splitlines() if len(x.strip()) >= 20 and
                 re.match(r"(Files|Copyright|License|Upstream-\w+|Source):|Copyright ", x.strip())]  # fmt: skip
        pairs += [("en", path, a, b) for a, b in near_pairs(lines, limit=600)]
    return real_cases(pairs, rng, "real-copyright", 50)


def real_licence(corpus: Corpus, rng: random.Random) -> list[dict]:
    """Near pairs between different licences (GPL-2 and GPL-3, LGPL-2.1 and LGPL-3, ...)."""
    blocks = [
        (path, b) for path, text in corpus.licences for b in unwrap(text) if 30 <= len(b) <= 250
    ]
    pairs = []
    keys = [key(b) for _, b in blocks]
    scores = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=THRESHOLD, workers=1)
    for i in range(len(blocks)):
        for j in range(i + 1, len(blocks)):
            if scores[i][j] and blocks[i][0] != blocks[j][0] and keys[i] != keys[j]:
                pairs.append(("en", f"{blocks[i][0]} + {blocks[j][0]}", blocks[i][1], blocks[j][1]))
    return real_cases(pairs, rng, "real-licence", 40, per_source=4)


def issue_examples(corpus: Corpus) -> list[dict]:
    """The real pairs issue 11 names, taken from this machine's files (when they are here).

    A man page option whose tag stands on a line of its own is joined with its description,
    and a copyright stanza with its lines, as dedup's key joins a block's lines.
    """
    out = []
    man_pairs = [
        ("/usr/share/man/man1/bash.1.gz", "string1 < string2", "string1 > string2"),
        ("/usr/share/man/man1/bash.1.gz", "command1 && command2", "command1 || command2"),
        ("/usr/share/man/man1/bash.1.gz", "${parameter#word}", "${parameter%word}"),
        ("/usr/share/man/man1/find.1.gz", "-uid n", "-gid n"),
        ("/usr/share/man/man1/curl.1.gz", "http_proxy", "HTTPS_PROXY"),
    ]
    for page, tag_a, tag_b in man_pairs:
        if not Path(page).exists():
            continue
        lines = [x.strip() for x in render_man(page).splitlines()]
        a, b = (_described(lines, tag) for tag in (tag_a, tag_b))
        if a and b and usable(a, b, "different"):
            out.append(case(a, b, "different", "real-man", "en", page, note="issue 11"))
    headers = [
        ("/usr/share/doc/debianutils/changelog.Debian.gz", "debianutils (5.1-1)", "debianutils (5.0.1-1)"),
        ("/usr/share/doc/libgl1-mesa-dri/changelog.Debian.gz", "mesa (22.3.2-1)", "mesa (22.2.3-1)"),
    ]  # fmt: skip
    texts = dict(changelog_texts_all())
    for path, start_a, start_b in headers:
        found = HEADER.findall(texts.get(path, ""))
        a = next((h for h in found if h.startswith(start_a)), None)
        b = next((h for h in found if h.startswith(start_b)), None)
        if a and b and usable(a, b, "different"):
            out.append(
                case(a, b, "different", "real-changelog-header", "en", path, note="issue 11")
            )
    boost = sorted(Path("/usr/share/doc").glob("libboost-*/copyright"))
    if boost:
        stanzas = [" ".join(b.split()) for b in re.split(r"\n\s*\n", boost[0].read_text())]
        a = next((x for x in stanzas if x.startswith("Files: libs/coroutine/* ")), None)
        b = next((x for x in stanzas if x.startswith("Files: libs/coroutine2/* ")), None)
        if a and b and usable(a, b, "different"):
            out.append(
                case(a, b, "different", "real-copyright", "en", str(boost[0]), note="issue 11")
            )
    return out


def _described(lines: list[str], tag: str) -> str | None:
    """The man page line that starts with ``tag``; below 20 characters, with its description."""
    for i, line in enumerate(lines):
        if line == tag or line.startswith(tag + " "):
            if len(line) >= 20:
                return line
            following = next((x for x in lines[i + 1 :] if x), "")
            return f"{line} {following}"
    return None


def changelog_texts_all() -> list[tuple[str, str]]:
    """Every changelog by its own path (``changelog_texts`` keeps one path per content)."""
    out = []
    for path in files("/usr/share/doc", "*/changelog.Debian.gz"):
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
            out.append((path, f.read()))
    return out


# ----------------------------------------------------------------------------- names, tables

COPYRIGHT_NAME = re.compile(
    r"^(Copyright:?\s+(?:\([Cc]\)\s+|©\s*)?(?:\d{4}(?:\s*[-,]\s*\d{4})*,?\s+)(?:by\s+)?)"
    r"([A-Z][\w.'-]+(?: [A-Z][\w.'-]+){1,3})(\s*<[^>]+>.*)?$"
)


def changed_names(corpus: Corpus, rng: random.Random, count: int) -> list[dict]:
    """Copyright lines and changelog sign-offs naming another person (another surname)."""
    lines: list[tuple[str, str, str]] = []  # (source, line, the person's name in it)
    surnames: set[str] = set()
    person = r"[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){1,3}"
    for path, text in corpus.copyrights:
        for raw in text.splitlines():
            m = COPYRIGHT_NAME.match(raw.strip())
            if m:
                lines.append((path, m.group(0).strip(), m.group(2)))
    for path, text in corpus.changelogs:
        for t in TRAILER.findall(text)[:3]:
            m = re.match(rf"^ -- ({person}) <[^>]+>  .+$", t)
            if m:
                lines.append((path, t.strip(), m.group(1)))
    for _, _, name in lines:
        last = name.split()[-1]
        if re.fullmatch(r"[A-Z][a-z]{3,}", last):
            surnames.add(last)
    pool = sorted(surnames)
    rng.shuffle(lines)
    out: list[dict] = []
    seen: set[str] = set()
    for path, line, name in lines:
        last = name.split()[-1]
        if len(out) >= count or path in seen or last not in surnames:
            continue
        others = [p for p in pool if p != last and abs(len(p) - len(last)) <= 2 and p[0] != last[0]]
        if not others:
            continue
        b = line.replace(name, name[: -len(last)] + rng.choice(others), 1)
        if usable(line, b, "different"):
            out.append(case(line, b, "different", "changed-name", "en", path))
            seen.add(path)
    return out


def table_rows(corpus: Corpus, rng: random.Random, count: int) -> list[dict]:
    """Markdown rows of real changelog figures, and the same row with two numbers swapped."""
    out: list[dict] = []
    logs = corpus.changelogs[:]
    rng.shuffle(logs)
    for path, text in logs:
        if len(out) >= count:
            break
        heads = HEADER.findall(text)
        if len(heads) < 3:
            continue
        m = re.match(r"^(\S+) \(([^)]*)\)", heads[0])
        trailers = TRAILER.findall(text)
        years = sorted(
            {int(y) for y in re.findall(r" (\d{4}) \d\d:\d\d:\d\d", "\n".join(trailers))}
        )
        if not m or not years:
            continue
        uploads, entries, closes = (
            len(heads),
            len(ENTRY.findall(text)),
            len(re.findall(r"Closes: #", text)),
        )
        numbers = [uploads, entries, closes, years[0]]
        i, j = rng.sample(range(3), 2)
        if numbers[i] == numbers[j]:
            continue
        swapped = numbers[:]
        swapped[i], swapped[j] = swapped[j], swapped[i]
        row = "| {} | {} | {} uploads | {} entries | {} bugs closed | since {} |"
        a = row.format(m.group(1), m.group(2), *numbers)
        b = row.format(m.group(1), m.group(2), *swapped)
        if usable(a, b, "different"):
            out.append(case(a, b, "different", "table-swapped-numbers", "en", path))
    return out


# ----------------------------------------------------------------------------- passages


def passages(corpus: Corpus, rng: random.Random, count: int) -> list[dict]:
    """Repeated three-sentence passages whose middle sentence changed in the copy."""
    triples = []
    for lang, source, sents in corpus.paragraphs:
        for i in range(len(sents) - 2):
            trio = sents[i : i + 3]
            if all(is_prose(s, low=30, high=100) for s in trio):
                found = {language(s, lang) for s in trio}
                if len(found) == 1 and None not in found:
                    triples.append((found.pop(), source, trio))
    rng.shuffle(triples)
    kinds = [("copy", "passage-added-word"), ("different", "passage-changed-number"),
             ("different", "passage-negation"), ("different", "passage-replaced-word")]  # fmt: skip
    quota = {"passage-added-word": count // 2, "passage-changed-number": count // 6,
             "passage-negation": count // 6, "passage-replaced-word": count // 6}  # fmt: skip
    made: dict[str, int] = defaultdict(int)
    langs: dict[tuple[str, str], int] = defaultdict(int)
    out = []
    used: set[str] = set()
    for lang, source, (p1, a, p3) in triples:
        if a in used or similar(p1, a) >= 70 or similar(a, p3) >= 70 or similar(p1, p3) >= 70:
            continue
        ctx = {"lang": lang, "words": corpus.words.get(source, [])}
        for label, category in kinds:
            if made[category] >= quota[category] or langs[(category, lang)] >= quota[category] // 2:
                continue
            a2, b, edit = a, None, ""
            if category == "passage-added-word":
                a2, b, edit = _ordinary_word(a, lang, rng)
            elif category == "passage-changed-number":
                b = edit_number(a, rng, ctx)
            elif category == "passage-negation":
                b = edit_negation(a, rng, ctx)
                if b and rng.random() < 0.5:
                    a2, b = b, a
            else:
                b = edit_antonym(a, rng, ctx) or edit_doc_word(a, rng, ctx)
            if b is None or a2 == b or similar(a2, b) < THRESHOLD or key(a2) == key(b):
                continue
            doc = f"{p1}\n{a2}\n{p3}\n{p1}\n{b}\n{p3}\n"
            expected = f"{p1}\n{a2}\n{p3}\n" + ("" if label == "copy" else f"{b}\n")
            item = {"doc": doc, "expected": expected, "label": label, "category": category,
                    "lang": lang, "source": source}  # fmt: skip
            if edit:
                item["edit"] = edit
            out.append(item)
            made[category] += 1
            langs[(category, lang)] += 1
            used.add(a)
            break
    return out


def _ordinary_word(s: str, lang: str, rng: random.Random) -> tuple[str, str | None, str]:
    """(a, b, "added"/"dropped"): ``s`` with and without one ordinary word it contains."""
    present = [w for w in ORDINARY.get(lang, []) if len(re.findall(rf"(?<!\w){w}(?!\w)", s)) == 1]
    if not present:
        return s, None, ""
    word = rng.choice(present)
    without = re.sub(rf"(?<!\w){word} |(?<= ){word}(?!\w)", "", s, count=1)
    without = " ".join(without.split())
    if without == s:
        return s, None, ""
    if rng.random() < 0.5:
        return s, without, "dropped"
    return without, s, "added"


# ----------------------------------------------------------------------------- main


def build() -> tuple[list[dict], list[dict]]:
    rng = random.Random(SEED)
    corpus = Corpus(rng)
    sents = corpus.sentences(high=130)
    code_lines = [("en", path, line) for path, lines in sorted(corpus.man.items())
                  if man_lang(path) == "en" for line in lines if 30 <= len(line) <= 220]  # fmt: skip
    identifiers: dict[str, list[str]] = {}
    paths: dict[str, list[str]] = {}
    for path, lines in corpus.man.items():
        text = "\n".join(lines)
        identifiers[path] = sorted({m.group() for m in IDENT.finditer(text)})
        paths[path] = sorted({m.group() for m in PATH.finditer(text)})

    def tokens(source: str) -> dict:
        return {"identifiers": identifiers.get(source, []), "paths": paths.get(source, [])}

    man_sents = [x for x in corpus.sentences(low=25, high=220) if x[1] in corpus.man]
    changelog_entries = [("en", path, e.strip()) for path, text in corpus.changelogs
                         for e in ENTRY.findall(text) if 30 <= len(e.strip()) <= 200]  # fmt: skip

    pairs: list[dict] = issue_examples(corpus)
    pairs += real_changelog(corpus, rng)
    pairs += real_man(corpus, rng)
    pairs += real_copyright(corpus, rng)
    pairs += real_licence(corpus, rng)
    d = "different"
    pairs += edited(
        corpus, sents + changelog_entries, rng, edit_number, d, "changed-number", 60, per_lang=10
    )
    pairs += edited(
        corpus, sents + changelog_entries, rng, edit_version, d, "reordered-version", 40
    )
    pairs += edited(corpus, sents, rng, edit_antonym, d, "replaced-word", 70, per_lang=10)
    pairs += edited(
        corpus, sents, rng, edit_doc_word, d, "replaced-word-from-document", 40, per_lang=5
    )
    pairs += edited(
        corpus, sents, rng, edit_negation, d, "negation", 90, swap_sides=True, per_lang=10
    )
    pairs += edited(corpus, code_lines, rng, edit_operator, d, "changed-operator", 40)
    pairs += edited(
        corpus, man_sents, rng, edit_identifier, d, "changed-identifier", 40, tokens, per_lang=8
    )
    pairs += edited(corpus, man_sents, rng, edit_path, d, "changed-path", 30, tokens, per_lang=8)
    pairs += changed_names(corpus, rng, 30)
    pairs += table_rows(corpus, rng, 30)
    c = "copy"
    noise: list[tuple[Edit, str, int]] = [
        (noise_punctuation, "punctuation", 45), (noise_case, "case", 35),
        (noise_quotes, "quotes", 35), (noise_spacing, "spacing", 35),
        (noise_accents, "accents", 40), (noise_transposition, "typo-transposition", 45),
        (noise_dropped_letter, "typo-dropped-letter", 45),
        (noise_doubled_letter, "typo-doubled-letter", 45),
        (noise_spelling, "spelling-variant", 40), (noise_duplicated_word, "duplicated-word", 40),
        (noise_truncation, "truncation-marker", 40),
    ]  # fmt: skip
    for edit, category, count in noise:
        per_lang = 0 if category == "spelling-variant" else max(count // 6, 4)
        pairs += edited(corpus, sents, rng, edit, c, category, count, per_lang=per_lang)
    return pairs, passages(corpus, rng, 210)


def write(path: Path, items: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for item in items:
            f.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")


def main() -> None:
    pairs, passage_cases = build()
    write(HERE / "pairs.jsonl", pairs)
    write(HERE / "passages.jsonl", passage_cases)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for item in pairs + passage_cases:
        counts[(item["label"], item["category"])] += 1
    for (label, category), n in sorted(counts.items()):
        sys.stderr.write(f"{label:9} {category:30} {n}\n")
    sys.stderr.write(f"{len(pairs)} pairs, {len(passage_cases)} passages\n")


if __name__ == "__main__":
    main()
