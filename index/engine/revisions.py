"""What changed between two reports (`diff OLD NEW`): sections aligned by heading and order, sentences
(ending at 。！？； and at a paragraph's end) paired within — the same sentence where it stood (`same`),
elsewhere or out of order (`moved`), reworded (`changed`: similarity ≥ 0.6, its differences named as
verify names them: figure, wording, punctuation), or standing on one side only (`added`, `removed`).
Then the summary a journalist reads first: sections added and removed, the counts, every figure that
changed with its context, and both reports' targets side by side."""

from __future__ import annotations

import re

from archive.charclasses import WORDLIKE

from archive import normalize_text

from ..model import Revision, RevisionPair, RevisionSummary, TargetChange
from .catalog import resolve_report, show
from .corpus import Corpus

SIMILAR = 0.6  # a reworded sentence: rapidfuzz's ratio of the normalized texts, at least this
HEADINGS_ALIKE = 0.5  # two headings of one section
_SENTENCE = re.compile(r"[^。！？；]+[。！？；]*")


class _Sentence:
    __slots__ = ("section", "paragraph", "text", "norm", "at")

    def __init__(self, section: int, paragraph: int, text: str, at: int):
        self.section, self.paragraph, self.text, self.at = section, paragraph, text, at
        self.norm = normalize_text(text)


def diff(corpus: Corpus, old: str, new: str) -> Revision:
    a, b = resolve_report(corpus, old), resolve_report(corpus, new)
    va, vb = show(corpus, a.id), show(corpus, b.id)
    heads_a = {s.id: s.heading for s in va.sections}
    heads_b = {s.id: s.heading for s in vb.sections}
    sa, sb = _sentences(va), _sentences(vb)
    pairs_of_sections = _align_sections(va.sections, vb.sections, sa, sb)
    twin = dict(pairs_of_sections)
    pairs: list[RevisionPair] = []
    left, right = list(range(len(sa))), list(range(len(sb)))
    # 1. the same text on both sides, paired in order; where it stands decides same or moved
    by_text: dict[str, list[int]] = {}
    for j in right:
        by_text.setdefault(sb[j].norm, []).append(j)
    exact = []
    for i in left:
        js = by_text.get(sa[i].norm)
        if js:
            exact.append((i, js.pop(0)))
    in_place = _in_order([(i, j) for i, j in exact if twin.get(sa[i].section) == sb[j].section])
    used_a, used_b = {i for i, _ in exact}, {j for _, j in exact}
    for i, j in exact:
        pairs.append(_pair("same" if (i, j) in in_place else "moved", sa[i], sb[j], heads_a, heads_b))
    # 2. reworded: the most alike first, within aligned sections, then anywhere
    from rapidfuzz.fuzz import ratio

    for within in (True, False):
        scored = []
        for i in (i for i in left if i not in used_a):
            for j in (j for j in right if j not in used_b):
                if within and twin.get(sa[i].section) != sb[j].section:
                    continue
                if not _may_be_alike(sa[i].norm, sb[j].norm):
                    continue
                r = ratio(sa[i].norm, sb[j].norm) / 100
                if r >= SIMILAR:
                    scored.append((-r, i, j))
        for _, i, j in sorted(scored):
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            pairs.append(_pair("changed", sa[i], sb[j], heads_a, heads_b))
    pairs += [_pair("removed", sa[i], None, heads_a, heads_b) for i in left if i not in used_a]
    pairs += [_pair("added", None, sb[j], heads_a, heads_b) for j in right if j not in used_b]
    order = {id(p): (p.new_at if p.new_at is not None else _after(p, pairs), p.old_at or 0) for p in pairs}
    pairs.sort(key=lambda p: order[id(p)])  # the new report's order, a removed sentence where it stood
    aligned_a, aligned_b = set(twin), set(twin.values())
    summary = RevisionSummary(
        sections_added=tuple(s.heading for s in vb.sections if s.id not in aligned_b),
        sections_removed=tuple(s.heading for s in va.sections if s.id not in aligned_a),
        sentences_changed=sum(p.kind == "changed" for p in pairs),
        sentences_added=sum(p.kind == "added" for p in pairs),
        sentences_removed=sum(p.kind == "removed" for p in pairs),
        sentences_moved=sum(p.kind == "moved" for p in pairs),
        figures=tuple(_figures(pairs)),
        targets=tuple(_targets(corpus, a.id, b.id)))
    return Revision(a.id, a.title, b.id, b.title, summary, tuple(pairs))


def _sentences(view) -> list[_Sentence]:
    """Every sentence of the report, the heading of each section one of them."""
    out: list[_Sentence] = []
    for sec in view.sections:
        lines = [(0, sec.heading)] + [(p.n, p.text) for p in sec.paragraphs]
        for n, text in lines:
            for m in _SENTENCE.finditer(text or ""):
                piece = m.group(0).strip()
                if WORDLIKE.search(piece):  # a stray mark (、) is no sentence
                    out.append(_Sentence(sec.id, n, piece, len(out)))
    return out


def _align_sections(old, new, sa, sb) -> list[tuple[int, int]]:
    """Section pairs (old id, new id): the alignment in order that scores most (a dynamic programme
    over the two lists). Two sections are alike by their headings (rapidfuzz's ratio of the normalized
    headings) or by their sentences (the share of the smaller one's sentences the other holds word for
    word: a renamed section that kept its text); a pair counts when either is at least HEADINGS_ALIKE."""
    from rapidfuzz.fuzz import ratio

    a = [normalize_text(s.heading or "") for s in old]
    b = [normalize_text(s.heading or "") for s in new]
    texts_a, texts_b = _by_section(sa), _by_section(sb)

    def alike(i: int, j: int) -> float:
        heads = ratio(a[i], b[j]) / 100 if a[i] and b[j] else 0.0
        x, y = texts_a.get(old[i].id, set()), texts_b.get(new[j].id, set())
        shared = len(x & y) / min(len(x), len(y)) if x and y else 0.0
        return max(heads, shared)

    score = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
    sim = [[0.0] * len(b) for _ in range(len(a))]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            sim[i][j] = r = alike(i, j)
            take = score[i + 1][j + 1] + r if r >= HEADINGS_ALIKE else -1.0
            score[i][j] = max(take, score[i + 1][j], score[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        r = sim[i][j]
        if r >= HEADINGS_ALIKE and score[i][j] == score[i + 1][j + 1] + r:
            pairs.append((old[i].id, new[j].id))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return _gaps_filled(pairs, [s.id for s in old], [s.id for s in new])


def _gaps_filled(pairs, old_ids, new_ids) -> list[tuple[int, int]]:
    """Between two paired sections (or an end), as many unpaired sections on each side: paired in
    order, as a diff pairs a replaced block — the section that stands in the other's place."""
    at_a = {sid: k for k, sid in enumerate(old_ids)}
    at_b = {sid: k for k, sid in enumerate(new_ids)}
    bounds = [(-1, -1)] + [(at_a[x], at_b[y]) for x, y in pairs] + [(len(old_ids), len(new_ids))]
    out = list(pairs)
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:]):
        if i1 - i0 == j1 - j0 > 1:
            out += [(old_ids[i], new_ids[j]) for i, j in zip(range(i0 + 1, i1), range(j0 + 1, j1))]
    return sorted(out, key=lambda p: at_a[p[0]])


def _by_section(sentences) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for s in sentences:
        if s.paragraph:  # the body's sentences, not the heading
            out.setdefault(s.section, set()).add(s.norm)
    return out


def _in_order(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The longest run of pairs in order on both sides (the rest moved out of order)."""
    import bisect

    pairs = sorted(pairs)
    tails: list[int] = []
    tail_at: list[int] = []
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        at = bisect.bisect_left(tails, j)
        if at == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[at], tail_at[at] = j, k
        back[k] = tail_at[at - 1] if at else -1
    keep, k = set(), tail_at[-1] if tail_at else -1
    while k >= 0:
        keep.add(pairs[k])
        k = back[k]
    return keep


def _may_be_alike(x: str, y: str) -> bool:
    """A quick bound before the ratio: two texts whose lengths differ by more than the ratio allows
    cannot reach it."""
    shorter, longer = sorted((len(x), len(y)))
    return longer and 2 * shorter / (shorter + longer) >= SIMILAR


def _pair(kind: str, old: _Sentence | None, new: _Sentence | None, heads_a, heads_b) -> RevisionPair:
    differences, figures = (), ()
    if kind == "changed":
        from .verification import aligned_differences

        found = list(aligned_differences(old.norm, new.norm))
        differences = tuple((d.kind, d.quote, d.source) for d, _, _ in found)
        figures = tuple((d.quote, d.source, _before(old.norm, new.norm, at_old, at_new, d.source))
                        for d, at_old, at_new in found if d.kind == "figure")
    return RevisionPair(kind, old.text if old else None, new.text if new else None,
                        old.section if old else None, old.paragraph if old else None,
                        new.section if new else None, new.paragraph if new else None, differences,
                        old.at if old else None, new.at if new else None,
                        heads_a.get(old.section) if old else None, heads_b.get(new.section) if new else None,
                        figures)


def _before(old: str, new: str, at_old: tuple[int, int], at_new: tuple[int, int], new_figure: str) -> str:
    """A changed figure's context: the up to 12 characters before it in the new sentence, or before
    the old figure in the old sentence when the new one drops it (实际增长6.5% → —)."""
    text, start = (new, at_new[0]) if new_figure else (old, at_old[0])
    return text[max(0, start - 12):start]


def _after(p: RevisionPair, pairs) -> float:
    """Where a removed sentence goes in the new report's order: after the new sentence paired with
    the old one before it."""
    before = [q.new_at for q in pairs if q.old_at is not None and q.new_at is not None and q.old_at < p.old_at]
    return (max(before) if before else -1) + 0.5


def _figures(pairs) -> list[tuple[str, str, str]]:
    """(old, new, context) of every figure that changed, in NEW's order."""
    return [f for p in pairs for f in p.figures]


def _targets(corpus: Corpus, old: str, new: str) -> list[TargetChange]:
    """Both reports' targets side by side, by indicator (targets' rows: the value as written, or its
    status)."""
    from .targettable import targets

    def by_indicator(report_id):
        rows = targets(corpus, (), {"report": report_id}, with_duplicates=True)
        return {r.indicator: r for r in rows if r.report == report_id}

    a, b = by_indicator(old), by_indicator(new)
    out = []
    for indicator in sorted(set(a) | set(b), key=lambda k: list(a).index(k) if k in a else len(a)):
        x, y = a.get(indicator), b.get(indicator)
        xs, ys = (x.text if x and x.status == "value" else (x.status if x else None),
                  y.text if y and y.status == "value" else (y.status if y else None))
        out.append(TargetChange(indicator, xs, ys, xs == ys))
    return out
