"""`check`: the store against both indexes and the files it published; each problem says what to do."""

from __future__ import annotations

from . import integrity, store
from .errors import HomeError
from .home import Home
from .model import CheckResult
from .segmenter import dictionary_hash
from .substring import Segment

REBUILD = "run `baogao rebuild`"


def check(home: Home) -> CheckResult:
    from . import wordindex

    con = home.con
    problems: list[str] = []
    sids = set(store.all_sids(con))
    gen = store.get_int(con, "whoosh_generation", -1)
    try:  # the generation the store published: what readers search
        keys = wordindex.all_keys(home.searcher) if home.words_path.exists() else set()
    except HomeError as e:
        problems.append(str(e))
        keys = sids
    except Exception as e:  # Whoosh's own errors on damaged files
        problems.append(f"the word index cannot be read ({type(e).__name__}: {e}) — {REBUILD}")
        keys = sids
    if missing := sids - keys:
        problems.append(f"{len(missing)} sections are missing from the word index — {REBUILD}")
    if orphans := keys - sids:
        problems.append(f"{len(orphans)} word-index entries have no section in the store — {REBUILD}")
    if sids and not wordindex.committed_files(home.words_path, gen):
        problems.append(f"the word index lacks the generation the store published — {REBUILD}")
    problems += _segment_problems(home)
    if home.meta("format") != str(store.FORMAT_VERSION):
        problems.append(f"the store's format version differs from this baogao — {REBUILD}")
    if sids and dictionary_hash(store.dictionary(con)) != home.meta("dictionary_hash"):
        problems.append(f"the dictionary does not match its hash — {REBUILD}")
    problems += integrity.problems(home)
    return CheckResult(ok=not problems, reports=store.count_reports(con), sections=len(sids), problems=tuple(problems))


def _segment_problems(home: Home) -> list[str]:
    """Each published substring segment opens, is well-formed, and holds exactly the sections the
    store files under it."""
    problems: list[str] = []
    listed = store.segment_of_sections(home.con)
    holders: dict[int, list[str]] = {}
    for name in store.segment_names(home.con):  # the names only: opening them is what this checks
        folder = home.segments_path / name
        if not folder.exists():
            problems.append(f"segment {name} is listed but missing — {REBUILD}")
            continue
        try:
            segment = Segment.open(folder)
        except (OSError, ValueError) as e:
            problems.append(f"segment {name} is damaged ({e}) — {REBUILD}")
            continue
        except HomeError as e:  # the checks a reader runs when it opens one
            problems.append(f"segment {name}: {e} — {REBUILD}")
            continue
        problems += [f"segment {name}: {p} — {REBUILD}" for p in integrity.segment_problems(segment)]
        problems += [f"segment {name} (its text without marks): {p} — {REBUILD}"
                     for p in integrity.segment_problems(segment.loose)]
        for s in segment.sids.tolist():
            if s in listed:
                holders.setdefault(s, []).append(name)
    if not_indexed := [s for s in listed if s not in holders]:
        problems.append(f"{len(not_indexed)} sections are in no substring segment — {REBUILD}")
    if twice := [s for s, names in holders.items() if len(names) > 1]:
        problems.append(f"{len(twice)} sections are in more than one segment — {REBUILD}")
    if misfiled := [s for s, names in holders.items() if listed[s] not in names]:
        problems.append(f"{len(misfiled)} sections are not in the segment the store names — {REBUILD}")
    return problems
