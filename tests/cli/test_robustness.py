"""Never lose the archive: kills mid-ingest, Ctrl-C, concurrent commands, bad input."""

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import Home, check, search
from index.local import store
from tests import faults
from tests.conftest import ROOT, SEEDS, run_cli

ENV = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")


def baogao(home, *args, input=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "cli", "--home", str(home), *args], capture_output=True, text=True,
                          env=ENV, input=input, timeout=timeout)


_started: dict[str, list] = {}


def start(home, *args):
    proc = subprocess.Popen([sys.executable, "-m", "cli", "--home", str(home), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True)  # its own group: workers_of
    _started.setdefault(str(home), []).append(proc)
    return proc


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory):
    """200 reports (the seeds under new names, each with a marker of its own)."""
    folder = tmp_path_factory.mktemp("big")
    texts = [f.read_text(encoding="utf-8") for f in sorted(SEEDS.glob("*.txt"))]
    for i in range(200):
        (folder / f"copy_{i:03d}.txt").write_text(texts[i % 5] + f"\n\n本篇标记码第{i:03d}号。\n", encoding="utf-8")
    return folder


def workers_of(home_path) -> list[int]:
    """Processes still running with this home on their command line, or in the process group of an
    ingest `start`ed on it (its pid is the group's): the ingest's fork server and workers, whose
    command lines do not name the home."""
    groups = {p.pid for p in _started.get(str(home_path), [])}
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and int(d.name) != os.getpid():
            try:
                cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                state, _, pgid = (d / "stat").read_text().rsplit(")", 1)[1].split()[:3]
            except OSError:
                continue
            if state != "Z" and ((str(home_path) in cmd and "ingest" in cmd) or int(pgid) in groups):
                found.append(int(d.name))
    return found


def consistent(home_path):
    """Every published report is whole: all its sections are searchable by their marker, and
    search finds no report the catalogue does not hold."""
    home = Home(home_path)
    ids = {r[0] for r in home.con.execute("SELECT id FROM reports WHERE id LIKE 'copy_%'")}
    res = search(home, '"本篇标记码"', limit=None)
    found = {h.report for h in res.hits}
    home.close()
    return ids, found


@pytest.mark.slow
def test_sigkill_at_random_moments_never_breaks_the_archive(tmp_path, big_folder):
    home = tmp_path / "home"
    assert baogao(home, "list").returncode == 0  # seeds in
    rng = random.Random(3)
    for delay in [rng.uniform(0.3, 4.0) for _ in range(4)]:
        proc = start(home, "ingest", str(big_folder))
        time.sleep(delay)
        proc.kill()
        proc.wait()
        gone_by = time.monotonic() + 3  # a worker sees the ingest end at once; dying takes a moment on a busy machine
        while workers_of(home) and time.monotonic() < gone_by:
            time.sleep(0.1)
        assert workers_of(home) == [], "a worker outlived the killed ingest"
        ids, found = consistent(home)
        assert ids == found  # wholly old or wholly new, catalogue and index agree
        r = baogao(home, "search", "九解一协调", "--json")
        assert r.returncode == 0 and json.loads(r.stdout)["total"] > 0
    r = baogao(home, "ingest", str(big_folder), "--json")  # a re-run completes the ingest
    assert r.returncode == 0, r.stderr
    ids, found = consistent(home)
    assert len(ids) == 200 and ids == found
    h = Home(home)
    assert check(h).ok, check(h).problems


@pytest.mark.slow
def test_ctrl_c_leaves_a_clean_message_and_nothing_half_written(tmp_path, big_folder):
    home = tmp_path / "home"
    baogao(home, "list")
    proc = start(home, "ingest", str(big_folder))
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the ingest finished before Ctrl-C arrived")
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    ids, found = consistent(home)
    assert ids == found
    time.sleep(0.3)
    assert workers_of(home) == []
    assert baogao(home, "ingest", str(big_folder)).returncode == 0
    assert check(Home(home)).ok


@pytest.mark.slow
def test_searches_answer_during_an_ingest_and_a_second_writer_is_refused(tmp_path, big_folder):
    home = tmp_path / "home"
    baogao(home, "list")
    proc = start(home, "ingest", str(big_folder))
    time.sleep(0.8)
    answered = 0
    deadline = time.time() + 60
    busy = None
    while proc.poll() is None and time.time() < deadline:
        r = baogao(home, "search", "九解一协调", "--json")
        assert r.returncode == 0, r.stderr  # readers see the last published state
        answered += 1
        if busy is None:
            busy = baogao(home, "ingest", str(SEEDS))
            overlapped = proc.poll() is None  # the ingest ran all the while the second writer tried
    proc.wait()
    assert answered >= 1 and busy is not None and overlapped, "the ingest ended before a second writer could try"
    assert busy.returncode == 3 and "archive is busy (ingest by pid" in busy.stderr, (busy.returncode, busy.stderr)
    # --wait queues behind the running writer instead
    proc = start(home, "ingest", str(big_folder))
    time.sleep(0.5)
    waited = baogao(home, "ingest", str(SEEDS), "--wait")
    proc.wait()
    assert waited.returncode == 0


@pytest.mark.slow
def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    home = tmp_path / "home"
    baogao(home, "list")
    (home / "LOCK").write_text("ingest by pid 999999")  # no such process holds the lock
    r = baogao(home, "ingest", str(SEEDS))
    assert r.returncode == 0


BAD = [
    ("image.png.txt", b"\x89PNG\r\n\x1a\n" + os.urandom(64), "not a text file"),
    ("nul.txt", b"abc\x00\x00\x00def", "NUL"),
    ("empty.txt", b"", "empty"),
    ("spaces.txt", b"  \n\n\t \n", "whitespace"),
    ("garbage.txt", bytes([0x80, 0xFF, 0xFD, 0x81, 0xFE]) * 50 + b"\xff", "decode"),
]


def test_bad_files_get_one_line_each_and_the_rest_is_ingested(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data, _ in BAD:
        (folder / name).write_bytes(data)
    (folder / "long.txt").write_text("一" * 2_000_000, encoding="utf-8")  # one 6 MB line
    (folder / "unclosed.md").write_text("# 标题\n\n**未闭合的粗体和 [链接 与 `代码\n", encoding="utf-8")
    (folder / "controls.txt").write_text("控制字符\n\n正文\x07含\x1b[2J响铃和清屏\x0c字符。\n", encoding="utf-8")
    (folder / "a_folder.txt").mkdir()  # a directory with a report's name is walked, not read
    (folder / "good.txt").write_text("好报告\n\n正文里有“一主六双”。\n", encoding="utf-8")
    (folder / "loop").symlink_to(folder)
    home = tmp_path / "home"
    r = run_cli(home, "ingest", str(folder), "--json")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert sorted(doc["added"]) == ["controls", "good", "unclosed"]
    errors = {Path(f["path"]).name: f["error"] for f in doc["failed"]}
    for name, _, reason in BAD:
        assert reason in errors[name], (name, errors)
    assert "line" in errors["long.txt"]
    text = run_cli(home, "ingest", str(folder))
    lines = [ln for ln in text.stdout.splitlines() if ln.strip().startswith("✘")]
    assert len(lines) == len(BAD) + 1 and all(str(folder) in ln for ln in lines)
    shown = run_cli(home, "show", "controls", "--no-pager")
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout and "␛[2J" in shown.stdout


def _deep_file(folder: Path) -> str:
    """A report below a path longer than PATH_MAX (made a level at a time, relative to a descriptor)."""
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(24):
        os.mkdir("d" * 200, dir_fd=fd)
        deeper = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = deeper
    f = os.open("deep.txt", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd)
    os.write(f, "深处的报告\n\n正文。\n".encode())
    os.close(f)
    os.close(fd)
    return "d" * 200


def test_inputs_that_are_not_report_files_get_one_line_each(tmp_path):
    """A FIFO named like a report, a link to /dev/zero, a path past PATH_MAX, a Big5 file: no hang,
    bounded memory, one line each, and the rest of the batch goes in."""
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    deep = _deep_file(folder)
    traditional = "政府工作報告\n\n各位代表：\n\n過去一年，我們堅持穩中求進工作總基調，經濟社會發展取得新成就，人民生活水平不斷提高。\n"
    (folder / "big5.txt").write_bytes(traditional.encode("cp950"))
    (folder / "good.txt").write_text("好报告\n\n正文里有“一主六双”。\n", encoding="utf-8")
    r = run_cli(tmp_path / "home", "ingest", str(folder), "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert sorted(doc["added"]) == ["big5", "good"]
    errors = {Path(f["path"]).name: f["error"] for f in doc["failed"]}
    assert "pipe (FIFO)" in errors["pipe.txt"] and "device" in errors["zero.txt"]
    assert any(name.startswith(deep[:50]) or "deep" in name or "d" * 50 in name for name in errors), errors
    assert any("too long" in e for e in errors.values()), errors
    assert len(doc["failed"]) == 3
    shown = json.loads(run_cli(tmp_path / "home", "show", "big5", "--json").stdout)
    assert shown["title"] == "政府工作報告" and "穩中求進" in shown["sections"][0]["paragraphs"][-1]["text"]


def test_file_vanishing_between_listing_and_reading(tmp_path, monkeypatch):
    from archive import reading
    from index import Home, ingest

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "stays.txt").write_text("留下\n\n正文。\n", encoding="utf-8")
    ghost = folder / "ghost.txt"
    real = reading.find_files
    monkeypatch.setattr(sys.modules["index.writing.plan"], "find_files", lambda p, *more: real(p, *more) + [ghost])
    result = ingest(Home(tmp_path / "home"), [folder])
    assert "stays" in result.added
    assert [f["error"] for f in result.failed if f["path"].endswith("ghost.txt")] == [
        "the file disappeared before it could be read"]


@pytest.fixture(scope="module")
def sample_home(tmp_path_factory):
    """A home a first read filled with the sample pages (for tests that only read it)."""
    home = tmp_path_factory.mktemp("samples") / "home"
    assert run_cli(home, "list").returncode == 0
    return home


# The bad-input table (issue 14): every case is one line naming the query, file or option, and its
# exit code (docs/contract.md: 2 a bad query or option), with --json an {"error", "hint"} document.
BAD_INPUT = [
    (["search", ""], 2, "empty"),
    (["search", "，。！？"], 2, "only punctuation"),
    (["search", '"没有闭合'], 2, "unbalanced"),
    (["search", "OR"], 2, "OR"),
    (["search", "NOT"], 2, "NOT"),
    (["search", "长" * 10000], 2, "too long"),
    (["search", "人参", "--limit", "0"], 2, "--limit"),
    (["search", "人参", "--limit", "-1"], 2, "--limit"),
    (["show", "no-such-report"], 2, "no report"),
    (["sections", "zzz"], 2, "no report"),
    (["search", "人参", "--sort", "random"], 2, "random"),
    (["search", "(" * 330 + "人参" + ")" * 330], 2, "nests more than"),
    (["search", "NOT " * 60 + "人参"], 2, "nests more than"),
    (["search", "人参", "year:99999999999999999999"], 2, "not a year"),
    (["search", "人参", "--year", ">=99999999999999999999"], 2, "not a year"),
    (["search", "人参", "level:planet"], 2, "not a level"),
    (["trend", "人参", "--from", "99999999999999999999"], 2, "not a year"),
    (["trend", "--file", "/bin/ls"], 2, "not UTF-8"),
    (["trend"], 2, "give one or more TERMs"),
    (["show", "000", "99"], 2, "has no section 99"),
    (["verify", "，，，"], 2, "nothing to check"),
    (["verify", "长" * 5001], 2, "too long"),
    (["remove"], 2, "name one REPORT"),
    (["search", "人参", "--no-such-option"], 2, "no-such-option"),
]


@pytest.mark.parametrize("args,code,text", BAD_INPUT, ids=[t for _, _, t in BAD_INPUT])
def test_bad_input_is_one_line_with_its_exit_code(sample_home, args, code, text):
    r = run_cli(sample_home, *args)
    assert r.returncode == code, (r.stdout, r.stderr)
    assert text in r.stderr and "Traceback" not in r.stderr, r.stderr
    said = [ln for ln in r.stderr.splitlines() if ln.startswith(("baogao:", "Error"))]
    assert len(said) == 1, r.stderr
    j = run_cli(sample_home, *args, "--json")
    assert j.returncode == code
    doc = json.loads(j.stdout)
    assert set(doc) - {"candidates"} == {"error", "hint"} and doc["error"], doc


def test_home_that_is_a_file_and_home_from_a_newer_version(tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    r = run_cli(f, "list")
    assert r.returncode == 2 and "is a file" in r.stderr and "Traceback" not in r.stderr
    home = tmp_path / "home"
    run_cli(home, "list")
    import sqlite3

    con = sqlite3.connect(home / "store.sqlite")
    con.execute("UPDATE meta SET value = '99' WHERE key = 'format'")
    con.commit()
    con.close()
    r = run_cli(home, "search", "人参")
    assert r.returncode == 3 and "newer baogao" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_damage_is_one_line_check_says_so_and_rebuild_repairs(tmp_path):
    home = tmp_path / "home"
    baogao(home, "list")
    import sqlite3

    seg = next((home / "segments").iterdir())
    sa = seg / "sa.npy"
    os.truncate(sa, sa.stat().st_size // 2)
    r = baogao(home, "search", "-e", "人参")
    assert r.returncode == 3 and "damaged" in r.stderr and "Traceback" not in r.stderr
    r = baogao(home, "check", "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 3 and not doc["ok"] and any(seg.name in p and "damaged" in p for p in doc["problems"])
    con = sqlite3.connect(home / "store.sqlite")
    con.execute("UPDATE meta SET value = 'junk' WHERE key = 'whoosh_generation'")
    con.commit()
    con.close()
    r = baogao(home, "ingest", str(SEEDS))
    assert r.returncode == 3 and "junk" in r.stderr and "Traceback" not in r.stderr
    con = sqlite3.connect(home / "store.sqlite")
    con.execute("UPDATE meta SET value = '-1' WHERE key = 'whoosh_generation'")
    con.commit()
    con.close()
    assert baogao(home, "rebuild").returncode == 0
    assert baogao(home, "check").returncode == 0
    assert baogao(home, "search", "-e", "人参").returncode == 0


@contextlib.contextmanager
def lock_held(home):
    """Another process holding the writers' lock of `home` (as an ingest would) while the block runs."""
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; sys.path.insert(0, sys.argv[1]); from index import Home\n"
        "from index.writing.maintenance import writer\n"
        "with writer(Home(sys.argv[2]), what='ingest'):\n    print('held', flush=True); time.sleep(30)"),
        str(ROOT), str(home)], stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder.pid
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
def test_a_refused_writer_leaves_the_holders_name(tmp_path):
    home = tmp_path / "home"
    baogao(home, "list")
    with lock_held(home) as pid:
        for _ in range(2):
            r = baogao(home, "remove", "000")
            assert r.returncode == 3 and f"ingest by pid {pid}" in r.stderr, r.stderr
            assert "--wait" in r.stderr


def test_report_ids_never_reach_the_terminal_raw(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("esc\x1b[31mred.txt", "rtl\u202eevil.txt"):
        (folder / name).write_text("标题\n\n正文里有“一主六双”。\n", encoding="utf-8")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(folder)).returncode == 0
    for args in (["list"], ["search", "一主六双"], ["show", "esc"], ["show", "rtl"], ["sections", "esc"],
                 ["verify", "正文里有“一主六双”。"], ["trend", "一主六双"]):
        out = run_cli(home, *args).stdout
        assert "\x1b" not in out and "\u202e" not in out, (args, out)


@pytest.mark.parametrize("args", [
    ["search", "人参"], ["search", "-e", "人参", "--sort", "oldest"], ["show", "001", "1"], ["show", "004"], ["list"],
    ["sections", "001"], ["verify", "打响人参产业高质量发展突围战"], ["verify", "打响人参产业高质量发展攻坚战"],
    ["kwic", "人参"], ["trend", "人参"], ["trend", "人参", "--by", "region"], ["trend", "人参", "--first"],
    ["targets"], ["targets", "gdp", "--by", "year"], ["targets", "gdp", "--by", "region"], ["new", "002", "--limit", "3"],
], ids=" ".join)
def test_sidecar_fields_never_reach_the_terminal_raw(poisoned_home, args):
    """ESC, a C1 CSI, NEL, bidi controls and rich markup in every field a sidecar gives (title, region,
    date, url): each command shows them made visible, and markup as the text it is."""
    from tests.conftest import raw_controls

    r = run_cli(poisoned_home.path, *args)
    assert r.returncode in (0, 1), r.stdout + r.stderr  # (1: a close verdict)
    assert raw_controls(r.stdout + r.stderr) == [], r.stdout
    if args[0] in ("search", "show", "list", "verify", "trend", "targets", "new") and "--first" not in args:
        assert "[red]" in r.stdout, r.stdout  # a field shown whole: its markup as text


def _cut(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _flip_sign_bit(path: Path) -> None:
    """The last suffix-array entry made negative: a binary search would read outside the text."""
    with open(path, "r+b") as f:
        f.seek(-1, os.SEEK_END)
        last = f.read(1)[0]
        f.seek(-1, os.SEEK_END)
        f.write(bytes([last | 0x80]))


def _garble(path: Path) -> None:
    with open(path, "r+b") as f:
        f.seek(path.stat().st_size // 2 // 4096 * 4096)
        f.write(b"\xa5" * 8192)


DAMAGE = [
    ("text.u8 cut in half", lambda h: next((h / "segments").iterdir()) / "text.u8", _cut),
    ("a sign bit flipped in sa.npy", lambda h: next((h / "segments").iterdir()) / "sa.npy", _flip_sign_bit),
    ("the section table cut", lambda h: next(h.glob("sections-*.npz")), _cut),
    ("a Whoosh postings file cut", lambda h: next((h / "words").glob("*.pst")), _cut),
    ("a Whoosh terms file garbled", lambda h: next((h / "words").glob("*.trm")), _garble),
]


@pytest.mark.slow
@pytest.mark.parametrize("what,target,damage", DAMAGE, ids=[d[0] for d in DAMAGE])
def test_check_sees_each_damage_and_rebuild_repairs_it(tmp_path, what, target, damage):
    from tests.oracle import Oracle

    home = tmp_path / "home"
    baogao(home, "list")
    damage(target(home))
    r = baogao(home, "check", "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 3 and not doc["ok"] and doc["problems"], (what, doc)
    assert all("rebuild" in p for p in doc["problems"]), doc["problems"]
    r = baogao(home, "rebuild")
    assert r.returncode == 0, r.stderr
    r = baogao(home, "check", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["ok"], r.stdout
    h = Home(home)
    oracle = Oracle(h)
    for term in ("人参", "写在前面", "九解一协调"):
        assert {(x.report, x.section_id): x.count for x in search(h, term, exact=True, limit=None).hits} == oracle.counts(term)
    h.close()


@pytest.mark.slow
def test_a_damaged_store_is_named_with_what_is_lost(tmp_path):
    home = tmp_path / "home"
    baogao(home, "list")
    _garble(home / "store.sqlite")
    r = baogao(home, "check")
    assert r.returncode == 3 and "Traceback" not in r.stderr + r.stdout
    assert "damaged" in r.stdout + r.stderr and ("lost" in r.stdout + r.stderr or "ingest the reports again" in r.stdout + r.stderr)


@pytest.mark.slow
def test_no_home_state_the_next_command_cannot_use(tmp_path):
    """Every report removed, then rebuild, search, ingest; the store deleted under a built index."""
    home = tmp_path / "home"
    baogao(home, "list")
    assert baogao(home, "remove", "--samples").returncode == 0
    for args, code in ((["rebuild"], 0), (["search", "人参"], 1), (["check"], 0), (["ingest", str(SEEDS)], 0),
                       (["search", "人参"], 0), (["check"], 0)):
        r = baogao(home, *args)
        assert r.returncode == code and "Traceback" not in r.stderr, (args, r.stderr)
    for f in home.glob("store.sqlite*"):
        f.unlink()
    # The remains of an archive (issue 29): every command names them — none makes a new store over them.
    for args in (["search", "人参"], ["check"], ["ingest", str(SEEDS)], ["search", "人参"]):
        r = baogao(home, *args)
        assert r.returncode == 3 and "is missing, but its indexes are there" in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)


@pytest.mark.slow
def test_deleting_lock_lets_no_second_writer_in(tmp_path):
    home = tmp_path / "home"
    baogao(home, "list")
    with lock_held(home):
        (home / "LOCK").unlink()
        r = baogao(home, "remove", "000")
        assert r.returncode == 3 and "busy" in r.stderr, r.stderr
    assert baogao(home, "remove", "000").returncode == 0


def _answers(home_path, queries):
    h = Home(home_path)
    out = {q: [(x.report, x.section_id, x.count, x.verbatim) for x in search(h, q, limit=None).hits] for q in queries}
    h.close()
    return out


WORD_QUERIES = ["工业经济", "人参产业", "发展高质量", "民生实事", "九解一协调", "稳中求进"]


@pytest.mark.slow
def test_killed_between_the_word_index_and_the_store_readers_keep_the_published_answers(tmp_path):
    """An ingest killed after Whoosh's commit, before the store's: readers search the generation the
    store published (the new one's deletions would drop a replaced report's words)."""
    folder = tmp_path / "src"
    import shutil

    shutil.copytree(SEEDS, folder)
    home = tmp_path / "home"
    assert baogao(home, "ingest", str(folder)).returncode == 0
    before = _answers(home, WORD_QUERIES)
    for f in sorted(folder.glob("*.txt"))[:3]:
        f.write_text(f.read_text(encoding="utf-8") + "\n\n新增一段。\n", encoding="utf-8")
    r = subprocess.run(faults.command("whoosh", "--home", str(home), "ingest", str(folder)), env=ENV,
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == -signal.SIGKILL
    assert _answers(home, WORD_QUERIES) == before
    assert baogao(home, "ingest", str(folder)).returncode == 0  # the next writer publishes it
    assert baogao(home, "check").returncode == 0


@pytest.mark.slow
def test_compact_killed_before_it_publishes_the_dictionary_changes_nothing(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    home = tmp_path / "home"
    (folder / "a.txt").write_text("甲\n\n推进“强链延链”工作。\n", encoding="utf-8")
    assert baogao(home, "ingest", str(folder)).returncode == 0
    for name in ("b", "c"):  # the term now stands quoted in three reports: compact takes it up
        (folder / f"{name}.txt").write_text(f"{name}\n\n各地推进“强链延链”，强链延链见效。\n", encoding="utf-8")
    assert baogao(home, "ingest", str(folder)).returncode == 0
    before = _answers(home, ["强链延链", "强链", "延链"])
    r = subprocess.run(faults.command("reindex", "--home", str(home), "compact"), env=ENV, capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == -signal.SIGKILL
    assert _answers(home, ["强链延链", "强链", "延链"]) == before
    assert baogao(home, "check").returncode == 0
    assert baogao(home, "compact").returncode == 0
    h = Home(home)
    assert "强链延链" in store.dictionary(h.con)
    h.close()
    assert baogao(home, "check").returncode == 0


READER = """
import json, sys, time, traceback
sys.path.insert(0, sys.argv[1])
from index import Home, LocalBackend, search
answers, failures = 0, []
deadline = time.time() + 120
kept = LocalBackend(Home(sys.argv[2]))  # a long-lived reader (the terminal UI): it follows each publish
while time.time() < deadline:
    for fresh in (True, False):
        try:
            if fresh:
                h = Home(sys.argv[2])
                total = search(h, QUERY, limit=3).total
                h.close()
            else:
                total = kept.search(QUERY, limit=3).total
            answers += 1
            if total != int(sys.argv[3]):
                failures.append(f"total {total} ({'fresh' if fresh else 'long-lived'})")
        except Exception:
            failures.append(traceback.format_exc(limit=2))
    if open(sys.argv[4]).read() == "done":
        break
print(json.dumps({"answers": answers, "failures": failures[:3], "failed": len(failures)}))
""".replace("QUERY", repr("人参 OR 九解一协调 OR 高质量发展"))


def reading(home, expected: int, flag: Path) -> subprocess.Popen:
    """A reader searching in a loop (a fresh process state and a long-lived one, in turn) until
    `flag` says done; it prints how many answers and failures it had."""
    flag.write_text("")
    return subprocess.Popen([sys.executable, "-c", READER, str(ROOT), str(home), str(expected), str(flag)],
                            stdout=subprocess.PIPE, text=True, env=ENV)


def reader_report(reader: subprocess.Popen, flag: Path) -> dict:
    flag.write_text("done")
    return json.loads(reader.communicate(timeout=150)[0])


def expected_total(home) -> int:
    h = Home(home)
    try:
        return search(h, "人参 OR 九解一协调 OR 高质量发展", limit=3).total
    finally:
        h.close()


def assert_archive_is_its_store(home, terms, case) -> None:
    """After a kill: exact search equals the oracle of the store, and `check` is ok."""
    from tests.oracle import Oracle

    h = Home(home)
    oracle = Oracle(h)
    for term in terms:
        assert {(x.report, x.section_id): x.count for x in search(h, term, exact=True, limit=None).hits} == \
            oracle.counts(term), (case, term)
    result = check(h)
    assert result.ok, (case, result.problems)
    h.close()


# Every writer, killed at each of its commit steps (tests/faults.py) while a reader searches: the
# reader never fails and always sees the last published state; after the kill the archive equals the
# oracle of its store, `check` is ok, and the writer, run again, completes.
STEPS = [(["ingest", "<extra>"], "segments"), (["ingest", "<extra>"], "whoosh"), (["ingest", "<extra>"], "publish"),
         (["remove", "copy_007"], "publish"), (["compact"], "reindex"), (["rebuild"], "reindex"),
         (["list"], "whoosh")]


@pytest.mark.slow
@pytest.mark.parametrize("writer,step", STEPS, ids=[f"{w[0]}-{s}" for w, s in STEPS])
def test_every_writer_killed_at_each_commit_step_with_a_reader_running(tmp_path, big_folder, writer, step):
    home = tmp_path / "home"
    extra = tmp_path / "extra"
    extra.mkdir()
    for i in range(3):  # new reports, and a term quoted in three: compact re-indexes the words
        (extra / f"x{i}.txt").write_text(f"x{i}\n\n推进“链长制度化”，九解一协调。\n", encoding="utf-8")
    if writer == ["list"]:  # the first command on a new home: killed while it adds the samples
        home.mkdir()
    else:
        assert baogao(home, "ingest", str(big_folder)).returncode == 0
        if writer[0] in ("compact", "rebuild"):
            assert baogao(home, "ingest", str(extra)).returncode == 0
    argv = [str(extra) if a == "<extra>" else a for a in writer]
    flag = tmp_path / "flag"
    reader = reading(home, expected_total(home) if writer != ["list"] else 0, flag) if writer != ["list"] else None
    time.sleep(0.5)
    r = subprocess.run(faults.command(step, "--home", str(home), *argv), env=ENV, capture_output=True, text=True, cwd=ROOT)
    assert r.returncode != 0, (writer, step, r.stdout, r.stderr)  # it did reach the step
    if reader is not None:
        doc = reader_report(reader, flag)
        assert doc["answers"] > 2 and doc["failed"] == 0, doc
    assert_archive_is_its_store(home, ("一主六双", "本篇标记码", "九解一协调", "链长制度化"), (writer, step))
    again = baogao(home, *argv)
    assert again.returncode == 0, again.stderr
    assert baogao(home, "check").returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("writer", [["rebuild"], ["compact"]])
def test_searches_answer_while_the_word_index_is_rebuilt(tmp_path, big_folder, writer):
    """A reader searching in a loop while rebuild (or compact, which re-indexes the words when the
    dictionary changes) runs: every search answers, and answers the same."""
    home = tmp_path / "home"
    assert baogao(home, "ingest", str(big_folder)).returncode == 0
    h = Home(home)
    expected = search(h, "人参 OR 九解一协调 OR 高质量发展", limit=3).total
    h.close()
    if writer == ["compact"]:  # a term quoted in 2+ reports since the freeze: compact re-indexes
        (big_folder.parent / "extra").mkdir(exist_ok=True)
        for i in range(3):
            (big_folder.parent / "extra" / f"x{i}.txt").write_text(f"x{i}\n\n推进“链长制度化”。\n", encoding="utf-8")
        assert baogao(home, "ingest", str(big_folder.parent / "extra")).returncode == 0
    flag = tmp_path / "flag"
    reader = reading(home, expected, flag)
    time.sleep(1.0)
    assert baogao(home, *writer).returncode == 0
    doc = reader_report(reader, flag)
    assert doc["answers"] > 5 and doc["failed"] == 0, doc


@pytest.fixture()
def read_only_home(tmp_path):
    """A home on a read-only bind mount (skipped where this process may not mount)."""
    src, mnt = tmp_path / "src", tmp_path / "ro"
    baogao(src, "list")
    import sqlite3

    con = sqlite3.connect(src / "store.sqlite")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    for f in src.glob("store.sqlite-*"):
        f.unlink()
    mnt.mkdir()
    ok = subprocess.run(["mount", "--bind", str(src), str(mnt)], capture_output=True).returncode == 0 and \
        subprocess.run(["mount", "-o", "remount,ro,bind", str(mnt)], capture_output=True).returncode == 0
    if not ok:
        subprocess.run(["umount", str(mnt)], capture_output=True)
        pytest.skip("cannot make a read-only bind mount here")
    yield mnt
    subprocess.run(["umount", str(mnt)], capture_output=True)


@pytest.mark.slow
def test_a_read_only_home_answers_every_read_command(read_only_home):
    for args in (["list"], ["search", "九解一协调"], ["search", "-e", "人参"], ["show", "000", "1", "--no-pager"],
                 ["sections", "000"], ["verify", "实干筑就伟业，奋斗开创未来。"], ["trend", "人参"]):
        r = baogao(read_only_home, *args)
        assert r.returncode == 0 and "Traceback" not in r.stderr, (args, r.stderr)
    for args in (["ingest", str(SEEDS)], ["remove", "000"], ["rebuild"], ["compact"]):
        r = baogao(read_only_home, *args)
        assert r.returncode == 3 and "read-only" in r.stderr and "damaged" not in r.stderr, (args, r.stderr)


@pytest.mark.slow
@pytest.mark.parametrize("writer", [["rebuild"], ["compact"], ["remove", "copy_007"], ["list"]],
                         ids=["rebuild", "compact", "remove", "first-command"])
def test_every_writer_killed_at_random_leaves_an_archive_equal_to_its_store(tmp_path, big_folder, writer):
    """Killed at random moments: after each kill, readers answer, every exact search equals the oracle
    of what the store holds, `check` tells the truth (ok), and the writer then completes."""
    home = tmp_path / "home"
    if writer != ["list"]:
        assert baogao(home, "ingest", str(big_folder)).returncode == 0
    rng = random.Random(len(writer[0]))
    for delay in [rng.uniform(0.05, 2.5) for _ in range(3)]:
        proc = start(home, *writer)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        r = baogao(home, "search", "-e", "一主六双", "--json")
        assert r.returncode in (0, 1) and "Traceback" not in r.stderr, r.stderr
        assert_archive_is_its_store(home, ("一主六双", "本篇标记码", "发展"), (writer, delay))
    r = baogao(home, *writer)
    assert r.returncode == 0 or (writer[0] == "remove" and "no report matches" in r.stderr), r.stderr  # done before
    if writer[0] == "remove":
        assert "copy_007" not in {x["id"] for x in json.loads(baogao(home, "list", "--json").stdout)}
    assert baogao(home, "check").returncode == 0


@pytest.fixture()
def tiny_disk(tmp_path):
    """A 3 MB file system (skipped where this process may not mount one)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here")
    yield mnt
    subprocess.run(["umount", str(mnt)], capture_output=True)


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_loses_nothing(tiny_disk, tmp_path):
    home = tiny_disk / "home"
    assert baogao(home, "list").returncode == 0
    folder = tmp_path / "big"
    folder.mkdir()
    for f in sorted((SEEDS).glob("*.txt")):
        for i in range(40):
            (folder / f"{f.stem}_{i}.txt").write_text(f.read_text(encoding="utf-8") + f"\n\n第{i}份。\n", encoding="utf-8")
    r = baogao(home, "ingest", str(folder))
    assert r.returncode == 3 and "Traceback" not in r.stderr, r.stderr
    assert "full" in r.stderr and "rollback" not in r.stderr, r.stderr
    listed = json.loads(baogao(home, "list", "--json").stdout)
    assert len(listed) == 5  # what was there is there, nothing half-added
    assert baogao(home, "search", "-e", "九解一协调").returncode == 0
    assert baogao(home, "check").returncode == 0
