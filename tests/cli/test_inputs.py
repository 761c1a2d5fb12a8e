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
