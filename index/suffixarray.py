"""Suffix arrays in memory: libdivsufsort's search over a part of an array, and a small index over a
few texts. The substring index (index.local.substring) searches its segments with it; `new`
(index.engine.novelty) builds a TextIndex over its baseline reports."""

from __future__ import annotations

import functools

import numpy as np


@functools.cache
def _sa_search_function(wide: bool):
    """libdivsufsort's sa_search with its real prototype. pydivsufsort's wrapper passes the text's
    length as the suffix array's, so it cannot search a part of the array."""
    import ctypes

    from pydivsufsort import dll

    idx = ctypes.c_int64 if wide else ctypes.c_int32
    fn = dll.libdivsufsort64.sa_search64 if wide else dll.libdivsufsort.sa_search
    proto = ctypes.CFUNCTYPE(idx, ctypes.c_void_p, idx, ctypes.c_char_p, idx, ctypes.c_void_p, idx, ctypes.POINTER(idx))
    return proto(ctypes.cast(fn, ctypes.c_void_p).value), idx


def _sa_search(text: np.ndarray, sa: np.ndarray, pattern: bytes) -> tuple[int, int]:
    """(count, first index in `sa`) of the suffixes of `text` listed in `sa` that start with `pattern`."""
    if not len(sa):
        return 0, 0
    fn, idx = _sa_search_function(sa.dtype == np.int64)
    left = idx()
    count = fn(text.ctypes.data, len(text), pattern, len(pattern), sa.ctypes.data, len(sa), left)
    if count < 0:
        raise RuntimeError(f"libdivsufsort sa_search failed ({count})")
    return count, left.value


class TextIndex:
    """A suffix array over a few texts held in memory (the reports a `new` compares with): whether a
    string stands in any of them, by binary search — microseconds each, however many strings."""

    def __init__(self, texts: list[str]):
        from pydivsufsort import divsufsort

        data = "\n".join(texts).encode("utf-8")  # a normalized string holds no newline: none matches across
        self.text = np.frombuffer(bytearray(data), dtype=np.uint8)  # writable: divsufsort wants it so
        self.sa = divsufsort(self.text, force64=len(self.text) >= 2**31 - 1) if len(self.text) else np.zeros(0, np.int32)

    def count(self, needle: str) -> int:
        """How many times `needle` starts in the texts (overlaps counted)."""
        pattern = needle.encode("utf-8")
        return _sa_search(self.text, self.sa, pattern)[0] if pattern else 0

    def __contains__(self, needle: str) -> bool:
        pattern = needle.encode("utf-8")
        return bool(pattern) and _sa_search(self.text, self.sa, pattern)[0] > 0
