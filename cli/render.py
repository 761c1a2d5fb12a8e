"""Rendering with rich: every piece of report text goes in as `Text` or a plain `Segment` (never markup), control
characters made visible first, highlights applied as styles from the index's spans."""

from __future__ import annotations


from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from .visible import field, safe  # safe: report text (line breaks kept); field: an id, a title, a path (one line)

HIGHLIGHT = "bold black on yellow"
PLAIN_MARKS = ("〖", "〗")  # where there is no colour, a highlight must still be visible

class PipeConsole(Console):
    """rich's Console, except that a closed stdout (`| head`) is left to the command, which knows
    the exit code its results earned (rich would exit 1, which here means "nothing found")."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def lit(console: Console, text: str, spans, style: str = HIGHLIGHT, base: str = "") -> Text:
    """`text` with each span highlighted; without colour, spans are wrapped in visible marks."""
    return lit_text(text, spans, console.no_color or console.color_system is None, style, base)


def lit_text(text: str, spans, plain: bool, style: str = HIGHLIGHT, base: str = "") -> Text:
    """`lit` where the caller knows whether there is colour (`plain`: none)."""
    text = safe(text)
    if plain:
        out, last = [], 0
        for s, e in sorted(spans):
            if s < last:
                continue
            out += [text[last:s], PLAIN_MARKS[0], text[s:e], PLAIN_MARKS[1]]
            last = e
        out.append(text[last:])
        return Text("".join(out), style=base)
    t = Text(text, style=base)
    for s, e in spans:
        t.stylize(style, s, e)
    return t


def print_variants(console: Console, variants, counted: bool) -> None:
    """`also written with punctuation inside: 一主、六双 36 (--variants)`: what an exact count leaves
    out; without the hint where they are counted already."""
    if not variants:
        return
    line = Text("also written with punctuation inside: ", style="dim")
    for k, v in enumerate(variants):
        line.append(("  " if k else "") + field(v.text), style="bold")
        line.append(f" {v.occurrences:,}", style="dim")
    line.append(" (counted here)" if counted else " (--variants)", style="dim")
    console.print(line, soft_wrap=True)


def render_search(console: Console, result, cite=None) -> None:
    """`cite`: a record's citation (cli.citation.Citations.of), printed under each hit."""
    shown = len(result.hits)
    head = Text()
    head.append(field(result.query), style="bold")
    head.append(f" — {plural(result.total, 'section')}, {plural(result.occurrences, 'occurrence')}")
    if shown < result.total:
        head.append(f" (showing {shown}; --limit N or --all for more)", style="dim")
    console.print(head)
    if result.total:  # with nothing found, did-you-mean proposes them
        print_variants(console, result.variants, result.variants_counted)
    if result.suggestions:
        line = Text("did you mean: ", style="dim")
        for k, sug in enumerate(result.suggestions):
            line.append(("  " if k else "") + field(sug.text), style="bold")
            line.append(f" ({sug.count:,})", style="dim")
        console.print(line)
    for i, hit in enumerate(result.hits, start=1):
        console.print(hit_block(console, i, hit, None if cite is None else cite(hit)))


class Folded:
    """Text wrapped at any character, by cell width. rich wraps at spaces first, so a snippet that
    starts with a spaced heading (`筑巢引凤 精细化服务…`) would leave `筑巢引凤` alone on a line;
    Chinese is read without spaces and may break anywhere."""

    def __init__(self, text: Text):
        self.text = text

    def __rich_console__(self, console, options):
        from rich.cells import cell_len

        width = max(1, options.max_width)
        for line in self.text.split("\n", allow_blank=True):
            breaks, cells = [], 0
            for i, ch in enumerate(line.plain):
                w = cell_len(ch)
                if cells + w > width:
                    breaks.append(i)
                    cells = 0
                cells += w
            for part in line.divide(breaks):
                part.end = "\n"
                yield part

    def __rich_measure__(self, console, options):
        from rich.cells import cell_len
        from rich.measure import Measurement

        widest = max((cell_len(x) for x in self.text.plain.split("\n")), default=0)
        return Measurement(min(2, widest), widest)


def _hanging(label: Text | str, body, indent: int = 4, console: Console | None = None):
    """`label` then `body` wrapped under itself (CJK text has no spaces to wrap at); to a pipe or a
    file (`console.soft_wrap`), the label then the body on one line, so a quote copies whole."""
    if console is not None and console.soft_wrap:
        line = label.copy() if isinstance(label, Text) else Text(label)
        line.append(" " * max(1, indent + 1 - line.cell_len))
        return line.append_text(body.text if isinstance(body, Folded) else body)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, min_width=indent)
    grid.add_column(overflow="fold")  # no ratio: a short row is not padded out to the full width
    grid.add_row(label, body)
    return grid


def hit_meta(hit) -> str:
    """A hit's `region · year`, made safe (a sidecar's region is text from outside, as a title is)."""
    return " · ".join(field(str(x)) for x in (hit.region, hit.year) if x)


def hit_block(console: Console, i: int, hit, citation: str | None = None) -> Group:
    title = Text()
    title.append(field(hit.title), style="bold cyan")
    meta = hit_meta(hit)
    if meta:
        title.append(f" · {meta}")
    title.append(f"  [{field(hit.report)}]", style="dim")
    path = Text(" › ".join(field(p) for p in hit.path) + f"  §{hit.section_id}", style="green")
    snippet = Folded(lit(console, hit.snippet, hit.highlights))
    count = Text(f"{hit.count} occurrence{'s' if hit.count != 1 else ''}" + ("" if hit.verbatim else " (by words)")
                 + (" (in heading)" if hit.in_heading else ""), style="dim")
    if hit.also_in:
        count.append(" · also in " + ", ".join(field(r) for r in hit.also_in))
    rows = [_hanging(Text(f"{i:>2}.", style="bold"), title, console=console), _hanging("", path, console=console),
            _hanging("", snippet, console=console), _hanging("", count, console=console)]
    if citation is not None:  # the citation ends with the URL
        rows.append(cite_line(citation, "    "))
    elif hit.url:
        rows.append(_hanging("", url_line(hit.url), console=console))
    return Group(*rows, Text(""))


def cite_line(citation: str, indent: str = "") -> Text:
    """The one citation (cli.citation) as printed under a hit, a verify match, a section shown, a first
    mention: made safe, never cropped, never wrapped by rich (a terminal folds it; a pipe gets one line,
    the same string as the JSON `citation`)."""
    t = Text(indent)
    t.append(field(citation), style="dim")
    return t


def url_line(url: str) -> Text:
    """A source URL, on a line of its own under a citation (never wrapped: a terminal links it whole)."""
    return Text(field(url), style="dim underline", no_wrap=True, overflow="ellipsis")


def render_show(console: Console, view, highlights: dict | None = None, citation: str | None = None) -> None:
    highlights = highlights or {}
    # The title's marks are those of the first section's title line (-1), the heading's its line 0.
    header = lit(console, view.title, highlights.get((1, -1), []), base="bold")
    header.append(f"  [{field(view.report)}]", style="dim")
    console.print(header)
    if getattr(view, "subtitle", None):
        console.print(Text(field(view.subtitle), style="bold"))
    said = [x for x in (getattr(view, "speaker", None), getattr(view, "date", None), getattr(view, "occasion", None)) if x]
    if said:
        console.print(Text(" · ".join(field(x) for x in said)))
    console.print(Text(field(view.file), style="dim"), soft_wrap=True)  # a path is not wrapped mid-name
    if citation is not None:  # what was shown, as the one citation (with the URL)
        console.print(cite_line(citation), soft_wrap=True)
    elif view.url:
        console.print(url_line(view.url), soft_wrap=True)
    base_level = min((s.level for s in view.sections), default=1)
    for sec in view.sections:
        indent = "  " * (sec.level - base_level)
        console.print()
        h = Text(indent)
        h.append("#" * min(sec.level, 6) + " ", style="dim")
        h.append_text(lit(console, sec.heading, highlights.get((sec.id, 0), []),
                          base="bold magenta" if sec.level == base_level else "bold"))
        h.append(f"  §{sec.id}", style="dim")
        console.print(h)
        for p in sec.paragraphs:
            style = {"caption": "dim italic", "byline": "dim", "note": "dim"}.get(p.kind, "")
            spans = highlights.get((sec.id, p.n), [])
            body = lit(console, p.text, spans, base=style)
            if p.kind != "body":
                body.append(f"  ({p.kind})", style="dim")
            label = Text(f"{indent}¶{p.n}", style="cyan")
            if console.soft_wrap:  # not wrapped (a pipe, a file): the label, then the paragraph on one line
                console.print(label.append(" " * max(1, len(indent) + 4 - len(label.plain))).append_text(body))
            else:
                console.print(_hanging(label, body, indent=len(indent) + 3))


def reports_table(reports, width: int = 80) -> Table:
    """One line per report at any width: ids whole (a line must trace to its report), titles cropped; level and
    size only where there is room for them beside a readable title. Widths are set, not left to
    rich, so that a long title never squeezes the other columns."""
    from rich.cells import cell_len

    wide = width >= 110

    def fit(header: str, values, most: int) -> int:
        return min(most, max([cell_len(header)] + [cell_len(v) for v in values]))

    cols = [("id", fit("id", [field(r.id) for r in reports], 1 << 16), "left"),  # never cropped: the title gives way
            ("title", 0, "left"),
            ("region", fit("region", [field(r.region) for r in reports], 10), "left"),
            ("year", 4, "right")]
    if wide:
        cols.append(("level", fit("level", [r.level for r in reports], 10), "left"))
    cols.append(("§", fit("§", [str(r.sections) for r in reports], 5), "right"))
    if wide:
        cols.append(("chars", fit("chars", [f"{r.chars:,}" for r in reports], 11), "right"))
    title_w = max(12, width - sum(w for _, w, _ in cols) - len(cols))
    t = Table(show_edge=False, header_style="bold", box=None, padding=(0, 1, 0, 0), pad_edge=False)
    for name, w, justify in cols:  # a column's width includes its padding (one space)
        t.add_column(name, no_wrap=True, overflow="ellipsis", justify=justify, width=(w or title_w) + 1)
    for r in reports:
        title = Text(field(r.title))
        if r.duplicate_of:
            title.append(f" (duplicate of {field(r.duplicate_of)})", style="dim")
        row = [Text(field(r.id), style="dim"), title, Text(field(r.region)), str(r.year or "")]
        row += [r.level] if wide else []
        row.append(str(r.sections))
        row += [f"{r.chars:,}"] if wide else []
        t.add_row(*row)
    return t


def reports_summary(reports, filtered: bool) -> Text:
    duplicates = sum(1 for r in reports if r.duplicate_of)
    line = plural(len(reports), "report") + (f" ({duplicates} duplicate transcription{'s' if duplicates != 1 else ''})"
                                              if duplicates else "")
    if not reports:
        line = "no reports" + (" match these filters" if filtered else " in the archive")
    return Text(line, style="dim")


def sections_table(secs) -> Table:
    t = Table(show_edge=False, header_style="bold")
    t.add_column("§", justify="right")
    t.add_column("heading", overflow="fold")
    for s in secs:
        t.add_row(str(s.id), Text("  " * (s.level - 1) + field(s.heading)))
    return t


def ingest_summary(console: Console, result) -> None:
    parts = [f"added {len(result.added)}", f"updated {len(result.updated)}",
             f"unchanged {len(result.unchanged)}", f"removed {len(result.removed)}", f"failed {len(result.failed)}"]
    console.print(Text(" · ".join(parts), style="bold"))
    skipped = getattr(result, "skipped", ())
    if skipped:
        by_reason: dict[str, list[str]] = {}
        for s in skipped:
            by_reason.setdefault(field(s["reason"]), []).append(field(s["path"].replace("\\", "/").rsplit("/", 1)[-1]))
        console.print(Text(f"skipped {len(skipped)}: " + "; ".join(f"{reason} ({', '.join(names)})"
                                                                   for reason, names in by_reason.items())),
                      soft_wrap=True)
    for n in getattr(result, "notes", ()):  # ingested, but some bytes were replaced or read otherwise
        line = Text("  ! ", style="yellow")
        line.append(safe(n["path"]))
        line.append(": " + safe(n["note"]))
        console.print(line, soft_wrap=True)
    for f in result.failed:
        line = Text("  ✘ ", style="red")
        line.append(field(f["path"]))
        line.append(": " + field(f["error"]))
        console.print(line, soft_wrap=True)  # one line per file, whatever the width


def publish_summary(console: Console, result: dict) -> None:
    """What `publish --solr` did, on one line (the collection's name as text, never markup)."""
    line = Text(field(result["collection"]) + ": ", style="bold")
    line.append(f"published {result['published']:,} · deleted {result['deleted']:,} · unchanged {result['unchanged']:,}"
                f" ({result['seconds']:.1f} s)")
    console.print(line)


VERDICT_WORDS = {"exact": ("✔ 原文一致", "bold green"), "close": ("≈ 有出入", "bold yellow"),
                 "not_found": ("✘ 未找到", "bold red")}
DIFF_WORDS = {"figure": "数字", "wording": "文字", "punctuation": "标点", "figure_form": "数字写法", "script": "繁简"}


def verdict_line(v) -> Text:
    words, style = VERDICT_WORDS[v.verdict]
    line = Text(words, style=style)
    if v.verdict == "close" and v.matches:
        subst = [d for d in v.matches[0].differences if not d.of_form]
        if subst:
            line.append("：" + "；".join(f"{DIFF_WORDS[d.kind]} {field(d.quote) or '∅'} → {field(d.source) or '∅'}"
                                         for d in subst[:4]), style="yellow")
    return line


def where(paragraph: int) -> str:
    """¶N, or 标题 for paragraph 0: the heading (or the report's title)."""
    return f"¶{paragraph}" if paragraph else "标题"


def citation(m) -> Text:
    t = Text("《" + field(m.title) + "》", style="bold cyan")
    t.append(" · " + " › ".join(field(p) for p in m.path))
    t.append(f" · {where(m.paragraph)}" + (f"–{where(m.paragraph_end)}" if m.paragraph_end != m.paragraph else ""))
    t.append(f"  [{field(m.report)} §{m.section_id}]", style="dim")
    return t


def quote_marks(quote: str, differences) -> list[tuple[int, int]]:
    """Where the substantive differences stand in the quote as typed."""
    from archive import normalize

    norm, offsets = normalize(quote, keep_punctuation=True)
    spans, pos = [], 0
    for d in differences:
        if d.of_form or not d.quote:
            continue
        at = norm.find(d.quote, pos)
        if at >= 0:
            spans.append((offsets[at], offsets[at + len(d.quote) - 1] + 1))
            pos = at + len(d.quote)
    return spans


def render_verdict(console: Console, v, show_all: bool = False, cite=None) -> None:
    console.print(verdict_line(v))
    for i, m in enumerate(v.matches if show_all else v.matches[:3]):
        if cite is not None:  # the one citation (with the URL), then the paragraphs the quote spans
            console.print(cite_line(cite(m)), soft_wrap=True)
            if m.paragraph_end != m.paragraph:
                console.print(Text(f"  {where(m.paragraph)}–{where(m.paragraph_end)}", style="dim"))
        else:
            console.print(citation(m))
            if m.url:
                console.print(url_line(m.url), soft_wrap=True)
        if v.verdict == "close":
            q = _hanging(Text("  引文", style="dim"), Folded(lit(console, v.quote, quote_marks(v.quote, m.differences), style="bold red")), 6,
                         console)
            console.print(q)
        src = _hanging(Text("  原文", style="dim"), Folded(lit(console, m.source, m.source_spans, style="bold green")), 6,
                       console)
        console.print(src)
        forms = [d for d in m.differences if d.kind in ("figure_form", "script")]
        if forms:  # the same figure or word, written another way: said, never a difference of substance
            console.print(Text("  写法 " + "；".join(f"{field(d.quote)} = {field(d.source)}" for d in forms), style="dim"),
                          soft_wrap=True)
        if v.verdict == "close":
            console.print(Text(f"  相似度 {m.similarity:.0%}", style="dim"))
    if len(v.matches) > 3 and not show_all:
        console.print(Text(f"  … and {len(v.matches) - 3} more places (--json for all)", style="dim"))


def verdicts_table(rows) -> Table:
    """One row per quote: a Verdict, or (the line, why it could not be checked)."""
    t = Table(show_edge=False, header_style="bold")
    t.add_column("verdict", no_wrap=True)
    t.add_column("quote", overflow="fold")
    t.add_column("where", overflow="fold")
    for v in rows:
        if isinstance(v, tuple):
            t.add_row(Text("✘ 无法核对", style="bold red"), Text(field(v[0])), Text(field(v[1]), style="red"))
            continue
        place = Text("")
        if v.matches:
            m = v.matches[0]
            place = Text(f"{field(m.title)} · {where(m.paragraph)} [{field(m.report)} §{m.section_id}]")
        t.add_row(verdict_line(v), Text(field(v.quote)), place)
    return t


class CsvWriter:
    """csv.writer whose text cells are fields (`field`: control characters and line breaks made
    visible): a CSV is also read in a terminal (`--csv | less`) and by line tools, one record a line
    (an id made of a file name may hold a newline; a kwic context never does)."""

    def __init__(self, out):
        import csv

        self._writer = csv.writer(out)

    def writerow(self, row) -> None:
        self._writer.writerow([field(c) if isinstance(c, str) else c for c in row])


def trend_csv(t) -> str:
    """A terms × buckets matrix: a header row, one row per term (what a spreadsheet opens)."""
    import io

    keys = sorted({b.key for x in t.terms for b in x.buckets}, key=lambda k: (0, int(k), "") if k.isdigit() else (1, 0, k))
    out = io.StringIO()
    w = CsvWriter(out)
    w.writerow(["term", *keys, "total"])
    for x in t.terms:
        counts = {b.key: b.count for b in x.buckets}
        w.writerow([x.term, *[counts.get(k, 0) for k in keys], x.total])
    return out.getvalue()


def render_trend(console: Console, t, width: int | None = None, cite=None) -> None:
    """Per term: a line with the totals, a bar per bucket (scaled, the count beside it), and the
    first mention. Labels and bars are measured in cells, so CJK region names line up."""
    from rich.cells import cell_len

    width = min(width or console.width, 100)
    unit = f" per {t.per:,} characters" if t.per else ""
    for x in t.terms:
        head = Text(field(x.term), style="bold")
        head.append(f" — {plural(x.total, 'occurrence')} in {plural(x.reports, 'report')}{unit}, by {t.by}")
        console.print(head)
        print_variants(console, x.variants, t.variants_counted)
        if not x.buckets:
            console.print(Text("  (not found)", style="dim"))
        label_w = max((cell_len(field(b.key)) for b in x.buckets), default=4)
        value = lambda b: f"{b.count:g}" + (f" ({b.reports})" if t.by != "year" or b.reports > 1 else "")
        count_w = max((len(value(b)) for b in x.buckets), default=1)
        bar_w = max(10, width - label_w - count_w - 6)
        top = max((b.count for b in x.buckets), default=0) or 1
        for b in x.buckets:
            label = field(b.key)
            line = Text("  " + label + " " * (label_w - cell_len(label)) + " ")
            n = int(round(b.count / top * bar_w)) or (1 if b.count else 0)
            line.append("█" * n, style="cyan")
            line.append(" " + value(b))
            console.print(line, no_wrap=True, overflow="crop")
        if x.first and cite is not None:
            first = Text("  首次出现: ", style="bold")
            first.append_text(cite_line(cite(x.first)))
            console.print(first, soft_wrap=True)
        elif x.first:
            f = x.first
            first = Text("  首次出现: ", style="bold")
            first.append(f"{f.year or '?'} 《{field(f.title)}》 · {field(f.section)} · {where(f.paragraph)}")
            console.print(first, no_wrap=True, overflow="ellipsis", crop=True, width=width)
            console.print(Text(f"            [{field(f.report)} §{f.section_id}]", style="dim"), no_wrap=True, crop=True)
            if f.url:
                console.print(Text("            ").append_text(url_line(f.url)), soft_wrap=True)
        console.print()


def kwic_lines(console: Console, c, width: int) -> list[tuple[list[tuple[str, str | None]], int]]:
    """One line per occurrence at `width` cells, as (text, style) pieces and the line's width in
    cells: the left context right-aligned, the match lit up, the right context, then year and place
    (report, whole · § · ¶); the contexts are cropped to fit, the left one from its start, so every
    match stands in the same column. Plain strings, not rich Text, and each distinct place and match
    measured once: `kwic --all` makes hundreds of thousands of lines."""
    def place(k) -> str:  # the id whole (a line must trace to its report): the contexts give way
        return f"{k.year or '?'} {field(k.report)} §{k.section_id} {where(k.paragraph)}"

    plain = console.no_color or console.color_system is None  # no colour: the match between 〖〗
    marks = _cells("".join(PLAIN_MARKS)) if plain else 0  # 2 cells each
    measured: dict[str, int] = {}

    def cells(text: str) -> int:
        n = measured.get(text)
        if n is None:
            n = measured[text] = _cells(text)
        return n

    places = [place(k) for k in c.lines]
    matches = [safe(k.match) for k in c.lines]
    match_w = max(map(cells, matches), default=0) + marks
    place_w = max(map(cells, places), default=0)
    side = max(4, (width - match_w - place_w - 4) // 2)
    style = None if plain else HIGHLIGHT
    out = []
    for k, match, where_ in zip(c.lines, matches, places):
        left, left_w = _fit_end(safe(k.left).replace("\n", " "), side)
        right, right_w = _fit_start(safe(k.right).replace("\n", " "), side)
        shown_place, place_cells = (where_, cells(where_)) if cells(where_) <= place_w else _fit_start(where_, place_w)
        out.append(([(" " * (side - left_w) + left + " ", None),
                     (PLAIN_MARKS[0] + match + PLAIN_MARKS[1] if plain else match, style),
                     (" " * (match_w - marks - cells(match)) + " " + right + " " * (side - right_w) + "  ", None),
                     (shown_place, "dim")], 2 * side + match_w + 4 + place_cells))
    return out


_CELLS: dict[str, int] = {}  # a character's width in cells (rich's measure, cached: kwic measures millions)


def _width(ch: str) -> int:
    from rich.cells import cell_len

    w = _CELLS[ch] = cell_len(ch)
    return w


def _cells(text: str) -> int:
    if text.isascii():
        return len(text)
    get = _CELLS.get
    return sum([get(ch) or _width(ch) for ch in text])


def _fit_start(text: str, cells: int) -> tuple[str, int]:
    """The longest start of `text` within `cells` cells, and its width."""
    if len(text) * 2 <= cells:  # no character is wider than two cells
        return text, _cells(text)
    get, used = _CELLS.get, 0
    for i, ch in enumerate(text):
        w = get(ch) or _width(ch)
        if used + w > cells:
            return text[:i], used
        used += w
    return text, used


def _fit_end(text: str, cells: int) -> tuple[str, int]:
    """The longest end of `text` within `cells` cells, and its width."""
    kept, used = _fit_start(text[::-1], cells)
    return kept[::-1], used


class PieceLines:
    """Lines of (text, style) pieces with their widths in cells, as one renderable written as it is:
    a console.print per line (its measuring, wrapping and buffering) made a table of 100,000 kwic
    lines take a minute. A line wider than the console is cropped as print(crop=True) crops it."""

    def __init__(self, lines):
        self.lines = lines

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        styles = {s: console.get_style(s) for s in {style for line, _ in self.lines for _, style in line} if s}
        width, newline = options.max_width, Segment.line()
        for line, cells in self.lines:
            segments = [Segment(text, styles[style] if style else None) for text, style in line]
            yield from Segment.adjust_line_length(segments, width, pad=False) if cells > width else segments
            yield newline


def _cells_from_start(text: str, cells: int) -> str:
    return _fit_start(text, cells)[0]


def _cells_from_end(text: str, cells: int) -> str:
    return _fit_end(text, cells)[0]


def cropped(text: str, cells: int) -> str:
    """`text` cut to `cells` terminal cells (CJK characters take two), with … where it was cut."""
    from rich.cells import cell_len

    return text if cell_len(text) <= cells else _cells_from_start(text, cells - 1) + "…"


def render_kwic(console: Console, c, shown_all: bool) -> None:
    head = Text(field(c.term), style="bold")
    head.append(f" — {plural(c.total, 'occurrence')}")
    if len(c.lines) < c.total:
        head.append(f" (showing {len(c.lines)}; --limit N or --all for more, --csv or --json for every one)", style="dim")
    console.print(head, soft_wrap=True)
    print_variants(console, c.variants, c.variants_counted)
    lines = kwic_lines(console, c, console.width)
    for start in range(0, len(lines), 5000):  # a few thousand at a time: the output streams, memory stays flat
        console.print(PieceLines(lines[start:start + 5000]), crop=False)


def kwic_csv(c) -> str:
    import io

    from .jsonout import KWIC_FIELDS

    out = io.StringIO()
    w = CsvWriter(out)
    w.writerow(KWIC_FIELDS)
    for line in c.lines:
        w.writerow(["" if getattr(line, k) is None else getattr(line, k) for k in KWIC_FIELDS])
    return out.getvalue()


def render_spread(console: Console, sp) -> None:
    """`trend --first`: one line per region, earliest first — year, region, level, report · § · ¶."""
    from rich.cells import cell_len

    head = Text(field(sp.term), style="bold")
    head.append(f" — first written in {plural(len(sp.first), 'region')}, earliest first")
    console.print(head)
    if not sp.first:
        console.print(Text("  (not found)", style="dim"))
        return
    region_w = min(16, max(cell_len(field(r.region)) for r in sp.first))
    level_w = max(len(r.level) for r in sp.first)
    for r in sp.first:
        m = r.mention
        region = _cells_from_start(field(r.region), region_w)
        line = Text(f"  {m.year or '?':>4}  ")
        line.append(region + " " * (region_w - cell_len(region)), style="bold")
        line.append(f"  {r.level:<{level_w}}  ", style="dim")
        line.append(f"{field(m.report)} §{m.section_id} {where(m.paragraph)}", style="cyan")
        line.append(f"  《{field(m.title)}》 · {field(m.section)}", style="dim")
        console.print(line, no_wrap=True, overflow="ellipsis", crop=True)


def render_novelty(console: Console, nv) -> None:
    """`new`: the baseline in one line, then one line per phrase — the phrase, its count, where it
    first stands; quoted terms marked “”, phrases in a heading marked #."""
    from rich.cells import cell_len

    head = Text(f"《{field(nv.title)}》", style="bold")
    head.append(f"  [{field(nv.report)}] — {plural(nv.found, 'new phrase')}" +
                (f" (showing {len(nv.phrases)}; --limit N for more)" if len(nv.phrases) < nv.found else ""))
    console.print(head, soft_wrap=True)
    first, last = nv.years
    span = "" if first is None else f", {first}" if first == last else f", {first}–{last}"
    shown = ", ".join(field(b) for b in nv.baseline) if len(nv.baseline) <= 3 else "--json lists them"
    console.print(Text(f"  against {plural(len(nv.baseline), 'report')}{span} ({shown})", style="dim"), soft_wrap=True)
    width = min(24, max((cell_len(field(p.phrase)) + 2 for p in nv.phrases), default=4))
    for p in nv.phrases:
        phrase = f"“{field(p.phrase)}”" if p.quoted else field(p.phrase)
        phrase = _cells_from_start(phrase, width)
        line = Text("  " + phrase + " " * (width - cell_len(phrase)), style="bold")
        line.append(f"  {p.count:>3}×  ")
        line.append(f"§{p.section_id} {where(p.paragraph)}" + ("  #" if p.in_heading else ""), style="dim")
        console.print(line, no_wrap=True, overflow="ellipsis", crop=True)


# A cell of a report × indicator that holds no figure: the report sets none, states one in words,
# nothing was read (a miss — never shown blank, which would pass for a report that set nothing), its
# figures are of other periods only (非本年), or the report never names the indicator (无); and
# the cell of a region and year with no work report.
STATUS_MARK = {"not_set": "未设定", "qualitative": "定性", "not_found": "?", "other_period": "非本年", "no_cue": "无"}
NO_REPORT = "—"


MARK_MEANING = {"未设定": "the report sets none", "定性": "a target in words",
                "?": "it names the indicator, no figure was read (a possible miss)",
                "非本年": "its figures are of other years only (a plan, a review, a share)",
                "无": "it never names the indicator", NO_REPORT: "no work report"}


def targets_legend(rows, grid: bool = False) -> str | None:
    """Under a terminal table: what each mark it holds means (a blank that says why, said once). A
    grid also has cells of no report."""
    marks = {STATUS_MARK[r.status] for r in rows if r.status in STATUS_MARK}
    if grid and NO_REPORT in targets_grid(rows, grid)[2].values():
        marks.add(NO_REPORT)
    said = [f"{mark} {meaning}" for mark, meaning in MARK_MEANING.items() if mark in marks]
    return " · ".join(said) if said else None


def target_value(r) -> str:
    """A target in a cell: as written (5%左右, 6%—6.5%, 1200万人以上), or its status's mark."""
    return STATUS_MARK.get(r.status, r.text)


def targets_table(rows) -> Table:
    """One row per report and indicator: year, region, indicator, the target as written, the citation."""
    t = Table(show_edge=False, header_style="bold", box=None, padding=(0, 1, 0, 0))
    for name, justify in (("year", "right"), ("region", "left"), ("indicator", "left"), ("target", "left"), ("where", "left")):
        # a target's words (定性, 非本年) give way before the year, region and citation: --json has them whole
        t.add_column(name, justify=justify, no_wrap=name != "where", overflow="ellipsis" if name != "where" else "fold",
                     max_width=30 if name == "target" else None, min_width=len(name) if name != "target" else None)
    for r in rows:
        shown = target_value(r) + (f" {r.text}" if r.status in ("qualitative", "other_period") else "")
        place = f" §{r.section_id} {where(r.paragraph)}" if r.section_id is not None else ""
        t.add_row(str(r.year or "?"), Text(field(r.region)), r.indicator,
                  Text(field(shown), style="bold" if r.status == "value" else "dim"),
                  Text(f"{field(r.report)}{place}", style="dim"))
    return t


def targets_grid(rows, by: str) -> tuple[list[str], list[str], dict]:
    """(row keys, column keys, (row, column) → cell) of a regions × years grid (`by="year"`: years
    are the columns) or its transpose (`by="region"`). A cell holds one report's target; where two
    reports of one region and year state one (two transcriptions kept apart), both, joined by " / "."""
    cells: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        year, region = str(r.year or "?"), r.region or "?"
        key = (region, year) if by == "year" else (year, region)
        value = target_value(r) + ("（力争）" if r.modifier == "力争" else "")
        cells.setdefault(key, [])
        if value not in cells[key]:
            cells[key].append(value)
    rows_keys = sorted({k[0] for k in cells}, key=_bucket_order)
    cols = sorted({k[1] for k in cells}, key=_bucket_order)
    joined = {k: " / ".join(v) for k, v in cells.items()}
    return rows_keys, cols, {(a, b): joined.get((a, b), NO_REPORT) for a in rows_keys for b in cols}


def _bucket_order(key: str):
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def _compact(r) -> str:
    """A target in a narrow cell: 6 (左右 or bare), ≥6 (以上), ≤3 (以内, 控制在), 6–6.5, 力争6.5, or the
    status's mark (未设定, 定性, ?, 非本年, 无)."""
    def n(x):
        return f"{x:g}"
    if r.status in STATUS_MARK:
        return STATUS_MARK[r.status]
    if r.modifier == "力争":
        return f"力争{n(r.low)}"
    if r.low is not None and r.high is not None and r.low != r.high:
        return f"{n(r.low)}–{n(r.high)}"
    if r.high is None and r.low is not None:
        return f"≥{n(r.low)}"
    if r.low is None and r.high is not None:
        return f"≤{n(r.high)}"
    return n(r.low) if r.low is not None else field(r.text)


def targets_grid_table(console: Console, rows, by: str) -> tuple[Table, int]:
    """The grid in the terminal: compact cells (the unit in the corner), and as many of the latest
    columns as fit the width; returns the table and how many columns were left out."""
    from rich.cells import cell_len

    keys, cols, _ = targets_grid(rows, by)
    cells: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        year, region = str(r.year or "?"), r.region or "?"
        key = (region, year) if by == "year" else (year, region)
        value = _compact(r)
        if value not in cells.setdefault(key, []):
            cells[key].append(value)
    text = {(a, b): "/".join(cells.get((a, b), [NO_REPORT])) for a in keys for b in cols}
    units = sorted({r.unit for r in rows if r.unit})
    corner = ("region" if by == "year" else "year") + (f" ({'/'.join(units)})" if units else "")
    first_w = max([cell_len(corner)] + [cell_len(field(k)) for k in keys]) + 1
    widths = {c: max([cell_len(field(c))] + [cell_len(text.get((k, c), "")) for k in keys]) + 1 for c in cols}
    shown, used = [], first_w
    for c in reversed(cols):  # the latest first
        if used + widths[c] > console.width and shown:
            break
        shown.insert(0, c)
        used += widths[c]
    t = Table(show_edge=False, header_style="bold", box=None, padding=(0, 1, 0, 0))
    t.add_column(corner, no_wrap=True)
    for c in shown:
        t.add_column(field(c), no_wrap=True, justify="right")
    for k in keys:
        t.add_row(Text(field(k)), *[Text(text[k, c], style="dim" if text[k, c] in (NO_REPORT, *STATUS_MARK.values()) else "")
                                   for c in shown])
    return t, len(cols) - len(shown)


def targets_csv(rows, by: str | None) -> str:
    import io

    from .jsonout import TARGET_FIELDS

    out = io.StringIO()
    w = CsvWriter(out)
    if by is None:
        w.writerow(TARGET_FIELDS)
        for r in rows:
            w.writerow(["" if getattr(r, k) is None else getattr(r, k) for k in TARGET_FIELDS])
        return out.getvalue()
    keys, cols, cells = targets_grid(rows, by)
    w.writerow(["region" if by == "year" else "year", *cols])
    for k in keys:
        w.writerow([k, *[cells.get((k, c), "") for c in cols]])
    return out.getvalue()
