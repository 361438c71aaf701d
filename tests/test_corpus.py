"""Corpus mode without the command line: order, memory shape and streaming."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup import Options, clean, clean_documents
from dedup.batch.job import Job, Listener, Records
from dedup.batch.local import _Outputs, _Road
from dedup.batch.run import run
from dedup.corpus import Cleaner, Document, Ledger
from dedup.errors import InputError
from dedup.io.files import output_path
from dedup.io.outputs import InPlace, Nowhere, OutputDir, Sink

LINES = st.sampled_from(
    [
        "Baca juga: harga cabai naik lagi menjelang lebaran\n",
        "Baca juga: harga cabai naik lagi menjelang Lebaran!\n",
        "Ikuti kami di media sosial untuk kabar terbaru\n",
        "Story text that belongs to one article only.\n",
        "Another story line, different from the rest.\n",
        "\n",
        "short\n",
    ]
)
DOCUMENTS = st.lists(st.lists(LINES, max_size=6).map("".join), min_size=1, max_size=6)


@given(DOCUMENTS)
def test_without_across_each_document_is_cleaned_as_clean_would(texts):
    cleaner = Cleaner(Options(), across=False, report=None)
    for n, text in enumerate(texts):
        assert cleaner.clean(Document(f"d{n}"), text).text == clean(text).text


@given(DOCUMENTS)
def test_across_equals_cleaning_everything_with_one_matcher(texts):
    # The cleaner's documents, fed in turn to one matcher, decide what the bare matcher decides
    # when fed the same documents: a paragraph goes if it repeats one kept earlier, in this or
    # any earlier document (context and short paragraphs stay within a document).
    cleaner = Cleaner(Options(), across=True, report=None)
    removed_ids = []
    offset = 0
    for n, text in enumerate(texts):
        result = cleaner.clean(Document(f"d{n}"), text)
        removed_ids += [offset + m.index for m in result.removed]
        offset += len(result.paragraphs)
    from dedup.match.matcher import Matcher
    from dedup.text.normalize import key
    from dedup.text.paragraphs import split

    matcher = Matcher.from_options(Options())
    expected = [
        m.index for t in texts for m in matcher.feed([key(t[p.start : p.end]) for p in split(t)])
    ]
    assert removed_ids == expected


def test_report_entries_point_at_the_earliest_kept_copy():
    entries = []
    cleaner = Cleaner(Options(), across=True, report=entries.append)
    boiler = "Ikuti kami di media sosial untuk kabar terbaru\n"
    cleaner.clean(Document("a.txt"), "Only in a, nothing else here.\n" + boiler)
    cleaner.clean(Document("b.txt"), boiler)  # keeps nothing: not an original for anyone
    cleaner.clean(Document("c.jsonl", 3, "x"), "A line of c that is its own.\n" + boiler)
    kept = {"document": "a.txt", "paragraph": 1, "line": 2, "text": boiler}
    assert [(e["document"], e["paragraph"], e["repeats"]) for e in entries] == [
        ("b.txt", 0, kept),
        ("c.jsonl:3", 1, kept),
    ]
    assert entries[1]["id"] == "x"
    assert cleaner.tally.documents == 3
    assert (cleaner.tally.paragraphs, cleaner.tally.removed, cleaner.tally.exact) == (5, 2, 2)


def test_ledger_maps_ids_back_by_bisection():
    ledger = Ledger()
    ledger.add(0, Document("a"))
    ledger.add(5, Document("b"))
    ledger.add(6, Document("c"))
    assert [ledger.locate(i) for i in (0, 4, 5, 6, 99)] == [
        (Document("a"), 0),
        (Document("a"), 4),
        (Document("b"), 0),
        (Document("c"), 0),
        (Document("c"), 93),
    ]


class Watched:
    """A record stream that checks each record was written before the next one is read."""

    def __init__(self, lines, sink):
        self.lines = lines
        self.sink = sink

    def __iter__(self):
        for number, line in enumerate(self.lines):
            assert self.sink.getvalue().count(b"\n") == number, "a record was held back"
            yield line


def test_records_stream_one_at_a_time():
    lines = [
        b'{"text": "Line %d of a streamed corpus, repeated.\\n"}\n' % (n % 3) for n in range(9)
    ]
    sink = io.BytesIO()
    job = Job(records=Records(), across=True)
    road = _Road(job, Listener(), Cleaner(Options(), across=True), _Outputs(job))
    road._clean_records(
        "s.jsonl", Watched(lines, sink), Sink(sink, packed=True), Records(), lambda: None
    )
    assert sink.getvalue() == b"".join(lines[:3]) + b'{"text": ""}\n' * 6


@pytest.mark.parametrize("name", ["../x", "/abs/x", "a/../../x", "-"])
def test_output_path_refuses_escapes_and_stdin(name):
    with pytest.raises(InputError):
        output_path("out", name)


def test_output_path_keeps_relative_names():
    assert output_path("out", "./a/b/../c.txt") == "out/a/c.txt"


def test_top_repeats_count_copies_against_the_kept_original():
    cleaner = Cleaner(Options(), across=True, report=None, top=True)
    boiler = "Baca juga: Jalan tol baru dibuka untuk mudik\n"
    cleaner.clean(Document("a"), "A story of its own, first.\n" + boiler)
    cleaner.clean(Document("b"), boiler.replace("mudik", "mudik!"))  # a near copy
    cleaner.clean(Document("c"), "Another story, second.\n" + boiler + boiler)
    assert cleaner.tally.top() == [(boiler, 3)]
    alone = Cleaner(Options(), across=False, report=None, top=True)
    alone.clean(Document("c"), "Another story, second.\n" + boiler + boiler)
    assert alone.tally.top() == [(boiler, 1)]


def test_top_repeats_tell_apart_paragraphs_that_start_alike():
    # Keyed by the whole paragraph: two with the same first 70 (or 200) characters are two.
    start = "Berita terkini dari redaksi kami, dibaca oleh banyak orang setiap hari " * 3
    one, other = start + "tentang ekonomi.\n", start + "tentang olahraga.\n"
    cleaner = Cleaner(Options(threshold=100), across=True, top=True)
    cleaner.clean(Document("a"), one + other)
    cleaner.clean(Document("b"), one + other + one)
    assert sorted(count for _, count in cleaner.tally.top()) == [1, 2]


def test_clean_documents_is_the_public_corpus_api():
    boiler = "Ikuti kami di media sosial untuk kabar terbaru\n"
    texts = ["Only in a, nothing else here.\n" + boiler, boiler + "New in b, its own line.\n"]
    across = list(clean_documents(texts, Options(), across=True))
    assert [r.text for r in across] == [texts[0], "New in b, its own line.\n"]
    assert across[1].removed[0].earlier
    assert [r.text for r in clean_documents(texts)] == texts


class Positions(Listener):
    """A listener that records the input position it is shown after each document."""

    def __init__(self):
        self.seen = []

    def progress(self, tally, position):
        self.seen.append((tally.documents, position()))


def test_progress_position_runs_on_across_files(tmp_path):
    # The bar's total is the size of all inputs, so the position must not restart per file.
    record = b'{"text": "One record of a file, long enough to count.\\n"}\n'
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_bytes(record * 3)
    observer = Positions()
    files = (str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"))
    run(Job(inputs=files, records=Records(), destination=Nowhere()), observer)
    documents = [documents for documents, _ in observer.seen]
    positions = [position for _, position in observer.seen]
    assert documents == [1, 2, 3, 4, 5, 6]
    assert positions == sorted(positions)
    assert len(record) * 3 < positions[-1] <= len(record) * 6


def test_output_dir_refuses_an_input_named_twice(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("One line of text, long enough.\n")
    with pytest.raises(InputError, match=r"would write out/a\.txt twice \(also from a\.txt\)"):
        run(Job(inputs=("a.txt", "./a.txt"), destination=OutputDir("out")))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "job",
    [
        {"records": Records(), "diff": True},
        {"records": Records(), "destination": InPlace()},
        {"destination": InPlace()},  # the default input is stdin
        {"inputs": ()},
    ],
)
def test_a_job_that_cannot_run_is_refused_when_made(job):
    with pytest.raises(ValueError):  # noqa: PT011 (the messages are for people; the type is the contract)
        Job(**job)


def test_keep_recurring_across_documents_keeps_only_structure_within_a_document():
    # A question that recurs within a document with new answers is its structure; one that
    # repeats a paragraph kept in an earlier document is a copy of that, and goes.
    question = "What did you think when you first heard the news?\n"
    answers = [f"Answer number {n}, in the guest's own words.\n" for n in range(3)]
    interview = "".join(question + answer for answer in answers)
    cleaner = Cleaner(Options(keep_recurring=True), across=True)
    first = cleaner.clean(Document("a"), interview)
    assert first.text == interview
    assert first.recurring == (2, 4)
    second = cleaner.clean(Document("b"), "A new opening line for this one.\n" + question)
    assert second.text == "A new opening line for this one.\n"
    assert second.removed[0].earlier
