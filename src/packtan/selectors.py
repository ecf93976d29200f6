"""Where each passage stands in the source: W3C Web Annotation selectors.

Derived, never hand-written: at load time every `pa:Passage` of a document
(`…/id/doc/<NN-NNNN>/passage/…`) is located in that document's source text
`sources/drucksache-<NN-NNNN>.txt` from its `pa:quote` (`provenance.locate`),
and gets, in the document's named graph (`graph/doc/<NN-NNNN>`; loose files
given in place of data/ get them in `graph:derived/selectors`),

- `a oa:SpecificResource` with `oa:hasSource` the document's source text
  `…/doc/<NN-NNNN>/quelltext` (`d:quelltext` for this one),
- `oa:hasSelector` an `oa:TextQuoteSelector` (`sel:<passage>-quote`: `oa:exact`
  the quote, `oa:prefix`/`oa:suffix` up to 32 characters before and after it,
  read as `provenance.reading_text` does) and an `oa:TextPositionSelector`
  (`sel:<passage>-position`: `oa:start`, `oa:end`, character offsets — Unicode
  code points from 0, end exclusive — into the file's text as it is). The
  offsets are `xsd:integer`, not the `xsd:nonNegativeInteger` of the Web
  Annotation vocabulary: Oxigraph 0.5 stores every derived integer type as
  `xsd:integer`, so the endpoint would answer with another datatype than the
  dumps.

A quote that stands more than once in the source needs the hand-given
`pa:occurrence N` (the N-th from the start) on its passage; a passage whose
quote is not found, or is ambiguous without `pa:occurrence`, gets no
selectors, which the integrity check `passage-positions` reports.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef

from . import config
from .provenance import locate, raw_source, reading_text

OA = config.PREFIXES["oa"]
SEL = Namespace(str(config.PREFIXES["sel"]))
PSG = Namespace(str(config.PREFIXES["psg"]))
GRAPH = config.GRAPH["derived/selectors"]
THIS = "17-7349"
SOURCE_TEXT = URIRef(str(config.PREFIXES["d"]) + "quelltext")
SCHEMA = Namespace("https://schema.org/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
CONTEXT = 32  # characters of oa:prefix and oa:suffix, as Hypothesis stores them


def _doc_base(number: str) -> str:
    return config.BASE + "id/doc/" + number


def source_text(number: str = THIS) -> URIRef:
    """The IRI of a document's source text: …/doc/<NN-NNNN>/quelltext."""
    return URIRef(_doc_base(number) + "/quelltext")


def source_description(graph, number: str = THIS) -> list[tuple]:
    """The source text of document `number` described (linked to the document when `graph` holds it)."""
    s = source_text(number)
    doc = URIRef(_doc_base(number))
    printed = number.replace("-", "/", 1)
    name = f"sources/drucksache-{number}.txt"
    has_doc = any(t[0] == doc for t in graph) if not hasattr(graph, "triples") else (doc, None, None) in graph
    of_doc = [(s, DCTERMS.isFormatOf, doc)] if has_doc else []
    return of_doc + [
        (s, RDF.type, SCHEMA.DigitalDocument),
        (s, RDFS.label, Literal(f"Klartext der Drucksache {printed} ({name})", lang="de")),
        (s, RDFS.label, Literal(f"Plain text of Drucksache {printed} ({name})", lang="en")),
        (s, SCHEMA.encodingFormat, Literal("text/plain")),
        (s, SCHEMA.name, Literal(name)),
    ]


def chosen_span(quote: str, occurrence: int | None, path: Path = config.SOURCE_FILE) -> tuple[int, int] | None:
    """The span of a quote: its only one, or the given occurrence (1-based)."""
    spans = locate(quote, path)
    if occurrence is not None:
        return spans[occurrence - 1] if 1 <= occurrence <= len(spans) else None
    return spans[0] if len(spans) == 1 else None


def passage_numbers(triples) -> set[str]:
    """The numbers of the documents whose passages (…/doc/<NN-NNNN>/passage/…) `triples` types."""
    base = config.BASE + "id/doc/"
    out = set()
    for s, p, o in triples:
        if p == RDF.type and o == config.PA.Passage and isinstance(s, URIRef) and str(s).startswith(base):
            number, _, rest = str(s)[len(base):].partition("/")
            if rest.startswith("passage/"):
                out.add(number)
    return out


# The terms every passage's selectors use, made once (a namespace makes a new
# URIRef, checked, on every attribute looked up).
_TYPE, _LABEL, _INTEGER = RDF.type, RDFS.label, XSD.integer
_PASSAGE, _QUOTE, _OCCURRENCE = config.PA.Passage, config.PA.quote, config.PA.occurrence
_SPECIFIC, _HAS_SOURCE, _HAS_SELECTOR = OA.SpecificResource, OA.hasSource, OA.hasSelector
_QUOTE_SELECTOR, _EXACT, _PREFIX, _SUFFIX = OA.TextQuoteSelector, OA.exact, OA.prefix, OA.suffix
_POSITION_SELECTOR, _START, _END = OA.TextPositionSelector, OA.start, OA.end
_KINDS = {_TYPE: "type", _QUOTE: "quote", _OCCURRENCE: "occurrence", _LABEL: "label"}


def _plain_literal(text: str) -> Literal:
    # `normalize=False` skips only casting the str value back to a lexical
    # form, which for a plain or language-tagged string is the string itself.
    return Literal(text, normalize=False)


def _source_path(number: str, source: Path | None) -> Path:
    return Path(source) if source is not None else config.ROOT / "sources" / f"drucksache-{number}.txt"


_INTEGER_FORM = re.compile(r"[+-]?[0-9]+")  # xsd:integer's lexical space


def _located(passages, quotes: dict, occurrences: dict, names: dict, number: str, source: Path):
    """Each passage (in IRI order) that has a quote standing in the source, as
    (passage, local name, quote, German name, English name, oa:prefix, oa:suffix, start, end).

    `quotes` maps a passage to its pa:quote (a term whose str() is the text),
    `occurrences` to its pa:occurrence (a term whose str() is its lexical form), `names` a
    (passage, "de"|"en") to its label's text; the passages are IRIs as str or URIRef."""
    psg = _doc_base(number) + "/passage/"
    located = sorted(p for p in passages if p in quotes)
    if not located:
        return
    raw = raw_source(source)
    for passage in located:
        quote = quotes[passage]
        occ = occurrences.get(passage)
        if occ is not None and not _INTEGER_FORM.fullmatch(str(occ)):
            continue  # no valid occurrence, no span: passage-positions and the lexical check report it
        span = chosen_span(str(quote), int(str(occ)) if occ is not None else None, source)
        if span is None:
            continue
        start, end = span
        local = passage[len(psg):]
        before = reading_text(raw[max(0, start - 4 * CONTEXT):start])
        after = reading_text(raw[end:end + 4 * CONTEXT])
        yield (passage, local, quote, names.get((passage, "de"), local), names.get((passage, "en"), local),
               before[-CONTEXT:], after[:CONTEXT], start, end)


def selector_triples(graph, number: str = THIS, source: Path | None = None) -> list[tuple]:
    """The derived selectors of every passage of document `number` in `graph`
    (an rdflib graph or a list of triples) that can be located in `source`
    (default: `sources/drucksache-<number>.txt` of the project)."""
    source = _source_path(number, source)
    base = _doc_base(number)
    psg, sel = base + "/passage/", base + "/selector/"
    own_text = source_text(number)
    passages, quotes, occurrences, names = set(), {}, {}, {}
    for s, p, o in graph:
        # str.startswith: URIRef.startswith copies both strings first
        if not isinstance(s, URIRef) or not str.startswith(s, psg):
            continue
        kind = _KINDS.get(p)  # URIRef hashes as its string does
        if kind is None:
            continue
        if kind == "type":
            if o == _PASSAGE:
                passages.add(s)
        elif kind == "quote":
            quotes.setdefault(s, o)
        elif kind == "occurrence":
            occurrences.setdefault(s, o)
        elif isinstance(o, Literal) and o.language in ("de", "en"):
            names.setdefault((s, o.language), str(o))
    out: list[tuple] = []
    for passage, local, quote, de, en, before, after, start, end in _located(passages, quotes, occurrences, names, number, source):
        q, p = URIRef(sel + local + "-quote"), URIRef(sel + local + "-position")
        plain = type(quote) is Literal and quote.language is None and quote.datatype is None
        out += [
            (passage, _TYPE, _SPECIFIC),
            (passage, _HAS_SOURCE, own_text),
            (passage, _HAS_SELECTOR, q),
            (passage, _HAS_SELECTOR, p),
            (q, _TYPE, _QUOTE_SELECTOR),
            (q, _LABEL, Literal(f"Zitat-Selektor: {de}", lang="de", normalize=False)),
            (q, _LABEL, Literal(f"Quote selector: {en}", lang="en", normalize=False)),
            (q, _EXACT, quote if plain else _plain_literal(str(quote))),  # the quote as a plain literal
            (q, _PREFIX, _plain_literal(before)),
            (q, _SUFFIX, _plain_literal(after)),
            (p, _TYPE, _POSITION_SELECTOR),
            (p, _LABEL, Literal(f"Positions-Selektor: {de}", lang="de", normalize=False)),
            (p, _LABEL, Literal(f"Position selector: {en}", lang="en", normalize=False)),
            (p, _START, Literal(start, datatype=_INTEGER)),
            (p, _END, Literal(end, datatype=_INTEGER)),
        ]
    if out:
        out += source_description(graph, number)
    return out


# --- the same selectors as N-Triples, from Oxigraph's terms (corpus validation) --

_OX_KINDS = {str(_TYPE): "type", str(_QUOTE): "quote", str(_OCCURRENCE): "occurrence", str(_LABEL): "label"}


def selector_ntriples(triples, number: str = THIS, source: Path | None = None) -> tuple[str, set[str]]:
    """`selector_triples` of pyoxigraph triples (or quads), as N-Triples text
    (one line per triple, distinct, sorted: what `dumps._ox` and Oxigraph
    write) and the IRIs of their subjects; no rdflib term is made.
    tests/test_corpus_validate.py checks that it equals selector_triples."""
    import pyoxigraph as ox

    source = _source_path(number, source)
    base = _doc_base(number)
    psg, sel = base + "/passage/", base + "/selector/"
    passage_class = str(_PASSAGE)
    passages, quotes, occurrences, names = set(), {}, {}, {}
    has_doc = False
    for t in triples:
        s = t.subject
        if not isinstance(s, ox.NamedNode):
            continue
        iri = s.value
        if not iri.startswith(psg):
            has_doc = has_doc or iri == base
            continue
        kind = _OX_KINDS.get(t.predicate.value)
        if kind is None:
            continue
        o = t.object
        if kind == "type":
            if isinstance(o, ox.NamedNode) and o.value == passage_class:
                passages.add(iri)
        elif kind == "quote":
            quotes.setdefault(iri, o.value)
        elif kind == "occurrence":
            occurrences.setdefault(iri, o.value)
        elif isinstance(o, ox.Literal) and o.language in ("de", "en"):
            names.setdefault((iri, o.language), o.value)
    n = ox.NamedNode
    t_type, t_label, t_integer = n(str(_TYPE)), n(str(_LABEL)), n(str(_INTEGER))
    t_specific, t_has_source, t_has_selector = n(str(_SPECIFIC)), n(str(_HAS_SOURCE)), n(str(_HAS_SELECTOR))
    t_qsel, t_exact, t_prefix, t_suffix = n(str(_QUOTE_SELECTOR)), n(str(_EXACT)), n(str(_PREFIX)), n(str(_SUFFIX))
    t_psel, t_start, t_end = n(str(_POSITION_SELECTOR)), n(str(_START)), n(str(_END))
    own_text = n(str(source_text(number)))
    lines: set[str] = set()
    subjects: set[str] = set()
    for iri, local, quote, de, en, before, after, start, end in _located(passages, quotes, occurrences, names, number, source):
        passage, q, p = n(iri), n(sel + local + "-quote"), n(sel + local + "-position")
        subjects.update((iri, q.value, p.value))
        for triple in (
            (passage, t_type, t_specific),
            (passage, t_has_source, own_text),
            (passage, t_has_selector, q),
            (passage, t_has_selector, p),
            (q, t_type, t_qsel),
            (q, t_label, ox.Literal(f"Zitat-Selektor: {de}", language="de")),
            (q, t_label, ox.Literal(f"Quote selector: {en}", language="en")),
            (q, t_exact, ox.Literal(quote)),
            (q, t_prefix, ox.Literal(before)),
            (q, t_suffix, ox.Literal(after)),
            (p, t_type, t_psel),
            (p, t_label, ox.Literal(f"Positions-Selektor: {de}", language="de")),
            (p, t_label, ox.Literal(f"Position selector: {en}", language="en")),
            (p, t_start, ox.Literal(str(start), datatype=t_integer)),
            (p, t_end, ox.Literal(str(end), datatype=t_integer)),
        ):
            lines.add(f"{triple[0]} {triple[1]} {triple[2]} .\n")
    if lines:
        from .dumps import _ox

        marker = [(URIRef(base), RDF.type, URIRef(base))] if has_doc else []
        for s, p, o in source_description(marker, number):
            subjects.add(str(s))
            lines.add(f"{_ox(s)} {_ox(p)} {_ox(o)} .\n")
    return "".join(sorted(lines)), subjects
