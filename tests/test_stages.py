"""Sharded corpus runs on local processes give the bytes of one process; Parquet; shard names."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from processes import DEDUP, HANG_GUARD, dedup
from shards import BOILERPLATE, planted_documents, templated_documents, write_jsonl_shards

from dedup.batch import sharded as sharding
from dedup.batch.job import Job, Records
from dedup.batch.sharded import list_shards
from dedup.io.outputs import OutputDir

GOLDEN = Path(__file__).parent / "corpus_golden"
CASES = sorted(path.stem for path in GOLDEN.glob("*.args"))


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    directory = tmp_path_factory.mktemp("planted")
    write_jsonl_shards(directory / "shards", planted_documents(240, seed=5), 4)
    return directory


def outputs(run, directory: Path, args, *, monkeypatch) -> tuple[bytes, bytes, bytes]:
    """Run with ``args`` inside ``directory``; return stdout, the report and stderr."""
    monkeypatch.chdir(directory)
    code, out, err = run(*args, "--report", "report.jsonl", "--stats")
    assert code == 0, err
    return out, Path("report.jsonl").read_bytes(), err


ACROSS = {
    "alone": [],
    "across": ["--across"],
    "grouped": ["--across", "--threshold", "100"],
    "grouped-recurring": ["--across", "--threshold", "100", "--keep-recurring"],
}


@pytest.mark.parametrize("across", ACROSS.values(), ids=ACROSS)
def test_two_processes_write_the_bytes_of_one(run, planted, across, monkeypatch):
    shards = sorted(str(p.relative_to(planted)) for p in (planted / "shards").iterdir())
    one = outputs(run, planted, ["--jsonl", *across, *shards], monkeypatch=monkeypatch)
    two = outputs(
        run, planted, ["--jsonl", *across, "--jobs", "2", *shards], monkeypatch=monkeypatch
    )
    assert one == two
    _, report, stats = one
    # --stats without --report: once a different road (streamed, no most-repeated table) with
    # another table; it must print what the reporting run prints, on both executors.
    for jobs in (["--jobs", "1"], ["--jobs", "2"]):
        monkeypatch.chdir(planted)
        code, out, err = run("--jsonl", *across, *jobs, "--stats", *shards)
        assert (code, out, err) == (0, one[0], stats)
    removed = report.count(b"\n")
    assert removed > (250 if across else 40)  # the corpus really is planted
    assert b'"document": "shards/part-03.jsonl:' in report
    if across:  # a removal that repeats a paragraph kept in an earlier shard
        assert any(
            json.loads(line)["repeats"]["document"].split(":")[0]
            < json.loads(line)["document"].split(":")[0]
            for line in report.splitlines()
        )
    exact = sum(json.loads(line)["score"] == 100 for line in report.splitlines())
    # Every entry says why (exact, a near copy's change, a passage's short line) and where.
    for entry in map(json.loads, report.splitlines()):
        assert entry["reason"]
        assert 0 <= entry["start"] < entry["end"]
    assert re.search(rf"removed, exact +{exact:,}\n", stats)
    assert re.search(rf"removed, near +{removed - exact:,}\n", stats)


@pytest.mark.parametrize("case", CASES)
def test_golden_cases_with_two_processes(run, case):
    args = (GOLDEN / f"{case}.args").read_text().split()
    code, out, err = run(*args, "--jobs", "2", GOLDEN / f"{case}.jsonl")
    assert (code, err) == (0, "")
    assert out == (GOLDEN / f"{case}.expected.jsonl").read_bytes()


def test_a_directory_of_shards_is_read_in_order_and_written_under_the_same_names(
    run, planted, monkeypatch, tmp_path
):
    monkeypatch.chdir(planted)
    code, whole, _ = run("--jsonl", "--across", "shards/part-00.jsonl", *sorted(
        str(p.relative_to(planted)) for p in (planted / "shards").glob("part-0[123].jsonl")))  # fmt: skip
    assert code == 0
    out = tmp_path / "out"
    assert run("--jsonl", "--across", "--jobs", "2", "--output-dir", out, "shards")[0] == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"part-0{n}.jsonl" for n in range(4)]
    assert b"".join((out / name).read_bytes() for name in names) == whole
    # The same through a quoted glob, as for corpora with more shards than argv holds.
    assert run("--jsonl", "--across", "-j", "2", "shards/part-*.jsonl")[1] == whole
    # One naming rule under --output-dir: relative to the directory, or to the pattern's.
    again = tmp_path / "again"
    assert run("--jsonl", "--across", "--output-dir", again, "shards/part-*.jsonl")[0] == 0
    assert sorted(p.name for p in again.iterdir()) == names


def test_a_pattern_that_matches_nothing_is_a_missing_file(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run("--jsonl", "--jobs", "2", "nothing-*.jsonl")
    assert (code, out) == (2, b"")
    assert err.strip() == "dedup: nothing-*.jsonl: No such file or directory"


def test_two_inputs_onto_one_output_name_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for name in ("a/x.jsonl", "b/x.jsonl"):
        (tmp_path / name).write_text('{"text": "t"}\n')
    job = Job(
        inputs=(str(tmp_path / "a"), str(tmp_path / "b")),
        records=Records(),
        destination=OutputDir(str(tmp_path / "out")),
        on_bad_input="stop",
    )
    with pytest.raises(Exception, match=r"would write .*x\.jsonl twice"):
        list_shards(job)


def test_a_failing_shard_leaves_no_half_written_shard(run, planted, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = sorted((planted / "shards").iterdir())
    Path("in").mkdir()
    Path("good").mkdir()
    for number, path in enumerate(source):
        lines = path.read_bytes().splitlines(keepends=True)
        Path("good", path.name).write_bytes(b"".join(lines))
        if number == 2:  # a bad record in the middle of the third shard
            lines.insert(len(lines) // 2, b'{"text": 3}\n')
        Path("in", path.name).write_bytes(b"".join(lines))
    assert run("--jsonl", "--output-dir", "whole", "good")[0] == 0
    code, _, err = run("--jsonl", "--jobs", "2", "--output-dir", "out", "in")
    assert code == 2
    assert err.startswith("dedup: in/part-02.jsonl:")
    written = sorted(p.name for p in Path("out").rglob("*"))
    assert "part-02.jsonl" not in written
    assert {"part-00.jsonl", "part-01.jsonl"} <= set(written)  # done before the failure
    assert all(not name.startswith(".") for name in written)  # no temporary file left
    for name in written:  # every shard under its final name is whole
        assert Path("out", name).read_bytes() == Path("whole", name).read_bytes()


def parquet_shard(path: Path, texts: list[str | None]) -> pa.Table:
    table = pa.table(
        {
            "id": pa.array(range(len(texts)), type=pa.int64()),
            "text": pa.array(texts, type=pa.large_string()),
            "score": pa.array([i / 7 for i in range(len(texts))], type=pa.float32()),
            "tags": pa.array([[f"t{i}"] * (i % 3) for i in range(len(texts))]),
        }
    ).replace_schema_metadata({"source": "test"})
    pq.write_table(table, path, compression="zstd", row_group_size=16)
    return table


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_parquet_keeps_every_other_column_and_the_row_order(run, tmp_path, monkeypatch, jobs):
    monkeypatch.chdir(tmp_path)
    documents = planted_documents(80, seed=9)
    texts: list[str | None] = [*documents[:40], None, *documents[40:]]
    tables = [
        parquet_shard(Path("a.parquet"), texts[:50]),
        parquet_shard(Path("b.parquet"), texts[50:]),
    ]
    Path("docs.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in documents))
    code, jsonl_out, _ = run("--jsonl", "--across", "docs.jsonl")
    assert code == 0
    expected = [json.loads(line)["text"] for line in jsonl_out.splitlines()]
    args = ["--across", "--jobs", jobs, "--output-dir", "out", "--report", "r.jsonl"]
    code, out, err = run(*args, "a.parquet", "b.parquet")
    assert (code, out, err) == (0, b"", "")
    cleaned = [pq.read_table(Path("out", name)) for name in ("a.parquet", "b.parquet")]
    for before, after in zip(tables, cleaned, strict=True):
        assert after.schema == before.schema
        assert after.schema.metadata == before.schema.metadata
        assert after.drop_columns(["text"]).equals(before.drop_columns(["text"]))
    got = [t for table in cleaned for t in table.column("text").to_pylist()]
    assert got == [*expected[:40], None, *expected[40:]]  # what one process makes of JSONL
    assert got != texts
    assert b'"document": "b.parquet:' in Path("r.jsonl").read_bytes()
    assert pq.ParquetFile("out/a.parquet").metadata.row_group(0).column(1).compression == "ZSTD"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_parquet_to_one_file_by_row_groups_as_an_output_dir_writes_it(
    run, tmp_path, monkeypatch, jobs
):
    monkeypatch.chdir(tmp_path)
    texts: list[str | None] = [*planted_documents(60, seed=3)]
    texts[7] = None
    source = parquet_shard(Path("in.parquet"), texts)  # row groups of 16 rows
    args = ["--across", "--jobs", jobs, "--report", "r.jsonl"]
    code, out, err = run(*args, "-o", "clean.parquet", "in.parquet")
    assert (code, out, err) == (0, b"", "")
    code, _, _ = run(*args, "--output-dir", "out", "in.parquet")
    assert code == 0
    one, whole = pq.read_table("clean.parquet"), pq.read_table("out/in.parquet")
    assert one.equals(whole)
    assert one.schema == source.schema
    assert one.schema.metadata == source.schema.metadata
    assert one.column("text").to_pylist() != texts
    sizes = [pq.ParquetFile("clean.parquet").metadata.row_group(i).num_rows for i in range(4)]
    assert sizes == [16, 16, 16, 12]  # one output row group per input row group


def test_parquet_directory_in_and_out_under_the_same_relative_names(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    documents = planted_documents(48, seed=4)
    names = ["data/CC-MAIN-2024-10/000_00000.parquet", "data/CC-MAIN-2024-10/000_00001.parquet",
             "data/CC-MAIN-2024-18/000_00000.parquet"]  # fmt: skip
    for number, name in enumerate(names):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        parquet_shard(Path(name), documents[number * 16 : (number + 1) * 16])
    code, _, err = run("--across", "--jobs", "2", "--output-dir", "clean", "data")
    assert code == 0, err
    got = [t for name in names for t in pq.read_table(Path("clean", name[5:]))["text"].to_pylist()]
    Path("docs.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in documents))
    code, jsonl_out, _ = run("--jsonl", "--across", "docs.jsonl")
    assert got == [json.loads(line)["text"] for line in jsonl_out.splitlines()]


def test_parquet_without_a_parquet_output_is_refused(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    parquet_shard(Path("a.parquet"), ["One paragraph that is long enough.\n"])
    code, out, err = run("a.parquet")
    assert (code, out) == (2, b"")
    assert "Parquet output needs -o NAME.parquet or --output-dir (or --check)" in err
    code, out, err = run("-o", "b.parquet", "a.parquet", "a.parquet")
    assert (code, out, err) == (
        2,
        b"",
        "dedup: b.parquet: -o NAME.parquet takes one Parquet input\n",
    )
    assert not Path("b.parquet").exists()


def test_parquet_without_pyarrow_names_its_own_extra(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    parquet_shard(Path("a.parquet"), ["One paragraph that is long enough.\n"])
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if it were not installed
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    code, out, err = run("--output-dir", "out", "a.parquet")
    assert (code, out) == (2, b"")
    assert err == "dedup: Parquet input needs pyarrow: pip install '.[parquet]' in dedup's clone\n"


def test_engine_ray_without_ray_names_the_extra(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("Some text.\n")
    monkeypatch.setitem(sys.modules, "ray", None)  # as if it were not installed
    code, out, err = run("--engine", "ray", "a.txt")
    assert (code, out) == (2, b"")
    assert err == "dedup: --engine ray needs Ray: pip install '.[ray]' in dedup's clone\n"


def test_the_engine_is_parallel_only_when_asked():
    assert not Job().parallel
    assert not Job().sharded
    assert Job(jobs=0, on_bad_input="stop").sharded
    assert Job(jobs=0, on_bad_input="stop").parallel
    assert Job(engine="ray").sharded


def test_ctrl_c_leaves_only_whole_shards(tmp_path, reap):
    # Ctrl-C reaches the whole process group: the driver and every worker.
    write_jsonl_shards(tmp_path / "in", planted_documents(6000, seed=2), 30)
    whole = tmp_path / "whole"
    assert dedup("clean", "--jsonl", "--output-dir", "whole", "in", cwd=tmp_path).returncode == 0
    out = tmp_path / "out"
    child = subprocess.Popen(
        [*DEDUP, "clean", "--jsonl", "--jobs", "2", "--output-dir", "out", "in"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    reap(child)
    while child.poll() is None and not (out.exists() and any(out.rglob("part-*"))):
        time.sleep(0.01)
    os.killpg(child.pid, signal.SIGINT)
    _, err = child.communicate(timeout=HANG_GUARD)
    assert (child.returncode, err.strip()) == (130, b"")  # click ends the line Ctrl-C began
    written = sorted(p.name for p in out.rglob("*"))
    assert 1 <= len(written) < 30
    assert all(name.startswith("part-") for name in written)  # no temporary file left
    for name in written:
        assert (out / name).read_bytes() == (whole / name).read_bytes()


def test_exact_runs_on_several_processes_group_keys_instead_of_one_matcher(
    run, planted, monkeypatch
):
    monkeypatch.chdir(planted)
    expected = run("--jsonl", "--across", "--threshold", "100", "shards")

    def no_matcher(*args, **kwargs):
        raise AssertionError("the near stages ran")

    monkeypatch.setattr(sharding, "_staged", no_matcher)
    assert run("--jsonl", "--across", "--threshold", "100", "-j", "2", "shards") == expected
    assert expected[0] == 0
    assert expected[1].count(b"\n") > 200


def test_near_across_on_several_processes_decides_nothing_in_the_driver(run, planted, monkeypatch):
    from dedup.match import matcher

    monkeypatch.chdir(planted)
    expected = outputs(run, planted, ["--jsonl", "--across", "shards"], monkeypatch=monkeypatch)

    def no_matcher(*args, **kwargs):
        raise AssertionError("the driver built a matcher")

    monkeypatch.setattr(matcher.Matcher, "__init__", no_matcher)
    monkeypatch.setattr(matcher, "verify", no_matcher)
    two = ["--jsonl", "--across", "-j", "2", "shards"]
    assert outputs(run, planted, two, monkeypatch=monkeypatch) == expected


def test_text_files_on_two_processes_are_cleaned_as_one_process_cleans_them(
    run, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    names = []
    for number, text in enumerate(planted_documents(6, seed=4)):
        first = text.splitlines(keepends=True)[0]  # a repeat inside, and one across files
        Path(f"{number}.txt").write_text(f"{text}{first}\n{BOILERPLATE[0]}\n")
        names.append(f"{number}.txt")
    code, out, err = run(*names)
    assert (code, err) == (0, "")
    assert run("--jobs", "2", *names) == (0, out, "")
    assert run("--jobs", "2", "--across", *names)[1] != out  # --across does more


def test_jobs_with_in_place_is_a_usage_error(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("Some text.\n")
    code, _, err = run("--jobs", "2", "-i", "a.txt")
    assert code == 2
    assert "--jobs, --engine) use --output-dir and --report" in err


def test_stdin_cannot_be_a_shard_of_a_parallel_run(run):
    code, out, err = run("--jsonl", "--jobs", "2", input=b'{"text": "a"}\n')
    assert (code, out) == (2, b"")
    assert err == "dedup: <stdin>: --jobs and --engine need file arguments, not stdin\n"


def test_report_entries_name_the_line_and_text_of_an_original_in_another_shard(
    run, planted, monkeypatch
):
    shards = sorted(str(p.relative_to(planted)) for p in (planted / "shards").iterdir())
    _, report, _ = outputs(
        run, planted, ["--jsonl", "--across", "-j", "2", *shards], monkeypatch=monkeypatch
    )
    entries = [json.loads(line) for line in report.splitlines()]
    elsewhere = [
        e for e in entries if e["repeats"]["document"].split(":")[0] != e["document"].split(":")[0]
    ]
    assert elsewhere
    for entry in elsewhere:
        assert isinstance(entry["repeats"]["line"], int)
        assert entry["repeats"]["text"]  # the original's start, as one process reports it


def test_check_names_each_text_file_that_would_change_on_two_processes(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text(f"{BOILERPLATE[0]}\n{BOILERPLATE[1]}\n{BOILERPLATE[0]}\n")
    Path("b.txt").write_text(f"{BOILERPLATE[2]}\n")
    Path("c.txt").write_text(f"{BOILERPLATE[2]}\n{BOILERPLATE[2]}\n")
    one = run("--check", "--across", "a.txt", "b.txt", "c.txt")
    assert one == (1, b"", "would clean a.txt\nwould clean c.txt\n")
    assert run("--check", "-j", "2", "--across", "a.txt", "b.txt", "c.txt") == one
    assert run("--check", "-j", "2", "-q", "a.txt", "b.txt", "c.txt") == (1, b"", "")


def test_the_long_paragraph_warning_comes_once_from_two_processes(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    long = "word " * 2500 + "\n"  # over MAX_FUZZY_CHARS
    for name in ("a.txt", "b.txt"):
        Path(name).write_text(f"{long}\n{BOILERPLATE[0]}\n")
    one = run("--across", "a.txt", "b.txt")
    assert "2 paragraph(s) longer than 10,000 characters" in one[2]
    assert run("--across", "-j", "2", "a.txt", "b.txt") == one


def test_stale_temporaries_beside_output_shards_are_removed(run, planted, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("out").mkdir()
    stale = Path("out/.part-01.jsonl.abcd1234.tmp")
    fresh = Path("out/.part-01.jsonl.wxyz5678.tmp")  # maybe a live run's
    for path in (stale, fresh):
        path.write_text("partial")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    code, _, err = run("--jsonl", "-j", "2", "--output-dir", "out", planted / "shards")
    assert (code, err) == (0, "")
    assert not stale.exists()
    assert fresh.exists()
    assert Path("out/part-01.jsonl").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_drop_empty_leaves_out_the_records_and_rows_every_paragraph_left(
    run, tmp_path, monkeypatch, jobs
):
    monkeypatch.chdir(tmp_path)
    boiler = "Baca juga: Harga cabai naik menjelang lebaran tahun ini\n"
    story = "A story of its own, told only here and nowhere else.\n"
    texts = [boiler + story, boiler, "", story.upper() + boiler, "New words.\n"]
    Path("docs.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    parquet_shard(Path("rows.parquet"), texts)
    common = ["--across", "--jobs", jobs, "--stats"]
    code, _, err = run(*common, "--jsonl", "--output-dir", "kept", "docs.jsonl")
    assert code == 0, err
    lines = Path("kept/docs.jsonl").read_bytes().splitlines(keepends=True)
    for name in ("docs.jsonl", "rows.parquet"):
        code, _, err = run(*common, "--jsonl", "--drop-empty", "--output-dir", "out", name)
        assert code == 0, err
        assert re.search(r"emptied records dropped +2\n", err)
    # The emptied records (all boilerplate, all a repeat) go; an empty one read in stays.
    assert Path("out/docs.jsonl").read_bytes() == b"".join(lines[i] for i in (0, 2, 4))
    table = pq.read_table("out/rows.parquet")
    assert table.column("text").to_pylist() == [boiler + story, "", "New words.\n"]
    # The other columns go with their rows.
    assert table.column("score").to_pylist() == [pytest.approx(i / 7) for i in (0, 2, 4)]


def test_drop_empty_needs_records(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("Some text.\n")
    code, out, err = run("--drop-empty", "a.txt")
    assert (code, out) == (2, b"")
    assert "--drop-empty needs --jsonl (or Parquet input)" in err


@pytest.mark.parametrize("across", ACROSS.values(), ids=ACROSS)
def test_one_big_jsonl_file_as_byte_ranges_gives_the_bytes_of_one_process(
    run, planted, across, monkeypatch
):
    monkeypatch.chdir(planted)
    shards = sorted((planted / "shards").iterdir())
    Path("big.jsonl").write_bytes(b"".join(path.read_bytes() for path in shards) + b"\n")
    one = outputs(run, planted, ["--jsonl", *across, "big.jsonl"], monkeypatch=monkeypatch)
    job = Job(inputs=("big.jsonl",), records=Records(), jobs=2, shard_size=16 * 1024)
    pieces = list_shards(job)
    assert len(pieces) > 4  # the file really is cut
    assert [p.start for p in pieces[1:]] == [p.end for p in pieces[:-1]]
    data = Path("big.jsonl").read_bytes()
    lines = data.splitlines(keepends=True)
    for piece in pieces:  # each piece starts with a whole line, and knows its number
        assert data[piece.start :].startswith(lines[piece.first_line - 1])
        assert data[: piece.start].count(b"\n") == piece.first_line - 1
    split = ["--jsonl", *across, "--jobs", "2", "--shard-size", "16K", "big.jsonl"]
    assert outputs(run, planted, split, monkeypatch=monkeypatch) == one
    code, _, err = run(*split, "--output-dir", "out")
    assert code == 0, err
    assert Path("out/big.jsonl").read_bytes() == one[0]
    assert [p.name for p in Path("out").iterdir()] == ["big.jsonl"]  # no part left behind


@pytest.mark.parametrize("across", [[], ["--across"], ["--across", "--threshold", "100"]])
def test_a_sharded_run_tells_its_listener_each_stage_in_shard_order(planted, across):
    from dedup.batch.job import Listener
    from dedup.batch.run import run as run_job
    from dedup.io.outputs import Nowhere
    from dedup.options import Options

    class Stages(Listener):
        def __init__(self):
            self.seen = []

        def stage(self, name, done, total):
            self.seen.append((name, done, total))

    listener = Stages()
    options = Options(threshold=100) if "100" in across else Options()
    job = Job(inputs=(str(planted / "shards"),), options=options, across=bool(across),
              records=Records(), destination=Nowhere(), on_bad_input="stop", jobs=2)  # fmt: skip
    run_job(job, listener)
    written = [(n, d, t) for n, d, t in listener.seen if n == "written"]
    assert written == [("written", done, 4) for done in range(1, 5)]
    before = {"--across": ("resolved", 1, 1), "100": ("grouped", 4, 4)}
    if across:
        assert listener.seen[: listener.seen.index(written[0])][-1] == before[across[-1]]
    if across == ["--across"]:  # every stage of near --across, each shard (or bucket) in turn
        names = list(dict.fromkeys(n for n, _, _ in listener.seen))
        assert names == ["prepared", "grouped", "banded", "paired", "verified", "resolved",
                         "written"]  # fmt: skip


def test_a_bad_record_in_a_later_piece_leaves_neither_the_copy_nor_a_part(
    run, planted, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    shards = sorted((planted / "shards").iterdir())
    Path("big.jsonl").write_bytes(b"".join(p.read_bytes() for p in shards) + b'{"text": 7}\n')
    lines = Path("big.jsonl").read_bytes().count(b"\n")
    args = ["--jsonl", "--jobs", "2", "--shard-size", "8K", "--output-dir", "out", "big.jsonl"]
    code, stdout, err = run(*args)
    assert (code, stdout) == (2, b"")
    assert err.startswith(f"dedup: big.jsonl:{lines}: ")  # one process's line number
    assert not Path("out").exists() or list(Path("out").iterdir()) == []  # no copy, no part


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """Past the matcher's small-input part (SMALL_INPUT distinct keys), where the band index
    proposes the candidates: planted near copies, and one template in every later document
    (all its copies near each other: one giant component)."""
    directory = tmp_path_factory.mktemp("large")
    documents = planted_documents(500, seed=31) + templated_documents(400, seed=32)
    write_jsonl_shards(directory / "shards", documents, 5)
    big = b"".join(p.read_bytes() for p in sorted((directory / "shards").iterdir()))
    (directory / "big.jsonl").write_bytes(big)
    return directory


def test_near_stages_past_the_small_input_part_give_the_bytes_of_one_process(
    run, large, monkeypatch
):
    from dedup.match.matcher import SMALL_INPUT

    monkeypatch.chdir(large)
    shards = sorted(str(p.relative_to(large)) for p in (large / "shards").iterdir())
    one = outputs(run, large, ["--jsonl", "--across", *shards], monkeypatch=monkeypatch)
    _, report, stats = one
    entries = [json.loads(line) for line in report.splitlines()]
    near = [e for e in entries if e["score"] < 100]
    paragraphs = int(re.search(r"paragraphs in +([\d,]+)", stats)[1].replace(",", ""))
    assert paragraphs > 2 * SMALL_INPUT
    late = [e for e in near if e["document"] >= "shards/part-02"]
    assert len(near) > 60  # near copies on both sides of the small-input boundary
    assert len(late) > 20
    templated = [e for e in entries if e["text"].startswith("Berlangganan")]
    assert len(templated) > 300  # the giant component: every later template copy goes
    assert sum(e["score"] < 100 for e in templated) >= 10
    for args in (["--jobs", "2", "shards"], ["shards"]):
        assert outputs(run, large, ["--jsonl", "--across", *args], monkeypatch=monkeypatch) == one
    # One big file: in one process, and cut into byte ranges (the report names the file).
    whole = outputs(run, large, ["--jsonl", "--across", "big.jsonl"], monkeypatch=monkeypatch)
    assert whole[0] == one[0]
    cut = ["--jsonl", "--across", "--jobs", "2", "--shard-size", "64K", "big.jsonl"]
    assert outputs(run, large, cut, monkeypatch=monkeypatch) == whole


def test_the_resolve_stage_measures_its_rounds(large, tmp_path):
    from dedup.batch.executors import InProcess
    from dedup.batch.job import Listener
    from dedup.batch.sharded import near_stages, spec_for
    from dedup.batch.shards import WriteTask
    from dedup.io.outputs import Nowhere

    job = Job(inputs=(str(large / "shards"),), across=True, records=Records(),
              destination=Nowhere(), on_bad_input="stop")  # fmt: skip
    tasks = [WriteTask(shard, spec_for(job)) for shard in list_shards(job)]
    timings: dict[str, float] = {}
    written, measured = near_stages(InProcess(), tasks, Listener(), str(tmp_path), timings)
    assert all(task.with_decisions().decisions for task in written)
    assert list(timings) == ["prepare", "exact", "bands", "candidates", "verify", "resolve"]
    # Decisions wait for earlier ones (a copy for its original, a passage for the paragraph
    # before), but the longest chain is far shorter than deciding one paragraph at a time.
    assert 1 < measured.rounds < measured.removed / 20
    assert measured.pairs > 300
    assert {"keys", "exact", "first", "band", "pairs", "verdicts", "decisions"} <= set(
        measured.shuffled
    )
