"""One result structure for every source of findings (SHACL, integrity checks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import SH, BNode, Graph, Literal, URIRef

# A result path: a property IRI, or a sequence path as a tuple of IRIs.
Path = URIRef | tuple


@dataclass(frozen=True)
class Finding:
    """One sh:ValidationResult.

    `shape` is the source shape: the node or property shape of the shapes
    graph for SHACL (a property shape is a blank node there), the shape IRI
    of its check for any other source (`checks.check_shape(name)`), with
    `check` naming the check. `component` is the constraint component.
    """

    focus: URIRef | BNode
    path: Path | None
    value: object | None
    messages: tuple[Literal, ...]
    shape: URIRef | BNode | None
    component: URIRef | None
    severity: URIRef = SH.Violation
    check: str | None = None  # name of the integrity check, when not SHACL

    def sort_key(self):
        # property shapes are blank nodes with generated labels: order by what is stable
        shape = str(self.shape) if isinstance(self.shape, URIRef) else ""
        messages = " ".join(sorted(str(m) for m in self.messages))
        path = "/".join(self.path) if isinstance(self.path, tuple) else str(self.path or "")
        return (str(self.focus), path, self.check or "", str(self.component or ""), str(self.value or ""), shape, messages)


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    shapes: Graph | None = None  # the shapes graph the findings' source shapes belong to

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == SH.Violation]

    @property
    def conforms(self) -> bool:
        return not self.violations
