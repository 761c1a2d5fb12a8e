"""`baogao serve` (issue 42): the app in a browser through textual-serve. Real servers on free ports
over a seeded home: the app driven through textual-serve's WebSocket protocol (what the page's
textual.js speaks: `["stdin", text]` in, the terminal's bytes out), and — marked slow — in headless
Chromium, spoken to over the DevTools protocol (aiohttp's WebSocket client, no driver), with every
request the page makes logged and required to stay on 127.0.0.1. xterm.js draws on a canvas, so the
app's text is read from the terminal stream (the WebSocket's frames), never from the page's DOM."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT

QUERY = "九解一协调"
TITLE = "桦甸市：擘画高质量发展精彩画卷"  # the title of the seed that says it (seeds/000_…)
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def screen_text(stream: bytes) -> str:
    """The terminal stream's text, its escape sequences (colours, cursor moves) taken out."""
    return ANSI.sub("", stream.decode("utf-8", "replace"))


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (the apps a server runs: `exec`, no shell between)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                out.append(int(entry))
    return out


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


class Served:
    """`baogao serve --port 0` on a home, its URL read from its first line of stdout."""

    def __init__(self, home: Path, *args: str):
        self.p = subprocess.Popen([sys.executable, "-m", "cli", "--home", str(home), "serve", "--port", "0", *args],
                                  cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, encoding="utf-8")
        self.url = self.p.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), (self.url, self.p.stderr.read() if self.p.poll() is not None else "")
        self.port = urlsplit(self.url).port

    def stop(self) -> str:
        """SIGTERM, as a service manager stops it: every app ends with it, exit 0. Its stderr."""
        apps = children(self.p.pid)
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            _, err = self.p.communicate(timeout=20)
        finally:
            if self.p.poll() is None:
                self.p.kill()
                self.p.wait()
        assert self.p.returncode == 0, err
        assert not [pid for pid in apps if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)], "an app outlived its server"
        return err


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return "Z"


@pytest.fixture()
def served(seeded_home):
    servers = []

    def start(*args: str) -> Served:
        servers.append(Served(seeded_home.path, *args))
        return servers[-1]

    yield start
    for s in servers:
        if s.p.poll() is None:
            s.stop()


class Session:
    """One tab's WebSocket, spoken as textual.js speaks it (textual_serve/server.py `_process_messages`)."""

    def __init__(self, ws):
        self.ws, self.stream = ws, b""

    async def type(self, text: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", text]))

    async def until(self, text: str, timeout: float = 30) -> str:
        import aiohttp

        deadline = time.monotonic() + timeout
        while text not in screen_text(self.stream):
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never came; the screen: {screen_text(self.stream)[-2000:]!r}"
            try:
                msg = await self.ws.receive(timeout=left)
            except asyncio.TimeoutError:
                continue
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.stream += msg.data
            elif msg.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"the session closed before {text!r} came: {screen_text(self.stream)[-2000:]!r}")
        return screen_text(self.stream)


async def _search_through_the_websocket(server: Served) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(f"ws://127.0.0.1:{server.port}/ws?width=140&height=40") as ws:
            one = Session(ws)
            drawn = await one.until("搜索 search")  # the search box's placeholder: the app is up
            assert TITLE not in drawn
            (app,) = wait_for(lambda: children(server.p.pid), 10, "the session's app")
            assert "ui --served" in " ".join(Path(f"/proc/{app}/cmdline").read_text().split("\0"))
            await one.type(QUERY)
            await one.type("\r")
            await one.until(TITLE)  # the hit's title, as the app drew it

            # --max-sessions 1: a second tab is refused — the page with a 503, the WebSocket with a line
            async with http.get(server.url) as page:
                assert page.status == 503
                assert "all sessions are in use (1 browser tab at once, --max-sessions 1)" in await page.text()
            async with http.ws_connect(f"ws://127.0.0.1:{server.port}/ws") as second:
                refused = await second.receive(timeout=10)
                assert b"all sessions are in use (1 browser tab at once, --max-sessions 1)" in refused.data
                assert (await second.receive(timeout=10)).type == aiohttp.WSMsgType.CLOSE
                assert second.close_code == 1013
            assert children(server.p.pid) == [app]  # the refused tab ran nothing
        # the tab closed: its app ends, and the page is served again
        wait_for(lambda: not Path(f"/proc/{app}").exists() or _state(app) == "Z", 10, "the app to end")
        async with http.get(server.url) as page:
            assert page.status == 200


def test_a_tab_searches_the_archive_and_one_more_than_max_sessions_is_refused(served):
    server = served("--max-sessions", "1")
    asyncio.run(_search_through_the_websocket(server))
    assert children(server.p.pid) == []
    server.stop()


def test_the_page_names_only_its_own_server(served):
    """The page textual-serve would serve loads its font from fonts.googleapis.com: baogao's loads
    the same font from the server's static folder, and every URL in it is the server's own."""
    import urllib.request

    server = served()
    page = urllib.request.urlopen(server.url, timeout=10).read().decode("utf-8")
    assert "googleapis" not in page and "fonts/RobotoMono-VariableFont_wght.ttf" in page
    for url in re.findall(r"""(?:src|href)=["']([^"']+)""", page) + re.findall(r"url\(['\"]?([^'\")]+)", page):
        assert url.startswith("/static/"), url
    font = urllib.request.urlopen(server.url + "static/fonts/RobotoMono-VariableFont_wght.ttf", timeout=10)
    assert font.status == 200 and len(font.read()) > 100_000
    assert f'data-session-websocket-url="ws://127.0.0.1:{server.port}/ws"' in page


async def _stop_with_a_tab_open(server: Served) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
            await Session(ws).until("搜索 search")
            (app,) = children(server.p.pid)
            started = time.monotonic()
            server.stop()  # SIGTERM: exit 0, and no app outlives it (Served.stop)
            assert time.monotonic() - started < 10 and not Path(f"/proc/{app}").exists()
            while (await ws.receive(timeout=10)).type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                pass  # what the app drew before it ended; then the socket closes
            assert ws.closed


def test_stopping_the_server_ends_the_apps_of_open_tabs(served):
    asyncio.run(_stop_with_a_tab_open(served()))


async def _foreign_requests(server: Served) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        # DNS rebinding: a site whose name now points at 127.0.0.1 names itself in Host
        async with http.get(server.url, headers={"Host": f"rebound.example:{server.port}"}) as page:
            assert page.status == 403 and "answers to 127.0.0.1 or localhost" in await page.text()
        async with http.get(f"http://localhost:{server.port}/") as page:
            assert page.status == 200 and f"ws://localhost:{server.port}/ws" in await page.text()  # the name it was asked by
        # a page of another site opening a session: its browser says so in Origin
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"ws://127.0.0.1:{server.port}/ws", origin="http://evil.example")
        assert refused.value.status == 403
    assert children(server.p.pid) == []


def test_only_this_servers_own_pages_open_a_session(served):
    asyncio.run(_foreign_requests(served()))


def test_the_session_command_survives_any_home_path(tmp_path):
    from cli.serve import session_command

    home = tmp_path / "it's a \"home\" $(echo no) `x`"
    words = shlex.split(session_command(home, "http://a:8983/solr,http://b:8983/solr", "c c"))
    assert words == ["exec", sys.executable, "-m", "cli", "--home", str(home), "--solr",
                     "http://a:8983/solr,http://b:8983/solr", "--collection", "c c", "ui", "--served"]


def _listener(host: str) -> socket.socket:
    s = socket.socket()
    s.bind((host, 0))
    s.listen()
    return s


def _serve_once(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", "--home", str(home), "serve", *args], cwd=ROOT,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


def test_a_port_in_use_is_one_line_naming_it(seeded_home):
    with _listener("127.0.0.1") as taken:
        port = taken.getsockname()[1]
        out = _serve_once(seeded_home.path, "--port", str(port))
    assert out.returncode == 3 and out.stdout == ""
    assert out.stderr.splitlines() == [f"baogao: port {port} on 127.0.0.1 is in use",
                                       "hint: Choose another with --port (or stop what listens there)."]


def test_any_host_but_this_machine_is_warned_about(seeded_home):
    """Another address serves the archive to whoever reaches it: said before listening (here on a
    port held already, so nothing is served)."""
    with _listener("0.0.0.0") as taken:
        port = taken.getsockname()[1]
        out = _serve_once(seeded_home.path, "--host", "0.0.0.0", "--port", str(port))
    first, second = out.stderr.splitlines()[:2]
    assert first.startswith("baogao: warning: serving on 0.0.0.0: anyone who can reach this machine's port "
                            f"{port} can read the archive") and f"ssh -L {port}:127.0.0.1:{port}" in first
    assert second == f"baogao: port {port} on 0.0.0.0 is in use" and out.returncode == 3


@pytest.mark.parametrize("args, needle", [
    (["--max-sessions", "0"], "--max-sessions"),
    (["--port", "70000"], "--port"),
    (["--host", "203.0.113.9", "--port", "0"], "--host"),  # an address not this machine's (TEST-NET-3)
])
def test_bad_options_are_usage_errors(seeded_home, args, needle):
    out = _serve_once(seeded_home.path, *args)
    assert out.returncode == 2 and needle in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert out.stdout == ""


def test_ui_still_needs_a_terminal_unless_served(seeded_home):
    out = subprocess.run([sys.executable, "-m", "cli", "--home", str(seeded_home.path), "ui"], cwd=ROOT,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "needs a terminal" in out.stderr
    assert "--served" not in subprocess.run([sys.executable, "-m", "cli", "ui", "--help"], cwd=ROOT,
                                            capture_output=True, text=True, timeout=60).stdout


# --- In a real browser ----------------------------------------------------------------------------------

def chromium() -> str | None:
    return next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)


class DevTools:
    """Chrome's DevTools protocol over its WebSocket: calls answered by id, events kept in order."""

    def __init__(self, ws):
        self.ws, self.next_id, self.waiting, self.events = ws, 0, {}, []
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            data = json.loads(msg.data)
            if "id" in data:
                future = self.waiting.pop(data["id"])
                if "error" in data:
                    future.set_exception(AssertionError(f"DevTools: {data['error']}"))
                else:
                    future.set_result(data.get("result", {}))
            else:
                self.events.append(data)

    async def call(self, method: str, session: str | None = None, **params):
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = future
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        await self.ws.send_str(json.dumps(message))
        return await asyncio.wait_for(future, 30)

    def stream(self) -> bytes:
        """What the page's WebSocket received: the app's terminal bytes, in order."""
        return b"".join(base64.b64decode(e["params"]["response"]["payloadData"]) for e in self.events
                        if e["method"] == "Network.webSocketFrameReceived" and e["params"]["response"]["opcode"] == 2)

    async def until(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while text not in (seen := screen_text(self.stream())):
            assert time.monotonic() < deadline, f"{text!r} never came to the page; the screen: {seen[-2000:]!r}"
            await asyncio.sleep(0.1)
        return seen

    def requested(self) -> list[str]:
        """Every URL the page asked for: documents, scripts, styles, fonts, images, WebSockets."""
        return [e["params"]["request"]["url"] if e["method"] == "Network.requestWillBeSent" else e["params"]["url"]
                for e in self.events if e["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated")]


async def _in_the_browser(binary: str, server: Served, profile: Path, shot: Path) -> list[str]:
    import aiohttp

    browser = subprocess.Popen(
        [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
         # nothing but 127.0.0.1 can even be looked up: a request elsewhere fails (and the log shows it)
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
         "--window-size=1400,900", f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        active = profile / "DevToolsActivePort"
        wait_for(lambda: active.exists() and len(active.read_text().split()) == 2 or browser.poll() is not None,
                 30, "Chromium's DevTools port")
        assert browser.poll() is None, "Chromium did not start"
        port, path = active.read_text().split()
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(f"ws://127.0.0.1:{port}{path}", max_msg_size=0) as ws:
                tools = DevTools(ws)
                target = (await tools.call("Target.createTarget", url="about:blank"))["targetId"]
                tab = (await tools.call("Target.attachToTarget", targetId=target, flatten=True))["sessionId"]
                await tools.call("Network.enable", tab)
                await tools.call("Page.enable", tab)
                await tools.call("Page.navigate", tab, url=server.url)
                drawn = await tools.until("搜索 search")
                assert TITLE not in drawn
                (app,) = wait_for(lambda: children(server.p.pid), 10, "the tab's app")

                # keystrokes, as a person types them: into xterm.js's input (it has the focus on a click)
                await tools.call("Runtime.evaluate", tab, expression="document.querySelector('.xterm-helper-textarea').focus()")
                await tools.call("Input.insertText", tab, text=QUERY)
                for kind in ("keyDown", "keyUp"):
                    await tools.call("Input.dispatchKeyEvent", tab, type=kind, key="Enter", code="Enter",
                                     windowsVirtualKeyCode=13, nativeVirtualKeyCode=13, **({"text": "\r"} if kind == "keyDown" else {}))
                await tools.until(TITLE)
                await asyncio.sleep(1.0)  # xterm.js paints on its next animation frames
                picture = await tools.call("Page.captureScreenshot", tab, format="png")
                shot.write_bytes(base64.b64decode(picture["data"]))

                await tools.call("Target.closeTarget", targetId=target)  # the tab closes: its app ends
                wait_for(lambda: not Path(f"/proc/{app}").exists() or _state(app) == "Z", 15, "the closed tab's app to end")
                tools.reader.cancel()
                return tools.requested()
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait()


@pytest.mark.slow
def test_the_app_in_headless_chromium(served, tmp_path):
    """The page loads with no request leaving 127.0.0.1; a query typed into it finds the hit, whose
    title comes down the terminal stream; a screenshot is kept (BAOGAO_SERVE_SHOT=PATH copies it
    there); closing the tab ends its app."""
    binary = chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("no chromium: CI installs it (.ci/run: apt-get install chromium chromium-driver)")
        pytest.skip("no chromium (apt-get install chromium)")
    server = served()
    shot = tmp_path / "serve.png"
    requested = asyncio.run(_in_the_browser(binary, server, Path(tempfile.mkdtemp(dir=tmp_path)), shot))
    own = (f"http://127.0.0.1:{server.port}/", f"ws://127.0.0.1:{server.port}/")
    assert requested and all(url.startswith(own) or url.startswith(("data:", "blob:", "about:")) for url in requested), requested
    assert server.url + "static/fonts/RobotoMono-VariableFont_wght.ttf" in requested  # the font, from here
    assert f"ws://127.0.0.1:{server.port}/ws" in [u.split("?")[0] for u in requested]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    if os.environ.get("BAOGAO_SERVE_SHOT"):
        shutil.copy(shot, os.environ["BAOGAO_SERVE_SHOT"])
    assert children(server.p.pid) == []
    server.stop()


def test_a_pages_terminal_size_is_kept_within_bounds(monkeypatch):
    """The width and height come from the page (its URL, then every resize it sends): a page asking
    for a 10⁹-column terminal gets the widest one allowed, and nonsense gets the default."""
    from cli.serve import HEIGHTS, WIDTHS, BoundedAppService

    told = []

    async def opened(self, width, height):
        told.append(("start", width, height))

    async def sent(self, meta):
        told.append((meta["type"], meta["width"], meta["height"]))

    monkeypatch.setattr(BoundedAppService, "_open_app_process", opened)
    monkeypatch.setattr(BoundedAppService, "run", lambda self: asyncio.sleep(0))
    monkeypatch.setattr(BoundedAppService, "send_meta", sent)

    async def session():
        service = BoundedAppService("true", write_bytes=None, write_str=None, close=None, download_manager=None)
        await service.start("1000000000", "abc")
        await service.set_terminal_size(-3, 10**12)
        await service.set_terminal_size(132, 43)
        await service.set_terminal_size(None, "40")

    asyncio.run(session())
    assert told == [("start", WIDTHS[1], 24), ("resize", WIDTHS[0], HEIGHTS[1]), ("resize", 132, 43),
                    ("resize", 80, 40)]
