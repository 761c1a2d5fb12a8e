"""The frozen records that leave `index` (never a Whoosh object); `--json` is built from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

STREAM_PAST = 500  # a search's hits, a kwic's lines: past this many they are built as they are read


class Streamed(Sequence):
    """A long answer's records (a search's hits, a kwic's lines), built a batch at a time as they are
    read and never all held (issue 39): what holds them is `build(start, end)`, the records at those
    places, from arrays of section numbers and counts. Reading it twice builds it twice; it equals the
    tuple of its records."""

    def __init__(self, build, n: int, batch: int = 100, iterate=None, keep: bool = False):
        self._n, self._batch = n, batch
        self._iterate = iterate  # every record in order, cheaper than batch by batch (kwic: by sections)
        self._kept: dict[int, object] | None = {} if keep else None  # small records, built once (trend's terms)
        self._build = self._keeping(build) if keep else build

    def _keeping(self, build):
        def kept(start: int, end: int) -> list:
            for k in range(start, end):
                if k not in self._kept:
                    self._kept[k] = build(k, k + 1)[0]
            return [self._kept[k] for k in range(start, end)]
        return kept

    def built(self) -> list:
        """The records built so far (with `keep`), in order."""
        return [self._kept[k] for k in sorted(self._kept or {})]

    def __len__(self) -> int:
        return self._n

    def __iter__(self):
        if self._iterate is not None:
            yield from self._iterate()
            return
        for start in range(0, self._n, self._batch):
            yield from self._build(start, min(self._n, start + self._batch))

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(self._n)
            if step != 1:
                return tuple(self)[i]
            return tuple(self._build(start, stop)) if start < stop else ()
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        return self._build(i, i + 1)[0]

    def __eq__(self, other) -> bool:
        return isinstance(other, (tuple, list, Streamed)) and tuple(self) == tuple(other)

    __hash__ = None

    def __repr__(self) -> str:
        return f"Streamed({self._n} records)"


@dataclass(frozen=True)
class ReportInfo:
    id: str
    title: str
    region: str
    year: int | None
    level: str  # administrative level: national, provincial, city, county, other
    sections: int
    chars: int
    file: str
    duplicate_of: str | None = None
    url: str | None = None  # where the report was published (a sidecar's), for citations
    urls: tuple[str, ...] = ()
    date: str | None = None  # a sidecar's as written, else the delivery line's (YYYY-MM-DD)
    subtitle: str | None = None
    speaker: str | None = None  # office and name
    occasion: str | None = None
    session: str | None = None
    year_source: str | None = None  # sidecar, file name, title, delivery line, session, text, party congress


@dataclass(frozen=True)
class SectionInfo:
    id: int
    heading: str
    level: int  # heading depth: 1 a top-level section (the JSON contract's name)
    path: tuple[str, ...]


@dataclass(frozen=True)
class ParagraphView:
    n: int
    text: str
    kind: str
    line: int


@dataclass(frozen=True)
class SectionView:
    id: int
    heading: str
    level: int
    path: tuple[str, ...]
    paragraphs: tuple[ParagraphView, ...]


@dataclass(frozen=True)
class ReportView:
    report: str
    title: str
    file: str
    sections: tuple[SectionView, ...]
    url: str | None = None
    urls: tuple[str, ...] = ()
    year: int | None = None
    year_source: str | None = None
    subtitle: str | None = None
    speaker: str | None = None
    date: str | None = None
    occasion: str | None = None
    session: str | None = None


@dataclass(frozen=True)
class Hit:
    report: str
    title: str
    region: str
    year: int | None
    section_id: int
    section: str
    path: tuple[str, ...]
    score: float
    count: int
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    text: str  # the whole section: its lines (title in the first section, heading, paragraphs)
    verbatim: bool = True  # holds the terms as typed (else only their words)
    variant: bool = False  # holds the term only with other punctuation inside (一主、六双 for 一主六双)
    in_heading: bool = False  # a match stands in the heading (or the title)
    also_in: tuple[str, ...] = ()  # other transcriptions of this report that match too, folded here
    url: str | None = None
    urls: tuple[str, ...] = ()
    level: str | None = None  # the report's administrative level (national: issued by 国务院)
    date: str | None = None  # the report's head (ReportInfo): delivery date, speaker, ...
    speaker: str | None = None
    subtitle: str | None = None
    occasion: str | None = None
    session: str | None = None
    year_source: str | None = None
    matches: tuple[str, ...] = ()  # each highlighted match's text as printed, in order (what a * covered)


@dataclass(frozen=True)
class Suggestion:
    """A string one character away from a term that found nothing, and how often it stands."""

    text: str
    count: int


@dataclass(frozen=True)
class Variant:
    """The places an exact string stands with other punctuation inside, as printed (一主、六双 for
    一主六双): equal to it once every mark is dropped, not as printed."""

    text: str
    occurrences: int
    sections: int


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    occurrences: int
    hits: tuple[Hit, ...]
    suggestions: tuple[Suggestion, ...] = ()  # when nothing is found: did you mean
    variants: tuple[Variant, ...] = ()  # of the query's one term, most frequent first (at most 10)
    variants_counted: bool = False  # among the hits (an unquoted term, or --variants)
    reports_matched: int | None = None  # the reports the top-level filters keep (None: filters in OR/NOT)


@dataclass(frozen=True)
class SectionMeta:
    """What a hit, a citation or a snippet needs of one section and its report (inside `index`)."""

    sid: int
    n: int
    heading: str
    path: tuple[str, ...]
    report: str
    title: str
    region: str
    year: int | None
    level: str
    segment: str
    offsets: bytes
    url: str | None
    urls: tuple[str, ...]
    date: str | None = None  # the report's head (ReportInfo)
    speaker: str | None = None
    subtitle: str | None = None
    occasion: str | None = None
    session: str | None = None
    year_source: str | None = None


HEAD_FIELDS = ("level", "date", "speaker", "subtitle", "occasion", "session", "year_source")


def head_of(record) -> dict:
    """The report-head fields of a record (a SectionMeta, a ReportInfo) for the records built from it:
    every record that carries a report's metadata carries these (cli.citation reads them)."""
    return {k: getattr(record, k, None) for k in HEAD_FIELDS}


@dataclass(frozen=True)
class IngestResult:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    failed: tuple[dict, ...] = ()
    skipped: tuple[dict, ...] = ()  # {"path", "reason"}: a folder's files that are no report
    notes: tuple[dict, ...] = ()  # {"path", "report", "note"}: files read, but not cleanly (bytes replaced)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    reports: int
    sections: int
    problems: tuple[str, ...] = field(default_factory=tuple)
    texts_compared: int = 0  # sections whose index text check compared with the store's (1 in 20 at random, ≥ 200)


@dataclass(frozen=True)
class Difference:
    quote: str
    source: str
    kind: str  # figure | wording | punctuation | figure_form | script

    @property
    def of_form(self) -> bool:
        """Listed, never deciding a verdict: punctuation, a figure written another way (百分之五点二 /
        5.2%), a character in the other script (經濟 / 经济)."""
        return self.kind in FORM_KINDS


FORM_KINDS = ("punctuation", "figure_form", "script")


@dataclass(frozen=True)
class Match:
    report: str
    title: str
    year: int | None
    section_id: int
    section: str
    path: tuple[str, ...]
    paragraph: int
    paragraph_end: int
    similarity: float
    source: str
    differences: tuple[Difference, ...]
    source_spans: tuple[tuple[int, int], ...] = ()  # differing characters, offsets into `source`
    exact: bool = False
    url: str | None = None
    urls: tuple[str, ...] = ()
    region: str = ""
    level: str | None = None  # the report's administrative level (national: issued by 国务院)
    date: str | None = None  # the report's head (ReportInfo): delivery date, speaker, ...
    speaker: str | None = None
    subtitle: str | None = None
    occasion: str | None = None
    session: str | None = None
    year_source: str | None = None


@dataclass(frozen=True)
class Verdict:
    quote: str
    verdict: str  # exact | close | not_found
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class Bucket:
    key: str
    count: float  # occurrences (per `per` characters when asked)
    reports: int


@dataclass(frozen=True)
class FirstMention:
    report: str
    title: str
    year: int | None
    section_id: int
    section: str
    paragraph: int
    url: str | None = None
    urls: tuple[str, ...] = ()
    region: str = ""
    level: str | None = None  # the report's administrative level (national: issued by 国务院)
    date: str | None = None  # the report's head (ReportInfo): delivery date, speaker, ...
    speaker: str | None = None
    subtitle: str | None = None
    occasion: str | None = None
    session: str | None = None
    year_source: str | None = None


@dataclass(frozen=True)
class RegionFirst:
    """Where a term was first written in one region."""

    region: str
    level: str
    date: str | None
    mention: FirstMention


@dataclass(frozen=True)
class Spread:
    """`trend --first`: each region's first mention of a term, earliest first."""

    term: str
    first: tuple[RegionFirst, ...]


@dataclass(frozen=True)
class TermTrend:
    term: str
    total: int
    reports: int
    first: FirstMention | None
    buckets: tuple[Bucket, ...]
    variants: tuple[Variant, ...] = ()


@dataclass(frozen=True)
class Trend:
    by: str
    terms: tuple[TermTrend, ...]
    per: int | None = None
    variants_counted: bool = False  # in the counts (--variants)
    reports_matched: int | None = None  # the reports the filters keep


@dataclass(frozen=True)
class KwicLine:
    """One occurrence in its context (keyword in context): `match` as printed, `left` and `right`
    the characters around it in its paragraph (or heading: paragraph 0)."""

    report: str
    title: str
    year: int | None
    region: str
    section_id: int
    section: str
    paragraph: int
    left: str
    match: str
    right: str
    url: str | None = None
    variant: bool = False  # the term with other punctuation inside (kwic --variants)
    level: str | None = None  # the report's administrative level (national: issued by 国务院)
    date: str | None = None  # the report's head (ReportInfo): delivery date, speaker, ...
    speaker: str | None = None
    subtitle: str | None = None
    occasion: str | None = None
    session: str | None = None
    year_source: str | None = None


@dataclass(frozen=True)
class Concordance:
    term: str
    total: int  # every occurrence (lines may hold fewer: a limit)
    lines: tuple[KwicLine, ...]
    variants: tuple[Variant, ...] = ()
    variants_counted: bool = False  # lines of their own (--variants)
    reports_matched: int | None = None  # the reports the top-level filters keep (None: filters in OR/NOT)


@dataclass(frozen=True)
class NewPhrase:
    phrase: str  # normalized
    count: int  # in the report
    section_id: int  # where it first stands
    paragraph: int  # 0: a heading or the title
    quoted: bool = False
    in_heading: bool = False
    later_reports: int | None = None  # reports of a later year (any level) that write it; None: the archive has none


@dataclass(frozen=True)
class Novelty:
    """`new`: the phrases of a report that none of its baseline reports holds, ranked."""

    report: str
    title: str
    year: int | None
    baseline: tuple[str, ...]
    phrases: tuple[NewPhrase, ...]
    found: int  # every new phrase (phrases may hold fewer: a limit)
    years: tuple[int | None, int | None] = (None, None)  # the baseline's first and last year
    region: str = ""
    level: str | None = None  # the report's administrative level (national: issued by 国务院)
    date: str | None = None  # the report's head (ReportInfo): delivery date, speaker, ...
    speaker: str | None = None
    subtitle: str | None = None
    occasion: str | None = None
    session: str | None = None
    year_source: str | None = None


@dataclass(frozen=True)
class RevisionPair:
    """A sentence of `diff`: same, moved, changed (with its differences: (kind, old, new)), added or
    removed; where it stands on each side (section, paragraph — 0: the heading) and its position."""

    kind: str
    old_text: str | None
    new_text: str | None
    old_section: int | None
    old_paragraph: int | None
    new_section: int | None
    new_paragraph: int | None
    differences: tuple[tuple[str, str, str], ...] = ()
    old_at: int | None = None
    new_at: int | None = None
    old_heading: str | None = None
    new_heading: str | None = None
    figures: tuple[tuple[str, str, str], ...] = ()  # (old, new, context) of its changed figures


@dataclass(frozen=True)
class TargetChange:
    indicator: str
    old: str | None  # the target as written, or its status (not_set, qualitative, not_found, no_cue)
    new: str | None
    unchanged: bool


@dataclass(frozen=True)
class RevisionSummary:
    sections_added: tuple[str, ...]
    sections_removed: tuple[str, ...]
    sentences_changed: int
    sentences_added: int
    sentences_removed: int
    sentences_moved: int
    figures: tuple[tuple[str, str, str], ...]  # (old, new, context)
    targets: tuple[TargetChange, ...]


@dataclass(frozen=True)
class Revision:
    """`diff OLD NEW`: the summary, then every sentence of both reports paired."""

    old: str
    old_title: str
    new: str
    new_title: str
    summary: RevisionSummary
    pairs: tuple[RevisionPair, ...]


@dataclass(frozen=True)
class CompareSide:
    """One side of `compare`: its label (a report id, a filter expression, the rest of the archive), its
    reports, and its characters counted once per text."""

    label: str
    reports: tuple[str, ...]
    texts: int  # its reports counted once per text (a transcription whose original is in it, not)
    chars: int  # of those texts


@dataclass(frozen=True)
class ComparedPhrase:
    """A phrase over- (or, with --fewer, under-) used in the target: exact counts on each side, rates
    per 10,000 characters, log-likelihood G², log ratio, the target reports holding it, its first mention."""

    phrase: str
    target_count: int
    reference_count: int
    target_per_10k: float
    reference_per_10k: float
    g2: float
    log_ratio: float
    target_reports: int
    first: FirstMention | None


@dataclass(frozen=True)
class Comparison:
    """`compare`: the phrases that set the target apart from the reference, ranked."""

    target: CompareSide
    reference: CompareSide
    phrases: tuple[ComparedPhrase, ...]
    found: int  # every phrase listed before the limit
    fewer: bool = False
    sort: str = "g2"
    min_count: int = 3
    since: int | None = None  # over time: phrases the archive wrote mostly before this year are left out


@dataclass(frozen=True)
class TargetRow:
    """One target a report sets for its year (or says it does not set), with its citation."""

    report: str
    title: str
    year: int | None
    region: str
    level: str
    indicator: str
    text: str  # as written
    low: float | None
    high: float | None
    unit: str
    modifier: str
    not_set: bool
    section_id: int
    paragraph: int
    url: str | None = None
    date: str | None = None  # the report's head (ReportInfo): delivery date, speaker, ...
    speaker: str | None = None
    subtitle: str | None = None
    occasion: str | None = None
    session: str | None = None
    year_source: str | None = None
    status: str = "value"  # value, not_set, qualitative, not_found, other_period or no_cue (issue 32)


def bucket_order(key: str):
    """The order of trend buckets and of a targets grid's rows and columns: years (numbers) ascending,
    then names."""
    return (0, int(key), "") if key.isdigit() else (1, 0, key)
