"""The archive on a SolrCloud collection (`--solr`): `SolrBackend` answers every read the local home
answers, with the local engine's own code.

For each read a `RemoteHome` is made: a home-shaped view whose store (SQLite in memory) holds the
whole catalogue of reports — copied once per published state — and the sections Solr proposed so
far. Its substring index asks Solr for the sections whose normalized text holds a string (a phrase
of character pairs: index/solr/configset) and counts each occurrence as the local index counts
(non-overlapping): on the stored normalized text, or for one character or two from the index's term
statistics, which count exactly that. Its word scorer is Solr's BM25 over our own segmenter's words.
Search, kwic, trend, verify and show then run unchanged over it, fetching the text of what they
show (`with_text`): what the cluster answers is what the local engine answers over the same
text, and the differential tests hold both to the oracle."""

from __future__ import annotations

import base64
import functools
import json
import sqlite3
import threading
import time
from dataclasses import replace

import numpy as np

import archive

from . import client as solr
from ..local import store
from ..local.corpus import LocalCorpus
from ..errors import CollectionMissing, QueryError, SolrError
from ..filters import conditions
from ..engine.query import And, Filter, Not, Or, Term, parse

BATCH = 500  # sections fetched by id in one request


class Catalogue:
    """The published state's reports and dictionary, as a store in memory that each read copies."""

    def __init__(self, client: solr.SolrClient, state: dict):
        from ..local.segmenter import Segmenter

        self.collection = client.collection
        self.published = state["published"]
        self.rows = [json.loads(d["row"]) for d in client.stream(solr.REPORTS, fl="row")]
        self.sections = {r["id"]: r.get("sections", 0) for r in self.rows}
        self.template = sqlite3.connect(":memory:", check_same_thread=False)
        store.create(self.template)
        store.insert_report_rows(self.template, self.rows)
        store.replace_dictionary(self.template, state["dictionary"])
        self.template.commit()
        self.segmenter = Segmenter(tuple(state["dictionary"]))

    def store(self) -> sqlite3.Connection:
        con = sqlite3.connect(":memory:")
        self.template.backup(con)
        return con


class RemoteHome(LocalCorpus):
    """The Corpus port (index.engine.corpus) for one read of a Solr collection, over a home-shaped
    view (con, section_table, substring, word_scorer, segmenter). A section comes in two steps: its
    head (its report and number: what the section table, filters and ranking read) when a find names
    it, its text (normalized and as printed, its heading, the offset map) when it is counted on the
    text or about to be shown (`with_text`). `scope` (Solr filter clauses) narrows what it fetches to
    the reports the read's filters keep — the engine applies the same filters again, so it only saves
    transfer."""

    path = None
    segmenter = None  # (the dictionary's, set per read: not the local home's property)

    def __init__(self, catalogue: Catalogue, client: solr.SolrClient, scope=(), headings: bool = False):
        super().__init__(self)  # the port's reads go to this view's store and indexes
        self.client = client
        # A find copies in each section's number; its heading too only when a heading: filter reads
        # it (half the cost of streaming 25,000 heads): a section shown gets it with its text.
        self.head_fields = f"{solr.HEAD_FIELDS},{solr.LABEL_FIELDS}" if headings else solr.HEAD_FIELDS
        self.catalogue = catalogue
        self.con = catalogue.store()
        self.scope = [solr.SECTIONS, *scope]
        self.heads: set[int] = set()  # sids whose head row is in the store
        self.norms: dict[int, str] = {}  # sids whose normalized text is here
        self.shown: set[int] = set()  # sids whose paragraphs and offset map are in the store
        self._table = None
        self.substring = RemoteSubstring(self)
        self.word_scorer = RemoteWordScorer(self)
        self.segmenter = catalogue.segmenter

    def follow(self) -> None:
        pass

    def meta(self, key: str, default=None):
        return store.get_meta(self.con, key, default)

    @property
    def section_table(self):
        from ..local import sectiontable

        if self._table is None:
            self._table = sectiontable.read(self.con)
        return self._table

    def stream(self, q: str, fl: str, params: dict | None = None):
        """Every section in scope matching `q`, with the fields `fl`; each head copied in."""
        docs = list(self.client.stream(q, self.scope, f"{self.head_fields},{fl}", params))
        self._add_heads(docs)
        return docs

    def load(self, q: str, params: dict | None = None) -> list[int]:
        """Every section in scope matching `q`, head and text (show, new, targets read them all)."""
        docs = self.stream(q, f"{solr.LABEL_FIELDS},{solr.TEXT_FIELDS}", params)
        self._add_texts(docs)
        return [d["sid"] for d in docs]

    def load_reports(self, report_ids) -> None:
        ids = list(report_ids)
        for at in range(0, len(ids), BATCH):
            self.load(*solr.any_of("report", ids[at:at + BATCH]))

    def section_heads(self, sids) -> dict:
        """Heads of `sids`; those no find named yet (verify's candidates) come with their text."""
        sids = list(sids)
        self._fetch_texts([s for s in sids if s not in self.heads])
        return super().section_heads(sids)

    def with_text(self, metas: list) -> list:
        """`metas` complete with their text, heading and offset map, fetched if not here yet."""
        if self._fetch_texts([m.sid for m in metas]):
            heads = super().section_heads([m.sid for m in metas])
            return [heads[m.sid] for m in metas]
        return list(metas)

    def _fetch_texts(self, sids) -> bool:
        """Copy in the text of those of `sids` whose text is not here yet. Whether any was."""
        missing = sorted({int(s) for s in sids} - self.shown)
        for at in range(0, len(missing), BATCH):
            q, params = solr.any_of("sid", missing[at:at + BATCH])
            docs = list(self.client.stream(q, [solr.SECTIONS], f"{solr.HEAD_FIELDS},{solr.LABEL_FIELDS},{solr.TEXT_FIELDS}",
                                           params))
            self._add_heads(docs)  # (verify's candidates come from `holding`: no head yet)
            self._add_texts(docs)
        return bool(missing)

    def fetch_norms(self, sids) -> dict[int, str]:
        """The normalized texts of `sids`, those not here yet fetched."""
        missing = sorted({int(s) for s in sids} - self.norms.keys())
        for at in range(0, len(missing), BATCH * 4):
            q, params = solr.any_of("sid", missing[at:at + BATCH * 4])
            for d in self.client.stream(q, [solr.SECTIONS], "sid,norm", params):
                self.norms[d["sid"]] = d["norm"]
        if missing:
            self.substring.held = None
        return self.norms

    def _add_heads(self, docs: list[dict]) -> None:
        rows = [(d["sid"], d["rid"], d["n"], d.get("heading", ""), d.get("hlevel", 0), d.get("path", "[]"), b"",
                 RemoteSubstring.name) for d in docs if d["sid"] not in self.heads]
        if not rows:
            return
        store.insert_sections(self.con, rows, [])
        self.heads.update(r[0] for r in rows)
        if self._table is not None:  # in place: the engine may hold the table from before a find
            from ..local import sectiontable

            self._table.__init__(sectiontable.read(self.con).columns())

    def _add_texts(self, docs: list[dict]) -> None:
        heads, paragraphs = [], []
        for d in docs:
            sid = d["sid"]
            self.norms.setdefault(sid, d["norm"])
            if sid in self.shown:
                continue
            self.shown.add(sid)
            heads.append((base64.b64decode(d["offsets"]), d["heading"], d["hlevel"], d["path"], sid))
            paragraphs += [(sid, k, text, kind, line)
                           for k, (text, kind, line) in enumerate(json.loads(d["paragraphs"]), start=1)]
        store.fill_sections(self.con, heads, paragraphs)
        self.substring.held = None


class RemoteSubstring:
    """The substring index's answers from Solr's candidates: which sections hold a string (a phrase
    of character pairs matches exactly where it stands), and how often — one character or two
    different ones from the index's term statistics, a longer string counted on the normalized text
    as the local index counts (`str.count`: non-overlapping). And the fetched sections' normalized
    texts as one segment (`section_norm_texts` reads them there)."""

    name = "solr"

    def __init__(self, home: RemoteHome):
        self.home = home
        self.held = None
        self._found: dict[str, tuple] = {}

    @property
    def segments(self):
        return [self]

    @property
    def sids(self) -> np.ndarray:
        if self.held is None:
            self.held = np.array(sorted(self.home.norms), np.int64)
        return self.held

    def section_text(self, i: int) -> str:
        return self.home.norms[int(self.sids[i])]

    def find(self, needle: str, loose: bool = False) -> tuple[np.ndarray, np.ndarray]:
        key = (needle, loose)
        if key not in self._found:
            found: list[tuple[int, int]] = []
            if needle:
                q, params = solr.phrase(needle, loose)
                counted = solr.occurrences(needle, loose)
                docs = self.home.stream(q, counted or "sid", params)
                if counted:
                    found = [(d["sid"], int(d["tf"])) for d in docs]
                else:  # counted on the text: fetched once, whatever finds name it
                    norms = self.home.fetch_norms([d["sid"] for d in docs])
                    found = [(d["sid"], _text(norms[d["sid"]], loose).count(needle)) for d in docs]
            found = sorted((s, c) for s, c in found if c)  # confirmed: it stands there
            self._found[key] = (np.array([s for s, _ in found], np.int64), np.array([c for _, c in found], np.int64))
        return self._found[key]

    def holding(self, needle: str, at_most: int):
        """The sections holding `needle` with their marks dropped (verify's windows), sorted, or None
        when more than `at_most` do: one page."""
        if (needle, True) in self._found:
            sids = self._found[(needle, True)][0]
            return sids if len(sids) <= at_most else None
        q, params = solr.phrase(needle, loose=True)
        out = self.home.client.select({"q": q, **params, "fq": solr.SECTIONS, "fl": "sid", "rows": at_most + 1})
        if out["response"]["numFound"] > at_most:
            return None
        return np.array(sorted(d["sid"] for d in out["response"]["docs"]), np.int64)

    def fillers(self, left: str, right: str) -> set[str]:
        """Did-you-mean's one-character fillers need the whole archive's suffix array: none here."""
        return set()


def _text(norm: str, loose: bool) -> str:
    """A section's normalized text, or that text with its marks dropped (line by line, as the
    `loose` field holds it)."""
    return "\n".join(map(archive.loose, norm.split("\n"))) if loose else norm


class RemoteWordScorer:
    """BM25 from Solr over the words field (ExactStatsCache: the shards agree on the statistics)."""

    def __init__(self, home: RemoteHome):
        self.home = home

    def score(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        docs = list(self.home.client.stream(solr.all_words(words), self.home.scope, "sid,score",
                                            sort="score desc,id asc"))
        docs.sort(key=lambda d: d["sid"])
        return np.array([d["sid"] for d in docs], np.int64), np.array([d["score"] for d in docs], np.float64)


def scope_of(pairs) -> list[str]:
    """Solr filter clauses for (field, value) filter pairs (index.filters: the same meaning)."""
    return [solr.condition_query(c) for c in conditions(pairs)]


def _top_filters(tree) -> list[tuple[str, str]]:
    """The filters a query applies to all it finds (those at its top level)."""
    parts = tree.parts if isinstance(tree, And) else (tree,)
    return [(p.field, p.value) for p in parts if isinstance(p, Filter)]


def _has_heading_filter(node) -> bool:
    if isinstance(node, Filter):
        return node.field == "heading"
    if isinstance(node, Not):
        return _has_heading_filter(node.part)
    return isinstance(node, (And, Or)) and any(_has_heading_filter(p) for p in node.parts)


def needs_universe(node) -> bool:
    """Whether evaluating `node` needs every section (in scope), not only those its terms find: a
    NOT or a filter with no term before it to narrow."""
    if isinstance(node, Term):
        return False
    if isinstance(node, (Filter, Not)):
        return True
    if isinstance(node, Or):
        return any(needs_universe(p) for p in node.parts)
    if isinstance(node, And):
        positive = [p for p in node.parts if not isinstance(p, (Filter, Not))]
        return not positive or any(needs_universe(p) for p in positive)
    return True


def _read(method):
    """A read that answers from one collection whole: when a publish switched the alias and deleted
    the collection it was reading from under it (Solr then says the collection, or one of its shards,
    is missing), it reads again from the collection the alias names now."""

    @functools.wraps(method)
    def read(self, *args, **kwargs):
        for attempt in range(3):
            try:
                return method(self, *args, **kwargs)
            except SolrError as e:
                if attempt == 2 or getattr(e, "name", None) == self.client.collection or not self._moved():
                    raise
    return read


class SolrBackend:
    """A SolrCloud collection that `publish --solr` filled (index.backend.Backend). Its name is the
    alias a publish switches; each read asks it once for the published state, which names the
    collection the alias pointed to, and reads the rest from that collection: one archive per read,
    whatever publish switches meanwhile."""

    MIGRATION_WAIT = 10  # seconds a reader waits for the alias when a publish replaces a plain collection

    def __init__(self, nodes: list[str], collection: str = "baogao"):
        self.client = solr.SolrClient(nodes, collection)
        self._catalogue: Catalogue | None = None
        self._pinned: dict[str, solr.SolrClient] = {}
        self._reading = threading.local()  # the collection this thread's last read was pinned to

    def _state(self) -> dict:
        """The published state, read through the alias. Between the deletion of a plain collection
        of the alias's name and the alias's creation (the first publish of an archive published
        before aliases) the name is missing a moment: a reader waits for it."""
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

    def _home(self, scope=(), headings: bool = False) -> RemoteHome:
        """A fresh view for one read, on the collection's current published state."""
        state = self._state()
        name = state.get("collection") or self.client.collection  # (published before aliases: itself)
        client = self._pinned.get(name)
        if client is None:
            client = self._pinned[name] = solr.SolrClient(self.client.nodes, name)
        self._reading.name = name
        if self._catalogue is None or (self._catalogue.collection, self._catalogue.published) != (name, state["published"]):
            self._catalogue = Catalogue(client, state)
        return RemoteHome(self._catalogue, client, scope, headings)

    def _moved(self) -> bool:
        """Whether the alias has moved on from the collection the last read was pinned to."""
        pinned = getattr(self._reading, "name", None)
        if pinned is None or pinned == self.client.collection:  # a plain collection: nothing moves
            return False
        try:
            return self.client.aliases().get(self.client.collection) != pinned
        except SolrError:
            return False

    def _counted(self, info):
        return replace(info, sections=self._catalogue.sections.get(info.id, info.sections))

    @_read
    def warm(self) -> None:
        self._home().segmenter.words_of("政府工作报告")

    def segment_ahead(self, query: str, exact: bool = False) -> None:
        """(The local home cuts a query's words in a child while it opens its indexes; a remote read
        waits on the network instead, and cuts them when it needs them.)"""

    @_read
    def reports(self, filters=None, sort="id"):
        from ..engine.catalog import list_reports

        return [self._counted(r) for r in list_reports(self._home(), filters, sort)]

    @_read
    def resolve_report(self, ref):
        from ..engine.catalog import resolve_report

        return self._counted(resolve_report(self._home(), ref))

    def _report_home(self, report_id: str) -> RemoteHome:
        home = self._home()
        home.load_reports([report_id])
        return home

    @_read
    def sections(self, report_id):
        from ..engine.catalog import sections

        return sections(self._report_home(report_id), report_id)

    @_read
    def resolve_section(self, report_id, ref):
        from ..engine.catalog import resolve_section

        return resolve_section(self._report_home(report_id), report_id, ref)

    @_read
    def show(self, report_id, section=None):
        from ..engine.catalog import show

        return show(self._report_home(report_id), report_id, section)

    @_read
    def highlights(self, view, query):
        from ..engine.snippets import highlight_spans

        home = self._report_home(view.report)
        return {(sec.id, n): spans for sec in view.sections
                for n, spans in highlight_spans(home, view.report, sec.id, query)}

    def _query_home(self, query: str, exact: bool, filters: dict | None) -> RemoteHome:
        try:
            tree = parse(query, exact=exact)
        except QueryError:
            return self._home()  # the engine says what is wrong with it
        headings = "heading" in (filters or {}) or _has_heading_filter(tree)
        home = self._home(scope_of(list((filters or {}).items()) + _top_filters(tree)), headings)
        if needs_universe(tree):
            home.load(solr.EVERYTHING)
        return home

    @_read
    def search(self, query, **options):
        from ..engine.searching import search

        home = self._query_home(query, options.get("exact", False), options.get("filters"))
        return search(home, query, **options)

    @_read
    def verify(self, quote):
        from ..engine.verification import verify

        return verify(self._home(), quote)

    @_read
    def kwic(self, query, **options):
        from ..engine.concordance import kwic

        return kwic(self._query_home(query, True, options.get("filters")), query, **options)

    def _trend_home(self, options) -> RemoteHome:
        from ..engine.trends import chosen_filters

        return self._home(scope_of(chosen_filters(**options)))

    @_read
    def trend(self, terms, by="year", **options):
        from ..engine.trends import trend

        return trend(self._trend_home(options), terms, by, **options)

    @_read
    def spread(self, term, **options):
        from ..engine.trends import first_by_region

        return first_by_region(self._trend_home(options), term, **options)

    @_read
    def new_phrases(self, report, against=None, limit=50):
        """`new` reads the report and its baseline (chosen from the catalogue by novelty's rule)."""
        from ..engine.catalog import resolve_report
        from ..engine.novelty import baseline_of, new_phrases

        home = self._home()
        info = resolve_report(home, report)
        home.load_reports(sorted({info.id, *(r.id for r in baseline_of(home, info, against))}))
        return new_phrases(home, report, against, limit)

    @_read
    def targets(self, indicators=(), filters=None, with_duplicates=False):
        """`targets` reads every report its filters keep."""
        from ..engine.targettable import targets

        home = self._home(scope_of(list((filters or {}).items())))
        home.load(solr.EVERYTHING)
        return targets(home, indicators, filters, with_duplicates)
