"""index: reports → the home → hits. The store, the word and substring indexes, ingest, search,
snippets, verify and trends. Never imports click or rich; no Whoosh object leaves this package.

Names are imported on first use (PEP 562), so a quoted search loads neither Whoosh, the segmenter
nor the ingest machinery. (No module is named like a function it exports: `writing.ingesting.ingest`,
`searching.search` — a submodule import would otherwise shadow the function.)"""

import importlib

_EXPORTS = {
    "list_reports": "backends", "reports_from": "backends", "resolve_report": "backends", "resolve_section": "backends",
    "sections": "backends", "show": "backends",
    "BusyError": "errors", "HomeError": "errors", "NotFoundError": "errors", "QueryError": "errors",
    "SearchError": "errors",
    "Home": "local.home", "Backend": "engine.backend", "LocalBackend": "backends", "SolrBackend": "backends",
    "check": "local.checking", "compact": "writing.maintenance", "ingest": "writing.ingesting",
    "rebuild": "writing.maintenance", "remove": "writing.maintenance",
    "CheckResult": "model", "Hit": "model", "IngestResult": "model", "ReportInfo": "model",
    "SearchResult": "model", "SectionInfo": "model",
    "highlight_spans": "backends", "search": "backends", "segment_ahead": "backends",
    "Trend": "model", "trend": "backends", "first_by_region": "backends", "Spread": "model",
    "Difference": "model", "Match": "model", "Verdict": "model", "verify": "backends",
    "Concordance": "model", "KwicLine": "model", "kwic": "backends",
    "Novelty": "model", "NewPhrase": "model", "new_phrases": "backends",
    "TargetRow": "model", "targets": "backends",
    "Revision": "model", "diff": "backends",
    "Comparison": "model", "ComparedPhrase": "model", "CompareSide": "model", "compare": "backends",
    "terms_and_filters": "engine.query",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
