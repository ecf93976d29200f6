"""Run pySHACL over the project's graph; each sh:ValidationResult is a Finding."""

from __future__ import annotations

from pyshacl import validate as shacl_validate
from rdflib import RDF, SH, Graph, URIRef
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


def run_shacl(data: Graph, shapes: Graph) -> list[Finding]:
    # No inference, no SHACL-AF rules: pySHACL validates the graph in place
    # instead of copying it first (it does not change it).
    _conforms, report, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        inplace=True,
        allow_warnings=True,
    )
    return findings_of_report(report)


def findings_of_report(report: Graph) -> list[Finding]:
    """Each sh:ValidationResult of a pySHACL report as a Finding."""
    findings = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        findings.append(
            Finding(
                focus=report.value(r, SH.focusNode),
                path=_path(report, report.value(r, SH.resultPath)),
                value=report.value(r, SH.value),
                messages=tuple(report.objects(r, SH.resultMessage)),
                shape=report.value(r, SH.sourceShape),
                component=report.value(r, SH.sourceConstraintComponent),
                severity=report.value(r, SH.resultSeverity) or SH.Violation,
            )
        )
    return findings


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
