"""README.md stays true: every command and option is documented, the Quick
start holds exactly the two commands, and the commands it names exist."""

from __future__ import annotations

import argparse
import re

import pytest

from conftest import ROOT
from packtan.cli import _parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands():
    parser = _parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def test_every_command_and_option_is_documented():
    missing = []
    for name, sub in _subcommands().items():
        if f"build.py {name}" not in README:
            missing.append(f"command {name}")
        for action in sub._actions:
            for opt in action.option_strings:
                if opt.startswith("--") and opt != "--help" and opt not in README:
                    missing.append(f"{name} {opt}")
    assert not missing, missing


def test_quick_start_has_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh)?\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    commands = [line for line in blocks[0].splitlines() if line.strip()]
    assert commands == ["make build", "make test"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_every_dist_file_is_documented(built):
    for path in built.iterdir():
        name = path.name if path.is_file() else f"{path.name}/"
        assert (name in README) or (path.is_dir() and f"`{path.name}/" in README), f"dist/{name} is not described"


# --- docs that cannot drift ----------------------------------------------------

DOCS = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
_NAME = r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?"


def _iris_in(text: str):
    """(IRI, as written) for every prefixed name of a project prefix and every
    full IRI of the project's base in `text` (namespaces and patterns such as
    `psg:q<n>-…` are not IRIs and are skipped)."""
    from packtan import config

    for m in re.finditer(r"(?<![\w/:.#<-])([a-z][a-z0-9]*):(" + _NAME + r")(?![\w<…])", text):
        prefix, local = m.groups()
        if prefix in config.PREFIXES and not text[m.end():m.end() + 1] in ("<", "…"):
            yield str(config.PREFIXES[prefix]) + local, m.group(0)
    for m in re.finditer(r"https://w3id\.org/packt-an/[^\s`<>\"')|,]*", text):
        iri = m.group(0).rstrip(".")
        if not iri.endswith(("/", "#")):
            yield iri, iri


def test_every_iri_in_the_docs_exists_in_the_graph(project):
    from rdflib import Literal, URIRef

    graph, shapes = project.union, project.shapes
    known = set(project.named) | {URIRef("https://w3id.org/packt-an/graph/17-7349"), URIRef("https://w3id.org/packt-an/vocab"), URIRef("https://w3id.org/packt-an/dataset")}
    datatypes = {o.datatype for o in graph.objects() if isinstance(o, Literal) and o.datatype}
    missing = []
    for doc in DOCS:
        for iri, written in _iris_in(doc.read_text(encoding="utf-8")):
            u = URIRef(iri)
            if u in known or u in datatypes or any(g.triples((u, None, None)) for g in (graph, shapes)):
                continue
            if (None, u, None) in graph or (None, None, u) in graph or (None, u, None) in shapes or (None, None, u) in shapes:
                continue
            missing.append(f"{doc.name}: {written}")
    assert not missing, "not in the graph:\n" + "\n".join(sorted(set(missing)))


def test_the_iri_finder_can_fail():
    found = [w for _i, w in _iris_in("see `psg:q3-auftakt`, psg:q<n>-x, http://example.org/a, pa:, https://w3id.org/packt-an/id/org/ and `ev:nope`.")]
    assert found == ["psg:q3-auftakt", "ev:nope"]


def _sparql_blocks():
    for doc in DOCS:
        for i, block in enumerate(re.findall(r"```sparql\n(.*?)```", doc.read_text(encoding="utf-8"), re.S), start=1):
            yield doc.name, i, block


SPARQL = list(_sparql_blocks())


def test_the_docs_have_queries():
    assert len(SPARQL) >= 5


@pytest.mark.parametrize("name,i,block", SPARQL, ids=[f"{n}#{i}" for n, i, _b in SPARQL])
def test_every_sparql_block_of_the_docs_runs_and_returns_rows(project, name, i, block):
    from packtan.query import prepare_query, run_local

    answer = run_local(project.union, prepare_query(block, f"{name} query {i}"), f"{name} query {i}")
    if answer.kind == "ASK":
        assert answer.boolean, f"{name} query {i} answers false"
    elif answer.kind == "CONSTRUCT":
        assert len(answer.graph), f"{name} query {i} constructs nothing"
    else:
        assert answer.rows, f"{name} query {i} returns no rows"


def test_class_map_in_the_docs_is_current(project):
    from packtan.classmap import markdown, rows

    current = (ROOT / "docs" / "class-map.md").read_text(encoding="utf-8")
    assert current == markdown(rows(project)), "docs/class-map.md is out of date: run `build.py class-map`"


def test_class_map_is_drawn_where_graphviz_is_installed(built):
    import shutil

    assert (built / "class-map.dot").read_text(encoding="utf-8").startswith("digraph")
    if shutil.which("dot") is None:
        import os

        if os.environ.get("PACKTAN_REQUIRE_BROWSER"):  # CI installs Graphviz with the browser
            raise AssertionError("Graphviz `dot` is missing")
        return
    svg = (built / "class-map.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "Event" in svg
