"""Corpus mode through the command line: stdout bytes, stderr and exit code, each on its own."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner

from dedup.cli.launch import run_command as _main

GOLDEN = Path(__file__).parent / "corpus_golden"
CASES = sorted(path.stem for path in GOLDEN.glob("*.args"))

BOILERPLATE = "Baca juga: Harga cabai naik menjelang lebaran tahun ini\n"
FIRST = f"Presiden meresmikan jembatan baru di Kalimantan.\n{BOILERPLATE}"
SECOND = f"{BOILERPLATE}Kafe kecil di Bandung ramai dikunjungi wisatawan.\n"


def jsonl(*texts, **extra):
    return "".join(
        json.dumps({"id": f"d{n}", "text": t, **extra}) + "\n" for n, t in enumerate(texts)
    )


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text(FIRST)
    Path("b.txt").write_text(SECOND)
    Path("docs.jsonl").write_text(jsonl(FIRST, SECOND))
    return tmp_path


@pytest.mark.parametrize("case", CASES)
def test_golden_jsonl(run, case):
    args = (GOLDEN / f"{case}.args").read_text().split()
    code, out, err = run(*args, str(GOLDEN / f"{case}.jsonl"))
    assert (code, err) == (0, "")
    assert out == (GOLDEN / f"{case}.expected.jsonl").read_bytes()


def test_goldens_keep_every_other_field_and_escape(corpus):
    # The golden expectations themselves: one record out per record in, other fields equal.
    for case in CASES:
        field = "body" if "--field" in (GOLDEN / f"{case}.args").read_text() else "text"
        before = (GOLDEN / f"{case}.jsonl").read_bytes().splitlines()
        after = (GOLDEN / f"{case}.expected.jsonl").read_bytes().splitlines()
        assert len(before) == len(after)
        for old, new in zip(before, after, strict=True):
            if old.strip():
                old_record, new_record = json.loads(old), json.loads(new)
                old_record.pop(field)
                new_record.pop(field)
                assert old_record == new_record
    assert b'"y=\\u00e9"' not in (GOLDEN / "jsonl-escapes.expected.jsonl").read_bytes()
    assert b"y=\\u00e9" in (GOLDEN / "jsonl-escapes.expected.jsonl").read_bytes()
    assert b'"score":0.50' in (GOLDEN / "jsonl-escapes.expected.jsonl").read_bytes()


def test_a_record_with_nothing_removed_is_written_back_byte_for_byte(run, corpus):
    line = b'{ "text" :"Alone, \\u00e9 and \xc3\xa9\\r\\n", "n":1.0 }\r\n'
    Path("one.jsonl").write_bytes(line * 1)
    assert run("--jsonl", "one.jsonl") == (0, line, "")


def test_across_removes_what_an_earlier_document_kept_in_argument_order(run, corpus):
    assert run("--across", "a.txt", "b.txt") == (
        0,
        (FIRST + SECOND.replace(BOILERPLATE, "")).encode(),
        "",
    )
    assert run("--across", "b.txt", "a.txt") == (
        0,
        (SECOND + FIRST.replace(BOILERPLATE, "")).encode(),
        "",
    )
    assert run("--report", "r.jsonl", "a.txt", "b.txt") == (0, (FIRST + SECOND).encode(), "")


def test_across_records_in_order_and_alone_without_it(run, corpus):
    code, out, _ = run("--jsonl", "--across", "docs.jsonl")
    assert code == 0
    assert [json.loads(line)["text"] for line in out.splitlines()] == [
        FIRST,
        SECOND.replace(BOILERPLATE, ""),
    ]
    assert run("--jsonl", "docs.jsonl") == (0, Path("docs.jsonl").read_bytes(), "")


def test_report_names_each_removal_and_what_it_repeats(run, corpus):
    Path("c.jsonl").write_text(jsonl(FIRST, SECOND + BOILERPLATE, lang="id"))
    assert run("--jsonl", "--across", "--report", "removed.jsonl", "c.jsonl")[0] == 0
    entries = [json.loads(line) for line in Path("removed.jsonl").read_text().splitlines()]
    original = {"document": "c.jsonl:1", "id": "d0", "paragraph": 1, "line": 2, "text": BOILERPLATE}
    second = len(SECOND.encode())  # the third paragraph starts where SECOND ends
    size = len(BOILERPLATE.encode())
    assert entries == [
        {"document": "c.jsonl:2", "id": "d1", "paragraph": 0, "line": 1, "start": 0, "end": size,
         "repeats": original, "score": 100.0, "reason": "exact", "text": BOILERPLATE},
        {"document": "c.jsonl:2", "id": "d1", "paragraph": 2, "line": 3, "start": second,
         "end": second + size, "repeats": original, "score": 100.0, "reason": "exact",
         "text": BOILERPLATE},
    ]  # fmt: skip


def test_report_gives_a_near_removal_its_reason_and_byte_offsets(run, corpus):
    # A BOM and a non-ASCII letter before the removal: offsets count bytes, not characters.
    first = "Über die Brücke fuhr der Zug um acht Uhr morgens ab.\n"
    copy = "Über die Brücke fuhr der Zug um acht Uhr morgnes ab.\n"
    data = b"\xef\xbb\xbf" + (first + "\n" + copy).encode()
    Path("bom.txt").write_bytes(data)
    assert run("--report", "r.jsonl", "bom.txt")[0] == 0
    [entry] = [json.loads(line) for line in Path("r.jsonl").read_text().splitlines()]
    assert data[entry["start"] : entry["end"]] == copy.encode()
    assert entry["reason"].startswith("copy noise")


def test_report_of_files_and_near_repeats(run, corpus):
    Path("b.txt").write_text(BOILERPLATE.replace("lebaran", "Lebaran!"))
    assert run("--across", "--report", "r.jsonl", "a.txt", "b.txt")[0] == 0
    [entry] = [json.loads(line) for line in Path("r.jsonl").read_text().splitlines()]
    assert entry["document"] == "b.txt"
    assert entry["repeats"] == {"document": "a.txt", "paragraph": 1, "line": 2, "text": BOILERPLATE}
    assert 90 <= entry["score"] < 100
    assert "id" not in entry


def test_report_to_stderr_leaves_stdout_as_it_was(run, corpus):
    plain = run("--jsonl", "--across", "docs.jsonl")
    code, out, err = run("--jsonl", "--across", "--report", "-", "docs.jsonl")
    assert (code, out) == (0, plain[1])
    assert [json.loads(line)["document"] for line in err.splitlines()] == ["docs.jsonl:2"]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (b"not json\n", "not a JSON object"),
        (b'{"title": "no text"}\n', 'no "text" field'),
        (b'{"text": 7}\n', '"text" is a number, not a string'),
    ],
)
def test_a_bad_record_is_an_error_naming_its_line(run, corpus, line, why):
    Path("bad.jsonl").write_bytes(Path("docs.jsonl").read_bytes() + line)
    code, out, err = run("--jsonl", "bad.jsonl", "-o", "out.jsonl")
    assert code == 2
    assert err == f"dedup: bad.jsonl:3: {why} (--skip-bad-records passes such records through)\n"
    assert out == b""
    assert not Path("out.jsonl").exists()  # -o is written whole or not at all


def test_skip_bad_records_passes_them_through_with_a_warning(run, corpus):
    data = Path("docs.jsonl").read_bytes()
    Path("bad.jsonl").write_bytes(b"oops\n" + data + b'{"text": null}')
    code, out, err = run("--jsonl", "--skip-bad-records", "bad.jsonl")
    assert (code, out) == (0, b"oops\n" + data + b'{"text": null}')
    assert err.splitlines() == [
        "dedup: warning: bad.jsonl:1: not a JSON object; passed through unchanged",
        'dedup: warning: bad.jsonl:4: "text" is null, not a string; passed through unchanged',
    ]
    assert run("--jsonl", "--skip-bad-records", "-q", "bad.jsonl") == (0, out, "")


@pytest.mark.parametrize(
    ("suffix", "unpack"),
    [(".gz", gzip.decompress), (".zst", zstandard.ZstdDecompressor().decompressobj().decompress)],
)
def test_compressed_in_and_out(run, corpus, suffix, unpack):
    expected = run("--jsonl", "--across", "docs.jsonl")[1]
    assert run("--jsonl", "--across", "docs.jsonl", "-o", f"out.jsonl{suffix}")[0] == 0
    packed = Path(f"out.jsonl{suffix}").read_bytes()
    assert unpack(packed) == expected
    # Read back by magic bytes: from a file, under a misleading name, and from stdin.
    Path("misnamed.jsonl").write_bytes(packed)
    assert run("--jsonl", "misnamed.jsonl") == (0, expected, "")
    assert run("--jsonl", "-", input=packed) == (0, expected, "")


def test_plain_mode_reads_compressed_text(run, corpus):
    Path("a.txt.gz").write_bytes(gzip.compress((FIRST + FIRST).encode()))
    assert run("a.txt.gz") == (0, FIRST.encode(), "")
    code, _, err = run("-i", "a.txt.gz")
    assert (code, err) == (2, "dedup: a.txt.gz: compressed; -i cannot rewrite it, use -o\n")


def test_a_truncated_file_stops_the_run_with_its_name(run, corpus):
    Path("cut.jsonl.gz").write_bytes(gzip.compress(Path("docs.jsonl").read_bytes() * 50)[:-30])
    code, _, err = run("--jsonl", "cut.jsonl.gz", "-o", "out.jsonl")
    assert code == 2
    assert err.startswith("dedup: cut.jsonl.gz: corrupt gzip data (")
    assert not Path("out.jsonl").exists()


def test_output_dir_writes_copies_under_the_same_relative_names(run, corpus):
    Path("news/2017").mkdir(parents=True)
    Path("news/2017/c.jsonl.gz").write_bytes(gzip.compress(Path("docs.jsonl").read_bytes()))
    args = ["--jsonl", "--across", "--output-dir", "clean", "docs.jsonl", "news/2017/c.jsonl.gz"]
    assert run(*args) == (0, b"", "")
    first = Path("clean/docs.jsonl").read_bytes()
    assert first == run("--jsonl", "docs.jsonl", "--across")[1]
    # Across both files, the second holds nothing new: every paragraph repeats the first file.
    second = gzip.decompress(Path("clean/news/2017/c.jsonl.gz").read_bytes())
    assert [json.loads(line)["text"] for line in second.splitlines()] == ["", ""]


def test_output_dir_places_outside_names_by_what_they_share(run, corpus, tmp_path):
    # /data/crawl/*.txt or ../other/*.txt: named relative to the directory they share.
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    (elsewhere / "news").mkdir(parents=True)
    (elsewhere / "blog").mkdir()
    (elsewhere / "news" / "a.txt").write_text(FIRST)
    (elsewhere / "blog" / "b.txt").write_text(FIRST + FIRST)
    absolute = str(elsewhere / "news" / "a.txt")
    climbing = os.path.relpath(elsewhere / "blog" / "b.txt")
    assert climbing.startswith("..")
    code, out, err = run("--output-dir", "clean", absolute, climbing)
    assert (code, out, err) == (0, b"", "")
    assert Path("clean/news/a.txt").read_text() == FIRST
    assert Path("clean/blog/b.txt").read_text() == run(climbing)[1].decode()


def test_output_dir_refuses_outside_names_that_collide(run, corpus, tmp_path):
    # A directory's a.txt and a file a.txt given alone from elsewhere: both would be clean/a.txt.
    elsewhere = tmp_path.parent / f"{tmp_path.name}-collide"
    elsewhere.mkdir()
    (elsewhere / "a.txt").write_text(FIRST)
    Path("d").mkdir()
    Path("d/a.txt").write_text(FIRST)
    code, out, err = run("--output-dir", "clean", "d", str(elsewhere / "a.txt"))
    assert (code, out) == (2, b"")
    assert "--output-dir would write clean/a.txt twice" in err
    assert not Path("clean").exists()


def test_output_dir_refuses_to_overwrite_its_input(run, corpus):
    code, _, err = run("--output-dir", ".", "a.txt")
    assert (code, err) == (2, "dedup: a.txt: input file is output file (--output-dir ./a.txt)\n")
    assert Path("a.txt").read_text() == FIRST


def test_check_and_stats_for_a_corpus(run, corpus):
    code, out, err = run("--jsonl", "--across", "--check", "--stats", "docs.jsonl")
    assert (code, out) == (1, b"")
    assert "documents" in err
    assert "paragraphs out    3" in err
    assert "removed, exact    1" in err
    assert "Baca juga: Harga cabai naik menjelang lebaran tahun ini" in err
    assert run("--jsonl", "--check", "docs.jsonl") == (0, b"", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--field", "body", "a.txt"], "--field needs --jsonl"),
        (["--jsonl", "-i", "docs.jsonl"], "-i, --diff and -v work on text files one by one"),
        (["--across", "--diff", "a.txt"], "-i, --diff and -v work on text files one by one"),
        (["--output-dir", "x", "-o", "y", "a.txt"], "--output-dir cannot be combined with -o"),
        (["--output-dir", "x"], "--output-dir needs FILE arguments"),
        (["--report", "r", "-o", "r", "a.txt"], "--report r and -o r are the same file"),
        (["--report", "a.txt", "a.txt"], "a.txt: input file is output file (--report a.txt)"),
    ],
)
def test_usage_errors(run, corpus, args, message):
    code, out, err = run(*args)
    assert (code, out) == (2, b"")
    assert message in err


def test_no_progress_bar_and_nothing_on_stderr_when_not_a_terminal(run, corpus):
    # CliRunner's stderr is not a terminal: a long run stays silent there.
    Path("many.jsonl").write_text(
        jsonl(*[f"Story number {n} of many, told once.\n" for n in range(500)])
    )
    code, out, err = run("--jsonl", "--across", "many.jsonl")
    assert (code, err) == (0, "")
    assert out == Path("many.jsonl").read_bytes()


def test_same_file_as_stdout_is_refused(corpus):
    with Path("docs.jsonl").open("ab") as handle:
        fd = os.dup(1)
        os.dup2(handle.fileno(), 1)
        try:
            with CliRunner().isolation() as (_, err, __):
                import sys

                sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 (the real fd 1)
                code = _main(["clean", "--jsonl", "--across", "docs.jsonl"])
        finally:
            os.dup2(fd, 1)
            os.close(fd)
    assert code == 2
    assert err.getvalue().decode() == "dedup: docs.jsonl: input file is output file\n"


def test_the_real_command_keeps_its_exit_codes(corpus):
    # Through `python -m dedup`, not CliRunner: click's non-standalone return path included.
    import subprocess
    import sys

    def status(*args):
        command = [sys.executable, "-m", "dedup", "clean", *args]
        return subprocess.run(command, capture_output=True, check=False).returncode

    Path("twice.txt").write_text(FIRST + FIRST)
    assert status("--check", "twice.txt") == 1
    assert status("--check", "a.txt") == 0
    assert status("missing.txt") == 2
    assert status("--jsonl", "--across", "--check", "docs.jsonl") == 1


def test_report_shows_a_long_original_as_a_bounded_sample(run, corpus):
    long = "Kalimat panjang yang diulang di beberapa dokumen berita. " * 10 + "\n"
    Path("long.jsonl").write_text(jsonl("Awal cerita pertama.\n" + long, long))
    assert run("--jsonl", "--across", "--report", "r.jsonl", "long.jsonl")[0] == 0
    [entry] = [json.loads(line) for line in Path("r.jsonl").read_text().splitlines()]
    assert entry["text"] == long
    assert len(entry["repeats"]["text"]) == 200
    assert entry["repeats"]["text"] == long[:199] + "…"
    assert entry["repeats"]["line"] == 2
