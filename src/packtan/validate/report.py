"""Reports derived from one Result: the SHACL validation report (RDF), the
report for people (German or English) and one tab-separated line per finding.

`report_graph` writes every finding as the SHACL specification defines a
validation result (§3.6.2): sh:focusNode, sh:resultSeverity,
sh:sourceConstraintComponent, sh:sourceShape, sh:resultPath (the source
property shape's path, sequence paths as RDF lists), sh:value where there is
one, and sh:resultMessage. A property shape is a blank node of the shapes
graph; the report carries its description (path, name, constraints,
messages) so that it is readable on its own. The integrity checks report in
the same form, each with a source shape of its own (`checks.check_shape`).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, RDFS, SH, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from .. import config
from ..load import Project
from .checks import check_shape, load_checks
from .findings import Finding, Result


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


def path_text(graph: Graph, path) -> str:
    """A property as a prefixed name, a sequence path as "a:b/c:d", "-" for none."""
    if path is None:
        return "-"
    if isinstance(path, tuple):
        return "/".join(_short(graph, step) for step in path)
    return _short(graph, path)


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
    },
}


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
        out.append(t["head"].format(n=n, r=r, violations=t["violations"][n != 1], resources=t["resources"][r != 1]))
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
                pname = _pick(names.objects(f.shape, SH.name), lang) if f.shape is not None and not f.check else None
                ptext = path_text(data, f.path)
                prop = f"{pname} ({ptext})" if pname else ptext
            sev = "" if f.severity == SH.Violation else f"[{_short(data, f.severity)}] "
            msg = _pick(f.messages, lang) or t["nomsg"]
            out.append(f"  - {sev}{prop + ': ' if prop else ''}{msg}")
            if f.value is not None:
                out.append(f"      {t['value']}: {_short(data, f.value)}")
            if f.check:
                rq = config.CHECKS_DIR / f"{f.check}.rq"
                source = f"queries/checks/{f.check}.rq" if rq.is_file() else _short(names, f.shape)
                out.append(f"      {t['check']}: {source}")
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
        rows.add((_short(g, f.focus), shape, comp, path_text(g, f.path)))
    return sorted(rows)


# --- the SHACL validation report -------------------------------------------------

_NO_MESSAGE = (
    Literal("Verstoß ohne Meldung", lang="de"),
    Literal("violation without a message", lang="en"),
)


def _copy(source: Graph, node, target: Graph) -> None:
    """`node`'s description in `source`, with every blank node it reaches, into `target`."""
    todo, seen = [node], set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for _s, p, o in source.triples((n, None, None)):
            target.add((n, p, o))
            if isinstance(o, BNode):
                todo.append(o)


def _result_path(g: Graph, f: Finding, shapes: Graph | None):
    """The result path: the source property shape's sh:path (copied, lists and
    all), else the finding's own property or sequence."""
    if shapes is not None and f.shape is not None and not f.check:
        path = shapes.value(f.shape, SH.path)
        if path is not None:
            if isinstance(path, BNode):
                _copy(shapes, path, g)
            return path
    if isinstance(f.path, URIRef):
        return f.path
    if isinstance(f.path, tuple):
        head = BNode()
        Collection(g, head, list(f.path))
        return head
    return None


def _describe_check(g: Graph, shape: URIRef, name: str, checks: dict) -> None:
    check = checks.get(name)
    g.add((shape, RDF.type, SH.NodeShape))
    for lang, text in sorted((check.names if check else {}).items()):
        g.add((shape, SH.name, Literal(text, lang=lang)))
    rq = config.CHECKS_DIR / f"{name}.rq"
    where = f"queries/checks/{name}.rq" if rq.is_file() else name
    g.add((shape, RDFS.comment, Literal(f"Integrity check {where}: a SPARQL query over the data as written; every row is a result.", lang="en")))
    g.add((shape, RDFS.comment, Literal(f"Integritätsprüfung {where}: eine SPARQL-Abfrage über die Daten, wie sie geschrieben sind; jede Zeile ist ein Ergebnis.", lang="de")))


def report_graph(result: Result) -> Graph:
    """The sh:ValidationReport of every finding, SHACL results and integrity checks alike."""
    g = Graph()
    g.bind("sh", SH)
    for prefix, ns in config.PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("pash", config.PASH)
    shapes = result.shapes
    checks = {c.name: c for c in load_checks()}
    report = URIRef(config.BASE + "validation-report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(result.conforms)))
    described: set = set()
    for i, f in enumerate(result.findings, start=1):
        r = URIRef(f"{config.BASE}validation-report#result-{i}")
        g.add((report, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.focusNode, f.focus))
        g.add((r, SH.resultSeverity, f.severity))
        shape = f.shape if f.shape is not None else (check_shape(f.check) if f.check else None)
        component = f.component if f.component is not None else (SH.SPARQLConstraintComponent if f.check else None)
        if shape is not None:
            g.add((r, SH.sourceShape, shape))
        if component is not None:
            g.add((r, SH.sourceConstraintComponent, component))
        path = _result_path(g, f, shapes)
        if path is not None:
            g.add((r, SH.resultPath, path))
        if f.value is not None:
            g.add((r, SH.value, f.value))
        for m in f.messages or _NO_MESSAGE:
            g.add((r, SH.resultMessage, m))
        if shape is not None and shape not in described:
            described.add(shape)
            if f.check:
                _describe_check(g, shape, f.check, checks)
            elif isinstance(shape, BNode) and shapes is not None:
                _copy(shapes, shape, g)
                for owner in shapes.subjects(SH.property, shape):
                    g.add((owner, SH.property, shape))  # the node shape it belongs to
    return g
