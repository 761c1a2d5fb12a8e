"""trend (bars per bucket), trend --first (how a term spread) and kwic (aligned lines)."""

from __future__ import annotations

from rich.console import Console

from ..shown import HIGHLIGHT, PLAIN_MARKS, Shown, plain_console
from ..visible import field, safe
from .layout import PieceLines, cells, fit_end, fit_start, plural, where
from .lines import cite_line, print_variants, url_line


def trend_head(t, x) -> Shown:
    """`人参 — 12 occurrences in 3 reports, by year`: a term's line in trend (and the app's timeline)."""
    unit = f" per {t.per:,} characters" if t.per else ""
    head = Shown(x.term, style="bold")
    head.append(f" — {plural(x.total, 'occurrence')} in {plural(x.reports, 'report')}{unit}, by {t.by}")
    return head


def render_trend(console: Console, t, width: int | None = None, cite=None) -> None:
    """Per term: a line with the totals, a bar per bucket (scaled, the count beside it), and the
    first mention. Labels and bars are measured in cells, so CJK region names line up."""
    from rich.cells import cell_len

    width = min(width or console.width, 100)
    for x in t.terms:
        console.print(trend_head(t, x))
        print_variants(console, x.variants, t.variants_counted)
        if not x.buckets:
            console.print(Shown("  (not found)", style="dim"))
        label_w = max((cell_len(field(b.key)) for b in x.buckets), default=4)
        value = lambda b: f"{b.count:g}" + (f" ({b.reports})" if t.by != "year" or b.reports > 1 else "")
        count_w = max((len(value(b)) for b in x.buckets), default=1)
        bar_w = max(10, width - label_w - count_w - 6)
        top = max((b.count for b in x.buckets), default=0) or 1
        for b in x.buckets:
            label = field(b.key)
            line = Shown("  " + label + " " * (label_w - cell_len(label)) + " ")
            n = int(round(b.count / top * bar_w)) or (1 if b.count else 0)
            line.append("█" * n, style="cyan")
            line.append(" " + value(b))
            console.print(line, no_wrap=True, overflow="crop")
        if x.first and cite is not None:
            first = Shown("  首次出现: ", style="bold")
            first.append(cite_line(cite(x.first)))
            console.print(first, soft_wrap=True)
        elif x.first:
            f = x.first
            first = Shown("  首次出现: ", style="bold")
            first.append(f"{f.year or '?'} 《{field(f.title)}》 · {field(f.section)} · {where(f.paragraph)}")
            console.print(first, no_wrap=True, overflow="ellipsis", crop=True, width=width)
            console.print(Shown(f"            [{field(f.report)} §{f.section_id}]", style="dim"), no_wrap=True, crop=True)
            if f.url:
                console.print(Shown("            ").append(url_line(f.url)), soft_wrap=True)
        console.print()


def render_spread(console: Console, sp) -> None:
    """`trend --first`: one line per region, earliest first — year, region, level, report · § · ¶."""
    from rich.cells import cell_len

    head = Shown(sp.term, style="bold")
    head.append(f" — first written in {plural(len(sp.first), 'region')}, earliest first")
    console.print(head)
    if not sp.first:
        console.print(Shown("  (not found)", style="dim"))
        return
    region_w = min(16, max(cell_len(field(r.region)) for r in sp.first))
    level_w = max(len(r.level) for r in sp.first)
    for r in sp.first:
        m = r.mention
        region = fit_start(field(r.region), region_w)[0]
        line = Shown(f"  {m.year or '?':>4}  ")
        line.append(region + " " * (region_w - cell_len(region)), style="bold")
        line.append(f"  {field(r.level):<{level_w}}  ", style="dim")
        line.append(f"{field(m.report)} §{m.section_id} {where(m.paragraph)}", style="cyan")
        line.append(f"  《{field(m.title)}》 · {field(m.section)}", style="dim")
        console.print(line, no_wrap=True, overflow="ellipsis", crop=True)


def kwic_lines(console: Console, lines, width: int, widths: tuple[int, int] = (0, 0)
               ) -> tuple[list[tuple[list[tuple[str, str | None]], int]], tuple[int, int]]:
    """One line per occurrence at `width` cells, as (text, style) pieces and the line's width in
    cells: the left context right-aligned, the match lit up, the right context, then year and place
    (report, whole · § · ¶); the contexts are cropped to fit, the left one from its start, so every
    match stands in the same column. Plain strings made visible (cli.visible.safe), not rich Text,
    and each distinct place and match measured once: `kwic --all` makes hundreds of thousands of lines.
    `lines` is a batch of them; `widths` (the match's and the place's columns) those of the batches
    before, which a batch only widens; returns the batch's lines and its widths."""
    def place(k) -> str:  # the id whole (a line must trace to its report): the contexts give way
        return f"{k.year or '?'} {field(k.report)} §{k.section_id} {where(k.paragraph)}"

    plain = plain_console(console)  # no colour: the match between 〖〗
    marks = cells("".join(PLAIN_MARKS)) if plain else 0  # 2 cells each
    measured: dict[str, int] = {}

    def measure(text: str) -> int:
        n = measured.get(text)
        if n is None:
            n = measured[text] = cells(text)
        return n

    places = [place(k) for k in lines]
    matches = [safe(k.match) for k in lines]
    match_w = max(max(map(measure, matches), default=0) + marks, widths[0])
    place_w = max(max(map(measure, places), default=0), widths[1])
    side = max(4, (width - match_w - place_w - 4) // 2)
    style = None if plain else HIGHLIGHT
    out = []
    for k, match, where_ in zip(lines, matches, places):
        left, left_w = fit_end(safe(k.left).replace("\n", " "), side)
        right, right_w = fit_start(safe(k.right).replace("\n", " "), side)
        shown_place, place_cells = (where_, measure(where_)) if measure(where_) <= place_w else fit_start(where_, place_w)
        out.append(([(" " * (side - left_w) + left + " ", None),
                     (PLAIN_MARKS[0] + match + PLAIN_MARKS[1] if plain else match, style),
                     (" " * (match_w - marks - measure(match)) + " " + right + " " * (side - right_w) + "  ", None),
                     (shown_place, "dim")], 2 * side + match_w + 4 + place_cells))
    return out, (match_w, place_w)


def kwic_head(c) -> Shown:
    """`高质量发展 — 3 occurrences`: kwic's first line (the app's kwic view's too)."""
    head = Shown(c.term, style="bold")
    head.append(f" — {plural(c.total, 'occurrence')}")
    return head


def render_kwic(console: Console, c, shown_all: bool) -> None:
    head = kwic_head(c)
    if len(c.lines) < c.total:
        head.append(f" (showing {len(c.lines)}; --limit N or --all for more, --csv or --json for every one)", style="dim")
    console.print(head, soft_wrap=True)
    print_variants(console, c.variants, c.variants_counted)
    import itertools

    found = iter(c.lines)  # built as they are read (index.model.Streamed)
    # A first screen at once (flushed: a pipe's reader has it now), then a thousand at a time: memory
    # stays flat, and a reader that closed the pipe (`| head`) stops the command within a batch.
    widths, size = (0, 0), 100
    while batch := list(itertools.islice(found, size)):
        shown, widths = kwic_lines(console, batch, console.width, widths)
        console.print(PieceLines(shown), crop=False)
        if size == 100:
            console.file.flush()
        size = 1000
