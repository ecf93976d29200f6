"""The dumps: deterministic bytes and lossless round trips."""

from __future__ import annotations

import json

from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from conftest import run


def test_two_builds_are_byte_identical(built, tmp_path):
    other = tmp_path / "dist2"
    res = run("build", "--out", str(other), env={"PYTHONHASHSEED": "12345"})
    assert res.returncode == 0, res.stderr
    names = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(other).as_posix() for p in other.rglob("*") if p.is_file())
    for name in names:
        assert (built / name).read_bytes() == (other / name).read_bytes(), name


def _turtle(built) -> Graph:
    return Graph().parse(built / "packt-an.ttl", format="turtle")


def test_ntriples_round_trip(built):
    nt = Graph().parse(built / "packt-an.nt", format="nt")
    assert isomorphic(nt, _turtle(built))


def test_jsonld_round_trip(built):
    js = Graph().parse(built / "packt-an.jsonld", format="json-ld")
    assert isomorphic(js, _turtle(built))


def test_trig_round_trip_and_one_graph_per_source_file(built):
    ds = Dataset()
    ds.parse(built / "packt-an.trig", format="trig")
    union = Graph()
    names = set()
    for g in ds.graphs():
        if len(g):
            names.add(str(g.identifier))
        for t in g:
            union.add(t)
    assert isomorphic(union, _turtle(built))
    assert "https://w3id.org/packt-an/graph/ontology/packt-an" in names
    assert any(n.startswith("https://w3id.org/packt-an/graph/data/") for n in names)


def test_jsonld_reads_as_plain_json(built):
    doc = json.loads((built / "packt-an.jsonld").read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in doc["@graph"]}
    d = nodes["doc:17-7349"]
    assert d["type"] == "pa:Drucksache"
    assert d["identifier"] == "17/7349"
    assert d["title"]["de"] == "Packt Niedersachsen an?"
    assert doc["@context"]["receivedDate"]["@type"] == "xsd:date"
    assert d["receivedDate"] == "2017-02-01"
    ctx = json.loads((built / "context.jsonld").read_text(encoding="utf-8"))
    assert ctx["@context"] == doc["@context"]
