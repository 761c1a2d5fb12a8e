"""The query language (docs/contract.md): terms, "exact phrases", A B (both), A OR B, NOT A, parentheses,
and filters for the known fields only. The raw query is parsed first; each term is normalized after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive import normalize_text
from archive.charclasses import WORDLIKE

from ..errors import QueryError
from . import patterns

FIELDS = ("region", "year", "report", "heading", "level")
MAX_QUERY_CHARS = 2000
MAX_DEPTH = 50  # nested parentheses (and NOTs): deeper is no query a person writes, and would overflow the parser
_OPEN_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
_WORDY = WORDLIKE
_PROXIMITY = re.compile(r"(NEAR|BEFORE)(?:/(\d{1,4}))?")


@dataclass(frozen=True)
class Term:
    text: str  # normalized
    exact: bool
    raw: str
    variant: bool = False  # stands for the places the term holds only as a variant (index.variants)
    pattern: object = None  # index.engine.patterns.Pattern: wildcards, NEAR/BEFORE or a regex (text is its raw)


@dataclass(frozen=True)
class Filter:
    field: str
    value: str


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


@dataclass(frozen=True)
class Not:
    part: object


def _lex(raw: str) -> list[tuple[str, str]]:
    """Tokens: ('(' | ')' | 'OR' | 'AND' | 'NOT' | 'word' | 'quoted' | 'field', text)."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c.isspace():
            i += 1
            continue
        if c in "()（）":
            out.append(("(" if c in "(（" else ")", c))
            i += 1
            continue
        if c in _OPEN_QUOTES:
            close = _OPEN_QUOTES[c]
            j = raw.find(close, i + 1)
            if j < 0 and c == "“":
                j = raw.find('"', i + 1)
            if j < 0:
                raise QueryError(f"unbalanced quotation mark in query: {raw[i:i + 30]}",
                                 "Close the quotation mark, or search with -e for a verbatim string.")
            out.append(("quoted", raw[i + 1:j]))
            i = j + 1
            continue
        j = i
        while j < n and not raw[j].isspace() and raw[j] not in "()（）" and raw[j] not in _OPEN_QUOTES:
            j += 1
        word = raw[i:j]
        field, sep, value = word.partition(":")
        if sep and field.lower() in FIELDS:
            if not value and j < n and raw[j] in _OPEN_QUOTES:  # heading:"写在 前面"
                close = _OPEN_QUOTES[raw[j]]
                k = raw.find(close, j + 1)
                if k < 0:
                    raise QueryError(f"unbalanced quotation mark in query: {raw[j:j + 30]}")
                value, j = raw[j + 1:k], k + 1
            if not value:
                raise QueryError(f"the filter {field}: has no value", f"Write it as {field}:VALUE.")
            out.append(("field", f"{field.lower()}:{value}"))
        elif word in ("OR", "AND", "NOT"):
            out.append((word, word))
        elif _PROXIMITY.fullmatch(word):
            out.append(("NEAR", word))
        else:
            out.append(("word", word))
        i = j
    return out


def parse(raw: str, exact: bool = False, pattern: bool = False, regex: str | None = None):
    """The query tree for `raw`; raises QueryError with a one-line explanation. `exact` (-e, kwic):
    the words that are not filters are one verbatim string; `pattern` (kwic and trend --pattern):
    they are one pattern; `regex` (--regex): a regular expression AND-ed with the query, or with its
    filters alone where it is the term (exact or pattern)."""
    if regex is not None:
        term = regex_term(regex)
        words, found = _split_filters(raw)
        if (exact or pattern or not raw.strip()) and not words:
            return And((term, *found)) if found else term
        if exact or pattern:
            raise QueryError(f"give a term or --regex, not both ('{' '.join(words)[:40]}' and '{regex[:40]}')",
                             "Count one thing at a time; the filters (region:吉林) go with either.")
        rest = parse(raw)
        return And((*rest.parts, term)) if isinstance(rest, And) else And((rest, term))
    if pattern:
        words, found = _split_filters(raw)
        if not words:
            raise QueryError("the query has only filters and nothing to look for",
                             "Add the pattern to find before the filters.")
        term = pattern_term(" ".join(words))
        return And((term, *found)) if found else term
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long ({len(raw)} characters; at most {MAX_QUERY_CHARS})",
                         "Search for a shorter, distinctive part; use `baogao verify` to check a long quote.")
    if not raw.strip():
        raise QueryError("the query is empty", "Type a word, a slogan or a quoted phrase.")
    if exact:
        return _exact(raw)
    tokens = _lex(raw)
    pos = 0

    def peek():
        return tokens[pos][0] if pos < len(tokens) else None

    def parse_or():
        nonlocal pos
        parts = [parse_and()]
        while peek() == "OR":
            pos += 1
            if peek() in (None, ")", "OR", "AND"):
                raise QueryError("OR needs a term on both sides", "Write A OR B.")
            parts.append(parse_and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and():
        nonlocal pos
        parts = []
        while peek() not in (None, ")", "OR"):
            if peek() == "AND":
                pos += 1
                if peek() in (None, ")", "OR", "AND"):
                    raise QueryError("AND needs a term on both sides", "Write A AND B, or just A B.")
                continue
            parts.append(parse_unary())
            if peek() == "NEAR":
                parts[-1] = parse_near(parts[-1])
        if not parts:
            where = "at the start" if pos == 0 else "after nothing"
            raise QueryError(f"OR needs a term on both sides ({where})" if peek() == "OR" else "empty parentheses in the query",
                             "Write A OR B.")
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_near(left):
        nonlocal pos
        word = tokens[pos][1]
        pos += 1
        if peek() not in ("word", "quoted"):
            raise QueryError(f"{word} needs a term on both sides", f"Write A {word} B, with A and B words or quoted strings.")
        right = parse_unary()
        if peek() == "NEAR":
            raise QueryError(f"one {word} joins two terms, not three",
                             "Write (A NEAR B) (B NEAR C) for three, each pair on its own.")
        return near_term(left, word, right)

    depth = 0

    def parse_unary():
        nonlocal pos, depth
        kind, text = tokens[pos]
        pos += 1
        if kind in ("NOT", "("):
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryError(f"the query nests more than {MAX_DEPTH} parentheses or NOTs deep",
                                 "Write it flatter: A OR B OR C needs no parentheses.")
            try:
                return _unary(kind, text)
            finally:
                depth -= 1
        return _unary(kind, text)

    def _unary(kind, text):
        nonlocal pos
        if kind == "NOT":
            if peek() in (None, ")", "OR", "AND"):
                raise QueryError("NOT needs a term after it", "Write A NOT B, or NOT B.")
            return Not(parse_unary())
        if kind == "(":
            inner = parse_or()
            if peek() != ")":
                raise QueryError("unbalanced parenthesis: a ( is never closed", "Close it with ).")
            pos += 1
            return inner
        if kind == ")":
            raise QueryError("unbalanced parenthesis: ) without (")
        if kind == "NEAR":
            raise QueryError(f"{text} needs a term on both sides", f"Write A {text} B.")
        if kind == "field":
            field, _, value = text.partition(":")
            return Filter(field, value)
        return _term(text, kind == "quoted", wild=kind == "quoted")

    tree = parse_or()
    if pos < len(tokens):
        raise QueryError("unbalanced parenthesis: ) without (", "Remove it or add the matching (.")
    if not positive_terms(tree) and not _has_filter(tree):
        raise QueryError("the query has nothing to look for (only NOT terms)", "Add a term to find, e.g. A NOT B.")
    return tree


def _exact(raw: str):
    """-e: the words that are not field filters, joined as typed, are one verbatim string."""
    words, found = _split_filters(raw)
    if not words:
        raise QueryError("the query has only filters and nothing to look for", "Add the words to find before the filters.")
    term = _term(" ".join(words), True)
    return And((term, *found)) if found else term


def _split_filters(raw: str) -> tuple[list[str], list[Filter]]:
    """The words of `raw` that are not field filters, and the filters."""
    words, found = [], []
    for word in raw.split():
        field, sep, value = word.partition(":")
        if sep and value and field.lower() in FIELDS:
            found.append(Filter(field.lower(), value))
        else:
            words.append(word)
    return words, found


def near_term(left, word: str, right) -> Term:
    """`left NEAR/N right` (or BEFORE) as one exact pattern term; each side an exact string or a
    pattern (an unquoted word is an exact string)."""
    if not isinstance(left, Term) or not isinstance(right, Term):
        raise QueryError(f"{word} joins two terms (words or quoted strings), not a filter or a group",
                         f"Write A {word} B.")
    m = _PROXIMITY.fullmatch(word)
    most = int(m.group(2)) if m.group(2) else patterns.NEAR
    p = patterns.near(_operand(left), _operand(right), most, m.group(1) == "BEFORE")
    return Term(p.raw, True, f"{left.raw} {word} {right.raw}", pattern=p)


def _operand(t: Term):
    return t.pattern if t.pattern is not None else patterns.literal(t.raw)


def pattern_term(raw: str) -> Term:
    """kwic's and trend's --pattern: one pattern, or A NEAR/N B; wildcards are live in words too."""
    tokens = _lex(raw)
    kinds = [k for k, _ in tokens]
    if kinds not in (["word"], ["quoted"], ["word", "NEAR", "word"], ["word", "NEAR", "quoted"],
                     ["quoted", "NEAR", "word"], ["quoted", "NEAR", "quoted"]):
        raise QueryError(f"'{raw[:40]}' is not one pattern", "Give one pattern (稳*增长, 十?五) or A NEAR/N B.")
    terms = [_pattern_or_string(text) for kind, text in tokens if kind != "NEAR"]
    return terms[0] if len(terms) == 1 else near_term(terms[0], tokens[1][1], terms[1])


def _pattern_or_string(text: str) -> Term:
    return _term(text, True, wild=True)


def regex_term(raw: str) -> Term:
    """--regex: a Python regular expression over the printed lines (index.engine.patterns.regular)."""
    p = patterns.regular(raw)
    return Term(raw, True, raw, pattern=p)


def _term(text: str, exact: bool, wild: bool = False) -> Term:
    """A term; `wild`: a quoted string, whose ASCII ? and * are wildcards (never -e's string)."""
    if wild and patterns.has_wildcard(text):
        return Term(text, True, text, pattern=patterns.wildcards(text))
    norm = normalize_text(text)
    if not norm or not _WORDY.search(norm):
        raise QueryError(f"nothing to search for in '{text[:40]}' (only punctuation, symbols or spaces; a term needs a letter, digit or ideograph)",
                         "Search for words, figures or slogans.")
    return Term(norm, exact, text)


def top_filters(tree) -> list[tuple[str, str]]:
    """The (field, value) filters AND-ed at the top of a query tree: those that apply to all it finds."""
    parts = tree.parts if isinstance(tree, And) else (tree,)
    return [(p.field, p.value) for p in parts if isinstance(p, Filter)]


def terms_and_filters(raw: str) -> tuple[list[str], dict[str, str]]:
    """What a search query looks for — its terms as typed, not under NOT (a quoted phrase without its
    quotes) — and its top-level filters: the app's kwic and timeline of the search. A query that
    does not parse raises QueryError."""
    tree = parse(raw)
    return [t.raw for t in positive_terms(tree) if t.pattern is None], dict(top_filters(tree))


def positive_terms(node) -> list[Term]:
    """The terms whose matches are highlighted (not under a NOT)."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, (And, Or)):
        return [t for p in node.parts for t in positive_terms(p)]
    return []


def segment_ahead(corpus, raw: str, exact: bool = False) -> None:
    """For a process that runs one search: start cutting the query's unquoted terms into words in
    a child process now, before the search imports numpy and opens the indexes (Corpus.segment_ahead)."""
    if exact:
        return
    try:
        tree = parse(raw)
    except QueryError:
        return  # the search itself reports it
    corpus.segment_ahead(sorted({t.text for t in all_terms(tree) if not t.exact}))


def all_terms(node) -> list[Term]:
    """Every term, those under a NOT too."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return all_terms(node.part)
    if isinstance(node, (And, Or)):
        return [t for p in node.parts for t in all_terms(p)]
    return []


def _has_filter(node) -> bool:
    if isinstance(node, Filter):
        return True
    if isinstance(node, (And, Or)):
        return any(_has_filter(p) for p in node.parts)
    return False
