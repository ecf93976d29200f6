"""bench/corpus.py's helpers: sizes, the one-literal edit, scoping a query, finding Jena.

The benchmark itself is not run here (no timed assertions in tests)."""

from __future__ import annotations

import argparse
import importlib.util
import sys

import pyoxigraph as ox
import pytest

from conftest import ROOT

spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


@pytest.mark.parametrize("text, value", [("100k", 100_000), ("1M", 1_000_000), ("3m", 3_000_000), ("2.5M", 2_500_000), ("500", 500)])
def test_sizes(text, value):
    assert bench.parse_size(text) == value


def test_sizes_list_and_copies():
    assert bench.parse_sizes("100k,1M,3M") == [100_000, 1_000_000, 3_000_000]
    # documents = size / 15k (rounded), the original among them
    assert [bench.copies_for(s) for s in (100_000, 1_000_000, 3_000_000, 10)] == [6, 66, 199, 1]
    assert [bench.label(s) for s in (100_000, 1_000_000, 2_500_000)] == ["100k", "1M", "2.5M"]


@pytest.mark.parametrize("text", ["", "1G", "k", "-1k", "0"])
def test_bad_sizes(text):
    with pytest.raises(argparse.ArgumentTypeError):
        bench.parse_size(text)


def test_one_literal_edit_changes_one_label_of_one_copy(tmp_path):
    from packtan.synthetic import make_corpus

    corpus = make_corpus(tmp_path / "c", 2)
    target = bench.file_to_edit(corpus)
    assert target is not None and target.parent.name.startswith("90-")
    before = {q.triple for q in ox.parse(path=str(target), format=ox.RdfFormat.TURTLE)}
    assert bench.edit_one_literal(target, "bearbeitet 1")
    after = {q.triple for q in ox.parse(path=str(target), format=ox.RdfFormat.TURTLE)}
    gone, new = before - after, after - before
    assert len(gone) == 1 and len(new) == 1
    (old,), (changed,) = gone, new
    assert (old.subject, old.predicate) == (changed.subject, changed.predicate)
    number = target.parent.name.replace("-", "/")
    assert changed.object.value.endswith(f"(Kopie {number}, bearbeitet 1)")
    assert changed.object.language == "de"
    # a second edit changes the same literal again
    assert bench.edit_one_literal(target, "bearbeitet 2")
    again = {q.triple for q in ox.parse(path=str(target), format=ox.RdfFormat.TURTLE)}
    assert len(again - before) == 1 and next(iter(again - before)).object.value.endswith("bearbeitet 2)")


def test_scoped_query_names_another_document():
    text = (ROOT / "queries" / "q03-veranstaltungen.rq").read_text(encoding="utf-8")
    assert "/id/doc/17-7349/>" in text
    other = bench.scoped(text, "90-0050")
    assert "/id/doc/17-7349/>" not in other
    assert "PREFIX d: <https://w3id.org/packt-an/id/doc/90-0050/>" in other


def test_jena_is_skipped_without_java(tmp_path, monkeypatch):
    monkeypatch.delenv("JENA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java, no shacl
    cmd, why = bench.jena_command(tmp_path)
    assert cmd is None
    assert "java" in why


def test_runs_are_measured(tmp_path):
    run = bench.measure([sys.executable, "-c", "x = bytearray(80 * 1024 * 1024); print('ok')"], cwd=tmp_path)
    assert run.rc == 0 and run.stdout.strip() == "ok"
    assert run.max_rss_mb >= 80
    assert run.tree_rss_mb >= run.max_rss_mb


def test_one_changed_document_is_rebuilt_and_revalidated(tmp_path):
    # the smallest corpus (this document and one copy): a build from scratch,
    # then one edit and a rebuild into the same folder, and a revalidation;
    # every run exits 0 (the corpus still conforms) and the dump is rebuilt
    import argparse

    args = argparse.Namespace(parts=["build", "changed"], repeat=1, jobs=1)
    logged: list[str] = []
    res = bench.bench_size(10, args, tmp_path, None, logged.append)
    assert res["copies"] == 1
    assert res["build_scratch"]["failed"] == 0, logged
    assert res["one_changed"]["rebuild"]["failed"] == 0, logged
    assert res["one_changed"]["revalidate"]["failed"] == 0, logged
    edited = (tmp_path / bench.label(10) / "out-0" / "corpus.nt").read_text(encoding="utf-8")
    assert "bearbeitet 1)\"@de" in edited  # the rebuild wrote the first edit


def test_the_last_file_to_edit_is_another_file_of_the_same_copy(tmp_path):
    from packtan.synthetic import make_corpus

    corpus = make_corpus(tmp_path / "c", 2)
    first, last = bench.file_to_edit(corpus), bench.file_to_edit(corpus, last=True)
    assert first is not None and last is not None
    assert first.parent == last.parent and first.name < last.name
    assert bench.edit_one_literal(last, "bearbeitet 1")
