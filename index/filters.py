"""Field filters — region:, year:, level:, report:, heading: — with one meaning for search, trend
and list: a `Condition` each, checked here (a bad value is a QueryError naming it) and turned into
SQL by the store (`store.where`). A value is text, never a pattern."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import QueryError

LEVEL_NAMES = {"national": "national", "国家": "national", "国务院": "national", "provincial": "provincial",
               "省级": "provincial", "省": "provincial", "city": "city", "市": "city", "地市": "city",
               "county": "county", "县": "county", "other": "other"}
YEAR_RANGE = (1, 9999)  # beyond these a year is a typo (and would overflow SQLite's integers)
FIELDS = ("year", "level", "region", "report", "heading")


@dataclass(frozen=True)
class Condition:
    """One filter: `year` between `low` and `high` (either open), `level` equal to `text`, or
    `region`/`report`/`heading` containing `text` (a report also by id prefix)."""

    field: str
    text: str = ""
    low: int | None = None
    high: int | None = None


def level_of(value: str) -> str:
    level = LEVEL_NAMES.get(value.strip().lower())
    if level is None:
        raise QueryError(f"level:{value} is not a level", "Levels: national, provincial, city, county, other.")
    return level


def _year(text: str, whole: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise QueryError(f"year:{whole} is not a year or a range", "Write year:2024, year:2020-2024 or year:>=2020.") from None
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise QueryError(f"year:{whole} is not a year", "Write a year of four digits, e.g. year:2024.")
    return year


def condition(field: str, value: str) -> Condition:
    v = value.strip()
    if field == "year":
        if v.startswith(">="):
            return Condition("year", low=_year(v[2:], v))
        if v.startswith("<="):
            return Condition("year", high=_year(v[2:], v))
        if "-" in v[1:]:
            lo, _, hi = v.partition("-") if not v.startswith("-") else ("", "", "")
            low, high = _year(lo, v), _year(hi, v)
            if low > high:  # keeps no report: a slip of the keys, not a question
                raise QueryError(f"year:{v} — the range is reversed", f"Write the earlier year first: year:{high}-{low}.")
            return Condition("year", low=low, high=high)
        year = _year(v, v)
        return Condition("year", low=year, high=year)
    if field == "level":
        return Condition("level", level_of(v))
    if field in FIELDS:
        return Condition(field, v)
    raise QueryError(f"unknown field {field}:")


def conditions(pairs) -> list[Condition]:
    """A Condition for every (field, value) pair; empty values are no filter."""
    return [condition(field, str(value)) for field, value in pairs if value is not None and str(value).strip() != ""]
