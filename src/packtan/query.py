"""Run SPARQL queries on the embedded graph or on any SPARQL 1.1 endpoint."""

from __future__ import annotations

import json
import math
import re
import socket
import threading
import urllib.error
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result

from . import config, guard
from .errors import UserError

FORMATS = ("table", "csv", "json")


@dataclass
class Answer:
    """A query result in one shape for both engines."""

    kind: str  # "SELECT", "ASK" or "CONSTRUCT"
    vars: list[str]
    rows: list[dict[str, object]]  # SELECT: variable -> rdflib term
    boolean: bool | None = None
    graph: Graph | None = None


# rdflib would fetch the IRIs of FROM / FROM NAMED from the web; the guard
# refuses them on the embedded graph, and this keeps rdflib from loading anything.
import rdflib.plugins.sparql as _rdflib_sparql

_rdflib_sparql.SPARQL_LOAD_GRAPHS = False

EMBEDDED_LIMITS = guard.Limits(allow_dataset_clause=False)


def read_query(path: Path, limits: guard.Limits = EMBEDDED_LIMITS, doc: str | None = None) -> str:
    """The text of a query file, checked by the guard, scoped to Drucksache
    `doc` when given (see `scope_to_document`) and parsed; UserError names the file."""
    from .load import check_regular_file

    path = Path(path)
    check_regular_file(path, what="query file")
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise UserError(f"{path}: the query is larger than {limits.max_bytes} bytes")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    return prepare_query(text, str(path), limits, doc)


def prepare_query(
    text: str, source: str = "query", limits: guard.Limits = EMBEDDED_LIMITS, doc: str | None = None
) -> str:
    """`text` checked by the guard (size, nesting, SERVICE, FROM), scoped to
    Drucksache `doc` when given, with the project's prefixes predeclared (as a
    SPARQL editor does), checked to parse; UserError naming `source` when it
    is refused, not scoped to a document, or does not parse."""
    try:
        guard.check(text, limits)
    except guard.Refused as exc:
        raise UserError(f"{source}: refused: {exc}") from None
    if doc is not None:
        doc = document_number(doc)
        text = scope_to_document(text, doc, source)
    text = with_prefixes(text, doc)
    try:
        with _PARSER_LOCK:
            prepareQuery(text)
    except RecursionError:
        raise UserError(f"{source}: malformed SPARQL query: nested too deeply") from None
    except Exception as exc:
        raise UserError(f"{source}: malformed SPARQL query: {_one_line(exc)}") from None
    return text


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host, or UserError saying what is wrong."""
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # raises on a bad port
    except ValueError as exc:
        raise UserError(f"{url!r} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise UserError(f"{url!r} is not an http(s) URL")
    if not parts.hostname:
        raise UserError(f"{url!r} has no host")
    if any(c.isspace() for c in url):
        raise UserError(f"{url!r} contains white space")
    return url


_DECLARED = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.I | re.M)


def prefix_lines() -> list[str]:
    """The project's prefixes as SPARQL PREFIX declarations, sorted."""
    return [f"PREFIX {name}: <{ns}>" for name, ns in sorted(config.PREFIXES.items())]


def with_prefixes(text: str, doc: str | None = None) -> str:
    """`text` after PREFIX lines for every project prefix it does not declare
    itself; with `doc`, the prefixes of this document's resources (d:, psg:,
    fig: …) name that document's instead."""
    own = {m.group(1) or "" for m in _DECLARED.finditer(text)}
    lines = [line for (name, _ns), line in zip(sorted(config.PREFIXES.items()), prefix_lines()) if name not in own]
    if doc is not None:
        lines = [line.replace(f"{config.DOC}/", f"{_DOCS}{doc}/") for line in lines]
    return "\n".join(lines) + "\n" + text if lines else text


# --- one query, any document ---------------------------------------------------
# A question query names its document only through `PREFIX d: <…/id/doc/17-7349/>`
# and answers only about what passages of that document's sections state;
# rewriting that one declaration asks the same question of another Drucksache.

_DOCS = config.BASE + "id/doc/"
_NUMBER = re.compile(r"([0-9]{1,2})[-/]([0-9]{1,5})")  # 17-7349, or as printed: 17/7349
_DOC_NAMESPACE = re.compile(re.escape(_DOCS) + r"[0-9]{1,2}-[0-9]{1,5}/")
# the prologue, item by item: white space, comments, BASE and PREFIX declarations
_PROLOGUE = re.compile(r"\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+([^\s:]*)\s*:\s*<([^>]*)>", re.I)


def document_number(text: str) -> str:
    """A Drucksache number as its IRIs write it (`17-7349`; `17/7349` accepted), or UserError."""
    m = _NUMBER.fullmatch(text)
    if not m:
        raise UserError(f"--doc {text!r}: not a Drucksache number (legislature-number, e.g. 17-7349 or 17/7349)")
    return f"{m.group(1)}-{m.group(2)}"


def scope_to_document(text: str, doc: str, source: str = "query") -> str:
    """`text` with its `PREFIX d:` declaration naming Drucksache `doc`
    (`https://w3id.org/packt-an/id/doc/<doc>/`); UserError when the query
    declares no `d:` or declares it as something other than a document."""
    namespace = f"{_DOCS}{document_number(doc)}/"
    spans, pos = [], 0
    while (m := _PROLOGUE.match(text, pos)) is not None:
        if m.group(1) == "d":
            if not _DOC_NAMESPACE.fullmatch(m.group(2)):
                raise UserError(f"{source}: PREFIX d: <{m.group(2)}> is not a document's namespace ({_DOCS}NN-NNNN/)")
            spans.append(m.span(2))
        pos = m.end()
    if not spans:
        raise UserError(f"{source}: the query is not scoped to a document: it declares no PREFIX d: for --doc to rewrite")
    for start, end in reversed(spans):
        text = text[:start] + namespace + text[end:]
    return text


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def run_local(graph: Graph, text: str, source: str = "query", limits: guard.Limits = EMBEDDED_LIMITS) -> Answer:
    try:
        guard.check(text, limits)
    except guard.Refused as exc:
        raise UserError(f"{source}: refused: {exc}") from None
    try:
        return _run_local(graph, text)
    except UserError:
        raise
    except RecursionError:
        raise UserError(f"{source}: query failed: nested too deeply") from None
    except Exception as exc:  # rdflib evaluates lazily: errors come while reading results
        raise UserError(f"{source}: query failed: {_one_line(exc)}") from None


def _run_local(graph: Graph, text: str) -> Answer:
    res = graph.query(text)
    if res.type == "ASK":
        return Answer("ASK", [], [], boolean=bool(res.askAnswer))
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        g = Graph()
        for t in res:
            g.add(t)
        return Answer("CONSTRUCT", [], [], graph=g)
    names = [str(v) for v in res.vars]
    rows = []
    for row in res:
        d = {}
        for name in names:
            v = row[name]
            if v is not None:
                d[name] = v
        rows.append(d)
    return Answer("SELECT", names, rows)


def run_endpoint(url: str, text: str, source: str = "query", timeout: float = 30.0) -> Answer:
    from SPARQLWrapper import ASK, CONSTRUCT, JSON, SELECT, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    check_url(url)
    try:
        kind = _query_kind(text)
    except RecursionError:
        raise UserError(f"{source}: malformed SPARQL query: nested too deeply") from None
    except Exception as exc:
        raise UserError(f"{source}: malformed SPARQL query: {_one_line(exc)}") from None
    client = SPARQLWrapper(url)
    client.setQuery(text)
    # SPARQLWrapper guesses the kind from the raw text, comments included;
    # the parsed kind is the right one.
    client.queryType = {"SELECT": SELECT, "ASK": ASK, "CONSTRUCT": CONSTRUCT}[kind]
    client.setMethod("POST")
    client.setTimeout(max(1, math.ceil(timeout)))
    client.setReturnFormat(TURTLE if kind == "CONSTRUCT" else JSON)
    try:
        raw = client.query()
        body = raw.response.read()
    except SPARQLWrapperException as exc:
        raise UserError(f"{url}: endpoint rejected {source}: {_one_line(exc).split(' Response:')[0]}") from None
    except urllib.error.HTTPError as exc:
        raise UserError(f"{url}: endpoint answered HTTP {exc.code} {exc.reason} to {source}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise UserError(f"{url}: endpoint did not answer within {timeout:g} s") from None
        raise UserError(f"{url}: endpoint unreachable: {reason}") from None
    except (socket.timeout, TimeoutError):
        raise UserError(f"{url}: endpoint did not answer within {timeout:g} s") from None
    except (ConnectionError, OSError) as exc:
        raise UserError(f"{url}: endpoint unreachable: {exc}") from None
    if kind == "CONSTRUCT":
        g = Graph()
        try:
            g.parse(data=body, format="turtle")
        except Exception as exc:
            raise UserError(f"{url}: endpoint sent unreadable Turtle: {_one_line(exc)}") from None
        return Answer("CONSTRUCT", [], [], graph=g)
    try:
        doc = json.loads(body)
    except ValueError:
        raise UserError(f"{url}: endpoint sent no SPARQL JSON results") from None
    if "boolean" in doc:
        return Answer("ASK", [], [], boolean=bool(doc["boolean"]))
    names = doc.get("head", {}).get("vars", [])
    rows = [{k: _term(v) for k, v in b.items()} for b in doc.get("results", {}).get("bindings", [])]
    return Answer("SELECT", names, rows)


_PARSER_LOCK = threading.Lock()  # rdflib's SPARQL parser is not thread-safe


@lru_cache(maxsize=256)
def _query_kind(text: str) -> str:
    with _PARSER_LOCK:
        q = prepareQuery(text)
    name = q.algebra.name
    if name == "AskQuery":
        return "ASK"
    if name in ("ConstructQuery", "DescribeQuery"):
        return "CONSTRUCT"
    return "SELECT"


def _term(b: dict):
    t = b["type"]
    if t == "uri":
        return URIRef(b["value"])
    if t == "bnode":
        return BNode(b["value"])
    return Literal(b["value"], lang=b.get("xml:lang"), datatype=b.get("datatype"))


# --- rendering --------------------------------------------------------------


def compact(term) -> str:
    """A term as a person reads it in a table: prefixed IRI, plain literal."""
    if isinstance(term, URIRef):
        return config.curie(str(term)) or f"<{term}>"
    if isinstance(term, Literal):
        return str(term)
    return "" if term is None else f"_:{term}"


def as_result(answer: Answer) -> Result:
    """An Answer as an rdflib query Result, for rdflib's result serialisers."""
    res = Result(answer.kind if answer.kind != "CONSTRUCT" else "CONSTRUCT")
    if answer.kind == "ASK":
        res.askAnswer = bool(answer.boolean)
    elif answer.kind == "CONSTRUCT":
        res.graph = answer.graph
    else:
        res.vars = [Variable(v) for v in answer.vars]
        res.bindings = [{Variable(k): v for k, v in row.items()} for row in answer.rows]
    return res


def render(answer: Answer, fmt: str) -> str:
    """table (prettytable), csv or json (rdflib's SPARQL result serialisers);
    CONSTRUCT as Turtle, or JSON-LD with json."""
    if answer.kind == "ASK":
        if fmt == "json":
            return as_result(answer).serialize(format="json").decode("utf-8") + "\n"
        return ("true" if answer.boolean else "false") + "\n"
    if answer.kind == "CONSTRUCT":
        g = answer.graph
        for prefix, ns in config.PREFIXES.items():
            g.bind(prefix, ns)
        if fmt == "json":
            return g.serialize(format="json-ld", indent=2)
        return g.serialize(format="turtle")
    if fmt in ("json", "csv"):
        return as_result(answer).serialize(format=fmt).decode("utf-8") + ("\n" if fmt == "json" else "")
    from prettytable import PrettyTable, TableStyle

    table = PrettyTable(answer.vars)
    table.set_style(TableStyle.MARKDOWN)
    table.align = "l"
    for row in answer.rows:
        table.add_row([compact(row.get(v)) for v in answer.vars])
    n = len(answer.rows)
    return table.get_string() + f"\n({n} row{'s' if n != 1 else ''})\n"
