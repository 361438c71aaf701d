"""Effects at the edges: files, compression, JSON Lines records, Parquet, outputs, the report.

It imports only ``dedup.errors``, ``dedup.text.decoding`` and itself, so that every road reads
and writes through the same code without knowing about the others.
"""
