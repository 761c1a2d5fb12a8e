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


class SegmentBuilder:
    """Writes one Whoosh segment from pre-counted words, keeping the word postings in compact
    arrays and handing them to Whoosh's codec in term order at the end. Whoosh's own writer pools
    every posting as a Python tuple, estimates its size, spills sorted runs through pickle and
    merges them back: on this corpus that is most of an ingest. The result is the same segment
    (a test compares postings and BM25 scores with Whoosh's writer). Uses Whoosh's writer
    internals, which is why whoosh3 is pinned exactly."""

    def __init__(self, ix):
        from whoosh.writing import SegmentWriter

        # Not a compound file: Whoosh reads a compound segment by copying each part into memory (0.1 s
        # per query process); separate files are read in place.
        self.writer = SegmentWriter(ix, _lk=False, limitmb=32, compound=False)  # its pool holds only keys
        self.schema = self.writer.schema
        self.postings: dict[str, tuple] = {}
        self.count = 0  # documents
        self.size = 0  # postings

    def add(self, key: str, counts: dict[str, int]) -> None:
        from array import array

        w, schema = self.writer, self.schema
        pdw, docnum = w.perdocwriter, w.docnum
        key_field, words_field = schema["key"], schema["words"]
        pdw.start_doc(docnum)
        for tbytes, _freq, weight, vbytes in key_field.index(key):
            w.pool.add(("key", tbytes, docnum, weight, vbytes))
        pdw.add_field("key", key_field, key, 0)
        pdw.add_column_value("key", key_field.column_type, key_field.to_column_value(key))
        length = 0
        postings = self.postings
        for word, n in counts.items():
            length += n
            entry = postings.get(word)
            if entry is None:
                entry = postings[word] = (array("i"), array("i"))
            entry[0].append(docnum)
            entry[1].append(n)
        pdw.add_field("words", words_field, None, length)
        pdw.finish_doc()
        w._added = True
        w.docnum += 1
        self.count += 1
        self.size += len(counts)

    def finish(self):
        """Write the postings and close the segment; returns Whoosh's Segment (for commit_segments)."""
        from whoosh.system import pack_uint

        w = self.writer
        if not self.count:
            w.cancel()
            return None
        w.perdocwriter.close()
        lengths = w.per_document_reader()

        def items():
            yield from w.pool.iter_postings()  # "key" < "words": the key postings come first
            for btext, word in sorted((word.encode("utf-8"), word) for word in self.postings):
                docs, freqs = self.postings[word]
                for d, n in zip(docs, freqs):
                    yield ("words", btext, d, float(n), pack_uint(n))

        try:
            w.fieldwriter.add_postings(self.schema, lengths, items())
        finally:
            lengths.close()
        w.fieldwriter.close()
        w._close_segment()
        w._assemble_segment()
        return w.get_segment()

    def cancel(self) -> None:
        self.writer.cancel()


def commit_segments(ix, delete_keys, segments, expected_count: int) -> int:
    """Publish segments written by worker processes, with `delete_keys` deleted, as one Whoosh
    commit (small old segments merged); returns the new generation after checking the count."""
    from whoosh.writing import SegmentWriter

    writer = SegmentWriter(ix, limitmb=128, compound=False)
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
