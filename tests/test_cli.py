"""The command line: every command, its exit codes and its error messages."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys

from conftest import ROOT, copy_project, run

EXPECTED_DUMPS = {
    "packt-an.ttl",
    "packt-an.nt",
    "packt-an.jsonld",
    "packt-an.trig",
    "context.jsonld",
    "shapes.ttl",
    "validation-report.ttl",
    "validation-report.en.txt",
    "validation-report.de.txt",
}


def test_build_writes_every_dump_and_a_summary(built):
    names = {p.name for p in built.iterdir()}
    assert EXPECTED_DUMPS <= names
    for name in EXPECTED_DUMPS:
        assert (built / name).stat().st_size > 0, name


def test_build_is_the_default_command(tmp_path):
    proj = copy_project(tmp_path)
    res = run(cwd=proj)
    assert res.returncode == 0, res.stderr
    assert (proj / "dist" / "packt-an.ttl").is_file()
    # the summary names files, triples and time on stderr
    assert "source files" in res.stderr and "triples" in res.stderr and " s)" in res.stderr


def test_validate_project_data_conforms():
    res = run("validate")
    assert res.returncode == 0, res.stdout
    assert res.stdout.startswith("Conforms:")
    assert "triples" in res.stderr


def test_validate_reports_in_german():
    res = run("validate", "--lang", "de")
    assert res.returncode == 0
    assert res.stdout.startswith("Gültig:")


def test_validate_given_file_with_violations_exits_1(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix pa: <https://w3id.org/packt-an/vocab#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "<https://w3id.org/packt-an/id/event/2016-01-01-x> a pa:Event ;\n"
        '    schema:startDate "gestern" .\n',
        encoding="utf-8",
    )
    res = run("validate", str(bad))
    assert res.returncode == 1
    assert res.stdout.startswith("Does not conform:")
    assert "ev:2016-01-01-x" in res.stdout
    assert "bad.ttl" in res.stdout  # the file where the resource is defined


def test_validate_turtle_format_is_a_shacl_report(tmp_path):
    from rdflib import Graph, Namespace

    res = run("validate", "--format", "turtle")
    assert res.returncode == 0
    g = Graph().parse(data=res.stdout, format="turtle")
    SH = Namespace("http://www.w3.org/ns/shacl#")
    assert (None, SH.conforms, None) in g


def test_turtle_syntax_error_names_file_and_line(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n', encoding="utf-8")
    res = run("validate", str(bad))
    assert res.returncode == 2
    assert re.search(rf"{re.escape(str(bad))}:3:\d+: Turtle syntax error: ", res.stderr), res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) <= 2


def test_unknown_prefix_is_one_clear_line(tmp_path):
    bad = tmp_path / "prefix.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b nope:c .\n", encoding="utf-8")
    res = run("validate", str(bad))
    assert res.returncode == 2
    assert f"{bad}:2:11: Turtle syntax error: the prefix nope: has not been declared" in res.stderr
    assert "Traceback" not in res.stderr


def test_missing_file_exits_2(tmp_path):
    res = run("validate", str(tmp_path / "absent.ttl"))
    assert res.returncode == 2
    assert "absent.ttl: no such file" in res.stderr
    res = run("query", str(tmp_path / "absent.rq"))
    assert res.returncode == 2
    assert "absent.rq: no such file" in res.stderr


def test_usage_error_exits_2():
    res = run("frobnicate")
    assert res.returncode == 2
    assert "invalid choice" in res.stderr and "Traceback" not in res.stderr
    res = run("validate", "--lang", "fr")
    assert res.returncode == 2


def test_malformed_query_exits_2(tmp_path):
    q = tmp_path / "bad.rq"
    q.write_text("SELECT ?x WHERE { ?x ?y }\n", encoding="utf-8")
    res = run("query", str(q))
    assert res.returncode == 2
    assert f"{q}: malformed SPARQL query" in res.stderr
    assert "Traceback" not in res.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_endpoint_exits_2(tmp_path):
    q = tmp_path / "ask.rq"
    q.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    url = f"http://127.0.0.1:{_free_port()}/query"
    res = run("query", str(q), "--endpoint", url, "--timeout", "5")
    assert res.returncode == 2
    assert res.stderr.startswith(f"error: {url}: endpoint unreachable")
    assert len(res.stderr.strip().splitlines()) == 1


def test_query_formats_on_embedded_graph(tmp_path):
    q = tmp_path / "doc.rq"
    q.write_text(
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "SELECT ?id WHERE { <https://w3id.org/packt-an/id/doc/17-7349> dcterms:identifier ?id }\n",
        encoding="utf-8",
    )
    table = run("query", str(q))
    assert table.returncode == 0, table.stderr
    assert "17/7349" in table.stdout and "(1 row)" in table.stdout
    csv = run("query", str(q), "--format", "csv")
    assert csv.stdout.splitlines() == ["id", "17/7349"]
    js = json.loads(run("query", str(q), "--format", "json").stdout)
    assert js["results"]["bindings"][0]["id"]["value"] == "17/7349"
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    assert run("query", str(ask)).stdout == "true\n"


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_build_leaves_previous_dist_intact(tmp_path):
    proj = copy_project(tmp_path)
    assert run("build", cwd=proj).returncode == 0
    before = _tree(proj / "dist")
    # a syntax error: exit 2
    (proj / "data" / "17-7349" / "zz-broken.ttl").write_text("this is not turtle\n", encoding="utf-8")
    res = run("build", cwd=proj)
    assert res.returncode == 2 and "zz-broken.ttl:1" in res.stderr
    assert _tree(proj / "dist") == before
    # a violation: exit 1
    (proj / "data" / "17-7349" / "zz-broken.ttl").write_text(
        "@prefix pa: <https://w3id.org/packt-an/vocab#> .\n"
        "<https://w3id.org/packt-an/id/event/2016-01-01-x> a pa:Event .\n",
        encoding="utf-8",
    )
    res = run("build", cwd=proj)
    assert res.returncode == 1
    assert "left unchanged" in res.stderr
    assert _tree(proj / "dist") == before
    assert not [p for p in proj.iterdir() if p.name.startswith(".dist-")]


def test_query_from_text_or_stdin_with_predeclared_prefixes():
    # the 2016 budget of question 7: "im Jahr 2016 über den Landeshaushalt mit 1 Million Euro finanziert"
    text = "SELECT ?v WHERE { ?b a pa:Budget ; schema:value ?v ; pa:fiscalPeriod fy:2016 }"
    js = json.loads(run("query", "--text", text, "--format", "json").stdout)
    value = js["results"]["bindings"][0]["v"]
    assert value["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"
    assert float(value["value"]) == 1000000
    res = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "query", "-", "--format", "csv"],
        input=text, capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == "v" and float(res.stdout.splitlines()[1]) == 1000000


def test_query_prefixes_are_listed_and_a_query_source_is_required():
    res = run("query", "--prefixes")
    assert res.returncode == 0
    lines = res.stdout.splitlines()
    assert "PREFIX pa: <https://w3id.org/packt-an/vocab#>" in lines
    assert "PREFIX psg: <https://w3id.org/packt-an/id/doc/17-7349/passage/>" in lines
    assert lines == sorted(lines)
    for args in ((), ("queries/q07-finanzierung.rq", "--text", "ASK {}")):
        res = run("query", *args)
        assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
