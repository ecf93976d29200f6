"""dist/shapes.de.ttl and dist/shapes.en.ttl: the shapes with one language each.

Jena's SHACL engine (4.5 up to 6.0) refuses a constraint with more than one
sh:message (apache/jena#3817), which SHACL allows and shapes/ uses for
German and English. These files keep every shape and constraint and only
the literals of one language for sh:message, sh:name, sh:description,
rdfs:label and rdfs:comment; validation results are the same.
"""

from __future__ import annotations

from rdflib import RDFS, SH, Graph, Literal

from . import dumps
from .load import Project

TEXTS = (SH.message, SH.name, SH.description, RDFS.label, RDFS.comment)
LANGS = ("de", "en")


def one_language_triples(triples, lang: str) -> list[tuple]:
    """The triples but the texts (TEXTS) in other languages than `lang`."""
    texts = set(TEXTS)
    return [
        (s, p, o)
        for s, p, o in triples
        if not (p in texts and isinstance(o, Literal) and o.language and o.language != lang)
    ]


def one_language(shapes: Graph, lang: str) -> Graph:
    g = Graph()
    for prefix, ns in shapes.namespaces():
        g.bind(prefix, ns)
    g.addN((s, p, o, g) for s, p, o in one_language_triples(shapes, lang))
    return g


def render(project: Project, result, files=None) -> dict[str, str]:
    # the Turtle of a list of triples is that of their graph (dumps.to_turtle
    # writes with the project's prefixes, not the graph's bindings)
    shapes = list(project.shapes)
    return {f"shapes.{lang}.ttl": dumps.to_turtle(one_language_triples(shapes, lang)) for lang in LANGS}
