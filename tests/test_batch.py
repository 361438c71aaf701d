"""``dedup.batch.local`` without the command line: a Job in, counts out, every input by one road."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from dedup import Options
from dedup.batch.job import Job, Listener, Records
from dedup.batch.run import run
from dedup.errors import DedupError, InputError, OutputError
from dedup.io.outputs import InPlace, Nowhere, OutputDir, OutputFile

A = "The council approved the harbour budget on Monday evening.\n"
B = "Residents asked for more money for the ferry service today.\n"


def record(text: str) -> str:
    return json.dumps({"text": text}) + "\n"


class Recorder(Listener):
    """Keeps what a run says, for the assertions."""

    def __init__(self):
        self.cleaned_names: list[str] = []
        self.failures: list[DedupError] = []
        self.warnings: list[str] = []

    def done(self, document, outcome):  # every road, whole or streamed: once per document
        self.cleaned_names.append(document.name)

    def warn(self, message):
        self.warnings.append(message)

    def failed(self, error):
        self.failures.append(error)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text(A + B + A)
    Path("b.txt").write_text(B + A)
    return tmp_path


def test_plain_files_and_records_take_the_same_road(here):
    Path("d.jsonl").write_text(record(A + B + A))
    plain = run(Job(inputs=("a.txt",), destination=OutputFile("plain.txt")))
    records = run(Job(inputs=("d.jsonl",), records=Records(), destination=OutputFile("r.jsonl")))
    assert Path("plain.txt").read_text() == A + B
    assert Path("r.jsonl").read_text() == record(A + B)
    assert (plain.documents, plain.removed) == (records.documents, records.removed) == (1, 1)


def test_across_and_alone(here):
    alone = run(Job(inputs=("a.txt", "b.txt"), destination=Nowhere()))
    across = run(Job(inputs=("a.txt", "b.txt"), across=True, destination=Nowhere()))
    assert (alone.removed, across.removed) == (1, 3)


def test_a_bad_input_goes_on_or_stops_as_the_job_says(here):
    recorder = Recorder()
    job = Job(inputs=("missing.txt", "a.txt"), destination=Nowhere())
    tally = run(job, recorder)
    assert (tally.failed, tally.documents) == (1, 1)
    assert [type(e) for e in recorder.failures] == [InputError]
    assert recorder.cleaned_names == ["a.txt"]
    with pytest.raises(InputError, match=r"missing\.txt"):
        run(Job(inputs=("missing.txt", "a.txt"), destination=Nowhere(), on_bad_input="stop"))


def test_an_output_file_is_left_as_it_was_when_an_input_failed(here):
    Path("out.txt").write_text("before\n")
    with pytest.raises(OutputError, match="left as it was"):
        run(Job(inputs=("a.txt", "missing.txt"), destination=OutputFile("out.txt")))
    assert Path("out.txt").read_text() == "before\n"


def test_output_compressed_by_its_name(here):
    run(Job(inputs=("a.txt",), destination=OutputFile("out.txt.gz")))
    assert gzip.decompress(Path("out.txt.gz").read_bytes()).decode() == A + B


def test_in_place_and_output_dir(here):
    run(Job(inputs=("a.txt",), destination=OutputDir("clean")))
    assert Path("clean/a.txt").read_text() == A + B
    assert Path("a.txt").read_text() == A + B + A
    tally = run(Job(inputs=("a.txt", "b.txt"), destination=InPlace()))
    assert Path("a.txt").read_text() == A + B
    assert Path("b.txt").read_text() == B + A  # nothing to remove: not rewritten
    assert tally.bytes_in - tally.bytes_out == len(A)


def test_options_travel_with_the_job(here):
    near = A.replace("evening.", "evening!")
    Path("n.txt").write_text(A + near)
    assert run(Job(inputs=("n.txt",), destination=Nowhere())).removed == 1
    exact_only = Job(inputs=("n.txt",), options=Options(threshold=100), destination=Nowhere())
    assert run(exact_only).removed == 0


def test_skipped_records_are_counted_and_warned_about(here):
    Path("d.jsonl").write_text('{"text": "fine, and long enough here"}\nnot json\n')
    recorder = Recorder()
    job = Job(inputs=("d.jsonl",), records=Records(skip_bad=True), destination=Nowhere())
    tally = run(job, recorder)
    assert tally.skipped_records == 1
    assert recorder.warnings == ["d.jsonl:2: not a JSON object; passed through unchanged"]


class Watching(Recorder):
    """Also keeps the progress calls and the files that changed."""

    def __init__(self):
        super().__init__()
        self.documents_seen: list[int] = []
        self.changed_names: list[str] = []

    def progress(self, tally, position):
        self.documents_seen.append(tally.documents)

    def done(self, document, outcome):
        super().done(document, outcome)
        if document.record is None and outcome.changed:  # a text file: what --check names
            self.changed_names.append(document.name)


def test_a_parallel_job_runs_as_shards_and_tells_its_listener(here):
    Path("d.jsonl").write_text(record(A + B + A) + '{"text": 1}\n' + record(B + A))
    records = Records(skip_bad=True)
    one, two = Watching(), Watching()
    job = Job(inputs=("d.jsonl",), across=True, records=records, destination=OutputFile("1.jsonl"))
    plain = run(job, one)
    parallel = Job(
        inputs=("d.jsonl",),
        across=True,
        records=records,
        destination=OutputFile("2.jsonl"),
        on_bad_input="stop",
        jobs=2,
    )
    assert parallel.sharded
    assert run(parallel, two) == plain
    assert Path("2.jsonl").read_bytes() == Path("1.jsonl").read_bytes()
    assert (
        two.warnings
        == one.warnings
        == ['d.jsonl:2: "text" is a number, not a string; passed through unchanged']
    )
    assert two.documents_seen[-1] == 2
    texts = run(
        Job(inputs=("a.txt", "b.txt"), destination=Nowhere(), on_bad_input="stop", jobs=2), two
    )
    assert texts.removed == 1
    assert two.changed_names == ["a.txt"]


def test_a_parallel_job_refuses_what_writes_one_file_at_a_time():
    with pytest.raises(ValueError, match="no diff, no in-place"):
        Job(inputs=("a.txt",), destination=InPlace(), jobs=2)
    with pytest.raises(ValueError, match="no diff, no in-place"):
        Job(inputs=("a.txt",), diff=True, engine="ray")
    with pytest.raises(ValueError, match="jobs must be"):
        Job(jobs=-1)
