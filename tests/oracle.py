"""The oracle: brute force over an archive's display text and over the source files, answering the
questions the indexes answer. Slow and obviously right; the reference every channel is compared
with, not a second engine.

It shares no code with what it checks: it imports nothing from `archive` or `index`. Its
normalization is its own few lines, written from docs/contract.md ("Normalization") — the table of
punctuation classes is read from the contract itself at run time. What it reads is what a person
reads: the display text the store holds (read with sqlite3, read-only: reports, sections,
paragraphs), and, for per-report totals, the source files. A section's text is its lines — the
report title (first section only, when it is not also that section's heading, normalized), the heading, then
the paragraphs — each normalized on its own. A string is found within one line; occurrences are
counted as `str.count` counts them (non-overlapping, left to right). A report recorded as a
duplicate of another is folded under it when the other matches too (`with_duplicates=True`: every
report counts).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path

CONTRACT = Path(__file__).resolve().parent.parent / "docs" / "contract.md"
FIGURE_UNITS = "%‰‱"
STRAIGHT_QUOTES = "\"'＂＇"
_T2S = None


def _classes() -> tuple[dict[str, str], set[str]]:
    """member → canonical mark, and the canonical marks that end a phrase, from the contract's
    table (| class | `canon` | `a` `b` U+2329 … | yes |)."""
    out: dict[str, str] = {}
    breaking: set[str] = set()
    text = CONTRACT.read_text(encoding="utf-8")
    table = text[text.index("| class | canonical mark | members | ends a phrase |"):]
    for row in table.splitlines()[2:]:
        if not row.startswith("|"):
            break
        _, canon, members, ends = (c.strip() for c in row.strip("|").split("|"))
        canon = canon.strip("`")
        if ends == "yes":
            breaking.add(canon)
        for token in members.split():
            ch = chr(int(token[2:], 16)) if token.startswith("U+") else token.strip("`")
            out[ch] = canon
    return out, breaking


CLASS_OF, ENDS_A_PHRASE = _classes()


def is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P") and ch not in FIGURE_UNITS


def _t2s(ch: str) -> str:
    global _T2S
    if _T2S is None:
        import opencc

        _T2S = opencc.OpenCC("t2s")
    out = _T2S.convert(ch)
    return out if len(out) == 1 else ch


SPACE, QUOTE = ("s",), ("q",)


def _fold(ch: str) -> list:
    """One printed character → its folded characters, each a plain character (str), a mark
    (("m", its class's canonical mark)), a straight quote (QUOTE) or whitespace (SPACE)."""
    if ch.isspace() or ch in "\u200b\u200c\u200d\ufeff":
        return [SPACE]
    if ch in STRAIGHT_QUOTES:
        return [QUOTE]
    if ch in CLASS_OF:
        return [("m", CLASS_OF[ch])]
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if c.isspace():
            out.append(SPACE)
        elif c in STRAIGHT_QUOTES:
            out.append(QUOTE)
        elif c in CLASS_OF:
            out.append(("m", CLASS_OF[c]))
        elif is_mark(c):
            out.append(("m", c))
        else:
            out.append(_t2s(c.lower()) if len(c.lower()) == 1 else c.lower())
    return out


def norm(text: str) -> str:
    """A line as the contract reads it: marks as their classes, runs of one class one mark, two
    points or more an ellipsis, straight quotes opening and closing in turn, spaces gone but one
    between two Latin letters or digits."""
    items = [x for ch in text for x in _fold(ch)]
    out: list[str] = []
    quotes = 0
    i = 0
    while i < len(items):
        x = items[i]
        if isinstance(x, str):
            out.append(x)
            i += 1
            continue
        j = i  # a run of spaces and marks
        marks: list[str] = []
        points = 0
        while j < len(items) and isinstance(items[j], tuple):
            y = items[j]
            j += 1
            if y == SPACE:
                continue
            mark = ("“" if quotes % 2 == 0 else "”") if y == QUOTE else y[1]
            quotes += y == QUOTE
            points = points + 1 if mark == "." else 0
            if points >= 2:
                marks[-1] = "…"
            elif not marks or marks[-1] != mark:
                marks.append(mark)
        if marks:
            out.extend(marks)
        elif out and j < len(items) and _alnum(out[-1]) and isinstance(items[j], str) and _alnum(items[j]):
            out.append(" ")
        i = j
    return "".join(out)


def _alnum(c: str) -> bool:
    return len(c) == 1 and c.isascii() and c.isalnum()


def loose(normed: str) -> str:
    """Normalized text with the marks inside a phrase dropped: not those that end one, nor a point
    between two digits."""
    return "".join(c for k, c in enumerate(normed)
                   if not is_mark(c) or c in ENDS_A_PHRASE
                   or (c == "." and 0 < k < len(normed) - 1 and normed[k - 1].isdigit() and normed[k + 1].isdigit()))


@dataclass(frozen=True)
class Line:
    report: str
    section: int
    paragraph: int  # 0: the title or the heading
    kind: str  # title | heading | body | caption | byline | note
    text: str  # as displayed
    norm: str


@dataclass(frozen=True)
class ReportMeta:
    id: str
    title: str
    region: str
    year: int | None
    level: str
    duplicate_of: str | None
    date: str | None = None
    file: str = ""
    dropped: int = 0  # lines cleaning dropped as repeats


class Oracle:
    def __init__(self, home):
        path = Path(getattr(home, "path", home)) / "store.sqlite"
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            self.reports: dict[str, ReportMeta] = {}
            titles: dict[int, tuple[str, str]] = {}
            for rid, rep, title, region, year, level, dup, date, file, dropped in con.execute(
                    "SELECT rid, id, title, region, year, level, duplicate_of, date, file, duplicates_dropped FROM reports"):
                self.reports[rep] = ReportMeta(rep, title, region, year, level, dup, date, file, dropped)
                titles[rid] = (rep, title)
            paragraphs: dict[int, list[tuple[int, str, str]]] = {}
            for sid, n, text, kind in con.execute("SELECT sid, n, text, kind FROM paragraphs ORDER BY sid, n"):
                paragraphs.setdefault(sid, []).append((n, text, kind))
            self.sections: dict[tuple[str, int], list[Line]] = {}
            for sid, rid, n, heading in con.execute("SELECT sid, rid, n, heading FROM sections ORDER BY rid, n"):
                rep, title = titles[rid]
                lines = []
                if n == 1 and title and norm(title) != norm(heading or ""):  # the contract: "not that section's own heading"
                    lines.append(Line(rep, n, 0, "title", title, norm(title)))
                if heading:
                    lines.append(Line(rep, n, 0, "heading", heading, norm(heading)))
                for pn, text, kind in paragraphs.get(sid, []):
                    lines.append(Line(rep, n, pn, kind, text, norm(text)))
                self.sections[(rep, n)] = lines
            # by report id, then section: rids follow ingest order, which parallel ingest does not fix,
            # and the tests' seeded draws from these lines must draw the same needles every run
            self.sections = dict(sorted(self.sections.items()))
        finally:
            con.close()

    # -- which reports a filter keeps -----------------------------------------------------------
    def keeps(self, r: ReportMeta, region=None, year=None, level=None, report=None) -> bool:
        if region is not None and region not in r.region:
            return False
        if level is not None and r.level != level:
            return False
        if report is not None and not (r.id.startswith(report) or report in r.title):
            return False
        if year is not None:
            if r.year is None:
                return False
            y = str(year)
            if y.startswith(">="):
                return r.year >= int(y[2:])
            if y.startswith("<="):
                return r.year <= int(y[2:])
            if "-" in y[1:]:
                lo, hi = y.split("-", 1)
                return int(lo) <= r.year <= int(hi)
            return r.year == int(y)
        return True

    # -- exact strings ------------------------------------------------------------------------------
    def counts(self, raw: str, *, with_duplicates: bool = False, **filters) -> dict[tuple[str, int], int]:
        """(report, section) → occurrences of `raw` as printed, duplicates folded unless asked."""
        return self._fold(self._counts(norm(raw), lambda line: line.norm, filters), with_duplicates)

    def variants(self, raw: str, *, with_duplicates: bool = False, **filters) -> dict[tuple[str, int], int]:
        """(report, section) → places where the text equals `raw` once every mark is dropped from
        both, less the places it stands as printed (the contract's variants; the marks at the
        string's own ends take no part)."""
        inner = norm(raw)
        while inner and is_mark(inner[0]):
            inner = inner[1:]
        while inner and is_mark(inner[-1]):
            inner = inner[:-1]
        if len(loose(inner)) < 2:
            return {}
        everywhere = self._counts(loose(inner), lambda line: loose(line.norm), filters)
        printed = self._counts(inner, lambda line: line.norm, filters)
        diff = {k: n - printed.get(k, 0) for k, n in everywhere.items() if n - printed.get(k, 0) > 0}
        return self._fold(diff, with_duplicates)

    def _counts(self, needle: str, text_of, filters) -> dict[tuple[str, int], int]:
        found: dict[tuple[str, int], int] = {}
        if not needle:
            return found
        for key, lines in self.sections.items():
            if not self.keeps(self.reports[key[0]], **filters):
                continue
            n = sum(text_of(line).count(needle) for line in lines)
            if n:
                found[key] = n
        return found

    def _fold(self, found, with_duplicates: bool):
        if with_duplicates:
            return found
        matched = {rep for rep, _ in found}
        return {k: v for k, v in found.items() if self.reports[k[0]].duplicate_of not in matched}

    def folded(self, raw: str, **filters) -> dict[str, set[str]]:
        """original report → the duplicate reports folded under it (both matching)."""
        every = {rep for rep, _ in self.counts(raw, with_duplicates=True, **filters)}
        out: dict[str, set[str]] = {}
        for rep in every:
            original = self.reports[rep].duplicate_of
            if original in every:
                out.setdefault(original, set()).add(rep)
        return out

    def trend(self, raw: str, by: str = "year", *, with_duplicates: bool = False, **filters) -> dict[str, tuple[int, int]]:
        """bucket → (occurrences, reports)."""
        per_report: dict[str, int] = {}
        for (rep, _), n in self.counts(raw, with_duplicates=with_duplicates, **filters).items():
            per_report[rep] = per_report.get(rep, 0) + n
        out: dict[str, list[int]] = {}
        for rep, n in per_report.items():
            value = getattr(self.reports[rep], by)
            b = out.setdefault(str(value) if value is not None else "?", [0, 0])
            b[0] += n
            b[1] += 1
        return {k: (v[0], v[1]) for k, v in out.items()}

    def first(self, raw: str, *, with_duplicates: bool = False, **filters) -> tuple[str, int, int] | None:
        """(report, section, paragraph) of the first mention: the earliest year (unknown last), then
        the date where known, then the report id; its first section and first line holding it."""
        found = self.counts(raw, with_duplicates=with_duplicates, **filters)
        if not found:
            return None
        return self._mention(raw, min(found, key=lambda k: self._earliest(k[0]) + (k[1],)))

    def first_by_region(self, raw: str, *, with_duplicates: bool = False, **filters) -> list[tuple]:
        """(region, report, section, paragraph) of each region's first mention, earliest first."""
        found = self.counts(raw, with_duplicates=with_duplicates, **filters)
        best: dict[str, tuple[str, int]] = {}
        for key in sorted(found, key=lambda k: self._earliest(k[0]) + (k[1],)):
            best.setdefault(self.reports[key[0]].region, key)
        rows = sorted(best.items(), key=lambda kv: self._earliest(kv[1][0]))
        return [(region, *self._mention(raw, key)) for region, key in rows]

    def _earliest(self, report: str) -> tuple:
        r = self.reports[report]
        return (r.year is None, r.year or 0, r.date is None, r.date or "", r.id)

    def _mention(self, raw: str, key: tuple[str, int]) -> tuple[str, int, int]:
        needle = norm(raw)
        line = next(line for line in self.sections[key] if needle in line.norm)
        return key[0], key[1], line.paragraph

    # -- what a report says -------------------------------------------------------------------------
    def count_in(self, phrase: str, report: str) -> int:
        """Occurrences of `phrase` as printed in one report's lines."""
        needle = norm(phrase)
        return sum(line.norm.count(needle) for (rep, _), lines in self.sections.items() if rep == report
                   for line in lines)

    def source_total(self, raw: str, report: str, root: Path) -> int:
        """Occurrences of `raw` in the report's source file, read as the contract's cleaning
        equivalences say: markdown markup is not text, and a line that does not end a sentence
        (its last character is no closing mark) continues in the next non-blank line."""
        needle = norm(raw)
        text = (Path(root) / self.reports[report].file).read_text(encoding="utf-8-sig")
        total = 0
        for paragraph in source_paragraphs(text):
            total += norm(paragraph).count(needle)
        return total

    # -- patterns (the contract's "Patterns") ------------------------------------------------------
    def pattern_counts(self, regex: str, printed: bool = False, *, with_duplicates: bool = False,
                       **filters) -> dict[tuple[str, int], int]:
        """(report, section) → matches of the regular expression `regex` (wildcard_regex, near_regex,
        or a --regex as typed) in each line: the normalized line, or with `printed` the displayed line
        NFKC-folded; re.finditer's matches, empty ones not counted."""
        compiled = re.compile(regex)
        found: dict[tuple[str, int], int] = {}
        for key, lines in self.sections.items():
            if not self.keeps(self.reports[key[0]], **filters):
                continue
            n = 0
            for line in lines:
                text = unicodedata.normalize("NFKC", line.text) if printed else line.norm
                n += sum(1 for m in compiled.finditer(text) if m.end() > m.start())
            if n:
                found[key] = n
        return self._fold(found, with_duplicates)

    def pattern_matches(self, regex: str, printed: bool = False, **filters) -> list[str]:
        """Every match's text (of the folded line), in no particular order."""
        compiled = re.compile(regex)
        out = []
        for key, lines in self.sections.items():
            if self.keeps(self.reports[key[0]], **filters):
                for line in lines:
                    text = unicodedata.normalize("NFKC", line.text) if printed else line.norm
                    out += [m.group() for m in compiled.finditer(text) if m.end() > m.start()]
        return out

    # -- quotes -------------------------------------------------------------------------------------
    def verbatim(self, quote: str) -> set[tuple[str, int, int]]:
        """(report, section, paragraph where it starts) wherever the quote's characters stand in a
        row, ignoring punctuation and spaces (a decimal point inside a number counts), across the
        lines of one section (title, heading, body and note paragraphs; not captions or bylines)."""
        q = core(norm(quote))
        places = set()
        if not q:
            return places
        for key, (text, owner) in self._quotable().items():
            at = text.find(q)
            while at >= 0:
                places.add((*key, owner[at]))
                at = text.find(q, at + 1)
        return places

    def _quotable(self) -> dict[tuple[str, int], tuple[str, list[int]]]:
        """Per section, its quotable characters in a row and the paragraph of each (made once)."""
        if not hasattr(self, "_cores"):
            self._cores = {}
            for key, lines in self.sections.items():
                text, owner = "", []
                for line in lines:
                    if line.kind in ("caption", "byline"):
                        continue
                    c = core(line.norm)
                    text += c
                    owner += [line.paragraph] * len(c)
                self._cores[key] = (text, owner)
        return self._cores


def core(normed: str) -> str:
    """The characters that count in a quote: no punctuation, no space; a point between two digits
    and `%` stay (4.5% and 45% are different figures)."""
    return "".join(c for c in loose(normed) if c not in ENDS_A_PHRASE and c != " ")


_CLOSING = set("。！？；：…”』」）)】〕.!?;:|》")
_MARKUP = re.compile(r"\*\*|__|^\s{0,3}#{1,6}\s+|^\s*>\s?")


def source_paragraphs(text: str) -> list[str]:
    """A source file's paragraphs under the contract's cleaning equivalences."""
    out: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = _MARKUP.sub("", raw).strip()
        if not line:
            continue
        current += line
        if line[-1] in _CLOSING:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def wildcard_regex(raw: str) -> str:
    """A quoted pattern as the contract reads it: `?` one character, `*` up to 10, `*N` up to N (one or
    two digits), `\\?` `\\*` `\\\\` the characters; the pieces between normalized each on its own; a
    wildcard covers no line break, nor a sentence end unless a piece holds one."""
    tokens: list = []  # str pieces and int widths (negative: exactly one)
    piece = ""
    k = 0
    while k < len(raw):
        c = raw[k]
        if c == "\\" and k + 1 < len(raw) and raw[k + 1] in "?*\\":
            piece += raw[k + 1]
            k += 2
        elif c == "?":
            tokens += [piece, -1]
            piece, k = "", k + 1
        elif c == "*":
            digits = re.match(r"[0-9]{1,2}", raw[k + 1:])
            tokens += [piece, int(digits.group()) if digits else 10]
            piece, k = "", k + 1 + (len(digits.group()) if digits else 0)
        else:
            piece += c
            k += 1
    tokens.append(piece)
    pieces = [norm(t) for t in tokens if isinstance(t, str)]
    gap = "[^\\n]" if any("。" in p for p in pieces) else "[^\\n。]"
    out = ""
    for t in tokens:
        if isinstance(t, str):
            out += re.escape(norm(t))
        else:
            out += gap if t < 0 else gap + "{0,%d}?" % t
    return out


def near_regex(a: str, b: str, most: int, ordered: bool) -> str:
    """Two regular expressions (wildcard_regex, or re.escape of a normalized word) at most `most`
    characters apart in one line: a first, or either first."""
    first = f"(?:{a})[^\\n]{{0,{most}}}?(?:{b})"
    return first if ordered else f"{first}|(?:{b})[^\\n]{{0,{most}}}?(?:{a})"

