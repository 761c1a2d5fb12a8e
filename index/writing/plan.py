"""What an ingest will do, decided before anything is written: which files are new or changed,
which are unchanged (or only moved), which reports a `--sync` removes, and which inputs fail (one
line each). Reads the input files, never the store: the store's side comes in as `known`."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from archive import ArchiveError, find_files, reading_key
from archive.charclasses import is_ideograph
from archive.quoting import quoted_terms
from archive.reading import decode, name_problem, printable_path, read_bytes
from archive.sidecar import entry_for

from ..local import store


@dataclass
class IngestPlan:
    todo: list[str] = field(default_factory=list)  # absolute paths to parse, in batch order
    unchanged: list[str] = field(default_factory=list)  # report ids
    moved: list[tuple[str, str]] = field(default_factory=list)  # (new path, report id): unchanged, elsewhere
    removed: list[str] = field(default_factory=list)  # report ids whose files are gone (--sync)
    failed: list[dict] = field(default_factory=list)  # {"path", "error", "kept"}: see fail()
    skipped: list[dict] = field(default_factory=list)  # {"path", "reason"}: a folder's files that are no report
    sidecars: dict[str, dict] = field(default_factory=dict)  # path → what its folder's sidecar says of it
    quoted: dict[str, set[str]] = field(default_factory=dict)  # report id → quoted terms (first ingest only)
    notes: list[dict] = field(default_factory=list)  # {"path", "report", "note"}: read, but not cleanly

    def fail(self, path, reason: str, kept: str | None = None) -> None:
        """One failed input. `kept`: the id of the report this file was read into before, which
        stays as it was (a re-read that fails never deletes it); the line says so."""
        error = f"{KEPT}: {reason}" if kept else reason
        self.failed.append({"path": printable_path(path), "error": error, "kept": kept})


# How a failed re-read of a report already in the archive begins its line (and its JSON "error").
KEPT = "kept the earlier version"


# A folder's files that are never reports (a file named on the command line is ingested all the same).
NOT_A_REPORT = re.compile(r"^(?:README|SOURCES|LICENSE|LICENCE|CHANGELOG)(?:[._-].*)?$", re.IGNORECASE)


def _chinese(data: bytes, f: Path) -> bool:
    """Whether a file holds any Chinese text (an English-only file in a folder is no report)."""
    try:
        text = decode(data, f)
    except ArchiveError:
        return True  # the worker reports it
    return any(is_ideograph(c) for c in text)


def plan(paths: list[Path], known: dict[str, store.KnownReport], sync: bool, first_time: bool) -> IngestPlan:
    out = IngestPlan()
    files: list[Path] = []
    in_folder: set[Path] = set()  # found in a folder, not named: a README or a list of sources is skipped
    for p in paths:
        unreadable: list[ArchiveError] = []
        try:
            found = find_files(p, unreadable)
            files.extend(found)
            if p.is_dir():
                in_folder.update(found)
        except ArchiveError as e:
            out.fail(e.path, e.reason)
        for e in unreadable:
            out.fail(e.path, e.reason)
    seen: dict[str, str] = {}  # report id → path, in this batch
    for f in files:
        stem, path = f.stem, os.path.abspath(f)  # not resolve(): a symlink's own name is the report id
        problem = name_problem(path)
        if problem:  # an id that could not be stored, typed or printed on one line: the rest goes in
            out.fail(path, problem, kept=stem if stem in known else None)
            continue
        if f in in_folder and NOT_A_REPORT.match(f.name):
            out.skipped.append({"path": str(f), "reason": "not a report"})
            continue
        if stem in seen:
            out.fail(f, f"report id {stem} is already taken by {seen[stem]} in this batch")
            continue
        old = known.get(stem)
        if old and old.file != path and Path(old.file).exists():
            out.fail(f, f"report id {stem} belongs to {old.file}")
            continue
        try:
            data = read_bytes(f)
        except ArchiveError as e:
            out.fail(e.path, e.reason, kept=stem if old else None)
            continue
        if f in in_folder and not _chinese(data, f):
            out.skipped.append({"path": str(f), "reason": "no Chinese text"})
            continue
        seen[stem] = path
        try:
            out.sidecars[path] = entry_for(f)
        except ArchiveError as e:  # said once per sidecar; its files go in with what they say themselves
            if not any(x["path"] == e.path for x in out.failed):
                out.fail(e.path, e.reason)
            out.sidecars[path] = {}
        if old and old.sha256 == hashlib.sha256(data).hexdigest() and \
                old.sidecar == store.dumps(reading_key(out.sidecars[path]), sort=True):
            out.unchanged.append(stem)
            if old.file != path:
                out.moved.append((path, stem))
            continue
        if first_time:
            try:
                out.quoted[stem] = quoted_terms(decode(data, f))
            except ArchiveError:
                pass  # the worker reports it
        out.todo.append(path)
    if sync:
        folders = [os.path.abspath(p).rstrip("/") + "/" for p in paths if p.is_dir()]
        out.removed = [rid for rid, old in known.items()
                       if rid not in seen and any(old.file.startswith(d) for d in folders) and not Path(old.file).exists()]
    return out
