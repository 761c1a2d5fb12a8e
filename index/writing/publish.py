"""The one transaction that makes a write visible, and what goes into it.

The store is the single commit point. A writer writes new substring segments and commits a new
Whoosh generation beside the published ones, then publishes both — with the section table and the
checksums that match them — in ONE sqlite transaction. A crash before that commit leaves only
unlisted files, which the next writer's reconciliation discards.
"""

from __future__ import annotations

import os
import time

from ..local import integrity, sectiontable, store
from ..local.home import Home
from ..local.store import transaction  # noqa: F401 — the writers' one commit, re-exported for them
from ..local.substring import SEGMENT_BYTES, build_segment

# Fault injection: a test installs a hook here in the writer process it starts (tests/faults.py);
# each commit step calls `step_done`, which does nothing otherwise.
fault_hook = None


def step_done(step: str) -> None:
    """A commit step is done: `segments` written, `whoosh` committed, `publish` about to commit,
    `reindex` (a new word-index generation committed)."""
    if fault_hook is not None:
        fault_hook(step)


def publish_state(home: Home, con, generation: int) -> None:
    """Inside the publishing transaction: the Whoosh generation and the section table that match it."""
    store.set_meta(con, "whoosh_generation", generation)
    store.drop_empty_segments(con)
    write_section_table(home, con)
    integrity.record(home, con)
    step_done("publish")


def write_section_table(home: Home, con) -> None:
    """Inside the publishing transaction: save the section table the transaction is about to make
    current, under a new name the same transaction records (a crash leaves only an unlisted file)."""
    import numpy as np

    name = f"{time.time_ns()}"
    np.savez(home.path / f"sections-{name}.npz", **sectiontable.read(con).columns())
    store.set_meta(con, "section_table", name)


class SubstringSegmentWriter:
    """Collects sections' normalized texts and writes substring segments of about SEGMENT_BYTES as
    they fill, while the workers go on (the suffix array is built in C, off the GIL)."""

    def __init__(self, home: Home, con=None):
        self.home = home
        self.con = con  # when given, each section's row is filed under its segment as it is written
        self.batch: list[tuple[int, str]] = []
        self.size = 0
        self.segments: list[tuple[str, int, int]] = []  # (name, sections, bytes)
        self.segment_of: dict[int, str] = {}

    def add(self, sids, texts) -> None:
        for sid, text in zip(sids, texts):
            self.batch.append((sid, text))
            self.size += len(text.encode("utf-8")) + 1
        if self.size >= SEGMENT_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        self.batch.sort()  # segments hold their sections in sid order
        self.home.segments_path.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}"
        build_segment(self.home.segments_path / name, self.batch)
        self.segments.append((name, len(self.batch), self.size))
        if self.con is not None:
            store.file_sections(self.con, [(name, sid) for sid, _ in self.batch])
        else:
            self.segment_of.update((sid, name) for sid, _ in self.batch)
        self.batch, self.size = [], 0
