"""The writers other than ingest — remove, rebuild, compact — and what every writer does first:
take the lock, upgrade an older store's columns, and reconcile the indexes with the store."""

from __future__ import annotations

import contextlib
import shutil
import time

from ..local import integrity, lock, store, wordindex
from .. import sectiontext
from ..errors import HomeError
from ..local.home import Home
from . import dictionary
from .publish import SubstringSegmentWriter, publish_state, step_done, transaction, write_section_table
from .workers import run_word_writers

# Sections per job when the word index is re-created from the store; past this many sections a
# second worker is worth starting.
REINDEX_JOB_SECTIONS = 500
REINDEX_TWO_WORKERS_FROM = 2000


@contextlib.contextmanager
def writer(home: Home, wait: bool = False, what: str = "ingest"):
    """The block runs as the home's one writer, on indexes that hold exactly what the store published."""
    home.open()  # a new home is created here
    if home.read_only:
        raise HomeError(f"the archive {home.path} is read-only",
                        "Read commands work on it; to change it, use a copy you can write to.")
    with lock.held(home.path, what, wait):
        store.upgrade(home.con)
        reconcile(home)
        yield


def reconcile(home: Home) -> list[str]:
    """Bring the indexes back to what the store published (under the lock). Returns what it repaired."""
    repaired: list[str] = []
    table = home.meta("section_table")
    for f in home.path.glob("sections-*.npz"):
        if f.name != f"sections-{table}.npz":
            f.unlink(missing_ok=True)
    published = set(store.segment_names(home.con))
    if home.segments_path.exists():
        for entry in home.segments_path.iterdir():
            if entry.name not in published:
                shutil.rmtree(entry, ignore_errors=True)
                repaired.append(f"discarded unpublished segment {entry.name}")
    stored_gen = store.get_int(home.con, "whoosh_generation", -1)
    wordindex.clean(home.words_path, stored_gen)  # what a crash left unpublished, or a publish left behind
    if wordindex.generation(home.words_path) != stored_gen:
        fixed = reindex_words(home)
        repaired.append(f"re-indexed the word index from the store ({fixed})")
    home.refresh()
    return repaired


# -- remove ---------------------------------------------------------------------------------------
def remove(home: Home, report_ids: list[str], wait: bool = False) -> list[str]:
    with writer(home, wait=wait, what="remove"):
        con = home.con
        old = store.sids_of(con, list(report_ids))
        ix = wordindex.open_or_create(home.words_path)
        with transaction(con):
            store.delete_reports(con, list(report_ids))
            generation = wordindex.commit_segments(ix, old, [], ix.doc_count() - len(old))
            publish_state(home, con, generation)
        wordindex.clean(home.words_path, generation)
        home.refresh()
    return list(report_ids)


# -- rebuild, compact, reindex ----------------------------------------------------------------------
def section_texts(home: Home, segments: list[str] | None = None, with_offsets: bool = False, sids=None):
    """(sid, normalized text) for the sections in the store (those filed in `segments`, or `sids`, if given),
    re-normalized from the display lines exactly as an ingest normalizes them; with `with_offsets`,
    (sid, normalized text, offset map)."""
    for sid, title, n, heading, paragraphs in store.section_lines(home.con, segments, sids):
        text, offsets = sectiontext.normalized(sectiontext.lines_of(title, n, heading, paragraphs))
        yield (sid, text, offsets) if with_offsets else (sid, text)


def reindex_words(home: Home, words: tuple[str, ...] | None = None) -> int:
    """Re-create the word index from the store, with `words` as the new dictionary if given, as a
    new generation beside the published one: readers go on searching the old one until ONE store
    transaction publishes the new generation together with its dictionary."""
    con = home.con
    if words is None:
        words = store.dictionary(con)
    home.refresh()
    try:
        ix = wordindex.open_or_create(home.words_path)
        ix.latest_generation()
    except Exception:  # damaged past opening: there is nothing a reader could use anyway
        shutil.rmtree(home.words_path, ignore_errors=True)
        ix = wordindex.open_or_create(home.words_path)
    texts = list(section_texts(home))
    step = REINDEX_JOB_SECTIONS
    jobs = [("texts", texts[i:i + step]) for i in range(0, len(texts), step)]
    segs = run_word_writers(home, words, jobs, lambda kind, payload: None,
                            procs=1 if len(texts) < REINDEX_TWO_WORKERS_FROM else 2)
    generation = wordindex.commit_segments(ix, [], segs, expected_count=len(texts), replace=True)
    step_done("reindex")
    with transaction(con):
        if not dictionary.is_current(con, words):
            dictionary.freeze(con, words)
        store.set_meta(con, "whoosh_generation", generation)
        integrity.record(home, con)
    wordindex.clean(home.words_path, generation)
    home.refresh()
    return len(texts)


def merge_segments(home: Home, small_only: bool = False) -> tuple[int, int]:
    """Rewrite substring segments without their replaced sections. All of them (compact, rebuild),
    or in tiers: only the segments smaller than a full one (automatically, when they pile up)."""
    from ..local.substring import SEGMENT_BYTES

    con = home.con
    listed = store.segment_sizes(con)
    merging = [name for name, size in listed if size < SEGMENT_BYTES] if small_only else [name for name, _ in listed]
    if small_only and len(merging) < 2:
        return len(listed), len(listed)
    builder = SubstringSegmentWriter(home)
    for sid, text in section_texts(home, merging if small_only else None):
        builder.add([sid], [text])
    builder.flush()
    with transaction(con):
        store.drop_segments(con, merging)
        store.add_segments(con, builder.segments)
        store.file_sections(con, [(name, sid) for sid, name in builder.segment_of.items()])
        integrity.record(home, con)
    home.refresh()
    reconcile(home)  # deletes the merged segments' folders
    return len(listed), len(listed) - len(merging) + len(builder.segments)


def compact(home: Home, wait: bool = False) -> tuple[int, int]:
    """Merge the substring segments (dropping replaced sections); take up new dictionary words."""
    with writer(home, wait=wait, what="compact"):
        result = merge_segments(home)
        words = dictionary.wanted(home.con, {})
        if not dictionary.is_current(home.con, words):  # terms quoted in 2+ reports since the last freeze
            reindex_words(home, words)
        home.refresh()
        return result


def rebuild(home: Home, wait: bool = False) -> dict:
    """Re-create both indexes from the store — never from the source files, which may have moved.
    A home of an older format is brought up to this one (its store keeps every report)."""
    t0 = time.perf_counter()
    home.migrating = True
    with writer(home, wait=wait, what="rebuild"):
        con = home.con
        if home.meta("format") != str(store.FORMAT_VERSION):  # what a section's text is changed: its offset map too
            with transaction(con):
                store.set_offsets(con, ((store.pack_offsets(off), sid) for sid, _, off in section_texts(home, with_offsets=True)))
        merge_segments(home)
        reindex_words(home, dictionary.wanted(con, {}))
        with transaction(con):
            write_section_table(home, con)
            integrity.record(home, con)
            store.set_meta(con, "format", store.FORMAT_VERSION)  # last: a crash before leaves it to rebuild again
        home.refresh()
    return {"reports": store.count_reports(con), "sections": store.count_sections(con),
            "seconds": round(time.perf_counter() - t0, 3)}
