"""The engine: a user's read (search, snippets, verify, trends, kwic, new, targets, catalog,
suggestions) → the records of index.model, whichever corpus answers. Its goal (issue 33): talk to
the corpus only through the `Corpus` port, never to the store, Whoosh, numpy file formats or HTTP —
tests/test_structure.py lists what still does."""
