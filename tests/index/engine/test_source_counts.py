"""Counts against the source files themselves (an independent audit, stop 50): a report's count of a
string equals `grep -o` over its file, read with the contract's equivalences by the oracle's own few
lines (tests/oracle.py source_paragraphs) — not over the text the archive stored, so a line the
archive cut, glued or repeated shows. Needles are drawn where that goes wrong: a report's first line
(its title), a numbered heading up to and including its 。, and strings ending a line with its mark.

The one thing the archive adds to the printed text is the contract's: the first section holds the
report's title as a line of its own where it differs from the heading — when the file does not print
it (a sidecar's title), a needle standing in it counts once more."""

import random
import re
from pathlib import Path

import pytest

from index import kwic
from tests.conftest import needs_corpus
from tests.index.engine.test_oracle import searchable
from tests.oracle import norm

HEADING = re.compile(r"^\s*[（(]?[一二三四五六七八九十]{1,3}[）)、]")  # （一） 一、 (三)


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def _needles(text: str, rng: random.Random) -> list[tuple[str, str]]:
    """(why, needle) drawn from one file's printed lines."""
    lines = _lines(text)
    out = [("title", lines[0])] if len(lines[0]) <= 40 else []
    for ln in lines:
        if HEADING.match(ln) and 0 < ln.find("。") <= 40:
            out.append(("heading to its 。", ln[max(0, ln.find("。") - 7):ln.find("。") + 1]))
    for ln in rng.sample(lines, min(4, len(lines))):
        if len(ln) >= 4 and not ln[-1].isalnum():
            out.append(("a line's end", ln[-rng.randint(3, min(9, len(ln))):]))
    return out


@needs_corpus()
@pytest.mark.corpus
def test_a_reports_counts_are_its_files_counts(corpus):
    home, oracle = corpus
    rng = random.Random(50)
    reports = [r for r in oracle.reports.values() if not r.dropped and r.file.endswith(".txt")]
    checked = 0
    for r in rng.sample(reports, 120):
        text = Path(r.file).read_text(encoding="utf-8-sig")  # the path ingest read
        head = {norm(ln) for ln in _lines(text)[:8]}
        # the title's own line where the file does not print it (a sidecar's title): the one line added
        title_line = [ln.norm for ln in oracle.sections.get((r.id, 1), []) if ln.kind == "title" and ln.norm not in head]
        for why, needle in _needles(text, rng):
            if not searchable(needle) or len(norm(needle)) < 2:
                continue
            want = oracle.source_total(needle, r.id, "/") + sum(t.count(norm(needle)) for t in title_line)
            got = sum(1 for k in kwic(home, needle, filters={"report": r.id}, with_duplicates=True).lines
                      if k.report == r.id)
            assert got == want, (why, needle, r.id)
            checked += 1
    assert checked >= 300, checked
