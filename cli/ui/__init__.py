"""`baogao` in a terminal: a full-screen reader built on Textual.

Search box → hit list (cli.ui.searching) → reader (cli.ui.reading: the section with ¶ numbers, the
query lit up, `n`/`N` from match to match and on into the next hit) → Escape back to the list, the
selection kept. The research views (cli.ui.research, cli.ui.timeline) are its commands' renderers:
verify, kwic, what is new, targets, compare, and trend as a timeline.

Every read goes through the backend (index.backend) on one thread of its own (`Reads`), awaited by
Textual workers: the event loop never waits on the archive, and the archive's handles (SQLite,
Whoosh, the suffix array's maps) are used by one thread only. The fork-ahead segmenter of the
one-shot CLI is never started here: forking a threaded process is unsafe."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..render.reading import hit_prompt
from ..visible import field
from .base import HISTORY_FILE, TEXT, History, Reads
from .reading import DiffScreen, ReaderScreen
from .research import CompareScreen, KwicScreen, NewScreen, TargetsScreen, ToolScreen
from .searching import SearchScreen
from .timeline import TrendScreen, typed_terms

__all__ = ["BaogaoApp", "run", "HELP", "TEXT", "HISTORY_FILE", "hit_prompt", "SearchScreen", "ReaderScreen",
           "DiffScreen", "ToolScreen", "KwicScreen", "NewScreen", "TargetsScreen", "CompareScreen", "TrendScreen"]

# Every key, in one table that fits 80×24 (the footer shows a screen's few; this shows them all).
HELP = """\
[b]baogao[/b] — keys (letters act outside a box)

 [b]anywhere[/b]                          [b]hit list · reader[/b]
  Ctrl+Q  quit      q  quit            ↑↓ j k  move · scroll
  /       search box                   Enter   open the hit
  Esc     leave a box · back           n / N   next / previous match
  ?       this help                    c       copy a citation
  ↑       history (empty search box)   D       what changed since the
  f       filter bar: region, year,            region's previous report
          level, sort (Enter applies)

 [b]views[/b] of the query, or of the hit or report open
  v  verify a quote                 K  kwic: each occurrence (s sorts)
  t  trend: a timeline by year      W  what is new: 新提法
  T  targets: 主要预期目标          C  compare: what sets it apart
  Enter on a line of a view opens it (a year's hits, a phrase's kwic)

Press any key to close."""


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
    #filters #level { width: 26; }
    #filters #sort { width: 14; }
    #statusbar { height: auto; max-height: 3; }
    #status { width: 1fr; height: auto; max-height: 3; padding: 0 1; }
    #position { width: auto; padding: 0 1; }
    #body { height: 1fr; }
    #hits { width: 1fr; height: 1fr; border: none; padding: 0; scrollbar-gutter: stable; }
    #hits > .option-list--option { padding: 0 1; }
    #preview-pane { width: 1fr; border-left: solid $primary-background; padding: 0 1; }
    #reader-head { height: auto; max-height: 3; padding: 0 1; background: $boost; }
    #page { height: 1fr; padding: 0 1; }
    .line { margin-bottom: 1; }
    #answer-pane { height: 1fr; padding: 0 1; border: none; }
    LineList > .option-list--option { padding: 0 1; }
    #tool-head { height: 1; padding: 0 1; }
    #kwic-head, #new-head, #trend-head { height: auto; max-height: 6; padding: 0 1; }
    #timeline { height: 1fr; }
    #timeline #answer-pane { width: 24; }
    #chart { width: 1fr; height: 1fr; }
    HelpScreen { align: center middle; }
    #help { width: auto; max-width: 80; padding: 0 1; border: round $primary; background: $surface; }
    """
    # Every key acts everywhere it can; each screen's footer names its few (they fit 80 columns), and ?
    # lists them all.
    BINDINGS = [
        Binding("ctrl+q", "quit", "quit", priority=True),
        Binding("q", "quit", "quit", show=False),
        Binding("slash", "search", "search", show=False),
        Binding("f", "filters", "filters", show=False),
        Binding("v", "tool('verify')", "verify", show=False),
        Binding("t", "view('trend')", "trend", show=False),
        Binding("K", "view('kwic')", "kwic", show=False),
        Binding("W", "view('new')", "new", show=False),
        Binding("T", "view('targets')", "targets", show=False),
        Binding("C", "view('compare')", "compare", show=False),
        Binding("question_mark", "help", "help", show=False),
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

    def open_report(self):
        """The report a view is about: the reader's, else the hit highlighted in the list."""
        screen = self.screen
        if isinstance(screen, ReaderScreen) and screen.hit is not None:
            return screen.hit
        if isinstance(screen, SearchScreen):
            return screen.current_hit()
        return None

    def action_view(self, kind: str) -> None:
        """A research view of the query (kwic, trend), or of the report open (new, targets, compare);
        from the list with filters set, targets makes their table."""
        hit = self.open_report()
        search = self.to_search() if not isinstance(self.screen, (SearchScreen, ReaderScreen)) else None
        search = search or (self.screen if isinstance(self.screen, SearchScreen) else self.screen.search)
        terms, typed = _asked(getattr(search, "query_text", ""))
        filters = search.filters() if isinstance(search, SearchScreen) else {}
        chosen = {**typed, **{k: v for k, v in filters.items() if v}}  # the bar's over the typed
        if kind == "kwic":  # one exact string: the first term (the box shows it, to edit)
            self.push_screen(KwicScreen(terms[0] if terms else "", chosen))
        elif kind == "trend":
            self.push_screen(TrendScreen(typed_terms(terms), {k: v for k, v in chosen.items() if k != "year"}))
        elif kind == "targets" and isinstance(self.screen, SearchScreen) and any(filters.values()):
            what = " ".join(f"{k}:{v}" for k, v in filters.items() if v)
            self.push_screen(TargetsScreen({k: v for k, v in filters.items() if v}, what))
        elif hit is None:
            self.notify(TEXT["no_report"], timeout=4)
        elif kind == "targets":
            self.push_screen(TargetsScreen({"report": hit.report}, f"《{field(hit.title)}》"))
        elif kind == "new":
            self.push_screen(NewScreen(hit.report))
        elif kind == "compare":
            self.push_screen(CompareScreen(hit.report))

    def action_filters(self) -> None:
        screen = self.to_search()
        screen.query_one("#filters").add_class("-shown")  # shown or not, f takes you to it (Escape leaves)
        screen.query_one("#region").focus()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def on_unmount(self) -> None:
        self.reads.close()


def _asked(query: str) -> tuple[list[str], dict]:
    """The search's terms and its region, year and level filters (index.terms_and_filters); none for
    no query, or one that does not parse (its error is on the status line already)."""
    from index import SearchError, terms_and_filters

    try:
        terms, filters = terms_and_filters(query) if query else ([], {})
    except SearchError:
        return [], {}
    return terms, {k: v for k, v in filters.items() if k in ("region", "year", "level")}


def run(cli_app) -> None:
    """Open the app on the CLI's home (a first read fills a new home with the sample pages first,
    before the screen is taken), or on the SolrCloud collection --solr names; the queries typed are
    kept in the user's state folder, one file per archive (cli.app.history_file)."""
    from ..app import history_file

    if cli_app.solr:
        history = history_file(cli_app.solr, cli_app.collection or "")
    else:
        history = history_file(str(cli_app.home().path.resolve()))
    app = BaogaoApp(cli_app.backend, history)
    app.run()
