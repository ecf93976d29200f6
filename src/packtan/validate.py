"""Validate the facts against the shapes and the integrity checks.

SHACL (pySHACL) checks each resource against the shapes in shapes/; the
integrity checks in queries/checks/*.rq are SPARQL SELECT queries that must
return no rows. Both end in one list of findings, which `report_text`
renders for people (German or English) and `report_graph` as a standard SHACL
validation report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, SH, BNode, Graph, Literal, URIRef

from . import config
from .catalogue import header
from .errors import UserError
from .load import Project

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


@dataclass(frozen=True)
class Finding:
    focus: URIRef | BNode
    path: URIRef | str | None  # a property, or a sequence path written "a:b/c:d"
    value: object | None
    messages: tuple[Literal, ...]
    shape: URIRef | BNode | None
    component: URIRef | None
    severity: URIRef = SH.Violation
    check: str | None = None  # name of the integrity check, when not SHACL


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == SH.Violation]

    @property
    def conforms(self) -> bool:
        return not self.violations


def validate_project(project: Project, run_checks: bool = True) -> Result:
    data = project.union
    result = Result()
    if len(project.shapes):
        # No inference, no SHACL-AF rules: pySHACL validates the graph in
        # place instead of copying it first (it does not change it).
        conforms, report, _text = shacl_validate(
            data,
            shacl_graph=project.shapes,
            inference="none",
            advanced=False,
            inplace=True,
            allow_warnings=True,
        )
        for r in report.subjects(RDF.type, SH.ValidationResult):
            result.findings.append(
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
    result.findings.extend(lexical_findings(project))
    if run_checks:
        result.findings.extend(run_integrity_checks(project.store))
    result.findings.sort(key=_finding_key)
    return result


def _uri(node):
    return node if isinstance(node, URIRef) else None


def _path(report: Graph, node):
    """A property IRI, or a sequence path written as "pa:continues/schema:startDate"."""
    if node is None or isinstance(node, URIRef):
        return node
    from rdflib.collection import Collection

    try:
        steps = list(Collection(report, node))
    except Exception:
        return None
    if steps and all(isinstance(x, URIRef) for x in steps):
        return "/".join(report.namespace_manager.normalizeUri(x) for x in steps)
    return None


def _finding_key(f: Finding):
    # property shapes are blank nodes with generated labels: order by what is stable
    shape = str(f.shape) if isinstance(f.shape, URIRef) else ""
    messages = " ".join(sorted(str(m) for m in f.messages))
    return (str(f.focus), str(f.path or ""), f.check or "", str(f.component or ""), str(f.value or ""), shape, messages)


# --- lexical forms ----------------------------------------------------------

LEXICAL_CHECK = "lexical-forms"


def lexical_findings(project: Project) -> list[Finding]:
    """A finding per typed literal whose lexical form, as written, is invalid."""
    out = []
    for _path, subject, predicate, literal, (en, de) in project.lexical_problems:
        out.append(
            Finding(
                focus=subject,
                path=predicate,
                value=literal,
                messages=(
                    Literal(f"The value as written is {en}.", lang="en"),
                    Literal(f"Der Wert ist so, wie er geschrieben steht, {de}.", lang="de"),
                ),
                shape=None,
                component=SH.DatatypeConstraintComponent,
                check=LEXICAL_CHECK,
            )
        )
    return out


# --- integrity checks -------------------------------------------------------

@dataclass(frozen=True)
class Check:
    path: Path
    query: str
    messages: dict[str, str]

    @property
    def name(self) -> str:
        return self.path.stem


def load_checks(directory: Path = config.CHECKS_DIR) -> list[Check]:
    checks = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta = header(text)
        messages = {key.split("@", 1)[1]: value for key, value in meta.items() if key.startswith("message@")}
        checks.append(Check(path, text, messages))
    return checks


def run_integrity_checks(store, checks: list[Check] | None = None) -> list[Finding]:
    """Run the checks on `store` (an engine.OxGraph); each row is a finding."""
    checks = load_checks() if checks is None else checks
    findings = []
    for check in checks:
        try:
            answer = store.query(check.query, str(check.path))
        except UserError as exc:
            raise UserError(f"{check.path}: malformed integrity check: {exc}") from None
        for row in answer.rows:
            findings.append(
                Finding(
                    focus=row.get("focus"),
                    path=_uri(row.get("path")),
                    value=row.get("value"),
                    messages=tuple(Literal(m, lang=lang) for lang, m in sorted(check.messages.items())),
                    shape=None,
                    component=None,
                    check=check.name,
                )
            )
    return findings


# --- reports ----------------------------------------------------------------

_TEXT = {
    "en": {
        "ok": "Conforms: {triples} triples checked against {shapes} shapes and {checks} integrity checks.",
        "head": "Does not conform: {n} {violations} in {r} {resources}.",
        "warn": "{n} {warnings}.",
        "violations": ("violation", "violations"),
        "resources": ("resource", "resources"),
        "warnings": ("warning", "warnings"),
        "defined": "defined in",
        "undefined": "not defined in any file",
        "value": "value",
        "constraint": "constraint",
        "check": "integrity check",
        "nomsg": "(no message)",
        "lexical": "lexical form of a typed literal (XSD)",
    },
    "de": {
        "ok": "Gültig: {triples} Tripel gegen {shapes} Shapes und {checks} Integritätsprüfungen geprüft.",
        "head": "Nicht gültig: {n} {violations} in {r} {resources}.",
        "warn": "{n} {warnings}.",
        "violations": ("Verstoß", "Verstöße"),
        "resources": ("Ressource", "Ressourcen"),
        "warnings": ("Warnung", "Warnungen"),
        "defined": "definiert in",
        "undefined": "in keiner Datei definiert",
        "value": "Wert",
        "constraint": "Bedingung",
        "check": "Integritätsprüfung",
        "nomsg": "(keine Meldung)",
        "lexical": "Schreibweise eines typisierten Literals (XSD)",
    },
}


def _pick(literals, lang: str) -> str | None:
    lits = [l for l in literals if isinstance(l, Literal)]
    for l in lits:
        if l.language == lang:
            return str(l)
    for l in lits:
        if l.language in (None, "en"):
            return str(l)
    return str(lits[0]) if lits else None


def _short(graph: Graph, node) -> str:
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:
            return f"<{node}>"
    if isinstance(node, Literal):
        text = str(node)
        text = text if len(text) <= 80 else text[:77] + "..."
        dt = f"^^{graph.namespace_manager.normalizeUri(node.datatype)}" if node.datatype else ""
        lang = f"@{node.language}" if node.language else ""
        return f'"{text}"{lang}{dt}'
    return "[]" if node is not None else ""


def report_text(result: Result, project: Project, lang: str = "en", where: dict | None = None) -> str:
    t = _TEXT[lang]
    data = project.union
    names = project.shapes
    out: list[str] = []
    if result.conforms:
        out.append(
            t["ok"].format(
                triples=len(data),
                shapes=len(set(project.shapes.subjects(RDF.type, SH.NodeShape))),
                checks=len(load_checks()),
            )
        )
    else:
        focuses = {f.focus for f in result.violations}
        n, r = len(result.violations), len(focuses)
        out.append(
            t["head"].format(
                n=n, r=r, violations=t["violations"][n != 1], resources=t["resources"][r != 1]
            )
        )
    warnings = [f for f in result.findings if f.severity != SH.Violation]
    if warnings:
        out.append(t["warn"].format(n=len(warnings), warnings=t["warnings"][len(warnings) != 1]))
    by_focus: dict = {}
    for f in result.findings:
        by_focus.setdefault(f.focus, []).append(f)
    for focus, findings in by_focus.items():
        label = _pick(data.objects(focus, RDFS.label), lang)
        src = (where or {}).get(focus)
        loc = f"{t['defined']} {_rel(src)}" if src else t["undefined"]
        out.append("")
        out.append(f"{_short(data, focus)}" + (f"  “{label}”" if label else "") + f"  ({loc})")
        for f in findings:
            prop = ""
            if f.path is not None:
                pname = _pick(names.objects(f.shape, SH.name), lang) if f.shape is not None else None
                ptext = f.path if isinstance(f.path, str) and not isinstance(f.path, URIRef) else _short(data, f.path)
                prop = f"{pname} ({ptext})" if pname else ptext
            sev = "" if f.severity == SH.Violation else f"[{_short(data, f.severity)}] "
            msg = _pick(f.messages, lang) or t["nomsg"]
            line = f"  - {sev}{prop + ': ' if prop else ''}{msg}"
            out.append(line)
            if f.value is not None:
                out.append(f"      {t['value']}: {_short(data, f.value)}")
            if f.check == LEXICAL_CHECK:
                out.append(f"      {t['check']}: {t['lexical']}")
            elif f.check:
                out.append(f"      {t['check']}: queries/checks/{f.check}.rq")
            elif f.shape is not None:
                shape = _short(names, f.shape) if isinstance(f.shape, URIRef) else _shape_owner(names, f.shape)
                out.append(f"      {t['constraint']}: {shape}, {_short(data, f.component)}")
    return "\n".join(out) + "\n"


def _shape_owner(shapes: Graph, node) -> str:
    for owner in shapes.subjects(SH.property, node):
        return shapes.namespace_manager.normalizeUri(owner) if isinstance(owner, URIRef) else "[]"
    return "[]"


def _rel(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(config.ROOT).as_posix()
    except ValueError:
        return str(path)


def node_shape_of(shapes: Graph, shape) -> URIRef | BNode | None:
    """The NodeShape a finding belongs to (the owner of a property shape)."""
    if shape is None:
        return None
    if (shape, RDF.type, SH.NodeShape) in shapes:
        return shape
    for owner in shapes.subjects(SH.property, shape):
        return owner
    return shape


def finding_rows(result: Result, project: Project) -> list[tuple[str, str, str, str]]:
    """(focus, shape, constraint component, path) per finding, compact and sorted.

    The shape is the NodeShape (for a property shape, the one that owns it);
    for an integrity check it is "check:<name>". This is the form of the
    approved expected reports of the shape fixtures.
    """
    g = project.union
    rows = set()
    for f in result.findings:
        if f.check:
            shape, comp = f"check:{f.check}", "-"
        else:
            shape = _short(project.shapes, node_shape_of(project.shapes, f.shape))
            comp = _short(g, f.component) if f.component is not None else "-"
        if f.path is None:
            path = "-"
        elif isinstance(f.path, URIRef):
            path = _short(g, f.path)
        else:
            path = str(f.path)
        rows.add((_short(g, f.focus), shape, comp, path))
    return sorted(rows)


def report_graph(result: Result) -> Graph:
    """A standard sh:ValidationReport covering SHACL results and integrity checks."""
    g = Graph()
    g.bind("sh", SH)
    for prefix, ns in config.PREFIXES.items():
        g.bind(prefix, ns)
    report = URIRef(config.BASE + "validation-report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(result.conforms)))
    for i, f in enumerate(result.findings, start=1):
        r = URIRef(f"{config.BASE}validation-report#result-{i}")
        g.add((report, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.focusNode, f.focus))
        g.add((r, SH.resultSeverity, f.severity))
        if isinstance(f.path, URIRef):
            g.add((r, SH.resultPath, f.path))
        if f.value is not None:
            g.add((r, SH.value, f.value))
        for m in f.messages:
            g.add((r, SH.resultMessage, m))
        if isinstance(f.shape, URIRef):
            g.add((r, SH.sourceShape, f.shape))
        if f.component is not None:
            g.add((r, SH.sourceConstraintComponent, f.component))
        if f.check:
            g.add((r, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
            g.add((r, RDFS.seeAlso, URIRef(f"{config.BASE}checks/{f.check}")))
    return g
