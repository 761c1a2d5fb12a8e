"""Errors raised by the index. Each carries its exit code (docs/contract.md: 2 a bad query or reference,
3 an archive that cannot be used) and a hint; `cli.errors` turns each into one line."""


class SearchError(Exception):
    """Base class. `hint` says what the user can do about it."""

    exit_code = 1
    hint = ""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        if hint:
            self.hint = hint


class QueryError(SearchError):
    """A malformed query (exit 2)."""

    exit_code = 2

    hint = 'Quote a phrase with "…", combine terms with OR / NOT and parentheses.'


class NotFoundError(SearchError):
    """An unknown or ambiguous report or section reference (exit 2); `candidates` lists the choices."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "", candidates: tuple[str, ...] = ()):
        super().__init__(message, hint)
        self.candidates = candidates


class HomeError(SearchError):
    """The home cannot be used: busy, damaged, read-only for a writer, or of another format version (exit 3)."""

    exit_code = 3


class BusyError(HomeError):
    hint = "Another baogao is writing to this archive: run this again when it is done, or pass --wait."


class SolrError(HomeError):
    """A SolrCloud collection that cannot be used: no node answers, or it refused a request (exit 3)."""

    def __init__(self, message: str, hint: str = "", unreachable: bool = False):
        super().__init__(message, hint)
        self.unreachable = unreachable


class CollectionMissing(SolrError):
    """The cluster answers but holds no collection (or alias) of that name."""

    def __init__(self, name: str):
        super().__init__(f"the cluster has no collection {name}",
                         "Publish one with `baogao publish --solr …`, or name another with --collection.")
        self.name = name


class NoReportError(SearchError):
    """Filters that keep no report (exit 1, as a search that finds nothing): said as such, never
    read as "the term is not there". `reports_matched` is 0 for the JSON error."""

    exit_code = 1
    reports_matched = 0
