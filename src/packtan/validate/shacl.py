"""Run SHACL over the project's graph; each sh:ValidationResult is a Finding.

`run_shacl` runs pySHACL (the reference), `run_fast_shacl` the `shacl`
engine (Rust; the same findings, tests/test_engines.py); `validate_shacl`
runs the one PACKTAN_SHACL_ENGINE names (default `shacl`)."""

from __future__ import annotations

import os
import re
from dataclasses import replace

from pyshacl import validate as shacl_validate
from rdflib import RDF, SH, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from .findings import Finding


class _SetBackedList(list):
    """A list whose membership test is a set lookup.

    pySHACL asks, for every shape it evaluates, whether each predicate of
    the shape is one of its ~30 constraint parameters, with `in` on a list;
    on this graph that is about a fifth of the validation time. Same content
    and order, so pySHACL's behaviour does not change.
    """

    def __init__(self, items):
        super().__init__(items)
        self._members = frozenset(items)

    def __contains__(self, item) -> bool:
        return item in self._members

    def append(self, item) -> None:  # keep the set in step
        super().append(item)
        self._members = self._members | {item}


def _speed_up_pyshacl() -> None:
    import pyshacl.constraints as constraints

    if not isinstance(constraints.ALL_CONSTRAINT_PARAMETERS, _SetBackedList):
        constraints.ALL_CONSTRAINT_PARAMETERS = _SetBackedList(constraints.ALL_CONSTRAINT_PARAMETERS)


_speed_up_pyshacl()


def pyshacl_report(data: Graph, shapes: Graph) -> Graph:
    """pySHACL's report graph. No inference, no SHACL-AF rules: pySHACL
    validates the graph in place instead of copying it first (it does not
    change it)."""
    _conforms, report, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        inplace=True,
        allow_warnings=True,
    )
    return report


def run_shacl(data: Graph, shapes: Graph) -> list[Finding]:
    return findings_of_report(pyshacl_report(data, shapes))


def findings_of_report(report: Graph) -> list[Finding]:
    """Each sh:ValidationResult of a pySHACL report as a Finding."""
    findings = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        findings.append(
            Finding(
                focus=report.value(r, SH.focusNode),
                path=_path(report, report.value(r, SH.resultPath)),
                value=report.value(r, SH.value),
                messages=tuple(sorted(report.objects(r, SH.resultMessage), key=_message_order)),
                shape=report.value(r, SH.sourceShape),
                component=report.value(r, SH.sourceConstraintComponent),
                severity=report.value(r, SH.resultSeverity) or SH.Violation,
            )
        )
    return findings


def _message_order(m):
    """Messages in a fixed order (by language, then text): a report graph has none."""
    return (getattr(m, "language", None) or "", str(m))


def _path(report: Graph, node):
    """A property IRI, a sequence path as a tuple of IRIs, or None for other paths
    (the report takes those from the source shape's sh:path)."""
    if node is None or isinstance(node, URIRef):
        return node
    try:
        steps = tuple(Collection(report, node))
    except Exception:
        return None
    if steps and all(isinstance(x, URIRef) for x in steps):
        return steps
    return None


# --- the fast engine: `shacl` (Rust) -----------------------------------------------

ENGINE_ENV = "PACKTAN_SHACL_ENGINE"  # "pyshacl" for the reference; anything else or unset: `shacl`
_SKOLEM = "https://w3id.org/packt-an/shapes/skolem#"
_COMPILED: dict = {}  # id(shapes graph) -> (graph, its length, compiled shapes, skolem IRI -> BNode)


def engine() -> str:
    """The engine `validate_shacl` runs: "shacl" unless PACKTAN_SHACL_ENGINE=pyshacl."""
    return "pyshacl" if os.environ.get(ENGINE_ENV, "").strip().lower() == "pyshacl" else "shacl"


def validate_shacl(data: Graph, shapes: Graph) -> list[Finding]:
    """The findings of the engine `engine()` names (the same findings either way)."""
    return run_shacl(data, shapes) if engine() == "pyshacl" else run_fast_shacl(data, shapes)


def _compiled(shapes: Graph):
    """The shapes compiled by `shacl`, with each property shape (a blank node
    object of sh:property) named by an IRI so that a result's source shape
    can be mapped back to the blank node of `shapes`."""
    hit = _COMPILED.get(id(shapes))
    if hit is not None and hit[0] is shapes and hit[1] == len(shapes):
        return hit[2], hit[3]
    import shacl

    names = {p: URIRef(_SKOLEM + str(p)) for p in shapes.objects(None, SH.property) if isinstance(p, BNode)}
    g = Graph()
    g.addN((names.get(s, s), p, names.get(o, o), g) for s, p, o in shapes)
    compiled = shacl.Shapes.from_text(g.serialize(format="nt"), format="ntriples")
    back = {iri: b for b, iri in names.items()}
    _COMPILED[id(shapes)] = (shapes, len(shapes), compiled, back)
    return compiled, back


def run_fast_shacl(data: Graph, shapes: Graph) -> list[Finding]:
    """What `run_shacl` finds, found by the `shacl` engine (same Findings: the
    source shape is the node of `shapes`, blank nodes of `data` stay as they are)."""
    import pyoxigraph as ox

    from ..load import _converter

    return run_fast_shacl_ntriples(data.serialize(format="nt"), shapes)


def run_fast_shacl_ntriples(data: str, shapes: Graph) -> list[Finding]:
    """`run_fast_shacl` on a data graph given as N-Triples text (no rdflib graph to build)."""
    import pyoxigraph as ox

    from ..load import _converter

    compiled, back = _compiled(shapes)
    report = compiled.validate_text(data, format="ntriples", allow_warnings=True)
    if not report.results:
        return []
    term = _converter()
    g = Graph()
    g.addN((term(q.subject), term(q.predicate), term(q.object), g)
           for q in ox.parse(report.serialize("ntriples").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    out = []
    for f in findings_of_report(g):
        f = replace(f, shape=back.get(f.shape, f.shape))
        if f.component == SH.SPARQLConstraintComponent:
            f = replace(f, messages=_sparql_messages(f, shapes))
        out.append(f)
    return out


def _sparql_messages(f: Finding, shapes: Graph) -> tuple:
    """The messages pySHACL gives a result of an sh:sparql constraint: the
    constraint's sh:message values (templates filled in) and the source shape's
    own sh:message values (with {$this}, {$value}, {$path} filled in), each as a
    literal without language tag."""
    own = list(shapes.objects(f.shape, SH.message))
    bound = {"this": f.focus, "path": f.path if isinstance(f.path, URIRef) else None, "value": f.value}
    msgs = [Literal(str(m)) for m in f.messages if m not in own]
    for m in own:
        text = str(m)
        for var, val in bound.items():
            if val is not None:
                text = re.sub("{[?$]%s}" % var, str(val), text)
        msgs.append(Literal(text))
    return tuple(sorted(set(msgs), key=_message_order))
