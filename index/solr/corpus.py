"""SolrCorpus: the Corpus port (index.engine.corpus) over a SolrCloud collection that `publish --solr`
filled — HTTP only, no copy of the archive in a local store.

The published state (one document, read at every read) names the collection, the segmenter's
dictionary and every section's (sid, report rowid, number): the catalogue — the report rows and
the section table — is built from it once per published state and shared by the reads of a
long-lived process. A read's corpus then asks Solr for what it needs: the sections holding a
string (a phrase of character pairs: index/solr/configset) counted as the local index counts
(non-overlapping) — from the index's term statistics for one character or two, on the stored
normalized text otherwise; BM25 over our segmenter's words; headings, paragraphs and offset maps
of the sections it shows, fetched once and kept for the read. `scope` (Solr filter clauses)
narrows what its finds stream to the reports a read's filters keep — the engine applies the same
filters again, so it only saves transfer."""

from __future__ import annotations

import base64
import json
import zlib

import numpy as np

import archive

from . import client as solr
from ..model import ReportInfo, SectionMeta
from ..sectiontable import SectionTable

BATCH = 500  # sections fetched by id in one request
_ASCII_LOWER = solr._ASCII_LOWER  # A-Z only, as SQLite's LIKE folds (and the filters' lc fields)


def pack_sections(rows) -> str:
    """(sid, rid, n) of every section, by sid, as the published state carries them: the sid gaps,
    rowids and numbers as int32, deflated, in base64 (68,000 sections: 32 KB)."""
    arr = np.array(rows, np.int64).reshape(-1, 3)
    gaps = np.diff(arr[:, 0], prepend=0)
    raw = b"".join(col.astype(np.int32).tobytes() for col in (gaps, arr[:, 1], arr[:, 2]))
    return base64.b64encode(zlib.compress(raw, 6)).decode()


def unpack_sections(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cols = np.frombuffer(zlib.decompress(base64.b64decode(text)), np.int32).reshape(3, -1).astype(np.int64)
    return np.cumsum(cols[0]), cols[1], cols[2]


def _list(value) -> tuple:
    if isinstance(value, str):
        return tuple(json.loads(value)) if value else ()
    return tuple(value or ())


class Catalogue:
    """One published state's reports and section table (immutable: a new state is a new catalogue)."""

    def __init__(self, client: solr.SolrClient, state: dict):
        from ..local.segmenter import Segmenter

        self.collection = client.collection
        self.published = state["published"]
        rows = sorted((json.loads(d["row"]) for d in client.stream(solr.REPORTS, fl="row")), key=lambda r: r["id"])
        self.rows = {r["id"]: r for r in rows}
        self.by_rid = {r["rid"]: r for r in rows}
        self.infos = {r["id"]: self._info(r) for r in rows}
        self.sections = {r["id"]: r.get("sections", 0) for r in rows}
        sid, rid, n = unpack_sections(state["sections"])
        year = np.array([self.by_rid[r]["year"] or 0 for r in rid.tolist()], np.int64)
        pairs = sorted((r["rid"], self.rows[r["duplicate_of"]]["rid"]) for r in rows
                       if r.get("duplicate_of") in self.rows)
        self.table = SectionTable({"sid": sid, "year": year, "rid": rid, "n": n,
                                   "dup_rid": np.array([d for d, _ in pairs], np.int64),
                                   "dup_orig": np.array([o for _, o in pairs], np.int64)})
        self.place = {int(s): (int(r), int(k)) for s, r, k in zip(sid, rid, n)}  # sid → (rid, n)
        order = np.lexsort((n, rid))
        self.of_report: dict[int, list[int]] = {}  # rid → its sids by number
        for s, r in zip(sid[order].tolist(), rid[order].tolist()):
            self.of_report.setdefault(r, []).append(s)
        self.segmenter = Segmenter(tuple(state["dictionary"]))

    @staticmethod
    def _info(r: dict) -> ReportInfo:
        return ReportInfo(r["id"], r["title"], r["region"], r["year"], r["level"], r.get("sections", 0), r["chars"],
                          r["file"], r["duplicate_of"], r["url"], urls=_list(r["urls"]), date=r["date"],
                          subtitle=r["subtitle"], speaker=r["speaker"], occasion=r["occasion"], session=r["session"],
                          year_source=r["year_source"])


class SolrCorpus:
    """The corpus of one read of a collection (what it fetched is kept for the read only)."""

    def __init__(self, catalogue: Catalogue, client: solr.SolrClient, scope=()):
        self.catalogue = catalogue
        self.client = client
        self.scope = [solr.SECTIONS, *scope]
        self.labels: dict[int, tuple[str, int, tuple[str, ...]]] = {}  # sid → (heading, level, path)
        self.texts: dict[int, tuple[list, bytes]] = {}  # sid → ([[text, kind, line], …], offset map)
        self.norms: dict[int, str] = {}
        self._found: dict[tuple[str, bool], tuple[np.ndarray, np.ndarray]] = {}

    def follow(self) -> None:
        pass  # a read's corpus answers from the state it was made for

    @property
    def section_table(self) -> SectionTable:
        return self.catalogue.table

    @property
    def segmenter(self):
        return self.catalogue.segmenter

    # -- strings and words ----------------------------------------------------------------------
    def holding(self, text: str, loose: bool = False):
        key = (text, loose)
        if key not in self._found:
            found: list[tuple[int, int]] = []
            if text:
                q, params = solr.phrase(text, loose)
                counted = solr.occurrences(text, loose)
                docs = list(self.client.stream(q, self.scope, f"sid,{counted}" if counted else "sid", params))
                if counted:
                    found = [(d["sid"], int(d["tf"])) for d in docs]
                else:  # counted on the text: fetched once, whatever finds name it
                    norms = self._norms([d["sid"] for d in docs])
                    found = [(d["sid"], _text(norms[d["sid"]], loose).count(text)) for d in docs]
            found = sorted((s, c) for s, c in found if c)  # confirmed: it stands there
            self._found[key] = (np.array([s for s, _ in found], np.int64), np.array([c for _, c in found], np.int64))
        return self._found[key]

    def holding_at_most(self, text: str, at_most: int):
        if (text, True) in self._found:
            sids = self._found[(text, True)][0]
            return sids if len(sids) <= at_most else None
        q, params = solr.phrase(text, loose=True)
        out = self.client.select({"q": q, **params, "fq": solr.SECTIONS, "fl": "sid", "rows": at_most + 1})
        if out["response"]["numFound"] > at_most:
            return None
        return np.array(sorted(d["sid"] for d in out["response"]["docs"]), np.int64)

    def total(self, text: str, loose: bool = False) -> int | None:
        return None  # it would take every section's count

    def matching(self, regex, pieces: list[str], reach: int):
        return None  # the pieces' sections are proposed by Solr (holding), the engine reads them

    def fillers(self, left: str, right: str) -> set[str]:
        return set()  # did-you-mean's fillers need the whole archive's suffix array

    def open_words(self) -> None:
        pass

    def word_scores(self, words: list[str]):
        """BM25 from Solr over the words field (ExactStatsCache: the shards agree on the statistics)."""
        docs = list(self.client.stream(solr.all_words(words), self.scope, "sid,score", sort="score desc,id asc"))
        docs.sort(key=lambda d: d["sid"])
        return np.array([d["sid"] for d in docs], np.int64), np.array([d["score"] for d in docs], np.float64)

    def segment_ahead(self, texts: list[str]) -> None:
        pass  # a remote read waits on the network, and cuts the words when it needs them

    # -- sections -------------------------------------------------------------------------------
    def _fetch(self, sids, fields: str, keep) -> None:
        sids = sorted(set(map(int, sids)))
        for at in range(0, len(sids), BATCH):
            q, params = solr.any_of("sid", sids[at:at + BATCH])
            for d in self.client.stream(q, [solr.SECTIONS], fields, params):
                keep(d)

    def _keep_labels(self, d: dict) -> None:
        self.labels[d["sid"]] = (d.get("heading", ""), d.get("hlevel", 0), _list(d.get("path", "[]")))

    def _keep_text(self, d: dict) -> None:
        self._keep_labels(d)
        self.norms.setdefault(d["sid"], d["norm"])
        self.texts[d["sid"]] = (json.loads(d["paragraphs"]), base64.b64decode(d["offsets"]))

    def _labelled(self, sids) -> None:
        self._fetch([s for s in sids if s not in self.labels], f"sid,{solr.LABEL_FIELDS}", self._keep_labels)

    def _with_texts(self, sids) -> bool:
        missing = [s for s in sids if s not in self.texts]
        self._fetch(missing, f"{solr.LABEL_FIELDS},{solr.TEXT_FIELDS}", self._keep_text)
        return bool(missing)

    def _norms(self, sids) -> dict[int, str]:
        self._fetch([s for s in sids if s not in self.norms], "sid,norm",
                    lambda d: self.norms.__setitem__(d["sid"], d["norm"]))
        return self.norms

    def section_heads(self, sids) -> dict[int, SectionMeta]:
        place = self.catalogue.place
        sids = [int(s) for s in sids if int(s) in place]
        self._labelled(sids)
        out = {}
        for sid in sids:
            rid, n = place[sid]
            r = self.catalogue.by_rid[rid]
            heading, _, path = self.labels[sid]
            offsets = self.texts[sid][1] if sid in self.texts else b""
            out[sid] = SectionMeta(sid, n, heading, path, r["id"], r["title"], r["region"], r["year"], r["level"], "",
                                   offsets, r["url"], _list(r["urls"]), r["date"], r["speaker"], r["subtitle"],
                                   r["occasion"], r["session"], r["year_source"])
        return out

    def with_text(self, metas: list) -> list:
        if self._with_texts([m.sid for m in metas]):
            heads = self.section_heads([m.sid for m in metas])
            return [heads[m.sid] for m in metas]
        return list(metas)

    def section_texts(self, sids) -> dict[int, list[str]]:
        sids = [int(s) for s in sids]
        self._with_texts(sids)
        return {s: [p[0] for p in self.texts[s][0]] if s in self.texts else [] for s in sids}

    def norm_texts(self, metas) -> dict[int, str]:
        norms = self._norms([m.sid for m in metas])
        return {m.sid: norms[m.sid] for m in metas if m.sid in norms}

    def paragraphs_of(self, sid: int) -> list[tuple[int, str, str, int]]:
        self._with_texts([sid])
        return [(k, text, kind, line) for k, (text, kind, line) in enumerate(self.texts.get(sid, ([], b""))[0], start=1)]

    def section_sid(self, report_id: str, n: int) -> int | None:
        r = self.catalogue.rows.get(report_id)
        sids = self.catalogue.of_report.get(r["rid"], []) if r else []
        return next((s for s in sids if self.catalogue.place[s][1] == n), None)

    def heading_sids(self, conditions) -> list[int]:
        fq = [solr.condition_query(c) for c in conditions]
        return [d["sid"] for d in self.client.stream(solr.SECTIONS, fq, "sid")]

    # -- reports --------------------------------------------------------------------------------
    def _kept(self, conditions) -> list[dict]:
        """The report rows the (report-field) conditions keep, by id (Solr's translation of them)."""
        conditions = [c for c in conditions if c.field != "heading"]
        if not conditions:
            return list(self.catalogue.rows.values())
        fq = [solr.condition_query(c) for c in conditions]
        ids = {d["report"] for d in self.client.stream(solr.REPORTS, fq, "report")}
        return [r for rid, r in self.catalogue.rows.items() if rid in ids]

    def reports(self, conditions=()) -> list[ReportInfo]:
        return [self.catalogue.infos[r["id"]] for r in self._kept(list(conditions))]

    def count_reports(self) -> int:
        return len(self.catalogue.rows)

    def reports_named(self, ref: str, how: str, limit: int) -> list[ReportInfo]:
        fold = ref.translate(_ASCII_LOWER)

        def named(r):
            if how == "id":
                return r["id"] == ref
            if how == "prefix":
                return r["id"].translate(_ASCII_LOWER).startswith(fold)
            return fold in r["title"].translate(_ASCII_LOWER) or fold in r["region"].translate(_ASCII_LOWER)

        return [self.catalogue.infos[r["id"]] for r in self.catalogue.rows.values() if named(r)][:limit]

    def report_files(self) -> list[tuple[str, str]]:
        return [(r["id"], r["file"]) for r in self.catalogue.rows.values()]

    def report_head(self, report_id: str):
        r = self.catalogue.rows.get(report_id)
        return None if r is None else (r["rid"], r["title"], r["file"], r["url"], _list(r["urls"]))

    def sections_of(self, report_id: str) -> list[tuple[int, int, str, int, tuple[str, ...]]]:
        r = self.catalogue.rows.get(report_id)
        sids = self.catalogue.of_report.get(r["rid"], []) if r else []
        self._labelled(sids)
        return [(s, self.catalogue.place[s][1], *self.labels[s]) for s in sids]

    def report_lines(self, report_ids) -> dict[str, list[tuple[int, int, str]]]:
        out: dict[str, list[tuple[int, int, str]]] = {}
        wanted = {i: self.catalogue.of_report.get(self.catalogue.rows[i]["rid"], []) if i in self.catalogue.rows else []
                  for i in report_ids}
        self._with_texts([s for sids in wanted.values() for s in sids])
        for report_id, sids in wanted.items():
            lines = []
            for s in sids:
                n = self.catalogue.place[s][1]
                if self.labels[s][0] != "":
                    lines.append((n, 0, self.labels[s][0]))
                lines += [(n, k, text) for k, (text, _, _) in enumerate(self.texts[s][0], start=1)]
            out[report_id] = sorted(lines, key=lambda x: (x[0], x[1]))
        return out

    def report_section_sids(self, report_ids) -> list[int]:
        rows = self.catalogue.rows
        return sorted(s for i in report_ids if i in rows for s in self.catalogue.of_report.get(rows[i]["rid"], []))

    def report_rowids(self, conditions) -> list[int]:
        return sorted(r["rid"] for r in self._kept(list(conditions)))

    def report_ids(self, rowids) -> dict[int, str]:
        by_rid = self.catalogue.by_rid
        return {int(r): by_rid[int(r)]["id"] for r in rowids if int(r) in by_rid}

    def reports_for_counting(self, conditions) -> list[tuple]:
        return [(r["rid"], r["id"], r["title"], r["region"], r["year"], r["level"], r["chars"], r["date"])
                for r in sorted(self._kept(list(conditions)), key=lambda r: r["rid"])]


def _text(norm: str, loose: bool) -> str:
    """A section's normalized text, or that text with its marks dropped (line by line, as the
    `loose` field holds it)."""
    return "\n".join(map(archive.loose, norm.split("\n"))) if loose else norm


def scope_of(pairs) -> list[str]:
    """Solr filter clauses for (field, value) filter pairs (index.filters: the same meaning)."""
    from ..filters import conditions

    return [solr.condition_query(c) for c in conditions(pairs)]


class SolrCollection:
    """A SolrCloud collection that `publish --solr` filled. Its name is the alias a publish switches;
    each read asks it once for the published state, which names the collection the alias pointed
    to, and reads the rest from that collection: one archive per read, whatever publish switches
    meanwhile."""

    MIGRATION_WAIT = 10  # seconds a reader waits for the alias when a publish replaces a plain collection

    def __init__(self, nodes: list[str], collection: str = "baogao"):
        import threading

        self.client = solr.SolrClient(nodes, collection)
        self._catalogue: Catalogue | None = None
        self._pinned: dict[str, solr.SolrClient] = {}
        self._reading = threading.local()  # the collection this thread's last read was pinned to

    def _state(self) -> dict:
        """The published state, read through the alias. Between the deletion of a plain collection
        of the alias's name and the alias's creation (the first publish of an archive published
        before aliases) the name is missing a moment: a reader waits for it."""
        import time

        from ..errors import CollectionMissing, SolrError

        end = time.monotonic() + self.MIGRATION_WAIT
        while True:
            try:
                docs = self.client.select({"q": f"id:{solr.STATE_ID}", "fl": "state"})["response"]["docs"]
                break
            except CollectionMissing:
                if time.monotonic() > end or not self.client.generations(self.client.collections()):
                    raise
                time.sleep(0.2)
        if not docs:
            raise SolrError(f"collection {self.client.collection} holds no published archive",
                            "Fill it with `baogao publish --solr …`.")
        state = json.loads(docs[0]["state"])
        if state.get("format") != solr.FORMAT:
            raise SolrError(f"collection {self.client.collection} was published by another version of baogao "
                            f"(format {state.get('format')}; this one reads {solr.FORMAT})",
                            "Republish it: `baogao publish --solr …` sends every report again.")
        return state

    def corpus(self, pairs=()) -> SolrCorpus:
        """A corpus for one read, on the collection's current published state; `pairs` (filter pairs
        the read applies to all it finds) narrow what its finds stream."""
        state = self._state()
        name = state.get("collection") or self.client.collection  # (published before aliases: itself)
        client = self._pinned.get(name)
        if client is None:
            client = self._pinned[name] = solr.SolrClient(self.client.nodes, name)
        self._reading.name = name
        if self._catalogue is None or (self._catalogue.collection, self._catalogue.published) != (name, state["published"]):
            self._catalogue = Catalogue(client, state)
        return SolrCorpus(self._catalogue, client, scope_of(pairs))

    def moved(self, error) -> bool:
        """Whether `error` says the collection this thread's read was pinned to is gone because the
        alias moved on (a publish switched it and deleted the old one): then the read is asked again."""
        from ..errors import SolrError

        if not isinstance(error, SolrError) or getattr(error, "name", None) == self.client.collection:
            return False
        pinned = getattr(self._reading, "name", None)
        if pinned is None or pinned == self.client.collection:  # a plain collection: nothing moves
            return False
        try:
            return self.client.aliases().get(self.client.collection) != pinned
        except SolrError:
            return False
