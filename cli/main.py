"""The `baogao` commands. Each one checks its input (cli.inputs), asks the backend (or a writer), and
ends in `finish`: its exit code, then JSON (cli.jsonout's documents, cli.export's writers), CSV, XLSX or
the terminal's rendering (cli.render, by command family); errors through `errors`."""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import jsonout
from .app import App, seeds_folder
from .errors import handle_errors, machine_error, usage_error
from .inputs import TREND_MAX_TERMS, refuse_undecodable, stdin_lines, terms_from

# One table of settings: name, default, help. Environment variables only through click's envvar=.
SETTINGS = {
    "home": (None, "The archive's folder (default: the user's data directory).", "BAOGAO_HOME"),
    "limit": (10, "How many hits to show.", None),
    "solr": (None, "Read from a SolrCloud collection: its node URLs, comma-separated (http://HOST:PORT/solr,…).",
             "BAOGAO_SOLR"),
    "collection": ("baogao", "The SolrCloud collection.", "BAOGAO_SOLR_COLLECTION"),
}
CONTEXT = {"help_option_names": ["-h", "--help"]}


def filter_options(fn):
    """The report filters of search, kwic, list and targets (the same as region: year: level: report:
    in a query)."""
    for name, text in reversed((("--region", "Only reports whose region contains this."),
                                ("--year", "A year or a range: 2024, 2020-2024, >=2020."),
                                ("--level", "national, provincial, city, county or other."),
                                ("--report", "Only reports whose id starts with this or whose title contains it."))):
        fn = click.option(name, help=text)(fn)
    return fn


def _remember(ctx, param, value):
    if value is not None and ctx.obj is not None:
        setattr(ctx.obj, param.name, value)
    return value


def remote_options(fn):
    """--solr / --collection on a read command (as on `baogao` itself): read from a SolrCloud
    collection instead of the local home."""
    for name in ("collection", "solr"):
        fn = click.option(f"--{name}", name, metavar="URLS" if name == "solr" else "NAME", expose_value=False,
                          callback=_remember, help=SETTINGS[name][1] + f" Also {SETTINGS[name][2]}.")(fn)
    return fn


def wait_option(fn):
    return click.option("--wait", is_flag=True, help="Wait for another writer instead of failing.")(fn)


def jsonl_option(fn):
    return click.option("--jsonl", "jsonl", is_flag=True,
                        help="JSON Lines: the answer's header object, then one object a line, written as found.")(fn)


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")(fn)


def variants_option(fn):
    return click.option("--variants", is_flag=True,
                        help="Count the term's variants too: the places it stands with other punctuation inside "
                             "(一主、六双 for 一主六双).")(fn)


def regex_option(fn):
    return click.option("--regex", "regex", metavar="PATTERN",
                        help="A Python regular expression over each printed line (full-width forms folded to ASCII, "
                             "nothing else), e.g. '[0-9.]+%左右'.")(fn)


def pattern_option(fn):
    return click.option("--pattern", "pattern", is_flag=True,
                        help="Read TERM as a pattern: ? one character, * up to 10 (*20 up to 20), "
                             "A NEAR/10 B, A BEFORE/10 B.")(fn)


@contextmanager
def scanning(app: App, quiet: bool):
    """A pattern with no literal piece reads every section: say so on stderr, and show a bar. Both come
    with the first report of progress, so a command that reads no such thing imports no rich for it."""
    from contextlib import ExitStack

    bar = []
    with ExitStack() as stack:
        def told(done: int, total: int) -> None:
            if not bar:
                from .render.upkeep import progress
                from .shown import Shown

                app.err.print(Shown("the pattern holds no literal piece to look up: reading every section "
                                    f"({total:,})", style="yellow"))
                bar.append(stack.enter_context(progress(app.err, "reading every section", quiet)))
            bar[0](completed=done, total=total)

        yield told


def xlsx_option(fn):
    return click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                        help="Write the rows of --json to an Excel sheet FILE (numbers as numbers, the citation column).")(fn)


def no_xlsx_with(xlsx, as_json, as_csv) -> None:
    if xlsx and (as_json or as_csv):
        raise click.UsageError("--xlsx writes a file: give it alone, not with --json or --csv")


def finish(app: App, earned: int = 0, *, as_json: bool = False, doc=None, paint=None, pager: bool | None = None,
           as_csv: bool = False, csv=None, xlsx: Path | None = None, rows=None, jsonl: bool = False):
    """The end of every command, written once: the exit code its results earned (kept when stdout is
    closed under it: errors.handle_errors ends quietly with it), then what was asked — `--xlsx FILE`
    (`rows()`, a line saying so), `--json` (`doc()`; None: written already, a line at a time),
    `--csv` (`csv()`: text, or chunks of it written as they come), or the terminal (`paint()`, through
    the pager when `pager`) — then the exit. `jsonl`: the document as JSON Lines (its list a record a
    line, after the rest)."""
    from . import export

    app.earned = earned  # a function for an answer written as it is counted (trend): asked at the end
    if xlsx is not None:
        from .visible import field

        n = export.write_xlsx(xlsx, rows())
        click.echo(f"wrote {n} row{'s' if n != 1 else ''} to {field(str(xlsx))}")  # a name of any bytes, shown
    elif as_json or jsonl:
        if doc is not None:
            export.print_json(doc(), lines=jsonl)
    elif as_csv:
        text = csv()
        for chunk in [text] if isinstance(text, str) else text:
            click.echo(chunk, nl=False)
    elif paint is not None:
        if pager is None:
            paint()
        else:
            app.page(paint, pager)
    sys.exit(earned() if callable(earned) else earned)


class CheckedCommand(click.Command):
    """A command whose arguments are checked (refuse_undecodable) before it runs."""

    def invoke(self, ctx):
        refuse_undecodable(ctx, ctx.obj if isinstance(ctx.obj, App) else None)
        return super().invoke(ctx)


class CheckedGroup(click.Group):
    """`baogao` itself: its own options checked, and every command made a CheckedCommand."""

    command_class = CheckedCommand

    def invoke(self, ctx):
        refuse_undecodable(ctx)
        return super().invoke(ctx)


@click.group(cls=CheckedGroup, invoke_without_command=True, context_settings=CONTEXT)
@click.option("--home", envvar=SETTINGS["home"][2], default=SETTINGS["home"][0], metavar="DIR",
              help=SETTINGS["home"][1] + " Also BAOGAO_HOME.")
@click.option("--solr", envvar=SETTINGS["solr"][2], metavar="URLS", help=SETTINGS["solr"][1] + " Also BAOGAO_SOLR.")
@click.option("--collection", envvar=SETTINGS["collection"][2], default=SETTINGS["collection"][0], metavar="NAME",
              help=SETTINGS["collection"][1] + " Also BAOGAO_SOLR_COLLECTION.")
@click.option("--no-engine", is_flag=True, help="Answer in this process, not through the resident engine "
              "(also BAOGAO_ENGINE=off).")
@click.version_option(package_name="baogao")
@click.pass_context
def cli(ctx, home, solr, collection, no_engine):
    """baogao — a searchable archive of Chinese government reports (政府工作报告全文检索).

    Run without arguments in a terminal for the full-screen reader (`baogao ui`).
    """
    ctx.obj = App(home, solr, collection)
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            ctx.invoke(ui)
        else:
            click.echo(ctx.get_help())


@cli.command(context_settings=CONTEXT)
@remote_options
@click.option("--served", is_flag=True, hidden=True)  # one browser tab of `baogao serve`: the page is the terminal
@click.pass_obj
@handle_errors
def ui(app: App, served=False, as_json=False):
    """The full-screen reader: search, read, verify, trend (needs a terminal; ? for its keys)."""
    if not served and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise click.UsageError("baogao ui needs a terminal (for scripts: search, show, verify, trend --json)")
    from .ui import run

    run(app)


@cli.command(context_settings=CONTEXT)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on (0: any free one; the URL printed says which).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Any other than this machine's own lets anyone who can reach it read "
                   "the archive: share it with `ssh -L 8000:127.0.0.1:8000 HOST` instead.")
@click.option("--max-sessions", type=click.IntRange(min=1), default=4, show_default=True,
              help="At most N browser tabs at once (each runs the app in a process of its own); more are refused.")
@remote_options
@click.pass_obj
@handle_errors
def serve(app: App, port, host, max_sessions):
    """The full-screen reader in a web browser: prints the URL; each tab runs its own app (Ctrl+C stops)."""
    from .errors import report
    from .serve import ServeError, exposure_warning, is_local, serve as run_server, session_command

    home = None if app.solr else app.home().path.resolve()  # a new home gets its sample pages now, not per tab
    command = session_command(home, app.solr, app.collection)
    if not is_local(host):
        click.echo(exposure_warning(host, port), err=True)

    def listening(url: str) -> None:
        from .visible import field

        click.echo(url)
        click.echo(f"baogao: serving {field(app.solr or str(home))} at {url} — each tab its own app, at most {max_sessions} "
                   "at once; Ctrl+C stops", err=True)

    try:
        run_server(command, host, port, max_sessions, "baogao", listening)
    except ServeError as e:
        report(app, e, as_json=False)


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--sync", is_flag=True, help="Also remove reports whose files under PATH are gone.")
@wait_option
@json_option
@click.pass_obj
@handle_errors
def ingest(app: App, paths, sync, wait, as_json):
    """Add report files (.txt, .md) or folders; changed files are replaced, unchanged skipped."""
    from index import ingest as run_ingest

    from .render.upkeep import ingest_summary, progress

    home = app.home(reading=False)
    with progress(app.err, "ingest", as_json) as update:
        result = run_ingest(home, paths, sync=sync, wait=wait, on_total=lambda n: update(total=n),
                            progress=lambda k: update(advance=k))
    finish(app, 1 if result.failed else 0, as_json=as_json, doc=lambda: jsonout.to_json(result),
           paint=lambda: ingest_summary(app.console, result))


LIST_FILTERS = ("region", "year", "level", "report")


@cli.command("list", context_settings=CONTEXT)
@click.argument("filters", nargs=-1)
@filter_options
@click.option("--sort", type=click.Choice(["id", "year", "oldest", "region", "size"]), default="id", show_default=True,
              help="id, year (newest first), oldest, region, or size (longest first).")
@click.option("--pager/--no-pager", default=True, help="Page long output in a terminal.")
@json_option
@remote_options
@click.pass_obj
@handle_errors
def list_(app: App, filters, region, year, level, report, sort, pager, as_json):
    """List the reports in the archive. FILTERS as in search: region:吉林 year:2020-2024 level:city."""
    from .render.reading import reports_summary, reports_table

    chosen = {"region": region, "year": year, "level": level, "report": report}
    for word in filters:
        field, colon, value = word.replace("：", ":").partition(":")
        if not colon or field not in LIST_FILTERS or not value.strip():
            raise click.BadParameter(f"{word!r} is not a filter; list takes region:, year:, level: and report:",
                                     param_hint="FILTERS")
        if chosen[field] not in (None, value):
            raise click.BadParameter(f"{field} given twice ({chosen[field]!r} and {value!r})", param_hint="FILTERS")
        chosen[field] = value
    reports = app.backend().reports(chosen, sort)
    if any(chosen.values()) and not reports:  # filters that keep nothing say so
        from index.errors import NoReportError

        raise NoReportError("no report matches " + " ".join(f"{k}:{v}" for k, v in chosen.items() if v),
                            "Check the filters: `baogao list` names the reports, their regions and years.")
    def paint():
        app.console.print(reports_table(reports, app.console.width))
        app.console.print(reports_summary(reports, any(chosen.values())))

    finish(app, as_json=as_json, doc=lambda: jsonout.reports(reports), paint=paint, pager=pager)


@cli.command(context_settings=CONTEXT)
@click.argument("report")
@json_option
@remote_options
@click.pass_obj
@handle_errors
def sections(app: App, report, as_json):
    """List the sections of REPORT (id, id prefix, or part of its title or region)."""
    from .render.reading import report_line, sections_table

    backend = app.backend()
    r = backend.resolve_report(report)
    secs = backend.sections(r.id)
    def paint():
        app.console.print(report_line(r))
        app.console.print(sections_table(secs))

    finish(app, as_json=as_json, doc=lambda: jsonout.to_json(secs), paint=paint)


@cli.command(context_settings=CONTEXT)
@click.argument("report")
@click.argument("section", required=False)
@click.option("--highlight", metavar="QUERY", help="Light up QUERY's matches in the text.")
@click.option("--pager/--no-pager", default=True, help="Page long output in a terminal.")
@json_option
@remote_options
@click.pass_obj
@handle_errors
def show(app: App, report, section, highlight, pager, as_json):
    """Show REPORT, or one SECTION of it (a number or part of a heading) with its subsections."""
    from .citation import cite
    from .render.reading import render_show

    backend = app.backend()
    r = backend.resolve_report(report)
    sec = backend.resolve_section(r.id, section) if section else None
    view = backend.show(r.id, sec.id if sec else None)
    if as_json:
        finish(app, as_json=True, doc=lambda: jsonout.to_json(view))
    marks = backend.highlights(view, highlight) if highlight else {}  # once: a plain pager paints twice
    shown = cite(r, sec.id if sec else None, sec.heading if sec else None, None)  # the section (or report) shown
    finish(app, paint=lambda: render_show(app.console, view, marks, shown), pager=pager)


@cli.command(context_settings=CONTEXT)
@click.argument("query", nargs=-1)
@click.option("--limit", type=int, default=SETTINGS["limit"][0], show_default=True, help=SETTINGS["limit"][1])
@click.option("--all", "show_all", is_flag=True, help="Show every hit.")
@click.option("--sort", type=click.Choice(["score", "year", "oldest"]), default="score", show_default=True,
              help="score, year (newest first) or oldest (first); verbatim hits first in each.")
@click.option("-e", "--exact", is_flag=True, help="Only verbatim matches of the whole query (filters like region:浙江 still apply).")
@filter_options
@click.option("--with-duplicates", is_flag=True, help="Show every transcription of a report as its own hit.")
@variants_option
@regex_option
@json_option
@jsonl_option
@remote_options
@click.pass_obj
@handle_errors
def search(app: App, query, limit, show_all, sort, exact, report, region, year, level, with_duplicates, variants,
           regex, as_json, jsonl):
    """Search the archive. QUERY is the rest of the line: 九解一协调, "一主六双", A OR B, NOT A,
    (…), region: year: report: heading: level: filters; "稳*增长", "十?五" (wildcards, quoted),
    A NEAR/10 B, A BEFORE/10 B."""
    if not query and regex is None:
        raise click.UsageError("give a QUERY (or --regex PATTERN)")
    if limit < 1 and not show_all:
        raise click.BadParameter(f"--limit must be at least 1 (got {limit}); use --all for every hit", param_hint="--limit")
    text = " ".join(query)
    # Cut the query's words on the other core first: the imports below (numpy, Whoosh, rich) overlap it.
    backend = app.backend()
    backend.segment_ahead(text, exact)
    from .render.reading import render_search

    with scanning(app, as_json) as told:
        result = backend.search(text, limit=None if show_all else limit, exact=exact, sort=sort,
                                filters={"report": report, "region": region, "year": year, "level": level},
                                with_duplicates=with_duplicates, variants=variants, regex=regex, progress=told)
    finish(app, 0 if result.total else 1, as_json=as_json, jsonl=jsonl,
           doc=lambda: jsonout.search(result, app.citations().of, stream=True),
           paint=lambda: render_search(app.console, result, app.citations().of))


@cli.command(context_settings=CONTEXT)
@click.argument("report", required=False)
@click.option("--samples", is_flag=True, help="Remove the bundled sample pages a first read added.")
@wait_option
@json_option
@click.pass_obj
@handle_errors
def remove(app: App, report, samples, wait, as_json):
    """Remove REPORT from the archive (or, with --samples, the bundled sample pages)."""
    from index import remove as run_remove
    from index import reports_from, resolve_report

    from .render.upkeep import removed_summary

    if bool(report) == samples:
        raise click.UsageError("name one REPORT to remove, or pass --samples (not both)")
    home = app.home(reading=False)
    ids = reports_from(home, seeds_folder()) if samples else [resolve_report(home, report).id]
    removed = run_remove(home, ids, wait=wait) if ids else []
    finish(app, as_json=as_json, doc=lambda: {"removed": removed}, paint=lambda: removed_summary(app.console, removed))


@cli.command(context_settings=CONTEXT)
@wait_option
@json_option
@click.pass_obj
@handle_errors
def rebuild(app: App, wait, as_json):
    """Re-create both indexes from the store (the source files are not needed)."""
    from index import rebuild as run_rebuild

    from .render.upkeep import rebuild_summary

    result = run_rebuild(app.home(reading=False), wait=wait)
    finish(app, as_json=as_json, doc=lambda: result, paint=lambda: rebuild_summary(app.console, result))


@cli.command(context_settings=CONTEXT)
@wait_option
@json_option
@click.pass_obj
@handle_errors
def compact(app: App, wait, as_json):
    """Merge the substring-index segments and take up new dictionary words."""
    from index import compact as run_compact

    from .render.upkeep import compact_summary

    before, after = run_compact(app.home(reading=False), wait=wait)
    finish(app, as_json=as_json, doc=lambda: {"segments_before": before, "segments_after": after},
           paint=lambda: compact_summary(app.console, before, after))


@cli.command(context_settings=CONTEXT)
@json_option
@click.pass_obj
@handle_errors
def check(app: App, as_json):
    """Check the store against both indexes and say what to do."""
    from index import check as run_check

    from .render.upkeep import check_summary

    result = run_check(app.home(reading=False))
    finish(app, 0 if result.ok else 3,  # 3: a damaged archive
           as_json=as_json, doc=lambda: jsonout.to_json(result), paint=lambda: check_summary(app.console, result))


@cli.command(context_settings=CONTEXT)
@click.option("--solr", "nodes", metavar="URLS", help="The SolrCloud's node URLs, comma-separated (or BAOGAO_SOLR).")
@click.option("--collection", metavar="NAME", help="The collection (default: baogao, or BAOGAO_SOLR_COLLECTION).")
@click.option("--shards", type=click.IntRange(min=1), default=2, show_default=True, help="Shards of a new collection.")
@click.option("--replicas", type=click.IntRange(min=1), default=2, show_default=True, help="Replicas of each shard.")
@json_option
@click.pass_obj
@handle_errors
def publish(app: App, nodes, collection, shards, replicas, as_json):
    """Send the archive to a SolrCloud, all or nothing: a new collection filled, then the alias
    --collection switched to it and the old one deleted. Then read it with --solr on any machine."""
    from index.solr.client import SolrClient, nodes_of
    from index.solr.publishing import publish as run_publish

    from .render.upkeep import progress, publish_summary

    nodes = nodes or app.solr
    if not nodes:
        raise click.UsageError("publish needs the cluster: --solr http://HOST:PORT/solr[,…] (or BAOGAO_SOLR)")
    client = SolrClient(nodes_of(nodes), collection or app.collection)
    home = app.home(reading=False)  # what it holds, never the sample pages added on the way
    if not home.initialized:
        from index import HomeError

        raise HomeError(f"no archive at {home.path} to publish", "Fill one with `baogao ingest PATH`, or name it with --home.")
    with progress(app.err, "publish", as_json) as update:
        result = run_publish(home, client, shards, replicas, progress=lambda k, n: update(completed=k, total=n))
    finish(app, as_json=as_json, doc=lambda: result, paint=lambda: publish_summary(app.console, result))


@cli.command(context_settings=CONTEXT)
@click.argument("quote", nargs=-1, required=True)
@click.option("--all", "show_all", is_flag=True, help="Show every place the quote stands.")
@json_option
@jsonl_option
@remote_options
@click.pass_obj
@handle_errors
def verify(app: App, quote, show_all, as_json, jsonl):
    """Check whether QUOTE stands in a report verbatim, where, and what differs.
    `baogao verify -` reads one quote a line from stdin (JSON Lines with --json)."""
    from . import export
    from .inputs import batch_exit, verdicts
    from .render.checking import render_verdict, verdict_row

    backend = app.backend()
    text = " ".join(quote)
    if text.strip() == "-":  # each line answered as soon as it is checked
        earned = None
        for k, row in enumerate(verdicts(backend, stdin_lines())):
            earned = batch_exit([row]) if earned is None else max(earned, batch_exit([row]))
            if as_json or jsonl:  # JSON Lines (--json and --jsonl alike)
                export.print_json(jsonout.verdict(row, app.citations().of) if hasattr(row, "verdict") else jsonout.unchecked(row))
            else:
                app.console.print(verdict_row(row), soft_wrap=True)
        finish(app, batch_exit([]) if earned is None else earned, as_json=as_json)
    v = backend.verify(text)
    finish(app, 0 if v.verdict == "exact" else 1, as_json=as_json, doc=lambda: jsonout.verdict(v, app.citations().of),
           paint=lambda: render_verdict(app.console, v, show_all, app.citations().of))


@cli.command(context_settings=CONTEXT)
@click.argument("term", nargs=-1)
@filter_options
@click.option("--width", type=int, default=30, show_default=True, help="Characters of context on each side.")
@click.option("--sort", type=click.Choice(["year", "report", "left", "right"]), default="year", show_default=True,
              help="year (then position), report, left (context read backwards) or right.")
@click.option("--limit", type=click.IntRange(min=1), help="At most N lines (the terminal shows 50 unless told).")
@click.option("--all", "show_all", is_flag=True, help="Every occurrence in the terminal too.")
@click.option("--with-duplicates", is_flag=True, help="Every transcription of a report on its own.")
@click.option("--csv", "as_csv", is_flag=True, help="Every occurrence as CSV (unless --limit).")
@xlsx_option
@variants_option
@pattern_option
@regex_option
@json_option
@jsonl_option
@remote_options
@click.pass_obj
@handle_errors
def kwic(app: App, term, region, year, level, report, width, sort, limit, show_all, with_duplicates, as_csv, xlsx,
         variants, pattern, regex, as_json, jsonl):
    """Every occurrence of TERM in its context (keyword in context), aligned on the term. TERM is the
    rest of the line, one exact string as `search -e` reads it (with --pattern, one pattern: 稳*增长,
    A NEAR/5 B); filters like region:吉林 apply."""
    if not term and regex is None:
        raise click.UsageError("give a TERM (or --regex PATTERN)")
    from .export import kwic_csv
    from .render.counting import render_kwic

    if width < 1:
        raise click.BadParameter(f"--width must be at least 1 (got {width})", param_hint="--width")
    no_xlsx_with(xlsx, as_json or jsonl, as_csv)
    if limit is None and not (show_all or as_csv or as_json or jsonl or xlsx):
        limit = 50
    with scanning(app, as_json or as_csv or xlsx is not None) as told:
        c = app.backend().kwic(" ".join(term), filters={"region": region, "year": year, "level": level, "report": report},
                               width=width, sort=sort, limit=limit, with_duplicates=with_duplicates, variants=variants,
                               pattern=pattern, regex=regex, progress=told)
    finish(app, 0 if c.total else 1, xlsx=xlsx, rows=lambda: jsonout.kwic(c, app.citations().of)["lines"],
           as_json=as_json, jsonl=jsonl, doc=lambda: jsonout.kwic(c, app.citations().of, stream=True), as_csv=as_csv,
           csv=lambda: kwic_csv(c),
           paint=lambda: render_kwic(app.console, c, show_all))


@cli.command("new", context_settings=CONTEXT)
@click.argument("report")
@click.option("--against", "against", multiple=True, metavar="earlier|previous|REPORT",
              help="The baseline: every earlier report of the region and level (default), the previous year's, "
                   "or these reports (repeat the option).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most N phrases.")
@click.option("--all", "show_all", is_flag=True, help="Every new phrase.")
@json_option
@remote_options
@click.pass_obj
@handle_errors
def new(app: App, report, against, limit, show_all, as_json):
    """The phrases of REPORT that no earlier report of its region and level holds (新提法), ranked by
    how much REPORT uses them."""
    from .render.findings import render_novelty

    if len(against) == 1 and against[0] in ("earlier", "previous"):
        baseline = against[0]
    elif any(a in ("earlier", "previous") for a in against):
        raise click.BadParameter("earlier and previous stand alone, not beside reports", param_hint="--against")
    else:
        baseline = list(against) or None
    nv = app.backend().new_phrases(report, baseline, None if show_all else limit)
    finish(app, 0 if nv.phrases else 1, as_json=as_json, doc=lambda: jsonout.novelty(nv),
           paint=lambda: render_novelty(app.console, nv))


@cli.command(context_settings=CONTEXT)
@click.argument("old")
@click.argument("new")
@click.option("--all", "show_all", is_flag=True, help="Every sentence, the unchanged ones too.")
@json_option
@remote_options
@click.pass_obj
@handle_errors
def diff(app: App, old, new, show_all, as_json):
    """What changed from OLD to NEW (two reports), sentence by sentence: a summary first — sections
    added and removed, sentences changed, added, removed, moved, every figure that changed, both
    reports' targets — then each change, marked 〖-old-〗〖+new+〗."""
    from .render.findings import render_revision

    r = app.backend().diff(old, new)
    finish(app, 0, as_json=as_json, doc=lambda: jsonout.revision(r), paint=lambda: render_revision(app.console, r, show_all),
           pager=True)


@cli.command(context_settings=CONTEXT)
@click.argument("target")
@click.option("--reference", "-r", metavar="REF",
              help="What TARGET is set against: a report or a quoted filter expression (default: the rest of the archive).")
@click.option("--fewer", is_flag=True, help="The phrases TARGET uses less than REF (drawn from REF: at most 5 M characters).")
@click.option("--sort", type=click.Choice(["g2", "logratio", "count"]), default="g2", show_default=True,
              help="By log-likelihood G², log ratio, or count.")
@click.option("--min-count", type=click.IntRange(min=1), default=3, show_default=True,
              help="At least N occurrences (in TARGET; with --fewer, in REF).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most N phrases.")
@click.option("--all", "show_all", is_flag=True, help="Every phrase.")
@click.option("--csv", "as_csv", is_flag=True, help="The phrases as CSV.")
@xlsx_option
@json_option
@remote_options
@click.pass_obj
@handle_errors
def compare(app: App, target, reference, fewer, sort, min_count, limit, show_all, as_csv, xlsx, as_json):
    """The phrases that set TARGET apart (over-used against REF, by exact counts): TARGET and REF are
    each one report or one quoted filter expression ("year:2025 level:national")."""
    from .export import compare_csv
    from .render.findings import render_comparison

    no_xlsx_with(xlsx, as_json, as_csv)
    cmp = app.backend().compare(target, reference, fewer=fewer, sort=sort, min_count=min_count,
                                limit=None if show_all else limit)
    finish(app, 0 if cmp.phrases else 1, xlsx=xlsx, rows=lambda: jsonout.comparison(cmp, app.citations().of)["phrases"],
           as_json=as_json, doc=lambda: jsonout.comparison(cmp, app.citations().of), as_csv=as_csv,
           csv=lambda: compare_csv(jsonout.comparison(cmp, app.citations().of)),
           paint=lambda: render_comparison(app.console, cmp))


@cli.command(context_settings=CONTEXT)
@click.argument("indicators", nargs=-1)
@filter_options
@click.option("--by", type=click.Choice(["year", "region"]),
              help="A table of one indicator: regions × years (year), or years × regions (region).")
@click.option("--with-duplicates", is_flag=True, help="A row for every transcription of a report.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV: one row per target, or the --by table.")
@xlsx_option
@json_option
@remote_options
@click.pass_obj
@handle_errors
def targets(app: App, indicators, region, year, level, report, by, with_duplicates, as_csv, xlsx, as_json):
    """The targets each work report sets for its year (主要预期目标), with citations: every report ×
    indicator, its status a value, 未设定 (not set), 定性 (in words), ? (it names the indicator, nothing
    was read: a possible miss) or 无 (it never names the indicator). INDICATORs: gdp,
    cpi, urban_jobs, unemployment_surveyed, unemployment_registered, deficit_ratio, grain_output,
    retail_prices (all when none is named)."""
    from .export import targets_csv
    from .render.findings import print_targets

    if by and len(indicators) != 1:
        raise click.UsageError("--by makes a table of one indicator: name it (e.g. targets gdp --by year)")
    no_xlsx_with(xlsx, as_json, as_csv)
    chosen = {"region": region, "year": year, "level": level, "report": report}
    rows = app.backend().targets(tuple(indicators), chosen, with_duplicates)
    read = any(r.status not in ("not_found", "other_period", "no_cue") for r in rows)
    finish(app, 0 if read else 1,  # 1: nothing read anywhere
           xlsx=xlsx, rows=lambda: jsonout.targets(rows, None, app.citations().of)["targets"],
           as_json=as_json, doc=lambda: jsonout.targets(rows, len(app.backend().reports(chosen)), app.citations().of),
           as_csv=as_csv, csv=lambda: targets_csv(rows, by),
           paint=lambda: print_targets(app.console, rows, by, any(chosen.values())), pager=bool(rows))


@cli.command(context_settings=CONTEXT)
@click.argument("terms", nargs=-1)
@click.option("--by", type=click.Choice(["year", "region", "level"]), default="year", show_default=True)
@click.option("--region", help="Only reports whose region contains this.")
@click.option("--level", help="national, provincial, city, county or other.")
@click.option("--from", "year_from", type=int, metavar="YEAR", help="From this year on.")
@click.option("--to", "year_to", type=int, metavar="YEAR", help="Up to this year.")
@click.option("--per", type=click.IntRange(min=1), metavar="N", help="Occurrences per N characters of report text.")
@click.option("--file", "terms_file", type=click.File("rb"),
              help=f"Read one term a line (UTF-8, # comments; at most {TREND_MAX_TERMS:,} terms).")
@click.option("--with-duplicates", is_flag=True, help="Count near-duplicate reports too.")
@click.option("--first", "first", is_flag=True, help="Each region's first mention of TERM, earliest first (how it spread).")
@click.option("--csv", "as_csv", is_flag=True, help="Print a terms × buckets CSV matrix.")
@xlsx_option
@variants_option
@pattern_option
@click.option("--regex", "regex", metavar="PATTERN", multiple=True,
              help="A Python regular expression over each printed line, counted as one more term (repeatable).")
@json_option
@remote_options
@click.pass_obj
@handle_errors
def trend(app: App, terms, by, region, level, year_from, year_to, per, terms_file, with_duplicates, first, as_csv,
          xlsx, variants, pattern, regex, as_json):
    """How often TERMs stand in the archive by year (or region, level), and where each was first
    written. Counts are exact strings; a report in two transcriptions counts once."""
    from .export import trend_csv, trend_rows
    from .render.counting import render_spread, render_trend

    no_xlsx_with(xlsx, as_json, as_csv)
    words = list(terms)
    if terms_file:
        words += terms_from(terms_file)
    if not words and not regex:
        raise click.UsageError("give one or more TERMs, or --file with one term a line")
    if first:
        if len(words) != 1 or per or as_csv or pattern or regex:
            raise click.UsageError("--first takes one TERM (and neither --per, --csv, --pattern nor --regex)")
        spread = app.backend().spread(words[0], region=region, level=level, year_from=year_from, year_to=year_to,
                                      with_duplicates=with_duplicates)
        finish(app, 0 if spread.first else 1, xlsx=xlsx, rows=lambda: jsonout.spread(spread, app.citations().of)["first"],
               as_json=as_json, doc=lambda: jsonout.spread(spread, app.citations().of),
               paint=lambda: render_spread(app.console, spread))
    with scanning(app, as_json or as_csv or xlsx is not None) as told:
        result = app.backend().trend(words, by=by, region=region, level=level, year_from=year_from, year_to=year_to,
                                     per=per, with_duplicates=with_duplicates, variants=variants, pattern=pattern,
                                     regex=regex, progress=told)
    def earned() -> int:  # the terms counted so far (all, once written): a term found earns 0
        done = result.terms.built() if hasattr(result.terms, "built") else result.terms
        return 0 if any(t.total for t in done) else 1

    finish(app, earned,
           xlsx=xlsx, rows=lambda: trend_rows(jsonout.trend(result, app.citations().of)),
           as_json=as_json, doc=lambda: jsonout.trend(result, app.citations().of, stream=True), as_csv=as_csv,
           csv=lambda: trend_csv(result),
           paint=lambda: render_trend(app.console, result, cite=app.citations().of))


@cli.command(context_settings={**CONTEXT, "ignore_unknown_options": True})
@click.argument("what", required=False, default="status", type=click.Choice(["status", "stop"]))
@click.pass_obj
def engine(app: App, what):
    """The home's resident engine: whether it runs (status), or stop it. Read commands go through it
    (one per user and home, started by the first; 15 minutes idle ends it); BAOGAO_ENGINE=off or
    --no-engine answer in-process."""
    from .resident.wire import engine_command

    sys.exit(engine_command(str(app.home_path.resolve()) if (app.home_path / "store.sqlite").exists() else None, [what]))


def main(argv=None) -> None:
    """Entry point: click's usage errors and the machine's faults also become one line (or JSON)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        cli.main(args=args, prog_name="baogao", standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        click.echo("baogao: interrupted.", err=True)
        sys.exit(130)
    except click.ClickException as e:
        sys.exit(usage_error(e, args))
    except OSError as e:  # the machine's fault (disk, permissions), not the user's
        sys.exit(machine_error(e, args))
    sys.exit(0)


def run() -> None:
    """The process's entry (the `baogao` script, `python -m cli`). Once the command is over, a Ctrl-C
    has nothing left to interrupt: it is ignored while the interpreter exits, which otherwise resets
    Python's handler to the default and dies of the signal (exit -2, no message) — seen in CI when a
    Ctrl-C landed just as an ingest finished."""
    try:
        main()
    except KeyboardInterrupt:  # between the command's own handler and the exit
        click.echo("baogao: interrupted; nothing was half-written (the archive is as it was or complete).", err=True)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
