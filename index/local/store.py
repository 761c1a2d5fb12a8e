"""The store (`store.sqlite`): the archive's source of truth and its single commit point.

It holds reports, sections and paragraphs as displayed, each section's normalized→display offset
map, the frozen slogan dictionary, the published substring-index segments and the Whoosh generation
that matches them. Everything an index holds can be rebuilt from here.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ..model import ReportInfo, SectionMeta

# 2: a section's text holds its heading (and the first section the report's title) before its
# paragraphs. 3: normalized text folds traditional characters to simplified. 4: normalized text keeps
# punctuation (each mark as its class's canonical mark), and a segment holds its text without marks
# too. `rebuild` brings an older home up to the current format from its store (the displayed text
# never changes). 5: the first section holds the title only where it differs from the heading once
# normalized (a title that was the heading but for a space was counted twice).
FORMAT_VERSION = 5

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
    url TEXT, urls TEXT NOT NULL DEFAULT '[]', date TEXT, sidecar TEXT NOT NULL DEFAULT '{}',
    subtitle TEXT, speaker TEXT, occasion TEXT, session TEXT, year_source TEXT
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


@contextlib.contextmanager
def transaction(con: sqlite3.Connection):
    """A write transaction that takes the write lock at once (BEGIN IMMEDIATE)."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        if con.in_transaction:  # SQLite rolls back by itself on some errors (a full disk)
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A connection to the store. `read_only` (a home on a read-only mount, a shared folder): see
    `connect_read_only`."""
    if read_only:
        return connect_read_only(path)
    con = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    return con


# What other modules of index/local name of SQLite — its connection and its damage — without
# importing sqlite3 (the one room of SQLite is this module; tests/test_structure.py).
Connection = sqlite3.Connection
DatabaseError = sqlite3.DatabaseError
OperationalError = sqlite3.OperationalError  # (cli/errors.py tells a busy or read-only store from a damaged one)


def connect_snapshot(path) -> sqlite3.Connection:
    """A plain read-only connection (no pragmas, no immutable flag): for a forked child reading one
    table while its parent goes on (segmenter.segment_in_child)."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


# A write-ahead log starts with a 32-byte header; frames (committed changes) follow it.
WAL_HEADER_BYTES = 32


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A store no process here can write. With no write-ahead log (or an empty one) the file is the
    whole store: opened as immutable (no lock, no -shm needed). With a log still holding commits
    (a remove not yet checkpointed when the home was mounted read-only), `immutable` would ignore
    them and show a superseded archive: it is read with its log (SQLite reads a WAL on a read-only
    medium when the -shm file exists, https://www.sqlite.org/wal.html "Read-Only Databases"), or
    refused in one line when it cannot be."""
    from ..errors import HomeError

    wal = path.with_name(path.name + "-wal")
    try:
        pending = wal.stat().st_size > WAL_HEADER_BYTES
    except FileNotFoundError:
        pending = False
    if not pending:
        return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, isolation_level=None, check_same_thread=False)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the log and its index now
    except sqlite3.OperationalError as e:
        con.close()
        raise HomeError(f"the read-only home's store {path} has changes in its write-ahead log {wal.name} that cannot be "
                        f"read here ({e}; {path.name}-shm is missing or unusable)",
                        "Open the home once where it can be written (any baogao command folds the log into the "
                        "store), or copy the home to a writable folder.") from None
    return con


def is_blank(con: sqlite3.Connection) -> bool:
    """No table at all: a store not yet created, or whose creating transaction never committed."""
    return con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def create(con: sqlite3.Connection, samples: bool = False) -> None:
    """Create the tables in one transaction: a store either has a format version or is not a store.
    Safe to race: IMMEDIATE waits for another creator's commit, then every statement finds its work
    done. `samples`: the creator is a first read, which adds the bundled sample pages (recorded only
    by the transaction that really creates the store)."""
    due = ("INSERT OR IGNORE INTO meta SELECT 'samples', 'due' WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'format');"
           if samples else "")
    con.executescript(
        "BEGIN IMMEDIATE;" + SCHEMA + due +
        f"INSERT OR IGNORE INTO meta VALUES ('format', '{FORMAT_VERSION}');"
        "INSERT OR IGNORE INTO meta VALUES ('next_sid', '1');"
        "INSERT OR IGNORE INTO meta VALUES ('whoosh_generation', '-1');"
        "COMMIT;")


# Columns added since format 1: a writer adds them to an older store (NULL-able or with defaults).
ADDED_COLUMNS = (("reports", "url", "TEXT"), ("reports", "urls", "TEXT NOT NULL DEFAULT '[]'"),
                 ("reports", "date", "TEXT"), ("reports", "sidecar", "TEXT NOT NULL DEFAULT '{}'"),
                 # What a report's head says (issue 30). An older store gains them empty; its reports are
                 # read again at the next ingest, since the reading rules' version is part of each
                 # report's recorded key (archive.reading_key), so no rebuild is asked for.
                 ("reports", "subtitle", "TEXT"), ("reports", "speaker", "TEXT"), ("reports", "occasion", "TEXT"),
                 ("reports", "session", "TEXT"), ("reports", "year_source", "TEXT"))


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
    from ..errors import HomeError

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


from ..sectiontext import OffsetMap, pack_offsets  # noqa: E402,F401 (the format is the sections' vocabulary)


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


def _ids(values) -> str:
    """A list for `IN (SELECT value FROM json_each(?))`: one parameter however many values."""
    return json.dumps([v if isinstance(v, str) else int(v) for v in values])


def _list(text: str | None) -> tuple:
    return tuple(json.loads(text)) if text else ()


# Names: `rid` is always a report's rowid (the integer key sections point at), `report_id` or `id`
# its id (the file stem users type); `sid` a section's rowid.

# -- reports -----------------------------------------------------------------------------------------
class KnownReport(NamedTuple):
    """What an ingest compares a file with: its path, content hash, and sidecar row with the reading
    rules' version (archive.reading_key) as stored."""
    file: str
    sha256: str
    sidecar: str


def known_reports(con) -> dict[str, KnownReport]:
    return {report_id: KnownReport(f, sha, side) for report_id, f, sha, side in con.execute("SELECT id, file, sha256, sidecar FROM reports")}


_REPORT_COLUMNS = ("r.id, r.title, r.region, r.year, r.level, (SELECT COUNT(*) FROM sections s WHERE s.rid = r.rid),"
                   " r.chars, r.file, r.duplicate_of, r.url, r.urls, r.date, r.subtitle, r.speaker, r.occasion, r.session,"
                   " r.year_source")


def _report_info(row) -> "ReportInfo":
    from ..model import ReportInfo

    *head, urls, date, subtitle, speaker, occasion, session, year_source = row
    return ReportInfo(*head, urls=_list(urls), date=date, subtitle=subtitle, speaker=speaker, occasion=occasion,
                      session=session, year_source=year_source)


def report_infos(con, conditions=()) -> list["ReportInfo"]:
    """The reports the (report-field) conditions keep, by id."""
    clause, args = where(conditions)
    return [_report_info(row) for row in con.execute(f"SELECT {_REPORT_COLUMNS} FROM reports r WHERE {clause} ORDER BY r.id",
                                                      args)]


def reports_named(con, ref: str, how: str, limit: int) -> list["ReportInfo"]:
    """Reports whose id is `ref` (how="id"), starts with it ("prefix"), or whose title or region
    contains it ("text"); at most `limit`, by id."""
    sql = {"id": "r.id = ?", "prefix": "r.id LIKE ? ESCAPE '\\'",
           "text": "(r.title LIKE ? ESCAPE '\\' OR r.region LIKE ? ESCAPE '\\')"}[how]
    arg = ref if how == "id" else like_escape(ref) + "%" if how == "prefix" else "%" + like_escape(ref) + "%"
    rows = con.execute(f"SELECT {_REPORT_COLUMNS} FROM reports r WHERE {sql} ORDER BY r.id LIMIT ?",
                       (*((arg,) * sql.count("?")), limit))
    return [_report_info(row) for row in rows]


def like_escape(value: str) -> str:
    """`value` as LIKE text (with ESCAPE '\\'): its wildcards are characters."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def report_files(con) -> list[tuple[str, str]]:
    return con.execute("SELECT id, file FROM reports ORDER BY id").fetchall()


def report_head(con, report_id: str):
    """(rowid, title, file, url, urls) of one report, or None."""
    row = con.execute("SELECT rid, title, file, url, urls FROM reports WHERE id = ?", (report_id,)).fetchone()
    return None if row is None else (row[0], row[1], row[2], row[3], _list(row[4]))


REPORT_ROW = ("rid", "id", "title", "region", "year", "level", "file", "sha256", "chars", "authors",
              "duplicates_dropped", "duplicate_of", "url", "urls", "date", "sidecar", "subtitle", "speaker", "occasion",
              "session", "year_source")


def report_rows(con) -> list[dict]:
    """Every report's row (all but its sketch) with its quoted terms, by id: what `publish --solr`
    sends and a remote reader's catalogue holds (`insert_report_rows`)."""
    quoted: dict[int, list[str]] = {}
    for word, rid in con.execute("SELECT word, rid FROM quoted ORDER BY rid, word"):
        quoted.setdefault(rid, []).append(word)
    rows = con.execute(f"SELECT {', '.join(REPORT_ROW)} FROM reports ORDER BY id").fetchall()
    return [{**dict(zip(REPORT_ROW, row)), "quoted": quoted.get(row[0], [])} for row in rows]


def insert_report_rows(con, rows: list[dict]) -> None:
    con.executemany(f"INSERT INTO reports ({', '.join(REPORT_ROW)}) VALUES ({', '.join('?' * len(REPORT_ROW))})",
                    [tuple(r.get(k) for k in REPORT_ROW) for r in rows])  # a collection published before a column
    con.executemany("INSERT OR IGNORE INTO quoted VALUES (?, ?)", [(w, r["rid"]) for r in rows for w in r["quoted"]])


def fill_sections(con, heads, paragraphs) -> None:
    """Sections' offset maps and headings ((offsets, heading, level, path, sid) rows) and paragraphs,
    for rows inserted before with their numbers only."""
    con.executemany("UPDATE sections SET offsets = ?, heading = ?, level = ?, path = ? WHERE sid = ?", heads)
    con.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?)", paragraphs)


def insert_sections(con, rows, paragraphs) -> None:
    """Sections (sid, rid, n, heading, level, path, offsets, segment) and their paragraphs
    (sid, n, text, kind, line), as a remote reader copies them in."""
    con.executemany("INSERT INTO sections (sid, rid, n, heading, level, path, offsets, segment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    rows)
    con.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?)", paragraphs)


def report_ids(con, rowids) -> dict[int, str]:
    return dict(con.execute("SELECT rid, id FROM reports WHERE rid IN (SELECT value FROM json_each(?))", (_ids(rowids),)))


def count_reports(con) -> int:
    return con.execute("SELECT COUNT(*) FROM reports").fetchone()[0]


def insert_report(con, r, sids, offsets, quoted, sketch: bytes) -> None:
    """A parsed report's rows (`r` an archive.Report); its sections are filed under their segment
    when the segment is written (`file_sections`)."""
    from archive import reading_key

    cur = con.execute(
        "INSERT INTO reports (id, title, region, year, level, file, sha256, chars, authors, duplicates_dropped,"
        " sketch, url, urls, date, sidecar, subtitle, speaker, occasion, session, year_source)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (r.id, r.title, r.region, r.year, r.level, r.path, r.sha256, r.chars, dumps(list(r.authors)),
         r.duplicates_dropped, sketch, r.urls[0] if r.urls else None, dumps(list(r.urls)), r.date,
         dumps(reading_key(r.source_meta), sort=True), r.subtitle, r.speaker, r.occasion, r.session, r.year_source))
    rid = cur.lastrowid
    con.executemany("INSERT INTO sections (sid, rid, n, heading, level, path, offsets, segment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(sid, rid, s.id, s.heading, s.level, dumps(list(s.path)), off, "")
                     for sid, s, off in zip(sids, r.sections, offsets)])
    con.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?)",
                    [(sid, n, para.text, para.kind, para.line)
                     for sid, s in zip(sids, r.sections) for n, para in enumerate(s.paragraphs, start=1)])
    con.executemany("INSERT OR IGNORE INTO quoted VALUES (?, ?)", [(w, rid) for w in quoted])


def delete_reports(con, report_ids: list[str]) -> None:
    """Their sections, paragraphs and quoted terms go with them (ON DELETE CASCADE)."""
    if report_ids:
        con.execute("DELETE FROM reports WHERE id IN (SELECT value FROM json_each(?))", (_ids(report_ids),))


def mark_duplicate(con, report_id: str, original: str) -> None:
    con.execute("UPDATE reports SET duplicate_of = ? WHERE id = ?", (original, report_id))


def move_file(con, report_id: str, path: str) -> None:
    con.execute("UPDATE reports SET file = ? WHERE id = ?", (path, report_id))


def original_sketches(con) -> list[tuple[str, bytes]]:
    """(id, MinHash sketch) of every report not itself recorded as a duplicate."""
    return con.execute("SELECT id, sketch FROM reports WHERE duplicate_of IS NULL AND sketch IS NOT NULL").fetchall()


def where(conditions) -> tuple[str, list]:
    """One WHERE clause over `reports r` (and, for heading:, `sections s`) for filters.Condition
    values, and its arguments. LIKE's wildcards in a value are escaped: a value is text."""
    clauses, args = ["1=1"], []
    for c in conditions:
        if c.field == "year":
            if c.low is not None:
                clauses.append("r.year >= ?")
                args.append(c.low)
            if c.high is not None:
                clauses.append("r.year <= ?")
                args.append(c.high)
        elif c.field == "level":
            clauses.append("r.level = ?")
            args.append(c.text)
        elif c.field == "region":
            clauses.append("r.region LIKE ? ESCAPE '\\'")
            args.append("%" + like_escape(c.text) + "%")
        elif c.field == "report":
            clauses.append("(r.id LIKE ? ESCAPE '\\' OR r.title LIKE ? ESCAPE '\\')")
            args += [like_escape(c.text) + "%", "%" + like_escape(c.text) + "%"]
        elif c.field == "heading":
            clauses.append("s.heading LIKE ? ESCAPE '\\'")
            args.append("%" + like_escape(c.text) + "%")
    return " AND ".join(clauses), args


def reports_for_counting(con, conditions) -> list[tuple]:
    """(rowid, id, title, region, year, level, chars, date) of the reports the conditions keep (their
    URLs come with a citation: `report_head`)."""
    clause, args = where(conditions)
    return con.execute(f"SELECT r.rid, r.id, r.title, r.region, r.year, r.level, r.chars, r.date FROM reports r WHERE {clause}",
                       args).fetchall()


def report_rowids(con, conditions) -> list[int]:
    """Rowids of the reports the (report-field) conditions keep."""
    clause, args = where(conditions)
    return [r[0] for r in con.execute(f"SELECT r.rid FROM reports r WHERE {clause}", args)]


def heading_sids(con, conditions) -> list[int]:
    """Sids of the sections whose heading the (heading:) conditions keep."""
    clause, args = where(conditions)
    return [r[0] for r in con.execute(f"SELECT s.sid FROM sections s WHERE {clause}", args)]


# -- sections and paragraphs -----------------------------------------------------------------------------
def sections_of(con, report_id: str) -> list[tuple[int, int, str, int, tuple[str, ...]]]:
    """(sid, n, heading, level, path) of a report's sections, in order."""
    return [(sid, n, h, lv, _list(p)) for sid, n, h, lv, p in con.execute(
        "SELECT sid, n, heading, level, path FROM sections WHERE rid = (SELECT rid FROM reports WHERE id = ?) ORDER BY n",
        (report_id,))]


def paragraphs_of(con, sid: int) -> list[tuple[int, str, str, int]]:
    """(n, text, kind, line) of a section's paragraphs, in order."""
    return con.execute("SELECT n, text, kind, line FROM paragraphs WHERE sid = ? ORDER BY n", (sid,)).fetchall()


def paragraph_texts(con, sids) -> dict[int, list[str]]:
    """sid → its paragraphs' texts in order, for many sections in one query."""
    out: dict[int, list[str]] = {int(s): [] for s in sids}
    for sid, text in con.execute("SELECT sid, text FROM paragraphs WHERE sid IN (SELECT value FROM json_each(?))"
                                 " ORDER BY sid, n", (_ids(sids),)):
        out[sid].append(text)
    return out


def section_heads(con, sids) -> dict[int, "SectionMeta"]:
    """sid → what a hit, a citation or a snippet needs of its section and report."""
    from ..model import SectionMeta

    rows = con.execute(
        "SELECT s.sid, s.n, s.heading, s.path, r.id, r.title, r.region, r.year, r.level, s.segment, s.offsets, r.url, r.urls,"
        " r.date, r.speaker, r.subtitle, r.occasion, r.session, r.year_source"
        " FROM sections s JOIN reports r USING (rid) WHERE s.sid IN (SELECT value FROM json_each(?))", (_ids(sids),))
    return {row[0]: SectionMeta(row[0], row[1], row[2], _list(row[3]), *row[4:12], _list(row[12]), *row[13:])
            for row in rows}


def report_lines(con, report_ids) -> dict[str, list[tuple[int, int, str]]]:
    """report id → its lines in order: (section number, paragraph number, text), the heading of
    each section as paragraph 0 — for many reports in one query."""
    out: dict[str, list[tuple[int, int, str]]] = {r: [] for r in report_ids}
    rows = con.execute(
        "SELECT r.id, s.n, 0, s.heading FROM sections s JOIN reports r USING (rid)"
        " WHERE r.id IN (SELECT value FROM json_each(?)) AND s.heading != ''"
        " UNION ALL SELECT r.id, s.n, p.n, p.text FROM paragraphs p JOIN sections s USING (sid) JOIN reports r USING (rid)"
        " WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY 1, 2, 3", (dumps(list(report_ids)),) * 2)
    for report, n, paragraph, text in rows:
        out[report].append((n, paragraph, text))
    return out


def report_section_sids(con, report_ids) -> list[int]:
    """The sids of the sections of the given reports."""
    return [r[0] for r in con.execute("SELECT s.sid FROM sections s JOIN reports r USING (rid)"
                                      " WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY s.sid",
                                      (dumps(list(report_ids)),))]


def section_sid(con, report_id: str, n: int) -> int | None:
    row = con.execute("SELECT s.sid FROM sections s JOIN reports r USING (rid) WHERE r.id = ? AND s.n = ?",
                      (report_id, n)).fetchone()
    return row[0] if row else None


def all_sids(con) -> list[int]:
    return [r[0] for r in con.execute("SELECT sid FROM sections ORDER BY sid")]


def count_sections(con) -> int:
    return con.execute("SELECT COUNT(*) FROM sections").fetchone()[0]


def sids_of(con, report_ids: list[str]) -> list[int]:
    if not report_ids:
        return []
    return [r[0] for r in con.execute(
        "SELECT sid FROM sections JOIN reports USING (rid) WHERE reports.id IN (SELECT value FROM json_each(?))",
        (_ids(report_ids),))]


def section_rows(con) -> list[tuple[int, int, int, int]]:
    """(sid, year or 0, report rowid, n) of every section, by sid: the section table's columns."""
    return con.execute(
        "SELECT s.sid, COALESCE(r.year, 0), s.rid, s.n FROM sections s JOIN reports r USING (rid) ORDER BY s.sid").fetchall()


def section_lines(con, segments: list[str] | None = None, sids: list[int] | None = None):
    """(sid, report title, n, heading, [paragraph texts]) of each section (of those filed in
    `segments`, or of `sids`, if given), by sid, streamed."""
    from itertools import groupby

    where = "WHERE s.segment IN (SELECT value FROM json_each(?))" if segments is not None else ""
    args = (_ids(segments),) if segments is not None else ()
    if sids is not None:
        where, args = "WHERE s.sid IN (SELECT value FROM json_each(?))", (_ids(sids),)
    rows = con.execute(
        "SELECT s.sid, r.title, s.n, s.heading, p.text FROM sections s JOIN reports r USING (rid)"
        f" LEFT JOIN paragraphs p ON p.sid = s.sid {where} ORDER BY s.sid, p.n", args)
    for sid, group in groupby(rows, key=lambda row: row[0]):
        group = list(group)
        _, title, n, heading, _ = group[0]
        yield sid, title, n, heading, [row[4] for row in group if row[4] is not None]


def set_offsets(con, rows) -> None:
    """(packed offset map, sid) pairs."""
    con.executemany("UPDATE sections SET offsets = ? WHERE sid = ?", rows)


# -- segments ------------------------------------------------------------------------------------------
def segment_sizes(con) -> list[tuple[str, int]]:
    return con.execute("SELECT name, bytes FROM segments ORDER BY name").fetchall()


def add_segments(con, rows: list[tuple[str, int, int]]) -> None:
    """(name, sections, bytes) of newly written segments."""
    con.executemany("INSERT INTO segments VALUES (?, ?, ?)", rows)


def drop_segments(con, names: list[str]) -> None:
    con.execute("DELETE FROM segments WHERE name IN (SELECT value FROM json_each(?))", (_ids(names),))


def drop_empty_segments(con) -> None:
    """A segment none of whose sections is live any more is unlisted (its files go at next open)."""
    con.execute("DELETE FROM segments WHERE name NOT IN (SELECT DISTINCT segment FROM sections)")


def file_sections(con, rows: list[tuple[str, int]]) -> None:
    """(segment name, sid): the segment each section's text is in."""
    con.executemany("UPDATE sections SET segment = ? WHERE sid = ?", rows)


def segment_of_sections(con) -> dict[int, str]:
    return dict(con.execute("SELECT sid, segment FROM sections"))


# -- dictionary ---------------------------------------------------------------------------------------
def dictionary(con) -> tuple[str, ...]:
    """The frozen dictionary the word index was built with."""
    return tuple(r[0] for r in con.execute("SELECT word FROM dictionary"))


def replace_dictionary(con, words) -> None:
    con.execute("DELETE FROM dictionary")
    con.executemany("INSERT INTO dictionary VALUES (?)", [(w,) for w in words])


def quoted_counts(con) -> list[tuple[str, int]]:
    """(term, how many reports put it in quotes)."""
    return con.execute("SELECT word, COUNT(*) FROM quoted GROUP BY word").fetchall()


# -- the store itself ------------------------------------------------------------------------------------
def quick_check(con, limit: int = 20) -> list[str]:
    """SQLite's page-level check: ["ok"] or the first problems."""
    return [row[0] for row in con.execute(f"PRAGMA quick_check({int(limit)})")]


def integrity_check(con, limit: int = 20) -> list[str]:
    """SQLite's full check (quick_check's, and every index against its table, UNIQUE constraints):
    ["ok"] or the first problems."""
    return [row[0] for row in con.execute(f"PRAGMA integrity_check({int(limit)})")]
