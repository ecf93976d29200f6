"""Differential test: a native SHACL engine finds exactly what pySHACL finds.

pySHACL (as packtan.validate.shacl runs it) is the reference. For every shape
and check fixture and for the project's graph, each engine below must report
the same set of (focus node, result path, constraint component, source
shape) as pySHACL, on the same data and the same shapes (property shapes
named by IRIs so that a source shape can be compared; see bench/engines.py,
which holds the comparison). An engine that is not installed is skipped;
none is a project dependency (docs/shacl-engines.md says why).
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import engines  # noqa: E402  (bench/engines.py)

# The engines that agreed with pySHACL on every fixture and the project when measured.
AGREEING = ["shacl", "pyshacl-turbo"]
CASES = [f"{p.parent.name}/{p.name}" for p in engines.fixtures()] + ["project"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, vocabulary):
    """shapes.nt and one N-Triples file per case, written when first asked for."""
    from packtan.load import load_project

    work = tmp_path_factory.mktemp("engines")
    shapes = work / "shapes.nt"
    engines.write_nt(engines.skolem_shapes(), shapes)
    by_name = {f"{p.parent.name}/{p.name}": p for p in engines.fixtures()}
    written: dict = {}

    def data(case: str):
        if case not in written:
            out = work / (case.replace("/", "__") + ".nt")
            files = None if case == "project" else [by_name[case]]
            engines.write_nt(load_project(files, vocabulary=vocabulary).union, out)
            written[case] = out
        return written[case], shapes

    return data


@pytest.fixture(scope="module")
def reference(inputs):
    cache: dict = {}

    def keys(case: str):
        if case not in cache:
            cache[case] = engines.run_pyshacl(*inputs(case))
        return cache[case]

    return keys


@pytest.mark.parametrize("engine", AGREEING)
@pytest.mark.parametrize("case", CASES)
def test_engine_finds_what_pyshacl_finds(engine, case, inputs, reference):
    if importlib.util.find_spec(engines.MODULES[engine]) is None:
        pytest.skip(f"{engine} is not installed")
    want = reference(case)
    got = engines.RUNNERS[engine](*inputs(case))
    assert sorted(got - want) == [] and sorted(want - got) == [], f"{engine} differs from pySHACL on {case}"


def test_the_reference_is_not_empty(reference):
    """The comparison is not vacuous: pySHACL finds results in the invalid shape fixtures,
    none in a valid one and none in the project."""
    if not any(importlib.util.find_spec(engines.MODULES[e]) for e in AGREEING):
        pytest.skip("no engine to compare is installed")
    shape_cases = [c for c in CASES if c != "project" and (ROOT / "tests" / "shapes" / c).exists()]
    invalid = [c for c in shape_cases if c.split("/")[1].startswith("invalid-")]
    assert len(invalid) >= 40
    assert all(reference(c) for c in invalid[:10])
    assert not reference("project")
    assert not reference(next(c for c in shape_cases if c.split("/")[1].startswith("valid-")))
