"""The corpus layout: data/shared/ once, one folder and named graph per Drucksache.

A synthetic corpus (`packtan.synthetic`) of this document and two copies
stands for a corpus of several documents.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Literal, URIRef

from conftest import assert_one_error_line, copy_project, run
from packtan import config
from packtan.corpus import SHARED_GRAPH, discover, document_graph
from packtan.load import load_project
from packtan.synthetic import make_corpus
from packtan.validate import validate_project

ID = config.BASE + "id/"
OA = "http://www.w3.org/ns/oa#"


# --- the layout of data/: anything but data/shared/ and data/<NN-NNNN>/ is a user error ---


@pytest.fixture
def project_copy(tmp_path) -> Path:
    (tmp_path / "p").mkdir()
    return copy_project(tmp_path / "p")


def test_a_turtle_file_at_the_top_of_data_is_one_line_exit_2(project_copy):
    shutil.copy(project_copy / "data" / "shared" / "people.ttl", project_copy / "data" / "people.ttl")
    res = run("validate", cwd=project_copy, timeout=120)
    assert_one_error_line(res, "data/people.ttl", "not a folder", quiet_stdout=True)


def test_a_folder_not_named_by_a_number_is_one_line_exit_2(project_copy):
    (project_copy / "data" / "drafts").mkdir()
    res = run("validate", cwd=project_copy, timeout=120)
    assert_one_error_line(res, "data/drafts", "not a document folder", quiet_stdout=True)


def test_a_document_without_its_source_text_is_one_line_exit_2(project_copy):
    (project_copy / "sources" / "drucksache-17-7349.txt").unlink()
    for command in (["validate"], ["build", "--out", str(project_copy / "out")]):
        res = run(*command, cwd=project_copy, timeout=120)
        assert_one_error_line(res, "sources/drucksache-17-7349.txt", "no such file", "17-7349", quiet_stdout=True)
    assert not (project_copy / "out").exists()


def test_the_project_is_one_document_and_the_shared_things():
    corpus = discover()
    assert [d.number for d in corpus.documents] == ["17-7349"]
    assert corpus.documents[0].source == config.ROOT / "sources" / "drucksache-17-7349.txt"
    assert {f.name for f in corpus.shared} >= {"organisations.ttl", "people.ttl", "places.ttl", "alliance.ttl"}


def test_shared_things_refer_to_no_document(project):
    shared = project.named[SHARED_GRAPH]
    assert shared
    doc = ID + "doc/17-7349"
    assert not [t for t in shared if any(str(x).startswith(doc) for x in t)]
    # the ministries, people and places are shared; the document's own resources are not
    subjects = {s for s, _p, _o in shared}
    assert URIRef(ID + "org/staatskanzlei") in subjects and URIRef(ID + "place/hannover") in subjects
    assert URIRef(ID + "doc/17-7349") not in subjects


def test_defined_in_names_the_file(project):
    where = project.defined_in
    assert where[URIRef(ID + "org/staatskanzlei")] == config.DATA_DIR / "shared" / "organisations.ttl"
    assert where[URIRef(ID + "doc/17-7349")] == config.DATA_DIR / "17-7349" / "document.ttl"


# --- named graphs in the TriG dump ---------------------------------------------


def test_the_trig_dump_has_one_graph_per_document_and_one_for_shared_things(built):
    ds = Dataset()
    ds.parse(built / "packt-an.trig", format="trig")
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    data_graphs = {n for n in names if not n.startswith(config.BASE + "graph/ontology/")}
    assert data_graphs == {
        config.BASE + "graph/shared",
        config.BASE + "graph/doc/17-7349",
        config.BASE + "graph/queries",
    }
    doc = ds.graph(URIRef(config.BASE + "graph/doc/17-7349"))
    assert (URIRef(ID + "doc/17-7349"), RDF.type, URIRef(config.PA + "Drucksache")) in doc
    # the selectors derived for its passages are in the document's graph
    selector = URIRef(ID + "doc/17-7349/selector/q1-gruendung-position")
    assert (selector, RDF.type, URIRef(OA + "TextPositionSelector")) in doc
    shared = ds.graph(URIRef(config.BASE + "graph/shared"))
    assert (URIRef(ID + "org/staatskanzlei"), None, None) in shared
    assert not list(shared.subjects(RDF.type, URIRef(config.PA + "Passage")))


# --- a synthetic corpus of this document and two copies -------------------------


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("corpus") / "c", 2)


@pytest.fixture(scope="module")
def corpus(corpus_dir, vocabulary):
    return load_project(root=corpus_dir, vocabulary=vocabulary)


def test_synthetic_corpus_has_the_layout(corpus_dir):
    assert sorted(p.name for p in (corpus_dir / "data").iterdir()) == ["17-7349", "90-0001", "90-0002", "shared"]
    assert sorted(p.name for p in (corpus_dir / "sources").iterdir()) == [
        "drucksache-17-7349.txt", "drucksache-90-0001.txt", "drucksache-90-0002.txt"]
    assert [d.number for d in discover(corpus_dir).documents] == ["17-7349", "90-0001", "90-0002"]


def test_synthetic_corpus_is_deterministic(corpus_dir, tmp_path):
    again = make_corpus(tmp_path / "again", 2)
    files = sorted(p.relative_to(corpus_dir) for p in corpus_dir.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for f in files:
        assert (corpus_dir / f).read_bytes() == (again / f).read_bytes(), f


def test_synthetic_corpus_validates_with_no_findings(corpus):
    result = validate_project(corpus)
    assert result.findings == []
    assert corpus.lexical_problems == []


def test_each_document_of_the_corpus_is_its_own_named_graph(corpus, project):
    graphs = set(corpus.named)
    for number in ("17-7349", "90-0001", "90-0002"):
        assert document_graph(number) in graphs
    assert SHARED_GRAPH in graphs
    assert not [g for g in graphs if str(g).startswith(config.BASE + "graph/data/")]
    one = corpus.named[document_graph("90-0001")]
    subjects = {s for s, _p, _o in one}
    assert URIRef(ID + "doc/90-0001") in subjects
    assert URIRef(ID + "doc/90-0001/passage/q1-gruendung") in subjects
    assert URIRef(ID + "event/2016-01-07-auftaktveranstaltung-d0001") in subjects  # an IRI it defines, suffixed
    # nothing of another document in it (shared things are named there, not defined)
    others = (ID + "doc/17-7349", ID + "doc/90-0002")
    assert not [s for s in subjects if str(s).startswith(others) or str(s).endswith("-d0002")]
    assert URIRef(ID + "doc/erste-jahresbilanz-d0001") in subjects  # a report it cites, its own copy
    # its selectors point into its own source text
    source = URIRef(ID + "doc/90-0001/quelltext")
    passage = URIRef(ID + "doc/90-0001/passage/q1-gruendung")
    assert (passage, URIRef(OA + "hasSource"), source) in one
    assert (source, URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("Klartext der Drucksache 90/0001 (sources/drucksache-90-0001.txt)", lang="de")) in one
    # this document's graph in the corpus is the project's own
    assert set(corpus.named[document_graph("17-7349")]) == set(project.named[document_graph("17-7349")])


def test_a_copy_keeps_its_number_and_suffixes_other_labels(corpus):
    g = corpus.union
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    doc = URIRef(ID + "doc/90-0002")
    assert Literal("Drucksache 90/0002: Packt Niedersachsen an?", lang="de") in set(g.objects(doc, label))
    assert g.value(doc, URIRef("http://purl.org/dc/terms/identifier")) == Literal("90/0002")
    event = URIRef(ID + "event/2016-01-07-auftaktveranstaltung-d0002")
    assert {str(l) for l in g.objects(event, label)} == {
        "Auftaktveranstaltung des Bündnisses „Niedersachsen packt an“ (Kopie 90/0002)",
        "Kick-off event of the alliance \"Niedersachsen packt an\" (copy 90/0002)",
    }


def test_a_corpus_document_without_its_source_text_is_one_line_exit_2(tmp_path):
    folder = make_corpus(tmp_path / "c", 2)
    (folder / "sources" / "drucksache-90-0002.txt").unlink()
    res = run("validate", "--corpus", str(folder), timeout=120)
    assert_one_error_line(res, "drucksache-90-0002.txt", "no such file", quiet_stdout=True)


def test_corpus_and_files_together_are_a_usage_error(tmp_path):
    res = run("validate", "--corpus", str(tmp_path), "data/shared/people.ttl")
    assert_one_error_line(res, "--corpus", quiet_stdout=True)


# --- duplicate labels: one finding per duplicated label -------------------------


def test_three_resources_sharing_a_label_are_one_finding_listing_the_others(vocabulary):
    fixture = config.ROOT / "tests" / "checks" / "duplicate-labels" / "invalid-three-share-a-label.ttl"
    result = validate_project(load_project([fixture], vocabulary=vocabulary))
    found = [f for f in result.findings if f.check == "duplicate-labels"]
    assert len(found) == 1  # not one per ordered pair (6)
    assert found[0].focus == URIRef(ID + "place/oldenburg")  # the first by IRI
    # the others, in the order of their IRIs (written in another order in the fixture)
    assert found[0].value == Literal(f"{ID}place/oldenburg-land {ID}place/oldenburg-stadt")
    assert result.findings == found


def test_two_resources_sharing_a_label_are_one_finding(vocabulary):
    fixture = config.ROOT / "tests" / "checks" / "duplicate-labels" / "invalid-same-german-label.ttl"
    found = [f for f in validate_project(load_project([fixture], vocabulary=vocabulary)).findings]
    assert [(f.focus, f.value) for f in found] == [(URIRef(ID + "place/hannover"), Literal(ID + "place/hannover-stadt"))]
