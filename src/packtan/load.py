"""Load the vocabulary, the facts and the shapes from Turtle files.

Files are parsed with Oxigraph's Turtle parser (fast, strict, and exact
about where an error is) into rdflib terms. Each file is parsed on its own so
that an error names the file, line and column. The project's graph is the
union of the vocabulary and the facts. The facts come from a corpus folder
(the project's, or `root=`; its layout is `packtan.corpus`'s): data/shared/
is the named graph `graph/shared`, each document's folder and the selectors
derived for its passages the named graph `graph/doc/<NN-NNNN>`; each
ontology file is its own named graph (`graph/ontology/<stem>`), and so is
each loose file given in place of data/. Every file's triples are kept for
reports that name the file where a resource is defined.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef

from . import config, lexical
from .errors import UserError

Triple = tuple


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


# Oxigraph says e.g. "Parser error at line 2 between columns 9 and 15: <why> (file, line 2)"
# or "Parser error between line 4 column 11 and line 5 column 1: <why> (file, line 4)".
_LINE = re.compile(r"line (\d+)")
_COLUMN = re.compile(r"columns? (\d+)")
_WHY = re.compile(r"^[^:]*: (.*?)(?: \([^()]*line \d+\))?$", re.S)


def _syntax_error(path: Path, exc: SyntaxError) -> UserError:
    text = " ".join(str(exc).split())
    text = text.replace(
        "No scheme found in an absolute IRI",
        "relative IRI: write absolute IRIs (https://…) or prefixed names; no base IRI is set, and @base must be absolute",
    )
    head = text.split(": ", 1)[0]
    line, col, why = _LINE.search(head), _COLUMN.search(head), _WHY.match(text)
    where = f"{path}:{line.group(1)}" + (f":{col.group(1)}" if col else "") if line else str(path)
    reason = why.group(1) if why else text
    return UserError(f"{where}: Turtle syntax error: {reason[0].lower() + reason[1:]}")


def from_oxigraph(t):
    """An Oxigraph term as the rdflib term it stands for (xsd:string as a plain literal)."""
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        if t.datatype.value == str(XSD.string):
            return Literal(t.value)
        return Literal(t.value, datatype=URIRef(t.datatype.value))
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    raise UserError(f"unsupported RDF term {t!r}")


def _converter():
    """from_oxigraph with a cache: a file repeats its terms many times."""
    cache: dict = {}

    def term(t):
        hit = cache.get(t)
        if hit is None:
            hit = cache[t] = from_oxigraph(t)
        return hit

    return term


def check_regular_file(path: Path, what: str = "Turtle file") -> None:
    """UserError unless `path` is a readable regular file (symbolic links followed)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise UserError(f"{path}: a symbolic link to nothing (dangling), not a {what}") from None
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UserError(f"{path}: a loop of symbolic links, not a {what}") from None
        raise UserError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise UserError(f"{path}: a folder, not a {what}")
    if not stat.S_ISREG(st.st_mode):
        raise UserError(f"{path}: not a regular file (a FIFO, socket or device), not a {what}")
    if not os.access(path, os.R_OK):
        raise UserError(f"{path}: cannot be read: permission denied")


# A typed literal whose lexical form breaks XSD's rules: (file, subject, predicate, literal, why).
LexicalProblem = tuple


def parse_quads(path: Path) -> list:
    """Parse one Turtle file with Oxigraph; UserError names file, line and column.

    Relative IRIs are refused (no base IRI is set: a file's IRIs must not
    depend on where it lies)."""
    path = Path(path)
    check_regular_file(path)
    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise _syntax_error(path, exc) from None
    except MemoryError as exc:  # Oxigraph's parser refuses a token over 16 MiB
        raise UserError(f"{path}: a literal or IRI is too large to parse ({exc})") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read: {exc.strerror}") from None


def add_lexical_problems(path: Path, quads, problems: list, term=from_oxigraph) -> None:
    """Append to `problems` the typed literals of `quads` whose lexical form breaks XSD's rules."""
    for q in quads:
        o = q.object
        if isinstance(o, ox.Literal) and not o.language:
            why = lexical.problem(o.value, o.datatype.value)
            if why:
                problems.append((path, term(q.subject), term(q.predicate), term(o), why))


def read_turtle(path: Path, problems: list | None = None) -> list[Triple]:
    """Parse one Turtle file into rdflib triples (`parse_quads`); typed
    literals with an invalid lexical form are appended to `problems`
    (validation reports them) when it is given."""
    path = Path(path)
    quads = parse_quads(path)
    term = _converter()
    if problems is not None:
        add_lexical_problems(path, quads, problems, term)
    return [(term(q.subject), term(q.predicate), term(q.object)) for q in quads]


def parse_turtle(path: Path, into: Graph | None = None) -> Graph:
    g = into if into is not None else _bound(Graph())
    g.addN((s, p, o, g) for s, p, o in read_turtle(path))
    return g


def _bound(g: Graph) -> Graph:
    for prefix, ns in config.PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    g.bind("pash", config.PASH, override=True, replace=True)
    return g


def turtle_files(directory: Path) -> list[Path]:
    """The Turtle files of a folder, sorted; anything else in it is an error."""
    directory = Path(directory)
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except FileNotFoundError:
        raise UserError(f"{directory}: no such folder") from None
    except NotADirectoryError:
        raise UserError(f"{directory}: not a folder") from None
    except OSError as exc:
        raise UserError(f"{directory}: cannot be read: {exc.strerror or exc}") from None
    files = []
    for entry in entries:
        path = directory / entry.name
        if not entry.name.endswith(".ttl"):
            raise UserError(f"{path}: not a Turtle file (*.ttl); {directory.name}/ holds only Turtle files")
        check_regular_file(path)
        files.append(path)
    return files


@dataclass
class Project:
    """The parsed sources: vocabulary and facts (per file and as one graph), and the shapes."""

    union: Graph  # vocabulary and facts together: what is validated, queried and published
    ontology: Graph
    shapes: Graph
    named: dict[URIRef, list[Triple]]  # one named graph per source file (and the query catalogue)
    files: list[Path] = field(default_factory=list)
    lexical_problems: list[LexicalProblem] = field(default_factory=list)  # invalid typed literals of the facts
    file_triples: dict[Path, list[Triple]] = field(default_factory=dict)  # each data file's own triples
    corpus: object = None  # the packtan.corpus.Corpus loaded (None for loose data files)

    @cached_property
    def store(self):
        """The union in an in-process Oxigraph store, shared by the checks and the answers."""
        from .engine import OxGraph

        return OxGraph(self.union)

    @cached_property
    def defined_in(self) -> dict[URIRef, Path]:
        """The file that defines (types) each subject, for reports."""
        where: dict[URIRef, Path] = {}
        for f in self.files:
            triples = self.file_triples.get(f)
            for s, p, _o in triples if triples is not None else self.named.get(graph_iri(f), ()):
                if p == RDF.type:
                    where.setdefault(s, f)
        return where


@dataclass(frozen=True)
class Vocabulary:
    """The parsed ontology and shapes, to load many data sets against (tests do)."""

    files: list[Path]
    triples: dict[URIRef, list[Triple]]  # one list per ontology file
    ontology: Graph
    shapes: Graph
    problems: list = field(default_factory=list)  # invalid typed literals of the ontology


def load_vocabulary(with_shapes: bool = True) -> Vocabulary:
    """Parse ontology/ (and shapes/) once; the graphs must not be changed afterwards."""
    onto_files = turtle_files(config.ONTOLOGY_DIR)
    triples: dict[URIRef, list[Triple]] = {}
    ontology = _bound(Graph())
    problems: list[LexicalProblem] = []
    for f in onto_files:
        triples[graph_iri(f)] = read_turtle(f, problems)
        ontology.addN((s, p, o, ontology) for s, p, o in triples[graph_iri(f)])
    shapes = _bound(Graph())
    if with_shapes:
        for f in turtle_files(config.SHAPES_DIR):
            parse_turtle(f, into=shapes)
    return Vocabulary(onto_files, triples, ontology, shapes, problems)


def load_project(
    data_files: list[Path] | None = None,
    with_shapes: bool = True,
    vocabulary: Vocabulary | None = None,
    root: Path | None = None,
) -> Project:
    """Load ontology/, the facts and shapes/.

    The facts are the corpus under `root` (default: the project): data/shared/
    and one folder per document (`packtan.corpus`), or, when `data_files` is
    given, those loose files in its place (each its own named graph, their
    passages' selectors in `graph:derived/selectors`, no query catalogue).
    `vocabulary` (from `load_vocabulary`) saves parsing the ontology and the
    shapes again; its shapes are used whatever `with_shapes` says.
    """
    from .selectors import GRAPH as SELECTORS, passage_numbers, selector_triples

    corpus = None
    if data_files is None:
        from .corpus import SHARED_GRAPH, discover

        corpus = discover(root)  # a layout error before anything is parsed
    vocab = vocabulary if vocabulary is not None else load_vocabulary(with_shapes)
    named: dict[URIRef, list[Triple]] = dict(vocab.triples)
    problems: list[LexicalProblem] = list(vocab.problems)
    per_file: dict[Path, list[Triple]] = {}

    def read(files) -> list[Triple]:
        out: list[Triple] = []
        for f in files:
            per_file[f] = read_turtle(f, problems)
            out += per_file[f]
        return out

    if corpus is None:
        data_files = list(data_files)
        for f in data_files:
            named[graph_iri(f)] = read([f])
        every = [t for f in data_files for t in per_file[f]]
        derived = []
        for number in sorted(passage_numbers(every)):
            source = config.ROOT / "sources" / f"drucksache-{number}.txt"
            if source.is_file():
                derived += selector_triples(every, number, source)
        if derived:
            named[SELECTORS] = derived
    else:
        data_files = corpus.files
        if corpus.shared:
            named[SHARED_GRAPH] = read(corpus.shared)
        for doc in corpus.documents:
            own = read(doc.files)
            named[doc.graph] = own + selector_triples(own, doc.number, doc.source)
    union = _bound(Graph())
    for triples in named.values():
        union.addN((s, p, o, union) for s, p, o in triples)
    if corpus is not None:
        from .catalogue import catalogue_graph

        links = list(catalogue_graph(union))
        named[config.GRAPH["queries"]] = links
        union.addN((s, p, o, union) for s, p, o in links)
    return Project(
        union, vocab.ontology, vocab.shapes, named, vocab.files + list(data_files), problems, per_file, corpus
    )
