"""Build ``technical.jsonl``: edits of technical tokens in real lines of this machine's text.

Run from the repository root (``python tests/judgement/build_technical.py``); it rewrites the
file, the same bytes on the same machine (seeded, sorted file lists, nothing from a network).
It keeps the English cases of the first pass as the file holds them (``--all`` draws them
again, from the machine as it is now) and draws the second pass again.
Issue 14, item 8: the judgement set extended with technical text, labelled by the edit and
never by running dedup.

Lines come from man pages rendered one paragraph per line, Debian changelogs and copyright
files, and docstrings of the Python standard library (the readers of ``build.py``). A line
qualifies when it holds a token that this script (not dedup) takes for technical: an option
(``-x``, ``--name``), a path or file name, an identifier with ``_``, a call ``name()``, a
version ``1.2-3``, letters glued to digits.

Edits that make a **different** statement (a name, option, file or version is another one):

- ``tech-case``: one letter of such a token changes case (``-i``/``-I``, ``TTL.c``/``ttl.c``);
- ``tech-glued``: a letter glued to a digit at a token's end is added or dropped (``socks4a``);
- ``tech-separator``: a version's ``.`` and ``-`` swapped once (``0.48-1``/``0.48.1``);
- ``tech-spacing``: an option split from its glued argument, or joined to it (``-x\\*.o``);
- ``tech-call``: the ``()`` of a call dropped (``Time->new()``/``Time->new``).

Edits that are **copy noise** (prose words of the same lines): ``tech-noise-case`` (a prose
word's first letter), ``tech-noise-punctuation`` (a final stop), ``tech-noise-spacing`` (a
doubled space).

A second pass (``build_more``, its own seed, so the English cases above stay as they were)
takes lines of this machine's man pages in other languages (/usr/share/man/<lang>: de, fr,
ru, es, it, pl, pt, nl, sv, from Debian's ``manpages-*`` packages and the packages' own
translations), with the same edits (the noise edits on prose words of any script), and
adds one edit kind in every language, English included:

- ``tech-lone``: a lone ``-`` or ``.`` argument dropped from a command written in a line
  beside an option or a path (``tar cf - .`` / ``tar cf -``): a different statement.

Each case gets ``split``: ``tune`` or ``heldout`` by a hash of its source line, so the rule can
be tuned on one half and measured on the other; ``tests/test_judgement.py`` reports both.
Pairs score at least 90 on dedup's keys (else the threshold alone decides), lines are 20+
characters (copies 40+).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).parent))
from build import (  # the sibling builder (not a package): on sys.path above
    changelog_texts,
    copyright_texts,
    files,
    python_docs,
    render_man,
)

from dedup.text.normalize import key

SEED = 14
THRESHOLD = 90
HERE = Path(__file__).parent
PER_EDIT = 60  # cases per edit kind and split, at most
MAN_SECTIONS = {"1": 200, "5": 40, "8": 80}

TOKEN = re.compile(r"\S+")
OPTION = re.compile(r"^--?[A-Za-z][\w-]*")
NAMEISH = re.compile(r"[A-Za-z].*(?:[_/]|\w\.\w|\w\(\))|^--?[A-Za-z]|[A-Za-z]\d|\d[A-Za-z]")
VERSION = re.compile(r"\d[.-]\d")
PROSE = re.compile(r"^[A-Za-z]{4,}$")


def lines_of(text: str) -> list[str]:
    out = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if 40 <= len(line) <= 200 and "\ufffd" not in line and line.isascii():
            out.append(line)
    return out


def sources(rng: random.Random) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for section, count in MAN_SECTIONS.items():
        pages = files(f"/usr/share/man/man{section}", "*.gz")
        for page in sorted(rng.sample(pages, min(count, len(pages)))):
            found += [(page, line) for line in lines_of(render_man(page))]
    for path, text in changelog_texts()[:300] + copyright_texts()[:300]:
        found += [(path, line) for line in lines_of(text)]
    found += [(path, line) for path, text in python_docs() for line in lines_of(text)]
    return found


def technical_tokens(line: str) -> list[re.Match[str]]:
    return [
        m
        for m in TOKEN.finditer(line)
        if "://" not in m.group() and (NAMEISH.search(m.group()) or VERSION.search(m.group()))
    ]


def _replace(line: str, m: re.Match[str], new: str) -> str:
    return line[: m.start()] + new + line[m.end() :]


def tech_case(line: str, rng: random.Random) -> str | None:
    if line.upper() == line:
        return None
    tokens = [m for m in technical_tokens(line) if re.search(r"[A-Za-z]", m.group())]
    if not tokens:
        return None
    m = rng.choice(tokens)
    letters = [i for i, c in enumerate(m.group()) if c.isalpha()]
    i = rng.choice(letters)
    token = m.group()
    return _replace(line, m, token[:i] + token[i].swapcase() + token[i + 1 :])


def tech_glued(line: str, rng: random.Random) -> str | None:
    tokens = [m for m in technical_tokens(line) if re.search(r"[A-Za-z]\d$|\d[a-z]$", m.group())]
    if not tokens:
        return None
    m = rng.choice(tokens)
    token = m.group()
    new = token[:-1] if token[-1].isalpha() else token + "a"
    return _replace(line, m, new)


def tech_separator(line: str, rng: random.Random) -> str | None:
    spots = [m for m in re.finditer(r"(?<=\d)[.-](?=\d)", line)]
    if not spots:
        return None
    m = rng.choice(spots)
    return line[: m.start()] + ("-" if m.group() == "." else ".") + line[m.end() :]


def tech_spacing(line: str, rng: random.Random) -> str | None:
    # An argument glued to its option, not a stop or comma after it ("-x\\*.o", not "-i,").
    glued = [m for m in re.finditer(r"(?<!\S)-[A-Za-z](?=[^\s\w.,;:!?)-]|\d|[A-Z]\w)\S+", line)]
    spaced = [m for m in re.finditer(r"(?<!\S)-[A-Za-z] (?=[^\s-])", line)]
    if glued and (not spaced or rng.random() < 0.5):
        m = rng.choice(glued)
        return line[: m.start() + 2] + " " + line[m.start() + 2 :]
    if spaced:
        m = rng.choice(spaced)
        return line[: m.end() - 1] + line[m.end() :]
    return None


def tech_call(line: str, rng: random.Random) -> str | None:
    calls = [m for m in re.finditer(r"(?<=\w)\(\)", line)]
    if not calls:
        return None
    m = rng.choice(calls)
    return line[: m.start()] + line[m.end() :]


def noise_case(line: str, rng: random.Random) -> str | None:
    words = [m for m in TOKEN.finditer(line) if PROSE.match(m.group()) and m.group().islower()]
    if not words:
        return None
    m = rng.choice(words)
    return _replace(line, m, m.group()[0].upper() + m.group()[1:])


def noise_punctuation(line: str, rng: random.Random) -> str | None:
    if line.endswith("."):
        return line[:-1]
    if line[-1].isalpha():
        return line + "."
    return None


def noise_spacing(line: str, rng: random.Random) -> str | None:
    gaps = [m for m in re.finditer(r"(?<=[a-z]) (?=[a-z])", line)]
    if not gaps:
        return None
    m = rng.choice(gaps)
    return line[: m.start()] + "  " + line[m.end() :]


EDITS: dict[str, tuple[str, Callable[[str, random.Random], str | None]]] = {
    "tech-case": ("different", tech_case),
    "tech-glued": ("different", tech_glued),
    "tech-separator": ("different", tech_separator),
    "tech-spacing": ("different", tech_spacing),
    "tech-call": ("different", tech_call),
    "tech-noise-case": ("copy", noise_case),
    "tech-noise-punctuation": ("copy", noise_punctuation),
    "tech-noise-spacing": ("copy", noise_spacing),
}


def split_of(source: str, line: str) -> str:
    digest = hashlib.sha1(f"{source}\n{line}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "heldout"


def build() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    found = [(s, line) for s, line in sources(rng) if technical_tokens(line)]
    rng.shuffle(found)
    cases: list[dict[str, str]] = []
    counts: dict[tuple[str, str], int] = {}
    used: set[str] = set()
    for source, line in found:
        for category, (label, edit) in EDITS.items():
            part = split_of(source, line)
            if counts.get((category, part), 0) >= PER_EDIT or line in used:
                continue
            edited = edit(line, rng)
            if edited is None or edited == line:
                continue
            if fuzz.ratio(key(line), key(edited)) < THRESHOLD:
                continue
            used.add(line)
            counts[(category, part)] = counts.get((category, part), 0) + 1
            cases.append(
                {
                    "a": line,
                    "b": edited,
                    "label": label,
                    "category": category,
                    "lang": "en",
                    "source": source,
                    "split": part,
                }
            )
    return sorted(cases, key=lambda c: (c["split"], c["category"], c["source"], c["a"]))


MORE_SEED = 15
MORE_LANGS = {"de": 80, "fr": 80, "ru": 80, "es": 30, "it": 30, "pl": 30, "pt": 30, "nl": 30,
              "sv": 30}  # fmt: skip
PER_EDIT_MORE = 6  # cases per language, edit kind and split, at most
WORD = re.compile(r"^[^\W\d_]{4,}$")


def lines_of_any(text: str) -> list[str]:
    """:func:`lines_of` for any script: 40 to 200 characters, no replacement character."""
    out = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if 40 <= len(line) <= 200 and "\ufffd" not in line:
            out.append(line)
    return out


def tech_lone(line: str, rng: random.Random) -> str | None:
    """Drop a lone ``-`` or ``.`` that a command reads: after an option (``sort -u -``,
    ``dpkg-name -o -s ..``), beside another lone mark (``- - -``, ``- .``) or before a pipe
    (``/dev/hda1 - | bzip2``). Not a dash after a term (``DEV/REGION - specifies``): prose."""
    chunks = line.split(" ")
    marks = ("-", ".", "..")
    spots = []
    for i, chunk in enumerate(chunks):
        if chunk not in marks:
            continue
        before = chunks[i - 1] if i else ""
        after = chunks[i + 1] if i + 1 < len(chunks) else ""
        if OPTION.match(before) or before in marks or after in (*marks, "|"):
            spots.append(i)
    if not spots:
        return None
    i = rng.choice(spots)
    return " ".join(chunks[:i] + chunks[i + 1 :])


def noise_case_any(line: str, rng: random.Random) -> str | None:
    words = [m for m in TOKEN.finditer(line) if WORD.match(m.group()) and m.group().islower()]
    if not words:
        return None
    m = rng.choice(words)
    return _replace(line, m, m.group()[0].upper() + m.group()[1:])


def noise_spacing_any(line: str, rng: random.Random) -> str | None:
    gaps = [m for m in re.finditer(r"(?<=[^\W\d_]) (?=[^\W\d_])", line)]
    if not gaps:
        return None
    m = rng.choice(gaps)
    return line[: m.start()] + "  " + line[m.end() :]


MORE_EDITS: dict[str, tuple[str, Callable[[str, random.Random], str | None]]] = {
    **{k: v for k, v in EDITS.items() if not k.startswith("tech-noise")},
    "tech-lone": ("different", tech_lone),
    "tech-noise-case": ("copy", noise_case_any),
    "tech-noise-punctuation": ("copy", noise_punctuation),
    "tech-noise-spacing": ("copy", noise_spacing_any),
}


def more_sources(rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for lang, count in MORE_LANGS.items():
        pages = files(f"/usr/share/man/{lang}", "man[158]/*.gz")
        lines = found.setdefault(lang, [])
        for page in sorted(rng.sample(pages, min(count, len(pages)))):
            lines += [(page, line) for line in lines_of_any(render_man(page))]
    # English lines for the one new kind: more pages of the first pass's sections
    english = found.setdefault("en", [])
    for section, count in MAN_SECTIONS.items():
        pages = files(f"/usr/share/man/man{section}", "*.gz")
        for page in sorted(rng.sample(pages, min(count * 3, len(pages)))):
            english += [(page, line) for line in lines_of(render_man(page))]
    return found


def build_more() -> list[dict[str, str]]:
    rng = random.Random(MORE_SEED)
    cases: list[dict[str, str]] = []
    for lang, lines in more_sources(rng).items():
        found = [(s, line) for s, line in lines if technical_tokens(line)]
        rng.shuffle(found)
        edits = {"tech-lone": MORE_EDITS["tech-lone"]} if lang == "en" else MORE_EDITS
        counts: dict[tuple[str, str], int] = {}
        used: set[str] = set()
        for source, line in found:
            for category, (label, edit) in edits.items():
                part = split_of(source, line)
                if counts.get((category, part), 0) >= PER_EDIT_MORE or line in used:
                    continue
                edited = edit(line, rng)
                if edited is None or edited == line:
                    continue
                if fuzz.ratio(key(line), key(edited)) < THRESHOLD:
                    continue
                used.add(line)
                counts[(category, part)] = counts.get((category, part), 0) + 1
                cases.append(
                    {
                        "a": line,
                        "b": edited,
                        "label": label,
                        "category": category,
                        "lang": lang,
                        "source": source,
                        "split": part,
                    }
                )
    return sorted(cases, key=lambda c: (c["lang"], c["split"], c["category"], c["source"], c["a"]))


def main() -> None:
    # The first pass's cases stay as they were drawn (this machine's packages have changed
    # since: the changelog and copyright lists it samples moved), unless asked: --all.
    if "--all" in sys.argv:
        cases = build()
    else:
        kept = (HERE / "technical.jsonl").read_text(encoding="utf-8").splitlines()
        cases = [c for c in map(json.loads, kept) if c["category"] != "tech-lone"]
        cases = [c for c in cases if c["lang"] == "en"]
    cases += build_more()
    with (HERE / "technical.jsonl").open("w", encoding="utf-8") as out:
        for case in cases:
            out.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")
    sys.stdout.write(f"{len(cases)} cases\n")


if __name__ == "__main__":
    main()
