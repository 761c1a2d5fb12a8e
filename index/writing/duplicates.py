"""Near-duplicate reports: the same report in another transcription is one report.

Each report gets a bottom-k MinHash sketch of its normalized text's character 8-grams (the k
smallest 64-bit shingle hashes, computed with numpy). Two sketches estimate the resemblance (Jaccard
similarity) of the two shingle sets; at or above CANDIDATE the two texts are compared exactly, and
the later report is a duplicate of the earlier one only when their exact resemblance reaches
SAME_TEXT. The sketch alone folded different texts: it is an estimate (±0.03 at k=256), and two short
texts around the same boilerplate score high (the 2014 and 2015 NPC resolutions on the work report,
550 characters each: 0.50).

SAME_TEXT was measured on the shared corpus (../shared/corpus, SOURCES.md; issue 29): the exact 8-gram
resemblance of the 212 pairs of transcriptions of one text (the three national transcriptions of a
year, provincial-2025/2026 against lawtext-gov, four upstream copies filed under another city or year:
淮南/淮安 2016, 沧州/池州 2016, 四川 2019/2020, 兰州 2021/2022) is 0.771 at least (云南省 2025; all others
0.89–1.0); of pairs of different texts at most 0.486 (the 2014 and 2015 resolutions; consecutive
resolutions 0.30–0.49, consecutive statistical communiqués 0.29). 0.65 keeps 0.12 below the one and 0.16
above the other. (Character edit similarity, rapidfuzz's Indel ratio, separates them poorly: 0.864 for
云南省 2025, 0.824 for the resolutions, 0.81 for two communiqués — any two texts in one language and
register share most characters in order.)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from .. import sectiontext
from ..local import store

SHINGLE = 8
K = 256
# A sketch estimate from which two texts are compared exactly: far enough below SAME_TEXT that a pair
# reaching it is never missed by the estimate's error (0.2 below it is 6 standard deviations at k=256).
CANDIDATE = 0.45
SAME_TEXT = 0.65
_P = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def sketch(text: str) -> bytes:
    """The K smallest hashes of the text's 8-character shingles (newlines and spaces dropped)."""
    h = shingles(text)
    return np.sort(h[:K] if len(h) <= K else np.partition(h, K)[:K]).astype("<u8").tobytes()


def shingles(text: str) -> np.ndarray:
    """The distinct 64-bit hashes of the text's 8-character shingles (newlines and spaces dropped)."""
    compact = "".join(text.split())
    if len(compact) < SHINGLE:
        compact = compact.ljust(SHINGLE, "\0")
    codes = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - SHINGLE + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(SHINGLE):
            h = h * _P + codes[i:i + n]
        h = (h ^ (h >> np.uint64(29))) * _MIX  # spread the bits so the smallest are a fair sample
        h ^= h >> np.uint64(32)
    return np.unique(h)


def resemblance(a: np.ndarray, b: np.ndarray) -> float:
    """The exact Jaccard similarity of two shingle sets (`shingles`)."""
    both = len(np.intersect1d(a, b, assume_unique=True))
    return both / (len(a) + len(b) - both) if len(a) or len(b) else 1.0


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two shingle sets from their bottom-k sketches."""
    x, y = np.frombuffer(a, "<u8"), np.frombuffer(b, "<u8")
    if not len(x) or not len(y):
        return 0.0
    k = min(K, len(x), len(y))
    union = np.union1d(x, y)[:k]
    both = np.intersect1d(x, y)
    return float(np.isin(union, both).sum()) / k


class Originals:
    """The reports a new one may duplicate, with an inverted index from sketch values to reports,
    so a candidate is compared only with reports that share values with it. `text_of(report_id)`
    gives a report's normalized text, read only for the candidates a sketch finds."""

    def __init__(self, text_of: Callable[[str], str]):
        self.sketches: dict[str, bytes] = {}
        self.by_value: dict[int, list[str]] = {}
        # A few texts at a time: a report is often compared with its two other transcriptions.
        self._shingles = lru_cache(maxsize=16)(lambda report_id: shingles(text_of(report_id)))

    def add(self, report_id: str, sk: bytes) -> None:
        self.sketches[report_id] = sk
        for v in np.frombuffer(sk, "<u8").tolist():
            self.by_value.setdefault(v, []).append(report_id)

    def original_of(self, report_id: str, sk: bytes) -> tuple[str, float] | None:
        """The known report whose text `report_id`'s text resembles most, at or above SAME_TEXT
        (ties: the first added), with that resemblance; None when there is none."""
        shared: dict[str, int] = {}
        for v in np.frombuffer(sk, "<u8").tolist():
            for rid in self.by_value.get(v, ()):
                shared[rid] = shared.get(rid, 0) + 1
        best = None
        for rid, n in shared.items():
            if n < CANDIDATE * K / 2 or similarity(sk, self.sketches[rid]) < CANDIDATE:
                continue  # too few shared values to be the same text
            s = resemblance(self._shingles(report_id), self._shingles(rid))
            if s >= SAME_TEXT and (best is None or s > best[1]):
                best = (rid, s)
        return best


def stored_text(con, report_id: str) -> str:
    """A report's normalized text as the store holds it: the text its sketch was made from
    (writing.workers.prepare), for comparing two candidates exactly."""
    head = store.report_head(con, report_id)
    title = head[1] if head else ""
    sections: dict[int, tuple[str, list[str]]] = {}
    for n, paragraph, text in store.report_lines(con, [report_id])[report_id]:
        heading, paragraphs = sections.setdefault(n, ("", []))
        if paragraph == 0:
            sections[n] = (text, paragraphs)
        else:
            paragraphs.append(text)
    return "\n".join(sectiontext.normalized(sectiontext.lines_of(title, n, heading, paragraphs))[0]
                     for n, (heading, paragraphs) in sorted(sections.items()))
