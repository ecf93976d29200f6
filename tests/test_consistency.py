"""The graph is consistent with the vocabularies it reuses.

tests/vocabularies/reused-axioms.ttl holds the axioms of PROV-O, ORG, FOAF,
SKOS, ELI, DCMI terms and schema.org that matter for the terms the graph
uses, each citing its specification. Loaded with the graph, their RDFS
closure must put no individual into two disjoint classes, must give no
literal to a property whose range is a class of resources, and must not
infer the types listed in FORBIDDEN (what the reused terms would wrongly
say about the document's things).
"""

from __future__ import annotations

import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import Namespace

from conftest import ROOT
from packtan.config import PA
from packtan.load import load_project, read_turtle

AXIOMS = ROOT / "tests" / "vocabularies" / "reused-axioms.ttl"
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SCHEMA = Namespace("https://schema.org/")

# (class of the individuals, type none of them may get)
FORBIDDEN = [
    (PA.Measure, PROV.Activity),  # a measure's description derives from passages: a prov:Entity
    (PA.Event, PROV.Activity),  # events carry prov:wasDerivedFrom too
    (PA.Passage, PROV.Activity),
    (PA.Alliance, ORG.FormalOrganization),  # ORG keeps a collaboration apart from a formal organisation
    (PA.Alliance, SKOS.Concept),  # eli:is_about has range skos:Concept
    (PA.Alliance, ORG.OrganizationalUnit),
    (PA.EventGroup, PA.Event),  # a group of events is not itself an event
    (PA.EventGroup, SCHEMA.Event),
    (PA.WorkingGroup, ORG.OrganizationalUnit),  # a unit is part of a formal organisation (ORG §5.1)
    (PA.RoundTable, ORG.OrganizationalUnit),
    (PA.SteeringCommittee, ORG.OrganizationalUnit),
]

# ranges that admit literals
LITERAL_RANGES = {RDFS.Literal, RDF.langString, RDF.PlainLiteral, RDFS.Resource}


def closure(graph: Graph) -> Graph:
    g = Graph()
    for t in graph:
        g.add(t)
    for t in read_turtle(AXIOMS):
        g.add(t)
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    return g


def disjoint_individuals(g: Graph) -> dict:
    pairs = set()
    for a, _p, b in g.triples((None, OWL.disjointWith, None)):
        pairs.add((a, b))
    clashes: dict = {}
    for a, b in pairs:
        for x in set(g.subjects(RDF.type, a)) & set(g.subjects(RDF.type, b)):
            clashes.setdefault(x, set()).add(tuple(sorted((str(a), str(b)))))
    return clashes


def literals_against_range(g: Graph) -> list:
    ranges: dict = {}
    for p, _r, c in g.triples((None, RDFS.range, None)):
        if c not in LITERAL_RANGES and not str(c).startswith(str(XSD)):
            ranges.setdefault(p, set()).add(c)
    bad = []
    for p, classes in ranges.items():
        for s, o in g.subject_objects(p):
            if isinstance(o, Literal):
                bad.append((s, p, o, sorted(classes)))
    return bad


def forbidden_types(g: Graph) -> list:
    bad = []
    for cls, forbidden in FORBIDDEN:
        for x in g.subjects(RDF.type, cls):
            if (x, RDF.type, forbidden) in g:
                bad.append((x, forbidden))
    return bad


@pytest.fixture(scope="module")
def closed():
    return closure(load_project(with_shapes=False).union)


def test_axioms_cite_their_specification():
    text = AXIOMS.read_text(encoding="utf-8")
    for spec in ("https://www.w3.org/TR/prov-o/", "https://www.w3.org/TR/vocab-org/", "http://xmlns.com/foaf/spec/",
                 "https://www.w3.org/TR/skos-reference/", "http://data.europa.eu/eli/ontology#",
                 "https://www.dublincore.org/specifications/dublin-core/dcmi-terms/"):
        assert spec in text, spec
    # every axiom is preceded by a comment: no block of axioms without one
    blocks = [b for b in text.split("\n\n") if b.strip() and not b.lstrip().startswith("@prefix")]
    for block in blocks:
        assert block.lstrip().startswith("#"), f"axioms without a comment citing the spec:\n{block}"


def test_no_individual_in_two_disjoint_classes(closed):
    clashes = disjoint_individuals(closed)
    assert not clashes, f"{len(clashes)} individuals in disjoint classes, e.g. " + "; ".join(
        f"{x} {sorted(c)}" for x, c in sorted(clashes.items())[:5]
    )


def test_no_literal_where_a_range_asks_for_a_resource(closed):
    bad = literals_against_range(closed)
    assert not bad, bad[:10]


def test_no_type_the_document_does_not_mean(closed):
    bad = forbidden_types(closed)
    assert not bad, bad[:10]


def test_the_checks_can_fail():
    """The checks find what they look for (on a graph made to break them)."""
    ex = Namespace("https://example.org/")
    g = Graph()
    g.add((ex.m, RDF.type, PA.Measure))
    g.add((ex.m, PROV.wasDerivedFrom, ex.p))
    g.add((ex.m, PROV.wasAssociatedWith, ex.o))  # makes it an activity too
    g.add((ex.d, URIRef("http://purl.org/dc/terms/creator"), Literal("someone")))
    g.add((ex.a, RDF.type, PA.Alliance))
    g.add((ex.u, ORG.unitOf, ex.a))
    c = closure(g)
    assert ex.m in disjoint_individuals(c)
    assert {t[0] for t in literals_against_range(c)} == {ex.d}
    assert (ex.a, ORG.FormalOrganization) in forbidden_types(c)
    assert (ex.m, PROV.Activity) in forbidden_types(c)
