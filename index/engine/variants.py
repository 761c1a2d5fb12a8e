"""An exact string's variants (docs/contract.md): the places where the text equals it once every
punctuation mark is dropped from both, but not as printed — `一主、六双` for `一主六双`, `改革、开放`
for `改革开放`. Marks at the string's own ends take no part (the variants of `，进` are those of `进`).

They are counted in the segments' text without marks, less the places the string stands as printed
(a section's variant occurrences), and named on each section's normalized text, mapped back to the
characters as printed. Answers name them and include them only when asked (`--variants`).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from archive import loose, strip_marks

from ..model import Variant
from ..sectiontext import OffsetMap
from .snippets import section_displays, variant_spans

SHOWN = 10  # variants named in an answer, most frequent first
SCAN = 40  # variant sections read and scanned for their forms; past this the index counts them first


def variant_counts(corpus, text: str, printed=None) -> tuple[np.ndarray, np.ndarray]:
    """(section ids, variant occurrences) of the normalized `text`, sorted by section id: its loose
    occurrences less its printed ones, where that leaves any. `printed`: `find(text)`, when the
    caller has it."""
    core = strip_marks(text)
    bare = loose(core)
    empty = np.zeros(0, np.int64), np.zeros(0, np.int64)
    if len(bare) < 2:  # one character has no inside to hold a mark
        return empty
    total = corpus.total(bare, loose=True)  # None: the corpus cannot tell
    if total is not None and total == corpus.total(core):  # every loose match is printed
        return empty
    sids, counts = corpus.holding(bare, loose=True)
    printed, pcounts = printed if printed is not None and core == text else corpus.holding(core)
    if len(printed):
        at = np.searchsorted(printed, sids)
        at[at >= len(printed)] = 0
        held = printed[at] == sids
        counts = counts.copy()
        counts[held] -= pcounts[at[held]]
    keep = counts > 0
    return sids[keep], counts[keep]


def named(corpus, text: str, expected: dict[int, int]) -> tuple[Variant, ...]:
    """The variants of `text` in the sections `expected` names (with each one's variant
    occurrences), most frequent first: grouped as the contract reads them (`、` and `，` are one
    comma), each shown as printed where it first stands. Past SCAN sections, the forms with one mark
    in one gap are counted from the index first (a form is itself a printed string); only the
    sections they do not account for are read and scanned (a form with several marks)."""
    
    def metas_of(sids):
        return corpus.with_text(list(corpus.section_heads(sorted(sids)).values()))

    by_form: dict[str, dict[int, int]] = {}
    unexplained = set(expected)
    if len(expected) > SCAN and corpus.total(text) is not None:
        by_form = _one_mark_forms(corpus, text, expected)
        got = Counter()
        for per in by_form.values():
            got.update(per)
        unexplained = {sid for sid, n in expected.items() if got[sid] != n}
    if unexplained:
        for per in by_form.values():
            for sid in unexplained & per.keys():
                del per[sid]
        scanned = metas_of(unexplained)
        texts = corpus.norm_texts(scanned)
        for meta in scanned:
            norm = texts.get(meta.sid, "")
            for s, e in variant_spans(norm, text):
                per = by_form.setdefault(norm[s:e], {})
                per[meta.sid] = per.get(meta.sid, 0) + 1
    occurrences = {form: sum(per.values()) for form, per in by_form.items() if per}
    ranked = sorted(occurrences, key=lambda f: (-occurrences[f], -len(by_form[f]), f))[:SHOWN]
    first = {form: min(by_form[form]) for form in ranked}
    shown = {m.sid: m for m in metas_of(set(first.values()))}
    texts, displays = corpus.norm_texts(list(shown.values())), section_displays(corpus, list(shown.values()))
    out = []
    for form in ranked:
        meta = shown[first[form]]
        norm, offsets = texts.get(meta.sid, ""), OffsetMap(meta.offsets)
        s = norm.find(form)
        printed = displays[meta.sid][offsets[s]:offsets[s + len(form) - 1] + 1] if s >= 0 else form
        out.append(Variant(printed, occurrences[form], len(by_form[form])))
    return tuple(out)


def _one_mark_forms(corpus, text: str, expected: dict[int, int]) -> dict[str, dict[int, int]]:
    """form → {section: occurrences} for the forms of `text` with one canonical mark in one gap,
    counted by the printed index in the sections `expected` names."""
    from archive.marks import BREAKING, CLASSES

    bare = loose(strip_marks(text))
    wanted = np.array(sorted(expected), np.int64)
    out: dict[str, dict[int, int]] = {}
    for i in range(1, len(bare)):
        for mark in CLASSES:
            if mark in BREAKING:
                continue
            form = bare[:i] + mark + bare[i:]
            if not corpus.total(form):
                continue
            sids, counts = corpus.holding(form)
            inside = np.isin(sids, wanted)
            if inside.any():
                out[form] = dict(zip(sids[inside].tolist(), counts[inside].tolist()))
    return out
