"""Content negotiation over a built site: one function, no server.

`respond(site_dir, method, path, accept)` answers one request for the static
site of `dist/site/` the way the Cool URIs practice asks, and `serve` (or any
front) calls it for every path that is not the SPARQL endpoint's:

- an IRI of the graph, `/PATH` (`/id/place/hannover`, `/vocab`, `/dataset`,
  `/graph/doc/17-7349`, `/query/q09-…`), is the name of a thing (a place, a
  conference), not of a document. It answers **303 See Other** to the document
  that describes it in the format the `Accept` header prefers:
  `PATH.html` (text/html, the default), `PATH.ttl` (text/turtle),
  `PATH.jsonld` (application/ld+json, also for application/json) or
  `PATH.nt` (application/n-triples), with `Vary: Accept`. 303 rather than
  200 with `Content-Location`: the thing and the page about it keep distinct
  URLs (the page can be bookmarked, cited and cached as what it is), every
  client follows a 303 while few read `Content-Location`, and the same rule
  works on a static Apache or nginx (the generated `.htaccess` and nginx
  configuration answer exactly so). The Location is a relative reference
  (`hannover.ttl`), so it holds under any host and path prefix.
- a file of the site (`/id/place/hannover.html`, `/style.css`,
  `/dist/packt-an.ttl`) is sent as it is, with its media type.
- anything else is 404 with the site's 404 page; a path that tries to leave
  the site (`..`, `%2e%2e`, a backslash, NUL, an absolute URL, a symlink out)
  is 400; a method other than GET or HEAD is 405. Never an exception for a
  request: a failure to read is a 500 with a short text.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".ttl": "text/turtle; charset=utf-8",
    ".nt": "application/n-triples",
    ".trig": "application/trig",
    ".rq": "application/sparql-query",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}

# What an IRI can be answered with, in the server's order of preference on a tie.
OFFERS = [
    ("text/html", ".html"),
    ("application/xhtml+xml", ".html"),
    ("text/turtle", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ("application/json", ".jsonld"),
    ("application/n-triples", ".nt"),
]

Response = tuple[int, list[tuple[str, str]], bytes]


def _accept(header: str | None) -> list[tuple[str, float, int]]:
    """(media range, q, specificity) of an Accept header; unreadable parts are skipped."""
    out = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(f[2:])))
                except ValueError:
                    q = 0.0
        kind, sub = media.split("/", 1)
        spec = 0 if media == "*/*" else 1 if sub == "*" else 2
        out.append((media, q, spec))
    return out


def choose(accept: str | None, available: set[str]) -> str | None:
    """The extension to answer with, or None when the client accepts none of them."""
    ranges = _accept(accept)
    if not ranges:
        return ".html" if ".html" in available else None
    best, best_q = None, 0.0
    for media, ext in OFFERS:
        if ext not in available:
            continue
        kind = media.split("/", 1)[0]
        q, spec = None, -1
        for m, mq, ms in ranges:  # the most specific range that matches decides
            if (m == media or m == kind + "/*" or m == "*/*") and ms > spec:
                q, spec = mq, ms
        if q is not None and q > best_q:
            best, best_q = ext, q
    return best


def _page(site_dir: Path, status: int, name: str, fallback: str) -> Response:
    try:
        body = (site_dir / name).read_bytes()
        ctype = MEDIA_TYPES[".html"]
    except OSError:
        body, ctype = fallback.encode("utf-8"), "text/plain; charset=utf-8"
    return status, [("Content-Type", ctype), ("Content-Length", str(len(body)))], body


def _text(status: int, text: str, extra: list[tuple[str, str]] | None = None) -> Response:
    body = (text + "\n").encode("utf-8")
    return status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))] + (extra or []), body


def _safe_relative(path: str) -> str | None:
    """The site-relative path of a request path, or None when it is not a clean path inside the site."""
    raw = path.split("?", 1)[0].split("#", 1)[0]
    if not raw.startswith("/") or raw.startswith("//"):
        return None
    decoded = unquote(raw, errors="strict") if "%" in raw else raw
    if "%" in decoded or "\x00" in decoded or "\\" in decoded:
        return None  # double encoding, NUL, Windows separators
    if any(ord(c) < 32 for c in decoded):
        return None
    parts = decoded[1:].split("/")
    if any(p in (".", "..") for p in parts):
        return None
    if any(p == "" for p in parts[:-1]):
        return None  # empty segments (a//b)
    rel = "/".join(parts)
    if posixpath.normpath("/" + rel) != "/" + rel.rstrip("/") and rel:
        return None
    return rel


def respond(site_dir: Path, method: str, path: str, accept: str | None) -> Response:
    try:
        return _respond(Path(site_dir), method, path, accept)
    except Exception as exc:  # a request never raises: the front answers 500
        return _text(500, f"internal error: {type(exc).__name__}")


def _respond(site_dir: Path, method: str, path: str, accept: str | None) -> Response:
    if method not in ("GET", "HEAD"):
        return _text(405, "method not allowed: use GET or HEAD", [("Allow", "GET, HEAD")])
    try:
        rel = _safe_relative(path)
    except UnicodeDecodeError:
        rel = None
    if rel is None:
        return _text(400, "bad request path")
    status, headers, body = _resolve(site_dir, rel, accept)
    if method == "HEAD":
        body = b""
    return status, headers, body


def _inside(site_dir: Path, target: Path) -> bool:
    try:
        target.resolve().relative_to(site_dir.resolve())
        return True
    except (ValueError, OSError):
        return False


def _resolve(site_dir: Path, rel: str, accept: str | None) -> Response:
    if rel == "" or rel == "index.html":
        rel = "index.html"
    target = site_dir / rel
    if rel and not rel.endswith("/") and target.is_file():
        if not _inside(site_dir, target):
            return _text(400, "bad request path")
        body = target.read_bytes()
        ctype = MEDIA_TYPES.get(target.suffix.lower(), "application/octet-stream")
        return 200, [("Content-Type", ctype), ("Content-Length", str(len(body))),
                     ("X-Content-Type-Options", "nosniff")], body
    stem = rel.rstrip("/")
    if stem and (site_dir / (stem + ".html")).is_file() and _inside(site_dir, site_dir / (stem + ".html")):
        name = stem.rsplit("/", 1)[-1]
        available = {ext for ext in (".html", ".ttl", ".jsonld", ".nt") if (site_dir / (stem + ext)).is_file()}
        ext = choose(accept, available)
        vary = ("Vary", "Accept")
        if ext is None:
            offers = ", ".join(m for m, e in OFFERS if e in available)
            return _text(406, f"not acceptable; this resource is available as {offers}", [vary])
        location = name + ext if not rel.endswith("/") else "../" + name + ext
        body = f'<!DOCTYPE html><html lang="de"><title>303</title><a href="{location}">{location}</a></html>\n'.encode()
        return 303, [("Location", location), vary, ("Content-Type", MEDIA_TYPES[".html"]),
                     ("Content-Length", str(len(body)))], body
    return _page(site_dir, 404, "404.html", "not found")
