"""A real SPARQL endpoint: serve, publish, remote queries, both engines agree.

Every server here is a real Oxigraph server on a free 127.0.0.1 port, started
by the test and stopped by it.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from decimal import Decimal

from rdflib import XSD, Graph, Literal
from rdflib.compare import isomorphic

from conftest import ROOT, run
from packtan.serve import Server, free_port
from packtan.query import read_query, run_endpoint, run_local

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
NUMERIC = {XSD.decimal, XSD.integer, XSD.double, XSD.float, XSD.int, XSD.long}


@pytest.fixture(scope="module")
def endpoint(built):
    with Server(built) as server:
        yield server


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_serve_answers_another_process_and_stops_cleanly(built, tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--dist", str(built)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == f"SPARQL endpoint (read-only): http://127.0.0.1:{port}/query"
        q = tmp_path / "count.rq"
        q.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n", encoding="utf-8")
        res = run("query", str(q), "--endpoint", f"http://127.0.0.1:{port}/query", "--format", "csv")
        assert res.returncode == 0, res.stderr
        expected = sum(1 for _ in (built / "packt-an.nt").open(encoding="utf-8"))
        assert res.stdout.splitlines() == ["n", str(expected)]
        # read-only: an update is refused
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/update",
            data=b"update=INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(req, timeout=10)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "stopped" in err
    deadline = time.monotonic() + 5
    while _port_open(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _port_open(port), "the server is still listening after Ctrl-C"


def test_serve_binds_loopback_by_default():
    from packtan.cli import _parser

    args = _parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"


def test_publish_round_trips_every_triple(built, tmp_path):
    with Server(None, writable=True) as target:
        graph = "https://w3id.org/packt-an/graph/test"
        state = str(tmp_path / "state.json")
        res = run("publish", "--endpoint", target.store_url, "--graph", graph, "--dist", str(built), "--state", state)
        assert res.returncode == 0, res.stderr
        n = sum(1 for _ in (built / "packt-an.nt").open(encoding="utf-8"))
        assert f"published {n} triples" in res.stderr
        # publishing again (--all: whatever the state says) replaces the graph instead of adding to it
        again = run("publish", "--endpoint", target.store_url, "--graph", graph, "--dist", str(built), "--state", state, "--all")
        assert again.returncode == 0 and f"published {n} triples" in again.stderr, again.stderr
        with urllib.request.urlopen(
            urllib.request.Request(
                f"{target.store_url}?graph={urllib.parse.quote(graph, safe='')}",
                headers={"Accept": "application/n-triples"},
            ),
            timeout=30,
        ) as resp:
            back = Graph().parse(data=resp.read().decode("utf-8"), format="nt")
        # Oxigraph writes numbers in canonical form ("482.00" comes back as
        # "482"): the same value, so compare with numbers made canonical
        assert isomorphic(_canonical_numbers(back), _canonical_numbers(Graph().parse(built / "packt-an.nt", format="nt")))


def test_publish_to_read_only_endpoint_fails_with_one_line(endpoint, built):
    res = run("publish", "--endpoint", endpoint.store_url, "--dist", str(built))
    assert res.returncode == 2
    assert res.stderr.startswith("error: ")
    assert "HTTP 4" in res.stderr or "HTTP 5" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_endpoint_http_error_exits_2(endpoint, tmp_path):
    q = tmp_path / "ask.rq"
    q.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    res = run("query", str(q), "--endpoint", endpoint.base + "/no-such-service")
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


def test_endpoint_timeout_exits_2(tmp_path):
    q = tmp_path / "ask.rq"
    q.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        port = silent.getsockname()[1]
        res = run("query", str(q), "--endpoint", f"http://127.0.0.1:{port}/query", "--timeout", "1")
    assert res.returncode == 2
    assert "did not answer within 1 s" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_select_ask_construct_remote(endpoint, tmp_path):
    sel = tmp_path / "sel.rq"
    sel.write_text(
        "PREFIX dcterms: <http://purl.org/dc/terms/>\nSELECT ?id WHERE { ?d dcterms:identifier ?id } ORDER BY ?id\n",
        encoding="utf-8",
    )
    res = run("query", str(sel), "--endpoint", endpoint.query_url, "--format", "csv")
    assert res.returncode == 0 and "17/7349" in res.stdout
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { <https://w3id.org/packt-an/id/doc/17-7349> ?p ?o }\n", encoding="utf-8")
    assert run("query", str(ask), "--endpoint", endpoint.query_url).stdout == "true\n"
    con = tmp_path / "con.rq"
    con.write_text(
        "CONSTRUCT { <https://w3id.org/packt-an/id/doc/17-7349> ?p ?o } "
        "WHERE { <https://w3id.org/packt-an/id/doc/17-7349> ?p ?o }\n",
        encoding="utf-8",
    )
    remote = run("query", str(con), "--endpoint", endpoint.query_url)
    local = run("query", str(con))
    assert remote.returncode == 0 and local.returncode == 0
    assert isomorphic(Graph().parse(data=remote.stdout, format="turtle"), Graph().parse(data=local.stdout, format="turtle"))


def _canonical_numbers(g: Graph) -> Graph:
    out = Graph()
    for s_, p_, o_ in g:
        if isinstance(o_, Literal) and o_.datatype in NUMERIC:
            o_ = Literal(str(Decimal(str(o_)).normalize()), datatype=o_.datatype)
        out.add((s_, p_, o_))
    return out


def _term_key(t):
    """Engines may write the same number differently ("5355.00", "5355"): compare values."""
    if isinstance(t, Literal) and t.datatype in NUMERIC:
        return ("number", str(t.datatype), Decimal(str(t)).normalize())
    return ("term", t.n3())


def _canon(answer):
    if answer.kind == "ASK":
        return answer.boolean
    if answer.kind == "CONSTRUCT":
        return sorted(tuple(_term_key(x) for x in t) for t in answer.graph)
    return [tuple((k, _term_key(row[k])) for k in sorted(row)) for row in answer.rows]


@pytest.mark.parametrize("path", QUERIES, ids=[p.name for p in QUERIES])
def test_every_query_agrees_across_engines(endpoint, project, path: Path):
    text = read_query(path)
    local = run_local(project.union, text)
    remote = run_endpoint(endpoint.query_url, text)
    assert local.kind == remote.kind
    if local.kind == "SELECT":
        assert local.vars == remote.vars
    assert _canon(local) == _canon(remote)
