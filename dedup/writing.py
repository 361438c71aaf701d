"""Write the kept paragraphs back out: nothing but slices of the original text."""

from __future__ import annotations

from collections.abc import Container, Sequence

from dedup.paragraphs import Paragraph


def render(text: str, paragraphs: Sequence[Paragraph], removed: Container[int]) -> str:
    """Return ``text`` without the removed paragraphs, every other character untouched.

    A removed paragraph takes the blank lines before it along, so no double gap is left, unless
    a later paragraph of the same block is kept: then the gap stays where it was, so the kept
    lines do not run into the block above them. Text before the first paragraph and after the
    last (leading and trailing blank lines) always stays.

    >>> from dedup.paragraphs import split
    >>> text = "intro\\n\\nsame\\n\\nsame\\n\\nend"
    >>> render(text, split(text), {2})
    'intro\\n\\nsame\\n\\nend'
    """
    if not paragraphs:
        return text
    parts: list[str] = []
    pending_gap = ""  # the blank lines of a block whose first paragraph was removed
    block = -1
    for index, paragraph in enumerate(paragraphs):
        if paragraph.block != block:
            block = paragraph.block
            pending_gap = ""
        if index in removed:
            if paragraph.lead != paragraph.start:
                pending_gap = text[paragraph.lead : paragraph.start]
            continue
        parts.append(pending_gap)
        pending_gap = ""
        parts.append(text[paragraph.lead : paragraph.end])
    parts.append(text[paragraphs[-1].end :])
    return "".join(parts)
