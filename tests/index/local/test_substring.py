"""The substring index: the sampled prefixes narrow a search without losing or adding a match."""

import random
from dataclasses import replace

import numpy as np
import pytest

from index.local.substring import PREFIX, SAMPLE, Segment, build_segment
from tests.conftest import SEED, SEEDS


def test_prefix_window_finds_exactly_what_the_whole_array_finds(tmp_path):
    from archive import normalize_text, parse_file

    sections = []
    for k, name in enumerate(SEED.values()):
        report = parse_file(SEEDS / f"{name}.txt")
        for i, section in enumerate(report.sections):
            sections.append((k * 1000 + i, normalize_text("\n".join(p.text for p in section.paragraphs))))
    build_segment(tmp_path / "seg", sections)
    seg = Segment.open(tmp_path / "seg")
    whole = replace(seg, prefixes=None)
    assert seg.prefixes is not None and len(seg.prefixes) == -(-len(seg.sa) // SAMPLE)
    text = bytes(seg.text).decode("utf-8")
    rng = random.Random(5)
    patterns = [text[i:i + rng.randint(1, 3 * PREFIX)] for i in (rng.randrange(len(text) - 60) for _ in range(400))]
    patterns += [text[-k:] for k in range(1, 12)]  # suffixes shorter than a prefix, at the very end
    patterns += ["一主六双", "九解一协调", "的", "，", "6.5%", "不在文中的一句话", "\n"]
    found = 0
    for p in patterns:
        b = p.encode("utf-8")
        lo, hi = seg.window(b)
        assert hi - lo < len(seg.sa) or len(b) < 2, p  # the window narrows the search
        ours, theirs = np.sort(seg.positions(b)), np.sort(whole.positions(b))
        assert np.array_equal(ours, theirs), p
        found += len(ours) > 0
    assert found > 400


def test_a_reader_that_read_merged_segment_names_reads_them_again(seeded_home, monkeypatch):
    """A writer merging segments deletes the old folders just after its commit: a reader that read the
    old names a moment before finds one gone, and must read the names again — not fail. A name the
    store still lists and the disk lacks is damage."""
    from index import HomeError, Home, search
    from index.local import store

    real = store.segment_names
    calls = []

    def stale_then_real(con):
        calls.append(1)
        return ["merged-away"] if len(calls) == 1 else real(con)

    monkeypatch.setattr(store, "segment_names", stale_then_real)
    h = Home(seeded_home.path)
    assert search(h, "九解一协调", exact=True).total == 2 and len(calls) == 2
    h.close()
    monkeypatch.setattr(store, "segment_names", lambda con: ["merged-away"])
    h = Home(seeded_home.path)
    with pytest.raises(HomeError, match="merged-away"):
        search(h, "九解一协调", exact=True)
    h.close()
