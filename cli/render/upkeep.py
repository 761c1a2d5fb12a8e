"""What the commands that change or check the archive say: ingest, publish, check, rebuild, remove,
compact — one summary each."""

from __future__ import annotations

from contextlib import contextmanager

from rich.console import Console

from ..shown import Shown, joined
from ..visible import field
from .layout import plural


@contextmanager
def progress(err: Console, label: str, quiet: bool):
    """A bar on stderr while a writer works (none with --json or without a terminal), gone when it is
    done; yields `update(advance=…, completed=…, total=…)`."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=quiet or not err.is_terminal) as bar:
        task = bar.add_task(label, total=None)
        yield lambda **kw: bar.update(task, **kw)


def ingest_summary(console: Console, result) -> None:
    parts = [f"added {len(result.added)}", f"updated {len(result.updated)}",
             f"unchanged {len(result.unchanged)}", f"removed {len(result.removed)}", f"failed {len(result.failed)}"]
    console.print(Shown(" · ".join(parts), style="bold"))
    skipped = getattr(result, "skipped", ())
    if skipped:
        by_reason: dict[str, list[str]] = {}
        for s in skipped:
            by_reason.setdefault(field(s["reason"]), []).append(field(s["path"].replace("\\", "/").rsplit("/", 1)[-1]))
        console.print(Shown(f"skipped {len(skipped)}: " + "; ".join(f"{reason} ({', '.join(names)})"
                                                                    for reason, names in by_reason.items())),
                      soft_wrap=True)
    for n in getattr(result, "notes", ()):  # ingested, but some bytes were replaced or read otherwise
        line = Shown("  ! ", style="yellow")
        line.append_lines(n["path"])
        line.append_lines(": " + n["note"])
        console.print(line, soft_wrap=True)
    for f in result.failed:
        line = Shown("  ✘ ", style="red")
        line.append(f["path"])
        line.append(": " + f["error"])
        console.print(line, soft_wrap=True)  # one line per file, whatever the width


def publish_summary(console: Console, result: dict) -> None:
    """What `publish --solr` did, on one line (the collection's name as text, never markup)."""
    line = Shown(result["collection"] + ": ", style="bold")
    line.append(f"published {result['published']:,} · deleted {result['deleted']:,} · unchanged {result['unchanged']:,}"
                f" ({result['seconds']:.1f} s)")
    console.print(line)


def check_summary(console: Console, result) -> None:
    verdict = "ok" if result.ok else "problems found"
    console.print(f"{verdict}: {plural(result.reports, 'report')}, {plural(result.sections, 'section')}"
                  f"; the text of {result.texts_compared:,} compared with the indexes (1 in 20 at random, at least 200)")
    for p in result.problems:
        console.print(Shown(f"  ✘ {p}"))


def rebuild_summary(console: Console, result: dict) -> None:
    console.print(f"rebuilt {plural(result['reports'], 'report')}, "
                  f"{plural(result['sections'], 'section')} in {result['seconds']} s")


def removed_summary(console: Console, removed: list[str]) -> None:
    console.print(Shown(f"removed {joined(removed, ', ')}") if removed
                  else "removed nothing (no sample pages are in the archive)")


def compact_summary(console: Console, before: int, after: int) -> None:
    console.print(f"segments: {before} → {after}")
