"""The fault matrix: hostile and careless runs, each one line on stderr, a code, nothing lost.

Every row is a shell script run in a fresh directory holding the corpus below (``$DEDUP`` is
the command, ``$PYTHON`` the interpreter running the tests), with what it must end with: the
exit status, the whole of stderr (a regular expression), and which files must still hold
exactly what they held before (by default every file the corpus starts with; a row names the
ones it is allowed to create or change in ``changes``). Special files (``mkfifo``) are made by
the script itself and must still be special afterwards (``special``).

To add a case: add a row. Real processes, since FIFOs, ``/dev/stdout`` and pipes exist only
there; each row is small and fast.
"""

from __future__ import annotations

import json
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from dedup import clean
from tests.processes import environment, shell

PARAGRAPH = "A paragraph that says something, long enough to be compared with the others."
OTHER = "Another paragraph altogether, which says a different thing about the weather."
TEXT = f"{PARAGRAPH}\n\n{OTHER}\n\n{PARAGRAPH}\n"


def _jsonl(*texts: str) -> bytes:
    return "".join(json.dumps({"id": n, "text": t}) + "\n" for n, t in enumerate(texts)).encode()


_LONE = TEXT.replace("something", "something \\ud800")
"""A text whose JSON holds a lone surrogate escape, which json loads and UTF-8 cannot hold."""


def _parquet_with_invalid_utf8() -> bytes:
    """A Parquet shard whose second row's text is not UTF-8 (Arrow writes it unchecked)."""
    import io
    from array import array

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [TEXT.encode(), b"caf\xe9 " + TEXT.encode(), TEXT.encode()]
    offsets = array("i", [0])
    for row in rows:
        offsets.append(offsets[-1] + len(row))
    buffers = [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(rows))]
    text = pa.Array.from_buffers(pa.string(), len(rows), buffers)
    sink = io.BytesIO()
    pq.write_table(pa.table({"id": [1, 2, 3], "text": text}), sink)
    return sink.getvalue()


CORPUS: dict[str, bytes] = {
    "a.jsonl": _jsonl(TEXT, OTHER),
    "in.jsonl": _jsonl(TEXT),
    "x.jsonl": _jsonl(TEXT, "x"),
    "out/x.jsonl": _jsonl("the second x, a document of its own", TEXT),
    "a.txt": TEXT.encode(),
    "corp/a.jsonl": _jsonl(TEXT),
    "corp/sub/b.jsonl": _jsonl(OTHER, TEXT),
    "deep.jsonl": b'{"text": "a", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n" + _jsonl(TEXT),
    "digits.jsonl": b'{"text": "a", "n": ' + b"7" * 5000 + b"}\n" + _jsonl(TEXT),
    "lone.jsonl": b'{"id": 0, "text": "'
    + json.dumps(_LONE)[1:-1].replace("\\\\u", "\\u").encode()
    + b'"}\n',
    "bad.parquet": _parquet_with_invalid_utf8(),
}

CLEANED = clean(TEXT).text
"""What the corpus's repeated text becomes; these tests are about what else happens."""
CLEANED_A = _jsonl(CLEANED, OTHER)


@dataclass(frozen=True)
class Fault:
    """One row: a script, its exit status and stderr, and what it may change."""

    script: str
    code: int
    stderr: str = ""
    """A regular expression for the whole of stderr (``re.fullmatch``, ``re.S``)."""
    changes: tuple[str, ...] = ()
    """Corpus files, or new files, that the run may create or change."""
    special: tuple[str, ...] = ()
    """Names that are special files (FIFOs, ...) before the run and must stay so."""
    stdout: bytes | None = None
    """The exact stdout, when it matters."""
    expect: tuple[tuple[str, bytes], ...] = ()
    """Files that must hold exactly these bytes afterwards."""


SAME = "are the same file; each output needs its own\n"
IN_PLACE = "-i edits a file in place\n"
OUT_OF_MEMORY = (
    "dedup: out of memory: the input needs more than this process may use (RAM, ulimit -v); "
    "no file was replaced or left half written\n"
)
_BIG = "head -c 83886080 /dev/zero | tr '\\0' x"
"""80 MiB of one paragraph, made by the script: more than dedup can hold under the limit."""
_LIMIT_KB = 120_000
"""Room for Python and dedup's imports (a small run needs under 100 MB), not for the input."""

FAULTS: dict[str, Fault] = {
    # -- item 1: one rule for every file dedup writes -----------------------------------------
    "--report onto its input, spelled otherwise": Fault(
        "$DEDUP clean --jsonl --report ./in.jsonl in.jsonl",
        2,
        re.escape("dedup: in.jsonl: input file is output file (--report ./in.jsonl)\n"),
    ),
    "--report onto the -o file, spelled otherwise": Fault(
        "$DEDUP clean --jsonl --report out.jsonl -o ./out.jsonl a.jsonl",
        2,
        re.escape("dedup: --report out.jsonl and -o ./out.jsonl " + SAME),
    ),
    "--report onto an --output-dir copy": Fault(
        "$DEDUP clean --jsonl --report out/a.jsonl --output-dir out a.jsonl",
        2,
        re.escape("dedup: --report out/a.jsonl and --output-dir out/a.jsonl " + SAME),
    ),
    "--report onto a symlink to the input": Fault(
        "ln -s in.jsonl link && $DEDUP clean --jsonl --report link in.jsonl",
        2,
        re.escape("dedup: in.jsonl: input file is output file (--report link)\n"),
        changes=("link",),
    ),
    "--report onto a hard link of the input": Fault(
        "ln in.jsonl hard && $DEDUP clean --jsonl --report hard in.jsonl",
        2,
        re.escape("dedup: in.jsonl: input file is output file (--report hard)\n"),
        changes=("hard",),
    ),
    "--report onto stdout's file": Fault(
        "$DEDUP clean --jsonl --report log a.jsonl > log",
        2,
        re.escape("dedup: --report log and stdout " + SAME),
        changes=("log",),
        expect=(("log", b""),),
    ),
    "--output-dir copy onto a later input": Fault(
        "$DEDUP clean --jsonl --output-dir out x.jsonl out/x.jsonl",
        2,
        re.escape("dedup: out/x.jsonl: input file is output file (--output-dir out/x.jsonl)\n"),
    ),
    "--output-dir copy onto a later input, as shards": Fault(
        "$DEDUP clean --jsonl --jobs 2 --output-dir out x.jsonl out/x.jsonl",
        2,
        re.escape("dedup: out/x.jsonl: input file is output file (--output-dir out/x.jsonl)\n"),
    ),
    "--output-dir inside the input directory is not read": Fault(
        "$DEDUP clean --jsonl --output-dir corp/clean corp && "
        "$DEDUP clean --jsonl --output-dir corp/clean corp",
        0,
        changes=("corp/clean/a.jsonl", "corp/clean/sub/b.jsonl"),
        expect=(("corp/clean/a.jsonl", _jsonl(CLEANED)),),
    ),
    "--report /dev/null stays the device": Fault(
        "$DEDUP clean --jsonl --report /dev/null a.jsonl && test -c /dev/null",
        0,
        stdout=CLEANED_A,
    ),
    "--report onto a FIFO reaches its reader": Fault(
        "mkfifo pipe && { cat pipe > got & } && "
        "$DEDUP clean --jsonl --report pipe a.jsonl && wait && test -p pipe && test -s got",
        0,
        changes=("pipe", "got"),
        stdout=CLEANED_A,
    ),
    "--report /dev/stdout into a pipe": Fault(
        "$DEDUP clean --jsonl --check --report /dev/stdout a.jsonl | cat > got; "
        'test "${PIPESTATUS[0]}" = 1 && grep -q \'"document": "a.jsonl:1"\' got',
        0,
        changes=("got",),
    ),
    "--report /dev/stdout beside the product on stdout": Fault(
        "set -o pipefail; $DEDUP clean --jsonl --report /dev/stdout a.jsonl | cat",
        2,
        re.escape("dedup: --report /dev/stdout and stdout " + SAME),
        stdout=b"",
    ),
    "-o onto its input, spelled otherwise": Fault(
        "$DEDUP clean -o ./a.txt a.txt",
        2,
        re.escape("dedup: a.txt: input file is output file (-o ./a.txt); " + IN_PLACE),
    ),
    "-o onto a hard link of its input": Fault(
        "ln a.txt hard && $DEDUP clean -o hard a.txt",
        2,
        re.escape("dedup: a.txt: input file is output file (-o hard); " + IN_PLACE),
        changes=("hard",),
    ),
    "-o onto a symlink to its input, as shards": Fault(
        "ln -s in.jsonl link && $DEDUP clean --jsonl --jobs 2 -o link in.jsonl",
        2,
        re.escape("dedup: in.jsonl: input file is output file (-o link); " + IN_PLACE),
        changes=("link",),
    ),
    "-o onto stdin's file": Fault(
        "$DEDUP clean -o a.txt < a.txt",
        2,
        re.escape("dedup: <stdin>: input file is output file (-o a.txt); " + IN_PLACE),
    ),
    "--report /dev/stdout into a pipe, with -o": Fault(
        "$DEDUP clean --jsonl -o out.jsonl --report /dev/stdout a.jsonl | cat > got; "
        'test "${PIPESTATUS[0]}" = 0 && grep -q \'"document": "a.jsonl:1"\' got',
        0,
        changes=("got", "out.jsonl"),
        expect=(("out.jsonl", CLEANED_A),),
    ),
    "-o /dev/stdout appended to the input": Fault(
        "$DEDUP clean -o /dev/stdout a.txt >> a.txt",
        2,
        re.escape("dedup: a.txt: input file is output file (-o /dev/stdout); " + IN_PLACE),
    ),
    # -- item 3: nothing hangs in a shard directory ------------------------------------------
    "a FIFO in a shard directory is skipped": Fault(
        "mkfifo corp/sub/pipe && $DEDUP clean --jsonl --output-dir clean corp",
        0,
        re.escape("dedup: warning: corp/sub/pipe: a FIFO, not a regular file; skipped\n"),
        changes=("clean/a.jsonl", "clean/sub/b.jsonl", "corp/sub/pipe"),
        special=("corp/sub/pipe",),
    ),
    "a symlinked directory in a shard directory is not followed": Fault(
        "ln -s .. corp/sub/up && $DEDUP clean --jsonl --output-dir clean corp",
        0,
        re.escape("dedup: warning: corp/sub/up: symlinked directory, not followed; skipped\n"),
        changes=("clean/a.jsonl", "clean/sub/b.jsonl", "corp/sub/up"),
    ),
    "a FIFO matched by a glob is skipped": Fault(
        "mkfifo corp/pipe.jsonl && $DEDUP clean --jsonl --output-dir clean 'corp/*.jsonl'",
        0,
        re.escape("dedup: warning: corp/pipe.jsonl: a FIFO, not a regular file; skipped\n"),
        changes=("clean/a.jsonl", "corp/pipe.jsonl"),
    ),
    # -- item 2: memory exhaustion is one line and its own code, the input intact ------------
    "-i out of memory (ulimit -v)": Fault(
        f"{_BIG} > h.txt && cp h.txt h.orig && (ulimit -v {_LIMIT_KB}; exec $DEDUP clean -i h.txt);"
        " code=$?; cmp -s h.txt h.orig && exit $code",
        71,
        re.escape(OUT_OF_MEMORY),
        changes=("h.txt", "h.orig"),
    ),
    "the same limit leaves room for a small -i": Fault(
        f"(ulimit -v {_LIMIT_KB}; exec $DEDUP clean -i a.txt)",
        0,
        changes=("a.txt",),
        expect=(("a.txt", CLEANED.encode()),),
    ),
    "a record out of memory (ulimit -v), with -o and --report": Fault(
        f"{{ printf '{{\"text\": \"'; {_BIG}; printf '\"}}\\n'; }} > h.jsonl && "
        f"(ulimit -v {_LIMIT_KB}; exec $DEDUP clean --jsonl -o out.jsonl --report r h.jsonl)",
        71,
        re.escape(OUT_OF_MEMORY),
        changes=("h.jsonl",),
    ),
    # -- item 6: what json cannot load is a bad record, never exit 70 -------------------------
    "nesting too deep for json": Fault(
        "$DEDUP clean --jsonl deep.jsonl",
        2,
        re.escape("dedup: deep.jsonl:1: not loadable: nested too deeply for Python's json ")
        + ".*--skip-bad-records.*\n",
        stdout=b"",
    ),
    "nesting too deep for json, skipped": Fault(
        "$DEDUP clean --jsonl --skip-bad-records deep.jsonl > got && cmp -s got deep.jsonl",
        1,  # cmp: the good record lost its repeat; the bad line went through as it was
        re.escape("dedup: warning: deep.jsonl:1: not loadable: nested too deeply for Python's ")
        + "json; passed through unchanged\n",
        changes=("got",),
    ),
    "a 5,000-digit integer in another field": Fault(
        "$DEDUP clean --jsonl digits.jsonl",
        2,
        "dedup: digits.jsonl:1: not loadable: exceeds the limit \\(4300 digits\\) .*\n",
        stdout=b"",
    ),
    "a 5,000-digit integer, skipped, across shards": Fault(
        "$DEDUP clean --jsonl --skip-bad-records --jobs 2 --output-dir clean digits.jsonl",
        0,
        "dedup: warning: digits.jsonl:1: not loadable: .*; passed through unchanged\n",
        changes=("clean/digits.jsonl",),
    ),
    "a lone surrogate escape": Fault(
        "$DEDUP clean --jsonl --stats lone.jsonl",
        2,
        re.escape('dedup: lone.jsonl:1: "text" holds \\ud800, a lone surrogate ') + ".*\n",
        stdout=b"",
    ),
    "a lone surrogate escape, skipped, with --stats": Fault(
        "$DEDUP clean --jsonl --stats --skip-bad-records lone.jsonl > got && cmp got lone.jsonl",
        0,
        re.escape('dedup: warning: lone.jsonl:1: "text" holds \\ud800, a lone surrogate ')
        + ".*; passed through unchanged\n.*bad records passed through +1\n",
        changes=("got",),
    ),
    "invalid UTF-8 in a Parquet text column": Fault(
        "$DEDUP clean --output-dir clean bad.parquet",
        2,
        re.escape("dedup: bad.parquet:2: text is not valid UTF-8 (byte 0xe9 at 3) ")
        + ".*--skip-bad-records.*\n",
    ),
    "invalid UTF-8 in a Parquet text column, skipped": Fault(
        "$DEDUP clean --skip-bad-records --output-dir clean bad.parquet && "
        "$PYTHON -c 'import sys, pyarrow.parquet as pq; "
        'rows = [pq.read_table(p).column("text").cast("binary").to_pylist() for p in sys.argv[1:]]; '
        "sys.exit(rows[0][1] != rows[1][1] or len(rows[1][0]) >= len(rows[0][0]))' "
        "bad.parquet clean/bad.parquet",
        0,
        re.escape("dedup: warning: bad.parquet:2: text is not valid UTF-8 (byte 0xe9 at 3); ")
        + "passed through unchanged\n",
        changes=("clean/bad.parquet",),
    ),
}


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_fault(fault: Fault, tmp_path: Path) -> None:
    for name, data in CORPUS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    before = _snapshot(tmp_path)
    done = shell(fault.script, cwd=tmp_path, env=environment(PYTHON=sys.executable))
    stderr = done.stderr.decode("utf-8", "backslashreplace")
    assert done.returncode == fault.code, stderr
    assert re.fullmatch(fault.stderr, stderr, re.S), stderr
    assert "Traceback" not in stderr
    if fault.stdout is not None:
        assert done.stdout == fault.stdout
    after = _snapshot(tmp_path)
    for name, data in before.items():
        if name not in fault.changes:
            assert after.get(name) == data, f"{name} changed"
    for name in set(after) - set(before) - set(fault.changes):
        pytest.fail(f"{name} was left behind")
    for name in fault.special:
        assert not stat.S_ISREG((tmp_path / name).lstat().st_mode)
    for name, data in fault.expect:
        assert (tmp_path / name).read_bytes() == data
