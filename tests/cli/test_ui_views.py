"""The app's research views and layouts (issue 41), driven with Pilot: what a person presses and what
the screen then shows, compared with what the commands answer (`--json`) for the same archive."""

import asyncio
import json
from collections import Counter

import pytest

from tests.cli.test_ui import FIXTURE_REPORTS, SIZES, ask, make_app, screen_text, settle, timeline_of, view_of_report
from tests.conftest import run_cli

pytest.importorskip("textual")
pytestmark = pytest.mark.slow

from cli.ui import (HELP, KwicScreen, NewScreen, ReaderScreen, SearchScreen, TargetsScreen,  # noqa: E402
                    TrendScreen)


def cli_json(home, *args):
    return json.loads(run_cli(home.path, *args, "--json").stdout)


def last_line(app) -> str:
    return screen_text(app).rstrip("\n").split("\n")[-1]


def test_kwic_view_is_the_commands_lines_sorts_and_opens_the_reader_there(seeded_home):
    """K on a query: kwic's lines in the command's order (year, then left and right with s); Enter on
    a line opens the reader on that line's report, section and paragraph, its match current."""
    by = {sort: cli_json(seeded_home, "kwic", "人参", "--sort", sort, "--all") for sort in ("year", "left", "right")}

    def places(doc):
        return [(ln["report"], ln["section_id"], ln["paragraph"], ln["match"]) for ln in doc["lines"]]

    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            await ask(app, pilot, "人参")
            await pilot.press("K")
            await settle(app, pilot)
            view = app.screen
            assert isinstance(view, KwicScreen) and view.query_one("#ask").value == "人参"
            text = screen_text(app)
            assert f"人参 — {by['year']['total']} occurrences" in text and "sorted by year" in text
            for sort in ("year", "left", "right"):
                assert [(k.report, k.section_id, k.paragraph, k.match) for k in view.lines] == places(by[sort]), sort
                first = by[sort]["lines"][0]
                assert f"{first['report']} §{first['section_id']} ¶{first['paragraph']}" in screen_text(app)
                if sort != "right":
                    await pilot.press("s")
                    await settle(app, pilot)
            assert "sorted by right" in screen_text(app)
            # a line that is not its paragraph's first occurrence: the reader must land on it, not the first
            year_order = [(ln["report"], ln["section_id"], ln["paragraph"], ln["left"]) for ln in by["year"]["lines"]]
            pick = next(i for i, ln in enumerate(by["right"]["lines"])
                        if [y[:3] for y in year_order].index((ln["report"], ln["section_id"], ln["paragraph"]))
                        < year_order.index((ln["report"], ln["section_id"], ln["paragraph"], ln["left"])))
            await pilot.press(*["j"] * pick, "enter")
            await settle(app, pilot)
            reader = app.screen
            line = by["right"]["lines"][pick]
            assert isinstance(reader, ReaderScreen)
            assert (reader.hit.report, reader.hit.section_id) == (line["report"], line["section_id"])
            k, j = reader.matches[reader.current]
            n, text, _, spans = reader.lines[k]
            assert n == line["paragraph"]  # the reader stands on the line's paragraph, on its occurrence
            assert text[:spans[j][0]].endswith(line["left"][-6:]) and text[spans[j][1]:].startswith(line["right"][:6])
            assert f"《{reader.hit.title}》" in screen_text(app)
            await pilot.press("escape")
            assert app.screen is view
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_new_view_lists_the_commands_phrases_and_enter_runs_kwic(seeded_home):
    """W in the reader: `new REPORT`'s phrases, in its order; Enter on one is kwic of it."""
    report = "002_f811594c3753c641"
    doc = cli_json(seeded_home, "new", report, "--limit", "200")
    assert doc["phrases"]

    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await view_of_report(app, pilot, "人参 report:002", "W")
            view = app.screen
            assert isinstance(view, NewScreen)
            assert [p.phrase for p in view.phrases] == [p["phrase"] for p in doc["phrases"]]
            text = screen_text(app)
            assert f"{doc['found']} new phrase" in text
            assert "--limit" not in text and "--json" not in text  # no command options where none work
            first = doc["phrases"][0]
            assert first["phrase"] in text and f"§{first['section_id']}" in text
            await pilot.press("enter")
            await settle(app, pilot)
            kwic = app.screen
            assert isinstance(kwic, KwicScreen) and kwic.asked == first["phrase"]
            total = cli_json(seeded_home, "kwic", first["phrase"], "--all")["total"]
            assert f"{first['phrase']} — {total} occurrence" in screen_text(app)
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_targets_view_of_a_report_and_of_the_filters(seeded_home):
    """T in the reader: the report's targets as `targets --report` lists them; T in the list with
    filters set: the table of every report they keep."""
    from index import ingest

    assert ingest(seeded_home, [FIXTURE_REPORTS]).added == ("通化市_2025",)
    mine = cli_json(seeded_home, "targets", "--report", "通化市_2025")["targets"]
    read = [t for t in mine if t["status"] == "value"]
    assert {t["indicator"] for t in read} >= {"gdp", "cpi", "urban_jobs", "grain_output"}
    of_year = cli_json(seeded_home, "targets", "--year", "2024")["targets"]

    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await view_of_report(app, pilot, "人参 report:通化市_2025", "T")
            assert isinstance(app.screen, TargetsScreen)
            text = screen_text(app)
            assert "《通化市2025年政府工作报告》" in text
            for t in read:
                assert f"{t['indicator']}" in text and t["text"] in text, t
            await pilot.press("escape", "escape")
            await ask(app, pilot, "人参")
            await pilot.press("f")
            app.screen.query_one("#year").value = "2024"
            await pilot.press("enter")
            await settle(app, pilot)
            await pilot.press("escape", "T")
            await settle(app, pilot)
            assert isinstance(app.screen, TargetsScreen) and "year:2024" in screen_text(app)
            shown = screen_text(app)
            for t in of_year:
                if t["status"] == "value":
                    assert t["text"] in shown and t["report"][:12] in shown, t
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_timeline_counts_are_trends_and_a_year_lists_its_hits(seeded_home):
    """t: the chart, the exact counts a year beside it (trend --json's); Enter on a year: that year's
    hits of the terms, as search finds them with the year filter."""
    doc = cli_json(seeded_home, "trend", "人参", "九解一协调")

    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(100, 30)) as pilot:
            view = await timeline_of(app, pilot, "人参 九解一协调")
            assert isinstance(view, TrendScreen)
            text = screen_text(app)
            assert "┤" in text and "└" in text  # the chart's axes
            counts = [{b["key"]: b["count"] for b in t["buckets"]} for t in doc["terms"]]
            years = sorted({int(y) for c in counts for y in c if y.isdigit()})
            assert view.years == list(range(years[-1], years[0] - 1, -1))
            for y in years:
                row = f"{y}  " + " ".join(f"{c.get(str(y), 0):g}" for c in counts)
                assert " ".join(row.split()) in " ".join(text.split()), row
            await pilot.press("j", "enter")  # the second latest year
            await settle(app, pilot)
            search = app.screen
            assert isinstance(search, SearchScreen)
            year = str(years[-1] - 1)
            truth = cli_json(seeded_home, "search", '"人参" OR "九解一协调"', "--year", year, "--all")
            assert search.query_one("#year").value == year
            assert [(h.report, h.section_id) for h in search.hits] == \
                [(h["report"], h["section_id"]) for h in truth["hits"]]
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_layouts_fit(seeded_home, size):
    """At each size: every hit's first line keeps region and year, and no count wraps alone; the
    position indicator follows the cursor; the footer fits on every screen; the filter bar counts
    the current hits per level; ? fits whole."""
    from index import search

    truth = search(seeded_home, "人参", limit=None)

    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await ask(app, pilot, "人参")
            screen = app.screen
            text = screen_text(app)
            assert f"1/{truth.total}" in text
            await pilot.press("j", "j")
            assert f"3/{truth.total}" in screen_text(app)
            for hit in truth.hits[:3]:
                tail = f" · {hit.region} · {hit.year}  {hit.count}×"
                assert any(line.rstrip().endswith(tail) or tail + " " in line for line in text.split("\n")), (tail, text)
            assert not any(line.strip().endswith("×") and line.strip()[:-1].strip().isdigit() for line in text.split("\n"))
            assert last_line(app).rstrip().endswith("quit"), last_line(app)  # the footer fits
            await pilot.press("f")
            per_level = Counter(h.level for h in truth.hits)
            select = screen.query_one("#level")
            labels = {str(prompt) for prompt, _ in select._options}
            for level, n in per_level.items():
                assert f"{level} ({n})" in labels, labels
            assert f"({truth.total})" in screen_text(app)
            await pilot.press("escape", "enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ReaderScreen) and last_line(app).rstrip().endswith("quit")
            for key in ("K", "t"):
                await pilot.press(key)
                await settle(app, pilot)
                assert last_line(app).rstrip().endswith("quit"), (key, last_line(app))
                await pilot.press("escape", "escape")
            await pilot.press("question_mark")
            shown = screen_text(app)
            for line in HELP.replace("[b]", "").replace("[/b]", "").split("\n"):
                assert line.strip() in shown, line
            await pilot.press("x", "ctrl+q")

    asyncio.run(scenario())


def test_preview_numbers_paragraphs_and_marks_skips(seeded_home):
    """The preview (a wide terminal): the hit's lit paragraphs with the reader's ¶ numbers, ⋯ where
    paragraphs are skipped."""
    from index import LocalBackend

    backend = LocalBackend(seeded_home)

    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            await ask(app, pilot, "人参")
            gaps = 0
            for at, hit in enumerate(app.screen.hits[:8]):
                if at:
                    await pilot.press("j")
                await asyncio.sleep(0.1)
                await settle(app, pilot)
                view = backend.show(hit.report, hit.section_id)
                marks = backend.highlights(view, "人参")
                lit = sorted(n for (sid, n), spans in marks.items() if sid == hit.section_id and spans and n > 0)[:8]
                text = screen_text(app)
                right = "\n".join(line.split("│", 1)[1] if "│" in line else "" for line in text.split("\n"))
                for n in lit:
                    assert f"¶{n} " in right, (n, right)
                paragraphs = len(next(s for s in view.sections if s.id == hit.section_id).paragraphs)
                between = sum(b - a - 1 for a, b in zip([0] + lit, lit))  # paragraphs skipped before or between
                marks_shown = right.count("⋯")
                assert marks_shown == sum(b > a + 1 for a, b in zip([0] + lit, lit)) + (bool(lit) and lit[-1] < paragraphs), \
                    (lit, paragraphs, right)
                gaps += between > 0
            assert gaps  # the skips were tried
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_url_parts_never_split_a_name():
    from cli.render.reading import url_parts

    url = "https://www.taiyuan.gov.cn/zfgzbg/20240314/30109567.html"
    for width in (20, 30, 40, 60, 80):
        parts = url_parts(url, width)
        assert "".join(parts) == url
        assert all(p.endswith(("/", "?", "&", "=")) for p in parts[:-1]), parts
        assert "30109567.html" in parts[-1]


def test_a_transcription_is_named(seeded_home):
    from dataclasses import replace

    from index import search

    from cli.ui import hit_prompt

    hit = search(seeded_home, "人参", limit=1).hits[0]
    for also, said in ((("a",), "+1 transcription"), (("a", "b"), "+2 transcriptions")):
        first = hit_prompt(replace(hit, also_in=also), True, 100).plain.split("\n")[0]
        assert first.endswith(said), first


def test_compare_view_prints_what_the_command_prints(seeded_home):
    """C in the reader: `compare REPORT` against the rest of the archive, the command's head and rows."""
    from cli.ui import CompareScreen

    report = "002_f811594c3753c641"
    doc = cli_json(seeded_home, "compare", report)

    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await view_of_report(app, pilot, "人参 report:002", "C")
            assert isinstance(app.screen, CompareScreen) and app.screen.query_one("#ask").value == report
            text = " ".join(screen_text(app).split())
            assert f"{doc['target']['chars']:,} characters" in text and f"{doc['reference']['chars']:,} characters" in text
            for p in doc["phrases"][:5]:
                assert f"{p['phrase']} {p['target_count']} {p['reference_count']}" in text, p
            assert "--limit" not in text and "--json" not in text
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_views_keep_the_searchs_filters(seeded_home):
    """Filters typed in the query or set in the bar reach kwic (all three) and the timeline (region and
    level; its years are the chart), and a year's hits keep them."""
    kwic_doc = cli_json(seeded_home, "kwic", "人参", "--region", "通化", "--year", "2024", "--all")
    trend_doc = cli_json(seeded_home, "trend", "人参", "--region", "通化")

    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            await ask(app, pilot, "人参 region:通化")
            await pilot.press("f")
            app.screen.query_one("#year").value = "2024"
            await pilot.press("escape", "K")
            await settle(app, pilot)
            assert isinstance(app.screen, KwicScreen)
            assert len(app.screen.lines) == kwic_doc["total"] > 0
            assert "filters: region:通化 year:2024" in screen_text(app)
            await pilot.press("escape", "escape", "t")
            await settle(app, pilot)
            view = app.screen
            assert isinstance(view, TrendScreen) and "filters: region:通化" in screen_text(app)
            assert view.trend.terms[0].total == trend_doc["terms"][0]["total"]
            await pilot.press("enter")  # the latest year
            await settle(app, pilot)
            year = str(view.years[0])
            truth = cli_json(seeded_home, "search", '"人参"', "--region", "通化", "--year", year, "--all")
            assert [(h.report, h.section_id) for h in app.screen.hits] == \
                [(h["report"], h["section_id"]) for h in truth["hits"]]
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_timeline_shows_the_reports_of_unknown_year(seeded_home, tmp_path):
    """Occurrences in a report whose year is unknown are counted in a `?` row under the years (not on
    the chart); Enter there says why it lists nothing."""
    from index import ingest

    report = tmp_path / "人参产业简报.txt"
    report.write_text("人参产业简报\n\n一、概况\n\n人参产业发展良好，人参品牌持续打响。\n", encoding="utf-8")
    assert not ingest(seeded_home, [report]).failed
    doc = cli_json(seeded_home, "trend", "人参")
    unknown = sum(b["count"] for b in doc["terms"][0]["buckets"] if b["key"] == "?")
    assert unknown == 3  # the title and the paragraph's two

    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(100, 30)) as pilot:
            view = await timeline_of(app, pilot, "人参")
            assert view.years[-1] is None and "   ?  3" in screen_text(app)
            await pilot.press("end")
            assert view.query_one("#answer-pane").highlighted == len(view.years) - 1, view.query_one("#answer-pane").highlighted
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is view and "year is unknown" in " ".join(screen_text(app).split())
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_the_reader_shows_each_match_and_escape_leaves_every_box(seeded_home):
    """Issue 41 trial: the reader scrolls each match's own row into view (a long paragraph centred
    hid it); Escape from the level choice leaves the bar; an emptied search box clears the hits; K on
    several terms takes the first."""
    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(44, 12)) as pilot:  # small: the seeds' paragraphs outgrow the page
            await settle(app, pilot)
            await ask(app, pilot, "企业")
            hits = len(app.screen.hits)
            await pilot.press("enter")
            await settle(app, pilot)
            reader = app.screen
            seen = 0
            while isinstance(app.screen, ReaderScreen) and reader.index < 3:
                k, j = reader.matches[reader.current]
                widget = list(reader.query(".line"))[k]
                page = reader.query_one("#page")
                from cli.render.layout import LABEL_WIDTH, wrapped_row
                row = widget.virtual_region.y + wrapped_row(reader.lines[k][1], reader.lines[k][3][j][0],
                                                            widget.content_region.width - LABEL_WIDTH)
                assert page.scroll_y <= row < page.scroll_y + page.size.height, (reader.current, row, page.scroll_y)
                seen += 1
                await pilot.press("n")
                await settle(app, pilot)
            assert seen > 3
            await pilot.press("escape", "f", "tab", "tab")
            assert app.focused.id == "level"
            await pilot.press("escape")
            assert app.focused.id == "hits" and not app.screen.query_one("#filters").has_class("-shown")
            await pilot.press("K")
            await settle(app, pilot)
            assert app.screen.query_one("#ask").value == "企业"
            await pilot.press("escape", "escape")
            await ask(app, pilot, "人参 产业")
            await pilot.press("K")
            await settle(app, pilot)
            assert app.screen.query_one("#ask").value == "人参"
            await pilot.press("escape", "escape")
            assert hits and app.screen.hits
            await ask(app, pilot, "")
            assert app.screen.hits == [] and "Type a query" in screen_text(app) 
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_a_terms_variants_are_named_where_its_counts_stand(seeded_home, tmp_path):
    """The search's headline counts a term's variants (一主、六双 for 一主六双) and says so; the timeline,
    which counts the exact string only, names what it leaves out — as the commands do."""
    from index import ingest

    report = tmp_path / "白山市_2023.txt"
    report.write_text("白山市政府工作报告\n\n一、工作回顾\n\n坚持一主、六双产业空间布局，落实“一主六双”战略。\n",
                      encoding="utf-8")
    assert not ingest(seeded_home, [report]).failed
    search = cli_json(seeded_home, "search", "一主六双")
    (variant,) = search["variants"]
    assert (variant["text"], variant["occurrences"]) == ("一主、六双", 1)
    exact = cli_json(seeded_home, "trend", "一主六双")["terms"][0]["total"]
    assert search["occurrences"] == exact + 1

    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await ask(app, pilot, "一主六双")
            flat = " ".join(screen_text(app).split())
            assert f"{search['occurrences']} occurrences incl. 一主、六双 1" in flat
            await pilot.press("t")  # from the hits: the timeline of the search's term
            await settle(app, pilot)
            assert isinstance(app.screen, TrendScreen)
            flat = " ".join(screen_text(app).split())
            assert f"一主六双 — {exact} occurrences" in flat
            assert "also written with punctuation inside: 一主、六双 1 (not counted)" in flat
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_a_quoted_phrase_with_a_space_is_one_timeline_term(seeded_home):
    """`"强信心 稳经济"` searched, then t: one term, counted as `trend "强信心 稳经济"` counts it (the
    timeline split it at the space into two terms, each with a stray quote)."""
    from cli.ui.timeline import timeline_terms, typed_terms

    assert timeline_terms('"强信心 稳经济" 人参 “六保”') == ["强信心 稳经济", "人参", "“六保”"]
    assert timeline_terms(typed_terms(["强信心 稳经济", "人参"])) == ["强信心 稳经济", "人参"]
    doc = cli_json(seeded_home, "trend", "强信心 稳经济")
    (term,) = doc["terms"]
    assert term["total"] >= 1

    async def scenario():
        app = make_app(seeded_home, history=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await ask(app, pilot, '"强信心 稳经济"')
            await pilot.press("t")
            await settle(app, pilot)
            assert isinstance(app.screen, TrendScreen)
            assert [x.term for x in app.screen.trend.terms] == ["强信心 稳经济"]
            assert f"强信心 稳经济 — {term['total']} occurrence" in " ".join(screen_text(app).split())
            await pilot.press("ctrl+q")

    asyncio.run(scenario())
