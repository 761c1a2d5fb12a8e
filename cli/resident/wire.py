"""What the client, the engine and `baogao engine` share: the messages (length-prefixed `marshal`),
the connection to a home's engine, the code stamp, and `engine status|stop`. Built-in modules only (the
thin client imports this)."""

from __future__ import annotations

import _socket
import marshal
import os
import sys

from . import paths

FIRST_BYTE = 1.0  # seconds an engine has to take a command before the client answers it itself


PACKAGES = ("cli", "cli/resident", "cli/render", "index", "index/engine", "index/local", "index/solr", "index/writing",
            "archive")


def code_stamp() -> str:
    """The package folders' modification times: a new version installed, or a file added, renamed or
    replaced in a checkout, changes it (an engine runs only the code its client runs)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = []
    for folder in PACKAGES:
        try:
            out.append(str(os.stat(os.path.join(root, folder)).st_mtime_ns))
        except OSError:
            out.append("-")
    for file in ("cli/main.py", "cli/resident/server.py"):
        try:
            out.append(str(os.stat(os.path.join(root, file)).st_mtime_ns))
        except OSError:
            out.append("-")
    return ":".join(out)


def frame(message: dict) -> bytes:
    data = marshal.dumps(message)
    return len(data).to_bytes(4, "big") + data


def send(sock, message: dict) -> None:
    sock.sendall(frame(message))


def read_message(sock) -> dict | None:
    """One length-prefixed message, or None at the end of the stream."""
    head = _exactly(sock, 4)
    if head is None:
        return None
    body = _exactly(sock, int.from_bytes(head, "big"))
    return None if body is None else marshal.loads(body)


def _exactly(sock, n: int) -> bytes | None:
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            return None
        out += chunk
    return out


def _connect(home: str, timeout: float = FIRST_BYTE):
    try:
        path = os.environ.get("BAOGAO_ENGINE_SOCKET") or paths.socket_path(home, make=False)
    except paths.Refused as e:
        if os.path.exists(paths.runtime_dir()):
            print(f"baogao: not using the engine: {e}", file=sys.stderr)
        return None
    if not os.path.exists(path):
        return None
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
    except OSError:  # a stale socket of a dead engine: the next engine takes its place
        sock.close()
        _remove(path)
        return None
    return sock


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def control(home: str, what: str) -> dict | None:
    sock = _connect(home, timeout=5)
    if sock is None:
        return None
    try:
        send(sock, {"control": what})
        return read_message(sock)
    except OSError:
        return None
    finally:
        sock.close()


def engine_command(home: str | None, args: list[str]) -> int:
    """`baogao [--home DIR] engine status|stop`."""
    if any(a in ("-h", "--help") for a in args):
        print("Usage: baogao engine [status|stop]\n\n  Whether the home's resident engine runs (since when, its memory, "
              "the commands it answered), or stop it. BAOGAO_ENGINE=off or --no-engine answer without it.")
        return 0
    what = next((a for a in args if not a.startswith("-")), "status")
    if what not in ("status", "stop"):
        print(f"baogao: engine {what}: not a command (status, stop)", file=sys.stderr)
        return 2
    if home is None:
        print("no engine: the home does not exist yet")
        return 1
    answer = control(home, what)
    if answer is None:
        print(f"no engine runs for {home}")
        return 1
    if what == "stop":
        print(f"stopped the engine for {home} (pid {answer['pid']})")
        return 0
    print(f"engine for {home}: pid {answer['pid']}, running since {answer['since']}, "
          f"{answer['memory_mb']} MB, {answer['answered']} commands answered")
    return 0
