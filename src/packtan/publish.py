"""`publish`: push the build into any SPARQL 1.1 Graph Store Protocol endpoint.

`push_graph` replaces one named graph in one PUT request and reads it back.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request

from rdflib import Graph

from .errors import UserError


def _gsp_url(endpoint: str, graph: str) -> str:
    sep = "&" if "?" in endpoint else "?"
    return f"{endpoint}{sep}graph={urllib.parse.quote(graph, safe='')}"


def _request(method: str, url: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 60):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        raise UserError(
            f"{url}: HTTP {exc.code} {exc.reason}" + (f": {detail[0][:200]}" if detail else "")
        ) from None
    except urllib.error.URLError as exc:
        raise UserError(f"{url}: endpoint unreachable: {exc.reason}") from None
    except (TimeoutError, socket.timeout):
        raise UserError(f"{url}: endpoint did not answer within {timeout:g} s") from None


def push_graph(endpoint: str, graph_iri: str, ntriples: str, expected: int) -> int:
    """PUT the graph (replacing it), GET it back, return the triple count read back."""
    url = _gsp_url(endpoint, graph_iri)
    _request("PUT", url, ntriples.encode("utf-8"), {"Content-Type": "application/n-triples"})
    _status, body = _request("GET", url, headers={"Accept": "application/n-triples"})
    back = Graph()
    try:
        back.parse(data=body.decode("utf-8"), format="nt")
    except Exception as exc:
        raise UserError(f"{url}: endpoint sent back unreadable N-Triples: {exc}") from None
    if len(back) != expected:
        raise UserError(f"{url}: pushed {expected} triples but read back {len(back)}")
    return len(back)
