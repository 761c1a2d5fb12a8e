"""Ingest never loses a report: a re-read that fails keeps the earlier version; a file that is text
but for a few bytes goes in with those bytes replaced (the summary says how many); file names that
are not UTF-8 or hold control characters are one line each (issue 29). Each case through the CLI:
exit code, the summary line, `list` / `search -e`, and `check`."""

import json
import shutil

import pytest

from tests.conftest import SEED, SEEDS, run_cli

REPORT = SEED["001"]
# A phrase only the report 001 holds, and how often: read from the file itself, not from the archive.
PHRASE = "通化市委八届五次全会"
SOURCE = (SEEDS / f"{REPORT}.txt").read_text(encoding="utf-8")


def _ingested(tmp_path):
    """A home that ingested two seeds from a folder of its own; the folder and the home."""
    folder = tmp_path / "in"
    folder.mkdir()
    for k in ("001", "002"):
        shutil.copy(SEEDS / f"{SEED[k]}.txt", folder)
    home = tmp_path / "home"
    assert run_cli(home, "ingest", folder).returncode == 0
    return folder, home


def _occurrences(home, phrase):
    doc = json.loads(run_cli(home, "search", "-e", phrase, "--json").stdout)
    return {h["report"] for h in doc["hits"]}, doc["occurrences"]


DAMAGES = {
    "emptied": (lambda f: f.write_bytes(b""), "the file is empty"),
    "binary": (lambda f: f.write_bytes(bytes(range(256)) * 40), "not a text file"),
    "a 300,000-character line": (lambda f: f.write_text("长" * 300_000 + "\n", encoding="utf-8"), "a line of 300,000"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_failed_re_read_keeps_the_earlier_version(tmp_path, damage):
    folder, home = _ingested(tmp_path)
    before_list = json.loads(run_cli(home, "list", "--json").stdout)
    assert PHRASE in SOURCE
    before = _occurrences(home, PHRASE)
    assert before == ({REPORT}, SOURCE.count(PHRASE))
    spoil, reason = DAMAGES[damage]
    spoil(folder / f"{REPORT}.txt")

    r = run_cli(home, "ingest", folder)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    failed = [ln for ln in r.stdout.splitlines() if ln.strip().startswith("✘")]
    assert len(failed) == 1
    assert f"{REPORT}.txt: kept the earlier version: {reason}" in failed[0]
    assert r.stdout.splitlines()[0] == "added 0 · updated 0 · unchanged 1 · removed 0 · failed 1"

    assert json.loads(run_cli(home, "list", "--json").stdout) == before_list  # unchanged, nothing half-removed
    assert _occurrences(home, PHRASE) == before
    check = run_cli(home, "check")
    assert check.returncode == 0, check.stdout + check.stderr

    doc = json.loads(run_cli(home, "ingest", folder, "--json").stdout)  # again: the same, said the same way
    assert doc["failed"] == [{"path": str(folder / f"{REPORT}.txt"), "kept": REPORT,
                              "error": failed[0].split(": ", 1)[1]}]
    assert doc["updated"] == [] and doc["added"] == []


def test_a_re_read_that_succeeds_still_replaces_and_a_new_bad_file_keeps_nothing(tmp_path):
    folder, home = _ingested(tmp_path)
    (folder / f"{REPORT}.txt").write_text("新标题\n\n全新的正文。\n", encoding="utf-8")
    (folder / "new.txt").write_bytes(b"")
    doc = json.loads(run_cli(home, "ingest", folder, "--json").stdout)
    assert doc["updated"] == [REPORT]
    assert doc["failed"] == [{"path": str(folder / "new.txt"), "error": "the file is empty", "kept": None}]
    assert _occurrences(home, PHRASE) == (set(), 0) and _occurrences(home, "全新的正文")[1] == 1
    assert run_cli(home, "check").returncode == 0
