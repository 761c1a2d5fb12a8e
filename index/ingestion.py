"""Writing the archive: ingest, remove, rebuild, compact, check.

An ingest parses files in worker processes (both cores; each worker holds its own segmenter loaded
with the home's frozen dictionary, and dies with its parent), writes new substring segments, commits
Whoosh, and then publishes everything in ONE sqlite transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import time
from pathlib import Path

from archive import ArchiveError, find_files
from archive.sidecar import entry_for
from archive.reading import decode, read_bytes

from . import duplicates, integrity, sectiontext, store
from .segmenter import dictionary_hash, shipped_words
from .errors import HomeError
from .home import Home, transaction, write_section_table
from .model import CheckResult, IngestResult
from .substring import SEGMENT_BYTES, Segment, build_segment
from .workers import SIDS_PER_REPORT, Prepared, WordWriters

# Quoted terms that become dictionary words: 2–12 ideographs, letters or digits between quotes.
_QUOTED = re.compile(r"[“\"「『]([\u4e00-\u9fffA-Za-z0-9]{2,12})[”\"」』]")
MIN_QUOTED_REPORTS = 2
MAX_SEGMENTS = 8  # past this many substring segments an ingest merges them
_ONE_WORKER_BELOW = 8  # files: a second worker (and Whoosh segment) is not worth it for fewer


def quoted_terms(text: str) -> set[str]:
    return {m.group(1).lower() for m in _QUOTED.finditer(text)}


class _SegmentBuilder:
    """Collects prepared sections and writes substring segments of about SEGMENT_BYTES as they
    fill, while the workers go on (the suffix array is built in C, off the GIL)."""

    def __init__(self, home: Home, con=None):
        self.home = home
        self.con = con  # when given, each section's row is filed under its segment as it is written
        self.batch: list[tuple[int, str]] = []
        self.size = 0
        self.segments: list[tuple[str, int, int]] = []  # (name, sections, bytes)
        self.segment_of: dict[int, str] = {}

    def add(self, sids, texts) -> None:
        for sid, text in zip(sids, texts):
            self.batch.append((sid, text))
            self.size += len(text.encode("utf-8")) + 1
        if self.size >= SEGMENT_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        self.batch.sort()  # segments hold their sections in sid order
        name = _write_segment(self.home, self.batch)
        self.segments.append((name, len(self.batch), self.size))
        if self.con is not None:
            self.con.executemany("UPDATE sections SET segment = ? WHERE sid = ?", [(name, sid) for sid, _ in self.batch])
        else:
            self.segment_of.update((sid, name) for sid, _ in self.batch)
        self.batch, self.size = [], 0


# -- ingest ----------------------------------------------------------------------------------------
def ingest(home: Home, paths, sync: bool = False, wait: bool = False, progress=None, on_total=None) -> IngestResult:
    """Add new files, replace changed ones, skip unchanged ones (same sha256); with `sync`, remove
    reports whose files under the given folders are gone."""
    with home.lock(wait=wait):
        return _ingest_locked(home, [Path(p) for p in paths], sync, progress, on_total)


def _ingest_locked(home: Home, paths: list[Path], sync: bool, progress, on_total) -> IngestResult:
    from . import wordindex  # Whoosh is imported only where the word index is touched

    con = home.con
    failed: list[dict] = []
    files: list[Path] = []
    for p in paths:
        unreadable: list[ArchiveError] = []
        try:
            files.extend(find_files(p, unreadable))
        except ArchiveError as e:
            failed.append({"path": e.path, "error": e.reason})
        failed.extend({"path": e.path, "error": e.reason} for e in unreadable)
    known = {row[0]: (row[1], row[2], row[3]) for row in con.execute("SELECT id, file, sha256, sidecar FROM reports")}
    sidecars: dict[str, dict] = {}  # path → what its folder's sidecar says of it (an edited row is a change)
    unchanged, todo, moved = [], [], []
    seen_ids: dict[str, str] = {}
    first_time = store.get_meta(con, "dictionary_hash") is None
    quoted_batch: dict[str, set[str]] = {}
    for f in files:
        stem, path = f.stem, os.path.abspath(f)  # not resolve(): a symlink's own name is the report id
        if stem in seen_ids:
            failed.append({"path": str(f), "error": f"report id {stem} is already taken by {seen_ids[stem]} in this batch"})
            continue
        if stem in known and known[stem][0] != path and Path(known[stem][0]).exists():
            failed.append({"path": str(f), "error": f"report id {stem} belongs to {known[stem][0]}"})
            continue
        try:
            data = read_bytes(f)
        except ArchiveError as e:
            failed.append({"path": e.path, "error": e.reason})
            continue
        seen_ids[stem] = path
        sha = hashlib.sha256(data).hexdigest()
        try:
            sidecars[path] = entry_for(f)
        except ArchiveError as e:  # said once per sidecar; its files go in with what they say themselves
            if not any(x["path"] == e.path for x in failed):
                failed.append({"path": e.path, "error": e.reason})
            sidecars[path] = {}
        if stem in known and known[stem][1] == sha and known[stem][2] == store.dumps(sidecars[path], sort=True):
            unchanged.append(stem)
            if known[stem][0] != path:
                moved.append((path, stem))
            continue
        if first_time:
            try:
                quoted_batch[stem] = quoted_terms(decode(data, f))
            except ArchiveError:
                pass  # the worker reports it
        todo.append(path)

    removed: list[str] = []
    if sync:
        folders = [os.path.abspath(p) for p in paths if p.is_dir()]
        for rid, file in known.items():
            if rid not in seen_ids and any(file[0].startswith(d.rstrip("/") + "/") for d in folders):
                if not Path(file[0]).exists():
                    removed.append(rid)

    words = _dictionary(con, quoted_batch) if first_time else tuple(r[0] for r in con.execute("SELECT word FROM dictionary"))
    if on_total:
        on_total(len(todo))
    replaced = [Path(t).stem for t in todo if Path(t).stem in known] + removed
    old_sids = _sids_of(con, replaced)
    base = store.get_int(con, "next_sid", 1)
    jobs = [("file", (path, base + i * SIDS_PER_REPORT, sidecars[path])) for i, path in enumerate(todo)]
    done: list[tuple[str, str, bytes, int]] = []  # (path, report id, sketch, sections) of each parsed report
    added, updated = [], []
    # ONE transaction publishes the ingest: rows go in as reports arrive (readers, in WAL mode, go on
    # seeing the last published state; memory stays bounded), and it commits only after the
    # segments are written and Whoosh has committed. A crash anywhere before rolls it back.
    with transaction(con):
        if replaced:
            con.execute("DELETE FROM reports WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(replaced),))
        segments = _SegmentBuilder(home, con)

        def handle(kind, payload):
            if kind == "prepared":
                r = payload.report
                (updated if r.id in known else added).append(r.id)
                _insert_report(con, payload)
                segments.add(payload.sids, payload.normalized)
                done.append((r.path, r.id, payload.sketch, len(payload.sids)))
            else:
                failed.append({"path": payload[0], "error": payload[1]})
            if progress:
                progress(1)

        whoosh_segments = _index_words(home, words, jobs, handle, procs=1 if len(todo) < _ONE_WORKER_BELOW else 2)
        segments.flush()
        _crash_point("segments")
        if done or removed or moved or first_time:
            ix = wordindex.open_or_create(home.words_path)
            # The lock's reconcile made Whoosh hold exactly the store's sections: the old ones go.
            expected = ix.doc_count() - len(old_sids) + sum(n for *_, n in done)
            generation = wordindex.commit_segments(ix, old_sids, whoosh_segments, expected)
            _crash_point("whoosh")
            order = {path: i for i, path in enumerate(todo)}
            done.sort(key=lambda d: order.get(d[0], 0))  # "the later one" = later in the batch
            for rid, original in _find_duplicates(con, [(d[1], d[2]) for d in done], replaced + [d[1] for d in done]).items():
                con.execute("UPDATE reports SET duplicate_of = ? WHERE id = ?", (original, rid))
            for path, rid in moved:
                con.execute("UPDATE reports SET file = ? WHERE id = ?", (path, rid))
            for name, count, nbytes in segments.segments:
                con.execute("INSERT INTO segments VALUES (?, ?, ?)", (name, count, nbytes))
            if first_time:
                _freeze_dictionary(con, words)
            store.set_meta(con, "next_sid", base + max(len(todo), 1) * SIDS_PER_REPORT)
            _publish_state(home, con, generation)
    if done or removed or moved or first_time:
        wordindex.clean(home.words_path, generation)
    home.refresh()
    if len(home.substring.names) > MAX_SEGMENTS:
        _merge_segments(home, small_only=True)
    return IngestResult(tuple(added), tuple(updated), tuple(unchanged), tuple(removed), tuple(failed))


def _find_duplicates(con, reports: list[tuple[str, bytes]], exclude: list[str]) -> dict[str, str]:
    """report id → the earlier report it is a near-duplicate of: archive first, then batch order.
    `reports` are (id, sketch) in batch order; `exclude` are ids not to compare with (replaced)."""
    originals = duplicates.Originals()
    gone = set(exclude)
    for rid, sk in con.execute("SELECT id, sketch FROM reports WHERE duplicate_of IS NULL AND sketch IS NOT NULL"):
        if rid not in gone:
            originals.add(rid, sk)
    found: dict[str, str] = {}
    for rid, sk in reports:
        match = originals.original_of(sk) if sk else None
        if match:
            found[rid] = match[0]
        elif sk:
            originals.add(rid, sk)
    return found


def _sids_of(con, report_ids: list[str]) -> list[int]:
    if not report_ids:
        return []
    return [r[0] for r in con.execute(
        "SELECT sid FROM sections JOIN reports USING (rid) WHERE reports.id IN (SELECT value FROM json_each(?))",
        (json.dumps(report_ids),))]


def _index_words(home: Home, words, jobs, handle, procs: int) -> list:
    """Run the jobs in worker processes; each writes a Whoosh segment, unpublished until commit."""
    from . import wordindex

    if not jobs:
        return []
    wordindex.open_or_create(home.words_path)
    with WordWriters(words, home.words_path, quoted_terms, procs=procs) as pool:
        try:
            results = pool.run(jobs, handle)
        except RuntimeError as e:
            if "No space left" in str(e):  # a worker could not write its segment
                raise HomeError(f"the disk is full ({e}); nothing was published", "Free some space and run it again.") from None
            raise HomeError(str(e), "Run the ingest again; nothing was published.") from None
    return [seg for seg, _count in results]


def _dictionary(con, quoted_batch: dict[str, set[str]]) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for terms in quoted_batch.values():
        for t in terms:
            counts[t] = counts.get(t, 0) + 1
    stored = con.execute("SELECT word, COUNT(*) FROM quoted GROUP BY word").fetchall()
    for w, n in stored:
        counts[w] = counts.get(w, 0) + n
    frequent = {w for w, n in counts.items() if n >= MIN_QUOTED_REPORTS}
    return tuple(sorted(set(shipped_words()) | frequent))


def _publish_state(home: Home, con, generation: int) -> None:
    """Inside the publishing transaction: the Whoosh generation and the section table that match it."""
    store.set_meta(con, "whoosh_generation", generation)
    _drop_empty_segments(con)
    write_section_table(home, con)
    integrity.record(home, con)
    _crash_point("publish")


def _write_segment(home: Home, batch: list[tuple[int, str]]) -> str:
    home.segments_path.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns():020d}-{os.getpid()}"
    build_segment(home.segments_path / name, batch)
    return name


def _insert_report(con, p: Prepared) -> None:
    """A parsed report's rows; its sections are filed under their segment when it is written."""
    r = p.report
    cur = con.execute(
        "INSERT INTO reports (id, title, region, year, level, file, sha256, chars, authors, duplicates_dropped,"
        " sketch, url, urls, date, sidecar) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (r.id, r.title, r.region, r.year, r.level, r.path, r.sha256, r.chars, store.dumps(list(r.authors)),
         r.duplicates_dropped, p.sketch, r.urls[0] if r.urls else None, store.dumps(list(r.urls)), r.date,
         store.dumps(r.source_meta, sort=True)))
    rid = cur.lastrowid
    con.executemany("INSERT INTO sections (sid, rid, n, heading, level, path, offsets, segment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(sid, rid, s.id, s.heading, s.level, store.dumps(list(s.path)), off, "")
                     for sid, s, off in zip(p.sids, r.sections, p.offsets)])
    con.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?)",
                    [(sid, n, para.text, para.kind, para.line)
                     for sid, s in zip(p.sids, r.sections) for n, para in enumerate(s.paragraphs, start=1)])
    con.executemany("INSERT OR IGNORE INTO quoted VALUES (?, ?)", [(w, rid) for w in p.quoted])


def _drop_empty_segments(con) -> None:
    """A segment none of whose sections is live any more is unlisted (its files go at next open)."""
    con.execute("DELETE FROM segments WHERE name NOT IN (SELECT DISTINCT segment FROM sections)")


# Tests inject crashes here: BAOGAO_CRASH_AT=segments|whoosh|publish|reindex kills the process at that step.
def _crash_point(step: str) -> None:
    if os.environ.get("BAOGAO_CRASH_AT") == step:
        if step == "publish":
            raise _InjectedCrash(step)
        os.kill(os.getpid(), signal.SIGKILL)


class _InjectedCrash(BaseException):
    """Raised inside the publishing transaction, so it rolls back as a crash would."""


# -- remove ---------------------------------------------------------------------------------------
def remove(home: Home, report_ids: list[str], wait: bool = False) -> list[str]:
    from . import wordindex

    with home.lock(wait=wait, what="remove"):
        con = home.con
        old = _sids_of(con, list(report_ids))
        ix = wordindex.open_or_create(home.words_path)
        with transaction(con):
            con.execute("DELETE FROM reports WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(report_ids)),))
            generation = wordindex.commit_segments(ix, old, [], ix.doc_count() - len(old))
            _publish_state(home, con, generation)
        wordindex.clean(home.words_path, generation)
        home.refresh()
    return list(report_ids)


# -- rebuild, compact, reindex ----------------------------------------------------------------------
def _section_texts(home: Home, segments: list[str] | None = None, with_offsets: bool = False):
    """(sid, normalized text) for the sections in the store (those filed in `segments`, if given),
    re-normalized from the display lines exactly as an ingest normalizes them; with `with_offsets`,
    (sid, normalized text, offset map)."""
    from itertools import groupby

    where = "WHERE s.segment IN (SELECT value FROM json_each(?))" if segments is not None else ""
    args = (json.dumps(segments),) if segments is not None else ()
    rows = home.con.execute(
        "SELECT s.sid, r.title, s.n, s.heading, p.text FROM sections s JOIN reports r USING (rid)"
        f" LEFT JOIN paragraphs p ON p.sid = s.sid {where} ORDER BY s.sid, p.n", args)
    for sid, group in groupby(rows, key=lambda row: row[0]):
        group = list(group)
        _, title, n, heading, _ = group[0]
        text, offsets = sectiontext.normalized(
            sectiontext.lines_of(title, n, heading, [row[4] for row in group if row[4] is not None]))
        yield (sid, text, offsets) if with_offsets else (sid, text)


def _all_sids(con) -> list[int]:
    return [r[0] for r in con.execute("SELECT sid FROM sections ORDER BY sid")]


def reindex_words(home: Home, words: tuple[str, ...] | None = None) -> int:
    """Re-create the word index from the store, with `words` as the new dictionary if given, as a
    new generation beside the published one: readers go on searching the old one until ONE store
    transaction publishes the new generation together with its dictionary."""
    from . import wordindex

    import shutil

    con = home.con
    if words is None:
        words = tuple(r[0] for r in con.execute("SELECT word FROM dictionary"))
    home.refresh()
    try:
        ix = wordindex.open_or_create(home.words_path)
        ix.latest_generation()
    except Exception:  # damaged past opening: there is nothing a reader could use anyway
        shutil.rmtree(home.words_path, ignore_errors=True)
        ix = wordindex.open_or_create(home.words_path)
    texts = list(_section_texts(home))
    step = 500
    jobs = [("texts", texts[i:i + step]) for i in range(0, len(texts), step)]
    segs = _index_words(home, words, jobs, lambda kind, payload: None, procs=1 if len(texts) < 2000 else 2)
    generation = wordindex.commit_segments(ix, [], segs, expected_count=len(texts), replace=True)
    _crash_point("reindex")
    with transaction(con):
        if dictionary_hash(words) != store.get_meta(con, "dictionary_hash"):
            _freeze_dictionary(con, words)
        store.set_meta(con, "whoosh_generation", generation)
        integrity.record(home, con)
    wordindex.clean(home.words_path, generation)
    home.refresh()
    return len(texts)


def _merge_segments(home: Home, small_only: bool = False) -> tuple[int, int]:
    """Rewrite substring segments without their replaced sections. All of them (compact, rebuild),
    or in tiers: only the segments smaller than a full one (automatically, when they pile up)."""
    con = home.con
    listed = con.execute("SELECT name, bytes FROM segments ORDER BY name").fetchall()
    merging = [name for name, size in listed if size < SEGMENT_BYTES] if small_only else [name for name, _ in listed]
    if small_only and len(merging) < 2:
        return len(listed), len(listed)
    builder = _SegmentBuilder(home)
    for sid, text in _section_texts(home, merging if small_only else None):
        builder.add([sid], [text])
    builder.flush()
    with transaction(con):
        con.execute("DELETE FROM segments WHERE name IN (SELECT value FROM json_each(?))", (json.dumps(merging),))
        for name, count, nbytes in builder.segments:
            con.execute("INSERT INTO segments VALUES (?, ?, ?)", (name, count, nbytes))
        con.executemany("UPDATE sections SET segment = ? WHERE sid = ?", list((n, sid) for sid, n in builder.segment_of.items()))
        integrity.record(home, con)
    home.refresh()
    home.reconcile()  # deletes the merged segments' folders
    return len(listed), len(listed) - len(merging) + len(builder.segments)


def compact(home: Home, locked: bool = False, wait: bool = False) -> tuple[int, int]:
    """Merge the substring segments (dropping replaced sections); take up new dictionary words."""
    if not locked:
        with home.lock(wait=wait, what="compact"):
            return compact(home, locked=True)
    result = _merge_segments(home)
    _refreeze_dictionary(home)
    return result


def _refreeze_dictionary(home: Home) -> None:
    """Take up the terms quoted in 2+ reports since the last freeze (the word index follows, and
    both are published together)."""
    words = _dictionary(home.con, {})
    if dictionary_hash(words) != store.get_meta(home.con, "dictionary_hash"):
        reindex_words(home, words)
    home.refresh()


def _freeze_dictionary(con, words) -> None:
    """Inside a transaction: the dictionary the word index is (about to be) built with, and its hash."""
    con.execute("DELETE FROM dictionary")
    con.executemany("INSERT INTO dictionary VALUES (?)", [(w,) for w in words])
    store.set_meta(con, "dictionary_hash", dictionary_hash(words))


def rebuild(home: Home, wait: bool = False) -> dict:
    """Re-create both indexes from the store — never from the source files, which may have moved.
    A home of an older format is brought up to this one (its store keeps every report)."""
    t0 = time.perf_counter()
    home.migrating = True
    with home.lock(wait=wait, what="rebuild"):
        con = home.con
        migrating = home.meta("format") != str(store.FORMAT_VERSION)
        if migrating:  # what a section's text is changed: its offset map too
            with transaction(con):
                con.executemany("UPDATE sections SET offsets = ? WHERE sid = ?",
                                ((store.pack_offsets(off), sid) for sid, _, off in _section_texts(home, with_offsets=True)))
        _merge_segments(home)
        reindex_words(home, _dictionary(con, {}))
        with transaction(con):
            write_section_table(home, con)
            integrity.record(home, con)
            store.set_meta(con, "format", store.FORMAT_VERSION)  # last: a crash before leaves it to rebuild again
        home.refresh()
    reports = con.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    sections = con.execute("SELECT COUNT(*) FROM sections").fetchone()[0]
    return {"reports": reports, "sections": sections, "seconds": round(time.perf_counter() - t0, 3)}


# -- check ----------------------------------------------------------------------------------------------
def check(home: Home) -> CheckResult:
    """Verify the store against both indexes; says what to do about each problem."""
    from . import wordindex

    con = home.con
    problems: list[str] = []
    reports = con.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    sids = set(_all_sids(con))
    gen = store.get_int(home.con, "whoosh_generation", -1)
    try:  # the generation the store published: what readers search
        keys = wordindex.all_keys(home.searcher) if home.words_path.exists() else set()
    except HomeError as e:
        problems.append(str(e))
        keys = sids
    except Exception as e:  # Whoosh's own errors on damaged files
        problems.append(f"the word index cannot be read ({type(e).__name__}: {e}) — run `baogao rebuild`")
        keys = sids
    if missing := sids - keys:
        problems.append(f"{len(missing)} sections are missing from the word index — run `baogao rebuild`")
    if orphans := keys - sids:
        problems.append(f"{len(orphans)} word-index entries have no section in the store — run `baogao rebuild`")
    if sids and not wordindex.committed_files(home.words_path, gen):
        problems.append("the word index lacks the generation the store published — run `baogao rebuild`")
    listed = dict(con.execute("SELECT sid, segment FROM sections"))
    holders: dict[int, list[str]] = {}
    for name in home.substring.names:
        folder = home.segments_path / name
        if not folder.exists():
            problems.append(f"segment {name} is listed but missing — run `baogao rebuild`")
            continue
        try:
            segment = Segment.open(folder)
        except (OSError, ValueError) as e:
            problems.append(f"segment {name} is damaged ({e}) — run `baogao rebuild`")
            continue
        problems += [f"segment {name}: {p} — run `baogao rebuild`" for p in integrity.segment_problems(segment)]
        for s in segment.sids.tolist():
            if s in listed:
                holders.setdefault(s, []).append(name)
    not_indexed = [s for s in listed if s not in holders]
    if not_indexed:
        problems.append(f"{len(not_indexed)} sections are in no substring segment — run `baogao rebuild`")
    if twice := [s for s, names in holders.items() if len(names) > 1]:
        problems.append(f"{len(twice)} sections are in more than one segment — run `baogao rebuild`")
    if misfiled := [s for s, names in holders.items() if listed[s] not in names]:
        problems.append(f"{len(misfiled)} sections are not in the segment the store names — run `baogao rebuild`")
    if home.meta("format") != str(store.FORMAT_VERSION):
        problems.append("the store's format version differs from this baogao — run `baogao rebuild`")
    words = tuple(r[0] for r in con.execute("SELECT word FROM dictionary"))
    if sids and dictionary_hash(words) != home.meta("dictionary_hash"):
        problems.append("the dictionary does not match its hash — run `baogao rebuild`")
    problems += integrity.problems(home)
    return CheckResult(ok=not problems, reports=reports, sections=len(sids), problems=tuple(problems))
