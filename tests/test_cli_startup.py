"""Start-up: a plain ``dedup clean FILE`` loads only what cleaning that file needs.

The figures live in benchmarks/ (timings never go in tests); what is tested here is the
cause of a fast start: which modules a plain run imports, in a fresh interpreter, and that
the click-free road of :mod:`dedup.cli.launch` builds exactly the job click builds.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from dedup.cli import command as cli
from dedup.cli import launch

NOT_ON_THE_PLAIN_PATH = (
    "click",
    "rich",
    "numpy",
    "pyarrow",
    "json",
    "dedup.cli.command",
    "dedup.cli.console",
    "dedup.io.parquet",
    "dedup.io.records",
    "dedup.batch.sharded",
    "dedup.batch.stages",
    "dedup.batch.executors",
    "dedup.batch.grouping",
    "dedup.match.index",
)

PROSE = (
    "The committee met on a Tuesday and agreed to publish the minutes.\n"
    "Rain fell over the northern hills for most of the afternoon.\n"
    "The committee met on a Tuesday and agreed to publish the minutes.\n"
)


def loaded_by(args: list[str], tmp_path) -> set[str]:
    """The modules a fresh interpreter holds after running ``dedup ARGS`` as the script does."""
    listing = tmp_path / "modules.txt"
    script = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(listing)!r}, 'w').write('\\n'.join(sys.modules)))\n"
        "from dedup.cli.launch import main\n"
        f"main({args!r})\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
    return set(listing.read_text().split("\n"))


def test_a_plain_clean_loads_neither_click_nor_the_corpus_machinery(tmp_path):
    source = tmp_path / "article.txt"
    source.write_text(PROSE)
    loaded = loaded_by(["clean", str(source)], tmp_path)
    assert "dedup.batch.local" in loaded  # the run really happened through the one road
    assert sorted(loaded.intersection(NOT_ON_THE_PLAIN_PATH)) == []


def test_paragraphs_that_cannot_meet_never_load_rapidfuzz(tmp_path):
    # Lengths too far apart for fuzz.ratio to reach the threshold: nothing to score.
    source = tmp_path / "short-and-long.txt"
    source.write_text("A first paragraph of some length.\n" + "A much longer one. " * 20 + "\n")
    loaded = loaded_by(["clean", str(source)], tmp_path)
    assert not any(name.startswith("rapidfuzz") for name in loaded)


def test_import_dedup_loads_no_module_of_its_own():
    script = "import sys, dedup; print(sorted(m for m in sys.modules if m.startswith('dedup')))"
    done = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
    # dedup.faces is the lazy machinery of the face itself (stdlib only), no engine module.
    assert done.stdout.decode().strip() == "['dedup', 'dedup.faces']"


@pytest.mark.parametrize(
    "args",
    [["clean"], ["clean", "a.txt"], ["clean", "a.txt", "-", "b.txt"]],
)
def test_the_plain_road_builds_the_job_click_builds(monkeypatch, args):
    built = {}

    def capture(road):
        def execute(job, **shown):
            built[road] = (job, shown)
            return 0

        return execute

    monkeypatch.setattr(cli, "execute", capture("click"))
    monkeypatch.setattr(launch, "execute", capture("plain"))
    assert launch.plain_files(args) is not None
    assert launch.run_command(args) == 0
    assert cli.parse_and_run(args) == 0
    job, shown = built["click"]
    assert built["plain"] == (job, {})
    assert shown == {
        "verbose": False,
        "quiet": False,
        "check": False,
        "stats": False,
        "corpus": False,
    }


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--version"],
        ["clean", "--threshold", "100", "a.txt"],
        ["clean", "a.txt", "-v"],
        ["clean", "--", "a.txt"],
        ["clean", "shard.parquet"],
        ["other", "a.txt"],
    ],
)
def test_anything_but_file_names_goes_through_click(args):
    assert launch.plain_files(args) is None
