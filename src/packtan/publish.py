"""`publish`: push the build into any SPARQL 1.1 Graph Store Protocol endpoint.

`publish_graphs` brings a store up to a set of named graphs (the build's
TriG dump: one graph per named graph of `Project.named`, whatever the layout
of the graphs is), in the order of their IRIs, and pushes only what changed
since the last publish to that endpoint. A state file (JSON, one per
endpoint URL) keeps the SHA-256 of each graph's canonical N-Triples (each
triple once, lines sorted) as pushed; it is written atomically, and only
after every graph went through. A graph whose hash is unchanged is skipped
only if the store still holds it (a HEAD on the graph, SPARQL 1.1 Graph
Store HTTP Protocol 5.5: 404 when it does not), so a wiped store gets
everything again. A corrupt or foreign state file means "push everything"
(a one-line notice). Graphs published before and gone from the build are
deleted only when asked to (`prune`).

`push_graph` (and each push of `publish_graphs`) replaces one named graph in
one PUT request, reads it back with a GET and fails unless the store gave
back the same graph: every triple, term by term (IRIs exactly; literals by
datatype and value, so that a store that writes numbers and dates in
canonical form, as Oxigraph does with "482.00" -> "482", still passes;
language tags without regard to case). The graph has no blank nodes; should
one turn up, the graphs are compared as RDF graphs (rdflib's isomorphism
test), and the graph counts as changed on every publish (blank node labels
are not stable across parses).

One deadline (`timeout` seconds) covers the whole exchange, every request of
a publish, connecting, sending and reading the answers: a timer shuts the
connection down when it passes, so a store that drip-feeds its answer cannot
hold the command longer (a per-socket timeout restarts with every byte).
Redirects are not followed.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import http.client
import json
import math
import os
import re
import socket
import ssl
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from . import config
from .errors import UserError

DEFAULT_TIMEOUT = 60.0
MEDIA_TYPE = "application/n-triples"

XSD = "http://www.w3.org/2001/XMLSchema#"
_DECIMALS = {XSD + t for t in (
    "decimal", "integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
)}
_FLOATS = {XSD + "double", XSD + "float"}
_DECIMAL_LEX = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_FLOAT_LEX = re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN")
_DATE_LEX = re.compile(r"(-?\d{4,})-(\d\d)-(\d\d)(Z|[+-]\d\d:\d\d)?")
# absolute IRI (RFC 3987): a scheme, a colon, then no character IRIs forbid
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`\x7f]+")


# ---------------------------------------------------------------- arguments

def check_endpoint(endpoint: str) -> urllib.parse.SplitResult:
    """The endpoint as an http(s) URL with a host, or UserError."""
    if not endpoint or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in endpoint):
        raise UserError(f"--endpoint {endpoint!r}: not a URL (it is empty or contains spaces or control characters)")
    try:
        parts = urllib.parse.urlsplit(endpoint)
        host, _port = parts.hostname, parts.port
    except ValueError as exc:
        raise UserError(f"--endpoint {endpoint}: not a valid URL: {exc}") from None
    if not parts.scheme:
        raise UserError(f"--endpoint {endpoint}: not a URL (expected e.g. http://127.0.0.1:7879/store)")
    if parts.scheme.lower() not in ("http", "https"):
        raise UserError(f"--endpoint {endpoint}: scheme {parts.scheme}: is not supported, only http: and https:")
    if not host:
        raise UserError(f"--endpoint {endpoint}: the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise UserError(f"--endpoint {endpoint}: a user name or password in the URL is not supported")
    if parts.fragment:
        raise UserError(f"--endpoint {endpoint}: a Graph Store URL has no #fragment")
    return parts


def check_graph(graph: str) -> None:
    if not _ABSOLUTE_IRI.fullmatch(graph or ""):
        raise UserError(
            f"--graph {graph!r}: not an absolute IRI (expected e.g. https://w3id.org/packt-an/graph/17-7349)"
        )


def check_timeout(timeout: float) -> None:
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise UserError(f"--timeout {timeout}: must be a positive number of seconds")


def check_arguments(endpoint: str, graph: str, timeout: float) -> None:
    check_endpoint(endpoint)
    check_graph(graph)
    check_timeout(timeout)


# ---------------------------------------------------------------- HTTP under one deadline

class _Deadline:
    """One deadline for several requests: remaining() raises once it passed,
    and a timer shuts the current connection down when it passes."""

    def __init__(self, seconds: float, endpoint: str):
        self.seconds = seconds
        self.endpoint = endpoint
        self.end = time.monotonic() + seconds
        self.expired = threading.Event()
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        self.expired.set()
        with self._lock:
            sock = self._conn.sock if self._conn is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def attach(self, conn) -> None:
        with self._lock:
            self._conn = conn

    def error(self) -> UserError:
        return UserError(f"{self.endpoint}: the store did not complete the push and read-back within {self.seconds:g} s (--timeout)")

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0 or self.expired.is_set():
            raise self.error()
        return left

    def cancel(self) -> None:
        self._timer.cancel()


def _first_line(data: bytes) -> str:
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return lines[0][:200] if lines else ""


def _exchange(deadline: _Deadline, parts, target: str, method: str, body: bytes | None, headers: dict, limit: int):
    """One request; (status, reason, headers, body). Errors -> UserError."""
    endpoint = deadline.endpoint
    cls = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
    conn = cls(parts.hostname, parts.port, timeout=deadline.remaining())
    deadline.attach(conn)
    try:
        conn.connect()
        deadline.remaining()
        conn.request(method, target, body=body, headers=headers)
        deadline.remaining()
        resp = conn.getresponse()
        chunks, size = [], 0
        while True:
            deadline.remaining()
            chunk = resp.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise UserError(f"{endpoint}: {method} answer is larger than {limit} bytes; refusing to read on")
            chunks.append(chunk)
        if resp.length:  # a Content-Length that was not kept
            raise UserError(
                f"{endpoint}: {method} got no valid HTTP answer (the body ended after {size} of {size + resp.length} bytes)"
            )
        return resp.status, resp.reason, resp.headers, b"".join(chunks)
    except UserError:
        if deadline.expired.is_set():  # the connection was cut by the deadline
            raise deadline.error() from None
        raise
    except Exception as exc:
        if deadline.expired.is_set() or isinstance(exc, TimeoutError):
            raise deadline.error() from None
        if isinstance(exc, ConnectionRefusedError):
            raise UserError(f"{endpoint}: connection refused (is the store running?)") from None
        if isinstance(exc, socket.gaierror):
            raise UserError(f"{endpoint}: cannot resolve host {parts.hostname}") from None
        if isinstance(exc, ssl.SSLError):
            raise UserError(f"{endpoint}: TLS error: {exc.reason or exc}") from None
        if isinstance(exc, http.client.HTTPException):
            raise UserError(f"{endpoint}: {method} got no valid HTTP answer ({type(exc).__name__})") from None
        if isinstance(exc, OSError):
            raise UserError(f"{endpoint}: {method} failed: {exc.strerror or exc}") from None
        if isinstance(exc, ValueError):  # http.client on a malformed chunk or header
            raise UserError(f"{endpoint}: {method} got no valid HTTP answer ({str(exc)[:100]})") from None
        raise
    finally:
        deadline.attach(None)
        conn.close()


def _check_status(endpoint: str, method: str, status: int, reason: str, headers, body: bytes) -> None:
    if 300 <= status < 400:
        where = headers.get("Location", "nowhere")
        raise UserError(f"{endpoint}: {method} answered HTTP {status} {reason}, a redirect to {where}; give the store's own URL")
    if not 200 <= status < 300:
        detail = _first_line(body)
        raise UserError(f"{endpoint}: {method} failed: HTTP {status} {reason}" + (f": {detail}" if detail else ""))


# ---------------------------------------------------------------- comparing graphs

def _literal_value(datatype: str, lexical: str):
    """A key equal for literals of the same datatype and value."""
    try:
        if datatype in _DECIMALS and _DECIMAL_LEX.fullmatch(lexical):
            return Decimal(lexical)
        if datatype in _FLOATS and _FLOAT_LEX.fullmatch(lexical):
            return "NaN" if lexical == "NaN" else float(lexical)
        if datatype == XSD + "boolean" and lexical in ("true", "false", "1", "0"):
            return lexical in ("true", "1")
        if datatype == XSD + "date":
            m = _DATE_LEX.fullmatch(lexical)
            if m:
                y, mo, d, tz = m.groups()
                day = _dt.date(int(y), int(mo), int(d)) if int(y) > 0 else (int(y), int(mo), int(d))
                if tz in (None, ""):
                    offset = None
                elif tz == "Z":
                    offset = 0
                else:
                    offset = (1 if tz[0] == "+" else -1) * (int(tz[1:3]) * 60 + int(tz[4:6]))
                return (day, offset)
        if datatype == XSD + "dateTime":
            value = _dt.datetime.fromisoformat(lexical)
            return value.astimezone(_dt.timezone.utc) if value.tzinfo else value
    except (ValueError, InvalidOperation, OverflowError):
        pass
    return ("lexical", lexical)


def _term_key(term):
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return ("lang", term.value, term.language.lower())
        datatype = term.datatype.value
        return ("typed", datatype, _literal_value(datatype, term.value))
    return ("other", str(term))


def _parse(data: bytes, what: str) -> dict:
    """{triple key: the triple as written}, from N-Triples."""
    triples = {}
    try:
        for q in ox.parse(input=data, format=ox.RdfFormat.N_TRIPLES):
            key = (_term_key(q.subject), _term_key(q.predicate), _term_key(q.object))
            triples.setdefault(key, q)
    except SyntaxError as exc:
        raise UserError(f"{what}: not N-Triples: {str(exc).splitlines()[0][:200]}") from None
    return triples


def _has_blank_nodes(triples: dict) -> bool:
    return any(k[0][0] == "bnode" or k[2][0] == "bnode" for k in triples)


def _isomorphic_with_blank_nodes(a: dict, b: dict) -> bool:
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.compare import isomorphic

    def term(key):
        kind = key[0]
        if kind == "iri":
            return URIRef(key[1])
        if kind == "bnode":
            return BNode(key[1])
        if kind == "lang":
            return Literal(key[1], lang=key[2])
        return Literal(f"{key[1]} {key[2]!r}")  # datatype and value, as a stand-in plain literal

    graphs = []
    for triples in (a, b):
        g = Graph()
        for s, p, o in triples:
            g.add((term(s), term(p), term(o)))
        graphs.append(g)
    return isomorphic(*graphs)


def _nt(quad) -> str:
    text = f"{quad.subject} {quad.predicate} {quad.object} ."
    return text if len(text) <= 160 else text[:157] + "..."


def compare(pushed: dict, back: dict, endpoint: str) -> None:
    """UserError unless `back` is the same graph as `pushed`."""
    if _has_blank_nodes(pushed) or _has_blank_nodes(back):
        if len(pushed) != len(back) or not _isomorphic_with_blank_nodes(pushed, back):
            raise UserError(f"{endpoint}: the store gave back a different graph ({len(back)} triples for {len(pushed)} pushed)")
        return
    missing = pushed.keys() - back.keys()
    extra = back.keys() - pushed.keys()
    if missing or extra:
        example = (f"missing {_nt(pushed[min(missing)])}" if missing else f"not pushed {_nt(back[min(extra)])}")
        raise UserError(
            f"{endpoint}: the store gave back a different graph: {len(missing)} of {len(pushed)} triples "
            f"missing or changed, {len(extra)} not pushed (first: {example})"
        )


# ---------------------------------------------------------------- publish

def _target(parts, graph_iri: str) -> str:
    path = parts.path or "/"
    query = f"{parts.query}&" if parts.query else ""
    return f"{path}?{query}graph={urllib.parse.quote(graph_iri, safe='')}"


def _ntriples_line(quad) -> str:
    return f"{quad.subject} {quad.predicate} {quad.object} .\n"


def canonical_ntriples(data: bytes | str, what: str) -> str:
    """The graph as canonical N-Triples: each triple once, lines sorted."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        lines = {_ntriples_line(q) for q in ox.parse(input=data, format=ox.RdfFormat.N_TRIPLES)}
    except SyntaxError as exc:
        raise UserError(f"{what}: not N-Triples: {str(exc).splitlines()[0][:200]}") from None
    return "".join(sorted(lines))


def _push(deadline: _Deadline, parts, graph_iri: str, data: bytes, pushed: dict) -> int:
    """PUT one graph, GET it back, compare; the number of triples read back."""
    endpoint = deadline.endpoint
    target = _target(parts, graph_iri)
    limit = 4 * len(data) + (1 << 20)  # a store may write longer forms, never this much longer
    answer = _exchange(deadline, parts, target, "PUT", data, {"Content-Type": MEDIA_TYPE}, 1 << 20)
    _check_status(endpoint, "PUT", *answer)
    status, reason, headers, body = _exchange(deadline, parts, target, "GET", None, {"Accept": MEDIA_TYPE}, limit)
    _check_status(endpoint, "GET", status, reason, headers, body)
    ctype = headers.get("Content-Type", "")
    media, _, params = ctype.partition(";")
    if media.strip().lower() != MEDIA_TYPE:
        raise UserError(f"{endpoint}: GET answered with Content-Type {ctype.strip() or '(none)'}, not {MEDIA_TYPE}")
    charset = re.search(r"charset\s*=\s*\"?([^\";\s]+)", params, re.I)
    if charset and charset.group(1).lower() not in ("utf-8", "utf8"):
        raise UserError(f"{endpoint}: GET answered in charset {charset.group(1)}, not UTF-8")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{endpoint}: GET answer is not UTF-8 (byte {exc.start})") from None
    back = _parse(body, f"{endpoint}: GET answer")
    compare(pushed, back, endpoint)
    return len(back)


def push_graph(endpoint: str, graph_iri: str, ntriples: str, expected: int | None = None, timeout: float = DEFAULT_TIMEOUT) -> int:
    """PUT the graph (replacing it), GET it back, check it is the same graph;
    return its number of triples. Everything within `timeout` seconds."""
    parts = check_endpoint(endpoint)
    check_graph(graph_iri)
    check_timeout(timeout)
    data = ntriples.encode("utf-8")
    pushed = _parse(data, "the build's N-Triples")
    if expected is not None and expected != len(pushed):
        raise UserError(f"the build's N-Triples hold {len(pushed)} distinct triples, not {expected}")
    deadline = _Deadline(timeout, endpoint)
    try:
        return _push(deadline, parts, graph_iri, data, pushed)
    finally:
        deadline.cancel()

# ---------------------------------------------------------------- one graph per named graph, only what changed

STATE_FORMAT = "packt-an publish state 1"


def graphs_from_trig(path) -> dict[str, str]:
    """{graph IRI: canonical N-Triples} of every named graph in a TriG file
    (the build's `packt-an.trig`, written from `Project.named`)."""
    collected: dict[str, set] = {}
    try:
        with open(path, "rb") as fh:
            for q in ox.parse(fh, format=ox.RdfFormat.TRIG):
                if not isinstance(q.graph_name, ox.NamedNode):
                    raise UserError(f"{path}: holds triples outside a named graph ({_nt(q)}); only named graphs are published")
                collected.setdefault(q.graph_name.value, set()).add(_ntriples_line(q))
    except SyntaxError as exc:
        raise UserError(f"{path}: not TriG: {str(exc).splitlines()[0][:200]}") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return {iri: "".join(sorted(lines)) for iri, lines in collected.items()}


def _ox_term(term):
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise UserError(f"not an RDF term: {term!r}")


def graphs_from_named(named: dict) -> dict[str, str]:
    """{graph IRI: canonical N-Triples} of `Project.named` ({graph IRI:
    [(s, p, o)]}, rdflib terms); empty graphs are left out, as in the TriG dump."""
    out = {}
    for iri, triples in named.items():
        lines = {_ntriples_line(ox.Triple(_ox_term(s), _ox_term(p), _ox_term(o))) for s, p, o in triples}
        if lines:
            out[str(iri)] = "".join(sorted(lines))
    return out


def content_hash(ntriples: str) -> str:
    return "sha256:" + hashlib.sha256(ntriples.encode("utf-8")).hexdigest()


def default_state_file(endpoint: str) -> Path:
    """Where the state of publishing to `endpoint` is kept unless --state says otherwise."""
    key = hashlib.sha256(endpoint.encode("utf-8")).hexdigest()[:16]
    return config.ROOT / ".packt-an-cache" / f"publish-{key}.json"


def check_state_file(path: Path) -> None:
    """UserError if `path` cannot be a state file (before anything is sent)."""
    path = Path(path)
    if path.exists() and not path.is_file():
        raise UserError(f"--state {path}: not a regular file")
    if path.parent.exists() and not path.parent.is_dir():
        raise UserError(f"--state {path}: {path.parent} is not a folder")


def read_state(path: Path, endpoint: str, notice) -> dict[str, str]:
    """{graph IRI: content hash} last published to `endpoint`; {} (with a
    notice) when the file is unreadable, corrupt or about another endpoint."""
    path = Path(path)
    if not path.is_file():
        return {}
    why = None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        state, why = None, f"cannot be read ({exc.strerror or exc})"
    except (UnicodeDecodeError, ValueError):
        state, why = None, "not valid JSON"
    if why is None:
        graphs = state.get("graphs") if isinstance(state, dict) else None
        if not isinstance(state, dict) or state.get("format") != STATE_FORMAT or not isinstance(graphs, dict):
            why = "not a publish state file"
        elif state.get("endpoint") != endpoint:
            why = f"the state of another endpoint ({str(state.get('endpoint'))[:100]})"
        elif not all(isinstance(k, str) and isinstance(v, str) for k, v in graphs.items()):
            why = "not a publish state file (graphs are not IRI: hash)"
        else:
            return dict(graphs)
    notice(f"notice: {path}: {why}; pushing every graph")
    return {}


def write_state(path: Path, endpoint: str, graphs: dict[str, str]) -> None:
    """Write the state atomically (a temporary file beside it, then rename)."""
    path = Path(path)
    text = json.dumps({"format": STATE_FORMAT, "endpoint": endpoint, "graphs": dict(sorted(graphs.items()))}, indent=1) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise UserError(f"--state {path}: cannot write the publish state: {exc.strerror or exc} (the graphs were published; the next publish pushes them again)") from None


def _on_store(deadline: _Deadline, parts, graph_iri: str) -> tuple[bool, str]:
    """Does the store still hold the graph? A HEAD on it (SPARQL 1.1 Graph
    Store HTTP Protocol 5.5: 404 when there is no such graph)."""
    status, reason, headers, body = _exchange(deadline, parts, _target(parts, graph_iri), "HEAD", None, {"Accept": MEDIA_TYPE}, 1 << 16)
    if 300 <= status < 400:
        _check_status(deadline.endpoint, "HEAD", status, reason, headers, body)
    if 200 <= status < 300:
        return True, ""
    if status == 404:
        return False, "not on the store any more"
    return False, f"the store did not confirm it holds it: HEAD answered HTTP {status}"


def _delete(deadline: _Deadline, parts, graph_iri: str) -> bool:
    """DELETE the graph; False when the store had no such graph (404)."""
    status, reason, headers, body = _exchange(deadline, parts, _target(parts, graph_iri), "DELETE", None, {}, 1 << 20)
    if status == 404:
        return False
    _check_status(deadline.endpoint, "DELETE", status, reason, headers, body)
    return True


@dataclass
class Outcome:
    pushed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # published before, gone locally, kept (no --prune)
    triples: int = 0  # read back, over the pushed graphs


def publish_graphs(
    endpoint: str,
    graphs: dict[str, str],
    state_file: Path,
    *,
    prune: bool = False,
    everything: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    say=None,
    notice=None,
) -> Outcome:
    """Bring the store at `endpoint` up to `graphs` ({IRI: N-Triples}).

    In the order of the IRIs: a graph whose content hash is the one in the
    state file and which the store still holds (HEAD) is left alone; every
    other graph is PUT and read back. Graphs in the state but not in
    `graphs` are DELETEd with `prune`, else kept and reported. The state is
    written (atomically) only when everything succeeded. `everything`
    pushes every graph whatever the state says. One deadline covers it all.
    """
    say = say or (lambda line: None)
    notice = notice or (lambda line: None)
    parts = check_endpoint(endpoint)
    for iri in graphs:
        check_graph(iri)
    check_timeout(timeout)
    check_state_file(state_file)
    prepared = {}
    for iri in sorted(graphs):
        text = canonical_ntriples(graphs[iri], f"graph <{iri}>")
        prepared[iri] = (text, content_hash(text))
    kept = read_state(state_file, endpoint, notice)  # also with --all: what may be pruned
    previous = {} if everything else kept
    state: dict[str, str] = {}
    out = Outcome()
    deadline = _Deadline(timeout, endpoint)
    try:
        for iri, (text, digest) in prepared.items():
            n = text.count("\n")
            why = "new" if iri not in previous else "changed"
            if everything:
                why = "--all"
            elif previous.get(iri) == digest:
                there, why = _on_store(deadline, parts, iri)
                if there:
                    out.unchanged.append(iri)
                    state[iri] = digest
                    say(f"unchanged  <{iri}>  {n} triples")
                    continue
            data = text.encode("utf-8")
            back = _push(deadline, parts, iri, data, _parse(data, f"graph <{iri}>"))
            out.pushed.append(iri)
            out.triples += back
            state[iri] = digest
            say(f"pushed     <{iri}>  {back} triples ({why})")
        for iri in sorted(kept.keys() - prepared.keys()):
            if prune:
                found = _delete(deadline, parts, iri)
                out.deleted.append(iri)
                say(f"deleted    <{iri}>" + ("" if found else "  (the store no longer had it)"))
            else:
                out.stale.append(iri)
                state[iri] = kept[iri]
                say(f"stale      <{iri}>  (published before, not in the build; --prune deletes it)")
    finally:
        deadline.cancel()
    write_state(state_file, endpoint, state)
    return out
