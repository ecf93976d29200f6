"""The SHACL validation report is the one the specification defines.

Every sh:ValidationResult has sh:focusNode, sh:resultSeverity,
sh:sourceConstraintComponent, sh:sourceShape and sh:resultMessage
(SHACL §3.6.2); results of property shapes have sh:resultPath, and it is
the source shape's sh:path (sequence paths as well-formed RDF lists);
integrity checks report in the same form with a source shape of their own.
The TSV rows and the text report come from the same findings.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, SH, BNode, Graph, URIRef
from rdflib.collection import Collection

from conftest import ROOT
from packtan import config
from packtan.load import load_project
from packtan.validate import Finding, check_shape, finding_rows, report_graph, report_text, validate_project

# fixtures whose findings together use a node-level constraint (pattern),
# property paths, a sequence path, an alternative path, sh:value and a check
FIXTURES = [
    ROOT / "tests/shapes/RegionalConferenceShape/invalid-starts-before-state-conference.ttl",
    ROOT / "tests/shapes/EventShape/invalid-bad-identifier.ttl",
    ROOT / "tests/shapes/FigureShape/invalid-refers-to-nothing.ttl",
    ROOT / "tests/shapes/EventShape/invalid-start-date-not-a-date.ttl",
    ROOT / "tests/checks/orphan-passages/invalid-unused-passage.ttl",
]

REQUIRED = (SH.focusNode, SH.resultSeverity, SH.sourceConstraintComponent, SH.sourceShape, SH.resultMessage)


@pytest.fixture(scope="module", params=FIXTURES, ids=[p.name for p in FIXTURES])
def validated(request):
    assert request.param.is_file(), request.param
    project = load_project([request.param])
    result = validate_project(project)
    return project, result, report_graph(result)


def _well_formed_list(g: Graph, node) -> list:
    items = list(Collection(g, node))
    assert items and all(isinstance(i, URIRef) or isinstance(i, BNode) for i in items)
    return items


def test_every_result_has_what_the_spec_requires(validated):
    project, result, g = validated
    results = list(g.subjects(RDF.type, SH.ValidationResult))
    assert results, "the fixture must fail"
    assert len(results) == len(result.findings)
    report = g.value(predicate=RDF.type, object=SH.ValidationReport)
    assert g.value(report, SH.conforms).toPython() is False
    assert set(g.objects(report, SH.result)) == set(results)
    for r in results:
        for p in REQUIRED:
            assert g.value(r, p) is not None, (r, p)
        for p in (SH.focusNode, SH.resultSeverity, SH.sourceConstraintComponent, SH.sourceShape):
            assert len(list(g.objects(r, p))) == 1, (r, p)


def test_result_paths_are_the_source_shapes_paths(validated):
    project, result, g = validated
    for r in g.subjects(RDF.type, SH.ValidationResult):
        shape = g.value(r, SH.sourceShape)
        shape_path = project.shapes.value(shape, SH.path)
        if shape_path is None:
            continue  # a node shape or a check
        path = g.value(r, SH.resultPath)
        assert path is not None, f"result of a property shape without sh:resultPath: {r}"
        assert path == shape_path
        if isinstance(path, BNode):
            # the path's structure travels with the report
            for s, p, o in project.shapes.triples((path, None, None)):
                assert (s, p, o) in g
            if (path, RDF.first, None) in g:
                _well_formed_list(g, path)
        # a property shape (a blank node) is described in the report itself
        if isinstance(shape, BNode):
            assert (shape, SH.path, shape_path) in g
            assert (None, SH.property, shape) in g


def test_values_are_reported_where_there_is_one(validated):
    _project, result, g = validated
    with_value = [f for f in result.findings if f.value is not None]
    reported = [r for r in g.subjects(RDF.type, SH.ValidationResult) if g.value(r, SH.value) is not None]
    assert len(with_value) == len(reported)


def test_checks_report_with_their_own_source_shape(validated):
    _project, result, g = validated
    for f in result.findings:
        if f.check:
            assert f.shape == check_shape(f.check)
            rs = [r for r in g.subjects(SH.sourceShape, f.shape)]
            assert rs and all(g.value(r, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent for r in rs)
            assert (f.shape, RDF.type, SH.NodeShape) in g
            assert str(f.shape).startswith(str(config.PASH))


def test_tsv_and_text_come_from_the_same_findings(validated):
    project, result, g = validated
    rows = finding_rows(result, project)
    focuses = {str(g.value(r, SH.focusNode)) for r in g.subjects(RDF.type, SH.ValidationResult)}
    assert {project.union.namespace_manager.normalizeUri(URIRef(x)) for x in focuses} == {row[0] for row in rows}
    for lang in ("de", "en"):
        text = report_text(result, project, lang)
        for row in rows:
            assert row[0] in text


def test_the_fixtures_cover_every_kind_of_result():
    kinds = set()
    for path in FIXTURES:
        project = load_project([path])
        result = validate_project(project)
        g = report_graph(result)
        for r in g.subjects(RDF.type, SH.ValidationResult):
            p = g.value(r, SH.resultPath)
            if p is None:
                kinds.add("node")
            elif isinstance(p, URIRef):
                kinds.add("property")
            elif (p, RDF.first, None) in g:
                kinds.add("sequence")
            elif (p, SH.alternativePath, None) in g:
                kinds.add("alternative")
            if g.value(r, SH.value) is not None:
                kinds.add("value")
        if any(f.check for f in result.findings):
            kinds.add("check")
    assert kinds >= {"node", "property", "sequence", "alternative", "value", "check"}, kinds


def test_a_check_finding_from_another_source_reports_the_same_way():
    """Another source of findings (not a .rq file) gives its own source shape and is reported alike."""
    from rdflib import Literal

    from packtan.validate import Result

    shape = check_shape("lexical-forms")
    f = Finding(URIRef(config.BASE + "id/place/x"), URIRef("https://schema.org/startDate"), Literal("2016-13-01"),
                (Literal("bad", lang="en"),), shape, SH.SPARQLConstraintComponent, check="lexical-forms")
    g = report_graph(Result([f]))
    r = g.value(predicate=RDF.type, object=SH.ValidationResult)
    assert g.value(r, SH.sourceShape) == shape
    assert g.value(r, SH.resultPath) == URIRef("https://schema.org/startDate")
    assert (shape, RDF.type, SH.NodeShape) in g
