"""Where the rooms meet: the engine (index/engine) over a corpus (index/local). The one module that
names both, so that neither room imports the other."""

from __future__ import annotations

from .engine.backend import Engine
from .local.corpus import LocalCorpus


class LocalBackend(Engine):
    """The engine over a home on this machine."""

    def __init__(self, home):
        super().__init__(LocalCorpus(home))
        self.home = home

    def warm(self) -> None:
        super().warm()
        self.corpus.open_all()  # the substring index too: the app's first quoted search opens nothing


def _on_corpus(module: str, name: str):
    """An engine function as `index` exports it: given a Home (a script, a test), it runs over the
    home's LocalCorpus; given a Corpus, over it."""
    import functools
    import importlib

    fn = getattr(importlib.import_module(f"index.engine.{module}"), name)

    @functools.wraps(fn)
    def run(where, *args, **kwargs):
        return fn(where if hasattr(where, "holding") else LocalCorpus(where), *args, **kwargs)

    return run


_ENGINE = {"list_reports": "catalog", "reports_from": "catalog", "resolve_report": "catalog",
           "resolve_section": "catalog", "sections": "catalog", "show": "catalog", "highlight_spans": "snippets",
           "search": "searching", "segment_ahead": "query", "trend": "trends", "first_by_region": "trends",
           "verify": "verification", "kwic": "concordance", "new_phrases": "novelty", "targets": "targettable",
           "compare": "comparison", "diff": "revisions"}


def __getattr__(name):
    if name not in _ENGINE:
        raise AttributeError(f"module 'index.backends' has no attribute {name!r}")
    value = globals()[name] = _on_corpus(_ENGINE[name], name)
    return value


class SolrBackend(Engine):
    """The engine over a SolrCloud collection: each read on a corpus of its own (index.solr.corpus),
    pinned to the state published when it began."""

    def __init__(self, nodes: list[str], collection: str = "baogao"):
        from .solr.corpus import SolrCollection

        self.collection = SolrCollection(nodes, collection)
        self.client = self.collection.client

    def _current(self, filters=()):
        return self.collection.corpus([(f, v) for f, v in filters if v is not None and str(v).strip() != ""])

    def warm(self) -> None:
        self._current().segmenter.words_of("政府工作报告")

    def segment_ahead(self, query: str, exact: bool = False) -> None:
        pass  # a remote read waits on the network instead, and cuts the words when it needs them


def _asked_again(method):
    """A read that answers from one collection whole: when a publish switched the alias and deleted
    the collection it was reading from under it, it reads again from the one the alias names now."""
    import functools

    @functools.wraps(method)
    def read(self, *args, **kwargs):
        for attempt in range(3):
            try:
                return method(self, *args, **kwargs)
            except Exception as e:
                if attempt == 2 or not self.collection.moved(e):
                    raise
    return read


for _name in ("warm", "reports", "resolve_report", "sections", "resolve_section", "show", "highlights", "search",
              "verify", "kwic", "trend", "spread", "new_phrases", "targets", "compare", "diff"):
    setattr(SolrBackend, _name, _asked_again(getattr(SolrBackend, _name)))
