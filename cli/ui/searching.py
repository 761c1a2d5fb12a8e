"""The search screen: the search box, the filter bar (with the current hits' counts per level), the
hit list (one `OptionList`: thousands of hits stay smooth) with where you are in it, and on a wide
terminal the preview — the hit's matching paragraphs with their ¶ numbers, `⋯` where some are skipped."""

from __future__ import annotations

import asyncio
import re
from collections import Counter

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from ..render.layout import plural
from ..render.reading import hit_prompt, preview_lines, search_headline
from ..shown import Shown
from .base import BATCH, FIRST_PAGE, PREVIEW_MIN_WIDTH, SORTS, TEXT, error_line

SLOGAN = re.compile(r"“([\u4e00-\u9fff]{4,8})”")  # a slogan is printed in quotes: “九解一协调” (not “十四五”)
SLOGAN_REPORTS = 40  # the latest reports read for them


class QueryInput(Input):
    """The search box: ↑ in an empty box (or while walking the history) recalls earlier queries."""

    BINDINGS = [Binding("up", "history(-1)", "history", show=False), Binding("down", "history(1)", show=False)]

    def action_history(self, by: int) -> None:
        history = self.app.history
        walking = history.at < len(history.items) and self.value == history.items[history.at]
        if self.value and not walking:
            return
        value = history.step(by)
        if value is not None:
            self.value = value
            self.cursor_position = len(value)


class HitList(OptionList):
    BINDINGS = [Binding("j", "cursor_down", show=False), Binding("k", "cursor_up", show=False)]


def archive_slogans(backend, reports) -> list[str]:
    """The slogans the archive itself prints most (in quotes, in its latest reports), for the search
    box's examples: an archive without the sample pages is never offered 九解一协调."""
    latest = sorted((r for r in reports if not r.duplicate_of), key=lambda r: (r.year or 0, r.id))[-SLOGAN_REPORTS:]
    counts: Counter = Counter()
    for r in latest:
        view = backend.show(r.id)
        for s in view.sections:
            for p in s.paragraphs:
                for m in SLOGAN.finditer(p.text):
                    counts[m.group(1)] += 1
    return [s for s, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n > 1][:2]


class SearchScreen(Screen):
    """The search box, the filter bar, the hit list and, on a wide terminal, the preview pane."""

    BINDINGS = [Binding("escape", "leave_box", show=False), Binding("slash", "app.search", "search"),
                Binding("f", "app.filters", "filters"), Binding("t", "app.view('trend')", "trend"),
                Binding("K", "app.view('kwic')", "kwic"), Binding("question_mark", "app.help", "help")]

    def __init__(self):
        super().__init__()
        self.query_text = ""
        self.hits: list = []
        self.total = 0
        self.levels: list[str] = []  # the archive's levels, national first
        self.level_counts: tuple | None = None  # ((query, region, year), {level: hits}) of the last search

    def compose(self) -> ComposeResult:
        yield Static(id="banner")
        # select_on_focus=False: Tab into a box never selects its text (typing would replace the query)
        yield QueryInput(placeholder=TEXT["query"], id="query", select_on_focus=False)
        with Horizontal(id="filters"):
            yield Input(placeholder="region 地区", id="region", select_on_focus=False)
            yield Input(placeholder="year, e.g. 2020-2024", id="year", select_on_focus=False)
            yield Select([], prompt="level 级别", id="level")
            yield Select([(s, s) for s in SORTS], value="score", allow_blank=False, id="sort")
        with Horizontal(id="statusbar"):
            yield Static(TEXT["welcome"], id="status")
            yield Static(id="position")
        with Horizontal(id="body"):
            yield HitList(id="hits")
            with VerticalScroll(id="preview-pane"):
                yield Static(id="preview")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#query").focus()
        self.load_catalogue()
        self.on_resize()

    def on_resize(self, event=None) -> None:
        self.query_one("#preview-pane").display = self.app.size.width >= PREVIEW_MIN_WIDTH

    @work(group="catalogue")
    async def load_catalogue(self) -> None:
        from .. import app as cli_app

        reports = await self.app.reads("reports")
        order = ("national", "provincial", "city", "county", "other")  # as administration reads them
        self.levels = sorted({r.level for r in reports},
                             key=lambda level: (order.index(level) if level in order else len(order), level))
        self.label_levels({})
        self.query_one("#banner", Static).update(Shown(TEXT["banner"].format(reports=plural(len(reports), "report")),
                                                       style="dim"))
        samples = {p.stem for p in cli_app.seeds_folder().glob("*.txt")}
        if not any(r.id in samples for r in reports):  # the sample pages' slogans would find nothing here
            slogans = await self.app.reads.apply(archive_slogans, reports)
            examples = " · ".join([slogans[0], f'"{slogans[1]}"'] if len(slogans) > 1 else slogans or ['"一个短语"'])
            self.query_one("#query", Input).placeholder = TEXT["query_archive"].format(examples=examples)
        await self.app.reads("warm")  # while the first query is typed

    def label_levels(self, counts: dict) -> None:
        """The level choices, each with its count among the current hits (none before a search). The
        choice made stays, and changing the labels is no change of filter."""
        select = self.query_one("#level", Select)
        chosen = select.value
        with self.prevent(Select.Changed):
            select.set_options([(Shown(f"{level} ({counts[level]:,})" if counts else level), level)
                                for level in self.levels])
            if chosen is not Select.NULL and chosen in self.levels:
                select.value = chosen
        select.prompt = f"level 级别 ({sum(counts.values()):,})" if counts else "level 级别"

    def action_leave_box(self) -> None:
        """Escape: out of a box to the hit list; out of the filter bar with no filter set, the bar goes too."""
        bar = self.query_one("#filters")
        in_bar = self.focused is not None and bar in self.focused.ancestors
        if isinstance(self.focused, Input) or in_bar:  # a text box, or a choice in the bar (level, sort)
            if in_bar and not any(self.filters().values()):
                bar.remove_class("-shown")
            self.query_one("#hits").focus()

    def filters(self) -> dict:
        level = self.query_one("#level", Select).value
        return {"region": self.query_one("#region", Input).value.strip() or None,
                "year": self.query_one("#year", Input).value.strip() or None,
                "level": None if level is Select.NULL else level}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "query":
            query = event.value.strip()
            if not query:  # an emptied box: back to the start, nothing left from the last search
                self.query_text, self.hits, self.total = "", [], 0
                self.query_one("#hits", HitList).clear_options()
                self.query_one("#status", Static).update(TEXT["welcome"])
                self.query_one("#preview", Static).update("")
                self.show_position(None)
                return
            self.app.history.add(query)
            self.query_text = query
        if self.query_text:  # from a filter field, the focus stays in the bar (until Escape)
            self.run_search(self.query_text, to_hits=event.input.id == "query")

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.query_text:
            self.run_search(self.query_text, to_hits=False)

    def search_for(self, query: str, **filters) -> None:
        """Run `query` as if typed (a research view's way back to the hits), `filters` (region, year,
        level) set in the filter bar."""
        box = self.query_one("#query", Input)
        box.value = query
        for name in ("region", "year"):
            if filters.get(name):
                self.query_one(f"#{name}", Input).value = filters[name]
        level = self.query_one("#level", Select)
        if filters.get("level") in self.levels:
            with self.prevent(Select.Changed):
                level.value = filters["level"]
        if any(filters.values()):
            self.query_one("#filters").add_class("-shown")
        self.app.history.add(query)
        self.query_text = query
        self.run_search(query)

    @work(exclusive=True, group="search")
    async def run_search(self, query: str, to_hits: bool = True) -> None:
        from index import SearchError

        status = self.query_one("#status", Static)
        hits = self.query_one("#hits", HitList)
        status.update(Shown(TEXT["searching"], style="dim"))
        sort = self.query_one("#sort", Select).value
        filters = self.filters()
        try:
            # stream=False: hits are built on the reads thread (the one that holds the archive), never here
            result = await self.app.reads("search", query, limit=FIRST_PAGE, sort=sort, filters=filters, stream=False)
        except SearchError as e:
            status.update(error_line(e))
            hits.clear_options()
            self.hits, self.total = [], 0
            self.show_position(None)
            return
        self.hits, self.total = list(result.hits), result.total
        status.update(self.headline(result, filters))
        hits.clear_options()
        width = self.list_width()
        hits.add_options([Option(hit_prompt(h, self.app.plain, width)) for h in self.hits])
        if self.hits:
            hits.highlighted = 0
            if to_hits:
                hits.focus()
        self.show_position(0 if self.hits else None)
        if result.total > len(self.hits):
            rest = await self.app.reads("search", query, limit=None, sort=sort, filters=filters, stream=False)
            more = list(rest.hits)[len(self.hits):]
            for at in range(0, len(more), BATCH):  # in batches: keys are answered in between
                batch = more[at:at + BATCH]
                self.hits += batch
                hits.add_options([Option(hit_prompt(h, self.app.plain, width)) for h in batch])
                await asyncio.sleep(0)
        await self.count_levels(query, filters)

    async def count_levels(self, query: str, filters: dict) -> None:
        """The filter bar's counts: the hits per level for the query and the other filters (with a level
        chosen, those of the last search without one, or asked for)."""
        key = (query, filters["region"], filters["year"])
        if filters["level"] is None:
            counts = Counter(h.level for h in self.hits)
        elif self.level_counts and self.level_counts[0] == key:
            counts = self.level_counts[1]
        else:
            rest = await self.app.reads("search", query, limit=None, filters={**filters, "level": None}, stream=False)
            counts = Counter(h.level for h in rest.hits)
        self.level_counts = (key, counts)
        self.label_levels({level: counts.get(level, 0) for level in self.levels})

    def list_width(self) -> int:
        """The cells a hit's lines have: the list less its scrollbar's gutter (kept, so the width never
        changes as hits arrive) and the options' padding."""
        return max(20, self.query_one("#hits").scrollable_content_region.width - 2)

    def headline(self, result, filters):
        return search_headline(result, filters)

    def show_position(self, index: int | None) -> None:
        self.query_one("#position", Static).update(
            "" if index is None else Shown(f"{index + 1:,}/{self.total:,}", style="bold"))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index < len(self.hits):
            self.show_position(event.option_index)
            if self.query_one("#preview-pane").display:
                self.preview(self.hits[event.option_index])

    @work(exclusive=True, group="preview")
    async def preview(self, hit) -> None:
        """The hit's paragraphs that hold a match, read as the reader reads them (its ¶ numbers)."""
        await asyncio.sleep(0.05)  # a key held down moves on before each hit is read
        view = await self.app.reads("show", hit.report, hit.section_id)
        marks = await self.app.reads("highlights", view, self.query_text)
        self.query_one("#preview", Static).update(preview_lines(hit, view, marks, self.app.plain,
                                                                self.query_one("#preview").size.width))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from .reading import ReaderScreen

        self.app.push_screen(ReaderScreen(self, event.option_index))

    def select(self, index: int) -> None:
        """Keep the list's selection on the hit the reader shows."""
        self.query_one("#hits", HitList).highlighted = index

    def current_hit(self):
        at = self.query_one("#hits", HitList).highlighted
        return self.hits[at] if at is not None and at < len(self.hits) else None
