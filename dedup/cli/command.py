"""The ``dedup`` command: flags become a :class:`~dedup.batch.job.Job`, which runs; an exit code.

Only this module knows about argv, signals and exit codes; :mod:`dedup.batch.local` opens, cleans
and writes, and says what happened to a listener defined here. Standard output carries the
cleaned bytes (or the diff) and nothing else; every message goes to stderr through
:mod:`dedup.cli.console`, which is imported only when there is something to show.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import click

from dedup import __version__
from dedup.batch.job import DEFAULT_FIELD, DEFAULT_ID_FIELD, DEFAULT_SHARD_SIZE, Job, Records
from dedup.cli.watch import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, execute
from dedup.io.files import STDIN, is_parquet, names_shards
from dedup.io.outputs import Destination, InPlace, Nowhere, OutputDir, OutputFile, Stdout
from dedup.options import DEFAULT_MIN_CHARS, DEFAULT_THRESHOLD, SPLIT_MODES, Options, SplitMode

__all__ = ["EXIT_CODES_HELP", "clean_command", "cli", "parse_and_run"]

EXIT_CODES_HELP = """\b
Exit status: 0 done; 1 --check found repeats; 2 usage, input or output
error; 70 internal error; 71 out of memory; 74 stderr cannot be written; 130
interrupted; 141 output pipe closed (e.g. by head); 143 terminated.
"""


SIZE_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
"""What ``--shard-size`` suffixes stand for, in bytes."""


class ByteSize(click.ParamType[int]):
    """A size in bytes, as ``64M`` or ``1G`` (powers of 1024) or a plain number of bytes."""

    name = "size"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        """``64M`` -> 67108864; a size below one byte or not a size is a usage error.

        >>> ByteSize().convert("64M", None, None), ByteSize().convert("4096", None, None)
        (67108864, 4096)
        """
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().removesuffix("B").removesuffix("I")
        number, unit = text.rstrip("KMGT"), text[len(text.rstrip("KMGT")) :]
        if number.isdigit() and unit in SIZE_UNITS and int(number) > 0:
            return int(number) * SIZE_UNITS[unit]
        self.fail(f"{value!r} is not a size such as 64M, 1G or 4096", param, ctx)


@dataclass(frozen=True)
class Flags:
    """The flags of ``dedup clean`` as click parsed them, one field each, in the CLI's words.

    What a flag means for the run is said once, here: :meth:`job` turns them into the
    :class:`~dedup.batch.job.Job` that runs, and refuses, as a usage error, flags that
    contradict each other. Adding a flag touches the flag, this value and the code that uses it.
    """

    files: tuple[str, ...]
    output: str | None
    in_place: bool
    check: bool
    diff: bool
    threshold: int
    min_chars: int
    split_mode: SplitMode
    keep_recurring: bool
    binary_ok: bool
    force: bool
    stats: bool
    verbose: bool
    quiet: bool
    jsonl: bool
    field: str | None
    id_field: str
    across: bool
    skip_bad_records: bool
    drop_empty: bool
    output_dir: str | None
    report: str | None
    jobs: int
    engine: Literal["local", "ray"]
    ray_address: str | None
    shard_size: int

    @property
    def parquet(self) -> bool:
        """Whether an input is Parquet: its rows are records, as --jsonl lines are."""
        return any(is_parquet(name) for name in self.files)

    @property
    def corpus(self) -> bool:
        """Whether this is a corpus run (records, --across, a report, shards): it stops at its
        first bad input, and its --stats table counts documents."""
        return (
            self.jsonl
            or self.parquet
            or self.across
            or self.skip_bad_records
            or self.output_dir is not None
            or self.report is not None
            or self.jobs != 1
            or self.engine == "ray"
        )

    @property
    def inputs(self) -> tuple[str, ...]:
        """The files, or stdin when none is named."""
        return self.files or (STDIN,)

    def job(self) -> Job:
        """The run these flags ask for; flags that cannot go together are a usage error."""
        self._refuse_contradictions()
        return Job(
            inputs=self.inputs,
            options=Options(
                threshold=self.threshold,
                min_chars=self.min_chars,
                split=self.split_mode,
                keep_recurring=self.keep_recurring,
                explain=self.verbose,
            ),
            across=self.across,
            records=self._records(),
            destination=self._destination(),
            diff=self.diff,
            report=self.report,
            binary_ok=self.binary_ok,
            on_bad_input="stop" if self.corpus else "continue",
            top=self.stats,
            jobs=self.jobs,
            engine=self.engine,
            ray_address=self.ray_address,
            shard_size=self.shard_size,
        )

    def _records(self) -> Records | None:
        if not (self.jsonl or self.parquet):  # a Parquet row is a record too
            return None
        return Records(
            field=self.field or DEFAULT_FIELD,
            id_field=self.id_field,
            skip_bad=self.skip_bad_records,
            drop_empty=self.drop_empty,
        )

    def _refuse_contradictions(self) -> None:
        records = self.jsonl or self.parquet
        if self.field is not None and not records:
            raise click.UsageError("--field needs --jsonl (or Parquet input)")
        if self.drop_empty and not records:
            raise click.UsageError("--drop-empty needs --jsonl (or Parquet input)")
        one_by_one = self.in_place or self.diff or self.verbose
        if self.corpus and one_by_one:
            raise click.UsageError(
                "-i, --diff and -v work on text files one by one; with corpus options "
                "(--jsonl, --across, --report, --output-dir, --jobs, --engine) use --output-dir "
                "and --report"
            )
        _check_inputs(self.inputs, in_place=self.in_place, output_dir=self.output_dir)
        _check_shard_names(self.inputs, one_by_one=one_by_one)

    def _destination(self) -> Destination:
        """Where the output goes; flags that contradict each other are a usage error."""
        output, check = self.output, self.check
        if self.in_place:
            if output or check or self.diff:
                raise click.UsageError(
                    "-i/--in-place cannot be combined with -o, --check or --diff"
                )
            return InPlace(force=self.force)
        if self.output_dir is not None:
            if output or check:
                raise click.UsageError("--output-dir cannot be combined with -o or --check")
            return OutputDir(self.output_dir)
        if check and output:
            raise click.UsageError("--check writes nothing; drop -o")
        if check and not self.diff:
            return Nowhere()
        if output in (None, STDIN):
            return Stdout()
        return OutputFile(output)


def _as_flags(command: Callable[[Flags], None]) -> Callable[..., None]:
    """click calls a command with one keyword per option; this one takes them as one value."""

    @functools.wraps(command)
    def given(**flags: Any) -> None:  # noqa: ANN401  (click hands untyped values; Flags types them)
        command(Flags(**flags))

    return given


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="dedup")
def cli() -> None:
    """Remove duplicate and near-duplicate paragraphs from text."""


@cli.command(epilog=EXIT_CODES_HELP)
@click.version_option(__version__, "-V", "--version", prog_name="dedup")
# readable=False: an unreadable FILE is an input error of its own, met when it is opened (the
# others are still cleaned), not a usage error that stops the run before anything is done.
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True, readable=False, path_type=str))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the result to this file instead of stdout.",
)
@click.option("-i", "--in-place", is_flag=True, help="Edit each FILE in place (atomically).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if anything would be removed.")
@click.option("--diff", is_flag=True, help="Write a unified diff of what would be removed.")
@click.option(
    "--threshold",
    type=click.IntRange(0, 100),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Similarity (0-100) from which a paragraph is a near repeat; 100 = exact only.",
)
@click.option(
    "--min-chars",
    type=click.IntRange(min=0),
    default=DEFAULT_MIN_CHARS,
    show_default=True,
    help="Paragraphs shorter than this (after normalizing) are never matched; they go only "
    "with their passage (a heading between two removed paragraphs).",
)
@click.option(
    "--split",
    "split_mode",
    type=click.Choice(SPLIT_MODES),
    default="auto",
    show_default=True,
    help="Paragraphs are lines, blank-line-separated blocks, or auto: lines when the text "
    "has no blank lines (or its first block is over 1,000 lines), else blocks, but lines in a "
    "block whose lines are mostly 100+ characters, and records in fortune files (% lines), "
    "Debian changelogs (uploads) and man pages (option entries).",
)
@click.option(
    "--keep-recurring/--remove-recurring",
    default=Options().keep_recurring,  # one default for the CLI and the API: the Options field
    help="Keep a paragraph that recurs 3+ times with new text around each time "
    "(an interview's questions): structure, not a copy.  [default: remove]",
)
@click.option(
    "-a", "--text", "binary_ok", is_flag=True, help="Clean input even if it looks binary (not -i)."
)
@click.option("--force", is_flag=True, help="With -i, also edit read-only and hard-linked files.")
@click.option("--stats", is_flag=True, help="Print a summary table on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="List every removed paragraph on stderr.")
@click.option("-q", "--quiet", is_flag=True, help="Print no warnings.")
@click.option(
    "--jsonl", is_flag=True, help="Input and output are JSON Lines, a document per record."
)
@click.option(
    "--field",
    metavar="NAME",
    help=f"With --jsonl or Parquet, the field holding the text.  [default: {DEFAULT_FIELD}]",
)
@click.option(
    "--id-field",
    metavar="NAME",
    default=DEFAULT_ID_FIELD,
    show_default=True,
    help="With --jsonl or Parquet, the field naming a record in --report.",
)
@click.option(
    "--across", is_flag=True, help="Also remove repeats of paragraphs kept in earlier documents."
)
@click.option(
    "--skip-bad-records", is_flag=True, help="Pass bad JSONL lines through, with a warning."
)
@click.option(
    "--drop-empty",
    is_flag=True,
    help="With --jsonl or Parquet, leave out records whose every paragraph was removed.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Write each cleaned FILE under DIR, with the same relative name.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write every removal as a JSON line to FILE (- for stderr).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Clean a corpus on N local processes (0: one per core); the output is the same.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Run a corpus's stages here (--jobs) or on Ray (the ray extra: pip install '.[ray]').",
)
@click.option(
    "--ray-address",
    metavar="ADDR",
    help="With --engine ray, the cluster to join.  [default: $RAY_ADDRESS, else a local Ray]",
)
@click.option(
    "--shard-size",
    type=ByteSize(),
    default=DEFAULT_SHARD_SIZE,
    metavar="SIZE",
    help="With --jobs or --engine, read a bigger plain JSONL file as pieces of SIZE bytes "
    "(K, M, G: powers of 1024).  [default: 64M]",
)
@_as_flags
def clean_command(flags: Flags) -> None:
    """Print FILES (or stdin) with repeated paragraphs removed.

    Each FILE is cleaned as a document of its own and the results are written
    in order. A paragraph is removed when it repeats, exactly or nearly, one
    kept earlier; the first occurrence stays, and every other byte is kept.
    With --across, documents (files, or --jsonl records) are one corpus.
    gzip and zstd input is read as is; -o NAME.gz or NAME.zst compresses.

    \b
    Examples:
      dedup clean article.txt > clean.txt
      curl -s URL | dedup clean --stats
      dedup clean -i notes/*.txt
      dedup clean --check --threshold 95 a.txt || echo "a.txt has repeats"
      dedup clean --jsonl --across --report removed.jsonl docs.jsonl.zst -o clean.jsonl.zst
    """
    job = flags.job()
    code = execute(
        job,
        verbose=flags.verbose,
        quiet=flags.quiet,
        check=flags.check,
        stats=flags.stats,
        corpus=flags.corpus,
    )
    click.get_current_context().exit(code)


def _check_inputs(
    inputs: Sequence[str],
    *,
    in_place: bool,
    output_dir: str | None,
) -> None:
    if in_place and STDIN in inputs:
        raise click.UsageError("-i/--in-place needs FILE arguments; it cannot edit stdin")
    if output_dir is not None and STDIN in inputs:
        raise click.UsageError("--output-dir needs FILE arguments; it cannot name stdin's copy")


def _check_shard_names(inputs: Sequence[str], *, one_by_one: bool) -> None:
    """A directory or a pattern is read as shards on every road; -i, --diff and -v cannot be."""
    shards = next((name for name in inputs if names_shards(name)), None)
    if shards is not None and one_by_one:
        raise click.UsageError(
            f"{shards}: a directory or pattern is read as shards; -i, --diff and -v work on "
            "files one by one: name the files (the shell's DIR/*.txt)"
        )


def parse_and_run(args: Sequence[str]) -> int:
    """Parse ``args`` with click and run the command; click's own exits become exit codes."""
    try:
        # click >= 8.2 returns the code of ctx.exit() in non-standalone mode instead of
        # raising Exit; older versions raise. Both are handled.
        code = cli.main(args=list(args), prog_name="dedup", standalone_mode=False)
    except click.exceptions.Exit as done:  # the command's own exit, --help, --version
        return done.exit_code
    except click.UsageError as error:
        error.show()
        return EXIT_ERROR
    except click.ClickException as error:
        from dedup.cli.console import show_error

        show_error(error.format_message())
        return EXIT_ERROR
    except click.exceptions.Abort:
        return EXIT_INTERRUPTED
    return code if isinstance(code, int) else EXIT_OK
