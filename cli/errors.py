"""The one translator from what went wrong to what the user reads: one line (and a hint) on stderr,
or {"error", "hint"} on stdout with --json, and the exit code of docs/contract.md (1 nothing done, 2 a bad
query/option/reference, 3 an archive that cannot be used, 130 interrupted). Never a traceback for
the user's input or the machine's state."""

from __future__ import annotations

import errno
import functools
import os
import sys

import click

from . import jsonout
from .export import dumps

HINT_DISK_FULL = "Free some space and run it again."
HINT_READ_ONLY = "Read commands work on it; to change it, use a copy you can write to."


def handle_errors(fn):
    """Wrap a command: typed errors → one line and their exit code. A closed stdout (`| head`) ends
    quietly with the exit code the results earned."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from archive import ArchiveError
        from index import SearchError
        from index.local.store import DatabaseError  # (the one room that speaks SQL)

        as_json = kwargs.get("as_json", False) or kwargs.get("jsonl", False)
        app = click.get_current_context().obj
        try:
            try:
                return fn(*args, **kwargs)
            finally:
                sys.stdout.flush()  # here, not at exit, so that a closed pipe is seen below
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(app.earned() if callable(app.earned) else app.earned)
        except DatabaseError as e:
            report(app, store_error(app.home_path, e), as_json)
        except (SearchError, ArchiveError) as e:
            report(app, e, as_json)
        except KeyboardInterrupt:
            click.echo("baogao: interrupted; nothing was half-written (the archive is as it was or complete).", err=True)
            sys.exit(130)

    return wrapper


def store_error(home_path, e):
    """An error SQLite raised, as what it means for the user: a damaged store (with what is at
    stake), a read-only one, a full disk, a busy one — never "damaged" for a store that is only
    unwritable."""
    from index import HomeError
    from index.local.store import OperationalError

    text = str(e)
    if "Could not decode" in text:  # a text column's bytes changed on disk (its value would echo them raw)
        text = f"{text.split(' with text ')[0]}: not UTF-8"
    elif isinstance(e, OperationalError):
        if "readonly" in text or "read-only" in text:
            return HomeError(f"the archive {home_path} is read-only ({text})", HINT_READ_ONLY)
        if "full" in text:
            return HomeError(f"the disk is full ({text}); nothing was half-written", HINT_DISK_FULL)
        if "locked" in text or "busy" in text:
            return HomeError(f"the archive is busy ({text})", "Run this again when the other baogao is done.")
        return HomeError(f"the store of {home_path} cannot be used ({text})", "Run `baogao check`.")
    return HomeError(f"the store of {home_path} is damaged ({text})",
                     "Reports in its damaged pages may be lost: copy the home aside, then ingest the reports "
                     "again (`baogao check` says what it can still read).")


def report(app, e: Exception, as_json: bool) -> None:
    """A typed error (it carries `exit_code` and `hint`) as one line, then exit."""
    hint = getattr(e, "hint", "") or ""
    candidates = getattr(e, "candidates", ())
    if as_json:
        click.echo(dumps(jsonout.error(str(e), hint, candidates, getattr(e, "reports_matched", None))))
    else:
        from .shown import Shown

        app.err.print(Shown(f"baogao: {e}", style="red"), soft_wrap=True)
        for c in candidates:
            app.err.print(Shown(f"  {c}"), soft_wrap=True)
        if hint:
            app.err.print(Shown(f"hint: {hint}", style="dim"), soft_wrap=True)
    sys.exit(getattr(e, "exit_code", 1))


def wants_json(args: list[str]) -> bool:
    """Whether the command line asks for JSON — for errors raised before click has parsed it."""
    head = args[:args.index("--")] if "--" in args else args
    return "--json" in head or "--jsonl" in head


def usage_error(e: click.ClickException, args: list[str]) -> int:
    """A bad option or argument (click's): one line or its JSON; exit 2."""
    if wants_json(args):
        click.echo(dumps(jsonout.error(e.format_message(), "See baogao --help.")))
    else:
        e.show()
    return e.exit_code


def machine_error(e: OSError, args: list[str]) -> int:
    """The machine's fault, not the user's (a full disk, permissions): one line, exit 3."""
    hint = "Check the disk and the permissions of the home, then `baogao check`."
    message = str(e)
    if e.errno == errno.ENOSPC or "requested and" in message:  # numpy says a short write so
        message, hint = f"the disk is full ({e}); nothing was half-written", HINT_DISK_FULL
    if wants_json(args):
        click.echo(dumps(jsonout.error(message, hint)))
    else:
        click.echo(f"baogao: {message}\nhint: {hint}", err=True)
    return 3


def _quiet_stdout() -> None:
    """The reader of stdout is gone: send what is still buffered nowhere, so that neither this
    process nor the interpreter's exit says anything about it."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
