"""The one home of the hypothesis strategies: text built to hold repeats, near repeats and traps.

Every property test and the roads test draw from here, so a new trap added to ``SENTENCES`` or
``documents`` is met by all of them.
"""

from hypothesis import strategies as st

from dedup import Options

SENTENCES = [
    "The council approved the harbour budget on Monday evening.",
    "Residents asked for more money for the ferry service.",
    "The mayor said the works would start in spring.",
    "Vote for Anna on the last page!",
    "Vote for Olga on the last page!",
    "Arsenal beat Chelsea 2-1 on Saturday afternoon.",
    "Arsenal beat Chelsea 3-0 on Saturday afternoon.",
    "北京时间周一晚间，国家统计局公布了经济数据。",
    "***",
    "Advertisement",
    "a" * 25,
    "a" * 26,
    # a man page's header (first, it makes the text a man page) and an option entry
    "LS(1)                       User Commands                       LS(1)",
    "       -a, --all",
    "              do not ignore entries starting with .",
]


@st.composite
def variants(draw):
    """A sentence, maybe with a typo, other case, curly quotes or doubled spaces."""
    text = draw(st.sampled_from(SENTENCES))
    change = draw(st.sampled_from(["none", "upper", "typo", "quotes", "spaces", "long"]))
    if change == "upper":
        text = text.upper()
    elif change == "typo" and len(text) > 5:
        i = draw(st.integers(0, len(text) - 2))
        text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    elif change == "quotes":
        text = "\u201c" + text + "\u201d"
    elif change == "spaces":
        text = text.replace(" ", "  ")
    elif change == "long":
        text = (text + " ") * 4
    return text


@st.composite
def documents(draw):
    """Lines of variants with any terminators, blank lines, and stray bytes here and there."""
    parts = []
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.sampled_from(["line", "line", "line", "blank", "junk", "separator"]))
        if kind == "blank":
            body = draw(st.sampled_from(["", " ", "\t", "\f"]))
        elif kind == "separator":  # bounds records (fortune files)
            body = draw(st.sampled_from(["%", "%%"]))
        elif kind == "junk":
            body = draw(st.text(max_size=30))
        else:
            body = draw(variants())
        parts.append(body + draw(st.sampled_from(["\n", "\n", "\r\n", "\r", ""])))
    text = "".join(parts)
    if draw(st.booleans()):
        return text.encode("utf-8", "surrogatepass")
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + text.encode("utf-8", "surrogatepass")


OPTIONS = st.builds(
    Options,
    threshold=st.sampled_from([0, 50, 85, 90, 100]),
    min_chars=st.sampled_from([0, 5, 20]),
    split=st.sampled_from(["auto", "line", "block"]),
    keep_recurring=st.booleans(),
)


LINE_BYTES = st.lists(
    st.one_of(
        st.sampled_from(
            [b"%", b"%%", b"% x", b"50%", b" ", b"\t", b"\x1c", b"\xc2\xa0", b"\xe3\x80\x80"]
        ),
        st.binary(max_size=6),
    ),
    max_size=6,
).map(b"".join)
"""The bytes of a line, without its terminator: blanks of every kind (ASCII, odd ASCII
whitespace, no-break and ideographic spaces), record separators and their look-alikes, and
any bytes at all."""

CHUNKS_OF_LINES = st.lists(
    st.tuples(LINE_BYTES, st.sampled_from([b"\n", b"\r\n", b"\r"])), max_size=8
).map(
    lambda lines: b"".join(
        body.replace(b"\r", b"").replace(b"\n", b"") + end for body, end in lines
    )
)
"""Whole lines of bytes, as the streamer and the exact line path take them."""


@st.composite
def drawn_lines(draw):
    """One line, maybe an ASCII row border (``+--+``, ``|==|``) or with box characters, with
    the whitespace ``str`` and ``bytes`` disagree on (\\x1c-\\x1f) and any terminator."""
    border = "".join(draw(st.lists(st.sampled_from(["+", "|", "-", "=", ":"]), max_size=8)))
    pad = st.text(alphabet=" \t\x0b\x0c\x1c\x1d\x1e\x1f", max_size=2)
    body = draw(st.sampled_from([border, border + "a", "│ a │", "a ─ b", "plain text"]))
    return draw(pad) + body + draw(pad) + draw(st.sampled_from(["\n", "\r\n", "\r", ""]))
