"""Issue 29: readers never answer from damage. Each published file of a small home, damaged four ways
(cut in half, a 4 KiB block zeroed, 16 bytes flipped, deleted): every read command exits 3 with one
line naming what is damaged — or, where the damage cannot change its answer, exits 0 with the count
the undamaged home gives. Never a traceback, never a signal, never 0 with another count."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

TERM = "发展"  # common in the seeds: its suffix-array slice is large, its sections many

# What each read command answers, as one number from its JSON.
COMMANDS = {
    "search -e": (["search", "-e", TERM, "--limit", "1000"], lambda d: (d["total"], d["occurrences"])),
    "search": (["search", TERM, "--limit", "1000"], lambda d: (d["total"], [h["section_id"] for h in d["hits"]])),
    "kwic": (["kwic", TERM, "--all"], lambda d: (d["total"], d["reports_matched"])),
    "trend": (["trend", TERM], lambda d: [(b["key"], b["count"]) for b in d["terms"][0]["buckets"]]),
}


def _segment(home: Path) -> Path:
    return next((home / "segments").iterdir())


def _word_segment_file(home: Path, suffix: str) -> Path:
    return next((home / "words").glob(f"MAIN_*{suffix}"))


# Each published file kind: where it is in a home.
FILES = {name: (lambda n: lambda h: _segment(h) / n)(name) for name in (
    "text.u8", "sa.npy", "prefixes.npy", "starts.npy", "sids.npy",
    "loose-text.u8", "loose-sa.npy", "loose-prefixes.npy", "loose-starts.npy")}
FILES.update({
    "words .pst": lambda h: _word_segment_file(h, ".pst"),
    "words .trm": lambda h: _word_segment_file(h, ".trm"),
    "words .sids.npy": lambda h: _word_segment_file(h, ".sids.npy"),
    "words ._words_len.col": lambda h: _word_segment_file(h, "._words_len.col"),
    "words TOC": lambda h: next((h / "words").glob("_MAIN_*.toc")),
    "sections-*.npz": lambda h: next(h.glob("sections-*.npz")),
    "store.sqlite": lambda h: h / "store.sqlite",
})


def truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def zero_block(path: Path) -> None:
    """Zero the 4 KiB block in the middle (the first one, in a smaller file) — one whose bytes are
    not all zero already, so the damage changes the file."""
    data = path.read_bytes()
    blocks = [b for b in range(0, len(data), 4096) if any(data[b:b + 4096])]
    at = blocks[len(blocks) // 2]
    with open(path, "r+b") as f:
        f.seek(at)
        f.write(bytes(len(data[at:at + 4096])))


def flip_bytes(path: Path) -> None:
    """Invert 16 bytes in the middle."""
    data = bytearray(path.read_bytes())
    at = max(0, len(data) // 2 - 8)
    data[at:at + 16] = bytes(b ^ 0xFF for b in data[at:at + 16])
    path.write_bytes(bytes(data))


def delete(path: Path) -> None:
    path.unlink()


DAMAGES = {"truncate": truncate, "zero a 4 KiB block": zero_block, "flip 16 bytes": flip_bytes, "delete": delete}


def _answers(home: Path) -> dict:
    out = {}
    for name, (args, answer) in COMMANDS.items():
        r = run_cli(home, *args, "--json")
        assert "Traceback" not in r.stdout + r.stderr, (name, r.stderr)
        out[name] = (r.returncode, r.stdout, r.stderr, answer)
    return out


@pytest.fixture(scope="module")
def truth(_seeded_home):
    """The undamaged home's answers."""
    answers = _answers(_seeded_home)
    assert all(code == 0 for code, *_ in answers.values()), answers
    return {name: answer(json.loads(out)) for name, (code, out, err, answer) in answers.items()}


# Damage that cannot change an answer, and why: the section table falls back to the store when
# its file cannot be read (both hold the same rows); a damaged posting or term file of Whoosh is
# read only by the unquoted search (the others read the substring index).
HARMLESS = {
    ("sections-*.npz", d) for d in DAMAGES
}


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("kind", FILES)
def test_readers_never_answer_from_damage(_seeded_home, tmp_path, truth, kind, damage):
    home = tmp_path / "home"
    shutil.copytree(_seeded_home, home)
    target = FILES[kind](home)
    DAMAGES[damage](target)
    for name, (code, out, err, answer) in _answers(home).items():
        if code == 3:
            doc = json.loads(out)  # one JSON document: the error, naming what is damaged
            assert err == "" and ("damaged" in doc["error"] or "cannot be read" in doc["error"]
                                  or "missing" in doc["error"]), (name, doc)
            assert "rebuild" in doc["hint"] or "ingest" in doc["hint"] or "aside" in doc["hint"], (name, doc)
            continue
        assert code == 0, (kind, damage, name, code, out, err)
        assert answer(json.loads(out)) == truth[name], (kind, damage, name, "answered from damage")


def test_damage_to_the_section_table_falls_back_to_the_store(_seeded_home, tmp_path, truth):
    """A damaged section table is read from the store instead: the same answers, exit 0."""
    home = tmp_path / "home"
    shutil.copytree(_seeded_home, home)
    truncate(FILES["sections-*.npz"](home))
    for name, (code, out, err, answer) in _answers(home).items():
        assert code == 0 and answer(json.loads(out)) == truth[name], name
