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
    # one graph for data/shared/ and one per document (data/17-7349/ with its derived selectors)
    assert {"https://w3id.org/packt-an/graph/shared", "https://w3id.org/packt-an/graph/doc/17-7349"} <= names
    assert not any(n.startswith("https://w3id.org/packt-an/graph/data/") for n in names)


def test_jsonld_reads_as_plain_json(built):
    doc = json.loads((built / "packt-an.jsonld").read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in doc["@graph"]}
    d = nodes["doc:17-7349"]
    assert d["type"] == "pa:Drucksache"
    assert d["identifier"] == "17/7349"
    assert d["title"]["de"] == "Packt Niedersachsen an?"
    assert doc["@context"]["receivedDate"]["@type"] == "xsd:date"
    assert d["receivedDate"] == "2017-02-01"
    # the context published on its own reads the plain JSON as the whole graph
    ctx = json.loads((built / "context.jsonld").read_text(encoding="utf-8"))
    doc["@context"] = ctx["@context"]
    from_plain_json = Graph().parse(data=json.dumps(doc), format="json-ld")
    assert isomorphic(from_plain_json, Graph().parse(built / "packt-an.nt", format="nt"))


def test_dataset_describes_itself(built):
    from rdflib import Literal, Namespace, URIRef

    VOID = Namespace("http://rdfs.org/ns/void#")
    DCAT = Namespace("http://www.w3.org/ns/dcat#")
    DCT = Namespace("http://purl.org/dc/terms/")
    g = Graph().parse(built / "void.ttl", format="turtle")
    d = URIRef("https://w3id.org/packt-an/dataset")
    triples = sum(1 for line in (built / "packt-an.nt").open(encoding="utf-8") if line.strip())
    assert int(g.value(d, VOID.triples)) == triples
    assert {l.language for l in g.objects(d, DCT.title)} == {"de", "en"}
    assert {l.language for l in g.objects(d, DCT.description)} == {"de", "en"}
    assert g.value(d, DCT.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert g.value(d, DCT.source) == URIRef("https://w3id.org/packt-an/id/doc/17-7349")
    assert g.value(d, DCT.publisher) is not None
    assert str(g.value(d, VOID.sparqlEndpoint)) == "https://w3id.org/packt-an/sparql"  # the public base, never loopback
    media = {str(g.value(x, DCAT.mediaType)).rsplit("/media-types/", 1)[-1] for x in g.objects(d, VOID.dataDump)}
    assert media == {"text/turtle", "application/n-triples", "application/ld+json", "application/trig"}
    vocabularies = {str(v) for v in g.objects(d, VOID.vocabulary)}
    assert {"https://w3id.org/packt-an/vocab#", "http://www.w3.org/ns/prov#", "https://schema.org/"} <= vocabularies
    # the class partition counts what the graph holds
    events = [p for p in g.objects(d, VOID.classPartition) if g.value(p, VOID["class"]) == URIRef("https://w3id.org/packt-an/vocab#RegionalConference")]
    assert len(events) == 1 and g.value(events[0], VOID.entities) == Literal(12)
    # each property partition counts the triples of its property in the N-Triples dump
    from collections import Counter

    in_dump = Counter(line.split(" ", 2)[1][1:-1] for line in (built / "packt-an.nt").open(encoding="utf-8") if line.strip())
    partitions = {str(g.value(p, VOID.property)): int(g.value(p, VOID.triples)) for p in g.objects(d, VOID.propertyPartition)}
    assert partitions == dict(in_dump)


def test_ntriples_are_rdflibs_lines_whichever_writer_writes_them():
    """Oxigraph writes the N-Triples where its lines are rdflib's; a literal with a
    tab or another control character (which Oxigraph escapes and rdflib does not),
    or typed xsd:string, is written by rdflib: the same bytes either way."""
    from rdflib import XSD, Literal, URIRef

    from packtan.dumps import _Sorted, to_ntriples

    s, p = URIRef("https://w3id.org/packt-an/id/x"), URIRef("https://w3id.org/packt-an/vocab#note")
    cases = [
        [(s, p, Literal("Grüße „zitiert“ \"quoted\" back\\slash\nline", lang="de"))],
        [(s, p, Literal("75739.24", datatype=XSD.decimal)), (s, p, URIRef("https://w3id.org/packt-an/id/y"))],
        [(s, p, Literal("a\tb"))],
        [(s, p, Literal("bell\x07"))],
        [(s, p, Literal("typed", datatype=XSD.string))],
    ]
    for triples in cases:
        g = Graph()
        for t in triples:
            g.add(t)
        expected = "".join(sorted({line + "\n" for line in g.serialize(format="nt").splitlines() if line.strip()}))
        assert to_ntriples(g, _Sorted(triples)) == expected, triples
        assert to_ntriples(g) == expected
