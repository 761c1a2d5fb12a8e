"""search, show, list and sections — and the same pieces in the app: a hit in the list and the preview,
the reader's lines and its head."""

from __future__ import annotations

import re

from rich.console import Console, Group
from rich.table import Table

from ..shown import Shown, joined, lit
from ..visible import field
from .layout import LABEL_WIDTH, Folded, cropped, hanging, plural
from .lines import cite_line, print_variants, url_line, variants_note


def search_headline(result, filters: dict | None = None) -> Shown:
    """`九解一协调 — 3 sections, 5 occurrences`; in the app also the filters chosen and did-you-mean."""
    line = Shown().append(result.query, style="bold")
    line.append(f" — {plural(result.total, 'section')}, {plural(result.occurrences, 'occurrence')}")
    if filters is None:
        return line
    if result.total:
        line.append(variants_note(result.variants, result.variants_counted))
    chosen = " ".join(f"{k}:{v}" for k, v in filters.items() if v)
    if chosen:
        line.append("  filters: " + chosen, style="dim")
    if result.suggestions:
        line.append("  did you mean: ", style="dim")
        line.append(joined((f"{s.text} ({s.count:,})" for s in result.suggestions), "  "), style="bold")
    return line


def render_search(console: Console, result, cite=None) -> None:
    """`cite`: a record's citation (cli.citation.Citations.of), printed under each hit."""
    shown = len(result.hits)
    head = search_headline(result)
    if shown < result.total:
        head.append(f" (showing {shown}; --limit N or --all for more)", style="dim")
    console.print(head)
    if result.total:  # with nothing found, did-you-mean proposes them
        print_variants(console, result.variants, result.variants_counted)
    if result.suggestions:
        line = Shown("did you mean: ", style="dim")
        for k, sug in enumerate(result.suggestions):
            line.append(("  " if k else "") + sug.text, style="bold")
            line.append(f" ({sug.count:,})", style="dim")
        console.print(line)
    for i, hit in enumerate(result.hits, start=1):
        console.print(hit_block(console, i, hit, None if cite is None else cite(hit)))


def hit_meta(hit) -> str:
    """A hit's `region · year`, made safe (a sidecar's region is text from outside, as a title is)."""
    return joined([x for x in (hit.region, hit.year) if x], " · ")


def hit_block(console: Console, i: int, hit, citation: str | None = None) -> Group:
    title = Shown().append(hit.title, style="bold cyan")
    meta = hit_meta(hit)
    if meta:
        title.append(f" · {meta}")
    title.append(f"  [{field(hit.report)}]", style="dim")
    path = Shown(joined(hit.path, " › ") + f"  §{hit.section_id}", style="green")
    snippet = Folded(lit(console, hit.snippet, hit.highlights))
    count = Shown(f"{hit.count} occurrence{'s' if hit.count != 1 else ''}" + ("" if hit.verbatim else " (by words)")
                  + (" (in heading)" if hit.in_heading else ""), style="dim")
    if hit.also_in:
        count.append(" · also in " + joined(hit.also_in, ", "))
    rows = [hanging(Shown(f"{i:>2}.", style="bold"), title, console=console), hanging("", path, console=console),
            hanging("", snippet, console=console), hanging("", count, console=console)]
    if citation is not None:  # the citation ends with the URL
        rows.append(cite_line(citation, "    "))
    elif hit.url:
        rows.append(hanging("", url_line(hit.url), console=console))
    return Group(*rows, Shown(""))


def hit_prompt(hit, plain: bool, width: int = 80) -> Shown:
    """A hit in the app's list, at most four lines of `width` cells: the title (cropped first) · region ·
    year and the count (`3× +1 transcription`), never wrapped; the whole report id, § and the heading
    path (cropped); two lines of the snippet, from a little before its first match."""
    from rich.cells import cell_len

    out = Shown()
    meta = hit_meta(hit)
    more = len(hit.also_in)
    count = f"  {hit.count}×" + ("" if hit.verbatim else " (words)") + \
        (f" +{more} transcription{'s' if more != 1 else ''}" if more else "")
    meta = f" · {meta}" if meta else ""
    title = cropped(field(hit.title), max(4, width - cell_len(meta) - cell_len(count)))
    out.append(title, style="bold")
    out.append(meta)
    out.append(count, style="dim")
    rid = f"[{field(hit.report)}] §{hit.section_id}  "  # never cropped (issue 31): the path gives way
    out.append_lines("\n")
    out.append(rid, style="dim")
    out.append(cropped(joined(hit.path, " › "), max(4, width - cell_len(rid))), style="green")
    spans = sorted(hit.highlights)
    start = max(0, spans[0][0] - 12) if spans else 0
    snippet = cropped(hit.snippet[start:], 2 * width - 6)  # two lines (its line breaks are already ↵)
    shift = [(s - start, e - start) for s, e in spans if s >= start]
    out.append_lines("\n" + ("…" if start else ""))
    out.append(Shown.lit(snippet, shift, plain))
    return out


PREVIEW_PARAGRAPHS = 8  # the matching paragraphs a preview shows; the reader has them all


def preview_lines(hit, view, marks: dict, plain: bool, width: int) -> Group:
    """The hit in the app's preview pane: title, where it stands, its URL (broken only after a `/`),
    then the lines that hold a match as the reader shows them (¶ numbers, matches lit), `⋯` where
    lines are skipped."""
    rows = [Shown(field(hit.title), style="bold"),
            Shown(joined(hit.path, " › ") + f"  [{field(hit.report)} §{hit.section_id}]", style="green")]
    if hit.url:
        rows += [Shown(part, style="dim underline", no_wrap=True, overflow="ellipsis")
                 for part in url_parts(field(hit.url), width)]
    if hit.also_in:
        rows.append(Shown("also in " + joined(hit.also_in, ", "), style="dim"))
    lines = section_lines(view, hit.section_id, marks)
    lit_lines = [k for k, (_, _, _, spans) in enumerate(lines) if spans]
    last = next((k for k, (n, _, _, _) in enumerate(lines) if n == 0), -1)  # the heading: in the path above
    for k in lit_lines[:PREVIEW_PARAGRAPHS]:
        if k > last + 1:
            rows.append(Shown("⋯", style="dim"))
        rows.append(reader_line(*lines[k], plain))
        last = max(last, k)
    if lines and last < len(lines) - 1:
        rows.append(Shown("⋯", style="dim"))
    if not lit_lines:
        rows.append(Shown.lit(hit.snippet, hit.highlights, plain))
    return Group(*rows)


def section_lines(view, section_id: int, marks: dict) -> list[tuple[int, str, str, list]]:
    """A section's lines as the reader shows them — (¶ number, text, kind, the query's spans): the
    report's title in the first section (-1), the heading (0), the paragraphs — for the app's reader
    and its preview (`marks`: index.backend's highlights of the section)."""
    sec = next((s for s in view.sections if s.id == section_id), None)
    if sec is None:
        return []
    from index.sectiontext import head_lines

    # the title only where it is a line of the section's text: not when it is the heading (normalized)
    lines = [(-1, view.title, "title")] if len(head_lines(view.title, section_id, sec.heading)) > 1 else []
    lines.append((0, sec.heading, "heading"))
    lines.extend((p.n, p.text, p.kind) for p in sec.paragraphs)
    return [(n, text, kind, marks.get((section_id, n), [])) for n, text, kind in lines]


def url_parts(url: str, width: int) -> list[str]:
    """A URL in lines of at most `width` cells, broken only after a `/`, `?`, `&` or `=` (never inside
    `.html`); a piece longer than a line stays whole and is cropped by the pane."""
    parts, line = [], ""
    for piece in re.split(r"(?<=[/?&=])", url):
        if line and len(line) + len(piece) > width:
            parts.append(line)
            line = ""
        line += piece
    return parts + [line] if line else parts


LINE_STYLES = {"title": "bold", "heading": "bold magenta", "caption": "dim italic", "byline": "dim", "note": "dim"}


def reader_line(n: int, text: str, kind: str, spans, plain: bool, current: tuple[int, int] | None = None):
    """One line of the app's reader: ¶n (§ for the heading, nothing for the title) and the text, its
    matches lit up and `current` (a span) reversed."""
    body = Shown.lit(text, spans, plain, base=LINE_STYLES.get(kind, ""))
    if current is not None and not plain:
        body.stylize("reverse", *current)
    if kind not in ("body", "title", "heading"):
        body.append(f"  ({kind})", style="dim")
    label = Shown("" if n < 0 else "§" if n == 0 else f"¶{n}", style="cyan")
    return hanging(label, Folded(body), LABEL_WIDTH)


def reader_head(position: str, hit, width: int) -> Shown:
    """The app's reader head: where in the hits and matches, then 《title》 · path, and the URL."""
    from rich.cells import cell_len

    head = Shown(position, style="dim")
    meta = hit_meta(hit)
    meta = f" · {meta}" if meta else ""  # region and year stand: many titles are just 2024年政府工作报告
    room = width - cell_len(position) - cell_len(meta)
    title = cropped(f"《{field(hit.title)}》", max(8, room * 2 // 3))
    head.append(title, style="bold cyan")
    head.append(meta, style="cyan")
    head.append(cropped(" · " + joined(hit.path, " › "), max(4, room - cell_len(title))), style="bold cyan")
    if hit.url:
        head.append_lines("\n" + cropped(field(hit.url), width), style="dim underline")
    return head


def render_show(console: Console, view, highlights: dict | None = None, citation: str | None = None) -> None:
    highlights = highlights or {}
    # The title's marks are those of the first section's title line (-1), the heading's its line 0.
    header = lit(console, view.title, highlights.get((1, -1), []), base="bold")
    header.append(f"  [{field(view.report)}]", style="dim")
    console.print(header)
    if getattr(view, "subtitle", None):
        console.print(Shown(view.subtitle, style="bold"))
    said = [x for x in (getattr(view, "speaker", None), getattr(view, "date", None), getattr(view, "occasion", None)) if x]
    if said:
        console.print(Shown(joined(said, " · ")))
    console.print(Shown(view.file, style="dim"), soft_wrap=True)  # a path is not wrapped mid-name
    if citation is not None:  # what was shown, as the one citation (with the URL)
        console.print(cite_line(citation), soft_wrap=True)
    elif view.url:
        console.print(url_line(view.url), soft_wrap=True)
    base_level = min((s.level for s in view.sections), default=1)
    for sec in view.sections:
        indent = "  " * (sec.level - base_level)
        console.print()
        h = Shown(indent)
        h.append("#" * min(sec.level, 6) + " ", style="dim")
        h.append(lit(console, sec.heading, highlights.get((sec.id, 0), []),
                     base="bold magenta" if sec.level == base_level else "bold"))
        h.append(f"  §{sec.id}", style="dim")
        console.print(h)
        for p in sec.paragraphs:
            style = {"caption": "dim italic", "byline": "dim", "note": "dim"}.get(p.kind, "")
            spans = highlights.get((sec.id, p.n), [])
            body = lit(console, p.text, spans, base=style)
            if p.kind != "body":
                body.append(f"  ({p.kind})", style="dim")
            label = Shown(f"{indent}¶{p.n}", style="cyan")
            if console.soft_wrap:  # not wrapped (a pipe, a file): the label, then the paragraph on one line
                console.print(label.append(" " * max(1, len(indent) + 4 - len(label.plain))).append(body))
            else:
                console.print(hanging(label, body, indent=len(indent) + 3))


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
        cols.append(("level", fit("level", [field(r.level) for r in reports], 10), "left"))
    cols.append(("§", fit("§", [str(r.sections) for r in reports], 5), "right"))
    if wide:
        cols.append(("chars", fit("chars", [f"{r.chars:,}" for r in reports], 11), "right"))
    title_w = max(12, width - sum(w for _, w, _ in cols) - len(cols))
    t = Table(show_edge=False, header_style="bold", box=None, padding=(0, 1, 0, 0), pad_edge=False)
    for name, w, justify in cols:  # a column's width includes its padding (one space)
        t.add_column(name, no_wrap=True, overflow="ellipsis", justify=justify, width=(w or title_w) + 1)
    for r in reports:
        title = Shown(r.title)
        if r.duplicate_of:
            title.append(f" (duplicate of {field(r.duplicate_of)})", style="dim")
        row = [Shown(r.id, style="dim"), title, Shown(r.region), str(r.year or "")]
        row += [Shown(r.level)] if wide else []
        row.append(str(r.sections))
        row += [f"{r.chars:,}"] if wide else []
        t.add_row(*row)
    return t


def reports_summary(reports, filtered: bool) -> Shown:
    duplicates = sum(1 for r in reports if r.duplicate_of)
    line = plural(len(reports), "report") + (f" ({duplicates} duplicate transcription{'s' if duplicates != 1 else ''})"
                                              if duplicates else "")
    if not reports:
        line = "no reports" + (" match these filters" if filtered else " in the archive")
    return Shown(line, style="dim")


def report_line(r) -> Shown:
    """`title  [id]`: the report whose sections follow."""
    return Shown(f"{field(r.title)}  [{field(r.id)}]")


def sections_table(secs) -> Table:
    t = Table(show_edge=False, header_style="bold")
    t.add_column("§", justify="right")
    t.add_column("heading", overflow="fold")
    for s in secs:
        t.add_row(Shown(str(s.id)), Shown("  " * (s.level - 1) + field(s.heading)))
    return t
