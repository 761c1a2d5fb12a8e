"""The `baogao` entry point: a read command goes to the home's resident engine when one runs, else it
is answered in-process (cli.main) and an engine is started in the background for the next one.
Built-in modules only (`_socket`, `_signal`, `marshal` in .wire: not even `socket`, `json` or `struct`, which cost
milliseconds to import), so that a command through the engine costs a Python start-up and a socket
round trip, not the imports of numpy, Whoosh and rich (`python -X importtime -m cli.resident.client`).
Messages are length-prefixed `marshal` data: both ends are this package, and the peer is this user.

In-process, always: writers (ingest, remove, rebuild, compact, publish), `ui`, `--solr`, `--no-engine`
or BAOGAO_ENGINE=off, a home not made yet (its first read adds the sample pages), and any command when
the engine is refused, dead or silent for a second before it started answering — nothing is printed
twice: the engine's child says when it first writes, and until then the client may still answer."""

from __future__ import annotations

import _signal
import _socket
import os
import sys

from . import paths
from .wire import _connect, _remove, code_stamp, engine_command, read_message, send

READS = {"search", "show", "sections", "list", "verify", "trend", "kwic", "new", "targets", "compare", "diff"}
GLOBAL_VALUES = {"--home", "--solr", "--collection"}  # the group's options that take a value
ENV = "BAOGAO_ENGINE"


def run() -> None:
    argv = sys.argv[1:]
    home, command = _home_and_command(argv)
    if command == "engine":
        sys.exit(engine_command(home, argv[argv.index("engine") + 1:]))
    paged = command in PAGED and os.isatty(1) and os.isatty(0)
    later = None
    if command in READS and not paged and _wanted(argv) and home is not None:
        code = through_engine(home, argv)
        if code is not None:
            sys.exit(code)
        later = None if os.environ.get("BAOGAO_ENGINE_SOCKET") else home  # a named engine: none other started
    from cli.main import run as in_process

    try:
        in_process()
    finally:
        if later is not None:
            start(later)  # for the next command, once this one is answered (never competing with it)


PAGED = {"list", "show", "compare", "targets"}  # in a terminal these run the pager: in-process (it needs the terminal's session)


def _wanted(argv: list[str]) -> bool:
    return (os.environ.get(ENV, "").lower() not in ("off", "0", "no", "false") and "--no-engine" not in argv
            and "--solr" not in argv and not any(a.startswith("--solr=") for a in argv)
            and not os.environ.get("BAOGAO_SOLR"))


def _home_and_command(argv: list[str]) -> tuple[str | None, str | None]:
    """The home's resolved path (None: not made yet) and the command, read as click would read the
    group's options before it."""
    home, i = os.environ.get("BAOGAO_HOME") or None, 0
    while i < len(argv):
        a = argv[i]
        name, eq, value = a.partition("=")
        if name in GLOBAL_VALUES:
            if not eq:
                i += 1
                value = argv[i] if i < len(argv) else ""
            if name == "--home":
                home = value
            i += 1
            continue
        if a.startswith("-"):
            i += 1
            continue
        break
    command = argv[i] if i < len(argv) else None
    home = os.path.abspath(home or paths.default_home())
    if not os.path.exists(os.path.join(home, "store.sqlite")):
        return None, command
    return os.path.realpath(home), command


def through_engine(home: str, argv: list[str]) -> int | None:
    """The exit code of the command as the engine answered it, or None when it did not (then nothing
    was printed, and the caller answers)."""
    sock = _connect(home)
    if sock is None:
        return None
    facts = {"encoding": sys.stdout.encoding, "errors": sys.stdout.errors, "stdin_encoding": sys.stdin.encoding
             if sys.stdin else "utf-8"}
    try:
        send(sock, {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "facts": facts, "code": code_stamp()})
        reply = read_message(sock)  # the child's pid, within FIRST_BYTE
    except OSError:  # refused, reset, silent (stopped): answered here, and a new engine takes the socket
        reply = None
    if not reply or "pid" not in reply:
        sock.close()
        try:
            _remove(paths.socket_path(home, make=False))
        except paths.Refused:
            pass
        return None
    child = int(reply["pid"])
    started = False

    def interrupt(signum, frame):  # Ctrl-C cancels the command, not the engine
        try:
            os.kill(child, _signal.SIGINT)
        except OSError:
            pass

    previous = _signal.signal(_signal.SIGINT, interrupt)
    try:
        sock.settimeout(None)
        # Go, with stdin/stdout/stderr: passed only now, to a child that answered — never left queued at
        # a stopped engine, where they would keep a caller's pipe open (`$(baogao …)` would wait).
        sock.sendmsg([b"g"], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS,
                               b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in (0, 1, 2)))])
        while True:
            message = read_message(sock)
            if message is None:
                break
            if message.get("started"):
                started = True
            if "exit" in message:
                return int(message["exit"])
    except OSError:
        pass
    finally:
        _signal.signal(_signal.SIGINT, previous)
        sock.close()
    if not started:
        return None  # it died before writing: answered here
    print("baogao: the engine stopped in the middle of this answer; run the command again "
          "(BAOGAO_ENGINE=off answers without it)", file=sys.stderr)
    return 3


def start(home: str) -> None:
    """Start the home's engine, detached: its own session, stdin from /dev/null, stdout and stderr to its
    log in the runtime folder — never the command's own (a caller reading them to the end would wait
    for the engine). posix_spawn, not subprocess: importing that costs the first command 10 ms."""
    try:
        log = paths.log_path(home)
        inherited = []  # a caller's descriptors the engine must not keep open (a pipe it reads to the end)
        for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
            try:
                if int(name) > 2 and os.get_inheritable(int(name)):
                    inherited.append((os.POSIX_SPAWN_CLOSE, int(name)))
            except OSError:
                pass
        os.posix_spawn(sys.executable, [sys.executable, "-m", "cli.resident.server", home],
                       {**os.environ, "PYTHONPATH": _import_root()}, setsid=True,
                       file_actions=[(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                                     (os.POSIX_SPAWN_OPEN, 1, log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600),
                                     (os.POSIX_SPAWN_DUP2, 1, 2), *inherited])
    except (OSError, paths.Refused):
        pass  # no engine: every command is answered in-process, as before


def _import_root() -> str:
    """Where this package is imported from, so the engine runs the same code (a checkout, a venv)."""
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    extra = os.environ.get("PYTHONPATH")
    return here + (os.pathsep + extra if extra else "")


if __name__ == "__main__":
    run()
