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


def selector_triples(graph, number: str = THIS, source: Path | None = None) -> list[tuple]:
    """The derived selectors of every passage of document `number` in `graph`
    (an rdflib graph or a list of triples) that can be located in `source`
    (default: `sources/drucksache-<number>.txt` of the project)."""
    source = Path(source) if source is not None else config.ROOT / "sources" / f"drucksache-{number}.txt"
    pa = config.PA
    base = _doc_base(number)
    psg, sel = base + "/passage/", Namespace(base + "/selector/")
    own_text = source_text(number)
    passages, quotes, occurrences, names = set(), {}, {}, {}
    for s, p, o in graph:
        if not isinstance(s, URIRef) or not str(s).startswith(psg):
            continue
        if p == RDF.type and o == pa.Passage:
            passages.add(s)
        elif p == pa.quote:
            quotes.setdefault(s, o)
        elif p == pa.occurrence:
            occurrences.setdefault(s, o)
        elif p == RDFS.label and isinstance(o, Literal) and o.language in ("de", "en"):
            names.setdefault((s, o.language), str(o))
    located = [p for p in passages if p in quotes]
    if not located:
        return []
    raw = raw_source(source)
    out: list[tuple] = []
    for passage in sorted(located):
        quote = quotes[passage]
        occ = occurrences.get(passage)
        span = chosen_span(str(quote), int(occ) if occ is not None else None, source)
        if span is None:
            continue
        start, end = span
        local = str(passage)[len(psg):]
        q, p = sel[local + "-quote"], sel[local + "-position"]
        labels = {lang: names.get((passage, lang), local) for lang in ("de", "en")}
        before = reading_text(raw[max(0, start - 4 * CONTEXT):start])
        after = reading_text(raw[end:end + 4 * CONTEXT])
        out += [
            (passage, RDF.type, OA.SpecificResource),
            (passage, OA.hasSource, own_text),
            (passage, OA.hasSelector, q),
            (passage, OA.hasSelector, p),
            (q, RDF.type, OA.TextQuoteSelector),
            (q, RDFS.label, Literal(f"Zitat-Selektor: {labels['de']}", lang="de")),
            (q, RDFS.label, Literal(f"Quote selector: {labels['en']}", lang="en")),
            (q, OA.exact, Literal(str(quote))),
            (q, OA.prefix, Literal(before[-CONTEXT:])),
            (q, OA.suffix, Literal(after[:CONTEXT])),
            (p, RDF.type, OA.TextPositionSelector),
            (p, RDFS.label, Literal(f"Positions-Selektor: {labels['de']}", lang="de")),
            (p, RDFS.label, Literal(f"Position selector: {labels['en']}", lang="en")),
            (p, OA.start, Literal(start, datatype=XSD.integer)),
            (p, OA.end, Literal(end, datatype=XSD.integer)),
        ]
    if out:
        out += source_description(graph, number)
    return out
