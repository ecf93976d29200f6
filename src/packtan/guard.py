"""Inspect a SPARQL request before any engine sees it.

Both the embedded `query` command and the `serve` front call `check` first.
It refuses, with one clear sentence:

- a request larger than `Limits.max_bytes` (the engine never parses it);
- groups, brackets and parentheses nested deeper than `Limits.max_depth` (a
  few thousand nested groups overflow the engine's stack);
- `SERVICE` (federated query: the server would fetch any URL for the caller)
  unless its endpoint IRI is on the allow-list; a variable endpoint never;
- `LOAD` in an update (the server would fetch any URL) unless allow-listed;
- on the embedded engine, `FROM` / `FROM NAMED` (rdflib would fetch them).

The scan is lexical, after SPARQL's codepoint escapes are decoded (SPARQL 1.1
§19.2 allows `\\u0053ERVICE` anywhere): strings, IRIs and comments are
skipped, so `"SERVICE"` in a literal or `ex:service` is not a keyword.
It does not replace the parser; it only guarantees what reaches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DEFAULT_MAX_BYTES = 64 * 1024
DEFAULT_MAX_DEPTH = 64


class Refused(ValueError):
    """A request the guard will not pass on; str() is the reason, one line."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    allow_service: frozenset[str] = field(default_factory=frozenset)
    allow_dataset_clause: bool = True  # FROM / FROM NAMED
    check_remote: bool = True  # SERVICE and LOAD; off for a query sent to someone else's endpoint


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_PN_CHARS = r"A-Za-z0-9_\u00B7\u00C0-\uFFFF-"
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<lstring>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<string>'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][""" + _PN_CHARS + r"""]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][""" + _PN_CHARS + r""".]*)?:(?:[""" + _PN_CHARS + r""".:%\\]|%[0-9A-Fa-f]{2})*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _decode_escapes(text: str) -> str:
    def sub(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        try:
            return chr(code)
        except (ValueError, OverflowError):
            raise Refused(f"invalid codepoint escape {m.group(0)}") from None

    return _ESCAPE.sub(sub, text)


def tokens(text: str):
    """(kind, text) of every significant token; an unterminated string ends the scan."""
    pos, n = 0, len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:  # cannot happen: `other` matches any character
            return
        kind = m.lastgroup
        if kind not in ("space", "comment"):
            yield kind, m.group(0)
        pos = m.end()


def _size(text: str | bytes) -> int:
    return len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))


def check(text: str, limits: Limits = Limits(), *, update: bool = False) -> None:
    """Raise Refused when the query (or update) must not reach the engine."""
    if _size(text) > limits.max_bytes:
        raise Refused(f"the request is larger than {limits.max_bytes} bytes")
    if "\\u" in text or "\\U" in text:
        text = _decode_escapes(text)
    depth = 0
    prefixes: dict[str, str] = {}
    toks = list(tokens(text))
    for i, (kind, tok) in enumerate(toks):
        if kind == "open":
            depth += 1
            if depth > limits.max_depth:
                raise Refused(f"groups nested deeper than {limits.max_depth} levels")
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word":
            word = tok.upper()
            if word == "PREFIX" and i + 2 < len(toks) and toks[i + 1][0] == "pname" and toks[i + 2][0] == "iri":
                prefixes[toks[i + 1][1].rstrip(":")] = toks[i + 2][1][1:-1]
            elif word == "SERVICE" and limits.check_remote:
                _check_remote("SERVICE", toks, i, prefixes, limits)
            elif word == "LOAD" and update and limits.check_remote:
                _check_remote("LOAD", toks, i, prefixes, limits)
            elif word == "FROM" and not limits.allow_dataset_clause:
                raise Refused("FROM and FROM NAMED are not supported on the embedded graph (it has no named graphs; "
                              "query `build.py serve` with --endpoint for them)")


def _check_remote(keyword: str, toks, i: int, prefixes: dict[str, str], limits: Limits) -> None:
    j = i + 1
    if j < len(toks) and toks[j][0] == "word" and toks[j][1].upper() == "SILENT":
        j += 1
    target = None
    if j < len(toks):
        kind, tok = toks[j]
        if kind == "iri":
            target = tok[1:-1]
        elif kind == "pname":
            prefix, _, local = tok.partition(":")
            if prefix in prefixes:
                target = prefixes[prefix] + local
        elif kind == "var":
            raise Refused(f"{keyword} with a variable endpoint is not allowed")
    what = "federated query (SERVICE)" if keyword == "SERVICE" else "LOAD"
    if target is None or target not in limits.allow_service:
        allowed = ", ".join(sorted(limits.allow_service)) or "none"
        shown = f" <{target}>" if target else ""
        raise Refused(f"{what}{shown} is not allowed here (allowed endpoints: {allowed})")
