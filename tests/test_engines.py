"""Differential test: the `shacl` engine finds exactly what pySHACL finds.

pySHACL (`run_shacl`) is the reference. For every shape and check fixture and
for the project's graph, `run_fast_shacl` (the engine `build.py validate`
uses by default) must give the same Findings: focus node, result path,
value, messages, source shape (the node of the project's shapes graph: the
same blank node for a property shape), constraint component and severity.

The other engines (pyshacl-turbo and the rest, not dependencies) are
compared in bench/engines.py (docs/shacl-engines.md).
"""

from __future__ import annotations

import sys

import pytest
from rdflib import SH, BNode, Literal, URIRef

from conftest import ROOT
from packtan.load import load_project
from packtan.validate import Finding, run_fast_shacl, run_shacl, validate_shacl
from packtan.validate import shacl as shacl_module

sys.path.insert(0, str(ROOT / "bench"))
import engines  # noqa: E402  (bench/engines.py)

CASES = [f"{p.parent.name}/{p.name}" for p in engines.fixtures()] + ["project"]
_BY_NAME = {f"{p.parent.name}/{p.name}": p for p in engines.fixtures()}


@pytest.fixture(scope="module")
def graphs(vocabulary):
    """(data, shapes) of a case, as validate_project validates them."""
    cache: dict = {}

    def get(case: str):
        if case not in cache:
            project = load_project(None if case == "project" else [_BY_NAME[case]], vocabulary=vocabulary)
            cache[case] = (project.union, project.shapes)
        return cache[case]

    return get


@pytest.fixture(scope="module")
def reference(graphs):
    cache: dict = {}

    def findings(case: str) -> list[Finding]:
        if case not in cache:
            cache[case] = sorted(run_shacl(*graphs(case)), key=Finding.sort_key)
        return cache[case]

    return findings


@pytest.mark.parametrize("case", CASES)
def test_fast_engine_gives_pyshacls_findings(case, graphs, reference):
    want = reference(case)
    got = sorted(run_fast_shacl(*graphs(case)), key=Finding.sort_key)
    missing = [f for f in want if f not in got]
    extra = [f for f in got if f not in want]
    assert not missing and not extra, f"differs from pySHACL on {case}: missing {missing[:3]}, extra {extra[:3]}"
    assert got == want  # the same multiset, not only the same set


def test_source_shapes_are_the_shapes_graphs_nodes(graphs):
    """A property shape's finding names the blank node of the shapes graph itself
    (report_graph copies its description from there), a node shape's its IRI."""
    kinds = set()
    for case in ("ActionFieldShape/invalid-position-as-decimal.ttl", "ActionFieldShape/invalid-bad-identifier.ttl"):
        data, shapes = graphs(case)
        found = run_fast_shacl(data, shapes)
        assert found
        for f in found:
            if isinstance(f.shape, BNode):
                assert (None, SH.property, f.shape) in shapes
            else:
                assert isinstance(f.shape, URIRef) and (f.shape, SH.targetClass, None) in shapes
            kinds.add(type(f.shape))
    assert kinds == {BNode, URIRef}


def test_messages_are_the_shapes_messages_in_german_and_english(graphs):
    """A property shape's result carries its sh:message values with their language tags."""
    case = next(c for c in CASES if c.startswith("ActionFieldShape/invalid-"))
    data, shapes = graphs(case)
    found = run_fast_shacl(data, shapes)
    assert found
    for f in found:
        assert {m.language for m in f.messages if isinstance(m, Literal)} == {"de", "en"}


def test_engine_switch(graphs, monkeypatch):
    """PACKTAN_SHACL_ENGINE=pyshacl runs the reference; unset, the `shacl` engine."""
    calls = []
    monkeypatch.delenv(shacl_module.ENGINE_ENV, raising=False)
    assert shacl_module.engine() == "shacl"
    monkeypatch.setenv(shacl_module.ENGINE_ENV, "pyshacl")
    assert shacl_module.engine() == "pyshacl"
    original = shacl_module.run_shacl
    monkeypatch.setattr(shacl_module, "run_shacl", lambda d, s: calls.append(1) or original(d, s))
    case = next(c for c in CASES if c.startswith("ActionFieldShape/invalid-"))
    assert validate_shacl(*graphs(case))
    assert calls == [1]


def test_the_reference_is_not_empty(reference):
    """The comparison is not vacuous: pySHACL finds results in the invalid shape fixtures,
    none in a valid one and none in the project."""
    shape_cases = [c for c in CASES if c != "project" and (ROOT / "tests" / "shapes" / c).exists()]
    invalid = [c for c in shape_cases if c.split("/")[1].startswith("invalid-")]
    assert len(invalid) >= 40
    assert all(reference(c) for c in invalid[:10])
    assert not reference("project")
    assert not reference(next(c for c in shape_cases if c.split("/")[1].startswith("valid-")))
