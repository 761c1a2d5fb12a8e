"""The research views, each drawn by its command's renderer: verify (v), kwic (K: sortable, Enter opens
the reader at that line), what is new in a report (W: Enter runs kwic on the phrase), targets (T: of a
report, or of the current filters as a table) and compare (C)."""

from __future__ import annotations

import shlex

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from ..render.checking import render_verdict
from ..render.counting import kwic_head, kwic_lines
from ..render.findings import print_targets, render_comparison, render_novelty
from ..shown import Shown
from .base import KWIC_SHOWN, TEXT, answer_width, console_for, error_line, exact_query, rendered

KWIC_SORTS = ("year", "left", "right")


class LineList(OptionList):
    BINDINGS = [Binding("j", "cursor_down", show=False), Binding("k", "cursor_up", show=False)]


class View(Screen):
    """A research view: its title, an optional box to ask in, and the answer."""

    BINDINGS = [Binding("escape", "back", "back"), Binding("question_mark", "app.help", "help")]
    TITLE_KEY = ""
    ASK_KEY: str | None = None

    def __init__(self, asked: str = ""):
        super().__init__()
        self.asked = asked

    def head_text(self) -> str:
        return TEXT[self.TITLE_KEY]

    def compose(self) -> ComposeResult:
        yield Static(Shown(self.head_text(), style="bold", no_wrap=True, overflow="ellipsis"), id="tool-head")
        if self.ASK_KEY:
            yield Input(self.asked, placeholder=TEXT[self.ASK_KEY], id="ask", select_on_focus=False)
        yield from self.answer_widgets()
        yield Footer()

    def answer_widgets(self):
        with VerticalScroll(id="answer-pane"):
            yield Static(id="answer")

    def on_mount(self) -> None:
        if self.ASK_KEY and not self.asked:
            self.query_one("#ask").focus()
        else:
            self.query_one("#answer-pane").focus()
            self.answer(self.asked)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.asked = event.value.strip()
            self.answer(self.asked)

    def width(self) -> int:
        return answer_width(self)

    def show(self, shown) -> None:
        self.query_one("#answer", Static).update(shown)

    def action_back(self) -> None:
        if self.ASK_KEY and isinstance(self.focused, Input) and self.asked:
            self.query_one("#answer-pane").focus()
        else:
            self.app.pop_screen()

    def answer(self, asked: str) -> None:
        raise NotImplementedError


class ToolScreen(View):
    """verify: a quote pasted, the verdict as `baogao verify` prints it."""

    TITLE_KEY, ASK_KEY = "verify_title", "quote"

    def __init__(self, kind: str = "verify", asked: str = ""):
        super().__init__(asked)
        self.kind = kind

    @work(exclusive=True, group="view")
    async def answer(self, asked: str) -> None:
        from index import SearchError

        self.show(Shown(TEXT["working"], style="dim"))
        try:
            v = await self.app.reads("verify", asked)
            shown = rendered(lambda c: render_verdict(c, v, show_all=True), self.width(), self.app.plain)
        except SearchError as e:
            shown = error_line(e)
        self.show(shown)


class CompareScreen(View):
    """compare TARGET [REFERENCE], as `baogao compare` prints it."""

    TITLE_KEY, ASK_KEY = "compare_title", "compare_ask"

    @work(exclusive=True, group="view")
    async def answer(self, asked: str) -> None:
        from index import SearchError

        self.show(Shown(TEXT["working"], style="dim"))
        try:
            words = shlex.split(asked)
        except ValueError as e:
            self.show(Shown(f"{e}: {asked}", style="red"))
            return
        if not 1 <= len(words) <= 2:
            self.show(Shown(TEXT["compare_ask"], style="red"))
            return
        try:
            cmp = await self.app.reads("compare", words[0], words[1] if len(words) > 1 else None)
            shown = rendered(lambda c: render_comparison(c, cmp, hints=False), self.width(), self.app.plain)
        except SearchError as e:
            shown = error_line(e)
        self.show(shown)


class TargetsScreen(View):
    """targets of one report, or of the search's filters as a table, as `baogao targets` prints them."""

    TITLE_KEY = "targets_title"

    def __init__(self, filters: dict, what: str):
        super().__init__()
        self.filters, self.what = filters, what

    def head_text(self) -> str:
        return TEXT["targets_title"].format(what=self.what)

    @work(exclusive=True, group="view")
    async def answer(self, asked: str) -> None:
        from index import SearchError

        self.show(Shown(TEXT["working"], style="dim"))
        try:
            rows = await self.app.reads("targets", (), self.filters)
            shown = rendered(lambda c: print_targets(c, rows, None, True), self.width(), self.app.plain)
        except SearchError as e:
            shown = error_line(e)
        self.show(shown)


class Found:
    """Hits a research view hands the reader (its `search`): the reader's n/N walk through them."""

    def __init__(self, hits, query_text: str):
        self.hits, self.total, self.query_text = list(hits), len(hits), query_text

    def select(self, index: int) -> None:
        pass


class KwicScreen(View):
    """kwic: every occurrence of one exact string in its context, as `baogao kwic` prints each line
    (the search's filters apply); `s` sorts by year, left or right context; Enter opens the reader
    at that occurrence."""

    TITLE_KEY, ASK_KEY = "kwic_title", "kwic_ask"
    BINDINGS = [Binding("s", "sort", "sort"), Binding("escape", "back", "back"),
                Binding("question_mark", "app.help", "help")]

    def __init__(self, asked: str = "", filters: dict | None = None):
        super().__init__(asked)
        self.filters = {k: v for k, v in (filters or {}).items() if v}
        self.sort = "year"
        self.lines: list = []

    def answer_widgets(self):
        yield Static(id="kwic-head")
        yield LineList(id="answer-pane")

    def width(self) -> int:
        laid_out = self.query_one("#answer-pane").scrollable_content_region.width - 2  # the options' padding
        return laid_out if laid_out > 2 else self.app.size.width - 6  # at mount: the screen's, less the list's

    def show(self, shown) -> None:
        self.query_one("#kwic-head", Static).update(shown)

    def action_sort(self) -> None:
        if self.asked:
            self.sort = KWIC_SORTS[(KWIC_SORTS.index(self.sort) + 1) % len(KWIC_SORTS)]
            self.answer(self.asked)

    @work(exclusive=True, group="view")
    async def answer(self, asked: str) -> None:
        from index import SearchError

        self.show(Shown(TEXT["working"], style="dim"))
        lines = self.query_one("#answer-pane", LineList)
        try:
            c = await self.app.reads("kwic", asked, filters=self.filters, sort=self.sort, limit=KWIC_SHOWN, stream=False)
        except SearchError as e:
            self.show(error_line(e))
            lines.clear_options()
            return
        self.lines = list(c.lines)
        head = kwic_head(c)
        if self.filters:  # the search's filters, as its headline says them
            head.append("  filters: " + " ".join(f"{k}:{v}" for k, v in self.filters.items()), style="dim")
        head.append(f"  · {TEXT['kwic_sorted'].format(sort=self.sort)}", style="dim")
        if len(self.lines) < c.total:
            head.append("  " + TEXT["kwic_more"].format(shown=len(self.lines)), style="dim")
        self.show(head)
        shown, _ = kwic_lines(console_for(self.width(), self.app.plain), self.lines, self.width())
        lines.clear_options()
        lines.add_options([Option(Shown.pieces(pieces)) for pieces, _ in shown])
        if self.lines:
            lines.highlighted = 0
            lines.focus()

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from .reading import ReaderScreen

        k = self.lines[event.option_index]
        found = await self.app.reads("search", exact_query(self.asked), limit=None,
                                     filters={"report": k.report}, stream=False)
        hits = [h for h in found.hits if h.report == k.report]
        at = next((i for i, h in enumerate(hits) if h.section_id == k.section_id), None)
        if at is None:  # the exact string's section is always a hit; kept safe all the same
            self.notify(TEXT["no_match"], timeout=3)
            return
        self.app.push_screen(ReaderScreen(Found(hits, exact_query(self.asked)), at, landing=k))


class NewScreen(View):
    """What is new in a report (新提法), as `baogao new` prints it; Enter runs kwic on the phrase."""

    TITLE_KEY = "new_title"

    def __init__(self, report: str):
        super().__init__()
        self.report = report
        self.phrases: list = []

    def answer_widgets(self):
        yield Static(id="new-head")
        yield LineList(id="answer-pane")

    def show(self, shown) -> None:
        self.query_one("#new-head", Static).update(shown)

    @work(exclusive=True, group="view")
    async def answer(self, asked: str) -> None:
        from index import SearchError

        self.show(Shown(TEXT["working"], style="dim"))
        try:
            nv = await self.app.reads("new_phrases", self.report, None, 200)
        except SearchError as e:
            self.show(error_line(e))
            return
        self.phrases = list(nv.phrases)
        width = self.app.size.width - 6
        painted = rendered(lambda c: render_novelty(c, nv, hints=False), width, self.app.plain).split("\n")
        head_lines = len(painted) - len(self.phrases) - 1  # the renderer: its head, then a line a phrase
        head = Shown()
        for k, line in enumerate(painted[:head_lines]):
            head.append_lines("\n" if k else "")
            head.append(line)
        self.show(head)
        options = self.query_one("#answer-pane", LineList)
        options.clear_options()
        options.add_options([Option(line) for line in painted[head_lines:head_lines + len(self.phrases)]])
        if self.phrases:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        phrase = self.phrases[event.option_index].phrase
        self.app.push_screen(KwicScreen(phrase))
