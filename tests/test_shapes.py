"""The shapes: one per class, and fixtures that pass or fail exactly as approved.

tests/shapes/<ShapeName>/valid-*.ttl must conform. Each invalid-*.ttl must
produce exactly the findings of its approved report invalid-*.expected.tsv
(focus, shape, constraint component, path; as `build.py validate --format
tsv` prints them). tests/checks/<check>/ does the same for the integrity
checks of queries/checks/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SH, Graph, Literal, URIRef

from conftest import ROOT
from packtan import config
from packtan.load import load_project
from packtan.validate import finding_rows, load_checks, validate_project

SHAPE_FIXTURES = ROOT / "tests" / "shapes"
CHECK_FIXTURES = ROOT / "tests" / "checks"
FIXTURES = sorted(SHAPE_FIXTURES.glob("*/*.ttl")) + sorted(CHECK_FIXTURES.glob("*/*.ttl"))


def _node_shapes(shapes: Graph) -> dict[str, URIRef]:
    return {
        str(s)[len(str(config.PASH)):]: s
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, URIRef) and str(s).startswith(str(config.PASH))
    }


def test_every_class_of_the_vocabulary_has_its_shape(project):
    classes = [c for c in project.ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(config.PA))]
    assert len(classes) >= 20
    shapes = _node_shapes(project.shapes)
    for cls in classes:
        name = str(cls)[len(str(config.PA)):] + "Shape"
        assert name in shapes, f"no pash:{name}"
        assert (shapes[name], SH.targetClass, cls) in project.shapes, f"pash:{name} does not target pa:{name[:-5]}"


def test_every_property_shape_speaks_german_and_english(project):
    shapes = project.shapes
    missing = []
    for node in _node_shapes(shapes).values():
        for prop in shapes.objects(node, SH.property):
            for pred in (SH.name, SH.description, SH.message):
                langs = {o.language for o in shapes.objects(prop, pred) if isinstance(o, Literal)}
                if not {"de", "en"} <= langs:
                    missing.append(f"{node} {shapes.value(prop, SH.path)} {pred}")
    assert not missing, "\n".join(missing[:20])


def test_every_node_shape_is_labelled(project):
    for node in _node_shapes(project.shapes).values():
        langs = {o.language for o in project.shapes.objects(node, RDFS.label)} | {
            o.language for o in project.shapes.objects(node, SH.name)
        }
        assert {"de", "en"} <= langs, node


def test_every_shape_has_valid_and_invalid_fixtures(project):
    for name in sorted(_node_shapes(project.shapes)):
        folder = SHAPE_FIXTURES / name
        assert list(folder.glob("valid-*.ttl")), f"no valid fixture for pash:{name}"
        assert list(folder.glob("invalid-*.ttl")), f"no invalid fixture for pash:{name}"
    for check in load_checks():
        folder = CHECK_FIXTURES / check.name
        assert list(folder.glob("invalid-*.ttl")), f"no invalid fixture for check {check.name}"


def test_enough_invalid_fixtures():
    assert len(list(SHAPE_FIXTURES.glob("*/invalid-*.ttl"))) >= 40


def test_fixture_folders_name_existing_shapes(project):
    shapes = _node_shapes(project.shapes)
    checks = {c.name for c in load_checks()}
    for folder in SHAPE_FIXTURES.iterdir():
        if folder.is_dir():
            assert folder.name in shapes, f"tests/shapes/{folder.name}: no such shape"
    if CHECK_FIXTURES.is_dir():
        for folder in CHECK_FIXTURES.iterdir():
            if folder.is_dir():
                assert folder.name in checks, f"tests/checks/{folder.name}: no such check"


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}/{p.name}" for p in FIXTURES])
def test_fixture(path: Path, vocabulary):
    project = load_project([path], vocabulary=vocabulary)
    result = validate_project(project)
    rows = ["\t".join(r) for r in finding_rows(result, project)]
    if path.name.startswith("valid-"):
        assert rows == [], "a valid fixture must conform:\n" + "\n".join(rows)
        return
    expected_file = path.with_name(path.name[: -len(".ttl")] + ".expected.tsv")
    assert expected_file.is_file(), f"no approved report {expected_file.name}"
    expected = [line for line in expected_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert expected, f"{expected_file.name} is empty"
    assert rows == sorted(expected)
    # the fixture fails in the shape (or check) it is filed under
    assert any(path.parent.name in line for line in expected)
