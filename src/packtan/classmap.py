"""How the classes link: every object property between classes.

Read from the shapes: for each NodeShape with a `sh:targetClass`, each
property shape whose `sh:path` is a property and that names the class of its
values (`sh:class`, the classes of an `sh:or`, or `sh:in`/`sh:hasValue` on the
path `( p rdf:type )`). Where a shape only says the value is an IRI, the
classes the values have in the data complete the row (marked "data").

`docs/class-map.md` is this table, generated (`build.py class-map`; a test
checks it is current); the build draws the same map with Graphviz `dot` into
`dist/class-map.svg`.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from rdflib import RDF, SH, URIRef
from rdflib.collection import Collection

from . import config
from .errors import UserError

Row = tuple[str, str, tuple[str, ...], str]  # from class, property, to classes, "shape" or "data"


@lru_cache(maxsize=None)
def _c(term) -> str:
    return config.curie(str(term)) or f"<{term}>"


def _list(g, node) -> list:
    try:
        return list(Collection(g, node))
    except Exception:
        return []


def rows(project) -> list[Row]:
    shapes, data = project.shapes, project.union
    found: dict[tuple[str, str, str], str] = {}
    open_ended: set[tuple[URIRef, URIRef]] = set()
    for node in set(shapes.subjects(RDF.type, SH.NodeShape)):
        targets = [t for t in shapes.objects(node, SH.targetClass) if isinstance(t, URIRef)]
        for ps in shapes.objects(node, SH.property):
            path = shapes.value(ps, SH.path)
            classes: list = []
            if isinstance(path, URIRef):
                classes += list(shapes.objects(ps, SH["class"]))
                for alt in _list(shapes, shapes.value(ps, SH["or"])):
                    classes += list(shapes.objects(alt, SH["class"]))
                if not classes and shapes.value(ps, SH.nodeKind) == SH.IRI:
                    open_ended.update((t, path) for t in targets)
            else:  # ( p rdf:type ) with the allowed classes
                steps = _list(shapes, path)
                if len(steps) == 2 and steps[1] == RDF.type and isinstance(steps[0], URIRef):
                    path = steps[0]
                    classes += _list(shapes, shapes.value(ps, SH["in"]))
                    classes += list(shapes.objects(ps, SH.hasValue))
                else:
                    continue
            for t in targets:
                for c in classes:
                    if isinstance(c, URIRef):
                        found[(_c(t), _c(path), _c(c))] = "shape"
    for cls, prop in sorted(open_ended):
        known = {k[2] for k in found if k[0] == _c(cls) and k[1] == _c(prop)}
        if known:
            continue
        for s in data.subjects(RDF.type, cls):
            for o in data.objects(s, prop):
                for oc in data.objects(o, RDF.type):
                    found.setdefault((_c(cls), _c(prop), _c(oc)), "data")
    # one row per class and property; of the classes it leads to, those that
    # are not a subclass of another of them (by the ontology)
    from rdflib import RDFS

    onto = project.ontology
    grouped: dict[tuple[str, str, str], set[str]] = {}
    for (a, p, b), how in found.items():
        grouped.setdefault((a, p, how), set()).add(b)
    iri = {_c(c): c for c in set(onto.subjects()) | set(onto.objects()) if isinstance(c, URIRef)}
    out = []
    for (a, p, how), targets in grouped.items():
        def supers(c):
            u = iri.get(c)
            return {_c(x) for x in onto.transitive_objects(u, RDFS.subClassOf)} - {c} if u is not None else set()

        kept = tuple(sorted(c for c in targets if not (supers(c) & targets)))
        out.append((a, p, kept, how))
    return sorted(out)


HEADER = """<!-- Generated from the shapes by `build.py class-map`; do not edit. A test checks it is current. -->
# How the classes link

Every object property between classes, as the shapes (`shapes/*.ttl`) state
it: from a resource of the first class, the property leads to a resource of
the last. Where a shape only says that the value is an IRI, the classes the
values have in the data fill in the row ("data"). `prov:wasDerivedFrom` to
`pa:Passage` is left out: every fact has it. The same map as a picture is
`dist/class-map.svg`, drawn at build time by Graphviz.

| from class | property | to class (any of) | from |
|---|---|---|---|
"""

SKIP = {("prov:wasDerivedFrom", "pa:Passage")}  # (property, to classes…) left out


def _shown(table: list[Row]) -> list[Row]:
    return [r for r in table if not (r[1], ) + r[2] in SKIP]


def markdown(table: list[Row]) -> str:
    body = "".join(
        f"| `{a}` | `{p}` | {', '.join(f'`{x}`' for x in b)} | {how} |\n" for a, p, b, how in _shown(table)
    )
    return HEADER + body


def dot_source(table: list[Row]) -> str:
    lines = [
        "digraph classes {",
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=10, bgcolor="white"];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f4f4", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8, color="#555555"];',
    ]
    shown = _shown(table)
    name = {b: " | ".join(b) for _a, _p, b, _h in shown}  # a set of classes is one box
    nodes = sorted({a for a, _p, _b, _h in shown} | set(name.values()))
    lines += [f'  "{n}";' for n in nodes]
    for a, p, b, how in shown:
        style = ', style="dashed"' if how == "data" else ""
        lines.append(f'  "{a}" -> "{name[b]}" [label="{p}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def svg(table: list[Row]) -> bytes:
    dot = shutil.which("dot")
    if dot is None:
        raise UserError("class-map.svg needs Graphviz `dot` (Debian: apt-get install graphviz)")
    res = subprocess.run([dot, "-Tsvg"], input=dot_source(table).encode("utf-8"), capture_output=True, timeout=120)
    if res.returncode != 0:
        raise UserError(f"dot failed on the class map: {' '.join(res.stderr.decode('utf-8', 'replace').split())}")
    return res.stdout


def render(project, result=None, files=None) -> dict[str, bytes | str]:
    """The DOT source always; the SVG where Graphviz is installed (a note on stderr where not)."""
    import sys

    table = rows(project)
    out: dict[str, bytes | str] = {"class-map.dot": dot_source(table)}
    if shutil.which("dot") is None:
        print("note: Graphviz `dot` is not installed: dist/class-map.svg not drawn (apt-get install graphviz)", file=sys.stderr)
    else:
        out["class-map.svg"] = svg(table)
    return out
