"""The inquiry answered by SPARQL: each query against the printed answer.

tests/expected/<query>.csv holds the expected result of queries/<query>.rq,
written from the document figure by figure: a header row with the query's
variables, each typed column as `name:datatype` (an XML Schema datatype:
`amount_eur:decimal`, `date:date`, `position:integer`, `alliance_event:boolean`),
then the rows in the query's ORDER BY order. A typed cell must come back as a
literal of that datatype with that value ("1000000.00" and "1000000" are the
same xsd:decimal); an untyped cell as text (a string or a language-tagged
label, never a number or a date); an empty cell as no value. A difference in
any cell fails.
"""

from __future__ import annotations

import csv

import pytest
from rdflib import XSD, Literal

from conftest import ROOT
from packtan.catalogue import analysis_queries, load_catalogue, question_queries
from packtan.config import PA
from packtan.query import run_local

EXPECTED = ROOT / "tests" / "expected"
CATALOGUE = [q for q in load_catalogue() if q.slug.startswith(("q", "analysis-"))]


@pytest.fixture(scope="module")
def graph(project):
    return project.union


def test_every_question_has_a_query(graph):
    numbers = {str(n) for n in graph.objects(None, PA.questionNumber)}
    assert {"1", "2", "3", "4", "5", "6", "6a", "6b", "7", "8", "9", "10"} <= numbers
    answered = {q.question for q in question_queries()}
    # question 6 is answered through its parts 6a and 6b
    missing = sorted(numbers - answered - {"6"})
    assert not missing, f"questions without a query: {missing}"


def test_every_question_links_to_its_query_in_the_graph(graph):
    for q in question_queries():
        subjects = list(graph.subjects(PA.questionNumber, None))
        linked = [s for s in subjects if (s, PA.answerQuery, q.iri) in graph]
        assert len(linked) == 1, q.path.name


def test_every_query_has_a_header_and_an_expected_result():
    for q in CATALOGUE:
        assert q.meta.get("summary"), f"{q.path.name}: no '# summary:' line"
        assert q.columns, f"{q.path.name}: no '# columns:' line"
        if q.slug.startswith("q"):
            assert q.meta.get("Frage"), f"{q.path.name}: no '# Frage:' line with the German question"
        else:
            assert q.meta.get("analysis") and q.meta.get("Analyse"), q.path.name
        assert (EXPECTED / f"{q.slug}.csv").is_file(), f"no tests/expected/{q.slug}.csv"


def test_analyses_exist():
    slugs = {q.slug for q in analysis_queries()}
    for needed in ("analysis-audit", "analysis-cost-per-participant", "analysis-spending-by-month", "analysis-spending-by-kind", "analysis-regional-conferences"):
        assert needed in slugs, needed


def _matches(term, cell: str, datatype: str | None) -> bool:
    if cell == "":
        return term is None
    if term is None:
        return False
    if datatype is None:
        return str(term) == cell and (not isinstance(term, Literal) or term.datatype in (None, XSD.string))
    want = Literal(cell, datatype=XSD[datatype])
    return isinstance(term, Literal) and term.datatype == want.datatype and term.eq(want)


def expected(slug: str) -> tuple[list[str], list[str | None], list[list[str]]]:
    rows = list(csv.reader((EXPECTED / f"{slug}.csv").open(encoding="utf-8", newline="")))
    names = [h.split(":", 1)[0] for h in rows[0]]
    types = [h.split(":", 1)[1] if ":" in h else None for h in rows[0]]
    return names, types, rows[1:]


def test_typed_cells_are_compared_by_value_and_datatype():
    assert _matches(Literal("1000000", datatype=XSD.decimal), "1000000.00", "decimal")
    assert not _matches(Literal("1000000", datatype=XSD.integer), "1000000.00", "decimal")
    assert not _matches(Literal("1000000.00"), "1000000.00", "decimal")  # a string is not a number
    assert not _matches(Literal("1000000.00", datatype=XSD.decimal), "1000000.00", None)
    assert not _matches(Literal("2016-01-07", datatype=XSD.date), "2016-01-08", "date")
    assert _matches(None, "", "date") and not _matches(Literal("x"), "", None)


@pytest.mark.parametrize("q", CATALOGUE, ids=[q.path.name for q in CATALOGUE])
def test_query_result_matches_the_document(graph, q):
    answer = run_local(graph, q.text, str(q.path))
    names, types, rows = expected(q.slug)
    assert answer.vars == q.columns, f"{q.path.name}: columns differ from its header"
    assert answer.vars == names, "columns differ"
    for i, (row, want) in enumerate(zip(answer.rows, rows), start=1):
        for name, datatype, cell in zip(names, types, want):
            assert _matches(row.get(name), cell, datatype), f"row {i}, {name}: got {row.get(name)!r}, expected {cell!r} ({datatype or 'text'})"
    assert len(answer.rows) == len(rows), f"{len(answer.rows)} rows, expected {len(rows)}"
