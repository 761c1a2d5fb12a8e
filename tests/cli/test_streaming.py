"""Long answers stream (issue 39): hits, kwic lines and trend's terms are built as they are read,
`--json` is written a record at a time and `--jsonl` a record a line, `--csv` in chunks — each equal,
line for line, to the answer built whole, and to the oracle's counts; a reader that closes the pipe
stops the command at once, quietly."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter

import pytest

from cli import export, jsonout
from index import kwic, search, trend
from index.model import Streamed
from tests.conftest import needs_corpus, run_cli

QUERIES = ["发展", '"高质量发展"', "的", "人参 OR 梅花鹿", '"稳*增长"', "发展 NEAR/3 经济"]


def test_streamed_hits_and_lines_equal_the_whole(seeds):
    home, oracle = seeds
    for q in QUERIES:
        whole = search(home, q, limit=None, stream=False)
        streamed = search(home, q, limit=None, stream=True)
        assert isinstance(streamed.hits, Streamed) and isinstance(whole.hits, tuple)
        assert len(streamed.hits) == len(whole.hits) == whole.total
        assert list(streamed.hits) == list(whole.hits), q
        assert streamed.hits[3:7] == whole.hits[3:7] and streamed.hits[-1] == whole.hits[-1], q
    for term in ("发展", "的", "0", "人参"):
        for sort in ("year", "report"):
            for limit in (None, 7, 150):
                whole = kwic(home, term, sort=sort, limit=limit, stream=False)
                streamed = kwic(home, term, sort=sort, limit=limit, stream=True)
                assert list(streamed.lines) == list(whole.lines), (term, sort, limit)
                assert len(streamed.lines) == len(list(streamed.lines)), (term, sort, limit)
                for at in (0, 1, len(whole.lines) // 2, len(whole.lines) - 1):  # a line read alone
                    assert streamed.lines[at] == whole.lines[at], (term, at)
        assert dict(Counter((k.report, k.section_id) for k in kwic(home, term, stream=True).lines)) == oracle.counts(term)
    terms = ["发展", "人参", "九解一协调", "火星"]
    t = trend(home, terms)
    assert isinstance(t.terms, Streamed)
    assert [x.total for x in t.terms] == [sum(oracle.counts(w).values()) for w in terms]
    assert list(t.terms) == [trend(home, [w]).terms[0] for w in terms]


def _lines(r) -> list[str]:
    assert r.returncode in (0, 1), r.stderr
    return r.stdout.splitlines()


def test_json_jsonl_and_csv_are_the_whole_answer(_seeded_home, seeds):
    home, oracle = seeds
    for q in ("发展", '"人参"', "的"):
        r = run_cli(_seeded_home, "search", q, "--all", "--json")
        text = r.stdout.strip()
        doc = json.loads(text)
        assert export.dumps(doc) == text  # written a record at a time, the same text as at once
        whole = search(home, q, limit=None, stream=False)
        assert [(h["report"], h["section_id"], h["count"]) for h in doc["hits"]] == \
            [(h.report, h.section_id, h.count) for h in whole.hits]
        lines = _lines(run_cli(_seeded_home, "search", q, "--all", "--jsonl"))
        head = json.loads(lines[0])
        assert head == {k: v for k, v in doc.items() if k != "hits"}
        assert [json.loads(x) for x in lines[1:]] == doc["hits"]
    for term in ("发展", "的"):
        total = sum(oracle.counts(term).values())
        doc = json.loads(run_cli(_seeded_home, "kwic", term, "--json").stdout)
        lines = _lines(run_cli(_seeded_home, "kwic", term, "--jsonl"))
        assert len(lines) == total + 1 == doc["total"] + 1
        assert [json.loads(x) for x in lines[1:]] == doc["lines"]
        csv = run_cli(_seeded_home, "kwic", term, "--csv").stdout
        assert csv == export.csv_records(jsonout.KWIC_FIELDS, kwic(home, term, stream=False).lines)
        assert len(csv.splitlines()) == total + 1
    words = ["发展", "人参", "火星"]
    doc = json.loads(run_cli(_seeded_home, "trend", *words, "--json").stdout)
    assert [t["total"] for t in doc["terms"]] == [sum(oracle.counts(w).values()) for w in words]
    r = run_cli(_seeded_home, "trend", "火星", "人参")
    assert r.returncode == 0  # a term found anywhere earns 0, however late it is counted


def test_verify_batch_answers_a_line_at_a_time(_seeded_home):
    quotes = "全市在线受理企业“九解一协调”方面各类诉求647件\n，。\n推动高质量发展\n"
    r = run_cli(_seeded_home, "verify", "-", input=quotes)
    assert r.returncode == 2 and len(r.stdout.splitlines()) == 3
    jl = run_cli(_seeded_home, "verify", "-", "--jsonl", input=quotes)
    assert jl.stdout == run_cli(_seeded_home, "verify", "-", "--json", input=quotes).stdout
    assert [json.loads(x).get("verdict") for x in jl.stdout.splitlines()] == ["exact", None, "exact"]


@pytest.mark.parametrize("args", [["kwic", "的", "--all"], ["kwic", "的", "--jsonl"], ["search", "的", "--all"],
                                  ["kwic", "的", "--csv"]])
def test_a_closed_pipe_stops_the_command_quietly(_seeded_home, args):
    """The reader takes one line and closes: the command ends within a batch, no traceback, its code."""
    import os

    from tests.conftest import ROOT

    env = {**os.environ, "BAOGAO_HOME": str(_seeded_home), "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, "-m", "cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = p.stdout.readline()
    p.stdout.close()
    start = time.monotonic()
    rc = p.wait(timeout=30)
    err = p.stderr.read().decode()
    assert first and rc == 0 and "Traceback" not in err and "Error" not in err, (rc, err)
    assert time.monotonic() - start < 10


@needs_corpus()
@pytest.mark.corpus
def test_corpus_streamed_equals_whole(corpus):
    corpus_home, oracle = corpus
    for q in ("发展", '"改革"'):
        whole = search(corpus_home, q, limit=None, stream=False)
        assert list(search(corpus_home, q, limit=None, stream=True).hits) == list(whole.hits), q
    lines = kwic(corpus_home, "发展", stream=True).lines
    assert dict(Counter((k.report, k.section_id) for k in lines)) == oracle.counts("发展")
    assert list(lines) == list(kwic(corpus_home, "发展", stream=False).lines)
