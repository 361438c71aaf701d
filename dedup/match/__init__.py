"""Which paragraphs repeat an earlier one: copies, the index, the matcher, passages, exact lines.

A pure core: of ``dedup.text`` it uses only the keys (``normalize``), and it imports nothing of
``dedup.io``, ``dedup.batch`` or ``dedup.cli`` (``tests/test_layers.py`` holds it to that).
"""
