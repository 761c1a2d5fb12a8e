"""index: reports → the home → hits. The store, the word and substring indexes, ingest, search,
snippets, verify and trends. Never imports click or rich; no Whoosh object leaves this package.
Whoosh and the segmenter are imported only where used, so a quoted search never loads them."""

from .catalog import list_reports, resolve_report, resolve_section, sections, show
from .errors import BusyError, HomeError, NotFoundError, QueryError, SearchError
from .home import Home
from .ingest import check, compact, ingest, rebuild, remove
from .model import CheckResult, Hit, IngestResult, ReportInfo, SearchResult, SectionInfo, Snippet
from .search import highlight_spans, search
from .trend import Trend, trend
from .verify import Difference, Match, Verdict, verify

__all__ = [
    "BusyError", "CheckResult", "Difference", "Hit", "Home", "HomeError", "IngestResult", "Match", "NotFoundError",
    "QueryError", "ReportInfo", "SearchError", "SearchResult", "SectionInfo", "Snippet", "Trend", "Verdict", "check",
    "compact", "highlight_spans", "ingest", "list_reports", "rebuild", "remove", "resolve_report",
    "resolve_section", "search", "sections", "show", "trend", "verify",
]
