"""Metadata sidecars: the spreadsheet researchers keep next to their files.

A folder may hold `MANIFEST.tsv`, `manifest.tsv`, `metadata.tsv` (or `.csv` of those names; the first
found is read) with a `file` column naming files relative to that folder. Its values win over what the
file name says, which wins over what the text suggests. Accepted columns and their aliases, as the
shared corpus and common spreadsheets name them: title (title_from_filename), region (province), year
(year_or_name, year_or_congress — a 4-digit year; a party congress's number is turned into its year),
level or kind, date (publish_date), url (source_url; source_urls holds several, space-separated).

A `.tsv` is read without quote processing: a tab ends a field, a newline ends a row, and a `"` is a
character like any other — a title `"十四五"规划` keeps its quotes, and one unbalanced `"` cannot swallow
the rows after it. A `.csv` keeps CSV's quoting (its fields may hold commas).
"""

from __future__ import annotations

import csv
import os
import re
from functools import lru_cache
from pathlib import Path

from .errors import ArchiveError

NAMES = ("MANIFEST.tsv", "manifest.tsv", "metadata.tsv", "MANIFEST.csv", "manifest.csv", "metadata.csv")
ALIASES = {
    "title": ("title", "title_from_filename"),
    "region": ("region", "province"),
    "year": ("year", "year_or_name", "year_or_congress"),
    "level": ("level",),
    "kind": ("kind",),
    "date": ("date", "publish_date"),
    "url": ("url", "source_url"),
    "urls": ("source_urls",),
}
LEVEL_WORDS = {"国务院": "national", "全国": "national", "national": "national", "省级": "provincial",
               "provincial": "provincial", "地市": "city", "主要城市": "city", "city": "city", "县": "county",
               "区": "county", "county": "county"}
KIND_LEVELS = {"cpc_congress_report": "other", "npc_resolution_on_report": "other"}  # government_work_report: by region
# The national congresses of the Communist Party of China, by number: the year each was held.
CONGRESS_YEARS = {1: 1921, 2: 1922, 3: 1923, 4: 1925, 5: 1927, 6: 1928, 7: 1945, 8: 1956, 9: 1969, 10: 1973,
                  11: 1977, 12: 1982, 13: 1987, 14: 1992, 15: 1997, 16: 2002, 17: 2007, 18: 2012, 19: 2017, 20: 2022}
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")


def sidecar_of(folder: Path) -> Path | None:
    for name in NAMES:
        p = folder / name
        if p.is_file():
            return p
    return None


def entry_for(path: str | os.PathLike) -> dict:
    """What the sidecar beside `path` says of it: {'title', 'region', 'year', 'level', 'kind', 'date',
    'urls'} — only the keys it has a value for. Raises ArchiveError naming a sidecar it cannot read."""
    p = Path(path)
    found = sidecar_of(p.parent)
    if found is None:
        return {}
    st = found.stat()
    return dict(_read(str(found), st.st_mtime_ns, st.st_size).get(p.name, {}))


@lru_cache(maxsize=64)
def _read(path: str, mtime_ns: int, size: int) -> dict[str, dict]:
    """file name → its values (cached by the sidecar's path, mtime and size)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            if path.endswith(".tsv"):
                rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
            else:
                rows = list(csv.DictReader(f, delimiter=","))
    except UnicodeDecodeError:
        raise ArchiveError(Path(path), "the metadata sidecar is not UTF-8 text") from None
    except (OSError, csv.Error) as e:
        raise ArchiveError(Path(path), f"the metadata sidecar cannot be read ({e})") from None
    if not rows or "file" not in rows[0]:
        raise ArchiveError(Path(path), "the metadata sidecar has no `file` column (it names the file each row describes)")
    return {row["file"].strip(): _values(row) for row in rows if (row.get("file") or "").strip()}


def _values(row: dict) -> dict:
    def first(key):
        for name in ALIASES[key]:
            value = (row.get(name) or "").strip()
            if value:
                return value
        return None

    out: dict = {}
    for key in ("title", "region", "date"):
        if first(key):
            out[key] = first(key)
    year = first("year")
    if year and _YEAR.match(year):
        out["year"] = int(year)
    elif year and year.isdigit() and (row.get("kind") or "").strip() == "cpc_congress_report":
        if int(year) in CONGRESS_YEARS:  # wikisource names a congress by its number
            out["year"] = CONGRESS_YEARS[int(year)]
    level = first("level")
    if level:
        out["level"] = LEVEL_WORDS.get(level, "other")
    kind = first("kind")
    if kind:
        out["kind"] = kind
    urls = [first("url")] if first("url") else []
    urls += (first("urls") or "").split()
    if urls:
        out["urls"] = list(dict.fromkeys(urls))
    return out
