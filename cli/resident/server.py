"""The resident engine of one home: `python -m cli.resident.server HOME` (the client starts it).

It opens the home and warms it — section table, words, segmenter, and the commands' imports and index
pages, by rehearsing a few commands with their output dropped — then keeps one child forked ahead, a
**spare**, waiting on the socket. The spare touches the state once more (so the pages it will write are
its own before a command comes), takes the next connection, tells the engine (which forks the next
spare), and answers: it reopens the store (an SQLite connection never crosses a fork), takes the
client's stdin/stdout/stderr, working directory and environment, runs the command as `baogao` would
(cli.main) and sends back its exit code. A child per command, as Mercurial's chg forks one: commands run
side by side, and Ctrl-C ends one without touching the engine.

It follows a new publish before forking each spare (and each child follows one published since), and
exits after IDLE seconds without a command, when its home's store is removed or replaced, when its
socket is taken over, or on `baogao engine stop`."""

from __future__ import annotations

import io
import mmap
import os
import select
import signal
import socket
import struct
import sys
import time

from . import paths
from .wire import code_stamp as _stamp, frame, read_message

IDLE = 15 * 60
SPARES = 2  # children forked ahead: commands back to back each find one ready
LOOK = 5.0  # seconds between the engine's looks at its socket and store (a spare's at its engine)
GO_WAIT = 5.0  # seconds a child waits for the client's go before it gives up (the client answers itself)
_ino = None  # the inode of the socket this engine bound
CODE = None  # the code stamp of the package this engine runs (client.code_stamp)


def serve(home: str, path: str | None = None) -> None:
    """Serve `home` on its socket (or on `path`: BAOGAO_ENGINE_SOCKET, an engine that answers for any
    home — the one the test suite runs the CLI tests through; another home is opened by each child)."""
    path = path or paths.socket_path(home)
    listener = _bind(path)
    if listener is None:
        return  # another engine serves this home
    try:
        warm = _warm(home)
    except Exception as e:  # a home it cannot open: no engine (the commands say what is wrong)
        print(f"engine: cannot open {home}: {e}", file=sys.stderr)
        listener.close()
        _unlink(path)
        return
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reaped by the kernel
    shared = mmap.mmap(-1, 8)  # commands answered, counted by the children (status)
    notes_r, notes_w = os.pipe()  # a child writes b"a"+pid when it takes a command, b"x"+pid to end the engine
    started, store = time.strftime("%Y-%m-%d %H:%M:%S"), _store_id(home)
    waiting: set[int] = set()
    print(f"engine: pid {os.getpid()} serving {home} on {path}", file=sys.stderr, flush=True)

    def spawn() -> None:
        try:
            warm.follow()  # a writer published: the next spare starts from the new state
        except Exception:
            pass
        pid = os.fork()
        if pid == 0:
            os.close(notes_r)
            _spare(listener, notes_w, shared, home, path, started, store)
            os._exit(0)
        waiting.add(pid)

    try:
        for _ in range(SPARES):
            spawn()
        last = time.monotonic()
        while True:
            ready, _, _ = select.select([notes_r], [], [], LOOK)
            if not ready:
                if time.monotonic() - last > IDLE:
                    print("engine: idle, exiting", file=sys.stderr)
                    return
                if not _still_ours(path) or _store_id(home) != store:
                    print("engine: the socket or the store changed, exiting", file=sys.stderr)
                    return
                continue
            last = time.monotonic()
            note = os.read(notes_r, 5)
            if len(note) < 5:
                return
            waiting.discard(int.from_bytes(note[1:], "big"))
            if note[:1] == b"x":
                return
            spawn()
    finally:
        for pid in waiting:  # spares still waiting; a child answering a command finishes it
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        listener.close()
        if _still_ours(path):
            _unlink(path)


def _spare(listener, notes: int, shared, home: str, path: str, started: str, store) -> None:
    """A forked child: touch the warm state, then take connections until one is a command, and answer it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    from cli import app

    engine = os.getppid()
    app.RESIDENT[home].after_fork()  # its own store connection and Whoosh files, opened by the rehearsal
    _rehearse(home, SPARE_REHEARSAL)
    listener.settimeout(LOOK)
    me = os.getpid().to_bytes(4, "big")
    while True:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != engine:
                return  # the engine is gone: so is this spare
            continue
        if os.getppid() != engine:
            conn.close()  # the engine died: the client answers, and starts a new one
            return
        if not _same_user(conn):
            conn.close()
            continue
        try:
            conn.settimeout(5)
            request = read_message(conn)
            if request is None:
                raise ValueError("no request")
        except (OSError, ValueError, EOFError):
            conn.close()
            continue
        if "control" in request:
            conn.sendall(frame(_status(shared, started)))
            conn.close()
            if request["control"] == "stop":
                os.write(notes, b"x" + me)
                return
            continue
        if not _still_ours(path) or _store_id(home) != store or request.get("code") != CODE:
            conn.close()  # the client answers it: this engine's state is not the home's any more
            os.write(notes, b"x" + me)
            return
        os.write(notes, b"a" + me)  # the engine forks the next spare meanwhile
        n = struct.unpack("q", shared[:8])[0]
        shared[:8] = struct.pack("q", n + 1)
        listener.close()
        _answer(conn, request)  # never returns


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _still_ours(path: str) -> bool:
    try:
        return os.stat(path).st_ino == _ino
    except OSError:
        return False


def _bind(path: str) -> socket.socket | None:
    """Listen on `path`; None when a live engine holds it. A stale socket (its engine dead) is replaced."""
    global _ino
    if os.path.exists(path):
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.settimeout(1)
        try:
            probe.connect(path)
            return None  # alive
        except OSError:
            _unlink(path)
        finally:
            probe.close()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(path)
    except OSError:
        listener.close()
        return None  # another engine bound it first
    os.chmod(path, 0o600)
    listener.listen(64)
    _ino = os.stat(path).st_ino
    return listener


def _store_id(home: str):
    """What makes an engine's open state stale: the store gone or replaced (its inode)."""
    try:
        return os.stat(os.path.join(home, "store.sqlite")).st_ino
    except OSError:
        return None


def _same_user(conn: socket.socket) -> bool:
    """The peer's uid, from the kernel (SO_PEERCRED): only this user's commands are answered."""
    try:
        _, uid, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    except OSError:
        return False
    return uid == os.getuid()


def _status(shared, started: str) -> dict:
    engine = os.getppid()
    memory = 0
    try:
        with open(f"/proc/{engine}/status", encoding="ascii") as f:
            memory = next((int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS:")), 0)
    except OSError:
        pass
    return {"pid": engine, "since": started, "memory_mb": memory, "answered": struct.unpack("q", shared[:8])[0]}


def _warm(home: str):
    """The home opened and warmed, recorded for the children (cli.app.RESIDENT)."""
    global CODE
    import gc

    CODE = _stamp()  # an engine answers only a client of the same code (wire.code_stamp)
    import cli.main  # noqa: F401  (click, rich, the commands)
    from cli import app
    from index import Home, LocalBackend

    h = Home(home)
    LocalBackend(h).warm()
    app.RESIDENT[home] = h
    _rehearse(home, REHEARSAL)
    gc.freeze()  # what is built so far is never scanned again: a child's collector copies none of it
    return h


# What the engine runs once, output dropped, so that the commands' lazy imports and the index pages
# they read are there before the first command; a spare runs the first two again.
REHEARSAL = (["search", "-e", "政府工作报告"], ["search", "政府工作报告"], ["search", "--json", "发展 OR 改革"],
             ["kwic", "高质量发展"], ["trend", "高质量发展"], ["verify", "政府工作报告"], ["list", "--json"],
             ["search", '"稳*增长"'], ["show", "--help"])
SPARE_REHEARSAL = REHEARSAL[:2]


def _rehearse(home: str, commands) -> None:
    from cli.main import main

    saved = sys.stdout, sys.stderr, os.environ.get("BAOGAO_HOME")
    os.environ["BAOGAO_HOME"] = home
    try:
        with open(os.devnull, "w", encoding="utf-8") as devnull:
            sys.stdout = sys.stderr = devnull
            for argv in commands:
                try:
                    main(list(argv))
                except BaseException:  # (SystemExit, or a failure the real command will report)
                    pass
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        if saved[2] is None:
            os.environ.pop("BAOGAO_HOME", None)
        else:
            os.environ["BAOGAO_HOME"] = saved[2]


class _Watched(io.RawIOBase):
    """A file descriptor written through, telling the client once, before the first byte: from then
    on the answer cannot be given again elsewhere."""

    def __init__(self, fd: int, tell):
        self.fd, self.tell = fd, tell

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        if len(b):
            self.tell()
        return os.write(self.fd, b)

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return os.isatty(self.fd)


def _answer(conn: socket.socket, request: dict) -> None:
    code = 3
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        conn.settimeout(None)
        conn.sendall(frame({"pid": os.getpid()}))
        conn.settimeout(GO_WAIT)
        go, fds, _, _ = socket.recv_fds(conn, 1, 3)
        if go != b"g" or len(fds) != 3:
            os._exit(0)  # the client gave up on us and answers itself: write nothing
        conn.settimeout(None)
        for target, fd in zip((0, 1, 2), fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        facts = request.get("facts", {})
        told = []

        def tell() -> None:
            if not told:
                told.append(True)
                conn.sendall(frame({"started": True}))

        encoding, errors = facts.get("encoding") or "utf-8", facts.get("errors") or "strict"
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding=facts.get("stdin_encoding") or "utf-8")
        for fd, name in ((1, "stdout"), (2, "stderr")):
            tty = os.isatty(fd)
            stream = io.TextIOWrapper(io.BufferedWriter(_Watched(fd, tell)), encoding=encoding,
                                      errors="backslashreplace" if fd == 2 else errors,
                                      line_buffering=tty or fd == 2, write_through=fd == 2)
            setattr(sys, name, stream)
        from cli.main import main

        try:
            main(request["argv"])
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:
            pass
    except BaseException as e:  # nothing may escape a child: it would run the engine's loop
        try:
            os.write(2, f"baogao: the engine failed on this command ({type(e).__name__}: {e})\n".encode())
        except OSError:
            pass
        code = 3
    try:
        conn.sendall(frame({"exit": code}))
    except OSError:
        pass
    os._exit(0)


if __name__ == "__main__":
    serve(os.path.realpath(sys.argv[1]), os.environ.get("BAOGAO_ENGINE_SOCKET") or None)
