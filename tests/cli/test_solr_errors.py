"""A --solr URL that is no SolrCloud (issue 29): a port out of range, a web server answering HTML, a
server answering broken JSON. `publish` and a read command each say so in one line naming the URL,
exit 3 — no traceback, no raw HTML. A tiny HTTP server in a thread: no Solr needed."""

import http.server
import threading

import pytest

from tests.conftest import run_cli

HTML = b"<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body><h1>It works</h1></body></html>\n"


def _server(status: int, ctype: str, body: bytes):
    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()  # (shutdown waits a poll)
    return server


SERVERS = {
    "html": (200, "text/html", HTML),  # a web server that is not Solr, answering every path
    "html-404": (404, "text/html", HTML),  # one that knows no /solr
    "broken-json": (200, "application/json;charset=utf-8", b'{"responseHeader":{"status":0,"QTime":1},"response":{"num'),
    "other-json": (200, "application/json", b'{"status": "ok", "service": "not solr"}'),  # some other JSON API
}


@pytest.fixture(params=sorted(SERVERS))
def bad_url(request):
    server = _server(*SERVERS[request.param])
    yield f"http://127.0.0.1:{server.server_address[1]}/solr"
    server.shutdown()
    server.server_close()


def one_line(r) -> str:
    """The error line of a failed command (stderr: `baogao: …`, at most a hint after it)."""
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 3, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and lines and lines[0].startswith("baogao: "), r.stderr
    assert len(lines) == 1 or len(lines) == 2 and lines[1].startswith("hint: "), r.stderr
    assert "<html" not in r.stderr.lower() and "nginx" not in r.stderr and "It works" not in r.stderr, r.stderr  # no raw HTML
    return lines[0]


def test_a_server_that_is_not_solr_is_one_line_for_publish_and_for_a_read(bad_url, _seeded_home, tmp_path):
    line = one_line(run_cli(_seeded_home, "publish", "--solr", bad_url))
    assert bad_url in line and "answers, but not as Solr" in line, line
    line = one_line(run_cli(tmp_path / "nowhere", "search", "六双", "--solr", bad_url))
    assert bad_url in line and "answers, but not as Solr" in line, line
    r = run_cli(tmp_path / "nowhere", "list", "--solr", bad_url, "--json")
    assert r.returncode == 3 and r.stdout.startswith('{"error"') and "nginx" not in r.stdout, r.stdout


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/solr", "http://127.0.0.1:-1/solr", "http://127.0.0.1:port/solr",
                                 "http://[::1/solr"])
def test_a_url_with_a_bad_port_is_one_line_for_publish_and_for_a_read(url, _seeded_home, tmp_path):
    for r in (run_cli(_seeded_home, "publish", "--solr", url), run_cli(tmp_path / "nowhere", "search", "六双", "--solr", url),
              run_cli(tmp_path / "nowhere", "--solr", url, "list")):
        line = one_line(r)
        assert "is not a Solr node URL" in line and url in line, line
    assert not (tmp_path / "nowhere").exists()
