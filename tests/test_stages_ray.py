"""The same bytes on Ray: a local Ray, a simulated four-node cluster, and a worker killed mid-stage.

Ray starts in seconds, not milliseconds, so these tests share one simulated cluster and keep
the corpus tiny.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
import ray
from ray.cluster_utils import Cluster
from shards import planted_documents, templated_documents, write_jsonl_shards

from dedup.batch import sharded as sharding
from dedup.batch import stages
from dedup.batch.executors import RayTasks

pytestmark = pytest.mark.slow  # Ray starts in seconds: not in the inner loop (-m 'not slow')

GOLDEN = Path(__file__).parent / "corpus_golden"
CASES = sorted(path.stem for path in GOLDEN.glob("*.args"))
NODE_MEMORY = 100 * 2**20
NODES = 4
"""A simulated multi-node cluster, as the issue asks: every node a raylet of its own."""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    directory = tmp_path_factory.mktemp("ray-corpus")
    write_jsonl_shards(directory / "shards", planted_documents(120, seed=21), 4)
    return directory


def one_process(run, directory: Path, args, monkeypatch) -> tuple[int, bytes, bytes, bytes]:
    monkeypatch.chdir(directory)
    code, out, err = run(*args, "--report", "report.jsonl", "--stats", "shards")
    return code, out, Path("report.jsonl").read_bytes(), err


def test_a_local_ray_writes_the_bytes_of_one_process(run, corpus, monkeypatch):
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    expected = one_process(run, corpus, ["--jsonl", "--across"], monkeypatch)
    assert (
        one_process(run, corpus, ["--jsonl", "--across", "--engine", "ray"], monkeypatch)
        == expected
    )
    assert expected[0] == 0
    assert expected[2].count(b"\n") > 100
    assert not ray.is_initialized()  # the Ray dedup started for the run is stopped


@pytest.fixture(scope="module")
def four_nodes():
    cluster = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "object_store_memory": NODE_MEMORY},
    )
    for _ in range(NODES - 1):
        cluster.add_node(num_cpus=1, object_store_memory=NODE_MEMORY)
    ray.init(address=cluster.address, include_dashboard=False, log_to_driver=False)
    yield cluster
    ray.shutdown()
    cluster.shutdown()


@pytest.mark.parametrize(
    "across",
    [[], ["--across"], ["--across", "--threshold", "100"]],
    ids=["alone", "across", "grouped"],
)
def test_four_nodes_write_the_bytes_of_one_process(run, four_nodes, corpus, across, monkeypatch):
    expected = one_process(run, corpus, ["--jsonl", *across], monkeypatch)
    assert (
        one_process(run, corpus, ["--jsonl", *across, "--engine", "ray"], monkeypatch) == expected
    )


@pytest.mark.parametrize("case", CASES)
def test_golden_cases_on_four_nodes(run, four_nodes, case):
    args = (GOLDEN / f"{case}.args").read_text().split()
    code, out, err = run(*args, "--engine", "ray", GOLDEN / f"{case}.jsonl")
    assert (code, err) == (0, "")
    assert out == (GOLDEN / f"{case}.expected.jsonl").read_bytes()


class DyingOnce(RayTasks):
    """Runs the write stage so that the first task to start kills its own worker process."""

    def __init__(self, engine, marks: Path) -> None:
        super().__init__(engine)
        self.marks = marks

    def map(self, stage, items):
        if stage is not stages.write_shard:
            return super().map(stage, items)
        marks = self.marks

        def dying(task):  # pickled by value: a local function
            node = ray.get_runtime_context().get_node_id()
            with (marks / f"node-{node}").open("a") as note:
                note.write(f"{task.shard.number}\n")
            try:
                (marks / "died").mkdir()
            except FileExistsError:
                return stages.write_shard(task)
            os.kill(os.getpid(), signal.SIGKILL)  # mid-stage, before anything is written
            raise AssertionError("unreachable")

        return super().map(dying, items)


def test_a_killed_worker_is_retried_and_the_output_is_the_same(
    run, four_nodes, corpus, monkeypatch, tmp_path
):
    expected = one_process(run, corpus, ["--jsonl", "--across"], monkeypatch)
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setattr(sharding, "executor_for", lambda engine: DyingOnce(engine, marks))
    got = one_process(run, corpus, ["--jsonl", "--across", "--engine", "ray"], monkeypatch)
    assert got == expected
    assert (marks / "died").is_dir()  # a worker really died
    calls = [line for note in marks.glob("node-*") for line in note.read_text().split()]
    notes = {note.name: note.read_text().split() for note in marks.glob("node-*")}
    assert len(calls) == 5, notes  # four shards, one of them twice
    assert len(notes) >= 2, notes  # and the tasks ran on more than one node


@pytest.mark.parametrize("across", [["--across"], ["--across", "--threshold", "100"]])
def test_a_bad_record_on_a_node_is_one_line_and_exit_2(
    run, four_nodes, tmp_path, monkeypatch, across
):
    monkeypatch.chdir(tmp_path)
    write_jsonl_shards(tmp_path / "in", planted_documents(20, seed=1), 2)
    with (tmp_path / "in" / "part-01.jsonl").open("a") as shard:
        shard.write('{"text": null}\n')
    code, out, err = run("--jsonl", *across, "--engine", "ray", "--output-dir", "out", "in")
    assert (code, out) == (2, b"")
    assert err == (
        'dedup: in/part-01.jsonl:12: "text" is null, not a string '
        "(--skip-bad-records passes such records through)\n"
    )
    assert not (tmp_path / "out").exists()  # nothing is written before every shard is read


def test_a_ray_address_that_cannot_be_used_is_one_line_and_exit_2(run, tmp_path, monkeypatch):
    monkeypatch.setattr(ray, "is_initialized", lambda: False)  # even beside the cluster above
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("Some text.\n")
    code, out, err = run("--engine", "ray", "--ray-address", "nohost:port", "a.txt")
    assert (code, out) == (2, b"")
    assert err.startswith("dedup: --engine ray: cannot start or join Ray: ")
    assert err.count("\n") == 1


@pytest.fixture(scope="module")
def big_and_templated(tmp_path_factory):
    """One JSON Lines file cut into byte ranges, and a corpus whose template is one component."""
    directory = tmp_path_factory.mktemp("ray-big")
    parts = write_jsonl_shards(directory / "parts", planted_documents(120, seed=22), 3)
    (directory / "big.jsonl").write_bytes(b"".join(p.read_bytes() for p in parts))
    write_jsonl_shards(directory / "templated", templated_documents(90, seed=23), 3)
    return directory


@pytest.mark.parametrize(
    ("inputs", "across"),
    [
        (["--shard-size", "8K", "big.jsonl"], ["--across"]),
        (["--shard-size", "8K", "big.jsonl"], ["--across", "--threshold", "100"]),
        (["templated"], ["--across"]),
    ],
    ids=["big-file-near", "big-file-exact", "templated"],
)
def test_big_file_and_giant_component_give_the_bytes_of_one_process_anywhere(
    run, four_nodes, big_and_templated, inputs, across, monkeypatch
):
    monkeypatch.chdir(big_and_templated)

    def outputs(*executor):
        code, out, err = run(
            "--jsonl", *across, *executor, "--report", "r.jsonl", "--stats", *inputs
        )
        assert code == 0, err
        return out, Path("r.jsonl").read_bytes(), err

    expected = outputs()
    assert outputs("--jobs", "2") == expected
    assert outputs("--engine", "ray") == expected
    if inputs == ["templated"]:  # the template is kept once, in the first document that has it
        removed = [line for line in expected[1].splitlines() if b"Berlangganan" in line]
        assert len(removed) == 89  # 90 documents, one copy each
        assert len({json.loads(line)["text"] for line in removed}) > 8  # many near variants
