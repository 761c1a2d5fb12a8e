"""The query language (docs/contract.md): terms, "exact phrases", A B (both), A OR B, NOT A, parentheses,
and filters for the known fields only. The raw query is parsed first; each term is normalized after.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive import normalize_text
from archive.charclasses import WORDLIKE

from ..errors import QueryError

FIELDS = ("region", "year", "report", "heading", "level")
MAX_QUERY_CHARS = 2000
MAX_DEPTH = 50  # nested parentheses (and NOTs): deeper is no query a person writes, and would overflow the parser
_OPEN_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
_WORDY = WORDLIKE


@dataclass(frozen=True)
class Term:
    text: str  # normalized
    exact: bool
    raw: str
    variant: bool = False  # stands for the places the term holds only as a variant (index.variants)


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
        else:
            out.append(("word", word))
        i = j
    return out


def parse(raw: str, exact: bool = False):
    """The query tree for `raw`; raises QueryError with a one-line explanation."""
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
        if not parts:
            where = "at the start" if pos == 0 else "after nothing"
            raise QueryError(f"OR needs a term on both sides ({where})" if peek() == "OR" else "empty parentheses in the query",
                             "Write A OR B.")
        return parts[0] if len(parts) == 1 else And(tuple(parts))

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
        if kind == "field":
            field, _, value = text.partition(":")
            return Filter(field, value)
        return _term(text, kind == "quoted")

    tree = parse_or()
    if pos < len(tokens):
        raise QueryError("unbalanced parenthesis: ) without (", "Remove it or add the matching (.")
    if not positive_terms(tree) and not _has_filter(tree):
        raise QueryError("the query has nothing to look for (only NOT terms)", "Add a term to find, e.g. A NOT B.")
    return tree


def _exact(raw: str):
    """-e: the words that are not field filters, joined as typed, are one verbatim string."""
    words, found = [], []
    for word in raw.split():
        field, sep, value = word.partition(":")
        if sep and value and field.lower() in FIELDS:
            found.append(Filter(field.lower(), value))
        else:
            words.append(word)
    if not words:
        raise QueryError("the query has only filters and nothing to look for", "Add the words to find before the filters.")
    term = _term(" ".join(words), True)
    return And((term, *found)) if found else term


def _term(text: str, exact: bool) -> Term:
    norm = normalize_text(text)
    if not norm or not _WORDY.search(norm):
        raise QueryError(f"nothing to search for in '{text[:40]}' (only punctuation or spaces)",
                         "Search for words, figures or slogans.")
    return Term(norm, exact, text)


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
