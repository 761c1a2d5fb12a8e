"""The reader — one hit's section with ¶ numbers, the query lit up, `n`/`N` from match to match and on
into the next hit — and the diff of a report against its region's previous one."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from textual.geometry import Region

from ..render.layout import LABEL_WIDTH, wrapped_row
from ..render.reading import reader_head, reader_line, section_lines
from ..shown import Shown
from ..visible import field
from .base import TEXT, answer_width, error_line, rendered


class ReaderScreen(Screen):
    """One hit's section: its heading path, the lines with ¶ numbers (captions dimmed), the query's
    matches lit up; `n`/`N` go from match to match and on into the next or previous hit."""

    BINDINGS = [Binding("n", "match(1)", "next match"), Binding("N", "match(-1)", "previous"),
                Binding("c", "cite", "cite"), Binding("escape", "back", "back"),
                Binding("K", "app.view('kwic')", "kwic"), Binding("question_mark", "app.help", "help"),
                Binding("j", "scroll(1)", show=False), Binding("k", "scroll(-1)", show=False),
                Binding("D", "diff", "diff", show=False)]  # listed in ?: the footer keeps its width

    def __init__(self, search, index: int, landing=None):
        """`search`: where the hits come from (the search screen, or a research view's hits) — its
        `hits`, `total`, `query_text` and `select(index)`. `landing`: a kwic line — open at the match
        of its paragraph that its left and right context surround, else at the first match."""
        super().__init__()
        self.search = search
        self.index = index
        self.landing = landing
        self.lines: list[tuple[int, str, str, list]] = []  # (¶ number, text, kind, spans) per widget
        self.matches: list[tuple[int, int]] = []  # (line, span index)
        self.current = -1
        self.hit = None

    def compose(self) -> ComposeResult:
        yield Static(id="reader-head")
        yield VerticalScroll(id="page")
        yield Footer()

    def on_mount(self) -> None:
        self.open(self.index, last=False, landing=self.landing)

    @work(exclusive=True, group="reader")
    async def open(self, index: int, last: bool, landing=None) -> None:
        hit = self.search.hits[index]
        view = await self.app.reads("show", hit.report, hit.section_id)
        marks = await self.app.reads("highlights", view, self.search.query_text)
        self.index, self.hit = index, hit
        self.search.select(index)
        self.lines = lines = section_lines(view, hit.section_id, marks)
        self.matches = [(k, j) for k, (_, _, _, spans) in enumerate(lines) for j in range(len(spans))]
        page = self.query_one("#page", VerticalScroll)
        await page.remove_children()
        await page.mount_all([Static(self.paint(k), classes="line") for k in range(len(lines))])
        self.current = -1
        there = [m for m, (k, _) in enumerate(self.matches) if landing and lines[k][0] == landing.paragraph]
        if there:
            await self.goto(next((m for m in there if self.surrounds(m, landing)), there[0]))
        elif self.matches:
            await self.goto(len(self.matches) - 1 if last else 0)
        else:
            page.scroll_home(animate=False)
            self.show_head()

    def surrounds(self, m: int, line) -> bool:
        """Whether match `m` stands where kwic `line` shows it: its context around it (the context's
        nearest characters: kwic cuts it at its width)."""
        k, j = self.matches[m]
        text, (start, end) = self.lines[k][1], self.lines[k][3][j]
        return text[:start].endswith(line.left[-8:]) and text[end:].startswith(line.right[:8])

    def paint(self, k: int, current: int | None = None):
        n, text, kind, spans = self.lines[k]
        return reader_line(n, text, kind, spans, self.app.plain, None if current is None else spans[current])

    async def goto(self, m: int) -> None:
        page = self.query_one("#page", VerticalScroll)
        widgets = list(page.query(".line"))
        if 0 <= self.current < len(self.matches):
            k, _ = self.matches[self.current]
            widgets[k].update(self.paint(k))
        self.current = m
        k, j = self.matches[m]
        widgets[k].update(self.paint(k, j))
        self.call_after_refresh(self.show_match, widgets[k], k, j)  # once the lines are laid out
        self.show_head()

    def show_match(self, widget, k: int, j: int) -> None:
        """Scroll the match's own row to the middle, not its paragraph's: a long paragraph centred can
        leave the match off screen."""
        width = widget.content_region.width - LABEL_WIDTH
        row = wrapped_row(self.lines[k][1], self.lines[k][3][j][0], width) if width > 0 else 0
        at = widget.virtual_region
        self.query_one("#page", VerticalScroll).scroll_to_region(Region(at.x, at.y + row, 1, 1), animate=False,
                                                                 center=True, force=True)

    def show_head(self) -> None:
        hit = self.hit
        where = f"match {self.current + 1}/{len(self.matches)}" if self.matches else TEXT["no_match"]
        head = reader_head(f"[{self.index + 1}/{self.search.total}] {where} ", hit, self.app.size.width - 2)
        self.query_one("#reader-head", Static).update(head)

    async def action_match(self, by: int) -> None:
        m = self.current + by
        if 0 <= m < len(self.matches):
            await self.goto(m)
        elif by > 0 and self.index + 1 < len(self.search.hits):
            self.open(self.index + 1, last=False)
        elif by < 0 and self.index > 0:
            self.open(self.index - 1, last=True)

    def action_scroll(self, by: int) -> None:
        page = self.query_one("#page", VerticalScroll)
        page.scroll_relative(y=by, animate=False)

    async def action_cite(self) -> None:
        if self.hit is None:
            return
        from ..citation import cite  # the one citation: the CLI's under hits, verify and kwic

        paragraph = self.lines[self.matches[self.current][0]][0] if self.matches else 0
        text = cite(self.hit, self.hit.section_id, self.hit.section, max(0, paragraph))  # the hit carries its report's head
        self.app.copy_to_clipboard(text)
        self.notify(TEXT["copied"].format(citation=text), timeout=4, markup=False)  # a title is text, never markup

    def action_back(self) -> None:
        self.app.pop_screen()

    async def action_diff(self) -> None:
        """The report against the same region's and level's report of the latest earlier year."""
        hit = self.hit
        if hit is None:
            return
        reports = await self.app.reads("reports", {"region": hit.region, "level": hit.level})
        earlier = [r for r in reports if r.region == hit.region and r.year is not None and hit.year is not None
                   and r.year < hit.year and not r.duplicate_of]
        if not earlier:
            self.notify(TEXT["no_previous"].format(report=field(hit.report)), timeout=4, markup=False)
            return
        previous = max(earlier, key=lambda r: (r.year, r.id))
        self.app.push_screen(DiffScreen(previous.id, hit.report))


class DiffScreen(Screen):
    """`diff` of two reports, as the command prints it: the summary, then the changes."""

    BINDINGS = [Binding("escape", "back", "back"), Binding("j", "scroll(1)", show=False),
                Binding("k", "scroll(-1)", show=False)]

    def __init__(self, old: str, new: str):
        super().__init__()
        self.old, self.new = old, new

    def compose(self) -> ComposeResult:
        yield Static(Shown(TEXT["diff_title"], style="bold"), id="tool-head")  # the ids: the diff's first line
        with VerticalScroll(id="answer-pane"):
            yield Static(Shown(TEXT["working"], style="dim"), id="answer")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#answer-pane").focus()
        self.answer()

    @work(exclusive=True, group="diff")
    async def answer(self) -> None:
        from index import SearchError

        from ..render.findings import render_revision

        try:
            r = await self.app.reads("diff", self.old, self.new)
            shown = rendered(lambda c: render_revision(c, r), answer_width(self), self.app.plain)
        except SearchError as e:
            shown = error_line(e)
        self.query_one("#answer", Static).update(shown)

    def action_scroll(self, by: int) -> None:
        self.query_one("#answer-pane", VerticalScroll).scroll_relative(y=by, animate=False)

    def action_back(self) -> None:
        self.app.pop_screen()


