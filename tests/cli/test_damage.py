"""Issue 29: readers never answer from damage. Each published file of a small home, damaged four ways
(cut in half, a 4 KiB block zeroed, 16 bytes flipped, deleted): every read command exits 3 with one
line naming what is damaged — or, where the damage cannot change its answer, exits 0 with the count
the undamaged home gives. Never a traceback, never a signal, never 0 with another count."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

TERM = "发展"  # common in the seeds: its suffix-array slice is large, its sections many

# What each read command answers, as one number from its JSON.
COMMANDS = {
    "search -e": (["search", "-e", TERM, "--limit", "1000"], lambda d: (d["total"], d["occurrences"])),
    "search": (["search", TERM, "--limit", "1000"], lambda d: (d["total"], [h["section_id"] for h in d["hits"]])),
    "kwic": (["kwic", TERM, "--all"], lambda d: (d["total"], d["reports_matched"])),
    "trend": (["trend", TERM], lambda d: [(b["key"], b["count"]) for b in d["terms"][0]["buckets"]]),
}


def _segment(home: Path) -> Path:
    return next((home / "segments").iterdir())


def _word_segment_file(home: Path, suffix: str) -> Path:
    return next((home / "words").glob(f"MAIN_*{suffix}"))


# Each published file kind: where it is in a home.
FILES = {name: (lambda n: lambda h: _segment(h) / n)(name) for name in (
    "text.u8", "sa.npy", "prefixes.npy", "starts.npy", "sids.npy",
    "loose-text.u8", "loose-sa.npy", "loose-prefixes.npy", "loose-starts.npy")}
FILES.update({
    "words .pst": lambda h: _word_segment_file(h, ".pst"),
    "words .trm": lambda h: _word_segment_file(h, ".trm"),
    "words .sids.npy": lambda h: _word_segment_file(h, ".sids.npy"),
    "words ._words_len.col": lambda h: _word_segment_file(h, "._words_len.col"),
    "words TOC": lambda h: next((h / "words").glob("_MAIN_*.toc")),
    "sections-*.npz": lambda h: next(h.glob("sections-*.npz")),
    "store.sqlite": lambda h: h / "store.sqlite",
})


def truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def zero_block(path: Path) -> None:
    """Zero the 4 KiB block in the middle (the first one, in a smaller file) — one whose bytes are
    not all zero already, so the damage changes the file."""
    data = path.read_bytes()
    blocks = [b for b in range(0, len(data), 4096) if any(data[b:b + 4096])]
    at = blocks[len(blocks) // 2]
    with open(path, "r+b") as f:
        f.seek(at)
        f.write(bytes(len(data[at:at + 4096])))


def flip_bytes(path: Path) -> None:
    """Invert 16 bytes in the middle."""
    data = bytearray(path.read_bytes())
    at = max(0, len(data) // 2 - 8)
    data[at:at + 16] = bytes(b ^ 0xFF for b in data[at:at + 16])
    path.write_bytes(bytes(data))


def flip_text_bytes(path: Path) -> None:
    """Invert 16 bytes of a section's heading (the middle one), wherever the store's layout puts it."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    headings = [h for (h,) in con.execute("SELECT heading FROM sections ORDER BY sid") if h and len(h.encode()) >= 16]
    con.close()
    data = bytearray(path.read_bytes())
    heading = headings[len(headings) // 2].encode()
    at = data.find(heading)
    while at >= 0:  # its row in the table and its entry in the covering index alike
        data[at:at + 16] = bytes(b ^ 0xFF for b in data[at:at + 16])
        at = data.find(heading, at + 16)
    path.write_bytes(bytes(data))


def delete(path: Path) -> None:
    path.unlink()


DAMAGES = {"truncate": truncate, "zero a 4 KiB block": zero_block, "flip 16 bytes": flip_bytes, "delete": delete}


def _answers(home: Path) -> dict:
    out = {}
    for name, (args, answer) in COMMANDS.items():
        r = run_cli(home, *args, "--json")
        assert "Traceback" not in r.stdout + r.stderr, (name, r.stderr)
        out[name] = (r.returncode, r.stdout, r.stderr, answer)
    return out


@pytest.fixture(scope="module")
def truth(_seeded_home):
    """The undamaged home's answers."""
    answers = _answers(_seeded_home)
    assert all(code == 0 for code, *_ in answers.values()), answers
    return {name: answer(json.loads(out)) for name, (code, out, err, answer) in answers.items()}


def must_name(kind: str, damage: str, command: str) -> bool:
    """Where the damage is in what `command` reads and a cheap check sees it: exit 3 required.
    Elsewhere exit 0 is allowed, with the undamaged answer: the damage is in no byte the command
    reads — a flipped or zeroed block of a suffix array, of sampled prefixes or of a text outside
    the slices TERM's search reads (test_damage_where_a_query_reads_is_named damages those); the
    word index for every command but the unquoted search (the others never open it), and a large
    Whoosh file's content outside TERM's postings; the section table (read from the store instead,
    test_damage_to_the_section_table_falls_back_to_the_store); store pages trend does not read."""
    if kind.startswith("words"):
        return command == "search" and (damage in ("truncate", "delete") or kind in SMALL_WORD_FILES)
    if kind == "sections-*.npz":
        return False
    if kind == "store.sqlite":
        return damage in ("truncate", "delete")
    return damage in ("truncate", "delete") or kind.endswith("starts.npy") or kind == "sids.npy"


SMALL_WORD_FILES = ("words .sids.npy", "words ._words_len.col", "words TOC")  # checked by digest when opened


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("kind", FILES)
def test_readers_never_answer_from_damage(_seeded_home, tmp_path, truth, kind, damage):
    home = tmp_path / "home"
    shutil.copytree(_seeded_home, home)
    target = FILES[kind](home)
    DAMAGES[damage](target)
    for name, (code, out, err, answer) in _answers(home).items():
        assert code == 3 or not must_name(kind, damage, name), (kind, damage, name, code, out[-500:])
        if code == 3:
            doc = json.loads(out)  # one JSON document: the error, naming what is damaged
            assert err == "" and ("damaged" in doc["error"] or "cannot be read" in doc["error"]
                                  or "missing" in doc["error"]), (name, doc)
            assert "rebuild" in doc["hint"] or "ingest" in doc["hint"] or "aside" in doc["hint"], (name, doc)
            continue
        assert code == 0, (kind, damage, name, code, out, err)
        assert answer(json.loads(out)) == truth[name], (kind, damage, name, "answered from damage")


def test_damage_to_the_section_table_falls_back_to_the_store(_seeded_home, tmp_path, truth):
    """A damaged section table is read from the store instead: the same answers, exit 0."""
    home = tmp_path / "home"
    shutil.copytree(_seeded_home, home)
    truncate(FILES["sections-*.npz"](home))
    for name, (code, out, err, answer) in _answers(home).items():
        assert code == 0 and answer(json.loads(out)) == truth[name], name


# -- what `check` sees beyond the published files' checksums ------------------------------------------------
def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = 0
    for k in range(9):
        c = data[i + k]
        if k == 8:
            return (value << 8) | c, i + 9
        value = (value << 7) | (c & 0x7F)
        if c < 0x80:
            return value, i + k + 1
    raise AssertionError


def _damage_store_index(db: Path, index: str) -> None:
    """Change the row id in the first entry of one of the store's own indexes: every page stays
    well-formed (SQLite's quick_check says ok), but the index no longer matches its table."""
    import sqlite3

    con = sqlite3.connect(db)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()[0]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(db.read_bytes())
    page = (root - 1) * page_size
    assert data[page] == 0x0A, "a leaf index page"
    cell = page + int.from_bytes(data[page + 8:page + 10], "big")
    size, payload = _varint(data, cell)
    data[payload + size - 1] ^= 0x01  # the last byte of the key: the row id it points to
    db.write_bytes(bytes(data))
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    con.close()


def _check(home: Path) -> tuple[int, str]:
    r = run_cli(home, "check")
    assert "Traceback" not in r.stdout + r.stderr
    return r.returncode, r.stdout + r.stderr


@pytest.fixture()
def home(_seeded_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(_seeded_home, home)
    return home


def test_check_sees_a_store_index_that_no_longer_matches_its_table(home):
    _damage_store_index(home / "store.sqlite", "reports_filters")
    code, out = _check(home)
    assert code == 3 and "the store is damaged (row" in out and "reports_filters" in out, out


def test_a_store_deleted_under_its_indexes_is_named_by_every_command(home):
    (home / "store.sqlite").unlink()
    for args in (["check"], ["search", "-e", TERM], ["search", TERM], ["kwic", TERM], ["trend", TERM], ["list"],
                 ["ingest", str(Path(__file__).parents[2] / "seeds")]):
        r = run_cli(home, *args)
        assert r.returncode == 3 and r.stdout == "", (args, r.stdout, r.stderr)
        assert r.stderr.startswith(f"baogao: the store {home / 'store.sqlite'} is missing, but its indexes are there"), r.stderr
        assert len(r.stderr.strip().splitlines()) == 2 and "hint:" in r.stderr  # the line and its hint
    assert not (home / "store.sqlite").exists()  # nothing made over the remains


def test_check_sees_the_meta_table_naming_a_missing_file(home):
    import sqlite3

    con = sqlite3.connect(home / "store.sqlite")
    with con:
        con.execute("UPDATE meta SET value = '1' WHERE key = 'section_table'")
    con.close()
    code, out = _check(home)
    assert code == 3 and "sections-1.npz, which is missing" in out, out


def test_check_sees_paragraphs_edited_behind_the_indexes(home):
    """The store's text changed, the indexes not: a sampled comparison (here every section: the home
    holds fewer than the 200 sections check compares at least) finds the section."""
    import sqlite3

    con = sqlite3.connect(home / "store.sqlite")
    with con:
        sid, n = con.execute("SELECT sid, n FROM paragraphs WHERE text LIKE ? LIMIT 1", (f"%{TERM}%",)).fetchone()
        con.execute("UPDATE paragraphs SET text = replace(text, ?, '发达') WHERE sid = ? AND n = ?", (TERM, sid, n))
    con.close()
    code, out = _check(home)
    assert code == 3 and f"1 of 56 sections compared at random (1 in 20) differ" in out and f"section {sid}" in out, out
    assert "the text of 56 compared with the indexes" in out


# -- damage aimed at what a query reads -------------------------------------------------------------------
def _slice_of(segment_folder: Path, pattern: bytes) -> tuple[int, int]:
    """(first index, count) of the suffix-array entries listing `pattern`'s occurrences."""
    from index.local.substring import Segment, _sa_search  # (index.suffixarray's, imported there)

    seg = Segment.open(segment_folder)
    lo, hi = seg.window(pattern)
    count, left = _sa_search(seg.text, seg.sa[lo:hi], pattern)
    assert count > 10
    return lo + left, count


def _aimed(home: Path, file: str, how: str) -> None:
    """Damage the part of `file` that a search for TERM reads: its suffix-array entries (or the
    sample of prefixes in front of them, or the text at one occurrence)."""
    import numpy as np

    folder = _segment(home)
    first, count = _slice_of(folder, TERM.encode())
    path = folder / file
    if file == "text.u8":
        from index.local.substring import Segment

        at = int(Segment.open(folder).sa[first + count // 2])  # one occurrence of TERM
    else:
        arr = np.load(path, mmap_mode="r")
        row = first + count // 2 if file == "sa.npy" else (first + count // 2) // 128
        at = arr.offset + row * arr.itemsize
    data = bytearray(path.read_bytes())
    if how == "flip 16 bytes":
        data[at:at + 16] = bytes(b ^ 0xFF for b in data[at:at + 16])
    else:
        start = max(at - 2048, 0)
        block = bytes(4096) if how == "zero a 4 KiB block" else np.random.default_rng(29).bytes(4096)
        data[start:start + 4096] = block[:len(data[start:start + 4096])]
    path.write_bytes(bytes(data))


AIMED = [(f, how) for f in ("sa.npy", "prefixes.npy", "text.u8")
         for how in ("zero a 4 KiB block", "flip 16 bytes", "a random 4 KiB block")]


@pytest.mark.slow  # one process a case (a signal must show): 9 s
@pytest.mark.parametrize("file,how", AIMED, ids=[" ".join(a) for a in AIMED])
def test_damage_where_a_query_reads_is_named(home, file, how):
    """The slice a query reads is checked before use: damaged there, every read command exits 3
    naming the file — in a process of its own, so a signal (the SIGSEGV of a suffix pointing outside
    the text) would show as one."""
    _aimed(home, file, how)
    for name, (args, _) in COMMANDS.items():
        r = subprocess.run([sys.executable, "-m", "cli", "--home", str(home), *args], capture_output=True, text=True,
                           env={**os.environ, "NO_COLOR": "1"}, timeout=120)
        assert r.returncode == 3, (name, r.returncode, r.stdout[-300:], r.stderr[-2000:])
        line = r.stderr.splitlines()[0]
        assert line.startswith("baogao: the index file segments/") and "damaged" in line, r.stderr
        assert "Traceback" not in r.stderr and "rebuild" in r.stderr


def test_a_segment_that_reads_back_wrong_is_never_published(seeded_home, tmp_path, monkeypatch):
    """Publish checks each new segment whole (the suffix array's range too) before recording it:
    one written wrong (here a suffix pointing past the text) fails the ingest, the store unchanged."""
    import numpy as np

    from index import HomeError, ingest
    from index.local import store
    from index.writing import publish

    built = publish.build_segment

    def build_wrong(folder, sections):
        size = built(folder, sections)
        sa = np.load(folder / "sa.npy", mmap_mode="r+")
        sa[len(sa) // 2] = len(sa) + 7  # past the end of the text
        sa.flush()
        return size

    monkeypatch.setattr(publish, "build_segment", build_wrong)
    report = tmp_path / "new.txt"
    report.write_text("2024年某县政府工作报告\n\n一、过去一年的工作\n\n全县坚持高质量发展，经济运行稳中向好。\n", encoding="utf-8")
    before = store.count_reports(seeded_home.con)
    with pytest.raises(HomeError, match="reads back wrong: sa.npy"):
        ingest(seeded_home, [report])
    seeded_home.refresh()
    assert store.count_reports(seeded_home.con) == before


def test_check_sees_flipped_store_pages(home):
    """16 bytes flipped in the store's middle page (a section's heading): the page still parses;
    check reads the text it compares with the indexes and names what it cannot read (and
    integrity_check the index entry the flip broke) — each one line."""
    flip_text_bytes(home / "store.sqlite")
    code, out = _check(home)
    assert code == 3 and ("the store's text cannot be read" in out or "differ between the store" in out), out
    assert "\ufffd" not in out and all(line.startswith("  ✘ ") for line in out.splitlines()[1:]), out  # no damaged bytes echoed


def test_a_section_table_whole_but_wrong_is_read_from_the_store(home, truth):
    """A section table file with a valid zip (its CRCs match) but ids out of order — another state's,
    or written wrong: readers see it is no section table and read the store instead."""
    import numpy as np

    path = FILES["sections-*.npz"](home)
    with np.load(path) as z:
        columns = {k: z[k] for k in z.files}
    columns["sid"] = columns["sid"][::-1].copy()
    with open(path, "wb") as f:
        np.savez(f, **columns)
    for name, (code, out, err, answer) in _answers(home).items():
        assert code == 0 and answer(json.loads(out)) == truth[name], name
