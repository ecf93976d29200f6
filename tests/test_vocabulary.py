"""The vocabulary: one ontology, and every own term explained in de and en."""

from __future__ import annotations

import pytest
from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, URIRef

from packtan.config import PA

VOCAB = URIRef("https://w3id.org/packt-an/vocab")


@pytest.fixture(scope="module")
def onto(project):
    return project.ontology


def _langs(g, s, p):
    return {o.language for o in g.objects(s, p)}


def test_one_ontology_with_its_metadata(onto):
    assert list(onto.subjects(RDF.type, OWL.Ontology)) == [VOCAB]
    for p in (DCTERMS.title, DCTERMS.description):
        assert {"de", "en"} <= _langs(onto, VOCAB, p)
    for p in (DCTERMS.license, DCTERMS.modified, OWL.versionInfo):
        assert onto.value(VOCAB, p) is not None, p


def test_every_own_term_has_labels_comments_and_is_defined_by(onto):
    terms = {s for s in onto.subjects() if isinstance(s, URIRef) and str(s).startswith(str(PA))}
    assert len(terms) > 100
    problems = []
    for t in sorted(terms):
        concept = (t, RDF.type, SKOS.Concept) in onto or (t, RDF.type, SKOS.ConceptScheme) in onto
        label, comment = (SKOS.prefLabel, SKOS.definition) if concept else (RDFS.label, RDFS.comment)
        if not {"de", "en"} <= _langs(onto, t, label):
            problems.append(f"{t}: label")
        if (t, RDF.type, SKOS.ConceptScheme) not in onto and not {"de", "en"} <= _langs(onto, t, comment):
            problems.append(f"{t}: comment")
        if onto.value(t, RDFS.isDefinedBy) != VOCAB:
            problems.append(f"{t}: rdfs:isDefinedBy")
    assert not problems, problems


def test_every_own_term_used_in_the_data_is_defined(project):
    g = project.union
    onto = project.ontology
    used = {p for p in g.predicates() if str(p).startswith(str(PA))}
    used |= {o for o in g.objects() if isinstance(o, URIRef) and str(o).startswith(str(PA))}
    undefined = sorted(u for u in used if (u, None, None) not in onto)
    assert not undefined, undefined
