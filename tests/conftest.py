import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every `baogao` a test starts answers in-process unless the test turns the resident engine on
# (tests/cli/test_engine.py): no engine outlives the suite, none answers another test's home.
os.environ["BAOGAO_ENGINE"] = "off"
SEEDS = ROOT / "seeds"
CORPUS = Path(os.environ.get("BAOGAO_CORPUS", ROOT.parent / "shared" / "corpus"))

SEED = {
    "000": "000_65f493a2ef3dc65c",
    "001": "001_753262a5c116b1c6",
    "002": "002_f811594c3753c641",
    "003": "003_763ce5491d68dd27",
    "004": "004_4d8817e16d129468",
}


@pytest.fixture(scope="session")
def seed_reports():
    from archive import parse_file

    return {k: parse_file(SEEDS / f"{v}.txt") for k, v in SEED.items()}


@pytest.fixture(scope="session")
def _seeded_home(tmp_path_factory):
    from index import Home, ingest

    path = tmp_path_factory.mktemp("seeded")
    home = Home(path)
    ingest(home, [SEEDS])
    home.close()
    return path


@pytest.fixture(scope="session")
def seeds(_seeded_home):
    """The seeds' home and the oracle over it (tests/oracle.py), shared by the differential tests."""
    from index import Home
    from tests.oracle import Oracle

    home = Home(_seeded_home)
    yield home, Oracle(home)
    home.close()


@pytest.fixture(scope="session")
def corpus(corpus_home):
    """The corpus sample's home and the oracle over it (built once: it reads every line)."""
    from tests.oracle import Oracle

    return corpus_home, Oracle(corpus_home)


@pytest.fixture()
def seeded_home(_seeded_home, tmp_path):
    """A private copy of a home holding the five seeds (ingested once per session)."""
    from index import Home

    dest = tmp_path / "home"
    shutil.copytree(_seeded_home, dest)
    home = Home(dest)
    yield home
    home.close()


@pytest.fixture(scope="session")
def shared_home(_seeded_home):
    """The seeded home, read-only: for tests that only search."""
    from index import Home

    home = Home(_seeded_home)
    yield home
    home.close()


def needs_corpus():
    """Marks a test `corpus` (out of the inner loop) and skips it where the shared corpus is absent."""
    def mark(fn):
        return pytest.mark.corpus(pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no shared corpus at {CORPUS}")(fn))
    return mark


def corpus_sample() -> list[Path]:
    """Every national report in its three transcriptions (duplicates to fold), the wikisource party
    congress reports and NPC resolutions, the 2025 and 2026 provincial reports, Hailar, and 60 city and
    provincial reports drawn with a fixed seed — each beside its folder's MANIFEST.tsv."""
    files = sorted((CORPUS / "lawtext-gov").glob("国务院_*.txt")) + sorted((CORPUS / "ropensci-national").glob("*.txt"))
    files += sorted((CORPUS / "wikisource-national").glob("*.txt"))
    files += sorted((CORPUS / "provincial-2026").glob("*.txt")) + sorted((CORPUS / "provincial-2025").glob("*.txt"))
    files += sorted((CORPUS / "hailar-district").glob("*.txt"))
    local = sorted(p for p in (CORPUS / "lawtext-gov").glob("*.txt") if p.name.startswith(("省级_", "地市_", "主要城市_")))
    return files + random.Random(12).sample(local, 60)


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory):
    """A home of `corpus_sample()` (about 400 reports), ingested once per session."""
    from index import Home, ingest

    if not CORPUS.is_dir():
        pytest.skip(f"no shared corpus at {CORPUS}")
    home = Home(tmp_path_factory.mktemp("corpus"))
    result = ingest(home, corpus_sample())
    assert not result.failed, result.failed
    yield home
    home.close()


ENGINE = {"socket": None}  # set by tests/cli/conftest.py: run_cli's read commands go through this engine


def run_cli(home, *args, input: str | None = None) -> subprocess.CompletedProcess:
    """`baogao --home HOME ARGS…` in this process (the real entry point, `cli.main.main`, with its
    error translation; stdout and stderr captured): what a subprocess would print, in milliseconds.
    For what needs a real process — kills, pipes, terminals, concurrency — start one.

    When the CLI tests run through the resident engine (tests/cli/conftest.py, issue 40), a read
    command goes to the engine instead — the thin client in a process of its own, as a user's shell
    would run it — and the test asserts the same output of it; writers answer here as they would there."""
    from cli.resident.client import READS

    command = next((str(a) for a in args if not str(a).startswith("-")), None)
    if ENGINE["socket"] and command in READS and Path(home, "store.sqlite").exists():
        env = {k: v for k, v in os.environ.items() if k != "BAOGAO_HOME"}
        env.update(NO_COLOR="1", BAOGAO_ENGINE="on", BAOGAO_ENGINE_SOCKET=ENGINE["socket"], PYTHONPATH=str(ROOT))
        r = subprocess.run([sys.executable, "-m", "cli", "--home", str(home), *map(str, args)],
                           input=input.encode("utf-8") if isinstance(input, str) else input,
                           capture_output=True, env=env, timeout=120)
        return subprocess.CompletedProcess(["baogao", "--home", str(home), *map(str, args)], r.returncode,
                                           r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace"))
    from click.testing import CliRunner

    from cli.main import main

    argv = ["--home", str(home), *map(str, args)]
    with CliRunner().isolation(input=input, env={"NO_COLOR": "1", "BAOGAO_HOME": None}) as (out, err, _):
        try:
            main(argv)
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        stdout, stderr = out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace")
    return subprocess.CompletedProcess(["baogao", *argv], code, stdout, stderr)


# What a hostile or broken sidecar may hold in a field: an escape sequence, C1 controls (CSI, NEL), a
# bidi override and isolate, and rich markup. None of it may reach a terminal raw.
POISON = "\x1b[31m\u009b2J\u0085\u202e\u2066[red]"
RAW_CONTROLS = frozenset([*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0)), *map(chr, range(0x202A, 0x202F)),
                          *map(chr, range(0x2066, 0x206A))]) - {"\n"}


def raw_controls(text: str) -> list[str]:
    """The control characters (C0 but the line break, DEL, C1, bidi overrides and isolates) in `text`."""
    return sorted({f"U+{ord(c):04X}" for c in text if c in RAW_CONTROLS})


@pytest.fixture(scope="session")
def poisoned_home(tmp_path_factory):
    """Three seeds (通化 2023 and 2024, and one with targets) whose sidecar puts POISON into every
    field it gives: title, region, date and url. Ingested once per session: for tests that only read."""
    from index import Home, ingest

    tmp_path = tmp_path_factory.mktemp("poisoned")
    folder = tmp_path / "poisoned"
    folder.mkdir()
    rows = ["file\ttitle\tregion\tyear\tlevel\tdate\turl"]
    for k, year in (("001", 2023), ("002", 2024), ("004", 2024)):
        shutil.copy(SEEDS / f"{SEED[k]}.txt", folder)
        rows.append(f"{SEED[k]}.txt\t报告{k}{POISON}标题\t通化{POISON}市\t{year}\t地市\t{year}-03-0{k[-1]}{POISON}"
                    f"\thttps://example.org/{k}{POISON}")
    (folder / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    home = Home(tmp_path / "home")
    assert not ingest(home, [folder]).failed
    yield home
    home.close()
