"""The records of a command as files and streams, in one place: JSON (one document, or JSON Lines: one
a line), CSV and XLSX. What each document holds is cli.jsonout's; here, how it is written — text
from outside made visible in a CSV cell (cli.visible.field), terminal controls escaped in JSON."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from index.model import bucket_order

from .visible import field

# What json.dumps(ensure_ascii=False) leaves raw but a terminal would act on (DEL, C1 controls such as
# CSI, bidi overrides) or cannot encode (lone surrogates, a file name's bytes that are not UTF-8):
# written as \uXXXX escapes, which read back as the same string.
_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def dumps(doc) -> str:
    """One JSON document on one line (so a stream of them is JSON Lines)."""
    return _RAW.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(doc, ensure_ascii=False))


class CsvWriter:
    """csv.writer whose text cells are fields (`field`: control characters and line breaks made
    visible): a CSV is also read in a terminal (`--csv | less`) and by line tools, one record a line
    (an id made of a file name may hold a newline; a kwic context never does)."""

    def __init__(self, out):
        import csv

        self._writer = csv.writer(out)

    def writerow(self, row) -> None:
        self._writer.writerow([field(c) if isinstance(c, str) else c for c in row])


def csv_table(header, rows) -> str:
    """A header and rows as CSV text."""
    out = io.StringIO()
    w = CsvWriter(out)
    w.writerow(header)
    for row in rows:
        w.writerow(row)
    return out.getvalue()


def csv_records(fields, records) -> str:
    """One row per record: the named attributes (None as an empty cell)."""
    return "".join(csv_stream(fields, records))


def csv_stream(fields, records, every: int = 1000):
    """csv_records a thousand rows at a time (a long answer is written as it is built)."""
    out = io.StringIO()
    w = CsvWriter(out)
    w.writerow(fields)
    for k, r in enumerate(records, start=1):
        w.writerow(["" if getattr(r, f) is None else getattr(r, f) for f in fields])
        if k % every == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def trend_csv(t) -> str:
    """A terms × buckets matrix: a header row, one row per term (what a spreadsheet opens)."""
    terms = list(t.terms)  # its columns are every term's buckets: known once all are counted
    keys = sorted({b.key for x in terms for b in x.buckets}, key=bucket_order)
    rows = []
    for x in terms:
        counts = {b.key: b.count for b in x.buckets}
        rows.append([x.term, *[counts.get(k, 0) for k in keys], x.total])
    return csv_table(["term", *keys, "total"], rows)


def kwic_csv(c):
    """kwic's lines as CSV, written as they are built (chunks of text)."""
    from .jsonout import KWIC_FIELDS

    return csv_stream(KWIC_FIELDS, c.lines)


def compare_csv(doc: dict) -> str:
    """compare's phrases, a row each (the --json fields)."""
    rows = doc["phrases"]
    return csv_table(list(rows[0]) if rows else ["phrase"], ([("" if v is None else v) for v in r.values()] for r in rows))


def targets_csv(rows, by: str | None) -> str:
    """One row per target, or (`by`) the grid of one indicator that the terminal shows."""
    from .jsonout import TARGET_FIELDS

    if by is None:
        return csv_records(TARGET_FIELDS, rows)
    from .render.findings import targets_grid

    keys, cols, cells = targets_grid(rows, by)
    return csv_table(["region" if by == "year" else "year", *cols], ([k, *[cells.get((k, c), "") for c in cols]] for k in keys))


def write_xlsx(path: Path, rows: list[dict], sheet: str = "baogao") -> int:
    """`--xlsx FILE`: the rows of a command's `--json` as one Excel sheet, written with XlsxWriter —
    numbers as numeric cells, a frozen header row, the citation column — because researchers read
    results in Excel, which opens a UTF-8 CSV without a byte-order mark as mojibake. `rows`: dicts
    of one shape, their keys the header; returns how many."""
    import xlsxwriter

    columns = list(rows[0]) if rows else []
    with xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False}) as book:
        ws = book.add_worksheet(sheet)
        bold = book.add_format({"bold": True})
        for j, name in enumerate(columns):
            ws.write_string(0, j, name, bold)
        for i, row in enumerate(rows, start=1):
            for j, name in enumerate(columns):
                value = row.get(name)
                if value is None:
                    continue
                if isinstance(value, bool):
                    ws.write_boolean(i, j, value)
                elif isinstance(value, (int, float)):
                    ws.write_number(i, j, value)
                elif isinstance(value, (list, tuple)):
                    ws.write_string(i, j, " ".join(map(str, value)))
                else:
                    ws.write_string(i, j, str(value))
        ws.freeze_panes(1, 0)
    return len(rows)


def trend_rows(doc: dict) -> list[dict]:
    """trend's JSON as rows: one per term and bucket, with the term's first mention."""
    rows = []
    for t in doc["terms"]:
        first = t["first"] or {}
        for b in t["buckets"]:
            rows.append({"term": t["term"], doc["by"]: b["key"], "count": b["count"], "reports": b["reports"],
                         "term_total": t["total"], "first_report": first.get("report"),
                         "citation": first.get("citation")})
    return rows


def print_json(doc, lines: bool = False) -> None:
    """A command's `--json` on stdout: one document, or one line of JSON Lines. A document whose last
    list is `Records` (cli.jsonout) is written a record at a time — the same text as at once; with
    `lines` (--jsonl) as JSON Lines: the rest of the document first, then a record a line."""
    import click

    from .jsonout import Records

    key = next(reversed(doc)) if isinstance(doc, dict) and doc else None
    if key is None or not isinstance(doc[key], Records):
        if lines and key is not None and isinstance(doc[key], list):
            doc = {**doc, key: Records(doc[key])}
        else:
            click.echo(dumps(doc))
            return
    head = {k: v for k, v in doc.items() if k != key}
    if lines:
        click.echo(dumps(head))
        for record in doc[key]:
            click.echo(dumps(record))
        return
    opening = dumps({**head, key: []})
    click.echo(opening[:-2], nl=False)  # …, "hits": [
    for k, record in enumerate(doc[key]):
        click.echo((", " if k else "") + dumps(record), nl=False)
    click.echo("]}")
