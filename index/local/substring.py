"""The substring index: normalized section texts with a suffix array over their UTF-8 bytes.

A segment is a folder `segments/<name>/` holding `text.u8` (sections' normalized text, punctuation
marks kept as their classes' canonical marks, paragraphs on their own lines, one newline between
sections), `sa.npy` (the suffix array, int32, or int64 past 2 GiB), `prefixes.npy` (the first PREFIX
bytes of every SAMPLE-th suffix), `starts.npy` (each section's first byte, plus the end) and
`sids.npy` (the section ids in the store); and the same four for the text with its marks dropped
(`loose-text.u8`, `loose-sa.npy`, `loose-prefixes.npy`, `loose-starts.npy`): an exact string is
found in the first, as printed; its variants (equal once every mark is dropped) and verify's
candidate windows in the second. Files are memory-mapped at query time; counting a string is two
binary searches in C. The prefixes narrow those searches to a few hundred suffixes first: a binary
search over the whole array reads ~50 scattered pages of the suffix array and the text, which is
what a query costs when the index is not in the page cache.
A normalized query holds no newline, so no match ever crosses a paragraph or a section.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SEGMENT_BYTES = 128 * 2**20  # past this an ingest starts a new segment: bounds the build's memory (~6 bytes a byte)
SAMPLE = 128  # every SAMPLE-th suffix has its prefix kept: 16 bytes per 128 suffixes, 3 % of the array
PREFIX = 16
PROBES = 512  # a reader checks the order of at most this many suffixes of the slice it searches


LOOSE = "loose-"  # the file-name prefix of a segment's text without marks


def build_segment(folder: Path, sections: list[tuple[int, str]]) -> int:
    """Write one segment for (sid, normalized text) pairs; returns its size in bytes. The folder
    is written under a temporary name and renamed, so a segment folder is either whole or absent."""
    from archive import loose

    tmp = folder.with_name(folder.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    size = _write_text(tmp, "", [text for _, text in sections])
    _write_text(tmp, LOOSE, ["\n".join(loose(line) for line in text.split("\n")) for _, text in sections])
    np.save(tmp / "sids.npy", np.array([sid for sid, _ in sections], dtype=np.int64))
    for name in FILES + tuple(LOOSE + f for f in TEXT_FILES):
        fd = os.open(tmp / name, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    os.replace(tmp, folder)
    return size


TEXT_FILES = ("text.u8", "sa.npy", "prefixes.npy", "starts.npy")
FILES = TEXT_FILES + ("sids.npy",)


def _write_text(folder: Path, prefix: str, texts: list[str]) -> int:
    """One text of a segment and its suffix array. Written a section at a time and read back once:
    the text is in memory once, beside its suffix array (4 bytes a byte while it is built)."""
    from pydivsufsort import divsufsort

    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    with open(folder / f"{prefix}text.u8", "wb") as f:
        for i, text in enumerate(texts):
            chunk = text.encode("utf-8") + b"\n"
            f.write(chunk)
            starts[i + 1] = starts[i] + len(chunk)
    arr = np.fromfile(folder / f"{prefix}text.u8", dtype=np.uint8)
    sa = divsufsort(arr, force64=len(arr) >= 2**31 - 1) if len(arr) else np.zeros(0, dtype=np.int32)
    np.save(folder / f"{prefix}sa.npy", sa)
    np.save(folder / f"{prefix}prefixes.npy", sampled_prefixes(arr, sa))
    np.save(folder / f"{prefix}starts.npy", starts)
    return len(arr)


def _heads(text: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The first PREFIX bytes of the suffixes at `starts`, zero-padded, as sampled_prefixes has them:
    one gather of a few thousand bytes (for the few hundred suffixes a reader checks)."""
    at = starts[:, None] + np.arange(PREFIX)
    inside = at < len(text)
    grid = np.where(inside, text[np.where(inside, at, 0)], 0).astype(np.uint8)
    return np.ascontiguousarray(grid).view(f"S{PREFIX}").ravel()


def sampled_prefixes(text: np.ndarray, sa: np.ndarray) -> np.ndarray:
    """The first PREFIX bytes of suffixes SA[0], SA[SAMPLE], SA[2·SAMPLE] …, zero-padded past the
    end of the text (which holds no zero byte), as fixed-width byte strings: they sort as the
    suffixes do. Gathered a column at a time (a PREFIX-wide index matrix would take 8× the text)."""
    starts = np.asarray(sa[::SAMPLE], dtype=np.int64)
    grid = np.zeros((len(starts), PREFIX), dtype=np.uint8)
    for k in range(PREFIX):
        inside = starts + k < len(text)
        grid[inside, k] = text[starts[inside] + k]
    return grid.view(f"S{PREFIX}").ravel()


from ..suffixarray import _sa_search  # noqa: E402 (libdivsufsort's search, shared with `new`)


@dataclass
class Segment:
    name: str
    text: np.ndarray  # uint8, memory-mapped
    sa: np.ndarray
    starts: np.ndarray
    sids: np.ndarray
    prefixes: np.ndarray | None  # absent in segments written before they existed


    loose: "Segment | None" = None  # the same sections with their marks dropped
    prefix: str = ""  # "" or LOOSE: the names of its files
    folder: Path | None = None
    _fd: int | None = None  # text.u8 opened for pread (section_text)
    _checked: set = field(default_factory=set)  # suffix-array slices already checked (`checked`)

    @classmethod
    def open(cls, folder: Path, prefix: str = "", recorded: dict | None = None) -> "Segment":
        """Open a segment's files; with `recorded` (path → (bytes, digest) as published, from the
        store), first check that each is there with its published size. Either way the cheap
        structure checks run (`structure_problems`); a damaged file raises HomeError."""
        from . import filecheck

        if recorded is not None:
            names = [prefix + f for f in TEXT_FILES] + ([] if prefix else ["sids.npy"])
            filecheck.check_opened(folder.parent.parent, recorded, [f"segments/{folder.name}/{f}" for f in names])
        size = (folder / f"{prefix}text.u8").stat().st_size
        text = np.memmap(folder / f"{prefix}text.u8", dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8)
        prefixes = folder / f"{prefix}prefixes.npy"
        seg = cls(
            name=folder.name,
            text=_random_access(text),
            sa=_random_access(np.load(folder / f"{prefix}sa.npy", mmap_mode="r")),
            starts=np.load(folder / f"{prefix}starts.npy"),
            sids=np.load(folder / "sids.npy"),
            prefixes=_random_access(np.load(prefixes, mmap_mode="r")) if prefixes.exists() else None,
        )
        seg.prefix, seg.folder = prefix, folder
        if problems := seg.structure_problems():
            raise filecheck.damaged(f"segments/{folder.name}/{problems[0][0]}", problems[0][1])
        if not prefix:
            seg.loose = cls.open(folder, LOOSE, recorded)
        return seg

    def positions(self, pattern: bytes) -> np.ndarray:
        """Byte offsets of every occurrence of `pattern` (unsorted)."""
        if not pattern or len(self.text) == 0:
            return np.zeros(0, dtype=np.int64)
        lo, hi = self.window(pattern)
        count, left = _sa_search(self.text, self.checked(lo, hi), pattern)
        if not count:
            return np.zeros(0, dtype=np.int64)
        return np.array(self.sa[lo + left:lo + left + count])  # int32 or int64 as stored: int32 sorts faster

    def window(self, pattern: bytes) -> tuple[int, int]:
        """A range of the suffix array that holds every suffix starting with `pattern`. Sample k
        is suffix SA[k·SAMPLE]; a sample whose prefix sorts below the pattern's lies before every
        match, one above the pattern's prefix padded with 0xff after every match."""
        n = len(self.sa)
        if self.prefixes is None or not len(self.prefixes):
            return 0, n
        head = pattern[:PREFIX]
        first = int(np.searchsorted(self.prefixes, head, side="left"))
        last = int(np.searchsorted(self.prefixes, head.ljust(PREFIX, b"\xff"), side="right"))
        return max(0, (first - 1) * SAMPLE), min(n, last * SAMPLE)

    def structure_problems(self) -> list[tuple[str, str]]:
        """What a reader checks when it opens a segment — nothing that reads more than the small files
        it loads whole: the arrays' lengths agree with the text's, the section starts divide the text,
        the section ids ascend. A cut, zeroed or flipped `starts.npy`/`sids.npy` fails here (its values
        stop ascending); the suffix array's values are checked where they are read (`checked`).
        (file name, what is wrong) each."""
        import numpy as np

        n, out, p = len(self.text), [], self.prefix
        if len(self.sa) != n:
            out.append((f"{p}sa.npy", f"it has {len(self.sa):,} suffixes for {n:,} bytes of {p}text.u8"))
        if self.prefixes is not None and len(self.prefixes) != -(-len(self.sa) // SAMPLE):
            out.append((f"{p}prefixes.npy", f"it has {len(self.prefixes):,} samples for {len(self.sa):,} suffixes"))
        if n and self.text[n - 1] != 0x0A:
            out.append((f"{p}text.u8", "it does not end with a newline"))
        starts = self.starts
        if starts.ndim != 1 or (len(starts) and (starts[0] != 0 or starts[-1] != n)) or np.any(np.diff(starts) <= 0):
            out.append((f"{p}starts.npy", f"its section starts do not divide the {n:,} bytes of {p}text.u8"))
        sids = self.sids
        if sids.ndim != 1 or np.any(np.diff(sids) <= 0) or (len(sids) and sids[0] < 0):
            out.append(("sids.npy", "its section ids are not in ascending order"))
        elif starts.ndim == 1 and len(starts) != len(sids) + 1:
            out.append((f"{p}starts.npy", f"it has {len(starts) - 1:,} sections, sids.npy {len(sids):,}"))
        return out

    def checked(self, lo: int, hi: int) -> np.ndarray:
        """The suffix array's slice [lo, hi), checked before the C search reads the text at its values
        (a damaged value out of range would read outside the mapping: SIGSEGV): every value is inside
        the text, and the suffixes it lists — all of them in a small slice, PROBES of them spread over
        a large one — sort in order, and agree with the sampled prefixes. Cost: one pass over the slice
        (which `positions` copies anyway) and a few hundred bytes of text."""
        from .filecheck import damaged

        sa, n = self.sa[lo:hi], len(self.text)
        if not len(sa) or (lo, hi) in self._checked:
            return sa
        if int(sa.min()) < 0 or int(sa.max()) >= n:
            raise damaged(self._path("sa.npy"), "a suffix points outside the text")
        rows = np.arange(lo, hi) if hi - lo <= PROBES else np.unique(np.concatenate((
            np.linspace(lo, hi - 1, PROBES).astype(np.int64),
            np.arange(-(-lo // SAMPLE) * SAMPLE, hi, SAMPLE)[:PROBES])))
        heads = _heads(self.text, np.asarray(self.sa[rows], dtype=np.int64))
        if np.any(heads[1:] < heads[:-1]):
            raise damaged(self._path("sa.npy"), f"its suffixes are out of order against {self._path('text.u8')}")
        if self.prefixes is not None:
            sampled = rows % SAMPLE == 0
            if np.any(heads[sampled] != np.asarray(self.prefixes[rows[sampled] // SAMPLE])):
                raise damaged(self._path("prefixes.npy"), f"it disagrees with {self._path('sa.npy')} and the text")
        self._checked.add((lo, hi))
        return sa

    def __del__(self):
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)

    def _path(self, file: str) -> str:
        return f"segments/{self.name}/{self.prefix}{file}"

    def sections_of(self, positions: np.ndarray, width: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(section ids, occurrence counts) for byte positions, in section order. With `width` (a
        pattern that can overlap itself, `00` in `000`), occurrences are counted as `str.count`
        counts them: left to right, none overlapping the one before. Sorted first: the searches
        then walk the section starts in order (several times faster), and the sections come out
        in runs."""
        if len(positions) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        positions = np.sort(positions)
        if width:
            positions = _non_overlapping(positions, width)
        idx = np.searchsorted(self.starts, positions, side="right") - 1
        first = np.flatnonzero(np.concatenate(([True], idx[1:] != idx[:-1])))
        counts = np.diff(np.append(first, len(idx)))
        return self.sids[idx[first]], counts

    def fillers(self, left: bytes, right: bytes, limit: int = 2_000_000) -> set[str]:
        """The characters X such that left + X + right stands in the text (X one character of
        1–3 UTF-8 bytes; one of `left`, `right` may be empty). Found from the positions of the
        longer side, at most `limit` of them (a one-character anchor in a huge archive)."""
        anchor_left = len(left) >= len(right)
        pos = self.positions(left if anchor_left else right)
        if not len(pos) or len(pos) > limit:
            return set()
        pos = pos.astype(np.int64)
        text, n, found = self.text, len(self.text), set()
        for width in (3, 1, 2):  # an ideograph, an ASCII letter or digit, a 2-byte letter
            start = pos + len(left) if anchor_left else pos - width  # where X starts
            other = right if anchor_left else left
            other_at = start + width if anchor_left else start - len(other)
            ok = (start >= 0) & (other_at >= 0) & (other_at + len(other) <= n) & (start + width <= n)
            s_ok, o_ok = start[ok], other_at[ok]
            if not len(s_ok):
                continue
            lead = text[s_ok]
            ok2 = (lead >= 0xE0) & (lead < 0xF0) if width == 3 else (lead < 0x80) if width == 1 else (lead >= 0xC0) & (lead < 0xE0)
            for k, b in enumerate(other):
                ok2 &= text[o_ok + k] == b
            for at in np.unique(s_ok[ok2]).tolist()[:10_000]:
                ch = bytes(text[at:at + width]).decode("utf-8", "replace")
                if ch.isprintable() and ch != "\n" and "\ufffd" not in ch:
                    found.add(ch)
        return found

    def section_text(self, i: int) -> str:
        """Read with pread, not through the memory map: a long answer reads every section it shows, and
        the pages of a map it touched would stay counted in this process's memory (`search 发展 --all`
        reads 47,000); pread has no file position either, so a forked child may share the descriptor."""
        start, end = int(self.starts[i]), int(self.starts[i + 1]) - 1
        try:
            if self.folder is None:
                data = bytes(self.text[start:end])
            else:
                if self._fd is None:
                    self._fd = os.open(self.folder / f"{self.prefix}text.u8", os.O_RDONLY | os.O_CLOEXEC)
                data = os.pread(self._fd, end - start, start)
            if len(data) != end - start:
                raise UnicodeDecodeError("utf-8", data, 0, 0, "cut short")
            return data.decode("utf-8")
        except UnicodeDecodeError:  # the index wrote UTF-8: bytes changed since
            from .filecheck import damaged

            raise damaged(self._path("text.u8"), f"section {int(self.sids[i])} is not UTF-8") from None


def _random_access(array: np.ndarray) -> np.ndarray:
    """Tell the kernel a memory-mapped file is read at random: a binary search touches a page here
    and there, and the default read-ahead around each fault reads 30× the bytes (measured: a
    quoted search over 12 uncached segments took 48 ms, 21 ms with this)."""
    import mmap

    handle = getattr(array, "_mmap", None)
    if handle is not None and hasattr(mmap, "MADV_RANDOM"):
        with contextlib.suppress(OSError, ValueError):
            handle.madvise(mmap.MADV_RANDOM)
    return array


class SubstringIndex:
    """The published segments of a home, opened lazily."""

    def __init__(self, root: Path, names: list[str], recorded: dict | None = None):
        self.root = root
        self.names = names
        self.recorded = recorded  # the files' published sizes (store.recorded_files), checked at open
        self._segments: list[Segment] | None = None

    @property
    def segments(self) -> list[Segment]:
        if self._segments is None:
            self._segments = [self._open(n) for n in self.names]
        return self._segments

    def _open(self, name: str) -> Segment:
        from ..errors import HomeError

        try:
            return Segment.open(self.root / name, recorded=self.recorded)
        except (OSError, ValueError) as e:  # missing or cut files: numpy says ValueError
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            raise HomeError(f"the substring index segment {name} is damaged or missing ({reason})",
                            "Run `baogao check` to see the damage, then `baogao rebuild` to re-create the indexes "
                            "from the store.") from None

    def find(self, needle: str, loose: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(section ids, occurrences) of the normalized string `needle`, sorted by section id:
        as printed, or with `loose` in the text with its marks dropped (`needle` then has none).
        Occurrences never overlap (as `grep -o` and `str.count` count them)."""
        pattern = needle.encode("utf-8")
        width = len(pattern) if overlaps_itself(pattern) else 0
        segments = [seg.loose for seg in self.segments] if loose else self.segments
        parts = [seg.sections_of(seg.positions(pattern), width) for seg in segments]
        parts = [p for p in parts if len(p[0])]
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        sids = np.concatenate([p[0] for p in parts])
        counts = np.concatenate([p[1] for p in parts])
        if len(parts) > 1 and not np.all(sids[1:] > sids[:-1]):  # segments usually hold ascending ids
            order = np.argsort(sids, kind="stable")
            sids, counts = sids[order], counts[order]
        return sids, counts

    def total(self, needle: str, loose: bool = False) -> int:
        """How many times `needle` starts in the text (overlaps counted): two binary searches a
        segment, no positions read."""
        pattern = needle.encode("utf-8")
        if not pattern:
            return 0
        out = 0
        for seg in self.segments:
            seg = seg.loose if loose else seg
            if len(seg.text):
                lo, hi = seg.window(pattern)
                out += _sa_search(seg.text, seg.checked(lo, hi), pattern)[0]
        return out

    def matching(self, regex, pieces: list[str], reach: int) -> tuple[np.ndarray, np.ndarray]:
        """(section ids, matches) of a compiled pattern over the normalized text (index.engine.patterns),
        sorted by section id. Every match holds each of `pieces` and spans at most `reach` characters,
        so it lies within `reach` characters of each occurrence of the rarest piece: those windows
        (the overlapping ones merged, so that a scan from a window's start sees what a scan of the
        whole line sees there), less those another piece is absent from, are all the regex reads."""
        pieces = sorted({p for p in pieces if p}, key=lambda p: (self.total(p), -len(p)))
        if not pieces:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        found: dict[int, int] = {}
        for seg in self.segments:
            for sid, n in _matching(seg, regex, [p.encode("utf-8") for p in pieces], reach).items():
                found[sid] = found.get(sid, 0) + n
        sids = np.array(sorted(found), np.int64)
        return sids, np.array([found[s] for s in sids.tolist()], np.int64)

    def holding(self, needle: str, at_most: int):
        """The sections holding `needle` with their marks dropped (verify's windows: a quote is
        checked with punctuation ignored), sorted, or None when more than `at_most` do."""
        sids = self.find(needle, loose=True)[0]
        return sids if len(sids) <= at_most else None

    def fillers(self, left: str, right: str) -> set[str]:
        """The characters X such that left + X + right stands in the archive (see Segment.fillers)."""
        out: set[str] = set()
        for seg in self.segments:
            out |= seg.fillers(left.encode("utf-8"), right.encode("utf-8"))
        return out


PRUNE_AT = 3_000_000  # a piece standing more often than this is not worth its positions to prune windows


def _matching(seg: Segment, regex, pieces: list[bytes], reach: int) -> dict[int, int]:
    """SubstringIndex.matching in one segment: section id → matches."""
    if not len(seg.text):
        return {}
    anchor = np.sort(seg.positions(pieces[0]).astype(np.int64))
    if not len(anchor):
        return {}
    span = 4 * reach  # bytes: a character is at most four
    lo = np.maximum(anchor - span, 0)
    hi = np.minimum(anchor + span, len(seg.text))
    for piece in pieces[1:]:  # a window must hold every other piece too
        lo_pos, hi_pos = seg.window(piece)
        if hi_pos - lo_pos > PRUNE_AT * 4:
            continue
        at = seg.positions(piece)
        if len(at) > PRUNE_AT:
            continue
        at = np.sort(at.astype(np.int64))
        first = np.searchsorted(at, lo)
        ok = (first < len(at)) & (at[np.minimum(first, len(at) - 1)] + len(piece) <= hi)
        lo, hi = lo[ok], hi[ok]
        if not len(lo):
            return {}
    # merge overlapping windows (lo ascends with the anchor)
    reach_so_far = np.maximum.accumulate(hi)
    new = np.concatenate(([True], lo[1:] > reach_so_far[:-1]))
    starts_at = np.flatnonzero(new)
    c_lo = lo[starts_at]
    c_hi = np.maximum.reduceat(hi, starts_at)
    text, starts, out = seg.text, seg.starts, {}
    for a, b in zip(c_lo.tolist(), c_hi.tolist()):
        while a < b and 0x80 <= text[a] < 0xC0:  # start on a character
            a += 1
        while b < len(text) and 0x80 <= text[b] < 0xC0:
            b += 1
        chunk = bytes(text[a:b])
        found = [m.start() for m in regex.finditer(chunk.decode("utf-8", "replace"))]
        if not found:
            continue
        if b"\n" not in chunk:
            sid = int(seg.sids[np.searchsorted(starts, a, side="right") - 1])
            out[sid] = out.get(sid, 0) + len(found)
            continue
        decoded = chunk.decode("utf-8", "replace")
        for at in found:
            byte = a + len(decoded[:at].encode("utf-8"))
            sid = int(seg.sids[np.searchsorted(starts, byte, side="right") - 1])
            out[sid] = out.get(sid, 0) + 1
    return out


def overlaps_itself(pattern: bytes) -> bool:
    """Whether two occurrences of `pattern` can overlap: a proper prefix is also a suffix (`00`,
    `哈哈`, `abab`). The prefix function's last value is the longest such border."""
    border, k = [0] * len(pattern), 0
    for i in range(1, len(pattern)):
        while k and pattern[i] != pattern[k]:
            k = border[k - 1]
        if pattern[i] == pattern[k]:
            k += 1
        border[i] = k
    return bool(pattern) and border[-1] > 0


def _non_overlapping(positions: np.ndarray, width: int) -> np.ndarray:
    """The sorted positions a left-to-right scan keeps: each at least `width` after the last kept.
    (A match never crosses a newline, so one never reaches into the next section either.)"""
    gaps = np.diff(positions)
    if not len(gaps) or gaps.min() >= width:
        return positions
    kept, reach = [], -1
    for p in positions.tolist():
        if p >= reach:
            kept.append(p)
            reach = p + width
    return np.array(kept, dtype=positions.dtype)
