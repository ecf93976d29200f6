"""`publish` against a real writable Oxigraph server: one named graph per
named graph of the build, and only what changed since the last publish.

The expected graphs come from the build's TriG dump read with rdflib (not
with the code under test); a store is wiped with SPARQL 1.1 Update's
`DROP ALL`; a graph that no longer holds is asked for with a HEAD, which
the Graph Store Protocol answers with 404.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Dataset, Graph, URIRef

from conftest import assert_one_error_line, run
from packtan.publish import graphs_from_named, graphs_from_trig, publish_graphs
from packtan.serve import Server

EXTRA = '<https://w3id.org/packt-an/id/test/s> <http://www.w3.org/2000/01/rdf-schema#comment> "geändert"@de .\n'
GONE = "https://w3id.org/packt-an/graph/doc/90-0001"


@pytest.fixture(scope="module")
def expected(built) -> dict[str, int]:
    """{graph IRI: number of triples} of the build's named graphs, as rdflib reads the TriG."""
    ds = Dataset()
    ds.parse(built / "packt-an.trig", format="trig")
    counts = {str(g.identifier): len(g) for g in ds.graphs() if len(g) and isinstance(g.identifier, URIRef)}
    assert len(counts) >= 3  # facts, vocabulary, catalogue at least: else the tests prove little
    return counts


@pytest.fixture
def store():
    with Server(None, writable=True) as server:
        yield server


def publish(built, store, state, *extra):
    return run("publish", "--endpoint", store.store_url, "--dist", str(built), "--state", str(state), *extra, timeout=300)


def lines(res, kind: str) -> list[str]:
    """The graphs of the lines `kind  <IRI> …` on stdout."""
    return [line.split()[1].strip("<>") for line in res.stdout.splitlines() if line.split()[:1] == [kind]]


def held(store, graph: str) -> int | None:
    """Triples the store holds in `graph` (None: no such graph)."""
    url = f"{store.store_url}?graph={urllib.parse.quote(graph, safe='')}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/n-triples"}), timeout=60) as resp:
            return len(Graph().parse(data=resp.read().decode("utf-8"), format="nt"))
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def update(store, text: str) -> None:
    req = urllib.request.Request(store.update_url, data=text.encode("utf-8"), method="POST", headers={"Content-Type": "application/sparql-update"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        assert resp.status in (200, 204)


def ok(res):
    out = res.stdout + res.stderr
    assert res.returncode == 0, out
    assert "Traceback" not in out, out
    return res


def test_first_publish_pushes_every_graph_then_none(built, store, tmp_path, expected):
    state = tmp_path / "state.json"
    first = ok(publish(built, store, state))
    assert lines(first, "pushed") == sorted(expected)  # every graph, in a stable order
    assert lines(first, "unchanged") == []
    assert f"published {sum(expected.values())} triples" in first.stderr
    for graph, n in expected.items():
        assert held(store, graph) == n
    assert held(store, "https://w3id.org/packt-an/graph/17-7349") is None  # nothing in one big graph
    recorded = json.loads(state.read_text(encoding="utf-8"))
    assert recorded["endpoint"] == store.store_url and sorted(recorded["graphs"]) == sorted(expected)

    second = ok(publish(built, store, state))
    assert lines(second, "pushed") == []
    assert lines(second, "unchanged") == sorted(expected)
    assert "0 graphs pushed" in second.stderr

    again = ok(publish(built, store, state, "--all"))
    assert lines(again, "pushed") == sorted(expected)


def test_only_the_changed_graph_is_pushed(built, store, tmp_path, expected):
    state = tmp_path / "state.json"
    graphs = graphs_from_trig(built / "packt-an.trig")
    said: list[str] = []
    first = publish_graphs(store.store_url, graphs, state, say=said.append)
    assert sorted(first.pushed) == sorted(expected)
    changed = sorted(expected)[0]
    edited = dict(graphs)
    edited[changed] = graphs[changed] + EXTRA
    said.clear()
    second = publish_graphs(store.store_url, edited, state, say=said.append)
    assert second.pushed == [changed]
    assert sorted(second.unchanged) == sorted(set(expected) - {changed})
    assert len(said) == len(expected)
    assert held(store, changed) == expected[changed] + 1
    # and the command line, from the build, puts the graph back as built
    res = ok(publish(built, store, state))
    assert lines(res, "pushed") == [changed]
    assert held(store, changed) == expected[changed]


def test_a_wiped_store_gets_every_graph_again(built, store, tmp_path, expected):
    state = tmp_path / "state.json"
    ok(publish(built, store, state))
    update(store, "DROP ALL")
    assert all(held(store, g) is None for g in expected)
    res = ok(publish(built, store, state))
    assert lines(res, "pushed") == sorted(expected)
    assert "not on the store any more" in res.stdout
    for graph, n in expected.items():
        assert held(store, graph) == n


def test_one_graph_dropped_is_the_one_pushed(built, store, tmp_path, expected):
    state = tmp_path / "state.json"
    ok(publish(built, store, state))
    dropped = sorted(expected)[-1]
    update(store, f"DROP GRAPH <{dropped}>")
    res = ok(publish(built, store, state))
    assert lines(res, "pushed") == [dropped]
    assert held(store, dropped) == expected[dropped]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "\xff\xfe binary",
        "[]",
        json.dumps({"format": "something else", "graphs": {}}),
        json.dumps({"format": "packt-an publish state 1", "endpoint": "http://127.0.0.1:1/store", "graphs": {}}),
        json.dumps({"format": "packt-an publish state 1", "endpoint": "ENDPOINT", "graphs": ["a"]}),
        json.dumps({"format": "packt-an publish state 1", "endpoint": "ENDPOINT", "graphs": {"g": 1}}),
    ],
)
def test_a_corrupt_or_foreign_state_file_means_push_everything(built, store, tmp_path, expected, content):
    state = tmp_path / "state.json"
    ok(publish(built, store, tmp_path / "first.json"))  # the store already holds every graph
    state.write_bytes(content.replace("ENDPOINT", store.store_url).encode("latin-1"))
    res = ok(publish(built, store, state))
    assert lines(res, "pushed") == sorted(expected)
    notices = [line for line in res.stderr.splitlines() if line.startswith("notice:")]
    assert len(notices) == 1 and str(state) in notices[0] and "pushing every graph" in notices[0], res.stderr
    # the state is the good one now: the next publish pushes nothing
    assert lines(ok(publish(built, store, state)), "pushed") == []


def test_prune_deletes_a_graph_gone_from_the_build_and_nothing_else(built, store, tmp_path, expected):
    state = tmp_path / "state.json"
    graphs = graphs_from_trig(built / "packt-an.trig")
    publish_graphs(store.store_url, {**graphs, GONE: EXTRA}, state)  # a document that was published once
    assert held(store, GONE) == 1

    kept = ok(publish(built, store, state))
    assert lines(kept, "deleted") == [] and lines(kept, "stale") == [GONE]
    assert held(store, GONE) == 1  # without --prune nothing is deleted
    assert all(held(store, g) == n for g, n in expected.items())

    pruned = ok(publish(built, store, state, "--prune"))
    assert lines(pruned, "deleted") == [GONE]
    assert lines(pruned, "pushed") == []
    assert held(store, GONE) is None
    assert all(held(store, g) == n for g, n in expected.items())
    assert GONE not in json.loads(state.read_text(encoding="utf-8"))["graphs"]
    assert lines(ok(publish(built, store, state, "--prune")), "deleted") == []


def test_the_state_is_kept_when_a_publish_fails(built, tmp_path, expected):
    state = tmp_path / "state.json"
    with Server(None, writable=True) as store:
        ok(publish(built, store, state))
        before = state.read_bytes()
        url = store.store_url
    res = run("publish", "--endpoint", url, "--dist", str(built), "--state", str(state), "--all")
    assert_one_error_line(res, url, "connection refused")
    assert state.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]  # no temporary file left


def test_a_state_that_is_a_folder_is_refused_before_anything_is_sent(built, store, tmp_path, expected):
    res = publish(built, store, tmp_path)
    assert_one_error_line(res, "--state", str(tmp_path), "not a regular file")
    assert all(held(store, g) is None for g in expected)


def test_the_graphs_of_the_dump_are_the_named_graphs_of_the_project(built, project, expected):
    """publish reads the build's TriG; it holds exactly `Project.named`, graph by graph."""
    from_dump = graphs_from_trig(built / "packt-an.trig")
    assert from_dump == graphs_from_named(project.named)
    assert {g: text.count("\n") for g, text in from_dump.items()} == expected
