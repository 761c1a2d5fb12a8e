"""An ingest: plan, parse in worker processes, write segments and a Whoosh generation, publish.

Workers use both cores; each holds its own segmenter loaded with the home's frozen dictionary and
dies with its parent. Rows go into the store as reports arrive, inside the ONE transaction that
publishes the ingest (readers, in WAL mode, go on seeing the last published state; memory stays
bounded); it commits only after the segments are written and Whoosh has committed. A crash
anywhere before rolls it back."""

from __future__ import annotations

from pathlib import Path

from . import duplicates
from ..local import store, wordindex
from ..local.home import Home
from ..model import IngestResult
from . import dictionary, maintenance
from .plan import IngestPlan, plan
from .publish import SubstringSegmentWriter, publish_state, step_done, transaction
from .workers import SIDS_PER_REPORT, run_word_writers

# Past this many substring segments an ingest merges the small ones.
MAX_SEGMENTS = 8
# Files: for fewer, a second worker (and Whoosh segment) is not worth it.
ONE_WORKER_BELOW = 8


def ingest(home: Home, paths, sync: bool = False, wait: bool = False, progress=None, on_total=None) -> IngestResult:
    """Add new files, replace changed ones, skip unchanged ones (same sha256 and sidecar row); with
    `sync`, remove reports whose files under the given folders are gone."""
    with maintenance.writer(home, wait=wait, what="ingest"):
        con = home.con
        known = store.known_reports(con)
        first_time = store.get_meta(con, "dictionary_hash") is None
        todo = plan([Path(p) for p in paths], known, sync, first_time)
        words = dictionary.wanted(con, todo.quoted) if first_time else store.dictionary(con)
        if on_total:
            on_total(len(todo.todo))
        added, updated = _publish(home, todo, known, words, first_time, progress)
        if len(store.segment_names(home.con)) > MAX_SEGMENTS:
            maintenance.merge_segments(home, small_only=True)
    failed = tuple({**f, "kept": f.get("kept")} for f in todo.failed)  # one shape, however a failure was added
    return IngestResult(tuple(added), tuple(updated), tuple(todo.unchanged), tuple(todo.removed), failed,
                        tuple(todo.skipped), tuple(todo.notes))


def _publish(home: Home, todo: IngestPlan, known, words, first_time: bool, progress) -> tuple[list[str], list[str]]:
    con = home.con
    # A changed file's old report is deleted only when its new version has been read: a re-read that
    # fails keeps the earlier version whole (its rows, sections and word-index entries).
    replaced = list(todo.removed)
    old_sids = store.sids_of(con, replaced)
    base = store.get_int(con, "next_sid", 1)
    jobs = [("file", (path, base + i * SIDS_PER_REPORT, todo.sidecars[path])) for i, path in enumerate(todo.todo)]
    done: list[tuple[str, str, bytes, int]] = []  # (path, report id, sketch, sections) of each parsed report
    added, updated = [], []
    changed = False
    with transaction(con):
        store.delete_reports(con, todo.removed)
        segments = SubstringSegmentWriter(home, con)

        def handle(kind, payload):
            if kind == "prepared":
                r = payload.report
                if r.id in known:
                    updated.append(r.id)
                    replaced.append(r.id)
                    old_sids.extend(store.sids_of(con, [r.id]))
                    store.delete_reports(con, [r.id])
                else:
                    added.append(r.id)
                if r.read_note:
                    todo.notes.append({"path": r.path, "report": r.id, "note": r.read_note})
                store.insert_report(con, r, payload.sids, payload.offsets, payload.quoted, payload.sketch)
                segments.add(payload.sids, payload.normalized)
                done.append((r.path, r.id, payload.sketch, len(payload.sids)))
            else:
                stem = Path(payload[0]).stem
                todo.fail(payload[0], payload[1], kept=stem if stem in known else None)
            if progress:
                progress(1)

        whoosh_segments = run_word_writers(home, words, jobs, handle, procs=1 if len(todo.todo) < ONE_WORKER_BELOW else 2)
        segments.flush()
        step_done("segments")
        changed = bool(done or todo.removed or todo.moved or first_time)
        if changed:
            ix = wordindex.open_or_create(home.words_path)
            # The writer's reconciliation made Whoosh hold exactly the store's sections: the old ones go.
            expected = ix.doc_count() - len(old_sids) + sum(n for *_, n in done)
            generation = wordindex.commit_segments(ix, old_sids, whoosh_segments, expected)
            step_done("whoosh")
            order = {path: i for i, path in enumerate(todo.todo)}
            done.sort(key=lambda d: order.get(d[0], 0))  # "the later one" = later in the batch
            for report_id, original in _find_duplicates(con, [(d[1], d[2]) for d in done], replaced + [d[1] for d in done]).items():
                store.mark_duplicate(con, report_id, original)
            for path, report_id in todo.moved:
                store.move_file(con, report_id, path)
            store.add_segments(con, segments.segments)
            if first_time:
                dictionary.freeze(con, words)
            store.set_meta(con, "next_sid", base + max(len(todo.todo), 1) * SIDS_PER_REPORT)
            publish_state(home, con, generation)
    if changed:
        wordindex.clean(home.words_path, generation)
    home.refresh()
    return added, updated


def _find_duplicates(con, reports: list[tuple[str, bytes]], exclude: list[str]) -> dict[str, str]:
    """report id → the earlier report it is a near-duplicate of: archive first, then batch order.
    `reports` are (id, sketch) in batch order; `exclude` are ids not to compare with (replaced)."""
    originals = duplicates.Originals(lambda report_id: duplicates.stored_text(con, report_id))
    gone = set(exclude)
    for report_id, sk in store.original_sketches(con):
        if report_id not in gone:
            originals.add(report_id, sk)
    found: dict[str, str] = {}
    for report_id, sk in reports:
        match = originals.original_of(report_id, sk) if sk else None
        if match:
            found[report_id] = match[0]
        elif sk:
            originals.add(report_id, sk)
    return found
