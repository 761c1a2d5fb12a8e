"""The store (`store.sqlite`): the archive's source of truth and its single commit point.

It holds reports, sections and paragraphs as displayed, each section's normalized→display offset
map, the frozen slogan dictionary, the published substring-index segments and the Whoosh generation
that matches them. Everything an index holds can be rebuilt from here.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from pathlib import Path

# 2: a section's text holds its heading (and the first section the report's title) before its
# paragraphs; `rebuild` brings a format-1 home up to it.
FORMAT_VERSION = 2

# Covering indexes: filters, trends and the headings scan read these instead of the tables, whose
# rows carry blobs (a report's sketch, a section's offset map) — at 13,000 reports a table scan
# reads 30 MB, the index 1 MB.
INDEXES = (
    ("sections_by_report", "sections(rid, n, heading)"),
    ("reports_filters", "reports(level, year, region, id, title, chars, duplicate_of)"),
)

FILES_TABLE = ("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, bytes INTEGER NOT NULL, digest TEXT NOT NULL)"
               " WITHOUT ROWID;")  # the published index files' checksums (integrity.py)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    rid INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL, region TEXT NOT NULL, year INTEGER, level TEXT NOT NULL,
    file TEXT NOT NULL, sha256 TEXT NOT NULL, chars INTEGER NOT NULL,
    authors TEXT NOT NULL DEFAULT '[]', duplicates_dropped INTEGER NOT NULL DEFAULT 0,
    duplicate_of TEXT, sketch BLOB,
    url TEXT, urls TEXT NOT NULL DEFAULT '[]', date TEXT, sidecar TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS sections (
    sid INTEGER PRIMARY KEY,
    rid INTEGER NOT NULL REFERENCES reports(rid) ON DELETE CASCADE,
    n INTEGER NOT NULL, heading TEXT NOT NULL, level INTEGER NOT NULL, path TEXT NOT NULL,
    offsets BLOB NOT NULL,
    segment TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sections_segment ON sections(segment);
CREATE TABLE IF NOT EXISTS paragraphs (
    sid INTEGER NOT NULL REFERENCES sections(sid) ON DELETE CASCADE,
    n INTEGER NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL, line INTEGER NOT NULL,
    PRIMARY KEY (sid, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dictionary (word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quoted (word TEXT NOT NULL, rid INTEGER NOT NULL REFERENCES reports(rid) ON DELETE CASCADE,
    PRIMARY KEY (word, rid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS segments (name TEXT PRIMARY KEY, sections INTEGER NOT NULL, bytes INTEGER NOT NULL);
""" + FILES_TABLE + """
""" + "".join(f"CREATE INDEX IF NOT EXISTS {name} ON {on};\n" for name, on in INDEXES)


def connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A connection to the store. `read_only` (a home on a read-only mount, a shared folder): no
    write-ahead log can be made there, so the store is opened as immutable — no writer can change it."""
    if read_only:
        uri = f"file:{path}?mode=ro&immutable=1"
        return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    con = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    return con


def create(con: sqlite3.Connection) -> None:
    """Create the tables in one transaction: a store either has a format version or is not a store."""
    con.executescript(
        "BEGIN;" + SCHEMA +
        f"INSERT OR IGNORE INTO meta VALUES ('format', '{FORMAT_VERSION}');"
        "INSERT OR IGNORE INTO meta VALUES ('next_sid', '1');"
        "INSERT OR IGNORE INTO meta VALUES ('whoosh_generation', '-1');"
        "COMMIT;")


# Columns added since format 1: a writer adds them to an older store (NULL-able or with defaults).
ADDED_COLUMNS = (("reports", "url", "TEXT"), ("reports", "urls", "TEXT NOT NULL DEFAULT '[]'"),
                 ("reports", "date", "TEXT"), ("reports", "sidecar", "TEXT NOT NULL DEFAULT '{}'"))


def upgrade(con: sqlite3.Connection) -> None:
    """Bring a store made by an earlier version up to the current columns and indexes (a writer
    calls this under the lock; on an up-to-date store it changes nothing)."""
    con.execute(FILES_TABLE)
    for table, column, kind in ADDED_COLUMNS:
        if column not in {row[1] for row in con.execute(f"PRAGMA table_info({table})")}:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    con.execute("DROP INDEX IF EXISTS sections_rid")  # became sections_by_report
    for name, on in INDEXES:
        con.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")


def get_meta(con: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def get_int(con: sqlite3.Connection, key: str, default: int) -> int:
    """An integer the meta table holds; junk there is a damaged store, said so, not a traceback."""
    from .errors import HomeError

    value = get_meta(con, key)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise HomeError(f"the store's meta table holds junk for {key} ({value[:20]!r})",
                        "Run `baogao check`; `baogao rebuild` repairs what the store can still tell.") from None


def set_meta(con: sqlite3.Connection, key: str, value) -> None:
    con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, str(value)))


# Offset maps are stored as runs: (normalized start, display start) where the mapping is contiguous.
def pack_offsets(offsets: list[int]) -> bytes:
    runs = array("i")
    prev_n = prev_d = None
    for n, d in enumerate(offsets):
        if prev_n is None or d != prev_d + (n - prev_n):
            runs.extend((n, d))
            prev_n, prev_d = n, d
    return runs.tobytes()


class OffsetMap:
    """A packed offset map, read in place: normalized offset → display offset by binary search over
    the runs (a snippet needs a few offsets of a section, not a list as long as the section)."""

    def __init__(self, blob: bytes):
        runs = array("i")
        runs.frombytes(blob)
        self.starts = runs[0::2]
        self.displays = runs[1::2]

    def __getitem__(self, i: int) -> int:
        from bisect import bisect_right

        k = bisect_right(self.starts, i) - 1
        return self.displays[k] + (i - self.starts[k])


def dumps(value, sort: bool = False) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=sort)


def duplicate_pairs(con: sqlite3.Connection) -> list[tuple[int, int]]:
    """(report rowid, its original's rowid) for each report recorded as a near-duplicate of another
    report still in the archive."""
    return con.execute("SELECT r.rid, o.rid FROM reports r JOIN reports o ON o.id = r.duplicate_of").fetchall()


def segment_names(con: sqlite3.Connection) -> list[str]:
    return [r[0] for r in con.execute("SELECT name FROM segments ORDER BY name")]


def recorded_files(con: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """path → (bytes, digest) of each published index file (none in a store older than the table)."""
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'files'").fetchone():
        return {}
    return {path: (size, digest) for path, size, digest in con.execute("SELECT path, bytes, digest FROM files")}


def record_files(con: sqlite3.Connection, rows: list[tuple[str, int, str]]) -> None:
    con.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", rows)


def forget_files(con: sqlite3.Connection, paths: list[str]) -> None:
    con.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in paths])
