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


def indexes_without_store(home_path: Path) -> list[str]:
    """The index files of a home whose store is gone (deleted or moved while its indexes stayed):
    then the reports are not in this home any more, and a new store beside them would hide that."""
    found = [p.name for p in home_path.glob("sections-*.npz")][:1]
    for folder in ("segments", "words"):
        if (home_path / folder).is_dir() and any((home_path / folder).iterdir()):
            found.append(f"{folder}/")
    return found


def record(home, con: sqlite3.Connection) -> None:
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
    except sqlite3.DatabaseError as e:  # a page so damaged the check itself stops
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
    n, out = len(segment.text), [f"{file}: {reason}" for file, reason in opened_segment_problems(segment)]
    if not out and n and (int(segment.sa.min()) < 0 or int(segment.sa.max()) >= n):
        out.append(f"{segment.prefix}sa.npy: a suffix points outside the text")
    return out


def opened_segment_problems(segment) -> list[tuple[str, str]]:
    """What a reader checks when it opens a segment — nothing that reads more than the small files
    it loads whole: the arrays' lengths agree with the text's, the section starts divide the text,
    the section ids ascend. A cut, zeroed or flipped `starts.npy`/`sids.npy` fails here (its values
    stop ascending); the suffix array's values are checked where they are read (`Segment.checked`).
    (file name, what is wrong) each."""
    import numpy as np

    from .substring import SAMPLE

    n, out, p = len(segment.text), [], segment.prefix
    if len(segment.sa) != n:
        out.append((f"{p}sa.npy", f"it has {len(segment.sa):,} suffixes for {n:,} bytes of {p}text.u8"))
    if segment.prefixes is not None and len(segment.prefixes) != -(-len(segment.sa) // SAMPLE):
        out.append((f"{p}prefixes.npy", f"it has {len(segment.prefixes):,} samples for {len(segment.sa):,} suffixes"))
    if n and segment.text[n - 1] != 0x0A:
        out.append((f"{p}text.u8", "it does not end with a newline"))
    starts = segment.starts
    if starts.ndim != 1 or (len(starts) and (starts[0] != 0 or starts[-1] != n)) or np.any(np.diff(starts) <= 0):
        out.append((f"{p}starts.npy", f"its section starts do not divide the {n:,} bytes of {p}text.u8"))
    sids = segment.sids
    if sids.ndim != 1 or np.any(np.diff(sids) <= 0) or (len(sids) and sids[0] < 0):
        out.append(("sids.npy", "its section ids are not in ascending order"))
    elif starts.ndim == 1 and len(starts) != len(sids) + 1:
        out.append((f"{p}starts.npy", f"it has {len(starts) - 1:,} sections, sids.npy {len(sids):,}"))
    return out


# -- what a reader checks when it opens a published file ------------------------------------------------
SMALL = 1 << 20  # a published file up to this size is checked against its digest when opened (≤ 1 ms)
# The word index's small files whose values no structure check can judge: which generation's
# segments to read, each document's section id, each document's length (BM25).
DIGESTED_ON_OPEN = (".toc", ".sids.npy", "._words_len.col")


def damaged(path: str, reason: str):
    """The error a reader raises for a damaged published file: one line naming it, exit 3."""
    from .errors import HomeError

    return HomeError(f"the index file {path} is damaged ({reason})",
                     "Run `baogao check` to see all the damage, then `baogao rebuild` to re-create the indexes "
                     "from the store.")


def check_opened(home_path: Path, recorded: dict[str, tuple[int, str]], paths) -> None:
    """Before a reader opens published files: each is there with the size it was published with,
    and a small one (a word segment's section ids, a table of contents) has its digest. Files with
    no record (a home older than the record) are taken as they are."""
    for path in paths:
        if path not in recorded:
            continue
        size, expected = recorded[path]
        try:
            got = (home_path / path).stat().st_size
        except FileNotFoundError:
            raise damaged(path, "it is missing") from None
        if got != size:
            raise damaged(path, f"it has {got:,} bytes, {size:,} were published")
        if size <= SMALL and path.endswith(DIGESTED_ON_OPEN) and digest(home_path / path) != expected:
            raise damaged(path, "it differs from what was published")
