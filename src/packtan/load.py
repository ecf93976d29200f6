"""Load the vocabulary, the facts and the shapes from Turtle files.

Each file is parsed on its own so that an error names the file and line.
The graph of the project is a Dataset with one named graph per source file
(`https://w3id.org/packt-an/graph/<dir>/<stem>`); its union is what is
validated, queried and published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from . import config
from .errors import UserError


def graph_iri(path: Path) -> URIRef:
    """The named graph of a source file, stable across machines."""
    path = Path(path)
    try:
        rel = path.resolve().relative_to(config.ROOT)
        name = rel.with_suffix("").as_posix()
    except ValueError:  # a file from outside the project
        name = "external/" + path.stem
    slug = re.sub(r"[^a-z0-9/-]+", "-", name.lower()).strip("-")
    return URIRef(str(config.GRAPH) + slug)


def parse_turtle(path: Path, into: Graph | None = None) -> Graph:
    """Parse one Turtle file; raise UserError naming file and line on failure."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    g = into if into is not None else Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        g.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise UserError(f"{path}:{exc.lines + 1}: Turtle syntax error: {_why(exc)}") from None
    except Exception as exc:  # rdflib raises plain exceptions for some errors
        raise UserError(f"{path}: cannot be read as Turtle: {exc}") from None
    return g


def _why(exc: BadSyntax) -> str:
    why = str(exc._why).strip().rstrip(".")
    return why[0].lower() + why[1:] if why else "bad syntax"


def turtle_files(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.ttl") if p.is_file())


@dataclass
class Project:
    """The parsed sources: named graphs of vocabulary and facts, and the shapes."""

    dataset: Dataset
    ontology: Graph
    data: Graph
    shapes: Graph
    files: list[Path] = field(default_factory=list)

    @cached_property
    def union(self) -> Graph:
        """Vocabulary and facts together (what is published and queried)."""
        g = Graph()
        for prefix, ns in config.PREFIXES.items():
            g.bind(prefix, ns, override=True, replace=True)
        g += self.ontology
        g += self.data
        return g

    @cached_property
    def defined_in(self) -> dict[URIRef, Path]:
        """The file that defines (types) each subject, for reports."""
        where: dict[URIRef, Path] = {}
        for f in self.files:
            g = self.dataset.graph(graph_iri(f))
            for s in g.subjects(RDF.type, None):
                where.setdefault(s, f)
        return where


def load_project(data_files: list[Path] | None = None, with_shapes: bool = True) -> Project:
    """Load ontology/ and data/ (or the given data files in its place), and shapes/."""
    onto_files = turtle_files(config.ONTOLOGY_DIR)
    use_project_data = data_files is None
    if data_files is None:
        data_files = turtle_files(config.DATA_DIR)
    ds = Dataset()
    ontology, data = Graph(), Graph()
    for f in onto_files:
        g = parse_turtle(f)
        ontology += g
        ds.graph(graph_iri(f)).__iadd__(g)
    for f in data_files:
        g = parse_turtle(f)
        data += g
        ds.graph(graph_iri(f)).__iadd__(g)
    if use_project_data:
        from .catalogue import catalogue_graph

        links = catalogue_graph(data)
        data += links
        ds.graph(config.GRAPH["queries"]).__iadd__(links)
    shapes = Graph()
    if with_shapes:
        for f in turtle_files(config.SHAPES_DIR):
            parse_turtle(f, into=shapes)
    return Project(ds, ontology, data, shapes, onto_files + list(data_files))
