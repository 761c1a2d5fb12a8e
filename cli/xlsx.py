"""`--xlsx FILE`: the rows of a command's `--json` as one Excel sheet, written with XlsxWriter —
numbers as numeric cells, a frozen header row, the citation column — because researchers read
results in Excel, which opens a UTF-8 CSV without a byte-order mark as mojibake."""

from __future__ import annotations

from pathlib import Path


def write(path: Path, rows: list[dict], sheet: str = "baogao") -> int:
    """Write `rows` (dicts of one shape; their keys the header) to `path`; the number of rows."""
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
