"""Fault injection against `serve`: abuse, overload, crashes and signals.

Every server here is the real front and the real Oxigraph engine on free
127.0.0.1 ports; every probe target is a listener of the test on loopback.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import ROOT
from packtan.serve import WORKDIR_PREFIX, Options, Server, free_port

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


class Listener:
    """A loopback TCP listener that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, TimeoutError, OSError):
                continue
            self.hits += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._t.join(2)
        self.sock.close()


def request(server, method, path, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def get_query(server, text, accept="text/csv", timeout=30):
    return request(server, "GET", "/query?" + urllib.parse.urlencode({"query": text}), headers={"Accept": accept}, timeout=timeout)


def post_form(server, text, accept="text/csv", timeout=30):
    return request(
        server,
        "POST",
        "/query",
        urllib.parse.urlencode({"query": text}),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        timeout=timeout,
    )


def post_direct(server, text, accept="text/csv"):
    return request(server, "POST", "/query", text.encode(), {"Content-Type": "application/sparql-query", "Accept": accept})


def triples(built: Path) -> int:
    return sum(1 for _ in (built / "packt-an.nt").open(encoding="utf-8"))


def assert_answers(server, built):
    status, _h, body = post_form(server, COUNT)
    assert status == 200, body
    assert body.decode().split() == ["n", str(triples(built))]


@pytest.fixture(scope="module")
def server(built):
    with Server(built, options=Options(timeout=3)) as s:
        yield s


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


# --- abuse: requests that must not reach the engine ----------------------------

SSRF = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:PORT/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:PORT/sparql> { ?s ?p ?o } }",
    "select * where { service <http://127.0.0.1:PORT/sparql> { ?s ?p ?o } }",
    "PREFIX x: <http://127.0.0.1:PORT/>\nSELECT * WHERE { SERVICE x:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:PORT/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:PORT/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o # comment\n SERVICE <http://127.0.0.1:PORT/sparql> { ?a ?b ?c } }",
    "ASK { SERVICE <http://127.0.0.1:PORT/sparql> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:PORT/sparql> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("how", ["get", "form", "direct"])
@pytest.mark.parametrize("k", range(len(SSRF)))
def test_federated_query_is_refused_and_nothing_is_fetched(server, listener, how, k):
    text = SSRF[k].replace("PORT", str(listener.port))
    status, headers, body = {"get": get_query, "form": post_form, "direct": post_direct}[how](server, text)
    assert status == 400, body
    assert b"refused" in body
    assert headers.get("Access-Control-Allow-Origin") == "*"
    time.sleep(0.2)
    assert listener.hits == 0, "the endpoint sent a request to the probe"


def test_allow_listed_service_is_passed_on(built, listener):
    target = f"http://127.0.0.1:{listener.port}/sparql"
    with Server(built, options=Options(allow_service=frozenset({target}), timeout=5)) as s:
        status, _h, body = post_form(s, f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}")
        assert b"refused" not in body
        deadline = time.monotonic() + 5
        while listener.hits == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listener.hits >= 1, "the allow-listed endpoint was not called"


def test_load_in_an_update_is_refused_on_a_writable_endpoint(built, listener):
    with Server(None, writable=True) as s:
        body = f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>".encode()
        status, _h, out = request(s, "POST", "/update", body, {"Content-Type": "application/sparql-update"})
        assert status == 400 and b"LOAD" in out
        time.sleep(0.2)
        assert listener.hits == 0


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }",
        "SELECT * WHERE { " + "OPTIONAL { " * 500 + "?s ?p ?o" + " }" * 500 + " }",
    ],
    ids=["groups", "parentheses", "optionals"],
)
def test_deep_query_is_refused_and_the_endpoint_still_answers(server, built, text):
    status, _h, body = post_form(server, text)
    assert status == 400 and b"nested deeper" in body
    assert_answers(server, built)


def test_oversized_requests(server, built):
    big = COUNT + " #" + "x" * (100 * 1024)
    for send in (post_form, post_direct, get_query):
        status, _h, body = send(server, big)
        assert status in (400, 413, 414) and (b"larger than" in body or status == 414), (send.__name__, status, body)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:  # announces 1 GB, sends none
        s.sendall(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1073741824\r\n\r\n")
        assert b" 413 " in s.recv(1024).split(b"\r\n")[0]
    assert_answers(server, built)


def test_malformed_requests_get_clear_answers(server, built):
    assert request(server, "GET", "/query")[0] == 400  # no query
    two = urllib.parse.urlencode([("query", COUNT), ("query", COUNT)])
    assert request(server, "GET", "/query?" + two)[0] == 400
    assert request(server, "POST", "/query", b"x", {"Content-Type": "text/plain"})[0] == 415
    assert request(server, "POST", "/query", b"query=%FF%FE", {"Content-Type": "application/x-www-form-urlencoded"})[0] == 400
    assert request(server, "POST", "/query", b"\xff\xfe", {"Content-Type": "application/sparql-query"})[0] == 400
    assert request(server, "DELETE", "/query")[0] == 405
    assert request(server, "GET", "/no/such/path")[0] == 404
    assert request(server, "GET", "/../../etc/passwd")[0] == 404
    status, _h, body = get_query(server, "SELEKT nothing")
    assert status == 400 and body  # the engine's parse error, passed on
    assert_answers(server, built)


def test_post_without_length_is_refused(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n")
        assert b" 411 " in s.recv(1024).split(b"\r\n")[0]


def test_garbage_and_idle_connections_do_not_block_others(server, built):
    idle = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(8)]
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as g:
            g.sendall(b"\x00\x01GARBAGE\r\n\r\n")
            g.recv(1024)
        assert_answers(server, built)
    finally:
        for s in idle:
            s.close()


def test_read_only_refuses_writes(server):
    update = urllib.parse.urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    assert request(server, "POST", "/update", update, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert request(server, "PUT", "/store?default", b"<urn:a> <urn:b> <urn:c> .", {"Content-Type": "application/n-triples"})[0] == 403
    assert request(server, "DELETE", "/store?default")[0] == 403


def test_cors_for_reads(server):
    status, headers, _b = get_query(server, COUNT)
    assert status == 200 and headers.get("Access-Control-Allow-Origin") == "*"
    status, headers, _b = request(server, "OPTIONS", "/query", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"})
    assert status == 204
    assert "POST" in headers["Access-Control-Allow-Methods"] and "Content-Type" in headers["Access-Control-Allow-Headers"]
    status, headers, _b = request(server, "GET", "/store?default", headers={"Accept": "application/n-triples"})
    assert status == 200 and headers.get("Access-Control-Allow-Origin") == "*"


def test_result_size_is_capped(built):
    with Server(built, options=Options(max_result_bytes=10_000)) as s:
        status, _h, body = post_form(s, "SELECT * WHERE { ?s ?p ?o }")
        assert status == 400 and b"larger than 10000 bytes" in body
        assert_answers(s, built)


# --- overload: time limit and concurrency ---------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _engine_pids() -> list[int]:
    """Every running Oxigraph engine of this test process's servers."""
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().split(b"\0")
            state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and any(b"oxigraph" in c for c in cmd[:1]) and any(f"{WORKDIR_PREFIX}{os.getpid()}-".encode() in c for c in cmd):
            pids.append(int(d.name))
    return pids


def test_abandoned_heavy_query_is_stopped_at_the_time_limit(built):
    with Server(built, options=Options(timeout=2)) as s:
        first = s.engine.proc.pid
        with pytest.raises((socket.timeout, TimeoutError)):
            post_form(s, HEAVY, timeout=0.5)  # the client gives up at once
        time.sleep(3.5)  # the time limit, and some margin
        assert not Path(f"/proc/{first}").exists() or Path(f"/proc/{first}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        busy = {pid: _cpu_seconds(pid) for pid in _engine_pids()}
        time.sleep(1.0)
        used = sum(_cpu_seconds(pid) - t for pid, t in busy.items() if Path(f"/proc/{pid}").exists())
        assert used < 0.3, f"the engine still burns CPU ({used:.2f} s in 1 s)"
        assert_answers(s, built)


def test_heavy_query_gets_503_and_others_are_served(built):
    with Server(built, options=Options(timeout=2, max_concurrent=4)) as s:
        status, _h, body = post_form(s, HEAVY)
        assert status == 503 and b"longer than 2 s" in body and b"stopped" in body
        assert_answers(s, built)


def test_queries_beyond_the_limit_wait_then_get_503(built):
    with Server(built, options=Options(timeout=4, max_concurrent=1, queue_wait=0.5)) as s:
        results = {}
        t = threading.Thread(target=lambda: results.setdefault("heavy", post_form(s, HEAVY)))
        t.start()
        time.sleep(0.5)
        status, headers, body = post_form(s, COUNT)
        assert status == 503 and "Retry-After" in headers and b"busy" in body
        t.join(30)
        assert results["heavy"][0] == 503
        assert_answers(s, built)


# --- crashes ------------------------------------------------------------------------


def test_engine_killed_is_restarted(built):
    with Server(built) as s:
        old = s.engine.proc.pid
        os.kill(old, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while (s.engine.proc is None or s.engine.proc.pid == old or not s.engine.ready.is_set()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert s.engine.proc.pid != old
        assert_answers(s, built)


def test_engine_that_keeps_dying_makes_serve_give_up(built):
    with Server(built) as s:
        s.engine.max_restarts = 2
        for _ in range(3):
            assert s.engine.ready.wait(20)
            pid = s.engine.proc.pid
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 20
            while s.engine.ready.is_set() and not s.stopped.is_set() and time.monotonic() < deadline:
                time.sleep(0.02)
        assert s.stopped.wait(20)
        assert "giving up" in (s.failure or "")
        assert post_form(s, COUNT)[0] == 503


# --- signals: the engine dies with serve ----------------------------------------------


def _start_serve(built, port, **popen):
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--dist", str(built)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
    line = proc.stdout.readline()
    assert line.startswith("SPARQL endpoint"), line + proc.stderr.read()
    return proc


def _children_of(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(d.name))
    return out


def _gone(pids, port, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [p for p in pids if Path(f"/proc/{p}").exists() and Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
        with socket.socket() as c:
            c.settimeout(0.2)
            listening = c.connect_ex(("127.0.0.1", port)) == 0
        if not alive and not listening:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["TERM", "HUP", "INT"])
def test_signal_stops_serve_and_its_engine(built, sig):
    port = free_port()
    proc = _start_serve(built, port)
    engines = _children_of(proc.pid)
    assert engines, "no engine process found"
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert _gone(engines, port)
    assert not list(Path("/tmp").glob(f"{WORKDIR_PREFIX}{proc.pid}-*")), "the temporary store was left behind"


def test_ctrl_c_works_when_started_with_sigint_ignored(built):
    """A background job of a script starts with SIGINT ignored; serve still stops on it."""
    port = free_port()
    proc = _start_serve(built, port, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    engines = _children_of(proc.pid)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert _gone(engines, port)


def test_kill_9_of_serve_leaves_no_engine_and_the_next_serve_cleans_up(built):
    port = free_port()
    proc = _start_serve(built, port)
    engines = _children_of(proc.pid)
    assert engines
    proc.kill()
    proc.wait(10)
    assert _gone(engines, port), "the engine outlived serve"
    left = list(Path("/tmp").glob(f"{WORKDIR_PREFIX}{proc.pid}-*"))
    with Server(built) as _again:
        assert not any(p.exists() for p in left), "the next serve did not remove the stale store"


def test_serve_on_ipv6_loopback(built):
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    with Server(built, host="::1") as s:
        assert s.query_url.startswith("http://[::1]:")
        conn = http.client.HTTPConnection("::1", s.port, timeout=30)
        conn.request("POST", "/query", urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}),
                     {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
        resp = conn.getresponse()
        assert resp.status == 200 and b"true" in resp.read()
        conn.close()


def test_a_query_in_flight_survives_another_querys_time_limit(built):
    """The engine restart that stops one query retries the others that were running."""
    with Server(built, options=Options(timeout=2, max_concurrent=4)) as s:
        slow_but_fine = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d <https://schema.org/startDate> ?f }"
        results = {}
        t = threading.Thread(target=lambda: results.setdefault("heavy", post_form(s, HEAVY)))
        t.start()
        time.sleep(1.5)
        status, _h, body = post_form(s, slow_but_fine)
        t.join(30)
        assert results["heavy"][0] == 503
        assert status in (200, 503), body  # answered, or itself over the limit, never a 502
