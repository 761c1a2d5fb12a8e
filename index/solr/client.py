"""SolrCloud, spoken over HTTP: the one room that knows Solr's requests, query syntax and fields.

A client holds the node URLs (`--solr`, BAOGAO_SOLR) and fails over between them: a request goes to
the node that last answered, and on a refused connection or a node error to the next. The collection
holds one document per section, per report and one for the published state (solr/configset/schema.xml):
the section's normalized text in a field of characters and character pairs (a phrase of the needle's
pairs matches exactly where it stands), its words (our own segmenter's) for BM25, and, stored, what
Python rebuilds the section from. Solr proposes; Python confirms with the local engine's code."""

from __future__ import annotations

import http.client
import io
import json
import re
import string
import time
import zipfile
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from ..errors import CollectionMissing, SolrError

CONFIGSET = Path(__file__).with_name("configset")
GENERATION_DIGITS = 17  # a published collection is <alias>_<YYYYMMDDhhmmssfff> (UTC): publish names it
GENERATION = re.compile(r".+_\d{%d}" % GENERATION_DIGITS)
PAGE = 1000  # documents a cursor page fetches
TIMEOUT = 60  # seconds a request may take before the next node is tried
SETTLING = 20  # seconds to keep trying while nodes answer but cannot serve (a replica recovering)
LABEL_FIELDS = "heading,hlevel,path"  # its heading: what a heading: filter reads, or showing it
TEXT_FIELDS = "sid,norm,offsets,paragraphs"  # what showing it reads


def nodes_of(text: str) -> list[str]:
    """The node URLs of a comma-separated list (`--solr`), each up to its /solr."""
    urls = [u.strip().rstrip("/") for u in (text or "").split(",") if u.strip()]
    if not urls:
        raise SolrError("no Solr node given", "Give --solr http://HOST:PORT/solr[,…] or set BAOGAO_SOLR.")
    for u in urls:
        try:  # urlsplit and .port raise on a bad IPv6 bracket or a port out of 0-65535
            parts = urlsplit(u)
            parts.port
        except ValueError as e:
            raise SolrError(f"'{u}' is not a Solr node URL ({e})", "Write it as http://HOST:PORT/solr.") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SolrError(f"'{u}' is not a Solr node URL", "Write it as http://HOST:PORT/solr.")
    return urls


class SolrClient:
    def __init__(self, nodes: list[str], collection: str = "baogao"):
        self.nodes = list(nodes)
        self.collection = collection
        self._good = 0  # the node that last answered
        self._conns: dict[int, http.client.HTTPConnection] = {}

    # -- transport -----------------------------------------------------------------------------
    def _send(self, k: int, method: str, path: str, body: bytes | None, ctype: str) -> tuple[int, str, bytes]:
        parts = urlsplit(self.nodes[k])
        conn = self._conns.get(k)
        if conn is None:
            cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            conn = self._conns[k] = cls(parts.hostname, parts.port, timeout=TIMEOUT)
        headers = {"Content-Type": ctype} if body is not None else {}
        try:
            conn.request(method, parts.path + path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.getheader("Content-Type") or "", resp.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self._conns.pop(k, None)
            raise

    def request(self, path: str, params: dict | list | None = None, body: bytes | None = None,
                ctype: str = "application/json") -> dict:
        """One request, to the node that last answered and failing that to each other in turn. A
        node that refuses, times out, answers a server error or answers what is not Solr's JSON (a
        web server that is not Solr) is passed over; a 4xx (a bad request) is said at once.
        Parameters go in the body of a POST (a long query stays within URL limits)."""
        query = urlencode(list(params.items()) if isinstance(params, dict) else (params or []))
        if body is None:
            method, path, body, ctype = "POST", path, query.encode(), "application/x-www-form-urlencoded"
        else:
            method, path = "POST", path + ("?" + query if query else "")
        end = time.monotonic() + SETTLING
        while True:
            errors: list[str] = []
            strangers: list[str] = []  # nodes that answered, but not as Solr
            out = self._try_each(method, path, body, ctype, errors, strangers)
            if out is not None:
                return out
            if strangers and len(strangers) == len(errors):  # waiting will not make them Solr
                raise SolrError("; ".join(strangers), "Check --solr / BAOGAO_SOLR: each URL is a Solr node's, "
                                "up to its /solr (http://HOST:PORT/solr).")
            answered = any(" HTTP " in e for e in errors)  # a node is up but cannot serve yet
            if not answered or time.monotonic() > end:  # all refused: the cluster is down, say so now
                raise SolrError(f"no Solr node answered ({'; '.join(errors)})",
                                "Check --solr / BAOGAO_SOLR and that the cluster runs.", unreachable=not answered)
            time.sleep(0.5)

    def _try_each(self, method, path, body, ctype, errors, strangers) -> dict | None:
        n = len(self.nodes)
        for i in range(n):
            k = (self._good + i) % n
            try:
                status, rtype, data = self._send(k, method, path, body, ctype)
            except (OSError, http.client.HTTPException) as e:
                errors.append(f"{self.nodes[k]}: {e.__class__.__name__}")
                continue
            answer = _solr_json(data)
            if answer is None and status < 500:
                # Solr answers JSON, but for a collection it does not hold its Jetty says 404 in HTML:
                # a node that answers its admin API in JSON is Solr, and lacks the collection.
                if status == 404 and self._collection_of(path) and self._is_solr(k):
                    raise CollectionMissing(self._collection_of(path))
                said = f"{self.nodes[k]} answers, but not as Solr (HTTP {status}, {_what(rtype, data)})"
                errors.append(said)
                strangers.append(said)
                continue
            if status >= 500 or status in (404, 503) and b"no servers hosting" in data.lower():
                errors.append(f"{self.nodes[k]}: HTTP {status} {_message(answer, rtype, data)}")
                continue
            self._good = k
            if status >= 400:
                raise SolrError(f"Solr refused a request ({status}): {_message(answer, rtype, data)}")
            return answer
        return None

    @staticmethod
    def _collection_of(path: str) -> str | None:
        """The collection a request's path names (/NAME/select), or None for the admin API."""
        first = path.lstrip("/").split("/", 1)[0].split("?", 1)[0]
        return None if first in ("admin", "") else first

    def _is_solr(self, k: int) -> bool:
        try:
            status, _, data = self._send(k, "POST", "/admin/collections", b"action=LIST&wt=json",
                                         "application/x-www-form-urlencoded")
        except (OSError, http.client.HTTPException):
            return False
        answer = _solr_json(data)
        return status == 200 and answer is not None and "collections" in answer

    def collection_path(self, handler: str) -> str:
        return f"/{self.collection}/{handler}"

    # -- reading ---------------------------------------------------------------------------------
    def select(self, params: dict) -> dict:
        return self.request(self.collection_path("select"), {"wt": "json", **params})

    def stream(self, q: str, fq=(), fl: str = "id", extra: dict | None = None, sort: str = "id asc"):
        """Every document matching `q` and the filters, page by page (cursorMark: a deep result set
        costs as much per page as the first)."""
        cursor = "*"
        while True:
            params = [("q", q), ("fl", fl), ("rows", PAGE), ("sort", sort), ("cursorMark", cursor), ("wt", "json")]
            params += [("fq", f) for f in fq] + list((extra or {}).items())
            out = self.request(self.collection_path("select"), params)
            yield from out["response"]["docs"]
            nxt = out.get("nextCursorMark")
            if not nxt or nxt == cursor:
                return
            cursor = nxt

    # -- writing ---------------------------------------------------------------------------------
    def update(self, commands: str, commit: bool = False) -> None:
        """Send JSON update commands (a body of several "add"/"delete" keys, as Solr reads them)."""
        self.request(self.collection_path("update"), {"commit": "true"} if commit else {}, body=commands.encode())

    def commit(self) -> None:
        self.request(self.collection_path("update"), {"commit": "true", "waitSearcher": "true"}, body=b"{}")

    # -- the collection --------------------------------------------------------------------------
    def collections(self) -> list[str]:
        return self.request("/admin/collections", {"action": "LIST", "wt": "json"}).get("collections", [])

    def aliases(self) -> dict[str, str]:
        """Each alias of the cluster and the collection(s) it names (comma-separated)."""
        return self.request("/admin/collections", {"action": "LISTALIASES", "wt": "json"}).get("aliases", {})

    def live(self) -> str | None:
        """The collection readers of `self.collection` read: the one the alias of that name points
        to, or a plain collection of that name (published before aliases), or None."""
        target = self.aliases().get(self.collection)
        if target:
            return target
        return self.collection if self.collection in self.collections() else None

    def generations(self, names) -> list[str]:
        """Those of `names` that are this alias's collections (`<name>_<UTC time to the ms>`, as
        `publish` names them), oldest first."""
        return sorted(n for n in names if GENERATION.fullmatch(n) and n[:-GENERATION_DIGITS - 1] == self.collection)

    def new_generation(self) -> str:
        """A name for the collection a publish fills, after every earlier one (UTC time, to the ms)."""
        return f"{self.collection}_{time.strftime('%Y%m%d%H%M%S', time.gmtime())}{time.time_ns() // 1_000_000 % 1000:03d}"

    def prepare(self, shards: int, replicas: int) -> None:
        """Upload the configset shipped with baogao (under the collection's name), then create the
        collection from it — or, if it exists, reload it, so that a newer schema applies."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for f in sorted(CONFIGSET.iterdir()):
                z.write(f, f.name)
        name = self.collection
        self.request("/admin/configs", {"action": "UPLOAD", "name": name, "overwrite": "true"}, body=buf.getvalue(),
                     ctype="application/octet-stream")
        if name in self.collections():
            self.request("/admin/collections", {"action": "RELOAD", "name": name, "wt": "json"})
        else:
            self.request("/admin/collections", {"action": "CREATE", "name": name, "collection.configName": name,
                                                "numShards": shards, "replicationFactor": replicas,
                                                "waitForFinalState": "true", "wt": "json"})

    def switch(self, alias: str) -> None:
        """Point the alias `alias` at this collection: one atomic change in ZooKeeper (CREATEALIAS
        replaces an alias of that name), after which every reader of `alias` reads this one."""
        self.request("/admin/collections", {"action": "CREATEALIAS", "name": alias, "collections": self.collection,
                                            "wt": "json"})

    def delete_collection(self, name: str) -> None:
        """Delete the collection `name` and the configset of that name (each publish uploads its own)."""
        if name in self.collections():
            try:
                self.request("/admin/collections", {"action": "DELETE", "name": name, "wt": "json"})
            except SolrError as e:  # listed, yet gone by the DELETE: a CREATE killed half-way (seen in a test)
                if "Could not find collection" not in str(e):
                    raise
        self.delete_configset(name)

    def delete_configset(self, name: str) -> None:
        if name in self.configsets():
            self.request("/admin/configs", {"action": "DELETE", "name": name, "wt": "json"})

    def configsets(self) -> list[str]:
        return self.request("/admin/configs", {"action": "LIST", "wt": "json"}).get("configSets", [])

    def index_bytes(self) -> int:
        """The collection's index on disk, every replica counted (the cores' sizes, node by node)."""
        total, name = 0, self.live()
        for node in self.nodes:
            one = SolrClient([node], self.collection)
            cores = one.request("/admin/cores", {"action": "STATUS", "wt": "json"})["status"]
            total += sum(c["index"]["sizeInBytes"] for c in cores.values()
                         if c.get("cloud", {}).get("collection") == name)
        return total

    def drop(self) -> None:
        """Delete the alias and every collection it has named (tests and benchmarks clean up after
        themselves), or the plain collection of that name."""
        if self.collection in self.aliases():
            self.request("/admin/collections", {"action": "DELETEALIAS", "name": self.collection, "wt": "json"})
        for name in self.generations(self.collections()) + [self.collection]:
            self.delete_collection(name)

    def wait_active(self, seconds: float = 60) -> None:
        """Until every shard of the collection has an active leader (after a node comes back)."""
        end = time.monotonic() + seconds
        while True:
            name = self.live()  # (the collection the alias names)
            status = self.request("/admin/collections", {"action": "CLUSTERSTATUS", "collection": name})
            shards = status["cluster"]["collections"][name]["shards"]
            if all(any(r.get("state") == "active" and r.get("leader") == "true" for r in s["replicas"].values())
                   for s in shards.values()):
                return
            if time.monotonic() > end:
                raise SolrError(f"collection {self.collection} has a shard without an active leader")
            time.sleep(0.2)


def _solr_json(data: bytes) -> dict | None:
    """A response's JSON as Solr writes it (an object with its responseHeader), or None: a web page,
    broken JSON, or JSON of something that is not Solr."""
    try:
        answer = json.loads(data)
    except ValueError:  # (UnicodeDecodeError is one too)
        return None
    return answer if isinstance(answer, dict) and "responseHeader" in answer else None


def _what(ctype: str, data: bytes) -> str:
    """What a server answered instead of Solr's JSON, in a few words (never its raw text: it may be a
    page of HTML)."""
    kind = ctype.split(";")[0].strip().lower()
    if "html" in kind or data.lstrip()[:1] == b"<":
        return "an HTML page"
    if "json" in kind or data.lstrip()[:1] in (b"{", b"["):
        return "broken JSON" if _json_or_none(data) is None else "JSON that is not Solr's"
    return f"{len(data)} bytes of {kind or 'unknown type'}"


def _json_or_none(data: bytes):
    try:
        return json.loads(data)
    except ValueError:
        return None


def _message(answer: dict | None, ctype: str = "", data: bytes = b"") -> str:
    """Solr's error message, on one line; or what came instead of it."""
    try:
        msg = answer["error"]["msg"]
        return " ".join((msg[:msg.find("<html")] if "<html" in msg else msg).split())[:300]  # (a shard's page quoted)
    except (KeyError, TypeError, AttributeError):
        return f"({_what(ctype, data)})" if answer is None else "(no message)"


# -- query syntax ------------------------------------------------------------------------------------
_SPECIAL = set('+-&|!(){}[]^"~*?:\\/ ')


def escape(text: str) -> str:
    """`text` as one term of Lucene's query syntax: its special characters and whitespace (the parser
    also cuts at a tab or an ideographic space, U+3000) escaped."""
    return "".join("\\" + c if c in _SPECIAL or c.isspace() else c for c in text)


# The shape of the documents `publish` writes; a collection of another format is refused (publish
# it again). 4: the normalized text keeps its marks; the `loose` field holds it without them. 5: the
# filter fields fold A-Z only (a query term of 5 would miss what 4 indexed folded: every report is sent again).
FORMAT = 7  # 6: the state carries the section table (index.solr.corpus); 7: the title rule of the home's format 5


def text_field(loose: bool) -> str:
    """The field of a section's normalized text: as printed, or with its marks dropped."""
    return "loose" if loose else "norm"


def phrase(needle: str, loose: bool = False) -> tuple[str, dict]:
    """A query for the sections whose normalized text (with `loose`, without its marks) holds
    `needle` (passed as a parameter: no escaping can go wrong), and its parameters."""
    return "{!field f=%s v=$needle}" % text_field(loose), {"needle": needle}


def any_of(field: str, values) -> tuple[str, dict]:
    """A query for the documents whose `field` is one of `values` (ids, report ids: any characters
    but a newline), and its parameters."""
    return "{!terms f=%s separator=$sep v=$values}" % field, {"sep": "\n", "values": "\n".join(map(str, values))}


def occurrences(needle: str, loose: bool = False) -> str | None:
    """A field list entry giving each section's occurrences of `needle` (as `str.count` counts:
    non-overlapping) from the index's term statistics, where one term is the needle — one
    character, or a pair of two different ones (a pair like 哈哈 overlaps itself: counted on the
    text). None for longer needles."""
    if len(needle) == 1 or len(needle) == 2 and needle[0] != needle[1]:
        return f"tf:termfreq({text_field(loose)},$needle)"
    return None


def all_words(words: list[str]) -> str:
    """The sections holding every word (a repeated word counts again in the score, as Whoosh's And)."""
    return " ".join(f"+words:{escape(w)}" for w in words)


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def condition_query(c) -> str:
    """One filter (index.filters.Condition) as a Solr clause with the meaning `store.where` gives it
    in SQL: a year range, a level, or a value inside the region, report id (prefix) or title, or heading."""
    if c.field == "year":
        return f"year:[{c.low if c.low is not None else '*'} TO {c.high if c.high is not None else '*'}]"
    if c.field == "level":
        return f"level:{escape(c.text)}"
    # A-Z only, as LIKE and the lc fields fold: str.lower() made ΩMEGA and ＧＤＰ miss (test_filters_both:
    # "greek upper", "full-width latin")
    value = escape(c.text.translate(_ASCII_LOWER))
    if c.field == "region":
        return f"region_lc:*{value}*"
    if c.field == "report":
        return f"(report_lc:{value}* OR title_lc:*{value}*)"
    if c.field == "heading":
        return f"heading_lc:*{value}*"
    raise SolrError(f"no Solr clause for the filter {c.field}:")


EVERYTHING = "*:*"
SECTIONS = "kind:section"
REPORTS = "kind:report"
STATE_ID = "_state"
