"""What text a section is: its lines — the report's title (in the first section only, where the
title is not that section's own heading, compared as normalized text), the heading, then the paragraphs.

Search, counts, snippets, highlights, verify and trend all read a section through these lines, so a
heading or a title is text like any other: searchable, countable and quotable (a quote may run from
a heading into the text under it). Line k is paragraph k - heads + 1; the head lines are paragraph 0.
"""

from __future__ import annotations

from array import array
from functools import lru_cache

from archive import normalize


def head_lines(title: str, n: int, heading: str) -> list[str]:
    """The lines a section has before its paragraphs: the title only where it reads otherwise than
    the heading once normalized — a sidecar's `…（2012年1月12日 季建业）` is the printed heading
    `…（2012年1月12日季建业）`, one line, counted once."""
    lines = [title] if n == 1 and title and title != heading and not _same_text(title, heading) else []
    if heading:
        lines.append(heading)
    return lines


@lru_cache(maxsize=8192)  # asked for every first-section hit, kwic line and quote: normalize each pair once
def _same_text(a: str, b: str | None) -> bool:
    return bool(b) and normalize(a)[0] == normalize(b)[0]


def lines_of(title: str, n: int, heading: str, paragraphs) -> list[str]:
    return head_lines(title, n, heading) + list(paragraphs)


def paragraph_of(line: int, heads: int) -> int:
    """The paragraph number of line `line` (0-based) of a section with `heads` head lines."""
    return max(0, line - heads + 1)


def normalized(lines) -> tuple[str, list[int]]:
    """A section's normalized text (lines on their own lines) and its map to the display text
    (the lines joined by \\n)."""
    parts, offsets, shift = [], [], 0
    for text in lines:
        n, o = normalize(text)
        if parts:
            offsets.append(shift - 1)  # the \n between lines maps to the display \n
        parts.append(n)
        offsets.extend(x + shift for x in o[:-1])
        shift += len(text) + 1
    offsets.append(max(shift - 1, 0))
    return "\n".join(parts), offsets


# Offset maps are stored as runs: (normalized start, display start) where the mapping is contiguous.
def pack_offsets(offsets: list[int]) -> bytes:
    runs = array("i")
    prev_n = prev_d = None
    for n, d in enumerate(offsets):
        if prev_n is None or d != prev_d + (n - prev_n):
            runs.extend((n, d))
            prev_n, prev_d = n, d
    return runs.tobytes()


class OffsetMap:
    """A packed offset map, read in place: normalized offset → display offset by binary search over
    the runs (a snippet needs a few offsets of a section, not a list as long as the section)."""

    def __init__(self, blob: bytes):
        runs = array("i")
        runs.frombytes(blob)
        self.starts = runs[0::2]
        self.displays = runs[1::2]

    def __getitem__(self, i: int) -> int:
        from bisect import bisect_right

        k = bisect_right(self.starts, i) - 1
        return self.displays[k] + (i - self.starts[k])
