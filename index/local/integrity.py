"""Checksums of the files a home publishes, and the checks `check` runs on them.

Every publish records, inside its transaction, the size and BLAKE2b digest of each file of the
published state that is new (substring segments, the Whoosh generation, the section table): paths
are never reused, so a recorded file is hashed once. `check` re-reads every recorded file and also
tests what a checksum cannot tell a reader cheaply: the suffix arrays' sizes and ranges (a flipped
sign bit would send the binary search out of the text) and the store's own pages. A publish checks
each new segment whole before recording it. Readers run only the cheap checks (`filecheck`, and a
segment's `structure_problems` and `checked`).
"""

from __future__ import annotations

from pathlib import Path

from . import store
from .filecheck import damaged, digest


def published_files(home, con: store.Connection) -> list[str]:
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


def indexes_without_store(home_path: Path) -> list[str]:
    """The index files of a home whose store is gone (deleted or moved while its indexes stayed):
    then the reports are not in this home any more, and a new store beside them would hide that."""
    found = [p.name for p in home_path.glob("sections-*.npz")][:1]
    for folder in ("segments", "words"):
        if (home_path / folder).is_dir() and any((home_path / folder).iterdir()):
            found.append(f"{folder}/")
    return found


def record(home, con: store.Connection) -> None:
    """Inside a publishing transaction: checksums of the new files, none of the files gone. Names
    are never reused, except a Whoosh table of contents (`_MAIN_<generation>.toc` starts again at 1
    when a damaged word index is re-created): those small files are hashed every time."""
    paths = published_files(home, con)
    known = store.recorded_files(con)
    _verify_new_segments(home, {p.split("/")[1] for p in paths if p.startswith("segments/") and p not in known})
    store.forget_files(con, [p for p in known if p not in set(paths)])
    store.record_files(con, [(p, (home.path / p).stat().st_size, digest(home.path / p))
                             for p in paths if p not in known or p.endswith(".toc")])


def _verify_new_segments(home, names) -> None:
    """Before a publish records them: each new segment whole (the suffix arrays' full range too —
    one pass over what was just written, cheap beside building it). A segment read back wrong (a
    failing disk) is never published: the publish fails, the store keeps its state."""
    from .substring import Segment

    for name in sorted(names):
        segment = Segment.open(home.segments_path / name)
        bad = [f"{p}" for p in segment_problems(segment)] + [f"{p}" for p in segment_problems(segment.loose)]
        if bad:
            raise damaged(f"segments/{name}", f"written just now, it reads back wrong: {bad[0]}")


def problems(home) -> list[str]:
    """What is wrong with the files and the store, one line each, with what repairs it."""
    out = []
    con = home.con
    try:
        bad = store.integrity_check(con)
    except store.DatabaseError as e:  # a page so damaged the check itself stops
        bad = [str(e)]
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
    """Sizes and ranges of one opened substring segment: the cheap checks every reader runs, and
    the suffix array's whole range (a pass over the array: `check` and publish only)."""
    n, out = len(segment.text), [f"{file}: {reason}" for file, reason in segment.structure_problems()]
    if not out and n and (int(segment.sa.min()) < 0 or int(segment.sa.max()) >= n):
        out.append(f"{segment.prefix}sa.npy: a suffix points outside the text")
    return out
