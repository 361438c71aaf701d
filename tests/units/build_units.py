"""Build the fixtures of ``tests/test_units_real.py``: real records from this machine.

Run from the repository root (``python tests/units/build_units.py``); it rewrites the files here,
the same bytes on the same machine (seeded, sorted file lists, nothing from a network), and
never runs dedup. The selection is mechanical, not by eye, so the rules are tested on text
nobody picked for them:

- ``fortunes.txt``: fortunes that hold a blank line (one record of several stanzas), drawn
  with a seeded RNG from every fortune file under /usr/share/games/fortunes (Debian's
  ``fortunes`` and ``fortunes-de``), each followed by its ``%`` line;
- ``man-<page>.txt``: man pages rendered as a reader sees them (``man -l`` at 80 columns
  through ``col -bx``, as benchmarks/false_removals.py reads them), drawn with a seeded RNG
  from the pages of /usr/share/man/man1 whose rendering has an option entry (a line that
  starts with ``-`` at the body indent) with a description of two paragraphs or more.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
from pathlib import Path

HERE = Path(__file__).parent
SEED = 6
FORTUNES = 24
MAN_PAGES = 4
SEPARATOR = re.compile(r"^%%?\n", re.MULTILINE)


def fortunes(rng: random.Random) -> str:
    root = Path("/usr/share/games/fortunes")
    found: list[str] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink() or path.suffix in (".dat", ".u8"):
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        for record in SEPARATOR.split(text):
            body = record.strip("\n")
            if re.search(r"\n[ \t]*\n", body) and "\ufffd" not in body and len(body) < 1500:
                found.append(body + "\n")
    return "".join(r + "%\n" for r in rng.sample(found, FORTUNES))


def render(page: Path) -> str:
    env = {**os.environ, "LC_ALL": "C.UTF-8", "MANWIDTH": "80"}
    man = subprocess.run(["man", "-l", str(page)], capture_output=True, env=env, check=False)
    col = subprocess.run(["col", "-bx"], input=man.stdout, capture_output=True, check=False)
    return col.stdout.decode("utf-8", "replace")


ENTRY = re.compile(r"^ {7}-\S.*\n(?: {8,}\S.*\n)+\n(?: {8,}\S.*\n)+", re.MULTILINE)
"""An option entry at the body indent whose description has two paragraphs or more."""


def man_pages(rng: random.Random) -> dict[str, str]:
    pages = sorted(p for p in Path("/usr/share/man/man1").glob("*.1.gz") if not p.is_symlink())
    chosen: dict[str, str] = {}
    for page in rng.sample(pages, len(pages)):
        if page.name.startswith("gcloud"):  # their pages were read while making the rule
            continue
        text = render(page)
        if "\ufffd" not in text and 2_000 < len(text) < 20_000 and ENTRY.search(text):
            chosen[page.name.removesuffix(".1.gz")] = text
        if len(chosen) == MAN_PAGES:
            break
    return chosen


def main() -> None:
    rng = random.Random(SEED)
    (HERE / "fortunes.txt").write_text(fortunes(rng), encoding="utf-8")
    for old in HERE.glob("man-*.txt"):
        old.unlink()
    for name, text in man_pages(rng).items():
        (HERE / f"man-{name}.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
