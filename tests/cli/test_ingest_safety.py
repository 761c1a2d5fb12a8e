"""Ingest never loses a report: a re-read that fails keeps the earlier version; a file that is text
but for a few bytes goes in with those bytes replaced (the summary says how many); file names that
are not UTF-8 or hold control characters are one line each (issue 29). Each case through the CLI:
exit code, the summary line, `list` / `search -e`, and `check`."""

import json
import os
import shutil

import pytest

from tests.conftest import SEED, SEEDS, run_cli

REPORT = SEED["001"]
# A phrase only the report 001 holds, and how often: read from the file itself, not from the archive.
PHRASE = "通化市委八届五次全会"
SOURCE = (SEEDS / f"{REPORT}.txt").read_text(encoding="utf-8")


def _ingested(tmp_path):
    """A home that ingested two seeds from a folder of its own; the folder and the home."""
    folder = tmp_path / "in"
    folder.mkdir()
    for k in ("001", "002"):
        shutil.copy(SEEDS / f"{SEED[k]}.txt", folder)
    home = tmp_path / "home"
    assert run_cli(home, "ingest", folder).returncode == 0
    return folder, home


def _occurrences(home, phrase):
    doc = json.loads(run_cli(home, "search", "-e", phrase, "--json").stdout)
    return {h["report"] for h in doc["hits"]}, doc["occurrences"]


DAMAGES = {
    "emptied": (lambda f: f.write_bytes(b""), "the file is empty"),
    "binary": (lambda f: f.write_bytes(bytes(range(256)) * 40), "not a text file"),
    "a 300,000-character line": (lambda f: f.write_text("长" * 300_000 + "\n", encoding="utf-8"), "a line of 300,000"),
    "a FIFO": (lambda f: (f.unlink(), os.mkfifo(f)), "is a pipe (FIFO)"),  # refused before parsing, by the plan
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_failed_re_read_keeps_the_earlier_version(tmp_path, damage):
    folder, home = _ingested(tmp_path)
    before_list = json.loads(run_cli(home, "list", "--json").stdout)
    assert PHRASE in SOURCE
    before = _occurrences(home, PHRASE)
    assert before == ({REPORT}, SOURCE.count(PHRASE))
    spoil, reason = DAMAGES[damage]
    spoil(folder / f"{REPORT}.txt")

    r = run_cli(home, "ingest", folder)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    failed = [ln for ln in r.stdout.splitlines() if ln.strip().startswith("✘")]
    assert len(failed) == 1
    assert f"{REPORT}.txt: kept the earlier version: {reason}" in failed[0]
    assert r.stdout.splitlines()[0] == "added 0 · updated 0 · unchanged 1 · removed 0 · failed 1"

    assert json.loads(run_cli(home, "list", "--json").stdout) == before_list  # unchanged, nothing half-removed
    assert _occurrences(home, PHRASE) == before
    check = run_cli(home, "check")
    assert check.returncode == 0, check.stdout + check.stderr

    doc = json.loads(run_cli(home, "ingest", folder, "--json").stdout)  # again: the same, said the same way
    assert doc["failed"] == [{"path": str(folder / f"{REPORT}.txt"), "kept": REPORT,
                              "error": failed[0].split(": ", 1)[1]}]
    assert doc["updated"] == [] and doc["added"] == []


def test_a_failed_re_read_among_many_in_worker_processes_keeps_the_earlier_version(tmp_path):
    """Enough changed files for two worker processes: the failure comes back from a worker."""
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(10):
        (folder / f"r{k}.txt").write_text(f"报告{k}\n\n第{k}份报告的正文，旧的版本。\n", encoding="utf-8")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", folder).returncode == 0
    for k in range(10):
        (folder / f"r{k}.txt").write_text(f"报告{k}\n\n第{k}份报告的正文，新的版本。\n", encoding="utf-8")
    (folder / "r3.txt").write_bytes(b"")
    doc = json.loads(run_cli(home, "ingest", folder, "--json").stdout)
    assert sorted(doc["updated"]) == sorted(f"r{k}" for k in range(10) if k != 3)
    assert doc["failed"] == [{"path": str(folder / "r3.txt"), "error": "kept the earlier version: the file is empty",
                              "kept": "r3"}]
    assert _occurrences(home, "旧的版本") == ({"r3"}, 1) and _occurrences(home, "新的版本")[1] == 9
    assert run_cli(home, "check").returncode == 0


def test_a_re_read_that_succeeds_still_replaces_and_a_new_bad_file_keeps_nothing(tmp_path):
    folder, home = _ingested(tmp_path)
    (folder / f"{REPORT}.txt").write_text("新标题\n\n全新的正文。\n", encoding="utf-8")
    (folder / "new.txt").write_bytes(b"")
    doc = json.loads(run_cli(home, "ingest", folder, "--json").stdout)
    assert doc["updated"] == [REPORT]
    assert doc["failed"] == [{"path": str(folder / "new.txt"), "error": "the file is empty", "kept": None}]
    assert _occurrences(home, PHRASE) == (set(), 0) and _occurrences(home, "全新的正文")[1] == 1
    assert run_cli(home, "check").returncode == 0


BODY = "政府工作报告\n\n各位代表：\n\n过去一年，我们坚持稳中求进工作总基调，经济社会发展取得新成就。\n\n今年要推进乡村振兴。\n"
GB_LINE = "这一行是国标编码写的，老系统导出。"
AT = BODY.encode().index("过去".encode())  # a stray byte between two characters

DECODINGS = {  # name → (bytes, the summary's note, a phrase it must be found by)
    "utf16le": (BODY.encode("utf-16-le"), None, "稳中求进工作总基调"),
    "utf16be": (BODY.encode("utf-16-be"), None, "稳中求进工作总基调"),
    "utf16le_one_line": (BODY.replace("\n", "").encode("utf-16-le"), None, "稳中求进工作总基调"),
    "stray": (BODY.encode()[:AT] + b"\xff" + BODY.encode()[AT:], "read with 1 undecodable byte replaced", "稳中求进工作总基调"),
    "cut": (BODY.rstrip("\n").encode()[:-1], "read with 2 undecodable bytes replaced", "推进乡村振兴"),
    "mixed": (BODY.encode() + GB_LINE.encode("gb18030") + b"\n", "read with 1 line as GB18030", "老系统导出"),
}


def test_text_that_is_utf16_without_bom_or_utf8_but_for_a_few_bytes_goes_in(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, (data, _, _) in DECODINGS.items():
        (folder / f"{name}.txt").write_bytes(data)
    home = tmp_path / "home"
    r = run_cli(home, "ingest", folder)
    assert r.returncode == 0, r.stdout + r.stderr
    notes = sorted(ln.strip() for ln in r.stdout.splitlines() if ln.strip().startswith("!"))
    assert notes == sorted(f"! {folder / name}.txt: {note}" for name, (_, note, _) in DECODINGS.items() if note)
    doc = json.loads(run_cli(home, "ingest", folder / "stray.txt", "--json").stdout)  # unchanged: no note
    assert doc["unchanged"] == ["stray"] and doc["notes"] == []
    assert r.stdout.splitlines()[0] == f"added {len(DECODINGS)} · updated 0 · unchanged 0 · removed 0 · failed 0"
    assert sorted(d["id"] for d in json.loads(run_cli(home, "list", "--json").stdout)) == sorted(DECODINGS)
    for name, (data, note, phrase) in DECODINGS.items():
        found, count = _occurrences(home, phrase)
        assert name in found, (name, found)
    assert _occurrences(home, "稳中求进工作总基调")[0] == {"utf16le", "utf16be", "utf16le_one_line", "stray", "cut", "mixed"}
    shown = json.loads(run_cli(home, "show", "stray", "--json").stdout)
    assert "\ufffd" in json.dumps(shown, ensure_ascii=False)  # the byte is replaced, never dropped in silence
    assert run_cli(home, "check").returncode == 0


def test_json_names_each_file_read_with_replacements(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "stray.txt").write_bytes(DECODINGS["stray"][0])
    doc = json.loads(run_cli(tmp_path / "home", "ingest", folder, "--json").stdout)
    assert doc["added"] == ["stray"]
    assert doc["notes"] == [{"path": str(folder / "stray.txt"), "report": "stray", "note": "read with 1 undecodable byte replaced"}]


@pytest.mark.parametrize("name,data", [
    ("many_stray", BODY.encode() + b"\xff" * 17 + b"\n" + BODY.encode() * 10),  # over 16 bytes
    ("small_share", "政府\n报告\n正文\n".encode() + b"\xff" * 4 + b"\n"),  # 4 bytes, but over 1 byte in 20
    ("junk", bytes([0x80, 0xFF, 0xFD, 0x81, 0xFE]) * 50),
    ("nul", b"abc\x00\x00\x00def"),
])
def test_past_the_threshold_a_file_is_refused_as_not_text(tmp_path, name, data):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"{name}.txt").write_bytes(data)
    (folder / "good.txt").write_bytes(BODY.encode())
    r = run_cli(tmp_path / "home", "ingest", folder, "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 1 and doc["added"] == ["good"]
    assert [f["path"] for f in doc["failed"]] == [str(folder / f"{name}.txt")]
    assert any(w in doc["failed"][0]["error"] for w in ("cannot decode", "not a text file")), doc["failed"]


def test_file_names_that_are_not_utf8_or_hold_a_line_break_are_one_line_each(tmp_path):
    """A GBK-encoded name (in a file, and in a folder) and names with a line break: each refused on
    one line that shows the name escaped; the rest of the batch goes in. (Other control characters
    go in, shown escaped: test_robustness.test_report_ids_never_reach_the_terminal_raw.)"""
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(folder)
    body = BODY.encode()
    gbk_name = "通化报告".encode("gbk") + b".txt"
    (folder / "good.txt").write_bytes(body)
    for name in (gbk_name, b"line\nbreak.txt", "para\u2029sep.txt".encode()):
        with open(raw + b"/" + name, "wb") as f:
            f.write(body)
    os.mkdir(raw + b"/" + "目录二".encode("gbk"))
    with open(raw + b"/" + "目录二".encode("gbk") + b"/inside.txt", "wb") as f:
        f.write(body)
    home = tmp_path / "home"

    r = run_cli(home, "ingest", folder)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "added 1 · updated 0 · unchanged 0 · removed 0 · failed 4"
    assert len(lines) == 5  # the summary and one line a file: no name split over two
    shown = "".join(f"\\x{b:02x}" for b in "通化报告".encode("gbk"))
    expected = {
        f"{folder}/{shown}.txt: the file name is not UTF-8 (as GBK: 通化报告.txt); rename it",
        f"{folder}/line\\nbreak.txt: the file name holds a line break (\\n); rename it",
        f"{folder}/para\\u2029sep.txt: the file name holds a line break (\\u2029); rename it",
        "/inside.txt: the name of its folder is not UTF-8 (as GBK: 目录二); rename it",
    }
    for want in expected:
        assert sum(want in ln for ln in lines[1:]) == 1, (want, lines)

    doc = json.loads(run_cli(home, "ingest", folder, "--json").stdout)
    assert doc["unchanged"] == ["good"] and len(doc["failed"]) == 4
    assert all(f["path"].isprintable() for f in doc["failed"])
    assert {f"{folder}/{shown}.txt", f"{folder}/line\\nbreak.txt"} <= {f["path"] for f in doc["failed"]}
    assert [d["id"] for d in json.loads(run_cli(home, "list", "--json").stdout)] == ["good"]
    assert _occurrences(home, "推进乡村振兴") == ({"good"}, 1)
    assert run_cli(home, "check").returncode == 0
