"""`baogao serve`: the full-screen reader (cli.ui) in a web browser, through textual-serve (by Textual's
authors; xterm.js draws the terminal in the page). The one room of the web server (aiohttp,
textual-serve).

Each tab's WebSocket runs the app in a process of its own (`baogao ui --served` on the same archive,
driven by Textual's web driver over its stdin and stdout); closing the tab ends that process, and at
most `max_sessions` run at once — one more is refused with a page (or, on the WebSocket, a line in the
terminal) saying so. Everything the page loads comes from this server: the page is textual-serve's,
with its fonts read from its own static folder instead of a font CDN (serve_page/app_index.html), so
it works on a machine without internet and tells no third party who reads the archive."""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import shlex
import signal
import sys
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

PAGE = Path(__file__).resolve().parent / "serve_page"
WIDTHS, HEIGHTS = (20, 1000), (5, 400)  # a session's terminal, in cells: wider than any screen, never unbounded
STOP_GRACE = 5.0  # seconds a session's app has to quit after its tab closed, before it is killed
FULL = ("all sessions are in use ({n} browser tab{s} at once, --max-sessions {n}): close a tab, or ask whoever "
        "runs `baogao serve` for more")


class ServeError(Exception):
    """The server cannot start (its port is taken): one line, exit 3, with a hint."""

    exit_code = 3

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def is_local(host: str) -> bool:
    """Whether only this machine can reach `host` (a loopback address, or `localhost`)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, port: int) -> str:
    return (f"baogao: warning: serving on {host}: anyone who can reach this machine's port {port} can read "
            f"the archive (to share it safely, serve on 127.0.0.1 and use `ssh -L {port}:127.0.0.1:{port} HOST`)")


def session_command(home: Path | None, solr: str | None = None, collection: str | None = None) -> str:
    """The shell command one tab's app runs: this Python, this package, the same archive. `exec`, so
    the process textual-serve holds (and stops when the tab closes) is the app itself, not a shell."""
    words = [sys.executable, "-m", "cli"]
    if home is not None:
        words += ["--home", str(home)]
    if solr:
        words += ["--solr", solr, "--collection", collection or "baogao"]
    words += ["ui", "--served"]
    return "exec " + " ".join(shlex.quote(w) for w in words)


def hostname(netloc: str) -> str:
    """The host of a Host header: `127.0.0.1:8000` → 127.0.0.1, `[::1]:8000` → ::1."""
    if netloc.startswith("["):
        return netloc[1:].partition("]")[0]
    return netloc.rpartition(":")[0] if netloc.count(":") == 1 else netloc


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class SessionServer(Server):
    """textual-serve's Server, with what baogao needs on top: URLs taken from the request (so the page
    works through an SSH tunnel or under another name), a cap on sessions, every session's process
    ended when its tab closes or the server stops, and no logo or log on the console."""

    def __init__(self, command: str, host: str, port: int, max_sessions: int, title: str):
        super().__init__(command, host=host, port=port, title=title, templates_path=PAGE)
        self.max_sessions = max_sessions
        self.sessions: set[web.WebSocketResponse] = set()
        self.processes: set = set()  # the apps' processes still running

    def full_message(self) -> str:
        return FULL.format(n=self.max_sessions, s="s" if self.max_sessions != 1 else "")

    async def on_startup(self, app: web.Application) -> None:
        pass  # serve() says where it listens

    async def on_shutdown(self, app: web.Application) -> None:
        for ws in list(self.sessions):  # each session's handler then stops its app
            await ws.close(code=1001, message=b"the server is stopping")

    def foreign(self, request: web.Request) -> str | None:
        """Why a request is not from a page of this server, if it is not. Served on 127.0.0.1, it must
        name the server by a loopback name (a site that points its own name at 127.0.0.1 — DNS
        rebinding — would read the archive otherwise); and a WebSocket any page may open must come
        from a page of this server (a browser always says which page, in Origin)."""
        if is_local(self.host) and not is_local(hostname(request.host)):
            return f"this server answers to 127.0.0.1 or localhost, not to {request.host}"
        origin = request.headers.get("Origin")
        if origin is not None and origin.partition("://")[2].rstrip("/") != request.host:
            return "a session is opened by this server's own page, not from another site"
        return None

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if why := self.foreign(request):
            return web.Response(status=403, text=f"baogao: {why}\n")
        if len(self.sessions) >= self.max_sessions:
            return web.Response(status=503, content_type="text/html", charset="utf-8",
                                text=refusal_page(self.full_message()))
        scheme = "wss" if request.secure else "ws"
        context = {
            "font_size": _int(request.query.get("fontsize", ""), 16, 6, 64),
            "app_websocket_url": f"{scheme}://{request.host}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if why := self.foreign(request):
            return web.Response(status=403, text=f"baogao: {why}\n")
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if len(self.sessions) >= self.max_sessions:
            await websocket.send_bytes(f"\r\nbaogao: {self.full_message()}.\r\n".encode("utf-8"))
            await websocket.close(code=1013, message=b"all sessions are in use")  # 1013: try again later
            return websocket
        self.sessions.add(websocket)
        service = BoundedAppService(self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                             close=websocket.close, download_manager=self.download_manager, debug=self.debug)
        try:
            await service.start(request.query.get("width", ""), request.query.get("height", ""))
            self.processes.add(service._process)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            pass
        finally:
            self.sessions.discard(websocket)
            await self._end(service)
            if not websocket.closed:
                await websocket.close()
        return websocket

    async def _end(self, service: AppService) -> None:
        """Ask the app to quit (Textual's web driver), then make sure it did."""
        process = service._process
        if process is None:
            return
        try:
            await asyncio.wait_for(service.stop(), STOP_GRACE)
            await asyncio.wait_for(process.wait(), STOP_GRACE)
        except (asyncio.TimeoutError, OSError):
            if process.returncode is None:
                process.kill()
            await process.wait()
        self.processes.discard(process)

    async def run(self, on_listening) -> None:
        """Listen, call `on_listening(url)`, serve until SIGINT or SIGTERM, then end every session."""
        app = await self._make_app()
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as e:
            await runner.cleanup()
            raise bind_error(e, self.host, self.port) from None
        self.port = runner.addresses[0][1]  # the one chosen, for --port 0
        on_listening(url_of(self.host, self.port))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            for process in list(self.processes):  # a session whose handler did not get to end it
                if process.returncode is None:
                    process.kill()
                    await process.wait()


def bind_error(e: OSError, host: str, port: int) -> Exception:
    import click

    if e.errno == errno.EADDRINUSE:
        return ServeError(f"port {port} on {host} is in use", "Choose another with --port (or stop what listens there).")
    if e.errno == errno.EACCES:
        return ServeError(f"not allowed to listen on port {port} on {host} ({e.strerror})",
                          "Ports below 1024 need root: choose another with --port.")
    return click.BadParameter(f"cannot listen on {host} port {port}: {e.strerror or e}", param_hint="--host")


def refusal_page(message: str) -> str:
    import html

    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>baogao: all sessions in use</title></head>"
            "<body style='background:#0c181f;color:#eee;font-family:sans-serif;padding:4em'>"
            f"<h1>baogao: no free session</h1><p>{html.escape(message)}.</p>"
            "<p><a style='color:#8cf' href='/'>Try again</a></p></body></html>")


def _int(value: str, default: int, low: int, high: int) -> int:
    """A number from the page's URL, kept within [low, high]: the page is anyone's to write."""
    try:
        return min(max(int(value), low), high)
    except ValueError:
        return default


class BoundedAppService(AppService):
    """textual-serve's session with its terminal size kept within bounds, at the start and on every
    resize the browser sends: a page asking for a 10⁹-column terminal must not make the app
    allocate one."""

    async def start(self, width: int, height: int) -> None:
        await super().start(*_size(width, height))

    async def set_terminal_size(self, width: int, height: int) -> None:
        await super().set_terminal_size(*_size(width, height))


def _size(width, height) -> tuple[int, int]:
    return (_int(str(width), 80, *WIDTHS), _int(str(height), 24, *HEIGHTS))


def serve(command: str, host: str, port: int, max_sessions: int, title: str, on_listening) -> None:
    """Serve the app run by `command` (session_command) until interrupted."""
    asyncio.run(SessionServer(command, host, port, max_sessions, title).run(on_listening))
