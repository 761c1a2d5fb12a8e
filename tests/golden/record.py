"""The golden `--json` outputs of a fixed set of commands on the seeds (issue 15: a refactor changes
no successful output). `python tests/golden/record.py` rewrites `seeds.json`; the test compares.

Volatile fields are normalized: absolute paths become `<seeds>`/`<home>`, seconds become 0. `publish`
runs against `FakeSolr`, an in-memory collection in the client's place (no cluster needed): what it
pins is publish's own JSON, not what a cluster does with the documents."""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from index.solr.client import SolrClient as REAL_CLIENT  # noqa: E402 (FakeSolr stands in its place)
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).with_name("seeds.json")

COMMANDS: list[list[str]] = [
    ["ingest", "<seeds>", "--json"],
    ["list", "--json"],
    ["search", "人参", "--json", "--limit", "2"],
    ["sections", "000", "--json"],
    ["sections", "通化", "--json"],
    ["show", "000", "1", "--json"],
    ["show", "桦甸", "写在前面", "--json"],
    ["show", "002", "--json"],
    ["search", "九解一协调", "--json"],
    ["search", "人参 产业", "--json"],
    ["search", "人参 OR 高质量发展", "--json", "--limit", "50"],
    ["search", "人参 NOT 通化", "--json"],
    ["search", "-e", "一主六双", "--json"],
    ["search", "-e", "六双", "--json"],
    ["search", '"精细化服务"', "--json"],
    ["search", "发展 year:2023", "--json", "--sort", "year"],
    ["search", "发展", "--region", "桦甸", "--json", "--with-duplicates"],
    ["search", "不存在的词语组合", "--json"],
    ["search", "发展", "region:火星", "--json"],
    ["search", "发展 OR region:通化", "--json", "--limit", "1"],
    ["verify", "实干筑就伟业，奋斗开创未来。", "--json"],
    ["verify", "桦甸市地区生产总值增长百分之六", "--json"],
    ["verify", "这是一句报告里没有的话而且很长很长", "--json"],
    ["verify", "全年网络零售额完成72.28亿元", "--json"],
    ["verify", "全年网络零售额完成27.28亿元", "--json"],
    ["trend", "人参", "--json"],
    ["trend", "人参", "高质量发展", "--by", "region", "--json"],
    ["trend", "发展", "--by", "level", "--json"],
    ["kwic", "人参", "--json"],
    ["kwic", "九解一协调", "--sort", "right", "--limit", "3", "--width", "8", "--json"],
    ["new", "002", "--limit", "5", "--json"],
    ["compare", "year:2024", "--reference", "year:2023", "--min-count", "2", "--limit", "5", "--json"],
    ["diff", "001", "002", "--json"],
    ["targets", "--json"],
    ["trend", "人参", "--first", "--json"],
    ["trend", "发展", "--per", "10000", "--json"],
    ["publish", "--solr", "http://fake-solr:8983/solr", "--collection", "golden", "--json"],
    ["publish", "--solr", "http://fake-solr:8983/solr", "--collection", "golden", "--json"],
    ["check", "--json"],
    ["remove", "004", "--json"],
    ["list", "--json"],
    ["publish", "--solr", "http://fake-solr:8983/solr", "--collection", "golden", "--json"],
    ["rebuild", "--json"],
    ["compact", "--json"],
    ["search", "人参", "--json"],
]


def normalize(text: str, home: Path) -> object:
    text = text.replace(str(SEEDS), "<seeds>").replace(str(home), "<home>")
    try:
        doc = json.loads(text)
    except ValueError:
        return text

    def walk(x):
        if isinstance(x, dict):
            return {k: (0 if k in ("seconds", "elapsed", "ms") else walk(v)) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x
    return walk(doc)


class FakeSolr:
    """`index.solr.SolrClient` for `publish`, without a cluster: collections in memory, shared by
    every client (publish opens one per sender thread), reading the JSON update bodies it is sent."""

    stored: dict[str, dict[str, dict]] = {}  # each collection's documents by id
    alias: dict[str, str] = {}  # each alias and the collection it names
    made = [0]  # generations made: their names are numbered, so the golden file stays put

    def __init__(self, nodes, collection="baogao"):
        self.nodes, self.collection = list(nodes), collection

    @classmethod
    def reset(cls):
        cls.stored.clear()
        cls.alias.clear()
        cls.made[0] = 0

    @property
    def docs(self) -> dict[str, dict]:
        return self.stored.setdefault(self.collection, {})

    def prepare(self, shards, replicas):
        self.docs

    # the alias, as `publish` switches it (index.solr.SolrClient's)
    def aliases(self):
        return dict(self.alias)

    def live(self):
        return self.alias.get(self.collection) or (self.collection if self.collection in self.stored else None)

    def generations(self, names):
        return REAL_CLIENT.generations(self, names)

    def new_generation(self):
        self.made[0] += 1
        return f"{self.collection}_{self.made[0]:017d}"

    def collections(self):
        return sorted(self.stored)

    def configsets(self):
        return []

    def switch(self, alias):
        self.alias[alias] = self.collection

    def delete_collection(self, name):
        self.stored.pop(name, None)

    def select(self, params):
        field, _, value = params["q"].partition(":")
        found = [d for d in self.docs.values() if value == "*" or d.get(field) == value]
        return {"response": {"numFound": len(found), "docs": found[:int(params.get("rows", 10))]}}

    def stream(self, q, fq=(), fl="id", extra=None, sort="id asc"):
        field, _, value = q.partition(":")
        fields = fl.split(",")
        for doc in list(self.docs.values()):
            if doc.get(field) == value:
                yield {k: doc[k] for k in fields if k in doc}

    def update(self, commands: str, commit: bool = False):
        for verb, arg in json.loads(commands, object_pairs_hook=list):
            if verb == "add":
                doc = dict(dict(arg)["doc"])
                self.docs[doc["id"]] = doc
            elif verb == "delete":
                field, _, value = dict(arg)["query"].partition(":")
                value = re.sub(r"\\(.)", r"\1", value)  # the id, unescaped
                for key in [k for k, d in self.docs.items() if d.get(field) == value]:
                    del self.docs[key]

    def commit(self):
        pass


def run_all() -> list[dict]:
    """Every command in order on one new home, through the real entry point (in this process)."""
    from unittest import mock

    from tests.conftest import run_cli

    out = []
    FakeSolr.reset()
    with tempfile.TemporaryDirectory() as tmp, mock.patch("index.solr.client.SolrClient", FakeSolr):
        home = Path(tmp) / "home"
        for args in COMMANDS:
            r = run_cli(home, *[str(SEEDS) if a == "<seeds>" else a for a in args])
            out.append({"args": args, "exit": r.returncode, "stdout": normalize(r.stdout, home)})
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    GOLDEN.write_text(json.dumps(run_all(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
