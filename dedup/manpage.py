"""The manual page ``dedup.1``, written from the same click objects that print ``--help``.

Why not click-man: it writes one page per subcommand (``dedup-clean.1`` beside an almost
empty ``dedup.1``), keeps click's ``\\b`` no-rewrap markers, and does not escape text that
roff reads as a request (a help line that begins with ``.`` or ``'``). This renderer is the
help text, paragraph for paragraph, with those escapes; ``tests/test_manpage.py`` holds the
committed ``man/dedup.1`` to it, so the page changes whenever the help does. The page has no
date, so that a rebuild of the same help gives the same bytes.

Regenerate with ``python -m dedup.manpage > man/dedup.1``.
"""

from __future__ import annotations

import inspect
import re
import sys

import click

from dedup import __version__

NO_REWRAP = "\b"  # click's marker: the paragraph after it is printed as written


def escape(text: str) -> str:
    r"""Text as roff prints it: backslashes and hyphens escaped, no line read as a request.

    >>> escape("--check")
    '\\-\\-check'
    >>> escape(".hidden")
    '\\&.hidden'
    """
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.MULTILINE)


def paragraphs(text: str) -> list[tuple[bool, str]]:
    """Click's help text as (verbatim, text) paragraphs, the way click itself wraps them."""
    found: list[tuple[bool, str]] = []
    for block in re.split(r"\n\s*\n", inspect.cleandoc(text)):
        verbatim = block.startswith(NO_REWRAP)
        body = block.removeprefix(NO_REWRAP).strip("\n")
        found.append((verbatim, body if verbatim else " ".join(body.split())))
    return found


def section(title: str, text: str) -> list[str]:
    lines = [f".SH {title}"]
    for verbatim, body in paragraphs(text):
        lines += [
            ".PP",
            *([".nf", escape(body), ".fi"] if verbatim else [escape(body)]),
        ]
    return lines


def render(group: click.Group, command: click.Command) -> str:
    """The whole page: name, synopsis, description, options, examples and exit status."""
    parent = click.Context(group, info_name="dedup", **group.context_settings)
    ctx = click.Context(command, info_name=command.name, parent=parent)
    help_text = command.help or ""
    description, _, examples = help_text.partition(f"{NO_REWRAP}\n    Examples:")
    lines = [
        f'.TH DEDUP 1 "" "dedup {__version__}" "User Commands"',
        ".SH NAME",
        f"dedup \\- {escape((group.help or '').rstrip('.').lower())}",
        ".SH SYNOPSIS",
        f".B {escape(ctx.command_path)}",
        escape(" ".join(command.collect_usage_pieces(ctx))),
        *section("DESCRIPTION", description),
        ".SH OPTIONS",
    ]
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
        if record:
            names, help_line = record
            lines += [".TP", f"\\fB{escape(names)}\\fR", escape(help_line)]
    if examples:
        lines += [
            ".SH EXAMPLES",
            ".PP",
            ".nf",
            escape(inspect.cleandoc(examples)),
            ".fi",
        ]
    epilog = (command.epilog or "").replace(NO_REWRAP, "")
    lines += section("EXIT STATUS", epilog.removeprefix("\nExit status: "))
    lines += [
        ".SH SEE ALSO",
        "The documentation in the docs/ folder of the source tree.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m dedup.manpage > man/dedup.1
    from dedup.cli import clean_command, cli

    sys.stdout.write(render(cli, clean_command))
