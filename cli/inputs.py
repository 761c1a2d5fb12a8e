"""What the commands read besides their options: arguments checked for UTF-8, a trend's term file,
and `verify -`'s quotes from stdin, checked one by one."""

from __future__ import annotations

import itertools
import os
import sys
from typing import NamedTuple

import click

# What one trend may count. Measured on the whole corpus (3,281 reports, 55 M characters): a typical term costs
# about 3.5 ms and 0.13 MB, one of the 100 commonest characters 25 ms; 1,000 terms answer in 4 s
# (25 s if all are such characters) in 300 MB, 10,000 would take a minute and over a gigabyte.
TREND_MAX_TERMS = 1000
TERM_MAX_CHARS = 2000  # a term is a phrase, not a text: as long as a query may be


def shown_bytes(text: str) -> str:
    """An argument as the user typed it, its bytes that are not UTF-8 (which Python keeps as surrogate
    escapes) written \\xff: what a one-line message can name without breaking the terminal."""
    return os.fsencode(text).decode("utf-8", "backslashreplace")


def refuse_undecodable(ctx: click.Context, kept=None) -> None:
    """Every argument and option of the command about to run is valid UTF-8, or a usage error (exit 2)
    naming it — checked here, for every command, before any of them uses it (a query, a report id or
    a server's URL with a stray byte gave a UnicodeEncodeError deep inside). File and folder names
    are exempt: any bytes name a file, and the paths carry them as they are. `kept`: the object
    holding options given after the command but kept elsewhere (--solr/--collection on the App)."""
    named = [(p, ctx.params.get(p.name)) for p in ctx.command.params
             if p.expose_value and not isinstance(p.type, (click.Path, click.File)) and p.name != "home"]
    if kept is not None:
        named += [(p, getattr(kept, p.name, None)) for p in ctx.command.params if not p.expose_value]
    for param, value in named:
        for text in (value if isinstance(value, (tuple, list)) else (value,)):
            if isinstance(text, str) and not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    raise click.BadParameter(f"'{shown_bytes(text)}' is not valid UTF-8 text "
                                             "(set the terminal or the script to UTF-8)", ctx=ctx, param=param) from None


def terms_from(f) -> list[str]:
    """`trend --file`: one term a line (blank lines and # comments skipped), read line by line to
    the end — a term is never dropped silently: past TREND_MAX_TERMS, a line that is not UTF-8 or
    longer than TERM_MAX_CHARS, the file is a usage error naming the line."""
    name = shown_bytes(f.name if isinstance(f.name, str) else os.fsdecode(f.name))

    def refuse(why: str):
        return click.BadParameter(f"{name}: {why}", param_hint="--file")

    terms, cap = [], 4 * TERM_MAX_CHARS + 2  # bytes: a line of the longest term in UTF-8, with its line end
    for n in itertools.count(1):
        raw = f.readline(cap + 1)  # never a whole file of one line in memory
        if not raw:
            return terms
        cut = len(raw) > cap
        try:
            line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as e:
            if not (cut and e.start >= len(raw) - 3):  # a character the cut split is no fault of the file
                raise refuse(f"line {n} is not UTF-8 text (byte 0x{raw[e.start]:02x}); give one term a line") from None
            line = raw[:e.start].decode("utf-8-sig" if n == 1 else "utf-8")
        term = line.strip()
        if cut or len(term) > TERM_MAX_CHARS:
            raise refuse(f"line {n} is longer than {TERM_MAX_CHARS:,} characters; give one term a line")
        if not term or term.startswith("#"):
            continue
        if len(terms) == TREND_MAX_TERMS:
            raise refuse(f"more than {TREND_MAX_TERMS:,} terms (line {n} is term {TREND_MAX_TERMS + 1:,}); "
                         f"trend counts at most {TREND_MAX_TERMS:,} at once: split the file")
        terms.append(term)


def stdin_lines():
    """Each line of stdin as (text, None), or, for a line that is not UTF-8, (the line with its bad
    bytes written \\xff, why): read as bytes, so that one such line is a row of its own and never
    stops the batch (or goes on to be searched as surrogates)."""
    source = getattr(sys.stdin, "buffer", None)
    if source is None:  # a text stream (no bytes under it): already decoded
        yield from ((line, None) for line in sys.stdin)
        return
    for n, raw in enumerate(source, start=1):
        try:
            yield raw.decode("utf-8-sig" if n == 1 else "utf-8"), None
        except UnicodeDecodeError as e:
            yield (raw.decode("utf-8", "backslashreplace"),
                   f"line {n} is not valid UTF-8 (byte 0x{raw[e.start]:02x} at byte {e.start + 1}); nothing to check")


class Unchecked(NamedTuple):
    """A line of `verify -` that could not be checked, and why."""
    quote: str
    why: str


def verdicts(backend, lines):
    """`verify -`: per non-blank line, its Verdict, or Unchecked — one bad line never stops a batch,
    nor goes unmentioned; an archive that cannot be used stops it (HomeError)."""
    from index import HomeError, SearchError

    for line, undecodable in lines:
        if not line.strip():
            continue
        if undecodable:
            yield Unchecked(line.strip(), undecodable)
            continue
        try:
            yield backend.verify(line.strip())
        except SearchError as e:
            if isinstance(e, HomeError):
                raise
            yield Unchecked(line.strip(), str(e))


def batch_exit(rows) -> int:
    """0 when every quote stands verbatim, 2 when a line could not be checked, else 1."""
    checked = [r for r in rows if not isinstance(r, Unchecked)]
    return 2 if len(checked) < len(rows) else 0 if checked and all(v.verdict == "exact" for v in checked) else 1
