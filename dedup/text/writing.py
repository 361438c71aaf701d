"""Write the kept paragraphs back out: nothing but slices of the original text."""

from __future__ import annotations

from collections.abc import Container, Sequence

from dedup.text.paragraphs import LINE, Paragraph


def removed_spans(
    text: str, paragraphs: Sequence[Paragraph], removed: Container[int]
) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets of every run of lines that removal deletes.

    A removed paragraph takes the blank lines before it along, so no double gap is left,
    unless a later paragraph of the same block is kept: then the gap stays, so the kept lines
    do not run into the block above them. Spans are sorted, disjoint and cover whole lines.
    """
    spans: list[tuple[int, int]] = []
    kept_in_block = _blocks_with_a_kept_paragraph(paragraphs, removed)
    for index, paragraph in enumerate(paragraphs):
        if index not in removed:
            continue
        start = paragraph.start if paragraph.block in kept_in_block else paragraph.lead
        if spans and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], paragraph.end)
        else:
            spans.append((start, paragraph.end))
    return spans


def _blocks_with_a_kept_paragraph(
    paragraphs: Sequence[Paragraph], removed: Container[int]
) -> set[int]:
    return {p.block for index, p in enumerate(paragraphs) if index not in removed}


def render(text: str, paragraphs: Sequence[Paragraph], removed: Container[int]) -> str:
    """Return ``text`` without the removed paragraphs, every other character untouched.

    Blank lines after the last paragraph always stay; see :func:`removed_spans` for what goes
    with a paragraph.

    >>> from dedup.text.paragraphs import split
    >>> text = "intro\\n\\nsame\\n\\nsame\\n\\nend"
    >>> render(text, split(text), {2})
    'intro\\n\\nsame\\n\\nend'
    """
    parts: list[str] = []
    position = 0
    for start, end in removed_spans(text, paragraphs, removed):
        parts.append(text[position:start])
        position = end
    parts.append(text[position:])
    return "".join(parts)


DIFF_CONTEXT = 3
"""Lines of context around each hunk of ``--diff``, as ``diff -u`` gives."""


def unified_diff(text: str, spans: Sequence[tuple[int, int]], *, name: str) -> str:
    """Return a unified diff that deletes ``spans`` (whole lines) from ``text``.

    Built straight from the removed lines rather than by ``difflib``, which would search for
    an alignment we already know, in quadratic time on large inputs.

    >>> print(unified_diff("a\\nb\\nb\\n", [(4, 6)], name="f.txt"), end="")
    --- f.txt
    +++ f.txt (cleaned)
    @@ -1,3 +1,2 @@
     a
     b
    -b
    """
    if not spans:
        return ""
    lines = [match.group() for match in LINE.finditer(text)]
    gone = _removed_line_numbers(lines, spans)
    out = [f"--- {name}\n", f"+++ {name} (cleaned)\n"]
    removed_so_far = 0  # removed lines before the current hunk, to number the new side
    for first, last in _hunks(gone, len(lines)):
        body = [("-" if n in gone else " ") + _terminated(lines[n]) for n in range(first, last)]
        minus = sum(1 for line in body if line[0] == "-")
        old, new = last - first, last - first - minus
        out.append(f"@@ -{_range(first, old)} +{_range(first - removed_so_far, new)} @@\n")
        out.extend(body)
        removed_so_far += minus
    return "".join(out)


def _removed_line_numbers(lines: Sequence[str], spans: Sequence[tuple[int, int]]) -> set[int]:
    gone: set[int] = set()
    offset = 0
    span = 0
    for number, line in enumerate(lines):
        while span < len(spans) and spans[span][1] <= offset:
            span += 1
        if span < len(spans) and spans[span][0] <= offset < spans[span][1]:
            gone.add(number)
        offset += len(line)
    return gone


def _hunks(gone: set[int], total: int) -> list[tuple[int, int]]:
    hunks: list[tuple[int, int]] = []
    for number in sorted(gone):
        first, last = max(0, number - DIFF_CONTEXT), min(total, number + 1 + DIFF_CONTEXT)
        if hunks and first <= hunks[-1][1]:
            hunks[-1] = (hunks[-1][0], last)
        else:
            hunks.append((first, last))
    return hunks


def _range(first: int, count: int) -> str:
    # diff -u numbers lines from 1, and an empty range names the line before it.
    start = first + 1 if count else first
    return f"{start},{count}"


def _terminated(line: str) -> str:
    if line.endswith(("\n", "\r")):
        return line
    return line + "\n\\ No newline at end of file\n"
