"""Every property the data uses is constrained for every class that uses it.

For each class of data/ and each predicate its instances use, the node
shapes that apply to the class (sh:targetClass the class or one of its
superclasses in the vocabulary; the shapes that target subjects of a
predicate) must hold a property shape on that predicate with a value type:
sh:datatype, sh:class, sh:nodeKind or sh:in (directly, or in every branch of
an sh:or). Where the vocabulary or the reused specification says a resource
has one value only, one of these property shapes also has sh:maxCount 1.
"""

from __future__ import annotations

import re

import pytest
from rdflib import OWL, RDF, RDFS, SH, Graph, Literal, URIRef
from rdflib.collection import Collection

from packtan import config
from packtan.load import load_project

VALUE_TYPES = (SH.datatype, SH["class"], SH.nodeKind, SH["in"])

# Reused properties that take one value only, with the reason.
ONE_VALUE = {
    "schema:startDate": "one start (schema.org: the start date and time of the item)",
    "schema:endDate": "one end",
    "schema:validFrom": "one beginning of validity",
    "schema:validThrough": "one end of validity",
    "schema:value": "a figure states one value",
    "schema:currency": "one currency per amount",
    "schema:foundingDate": "one founding date",
    "schema:name": "one name as printed",
    "dcterms:identifier": "the paper's one number",
    "dcterms:issued": "one date of issue",
    "dcterms:date": "one date (of a law's adoption)",
    "foaf:name": "one name as printed",
    "foaf:givenName": "one given name as printed",
    "foaf:familyName": "one family name as printed",
    "org:member": "ORG §5.4: a membership relates one agent",
    "org:organization": "ORG §5.4: to one organisation",
    "org:role": "ORG §5.4: in one role",
    "org:postIn": "a post is in one organisation",
    "skos:topConceptOf": "each concept is top concept of its one scheme",
    "skos:inScheme": "each concept is in its one scheme",
}


def _own_one_value(onto: Graph) -> set[URIRef]:
    """Own properties whose English comment says 'exactly one' or 'the one'."""
    out = set()
    for p in set(onto.subjects(RDF.type, OWL.ObjectProperty)) | set(onto.subjects(RDF.type, OWL.DatatypeProperty)):
        for c in onto.objects(p, RDFS.comment):
            if isinstance(c, Literal) and c.language == "en" and re.search(r"\b(exactly one|the one)\b", str(c)):
                out.add(p)
    return out


def _superclasses(onto: Graph, cls) -> set:
    seen, todo = set(), [cls]
    while todo:
        c = todo.pop()
        if c in seen:
            continue
        seen.add(c)
        todo.extend(onto.objects(c, RDFS.subClassOf))
    return seen


def _typed(shapes: Graph, prop) -> bool:
    if any((prop, t, None) in shapes for t in VALUE_TYPES):
        return True
    for alt in shapes.objects(prop, SH["or"]):
        branches = list(Collection(shapes, alt))
        if branches and all(any((b, t, None) in shapes for t in VALUE_TYPES) for b in branches):
            return True
    return False


def property_report(project, data_triples) -> tuple[list, list]:
    """(pairs without a value type, pairs without sh:maxCount 1 where one value only)."""
    shapes, onto, g = project.shapes, project.ontology, project.union
    nm = g.namespace_manager
    by_target: dict = {}
    generic = []
    for node in shapes.subjects(RDF.type, SH.NodeShape):
        for c in shapes.objects(node, SH.targetClass):
            by_target.setdefault(c, []).append(node)
        if (node, SH.targetSubjectsOf, None) in shapes:
            generic.append(node)
    used: set = set()
    for s, p, _o in data_triples:
        if p == RDF.type:
            continue
        for c in g.objects(s, RDF.type):
            used.add((c, p))
    one_value = _own_one_value(onto) | {URIRef(config.PREFIXES[k.split(":")[0]] + k.split(":")[1]) for k in ONE_VALUE}
    untyped, unbounded = [], []
    for c, p in sorted(used):
        nodes = list(generic)
        for sup in _superclasses(onto, c):
            nodes += by_target.get(sup, [])
        props = [ps for n in nodes for ps in shapes.objects(n, SH.property) if shapes.value(ps, SH.path) == p]
        name = (nm.normalizeUri(c), nm.normalizeUri(p))
        if not any(_typed(shapes, ps) for ps in props):
            untyped.append(name)
        if p in one_value and not any(shapes.value(ps, SH.maxCount) == Literal(1) for ps in props):
            unbounded.append(name)
    return untyped, unbounded


@pytest.fixture(scope="module")
def report():
    project = load_project()
    data = [t for triples in project.file_triples.values() for t in triples]  # data/shared/ and data/<NN-NNNN>/
    return property_report(project, data)


def test_every_property_of_every_class_has_a_value_type(report):
    untyped, _ = report
    assert not untyped, f"{len(untyped)} (class, property) pairs without a value type: {untyped}"


def test_one_value_only_where_the_vocabulary_says_so(report):
    _, unbounded = report
    assert not unbounded, f"{len(unbounded)} (class, property) pairs without sh:maxCount 1: {unbounded}"
