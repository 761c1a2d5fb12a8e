"""trend as a chart: a bar per year drawn by plotext (its output read back as Text). The exact counts
stand beside it in the app (cli.ui.timeline); a chart only shows their shape."""

from __future__ import annotations

from ..shown import from_ansi

COLOURS = ("cyan", "magenta", "green", "yellow", "red", "blue")  # a term's bars, and its name in the list


def year_counts(t) -> tuple[list[int], list[list[float]]]:
    """Every year from the first any term was counted in to the last (a year unknown is left out of the
    chart), and each term's count per year (0 where it has none: a gap is seen as one)."""
    per_term = [{int(b.key): b.count for b in x.buckets if str(b.key).isdigit()} for x in t.terms]
    counted = {y for counts in per_term for y in counts}
    years = list(range(min(counted), max(counted) + 1)) if counted else []
    return years, [[counts.get(y, 0) for y in years] for counts in per_term]


def timeline_chart(t, width: int, height: int, plain: bool):
    """The chart of a by-year trend at `width` × `height` cells: bars per year (side by side for
    several terms, in COLOURS), whole-number ticks. No title or legend: plotext measures CJK as one
    cell, so names stand outside it."""
    import plotext as plt

    years, counts = year_counts(t)
    plt.clear_figure()
    plt.plot_size(max(20, width), max(6, height))
    plt.theme("clear")
    if not years:
        return from_ansi("")
    if len(counts) == 1:
        plt.bar(years, counts[0], color=None if plain else COLOURS[0], width=0.6)
    else:
        plt.multiple_bar(years, counts, color=None if plain else list(COLOURS[:len(counts)]))
    top = max(max(c) for c in counts) or 1
    ticks = sorted({round(top * k / 4) for k in range(5)})
    plt.yticks(ticks, [f"{v:,}" for v in ticks])
    step = max(1, round(len(years) / max(1, (width - 8) // 6)))  # a year label every 6 cells or more
    shown = years[::step]
    plt.xticks(shown, [str(y) for y in shown])
    return from_ansi(plt.build())
