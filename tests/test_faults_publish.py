"""Fault injection for `publish`: fake Graph Stores that misbehave.

Each fake store is a small real HTTP server on 127.0.0.1 in a thread of the
test. It takes the PUT like a store and answers the GET in its own wrong
way: an error status, one triple changed, a triple missing, a drip-fed
body, headers that never end, garbage, a wrong content type, a redirect.
`publish` must exit 2 with one line (`error: …`, no traceback) every time,
and succeed against the fakes that behave: one that gives back exactly what
it got, and one that writes numbers in canonical form as Oxigraph does.
"""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
import urllib.parse
from contextlib import contextmanager
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from conftest import assert_one_error_line, run
from packtan.serve import free_port

NT = "application/n-triples"
DECIMAL = re.compile(r'"([0-9.+-]+)"\^\^<http://www\.w3\.org/2001/XMLSchema#decimal>')


def _canonical_decimals(body: bytes) -> bytes:
    """Decimals as Oxigraph writes them: "482.00" -> "482", "4424.50" -> "4424.5"."""
    def canon(m):
        value = format(Decimal(m.group(1)).normalize(), "f")
        return f'"{value}"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    return DECIMAL.sub(canon, body.decode("utf-8")).encode("utf-8")


def _change_one_object(body: bytes) -> bytes:
    lines = body.decode("utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        m = DECIMAL.search(line)
        if m:
            lines[i] = line.replace(m.group(0), m.group(0).replace(m.group(1), m.group(1) + "1", 1))
            return "".join(lines).encode("utf-8")
    return body  # a graph without decimals comes back as it went; the next one with decimals does not


def _retype_one_decimal(body: bytes) -> bytes:
    """The same digits as an xsd:integer: the same value, another datatype."""
    text = body.decode("utf-8")
    m = re.search(r'"(\d+)\.00"\^\^<http://www\.w3\.org/2001/XMLSchema#decimal>', text)
    if not m:  # not in this graph: the next graph with a whole-euro decimal
        return body
    return text.replace(m.group(0), f'"{m.group(1)}"^^<http://www.w3.org/2001/XMLSchema#integer>', 1).encode("utf-8")


def _change_one_language(body: bytes) -> bytes:
    text = body.decode("utf-8")
    i = text.find('"@de .')
    if i < 0:
        return body
    return (text[:i] + '"@en .' + text[i + len('"@de .'):]).encode("utf-8")


def _drop_one_triple(body: bytes) -> bytes:
    return b"".join(body.splitlines(keepends=True)[1:])


def _add_one_triple(body: bytes) -> bytes:
    return body + b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"


def _one_subject_a_blank_node(body: bytes) -> bytes:
    first, rest = body.split(b"\n", 1)
    return b"_:b0 " + first.split(b" ", 1)[1] + b"\n" + rest


class _Store(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, behaviour: str):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour = behaviour
        self.stored = b""  # the last graph put
        self.puts: list[tuple[str, bytes]] = []  # (graph IRI, body) of every PUT
        self.stopping = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str = NT, extra: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        store: _Store = self.server
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        b = store.behaviour
        if b == "put-500":
            return self._send(500, b"Internal Server Error: disk on fire\nsecond line\n", "text/plain")
        if b == "put-redirect":
            return self._send(301, b"", "text/plain", {"Location": "http://127.0.0.1:1/elsewhere"})
        if b == "put-403":
            return self._send(403, b"read-only store", "text/plain")
        store.stored = body
        graph = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("graph", [""])[0]
        store.puts.append((graph, body))
        self._send(204, b"", "text/plain")

    def do_GET(self):
        store: _Store = self.server
        b, body = store.behaviour, store.stored
        if b in ("echo", "put-500", "put-403", "put-redirect"):
            return self._send(200, body)
        if b == "echo-charset":
            return self._send(200, body, "application/n-triples; charset=utf-8")
        if b == "canonical":
            return self._send(200, _canonical_decimals(body))
        if b == "duplicated":
            return self._send(200, body + body)
        transform = {
            "one-changed": _change_one_object,
            "one-retyped": _retype_one_decimal,
            "one-language": _change_one_language,
            "one-missing": _drop_one_triple,
            "one-extra": _add_one_triple,
            "blank-node": _one_subject_a_blank_node,
            "empty": lambda _b: b"",
        }
        if b in transform:
            return self._send(200, transform[b](body))
        if b == "get-500":
            return self._send(500, b"oops", "text/plain")
        if b == "get-404":
            return self._send(404, b"no such graph", "text/plain")
        if b == "get-redirect":
            return self._send(302, b"", "text/plain", {"Location": "/other"})
        if b == "garbage":
            return self._send(200, b"<html><body>Welcome to our store!</body></html>\n")
        if b == "not-utf8":
            return self._send(200, body.replace(b"\xc3\xa4", b"\xe4"))  # a latin-1 umlaut
        if b == "html-type":
            return self._send(200, body, "text/html")
        if b == "turtle-type":
            return self._send(200, body, "text/turtle")
        if b == "latin1-charset":
            return self._send(200, body, "application/n-triples; charset=iso-8859-1")
        if b == "no-type":
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        if b == "drip":  # every byte in time for any per-socket timeout, never done
            self.send_response(200)
            self.send_header("Content-Type", NT)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self._drip(body, lambda chunk: self.wfile.write(chunk))
            return
        if b == "slow-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self._drip(b"X-Padding: " + b"a" * 100000, lambda chunk: self.wfile.write(chunk))
            return
        if b == "silent":
            store.stopping.wait(120)
            return
        if b == "cut-short":  # promises the whole body, sends half and hangs up
            self.send_response(200)
            self.send_header("Content-Type", NT)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        if b == "huge":  # valid N-Triples without end, as fast as it goes
            self.send_response(200)
            self.send_header("Content-Type", NT)
            self.end_headers()
            line = b"<https://example.org/s> <https://example.org/p> \"" + b"x" * 1000 + b"\" .\n"
            try:
                while not store.stopping.is_set():
                    self.wfile.write(line * 100)
            except OSError:
                pass
            self.close_connection = True
            return
        if b == "not-http":
            self.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n")
            self.close_connection = True
            return
        raise AssertionError(f"unknown behaviour {b}")

    def _drip(self, data: bytes, write) -> None:
        store: _Store = self.server
        try:
            for i in range(len(data)):
                if store.stopping.is_set():
                    break
                write(data[i : i + 1])
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass
        self.close_connection = True


@contextmanager
def fake_store(behaviour: str):
    server = _Store(behaviour)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store", server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


_STATE: list = []


@pytest.fixture(autouse=True)
def _state_file(tmp_path):
    """Each test publishes with its own state file (none yet: every graph is pushed)."""
    _STATE[:] = [tmp_path / "publish-state.json"]
    yield


def publish(built, endpoint: str, *extra: str) -> subprocess.CompletedProcess:
    return run("publish", "--endpoint", endpoint, "--dist", str(built), "--state", str(_STATE[0]), *extra, timeout=120)


@pytest.fixture(scope="module")
def named(built) -> dict[str, Graph]:
    """The build's named graphs, as rdflib reads the TriG dump."""
    ds = Dataset()
    ds.parse(built / "packt-an.trig", format="trig")
    return {str(g.identifier): g for g in ds.graphs() if len(g) and isinstance(g.identifier, URIRef)}


# ---------------------------------------------------------------- stores that behave

@pytest.mark.parametrize("behaviour", ["echo", "echo-charset", "canonical", "duplicated"])
def test_publish_accepts_a_store_that_gives_back_the_same_graph(built, named, behaviour):
    with fake_store(behaviour) as (url, store):
        res = publish(built, url)
        assert res.returncode == 0, res.stderr
    assert [g for g, _body in store.puts] == sorted(named)  # each named graph once, in order
    for graph, body in store.puts:
        assert isomorphic(Graph().parse(data=body.decode("utf-8"), format="nt"), named[graph]), graph
    assert f"published {sum(len(g) for g in named.values())} triples" in res.stderr


def test_publish_one_graph_pushes_the_whole_build_into_it(built):
    graph = "https://w3id.org/packt-an/graph/test"
    with fake_store("echo") as (url, store):
        res = publish(built, url, "--graph", graph)
        assert res.returncode == 0, res.stderr
    assert [g for g, _body in store.puts] == [graph]
    expected = sorted({line for line in (built / "packt-an.nt").read_text(encoding="utf-8").splitlines() if line.strip()})
    assert store.stored.decode("utf-8").splitlines() == expected
    assert f"published {len(expected)} triples" in res.stderr


def test_a_store_that_cannot_say_whether_it_holds_a_graph_gets_every_graph(built, named):
    """The fakes answer HEAD with 501 (not implemented): publish does not
    trust its state then, and pushes every graph again."""
    with fake_store("echo") as (url, store):
        assert publish(built, url).returncode == 0
        store.puts.clear()
        res = publish(built, url)
        assert res.returncode == 0, res.stderr
    assert [g for g, _body in store.puts] == sorted(named)
    assert res.stdout.count("HEAD answered HTTP 501") == len(named), res.stdout


def test_the_canonical_fake_really_rewrites_numbers(built):
    body = (built / "packt-an.nt").read_bytes()
    assert _canonical_decimals(body) != body  # else the test above would prove nothing


# ---------------------------------------------------------------- stores that do not

@pytest.mark.parametrize(
    "behaviour, needle",
    [
        ("one-changed", "1 of "),
        ("one-retyped", "1 of "),
        ("one-language", "1 of "),
        ("one-missing", "1 of "),
        ("one-extra", "1 not pushed"),
        ("empty", "missing"),
        ("blank-node", "different graph"),
    ],
)
def test_publish_fails_when_the_graph_read_back_differs(built, behaviour, needle):
    with fake_store(behaviour) as (url, _store):
        line = assert_one_error_line(publish(built, url), url, "different graph", needle)
    if behaviour == "one-changed":
        assert "schema.org/value" in line  # names the triple that did not come back


@pytest.mark.parametrize(
    "behaviour, needle",
    [
        ("put-500", "HTTP 500"),
        ("put-403", "HTTP 403"),
        ("get-500", "HTTP 500"),
        ("get-404", "HTTP 404"),
        ("put-redirect", "redirect"),
        ("get-redirect", "redirect"),
        ("garbage", "not N-Triples"),
        ("not-utf8", "not UTF-8"),
        ("html-type", "text/html"),
        ("turtle-type", "text/turtle"),
        ("no-type", "Content-Type"),
        ("latin1-charset", "charset"),
        ("cut-short", "no valid HTTP answer"),
        ("not-http", "no valid HTTP answer"),
        ("huge", "larger than"),
    ],
)
def test_publish_fails_with_one_line_on_a_broken_store(built, behaviour, needle):
    with fake_store(behaviour) as (url, _store):
        assert_one_error_line(publish(built, url), url, needle)


@pytest.mark.parametrize("behaviour", ["drip", "slow-headers", "silent"])
def test_one_deadline_stops_a_store_that_never_finishes(built, behaviour):
    """The drip-fed answers send a byte every 50 ms: a per-socket timeout
    would never fire; the overall deadline of --timeout 3 does."""
    with fake_store(behaviour) as (url, _store):
        assert_one_error_line(publish(built, url, "--timeout", "3"), url, "within 3 s", "--timeout")


def test_refused_connection(built):
    url = f"http://127.0.0.1:{free_port()}/store"
    assert_one_error_line(publish(built, url), url, "connection refused")


def test_a_listener_that_never_accepts_hits_the_deadline(built):
    with socket.socket() as s:  # a full backlog: connect itself hangs
        s.bind(("127.0.0.1", 0))
        s.listen(0)
        url = f"http://127.0.0.1:{s.getsockname()[1]}/store"
        fillers = []
        try:
            for _ in range(4):
                c = socket.socket()
                c.setblocking(False)
                c.connect_ex(s.getsockname())
                fillers.append(c)
            assert_one_error_line(publish(built, url, "--timeout", "2"), url)
        finally:
            for c in fillers:
                c.close()


# ---------------------------------------------------------------- arguments

@pytest.mark.parametrize(
    "endpoint, needle",
    [
        ("notaurl", "not a URL"),
        ("http://[::1/store", "not a valid URL"),
        ("ftp://127.0.0.1/store", "scheme ftp"),
        ("file:///tmp/store", "scheme file"),
        ("http:///store", "no host"),
        ("http://127.0.0.1:99999/store", "not a valid URL"),
        ("http://127.0.0.1/st ore", "not a URL"),
        ("", "not a URL"),
        ("http://user:secret@127.0.0.1/store", "password"),
        ("http://127.0.0.1/store#x", "fragment"),
    ],
)
def test_bad_endpoint_is_refused_before_anything_is_sent(built, endpoint, needle):
    assert_one_error_line(publish(built, endpoint), "--endpoint", needle)


@pytest.mark.parametrize("graph", ["relative/graph", "graph", "https://example.org/a graph", "_:b0", "<https://example.org/g>", ""])
def test_bad_graph_iri_is_refused(built, graph):
    with fake_store("echo") as (url, store):
        assert_one_error_line(publish(built, url, "--graph", graph), "--graph", "absolute IRI")
        assert store.stored == b""  # nothing was sent


@pytest.mark.parametrize("timeout", ["-1", "0", "nan", "inf"])
def test_bad_timeout_is_refused(built, timeout):
    with fake_store("echo") as (url, store):
        assert_one_error_line(publish(built, url, "--timeout", timeout), "--timeout")
        assert store.stored == b""


def test_publish_does_not_build_into_a_bad_dist(tmp_path):
    """A --dist that is somebody's folder is not built into; publish says so."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("keep\n", encoding="utf-8")
    with fake_store("echo") as (url, store):
        res = run("publish", "--endpoint", url, "--dist", str(mine))
        assert_one_error_line(res, str(mine))
        assert store.stored == b""
    assert sorted(p.name for p in mine.iterdir()) == ["keep.txt"]
