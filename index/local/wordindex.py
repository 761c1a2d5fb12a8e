"""The Whoosh index: per section its key and its jieba words. It ranks (BM25); it does not display.

Words are segmented by our own `Segmenter` (in the ingest's worker processes, with the home's frozen
dictionary) and handed to Whoosh space-separated, so Whoosh never segments and never needs the
dictionary. No positions: phrases are the substring index's job.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, Schema
from whoosh.scoring import BM25F

from ..errors import HomeError


class CountedWords(KEYWORD):
    """A KEYWORD field that also takes pre-counted words ({word: count}), so an ingest worker hands
    Whoosh its postings without Whoosh tokenizing and counting them again. Whoosh pickles the schema
    under `index.wordindex.CountedWords`: never rename the class nor that module (a shim)."""

    def index(self, value, **kwargs):
        if isinstance(value, dict):
            from whoosh.system import pack_uint

            return ((w.encode("utf-8"), n, float(n), pack_uint(n)) for w, n in value.items())
        return super().index(value, **kwargs)


# Pickled by that name in every home (the rooms moved the module; index/wordindex.py re-exports it).
CountedWords.__module__ = "index.wordindex"


def schema() -> Schema:
    # `key` is a column too: a query maps document numbers to section ids without stored-field reads.
    return Schema(key=ID(stored=True, unique=True, sortable=True), words=CountedWords(scorable=True, lowercase=False))


class WordSegmentWriter:
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


def commit_segments(ix, delete_keys, segments, expected_count: int, replace: bool = False) -> int:
    """Publish segments written by worker processes, with `delete_keys` deleted, as one Whoosh
    commit (small old segments merged) — or, with `replace`, as a generation of these segments
    alone; returns the new generation after checking the count. The files of the generation before
    are left in place: readers go on using the generation the store published until the store
    publishes this one, and `clean` removes them after (Whoosh would delete them at once)."""
    from whoosh.index import TOC
    from whoosh.writing import SegmentWriter

    writer = SegmentWriter(ix, limitmb=128, compound=False)
    try:
        if replace:
            writer._close_segment()
            final = []
        else:
            for key in delete_keys:
                writer.delete_by_term("key", str(key))
            final = writer._merge_segments(None, False, True)
            if writer._added:
                final.append(writer._finalize_segment())
            else:
                writer._close_segment()
        final += [s for s in segments if s is not None]
        TOC(writer.schema, final, writer.generation).write(writer.storage, writer.indexname)
        writer._finish()
    except BaseException:
        writer.cancel()
        raise
    generation = _checked(ix, expected_count)
    write_sid_files(ix)
    return generation


def clean(folder: Path, generation: int) -> None:
    """Delete every file that is not of `generation` (the one the store published): older
    generations once a newer one is published, a newer one a crash left unpublished."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC, _DEF_INDEX_NAME, clean_files

    storage = FileStorage(str(folder))
    try:
        toc = TOC.read(storage, _DEF_INDEX_NAME, generation)
    except Exception:  # that generation is not there (or not readable): nothing is safe to delete
        return
    clean_files(storage, _DEF_INDEX_NAME, generation, toc.segments)


def write_sid_files(ix) -> None:
    """Save each segment's section id per docnum beside it (`MAIN_<id>.sids.npy`, immutable like
    the segment; Whoosh's clean-up deletes it with its segment), so a query process loads an array
    instead of decoding the key column (30 ms at 70,000 sections)."""
    import os

    folder = Path(ix.storage.folder)
    with ix.reader() as reader:
        for leaf, _ in _leaves(reader):
            path = folder / sid_file_name(leaf)
            if not path.exists():
                tmp = folder / f".{path.name}.tmp"  # a dot file: Whoosh's clean-up leaves it alone
                with open(tmp, "wb") as f:
                    np.save(f, _decode_sid_column(leaf, leaf.doc_count_all()))
                os.replace(tmp, path)


def _leaves(reader):
    """The segment readers of a reader. An index with no segment left (every report removed) reads
    through an EmptyReader, which has none — not one that fails on every question."""
    from whoosh.reading import EmptyReader

    return [(leaf, base) for leaf, base in reader.leaf_readers() if not isinstance(leaf, EmptyReader)]


def sid_file_name(leaf) -> str:
    return f"{leaf.segment().segment_id()}.sids.npy"


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


def committed_files(folder: Path, gen: int) -> list[str]:
    """The names of the files that make up generation `gen`: its table of contents and its
    segments' files (what a checksum must cover); none if it is not there."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC, _DEF_INDEX_NAME

    if gen < 0 or not folder.is_dir():
        return []
    try:
        toc = TOC.read(FileStorage(str(folder)), _DEF_INDEX_NAME, gen)
    except Exception:  # missing or unreadable: check says so
        return []
    prefixes = tuple(f"{seg.segment_id()}." for seg in toc.segments)
    names = [f"_{_DEF_INDEX_NAME}_{gen}.toc"]
    names += [p.name for p in folder.iterdir() if p.name.startswith(prefixes)]
    return sorted(names)


class WordScorer:
    """BM25 (Whoosh's BM25F formula and statistics) for sections holding every word of a query,
    computed with numpy from the raw postings. Whoosh's matchers score one posting at a time in
    Python (~30 µs each: field-length column lookups); a common word matches ~10,000 sections.
    Per segment it keeps the section id and field length of every document, read once from the
    columns. Reads Whoosh's W3 codec internals, which is why whoosh3 is pinned exactly; a test
    pins the scores equal to Whoosh's own matchers'."""

    def __init__(self, searcher, folder: Path):
        try:
            self._read(searcher, folder)
        except HomeError:
            raise
        except Exception as e:  # a damaged file Whoosh cannot read
            raise _unreadable(e) from None

    def _read(self, searcher, folder: Path) -> None:
        from whoosh.util.numeric import byte_to_length

        self.searcher = searcher
        self.words_field = searcher.schema["words"]
        self.avgfl = searcher.avg_field_length("words") or 1
        lengths_of = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
        self.leaves = []  # (segment reader, section id per docnum, field length per docnum, live mask)
        for reader, _base in _leaves(searcher.reader()):
            n = reader.doc_count_all()
            live = np.ones(n, dtype=bool)
            if reader.has_deletions():
                live[list(reader._perdoc.deleted_docs())] = False
            lengths = np.zeros(n, dtype=np.uint8)
            raw = _column_bytes(reader, "_words_len")
            lengths[:len(raw)] = np.frombuffer(raw, dtype=np.uint8)[:n]
            self.leaves.append((reader, _sid_column(reader, n, folder), lengths_of[lengths], live))

    def score(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(section ids, BM25 summed over `words`, repeats counted as Whoosh's And does), for the
        sections holding every word; sorted by section id."""
        try:
            return self._score(words)
        except HomeError:
            raise
        except Exception as e:  # a damaged postings file
            raise _unreadable(e) from None

    def _score(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        model = BM25F()
        B, K1 = model.B, model.K1
        sids, scores = [], []
        for reader, sid_of, fl, live in self.leaves:
            docs, total = None, None
            for word in words:
                ids, tf = _postings(reader, self.words_field, word)
                keep = live[ids]
                ids, tf = ids[keep], tf[keep]
                idf = self.searcher.idf("words", word)
                s = idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl[ids] / self.avgfl))
                if docs is None:
                    docs, total = ids, s
                else:
                    docs, i, j = np.intersect1d(docs, ids, assume_unique=True, return_indices=True)
                    total = total[i] + s[j]
                if not len(docs):
                    break
            if docs is not None and len(docs):
                sids.append(sid_of[docs])
                scores.append(total)
        if not sids:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        sid, score = np.concatenate(sids), np.concatenate(scores)
        order = np.argsort(sid, kind="stable")
        return sid[order], score[order]


def _postings(reader, fieldobj, word: str):
    """(docnums, term frequencies) of `word` in one segment, read block by block."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    terms = reader._terms
    btext = word.encode("utf-8")
    if ("words", btext) not in terms:
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    info = terms.term_info("words", btext)
    if info.is_inlined():
        ids, weights, _values = info.inlined_postings()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
    offset, length = info.extent()
    m = W3LeafMatcher(terms._postfile, offset, length, fieldobj.format)
    deltas, tfs, sizes = [], [], []
    while not m._atend:
        m._read_data()
        n, weights = m._blocklength, m._data[1]
        deltas.extend(m._data[0])
        if weights is None:
            tfs.extend([1.0] * n)
        elif isinstance(weights, float):
            tfs.extend([weights] * n)
        else:
            tfs.extend(weights)
        sizes.append(n)
        m._next_block()
    # Each block's ids are deltas from the previous id, the first from 0: a running sum, restarted
    # at every block.
    running = np.cumsum(np.array(deltas, dtype=np.int64))
    ends = np.cumsum(sizes)
    before = np.concatenate(([0], running[ends[:-1] - 1]))
    return running - np.repeat(before, sizes), np.array(tfs, dtype=np.float64)


def _column_bytes(reader, column: str) -> bytes:
    perdoc = reader._perdoc
    if not perdoc.has_column(column):
        return b""
    colfile, offset, length = perdoc._get_column_file(column)
    try:
        return colfile.get(offset, length)
    finally:
        colfile.close()


def _sid_column(reader, n: int, folder: Path):
    """The section id of each docnum: saved beside the segment (write_sid_files), or decoded."""
    path = folder / sid_file_name(reader)
    try:
        sids = np.load(path)
        if len(sids) == n:
            return sids
    except (OSError, ValueError):  # gone: a rebuild replaced the generation this reader opened a moment ago
        pass
    return _decode_sid_column(reader, n)


def _decode_sid_column(reader, n: int):
    """The section id (the `key` column, decimal text) of each docnum, decoded with numpy.
    Whoosh's VarBytesColumn: the values back to back, then the lengths array [, the offsets
    array], then the lengths' typecode [, the offsets' typecode, b"X"]."""
    import struct

    raw = _column_bytes(reader, "key")
    if not n or not raw:
        return np.zeros(n, np.int64)
    end = len(raw) - 1
    code = chr(raw[end])
    if code == "X":
        code = chr(raw[end - 2])
        end = end - 2 - n * struct.calcsize(chr(raw[end - 1]))
    size = struct.calcsize(code)
    start = end - n * size
    # StructFile.write_array writes big-endian.
    lengths = np.frombuffer(raw[start:end], dtype=np.dtype(code).newbyteorder(">")).astype(np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    digits = np.frombuffer(raw[:start], dtype=np.uint8).astype(np.int64) - 48
    sids = np.zeros(n, np.int64)
    for width in np.unique(lengths).tolist():  # ids of one width at a time: a matrix of digits
        if width == 0:
            continue
        rows = np.flatnonzero(lengths == width)
        matrix = digits[offsets[rows, None] + np.arange(width)]
        sids[rows] = matrix @ (10 ** np.arange(width - 1, -1, -1, dtype=np.int64))
    return sids


def open_published(home, generation: int | None):
    """A searcher on the generation the store published, once its files are checked against what
    was published (filecheck.check_opened: each there with its size, the small ones with their
    digest) — before Whoosh opens the folder, which would create an empty index where it was
    deleted. A file missing because a writer published and cleaned a moment ago is no damage: the
    store then names another generation, which is read instead."""
    from . import filecheck, store

    while generation is not None and generation >= 0:
        words = {p: v for p, v in store.recorded_files(home.con).items() if p.startswith("words/")}
        try:
            filecheck.check_opened(home.path, words, sorted(words))
            break
        except HomeError:
            again = store.get_int(home.con, "whoosh_generation", None)
            if again == generation:
                raise
            generation = again
    return open_searcher(home.words, generation)


def _unreadable(e: Exception) -> HomeError:
    """Whoosh's own errors on a damaged file (struct, zlib, index errors …), as one line."""
    return HomeError(f"the word index cannot be read ({type(e).__name__}: {e})",
                     "Run `baogao check` to see all the damage, then `baogao rebuild` to re-create the indexes from the store.")


def open_searcher(ix, generation: int | None = None):
    """A searcher on `generation` (the store's): none published (-1) reads as empty; one gone (a
    damaged index, which check reports) or unrecorded (None: a home older than the record) the newest."""
    from whoosh.index import TOC
    from whoosh.searching import Searcher

    if generation == -1:  # the store has published no word index yet (a first ingest died before its commit)
        from whoosh.reading import EmptyReader

        return Searcher(EmptyReader(ix.schema), weighting=BM25F(), fromindex=ix)
    if generation is not None and generation >= 0:
        try:
            toc = TOC.read(ix.storage, ix.indexname, generation, schema=ix._schema)
            reader = ix._reader(ix.storage, toc.schema, toc.segments, toc.generation)
            return Searcher(reader, weighting=BM25F(), fromindex=ix)
        except Exception:  # not there any more: the newest (search masks sections the store does not hold)
            pass
    return ix.searcher(weighting=BM25F())


def all_keys(searcher) -> set[int]:
    return {int(fields["key"]) for fields in searcher.all_stored_fields()}
