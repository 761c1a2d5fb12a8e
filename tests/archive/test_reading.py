"""Reading files: encodings are detected; what is not text is refused with the file named."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import ArchiveError, find_files, parse_file
from archive.cleaning import clean
from tests.conftest import CORPUS, SEED, SEEDS, needs_corpus

SAMPLE = (SEEDS / f"{SEED['004']}.txt").read_text(encoding="utf-8")


def shape(report):
    return [(s.heading, s.level, [(p.text, p.kind) for p in s.paragraphs]) for s in report.sections]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_same_report_in_every_encoding_parses_identically(tmp_path, encoding):
    reference = parse_file(SEEDS / f"{SEED['004']}.txt")
    f = tmp_path / f"{SEED['004']}.txt"
    f.write_bytes(SAMPLE.encode(encoding))
    assert shape(parse_file(f)) == shape(reference)
    assert parse_file(f).title == reference.title


@pytest.mark.parametrize("name,data,reason", [
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b" \n\t\n\xe3\x80\x80\n", "whitespace"),
    ("nul.txt", b"\x00" * 512, "NUL"),
    ("latin.txt", b"\xff\xfe\x00" + b"\xc0\x80" * 10, "invalid"),
    ("junk.txt", bytes([0x81, 0x30, 0xff, 0xff, 0x80]) * 20, "decode"),
])
def test_non_text_is_refused_naming_the_file(tmp_path, name, data, reason):
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(ArchiveError, match=reason) as err:
        parse_file(f)
    assert str(f) in str(err.value)


def test_folder_reading_is_recursive_sorted_and_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for p in ("b/2.txt", "a.md", "c.TXT", ".dot.txt", ".hidden/x.txt", "notes.doc"):
        (tmp_path / p).write_text("标题\n\n正文。", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in find_files(tmp_path)] == ["a.md", "b/2.txt", "c.TXT"]


def test_symlink_loop_is_walked_once(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "r.txt").write_text("标题\n\n正文。", encoding="utf-8")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    assert [p.name for p in find_files(tmp_path)] == ["r.txt"]


def test_missing_path_and_directory_as_file(tmp_path):
    with pytest.raises(ArchiveError, match="no such file"):
        find_files(tmp_path / "nope")
    with pytest.raises(ArchiveError, match="directory"):
        parse_file(tmp_path)


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80)
PUNCT = st.sampled_from(list("，。、；：！？“”"))
LATIN = st.sampled_from(list("abcXYZ0123456789%."))
WORDS = st.text(st.one_of(CJK, CJK, CJK, PUNCT, LATIN, st.just(" ")), min_size=0, max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=12), st.lists(st.integers(1, 3), min_size=12, max_size=12))
def test_cleaning_keeps_every_non_space_character_in_order(paras, gaps):
    text = "".join(p + "\n" * g for p, g in zip(paras, gaps))
    cleaned = clean(text)
    kept = "".join(b.text for b in cleaned.blocks)
    squash = lambda s: re.sub(r"\s+", "", s)
    if cleaned.duplicates_dropped == 0:
        assert squash(kept) == squash(text)
    else:  # dropping a repeated paragraph removes only characters that came before
        original = squash(text)
        it = iter(original)
        assert all(c in it for c in squash(kept))  # a subsequence, in order


@needs_corpus()
def test_every_corpus_file_parses_and_lawtext_sections_are_found():
    files = [f for f in find_files(CORPUS) if f.suffix == ".txt"]
    assert len(files) > 3000
    numbered = re.compile(r"^[一二三四五六七八九十]+、[^。]{1,38}$")
    with_sections = ok = 0
    for f in files:
        report = parse_file(f)  # raises on any error
        assert report.sections, f
        if f.parent.name == "lawtext-gov":
            expected = [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines() if numbered.match(ln.strip())]
            if expected:
                with_sections += 1
                top = {s.heading for s in report.sections if s.level == 1}
                ok += all(e in top for e in expected)
    assert ok / with_sections >= 0.95, (ok, with_sections)


def _decoded_as_before(data: bytes) -> str:
    """What reading did before a file could be UTF-8 but for a few bytes (issue 29): a BOM, strict
    UTF-8, or the legacy encodings whole."""
    from archive.reading import _legacy

    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _legacy(data, "<corpus>")


@needs_corpus()
@pytest.mark.slow
def test_no_corpus_file_changes_how_it_decodes():
    """Every file of the corpus reads exactly as before the lenient rules: no byte replaced, no line
    read as GB18030, no file taken for UTF-16 — the thresholds touch none of the 3,281."""
    from archive.reading import read_text

    files = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".txt", ".md") and p.is_file())
    assert len(files) >= 3281
    changed = []
    for f in files:
        data = f.read_bytes()
        decoded = read_text(data, f)
        if decoded.replaced or decoded.legacy_lines or decoded.text != _decoded_as_before(data):
            changed.append((f.name, decoded.note))
    assert changed == []


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_told_by_its_line_breaks_not_by_the_nuls_of_its_characters(encoding):
    """一 is U+4E00: in a text dense with it, most NUL bytes are the characters' (on the side opposite
    the line breaks'); the line breaks decide the byte order."""
    from archive.reading import read_text

    text = "一一一一一一\n一二三四五六七八九十一一一\n" * 20
    assert read_text(text.encode(encoding)).text == text


def test_binary_with_nuls_on_one_side_is_still_not_text():
    from archive.reading import read_text

    for data in (bytes(range(256)) * 40, b"\x00\x01" * 300, bytes([0, 0xD8]) * 300):
        with pytest.raises(ArchiveError, match="not a text file"):
            read_text(data)


@pytest.mark.parametrize("data", [
    "吉林省报告\n\n发展\udcff人参产业。\n",       # a stray byte in one of two lines
    "吉林省报告\n\n发展人参产业。\udce4\udcba\n",  # the last character cut in half
], ids=["stray byte", "cut last character"])
def test_a_short_utf8_file_but_for_a_byte_is_read_with_it_replaced(data):
    """As many lines fail UTF-8 as pass it, and the whole is no GB18030 either: still UTF-8 with the
    bytes replaced, not refused (a two-line file was refused as 'neither UTF-8, GB18030 nor Big5')."""
    from archive.reading import read_text

    raw = data.encode("utf-8", "surrogateescape")
    decoded = read_text(raw)
    assert decoded.text == raw.decode("utf-8", "replace")
    assert decoded.replaced == raw.decode("utf-8", "surrogateescape").count("\udcff") + data.count("\udce4") + data.count("\udcba")
