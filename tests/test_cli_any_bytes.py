"""Any bytes through the whole CLI: exit 0 with the input minus whole lines, or one clean error.

In-process with CliRunner, so hypothesis can try many inputs; the subprocess tests cover what
only a real process shows.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from invariants import is_input_minus_whole_lines

PIECES = [
    b"The council approved the harbour budget on Monday evening.",
    b"THE COUNCIL APPROVED THE HARBOUR BUDGET ON MONDAY EVENING!",
    b"Residents asked for more money for the ferry service today.",
    b"caf\xe9 \xed\xa0\x80 \xff broken bytes in a long enough line",
    b"=====",
    b"\x00 a NUL byte",
    b"\xef\xbb\xbf",
    b"",
    b" \t",
]
TERMINATORS = [b"\n", b"\r\n", b"\r", b""]


@st.composite
def repetitive_bytes(draw):
    """Lines from a small pool, so repeats and near repeats are common."""
    parts = draw(
        st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(TERMINATORS)), max_size=12)
    )
    return b"".join(piece + end for piece, end in parts)


INPUTS = st.one_of(st.binary(max_size=600), repetitive_bytes())
FLAGS = st.sampled_from(
    [
        [],
        ["-a"],
        ["-a", "--min-chars", "0", "--threshold", "50"],
        ["-a", "--split", "line"],
        ["-a", "--split", "block", "--threshold", "100"],
    ]
)


def looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def looks_compressed(data: bytes) -> bool:
    # gzip and zstd input is recognised by its magic bytes; random bytes after them are
    # corrupt compressed data, one clean error (hypothesis finds b"\x1f\x8b" now and then).
    return data.startswith((b"\x1f\x8b", b"\x28\xb5\x2f\xfd"))


def looks_wide(data: bytes) -> bool:
    # A UTF-16 or UTF-32 BOM: refused even with -a, since its lines cannot be cut bytewise.
    return data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))


@given(INPUTS, FLAGS)
def test_output_is_the_input_minus_whole_lines_or_one_clean_error(run, data, flags):
    result = run(*flags, input=data)
    assert result.exit_code in (0, 2), result.stderr  # never an internal error (70)
    if looks_compressed(data):
        assert (result.exit_code, result.stdout_bytes) == (2, b"")
        assert result.stderr.startswith("dedup: <stdin>: corrupt ")
        assert result.stderr.count("\n") == 1
    elif looks_wide(data):
        assert (result.exit_code, result.stdout_bytes) == (2, b"")
        assert result.stderr.startswith("dedup: <stdin>: UTF-")
        assert "iconv" in result.stderr
    elif looks_binary(data) and "-a" not in flags:
        assert (result.exit_code, result.stdout_bytes) == (2, b"")
        assert result.stderr == (
            "dedup: <stdin>: binary file (NUL byte); use -a/--text to clean it\n"
        )
    else:
        assert (result.exit_code, result.stderr) == (0, "")
        assert is_input_minus_whole_lines(data, result.stdout_bytes)


@given(INPUTS)
def test_check_agrees_with_what_cleaning_would_do(run, data):
    cleaned = run("-a", input=data)
    checked = run("-a", "--check", input=data)
    assert checked.stdout_bytes == b""
    if looks_compressed(data) or looks_wide(data):
        assert checked.exit_code == cleaned.exit_code == 2
    else:
        assert checked.exit_code == (0 if cleaned.stdout_bytes == data else 1)
