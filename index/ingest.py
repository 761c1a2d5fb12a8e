"""Writing the archive: ingest, remove, rebuild, compact, check.

An ingest parses files in worker processes (both cores; each worker holds its own segmenter loaded
with the home's frozen dictionary, and dies with its parent), writes new substring segments, commits
Whoosh, and then publishes everything in ONE sqlite transaction.
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import re
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from archive import ArchiveError, Report, find_files, normalize, parse_file
from archive.reading import decode, read_bytes

from . import store, wordindex
from .analysis import Segmenter, dictionary_hash, shipped_words
from .errors import HomeError
from .home import Home, transaction
from .model import CheckResult, IngestResult
from .substring import SEGMENT_BYTES, Segment, build_segment

# Quoted terms that become dictionary words: 2–12 ideographs, letters or digits between quotes.
_QUOTED = re.compile(r"[“\"「『]([\u4e00-\u9fffA-Za-z0-9]{2,12})[”\"」』]")
MIN_QUOTED_REPORTS = 2
MAX_SEGMENTS = 8  # past this many segments an ingest merges them (tiered: small ones first)
_POOL_MIN_FILES = 6  # below this a process pool costs more than it saves


@dataclass(frozen=True)
class Prepared:
    """A parsed report with what the indexes need of each section."""

    report: Report
    normalized: tuple[str, ...]  # per section: normalized paragraphs joined by \n
    offsets: tuple[bytes, ...]  # per section: packed normalized→display map
    words: tuple[str, ...]  # per section: index-mode words, space-separated
    quoted: tuple[str, ...]


def quoted_terms(text: str) -> set[str]:
    return {m.group(1).lower() for m in _QUOTED.finditer(text)}


def prepare_sections(report: Report, segmenter: Segmenter) -> tuple[tuple[str, ...], tuple[bytes, ...], tuple[str, ...]]:
    norms, offs, words = [], [], []
    for sec in report.sections:
        parts, offsets, shift = [], [], 0
        for p in sec.paragraphs:
            n, o = normalize(p.text)
            if parts:
                offsets.append(shift - 1)  # the \n between paragraphs maps to the display \n
            parts.append(n)
            offsets.extend(x + shift for x in o[:-1])
            shift += len(p.text) + 1
        offsets.append(max(shift - 1, 0))
        text = "\n".join(parts)
        norms.append(text)
        offs.append(store.pack_offsets(offsets))
        words.append(" ".join(segmenter.words_of(text, "index")))
    return tuple(norms), tuple(offs), tuple(words)


def prepare(report: Report, segmenter: Segmenter, quoted: set[str]) -> Prepared:
    norms, offs, words = prepare_sections(report, segmenter)
    return Prepared(report, norms, offs, words, tuple(sorted(quoted)))


# -- worker processes ----------------------------------------------------------------------------
_worker_segmenter: Segmenter | None = None


def _init_worker(words: tuple[str, ...]) -> None:
    global _worker_segmenter
    try:  # die with the parent: no worker outlives a killed ingest
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker_segmenter = Segmenter(words)


def _work(path: str) -> Prepared | tuple[str, str]:
    try:
        report = parse_file(path)
        text = "\n".join(p.text for s in report.sections for p in s.paragraphs)
        return prepare(report, _worker_segmenter, quoted_terms(text))
    except ArchiveError as e:
        return (path, e.reason)
    except Exception as e:  # a parser bug must not lose the rest of the batch
        return (path, f"cannot parse ({type(e).__name__}: {e})")


def _prepare_all(paths: list[str], words: tuple[str, ...], progress=None):
    if len(paths) < _POOL_MIN_FILES:
        _init_segmenter_here(words)
        for p in paths:
            yield _work(p)
            if progress:
                progress(1)
        return
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1), mp_context=ctx,
                             initializer=_init_worker, initargs=(words,)) as pool:
        for result in pool.map(_work, paths, chunksize=4):
            if progress:
                progress(1)
            yield result


def _init_segmenter_here(words: tuple[str, ...]) -> None:
    global _worker_segmenter
    if _worker_segmenter is None or _worker_segmenter.words != tuple(sorted(set(words))):
        _worker_segmenter = Segmenter(words)


# -- ingest ----------------------------------------------------------------------------------------
def ingest(home: Home, paths, sync: bool = False, wait: bool = False, progress=None, on_total=None) -> IngestResult:
    """Add new files, replace changed ones, skip unchanged ones (same sha256); with `sync`, remove
    reports whose files under the given folders are gone."""
    with home.lock(wait=wait):
        return _ingest_locked(home, [Path(p) for p in paths], sync, progress, on_total)


def _ingest_locked(home: Home, paths: list[Path], sync: bool, progress, on_total) -> IngestResult:
    con = home.con
    failed: list[dict] = []
    files: list[Path] = []
    for p in paths:
        try:
            files.extend(find_files(p))
        except ArchiveError as e:
            failed.append({"path": e.path, "error": e.reason})
    known = {row[0]: (row[1], row[2]) for row in con.execute("SELECT id, file, sha256 FROM reports")}
    unchanged, todo, moved = [], [], []
    seen_ids: dict[str, str] = {}
    first_time = store.get_meta(con, "dictionary_hash") is None
    quoted_batch: dict[str, set[str]] = {}
    for f in files:
        stem, resolved = f.stem, str(f.resolve())
        if stem in seen_ids:
            failed.append({"path": str(f), "error": f"report id {stem} is already taken by {seen_ids[stem]} in this batch"})
            continue
        if stem in known and known[stem][0] != resolved and Path(known[stem][0]).exists():
            failed.append({"path": str(f), "error": f"report id {stem} belongs to {known[stem][0]}"})
            continue
        try:
            data = read_bytes(f)
        except ArchiveError as e:
            failed.append({"path": e.path, "error": e.reason})
            continue
        seen_ids[stem] = resolved
        sha = hashlib.sha256(data).hexdigest()
        if stem in known and known[stem][1] == sha:
            unchanged.append(stem)
            if known[stem][0] != resolved:
                moved.append((resolved, stem))
            continue
        if first_time:
            try:
                quoted_batch[stem] = quoted_terms(decode(data, f))
            except ArchiveError:
                pass  # the worker reports it
        todo.append(resolved)

    removed: list[str] = []
    if sync:
        folders = [str(p.resolve()) for p in paths if p.is_dir()]
        for rid, file in known.items():
            if rid not in seen_ids and any(file[0].startswith(d.rstrip("/") + "/") for d in folders):
                if not Path(file[0]).exists():
                    removed.append(rid)

    words = _dictionary(con, quoted_batch) if first_time else tuple(r[0] for r in con.execute("SELECT word FROM dictionary"))
    if on_total:
        on_total(len(todo))
    prepared: list[Prepared] = []
    for result in _prepare_all(todo, words, progress):
        if isinstance(result, tuple):
            failed.append({"path": result[0], "error": result[1]})
        else:
            prepared.append(result)

    added = [p.report.id for p in prepared if p.report.id not in known]
    updated = [p.report.id for p in prepared if p.report.id in known]
    if prepared or removed or moved or first_time:
        _publish(home, prepared, replace=updated + removed, words=words if first_time else None, moved=moved)
    if len(home.substring.names) > MAX_SEGMENTS:
        compact(home, locked=True)
    return IngestResult(tuple(added), tuple(updated), tuple(unchanged), tuple(removed), tuple(failed))


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


def _publish(home: Home, prepared: list[Prepared], replace: list[str], words=None, moved=()) -> None:
    """Write segments and Whoosh, then publish in one sqlite transaction."""
    con = home.con
    next_sid = int(store.get_meta(con, "next_sid", "1"))
    old_sids = []
    if replace:
        marks = ",".join("?" * len(replace))
        old_sids = [r[0] for r in con.execute(
            f"SELECT sid FROM sections JOIN reports USING (rid) WHERE reports.id IN ({marks})", replace)]
    # 1. substring segments (unpublished until the store lists them)
    rows, segments, batch, size = [], [], [], 0
    sid = next_sid
    seg_names = []
    for p in prepared:
        sids = []
        for text in p.normalized:
            batch.append((sid, text))
            sids.append(sid)
            size += len(text.encode("utf-8")) + 1
            sid += 1
        rows.append((p, sids))
        if size >= SEGMENT_BYTES:
            seg_names.append(_write_segment(home, batch))
            segments.append((seg_names[-1], len(batch), size))
            batch, size = [], 0
    if batch:
        seg_names.append(_write_segment(home, batch))
        segments.append((seg_names[-1], len(batch), size))
    _crash_point("segments")
    # 2. Whoosh
    existing = wordindex.open_or_create(home.words_path)
    doc_count = existing.doc_count()
    docs = [(s, w) for p, sids in rows for s, w in zip(sids, p.words)]
    live_old = [s for s in old_sids]
    generation = wordindex.write(existing, live_old, docs, expected_count=doc_count - _present(existing, live_old) + len(docs),
                                 procs=2 if len(docs) > 20000 else 1)
    _crash_point("whoosh")
    # 3. publish
    with transaction(con):
        if replace:
            marks = ",".join("?" * len(replace))
            con.execute(f"DELETE FROM reports WHERE id IN ({marks})", replace)
        for p, sids in rows:
            _insert_report(con, p, sids, segments_of(sids, segments, next_sid))
        for name, count, nbytes in segments:
            con.execute("INSERT INTO segments VALUES (?, ?, ?)", (name, count, nbytes))
        for path, rid in moved:
            con.execute("UPDATE reports SET file = ? WHERE id = ?", (path, rid))
        if words is not None:
            con.execute("DELETE FROM dictionary")
            con.executemany("INSERT INTO dictionary VALUES (?)", [(w,) for w in words])
            store.set_meta(con, "dictionary_hash", dictionary_hash(words))
        store.set_meta(con, "next_sid", sid)
        store.set_meta(con, "whoosh_generation", generation)
        _drop_empty_segments(con)
        _crash_point("publish")
    home.refresh()


def _present(ix, sids) -> int:
    if not sids:
        return 0
    keys = wordindex.all_keys(ix)
    return sum(1 for s in sids if s in keys)


def segments_of(sids, segments, first_sid) -> list[str]:
    """Which segment each sid went to (segments were filled in sid order)."""
    out, bounds, start = [], [], first_sid
    for name, count, _ in segments:
        bounds.append((start, start + count, name))
        start += count
    for s in sids:
        out.append(next(name for lo, hi, name in bounds if lo <= s < hi))
    return out


def _write_segment(home: Home, batch: list[tuple[int, str]]) -> str:
    home.segments_path.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns():020d}-{os.getpid()}"
    build_segment(home.segments_path / name, batch)
    return name


def _insert_report(con, p: Prepared, sids: list[int], segs: list[str]) -> None:
    r = p.report
    cur = con.execute(
        "INSERT INTO reports (id, title, region, year, level, file, sha256, chars, authors, duplicates_dropped)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (r.id, r.title, r.region, r.year, r.level, r.path, r.sha256, r.chars, store.dumps(list(r.authors)),
         r.duplicates_dropped))
    rid = cur.lastrowid
    con.executemany("INSERT INTO sections (sid, rid, n, heading, level, path, offsets, segment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(sid, rid, s.id, s.heading, s.level, store.dumps(list(s.path)), off, seg)
                     for sid, s, off, seg in zip(sids, r.sections, p.offsets, segs)])
    con.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?)",
                    [(sid, n, para.text, para.kind, para.line)
                     for sid, s in zip(sids, r.sections) for n, para in enumerate(s.paragraphs, start=1)])
    con.executemany("INSERT OR IGNORE INTO quoted VALUES (?, ?)", [(w, rid) for w in p.quoted])


def _drop_empty_segments(con) -> None:
    """A segment none of whose sections is live any more is unlisted (its files go at next open)."""
    con.execute("DELETE FROM segments WHERE name NOT IN (SELECT DISTINCT segment FROM sections)")


# Tests inject crashes here: BAOGAO_CRASH_AT=segments|whoosh|publish kills the process at that step.
def _crash_point(step: str) -> None:
    if os.environ.get("BAOGAO_CRASH_AT") == step:
        if step == "publish":
            raise _InjectedCrash(step)
        os.kill(os.getpid(), signal.SIGKILL)


class _InjectedCrash(BaseException):
    """Raised inside the publishing transaction, so it rolls back as a crash would."""


# -- remove ---------------------------------------------------------------------------------------
def remove(home: Home, report_ids: list[str], wait: bool = False) -> list[str]:
    with home.lock(wait=wait, what="remove"):
        _publish(home, [], replace=list(report_ids))
    return list(report_ids)


# -- rebuild, compact, reindex ----------------------------------------------------------------------
def _section_texts(home: Home):
    """(sid, normalized text) for every section in the store, re-normalized from the display text."""
    rows = home.con.execute(
        "SELECT s.sid, p.text FROM sections s LEFT JOIN paragraphs p ON p.sid = s.sid ORDER BY s.sid, p.n")
    current, parts = None, []
    for sid, text in rows:
        if sid != current:
            if current is not None:
                yield current, "\n".join(parts)
            current, parts = sid, []
        if text is not None:
            parts.append(normalize(text)[0])
    if current is not None:
        yield current, "\n".join(parts)


def _all_sids(con) -> list[int]:
    return [r[0] for r in con.execute("SELECT sid FROM sections ORDER BY sid")]


def reindex_words(home: Home, words: tuple[str, ...] | None = None) -> int:
    """Re-create the Whoosh index from the store (with `words` as the new dictionary, if given)."""
    import shutil

    con = home.con
    if words is None:
        words = tuple(r[0] for r in con.execute("SELECT word FROM dictionary"))
    seg = Segmenter(words)
    texts = dict(_section_texts(home))
    shutil.rmtree(home.words_path, ignore_errors=True)
    ix = wordindex.open_or_create(home.words_path)
    docs = [(sid, " ".join(seg.words_of(texts.get(sid, ""), "index"))) for sid in _all_sids(con)]
    generation = wordindex.write(ix, [], docs, expected_count=len(docs), procs=2 if len(docs) > 20000 else 1)
    with transaction(con):
        store.set_meta(con, "whoosh_generation", generation)
    return len(docs)


def _merge_segments(home: Home) -> tuple[int, int]:
    con = home.con
    before = [r[0] for r in con.execute("SELECT name FROM segments")]
    texts = list(_section_texts(home))
    batches, batch, size = [], [], 0
    for sid, text in texts:
        batch.append((sid, text))
        size += len(text.encode("utf-8")) + 1
        if size >= SEGMENT_BYTES:
            batches.append(batch)
            batch, size = [], 0
    if batch:
        batches.append(batch)
    new = []
    for b in batches:
        new.append((_write_segment(home, b), b))
    with transaction(con):
        con.execute("DELETE FROM segments")
        for name, b in new:
            con.execute("INSERT INTO segments VALUES (?, ?, ?)", (name, len(b), sum(len(t.encode()) + 1 for _, t in b)))
            con.executemany("UPDATE sections SET segment = ? WHERE sid = ?", [(name, sid) for sid, _ in b])
    home.refresh()
    home.reconcile()  # deletes the old segment folders
    return len(before), len(new)


def compact(home: Home, locked: bool = False, wait: bool = False) -> tuple[int, int]:
    """Merge the substring segments (dropping replaced sections); take up new dictionary words."""
    if not locked:
        with home.lock(wait=wait, what="compact"):
            return compact(home, locked=True)
    result = _merge_segments(home)
    _refreeze_dictionary(home)
    return result


def _refreeze_dictionary(home: Home) -> None:
    con = home.con
    words = _dictionary(con, {})
    if dictionary_hash(words) != store.get_meta(con, "dictionary_hash"):
        with transaction(con):
            con.execute("DELETE FROM dictionary")
            con.executemany("INSERT INTO dictionary VALUES (?)", [(w,) for w in words])
            store.set_meta(con, "dictionary_hash", dictionary_hash(words))
        reindex_words(home, words)
    home.refresh()


def rebuild(home: Home, wait: bool = False) -> dict:
    """Re-create both indexes from the store — never from the source files, which may have moved."""
    t0 = time.perf_counter()
    with home.lock(wait=wait, what="rebuild"):
        _merge_segments(home)
        con = home.con
        words = _dictionary(con, {})
        with transaction(con):
            con.execute("DELETE FROM dictionary")
            con.executemany("INSERT INTO dictionary VALUES (?)", [(w,) for w in words])
            store.set_meta(con, "dictionary_hash", dictionary_hash(words))
        reindex_words(home, words)
        home.refresh()
    reports = con.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    sections = con.execute("SELECT COUNT(*) FROM sections").fetchone()[0]
    return {"reports": reports, "sections": sections, "seconds": round(time.perf_counter() - t0, 3)}


# -- check ----------------------------------------------------------------------------------------------
def check(home: Home) -> CheckResult:
    """Verify the store against both indexes; says what to do about each problem."""
    con = home.con
    problems: list[str] = []
    reports = con.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    sids = set(_all_sids(con))
    try:
        keys = wordindex.all_keys(home.words) if home.words_path.exists() else set()
    except HomeError as e:
        problems.append(str(e))
        keys = sids
    if missing := sids - keys:
        problems.append(f"{len(missing)} sections are missing from the word index — run `baogao rebuild`")
    if orphans := keys - sids:
        problems.append(f"{len(orphans)} word-index entries have no section in the store — run `baogao rebuild`")
    gen = int(home.meta("whoosh_generation", "-1"))
    if sids and wordindex.generation(home.words_path) != gen:
        problems.append("the word index is not the generation the store published — run `baogao rebuild`")
    seen: dict[int, int] = {}
    for name in home.substring.names:
        folder = home.segments_path / name
        if not folder.exists():
            problems.append(f"segment {name} is listed but missing — run `baogao rebuild`")
            continue
        seg = Segment.open(folder)
        for s in seg.sids.tolist():
            if s in sids:
                seen[s] = seen.get(s, 0) + 1
    live_segments = dict(con.execute("SELECT sid, segment FROM sections"))
    not_indexed = [s for s in sids if seen.get(s, 0) == 0]
    twice = [s for s, n in seen.items() if n > 1]
    if not_indexed:
        problems.append(f"{len(not_indexed)} sections are in no substring segment — run `baogao rebuild`")
    if twice:
        problems.append(f"{len(twice)} sections are in more than one segment — run `baogao compact`")
    del live_segments
    if home.meta("format") != str(store.FORMAT_VERSION):
        problems.append("the store's format version differs from this baogao — run `baogao rebuild`")
    words = tuple(r[0] for r in con.execute("SELECT word FROM dictionary"))
    if sids and dictionary_hash(words) != home.meta("dictionary_hash"):
        problems.append("the dictionary does not match its hash — run `baogao rebuild`")
    return CheckResult(ok=not problems, reports=reports, sections=len(sids), problems=tuple(problems))
