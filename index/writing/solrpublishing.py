"""`publish --solr`: the local archive → a SolrCloud collection.

One update per report — its old sections deleted, its report document and its sections added — and
one commit at the end, so readers see the whole publish or none of it. A report is sent only when
its key changed: a hash of its row, the dictionary its words were cut with and the document format.
Reports no longer in the archive are deleted. What a section carries is what the local engine reads:
its lines with their kinds, the normalized text and its map to the display text, and its words cut
by our own segmenter with the archive's frozen dictionary."""

from __future__ import annotations

import base64
import hashlib
import json
import queue
import threading
import time

from archive import loose

from .. import solr, store
from ..home import Home
from ..segmenter import dictionary_hash
from ..snippets import section_norm_texts

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
    norms = section_norm_texts(home, list(metas.values()))
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
    """Send the archive to the collection (created from the shipped configset when missing).
    Returns {"collection", "published", "deleted", "unchanged", "seconds"}."""
    start = time.monotonic()
    client.prepare(shards, replicas)
    published = {d["report"]: d.get("key") for d in client.stream(solr.REPORTS, fl="report,key")}
    con = home.con
    words = store.dictionary(con)
    words_hash = dictionary_hash(words)
    segmenter = home.segmenter
    rows = store.report_rows(con)
    changed, unchanged = [], []
    for row in rows:
        key = report_key(row, words_hash)
        (unchanged if published.get(row["id"]) == key else changed).append((row, key))
    gone = sorted(set(published) - {r["id"] for r in rows})

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
        for k, (row, key) in enumerate(changed):
            if failed:
                break
            updates.put(report_update(home, row, key, segmenter))
            if progress:
                progress(k + 1, len(changed))
    finally:
        for _ in senders:
            updates.put(None)
        for t in senders:
            t.join()
    if failed:
        raise failed[0]
    for report_id in gone:
        client.update(json.dumps({"delete": {"query": f"report:{solr.escape(report_id)}"}}))
    state = {"published": time.time_ns(), "dictionary": list(words), "format": FORMAT}
    client.update(json.dumps({"add": {"doc": {"id": solr.STATE_ID, "kind": "state",
                                               "state": json.dumps(state, ensure_ascii=False)}}}, ensure_ascii=False))
    client.commit()
    return {"collection": client.collection, "published": len(changed), "deleted": len(gone),
            "unchanged": len(unchanged), "seconds": round(time.monotonic() - start, 2)}
