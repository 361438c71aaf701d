"""Every road a document can take gives the same outcome: output bytes, report and ``--stats``.

The roads: the API, a file argument, stdin, ``-o``, ``--output-dir``, a JSON Lines record,
``--split line``, ``--threshold 100``, ``--across`` with and without ``--report``, a directory
(stages in this process), ``--jobs 2`` and Ray. Documents come from the shared strategies;
the option values drawn include ``--split line`` and ``--threshold 100``, which take the exact
line path and the exact grouping of a sharded run.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import documents

from dedup import Options, clean, clean_bytes, clean_documents
from dedup.text.decoding import decode, encode

pytestmark = (
    pytest.mark.slow
)  # every road, many examples each: not in the inner loop (-m 'not slow')

ROAD_OPTIONS = st.builds(
    Options,
    threshold=st.sampled_from([90, 100]),
    min_chars=st.sampled_from([0, 20]),
    split=st.sampled_from(["auto", "line", "block"]),
    keep_recurring=st.booleans(),
)
"""Options every road takes; ``-a`` is passed too, since the documents hold stray bytes."""

SETTINGS = settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)


def flags(options: Options) -> list[str]:
    return [
        "--text",
        "--threshold",
        str(options.threshold),
        "--min-chars",
        str(options.min_chars),
        "--split",
        options.split,
        "--keep-recurring" if options.keep_recurring else "--remove-recurring",
    ]


def in_directory(run, directory: Path, args, stdin=b""):
    """Run ``dedup clean ARGS`` inside ``directory`` (a fresh one per example)."""
    directory.mkdir(parents=True, exist_ok=True)
    previous = Path.cwd()
    try:
        os.chdir(directory)
        return run(*args, input=stdin)
    finally:
        os.chdir(previous)


@SETTINGS
@given(data=documents(), options=ROAD_OPTIONS)
def test_one_document_is_the_same_on_every_road(run, tmp_path, data, options):
    here = Path(tempfile.mkdtemp(dir=tmp_path))
    (here / "doc.txt").write_bytes(data)
    expected = clean_bytes(data, options)
    args = flags(options)
    assert in_directory(run, here, [*args, "doc.txt"]) == (0, expected, "")
    assert in_directory(run, here, args, stdin=data) == (0, expected, "")
    assert in_directory(run, here, [*args, "-o", "out.txt", "doc.txt"])[:2] == (0, b"")
    assert (here / "out.txt").read_bytes() == expected
    assert in_directory(run, here, [*args, "--output-dir", "clean", "doc.txt"])[:2] == (0, b"")
    assert (here / "clean" / "doc.txt").read_bytes() == expected
    # As a directory: the stages of a sharded run, in this process.
    (here / "shards").mkdir()
    (here / "shards" / "doc.txt").write_bytes(data)
    assert in_directory(run, here, [*args, "shards"]) == (0, expected, "")


@SETTINGS
@given(data=documents(), options=ROAD_OPTIONS)
def test_a_json_lines_record_is_cleaned_as_its_text(run, tmp_path, data, options):
    here = Path(tempfile.mkdtemp(dir=tmp_path))
    text = data.decode("utf-8", "surrogateescape")
    (here / "docs.jsonl").write_text(json.dumps({"id": "a", "text": text}) + "\n")
    code, out, err = in_directory(run, here, [*flags(options), "--jsonl", "docs.jsonl"])
    assert (code, err) == (0, "")
    assert json.loads(out)["text"] == clean(text, options).text


def corpus_outcomes(run, here: Path, args: list[str], inputs: list[str]):
    """Output bytes, report bytes and --stats of a corpus run inside ``here``."""
    code, out, err = in_directory(
        run, here, [*args, "--report", "report.jsonl", "--stats", *inputs]
    )
    assert code == 0, err
    return out, (here / "report.jsonl").read_bytes(), err


@SETTINGS
@given(
    texts=st.lists(documents(), min_size=1, max_size=3),
    options=ROAD_OPTIONS,
)
def test_across_documents_every_road_agrees(run, tmp_path, texts, options):
    here = Path(tempfile.mkdtemp(dir=tmp_path))
    (here / "shards").mkdir()
    names = [f"shards/{n}.txt" for n in range(len(texts))]
    for name, data in zip(names, texts, strict=True):
        (here / name).write_bytes(data)
    args = [*flags(options), "--across"]
    decoded = [decode(data) for data in texts]
    results = clean_documents([d.text for d in decoded], options, across=True)
    expected = b"".join(encode(r.text, d.bom) for r, d in zip(results, decoded, strict=True))
    # --across alone: streamed or whole, the output is the API's, and no --report is needed
    # for the --stats tables to be those of the runs that report.
    code, alone, alone_stats = in_directory(run, here, [*args, "--stats", *names])
    assert (code, alone) == (0, expected)
    with_report = corpus_outcomes(run, here, args, names)
    assert with_report[0] == expected
    assert with_report[2] == alone_stats
    assert corpus_outcomes(run, here, args, ["shards"]) == with_report
    assert corpus_outcomes(run, here, [*args, "--jobs", "2"], names) == with_report


def test_ray_agrees_with_one_process(run, tmp_path, monkeypatch):
    # Ray starts in seconds: one fixed corpus, through the same comparison as above.
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    (tmp_path / "shards").mkdir()
    repeated = "A paragraph that every document repeats, word for word, at its end.\n"
    for n in range(3):
        text = f"Document {n} opens with news of its own, told once.\n\n{repeated}"
        (tmp_path / "shards" / f"{n}.txt").write_text(text)
    args = ["--across"]
    expected = corpus_outcomes(run, tmp_path, args, ["shards"])
    assert expected[1].count(b"\n") == 2  # the two later copies of the repeated paragraph
    assert corpus_outcomes(run, tmp_path, [*args, "--engine", "ray"], ["shards"]) == expected


@pytest.mark.parametrize("threshold", ["90", "100"])
def test_stats_tables_of_a_directory_and_of_its_files_are_the_same(run, tmp_path, threshold):
    (tmp_path / "d").mkdir()
    repeated = "The same long paragraph, in both files and twice in the first.\n"
    (tmp_path / "d" / "a.txt").write_text(repeated * 2)
    (tmp_path / "d" / "b.txt").write_text(repeated + "Something only the second file says.\n")
    args = ["--threshold", threshold, "--stats"]
    files = in_directory(run, tmp_path, [*args, "d/a.txt", "d/b.txt"])
    assert in_directory(run, tmp_path, [*args, "d"]) == files
    assert in_directory(run, tmp_path, [*args, "--jobs", "2", "d"]) == files
    assert "d/b.txt" in files[2]
