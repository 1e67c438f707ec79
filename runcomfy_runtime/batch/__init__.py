"""The batch engine: many jobs of one model, a bounded number at a time, exactly once with a
journal. ``client.map`` and ``runcomfy batch`` are two faces of it.

Nothing here loads until a batch runs; ``sqlite3`` only when a batch has a folder (``out=``).
"""
