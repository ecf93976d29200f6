"""Provenance to the passage: every quote is in the source, every fact has one."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, BNode, URIRef
from rdflib.namespace import PROV

from packtan.config import ID, PA
from packtan.provenance import normalise_source, quote_in_source, raw_source, reading_text, spans_quote
from packtan.corpus import document_graph
from packtan.selectors import OA, SOURCE_TEXT, source_text

DOC_GRAPH = document_graph("17-7349")  # this document's files and the selectors derived for it


@pytest.fixture(scope="module")
def g(project):
    return project.union


def test_quote_matching_undoes_hyphenation_and_can_fail():
    source = normalise_source("Die Integra-\ntion der Flücht-\nlinge und SPRINT-\nDual\n")
    assert quote_in_source("Die Integration der Flüchtlinge", source)
    assert quote_in_source("SPRINT-Dual", source)
    assert not quote_in_source("Die Integration der Fluechtlinge", source)
    assert not quote_in_source("Die Integration", normalise_source("Die Integriert-\nen"))


def test_every_quote_occurs_in_the_source(g):
    quotes = list(g.subject_objects(PA.quote))
    assert len(quotes) > 400
    missing = [f"{s}: {q[:80]}" for s, q in quotes if not quote_in_source(str(q))]
    assert not missing, "\n".join(missing)


def test_every_passage_belongs_to_a_part_of_the_document(g):
    doc = ID["doc/17-7349"]
    parts = {doc} | set(g.subjects(URIRef("http://purl.org/dc/terms/isPartOf"), doc))
    parts |= {s for p in list(parts) for s in g.subjects(URIRef("http://purl.org/dc/terms/isPartOf"), p)}
    for passage in g.subjects(RDF.type, PA.Passage):
        assert g.value(passage, URIRef("http://purl.org/dc/terms/isPartOf")) in parts, passage


def test_every_fact_is_traced_to_a_passage(g, project):
    hand_written = {t for triples in project.file_triples.values() for t in triples}
    derived = {t[0] for t in project.named[DOC_GRAPH] if t not in hand_written}  # the selectors, built from the passages
    facts = {
        s
        for s in g.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(ID)) and (s, RDF.type, PA.Passage) not in g
    } - derived
    exempt = {ID["doc/17-7349"]}
    untraced = sorted(str(s) for s in facts - exempt if (s, PROV.wasDerivedFrom, None) not in g)
    assert not untraced, untraced[:20]
    for s in facts:
        for p in g.objects(s, PROV.wasDerivedFrom):
            assert (p, RDF.type, PA.Passage) in g, (s, p)


def test_every_resource_has_one_label_in_german_and_one_in_english(g):
    for s in {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(str(ID))}:
        langs = sorted(l.language for l in g.objects(s, RDFS.label))
        assert langs == ["de", "en"], (s, langs)


# --- where each passage stands: W3C Web Annotation selectors ----------------


def _selectors(g, passage):
    quote = [x for x in g.objects(passage, OA.hasSelector) if (x, RDF.type, OA.TextQuoteSelector) in g]
    position = [x for x in g.objects(passage, OA.hasSelector) if (x, RDF.type, OA.TextPositionSelector) in g]
    return quote, position


def test_span_matching_undoes_line_end_hyphens_only_and_can_fail():
    assert spans_quote("Die Integration der Flüchtlinge", "Die Integra-\ntion der Flücht-\nlinge")
    assert spans_quote("SPRINT-Dual", "SPRINT-\nDual")
    assert not spans_quote("Die Integration", "Die Integration der")  # the whole span, not a part
    assert not spans_quote("Integration", "Integra-tion")  # a hyphen within a line stays
    assert reading_text("Erstaufnahme-\neinrichtung in Ehra-\nLessien,\n\nBad") == "Erstaufnahmeeinrichtung in Ehra-Lessien, Bad"


def test_every_passage_has_one_span_of_the_source_and_it_reads_as_its_quote(g):
    raw = raw_source()
    passages = sorted(g.subjects(RDF.type, PA.Passage))
    assert len(passages) > 400
    spans, wrong = {}, []
    for p in passages:
        quote = str(g.value(p, PA.quote))
        qs, ps = _selectors(g, p)
        assert len(qs) == 1 and len(ps) == 1, f"{p}: {len(qs)} quote and {len(ps)} position selectors"
        assert g.value(p, OA.hasSource) == SOURCE_TEXT
        start, end = int(g.value(ps[0], OA.start)), int(g.value(ps[0], OA.end))
        assert 0 <= start < end <= len(raw)
        if not spans_quote(quote, raw[start:end]):
            wrong.append(f"{p}: source[{start}:{end}] = {raw[start:end][:60]!r}")
        assert str(g.value(qs[0], OA.exact)) == quote
        prefix, suffix = str(g.value(qs[0], OA.prefix)), str(g.value(qs[0], OA.suffix))
        assert 0 < len(prefix) <= 32 and 0 < len(suffix) <= 32, p
        assert reading_text(raw[max(0, start - 400):start]).endswith(prefix), p
        assert reading_text(raw[end:end + 400]).startswith(suffix), p
        spans.setdefault((start, end), []).append(p)
    assert not wrong, "\n".join(wrong)
    same = {k: v for k, v in spans.items() if len(v) > 1}
    assert not same, f"passages with the same span: {same}"


def test_a_quote_that_stands_twice_points_at_the_occurrence_given(g):
    from packtan.provenance import locate

    given = sorted(g.subjects(PA.occurrence, None))
    assert len(given) == 4
    for p in given:
        spans = locate(str(g.value(p, PA.quote)))
        assert len(spans) > 1, f"{p}: pa:occurrence on a quote that stands once"
        _qs, ps = _selectors(g, p)
        got = (int(g.value(ps[0], OA.start)), int(g.value(ps[0], OA.end)))
        assert got == spans[int(g.value(p, PA.occurrence)) - 1] != spans[0]


def test_selectors_are_derived_into_the_documents_graph_without_blank_nodes(project):
    hand_written = {t for triples in project.file_triples.values() for t in triples}
    derived = [t for t in project.named[DOC_GRAPH] if t not in hand_written]
    assert derived and all(not isinstance(x, BNode) for t in derived for x in t)
    assert any(p == OA.hasSelector for _s, p, _o in derived)
    for f, triples in project.file_triples.items():  # never written by hand
        assert not any(p in (OA.hasSelector, OA.start, OA.exact) for _s, p, _o in triples), f
    for name, triples in project.named.items():  # and in no other graph
        if name != DOC_GRAPH:
            assert not any(p in (OA.hasSelector, OA.start, OA.exact) for _s, p, _o in triples), name
    assert SOURCE_TEXT == source_text("17-7349") == URIRef("https://w3id.org/packt-an/id/doc/17-7349/quelltext")
