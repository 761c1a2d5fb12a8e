"""The Solr query strings the SolrCloud backend builds (index/solr/client.py, index/solr/corpus.py), without a
cluster: every value a person types — a filter, a word — reaches Lucene's query parser as text, each
of its special characters escaped, so `region:a:b` or `report:{!…}` can neither change the query nor
break it. (tests/index/solr/test_solr.py runs the same answers against a live cluster.)"""

import re

import pytest

from index.solr import client as solr
from index.engine.query import parse
from index.engine.scope import top_filters as _top_filters
from index.solr.corpus import scope_of

# Lucene's query syntax (the classic query parser Solr's standard parser is): these characters
# mean something unless a backslash precedes them, and so does whitespace (" \t\n\r\u3000").
LUCENE_SPECIAL = ["+", "-", "&&", "||", "!", "(", ")", "{", "}", "[", "]", "^", '"', "~", "*", "?", ":", "\\", "/",
                  "{!"]
LIVE = set("+-&|!(){}[]^\"~*?:\\/")


def unescaped(query: str) -> tuple[str, list[str]]:
    """`query` read as Lucene reads a term: (its text with each backslash escape undone, the special
    characters and whitespace that stand unescaped in it)."""
    text, live, i = [], [], 0
    while i < len(query):
        ch = query[i]
        if ch == "\\" and i + 1 < len(query):
            text.append(query[i + 1])
            i += 2
            continue
        if ch in LIVE or ch.isspace():
            live.append(ch)
        text.append(ch)
        i += 1
    return "".join(text), live


def clauses_of(query: str) -> list[str]:
    """`query` cut at its unescaped whitespace, as Lucene's parser cuts clauses."""
    out, start, i = [], 0, 0
    while i < len(query):
        if query[i] == "\\":
            i += 2
            continue
        if query[i].isspace():
            out.append(query[start:i])
            start = i + 1
        i += 1
    return [*out, query[start:]]


VALUES = [s for sp in LUCENE_SPECIAL for s in (sp, f"通{sp}化", f"{sp}通化{sp}")] + [
    "{!terms f=id}x", "*:*", "region_lc:*", "a\\", "\\:", "通化 市", "a OR b",
    "通化\u3000市", "通化\t市"]  # whitespace to Lucene: an ideographic space or a tab (from --region) cuts a clause too


def wrong(check) -> list[str]:
    """`check(value)` for every value: those it finds wrong, each with the query it got (one test
    per builder, every value in it: hundreds of parametrized cases would cost the inner loop a second)."""
    out = []
    for value in VALUES:
        bad = check(value)
        if bad:
            out.append(f"{value!r} → {bad}")
    return out


def test_escape_leaves_no_special_character_live():
    def check(value):
        text, live = unescaped(solr.escape(value))
        return None if live == [] and text == value else solr.escape(value)
    assert wrong(check) == []


def test_every_word_of_a_words_query_is_one_escaped_term():
    def check(value):
        query = solr.all_words([value, "发展"])
        clauses = clauses_of(query)
        ok = len(clauses) == 2 and all(
            c.startswith("+words:") and unescaped(c[len("+words:"):]) == (w, []) for c, w in zip(clauses, [value, "发展"]))
        return None if ok else query
    assert wrong(check) == []


# A filter's clause: the field, wildcards around (or after) the value, and the value as escaped text.
FILTER_SHAPES = {
    "region": r"region_lc:\*(?P<v>.*)\*",
    "heading": r"heading_lc:\*(?P<v>.*)\*",
    "report": r"\(report_lc:(?P<v>.*)\* OR title_lc:\*(?P=v)\*\)",
}


@pytest.mark.parametrize("field", sorted(FILTER_SHAPES))
def test_a_filter_value_is_escaped_text_in_its_clause(field):
    def check(value):
        [clause] = scope_of([(field, value)])
        m = re.fullmatch(FILTER_SHAPES[field], clause, re.S)
        return None if m and unescaped(m["v"]) == (value.strip().lower(), []) else clause
    assert wrong(check) == []


@pytest.mark.parametrize("value", ["通化:市", "{!terms", "a&&b", "a||b", "x^2~1", "[a", "a/b\\c", "*:*"])
def test_a_filter_typed_in_the_query_reaches_solr_escaped(value):
    """`search 人参 region:通化:市`: the query language keeps the value whole, the clause escapes it."""
    tree = parse(f"人参 region:{value}")
    assert _top_filters(tree) == [("region", value)]
    [clause] = scope_of(_top_filters(tree))
    assert unescaped(re.fullmatch(FILTER_SHAPES["region"], clause)["v"]) == (value.lower(), []), clause


def test_levels_and_years_are_checked_values():
    assert scope_of([("level", "市"), ("year", "2020-2024")]) == ["level:city", "year:[2020 TO 2024]"]
    assert scope_of([("year", ">=2020"), ("year", "<=2024")]) == ["year:[2020 TO *]", "year:[* TO 2024]"]


def test_needles_and_ids_travel_as_parameters_never_in_the_query():
    for value in VALUES:
        q, params = solr.phrase(value)
        assert q == "{!field f=norm v=$needle}" and params == {"needle": value}
        q, params = solr.any_of("report", [value, "000"])
        assert q == "{!terms f=report separator=$sep v=$values}" and params["values"].split(params["sep"]) == [value, "000"]
