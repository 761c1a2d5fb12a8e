"""Patterns (issue 38) against the oracle: wildcards, NEAR, BEFORE and --regex drawn from the printed
text of the seeds and of the corpus sample, answered by search, kwic and trend, compared with Python's
`re` run over the oracle's own lines (tests/oracle.py: its own normalization, its own reading of the
contract's grammar) — the same sections, counts and match texts."""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter

import pytest

from index import kwic, search, trend
from index.errors import QueryError
from tests.conftest import needs_corpus
from tests.oracle import near_regex, norm, wildcard_regex

_WORD = re.compile(r"[\w\u3400-\u9fff]")
_SAFE = re.compile(r"^[^\"\\?*\s()（）“”「」『』]+$")  # drawn text a query can hold as typed


def hits_of(result):
    return {(h.report, h.section_id): h.count for h in result.hits}


def check(home, oracle, query: str, regex: str, *, kind: str, term: str | None = None):
    """search (the query), kwic and trend (the term with --pattern, or --regex) against the oracle's
    matches of `regex`."""
    printed = kind == "regex"
    truth = oracle.pattern_counts(regex, printed)
    if printed:
        res = search(home, "", regex=query, limit=None)
        c = kwic(home, "", regex=query, width=5)
        t = trend(home, [], regex=[query]).terms[0]
    else:
        res = search(home, query, limit=None)
        c = kwic(home, term or query, pattern=True, width=5)
        t = trend(home, [term or query], pattern=True).terms[0]
    assert hits_of(res) == truth, (query, regex)
    assert res.occurrences == sum(truth.values()), query
    assert dict(Counter((k.report, k.section_id) for k in c.lines)) == truth, (query, regex)
    assert c.total == len(c.lines), query
    assert t.total == sum(truth.values()), query
    compiled = re.compile(regex)
    for k in c.lines:  # each line's match is what the expression covered, as printed
        if '"' in k.match or "'" in k.match:
            continue  # a straight quote cut out of its line has no direction
        assert covered(compiled, k.match, printed), (query, k.match)
    for h in res.hits:  # each match highlighted, its text in `matches`
        assert len(h.highlights) >= 1 and len(h.matches) == h.count, query
        for m in h.matches:
            assert '"' in m or "'" in m or covered(compiled, m, printed), (query, m)
    return sum(truth.values())


def covered(compiled, match: str, printed: bool) -> bool:
    """Whether a match as printed is what the expression covered: the whole of it, except that a
    regex match ending inside a character NFKC writes as several (⑴ is `(1)`: `[0-9]+` covers its 1)
    is shown as that whole character — a citation cannot hold part of one (docs/contract.md)."""
    if not printed:
        return bool(compiled.fullmatch(norm(match)))
    text = unicodedata.normalize("NFKC", match)
    if compiled.fullmatch(text):
        return True
    widened = any(len(unicodedata.normalize("NFKC", ch)) > 1 for ch in (match[0], match[-1]))
    return widened and bool(compiled.search(text))


def draw_wildcards(oracle, rng: random.Random, k: int) -> list[tuple[str, str]]:
    """(pattern as typed, the oracle's expression): a printed substring with a character made `?`,
    a middle cut out for `*` or `*N` (N sometimes too small), or a `?` at an edge."""
    lines = sorted(ln.text for lines in oracle.sections.values() for ln in lines if len(ln.text) >= 8)
    out = []
    while len(out) < k:
        text = rng.choice(lines)
        size = rng.randint(4, min(14, len(text)))
        at = rng.randint(0, len(text) - size)
        s = text[at:at + size]
        if not _SAFE.match(s):
            continue
        shape = rng.choice(("one", "star", "starN", "edge"))
        if shape == "one":
            i = rng.randint(1, len(s) - 2)
            pat = s[:i] + "?" + s[i + 1:]
        elif shape == "edge":
            pat = "?" + s[1:] if rng.random() < 0.5 else s[:-1] + "?"
        else:
            i = rng.randint(1, len(s) - 3)
            j = rng.randint(i, min(len(s) - 2, i + 8))
            width = "" if shape == "star" else str(rng.randint(1, 12))
            pat = s[:i] + "*" + width + s[j:]
            if s[j:j + 1].isdigit():
                continue  # the digit would be read as the width (条产值*00: a * of width 00)
        pieces = re.split(r"\*\d{0,2}|\?", pat)
        if not any(_WORD.search(norm(p)) for p in pieces):
            continue
        out.append((pat, wildcard_regex(pat)))
    return out


def draw_near(oracle, rng: random.Random, k: int) -> list[tuple[str, str]]:
    """(query, the oracle's expression): two short printed strings of one line, quoted, a distance
    apart, with NEAR or BEFORE and a bound around that distance."""
    lines = [ln.text for lines in oracle.sections.values() for ln in lines if len(ln.text) >= 12]
    out = []
    while len(out) < k:
        text = rng.choice(lines)
        la, lb = rng.randint(1, 4), rng.randint(1, 4)
        a_at = rng.randint(0, len(text) - la - lb - 1)
        b_at = rng.randint(a_at + la, min(len(text) - lb, a_at + la + 25))
        a, b = text[a_at:a_at + la], text[b_at:b_at + lb]
        if not (_SAFE.match(a) and _SAFE.match(b) and _WORD.search(norm(a)) and _WORD.search(norm(b))):
            continue
        if rng.random() < 0.5:
            a, b = b, a
        word = rng.choice(("NEAR", "BEFORE"))
        most = rng.choice((None, rng.randint(0, 30)))
        op = word if most is None else f"{word}/{most}"
        out.append((f'"{a}" {op} "{b}"', near_regex(re.escape(norm(a)), re.escape(norm(b)), 20 if most is None else most,
                                                  word == "BEFORE")))
    return out


def draw_regex(oracle, rng: random.Random, k: int) -> list[str]:
    """Regular expressions built from printed text: figures made `[0-9.]+`, a character made `.`, a
    middle made `.{0,6}?`, a character made a class of it and its neighbour."""
    lines = sorted(ln.text for lines in oracle.sections.values() for ln in lines if len(ln.text) >= 8)
    out = []
    while len(out) < k:
        text = unicodedata.normalize("NFKC", rng.choice(lines))
        size = rng.randint(3, min(10, len(text)))
        at = rng.randint(0, len(text) - size)
        s = text[at:at + size]
        if not s.strip() or "\n" in s:
            continue
        shape = rng.choice(("figures", "dot", "gap", "class"))
        if shape == "figures":
            if not re.search(r"\d", s):
                continue
            pat = re.sub(r"[0-9.]+", "[0-9.]+", re.escape(s).replace("\\.", "."))
        elif shape == "dot":
            i = rng.randint(0, len(s) - 1)
            pat = re.escape(s[:i]) + "." + re.escape(s[i + 1:])
        elif shape == "gap":
            i = rng.randint(1, len(s) - 2)
            pat = re.escape(s[:i]) + ".{0,6}?" + re.escape(s[i + 1:])
        else:
            i = rng.randint(0, len(s) - 2)
            pat = re.escape(s[:i]) + "[" + re.escape(s[i] + s[i + 1]) + "]" + re.escape(s[i + 1:])
        if re.fullmatch(pat, ""):
            continue
        out.append(pat)
    return out


def drawn(home, oracle, seed: int) -> int:
    """100 patterns drawn from the text — 40 wildcards, 30 NEAR/BEFORE, 30 regexes — each checked; how
    many found something."""
    rng = random.Random(seed)
    found = 0
    for pat, regex in draw_wildcards(oracle, rng, 40):
        found += check(home, oracle, f'"{pat}"', regex, kind="wild", term=pat) > 0
    for query, regex in draw_near(oracle, rng, 30):
        found += check(home, oracle, query, regex, kind="near") > 0
    for pat in draw_regex(oracle, rng, 30):
        found += check(home, oracle, pat, pat, kind="regex") > 0
    return found


def test_wildcards_near_and_regex_drawn_from_the_seeds(seeds):
    assert drawn(*seeds, 38) >= 80  # drawn from the text: most stand somewhere (a swapped BEFORE, a short *N may not)


@pytest.mark.parametrize("pat", ["稳*增长", "十?五", "发展*3经济", "人参*20产业", "高质量*发展", "\\?", "。*发展"])
def test_named_wildcard_patterns(seeds, pat):
    home, oracle = seeds
    if pat == "\\?":
        with pytest.raises(QueryError):
            search(home, f'"{pat}"')
        return
    check(home, oracle, f'"{pat}"', wildcard_regex(pat), kind="wild", term=pat)


@pytest.mark.parametrize("query,a,b,most,ordered", [
    ("发展 NEAR/5 经济", "发展", "经济", 5, False), ("发展 BEFORE/3 经济", "发展", "经济", 3, True),
    ("人参 NEAR 产业", "人参", "产业", 20, False), ('"高质量" NEAR/0 "发展"', "高质量", "发展", 0, False),
    ("发展 NEAR/2 发展", "发展", "发展", 2, False)])
def test_named_near_queries(seeds, query, a, b, most, ordered):
    home, oracle = seeds
    check(home, oracle, query, near_regex(re.escape(norm(a)), re.escape(norm(b)), most, ordered), kind="near", term=query)


@pytest.mark.parametrize("pat", [r"[0-9.]+%左右", r"[0-9.]+%", r"\d+亿元", r"第[一二三四五六七八九十]+", r"(?i)gdp",
                                 r"[，、]发展", r"^[一二三四五六七八九十]+、"])
def test_named_regular_expressions(seeds, pat):
    check(*seeds, pat, pat, kind="regex")


def test_a_full_width_question_mark_is_punctuation_not_a_wildcard(seeds):
    home, oracle = seeds
    plain = search(home, '"吗？"', limit=None)
    assert all(h.count for h in plain.hits)
    assert hits_of(plain) == oracle.counts("吗？")


def test_pattern_errors_are_one_line(seeds):
    home, _ = seeds
    for q in ('"*增长"', '"增长*"', '"??"', "发展 NEAR", "NEAR/5 发展", "a NEAR b NEAR c", "发展 NEAR region:吉林",
              '"发展*0经济"'):
        with pytest.raises(QueryError) as e:
            search(home, q)
        assert "\n" not in e.value.args[0], q
    for bad in ("[", "a*", "(?:)"):
        with pytest.raises(QueryError):
            search(home, "", regex=bad)


def test_a_pattern_option_on_a_plain_string_counts_the_string(seeds):
    """kwic and trend --pattern on a term with no wildcard: the exact string, as without the option."""
    home, oracle = seeds
    assert trend(home, ["人参"], pattern=True).terms == trend(home, ["人参"]).terms
    assert kwic(home, "人参", pattern=True).lines == kwic(home, "人参").lines
    assert trend(home, ["人参"], pattern=True).terms[0].total == sum(oracle.counts("人参").values())


def test_minus_e_and_plain_kwic_stay_literal(seeds):
    home, oracle = seeds
    assert search(home, "发展*经济", exact=True, limit=None).occurrences == sum(oracle.counts("发展*经济").values())
    assert kwic(home, "发展*经济").total == sum(oracle.counts("发展*经济").values())


# -- a corpus sample --------------------------------------------------------------------------------
@needs_corpus()
@pytest.mark.corpus
def test_corpus_patterns_drawn_from_the_text(corpus):
    home, oracle = corpus
    found = drawn(home, oracle, 380)
    for pat in ("稳*增长", "坚持*不动摇", "十?五"):
        found += check(home, oracle, f'"{pat}"', wildcard_regex(pat), kind="wild", term=pat) > 0
    found += check(home, oracle, r"[0-9.]+%左右", r"[0-9.]+%左右", kind="regex") > 0
    found += check(home, oracle, "发展 NEAR/5 安全", near_regex("发展", "安全", 5, False), kind="near") > 0
    assert found >= 90
