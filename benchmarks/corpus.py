"""A seeded corpus with planted exact and near copies, built from text that is on every machine.

Sources: the docstrings of Python's own standard library (walked with ``inspect``) and the
license texts in /usr/share/common-licenses. Their paragraphs and sentences are recombined into
distinct "original" paragraphs; then, in a seeded order, ~15% of output lines are exact copies
and ~10% near copies (a typo, quote style, punctuation, a word inserted or removed, whitespace,
case) of an earlier original, from the same document or an earlier one.

Ground truth: every planted copy should be removed, every original kept. Two things make that
hold by construction: originals are filtered to be pairwise far apart (no two reach
``fuzz.ratio`` 80 after normalisation, checked with dedup's own matcher at threshold 80), and a
near copy is re-drawn until its normalised text is within ``fuzz.ratio`` >= 90 of its source
(dedup's default threshold) with the same numbers. Keys are at least 40 characters.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import pkgutil
import random
import re
import sys
import warnings
from pathlib import Path

from rapidfuzz import fuzz

from dedup.match.matcher import Matcher, score
from dedup.text.normalize import key

DATA = Path(__file__).parent / "data"
EXACT_SHARE = 0.15
NEAR_SHARE = 0.10
MIN_KEY_CHARS = 40
_SKIP_MODULES = {"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo", "pydoc_data"}
_WORD = re.compile(r"[A-Za-z]{3,}")


def _docstrings() -> list[str]:
    """Every docstring of the stdlib's public modules, classes, functions and methods."""
    docs: list[str] = []
    seen: set[int] = set()
    names = sorted(n for n in sys.stdlib_module_names if not n.startswith("_"))
    names += _submodules(names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            if name in _SKIP_MODULES:
                continue
            try:
                module = importlib.import_module(name)
            except Exception:  # platform-specific or optional modules simply do not import
                continue
            stack: list[object] = [module]
            while stack:
                obj = stack.pop()
                if id(obj) in seen:
                    continue
                seen.add(id(obj))
                doc = getattr(obj, "__doc__", None)
                if isinstance(doc, str):
                    docs.append(inspect.cleandoc(doc))
                if inspect.ismodule(obj) or inspect.isclass(obj):
                    for member_name, member in sorted(vars(obj).items()):
                        if member_name.startswith("_"):
                            continue
                        documented = inspect.isclass(member) or inspect.isroutine(member)
                        if documented and getattr(member, "__module__", name) == module.__name__:
                            stack.append(member)
    return docs


def _submodules(packages: list[str]) -> list[str]:
    out = []
    for name in packages:
        if name in _SKIP_MODULES:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for info in pkgutil.walk_packages(spec.submodule_search_locations, name + "."):
            parts = info.name.split(".")
            if not any(p.startswith("_") or p in {"test", "tests"} for p in parts):
                out.append(info.name)
    return sorted(out)


def _licenses() -> list[str]:
    folder = Path("/usr/share/common-licenses")
    if not folder.is_dir():
        return []
    return [p.read_text(errors="replace") for p in sorted(folder.iterdir()) if p.is_file()]


def source_paragraphs() -> list[str]:
    """Real paragraphs, one line each, in a fixed order."""
    out = []
    for text in _docstrings() + _licenses():
        for block in re.split(r"\n\s*\n", text):
            line = " ".join(block.split())
            if len(line) >= MIN_KEY_CHARS:
                out.append(line)
    return out


def originals(count: int, rng: random.Random) -> list[str]:
    """Return ``count`` paragraphs, pairwise below ratio 80 after normalisation.

    The real paragraphs come first (shuffled); the rest are written by a word-trigram Markov
    chain trained on them, so they read like docstrings without repeating them.
    """
    real = list(dict.fromkeys(source_paragraphs()))
    rng.shuffle(real)
    chain = _Chain(real)
    out = _far_apart([], real[:count])
    while len(out) < count:
        need = count - len(out)
        batch = [chain.paragraph(rng) for _ in range(need + need // 10 + 100)]
        out += _far_apart(out, [p for p in batch if len(key(p)) >= MIN_KEY_CHARS])
    return out[:count]


class _Chain:
    """A word-trigram Markov chain: (w1, w2) -> the words that followed them."""

    def __init__(self, paragraphs: list[str]) -> None:
        self.follow: dict[tuple[str, str], list[str]] = {}
        self.starts: list[tuple[str, str]] = []
        for p in paragraphs:
            words = p.split()
            if len(words) < 3:
                continue
            self.starts.append((words[0], words[1]))
            for a, b, c in zip(words, words[1:], words[2:], strict=False):
                self.follow.setdefault((a, b), []).append(c)

    def paragraph(self, rng: random.Random) -> str:
        a, b = rng.choice(self.starts)
        words = [a, b]
        limit = int(rng.lognormvariate(3.2, 0.6)) + 6
        while len(words) < limit:
            nxt = self.follow.get((a, b))
            if not nxt:
                a, b = rng.choice(self.starts)
                words += [a, b]
                continue
            c = rng.choice(nxt)
            words.append(c)
            a, b = b, c
        return " ".join(words)


def _far_apart(kept: list[str], new: list[str]) -> list[str]:
    matcher = Matcher(threshold=80, min_chars=0)
    matcher.feed([key(p) for p in kept])
    removed = {m.index - len(kept) for m in matcher.feed([key(p) for p in new])}
    return [p for i, p in enumerate(new) if i not in removed]


def near_copy(text: str, rng: random.Random) -> str:
    """Return an edited copy of ``text`` that dedup's default threshold should still catch."""
    for _ in range(50):
        copy = text
        for _ in range(rng.choice((1, 1, 2))):
            copy = rng.choice(_EDITS)(copy, rng)
        a, b = key(text), key(copy)
        if copy != text and score(a, b, threshold=90) and fuzz.ratio(a, b) >= 90:
            return copy
    return text.upper() if text.upper() != text else text + " "


def _typo(text: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    i = rng.choice(letters)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + rng.choice("etaoinshrdlu") + text[i:]
    if kind == 2:
        return text[:i] + rng.choice("etaoinshrdlu") + text[i + 1 :]
    return text[:i] + text[i + 1 : i + 2] + text[i] + text[i + 2 :]


def _quotes(text: str, rng: random.Random) -> str:
    if "'" in text or '"' in text:
        return text.replace("'", "\u2019").replace('"', "\u201c")
    return text.replace("-", "\u2014") if "-" in text else _punctuation(text, rng)


def _punctuation(text: str, rng: random.Random) -> str:
    spaces = [i for i, c in enumerate(text) if c == " "]
    if text.endswith(".") and rng.random() < 0.5:
        return text[:-1]
    if not spaces:
        return text + "."
    i = rng.choice(spaces)
    return text[:i] + rng.choice(",;:") + text[i:]


def _word(text: str, rng: random.Random) -> str:
    words = list(_WORD.finditer(text))
    if words and rng.random() < 0.5:
        w = rng.choice(words)
        return (text[: w.start()] + text[w.end() :]).replace("  ", " ", 1)
    spaces = [i for i, c in enumerate(text) if c == " "] or [len(text)]
    i = rng.choice(spaces)
    return text[:i] + " " + rng.choice(("very", "also", "then", "just", "often", "the")) + text[i:]


def _whitespace(text: str, rng: random.Random) -> str:
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces or rng.random() < 0.3:
        return "  " + text + " \t"
    i = rng.choice(spaces)
    return text[:i] + rng.choice(("  ", "\t", "\u00a0", "   ")) + text[i + 1 :]


def _case(text: str, rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        return text.upper()
    if choice == 1:
        return text.lower()
    return text.title()


_EDITS = (_typo, _typo, _quotes, _punctuation, _word, _word, _whitespace, _case)


def generate(paragraphs: int, *, seed: int = 1) -> Path:
    """Write the corpus (documents + truth.jsonl) under benchmarks/data/; return its folder.

    The corpus is cached: the same ``paragraphs`` and ``seed`` give the same files.
    """
    folder = DATA / f"planted-{paragraphs}-s{seed}"
    if (folder / "truth.json").exists():
        return folder
    rng = random.Random(seed)
    fresh = originals(int(paragraphs * (1 - EXACT_SHARE - NEAR_SHARE)) + 1000, rng)
    folder.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []  # every output line, in corpus order
    kind: list[str] = []
    source: list[int] = []
    original_ids: list[int] = []  # ids of original lines emitted so far
    doc_starts: list[int] = []
    while len(lines) < paragraphs:
        doc_starts.append(len(lines))
        doc_size = min(rng.randint(100, 2000), paragraphs - len(lines))
        doc_originals: list[int] = []
        for _ in range(doc_size):
            roll = rng.random()
            pool = doc_originals if doc_originals and rng.random() < 0.5 else original_ids
            if pool and roll < EXACT_SHARE + NEAR_SHARE:
                of = rng.choice(pool)
                exact = roll < EXACT_SHARE
                lines.append(lines[of] if exact else near_copy(lines[of], rng))
                kind.append("exact" if exact else "near")
                source.append(of)
            else:
                original_ids.append(len(lines))
                doc_originals.append(len(lines))
                lines.append(fresh.pop())
                kind.append("original")
                source.append(-1)
    names = []
    for d, start in enumerate(doc_starts):
        end = doc_starts[d + 1] if d + 1 < len(doc_starts) else len(lines)
        name = f"doc{d:05d}.txt"
        (folder / name).write_text("".join(line + "\n" for line in lines[start:end]))
        names.append(name)
    truth = {"documents": names, "doc_starts": doc_starts, "kind": kind, "source": source}
    (folder / "truth.json").write_text(json.dumps(truth))
    return folder


if __name__ == "__main__":
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
