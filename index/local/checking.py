"""`check`: the store against both indexes and the files it published; each problem says what to do."""

from __future__ import annotations

from . import integrity, store
from ..errors import HomeError
from .home import Home
from ..model import CheckResult
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
    except HomeError as e:  # a file the published generation needs is missing or damaged
        problems.append(f"{e} — {REBUILD}")
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
    segment_problems, segments = _segment_problems(home)
    problems += segment_problems
    problems += _named_files_missing(home, gen)
    try:
        text_problems, compared = _text_problems(home, segments)
    except store.DatabaseError as e:  # store pages damaged under the text (its bytes not UTF-8 any more …)
        reason = str(e).split(" with text ")[0]  # (never the damaged bytes themselves)
        text_problems, compared = [f"the store's text cannot be read ({reason}) — reports in damaged pages may be "
                                   "lost; copy the home aside, then ingest the reports again"], 0
    problems += text_problems
    if home.meta("format") != str(store.FORMAT_VERSION):
        problems.append(f"the store's format version differs from this baogao — {REBUILD}")
    if sids and dictionary_hash(store.dictionary(con)) != home.meta("dictionary_hash"):
        problems.append(f"the dictionary does not match its hash — {REBUILD}")
    problems += integrity.problems(home)
    return CheckResult(ok=not problems, reports=store.count_reports(con), sections=len(sids), problems=tuple(problems),
                       texts_compared=compared)


def _named_files_missing(home: Home, gen: int) -> list[str]:
    """The files the store's meta table names are there (a missing one the checksums would not see
    when it was never recorded)."""
    problems = []
    table = home.meta("section_table")
    if table and not (home.path / f"sections-{table}.npz").exists():
        problems.append(f"the store names the section table sections-{table}.npz, which is missing — {REBUILD}")
    if gen >= 0 and not (home.words_path / f"_MAIN_{gen}.toc").exists():
        problems.append(f"the store names the word index generation {gen}, whose words/_MAIN_{gen}.toc is missing — {REBUILD}")
    return problems


TEXT_SAMPLE = 20  # check compares the text of 1 section in this many (at least TEXT_SAMPLE_MIN) …
TEXT_SAMPLE_MIN = 200  # … chosen at random, with what the store's paragraphs normalize to


def _text_problems(home: Home, segments: dict[str, Segment]) -> tuple[list[str], int]:
    """Sections chosen at random: the substring index's text (printed and without marks) equals
    what the store's paragraphs normalize to (what a rebuild would write). Paragraphs edited in the
    store behind the indexes differ. Returns the problems and how many sections were compared."""
    import random

    from archive import loose

    from ..writing.maintenance import section_texts

    where = {int(sid): (seg, i) for seg in segments.values() for i, sid in enumerate(seg.sids.tolist())}
    if not where:
        return [], 0
    k = min(len(where), max(TEXT_SAMPLE_MIN, len(where) // TEXT_SAMPLE))
    chosen = sorted(random.sample(sorted(where), k))
    differ = []
    for sid, text in section_texts(home, sids=chosen):
        seg, i = where[sid]
        try:
            same = seg.section_text(i) == text and \
                seg.loose.section_text(i) == "\n".join(loose(line) for line in text.split("\n"))
        except HomeError:  # not UTF-8 any more
            same = False
        if not same:
            differ.append(sid)
    if not differ:
        return [], k
    return [f"{len(differ)} of {k} sections compared at random (1 in {TEXT_SAMPLE}) differ between the store and the "
            f"substring index, e.g. section {differ[0]} — {REBUILD} (the indexes are re-created from the store's text)"], k


def _segment_problems(home: Home) -> tuple[list[str], dict[str, Segment]]:
    """Each published substring segment opens, is well-formed, and holds exactly the sections the
    store files under it. Also returns the segments it opened whole."""
    problems: list[str] = []
    opened: dict[str, Segment] = {}
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
        bad = [f"segment {name}: {p} — {REBUILD}" for p in integrity.segment_problems(segment)]
        bad += [f"segment {name} (its text without marks): {p} — {REBUILD}" for p in integrity.segment_problems(segment.loose)]
        problems += bad
        if not bad:
            opened[name] = segment
        for s in segment.sids.tolist():
            if s in listed:
                holders.setdefault(s, []).append(name)
    if not_indexed := [s for s in listed if s not in holders]:
        problems.append(f"{len(not_indexed)} sections are in no substring segment — {REBUILD}")
    if twice := [s for s, names in holders.items() if len(names) > 1]:
        problems.append(f"{len(twice)} sections are in more than one segment — {REBUILD}")
    if misfiled := [s for s, names in holders.items() if listed[s] not in names]:
        problems.append(f"{len(misfiled)} sections are not in the segment the store names — {REBUILD}")
    return problems, opened
