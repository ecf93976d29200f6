"""The shapes hold on the graph a reasoner sees, too.

With RDFS inference over the vocabulary and the axioms of the reused
vocabularies (tests/vocabularies/reused-axioms.ttl) — pySHACL's
inference="rdfs" — the project's graph conforms, and every invalid shape
fixture still fails. The fixtures are validated together in one graph: each
one's resources get a suffix of their own (`-f<N>`), so that no fixture sees
another's, and each must produce a result on one of its own resources.
"""

from __future__ import annotations

import re

import pytest
from pyshacl import validate
from rdflib import RDF, SH, Graph, URIRef
from rdflib.collection import Collection

from conftest import ROOT
from packtan import config
from packtan.load import load_project, read_turtle

AXIOMS = ROOT / "tests" / "vocabularies" / "reused-axioms.ttl"
INVALID = sorted((ROOT / "tests" / "shapes").glob("*/invalid-*.ttl"))
VALID = sorted((ROOT / "tests" / "shapes").glob("*/valid-*.ttl"))


@pytest.fixture(scope="module")
def project():
    return load_project()


@pytest.fixture(scope="module")
def vocabulary(project):
    g = Graph()
    for t in project.ontology:
        g.add(t)
    for t in read_turtle(AXIOMS):
        g.add(t)
    return g


def _rdfs(data: Graph, shapes: Graph, vocabulary: Graph):
    conforms, report, _ = validate(
        data, shacl_graph=shapes, ont_graph=vocabulary, inference="rdfs", advanced=False, allow_warnings=True
    )
    return conforms, report


def test_the_graph_conforms_with_rdfs_inference(project, vocabulary):
    conforms, report = _rdfs(project.union, project.shapes, vocabulary)
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    assert conforms, f"{len(results)} violations with inference, e.g. " + "; ".join(
        f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)} {report.value(r, SH.sourceConstraintComponent)}"
        for r in results[:5]
    )


def _suffixed(term, n: int):
    if isinstance(term, URIRef) and str(term).startswith(str(config.ID)):
        return URIRef(f"{term}-f{n}")
    return term


def _merged(project, paths) -> Graph:
    data = Graph()
    for t in project.ontology:
        data.add(t)
    for n, path in enumerate(paths):
        for s, p, o in read_turtle(path):
            data.add((_suffixed(s, n), p, _suffixed(o, n)))
    return data


def _results(report: Graph, shapes: Graph) -> list:
    """(fixture number, result) per result on a fixture's resource, without the
    artefacts of the suffixes: a pattern or sh:in violation that the IRI
    without its suffix does not have."""
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        m = re.search(r"-f(\d+)$", str(report.value(r, SH.focusNode)))
        if not m:
            continue
        if report.value(r, SH.sourceConstraintComponent) == SH.PatternConstraintComponent:
            term = report.value(r, SH.value) or report.value(r, SH.focusNode)
            pattern = shapes.value(report.value(r, SH.sourceShape), SH.pattern)
            original = re.sub(r"-f\d+$", "", str(term))
            if pattern is not None and re.search(str(pattern), original):
                continue
        if report.value(r, SH.sourceConstraintComponent) == SH.InConstraintComponent:
            term = report.value(r, SH.value)
            allowed = shapes.value(report.value(r, SH.sourceShape), SH["in"])
            if term is not None and allowed is not None:
                original = URIRef(re.sub(r"-f\d+$", "", str(term)))
                if original in set(Collection(shapes, allowed)):
                    continue
        out.append((int(m.group(1)), r))
    return out


def test_the_valid_fixtures_conform_with_rdfs_inference_and_suffixes(project, vocabulary):
    """The suffixes themselves break nothing: merged the same way, the valid fixtures conform."""
    _conforms, report = _rdfs(_merged(project, VALID), project.shapes, vocabulary)
    results = [r for _n, r in _results(report, project.shapes)]
    assert not results, [(str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath))) for r in results[:5]]


def test_every_invalid_fixture_still_fails_with_rdfs_inference(project, vocabulary):
    _conforms, report = _rdfs(_merged(project, INVALID), project.shapes, vocabulary)
    caught = {n for n, _r in _results(report, project.shapes)}
    missed = [str(INVALID[n].relative_to(ROOT)) for n in range(len(INVALID)) if n not in caught]
    assert len(INVALID) >= 40
    assert not missed, f"pass with RDFS inference: {missed}"
