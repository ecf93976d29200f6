"""Where each passage stands in the source: W3C Web Annotation selectors.

Derived, never hand-written: at load time every `pa:Passage` is located in
`sources/drucksache-17-7349.txt` from its `pa:quote` (`provenance.locate`),
and gets, in the named graph `graph:derived/selectors`,

- `a oa:SpecificResource` with `oa:hasSource` the source text `d:quelltext`,
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

from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef

from . import config
from .provenance import locate, raw_source, reading_text

OA = config.PREFIXES["oa"]
SEL = Namespace(str(config.PREFIXES["sel"]))
PSG = Namespace(str(config.PREFIXES["psg"]))
GRAPH = config.GRAPH["derived/selectors"]
SOURCE_TEXT = URIRef(str(config.PREFIXES["d"]) + "quelltext")
SCHEMA = Namespace("https://schema.org/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
CONTEXT = 32  # characters of oa:prefix and oa:suffix, as Hypothesis stores them


def source_description(graph) -> list[tuple]:
    s = SOURCE_TEXT
    of_doc = [(s, DCTERMS.isFormatOf, config.DOC)] if (config.DOC, None, None) in graph else []
    return of_doc + [
        (s, RDF.type, SCHEMA.DigitalDocument),
        (s, RDFS.label, Literal("Klartext der Drucksache 17/7349 (sources/drucksache-17-7349.txt)", lang="de")),
        (s, RDFS.label, Literal("Plain text of Drucksache 17/7349 (sources/drucksache-17-7349.txt)", lang="en")),
        (s, SCHEMA.encodingFormat, Literal("text/plain")),
        (s, SCHEMA.name, Literal("sources/drucksache-17-7349.txt")),
    ]


def chosen_span(quote: str, occurrence: int | None) -> tuple[int, int] | None:
    """The span of a quote: its only one, or the given occurrence (1-based)."""
    spans = locate(quote)
    if occurrence is not None:
        return spans[occurrence - 1] if 1 <= occurrence <= len(spans) else None
    return spans[0] if len(spans) == 1 else None


def selector_triples(graph) -> list[tuple]:
    """The derived selectors of every passage of `graph` that can be located."""
    raw = raw_source()
    pa = config.PA
    out: list[tuple] = []
    labels = {}
    for passage in sorted(set(graph.subjects(RDF.type, pa.Passage))):
        quote = graph.value(passage, pa.quote)
        if not isinstance(passage, URIRef) or quote is None or not str(passage).startswith(str(PSG)):
            continue
        occ = graph.value(passage, pa.occurrence)
        span = chosen_span(str(quote), int(occ) if occ is not None else None)
        if span is None:
            continue
        start, end = span
        local = str(passage)[len(str(PSG)):]
        q, p = SEL[local + "-quote"], SEL[local + "-position"]
        for lang in ("de", "en"):
            labels[lang] = next((str(l) for l in graph.objects(passage, RDFS.label) if l.language == lang), local)
        before = reading_text(raw[max(0, start - 4 * CONTEXT):start])
        after = reading_text(raw[end:end + 4 * CONTEXT])
        out += [
            (passage, RDF.type, OA.SpecificResource),
            (passage, OA.hasSource, SOURCE_TEXT),
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
        out += source_description(graph)
    return out
