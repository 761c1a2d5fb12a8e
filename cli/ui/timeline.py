"""trend in the app (t): each term's line as `baogao trend` prints it, a chart per year (plotext), and
beside it the exact counts a year a line — Enter on a year lists that year's hits in the search."""

from __future__ import annotations

import re

from textual import work
from textual.containers import Horizontal
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..render.counting import trend_head
from ..render.lines import variants_line
from ..render.timeline import COLOURS, timeline_chart, year_counts
from ..shown import Shown
from .base import TEXT, error_line, exact_query
from .research import LineList, View


def timeline_terms(asked: str) -> list[str]:
    """The terms typed in the timeline's box: split at spaces, a "quoted phrase" one term whatever
    its spaces (as the shell hands `trend` its quoted arguments); other quotes are printed marks."""
    return [quoted or bare for quoted, bare in _TERM.findall(asked)]


def typed_terms(terms: list[str]) -> str:
    """The search's terms as the box shows them: a term with a space in quotes."""
    return " ".join(f'"{t}"' if " " in t and '"' not in t else t for t in terms)


_TERM = re.compile(r'"([^"]+)"|(\S+)')


class TrendScreen(View):
    TITLE_KEY, ASK_KEY = "trend_title", "terms"

    def __init__(self, asked: str = "", filters: dict | None = None):
        """`filters`: region and level (the search's), as trend's --region and --level."""
        super().__init__(asked)
        self.filters = {k: v for k, v in (filters or {}).items() if v and k in ("region", "level")}
        self.trend = None
        self.head = Shown()
        self.years: list[int | None] = []  # the list's rows: the latest year first, None for "year unknown"

    def answer_widgets(self):
        yield Static(id="trend-head")
        with Horizontal(id="timeline"):
            yield LineList(id="answer-pane")
            yield Static(id="chart")

    def show(self, shown) -> None:
        self.query_one("#trend-head", Static).update(shown)

    @work(exclusive=True, group="view")
    async def answer(self, asked: str) -> None:
        from index import SearchError

        self.show(Shown(TEXT["working"], style="dim"))
        try:
            t = await self.app.reads("trend", timeline_terms(asked), stream=False, **self.filters)
        except SearchError as e:
            self.show(error_line(e))
            return
        self.trend = t
        head = Shown()
        for k, x in enumerate(t.terms):
            head.append_lines("\n" if k else "")
            if len(t.terms) > 1:  # the term's colour in the chart
                head.append("■ ", style=None if self.app.plain else COLOURS[k % len(COLOURS)])
            head.append(trend_head(t, x))
            if x.variants:  # what the exact count leaves out, as trend says it (a search counts them)
                head.append_lines("\n").append(variants_line(x.variants, t.variants_counted, hint=" (not counted)"))
        if self.filters:
            head.append("  filters: " + " ".join(f"{k}:{v}" for k, v in self.filters.items()), style="dim")
        self.head = head
        self.show(head)
        self.years, counts = year_counts(t)
        years = self.query_one("#answer-pane", LineList)
        years.clear_options()
        rows = [(str(y), [c[k] for c in counts]) for k, y in enumerate(self.years)][::-1]  # the latest first
        unknown = [sum(b.count for b in x.buckets if b.key == "?") for x in t.terms]
        if any(unknown):  # reports whose year is unknown: counted, shown, but not on the chart
            rows.append(("   ?", unknown))
        width = max((len(f"{n:g}") for _, ns in rows for n in ns), default=1)
        years.add_options([Option(Shown(f"{y}  " + " ".join(f"{n:>{width}g}" for n in ns),
                                        style="" if any(ns) and y.strip() != "?" else "dim")) for y, ns in rows])
        self.years = self.years[::-1] + ([None] if any(unknown) else [])
        if self.years:
            years.highlighted = 0
            years.focus()
        self.draw()

    def draw(self) -> None:
        if self.trend is None:
            return
        chart = self.query_one("#chart", Static)
        chart.update(timeline_chart(self.trend, chart.size.width, chart.size.height, self.app.plain))

    def on_resize(self, event=None) -> None:
        self.call_after_refresh(self.draw)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A year: its hits, in the search screen (the terms as exact strings, the year in the filter bar)."""
        year = self.years[event.option_index]
        if year is None:  # said under the terms' lines, where the eye is (a toast goes unseen over the chart)
            note = Shown().append(self.head)
            note.append_lines("\n")
            note.append(TEXT["year_unknown"], style="yellow")
            self.show(note)
            return
        query = " OR ".join(exact_query(term) for term in timeline_terms(self.asked))
        self.app.to_search().search_for(query, year=str(year), **self.filters)
