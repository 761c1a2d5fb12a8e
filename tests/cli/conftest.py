"""The CLI tests run twice (issue 40): in-process, and with every read command of `run_cli` answered
through a resident engine — the thin client in its own process, over the socket, a forked child running
the command — asserting the same output both ways. One engine per test process serves every home (it
opens a home other than its own in each child; BAOGAO_ENGINE_SOCKET names it). A test that reaches into
the process it runs in (a monkeypatch of what the command calls) is marked `in_process` and runs once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

from tests import conftest as top

ROUTES = ("in-process", "engine")


def pytest_configure(config):
    config.addinivalue_line("markers", "in_process: a CLI test that runs only in-process (it patches the process)")


def pytest_generate_tests(metafunc):
    """Twice: the tests of a module that runs the CLI with `run_cli`, but those marked `in_process` and
    the `slow` ones (kills and races of writers, which answer in-process either way: issue 40's budget)."""
    if "cli_route" in metafunc.fixturenames:
        marked = metafunc.definition.get_closest_marker
        if "run_cli" in vars(metafunc.module) and not marked("in_process") and not marked("slow"):
            metafunc.parametrize("cli_route", ROUTES, indirect=True)


@pytest.fixture(scope="session")
def test_engine(_seeded_home):
    """A resident engine for the session (on the seeds' home), answering for any home; stopped at the end."""
    run_dir = tempfile.mkdtemp(prefix="bgt", dir="/tmp")
    sock = os.path.join(run_dir, "engine.sock")
    env = {**os.environ, "BAOGAO_ENGINE_SOCKET": sock, "PYTHONPATH": str(top.ROOT), "XDG_RUNTIME_DIR": run_dir}
    log = open(os.path.join(run_dir, "engine.log"), "ab")
    p = subprocess.Popen([sys.executable, "-m", "cli.resident.server", str(_seeded_home)], env=env,
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 60
    while not os.path.exists(sock):
        assert p.poll() is None and time.monotonic() < deadline, open(os.path.join(run_dir, "engine.log")).read()
        time.sleep(0.1)
    time.sleep(0.5)  # its spares forked
    yield sock
    os.killpg(p.pid, 9)
    p.wait()
    log.close()
    shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def cli_route(request):
    if getattr(request, "param", "in-process") == "engine":
        top.ENGINE["socket"] = request.getfixturevalue("test_engine")
    yield
    top.ENGINE["socket"] = None
