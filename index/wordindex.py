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


class CountedWords(KEYWORD):
    """A KEYWORD field that also takes pre-counted words ({word: count}), so an ingest worker hands
    Whoosh its postings without Whoosh tokenizing and counting them again. Whoosh pickles the schema:
    never rename this class or move it out of this module."""

    def index(self, value, **kwargs):
        if isinstance(value, dict):
            from whoosh.system import pack_uint

            return ((w.encode("utf-8"), n, float(n), pack_uint(n)) for w, n in value.items())
        return super().index(value, **kwargs)


def schema() -> Schema:
    # `key` is a column too: a query maps document numbers to section ids without stored-field reads.
    return Schema(key=ID(stored=True, unique=True, sortable=True), words=CountedWords(scorable=True, lowercase=False))


def commit_segments(ix, delete_keys, segments, expected_count: int) -> int:
    """Publish segments written by worker processes, with `delete_keys` deleted, as one Whoosh
    commit (small old segments merged); returns the new generation after checking the count."""
    from whoosh.writing import SegmentWriter

    writer = SegmentWriter(ix, limitmb=128)
    try:
        for key in delete_keys:
            writer.delete_by_term("key", str(key))
        final = writer._merge_segments(None, False, True)
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        final += [s for s in segments if s is not None]
        writer._commit_toc(final)
        writer._finish()
    except BaseException:
        writer.cancel()
        raise
    return _checked(ix, expected_count)


def _checked(ix, expected_count: int) -> int:
    ix2 = ix.refresh() if hasattr(ix, "refresh") else ix
    got = ix2.doc_count()
    if got != expected_count:
        raise HomeError(f"the word index holds {got} sections, expected {expected_count}",
                        "Run `baogao rebuild` to re-create the indexes from the store.")
    return ix2.latest_generation()


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


def search_words(searcher, words: list[str]) -> dict[int, float]:
    """section id → BM25 score, for sections that hold every word. `searcher` is reused across
    queries (opening one costs more than most queries)."""
    if not words:
        return {}
    q = wq.And([wq.Term("words", w) for w in words]) if len(words) > 1 else wq.Term("words", words[0])
    matcher = q.matcher(searcher, searcher.context())
    keys = searcher.reader().column_reader("key")
    out: dict[int, float] = {}
    while matcher.is_active():
        out[int(keys[matcher.id()])] = matcher.score()
        matcher.next()
    return out


def open_searcher(ix):
    return ix.searcher(weighting=BM25F())


def all_keys(ix) -> set[int]:
    with ix.searcher() as s:
        return {int(fields["key"]) for fields in s.all_stored_fields()}
