"""The README is tested against the real CLI, so it cannot go stale (as sqlite-utils does)."""

import re
from pathlib import Path

from click.testing import CliRunner

from dedup.cli import EXIT_CODES_HELP, clean_command, cli

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_readme_help_block_matches_the_real_help():
    assert real_help() in README, "run: python tests/test_docs.py"


def test_every_option_is_documented():
    for param in clean_command.params:
        for flag in param.opts:
            if flag.startswith("--"):
                assert re.search(rf"[`/]{re.escape(flag)}\b(?!-)", README), flag


def test_every_exit_code_is_documented():
    for code in re.findall(r"\b(\d{1,3})\b", EXIT_CODES_HELP):
        assert f"| {code} |" in README, code


def test_quick_start_commands_are_what_ci_runs():
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    assert "pip install -e '.[test]' && python -m pytest" in README
    assert "python -m pytest" in ci
    assert "'.[test]'" in ci


def real_help() -> str:
    return CliRunner().invoke(cli, ["clean", "--help"], prog_name="dedup", terminal_width=80).stdout


if __name__ == "__main__":  # python tests/test_docs.py: rewrite the README's help block
    path = Path(__file__).parents[1] / "README.md"
    fresh = re.sub(
        r"(## Options\n\n```text\n).*?(```)",
        lambda m: m.group(1) + real_help() + m.group(2),
        path.read_text(),
        flags=re.DOTALL,
    )
    path.write_text(fresh)


def test_ci_pins_the_linters():
    # An unpinned ruff or mypy release can fail an unchanged tree; CI installs pinned ones.
    ci = Path(__file__).parents[1] / ".ci"
    pins = dict(
        line.split("==")
        for line in (ci / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(pins) >= {"ruff", "mypy"}
    assert all(re.fullmatch(r"\d+(\.\d+)+", version) for version in pins.values())
    assert "-c .ci/constraints.txt" in (ci / "run").read_text()
