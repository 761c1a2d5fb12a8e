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
           "verify": "verification", "kwic": "concordance", "new_phrases": "novelty", "targets": "targettable"}


def __getattr__(name):
    if name not in _ENGINE:
        raise AttributeError(f"module 'index.backends' has no attribute {name!r}")
    value = globals()[name] = _on_corpus(_ENGINE[name], name)
    return value
