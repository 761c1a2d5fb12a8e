"""`publish --solr`: the local archive → a SolrCloud collection, all or nothing.

Readers name an alias (`--collection`, default baogao). A publish fills a new collection of its own,
`<alias>_<UTC time to the ms>`, from the configset baogao ships, commits it, checks its counts, and
only then points the alias at it (CREATEALIAS: one atomic change), so a reader sees the old archive
until the switch and the new one after, never a mix; the collections the alias named before are then
deleted. A publish killed before the switch leaves the alias where it was; the collections it left
(half built, or the old one it had not deleted yet) are deleted by the next publish. An archive
published before aliases (a plain collection of the alias's name) is replaced the same way: the new
collection filled, the plain one deleted, the alias created at once after.

Every report goes into the new collection; the counts say what changed against the live one (a
report's key: a hash of its row, the dictionary its words were cut with and the document format), and
when nothing did, nothing is sent. What a section carries is what the local engine reads: its lines
with their kinds, the normalized text and its map to the display text, and its words cut by our own
segmenter with the archive's frozen dictionary."""

from __future__ import annotations

import base64
import hashlib
import json
import queue
import threading
import time

from archive import loose

from . import client as solr
from ..local import store
from ..local.home import Home
from ..local.segmenter import dictionary_hash
from ..local.corpus import LocalCorpus
from .corpus import pack_sections

FORMAT = solr.FORMAT  # bumped when the documents change shape: every report is then sent again
SENDERS = 2  # updates in flight while the next report is prepared


def report_key(row: dict, words_hash: str) -> str:
    return hashlib.sha256(json.dumps([row, words_hash, FORMAT], sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _filter_fields(row: dict) -> dict:
    """The report's fields a filter reads (index.filters, as `solr.condition_query` asks them)."""
    out = {"report": row["id"], "rid": row["rid"], "level": row["level"], "report_lc": row["id"],
           "title_lc": row["title"], "region_lc": row["region"]}
    if row["year"] is not None:
        out["year"] = row["year"]
    return out


def report_update(home: Home, row: dict, key: str, segmenter) -> str:
    """The JSON update commands that replace one report: its sections deleted, then added again."""
    con = home.con
    sections = store.sections_of(con, row["id"])
    metas = store.section_heads(con, [sid for sid, *_ in sections])
    norms = LocalCorpus(home).norm_texts(list(metas.values()))
    old = json.dumps({"query": "report:" + solr.escape(row["id"])})
    parts = [f'"delete":{old}']
    fields = _filter_fields(row)
    parts.append('"add":' + json.dumps({"doc": {"id": f"r:{row['id']}", "kind": "report", **fields, "key": key,
                                                "row": json.dumps({**row, "sections": len(sections)}, ensure_ascii=False)}}, ensure_ascii=False))
    for sid, n, heading, level, path in sections:
        norm = norms[sid]
        paragraphs = [[text, kind, line] for _, text, kind, line in store.paragraphs_of(con, sid)]
        doc = {"id": f"s:{row['id']}:{n}", "kind": "section", **fields, "sid": sid, "n": n, "heading": heading,
               "hlevel": level, "path": json.dumps(list(path), ensure_ascii=False), "heading_lc": heading,
               "norm": norm, "loose": "\n".join(map(loose, norm.split("\n"))), "words": " ".join(segmenter.words_of(norm, "index")),
               "offsets": base64.b64encode(metas[sid].offsets).decode(),
               "paragraphs": json.dumps(paragraphs, ensure_ascii=False)}
        parts.append('"add":' + json.dumps({"doc": doc}, ensure_ascii=False))
    return "{" + ",".join(parts) + "}"


def publish(home: Home, client: solr.SolrClient, shards: int = 2, replicas: int = 2, progress=None) -> dict:
    """Publish the archive under the alias `client.collection` (see the module's doc). Returns
    {"collection" (the alias), "generation" (the collection it names), "published", "deleted",
    "unchanged", "seconds"}."""
    start = time.monotonic()
    alias = client.collection
    live = client.live()
    leftovers = [n for n in client.generations(client.collections()) if n != live]
    for name in leftovers + [n for n in client.generations(client.configsets()) if n != live and n not in leftovers]:
        client.delete_collection(name)  # what killed publishes left (the configset of one killed before its CREATE)

    if live == alias:
        _ours_to_replace(client)
    published = {}
    if live:
        was = solr.SolrClient(client.nodes, live)
        published = {d["report"]: d.get("key") for d in was.stream(solr.REPORTS, fl="report,key")}
    con = home.con
    words = store.dictionary(con)
    words_hash = dictionary_hash(words)
    rows = store.report_rows(con)
    keys = [(row, report_key(row, words_hash)) for row in rows]
    changed = [row["id"] for row, key in keys if published.get(row["id"]) != key]
    gone = sorted(set(published) - {r["id"] for r in rows})
    counts = {"published": len(changed), "deleted": len(gone), "unchanged": len(rows) - len(changed)}
    if live and live != alias and not changed and not gone:  # the alias names this very archive
        return {"collection": alias, "generation": live, **counts, "seconds": round(time.monotonic() - start, 2)}

    fresh = solr.SolrClient(client.nodes, client.new_generation())
    try:
        fresh.prepare(shards, replicas)
        _fill(home, fresh, keys, words, progress)
        _check_counts(home, fresh, len(rows))
    except solr.SolrError:  # (Solr says a collection deleted mid-update in several ways: ask whether it is there)
        if fresh.collection in client.collections():
            raise
        raise solr.SolrError(f"collection {fresh.collection} was deleted while this publish filled it (by another "
                             "publish to the same alias?); the alias was left where it was",
                             "Run one publish at a time, then run it again.") from None
    if live == alias:  # a plain collection from before aliases holds the name: it goes, the alias comes
        client.delete_collection(alias)
    fresh.switch(alias)
    for name in [live] if live and live != alias else []:
        client.delete_collection(name)
    return {"collection": alias, "generation": fresh.collection, **counts, "seconds": round(time.monotonic() - start, 2)}


def _ours_to_replace(client: solr.SolrClient) -> None:
    """A plain collection of the alias's name is replaced only when baogao published it (it holds
    the published state) or it is empty (a first publish killed before its commit): never another
    application's collection."""
    try:
        state = client.select({"q": f"id:{solr.STATE_ID}", "rows": 0})["response"]["numFound"]
        held = client.select({"q": solr.EVERYTHING, "rows": 0})["response"]["numFound"]
    except solr.SolrError:  # (a schema without our fields refuses the query)
        state, held = 0, 1
    if not state and held:
        raise solr.SolrError(f"collection {client.collection} holds documents baogao did not publish; "
                             "publish would replace it", "Name another with --collection.")


def _fill(home: Home, client: solr.SolrClient, keys: list[tuple[dict, str]], words, progress) -> None:
    """Every report into the (new, empty) collection, then its published state, then one commit."""
    segmenter = home.segmenter
    updates: queue.Queue = queue.Queue(SENDERS * 2)
    failed: list[BaseException] = []

    def send(own: solr.SolrClient):  # a connection per thread
        while (body := updates.get()) is not None:
            if not failed:
                try:
                    own.update(body)
                except BaseException as e:  # said by the main thread
                    failed.append(e)

    senders = []
    for _ in range(SENDERS):
        t = threading.Thread(target=send, args=(solr.SolrClient(client.nodes, client.collection),), daemon=True)
        t.start()
        senders.append(t)
    try:
        for k, (row, key) in enumerate(keys):
            if failed:
                break
            updates.put(report_update(home, row, key, segmenter))
            if progress:
                progress(k + 1, len(keys))
    finally:
        for _ in senders:
            updates.put(None)
        for t in senders:
            t.join()
    if failed:
        raise failed[0]
    # `collection`: the collection itself, so that a reader of the alias reads the rest of its
    # answer from it, whatever the alias names by then (index.remote).
    # `sections`: every section's (sid, rowid, number) — a reader's section table, one per published state
    state = {"published": time.time_ns(), "dictionary": list(words), "format": FORMAT, "collection": client.collection,
             "sections": pack_sections([(sid, rid, n) for sid, _, rid, n in store.section_rows(home.con)])}
    client.update(json.dumps({"add": {"doc": {"id": solr.STATE_ID, "kind": "state",
                                               "state": json.dumps(state, ensure_ascii=False)}}}, ensure_ascii=False))
    client.commit()


def _check_counts(home: Home, client: solr.SolrClient, reports: int) -> None:
    """Before the switch: the new collection holds every report and section of the archive (a
    cheap check that nothing was lost on the way; the alias stays where it was if not)."""
    sections = store.count_sections(home.con)
    for q, want in ((solr.REPORTS, reports), (solr.SECTIONS, sections)):
        got = client.select({"q": q, "rows": 0})["response"]["numFound"]
        if got != want:
            raise solr.SolrError(f"collection {client.collection} holds {got} of the archive's {want} {q[5:]}s "
                                 "after publishing; the alias was left where it was",
                                 "Run `baogao publish` again.")
