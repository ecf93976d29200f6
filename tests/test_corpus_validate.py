"""Corpus validation in units (validate/corpus.py): the same findings as the
whole union at once, a cache by content hash, parallel runs that agree.

The corpora are synthetic (`synthetic.make_corpus`): this document and one
copy of it, document 90-0001, with violations planted in the copy and in
the shared things."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import SH, URIRef

from packtan import config
from packtan.corpus import discover
from packtan.synthetic import make_corpus
from packtan.validate.corpus import finding_keys, validate_corpus, validate_whole

ID = config.BASE + "id/"
COPY = "90-0001"
# In the copy: an expenditure total whose fiscal period is an organisation, a
# second fiscal period beside its own. The shape (shapes/figures.ttl) says an
# expenditure total has exactly one pa:fiscalPeriod, of class pa:FiscalPeriod.
TOTAL = URIRef(ID + f"doc/{COPY}/expenditure/total-2016")
ALLIANCE = URIRef(ID + "org/niedersachsen-packt-an")
PLANTED_COPY = f"""@prefix pa: <https://w3id.org/packt-an/vocab#> .
<{TOTAL}> pa:fiscalPeriod <{ALLIANCE}> .
"""
# In the shared things: the alliance is said to be derived from a passage of
# this document that is a question, not a passage (sh:class pa:Passage on
# prov:wasDerivedFrom needs the document's data to be seen).
PLANTED_SHARED = f"""@prefix prov: <http://www.w3.org/ns/prov#> .
<{ALLIANCE}> prov:wasDerivedFrom <{ID}doc/17-7349/frage-1> .
"""


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("corpus") / "c"
    make_corpus(dest, 1)
    (dest / "data" / COPY / "zz-planted.ttl").write_text(PLANTED_COPY, encoding="utf-8")
    (dest / "data" / "shared" / "zz-planted.ttl").write_text(PLANTED_SHARED, encoding="utf-8")
    return dest


@pytest.fixture
def fresh(corpus_dir, tmp_path) -> Path:
    """A copy of the corpus of its own (tests that change files or the cache)."""
    dest = tmp_path / "c"
    shutil.copytree(corpus_dir, dest)
    return dest


def _shacl(result):
    return [f for f in result.findings if not f.check]


def test_per_unit_findings_equal_the_whole_union_on_a_synthetic_corpus(corpus_dir):
    corpus = discover(corpus_dir)
    assert [d.number for d in corpus.documents] == ["17-7349", COPY]
    units = validate_corpus(corpus, jobs=1, cache_dir=None)
    whole = validate_whole(corpus)
    assert finding_keys(_shacl(units)) == finding_keys(whole)
    keys = finding_keys(whole)
    # the planted violations are among them, on the resources they were planted on
    assert (TOTAL, config.PA.fiscalPeriod, SH.ClassConstraintComponent) in {k[:3] for k in keys}
    assert (TOTAL, config.PA.fiscalPeriod, SH.MaxCountConstraintComponent) in {k[:3] for k in keys}
    assert ALLIANCE in {k[0] for k in keys}


def test_per_unit_findings_equal_the_whole_union_on_the_project():
    corpus = discover(config.ROOT)
    units = validate_corpus(corpus, jobs=1, cache_dir=None, run_checks=False)
    assert finding_keys(_shacl(units)) == finding_keys(validate_whole(corpus))
    # a unit derives its selectors from the triples it keeps of its files:
    # the same selectors as from all of the document's triples
    from packtan.load import read_turtle
    from packtan.validate.corpus import _ntriples, derived_selectors

    doc = corpus.documents[0]
    full = _ntriples(derived_selectors([t for f in doc.files for t in read_turtle(f)], doc))
    assert full.count("TextPositionSelector") > 400
    assert units.values[doc.number]["derived"] == full


def test_cache_validates_only_what_changed_and_survives_a_corrupt_file(fresh):
    cache = fresh / "cache"
    first = validate_corpus(discover(fresh), jobs=1, cache_dir=cache)
    assert sorted(first.validated) == sorted(["shared", "17-7349", COPY]) and first.reused == []
    assert sorted(p.name for p in cache.glob("*.json")) == ["17-7349.json", f"{COPY}.json", "shared.json"]

    second = validate_corpus(discover(fresh), jobs=1, cache_dir=cache)
    assert second.validated == []
    assert second.findings == first.findings

    # one document changed (a label of the planted total): only it is validated again
    changed = fresh / "data" / COPY / "zz-planted.ttl"
    changed.write_text(PLANTED_COPY + f'<{TOTAL}> <http://www.w3.org/2000/01/rdf-schema#comment> "x"@de .\n', encoding="utf-8")
    third = validate_corpus(discover(fresh), jobs=1, cache_dir=cache)
    assert third.validated == [COPY]

    # a corrupt cache file and a foreign one are ignored and rewritten
    (cache / "17-7349.json").write_text("{not json", encoding="utf-8")
    (cache / "shared.json").write_text(json.dumps({"format": "something else", "key": "x", "value": {}}), encoding="utf-8")
    fourth = validate_corpus(discover(fresh), jobs=1, cache_dir=cache)
    assert sorted(fourth.validated) == ["17-7349", "shared"]
    assert fourth.findings == third.findings
    assert json.loads((cache / "17-7349.json").read_text(encoding="utf-8"))["format"].startswith("packt-an")
    assert validate_corpus(discover(fresh), jobs=1, cache_dir=cache).validated == []


def _cli(*args, cwd: Path):
    return subprocess.run(
        [sys.executable, str(config.ROOT / "build.py"), *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=900,
    )


def test_jobs_1_and_2_give_the_same_report_naming_the_copys_file(corpus_dir, tmp_path):
    one = _cli("validate", "--corpus", corpus_dir, "--jobs", "1", "--no-cache", cwd=tmp_path)
    two = _cli("validate", "--corpus", corpus_dir, "--jobs", "2", "--no-cache", cwd=tmp_path)
    assert one.returncode == two.returncode == 1, one.stderr + two.stderr
    assert one.stdout == two.stdout
    assert "Traceback" not in one.stderr + two.stderr
    assert not (corpus_dir / ".packt-an-cache").exists()  # --no-cache writes nothing
    # the planted violation is reported on the copy's resource, with the copy's file
    block = one.stdout.split(f"<{TOTAL}>", 1)[1].split("\n\n", 1)[0]
    assert f"defined in {corpus_dir / 'data' / COPY / 'costs.ttl'}" in block
    assert "sh:ClassConstraintComponent" in block
    tsv = _cli("validate", "--corpus", corpus_dir, "--jobs", "2", "--no-cache", "--format", "tsv", cwd=tmp_path)
    assert tsv.returncode == 1 and tsv.stdout.strip()


def test_cache_options_are_checked(corpus_dir, tmp_path):
    both = _cli("validate", "--corpus", corpus_dir, "--no-cache", "--cache", tmp_path / "x", cwd=tmp_path)
    assert both.returncode == 2 and both.stderr.count("\n") == 1
    alone = _cli("validate", "--jobs", "2", cwd=tmp_path)
    assert alone.returncode == 2 and "--corpus" in alone.stderr
    zero = _cli("validate", "--corpus", corpus_dir, "--jobs", "0", cwd=tmp_path)
    assert zero.returncode == 2 and zero.stderr.count("\n") == 1


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory) -> Path:
    """The project's data and sources as a corpus folder of its own."""
    dest = tmp_path_factory.mktemp("project") / "p"
    shutil.copytree(config.ROOT / "data", dest / "data")
    shutil.copytree(config.ROOT / "sources", dest / "sources")
    return dest


def test_build_corpus_writes_the_dumps_and_reuses_unchanged_documents(project_copy, tmp_path):
    import pyoxigraph as ox

    from packtan.corpus_build import build_corpus

    out, cache = tmp_path / "out", tmp_path / "cache"
    first = build_corpus(project_copy, out, jobs=1, cache_dir=cache)
    assert sorted(first.validated) == sorted(first.rendered) == ["17-7349", "shared"]
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == [".packt-an-build", "corpus.nt", "corpus.trig", "graphs/17-7349.nt", "graphs/shared.nt",
                     "validation-report.de.txt", "validation-report.en.txt", "validation-report.ttl"]
    before = {n: (out / n).read_bytes() for n in names}
    quads = list(ox.parse(path=str(out / "corpus.trig"), format=ox.RdfFormat.TRIG))
    graphs = {q.graph_name.value for q in quads}
    assert {config.BASE + "graph/doc/17-7349", config.BASE + "graph/shared"} <= graphs
    doc = {q.triple for q in quads if q.graph_name.value == config.BASE + "graph/doc/17-7349"}
    assert doc == {q.triple for q in ox.parse(path=str(out / "graphs" / "17-7349.nt"), format=ox.RdfFormat.N_TRIPLES)}
    # the derived selectors are in the document's graph
    assert any(t.predicate.value == "http://www.w3.org/ns/oa#hasSelector" for t in doc)
    assert {q.triple for q in ox.parse(path=str(out / "corpus.nt"), format=ox.RdfFormat.N_TRIPLES)} == {q.triple for q in quads}

    second = build_corpus(project_copy, out, jobs=1, cache_dir=cache)
    assert second.validated == [] and second.rendered == []
    assert {n: (out / n).read_bytes() for n in names} == before  # byte-identical


def test_build_corpus_that_does_not_conform_writes_nothing(corpus_dir, tmp_path):
    out = tmp_path / "out"
    run = _cli("build", "--corpus", corpus_dir, "--out", out, "--cache", tmp_path / "cache", "--jobs", "2", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert f"<{TOTAL}>" in run.stdout
    assert not out.exists()


def test_an_impossible_date_in_a_copy_is_one_lexical_finding_on_the_copys_event(fresh):
    # 2016 is a leap year: February has 29 days, so "2016-02-30" is no xsd:date (XSD 1.1 Part 2, 3.3.9)
    events = fresh / "data" / COPY / "events.ttl"
    text = events.read_text(encoding="utf-8")
    assert text.count('"2016-01-07"') == 1
    events.write_text(text.replace('"2016-01-07"', '"2016-02-30"'), encoding="utf-8")
    result = validate_corpus(discover(fresh), jobs=1, cache_dir=None, run_checks=False)
    lexical = [f for f in result.findings if f.check == "lexical-forms"]
    event = URIRef(ID + f"event/2016-01-07-auftaktveranstaltung-d{COPY[3:]}")
    assert [(f.focus, f.path, str(f.value)) for f in lexical] == [(event, config.PREFIXES["schema"].startDate, "2016-02-30")]
    assert "2016-02 has no day 30" in " ".join(str(m) for m in lexical[0].messages)


def test_a_syntax_error_in_a_copys_file_is_one_line_naming_file_and_line(fresh, tmp_path):
    broken = fresh / "data" / COPY / "zz-broken.ttl"
    broken.write_text('@prefix pa: <https://w3id.org/packt-an/vocab#> .\n\n<https://w3id.org/packt-an/id/x> pa:quote "open\n', encoding="utf-8")
    res = _cli("validate", "--corpus", fresh, "--jobs", "2", "--no-cache", cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr and res.stderr.count("\n") == 1, res.stderr
    assert res.stderr.startswith(f"error: {broken}:3"), res.stderr


def test_an_occurrence_that_is_no_integer_is_reported_not_a_crash(fresh, tmp_path):
    # pa:occurrence "zwei"^^xsd:integer: no valid xsd:integer (XSD 1.1 Part 2, 3.4.13), so the
    # passage gets no selectors; validation reports it (exit 1) in a corpus and in the project
    from conftest import copy_project

    def spoil(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        assert "pa:occurrence 2" in text
        path.write_text(text.replace("pa:occurrence 2", 'pa:occurrence "zwei"^^xsd:integer', 1), encoding="utf-8")

    (tmp_path / "p").mkdir()
    project = copy_project(tmp_path / "p")
    spoil(fresh / "data" / COPY / "measures-gesetz-wohnen.ttl")
    spoil(project / "data" / "17-7349" / "measures-gesetz-wohnen.ttl")
    for res in (_cli("validate", "--corpus", fresh, "--jobs", "1", "--no-cache", cwd=tmp_path),
                _cli("validate", "--corpus", project, "--jobs", "1", "--no-cache", cwd=tmp_path),
                subprocess.run([sys.executable, str(project / "build.py"), "validate"], cwd=project,
                               capture_output=True, text=True, timeout=900)):
        assert res.returncode == 1, res.stderr[-2000:]
        assert "Traceback" not in res.stdout + res.stderr
        assert "passage-positions" in res.stdout and '"zwei"^^xsd:integer' in res.stdout
