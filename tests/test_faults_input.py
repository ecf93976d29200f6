"""Fault injection: every bad input a user can give the command line.

Each case is run as a user would run it (a subprocess of build.py). A user's
mistake must end with exit 2 and exactly one line on stderr that starts with
`error:`; data that breaks the rules (a typed literal whose lexical form is
not valid XSD) with exit 1 and a report that names the value. Never a
traceback, on either stream.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, run
from conftest import assert_one_error_line as assert_user_error

TTL_HEAD = (
    "@prefix schema: <https://schema.org/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix pa: <https://w3id.org/packt-an/vocab#> .\n"
)
SUBJECT = "<https://w3id.org/packt-an/id/place/probe>"



# --- data files given to `validate` -------------------------------------------


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


BAD_FILES = {
    "missing": (None, "no such file"),
    "syntax-missing-dot": (TTL_HEAD + f'{SUBJECT} schema:name "x"@de\n', "syntax error"),
    "unknown-prefix": (f'{SUBJECT} nope:name "x"@de .\n', "nope"),
    "relative-iri": (TTL_HEAD + '<probe> schema:name "x"@de .\n', "relative IRI"),
    "relative-base": ("@base <relative/> .\n" + TTL_HEAD + '<probe> schema:name "x"@de .\n', "relative IRI"),
    "relative-object": (TTL_HEAD + f"{SUBJECT} schema:containedInPlace <../hannover> .\n", "relative IRI"),
    "not-utf8": (TTL_HEAD.encode() + f'{SUBJECT} schema:name "M\xfcnchen"@de .\n'.encode("latin-1"), "UTF-8"),
    "nul-bytes": (b"\x00\x01\x02\x03garbage\x00", "syntax error"),
    "unterminated-string": (TTL_HEAD + f'{SUBJECT} schema:name "open@de .\n', "syntax error"),
    "unterminated-iri": (TTL_HEAD + f"{SUBJECT} schema:url <https://example.org/x .\n", "syntax error"),
    "bad-language-tag": (TTL_HEAD + f'{SUBJECT} schema:name "x"@-- .\n', "syntax error"),
    "literal-subject": (TTL_HEAD + '"x" schema:name "y" .\n', "syntax error"),
    "huge-literal": (TTL_HEAD + f'{SUBJECT} schema:name "' + "a" * (17 * 1024 * 1024) + '"@de .\n', "too large"),
    "only-garbage": ("this is not turtle at all\n", "syntax error"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_data_file_is_one_line_exit_2(tmp_path, case):
    content, needle = BAD_FILES[case]
    path = tmp_path / f"{case}.ttl"
    if content is not None:
        _write(tmp_path, path.name, content)
    res = run("validate", str(path))
    assert_user_error(res, str(path), needle)


def test_directory_given_as_data_file(tmp_path):
    d = tmp_path / "folder.ttl"
    d.mkdir()
    assert_user_error(run("validate", str(d)), "a folder")


def test_fifo_given_as_data_file(tmp_path):
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)
    assert_user_error(run("validate", str(fifo), timeout=60), "not a regular file")


def test_dangling_symlink_given_as_data_file(tmp_path):
    link = tmp_path / "gone.ttl"
    link.symlink_to(tmp_path / "nothing-here.ttl")
    assert_user_error(run("validate", str(link)), "dangling")


def test_symlink_loop_given_as_data_file(tmp_path):
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    a.symlink_to(b)
    b.symlink_to(a)
    assert_user_error(run("validate", str(a)), "loop")


# --- things in data/, ontology/, shapes/, queries/checks/ of a copied project --


def _project(tmp_path: Path) -> Path:
    (tmp_path / "p").mkdir()
    return copy_project(tmp_path / "p")


def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _dangling(p: Path) -> None:
    p.symlink_to(p.parent / "missing.ttl")


def _loop(p: Path) -> None:
    other = p.parent / (p.stem + "-other.ttl")
    p.symlink_to(other)
    other.symlink_to(p)


TREE_FAULTS = {
    "data-text-file": ("data/17-7349/notes.txt", lambda p: p.write_text("notes\n"), "not a Turtle file"),
    "data-folder": ("data/17-7349/drafts", lambda p: p.mkdir(), "not a Turtle file"),
    "data-folder-named-ttl": ("data/shared/drafts.ttl", lambda p: p.mkdir(), "a folder"),
    "data-fifo": ("data/17-7349/pipe.ttl", _fifo, "not a regular file"),
    "data-dangling-symlink": ("data/shared/gone.ttl", _dangling, "dangling"),
    "data-symlink-loop": ("data/17-7349/loop.ttl", _loop, "loop"),
    "data-syntax-error": ("data/17-7349/broken.ttl", lambda p: p.write_text(TTL_HEAD + f"{SUBJECT} schema:name .\n"), "broken.ttl:4"),
    "ontology-stray-file": ("ontology/README", lambda p: p.write_text("x\n"), "not a Turtle file"),
    "shapes-syntax-error": ("shapes/zz-broken.ttl", lambda p: p.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<x> a sh:NodeShape"), "zz-broken.ttl"),
    "check-malformed": ("queries/checks/zz-broken.rq", lambda p: p.write_text("SELECT ?focus WHERE { ?focus ?p \n"), "zz-broken.rq"),
}


@pytest.mark.parametrize("case", sorted(TREE_FAULTS))
def test_bad_entry_in_project_tree_is_one_line_exit_2(tmp_path, case):
    where, make, needle = TREE_FAULTS[case]
    project = _project(tmp_path)
    make(project / where)
    res = run("validate", cwd=project, timeout=120)
    assert_user_error(res, needle)
    res = run("build", "--out", str(tmp_path / "out"), cwd=project, timeout=120)
    assert_user_error(res, needle)
    assert not (tmp_path / "out").exists(), "a failed build wrote its output"


# --- typed literals whose lexical form is not valid: exit 1 with a report -------

LEXICAL = {
    "decimal-exponent": ('"1e3"^^xsd:decimal', "xsd:decimal"),
    "decimal-plus-sign": ('"+538967.95"^^xsd:decimal', "xsd:decimal"),
    "decimal-nan": ('"NaN"^^xsd:decimal', "xsd:decimal"),
    "decimal-inf": ('"INF"^^xsd:decimal', "xsd:decimal"),
    "decimal-word": ('"abc"^^xsd:decimal', "xsd:decimal"),
    "decimal-german": ('"1.000.000,00"^^xsd:decimal', "xsd:decimal"),
    "decimal-comma": ('"5355,00"^^xsd:decimal', "xsd:decimal"),
    "decimal-space": ('"538 967.95"^^xsd:decimal', "xsd:decimal"),
    "decimal-empty": ('""^^xsd:decimal', "xsd:decimal"),
    "integer-word": ('"eins"^^xsd:integer', "xsd:integer"),
    "integer-fraction": ('"1.5"^^xsd:integer', "xsd:integer"),
    "integer-leading-zero": ('"007"^^xsd:integer', "xsd:integer"),
    "integer-bare-plus": ("+600", "xsd:integer"),
    "date-february-30": ('"2016-02-30"^^xsd:date', "no day 30"),
    "date-february-29-not-leap": ('"2017-02-29"^^xsd:date', "no day 29"),
    "date-month-13": ('"2016-13-01"^^xsd:date', "no month 13"),
    "date-german": ('"16.03.2016"^^xsd:date', "xsd:date"),
    "date-with-time": ('"2016-03-16T10:00:00"^^xsd:date', "xsd:date"),
    "date-short-year": ('"16-03-16"^^xsd:date', "xsd:date"),
    "boolean-yes": ('"yes"^^xsd:boolean', "xsd:boolean"),
    "gyearmonth-one-digit": ('"2016-1"^^xsd:gYearMonth', "xsd:gYearMonth"),
}


@pytest.mark.parametrize("case", sorted(LEXICAL))
def test_invalid_lexical_form_is_a_violation(tmp_path, case):
    literal, needle = LEXICAL[case]
    path = _write(tmp_path, f"{case}.ttl", TTL_HEAD + f"{SUBJECT} pa:probe {literal} .\n")
    res = run("validate", str(path), "--format", "tsv")
    out = res.stdout + res.stderr
    assert "Traceback" not in out and "Failed to convert" not in out, out
    assert res.returncode == 1, out
    assert f"<https://w3id.org/packt-an/id/place/probe>\tcheck:lexical-forms" in res.stdout.replace("pl:probe", SUBJECT), res.stdout
    text = run("validate", str(path))
    assert needle in text.stdout, text.stdout
    german = run("validate", str(path), "--lang", "de")
    assert "Schreibweise" in german.stdout and "Traceback" not in german.stderr


def test_valid_lexical_forms_pass(tmp_path):
    """The forms the project writes are not reported."""
    literals = ['"538967.95"^^xsd:decimal', "5355.00", "600", '"2016-02-29"^^xsd:date', "true", '"2016"^^xsd:gYear']
    body = "".join(f"{SUBJECT} pa:probe{i} {lit} .\n" for i, lit in enumerate(literals))
    path = _write(tmp_path, "ok.ttl", TTL_HEAD + body)
    res = run("validate", str(path), "--format", "tsv")
    assert "lexical-forms" not in res.stdout, res.stdout


# --- query files ------------------------------------------------------------------

DEEP = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
BAD_QUERIES = {
    "syntax-error": ("SELEKT * WHERE { ?s ?p ?o }", "malformed SPARQL"),
    "empty": ("", "malformed SPARQL"),
    "unknown-prefix": ("SELECT * WHERE { ?s nope:x ?o }", "malformed SPARQL"),
    "service": ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    "service-silent": ("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    "service-lower-case": ("select * where { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    "service-prefixed": ("PREFIX r: <http://127.0.0.1:9/>\nSELECT * WHERE { SERVICE r:sparql { ?s ?p ?o } }", "http://127.0.0.1:9/sparql"),
    "service-escaped": ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    "service-variable": ("SELECT * WHERE { VALUES ?e { <http://127.0.0.1:9/> } SERVICE ?e { ?s ?p ?o } }", "variable"),
    "from": ("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
    "from-named": ("SELECT * FROM NAMED <http://127.0.0.1:9/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    "deeply-nested": (DEEP, "nested deeper"),
    "deep-parentheses": ("SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 2000 + "1" + ")" * 2000 + ") }", "nested deeper"),
    "oversized": ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 70000, "larger than"),
    "update-not-a-query": ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "malformed SPARQL"),
}


@pytest.mark.parametrize("case", sorted(BAD_QUERIES))
def test_bad_query_file_is_one_line_exit_2(tmp_path, case):
    text, needle = BAD_QUERIES[case]
    q = _write(tmp_path, f"{case}.rq", text)
    with socket.socket() as listener:  # anything the query made the tool fetch would arrive here
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        listener.settimeout(0.5)
        res = run("query", str(q), timeout=120)
        try:
            conn, _ = listener.accept()
            conn.close()
            fetched = True
        except (socket.timeout, TimeoutError):
            fetched = False
    assert_user_error(res, str(q), needle)
    assert not fetched


def test_query_file_not_utf8(tmp_path):
    q = _write(tmp_path, "latin1.rq", 'SELECT * WHERE { ?s ?p "M\xfcnchen" }'.encode("latin-1"))
    assert_user_error(run("query", str(q)), "UTF-8")


@pytest.mark.parametrize("kind", ["missing", "folder", "fifo"])
def test_query_file_that_is_not_a_file(tmp_path, kind):
    q = tmp_path / "q.rq"
    if kind == "folder":
        q.mkdir()
    elif kind == "fifo":
        os.mkfifo(q)
    assert_user_error(run("query", str(q), timeout=60), str(q))


def test_allow_listed_service_passes_the_guard(tmp_path):
    """The allow-list lets a SERVICE through (the endpoint is down: a query error, not a refusal)."""
    q = _write(tmp_path, "svc.rq", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    res = run("query", str(q), "--allow-service", "http://127.0.0.1:9/sparql")
    assert "refused: federated" not in res.stderr and "Traceback" not in res.stderr + res.stdout
    assert res.returncode == 2 and "query failed" in res.stderr, res.stderr


# --- arguments ------------------------------------------------------------------------

BAD_ARGS = {
    "serve-port-too-large": (["serve", "--port", "99999"], "outside 0-65535"),
    "serve-port-negative": (["serve", "--port", "-1"], "outside 0-65535"),
    "serve-port-word": (["serve", "--port", "eighty"], "not a port"),
    "serve-host-word": (["serve", "--host", "not a host"], "not an IP address"),
    "serve-host-bad-ipv4": (["serve", "--host", "999.1.1.1"], "not an IP address"),
    "serve-timeout-negative": (["serve", "--timeout", "-1"], "positive"),
    "serve-timeout-zero": (["serve", "--timeout", "0"], "positive"),
    "serve-timeout-nan": (["serve", "--timeout", "nan"], "positive"),
    "serve-max-concurrent-zero": (["serve", "--max-concurrent", "0"], "at least 1"),
    "serve-allow-service-not-url": (["serve", "--allow-service", "notaurl"], "not an http(s) URL"),
    "query-endpoint-not-url": (["query", "QUERY", "--endpoint", "notaurl"], "not an http(s) URL"),
    "query-endpoint-ftp": (["query", "QUERY", "--endpoint", "ftp://127.0.0.1/q"], "not an http(s) URL"),
    "query-endpoint-bad-ipv6": (["query", "QUERY", "--endpoint", "http://[::1/query"], "not a valid URL"),
    "query-endpoint-no-host": (["query", "QUERY", "--endpoint", "http:///query"], "no host"),
    "query-endpoint-bad-port": (["query", "QUERY", "--endpoint", "http://127.0.0.1:99999/q"], "not a valid URL"),
    "query-timeout-negative": (["query", "QUERY", "--timeout", "-1"], "positive"),
    "query-timeout-word": (["query", "QUERY", "--timeout", "soon"], "not a number"),
    "query-format-unknown": (["query", "QUERY", "--format", "xml"], "invalid choice"),
    "validate-format-unknown": (["validate", "--format", "xml"], "invalid choice"),
    "validate-lang-unknown": (["validate", "--lang", "fr"], "invalid choice"),
    "unknown-command": (["frobnicate"], "invalid choice"),
    "unknown-option": (["build", "--frobnicate"], "unrecognized arguments"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARGS))
def test_bad_argument_is_one_line_exit_2(tmp_path, case):
    args, needle = BAD_ARGS[case]
    q = _write(tmp_path, "ok.rq", "ASK { ?s ?p ?o }")
    args = [str(q) if a == "QUERY" else a for a in args]
    assert_user_error(run(*args, timeout=60), needle)


def test_serve_on_a_port_in_use(built):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        res = run("serve", "--port", str(port), "--dist", str(built), timeout=60)
    assert_user_error(res, f"127.0.0.1:{port}")


def test_output_piped_into_a_closed_reader(tmp_path):
    """`build.py query … | head -0`: no traceback when the reader goes away."""
    import subprocess
    import sys

    q = _write(tmp_path, "all.rq", "SELECT * WHERE { ?s ?p ?o }")
    cmd = f"'{sys.executable}' '{ROOT / 'build.py'}' query '{q}' --format csv | head -c 10 > /dev/null"
    res = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in res.stderr, res.stderr
