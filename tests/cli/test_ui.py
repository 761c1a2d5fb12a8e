"""The full-screen reader (cli/ui.py), driven headless with Textual's Pilot: what a person types and
what the screen then shows, compared with what the commands answer for the same archive."""

import asyncio
import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from index import LocalBackend, search, trend
from tests.conftest import needs_corpus

pytest.importorskip("textual")
# Driving the app takes a second or two a test: they run with the slow ones (the whole suite, CI), so
# the inner loop stays within its 35 s.
pytestmark = pytest.mark.slow

from cli.ui import HISTORY_FILE, BaogaoApp, DiffScreen, ReaderScreen, SearchScreen, ToolScreen  # noqa: E402


def screen_text(app) -> str:
    """The screen as plain text, as the snapshot plugin renders it (Textual's compositor)."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def make_app(home, history=True):
    return BaogaoApp(lambda: LocalBackend(home), home.path / HISTORY_FILE if history else None)


async def settle(app, pilot):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def ask(app, pilot, query: str):
    box = app.screen.query_one("#query")
    box.focus()
    box.value = query
    await pilot.press("enter")
    await settle(app, pilot)


async def view_of_report(app, pilot, query: str, key: str):
    """The app started, `query` searched, its first hit opened in the reader, then `key` pressed."""
    await settle(app, pilot)
    await ask(app, pilot, query)
    await pilot.press("enter")
    await settle(app, pilot)
    await pilot.press(key)
    await settle(app, pilot)
    return app.screen


async def timeline_of(app, pilot, terms: str):
    """The app started, the timeline (t) of `terms`."""
    await settle(app, pilot)
    await pilot.press("escape", "t")
    app.focused.value = terms
    await pilot.press("enter")
    await settle(app, pilot)
    return app.screen


@pytest.fixture(autouse=True)
def no_fork(monkeypatch):
    """Forking a threaded process is unsafe: the app must never start the fork-ahead segmenter."""
    def refuse():
        raise AssertionError("the app forked")

    monkeypatch.setattr(os, "fork", refuse)


def test_search_open_jump_back_quit(seeded_home):
    import json

    from tests.conftest import run_cli

    truth = search(seeded_home, "九解一协调", limit=None)
    cited = [h["citation"] for h in json.loads(run_cli(seeded_home.path, "search", "九解一协调", "--json").stdout)["hits"]]

    async def scenario():
        app = make_app(seeded_home)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press(*"九解一协调", "enter")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, SearchScreen) and app.focused.id == "hits"
            assert [(h.report, h.section_id) for h in screen.hits] == [(h.report, h.section_id) for h in truth.hits]
            text = screen_text(app)
            assert f"九解一协调 — {truth.total} sections, {truth.occurrences} occurrences" in text
            assert truth.hits[0].path[-1] in text

            await pilot.press("enter")  # open the first hit
            await settle(app, pilot)
            reader = app.screen
            assert isinstance(reader, ReaderScreen) and reader.index == 0
            text = screen_text(app)
            assert "¶" in text and "match 1/" in text
            matches = len(reader.matches)
            assert matches == truth.hits[0].count  # every occurrence is a stop for n

            for _ in range(matches - 1):
                await pilot.press("n")
            await settle(app, pilot)
            assert reader.current == matches - 1
            await pilot.press("n")  # past the last match: into the next hit's section
            await settle(app, pilot)
            assert reader.index == 1 and reader.current == 0 and "[2/" in screen_text(app)
            await pilot.press("N")  # and back to the last match of the first
            await settle(app, pilot)
            assert reader.index == 0 and reader.current == matches - 1
            await pilot.press("n")
            await settle(app, pilot)

            await pilot.press("c")
            # the one citation (cli.citation): year, region, 《title》, ¶, [id §]
            hit = truth.hits[1]
            assert f"《{hit.title}》" in app.clipboard and "¶" in app.clipboard
            assert app.clipboard.startswith(f"{hit.year}年 ") and f"[{hit.report} §{hit.section_id}]" in app.clipboard
            assert app.clipboard == cited[1]  # the same string as `search --json` gives the hit

            await pilot.press("escape")  # back to the list, on the hit last read
            await settle(app, pilot)
            assert isinstance(app.screen, SearchScreen)
            assert app.screen.query_one("#hits").highlighted == 1
            await pilot.press("k")
            assert app.screen.query_one("#hits").highlighted == 0
            await pilot.press("ctrl+q")
        assert app.return_code in (0, None)

    asyncio.run(scenario())


def test_filters_history_and_letters_only_outside_boxes(seeded_home):
    async def scenario():
        app = make_app(seeded_home)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await ask(app, pilot, "人参")
            everything = len(app.screen.hits)
            await pilot.press("f")  # the filter bar, focus on region
            assert app.focused.id == "region"
            await pilot.press(*"2023", "enter")  # typed into the box: no key acts
            assert app.screen.query_one("#region").value == "2023"
            app.screen.query_one("#region").value = ""
            app.screen.query_one("#year").value = "2023"
            app.screen.query_one("#year").focus()
            await pilot.press("enter")
            await settle(app, pilot)
            truth = search(seeded_home, "人参", limit=None, filters={"year": "2023"})
            assert [(h.report, h.section_id) for h in app.screen.hits] == [(h.report, h.section_id) for h in truth.hits]
            assert 0 < len(truth.hits) < everything
            assert "filters: year:2023" in screen_text(app)

            await ask(app, pilot, "year:20x 人参")  # a bad query: said on the status line, no crash
            assert "year:20x" in screen_text(app)

            box = app.screen.query_one("#query")
            box.focus()
            box.value = ""
            await pilot.press("up")
            assert box.value == "year:20x 人参"
            await pilot.press("up")
            assert box.value == "人参"
            await pilot.press("escape", "q")  # Escape leaves the box: q quits
        assert (seeded_home.path / HISTORY_FILE).read_text(encoding="utf-8").splitlines()[-2:] == ["人参", "year:20x 人参"]

    asyncio.run(scenario())


def test_focus_stays_where_the_user_is(seeded_home):
    """Issue 41: Enter in a filter field applies it and keeps the focus in the bar until Escape; f focuses
    the bar when it is shown; Tab into the search box never selects the query (typing adds to it)."""
    async def scenario():
        app = make_app(seeded_home)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await ask(app, pilot, "人参")
            await pilot.press("f")
            assert app.focused.id == "region"
            await pilot.press(*"通化", "enter")
            await settle(app, pilot)
            assert app.focused.id == "region"  # still in the bar
            truth = search(seeded_home, "人参", limit=None, filters={"region": "通化"})
            assert [(h.report, h.section_id) for h in app.screen.hits] == [(h.report, h.section_id) for h in truth.hits]
            await pilot.press("tab")
            assert app.focused.id == "year"
            await pilot.press("escape")  # out of the bar, to the list; the bar stays (a filter is set)
            assert app.focused.id == "hits" and app.screen.query_one("#filters").has_class("-shown")
            await pilot.press("f")  # shown: f focuses it, never hides it
            assert app.focused.id == "region" and app.screen.query_one("#filters").has_class("-shown")
            await pilot.press("shift+tab")
            assert app.focused.id == "query"
            await pilot.press(*"产业")
            assert app.screen.query_one("#query").value == "人参产业"  # added to, never replaced
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_verify_and_trend_views(seeded_home):
    counts = trend(seeded_home, ["人参"])

    async def scenario():
        app = make_app(seeded_home)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("escape", "v")
            assert isinstance(app.screen, ToolScreen)
            app.focused.value = "全市在线受理企业“九解一协调”方面各类诉求674件"
            await pilot.press("enter")
            await settle(app, pilot)
            text = screen_text(app)
            assert "有出入" in text and "674 → 647" in text and "¶6" in text
            await pilot.press("escape", "escape")  # leave the box, then the view
            assert isinstance(app.screen, SearchScreen)
            await pilot.press("t")
            app.focused.value = "人参"
            await pilot.press("enter")
            await settle(app, pilot)
            text = screen_text(app)
            t = counts.terms[0]
            assert f"人参 — {t.total} occurrences in {t.reports} reports" in text
            for b in t.buckets:  # the exact counts beside the chart, a year a line
                assert f"{b.key}  {b.count:g}" in text
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_reader_diffs_the_report_against_the_regions_previous_one(seeded_home):
    """D in the reader: 通化 2024 (002) against 通化 2023 (001), as `baogao diff 001 002` prints it; a
    report with no earlier one of its region says so."""
    async def scenario():
        app = make_app(seeded_home)
        async with app.run_test(size=(100, 30)) as pilot:
            assert isinstance(await view_of_report(app, pilot, "人参 report:002", "D"), DiffScreen)
            text = screen_text(app)
            assert "001_753262a5c116b1c6 → 002_f811594c3753c641" in text
            lines = text.splitlines()
            assert any("changed ·" in line and "unchanged sentence" in line for line in lines)
            assert any("figures that changed (1):" in line for line in lines)  # not folded at 20 cells (a pane
            # asked its width at mount, before layout)
            await pilot.press("escape", "escape")
            await ask(app, pilot, "人参 report:001")
            await pilot.press("enter")
            await settle(app, pilot)
            await pilot.press("D")
            await settle(app, pilot)
            assert isinstance(app.screen, ReaderScreen)  # nothing earlier: a notice, no view
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_history_lives_outside_the_archive(seeded_home, tmp_path, monkeypatch):
    """The queries typed go to the user's state folder, a file per archive — never into the home, which
    may be read-only or shared (issue 41)."""
    from cli.app import history_file

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = history_file(str(seeded_home.path.resolve()))
    assert tmp_path / "state" in path.parents and history_file("/another/home") != path

    async def scenario():
        app = BaogaoApp(lambda: LocalBackend(seeded_home), path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await ask(app, pilot, "人参")
            await pilot.press("ctrl+q")

    asyncio.run(scenario())
    assert path.read_text(encoding="utf-8").splitlines()[-1] == "人参"
    assert not (seeded_home.path / HISTORY_FILE).exists()


def test_the_search_box_suggests_what_the_archive_can_answer(seeded_home, tmp_path):
    """The sample pages' slogans are suggested only where the sample pages are (issue 41)."""
    from index import Home, ingest

    from cli.ui import TEXT

    async def placeholder(home) -> str:
        app = BaogaoApp(lambda: LocalBackend(home), None)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            shown = app.screen.query_one("#query").placeholder
            await pilot.press("ctrl+q")
        return shown

    assert asyncio.run(placeholder(seeded_home)) == TEXT["query"]
    other = Home(tmp_path / "other")
    report = tmp_path / "广东省_2026.txt"
    report.write_text("广东省政府工作报告\n\n一、工作回顾\n\n因地制宜发展新质生产力，推动高质量发展，落实“百千万工程”。\n\n"
                      "深化“百千万工程”，推进“制造业当家”，“百千万工程”见效，“制造业当家”成势，“一次说”只一次。\n",
                      encoding="utf-8")
    assert not ingest(other, [report]).failed
    shown = asyncio.run(placeholder(other))  # its own slogans, the most printed first (once is not a slogan)
    assert shown == TEXT["query_archive"].format(examples='百千万工程 · "制造业当家"'), shown
    assert "九解一协调" not in shown and "一次说" not in shown
    other.close()


def test_no_color_marks_the_matches(seeded_home, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")

    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await ask(app, pilot, "九解一协调")
            assert "〖九解一协调〗" in screen_text(app)
            await pilot.press("enter")
            await settle(app, pilot)
            assert "〖九解一协调〗" in screen_text(app)

    asyncio.run(scenario())


def test_resizes_and_thousands_of_hits_stay_one_widget(seeded_home):
    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await ask(app, pilot, "发展")
            assert not app.screen.query_one("#preview-pane").display
            await pilot.resize_terminal(130, 40)
            await settle(app, pilot)
            assert app.screen.query_one("#preview-pane").display
            await pilot.press("j")
            await settle(app, pilot)
            assert app.screen.hits[1].title in screen_text(app)
            assert len(app.screen.query("Option")) == 0  # options are lines of one OptionList, not widgets

    asyncio.run(scenario())


def _run_before(*steps):
    """Keys to press, or ("type", text) to put into the focused box at once."""
    async def before(pilot):
        await settle(pilot.app, pilot)
        for step in steps:
            if isinstance(step, tuple):
                pilot.app.focused.value = step[1]
            else:
                await pilot.press(step)
                await settle(pilot.app, pilot)
        await pilot.pause(0.2)  # the preview waits 50 ms for the cursor to rest before it reads
        await settle(pilot.app, pilot)
        for box in pilot.app.screen.query("Input"):  # a blinking cursor would make the picture depend on time
            box.cursor_blink = False
        await pilot.pause()
    return before


SEARCH = ("escape", "slash", ("type", "九解一协调"), "enter")
SIZES = {"80x24": (80, 24), "100x30": (100, 30), "120x40": (120, 40), "160x50": (160, 50)}
SCREENS = {
    "search": SEARCH,
    "reader": (*SEARCH, "enter", "n"),
    "kwic": (*SEARCH, "K"),
    "trend": ("escape", "t", ("type", "九解一协调 人参"), "enter"),
    "targets": ("escape", "slash", ("type", "人参 report:通化市_2025"), "enter", "enter", "T"),
}
FIXTURE_REPORTS = Path(__file__).parent / "reports"  # a report with targets (the seeds state none)


@pytest.fixture
def app_home(seeded_home):
    """The seeds and the fixture report with targets (通化市_2025)."""
    from index import ingest

    assert ingest(seeded_home, [FIXTURE_REPORTS]).added == ("通化市_2025",)
    return seeded_home


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("steps", SCREENS.values(), ids=SCREENS.keys())
def test_snapshots(app_home, snap_compare, steps, size):
    """The screens as a person sees them at the four sizes (re-record with --snapshot-update, and look
    at them)."""
    assert snap_compare(make_app(app_home, history=False), terminal_size=size, run_before=_run_before(*steps))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_verify_snapshots(seeded_home, snap_compare, size):
    steps = ("escape", "v", ("type", "全市在线受理企业“九解一协调”方面各类诉求674件"), "enter")
    assert snap_compare(make_app(seeded_home, history=False), terminal_size=size, run_before=_run_before(*steps))


@needs_corpus()
def test_first_hits_of_the_corpus_come_at_once(corpus_home):
    """With the app open, the first page of hits does not wait for all of them."""
    import time

    async def scenario():
        app = make_app(corpus_home, history=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            shown = []
            screen = app.screen
            hits = screen.query_one("#hits")
            original = hits.add_options
            hits.add_options = lambda options: (shown.append(time.perf_counter()), original(options))[1]
            box = screen.query_one("#query")
            box.value = "发展"
            box.focus()
            start = time.perf_counter()
            await pilot.press("enter")
            await settle(app, pilot)
            total = search(corpus_home, "发展", limit=1).total
            assert len(screen.hits) == total and total > 200
            assert len(shown) > 1 and shown[0] - start < shown[-1] - start

    asyncio.run(scenario())


def test_sidecar_fields_never_reach_the_screen_raw(poisoned_home):
    """ESC, C1, bidi controls and markup in every sidecar field (title, region, date, url): the hit
    list, the preview, the reader, verify and trend show them made visible."""
    from tests.conftest import raw_controls

    async def scenario():
        app = make_app(poisoned_home, history=False)
        async with app.run_test(size=(130, 40)) as pilot:
            await settle(app, pilot)
            seen = []

            async def look(where):
                await settle(app, pilot)
                text = screen_text(app)
                assert raw_controls(text) == [], f"{where}:\n{text}"
                seen.append(text)

            await ask(app, pilot, "人参")
            assert len(app.screen.hits) > 1
            await look("hits and preview")
            await pilot.press("enter")
            await look("reader")
            await pilot.press("escape", "escape", "v")
            app.focused.value = "打响人参产业高质量发展攻坚战"
            await pilot.press("enter")
            await look("verify")
            await pilot.press("escape", "escape", "t")
            app.focused.value = "人参"
            await pilot.press("enter")
            await look("trend")
            assert all("[red]" in text for text in seen)  # markup shown as the text it is
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_the_app_sees_a_report_ingested_while_it_is_open(seeded_home, tmp_path):
    """The app keeps one backend for its life: a report another process ingests after the app's
    first search is found by its next search."""
    from index import Home, ingest

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "冰雪经济_2025.txt").write_text("冰雪经济报告\n\n一、冰雪经济\n\n观赏雾凇冰灯，办好雾凇冰灯节。\n", encoding="utf-8")

    async def scenario():
        app = BaogaoApp(lambda: LocalBackend(Home(seeded_home.path)), None)  # a Home of its own: another reader
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await ask(app, pilot, "人参")
            assert app.screen.hits
            await ask(app, pilot, '"雾凇冰灯"')
            assert not app.screen.hits
            assert ingest(seeded_home, [folder]).added == ("冰雪经济_2025",)
            await ask(app, pilot, '"雾凇冰灯"')
            assert [h.report for h in app.screen.hits] == ["冰雪经济_2025"]
            assert "\"雾凇冰灯\" — 1 section, 2 occurrences" in screen_text(app)
            await pilot.press("escape", "t")  # trend of the query's terms, at once
            await settle(app, pilot)
            assert "雾凇冰灯 — 2 occurrences in 1 report" in screen_text(app)
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_the_hit_list_never_crops_the_id():
    """Issue 31: at any width the report id stands whole in the hit list (on its second line); the title
    gives way, never the region and year (issue 41)."""
    from index.model import Hit

    from cli.ui import hit_prompt

    rid = "主要城市_吉林省_通化市_2023_政府工作报告"
    hit = Hit(rid, "通化市2023年政府工作报告" * 4, "通化市", 2023, 3, "二、工作安排", ("二、工作安排",), 1.0, 2,
              "推进乡村振兴", ((2, 6),), "推进乡村振兴")
    for width in (40, 60, 80):
        first, second = hit_prompt(hit, True, width).plain.split("\n")[:2]
        assert "…" in first and first.endswith(" · 通化市 · 2023  2×"), width  # the title gives way, not the place
        assert second.startswith(f"[{rid}] §3"), width


def test_the_copied_citation_is_escaped_like_the_screen(tmp_path):
    """`c` copies the citation through OSC 52: a title holding ESC and BEL (here an OSC 52 of its own,
    which would overwrite the clipboard) and markup goes in made visible, as the screen shows it."""
    import shutil

    from index import Home, ingest
    from tests.conftest import SEED, SEEDS, raw_controls

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / f"{SEED['001']}.txt", folder)
    title = "报告\x1b]52;c;aGk=\x07标题\x1b[31m[red][/]"
    (folder / "MANIFEST.tsv").write_text(f"file\ttitle\tregion\tyear\n{SEED['001']}.txt\t{title}\t通化\x07市\t2023\n",
                                         encoding="utf-8")
    home = Home(tmp_path / "home")
    assert not ingest(home, [folder]).failed

    async def scenario():
        app = make_app(home, history=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            await ask(app, pilot, "人参")
            await pilot.press("enter")
            await settle(app, pilot)
            await pilot.press("c")
            await settle(app, pilot)
            copied = app.clipboard
            assert copied and raw_controls(copied) == [] and "\n" not in copied, repr(copied)
            assert "《报告␛]52;c;aGk=␇标题␛[31m[red][/]》" in copied and "通化␇市" in copied, copied
            shown = screen_text(app)  # the notification says what was copied, markup as text
            assert raw_controls(shown) == [] and "␇标题␛[31m[red][/]" in shown, shown
            await pilot.press("ctrl+q")

    asyncio.run(scenario())
