"""`baogao` with no arguments in a terminal: a prompt. A query lists numbered hits; a number opens
that hit's section with the query lit up; n / p move to the next / previous hit; q or Ctrl-D quits;
Ctrl-C abandons what is running and returns to the prompt."""

from __future__ import annotations

from . import render

HELP = "type a query · a number opens that hit · n/p next/previous hit · q quits · ? help"


def run(app, read=input) -> None:
    from index import QueryError

    console = app.console
    backend = app.backend()
    console.print(f"baogao · {HELP}", style="dim")
    query, hits, current = None, [], -1

    def open_hit(i: int) -> None:
        nonlocal current
        hit = hits[i]
        current = i
        view = backend.show(hit.report, hit.section_id)
        console.print(f"[{i + 1}/{len(hits)}]", style="dim")
        render.render_show(console, view, backend.highlights(view, query))

    while True:
        try:
            line = read("baogao> ").strip()
        except EOFError:
            console.print()
            return
        except KeyboardInterrupt:
            console.print()
            continue
        try:
            if not line:
                continue
            if line in ("q", "quit", "exit"):
                return
            if line in ("?", "help"):
                console.print(HELP)
            elif line.isdigit() and hits:
                i = int(line) - 1
                if 0 <= i < len(hits):
                    open_hit(i)
                else:
                    console.print(f"no hit {line}: there are {len(hits)}", style="red")
            elif line in ("n", "p") and hits:
                i = current + (1 if line == "n" else -1)
                if 0 <= i < len(hits):
                    open_hit(i)
                else:
                    console.print("no more hits" if line == "n" else "this is the first hit", style="dim")
            else:
                try:
                    result = backend.search(line, limit=20)
                except QueryError as e:
                    console.print(f"{e}", style="red")
                    continue
                query, hits, current = line, list(result.hits), -1
                render.render_search(console, result)
        except KeyboardInterrupt:
            console.print("\n(interrupted)", style="dim")
