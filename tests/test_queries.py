"""The inquiry answered by SPARQL: each query against the printed answer.

tests/expected/<query>.csv holds the expected result of queries/<query>.rq,
written from the document figure by figure (SPARQL CSV: a header row with the
query's variables, then the rows in the query's ORDER BY order, literals in
their lexical form). A difference in any cell fails.
"""

from __future__ import annotations

import csv
import io

import pytest

from conftest import ROOT
from packtan.catalogue import analysis_queries, load_catalogue, question_queries
from packtan.config import PA
from packtan.query import render, run_local

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


@pytest.mark.parametrize("q", CATALOGUE, ids=[q.path.name for q in CATALOGUE])
def test_query_result_matches_the_document(graph, q):
    answer = run_local(graph, q.text, str(q.path))
    got = list(csv.reader(io.StringIO(render(answer, "csv"))))
    want = list(csv.reader(io.StringIO((EXPECTED / f"{q.slug}.csv").read_text(encoding="utf-8"))))
    assert got[0] == q.columns, f"{q.path.name}: columns differ from its header"
    assert got[0] == want[0], "columns differ"
    for i, (g, w) in enumerate(zip(got[1:], want[1:]), start=1):
        assert g == w, f"row {i} differs"
    assert len(got) == len(want), f"{len(got) - 1} rows, expected {len(want) - 1}"
