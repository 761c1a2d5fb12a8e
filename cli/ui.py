"""`baogao` in a terminal: a full-screen reader built on Textual.

Search box → hit list (one `OptionList`: thousands of hits stay smooth) → reader (the section with
¶ numbers, the query lit up, `n`/`N` from match to match and on into the next hit) → Escape back to
the list, the selection kept. `v` verify and `t` trend are views of their own, `f` the filter bar.

Every read goes through the backend (index.backend) on one thread of its own (`Reads`), awaited by
Textual workers: the event loop never waits on the archive, and the archive's handles (SQLite,
Whoosh, the suffix array's maps) are used by one thread only. The fork-ahead segmenter of the
one-shot CLI is never started here: forking a threaded process is unsafe."""

from __future__ import annotations

import asyncio
import functools
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.console import Console
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from .render.checking import render_verdict
from .render.counting import render_trend
from .render.layout import plural
from .render.reading import hit_prompt, preview_text, reader_head, reader_line, search_headline
from .shown import Shown, from_ansi
from .visible import field

# What a person reads, in one place (the search headline is render.reading.search_headline, as in the CLI).
TEXT = {
    "query": "搜索 search: 九解一协调 · \"一主六双\" · A OR B · region:吉林 year:2020-2024",
    "query_archive": "搜索 search: 新质生产力 · \"高质量发展\" · A OR B · region:广东 year:2020-2024",
    "welcome": "Type a query, Enter. ↑ history · Esc leaves a box · ? help",
    "searching": "searching …",
    "quote": "核对 verify: paste a quote, Enter",
    "terms": "趋势 trend: terms separated by spaces, Enter",
    "working": "working …",
    "verify_title": "核对引文 verify — does a quote stand in a report verbatim?",
    "trend_title": "趋势 trend — how often terms stand, by year",
    "copied": "copied: {citation}",
    "no_previous": "no earlier report of this region and level to compare {report} with",
    "diff_title": "what changed: {old} → {new}   (Esc back)",
    "no_match": "no match here",
    "banner": "baogao · {reports}",
}
HELP = """\
[b]baogao[/b] — keys

  Ctrl+Q   quit (anywhere)            q  quit (no box focused)
  /        search box                 Esc  leave a box · back
  ↑ in an empty search box: history   Enter  run · open the hit
  ↑↓ j k   move in the hit list       f  filter bar (region, year, level, sort)
  n / N    next / previous match      c  copy a citation (OSC 52)
  v        verify a quote             t  trend of terms
  D        in the reader: what changed since the region's previous report

Press any key to close."""
FIRST_PAGE = 100  # hits shown at once; the rest follow in the background,
BATCH = 200  # this many at a time
SORTS = ("score", "year", "oldest")
HISTORY_FILE = "ui-history"
HISTORY_KEEP = 500
PREVIEW_MIN_WIDTH = 110  # a preview pane beside the hit list from this terminal width


class Reads:
    """The backend, asked on one thread of its own."""

    def __init__(self, open_backend):
        self._open = open_backend
        self._backend = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="baogao-reads")

    async def __call__(self, method: str, *args, **kwargs):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(self._call, method, args, kwargs))

    def _call(self, method, args, kwargs):
        if self._backend is None:
            self._backend = self._open()
        return getattr(self._backend, method)(*args, **kwargs)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class History:
    """The queries typed, oldest first, kept in the home (one a line); ↑ walks back through them."""

    def __init__(self, path: Path | None):
        self.path = path
        self.items: list[str] = []
        self.at = 0
        if path is not None:
            try:
                self.items = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()][-HISTORY_KEEP:]
            except (OSError, UnicodeDecodeError):
                pass
        self.at = len(self.items)

    def add(self, query: str) -> None:
        if self.items and self.items[-1] == query:
            self.at = len(self.items)
            return
        self.items.append(query)
        self.at = len(self.items)
        if self.path is not None:
            try:  # a state folder that cannot be written keeps the history for this session only
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_text("\n".join(self.items[-HISTORY_KEEP:]) + "\n", encoding="utf-8")
            except OSError:
                pass

    def step(self, by: int) -> str | None:
        if not self.items:
            return None
        self.at = max(0, min(len(self.items), self.at + by))
        return self.items[self.at] if self.at < len(self.items) else ""


def rendered(paint, width: int, plain: bool):
    """What a CLI renderer (render_verdict, render_trend) prints, as one Text: the views show exactly
    what the commands show."""
    console = Console(file=io.StringIO(), width=max(20, width), force_terminal=True,
                      color_system=None if plain else "truecolor", markup=False, highlight=False, emoji=False)
    paint(console)
    return from_ansi(console.file.getvalue())


def error_line(e) -> Shown:
    """A SearchError in a view: the message and its hint, in red (a query typed is shown, not obeyed)."""
    return Shown(f"{e}" + (f" — {e.hint}" if e.hint else ""), style="red")


class QueryInput(Input):
    """The search box: ↑ in an empty box (or while walking the history) recalls earlier queries."""

    BINDINGS = [Binding("up", "history(-1)", "history", show=False), Binding("down", "history(1)", show=False)]

    def action_history(self, by: int) -> None:
        history: History = self.app.history
        walking = history.at < len(history.items) and self.value == history.items[history.at]
        if self.value and not walking:
            return
        value = history.step(by)
        if value is not None:
            self.value = value
            self.cursor_position = len(value)


class HitList(OptionList):
    BINDINGS = [Binding("j", "cursor_down", show=False), Binding("k", "cursor_up", show=False)]


class SearchScreen(Screen):
    """The search box, the filter bar, the hit list and, on a wide terminal, the preview pane."""

    BINDINGS = [Binding("escape", "leave_box", show=False)]

    def __init__(self):
        super().__init__()
        self.query_text = ""
        self.hits: list = []
        self.total = 0

    def compose(self) -> ComposeResult:
        yield Static(id="banner")
        # select_on_focus=False: Tab into a box never selects its text (typing would replace the query)
        yield QueryInput(placeholder=TEXT["query"], id="query", select_on_focus=False)
        with Horizontal(id="filters"):
            yield Input(placeholder="region 地区", id="region", select_on_focus=False)
            yield Input(placeholder="year 2020-2024", id="year", select_on_focus=False)
            yield Select([], prompt="level 级别", id="level")
            yield Select([(s, s) for s in SORTS], value="score", allow_blank=False, id="sort")
        yield Static(TEXT["welcome"], id="status")
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
        reports = await self.app.reads("reports")
        levels: dict[str, int] = {}
        for r in reports:
            levels[r.level] = levels.get(r.level, 0) + 1
        self.query_one("#level", Select).set_options(
            [(Shown(f"{level} ({n:,})"), level) for level, n in sorted(levels.items(), key=lambda kv: -kv[1])])
        self.query_one("#banner", Static).update(Shown(TEXT["banner"].format(reports=plural(len(reports), "report")),
                                                       style="dim"))
        if not _holds_the_samples(reports):  # the sample pages' slogans would find nothing here
            self.query_one("#query", Input).placeholder = TEXT["query_archive"]
        await self.app.reads("warm")  # while the first query is typed

    def action_leave_box(self) -> None:
        """Escape: out of a box to the hit list; out of the filter bar with no filter set, the bar goes too."""
        if isinstance(self.focused, Input):
            bar = self.query_one("#filters")
            if self.focused in bar.query(Input) and not any(self.filters().values()):
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
            if not query:
                return
            self.app.history.add(query)
            self.query_text = query
        if self.query_text:  # from a filter field, the focus stays in the bar (until Escape)
            self.run_search(self.query_text, to_hits=event.input.id == "query")

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.query_text:
            self.run_search(self.query_text, to_hits=False)

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
            self.hits = []
            return
        self.hits, self.total = list(result.hits), result.total
        status.update(self.headline(result, filters))
        hits.clear_options()
        hits.add_options([Option(hit_prompt(h, self.app.plain, self.list_width())) for h in self.hits])
        if self.hits:
            hits.highlighted = 0
            if to_hits:
                hits.focus()
        if result.total > len(self.hits):
            rest = await self.app.reads("search", query, limit=None, sort=sort, filters=filters, stream=False)
            more = list(rest.hits)[len(self.hits):]
            for at in range(0, len(more), BATCH):  # in batches: keys are answered in between
                batch = more[at:at + BATCH]
                self.hits += batch
                hits.add_options([Option(hit_prompt(h, self.app.plain, self.list_width())) for h in batch])
                await asyncio.sleep(0)

    def list_width(self) -> int:
        return max(20, self.query_one("#hits").size.width - 2)

    def headline(self, result, filters):
        return search_headline(result, filters)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index < len(self.hits) and self.query_one("#preview-pane").display:
            self.query_one("#preview", Static).update(preview_text(self.hits[event.option_index], self.app.plain))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.push_screen(ReaderScreen(self, event.option_index))

    def select(self, index: int) -> None:
        """Keep the list's selection on the hit the reader shows."""
        self.query_one("#hits", HitList).highlighted = index


def _holds_the_samples(reports) -> bool:
    """Whether the bundled sample pages (九解一协调, 一主六双) are among the reports: by their ids (a
    sample's id is its file's name, wherever the package was installed from)."""
    from .app import seeds_folder

    samples = {p.stem for p in seeds_folder().glob("*.txt")}
    return any(r.id in samples for r in reports)


class ReaderScreen(Screen):
    """One hit's section: its heading path, the lines with ¶ numbers (captions dimmed), the query's
    matches lit up; `n`/`N` go from match to match and on into the next or previous hit."""

    BINDINGS = [Binding("n", "match(1)", "next match"), Binding("N", "match(-1)", "previous"),
                Binding("c", "cite", "copy citation"), Binding("escape", "back", "back to the list"),
                Binding("j", "scroll(1)", show=False), Binding("k", "scroll(-1)", show=False),
                Binding("D", "diff", "diff", show=False)]  # listed in ?: the footer keeps its width

    def __init__(self, search: SearchScreen, index: int):
        super().__init__()
        self.search = search
        self.index = index
        self.lines: list[tuple[int, str, str, list]] = []  # (¶ number, text, kind, spans) per widget
        self.matches: list[tuple[int, int]] = []  # (line, span index)
        self.current = -1
        self.hit = None

    def compose(self) -> ComposeResult:
        yield Static(id="reader-head")
        yield VerticalScroll(id="page")
        yield Footer()

    def on_mount(self) -> None:
        self.open(self.index, last=False)

    @work(exclusive=True, group="reader")
    async def open(self, index: int, last: bool) -> None:
        hit = self.search.hits[index]
        view = await self.app.reads("show", hit.report, hit.section_id)
        marks = await self.app.reads("highlights", view, self.search.query_text)
        self.index, self.hit = index, hit
        self.search.select(index)
        sec = next(s for s in view.sections if s.id == hit.section_id)
        lines = []
        if hit.section_id == 1 and view.title:
            lines.append((-1, view.title, "title", marks.get((1, -1), [])))
        lines.append((0, sec.heading, "heading", marks.get((sec.id, 0), [])))
        lines += [(p.n, p.text, p.kind, marks.get((sec.id, p.n), [])) for p in sec.paragraphs]
        self.lines = lines
        self.matches = [(k, j) for k, (_, _, _, spans) in enumerate(lines) for j in range(len(spans))]
        page = self.query_one("#page", VerticalScroll)
        await page.remove_children()
        await page.mount_all([Static(self.paint(k), classes="line") for k in range(len(lines))])
        self.current = -1
        if self.matches:
            await self.goto(len(self.matches) - 1 if last else 0)
        else:
            page.scroll_home(animate=False)
            self.show_head()

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
        page.scroll_to_center(widgets[k], animate=False)
        self.show_head()

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
        from .citation import cite  # the one citation: the CLI's under hits, verify and kwic

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
        yield Static(Shown(TEXT["diff_title"].format(old=field(self.old), new=field(self.new)), style="bold"), id="tool-head")
        with VerticalScroll(id="answer-pane"):
            yield Static(Shown(TEXT["working"], style="dim"), id="answer")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#answer-pane").focus()
        self.answer()

    @work(exclusive=True, group="diff")
    async def answer(self) -> None:
        from index import SearchError

        from .render.findings import render_revision

        width = self.query_one("#answer-pane").size.width - 1
        try:
            r = await self.app.reads("diff", self.old, self.new)
            shown = rendered(lambda c: render_revision(c, r), width, self.app.plain)
        except SearchError as e:
            shown = error_line(e)
        self.query_one("#answer", Static).update(shown)

    def action_scroll(self, by: int) -> None:
        self.query_one("#answer-pane", VerticalScroll).scroll_relative(y=by, animate=False)

    def action_back(self) -> None:
        self.app.pop_screen()


class ToolScreen(Screen):
    """A text box and what the command shows for it: verify (a quote) or trend (terms)."""

    BINDINGS = [Binding("escape", "back", "back")]

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        yield Static(Shown(TEXT["verify_title" if self.kind == "verify" else "trend_title"], style="bold"), id="tool-head")
        yield Input(placeholder=TEXT["quote" if self.kind == "verify" else "terms"], id="ask")
        with VerticalScroll(id="answer-pane"):
            yield Static(id="answer")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ask").focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input) and self.query_one("#answer", Static).visual:
            self.query_one("#answer-pane").focus()
        else:
            self.app.pop_screen()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.answer(event.value.strip())

    @work(exclusive=True, group="tool")
    async def answer(self, text: str) -> None:
        from index import SearchError

        out = self.query_one("#answer", Static)
        out.update(Shown(TEXT["working"], style="dim"))
        width = self.query_one("#answer-pane").size.width - 1
        try:
            if self.kind == "verify":
                v = await self.app.reads("verify", text)
                shown = rendered(lambda c: render_verdict(c, v, show_all=True), width, self.app.plain)
            else:
                t = await self.app.reads("trend", text.split(), stream=False)
                shown = rendered(lambda c: render_trend(c, t, width), width, self.app.plain)
        except SearchError as e:
            shown = error_line(e)
        out.update(shown)


class HelpScreen(ModalScreen):
    def compose(self) -> ComposeResult:
        yield Static(HELP, id="help")

    def on_key(self, event) -> None:
        event.stop()
        self.app.pop_screen()


class BaogaoApp(App):
    TITLE = "baogao"
    ENABLE_COMMAND_PALETTE = False  # the keys are few; ? lists them
    CSS = """
    #banner { height: 1; padding: 0 1; }
    #query { margin: 0 0; }
    #filters { height: auto; display: none; }
    #filters.-shown { display: block; }
    #filters Input { width: 1fr; }
    #filters Select { width: 1fr; }
    #status { height: auto; max-height: 3; padding: 0 1; }
    #body { height: 1fr; }
    #hits { width: 1fr; height: 1fr; border: none; padding: 0; }
    #hits > .option-list--option { padding: 0 1; }
    #preview-pane { width: 1fr; border-left: solid $primary-background; padding: 0 1; }
    #reader-head { height: auto; max-height: 3; padding: 0 1; background: $boost; }
    #page { height: 1fr; padding: 0 1; }
    .line { margin-bottom: 1; }
    #answer-pane { height: 1fr; padding: 0 1; }
    #tool-head { height: 1; padding: 0 1; }
    HelpScreen { align: center middle; }
    #help { width: auto; max-width: 80; padding: 1 2; border: round $primary; background: $surface; }
    """
    BINDINGS = [
        Binding("ctrl+q", "quit", "quit", priority=True),
        Binding("q", "quit", "quit"),
        Binding("slash", "search", "search"),
        Binding("v", "tool('verify')", "verify"),
        Binding("t", "tool('trend')", "trend"),
        Binding("f", "filters", "filters"),
        Binding("question_mark", "help", "help"),
    ]

    def __init__(self, open_backend, history_path: Path | None = None):
        super().__init__()
        self.reads = Reads(open_backend)
        self.history = History(history_path)

    @property
    def plain(self) -> bool:
        """No colour (NO_COLOR): matches are marked 〖…〗, as the CLI marks them."""
        return bool(self.no_color)

    def get_default_screen(self) -> Screen:
        return SearchScreen()

    def to_search(self) -> SearchScreen:
        while not isinstance(self.screen, SearchScreen):
            self.pop_screen()
        return self.screen

    def action_search(self) -> None:
        self.to_search().query_one("#query").focus()

    def action_tool(self, kind: str) -> None:
        self.to_search()
        self.push_screen(ToolScreen(kind))

    def action_filters(self) -> None:
        screen = self.to_search()
        screen.query_one("#filters").add_class("-shown")  # shown or not, f takes you to it (Escape leaves)
        screen.query_one("#region").focus()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def on_unmount(self) -> None:
        self.reads.close()


def run(cli_app) -> None:
    """Open the app on the CLI's home (a first read fills a new home with the sample pages first,
    before the screen is taken), or on the SolrCloud collection --solr names; the queries typed are
    kept in the user's state folder, one file per archive (cli.app.history_file)."""
    from .app import history_file

    if cli_app.solr:
        history = history_file(cli_app.solr, cli_app.collection or "")
    else:
        history = history_file(str(cli_app.home().path.resolve()))
    app = BaogaoApp(cli_app.backend, history)
    app.run()
