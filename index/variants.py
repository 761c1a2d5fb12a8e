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

from archive import loose, loose_map, strip_marks

from .model import Variant

SHOWN = 10  # variants named in an answer, most frequent first


def variant_counts(home, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(section ids, variant occurrences) of the normalized `text`, sorted by section id: its loose
    occurrences less its printed ones, where that leaves any."""
    core = strip_marks(text)
    bare = loose(core)
    empty = np.zeros(0, np.int64), np.zeros(0, np.int64)
    if len(bare) < 2:  # one character has no inside to hold a mark
        return empty
    total = getattr(home.substring, "total", None)
    if total is not None and total(bare, loose=True) == total(core):  # every loose match is printed
        return empty
    sids, counts = home.substring.find(bare, loose=True)
    printed, pcounts = home.substring.find(core)
    if len(printed):
        at = np.searchsorted(printed, sids)
        at[at >= len(printed)] = 0
        held = printed[at] == sids
        counts = counts.copy()
        counts[held] -= pcounts[at[held]]
    keep = counts > 0
    return sids[keep], counts[keep]


def variant_spans(norm: str, text: str) -> list[tuple[int, int]]:
    """Spans of normalized `norm` (a section's lines joined by newlines) where `text` stands as a
    variant: its loose form found line by line (left to right, none overlapping), less the places
    it stands as printed."""
    core = strip_marks(text)
    bare = loose(core)
    out: list[tuple[int, int]] = []
    if len(bare) < 2:
        return out
    base = 0
    for line in norm.split("\n"):
        flat, idx = loose_map(line)
        at = flat.find(bare)
        while at >= 0:
            s, e = base + idx[at], base + idx[at + len(bare) - 1] + 1
            if norm[s:e] != core:
                out.append((s, e))
            at = flat.find(bare, at + len(bare))
        base += len(line) + 1
    return out


def named(places) -> tuple[Variant, ...]:
    """(sid, the text as printed) of every variant place → the variants, most frequent first."""
    occurrences: Counter = Counter()
    sections: dict[str, set] = {}
    for sid, printed in places:
        occurrences[printed] += 1
        sections.setdefault(printed, set()).add(sid)
    ranked = sorted(occurrences, key=lambda t: (-occurrences[t], -len(sections[t]), t))
    return tuple(Variant(t, occurrences[t], len(sections[t])) for t in ranked[:SHOWN])


def places_in(metas, texts: dict[int, str], displays: dict[int, str], text: str):
    """(sid, the text as printed) of each variant place in these sections."""
    from . import store

    for meta in metas:
        norm, display = texts.get(meta.sid, ""), displays.get(meta.sid, "")
        offsets = store.OffsetMap(meta.offsets)
        for s, e in variant_spans(norm, text):
            yield meta.sid, display[offsets[s]:offsets[e - 1] + 1]
