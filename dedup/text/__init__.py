"""Bytes to paragraphs and back: decoding, the line grammar, paragraphs, keys, rendering.

A pure core: it imports nothing of ``dedup.match``, ``dedup.io``, ``dedup.batch`` or
``dedup.cli`` (``tests/test_layers.py`` holds it to that).
"""
