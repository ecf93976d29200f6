"""The regenerated answer formats values by their datatype, only there."""

from __future__ import annotations

from pathlib import Path

from rdflib import XSD, Graph, Literal, URIRef

from packtan.answers import _rows, cell
from packtan.catalogue import CatalogueQuery
from packtan.query import Answer

G = Graph()


def test_each_datatype_is_printed_as_the_document_prints_it():
    assert cell(Literal("2016-03-16", datatype=XSD.date), G) == "16. März 2016"
    assert cell(Literal("2016-11", datatype=XSD.gYearMonth), G) == "November 2016"
    assert cell(Literal("2016", datatype=XSD.gYear), G) == "2016"
    assert cell(Literal("1570", datatype=XSD.integer), G) == "1 570"
    assert cell(Literal("538967.95", datatype=XSD.decimal), G, "EUR") == "538 967,95 €"
    assert cell(Literal("1000000", datatype=XSD.decimal), G, "EUR") == "1 000 000,00 €"  # Oxigraph's canonical form
    assert cell(Literal("30.0", datatype=XSD.decimal), G) == "30,0"
    assert cell(Literal(True), G) == "ja" and cell(Literal(False), G) == "nein"
    assert cell(None, G) == ""
    assert cell(Literal("Hannover", lang="de"), G) == "Hannover"


def test_formatting_follows_the_datatype_not_the_column_name():
    cq = CatalogueQuery(Path("x.rq"), "", {"currency": "EUR"})
    answer = Answer("SELECT", ["amount_eur", "year"], [
        {"amount_eur": Literal("7", datatype=XSD.integer), "year": Literal("2016", datatype=XSD.integer)},
        {"amount_eur": Literal("some text"), "year": Literal("2016", datatype=XSD.gYear)},
    ])
    _head, rows = _rows(answer, G, cq)
    assert rows == [[("7", True), ("2 016", True)], [("some text", False), ("2016", False)]]


def test_an_iri_is_shown_by_its_german_label():
    g = Graph()
    s = URIRef("https://w3id.org/packt-an/id/place/hannover")
    g.add((s, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Hannover", lang="de")))
    assert cell(s, g) == "Hannover"
