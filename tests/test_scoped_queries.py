"""Question queries scoped to one document: the same answers in a corpus of two.

The second document is a copy of this one made as the corpus rule makes
them (bench/corpus.py, migrations' corpus contract): every IRI under
`…/id/doc/17-7349` becomes `…/id/doc/90-0001`, every other IRI under `…/id/`
that the data files type gets `-d0001` after its last segment, except the
things the documents share (organisations, people and their posts, places,
fiscal periods), and the copied resources' labels get ` (Kopie 90/0001)` /
` (copy 90/0001)`. In a store holding both, each question and analysis query
must give exactly the rows it gives on this document alone, and, asked for
90-0001 (`build.py query --doc 90-0001`), exactly the rows it gives on the
copy alone — as many as on this document.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from conftest import ROOT, assert_one_error_line, run
from packtan import config
from packtan.catalogue import load_catalogue
from packtan.errors import UserError
from packtan.query import prepare_query, scope_to_document

CATALOGUE = [q for q in load_catalogue() if q.slug.startswith(("q", "analysis-"))]
THIS, OTHER = "17-7349", "90-0001"
DOC = f"{config.BASE}id/doc/{THIS}"
SHARED = tuple(f"{config.BASE}id/{kind}/" for kind in ("org", "person", "post", "place", "fiscal-period"))
LABELS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "https://schema.org/name",
    "http://xmlns.com/foaf/0.1/name",
}


def own_resources(project) -> set[str]:
    """The IRIs of this document's own resources: typed in data/, under …/id/, not shared."""
    typed = {str(s) for s, f in project.defined_in.items() if config.DATA_DIR in f.resolve().parents}
    return {i for i in typed if i.startswith(config.BASE + "id/") and not i.startswith(SHARED)}


def renamed_in_copy(project) -> set[str]:
    """Those of the document's own resources that keep their path and get `-dNNNN`."""
    return {i for i in own_resources(project) if i != DOC and not i.startswith(DOC + "/")}


def copy_of(nt: bytes, renamed: set[str], number: str) -> list[ox.Triple]:
    """The union as document `number`: its IRIs renamed, the labels of what was renamed marked."""
    k = number.split("-")[1]
    new_doc = f"{config.BASE}id/doc/{number}"

    def iri(term):
        if isinstance(term, ox.NamedNode):
            v = term.value
            if v == DOC or v.startswith(DOC + "/"):
                return ox.NamedNode(new_doc + v[len(DOC):]), True
            if v in renamed:
                return ox.NamedNode(f"{v}-d{k}"), True
        return term, False

    out = []
    for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES):
        s, copied = iri(t.subject)
        o, _ = iri(t.object)
        if copied and t.predicate.value in LABELS and isinstance(o, ox.Literal):
            mark = f" (copy 90/{k})" if o.language == "en" else f" (Kopie 90/{k})"
            o = ox.Literal(o.value + mark, language=o.language) if o.language else ox.Literal(o.value + mark, datatype=o.datatype)
        out.append(ox.Triple(s, t.predicate, o))
    return out


def _store(*parts: list[ox.Triple]) -> ox.Store:
    store = ox.Store()
    for triples in parts:
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return store


@pytest.fixture(scope="module")
def stores(project):
    """(this document alone, the copy alone, both in one store)."""
    nt = project.union.serialize(format="nt", encoding="utf-8")
    this = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    copy = copy_of(nt, renamed_in_copy(project), OTHER)
    return _store(this), _store(copy), _store(this, copy)


def rows(store: ox.Store, text: str) -> list[tuple]:
    res = store.query(text)
    names = [v.value for v in res.variables]
    return [tuple(solution[n] for n in names) for solution in res]


def test_the_two_document_store_holds_two_documents(stores):
    one, copy, two = stores
    count = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a <https://w3id.org/packt-an/vocab#Proposal> }"
    n = int(rows(one, count)[0][0].value)
    assert n == 56  # the 19 + 22 + 15 proposals of answer 4
    assert int(rows(copy, count)[0][0].value) == n
    assert int(rows(two, count)[0][0].value) == 2 * n  # an unscoped query answers for both


@pytest.mark.parametrize("q", CATALOGUE, ids=[q.path.name for q in CATALOGUE])
def test_a_query_answers_for_its_document_only(stores, q):
    one, copy, two = stores
    here = prepare_query(q.text, str(q.path))
    there = prepare_query(q.text, str(q.path), doc=OTHER)
    alone = rows(one, here)
    assert alone, f"{q.path.name}: no rows on the document"
    assert rows(two, here) == alone, f"{q.path.name}: the other document's resources reach this document's answer"
    answer = rows(two, there)
    assert answer == rows(copy, there), f"{q.path.name}: this document's resources reach 90-0001's answer"
    assert len(answer) == len(alone)


def test_a_query_names_its_document_only_through_d(project):
    """No prefix but d: (nor a full IRI) names a namespace of the document's own resources."""
    own = own_resources(project)
    own_namespaces = {p for p, ns in config.PREFIXES.items() if p != "d" and any(i.startswith(str(ns)) for i in own)}
    assert {"psg", "fig", "exp", "goal", "ev", "ms", "prop"} <= own_namespaces  # the check checks something
    for q in CATALOGUE:
        assert q.meta.get("scope", "").startswith("document"), f"{q.path.name}: no '# scope: document' line"
        assert f"PREFIX d: <{DOC}/>" in q.text, f"{q.path.name}: does not declare PREFIX d: <{DOC}/>"
        body = "\n".join(line.split("#", 1)[0] for line in q.text.splitlines() if not line.startswith("PREFIX"))
        body = re.sub(r'"[^"\n]*"', '""', body)
        used = set(re.findall(r"(?<![\w:/<?$])([A-Za-z][\w-]*):[\w-]", body))
        assert not used & own_namespaces, f"{q.path.name}: names the document through {sorted(used & own_namespaces)}"
        assert "<https://w3id.org/packt-an/id/" not in body, f"{q.path.name}: a full IRI under id/"


def test_scoping_rewrites_only_the_declaration():
    text = (
        "# PREFIX d: <https://example.org/not-a-declaration/>\n"
        "PREFIX pa: <https://w3id.org/packt-an/vocab#> prefix d:<https://w3id.org/packt-an/id/doc/17-7349/>\n"
        'SELECT ?x WHERE { ?x pa:quote "PREFIX d: <https://w3id.org/packt-an/id/doc/17-7349/>" ; a d:antwort-1 }'
    )
    out = scope_to_document(text, "17/8000")
    assert out == text.replace("prefix d:<https://w3id.org/packt-an/id/doc/17-7349/>", "prefix d:<https://w3id.org/packt-an/id/doc/17-8000/>")
    with pytest.raises(UserError, match="not scoped to a document"):
        scope_to_document("PREFIX pa: <https://w3id.org/packt-an/vocab#>\nSELECT * WHERE { ?s ?p ?o }", OTHER)
    with pytest.raises(UserError, match="not a document's namespace"):
        scope_to_document("PREFIX d: <https://example.org/>\nSELECT * WHERE { ?s ?p ?o }", OTHER)
    # the predeclared prefixes of the document's own resources follow it
    assert "PREFIX psg: <https://w3id.org/packt-an/id/doc/90-0001/passage/>" in prepare_query(
        "PREFIX d: <https://w3id.org/packt-an/id/doc/17-7349/>\nASK { ?p a psg:x }", doc=OTHER
    )


def test_build_py_query_doc_on_a_file(stores, tmp_path):
    """`build.py query --doc` on the embedded graph and on an endpoint serving both documents."""
    from packtan.serve import Server

    _one, _copy, two = stores
    q05 = str(ROOT / "queries" / "q05-massnahmen.rq")
    plain = run("query", q05, "--format", "csv")
    assert plain.returncode == 0, plain.stderr
    lines = plain.stdout.splitlines()
    assert len(lines) == 1 + 66  # header and one row per measure, body and proposal (tests/expected)
    printed = run("query", "--doc", "17/7349", q05, "--format", "csv")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == plain.stdout
    none = run("query", "--doc", OTHER, q05, "--format", "csv")  # the project holds no 90-0001
    assert none.returncode == 0, none.stderr
    assert none.stdout.splitlines() == lines[:1]

    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "packt-an.nt").write_bytes(two.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
    (dist / "packt-an.trig").write_text("", encoding="utf-8")
    with Server(dist) as server:
        ours = run("query", q05, "--endpoint", server.query_url, "--format", "csv")
        theirs = run("query", "--doc", OTHER, q05, "--endpoint", server.query_url, "--format", "csv")
    assert ours.returncode == 0 and theirs.returncode == 0, ours.stderr + theirs.stderr
    assert ours.stdout == plain.stdout
    assert len(theirs.stdout.splitlines()) == len(lines)
    assert "(Kopie 90/0001)" in theirs.stdout and "(Kopie 90/0001)" not in ours.stdout


def test_a_bad_document_number_is_a_user_error(tmp_path):
    q05 = str(ROOT / "queries" / "q05-massnahmen.rq")
    for bad in ("17_7349", "123-1", "17-123456", "17-", "d0001"):
        res = run("query", "--doc", bad, q05)
        assert_one_error_line(res, "--doc", repr(bad), quiet_stdout=True)
    # refused before the endpoint is asked (nothing listens on port 9)
    res = run("query", "--doc", "17.7349", q05, "--endpoint", "http://127.0.0.1:9/query")
    assert_one_error_line(res, "--doc", "not a Drucksache number", quiet_stdout=True)


def test_a_query_without_d_is_not_scoped(tmp_path):
    plain = tmp_path / "count.rq"
    plain.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a pa:Proposal }\n", encoding="utf-8")
    res = run("query", "--doc", OTHER, str(plain))
    assert_one_error_line(res, str(plain), "not scoped to a document", quiet_stdout=True)
    res = run("query", "--doc", OTHER, "--text", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert_one_error_line(res, "--text", "not scoped to a document", quiet_stdout=True)
