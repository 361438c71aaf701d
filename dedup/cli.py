"""The ``dedup`` command: a thin shell over :mod:`dedup.pipeline`.

Only this module knows about argv, streams, signals and exit codes. Standard output carries
the cleaned bytes (or the diff) and nothing else; every message goes to stderr through
:mod:`dedup.console`, which is imported only when there is something to show.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, BinaryIO, NoReturn, TypeGuard

import click

from dedup import __version__
from dedup.compression import decompress_bytes, format_for
from dedup.decoding import looks_binary
from dedup.errors import DedupError, InputError, OutputError
from dedup.files import (
    STDIN,
    PipeClosed,
    atomic_writer,
    check_editable,
    display_name,
    read_input,
    reason,
    refuse_binary,
    replace_file,
    same_file,
    write_all,
)
from dedup.matching import DEFAULT_MIN_CHARS, DEFAULT_THRESHOLD, MAX_FUZZY_CHARS
from dedup.paragraphs import SPLIT_MODES
from dedup.pipeline import Options, Result, clean
from dedup.records import DEFAULT_FIELD, DEFAULT_ID_FIELD

if TYPE_CHECKING:
    # Corpus mode is imported only when asked for: start-up time matters to scripts that
    # call dedup once per file.
    from dedup.corpus import CorpusSettings, Observer
    from dedup.executors import Engine

EXIT_OK = 0
EXIT_REPEATS_FOUND = 1  # only with --check
EXIT_ERROR = 2  # usage, input and output errors
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # the reader went away: 128 + SIGPIPE, as a killed filter reports
EXIT_INTERNAL = 70  # a bug in dedup (EX_SOFTWARE); please report it
EXIT_TERMINATED = 143  # SIGTERM: 128 + SIGTERM, after removing any temporary file

EXIT_CODES_HELP = """\b
Exit status: 0 done; 1 --check found repeats; 2 usage, input or output
error; 70 internal error; 130 interrupted; 141 output pipe closed (e.g. by
head); 143 terminated.
"""


@dataclass(frozen=True)
class Settings:
    """What the command line asked for, beyond the cleaning :class:`Options`."""

    options: Options
    output: str | None
    in_place: bool
    check: bool
    diff: bool
    binary_ok: bool
    force: bool
    verbose: bool
    quiet: bool
    stats: bool
    corpus: CorpusSettings | None = None
    """Set when any corpus option is given (or ``-o`` names a compressed file)."""
    engine: Engine | None = None
    """Set when the corpus runs as stages over shards (see :mod:`dedup.stages`)."""


class Terminated(SystemExit):
    """Raised from the SIGTERM handler so that ``finally`` blocks remove temporary files."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="dedup")
def cli() -> None:
    """Remove duplicate and near-duplicate paragraphs from text."""


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True, path_type=str))
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
    help="Never remove paragraphs shorter than this.",
)
@click.option(
    "--split",
    "split_mode",
    type=click.Choice(SPLIT_MODES),
    default="auto",
    show_default=True,
    help="Paragraphs are lines, blank-line-separated blocks, or auto.",
)
@click.option(
    "--keep-recurring/--remove-recurring",
    default=None,
    help="Keep a paragraph that recurs 3+ times with new text around each time "
    "(an interview's questions): structure, not a copy.  [default: keep; with "
    "--across, remove]",
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
    help=f"With --jsonl, the field holding the text.  [default: {DEFAULT_FIELD}]",
)
@click.option(
    "--id-field",
    metavar="NAME",
    default=DEFAULT_ID_FIELD,
    show_default=True,
    help="With --jsonl, the field naming a record in --report.",
)
@click.option(
    "--across", is_flag=True, help="Also remove repeats of paragraphs kept in earlier documents."
)
@click.option(
    "--skip-bad-records", is_flag=True, help="Pass bad JSONL lines through, with a warning."
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
    help="Run a corpus's stages here (--jobs) or on Ray (pip install 'paradedup[ray]').",
)
@click.option(
    "--ray-address",
    metavar="ADDR",
    help="With --engine ray, the cluster to join.  [default: $RAY_ADDRESS, else a local Ray]",
)
def clean_command(files: tuple[str, ...], output: str | None, in_place: bool, check: bool, diff: bool, threshold: int, min_chars: int, split_mode: str, keep_recurring: bool | None, binary_ok: bool, force: bool, stats: bool, verbose: bool, quiet: bool, jsonl: bool, field: str | None, id_field: str, across: bool, skip_bad_records: bool, output_dir: str | None, report: str | None, jobs: int, engine: str, ray_address: str | None) -> None:  # fmt: skip  # noqa: E501 (click options read best one per line)
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
    corpus: CorpusSettings | None = None
    sharded = jobs != 1 or engine == "ray" or any(_is_parquet(name) for name in files)
    if (
        jsonl or field is not None or across or skip_bad_records or output_dir is not None
        or report is not None or (output is not None and format_for(output) is not None)
        or sharded
    ):  # fmt: skip
        from dedup.corpus import CorpusSettings

        corpus = CorpusSettings(
            jsonl, field or DEFAULT_FIELD, id_field, across, skip_bad_records, output_dir,
            report, binary_ok,
        )  # fmt: skip
    settings = Settings(
        Options(threshold, min_chars, split_mode, _keep_recurring(keep_recurring, across)),  # type: ignore[arg-type]  # click.Choice guarantees a SplitMode
        output, in_place, check, diff, binary_ok, force, verbose, quiet, stats, corpus,
        _engine(engine, jobs, ray_address, sharded=sharded, corpus=corpus, files=files),
    )  # fmt: skip
    _check_usage(files, settings)
    if field is not None and not jsonl and not any(_is_parquet(name) for name in files):
        raise click.UsageError("--field needs --jsonl (or Parquet input)")
    run = _run if settings.corpus is None else _run_corpus
    click.get_current_context().exit(run(files or (STDIN,), settings))


def _is_parquet(name: str) -> bool:
    return name.lower().endswith(".parquet")


def _shards_named(files: Sequence[str]) -> bool:
    """Whether a corpus input is a directory or a pattern, to be read as shards.

    Only in corpus mode: ``dedup clean DIR`` alone still refuses a directory, as ``cat`` does.
    """
    import glob  # only to recognise a pattern; cheap

    return any(
        name != STDIN
        and (os.path.isdir(name) or (not os.path.lexists(name) and glob.has_magic(name)))
        for name in files
    )


def _engine(
    name: str,
    jobs: int,
    address: str | None,
    *,
    sharded: bool,
    corpus: CorpusSettings | None,
    files: Sequence[str],
) -> Engine | None:
    """How a corpus runs as stages over shards, or ``None`` for the one-process corpus loop."""
    if not sharded and not (corpus and _shards_named(files)):
        return None
    from dedup.executors import Engine

    return Engine(name, jobs, address)  # type: ignore[arg-type]  # click.Choice guarantees it


def _keep_recurring(asked: bool | None, across: bool) -> bool:
    # A reader wants an article's structure kept; a corpus built for search or training
    # (--across) wants every repeat out, boilerplate that recurs in one document included.
    return Options().keep_recurring if asked is None else asked


def _check_usage(files: Sequence[str], settings: Settings) -> None:
    if settings.in_place and (not files or STDIN in files):
        raise click.UsageError("-i/--in-place needs FILE arguments; it cannot edit stdin")
    if settings.in_place and (settings.output or settings.check or settings.diff):
        raise click.UsageError("-i/--in-place cannot be combined with -o, --check or --diff")
    if settings.check and settings.output:
        raise click.UsageError("--check writes nothing; drop -o")
    if settings.corpus is not None:
        _check_corpus_usage(files, settings, settings.corpus)


def _check_corpus_usage(files: Sequence[str], settings: Settings, corpus: CorpusSettings) -> None:
    if settings.in_place or settings.diff or settings.verbose:
        raise click.UsageError(
            "-i, --diff and -v work on text files one by one; with corpus options "
            "(--jsonl, --across, --report, --output-dir, -o *.gz/*.zst, --jobs, --engine) "
            "use --output-dir and --report"
        )
    if corpus.output_dir is not None and (settings.output or settings.check):
        raise click.UsageError("--output-dir cannot be combined with -o or --check")
    if corpus.output_dir is not None and (not files or STDIN in files):
        raise click.UsageError("--output-dir needs FILE arguments; it cannot name stdin's copy")
    if corpus.report is not None and corpus.report in (settings.output, *files):
        raise click.UsageError("--report names an input or the -o file")


def _run_corpus(files: Sequence[str], settings: Settings) -> int:
    """Clean the inputs as one corpus (see :mod:`dedup.corpus`); any error stops the run."""
    corpus = settings.corpus
    assert corpus is not None  # the caller checked
    from dedup.corpus import clean_corpus

    with _sink(settings) as sink, _progress(files, settings, corpus) as observer:
        check = None if sink is None else lambda n, s: _refuse_same_file(n, s, sink)
        if settings.engine is not None:
            from dedup.sharding import clean_sharded

            tally = clean_sharded(
                files, settings.options, corpus, settings.engine,
                sink=sink, output=settings.output, warn=_warner(settings), observer=observer,
                check_input=check, top=settings.stats,
            )  # fmt: skip
        else:
            tally = clean_corpus(
                files, settings.options, corpus,
                sink=sink, output=settings.output, warn=_warner(settings), observer=observer,
                check_input=check, top=settings.stats,
            )  # fmt: skip
    if settings.stats:
        from dedup.console import show_corpus_stats

        show_corpus_stats(tally)
    return EXIT_REPEATS_FOUND if settings.check and tally.removed else EXIT_OK


def _warner(settings: Settings) -> Callable[[str], None]:
    if settings.quiet:
        return lambda message: None
    from dedup.console import show_warning

    return show_warning


def _progress(
    files: Sequence[str], settings: Settings, corpus: CorpusSettings
) -> contextlib.AbstractContextManager[Observer | None]:
    """A progress bar on stderr, only for a person watching a terminal that stdout is not on."""
    to_stdout = settings.output in (None, STDIN) and not settings.check and not corpus.output_dir
    if (
        settings.quiet
        or corpus.report == STDIN
        or not sys.stderr
        or not sys.stderr.isatty()
        or (to_stdout and sys.stdout is not None and sys.stdout.isatty())
    ):
        return contextlib.nullcontext()
    from dedup.console import corpus_progress
    from dedup.corpus import input_size

    if corpus.jsonl:
        return corpus_progress(input_size(files), by_bytes=True)
    return corpus_progress(len(files), by_bytes=False)


def _run(files: Sequence[str], settings: Settings) -> int:
    """Clean each input in turn; a bad one is reported and skipped, as ``cat`` does."""
    results: list[tuple[str, Result]] = []
    failed = False
    with _sink(settings) as sink:
        for name in files:
            try:
                result = _clean_one(name, settings, sink)
            except (InputError, OutputError) as error:
                _error(str(error))
                failed = True
                continue
            results.append((display_name(name), result))
            if result.exact_only:
                _warner(settings)(
                    f"{display_name(name)}: {len(result.exact_only)} paragraph(s) longer than "
                    f"{MAX_FUZZY_CHARS:,} characters checked for exact repeats only"
                )
            if settings.verbose and result.removed:
                from dedup.console import show_removals

                show_removals(display_name(name), result)
        if failed and _is_output_file(settings.output):
            # A partial result must not replace -o's file, as sort -o keeps it too; the
            # atomic writer drops its temporary file on this exception.
            raise OutputError(f"{display_name(settings.output)}: left as it was, an input failed")
    if settings.stats:
        from dedup.console import show_stats

        show_stats(results)
    if failed:
        return EXIT_ERROR
    if settings.check and any(result.changed for _, result in results):
        return EXIT_REPEATS_FOUND
    return EXIT_OK


def _clean_one(name: str, settings: Settings, sink: BinaryIO | None) -> Result:
    path = check_editable(name, force=settings.force) if settings.in_place else name
    source = read_input(path)
    if sink is not None and source.status is not None:
        _refuse_same_file(name, source.status, sink)
    data = decompress_bytes(source.data, display_name(name))
    if settings.in_place and data is not source.data:
        raise InputError(f"{display_name(name)}: compressed; -i cannot rewrite it, use -o")
    if looks_binary(data) and settings.in_place:
        # Even with -a: removing "lines" from an image or an archive in place destroys it.
        raise InputError(f"{display_name(name)}: binary file (NUL byte); not edited in place")
    if not settings.binary_ok:
        refuse_binary(data, name)
    result = clean(data, settings.options)
    if settings.in_place:
        if result.changed:
            replace_file(path, result.data, expected=source.status)
    elif settings.diff:
        assert sink is not None  # _sink gives one whenever there is output
        write_all(sink, _diff_bytes(result, display_name(name)))
    elif sink is not None:
        write_all(sink, result.data)
    return result


def _diff_bytes(result: Result, name: str) -> bytes:
    return result.diff(name).encode("utf-8", "surrogateescape")


def _refuse_same_file(name: str, status: os.stat_result, sink: BinaryIO) -> None:
    try:
        output = os.fstat(sink.fileno())
    except (OSError, ValueError):
        return
    # Only a regular file can be clobbered; /dev/null or a terminal is the same for everyone.
    if stat.S_ISREG(output.st_mode) and same_file(status, output):
        raise InputError(f"{display_name(name)}: input file is output file")


@contextlib.contextmanager
def _sink(settings: Settings) -> Iterator[BinaryIO | None]:
    """Yield where the output goes: stdout, an atomically written ``-o`` file, or nowhere.

    EPIPE from any write into it (corpus mode writes record by record) becomes
    :class:`PipeClosed`, since click would turn the ``OSError`` into exit status 1.
    """
    try:
        if settings.in_place or settings.check or (settings.corpus and settings.corpus.output_dir):
            yield None
        elif settings.output in (None, STDIN):
            if sys.stdout is None:
                raise OutputError("write error: standard output is closed")
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        elif _is_special(settings.output):
            with open(settings.output, "wb") as handle:
                yield handle
        else:
            # Written beside the target and renamed at the end, so `-o f f` reads f before f
            # is replaced, and a failure never leaves a truncated f.
            with atomic_writer(settings.output) as handle:
                yield handle
    except BrokenPipeError as error:
        raise PipeClosed from error


def _is_output_file(output: str | None) -> TypeGuard[str]:
    return output is not None and output != STDIN and not _is_special(output)


def _is_special(path: str) -> bool:
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return False


def _error(message: str) -> None:
    from dedup.console import show_error  # rich is imported only when there is something to show

    show_error(message)


def _on_sigterm(signum: int, frame: FrameType | None) -> NoReturn:
    raise Terminated(EXIT_TERMINATED)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the CLI and exit with the documented code; no expected failure shows a traceback."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    sys.exit(_main(argv))


def _main(argv: Sequence[str] | None) -> int:
    try:
        # click >= 8.2 returns the code of ctx.exit() in non-standalone mode instead of
        # raising Exit; older versions raise. Both are handled.
        code = cli.main(args=argv, prog_name="dedup", standalone_mode=False)
    except click.exceptions.Exit as done:  # the command's own exit, --help, --version
        return done.exit_code
    except click.UsageError as error:
        error.show()
        return EXIT_ERROR
    except click.ClickException as error:
        _error(error.format_message())
        return EXIT_ERROR
    except (KeyboardInterrupt, click.exceptions.Abort):
        return EXIT_INTERRUPTED
    except (BrokenPipeError, PipeClosed):
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except DedupError as error:
        _error(str(error))
        return error.exit_code
    except OSError as error:
        # Reaches here only from writing stdout: ENOSPC on `> /dev/full`, EIO, ...
        _error(f"write error: {reason(error)}")
        _flush_or_silence_stdout()
        return EXIT_ERROR
    except Exception as error:
        if os.environ.get("DEDUP_DEBUG"):
            raise
        _error(f"internal error: {type(error).__name__}: {error} (set DEDUP_DEBUG=1 for details)")
        return EXIT_INTERNAL
    return code if isinstance(code, int) else EXIT_OK


def _flush_or_silence_stdout() -> None:
    """Flush what stdout still holds; if it cannot take it, silence it (see below).

    Otherwise the interpreter's final flush fails again and prints "Exception ignored".
    """
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again.

    The recipe from the Python docs (signal module, "Note on SIGPIPE").
    """
    if sys.stdout is None:  # closed from the start (>&-); the pipe was an -o FIFO
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
