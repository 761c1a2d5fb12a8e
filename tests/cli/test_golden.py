"""Issue 15's guard: the `--json` outputs of a fixed set of commands on the seeds stay as recorded
(tests/golden/seeds.json, from tests/golden/record.py). A change that alters a successful output on
purpose re-records the file and says why in its commit."""

import json

from tests.golden.record import GOLDEN, run_all


def test_json_outputs_equal_the_golden_file():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = run_all()
    assert [x["args"] for x in now] == [x["args"] for x in golden]
    for got, want in zip(now, golden):
        assert got == want, got["args"]


# The report's head on every record that carries a report's metadata (issue 30).
HEAD = ("level", "date", "speaker", "subtitle", "occasion", "session", "year_source")
# The JSON shapes of docs/contract.md: a dict's keys exactly (a key ending in "?" may be absent), a
# list's items each of the one shape it holds; None is any value.
HIT = {k: None for k in ("report", "title", "region", "year", "section_id", "section", "path", "score", "count",
                         "snippet", "highlights", "text", "verbatim", "variant", "in_heading", "also_in", "url",
                         "urls", *HEAD, "matches", "citation")}
VARIANT = {"text": None, "occurrences": None, "sections": None}
MATCH = {**{k: None for k in ("report", "title", "section_id", "section", "paragraph", "paragraph_end",
                              "similarity", "source", "url", "urls", "region", *HEAD, "citation")},
         "differences": [{"quote": None, "source": None, "kind": None}]}
SHAPES = {
    "ingest": {"added": None, "updated": None, "unchanged": None, "removed": None,
               "failed": [{"path": None, "error": None, "kept": None}], "skipped": [{"path": None, "reason": None}],
               "notes": [{"path": None, "report": None, "note": None}]},
    "list": [{k: None for k in ("id", "title", "region", "year", "level", "sections", "chars", "file",
                                "duplicate_of?", "url", "urls", "date", "subtitle", "speaker", "occasion", "session", "year_source")}],
    "sections": [{"id": None, "heading": None, "level": None, "path": None}],
    "show": {"report": None, "title": None, "file": None, "url": None, "urls": None, "year": None, "year_source": None,
             "subtitle": None, "speaker": None, "date": None, "occasion": None, "session": None,
             "sections": [{"id": None, "heading": None, "level": None, "path": None,
                           "paragraphs": [{"n": None, "text": None, "kind": None, "line": None}]}]},
    "search": {"query": None, "total": None, "occurrences": None, "reports_matched": None, "variants": [VARIANT], "hits": [HIT],
               "suggestions?": [{"text": None, "count": None}]},
    "verify": {"quote": None, "verdict": None, "matches": [MATCH]},
    "remove": {"removed": None},
    "rebuild": {"reports": None, "sections": None, "seconds": None},
    "compact": {"segments_before": None, "segments_after": None},
    "check": {"ok": None, "reports": None, "sections": None, "problems": None, "texts_compared": None},
    "trend": {"by": None, "reports_matched": None, "terms": [{"term": None, "total": None, "reports": None, "variants": [VARIANT], "buckets": [
        {"key": None, "count": None, "reports": None}], "first": {k: None for k in (
            "report", "title", "year", "section_id", "section", "paragraph", "url", "urls", "region", *HEAD,
            "citation")}}]},
    "trend --first": {"term": None, "first": [{k: None for k in (
        "region", "level", "year", "date", "report", "title", "section_id", "section", "paragraph", "url",
        *HEAD[2:], "citation")}]},
    "kwic": {"term": None, "total": None, "reports_matched": None, "variants": [VARIANT], "lines": [{k: None for k in (
        "report", "title", "year", "region", "section_id", "section", "paragraph", "left", "match", "right", "url",
        "variant", *HEAD, "citation")}]},
    "targets": {"reports_matched": None, "targets": [{k: None for k in (
        "report", "title", "year", "region", "level", "indicator", "status", "text", "low", "high", "unit", "modifier",
        "not_set", "section_id", "paragraph", "url", *HEAD[1:], "citation")}]},
    "new": {"report": None, "title": None, "year": None, "region": None, **dict.fromkeys(HEAD), "baseline": None, "found": None, "phrases": [{k: None for k in (
        "phrase", "count", "section_id", "paragraph", "quoted", "in_heading")}]},
    "compare": {"target": {"label": None, "reports": None, "chars": None}, "reference": {"label": None, "reports": None, "chars": None},
                "phrases": [{k: None for k in ("phrase", "target_count", "reference_count", "target_per_10k", "reference_per_10k",
                                               "g2", "log_ratio", "target_reports", "citation")}]},
    "diff": {"old": None, "new": None, "summary": {
        "sections_added": None, "sections_removed": None, "sentences_changed": None, "sentences_added": None,
        "sentences_removed": None, "sentences_moved": None, "figures": [{"old": None, "new": None, "context": None}],
        "targets": [{"indicator": None, "old": None, "new": None, "unchanged": None}]},
        "pairs": [{k: None for k in ("kind", "old_text", "new_text", "old_section", "old_paragraph", "new_section",
                                     "new_paragraph")} | {"differences": [{"kind": None, "old": None, "new": None}]}]},
    "publish": {"collection": None, "generation": None, "published": None, "deleted": None, "unchanged": None, "seconds": None},
    # exit 2 or 3, any command; exit 1 for filters that keep no report (with "reports_matched": 0)
    "error": {"error": None, "hint": None, "candidates?": None, "reports_matched?": None},
}


def shape_errors(doc, shape, where="") -> list[str]:
    """How `doc` differs from `shape`: keys missing or extra (equal sets, not a superset)."""
    if shape is None or doc is None:
        return []
    if isinstance(shape, list):
        if not isinstance(doc, list):
            return [f"{where}: a list expected"]
        return [e for i, item in enumerate(doc) for e in shape_errors(item, shape[0], f"{where}[{i}]")]
    if not isinstance(doc, dict):
        return [f"{where}: an object expected"]
    required = {k for k in shape if not k.endswith("?")}
    allowed = required | {k[:-1] for k in shape if k.endswith("?")}
    errors = [f"{where}: keys {sorted(set(doc) ^ required)} differ"] if not required <= set(doc) <= allowed else []
    for k, sub in shape.items():
        if k.rstrip("?") in doc:
            errors += shape_errors(doc[k.rstrip("?")], sub, f"{where}.{k.rstrip('?')}")
    return errors


def test_json_shapes_are_the_contracts_exactly():
    """Every recorded --json document has the keys docs/contract.md lists for its command, no more and
    no fewer, at every level (a renamed field is red here as well as in the golden file)."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    seen = set()
    for run in golden:
        failed = run["exit"] >= 2 or isinstance(run["stdout"], dict) and "error" in run["stdout"]
        command = "error" if failed else run["args"][0] + (" --first" if "--first" in run["args"] else "")
        seen.add(command)
        assert shape_errors(run["stdout"], SHAPES[command], command) == [], run["args"]
    assert seen == set(SHAPES)  # every shape is exercised by a recorded command
