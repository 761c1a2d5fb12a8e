"""Checksums of the files a home publishes, and the checks `check` runs on them.

Every publish records, inside its transaction, the size and BLAKE2b digest of each file of the
published state that is new (substring segments, the Whoosh generation, the section table): paths
are never reused, so a recorded file is hashed once. `check` re-reads every recorded file and also
tests what a checksum cannot tell a reader cheaply: the suffix arrays' sizes and ranges (a flipped
sign bit would send the binary search out of the text) and the store's own pages.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from . import store

_CHUNK = 1 << 22


def digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def published_files(home, con: sqlite3.Connection) -> list[str]:
    """Paths (relative to the home) of the files the store, as this connection sees it, publishes."""
    from . import wordindex

    paths = []
    for name in store.segment_names(con):
        folder = home.segments_path / name
        if folder.is_dir():
            paths += [f"segments/{name}/{p.name}" for p in sorted(folder.iterdir())]
    paths += [f"words/{name}" for name in wordindex.committed_files(home.words_path, store.get_int(con, "whoosh_generation", -1))]
    table = store.get_meta(con, "section_table")
    if table and (home.path / f"sections-{table}.npz").exists():
        paths.append(f"sections-{table}.npz")
    return paths


def record(home, con: sqlite3.Connection) -> None:
    """Inside a publishing transaction: checksums of the new files, none of the files gone. Names
    are never reused, except a Whoosh table of contents (`_MAIN_<generation>.toc` starts again at 1
    when a damaged word index is re-created): those small files are hashed every time."""
    paths = published_files(home, con)
    known = store.recorded_files(con)
    store.forget_files(con, [p for p in known if p not in set(paths)])
    store.record_files(con, [(p, (home.path / p).stat().st_size, digest(home.path / p))
                             for p in paths if p not in known or p.endswith(".toc")])


def problems(home) -> list[str]:
    """What is wrong with the files and the store, one line each, with what repairs it."""
    out = []
    con = home.con
    bad = store.quick_check(con)
    if bad != ["ok"]:
        out.append(f"the store is damaged ({'; '.join(bad[:3])}) — reports in damaged pages may be lost; "
                   "copy the home aside, then ingest the reports again")
    recorded = store.recorded_files(con)
    for path, (size, expected) in sorted(recorded.items()):
        f = home.path / path
        if not f.exists():
            out.append(f"{path} is missing — run `baogao rebuild`")
        elif f.stat().st_size != size:
            out.append(f"{path} has {f.stat().st_size:,} bytes, {size:,} were published — run `baogao rebuild`")
        elif digest(f) != expected:
            out.append(f"{path} differs from what was published (checksum) — run `baogao rebuild`")
    unrecorded = [p for p in published_files(home, con) if p not in recorded]
    if unrecorded:
        out.append(f"{len(unrecorded)} index files have no checksum (written by an older baogao) — "
                   "run `baogao rebuild` to record them")
    return out


def segment_problems(segment) -> list[str]:
    """Sizes and ranges of one opened substring segment."""
    import numpy as np

    n, out = len(segment.text), []
    if len(segment.sa) != n:
        out.append(f"its suffix array has {len(segment.sa):,} entries for {n:,} bytes of text")
    elif n and (int(segment.sa.min()) < 0 or int(segment.sa.max()) >= n):
        out.append("its suffix array points outside the text")
    starts = segment.starts
    if len(starts) != len(segment.sids) + 1 or (len(starts) and (starts[0] != 0 or starts[-1] != n)) \
            or np.any(np.diff(starts) <= 0):
        out.append("its section starts do not divide the text")
    if np.any(np.diff(segment.sids) <= 0):
        out.append("its section ids are not in order")
    return out
