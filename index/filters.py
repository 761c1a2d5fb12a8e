"""Field filters — region:, year:, level:, report:, heading: — as SQL over the store, one meaning
for search, trend and list. A value is text, never a pattern: LIKE's wildcards are escaped."""

from __future__ import annotations

from .errors import QueryError

LEVEL_NAMES = {"national": "national", "国家": "national", "国务院": "national", "provincial": "provincial",
               "省级": "provincial", "省": "provincial", "city": "city", "市": "city", "地市": "city",
               "county": "county", "县": "county", "other": "other"}
YEAR_RANGE = (1, 9999)  # beyond these a year is a typo (and would overflow SQLite's integers)


def _contains(value: str) -> str:
    return "%" + _escape(value) + "%"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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


def filter_sql(field: str, value: str) -> tuple[str, tuple]:
    """A WHERE clause over `reports r` (and, for heading:, `sections s`) and its arguments."""
    v = value.strip()
    if field == "year":
        if v.startswith(">="):
            return "r.year >= ?", (_year(v[2:], v),)
        if v.startswith("<="):
            return "r.year <= ?", (_year(v[2:], v),)
        if "-" in v[1:]:
            lo, _, hi = v.partition("-") if not v.startswith("-") else ("", "", "")
            return "r.year BETWEEN ? AND ?", (_year(lo, v), _year(hi, v))
        return "r.year = ?", (_year(v, v),)
    if field == "level":
        return "r.level = ?", (level_of(v),)
    if field == "region":
        return "r.region LIKE ? ESCAPE '\\'", (_contains(v),)
    if field == "report":
        return "(r.id LIKE ? ESCAPE '\\' OR r.title LIKE ? ESCAPE '\\')", (_escape(v) + "%", _contains(v))
    if field == "heading":
        return "s.heading LIKE ? ESCAPE '\\'", (_contains(v),)
    raise QueryError(f"unknown field {field}:")


def where(filters) -> tuple[str, list]:
    """One WHERE clause over `reports r` for every (field, value) pair; empty values are no filter."""
    clauses, args = ["1=1"], []
    for field, value in filters:
        if value is None or str(value).strip() == "":
            continue
        clause, a = filter_sql(field, str(value))
        clauses.append(clause)
        args.extend(a)
    return " AND ".join(clauses), args
