"""What the user hands the CLI that is not what it expects (issue 29): arguments and stdin lines that
are not UTF-8, ids and fields with control characters, `trend --file` of any size."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEED, raw_controls, run_cli

ENV = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
BAD = "人参\udcff\udcfe"  # what Python makes of the argument b"\xe4\xba\xba\xe5\x8f\x82\xff\xfe"

# Every command that takes text, with the bad argument where it goes (queries, ids, filters, options).
UNDECODABLE = [
    (["search", BAD], "QUERY"), (["search", "人参", BAD], "QUERY"), (["search", "人参", "--region", BAD], "--region"),
    (["kwic", BAD], "TERM"), (["trend", BAD], "TERMS"), (["trend", "人参", "--level", BAD], "--level"),
    (["show", BAD], "REPORT"), (["show", "001", BAD], "SECTION"), (["show", "001", "--highlight", BAD], "--highlight"),
    (["sections", BAD], "REPORT"), (["list", BAD], "FILTERS"), (["list", "--report", BAD], "--report"),
    (["new", BAD], "REPORT"), (["new", "002", "--against", BAD], "--against"), (["verify", BAD], "QUOTE"),
    (["remove", BAD], "REPORT"), (["targets", "--region", BAD], "--region"),
    (["search", "人参", "--solr", "http://localhost:1/solr", "--collection", BAD], "--collection"),
]


@pytest.mark.parametrize("args,named", UNDECODABLE, ids=[" ".join(a).replace(BAD, "BAD") for a, _ in UNDECODABLE])
def test_an_argument_that_is_not_utf8_is_one_line_exit_2(shared_home, args, named):
    r = run_cli(shared_home.path, *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    said = [ln for ln in r.stderr.splitlines() if ln.startswith(("baogao:", "Error"))]
    assert len(said) == 1 and "Traceback" not in r.stderr, r.stderr
    assert named in said[0] and "'人参\\xff\\xfe' is not valid UTF-8" in said[0], said
    j = run_cli(shared_home.path, *args, "--json")
    assert j.returncode == 2 and "is not valid UTF-8" in json.loads(j.stdout)["error"], j.stdout


def test_a_real_non_utf8_argv_and_the_options_of_baogao_itself(shared_home, tmp_path):
    """Through a real process: the bytes on the command line as the shell passes them."""
    r = subprocess.run([sys.executable, "-m", "cli", "--home", str(shared_home.path), "search", b"\xff\xfe"],
                       capture_output=True, env=ENV, timeout=60)
    assert r.returncode == 2 and b"'\\xff\\xfe' is not valid UTF-8" in r.stderr and b"Traceback" not in r.stderr, r.stderr
    for option in ("--solr", "--collection"):
        r = run_cli(shared_home.path, option, "\udcff", "list")
        assert r.returncode == 2 and f"'{option}': '\\xff' is not valid UTF-8" in r.stderr, r.stderr


def test_a_folder_name_that_is_not_utf8_is_still_a_home(tmp_path, shared_home):
    """File and folder names are exempt: any bytes name one."""
    import shutil

    home = tmp_path / "home\udcff"
    shutil.copytree(shared_home.path, home)
    r = run_cli(home, "search", "-e", "人参", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["total"] > 0, r.stderr
    sheet = tmp_path / "kwic\udcff.xlsx"
    r = run_cli(home, "kwic", "人参", "--xlsx", sheet)
    assert r.returncode == 0 and r.stdout == f"wrote 14 rows to {tmp_path}/kwic\\xff.xlsx\n" and sheet.exists(), r.stdout


def test_a_stdin_line_of_verify_that_is_not_utf8_gets_its_own_row(shared_home):
    quotes = ["打响人参产业高质量发展突围战", "人参"]
    lines = [quotes[0].encode(), "人参".encode() + b"\xff\xfe", quotes[1].encode()]
    r = run_cli(shared_home.path, "verify", "-", "--json", input=b"\n".join(lines) + b"\n")
    assert r.returncode == 2, r.stderr  # the contract: a line that cannot be checked
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert [row["quote"] for row in rows] == [quotes[0], "人参\\xff\\xfe", quotes[1]]
    assert "line 2 is not valid UTF-8 (byte 0xff" in rows[1]["error"], rows[1]
    for row, quote in ((rows[0], quotes[0]), (rows[2], quotes[1])):  # the other lines verified as one by one
        alone = json.loads(run_cli(shared_home.path, "verify", quote, "--json").stdout)
        assert row == alone
    table = run_cli(shared_home.path, "verify", "-", input=b"\n".join(lines) + b"\n")
    assert table.returncode == 2 and "\\xff\\xfe" in table.stdout and "not valid UTF-8" in table.stdout
    assert "Traceback" not in table.stderr and raw_controls(table.stdout) == []


# Report ids are file names: any character but / may stand in one.
CONTROL_NAMES = ["esc\x1b[31mred", "bel\x07ring", "bs\bline", "c1\u009b2J\x7f", "rtl\u202eevil\tx"]


@pytest.fixture(scope="module")
def control_ids_home(tmp_path_factory):
    """The five seeds (texts that differ: none folded as a duplicate), each under a name holding
    control characters; its title too (the first line). (A line break in a file name is refused at
    ingest: tests/cli/test_ingest_safety.py.)"""
    from index import Home, ingest
    from tests.conftest import SEEDS

    folder = tmp_path_factory.mktemp("control-ids")
    for name, k in zip(CONTROL_NAMES, sorted(SEED)):
        seed = (SEEDS / f"{SEED[k]}.txt").read_text(encoding="utf-8")
        (folder / f"{name}.txt").write_text(f"标题{name}尾\n\n正文里有“一主六双”。人参\n\n{seed}", encoding="utf-8")
    home = Home(tmp_path_factory.mktemp("home"))
    assert not ingest(home, [folder]).failed
    home.close()
    return home.path


SHOWN = [["list"], ["search", "一主六双"], ["search", "-e", "一主六双", "--all"], ["sections", "bs"], ["verify", "--all", "正文里有“一主六双”。"],
         ["verify", "正文里有“一主六双”"], ["trend", "一主六双"], ["trend", "一主六双", "--first"], ["trend", "一主六双", "--by", "region"],
         ["kwic", "一主六双"], ["new", "bel", "--against", "c1"], ["remove", "zzz"], *[["show", n[:3]] for n in CONTROL_NAMES]]
DATA = [["kwic", "一主六双", "--csv"], ["trend", "一主六双", "--csv"], ["targets", "--csv"], ["list", "--json"],
        ["search", "一主六双", "--json"], ["kwic", "一主六双", "--json"], ["trend", "一主六双", "--first", "--json"],
        ["verify", "正文里有“一主六双”。", "--json"]]


@pytest.mark.parametrize("args", SHOWN + DATA, ids=" ".join)
def test_ids_with_control_characters_are_escaped_everywhere(control_ids_home, args):
    """ESC, BEL, a backspace, C1 CSI, DEL, a bidi override and a tab in ids and titles: made visible in
    the terminal, in CSV cells (one record a line) and in citations; JSON keeps them, as \\u escapes."""
    r = run_cli(control_ids_home, *args)
    assert r.returncode in (0, 1, 2) and "Traceback" not in r.stderr, r.stderr
    out = r.stdout.replace("\r\n", "\n") if "--csv" in args else r.stdout  # (CSV's own line ends)
    assert raw_controls(out + r.stderr) == [], out
    assert not [ln for ln in (out + r.stderr).split("\n") if ln.lstrip('"').startswith("line")], out  # every id on one line
    if "--json" in args:
        doc = json.loads(r.stdout)
        flat = json.dumps(doc, ensure_ascii=False)
        assert any(json.dumps(n, ensure_ascii=False)[1:-1] in flat for n in CONTROL_NAMES), flat  # the data whole
        records = [] if isinstance(doc, list) else doc.get("hits", []) + doc.get("lines", []) + doc.get("matches", []) \
            + doc.get("first", []) + [t["first"] for t in doc.get("terms", []) if t["first"]]
        citations = [m["citation"] for m in records]
        assert citations or isinstance(doc, list), doc
        assert all(raw_controls(c) == [] and "\n" not in c for c in citations), citations
    elif "--csv" in args and args[0] == "kwic":
        import csv
        import io

        rows = list(csv.reader(io.StringIO(r.stdout)))
        assert len(rows) == len(out.splitlines()) > 5, out  # one record a line
        assert {row[0] for row in rows[1:]} == {"esc␛[31mred", "bel␇ring", "bs␈line", "c1�2J␡", "rtl�evil x"}
    if args == ["list"]:
        assert "bs␈line" in out and "bel␇ring" in out and len(out.splitlines()) == 1 + 5 + 1, out


def test_trend_file_is_read_to_the_end(shared_home, tmp_path):
    """2.3 MB of lines (a first MiB of comments): the last term, past the first MiB, is counted as
    when it is given alone; a file of exactly the limit's terms is answered whole."""
    from cli.main import TREND_MAX_TERMS

    fillers = [f"词{i:04d}" for i in range(TREND_MAX_TERMS - 1)]
    big = tmp_path / "terms.txt"
    big.write_text("".join("# " + "注" * 1900 + "\n" for _ in range(400)) + "\n".join(fillers) + "\n人参\n",
                   encoding="utf-8")
    assert big.stat().st_size > 2 << 20
    r = run_cli(shared_home.path, "trend", "--file", big, "--json")
    assert r.returncode == 0, r.stderr
    terms = json.loads(r.stdout)["terms"]
    alone = json.loads(run_cli(shared_home.path, "trend", "人参", "--json").stdout)["terms"][0]
    assert len(terms) == TREND_MAX_TERMS and terms[-1] == alone and alone["total"] > 0


@pytest.mark.parametrize("lines,said", [
    ([f"词{i}" for i in range(1001)], "more than 1,000 terms (line 1001 is term 1,001); trend counts at most 1,000"),
    (["人参", "长" * 2001], "line 2 is longer than 2,000 characters"),
    (["人参", "长" * 100000], "line 2 is longer than 2,000 characters"),
], ids=["too many terms", "a long line", "a line of 300 kB"])
def test_trend_file_past_its_limits_is_one_line_naming_it(shared_home, tmp_path, lines, said):
    f = tmp_path / "terms.txt"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = run_cli(shared_home.path, "trend", "--file", f)
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("Error")]
    assert r.returncode == 2 and len(errors) == 1 and said in errors[0] and str(f) in errors[0], r.stderr


def test_trend_file_line_that_is_not_utf8_is_named(shared_home, tmp_path):
    f = tmp_path / "terms.txt"
    f.write_bytes("\ufeff人参\n".encode() + "政府".encode("gbk") + b"\n")
    r = run_cli(shared_home.path, "trend", "--file", f)
    assert r.returncode == 2 and "line 2 is not UTF-8 text (byte 0xd5)" in r.stderr, r.stderr
    f.write_bytes("\ufeff人参\r\n# 注\r\n\r\n一主六双\r\n".encode())  # a BOM, CRLF, a comment, a blank line
    doc = json.loads(run_cli(shared_home.path, "trend", "--file", f, "--json").stdout)
    assert [t["term"] for t in doc["terms"]] == ["人参", "一主六双"]


def _kwic_reference(console, c, width) -> list:
    """The kwic table as it was drawn before issue 29, a rich Text per line: slow (a minute for the
    500,000 lines of 的 in the whole corpus) but plainly right — the truth the fast table must equal."""
    from rich.cells import cell_len
    from rich.text import Text

    from cli.render.layout import where
    from cli.shown import PLAIN_MARKS, lit
    from cli.visible import field, safe

    def start(text, cells):
        out, used = [], 0
        for ch in text:
            used += cell_len(ch)
            if used > cells:
                break
            out.append(ch)
        return "".join(out)

    def place(k):
        return f"{k.year or '?'} {field(k.report)} §{k.section_id} {where(k.paragraph)}"

    marks = cell_len("".join(PLAIN_MARKS)) if console.no_color or console.color_system is None else 0
    match_w = max((cell_len(safe(k.match)) for k in c.lines), default=0) + marks
    place_w = max((cell_len(place(k)) for k in c.lines), default=0)
    side = max(4, (width - match_w - place_w - 4) // 2)
    out = []
    for k in c.lines:
        left = start(safe(k.left).replace("\n", " ")[::-1], side)[::-1]
        right = start(safe(k.right).replace("\n", " "), side)
        line = Text(" " * (side - cell_len(left)) + left + " ")
        line.append_text(lit(console, k.match, [(0, len(k.match))]))
        line.append(" " * (match_w - marks - cell_len(safe(k.match))) + " " + right + " " * (side - cell_len(right)) + "  ")
        line.append(start(place(k), place_w), style="dim")
        out.append(line)
    return out


@pytest.mark.parametrize("width", [24, 80, 200])
@pytest.mark.parametrize("colour", [None, "truecolor"])
def test_the_kwic_table_equals_a_line_by_line_drawing_in_a_few_prints(shared_home, monkeypatch, width, colour):
    """Every line of `kwic 的 --all` (a few hundred in the seeds), in colour or not, at a narrow width
    (cropped), 80 and a wide one: the same bytes as a rich Text printed per line, written in a few
    console.print calls — one per line took 60 s for the whole corpus' 500,000 lines (18 s now; CSV 15 s)."""
    import io

    from rich.console import Console

    from cli.render.counting import render_kwic
    from index import LocalBackend

    c = LocalBackend(shared_home).kwic("的", filters={}, width=30, sort="year", limit=None, with_duplicates=False,
                                       variants=False)
    assert len(c.lines) == c.total == 270

    def console():
        return Console(file=io.StringIO(), width=width, color_system=colour, force_terminal=colour is not None,
                       markup=False, highlight=False, emoji=False)

    fast, prints = console(), []
    real_print = Console.print
    monkeypatch.setattr(Console, "print", lambda self, *a, **k: prints.append(1) or real_print(self, *a, **k))
    render_kwic(fast, c, True)
    monkeypatch.undo()
    assert len(prints) <= 3, len(prints)  # the heading, the lines (5,000 a print)
    slow = console()
    for line in _kwic_reference(slow, c, width):
        slow.print(line, no_wrap=True, overflow="crop", crop=True)
    heading, rest = fast.file.getvalue().split("\n", 1)
    assert heading.endswith("的 — 270 occurrences" + ("\x1b[0m" if colour else "")) and rest == slow.file.getvalue()
    shown = fast.file.getvalue().splitlines()
    assert len(shown) == 1 + c.total and (colour or all("〖的〗" in ln for ln in shown[1:]) or width < 30)


@pytest.mark.parametrize("args", [
    ["kwic", "人参", "--csv"], ["trend", "人参", "--csv"], ["targets", "--csv"], ["targets", "gdp", "--by", "year", "--csv"],
    ["search", "人参", "--json"], ["list", "--json"], ["kwic", "人参", "--json"], ["trend", "人参", "--first", "--json"],
    ["verify", "打响人参产业高质量发展突围战", "--json"], ["new", "002", "--limit", "3", "--json"], ["targets", "--json"],
], ids=" ".join)
def test_sidecar_fields_never_reach_csv_or_json_raw(poisoned_home, args):
    """The sidecar poison (ESC, C1 CSI, NEL, bidi controls, markup) in CSV cells is made visible; in
    JSON it is kept whole, its C1 and bidi controls written as \\u escapes (json.dumps leaves them raw)."""
    from tests.conftest import POISON

    r = run_cli(poisoned_home.path, *args)
    assert r.returncode == 0, r.stdout + r.stderr
    assert raw_controls(r.stdout.replace("\r\n", "\n") + r.stderr) == [], r.stdout
    if "--json" in args:
        def strings(x):
            if isinstance(x, dict):
                x = list(x.values())
            return [s for v in x for s in strings(v)] if isinstance(x, list) else [x] if isinstance(x, str) else []

        assert any(POISON in s for s in strings(json.loads(r.stdout))), r.stdout  # the data whole
    elif args[0] != "trend":  # (trend's CSV holds terms and counts, no field)
        assert "[red]" in r.stdout and "␛[31m" in r.stdout, r.stdout
