"""The Whoosh index: per section its key and its jieba words. It ranks (BM25); it does not display.

Words are segmented by our own `Segmenter` (in the ingest's worker processes, with the home's frozen
dictionary) and handed to Whoosh space-separated, so Whoosh never segments and never needs the
dictionary. No positions: phrases are the substring index's job.
"""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID, KEYWORD, Schema
from whoosh.scoring import BM25F

from .errors import HomeError


def schema() -> Schema:
    return Schema(key=ID(stored=True, unique=True), words=KEYWORD(scorable=True, lowercase=False))


def open_or_create(folder: Path):
    if whoosh_index.exists_in(str(folder)):
        return whoosh_index.open_dir(str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(folder), schema())


def generation(folder: Path) -> int:
    """The newest committed generation in `folder` (-1 when there is no index)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC, _DEF_INDEX_NAME

    if not folder.is_dir():
        return -1
    return TOC._latest_generation(FileStorage(str(folder)), _DEF_INDEX_NAME)


def latest_generation(ix) -> int:
    return ix.latest_generation()


def write(ix, delete_keys, docs, expected_count: int, procs: int = 1) -> int:
    """Delete `delete_keys`, add `docs` (key, words), commit; returns the new generation.
    Checks the committed document count: Whoosh has been known to drop documents silently."""
    kwargs = {"limitmb": 256}
    if procs > 1:
        kwargs.update(procs=procs, multisegment=True)
    writer = ix.writer(**kwargs)
    try:
        for key in delete_keys:
            writer.delete_by_term("key", str(key))
        for key, words in docs:
            writer.add_document(key=str(key), words=words)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix2 = ix.refresh() if hasattr(ix, "refresh") else ix
    got = ix2.doc_count()
    if got != expected_count:
        raise HomeError(f"the word index holds {got} sections, expected {expected_count}",
                        "Run `baogao rebuild` to re-create the indexes from the store.")
    return ix2.latest_generation()


def search_words(ix, words: list[str], candidates=None) -> dict[int, float]:
    """section id → BM25 score, for sections that hold every word."""
    if not words:
        return {}
    q = wq.And([wq.Term("words", w) for w in words]) if len(words) > 1 else wq.Term("words", words[0])
    out: dict[int, float] = {}
    with ix.searcher(weighting=BM25F()) as s:
        results = s.search(q, limit=None)
        for hit in results:
            out[int(hit["key"])] = float(hit.score)
    return out


def all_keys(ix) -> set[int]:
    with ix.searcher() as s:
        return {int(fields["key"]) for fields in s.all_stored_fields()}
