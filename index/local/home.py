"""The home: the folder that holds one archive — `store.sqlite`, `words/` (Whoosh), `segments/`
(substring index), the section table and `LOCK`. Its paths, opening it (format version, read-only),
and the index handles a reader uses, opened on demand and kept while the store's published state
stays the same (`follow`).

Writing lives in `writing/`: the store is the single commit point, and anything on disk newer than
what the store published is discarded or re-indexed by the next writer (`writing.maintenance`).
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from . import store
from ..errors import HomeError

if TYPE_CHECKING:  # imported lazily at run time: a quoted search never loads the segmenter
    from .sectiontable import SectionTable
    from .segmenter import Segmenter
    from .substring import SubstringIndex

REBUILD_HINT = "Run `baogao rebuild` to re-create the indexes from the store."


class Home:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path).expanduser()
        if self.path.exists() and not self.path.is_dir():
            raise HomeError(f"the home {self.path} is a file, not a folder",
                            "Pass --home a folder (it is created if missing).")
        self._con: store.Connection | None = None
        self._opened = _Opened()
        self._segmenting = None  # a child process cutting a query's terms (segment_ahead)
        self.migrating = False  # rebuild opens an older format to bring it up to this one

    # -- paths -------------------------------------------------------------------------------
    @property
    def store_path(self) -> Path:
        return self.path / "store.sqlite"

    @property
    def words_path(self) -> Path:
        return self.path / "words"

    @property
    def segments_path(self) -> Path:
        return self.path / "segments"

    @property
    def initialized(self) -> bool:
        return self.store_path.exists()

    @property
    def read_only(self) -> bool:
        """A home that cannot be written (a read-only mount, a shared folder): readers still read it."""
        return self.path.is_dir() and not os.access(self.path, os.W_OK)

    # -- opening -----------------------------------------------------------------------------
    @property
    def con(self) -> store.Connection:
        """The store's connection (`open` makes it)."""
        return self._con if self._con is not None else self.open()

    def open(self, samples: bool = False) -> store.Connection:
        """Open the store, creating a new home first if there is none (`samples`: a first read made
        it, so the bundled sample pages are due, `samples_due`); check its format version."""
        if self._con is None:
            if not self.initialized:
                self.refuse_remains()
                self._make_folder()
            try:
                con = store.connect(self.store_path, read_only=self.read_only)
                if not self.read_only and store.is_blank(con):
                    # A new store, or one whose creation was killed (an empty file, or tables never
                    # committed): created in one transaction that any number of processes may race
                    # to run — the first makes it, the others find it made (never "no such table").
                    store.create(con, samples=samples)
                if store.get_meta(con, "format") is None:
                    raise HomeError(f"{self.store_path} is not a baogao store", "Pass --home a baogao home.")
                version = store.get_int(con, "format", 0)
            except store.DatabaseError as e:
                raise HomeError(f"the store {self.store_path} is damaged ({e})",
                                "Move the home aside and ingest the reports again.") from None
            if int(version) > store.FORMAT_VERSION:
                raise HomeError(
                    f"the home {self.path} was made by a newer baogao (format {version}; this one reads {store.FORMAT_VERSION})",
                    "Upgrade baogao (pip install -U baogao), or use another --home.")
            if int(version) < store.FORMAT_VERSION and not self.migrating:
                raise HomeError(f"the home {self.path} has an older format ({version}; this baogao reads {store.FORMAT_VERSION})",
                                "Run `baogao rebuild` to bring it up to date; it keeps every report.")
            self._con = con
        return self._con

    def refuse_remains(self) -> None:
        """Before a new store is made: never a new, empty archive over the indexes of one whose store
        was deleted or moved (the reports are gone from it; a new store would hide that)."""
        from .integrity import indexes_without_store

        left = indexes_without_store(self.path)
        if left and not self.initialized:  # (looked at after: a concurrent first read may have just made both)
            raise HomeError(f"the store {self.store_path} is missing, but its indexes are there ({', '.join(left)})",
                            "Put store.sqlite back; or move the home aside and ingest the reports again.")

    @property
    def samples_due(self) -> bool:
        """A first read made this home and no ingest has published yet (the one that adds the
        sample pages is running, or was killed): a reader adds them, waiting for the lock."""
        return self.meta("samples") == "due" and self.meta("dictionary_hash") is None

    def _make_folder(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            (self.segments_path).mkdir(exist_ok=True)
        except OSError as e:
            raise HomeError(f"cannot create the home {self.path} ({e.strerror})", "Pass --home a writable folder.") from None

    def close(self) -> None:
        self.refresh()
        if self._con is not None:
            self._con.close()
            self._con = None

    def follow(self) -> None:
        """Before a read: if a writer has published since the handles were opened, drop them, so a
        long-lived reader answers from the current state (and never from files a writer has since
        cleaned away). One small query; the section table's name changes at every publish."""
        published = (self.meta("section_table"), self.meta("whoosh_generation"))
        if published == self._opened.published:
            return
        if self._opened.published is not None or self._opened.any():
            self.refresh()  # (a first read keeps a segment_ahead child's words: nothing was opened yet)
        self._opened.published = published

    def after_fork(self) -> None:
        """In a process forked from the one that opened this home (a resident engine's child): drop the
        handles that read files through a position — the SQLite connection, Whoosh's files — without
        closing them (they are the parent's too, and two processes moving one file offset read each
        other's bytes); they reopen here on first use. The memory-mapped and in-memory parts are kept."""
        self._inherited = getattr(self, "_inherited", []) + [(self._con, self._opened.words, self._opened.searcher)]
        self._con = None
        self._opened.words = self._opened.searcher = self._opened.word_scorer = None

    def refresh(self) -> None:
        """Forget cached index handles (after a write)."""
        if self._segmenting is not None:
            self._segmenting()  # reap the child
            self._segmenting = None
        if self._opened.searcher is not None:
            self._opened.searcher.close()
        self._opened = _Opened()

    # -- the parts ---------------------------------------------------------------------------
    @property
    def words(self):
        from . import wordindex

        if self._opened.words is None:
            try:
                self._opened.words = wordindex.open_or_create(self.words_path)
            except Exception as e:  # Whoosh raises many kinds on a damaged folder
                raise HomeError(f"the word index in {self.words_path} cannot be opened ({e})", REBUILD_HINT) from None
        return self._opened.words

    @property
    def searcher(self):
        """A Whoosh searcher kept open across queries (a long-lived reader sees the generation it
        opened; `refresh` drops it after a write)."""
        from . import wordindex

        if self._opened.searcher is None:
            self._opened.searcher = wordindex.open_published(self, store.get_int(self.con, "whoosh_generation", None))
        return self._opened.searcher

    @property
    def word_scorer(self):
        """BM25 over the open searcher's segments (their section ids and field lengths read once)."""
        from . import wordindex

        if self._opened.word_scorer is None:
            self._opened.word_scorer = wordindex.WordScorer(self.searcher, self.words_path)
        return self._opened.word_scorer

    @property
    def section_table(self):
        """Every live section (sectiontable.SectionTable). Written at each publish
        (`write_section_table`), so a cold process loads it instead of querying."""
        from . import sectiontable

        if self._opened.sections is None:
            saved = self._saved_columns(sectiontable.COLUMNS)
            self._opened.sections = sectiontable.SectionTable(saved) if saved else sectiontable.read(self.con)
        return self._opened.sections

    def _saved_columns(self, keys) -> dict | None:
        """`keys` from the section table file the store names, if it holds them all, well formed."""
        import numpy as np

        from . import sectiontable

        name = self.meta("section_table")
        path = self.path / f"sections-{name}.npz" if name else None
        if path is None or not path.exists():
            return None
        try:
            with np.load(path) as z:
                columns = {k: z[k] for k in keys} if all(k in z.files for k in keys) else None
            return columns if columns is not None and sectiontable.well_formed(columns) else None
        except (OSError, ValueError, EOFError, zipfile.BadZipFile):  # damaged: the store still knows (check says so)
            return None

    @property
    def substring(self):
        """The published segments, opened now. A writer that merges segments deletes the old folders
        just after its commit, so a reader that read the old names a moment before may find one gone:
        then the store has moved on and lists others — read the names again (a name the store still
        lists and the disk lacks is damage, said as such)."""
        from .substring import SubstringIndex

        if self._opened.substring is None:
            names = store.segment_names(self.con)
            while True:
                index = SubstringIndex(self.segments_path, names, store.recorded_files(self.con))
                try:
                    index.segments
                    break
                except HomeError:
                    again = store.segment_names(self.con)
                    if again == names:
                        raise
                    names = again
            self._opened.substring = index
        return self._opened.substring

    @property
    def segmenter(self):
        from .segmenter import Segmenter

        if self._opened.segmenter is None:
            known = self._segmenting() if self._segmenting is not None else None
            self._segmenting = None
            self._opened.segmenter = Segmenter(lambda: store.dictionary(self.con), known)
        return self._opened.segmenter

    def segment_ahead(self, texts: list[str]) -> None:
        """Start cutting `texts` into words in a child process (see `segmenter.segment_in_child`):
        for a one-query process, so loading the dictionary overlaps opening the indexes."""
        import os

        if texts and self._opened.segmenter is None and self._segmenting is None and hasattr(os, "fork") and self.initialized:
            from .segmenter import is_loaded, segment_in_child

            try:
                if is_loaded(self.meta("dictionary_hash")):  # this process has it already: no child needed
                    return
            except (HomeError, store.DatabaseError):
                pass  # the search itself says what is wrong with the store
            self._segmenting = segment_in_child(self.store_path, texts)

    def meta(self, key: str, default=None):
        return store.get_meta(self.con, key, default)


@dataclass
class _Opened:
    """The index handles opened on one published state of the store; `refresh` drops them together."""

    words: object = None  # the Whoosh index
    searcher: object = None
    word_scorer: object = None
    substring: SubstringIndex | None = None
    segmenter: Segmenter | None = None
    sections: SectionTable | None = None
    published: tuple | None = None  # (section table name, Whoosh generation) they were opened on

    def any(self) -> bool:
        return any(h is not None for h in (self.words, self.searcher, self.word_scorer, self.substring,
                                           self.segmenter, self.sections))
