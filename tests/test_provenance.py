"""Provenance to the passage: every quote is in the source, every fact has one."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import PROV

from packtan.config import ID, PA
from packtan.load import load_project
from packtan.provenance import normalise_source, quote_in_source


@pytest.fixture(scope="module")
def g():
    return load_project(with_shapes=False).union


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


def test_every_fact_is_traced_to_a_passage(g):
    facts = {
        s
        for s in g.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(ID)) and (s, RDF.type, PA.Passage) not in g
    }
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
