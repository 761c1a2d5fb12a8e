"""A home on this machine: the store (the one place of SQL), the substring index (suffix arrays,
numpy files), the word index (the one place of Whoosh), the section table, integrity, the writers'
lock, the segmenter. Never imports the engine (tests/test_structure.py)."""
