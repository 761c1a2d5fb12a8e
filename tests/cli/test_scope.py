"""Issue 31: filters that keep no report say so — a reversed range is a usage error, filters that
match nothing exit 1 naming them (never "0 sections") — and `reports_matched` counts the reports the
top-level filters keep."""

import json

import pytest

from tests.conftest import run_cli

NONE_KEPT = [
    ("search", "发展", "region:火星"),
    ("search", "发展", "--report", "国务院_2099"),
    ("kwic", "发展", "--region", "火星"),
    ("trend", "发展", "--region", "火星"),
    ("trend", "发展", "--first", "--region", "火星"),
    ("list", "region:火星"),
    ("targets", "--region", "火星"),
]


@pytest.mark.parametrize("args", NONE_KEPT, ids=" ".join)
def test_filters_keeping_no_report_say_so(_seeded_home, args):
    r = run_cli(_seeded_home, *args)
    assert r.returncode == 1
    assert "no report matches " in r.stderr and ("火星" in r.stderr or "国务院_2099" in r.stderr)
    assert "0 sections" not in r.stdout + r.stderr
    j = run_cli(_seeded_home, *args, "--json")
    assert j.returncode == 1
    doc = json.loads(j.stdout)
    assert doc["error"].startswith("no report matches ") and doc["reports_matched"] == 0


@pytest.mark.parametrize("args, message", [
    (("search", "新质生产力", "year:2026-2024"), "year:2026-2024 — the range is reversed"),
    (("search", "发展", "--year", "2026-2024"), "year:2026-2024 — the range is reversed"),
    (("kwic", "发展", "--year", "2026-2024"), "year:2026-2024 — the range is reversed"),
    (("list", "year:2026-2024"), "year:2026-2024 — the range is reversed"),
    (("trend", "发展", "--from", "2026", "--to", "2024"), "the range is reversed"),
], ids=lambda a: " ".join(a) if isinstance(a, tuple) else "")
def test_a_reversed_range_is_a_usage_error(_seeded_home, args, message):
    r = run_cli(_seeded_home, *args)
    assert r.returncode == 2 and message in r.stderr
    j = run_cli(_seeded_home, *args, "--json")
    assert j.returncode == 2 and message in json.loads(j.stdout)["error"]


def test_reports_matched_counts_the_top_level_filters(_seeded_home):
    def doc(*args):
        return json.loads(run_cli(_seeded_home, *args, "--json").stdout)

    assert doc("search", "发展")["reports_matched"] == 5
    assert doc("search", "发展", "region:通化")["reports_matched"] == 2
    assert doc("search", "发展 year:2024", "--region", "通化")["reports_matched"] == 1
    assert doc("search", "发展 OR region:通化")["reports_matched"] is None
    assert doc("search", "发展 NOT region:通化")["reports_matched"] is None
    assert doc("kwic", "发展", "--year", "2024")["reports_matched"] == 3
    assert doc("trend", "发展", "--from", "2024")["reports_matched"] == 3
    assert doc("targets", "--region", "通化")["reports_matched"] == 2


def test_ids_are_never_cropped_at_80_columns(_seeded_home):
    """Issue 31: kwic and list at 80 columns (the width a pipe gets) print every report id whole."""
    import subprocess
    import sys

    ids = [json.loads(run_cli(_seeded_home, "list", "--json").stdout)[i]["id"] for i in range(5)]
    env = {"COLUMNS": "80", "NO_COLOR": "1", "PATH": "/usr/bin:/bin", "HOME": str(_seeded_home),
           "BAOGAO_ENGINE": "off"}  # a bare environment would start a resident engine that outlives the test
    for args in (["kwic", "人参", "--all"], ["list", "--no-pager"]):
        out = subprocess.run([sys.executable, "-m", "cli", "--home", str(_seeded_home), *args], capture_output=True,
                             text=True, env=env).stdout
        rows = [ln for ln in out.splitlines() if ln[:1] != "人" and not ln.startswith(("id ", "5 reports"))]
        assert rows and all(any(i in ln for i in ids) for ln in rows), out
