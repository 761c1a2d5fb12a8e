"""`check` names each damage it is shown (not only "not ok"), with what repairs it, and is ok on a
healthy home. In this process, on a private copy of the seeded home; the CLI round trip with
`rebuild` repairing each is tests/cli/test_robustness.py (slow)."""

import os

import pytest

from index import check
from index.local import store
from index.writing.publish import transaction


def _cut(path):
    os.truncate(path, path.stat().st_size // 2)


def _flip_last_byte_sign(path):
    with open(path, "r+b") as f:
        f.seek(-1, os.SEEK_END)
        last = f.read(1)[0]
        f.seek(-1, os.SEEK_END)
        f.write(bytes([last | 0x80]))


def _segment(home):
    return home.segments_path / store.segment_names(home.con)[0]


def _drop_a_section_row(home):
    with transaction(home.con) as con:  # behind the indexes' back: they still hold it
        con.execute("PRAGMA foreign_keys=OFF")
        sid = store.all_sids(con)[0]
        store.file_sections(con, [("", sid)])
        con.execute("DELETE FROM paragraphs WHERE sid = ?", (sid,))  # noqa: the test plays a broken writer
        con.execute("DELETE FROM sections WHERE sid = ?", (sid,))


DAMAGES = [
    ("text cut", lambda h: _cut(_segment(h) / "text.u8"), ["text.u8", "segment"]),
    ("suffix array sign bit", lambda h: _flip_last_byte_sign(_segment(h) / "sa.npy"), ["sa.npy"]),
    ("section table cut", lambda h: _cut(next(h.path.glob("sections-*.npz"))), ["sections-"]),
    ("Whoosh postings cut", lambda h: _cut(next(h.words_path.glob("*.pst"))), [".pst"]),
    ("segment folder gone", lambda h: __import__("shutil").rmtree(_segment(h)), ["missing"]),
    ("dictionary hash", lambda h: store.set_meta(h.con, "dictionary_hash", "junk"), ["dictionary does not match"]),
    ("format version", lambda h: store.set_meta(h.con, "format", "1"), ["format version"]),
]


def test_a_healthy_home_is_ok(seeded_home):
    result = check(seeded_home)
    assert result.ok and result.problems == () and result.reports == 5 and result.sections > 40


@pytest.mark.parametrize("what,damage,words", DAMAGES, ids=[d[0] for d in DAMAGES])
def test_check_names_the_damage(seeded_home, what, damage, words):
    damage(seeded_home)
    seeded_home.refresh()
    result = check(seeded_home)
    assert not result.ok and result.problems
    said = " | ".join(result.problems)
    assert all(w in said for w in words), said
    assert all("rebuild" in p for p in result.problems), said


def test_check_sees_a_section_the_store_lost(seeded_home):
    _drop_a_section_row(seeded_home)
    seeded_home.refresh()
    said = " | ".join(check(seeded_home).problems)
    assert "1 word-index entries have no section in the store" in said, said
