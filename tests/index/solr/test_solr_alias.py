"""`publish` is all or nothing (issue 29): it fills a collection of its own and then switches the alias
readers name. Killed at 10 random points (SIGKILL, seeded delays) while a reader runs in a loop, it
leaves every read answering exactly the archive before or the archive after — never a mix — and the
next `publish` completes, leaving no collection but the live one. An archive published before
aliases (a plain collection of the name) is taken over by the first aliased publish.

Needs a running cluster (BAOGAO_TEST_SOLR; see test_solr.py): skipped without one, a failure under
BAOGAO_REQUIRE_SOLR."""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

from index import Home, LocalBackend
from tests.conftest import ROOT, SEEDS
from tests.index.solr.test_solr import solr_nodes  # noqa: F401 (the fixture)

pytestmark = pytest.mark.slow
ENV = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
MARK = "本篇标记码"


def baogao(home, *args, timeout=300):
    return subprocess.run([sys.executable, "-m", "cli", "--home", str(home), *map(str, args)], capture_output=True,
                          text=True, env=ENV, timeout=timeout)


def start(home, *args):
    return subprocess.Popen([sys.executable, "-m", "cli", "--home", str(home), *map(str, args)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)


def archive(tmp_path, name: str, copies: int, extra: str = ""):
    """A home of `copies` reports, each of 30 paragraphs of the seeds drawn with a seed of its own (no
    two alike: none folded as a duplicate), a marker of its own (and `extra` in the first)."""
    folder = tmp_path / f"{name}_pages"
    folder.mkdir()
    pool = sorted({ln.strip() for f in SEEDS.glob("*.txt") for ln in f.read_text(encoding="utf-8").splitlines()
                   if len(ln.strip()) > 30})
    for i in range(copies):
        lines = [f"第{i:03d}号报告", "", *random.Random(i).sample(pool, 30), f"{MARK}第{i:03d}号。{extra if i == 0 else ''}"]
        (folder / f"copy_{i:03d}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    home = tmp_path / name
    r = baogao(home, "ingest", folder)
    assert r.returncode == 0, r.stderr
    return home


def one_read(backend) -> tuple:
    """What one read answers (one exact search: its reports, sections and counts) — a reader's check."""
    found = backend.search(MARK, exact=True, limit=None)
    hits = tuple(sorted((h.report, h.section_id, h.count) for h in found.hits))
    return found.reports_matched, found.total, found.occurrences, hits


def signature(backend) -> tuple:
    """What an archive answers, read when no publish runs: its reports (list) and one exact search."""
    reports = tuple(r.id for r in backend.reports())
    return len(reports), hash(reports), *one_read(backend)


def truth(home) -> tuple:
    local = LocalBackend(Home(home))
    try:
        return signature(local)
    finally:
        local.home.close()


class Reader(threading.Thread):
    """Reads the alias in a loop (one backend, as the app keeps one), noting each answer and error."""

    def __init__(self, nodes, collection):
        super().__init__(daemon=True)
        from index import SolrBackend

        self.backend = SolrBackend(nodes, collection)
        self.seen: list[tuple] = []
        self.listed: list[tuple] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                self.seen.append(one_read(self.backend))
                self.listed.append(tuple(r.id for r in self.backend.reports()))  # a read of its own
            except Exception as e:  # noqa: BLE001 (every failure is noted and asserted on)
                self.errors.append(f"{e.__class__.__name__}: {e}")
            time.sleep(0.05)


def test_a_killed_publish_leaves_readers_on_the_old_archive_or_the_new_never_a_mix(solr_nodes, tmp_path):  # noqa: F811
    from index import SolrBackend
    from index.solr.client import SolrClient

    nodes = ",".join(solr_nodes)
    collection = f"alias_{uuid.uuid4().hex[:8]}"
    homes = {"old": archive(tmp_path, "old", 20), "new": archive(tmp_path, "new", 30, "全新的一段话：鹦鹉螺号。")}
    want = {state: truth(home) for state, home in homes.items()}
    assert want["old"][2:] != want["new"][2:] and want["new"][0] == 30 and want["new"][4] == 30
    state_of = {sig: state for state, sig in want.items()}
    client = SolrClient(solr_nodes, collection)

    began = time.monotonic()
    r = baogao(homes["new"], "publish", "--solr", nodes, "--collection", collection, "--json")
    assert r.returncode == 0, r.stderr
    full = time.monotonic() - began  # a whole publish: the kills fall within it
    reader = Reader(solr_nodes, collection)
    reader.start()
    rng = random.Random(29)
    live, switched = "new", 0
    try:
        for _ in range(10):
            other = "old" if live == "new" else "new"
            publisher = start(homes[other], "publish", "--solr", nodes, "--collection", collection)
            time.sleep(rng.uniform(0.1, 1.6 * full))  # (a publish after a kill first deletes what it left)
            publisher.send_signal(signal.SIGKILL)
            publisher.wait()
            now = signature(SolrBackend(solr_nodes, collection))
            assert now in state_of, "after a kill the alias answers neither archive"
            switched += state_of[now] != live
            live = state_of[now]
        other = "old" if live == "new" else "new"
        r = baogao(homes[other], "publish", "--solr", nodes, "--collection", collection, "--json")
        assert r.returncode == 0, r.stderr  # publish again completes
        time.sleep(1)  # the reader reads the last archive too
    finally:
        reader.stop.set()
        reader.join(120)
    try:
        assert not reader.errors, reader.errors[:3]
        assert len(reader.seen) >= 20
        print(f"{len(reader.seen)} reads; {switched} of 10 killed publishes had switched the alias")
        assert set(reader.seen) <= {w[2:] for w in want.values()}, "a reader saw a mix of the two archives"
        assert reader.seen[-1] == want[other][2:]
        assert {(len(ids), hash(ids)) for ids in reader.listed} <= {w[:2] for w in want.values()}, "a list of a mix"
        assert signature(SolrBackend(solr_nodes, collection)) == want[other]
        # nothing left but the live collection (and its configset): the next publish cleaned the rest
        live_name = client.live()
        assert client.generations(client.collections()) == [live_name]
        assert client.generations(client.configsets()) == [live_name]
    finally:
        client.drop()


def test_a_plain_collection_from_before_aliases_is_taken_over(solr_nodes, _seeded_home, tmp_path):  # noqa: F811
    """A cluster holding a plain collection of the name (published by baogao before aliases): the next
    publish fills `<name>_<time>`, deletes the plain one and creates the alias; readers of the name
    read the same archive throughout."""
    from index.local import store
    from index import SolrBackend
    from index.local.segmenter import dictionary_hash
    from index.solr.client import SolrClient
    from index.solr import publishing as solrpublishing

    nodes = ",".join(solr_nodes)
    collection = f"plain_{uuid.uuid4().hex[:8]}"
    client = SolrClient(solr_nodes, collection)
    client.prepare(1, 1)  # as publish made it before aliases: the collection itself, filled in place
    home = Home(_seeded_home)
    try:
        words = store.dictionary(home.con)
        keys = [(row, solrpublishing.report_key(row, dictionary_hash(words))) for row in store.report_rows(home.con)]
        solrpublishing._fill(home, client, keys, words, None)
        want = truth(_seeded_home)
        assert signature(SolrBackend(solr_nodes, collection)) == want
        assert collection not in client.aliases()
        r = baogao(_seeded_home, "publish", "--solr", nodes, "--collection", collection, "--json")
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        assert (out["published"], out["deleted"], out["unchanged"]) == (0, 0, 5)
        assert client.aliases()[collection] == out["generation"] and collection not in client.collections()
        assert signature(SolrBackend(solr_nodes, collection)) == want
    finally:
        home.close()
        client.drop()


def test_a_read_across_the_switch_answers_from_one_archive(solr_nodes, tmp_path):  # noqa: F811
    """A read that asked for the published state just before a publish switched the alias (and deleted
    the collection it had started on) answers exactly one archive: it reads again from the new one."""
    from index import SolrBackend

    nodes = ",".join(solr_nodes)
    collection = f"across_{uuid.uuid4().hex[:8]}"
    homes = {"old": archive(tmp_path, "old", 6), "new": archive(tmp_path, "new", 9, "全新的一段话：鹦鹉螺号。")}

    def searched(backend):
        found = backend.search(MARK, exact=True, limit=None)
        return found.total, found.occurrences, tuple(sorted((h.report, h.section_id, h.count) for h in found.hits))

    want = {}
    for state, home in homes.items():
        local = LocalBackend(Home(home))
        want[state] = searched(local)
        local.home.close()
    assert want["old"] != want["new"]

    class Straddling(SolrBackend):
        """Publishes the new archive right after its first read has its view of the old one."""

        switched = False

        def _current(self, *args, **kwargs):  # (each read's corpus: pinned to the state it began on)
            view = super()._current(*args, **kwargs)
            if not self.switched:
                self.switched = True
                r = baogao(homes["new"], "publish", "--solr", nodes, "--collection", collection)
                assert r.returncode == 0, r.stderr
            return view

    assert baogao(homes["old"], "publish", "--solr", nodes, "--collection", collection).returncode == 0
    try:
        backend = Straddling(solr_nodes, collection)
        assert searched(backend) in (want["old"], want["new"]) and backend.switched
        assert searched(backend) == want["new"]
    finally:
        SolrClientFor(solr_nodes, collection).drop()


def SolrClientFor(nodes, collection):
    from index.solr.client import SolrClient

    return SolrClient(nodes, collection)


def test_a_plain_collection_baogao_did_not_publish_is_never_replaced(solr_nodes, _seeded_home):  # noqa: F811
    from index.solr.client import SolrClient

    collection = f"foreign_{uuid.uuid4().hex[:8]}"
    client = SolrClient(solr_nodes, collection)
    client.prepare(1, 1)
    try:
        client.update(json.dumps({"add": {"doc": {"id": "someone-else", "kind": "other"}}}), commit=True)
        r = baogao(_seeded_home, "publish", "--solr", ",".join(solr_nodes), "--collection", collection)
        assert r.returncode == 3 and "did not publish" in r.stderr and "Traceback" not in r.stderr, r.stderr
        assert client.select({"q": "id:someone-else", "rows": 0})["response"]["numFound"] == 1
        assert client.generations(client.collections()) == [] and collection not in client.aliases()
    finally:
        client.drop()


def test_a_publish_whose_collection_is_deleted_under_it_says_so_and_leaves_the_alias(solr_nodes, tmp_path):  # noqa: F811
    """Two publishes to one alias at once: one may delete the other's half-built collection as left
    over. The one that loses says so in one line and the alias stays where it was."""
    from index.errors import SolrError
    from index import SolrBackend
    from index.solr.client import SolrClient
    from index.solr.publishing import publish

    nodes = ",".join(solr_nodes)
    collection = f"race_{uuid.uuid4().hex[:8]}"
    homes = {"old": archive(tmp_path, "old", 4), "new": archive(tmp_path, "new", 12, "全新的一段话：鹦鹉螺号。")}
    assert baogao(homes["old"], "publish", "--solr", nodes, "--collection", collection).returncode == 0
    client = SolrClient(solr_nodes, collection)
    live = client.live()

    def rival(k, n):  # as another publish starting now would: every collection but the live one goes
        if k == 2:
            for name in client.generations(client.collections()):
                if name != live:
                    client.delete_collection(name)

    home = Home(homes["new"])
    try:
        with pytest.raises(SolrError, match="was deleted while this publish filled it"):
            publish(home, SolrClient(solr_nodes, collection), progress=rival)
        assert client.live() == live
        assert signature(SolrBackend(solr_nodes, collection)) == truth(homes["old"])
    finally:
        home.close()
        client.drop()
