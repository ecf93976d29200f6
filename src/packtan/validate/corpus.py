"""Validation that scales with the corpus: one unit per document, in parallel, cached.

A corpus (`packtan.corpus.discover`) is validated in units:

- one unit per document: data graph = the ontology, the shared things, the
  document's files and the selectors derived for its passages (plus what
  other documents state about its resources), with the shapes' targets
  restricted to the resources it owns (typed in its files);
- one unit for the shared things: data graph = the ontology, the shared
  files and what the documents state about shared things, with what those
  statements point to (so that sh:class on a referenced passage still sees
  the passage), targets restricted to the things typed in the shared files.

The units run in worker processes (`jobs`; 1 = in this process). Each unit's
findings (with its derived selectors and lexical-form problems) are cached in
one small JSON file per unit, keyed by a hash of everything that can change
them: the vocabulary, shapes and check files, the code, the shared files and
the unit's own and context files and source text. The corpus-wide checks
(queries/checks/*.rq) run once on an Oxigraph store loaded directly from the
Turtle files, one named graph per file, queried as their union.

The union of the units' findings equals the findings of validating the whole
union at once (tests/test_corpus_validate.py checks it on the project and on
a synthetic corpus).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, SH, XSD, BNode, Graph, Literal, URIRef

from .. import config
from ..corpus import SHARED, SHARED_GRAPH, Corpus, Document
from ..errors import UserError
from .checks import check_shape, load_checks
from .findings import Finding, Result

CACHE_FORMAT = "packt-an-validation-cache/1"
CACHE_SUBDIR = Path(".packt-an-cache") / "validation"
DERIVED = URIRef(config.BASE + "graph/derived/")  # + number: the selectors of a document, in the store


def default_cache_dir(root: Path) -> Path:
    return Path(root) / CACHE_SUBDIR


# --- terms as JSON -----------------------------------------------------------


def _enc(t):
    if t is None:
        return None
    if isinstance(t, URIRef):
        return ["u", str(t)]
    if isinstance(t, BNode):
        return ["b", str(t)]
    if isinstance(t, Literal):
        return ["l", str(t), t.language, str(t.datatype) if t.datatype else None]
    if isinstance(t, tuple):
        return ["s", [str(x) for x in t]]
    raise TypeError(f"cannot encode {t!r}")


def _dec(v):
    if v is None:
        return None
    kind = v[0]
    if kind == "u":
        return URIRef(v[1])
    if kind == "b":
        return BNode(v[1])
    if kind == "l":
        return Literal(v[1], lang=v[2]) if v[2] else Literal(v[1], datatype=URIRef(v[3]) if v[3] else None)
    if kind == "s":
        return tuple(URIRef(x) for x in v[1])
    raise ValueError(f"unknown term kind {kind!r}")


def _finding_json(f: Finding) -> dict:
    return {
        "focus": _enc(f.focus), "path": _enc(f.path), "value": _enc(f.value),
        "messages": [_enc(m) for m in f.messages], "shape": _enc(f.shape),
        "component": _enc(f.component), "severity": _enc(f.severity), "check": f.check,
    }


def _finding_from_json(d: dict) -> Finding:
    return Finding(
        focus=_dec(d["focus"]), path=_dec(d["path"]), value=_dec(d["value"]),
        messages=tuple(_dec(m) for m in d["messages"]), shape=_dec(d["shape"]),
        component=_dec(d["component"]), severity=_dec(d["severity"]), check=d["check"],
    )


# --- the shapes with stable blank nodes ----------------------------------------


def _shape_files() -> list[Path]:
    from ..load import turtle_files

    return turtle_files(config.SHAPES_DIR)


def stable_shapes() -> Graph:
    """shapes/ as one graph whose blank nodes are named by file and order of
    appearance: the same in every process and run, so cached findings name the
    same property shapes as the report's shapes graph."""
    from ..load import _bound, _syntax_error, check_regular_file, from_oxigraph

    g = _bound(Graph())
    for i, path in enumerate(_shape_files()):
        check_regular_file(path)
        names: dict[str, BNode] = {}

        def term(t):
            if isinstance(t, ox.BlankNode):
                b = names.get(t.value)
                if b is None:
                    b = names[t.value] = BNode(f"s{i}b{len(names)}")
                return b
            return from_oxigraph(t)

        try:
            g.addN((term(q.subject), term(q.predicate), term(q.object), g)
                   for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except SyntaxError as exc:
            raise _syntax_error(path, exc) from None
    return g


# --- the work of one unit (in a worker process or in this one) ------------------


@dataclass(frozen=True)
class Task:
    name: str  # "shared" or the document's number
    own: tuple[Path, ...]  # the unit's own files: its focus nodes are their subjects
    context: tuple[Path, ...]  # further data files of its data graph (the shared files, for a document)
    document: Document | None  # for the derived selectors
    focus: tuple[str, ...] = ()  # IRIs of the resources it owns: the targets are restricted to them
    extra: str = ""  # N-Triples from other units about its resources and what they point to


_WORKER: dict = {}  # per process: the ontology, the shapes, parsed context files


def _prepare_worker(shapes: Graph | None = None) -> None:
    if "shapes" in _WORKER:
        return
    from ..load import load_vocabulary

    vocab = load_vocabulary(with_shapes=False)
    _WORKER["ontology"] = [t for triples in vocab.triples.values() for t in triples]
    _WORKER["shapes"] = shapes if shapes is not None else stable_shapes()
    _WORKER["parsed"] = {}


def _parsed(path: Path, problems: list | None = None):
    from ..load import read_turtle

    if problems is not None:
        return read_turtle(path, problems)
    key = (str(path), os.stat(path).st_mtime_ns)
    hit = _WORKER["parsed"].get(key)
    if hit is None:
        hit = _WORKER["parsed"][key] = read_turtle(path)
    return hit


def derived_selectors(own: list, document: Document | None) -> list[tuple]:
    """The selectors derived for the passages in a document's own triples, from its source text."""
    if document is None:
        return []
    from ..selectors import selector_triples

    return selector_triples(own, document.number, document.source)


_FOCUS: list = []  # the focus nodes the targets are restricted to (one frozenset), while a unit runs


def _restrict_targets() -> None:
    """Restrict the shapes' targets, and only them, to the unit's resources.

    pySHACL's own `focus_nodes` option also filters the value nodes handed to
    nested shapes (sh:not, sh:node, sh:qualifiedValueShape …), which drops
    literals and changes the findings; so the restriction is applied where
    a shape computes its target nodes (Shape.focus_nodes), nowhere else."""
    from pyshacl.shape import Shape

    if getattr(Shape.focus_nodes, "_packtan", False):
        return
    original = Shape.focus_nodes

    def focus_nodes(self, data_graph, debug=False):
        found = original(self, data_graph, debug=debug)
        if _FOCUS:
            allowed = _FOCUS[0]
            return {n for n in found if n in allowed}
        return found

    focus_nodes._packtan = True
    Shape.focus_nodes = focus_nodes


def _shacl(data: Graph, shapes: Graph, focus: list | None) -> list[Finding]:
    """The findings of the unit's focus nodes (all of them when `focus` is None).

    The `shacl` engine validates the whole data graph and keeps the results
    whose focus node is one of the unit's: a result's focus node is always a
    target of its shape, so this equals restricting the targets, which is
    what pySHACL does (PACKTAN_SHACL_ENGINE=pyshacl)."""
    from .shacl import engine, findings_of_report, pyshacl_report, run_fast_shacl

    if focus is not None and not focus:
        return []
    if engine() == "shacl":
        found = run_fast_shacl(data, shapes)
        if focus is None:
            return found
        allowed = frozenset(focus)
        return [f for f in found if f.focus in allowed]
    _restrict_targets()
    _FOCUS[:] = [frozenset(focus)] if focus is not None else []
    try:
        report = pyshacl_report(data, shapes)
    finally:
        _FOCUS[:] = []
    return findings_of_report(report)


def run_unit(task: Task) -> dict:
    """Validate one unit; the JSON-able value cached for it."""
    from ..load import _bound
    from .lexical_forms import lexical_finding
    from .shacl import engine, run_fast_shacl_ntriples

    _prepare_worker()
    problems: list = []
    if engine() == "shacl":  # N-Triples straight to the engine: no rdflib graph built
        own_nt, quads = [], []
        for f in task.own:
            text, parsed = _read_own(f, problems)
            own_nt.append(text)
            quads.extend(parsed)
        nt, derived = _derived_ntriples(quads, task.document)
        data = [_ontology_ntriples()] + [_file_ntriples(f) for f in task.context] + own_nt + [task.extra, nt]
        focus = frozenset([URIRef(x) for x in task.focus] + [URIRef(x) for x in derived])
        findings = [f for f in run_fast_shacl_ntriples("".join(data), _WORKER["shapes"]) if f.focus in focus] if focus else []
        findings += [lexical_finding(subject, predicate, literal, why) for _p, subject, predicate, literal, why in problems]
        return {"findings": [_finding_json(f) for f in findings], "derived": nt, "lexical": len(problems)}
    own: list = []
    for f in task.own:
        own.extend(_parsed(f, problems))
    g = _bound(Graph())
    g.addN((s, p, o, g) for s, p, o in _WORKER["ontology"])
    for f in task.context:
        g.addN((s, p, o, g) for s, p, o in _parsed(f))
    g.addN((s, p, o, g) for s, p, o in own)
    if task.extra:
        from ..load import _converter

        term = _converter()
        g.addN((term(q.subject), term(q.predicate), term(q.object), g)
               for q in ox.parse(task.extra.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    derived = derived_selectors(own, task.document)
    g.addN((s, p, o, g) for s, p, o in derived)
    focus = [URIRef(x) for x in task.focus] + [s for s in {s for s, _p, _o in derived} if isinstance(s, URIRef)]
    findings = _shacl(g, _WORKER["shapes"], focus)
    findings += [lexical_finding(subject, predicate, literal, why) for _p, subject, predicate, literal, why in problems]
    nt = _ntriples(derived)
    return {
        "findings": [_finding_json(f) for f in findings],
        "derived": nt,
        "lexical": len(problems),
    }


def _derived_ntriples(quads: list, document: Document | None) -> tuple[str, set[str]]:
    """The selectors derived for a document's passages, as N-Triples, and their subjects' IRIs."""
    if document is None:
        return "", set()
    from ..selectors import selector_ntriples

    return selector_ntriples(quads, document.number, document.source)


def _read_own(path: Path, problems: list) -> tuple[str, list]:
    """One of a unit's own files, parsed once by Oxigraph: its N-Triples text
    and its quads; its invalid typed literals are appended to `problems`."""
    from ..load import add_lexical_problems, parse_quads

    quads = parse_quads(path)
    add_lexical_problems(path, quads, problems)
    return ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), quads


def _ntriples(triples) -> str:
    """N-Triples of some rdflib triples, one sorted line each (Oxigraph's form)."""
    from ..dumps import _ox

    return "".join(sorted({f"{_ox(s)} {_ox(p)} {_ox(o)} .\n" for s, p, o in triples}))


def _ontology_ntriples() -> str:
    hit = _WORKER.get("ontology_nt")
    if hit is None:
        hit = _WORKER["ontology_nt"] = _ntriples(_WORKER["ontology"])
    return hit


def _file_ntriples(path: Path) -> str:
    """A data file as N-Triples (Oxigraph parses and writes it), cached in the worker."""
    key = ("nt", str(path), os.stat(path).st_mtime_ns)
    hit = _WORKER["parsed"].get(key)
    if hit is None:
        quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        hit = _WORKER["parsed"][key] = ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return hit


def _run_in_worker(task: Task) -> tuple[str, dict]:
    return task.name, run_unit(task)


# --- the cache -----------------------------------------------------------------


def _digest(h, path: Path) -> None:
    h.update(os.fsencode(Path(path).name) + b"\0")
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        data = b"\0missing\0"
    h.update(len(data).to_bytes(8, "big") + data)


def code_version() -> bytes:
    h = hashlib.sha256(config.VERSION.encode() + b"\0")
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("*.py")) + [here.parent / "load.py", here.parent / "selectors.py"]:
        _digest(h, path)
    return h.digest()


def base_key(corpus: Corpus) -> bytes:
    """The part of every unit's key shared by all: vocabulary, shapes, checks, code, shared files."""
    from ..load import turtle_files

    h = hashlib.sha256(CACHE_FORMAT.encode() + b"\0" + code_version())
    for group in (turtle_files(config.ONTOLOGY_DIR), _shape_files(), sorted(config.CHECKS_DIR.glob("*.rq")), corpus.shared):
        h.update(b"\1")
        for path in group:
            _digest(h, path)
    return h.digest()


def unit_key(base: bytes, task: Task) -> str:
    h = hashlib.sha256(base)
    h.update(task.name.encode() + b"\0")
    for group in (task.own, task.context):
        h.update(b"\1")
        for path in group:
            h.update(os.fsencode(str(path)) + b"\0")
            _digest(h, path)
    h.update(b"\3" + "\n".join(task.focus).encode() + b"\4" + task.extra.encode())
    if task.document is not None:
        h.update(b"\2")
        _digest(h, task.document.source)
    return h.hexdigest()


def _cache_file(cache_dir: Path, name: str) -> Path:
    return Path(cache_dir) / f"{name}.json"


def read_cache(cache_dir: Path | None, name: str, key: str) -> dict | None:
    """The cached value of a unit, or None when missing, stale, foreign or corrupt."""
    if cache_dir is None:
        return None
    try:
        data = json.loads(_cache_file(cache_dir, name).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or data.get("key") != key:
            return None
        value = data["value"]
        [_finding_from_json(f) for f in value["findings"]]  # decodable, or not used
        if not isinstance(value["derived"], str):
            return None
        return value
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def write_cache(cache_dir: Path | None, name: str, key: str, value: dict) -> None:
    """Write a unit's value atomically (temporary file, then rename); a cache
    that cannot be written only costs time, so failures are ignored."""
    if cache_dir is None:
        return
    cache_dir = Path(cache_dir)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        ignore = cache_dir.parent / ".gitignore"
        if cache_dir.parent.name == CACHE_SUBDIR.parts[0] and not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        text = json.dumps({"format": CACHE_FORMAT, "key": key, "value": value}, ensure_ascii=False, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=cache_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, _cache_file(cache_dir, name))
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass


# --- the corpus store ----------------------------------------------------------


def file_graph(path: Path) -> ox.NamedNode:
    """The store's named graph of one data file (its file: IRI, unique in a corpus)."""
    return ox.NamedNode(Path(path).resolve().as_uri())


def load_store(corpus: Corpus) -> ox.Store:
    """The ontology and every data file, each in its own named graph, parsed once by Oxigraph."""
    from ..load import check_regular_file, read_turtle, turtle_files

    store = ox.Store()
    for path in turtle_files(config.ONTOLOGY_DIR) + corpus.files:
        check_regular_file(path)
        try:  # load, not bulk_load: faster for an in-memory store (1M triples: 2.8-3.3 s, not 3.8-4.2 s)
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=file_graph(path))
        except (SyntaxError, MemoryError, UnicodeDecodeError):
            read_turtle(path)  # raises the UserError naming file, line and column
            raise
    return store


_TYPE = ox.NamedNode(str(RDF.type))


def _line(q) -> str:
    return f"{q.subject} {q.predicate} {q.object} .\n"


def tasks(corpus: Corpus, store: ox.Store) -> list[Task]:
    """The shared unit (when there are shared files) and one unit per document.

    A unit owns the resources typed in its files (and those typed nowhere
    that are subjects of its triples); its targets are restricted to them.
    Its data graph: the ontology, the shared files (for a document), its own
    files, and the triples other units state about the resources it owns or
    points to, two steps deep (e.g. a document's statement about a shared
    organisation, and the type of the passage that statement points to)."""
    units: list[tuple[str, tuple[Path, ...], Document | None]] = []
    if corpus.shared:
        units.append((SHARED, corpus.shared, None))
    units += [(d.number, d.files, d) for d in corpus.documents]
    unit_of: dict = {}  # the store's graph of a file -> its unit
    for name, files, _d in units:
        for f in files:
            unit_of[file_graph(f)] = name
    subjects: dict[str, set] = {name: set() for name, _f, _d in units}
    objects: dict[str, set] = {name: set() for name, _f, _d in units}
    order = {name: i for i, (name, _f, _d) in enumerate(units)}
    typed: dict = {}  # node -> the first unit (in unit order) that types it
    stating: dict = {}  # node -> the units that state something about it
    # Three queries, not a pass over every quad in Python (1M triples: 2 s, not
    # 3 s), nor one query per file's graph (which scans every quad once per file).
    for g, subject in store.query("SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } }"):
        name = unit_of.get(g)
        if name is not None:
            subjects[name].add(subject)
            stating.setdefault(subject, set()).add(name)
    for g, obj in store.query("SELECT DISTINCT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER isIRI(?o) } }"):
        name = unit_of.get(g)
        if name is not None:
            objects[name].add(obj)
    for g, subject in store.query("SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?s a ?t } }"):
        name = unit_of.get(g)
        if name is not None:
            seen = typed.get(subject)
            if seen is None or order[name] < order[seen]:
                typed[subject] = name

    def stated_elsewhere(nodes, name: str, skip: set[str]) -> dict[str, object]:
        """What other units state about `nodes`: N-Triples line -> its object."""
        out = {}
        mine = {name} | skip
        for n in nodes:
            if stating.get(n, mine) <= mine:  # nothing stated about it in another unit
                continue
            for q in store.quads_for_pattern(n, None, None, None):
                other = unit_of.get(q.graph_name)
                if other is not None and other != name and other not in skip:
                    out[_line(q)] = q.object
        return out

    out = []
    for name, files, doc in units:
        owned = {n for n in subjects[name] if isinstance(n, ox.NamedNode) and typed.get(n, name) == name}
        skip = {SHARED} if doc is not None else set()  # a document's data graph holds the shared files
        # a document's view of a shared thing is the shared files' (what other
        # documents say about it is validated with the shared unit)
        pointed = {n for n in objects[name] if doc is None or typed.get(n) != SHARED}
        first = stated_elsewhere(owned | pointed, name, skip)
        nodes2 = {o for o in first.values() if isinstance(o, ox.NamedNode)}
        second = stated_elsewhere(nodes2 - owned - objects[name], name, skip)
        extra = "".join(sorted(first.keys() | second.keys()))
        ctx = corpus.shared if doc is not None else ()
        out.append(Task(name, files, ctx, doc, tuple(sorted(n.value for n in owned)), extra))
    return out


# --- the corpus ----------------------------------------------------------------


class _ReportGraph(Graph):
    """The labels of the reported resources, with the corpus's triple count as its length."""

    def __init__(self, triples: int):
        super().__init__()
        self._corpus_triples = triples

    def __len__(self):
        return self._corpus_triples


@dataclass
class CorpusView:
    """What the reports need of a project (report_text, finding_rows), for a corpus."""

    union: Graph
    shapes: Graph
    defined_in: dict
    files: list


@dataclass
class CorpusResult(Result):
    validated: list[str] = field(default_factory=list)  # units validated in this run
    reused: list[str] = field(default_factory=list)  # units whose findings came from the cache
    triples: int = 0
    store: object = None
    values: dict = field(default_factory=dict)  # unit name -> its (cached) value
    tasks: list = field(default_factory=list)  # the units (Task), in order
    vocabulary_findings: list = field(default_factory=list)  # the vocabulary's lexical-form problems
    base: bytes = b""  # base_key of the corpus
    keys: dict = field(default_factory=dict)  # unit name -> unit_key (the cache's key of its value)
    view: CorpusView | None = None


def _jobs(jobs: int | None, units: int) -> int:
    if jobs is None:
        jobs = os.cpu_count() or 1
    if jobs < 1:
        raise UserError(f"--jobs must be at least 1, not {jobs}")
    return max(1, min(jobs, units))


def run_units(todo: list[Task], jobs: int | None, shapes: Graph, cache_dir, keys: dict, arrived, in_process: int = 1) -> None:
    """Validate the units `todo`: in this process when `jobs` or their number
    is at most `in_process`, else in worker processes. Each value is cached
    under its unit's key, then handed to `arrived(name, value)` as it comes."""
    if not todo:
        return
    n = _jobs(jobs, len(todo))
    if n == 1 or len(todo) <= in_process:
        _prepare_worker(shapes)
        for t in todo:
            value = run_unit(t)
            write_cache(cache_dir, t.name, keys[t.name], value)
            arrived(t.name, value)
        return
    _WORKER.clear()
    _prepare_worker(shapes)  # forked workers inherit it
    with ProcessPoolExecutor(max_workers=n) as pool:
        for name, value in pool.map(_run_in_worker, todo, chunksize=1):
            write_cache(cache_dir, name, keys[name], value)
            arrived(name, value)


def validate_corpus(
    corpus: Corpus,
    vocabulary=None,
    jobs: int | None = None,
    cache_dir: Path | None | str = "default",
    run_checks: bool = True,
) -> CorpusResult:
    """Every finding of the corpus: per-unit SHACL (parallel, cached), lexical forms, corpus-wide checks.

    `cache_dir`: a folder, None for no cache, "default" for <root>/.packt-an-cache/validation/.
    `vocabulary` (load.Vocabulary) is accepted for symmetry with load_project;
    the ontology's lexical-form problems are taken from it when given."""
    from ..load import load_vocabulary
    from .lexical_forms import lexical_finding

    if cache_dir == "default":
        cache_dir = default_cache_dir(corpus.root)
    shapes = stable_shapes()
    vocab = vocabulary if vocabulary is not None else load_vocabulary(with_shapes=False)
    store = load_store(corpus)
    units = tasks(corpus, store)
    base = base_key(corpus)
    keys = {t.name: unit_key(base, t) for t in units}
    values: dict[str, dict] = {}
    documents = {t.name: t.document for t in units}

    def arrived(name: str, value: dict) -> None:
        # a document's derived selectors go into the store as its value
        # arrives, while the workers go on with the other units
        values[name] = value
        doc = documents[name]
        if value["derived"] and doc is not None:
            store.load(value["derived"].encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
                       to_graph=ox.NamedNode(str(DERIVED) + doc.number))

    todo = []
    for t in units:
        hit = read_cache(cache_dir, t.name, keys[t.name])
        if hit is None:
            todo.append(t)
        else:
            arrived(t.name, hit)
    run_units(todo, jobs, shapes, cache_dir, keys, arrived)
    result = CorpusResult(shapes=shapes)
    result.validated = [t.name for t in todo]
    result.reused = [t.name for t in units if t not in todo]
    seen = set()
    for t in units:
        value = values[t.name]
        for d in value["findings"]:
            f = _finding_from_json(d)
            if f not in seen:
                seen.add(f)
                result.findings.append(f)
    for _p, subject, predicate, literal, why in vocab.problems:
        result.vocabulary_findings.append(lexical_finding(subject, predicate, literal, why))
    result.findings.extend(result.vocabulary_findings)
    if run_checks:
        from ..engine import OxGraph
        from .checks import run_integrity_checks

        result.findings.extend(run_integrity_checks(OxGraph.from_store(store, union=True), threads=jobs))
    result.findings.sort(key=Finding.sort_key)
    result.values = values
    result.tasks = units
    result.base, result.keys = base, keys
    result.store = store
    result.triples = len(store)
    result.view = _view(result, corpus, shapes, store)
    return result


def _view(result: CorpusResult, corpus: Corpus, shapes: Graph, store: ox.Store) -> CorpusView:
    """Labels and defining files of the reported resources only (the corpus stays in the store)."""
    from ..load import _bound, from_oxigraph

    g = _bound(_ReportGraph(result.triples))
    files = {file_graph(f).value: f for f in corpus.files} if result.findings else {}
    where: dict = {}
    label = ox.NamedNode(str(config.PREFIXES["rdfs"]) + "label")
    rdf_type = ox.NamedNode(str(RDF.type))
    for focus in {f.focus for f in result.findings}:
        if not isinstance(focus, URIRef):
            continue
        node = ox.NamedNode(str(focus))
        for q in store.quads_for_pattern(node, label, None, None):
            g.add((focus, URIRef(label.value), from_oxigraph(q.object)))
        for q in sorted(store.quads_for_pattern(node, rdf_type, None, None), key=lambda q: str(q.graph_name)):
            path = files.get(getattr(q.graph_name, "value", None))
            if path is not None:
                where.setdefault(focus, path)
    return CorpusView(g, shapes, where, corpus.files)


# --- the reference: the whole union at once (for the tests) ----------------------


def whole_graph(corpus: Corpus) -> Graph:
    """Ontology, shared things, every document and every document's derived selectors, as one graph."""
    from ..load import _bound

    _prepare_worker()
    g = _bound(Graph())
    g.addN((s, p, o, g) for s, p, o in _WORKER["ontology"])
    for f in corpus.files:
        g.addN((s, p, o, g) for s, p, o in _parsed(f))
    derived = []
    for d in corpus.documents:
        derived += derived_selectors([t for f in d.files for t in _parsed(f)], d)
    g.addN((s, p, o, g) for s, p, o in derived)
    return g


def validate_whole(corpus: Corpus) -> list[Finding]:
    """The SHACL engine over the whole union at once, every focus node (the reference for the units)."""
    _prepare_worker()
    return _shacl(whole_graph(corpus), _WORKER["shapes"], None)


def finding_keys(findings) -> set[tuple]:
    """(focus, path, component, shape, value) of each finding: what must agree."""
    return {(f.focus, f.path, f.component, f.shape, f.value) for f in findings}
