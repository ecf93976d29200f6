"""The source document as HTML: its whole text, every passage a highlighted span.

A passage's place in the text comes from its position selector in the graph
(`oa:start`/`oa:end` of an `oa:TextPositionSelector`, reached from the passage
directly or through a target) where the graph has one, otherwise from
`provenance.locate(quote)` (the first place the quote stands). Offsets count
code points of the raw file, end exclusive. Passages nest (a table row inside
the table's passage); where two would cross, the inner one is closed and
reopened, so the HTML stays well formed.
"""

from __future__ import annotations

import html
import re

from rdflib import RDF, URIRef

from .. import config, provenance
from .index import OA, Index

PA = config.PA


def passage_spans(ix: Index) -> dict[URIRef, tuple[int, int]]:
    selectors: dict[URIRef, tuple[int, int]] = {}
    for s, pos in ix.out.items():
        start = [o for p, o in pos if str(p) == OA + "start"]
        end = [o for p, o in pos if str(p) == OA + "end"]
        if start and end:
            try:
                selectors[s] = (int(start[0]), int(end[0]))
            except ValueError:
                continue
    spans: dict[URIRef, tuple[int, int]] = {}
    passages = sorted(ix.graph.subjects(RDF.type, PA.Passage), key=str)
    for p in passages:
        found = None
        for _pred, o in ix.out.get(p, ()):
            if o in selectors:
                found = selectors[o]
                break
            for _p2, o2 in ix.out.get(o, ()) if isinstance(o, URIRef) else ():
                if o2 in selectors:
                    found = selectors[o2]
                    break
            if found:
                break
        if found is None:
            quote = ix.literal(p, PA.quote)
            found = fast_locate(quote) if quote else None
            if found is None and quote:
                where = provenance.locate(quote)
                found = where[0] if where else None
        if found is not None:
            spans[p] = found
    return spans


_COMPACT = None


def fast_locate(quote: str) -> tuple[int, int] | None:
    """The first place of a quote by plain search, as `provenance.locate` would find it.

    The source normalised as `provenance` does, with the marks of line-end hyphens
    dropped: a quote (whitespace removed) whose hyphens are real hyphens stands
    there as it is. None when it is not found there (a hyphen of the quote at a
    line end), and the caller asks `locate`, which compiles a pattern per quote.
    """
    global _COMPACT
    if _COMPACT is None:
        _raw, norm, where = provenance._source(config.SOURCE_FILE)
        keep = [i for i, c in enumerate(norm) if c != provenance._BREAK]
        _COMPACT = ("".join(norm[i] for i in keep), [where[i] for i in keep])
    text, where = _COMPACT
    q = re.sub(r"\s+", "", quote)
    i = text.find(q) if q else -1
    if i < 0 or (provenance._BREAK in q):
        return None
    return where[i], where[i + len(q) - 1] + 1


def anchor(passage: URIRef) -> str:
    return "p-" + str(passage).rstrip("/").rsplit("/", 1)[-1]


def render_text(raw: str, spans: dict[URIRef, tuple[int, int]], href_of, title_of) -> list[tuple[int, int, str, str]]:
    """The text as HTML pieces, passages as nested <mark> elements.

    `href_of(passage)` gives the link of a passage's marker, `title_of(passage)`
    its accessible name. Each piece is (offset, passages open across the offset,
    HTML closing what ends there, HTML from there on), so that the caller can
    cut sections where no passage is open.
    """
    opens: dict[int, list[URIRef]] = {}
    closes: dict[int, list[URIRef]] = {}
    for p, (a, b) in spans.items():
        opens.setdefault(a, []).append(p)
        closes.setdefault(b, []).append(p)
    for a in opens:  # outer (longer) first
        opens[a].sort(key=lambda p: (-(spans[p][1] - spans[p][0]), str(p)))
    points = sorted(set(opens) | set(closes) | {0, len(raw)})
    pieces: list[tuple[int, str]] = []
    stack: list[URIRef] = []
    for i, at in enumerate(points):
        out = []
        ending = set(closes.get(at, ()))
        if ending:
            # close down to the deepest ending one, reopen the others that continue
            reopen = []
            while stack and ending & set(stack):
                top = stack.pop()
                out.append("</mark>")
                if top in ending:
                    out.append(f'<a class="ref" href="{html.escape(href_of(top))}" '
                               f'aria-label="{html.escape(title_of(top))}">↗</a>')
                    ending.discard(top)
                else:
                    reopen.append(top)
            for p in reversed(reopen):
                out.append(f'<mark class="psg cont" data-p="{anchor(p)}">')
                stack.append(p)
        closing, out, depth = "".join(out), [], len(stack)
        for p in opens.get(at, ()):
            out.append(f'<mark class="psg" id="{anchor(p)}">')
            stack.append(p)
        nxt = points[i + 1] if i + 1 < len(points) else len(raw)
        out.append(html.escape(raw[at:nxt], quote=False))
        pieces.append((at, depth, closing, "".join(out)))
    if stack:
        pieces.append((len(raw), 0, "</mark>" * len(stack), ""))
    return pieces
