"""The substring index: normalized section texts with a suffix array over their UTF-8 bytes.

A segment is a folder `segments/<name>/` holding `text.u8` (sections' normalized text, paragraphs on
their own lines, one newline between sections), `sa.npy` (the suffix array, int32, or int64 past 2 GiB),
`starts.npy` (each section's first byte, plus the end) and `sids.npy` (the section ids in the store).
Files are memory-mapped at query time; counting a string is two binary searches in C.
A normalized query holds no newline, so no match ever crosses a paragraph or a section.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEGMENT_BYTES = 48 * 2**20  # past this an ingest starts a new segment: bounds the build's memory


def build_segment(folder: Path, sections: list[tuple[int, str]]) -> int:
    """Write one segment for (sid, normalized text) pairs; returns its size in bytes. The folder
    is written under a temporary name and renamed, so a segment folder is either whole or absent."""
    from pydivsufsort import divsufsort

    tmp = folder.with_name(folder.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    chunks = [text.encode("utf-8") + b"\n" for _, text in sections]
    starts = np.zeros(len(chunks) + 1, dtype=np.int64)
    np.cumsum([len(c) for c in chunks], out=starts[1:])
    data = b"".join(chunks)
    with open(tmp / "text.u8", "wb") as f:
        f.write(data)
    arr = np.frombuffer(data, dtype=np.uint8).copy() if data else np.zeros(0, dtype=np.uint8)
    sa = divsufsort(arr, force64=len(data) >= 2**31 - 1) if len(data) else np.zeros(0, dtype=np.int32)
    np.save(tmp / "sa.npy", sa)
    np.save(tmp / "starts.npy", starts)
    np.save(tmp / "sids.npy", np.array([sid for sid, _ in sections], dtype=np.int64))
    for name in ("text.u8", "sa.npy", "starts.npy", "sids.npy"):
        fd = os.open(tmp / name, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    os.replace(tmp, folder)
    return len(data)


@dataclass
class Segment:
    name: str
    text: np.ndarray  # uint8, memory-mapped (copy-on-write: pydivsufsort wants a writable buffer)
    sa: np.ndarray
    starts: np.ndarray
    sids: np.ndarray

    @classmethod
    def open(cls, folder: Path) -> "Segment":
        size = (folder / "text.u8").stat().st_size
        text = np.memmap(folder / "text.u8", dtype=np.uint8, mode="c") if size else np.zeros(0, np.uint8)
        return cls(
            name=folder.name,
            text=text,
            sa=np.load(folder / "sa.npy", mmap_mode="c"),
            starts=np.load(folder / "starts.npy"),
            sids=np.load(folder / "sids.npy"),
        )

    def positions(self, pattern: bytes) -> np.ndarray:
        """Byte offsets of every occurrence of `pattern` (unsorted)."""
        if not pattern or len(self.text) == 0:
            return np.zeros(0, dtype=np.int64)
        from pydivsufsort import sa_search

        count, left = sa_search(self.text, self.sa, pattern)
        if not count:
            return np.zeros(0, dtype=np.int64)
        return np.array(self.sa[left:left + count])  # int32 or int64 as stored: int32 sorts faster

    def sections_of(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(section ids, occurrence counts) for byte positions, in section order. Sorting the
        positions and searching the section starts among them is several times faster than
        searching each position among the starts (cache-friendly, no unique pass)."""
        if len(positions) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        counts = np.diff(np.searchsorted(np.sort(positions), self.starts))
        held = np.flatnonzero(counts)
        return self.sids[held], counts[held]

    def section_text(self, i: int) -> str:
        return bytes(self.text[self.starts[i]:self.starts[i + 1] - 1]).decode("utf-8")


class SubstringIndex:
    """The published segments of a home, opened lazily."""

    def __init__(self, root: Path, names: list[str]):
        self.root = root
        self.names = names
        self._segments: list[Segment] | None = None

    @property
    def segments(self) -> list[Segment]:
        if self._segments is None:
            self._segments = [Segment.open(self.root / n) for n in self.names]
        return self._segments

    def find_arrays(self, needle: str) -> tuple[np.ndarray, np.ndarray]:
        """(section ids, occurrences) of the normalized string `needle`, sorted by section id."""
        pattern = needle.encode("utf-8")
        parts = [seg.sections_of(seg.positions(pattern)) for seg in self.segments]
        parts = [p for p in parts if len(p[0])]
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        sids = np.concatenate([p[0] for p in parts])
        counts = np.concatenate([p[1] for p in parts])
        order = np.argsort(sids, kind="stable")
        return sids[order], counts[order]

    def find(self, needle: str) -> dict[int, int]:
        """section id → occurrences of the normalized string `needle`."""
        sids, counts = self.find_arrays(needle)
        return dict(zip(sids.tolist(), counts.tolist()))
