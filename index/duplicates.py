"""Near-duplicate reports: the same report in another transcription is one report.

Each report gets a bottom-k MinHash sketch of its normalized text's character 8-grams (the k
smallest 64-bit shingle hashes, computed with numpy). Two sketches estimate the Jaccard similarity
of the two shingle sets; at or above THRESHOLD the later report is a duplicate of the earlier one.
The threshold was measured on the shared corpus's known pairs (see SOURCES.md and the note in the
README): transcriptions of one report score 0.5–1.0, different years of one region below 0.15.
"""

from __future__ import annotations

import numpy as np

SHINGLE = 8
K = 256
THRESHOLD = 0.45
_P = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def sketch(text: str) -> bytes:
    """The K smallest hashes of the text's 8-character shingles (newlines and spaces dropped)."""
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
    h = np.unique(h)
    return np.sort(h[:K] if len(h) <= K else np.partition(h, K)[:K]).astype("<u8").tobytes()


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
    so a candidate is compared only with reports that share values with it."""

    def __init__(self):
        self.sketches: dict[str, bytes] = {}
        self.by_value: dict[int, list[str]] = {}

    def add(self, report_id: str, sk: bytes) -> None:
        self.sketches[report_id] = sk
        for v in np.frombuffer(sk, "<u8").tolist():
            self.by_value.setdefault(v, []).append(report_id)

    def original_of(self, sk: bytes) -> tuple[str, float] | None:
        """The most similar known report at or above THRESHOLD (ties: the first added)."""
        shared: dict[str, int] = {}
        for v in np.frombuffer(sk, "<u8").tolist():
            for rid in self.by_value.get(v, ()):
                shared[rid] = shared.get(rid, 0) + 1
        best = None
        for rid, n in shared.items():
            if n < THRESHOLD * K / 2:  # too few shared values to reach the threshold
                continue
            s = similarity(sk, self.sketches[rid])
            if s >= THRESHOLD and (best is None or s > best[1]):
                best = (rid, s)
        return best

