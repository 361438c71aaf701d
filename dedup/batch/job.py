"""What a run is, as one value: :class:`Job`, and :class:`Listener`, what it tells as it goes.

The CLI builds a job from its flags, :func:`dedup.batch.run.run` carries it out, in this process
(:mod:`dedup.batch.local`) or as stages over shards (:mod:`dedup.batch.sharded`). Values only:
reading and writing are elsewhere, so a stage module may import this one without importing a
driver.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from dedup.errors import DedupError
from dedup.io.files import STDIN, is_parquet, names_shards
from dedup.io.outputs import Destination, InPlace, OutputDir, Stdout
from dedup.options import Options

if TYPE_CHECKING:
    from dedup.corpus import Document, Tally
    from dedup.pipeline import Outcome


DEFAULT_SHARD_SIZE = 64 * 2**20
"""Past this many bytes, a plain JSON Lines file of a sharded run is read as several pieces
(byte ranges cut after a line), so that workers share one big file (``--shard-size``)."""

DEFAULT_FIELD = "text"
"""The record field that holds a document, as in most corpora (Dolma, RedPajama, C4)."""

DEFAULT_ID_FIELD = "id"
"""The record field that names a document in the report, when a record has it."""


@dataclass(frozen=True)
class Records:
    """Inputs are JSON Lines: the string in ``field`` of each record is one document.

    ``id_field`` names a record in the report; ``skip_bad`` passes a bad line through with a
    warning instead of stopping the run. ``drop_empty`` leaves out a record (a line, a Parquet
    row) whose every paragraph was removed (:attr:`~dedup.pipeline.Result.emptied`), instead
    of writing it with an empty text: off by default, so records in and out stay one to one.
    """

    field: str = DEFAULT_FIELD
    id_field: str | None = DEFAULT_ID_FIELD
    skip_bad: bool = False
    drop_empty: bool = False


@dataclass(frozen=True)
class Job:
    """Everything one run needs, in one value; the CLI builds it from its flags.

    ``inputs``: file names, ``-`` for stdin. ``records``: ``None`` when each input is one text
    document. ``across``: one matcher for all documents, in input order. ``diff``: write a
    unified diff instead of the cleaned text (text documents only). ``report``: a file that
    gets a JSON line per removal (``-``: stderr). ``binary_ok``: clean input that looks binary.
    ``on_bad_input``: ``"continue"`` reports an input that cannot be read and goes on with the
    next, as ``cat`` does; ``"stop"`` ends the run there (a corpus with a hole is usually a
    mistake). ``top``: count the most repeated paragraphs, for ``--stats``.

    ``jobs``: clean a corpus as stages over shards on this many local processes (0: one per
    core); ``engine="ray"``: on a Ray cluster instead, the one at ``ray_address`` (default:
    ``RAY_ADDRESS``, else a local Ray). Either way the output is the bytes of one process
    (see :mod:`dedup.batch.stages`). A sharded run always stops at its first bad input.
    ``shard_size``: a sharded run reads a plain JSON Lines file bigger than this as pieces
    of about this many bytes (see :func:`dedup.batch.sharded.byte_ranges`); the output is the same.
    """

    inputs: tuple[str, ...] = (STDIN,)
    options: Options = field(default_factory=Options)
    across: bool = False
    records: Records | None = None
    destination: Destination = field(default_factory=Stdout)
    diff: bool = False
    report: str | None = None
    binary_ok: bool = False
    on_bad_input: Literal["continue", "stop"] = "continue"
    top: bool = False
    jobs: int = 1
    engine: Literal["local", "ray"] = "local"
    ray_address: str | None = None
    shard_size: int = DEFAULT_SHARD_SIZE

    def __post_init__(self) -> None:
        # The CLI says these as usage errors first; a library caller gets a ValueError.
        if self.records is not None and (self.diff or isinstance(self.destination, InPlace)):
            raise ValueError("records are written back whole: no diff, no in-place edit")
        if isinstance(self.destination, InPlace | OutputDir) and STDIN in self.inputs:
            raise ValueError("in-place editing and an output directory need named files")
        if not self.inputs:
            raise ValueError("a job needs at least one input (- for stdin)")
        if self.shard_size < 1:
            raise ValueError(f"shard_size must be at least 1 byte, not {self.shard_size}")
        if self.jobs < 0:
            raise ValueError(f"jobs must be 0 (one per core) or more, not {self.jobs}")
        if self.parallel and (self.diff or isinstance(self.destination, InPlace)):
            raise ValueError("--jobs and --engine write shards whole: no diff, no in-place edit")

    @property
    def parallel(self) -> bool:
        """Whether the stages run anywhere but in this process (``jobs`` other than 1, Ray)."""
        return self.engine == "ray" or self.jobs != 1

    @property
    def sharded(self) -> bool:
        """Whether the run goes as stages over shards (:mod:`dedup.batch.sharded`).

        A parallel run does; so does a Parquet input, a directory or a glob pattern, which name
        shards, whatever else the job asks: how a directory is read never depends on a
        reporting flag (``--report``, ``--stats``), as it once did.
        """
        if self.parallel or any(is_parquet(name) for name in self.inputs):
            return True
        return any(names_shards(name) for name in self.inputs)


class Listener:
    """What a run tells whoever watches it; every method here ignores it (subclass to show)."""

    def progress(self, tally: Tally, position: Callable[[], int | None]) -> None:
        """The run moved on (a document or a chunk); ``position()`` gives the input bytes read
        so far, if known."""

    def stage(self, name: str, done: int, total: int) -> None:
        """A stage of a sharded run has ``done`` of its ``total`` shards (``name``: what they
        are now, such as ``prepared`` or ``written``), counted as the driver takes them."""

    def warn(self, message: str) -> None:
        """Something a person may want to know that does not stop the run."""

    def failed(self, error: DedupError) -> None:
        """An input could not be cleaned and the run goes on (``on_bad_input="continue"``)."""

    def done(self, document: Document, outcome: Outcome) -> None:
        """A document is done, on every road (whole, streamed, a record, in a shard): the
        one call per document. ``outcome`` holds its counts, which ``--stats`` and ``--check``
        need, and its whole :class:`~dedup.pipeline.Result` where the road had one (``-v``
        shows it). A text file's document has no ``record``; a record's has. Called before
        the document's output is written where it is written whole."""
