"""Shared test settings: hypothesis profiles ("ci" is deterministic, "dev" digs deeper), and
the one ``run`` fixture that runs the command line in this process."""

import os
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

# The generators that tests and benchmarks share live in benchmarks/ (families.py): appended,
# so nothing there can shadow a module of the tests or of the standard library.
sys.path.append(str(Path(__file__).resolve().parent.parent / "benchmarks"))

settings.register_profile(
    "ci",
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def reap():
    """Register children to kill if a test fails while one still runs (a paused one sleeps)."""
    children = []
    yield children.append
    for child in children:
        if child.poll() is None:
            child.kill()
        child.communicate()


class Ran(NamedTuple):
    """What ``dedup clean`` did: its exit code, stdout's bytes and stderr's text.

    The names of click's test result (``exit_code``, ``stdout_bytes``, ``stderr``), and a
    tuple, so a test can compare the whole run at once: ``run(...) == (0, out, "")``.
    """

    exit_code: int
    stdout_bytes: bytes
    stderr: str

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode("utf-8", "replace")


def run_dedup(*args: object, input: bytes | str = b"") -> Ran:
    """Run ``dedup clean ARGS`` in this process as the console script does (the plain road or
    click, whichever the arguments take), with ``input`` as stdin."""
    from dedup.cli.launch import run_command  # at call time: conftest loads before any test

    with CliRunner().isolation(input=input) as (out, err, _):
        code = run_command(["clean", *map(str, args)])
    return Ran(code, out.getvalue(), err.getvalue().decode("utf-8", "replace"))


@pytest.fixture(scope="session")
def run():
    """``run(*args, input=b"")``: ``dedup clean ARGS`` in this process (see :func:`run_dedup`).

    Session-scoped, so hypothesis tests may take it too: it holds no state.
    """
    return run_dedup
