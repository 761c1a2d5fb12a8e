"""What every screen of the app shares: the words a person reads, the reads thread, the history, and
a CLI renderer's output as one Text (so each view shows exactly what its command prints)."""

from __future__ import annotations

import asyncio
import functools
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.console import Console

from ..shown import Shown, from_ansi

# What a person reads, in one place (the search headline is render.reading.search_headline, as in the CLI).
TEXT = {
    "query": "搜索 search: 九解一协调 · \"一主六双\" · A OR B · region:吉林 year:2020-2024",
    "query_archive": "搜索 search: {examples} · A OR B · region:广东 year:2020-2024",
    "welcome": "Type a query, Enter. ↑ history · Esc leaves a box · ? help",
    "searching": "searching …",
    "quote": "核对 verify: paste a quote, Enter",
    "terms": "趋势 trend: terms separated by spaces, Enter",
    "kwic_ask": "语境 kwic: one exact string, Enter · s sorts (year, left, right)",
    "compare_ask": "对比 compare: TARGET [REF] — a report, or \"year:2025 level:national\"",
    "working": "working …",
    "verify_title": "核对引文 verify — does a quote stand in a report verbatim?",
    "trend_title": "趋势 trend — how often terms stand, by year · Enter on a year lists its hits",
    "kwic_title": "语境 kwic — every occurrence in its context · Enter opens the reader there",
    "new_title": "新提法 new — not in earlier reports of its region and level · Enter: kwic",
    "targets_title": "主要预期目标 targets — {what}",
    "compare_title": "对比 compare — phrases that set one set of reports apart",
    "kwic_sorted": "sorted by {sort}",
    "copied": "copied: {citation}",
    "no_previous": "no earlier report of this region and level to compare {report} with",
    "no_report": "open a report first (a hit in the list, or the reader)",
    "diff_title": "diff — what changed since the region's previous report   (Esc back)",
    "no_match": "no match here",
    "year_unknown": "these reports' year is unknown: search without a year filter lists them",
    "banner": "baogao · {reports}",
    "kwic_more": "(showing {shown:,}; `baogao kwic --all` or --csv for every one)",
}
FIRST_PAGE = 100  # hits shown at once; the rest follow in the background,
BATCH = 200  # this many at a time
SORTS = ("score", "year", "oldest")
HISTORY_FILE = "ui-history"
HISTORY_KEEP = 500
PREVIEW_MIN_WIDTH = 110  # a preview pane beside the hit list from this terminal width
KWIC_SHOWN = 2000  # kwic lines in the app; the command (--all, --csv) has every one


class Reads:
    """The backend, asked on one thread of its own."""

    def __init__(self, open_backend):
        self._open = open_backend
        self._backend = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="baogao-reads")

    async def __call__(self, method: str, *args, **kwargs):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(self._call, method, args, kwargs))

    async def apply(self, fn, *args):
        """`fn(backend, *args)` on the reads thread: a view's own reading of the archive."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(self._apply, fn, args))

    def _call(self, method, args, kwargs):
        return getattr(self._opened(), method)(*args, **kwargs)

    def _apply(self, fn, args):
        return fn(self._opened(), *args)

    def _opened(self):
        if self._backend is None:
            self._backend = self._open()
        return self._backend

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class History:
    """The queries typed, oldest first, kept in the user's state folder (one a line); ↑ walks back."""

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


def console_for(width: int, plain: bool) -> Console:
    """A console as the CLI's, writing to memory: `plain`, no colour (matches then marked 〖…〗)."""
    return Console(file=io.StringIO(), width=max(20, width), force_terminal=True,
                   color_system=None if plain else "truecolor", markup=False, highlight=False, emoji=False)


def answer_width(screen) -> int:
    """The width a view's `#answer-pane` gives a rendered answer; asked before the pane is laid out
    (at mount), the screen's less its padding and scrollbar — never a pane of no width, which would
    fold every line at 20 cells."""
    laid_out = screen.query_one("#answer-pane").size.width - 1
    return laid_out if laid_out > 1 else screen.app.size.width - 4


def rendered(paint, width: int, plain: bool):
    """What a CLI renderer (render_verdict, render_trend …) prints, as one Text: the views show exactly
    what the commands show."""
    console = console_for(width, plain)
    paint(console)
    return from_ansi(console.file.getvalue())


def error_line(e) -> Shown:
    """A SearchError in a view: the message and its hint, in red (a query typed is shown, not obeyed)."""
    return Shown(f"{e}" + (f" — {e.hint}" if e.hint else ""), style="red")


def exact_query(term: str) -> str:
    """A kwic or trend term (one exact string) as the search box reads it: quoted."""
    return term if '"' in term else f'"{term}"'
