"""The CLI through CliRunner: stdout bytes, stderr and exit code, each asserted on its own."""

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup.cli import main
from dedup.cli.command import cli

A = "The council approved the harbour budget on Monday evening.\n"
B = "Residents asked for more money for the ferry service today.\n"
REPEATED = (A + B + A).encode()


@pytest.fixture
def repeated(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(REPEATED)
    return path


def test_stdout_is_only_the_text(run, repeated):
    result = run(str(repeated))
    assert (result.exit_code, result.stdout_bytes, result.stderr) == (0, (A + B).encode(), "")


def test_check_exit_codes(run, repeated, tmp_path):
    clean_file = tmp_path / "b.txt"
    clean_file.write_text(A + B)
    found = run("--check", str(repeated))
    assert (found.exit_code, found.stdout_bytes) == (1, b"")
    assert run("--check", str(clean_file)).exit_code == 0


def test_diff_on_stdout(run, repeated):
    result = run("--diff", str(repeated))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "-" + A.rstrip("\n")
    assert result.stderr == ""


def test_stats_and_verbose_go_to_stderr(run, repeated):
    result = run("--stats", "-v", str(repeated))
    assert result.stdout_bytes == (A + B).encode()
    assert "removed, repeats line 1" in result.stderr
    assert "paragraphs" in result.stderr


def test_missing_file_is_one_line_and_the_run_goes_on(run, repeated, tmp_path):
    result = run(str(tmp_path / "missing.txt"), str(repeated))
    assert result.exit_code == 2
    assert result.stdout_bytes == (A + B).encode()
    assert result.stderr.strip().splitlines() == [
        f"dedup: {tmp_path / 'missing.txt'}: No such file or directory"
    ]


def test_binary_is_refused(run, tmp_path):
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"PK\x00\x01\n" + REPEATED)
    result = run(str(binary))
    assert result.exit_code == 2
    assert "binary file" in result.stderr
    assert result.stdout_bytes == b""
    forced = run("-a", str(binary))
    assert forced.exit_code == 0
    assert forced.stdout_bytes == b"PK\x00\x01\n" + (A + B).encode()


@pytest.mark.parametrize(
    "flags",
    [[], ["--stats"], ["--report", "-"], ["--check"], ["-o", "out.txt"], ["--threshold", "100"]],
)
def test_a_directory_is_read_as_shards_whatever_the_reporting_flags(run, tmp_path, flags):
    # Once, `dedup clean d/` refused the directory and `--report - d/` read it: the flags
    # that say what to show must not decide what is read.
    shards = tmp_path / "d"
    (shards / "sub").mkdir(parents=True)
    (shards / "b.txt").write_bytes(REPEATED)
    (shards / "sub" / "a.txt").write_bytes(REPEATED)
    (shards / ".hidden.txt").write_bytes(b"never read\n")
    expected = run(str(shards / "b.txt"), str(shards / "sub" / "a.txt"), *flags)
    with CliRunner().isolated_filesystem(tmp_path):
        result = run(str(shards), *flags)
        expected_out = Path("out.txt").read_bytes() if "-o" in flags else None
    assert result.exit_code == expected.exit_code
    assert result.stdout_bytes == expected.stdout_bytes
    if expected_out is not None:
        assert expected_out == (A + B).encode() * 2
    assert result.stderr == expected.stderr  # --stats included: the same table on both roads


@pytest.mark.parametrize("flag", ["-i", "--diff", "-v"])
def test_a_directory_with_a_one_file_at_a_time_option_is_a_usage_error(run, tmp_path, flag):
    (tmp_path / "d").mkdir()
    result = run(flag, str(tmp_path / "d"))
    assert result.exit_code == 2
    assert "a directory or pattern is read as shards; -i, --diff and -v work on files" in (
        result.stderr
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--threshold", "101"],
        ["--split", "words"],
        ["-i"],
        ["-i", "-"],
        ["--check", "-o", "x"],
        ["--nope"],
    ],
)
def test_usage_errors_exit_2(run, args):
    result = run(*args, input=b"")
    assert result.exit_code == 2
    assert result.stdout_bytes == b""
    assert "Usage" in result.stderr or "Error" in result.stderr


def test_in_place_rewrites_only_changed_files(run, repeated, tmp_path):
    untouched = tmp_path / "c.txt"
    untouched.write_text(A + B)
    before = untouched.stat()
    result = run("-i", str(repeated), str(untouched))
    assert (result.exit_code, result.stdout_bytes) == (0, b"")
    assert repeated.read_bytes() == (A + B).encode()
    after = untouched.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_output_file_may_not_be_the_input(run, repeated):
    before = repeated.read_bytes()
    code, out, err = run(str(repeated), "-o", str(repeated))
    # Refused before anything is read: one line, exit 2, the input untouched.
    assert (code, out) == (2, b"")
    assert err == (
        f"dedup: {repeated}: input file is output file (-o {repeated}); -i edits a file in place\n"
    )
    assert repeated.read_bytes() == before


def test_version_and_help(run):
    assert CliRunner().invoke(cli, ["--version"]).stdout.startswith("dedup, version ")
    help_text = run("--help").stdout
    assert "Exit status" in help_text
    assert "Example" in help_text


def test_main_maps_exceptions_to_exit_codes(monkeypatch, capsys):
    def boom(*_args, **_kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("dedup.corpus.clean", boom)
    monkeypatch.setattr(
        "dedup.batch.local.Streamer", boom
    )  # the road a plain file takes by default
    with pytest.raises(SystemExit) as exit_info:
        main(["clean", os.devnull])
    assert exit_info.value.code == 70
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: kaboom" in err
    assert "DEDUP_DEBUG=1" in err
    assert "Traceback" not in err


def test_long_paragraphs_are_named_in_a_warning_unless_quiet(run, tmp_path):
    from dedup.options import MAX_FUZZY_CHARS

    path = tmp_path / "long.txt"
    long = "word " * (MAX_FUZZY_CHARS // 5 + 10)
    path.write_text(f"{long}\n{long}x\n")
    result = run(str(path))
    assert result.exit_code == 0
    assert result.stdout == f"{long}\n{long}x\n"  # near, but too long to compare fuzzily
    assert "2 paragraph(s) longer than" in result.stderr
    quiet = run("-q", str(path))
    assert (quiet.exit_code, quiet.stderr) == (0, "")
    exact = run("--threshold", "100", str(path))
    assert exact.stderr == ""


def test_every_repeat_goes_by_default_and_structure_is_kept_on_request(run, tmp_path):
    golden = Path(__file__).parent / "golden"
    interview = golden / "recurring-interview-questions-kept.txt"
    removed = (golden / "recurring-removed-when-asked.expected.txt").read_bytes()
    assert run(str(interview)).stdout_bytes == removed
    assert run("--keep-recurring", str(interview)).stdout_bytes == interview.read_bytes()
    assert run("--across", str(interview)).stdout_bytes == removed
    assert (
        run("--across", "--keep-recurring", str(interview)).stdout_bytes == interview.read_bytes()
    )
    assert run("--remove-recurring", str(interview)).stdout_bytes == removed


def test_verbose_says_why_a_near_repeat_went_and_why_a_look_alike_stayed(run, tmp_path):
    path = tmp_path / "rules.txt"
    path.write_text(
        "Passwords need at least 8 characters, one digit and a symbol.\n"
        "Passwords need at least 12 characters, one digit and a symbol.\n"
        "The quick brown fox jumps over the lazy dog today.\n"
        "The quick brwon fox jumps over the lazy dog today!\n"
    )
    result = run("-v", str(path))
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 3
    lines = result.stderr.splitlines()
    assert any(
        line.endswith(
            ":4 removed, repeats line 3 (96.0): The quick brwon fox jumps over the lazy dog today!"
        )
        for line in lines
    )
    assert "  why: copy noise: a misspelling (brown → brwon; brwon: not a word in en)" in lines
    assert any(
        line.endswith(":2 kept, though like line 1 (97.6): differs in a number: 8 → 12")
        for line in lines
    )
    quiet = run(str(path))
    assert quiet.stderr == ""


@pytest.mark.parametrize(
    ("first", "second", "said"),
    [
        ("The case went to trial in the spring of that year, said the clerk.",
         "The case went to trail in the spring of that year, said the clerk.",
         "kept, though like line 1 (98.5): two real words: trial / trail"),
        ("I will tell you which of the two roads leads to the old harbour town.",
         "I will tell you whihc of the two roads leads to the old harbour town.",
         "  why: copy noise: a misspelling (which → whihc; whihc: not a word in en)"),
        ("环境污染的问题越来越严重，我们希望工厂早一点处理。",
         "环境污然的问题越来越严重，我们希望工厂早一点处理。",
         "  why: copy noise: a misspelling (染 → 然; 污染 is a word in zh)"),
        ("今天下午我们一起去北京看看我们的老朋友，然后回家。",
         "昨天下午我们一起去北京看看我们的老朋友，然后回家。",
         "kept, though like line 1 (96.0): two real words: 今天 / 昨天"),
    ],
)  # fmt: skip
def test_verbose_names_the_misspelling_or_the_two_real_words(run, tmp_path, first, second, said):
    """Issue 14: -v says which noise it saw, in which language, and why a look-alike stayed."""
    path = tmp_path / "words.txt"
    path.write_text(f"{first}\n{second}\n", encoding="utf-8")
    result = run("-v", str(path))
    assert result.exit_code == 0
    assert any(line.endswith(said) for line in result.stderr.splitlines()), result.stderr
