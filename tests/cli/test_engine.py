"""The resident engine (issue 40): every command answers the same through it as in-process — stdout,
stderr and exit code, `--json` included — and whatever goes wrong with the engine costs no answer and
prints no traceback: killed mid-answer, stopped, its socket deleted or stale, a runtime folder or a
peer of another user, a read-only home, two homes at once, a writer publishing meanwhile. Each test
runs its own engine in a runtime folder of its own (XDG_RUNTIME_DIR), and stops it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from tests.golden.record import COMMANDS

pytestmark = pytest.mark.slow

WRITERS = {"ingest", "remove", "rebuild", "compact", "publish", "check"}


class Engine:
    """A home copied from the seeds' and a runtime folder, with `baogao` run through the thin client."""

    def __init__(self, home: Path, run_dir: str):
        self.home, self.run_dir = home, run_dir

    def env(self, engine: bool = True, **extra) -> dict:
        return {**os.environ, "BAOGAO_ENGINE": "on" if engine else "off", "XDG_RUNTIME_DIR": self.run_dir,
                "NO_COLOR": "1", "PYTHONPATH": str(ROOT), "BAOGAO_HOME": str(self.home), **extra}

    def run(self, *args, engine: bool = True, input: str | None = None, **extra) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cli", *args], input=input, capture_output=True, text=True,
                              env=self.env(engine, **extra), timeout=120)

    def status(self) -> str:
        return self.run("engine", "status").stdout

    def running(self) -> bool:
        return "running since" in self.status()

    def start(self) -> None:
        self.run("list")  # answered in-process; starts the engine
        deadline = time.monotonic() + 60
        while not self.running():
            assert time.monotonic() < deadline, "the engine never started: " + self.log()
            time.sleep(0.2)

    def pid(self) -> int:
        return int(self.status().split("pid ")[1].split(",")[0])

    def answered(self) -> int:
        return int(self.status().split(", ")[-1].split()[0])

    def log(self) -> str:
        folder = Path(self.run_dir) / "baogao"
        return "".join(p.read_text() for p in folder.glob("*.log")) if folder.exists() else ""

    def stop(self) -> None:
        self.run("engine", "stop")


@pytest.fixture()
def engine(_seeded_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(_seeded_home, home)
    run_dir = tempfile.mkdtemp(prefix="bg", dir="/tmp")  # short: a socket's path holds at most 107 bytes
    e = Engine(home, run_dir)
    yield e
    e.stop()
    for pid in _engine_pids(run_dir):  # any left (a spare orphaned by a test's kill); gone by now, maybe
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    shutil.rmtree(run_dir, ignore_errors=True)


def _engine_pids(run_dir: str) -> list[int]:
    out = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                env = (proc / "environ").read_bytes()
                cmd = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if b"cli.resident.server" in cmd and f"XDG_RUNTIME_DIR={run_dir}".encode() in env:
                out.append(int(proc.name))
    return out


def _same(a: subprocess.CompletedProcess, b: subprocess.CompletedProcess, what) -> None:
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr), what


# The golden commands (tests/golden) that read, with their files, and the same in the terminal's text.
def _reads() -> list[list[str]]:
    out = []
    for args in COMMANDS:
        if args and args[0] not in WRITERS and "<seeds>" not in args:
            out.append([a for a in args])
            out.append([a for a in args if a != "--json"])
    out += [["verify", "-"], ["search", "人参", "--jsonl"], ["kwic", "的", "--csv"], ["search", "nothing-like-this"],
            ["show", "nope"], ["search", '"unbalanced'], ["trend", "人参", "--first"], ["--help"], ["search", "--help"]]
    return out


def test_every_read_answers_the_same_through_the_engine(engine):
    engine.start()
    before = engine.answered()
    asked = _reads()
    for args in asked:
        stdin = "全市在线受理企业“九解一协调”方面各类诉求647件\n，。\n" if args == ["verify", "-"] else None
        _same(engine.run(*args, engine=False, input=stdin), engine.run(*args, input=stdin), args)
    assert engine.answered() - before >= len([a for a in asked if a[0] != "--help"]) - 1  # they went through it
    assert "Traceback" not in engine.log()


def test_status_and_stop(engine):
    assert "no engine" in engine.status()
    engine.start()
    assert engine.running()
    stopped = engine.run("engine", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    deadline = time.monotonic() + 10
    while engine.running():
        assert time.monotonic() < deadline
        time.sleep(0.2)
    _same(engine.run("search", "人参", engine=False), engine.run("search", "人参"), "after stop")


def test_the_engine_killed_mid_answer(engine):
    """The engine's process killed while a child answers: the answer is whole (the child is its own
    process); the next command is answered too, and starts a new engine."""
    engine.start()
    want = engine.run("kwic", "的", "--all", engine=False)
    p = subprocess.Popen([sys.executable, "-m", "cli", "kwic", "的", "--all"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=engine.env())
    time.sleep(0.05)
    os.kill(engine.pid(), signal.SIGKILL)
    out, err = p.communicate(timeout=60)
    assert (p.returncode, out, err) == (want.returncode, want.stdout, want.stderr)
    _same(engine.run("search", "人参", engine=False), engine.run("search", "人参"), "after the kill")


def test_a_stopped_engine_costs_a_second_not_the_answer(engine):
    engine.start()
    group = os.getpgid(engine.pid())
    os.killpg(group, signal.SIGSTOP)
    try:
        start = time.monotonic()
        _same(engine.run("search", "人参", engine=False), engine.run("search", "人参"), "stopped")
        assert time.monotonic() - start < 30
    finally:
        os.killpg(group, signal.SIGCONT)


def test_a_deleted_or_stale_socket(engine):
    engine.start()
    folder = Path(engine.run_dir) / "baogao"
    sock = next(folder.glob("*.sock"))
    sock.unlink()
    _same(engine.run("search", "人参", engine=False), engine.run("search", "人参"), "deleted")
    deadline = time.monotonic() + 30
    while not sock.exists():  # a new engine took its place
        assert time.monotonic() < deadline
        time.sleep(0.2)
    engine.stop()
    time.sleep(0.5)
    import socket

    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # a socket file nobody listens on
    if sock.exists():
        sock.unlink()
    s.bind(str(sock))
    s.close()
    r = engine.run("search", "人参")
    _same(engine.run("search", "人参", engine=False), r, "stale")
    assert "Traceback" not in r.stderr


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to give a folder to another user")
def test_a_runtime_folder_of_another_user_is_refused_before_connecting(engine):
    engine.start()
    folder = Path(engine.run_dir) / "baogao"
    os.chown(folder, 65534, 65534)
    try:
        r = engine.run("search", "人参")
        want = engine.run("search", "人参", engine=False)
        assert (r.returncode, r.stdout) == (want.returncode, want.stdout)
        assert r.stderr.count("\n") == 1 and "not using the engine" in r.stderr and "65534" in r.stderr
    finally:
        os.chown(folder, 0, 0)


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to connect as another user")
def test_a_peer_of_another_user_is_refused(engine):
    engine.start()
    folder = Path(engine.run_dir) / "baogao"
    sock = next(folder.glob("*.sock"))
    os.chmod(engine.run_dir, 0o755)
    os.chmod(folder, 0o711)
    os.chmod(sock, 0o666)  # the folder check aside: only the engine's SO_PEERCRED stands in the way
    from cli.resident.wire import code_stamp, frame

    request = frame({"argv": ["search", "人参"], "cwd": "/", "env": engine.env(), "facts": {}, "code": code_stamp()})
    try:  # a request as the client sends it, from uid 65534 (a Python any user may run: the system's)
        probe = ("import socket, sys\ns = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])\n"
                 "try:\n s.sendall(bytes.fromhex(sys.argv[2])); print(repr(s.recv(100)))\n"
                 "except (ConnectionResetError, BrokenPipeError): print('reset')")
        python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
        r = subprocess.run([python, "-c", probe, str(sock), request.hex()], capture_output=True, text=True, timeout=30,
                           preexec_fn=lambda: (os.setgid(65534), os.setuid(65534)), cwd="/")
        assert r.stdout.strip() in ("b''", "reset"), (r.stdout, r.stderr)  # closed, never answered
    finally:
        os.chmod(folder, 0o700)
        os.chmod(sock, 0o600)
    _same(engine.run("search", "人参", engine=False), engine.run("search", "人参"), "after the probe")


def test_a_read_only_home(engine):
    engine.start()
    modes = {p: p.stat().st_mode for p in [engine.home, *engine.home.rglob("*")]}
    try:
        for p in modes:
            p.chmod(p.stat().st_mode & ~0o222)
        _same(engine.run("search", "人参", engine=False), engine.run("search", "人参"), "read-only")
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


def test_two_homes_at_once(engine, tmp_path):
    other_home = tmp_path / "other"
    engine.start()
    subprocess.run([sys.executable, "-m", "cli", "ingest", str(SEEDS / "000_65f493a2ef3dc65c.txt")],
                   env=engine.env(False, BAOGAO_HOME=str(other_home)), check=True, capture_output=True)
    second = Engine(other_home, engine.run_dir)
    second.start()
    try:
        for e in (engine, second):
            _same(e.run("list", "--json", engine=False), e.run("list", "--json"), e.home)
        assert len(json.loads(second.run("list", "--json").stdout)) == 1
        assert len(json.loads(engine.run("list", "--json").stdout)) == 5
    finally:
        second.stop()


def test_a_writer_publishing_while_the_engine_answers(engine, tmp_path):
    engine.start()
    new = tmp_path / "地市_某市_2030.txt"
    new.write_text("某市2030年政府工作报告\n一、回顾\n全面推进火星基地建设。\n", encoding="utf-8")
    assert engine.run("search", "-e", "火星基地").returncode == 1
    reads = [subprocess.Popen([sys.executable, "-m", "cli", "search", "人参"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=engine.env()) for _ in range(3)]
    w = engine.run("ingest", str(new), engine=False)
    assert w.returncode == 0, w.stderr
    for p in reads:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0 and "人参" in out and not err
    found = engine.run("search", "-e", "火星基地")
    _same(engine.run("search", "-e", "火星基地", engine=False), found, "after the publish")
    assert found.returncode == 0


def test_ctrl_c_cancels_the_command_not_the_engine(engine):
    engine.start()
    pid = engine.pid()
    p = subprocess.Popen([sys.executable, "-m", "cli", "kwic", "的", "--all"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=engine.env())
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode in (0, 130) and "Traceback" not in err
    assert engine.pid() == pid  # the engine runs on


def test_the_thin_client_imports_nothing_heavy():
    r = subprocess.run([sys.executable, "-c", "import sys, cli.resident.client; print(' '.join(sorted(sys.modules)))"],
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    loaded = set(r.stdout.split())
    assert not loaded & {"numpy", "click", "rich", "whoosh", "json", "textual", "index", "archive", "platformdirs",
                         "socket", "re"}, loaded & {"numpy", "click", "rich", "whoosh", "json", "re", "socket"}
