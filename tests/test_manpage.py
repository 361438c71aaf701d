"""The manual page is the help text: the committed ``man/dedup.1`` is what is written today."""

import re
from pathlib import Path

from dedup.cli import clean_command, cli
from dedup.manpage import escape, render

ROOT = Path(__file__).parents[1]
PAGE = ROOT / "man" / "dedup.1"


def test_the_committed_man_page_is_up_to_date():
    assert PAGE.read_text() == render(cli, clean_command), "run: python tests/test_docs.py"


def test_every_option_and_exit_code_is_on_the_page():
    page = PAGE.read_text()
    for param in clean_command.params:
        for flag in [*param.opts, *param.secondary_opts]:
            assert escape(flag) in page, flag
    assert ".SH EXIT STATUS" in page
    for code in (0, 1, 2, 70, 130, 141, 143):
        assert re.search(rf"\b{code}\b", page.split(".SH EXIT STATUS")[1]), code


def test_no_line_of_help_text_is_read_as_a_roff_request():
    # Only the renderer's own requests start with a dot; help text is escaped.
    requests = {".TH", ".SH", ".PP", ".TP", ".B", ".nf", ".fi"}
    for line in PAGE.read_text().splitlines():
        if line.startswith((".", "'")):
            assert line.split()[0] in requests, line


def test_a_wheel_installs_the_page_where_man_looks():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"man/dedup.1" = "share/man/man1/dedup.1"' in pyproject
