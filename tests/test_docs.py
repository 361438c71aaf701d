"""The documentation is tested against the real CLI and API, so it cannot go stale.

As sqlite-utils does: the usage page carries the real ``--help``, every option and exit code is
documented, every relative link resolves, the Python examples run, and the user documentation
stays free of what belongs to one development machine or one day (run logs, private names).
"""

import os
import re
import subprocess
import sys
from importlib.metadata import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup.cli import EXIT_CODES_HELP, clean_command, cli
from dedup.manpage import render

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
USAGE = ROOT / "docs" / "usage.md"
API = ROOT / "docs" / "api.md"
# What a user reads; benchmarks/results/ is a log and may name dates and machines.
USER_DOCS = [README, ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
ALL_DOCS = [*USER_DOCS, ROOT / "CHANGELOG.md", *sorted((ROOT / "benchmarks").rglob("*.md"))]
HELP_BLOCK = re.compile(r"(## Options\n.*?```text\n)(.*?)(```)", flags=re.DOTALL)


def real_help() -> str:
    return CliRunner().invoke(cli, ["clean", "--help"], prog_name="dedup", terminal_width=80).stdout


def test_usage_help_block_matches_the_real_help():
    block = HELP_BLOCK.search(USAGE.read_text())
    assert block, "docs/usage.md has no help block under '## Options'"
    assert block.group(2) == real_help(), "run: python tests/test_docs.py"


def test_every_option_is_documented_on_the_usage_page():
    usage = USAGE.read_text()
    prose = HELP_BLOCK.sub("", usage)  # the help block alone would make this test pass
    for param in clean_command.params:
        for flag in [*param.opts, *param.secondary_opts]:
            if flag.startswith("--"):
                assert re.search(rf"[`/]{re.escape(flag)}\b(?!-)", prose), flag


def test_every_exit_code_is_documented():
    readme = README.read_text()
    for code in re.findall(r"\b(\d{1,3})\b", EXIT_CODES_HELP):
        assert f"| {code} |" in readme, code


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.DOTALL)
    return {github_anchor(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}


def relative_links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.DOTALL)
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    return [t for t in targets if not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize("doc", ALL_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(doc: Path):
    for link in relative_links(doc):
        name, _, anchor = link.partition("#")
        target = (doc.parent / name).resolve() if name else doc
        assert target.exists(), f"{doc.name}: {link}"
        if anchor and target.suffix == ".md":
            assert anchor in anchors(target), f"{doc.name}: {link}"


def test_the_readme_links_every_docs_page():
    linked = {(README.parent / link.partition("#")[0]).resolve() for link in relative_links(README)}
    for page in (ROOT / "docs").glob("*.md"):
        assert page.resolve() in linked, page.name


def test_the_anchor_rule_is_githubs():
    assert github_anchor("Shards, many cores, many machines") == "shards-many-cores-many-machines"
    assert (
        github_anchor("Exact `--across` without one matcher")
        == "exact---across-without-one-matcher"
    )


def test_quick_start_cleans_the_bundled_example():
    readme = README.read_text()
    command = re.search(r"pip install \. && (dedup clean (\S+))", readme)
    assert command, "the quick start's first command"
    example = ROOT / command.group(2)
    done = subprocess.run(
        [sys.executable, "-m", "dedup", "clean", str(example)], capture_output=True, check=True
    )
    assert done.stdout == example.with_name(example.stem + ".expected.txt").read_bytes()


def test_quick_start_test_command_runs_the_whole_suite(pytestconfig: pytest.Config):
    # `python -m pytest` with no arguments must collect these tests and the doctests.
    assert "pip install -e '.[test]' && python -m pytest\n" in README.read_text()
    assert set(pytestconfig.getini("testpaths")) >= {"tests", "dedup"}
    assert "--doctest-modules" in pytestconfig.getini("addopts")


def test_every_extra_the_docs_install_exists():
    extras = metadata("paradedup").get_all("Provides-Extra") or []
    named = {
        extra
        for doc in USER_DOCS
        for group in re.findall(r"pip install (?:-e )?'\.\[([\w,]+)\]'", doc.read_text())
        for extra in group.split(",")
    }
    assert named >= {"test", "ray", "zstd"}
    assert named <= set(extras)


@pytest.mark.parametrize("doc", USER_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_user_docs_name_no_machine_day_or_private_name(doc: Path):
    text = doc.read_text()
    assert not re.search(r"/work/|/home/|/root/|\bUTC\b|load average", text)
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), "a dated run log"
    assert not re.search(r"\bissue \d+|\(#\d+\)|\bbranch\b", text), "history, not docs"
    assert not re.search(r"`[\w.]*\b_[a-z]\w*", text), "a private name"


def api_examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", API.read_text(), flags=re.DOTALL)


@pytest.fixture
def example_inputs(tmp_path: Path) -> Path:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("A paragraph said twice.\nA paragraph said twice.\n")
    (tmp_path / "notes" / "b.txt").write_text("Nothing repeats in this one.\n")
    (tmp_path / "crawl").mkdir()
    (tmp_path / "crawl" / "a.jsonl").write_text(
        '{"id": "a1", "text": "Baca juga: Jalan tol baru dibuka untuk mudik\\nHarga naik.\\n"}\n'
        '{"id": "a2", "text": "Baca juga: Jalan tol baru dibuka untuk mudik\\nBanjir.\\n"}\n'
    )
    return tmp_path


@pytest.mark.parametrize("number", range(len(api_examples())))
def test_api_examples_run_as_scripts(number: int, example_inputs: Path):
    # As a script, not exec(): the process-pool examples fail without their __main__ guard
    # only when the workers import the main module again.
    script = example_inputs / "example.py"
    script.write_text(api_examples()[number])
    done = subprocess.run(
        [sys.executable, str(script)], cwd=example_inputs, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_api_examples_that_start_processes_are_guarded():
    for example in api_examples():
        if re.search(r"ProcessPoolExecutor|jobs=", example):
            assert '\nif __name__ == "__main__":\n' in example


def complete(shell_mode: str, words: str = "", cword: int = 0) -> str:
    """What the shell's completion function gets back from ``dedup`` (click's protocol)."""
    environment = {
        **os.environ,
        "_DEDUP_COMPLETE": shell_mode,
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
    }
    done = subprocess.run(
        [sys.executable, "-m", "dedup"],
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_documented_completion_scripts_are_printed(shell: str):
    assert f"_DEDUP_COMPLETE={shell}_source dedup" in USAGE.read_text()
    assert f"_DEDUP_COMPLETE={shell}_complete" in complete(f"{shell}_source")


def test_completion_offers_options_and_choices():
    assert "plain,--threshold" in complete("bash_complete", "dedup clean --thr", 2).splitlines()
    choices = complete("bash_complete", "dedup clean --split ", 3).splitlines()
    assert choices == ["plain,auto", "plain,line", "plain,block"]


def test_ci_pins_the_linters():
    # An unpinned ruff or mypy release can fail an unchanged tree; CI installs pinned ones.
    ci = ROOT / ".ci"
    pins = dict(
        line.split("==")
        for line in (ci / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(pins) >= {"ruff", "mypy"}
    assert all(re.fullmatch(r"\d+(\.\d+)+", version) for version in pins.values())
    assert "-c .ci/constraints.txt" in (ci / "run").read_text()


if __name__ == "__main__":  # python tests/test_docs.py: rewrite what the help text makes
    USAGE.write_text(
        HELP_BLOCK.sub(lambda m: m.group(1) + real_help() + m.group(3), USAGE.read_text())
    )
    (ROOT / "man" / "dedup.1").write_text(render(cli, clean_command))
