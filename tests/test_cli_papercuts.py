"""What a new user tripped over (issue 9, item 5): each case as they met it, and the fix."""

import io
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from dedup.cli import console
from dedup.cli.command import cli

A = "The council approved the harbour budget on Monday evening.\n"
B = "Residents asked for more money for the ferry service today.\n"


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("twice.txt").write_text(A + B + A)
    Path("once.txt").write_text(A + B)
    return tmp_path


@pytest.mark.parametrize("name", ["twice.txt", "once.txt"])
def test_check_with_diff_writes_the_diff_and_exits_as_check(run, files, name):
    # It crashed with "internal error: AssertionError", exit 70, even on a file to keep.
    result = run("--check", "--diff", name)
    expected = run("--diff", name).stdout_bytes
    assert result.stdout_bytes == expected
    assert result.exit_code == (1 if name == "twice.txt" else 0)
    assert (expected != b"") == (name == "twice.txt")


def test_check_names_each_file_that_would_change(run, files):
    result = run("--check", "twice.txt", "once.txt", "twice.txt")
    assert (result.exit_code, result.stdout_bytes) == (1, b"")
    assert result.stderr == "would clean twice.txt\nwould clean twice.txt\n"
    quiet = run("--check", "-q", "twice.txt", "once.txt")
    assert (quiet.exit_code, quiet.stderr) == (1, "")


def test_stats_prints_names_in_full_into_a_log(run, files):
    deep = Path("a" * 30, "b" * 30, "c" * 30)
    deep.mkdir(parents=True)
    (deep / "twice.txt").write_text(A + B + A)
    result = run("--stats", str(deep / "twice.txt"))  # CliRunner's stderr is no terminal
    assert str(deep / "twice.txt") in result.stderr
    assert "…" not in result.stderr


def test_stats_on_a_terminal_still_fits_it(monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(
        console,
        "err_console",
        Console(file=screen, force_terminal=True, color_system=None, width=60),
    )
    console.show_stats([("x" * 120, [3, 2, 1, 1, 0])])
    assert all(len(line) <= 60 for line in screen.getvalue().splitlines())


def test_version_is_accepted_after_clean(run):
    for flag in ("-V", "--version"):
        result = run(flag)
        assert result.exit_code == 0
        assert result.stdout.startswith("dedup, version ")


def test_verbose_shows_odd_bytes_as_hex_escapes(run):
    line = b"caf\xe9 au lait, twice over in this text\n"
    result = run("-v", input=line + line)
    assert "caf\\xe9 au lait" in result.stderr
    assert "\\udce9" not in result.stderr


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32")],
)
@pytest.mark.parametrize("flags", [[], ["-a"]])
def test_utf16_and_utf32_are_named_with_the_remedy(run, files, encoding, name, flags):
    data = ("\ufeff" if encoding == "utf-16-be" else "") + A + A
    Path("wide.txt").write_bytes(data.encode(encoding))
    result = run(*flags, "wide.txt")
    assert (result.exit_code, result.stdout_bytes) == (2, b"")
    assert result.stderr == (
        f"dedup: wide.txt: {name} text; convert it first: iconv -f {name} -t UTF-8\n"
    )


def test_long_paragraph_warning_is_one_line_per_run(run, files):
    long = "word " * 2100 + "\n"
    for name in ("one.txt", "two.txt", "three.txt"):
        Path(name).write_text(long + long + "x")
    result = run("one.txt", "two.txt", "three.txt")
    assert result.exit_code == 0
    assert result.stderr == (
        "dedup: warning: 6 paragraph(s) longer than 10,000 characters checked for exact "
        "repeats only (-v names the files)\n"
    )
    verbose = run("-v", "one.txt", "two.txt")
    assert verbose.stderr.count("paragraph(s) longer than") == 2
    assert "one.txt: 2 paragraph(s) longer than" in verbose.stderr


def test_stale_temporaries_of_a_killed_run_are_removed_on_the_next(run, files):
    stale = Path(".out.txt.abcd1234.tmp")
    fresh = Path(".out.txt.wxyz5678.tmp")  # maybe another run's, still being written
    other = Path(".notes.txt.abcd1234.tmp")  # not a target of this run
    for path in (stale, fresh, other):
        path.write_text("partial")
    hour_ago = time.time() - 2 * 3600
    for path in (stale, other):
        os.utime(path, (hour_ago, hour_ago))
    assert run("-o", "out.txt", "twice.txt").exit_code == 0
    assert Path("out.txt").read_text() == A + B
    assert not stale.exists()
    assert fresh.exists()
    assert other.exists()


def test_the_cli_and_the_api_share_one_recurring_default():
    # Issue 11, item 2: one default, the Options field; --across no longer changes it.
    from dedup import Options

    option = next(p for p in cli.commands["clean"].params if p.name == "keep_recurring")
    assert option.default is Options().keep_recurring is False


# --- issue 17, item 9 ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["missing-:rocket:.txt", "notes-[bold]x[/].txt"])
def test_file_names_are_printed_as_they_are(run, files, name):
    # ":rocket:" was printed as an emoji, on the stderr line that names the missing file.
    result = run(name, "once.txt")
    assert result.exit_code == 2
    assert result.stderr == f"dedup: {name}: No such file or directory\n"


def test_text_with_emoji_codes_is_shown_as_it_is(run, files):
    flagged = "The crowd waved :flags: and :rocket: at the harbour parade.\n"
    Path("flags.txt").write_text(flagged + flagged)
    result = run("-v", "flags.txt")
    assert result.exit_code == 0
    assert ":flags: and :rocket:" in result.stderr
    assert "\N{CARP STREAMER}" not in result.stderr


def test_an_unreadable_input_is_one_line_and_the_others_are_cleaned(run, files, monkeypatch):
    # EACCES was a click usage error that stopped the run before anything was cleaned.
    Path("secret.txt").write_text(A + A)
    Path("secret.txt").chmod(0)
    real_open = open

    def denied(path, *args, **kwargs):  # root reads a mode-0 file: make it refuse, as for a user
        if os.fsdecode(path) == "secret.txt":
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("dedup.io.files.open", denied, raising=False)
    result = run("secret.txt", "twice.txt")
    assert result.exit_code == 2
    assert result.stdout_bytes == (A + B).encode()
    assert result.stderr == "dedup: secret.txt: Permission denied\n"


def test_a_failing_stderr_has_its_own_exit_code(files):
    from processes import shell

    done = shell('$DEDUP clean -v twice.txt 2>/dev/full; echo "status $?"', cwd=files)
    assert done.stdout.endswith(b"status 74\n")
    assert done.stderr == b""


def test_help_says_what_min_chars_and_auto_do():
    result = CliRunner().invoke(cli, ["clean", "--help"], terminal_width=200)
    help_text = " ".join(result.stdout.split())
    assert "never matched; they go only with their passage" in help_text
    assert "lines when the text has no blank lines" in help_text
    assert "74 stderr cannot be written" in help_text


def test_long_paragraph_warning_is_not_given_for_a_one_paragraph_file(run, files):
    # A file that is one long paragraph has nothing to compare it with: the warning told nothing.
    Path("one.txt").write_text("word " * 2100 + "\n")
    assert run("one.txt").stderr == ""
    assert run("one.txt", "--threshold", "90", "--split", "block").stderr == ""
    assert "longer than" not in run("-v", "one.txt").stderr
    # Across files, a lone paragraph is compared with what came before: it is said.
    Path("two.txt").write_text("word " * 2100 + "\n")
    assert "checked for exact repeats only" in run("--across", "one.txt", "two.txt").stderr
