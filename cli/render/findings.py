"""new (新提法) and targets (主要预期目标): a ranked list, a table of report × indicator, and the grid of one
indicator over regions and years (which the CSV of `targets --by` writes too)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from index.model import bucket_order

from ..shown import Shown, joined
from ..visible import field
from .layout import fit_start, plural, where


def render_novelty(console: Console, nv, hints: bool = True) -> None:
    """`new`: the baseline in one line, then one line per phrase — the phrase, its count, where it
    first stands; quoted terms marked “”, phrases in a heading marked #. `hints`: name the command's
    options for more (the app has none of them)."""
    from rich.cells import cell_len

    head = Shown(f"《{field(nv.title)}》", style="bold")
    head.append(f"  [{field(nv.report)}] — {plural(nv.found, 'new phrase')}" +
                (f" (showing {len(nv.phrases)}{'; --limit N for more' if hints else ''})"
                 if len(nv.phrases) < nv.found else ""))
    console.print(head, soft_wrap=True)
    first, last = nv.years
    span = "" if first is None else f", {first}" if first == last else f", {first}–{last}"
    shown = joined(nv.baseline, ", ") if len(nv.baseline) <= 3 else "--json lists them" if hints else \
        joined(nv.baseline[:3], ", ") + ", …"
    console.print(Shown(f"  against {plural(len(nv.baseline), 'report')}{span} ({shown})", style="dim"), soft_wrap=True)
    width = min(24, max((cell_len(field(p.phrase)) + 2 for p in nv.phrases), default=4))
    for p in nv.phrases:
        phrase = f"“{field(p.phrase)}”" if p.quoted else field(p.phrase)
        phrase = fit_start(phrase, width)[0]
        line = Shown("  " + phrase + " " * (width - cell_len(phrase)), style="bold")
        line.append(f"  {p.count:>3}×  ")
        line.append(f"§{p.section_id} {where(p.paragraph)}" + ("  #" if p.in_heading else ""), style="dim")
        console.print(line, no_wrap=True, overflow="ellipsis", crop=True)


def render_comparison(console: Console, cmp, hints: bool = True) -> None:
    """`compare`: the two sides in two lines, then a table — the phrase, its count and rate per 10,000
    characters on each side, G², log ratio, the target reports holding it. `hints`: name the
    command's options for more (the app has none of them)."""
    def side(s):
        return f"{field(s.label)} ({plural(s.texts, 'report')}, {s.chars:,} characters)"
    way = "less" if cmp.fewer else "more"
    head = Shown(f"{side(cmp.target)} against {side(cmp.reference)}: {plural(cmp.found, 'phrase')} used {way}",
                 style="bold")
    console.print(head, soft_wrap=True)
    more = "; --limit N or --all for more" if hints else ""
    shown = f"showing {len(cmp.phrases)}{more} · " if len(cmp.phrases) < cmp.found else ""
    older = f" · phrases mostly written before {cmp.since} left out" if cmp.since else ""
    console.print(Shown(f"  {shown}by {SORT_NAMES[cmp.sort]}, at least {cmp.min_count} occurrences"
                        f"{' in the reference' if cmp.fewer else ''}{older}{' · --json for citations' if hints else ''}",
                        style="dim"), soft_wrap=True)
    t = Table(show_edge=False, header_style="bold", box=None, padding=(0, 1, 0, 0))
    for name, justify in (("phrase", "left"), ("target", "right"), ("ref", "right"), ("/10k", "right"), ("ref/10k", "right"),
                          ("G²", "right"), ("log ratio", "right"), ("reports", "right")):
        t.add_column(name, justify=justify, no_wrap=True, overflow="ellipsis", max_width=24 if name == "phrase" else None)
    for p in cmp.phrases:
        t.add_row(Shown(p.phrase, style="bold"), str(p.target_count), str(p.reference_count), f"{p.target_per_10k:.2f}",
                  f"{p.reference_per_10k:.2f}", f"{p.g2:.1f}", f"{p.log_ratio:+.2f}", str(p.target_reports))
    console.print(t)
    if cmp.found < FEW:
        console.print(Shown(f"  a phrase is listed when it stands at least {cmp.min_count} times and the difference is "
                            "significant (G² ≥ 3.84, p < 0.05): in single reports that is rare — "
                            "`baogao new REPORT --against OTHER` lists every phrase one writes and the other does not",
                            style="dim"), soft_wrap=True)


def render_revision(console: Console, r, show_all: bool = False) -> None:
    """`diff`: the summary (counts, sections added and removed, figures that changed, targets side by
    side), then each section's changes — a run of unchanged sentences as a count, a changed one as the
    new sentence with 〖-old-〗〖+new+〗 at each difference, moved, added (+) and removed (−)."""
    s = r.summary
    console.print(Shown(f"{field(r.old)} → {field(r.new)}", style="bold"), soft_wrap=True)
    same = sum(p.kind == "same" for p in r.pairs)
    console.print(Shown(f"  {s.sentences_changed} changed · {s.sentences_added} added · {s.sentences_removed} removed · "
                        f"{s.sentences_moved} moved · {same} unchanged sentences"), soft_wrap=True)
    for label, headings in (("sections added", s.sections_added), ("sections removed", s.sections_removed)):
        if headings:
            console.print(Shown(f"  {label}: ", style="bold").append(joined(headings, " · ")), soft_wrap=True)
    if s.targets:
        console.print(Shown("  targets:", style="bold"))
        for t in s.targets:
            line = Shown(f"    {t.indicator:<24} ").append(t.old or "—").append(" → ").append(t.new or "—")
            if t.unchanged:
                line.append("  (unchanged)", style="dim")
            console.print(line, soft_wrap=True)
    if s.figures:
        console.print(Shown(f"  figures that changed ({len(s.figures)}):", style="bold"))
        for old, new, context in s.figures:
            console.print(Shown("    …").append(context).append(old or "—", style="red").append(" → ").append(new or "—", style="green"),
                          soft_wrap=True)
    section = None
    run = 0
    two_columns = console.is_terminal and console.width >= TWO_COLUMNS  # piped: one column, the marks
    for p in r.pairs:
        where = p.new_section if p.new_section is not None else p.old_section
        heading = p.new_heading if p.new_section is not None else p.old_heading
        if p.kind == "same" and not show_all:
            run += 1
            continue
        if run:
            console.print(Shown(f"    … {plural(run, 'unchanged sentence')}", style="dim"))
            run = 0
        if where != section:
            section = where
            console.print(Shown(f"§{where} ", style="bold").append(heading or ""), soft_wrap=True)
        if two_columns:
            grid = Table.grid(expand=True, padding=(0, 1))
            for ratio in (None, 1, None, 1):  # a mark, the old sentence, a mark, the new one
                grid.add_column(ratio=ratio, width=1 if ratio is None else None, overflow="fold")
            mark = Shown(_KIND_MARK[p.kind], style="bold")
            grid.add_row(mark, _side_of(p, "old"), mark.copy(), _side_of(p, "new"))
            console.print(grid)
        else:
            console.print(_revision_line(p), soft_wrap=True)
    if run:
        console.print(Shown(f"    … {plural(run, 'unchanged sentence')}", style="dim"))


_KIND_MARK = {"same": " ", "moved": "→", "changed": "~", "added": "+", "removed": "−"}
TWO_COLUMNS = 120  # a terminal this wide shows the old sentence beside the new


def _side_of(p, side: str) -> Shown:
    """One side of a pair in two columns: its mark, its sentence, each difference marked in it
    (〖-old-〗 on the left, 〖+new+〗 on the right; where it cannot be found as printed, unmarked)."""
    text = p.old_text if side == "old" else p.new_text
    cell = Shown("")
    cell.overflow = "fold"  # a long sentence wraps in its column, never cut
    if text is None:
        return cell
    if p.kind == "removed" or p.kind == "added":
        return cell.append(text, style="red" if side == "old" else "green")
    at = 0
    for kind, old, new in p.differences:
        piece = old if side == "old" else new
        found = text.find(piece, at) if piece else -1
        if found < 0:
            continue
        cell.append(text[at:found])
        cell.append("〖-" if side == "old" else "〖+").append(piece, style="red" if side == "old" else "green")
        cell.append("-〗" if side == "old" else "+〗")
        at = found + len(piece)
    cell.append(text[at:])
    if p.kind == "moved":
        cell.append(f"  (§{p.old_section} → §{p.new_section})" if side == "new" else "", style="dim")
    return cell


def _revision_line(p) -> Shown:
    line = Shown(f"  {_KIND_MARK[p.kind]} ", style="bold")
    if p.kind == "changed":
        line.append(p.new_text)
        for kind, old, new in p.differences:
            line.append("  ")
            if old:
                line.append("〖-").append(old, style="red").append("-〗")
            if new:
                line.append("〖+").append(new, style="green").append("+〗")
            line.append(f" {kind}", style="dim")
    elif p.kind == "removed":
        line.append(p.old_text, style="red")
    elif p.kind == "added":
        line.append(p.new_text, style="green")
    else:
        line.append(p.new_text)
        if p.kind == "moved":
            line.append(f"  (moved from §{p.old_section})", style="dim")
    return line


FEW = 10  # fewer phrases than this: say why a comparison lists so few
SORT_NAMES = {"g2": "log-likelihood G²", "logratio": "log ratio", "count": "count"}


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


def targets_legend(rows, grid: str | None = None) -> str | None:
    """Under a terminal table: what each mark it holds means (a blank that says why, said once). A
    grid (`grid`: its --by) also has cells of no report."""
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
        target = Shown(target_value(r), style="bold" if r.status == "value" else "dim")
        if r.status in ("qualitative", "other_period"):  # the mark, then the words
            target.append(" ").append(r.text)
        place = f" §{r.section_id} {where(r.paragraph)}" if r.section_id is not None else ""
        t.add_row(str(r.year or "?"), Shown(r.region), r.indicator, target,
                  Shown(f"{field(r.report)}{place}", style="dim"))
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
    rows_keys = sorted({k[0] for k in cells}, key=bucket_order)
    cols = sorted({k[1] for k in cells}, key=bucket_order)
    joined = {k: " / ".join(v) for k, v in cells.items()}
    return rows_keys, cols, {(a, b): joined.get((a, b), NO_REPORT) for a in rows_keys for b in cols}


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
        t.add_row(Shown(k), *[Shown(text[k, c], style="dim" if text[k, c] in (NO_REPORT, *STATUS_MARK.values()) else "")
                              for c in shown])
    return t, len(cols) - len(shown)


def print_targets(console: Console, rows, by: str | None, filtered: bool) -> None:
    """`targets` in the terminal: the table (or the --by grid), what its marks mean, what did not fit."""
    if not rows:
        console.print("no targets found" + (" for these filters" if filtered else ""))
        return
    if by:
        table, hidden = targets_grid_table(console, rows, by)
        console.print(table)
        if legend := targets_legend(rows, grid=by):
            console.print(legend, style="dim")
        if hidden:
            console.print(f"({hidden} earlier columns do not fit: --csv for all of them, or --year/--region)", style="dim")
        return
    console.print(targets_table(rows))
    if legend := targets_legend(rows):
        console.print(legend, style="dim")
