"""dist/shapes.de.ttl and shapes.en.ttl load in engines that take one sh:message per constraint (Jena)."""

from __future__ import annotations

from pyshacl import validate
from rdflib import RDF, SH, Graph, Literal, URIRef

from conftest import ROOT
from packtan.jena_shapes import TEXTS
from packtan.load import load_project


def _paths(g: Graph) -> set:
    return {
        (node, g.value(ps, SH.path))
        for node in g.subjects(RDF.type, SH.NodeShape)
        if isinstance(node, URIRef)
        for ps in g.objects(node, SH.property)
        if isinstance(g.value(ps, SH.path), URIRef)
    }


def test_one_language_per_file_and_the_same_shapes(built):
    shapes = load_project().shapes
    for lang in ("de", "en"):
        g = Graph().parse(built / f"shapes.{lang}.ttl", format="turtle")
        for s in set(g.subjects(SH.message, None)):
            messages = list(g.objects(s, SH.message))
            assert len(messages) == 1, (s, messages)
        for p in TEXTS:
            assert {o.language for o in g.objects(None, p) if isinstance(o, Literal)} <= {lang}, p
        assert set(g.subjects(RDF.type, SH.NodeShape)) == set(shapes.subjects(RDF.type, SH.NodeShape))
        assert _paths(g) == _paths(shapes)


def test_the_one_language_shapes_find_what_the_shapes_find(built):
    fixture = ROOT / "tests/shapes/EventShape/invalid-two-start-dates.ttl"
    project = load_project([fixture])
    _c, full, _t = validate(project.union, shacl_graph=project.shapes, inference="none")

    def found(report):
        return {(report.value(r, SH.focusNode), report.value(r, SH.sourceConstraintComponent), report.value(r, SH.resultPath))
                for r in report.subjects(RDF.type, SH.ValidationResult)}

    for lang in ("de", "en"):
        g = Graph().parse(built / f"shapes.{lang}.ttl", format="turtle")
        conforms, report, _ = validate(project.union, shacl_graph=g, inference="none")
        assert not conforms
        assert found(report) == found(full)
        assert {o.language for o in report.objects(None, SH.resultMessage)} == {lang}
