"""SHACL engines side by side: do they find what pySHACL finds, and how fast are they?

Run with a Python that has the engines installed (they are not project
dependencies), e.g.

    python3 -m venv /tmp/venv-engines
    /tmp/venv-engines/bin/pip install -r requirements.txt pyrudof shacl-rust shacl pyshacl-turbo pyshifty
    /tmp/venv-engines/bin/python bench/engines.py compare      # every fixture and the project
    /tmp/venv-engines/bin/python bench/engines.py time         # the document and 10 copies, 3 runs each
    /tmp/venv-engines/bin/python bench/engines.py time --sizes 1m --engines shacl --skip pyshacl=1m

`compare` validates every shape and check fixture (tests/shapes/*/*.ttl,
tests/checks/*/*.ttl, as tests/test_shapes.py loads them: the ontology, the
fixture and the derived selector triples) and the project's graph with each
engine and compares the set of results, one key per result:
(focus node, result path, constraint component, source shape). pySHACL, as
packtan.validate.shacl runs it, is the reference. So that a source shape can
be compared across engines, the shapes graph each engine gets has its
property shapes (the objects of sh:property, blank nodes in shapes/) named
with an IRI (`…/shapes/skolem#<NodeShape>-<n>`); nothing else changes. A
blank focus node is keyed as "[]".

`time` runs each engine in a process of its own (import, parse, validate),
under /usr/bin/time -v, and reports the median wall time and peak RSS of
`--runs` runs, and the ratio to pySHACL measured in the same run. The
corpora are the project's union with each IRI under
https://w3id.org/packt-an/id/ suffixed `-c<k>`, k = 1..N (the ontology
once; sizes 10k, 100k, 1m are 0, 10 and 61 copies: 17k, 164k, 1.0M triples); IRIs the shapes name (sh:in, sh:hasValue) stay shared, and the
shapes' IRI patterns accept the suffix, so every copy conforms.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ID = "https://w3id.org/packt-an/id/"
SKOLEM = "https://w3id.org/packt-an/shapes/skolem#"

ENGINES = ["pyshacl", "pyrudof", "shacl-rust", "shacl", "pyshacl-turbo", "pyshifty"]
MODULES = {
    "pyshacl": "pyshacl",
    "pyrudof": "pyrudof",
    "shacl-rust": "shacl_rust",
    "shacl": "shacl",
    "pyshacl-turbo": "pyshacl_turbo",
    "pyshifty": "shifty",
    "pyshacl-turbo-ox": "pyshacl_turbo",
}
EXTRA = ["pyshacl-turbo-ox"]  # variants, not in the default list


# --- keys -------------------------------------------------------------------------


def _prefixes() -> list[tuple[str, str]]:
    from packtan import config

    pairs = [(p, str(ns)) for p, ns in config.PREFIXES.items()]
    pairs += [("pash", str(config.PASH)), ("sk", SKOLEM), ("sh", SH), ("id", ID)]
    return sorted(pairs, key=lambda pn: -len(pn[1]))


_PREFIXES: list | None = None


def short(iri: str) -> str:
    global _PREFIXES
    if _PREFIXES is None:
        _PREFIXES = _prefixes()
    for p, ns in _PREFIXES:
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_./-]*", iri[len(ns):]):
            return f"{p}:{iri[len(ns):]}"
    return f"<{iri}>"


def term_key(t) -> str:
    """A focus node or source shape as a string that is the same in every engine."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(t, URIRef):
        return short(str(t))
    if isinstance(t, BNode) or t is None:
        return "[]"
    if isinstance(t, Literal):
        return t.n3()
    return str(t)


def path_key(g, node) -> str:
    """A SHACL path of graph `g` in SPARQL property-path syntax with prefixed names."""
    from rdflib import BNode, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import RDF as R, SH as S

    if node is None:
        return "-"
    if isinstance(node, URIRef):
        return short(str(node))
    if (node, R.first, None) in g:
        return "/".join(path_key(g, x) for x in Collection(g, node))
    for pred, fmt in (
        (S.inversePath, "^{}"),
        (S.zeroOrMorePath, "({})*"),
        (S.oneOrMorePath, "({})+"),
        (S.zeroOrOnePath, "({})?"),
    ):
        inner = g.value(node, pred)
        if inner is not None:
            return fmt.format(path_key(g, inner))
    alt = g.value(node, S.alternativePath)
    if alt is not None:
        return "(" + "|".join(path_key(g, x) for x in Collection(g, alt)) + ")"
    return "?" if isinstance(node, BNode) else str(node)


def report_keys(report) -> set[tuple[str, str, str, str]]:
    """(focus, path, component, source shape) of each sh:ValidationResult of an RDF report."""
    from rdflib.namespace import RDF as R, SH as S

    keys = set()
    for r in report.subjects(R.type, S.ValidationResult):
        keys.add(
            (
                term_key(report.value(r, S.focusNode)),
                path_key(report, report.value(r, S.resultPath)),
                term_key(report.value(r, S.sourceConstraintComponent)),
                term_key(report.value(r, S.sourceShape)),
            )
        )
    return keys


def parse_report(text: str, fmt: str):
    from rdflib import Graph

    return Graph().parse(data=text, format=fmt)


# --- engines: each takes an N-Triples data file and shapes file, returns keys -------


def run_pyshacl(data: Path, shapes: Path) -> set:
    """As packtan.validate.shacl runs it, on graphs parsed as packtan.load parses them."""
    from packtan.load import parse_turtle
    from packtan.validate.shacl import run_shacl

    d, s = parse_turtle(data), parse_turtle(shapes)
    keys = set()
    for f in run_shacl(d, s):
        if f.path is None:  # a path that is not a sequence: take the source shape's
            path = path_key(s, s.value(f.shape, s.namespace_manager.expand_curie("sh:path")))
        elif isinstance(f.path, tuple):
            path = "/".join(short(str(x)) for x in f.path)
        else:
            path = short(str(f.path))
        keys.add((term_key(f.focus), path, term_key(f.component), term_key(f.shape)))
    return keys


def run_pyrudof(data: Path, shapes: Path) -> set:
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(str(data), format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(str(shapes), format=pyrudof.ShaclFormat.NTriples)
    rudof.validate_shacl()
    text = rudof.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.NTriples)
    return report_keys(parse_report(text, "nt"))


def run_shacl_rust(data: Path, shapes: Path) -> set:
    import shacl_rust

    report = shacl_rust.validate_file(str(data), str(shapes))
    return _dict_keys(report)


def _nt_term(text: str | None) -> str:
    if text is None:
        return "[]"
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return short(text[1:-1])
    if text.startswith("_:"):
        return "[]"
    if re.fullmatch(r"[a-z][a-z0-9+.-]*:\S+", text) and not text.startswith("_"):
        return short(text)
    return text


def _sparql_path(text: str | None) -> str:
    if not text:
        return "-"
    return re.sub(r"<([^>]*)>", lambda m: short(m.group(1)), text).replace(" ", "")


def _dict_keys(report: dict) -> set:
    """shacl-rust's report: a dict of results whose terms are in N-Triples syntax."""
    return {
        (
            _nt_term(r.get("focusNode")),
            _sparql_path(r.get("resultPath")),
            _nt_term(r.get("sourceConstraintComponent")),
            _nt_term(r.get("sourceShape")),
        )
        for r in report["results"]
    }


def run_shacl(data: Path, shapes: Path) -> set:
    import shacl

    report = shacl.Shapes.from_file(str(shapes)).validate_file(str(data), allow_warnings=True)
    return report_keys(parse_report(report.serialize("ntriples"), "nt"))


def run_pyshacl_turbo(data: Path, shapes: Path) -> set:
    import pyshacl_turbo

    _conforms, report, _text = pyshacl_turbo.validate(
        str(data), shacl_graph=str(shapes), data_graph_format="nt", shacl_graph_format="nt", inference="none", allow_warnings=True
    )
    return report_keys(report)


def run_pyshacl_turbo_ox(data: Path, shapes: Path) -> set:
    """pyshacl-turbo on pyoxigraph stores (it reads them without going through rdflib)."""
    import pyoxigraph as ox
    import pyshacl_turbo

    d, s = ox.Store(), ox.Store()
    d.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    s.bulk_load(path=str(shapes), format=ox.RdfFormat.N_TRIPLES)
    _conforms, report, _text = pyshacl_turbo.validate(d, shacl_graph=s, inference="none", allow_warnings=True)
    return report_keys(report)


def run_pyshifty(data: Path, shapes: Path) -> set:
    import shifty

    _conforms, report, _text = shifty.validate(data, shacl_graph=shapes, infer=False)
    return report_keys(report)


RUNNERS = {
    "pyshacl": run_pyshacl,
    "pyrudof": run_pyrudof,
    "shacl-rust": run_shacl_rust,
    "shacl": run_shacl,
    "pyshacl-turbo": run_pyshacl_turbo,
    "pyshifty": run_pyshifty,
    "pyshacl-turbo-ox": run_pyshacl_turbo_ox,
}


def installed(engine: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(MODULES[engine]) is not None


def version(engine: str) -> str:
    from importlib.metadata import PackageNotFoundError, version as v

    try:
        return v(engine.removesuffix("-ox"))
    except PackageNotFoundError:
        return "-"


# --- inputs -----------------------------------------------------------------------


def skolem_shapes():
    """The shapes graph with each property shape (object of sh:property) named by an IRI."""
    from rdflib import BNode, URIRef

    from packtan.load import load_vocabulary
    from rdflib.namespace import SH as S

    shapes = load_vocabulary().shapes
    names: dict = {}
    for owner in sorted(set(shapes.subjects(S.property, None)), key=str):
        props = [p for p in shapes.objects(owner, S.property) if isinstance(p, BNode)]
        # stable names: by owner and by a digest of the shape's own triples
        def digest(p):
            body = sorted(f"{pp.n3()} {o.n3() if not isinstance(o, BNode) else '[]'}" for _s, pp, o in shapes.triples((p, None, None)))
            return hashlib.sha1("\n".join(body).encode()).hexdigest()[:8]

        local = short(str(owner)).split(":", 1)[-1] if isinstance(owner, URIRef) else "anon"
        for p in props:
            names[p] = URIRef(f"{SKOLEM}{local}-{digest(p)}")
    out = type(shapes)()
    for s, p, o in shapes:
        out.add((names.get(s, s), p, names.get(o, o)))
    return out


def write_nt(graph, path: Path) -> None:
    """The graph as N-Triples (rdflib's writer escapes line breaks); blank nodes keep their labels."""
    graph.serialize(destination=str(path), format="nt", encoding="utf-8")


def fixtures() -> list[Path]:
    return sorted((ROOT / "tests" / "shapes").glob("*/*.ttl")) + sorted((ROOT / "tests" / "checks").glob("*/*.ttl"))


def prepare(work: Path) -> tuple[Path, list[tuple[str, Path]]]:
    """shapes.nt and one data file per fixture and for the project, in `work`."""
    from packtan.load import load_project, load_vocabulary

    shapes = work / "shapes.nt"
    write_nt(skolem_shapes(), shapes)
    vocab = load_vocabulary()
    cases = []
    for f in fixtures():
        name = f"{f.parent.name}/{f.name}"
        out = work / (name.replace("/", "__") + ".nt")
        write_nt(load_project([f], vocabulary=vocab).union, out)
        cases.append((name, out))
    out = work / "project.nt"
    write_nt(load_project(vocabulary=vocab).union, out)
    cases.append(("project", out))
    return shapes, cases


# --- compare ----------------------------------------------------------------------


def compare(args) -> int:
    engines = [e for e in args.engines.split(",") if e]
    missing = [e for e in engines if not installed(e)]
    engines = [e for e in engines if e not in missing]
    work = Path(tempfile.mkdtemp(prefix="engines-"))
    shapes, cases = prepare(work)
    if args.only:
        cases = [c for c in cases if args.only in c[0]]
    results: dict = {}
    for i, (name, data) in enumerate(cases, start=1):
        print(f"[{i}/{len(cases)}] {name}", file=sys.stderr, flush=True)
        for e in engines:
            try:
                results[(e, name)] = ("ok", RUNNERS[e](data, shapes))
            except BaseException as exc:  # an engine's panic (pyo3 PanicException is a BaseException)
                if isinstance(exc, KeyboardInterrupt):
                    raise
                results[(e, name)] = ("error", f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
    details = {}
    print(f"{'engine':<14} {'version':<8} {'agree':>5} {'differ':>6} {'error':>5}  (of {len(cases)} cases: {len(cases) - 1} fixtures and the project)")
    for e in engines:
        agree, differ, errors = 0, [], []
        for name, _data in cases:
            status, value = results[(e, name)]
            ref_status, ref = results[("pyshacl", name)]
            if status == "error":
                errors.append((name, value))
            elif value == ref:
                agree += 1
            else:
                differ.append((name, sorted(ref - value), sorted(value - ref)))
        details[e] = {"differ": differ, "errors": errors}
        print(f"{e:<14} {version(e):<8} {agree:>5} {len(differ):>6} {len(errors):>5}")
    for e in missing:
        print(f"{e:<14} not installed")
    ref_findings = sum(len(results[("pyshacl", n)][1]) for n, _ in cases if results[("pyshacl", n)][0] == "ok")
    print(f"\npySHACL results over all cases: {ref_findings}")
    for e in engines[1:] if engines[0] == "pyshacl" else engines:
        d = details[e]
        if not d["differ"] and not d["errors"]:
            continue
        print(f"\n== {e}: {len(d['differ'])} cases differ, {len(d['errors'])} errors")
        for name, only_ref, only_engine in d["differ"]:
            print(f"  {name}: {len(only_ref)} missing, {len(only_engine)} extra")
            for k in only_ref[: args.show]:
                print("    - " + "  ".join(k))
            for k in only_engine[: args.show]:
                print("    + " + "  ".join(k))
        for name, why in d["errors"]:
            print(f"  {name}: {why}")
    if "pyshacl" in engines and not args.only:
        same, total = reference_matches_approved(results, cases)
        print(f"\npySHACL on the skolemised shapes reproduces the approved report (tests/*/…expected.tsv, without check: rows) of {same} of {total} fixtures")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {f"{e}|{n}": (s, sorted(v) if s == "ok" else v) for (e, n), (s, v) in results.items()}, indent=1, ensure_ascii=False
            ),
            encoding="utf-8",
        )
    return 0


def _expand(name: str) -> str:
    global _PREFIXES
    if _PREFIXES is None:
        _PREFIXES = _prefixes()
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    for p, ns in _PREFIXES:
        if name.startswith(p + ":"):
            return ns + name[len(p) + 1:]
    return name


def reference_matches_approved(results: dict, cases) -> tuple[int, int]:
    """How many fixtures' pySHACL keys equal their approved rows (focus, node shape, component, path).

    A path other than a property or a sequence is written "-" in the approved
    reports; the skolemised property shape `sk:<NodeShape>-<digest>` stands
    for its node shape pash:<NodeShape>."""
    same = total = 0
    for name, _data in cases:
        if name == "project":
            continue
        status, keys = results[("pyshacl", name)]
        fixture = ROOT / "tests" / ("shapes" if (ROOT / "tests" / "shapes" / name).exists() else "checks") / name
        approved = fixture.with_name(fixture.name[: -len(".ttl")] + ".expected.tsv")
        want = set()
        if approved.is_file():
            for line in approved.read_text(encoding="utf-8").splitlines():
                cols = line.split("\t")
                if len(cols) == 4 and not cols[1].startswith("check:"):
                    want.add((_expand(cols[0]), _expand(cols[1]), _expand(cols[2]), cols[3]))
        got = set()
        for focus, path, comp, shape in keys if status == "ok" else ():
            if shape.startswith("sk:"):
                shape = "pash:" + shape[3:].rsplit("-", 1)[0]
            if re.search(r"[|^()*+?]", path):
                path = "-"
            got.add((_expand(focus), _expand(shape), _expand(comp), path))
        total += 1
        same += got == want
    return same, total


# --- corpora and timing -----------------------------------------------------------

SIZES = {"10k": 0, "100k": 10, "1m": 61}  # copies of the document: 17k, 164k, 1.0M triples


def make_corpus(project_nt: Path, copies: int, out: Path, shared: set[str]) -> int:
    """`copies` copies of the project's resources (IRIs under id/ suffixed -c<k>), the rest once."""
    iri = re.compile(r"<(" + re.escape(ID) + r"[^>]*)>")
    once, per_copy = [], []
    for line in project_nt.read_text(encoding="utf-8").splitlines():
        if any(m.group(1) not in shared for m in iri.finditer(line)) or "_:" in line:
            per_copy.append(line)
        else:
            once.append(line)
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for line in once:
            fh.write(line + "\n")
            n += 1
        for k in range(1, copies + 1):
            def sub(m, k=k):
                return f"<{m.group(1)}-c{k}>" if m.group(1) not in shared else m.group(0)

            for line in per_copy:
                line = iri.sub(sub, line)
                line = re.sub(r"_:(\S+)", rf"_:\1c{k}", line)
                fh.write(line + "\n")
                n += 1
    return n


def corpus_shapes(shapes_nt: Path, out: Path) -> set[str]:
    """The shapes with IRI patterns that accept a copy's suffix; returns the id/ IRIs they name."""
    text = shapes_nt.read_text(encoding="utf-8")
    pattern = re.compile(r'(<http://www\.w3\.org/ns/shacl#pattern> "\^https://w3id\\\\\.org/packt-an/[^"]*)\$"')
    text = pattern.sub(lambda m: m.group(1) + '(-c[0-9]+)?$"', text)
    out.write_text(text, encoding="utf-8")
    return set(re.findall(r"<(" + re.escape(ID) + r"[^>]*)>", text))


def _time_one(engine: str, data: Path, shapes: Path) -> tuple[float, int, str]:
    cmd = ["/usr/bin/time", "-v", sys.executable, str(Path(__file__).resolve()), "run", engine, str(data), str(shapes)]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", res.stderr)
    out = res.stdout.strip().splitlines()
    status = out[-1] if res.returncode == 0 and out else "failed: " + (res.stderr.strip().splitlines() or ["?"])[0][:200]
    return wall, int(rss.group(1)) * 1024 if rss else 0, status


def timing(args) -> int:
    engines = [e for e in args.engines.split(",") if e and installed(e)]
    if "pyshacl" not in engines:
        engines.insert(0, "pyshacl")
    work = Path(args.work or tempfile.mkdtemp(prefix="engines-time-"))
    work.mkdir(parents=True, exist_ok=True)
    from packtan.load import load_project

    base_shapes = work / "shapes.nt"
    write_nt(skolem_shapes(), base_shapes)
    project_nt = work / "project.nt"
    write_nt(load_project().union, project_nt)
    rows = []
    print(f"{'size':<6} {'triples':>8} {'engine':<14} {'median s':>9} {'ratio':>6} {'peak RSS MB':>11}  results")
    for size in args.sizes.split(","):
        copies = SIZES[size]
        if copies == 0:
            data, shapes, n = project_nt, base_shapes, sum(1 for _ in project_nt.open())
        else:
            shapes = work / "shapes-corpus.nt"
            shared = corpus_shapes(base_shapes, shapes)
            data = work / f"corpus-{size}.nt"
            n = make_corpus(project_nt, copies, data, shared)
        ref = None
        for e in engines:
            if size in args.skip.get(e, ()):
                continue
            runs = [_time_one(e, data, shapes) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[1] for r in runs)
            status = runs[0][2]
            if e == "pyshacl":
                ref = wall
            ratio = wall / ref if ref else float("nan")
            rows.append({"size": size, "triples": n, "engine": e, "median_s": round(wall, 2), "ratio": round(ratio, 2), "rss_mb": round(rss / 2**20), "runs": [round(r[0], 2) for r in runs], "status": status})
            print(f"{size:<6} {n:>8} {e:<14} {wall:>9.2f} {ratio:>6.2f} {rss / 2**20:>11.0f}  {status}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


def run(args) -> int:
    """One validation in this process (what `time` measures); prints the number of results."""
    keys = RUNNERS[args.engine](Path(args.data), Path(args.shapes))
    print(f"{len(keys)} results")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("compare", help="differential comparison on every fixture and the project")
    c.add_argument("--engines", default=",".join(ENGINES))
    c.add_argument("--only", help="only the cases whose name contains this")
    c.add_argument("--show", type=int, default=6, help="differing keys shown per case and side")
    c.add_argument("--json", help="write every engine's keys per case to this file")
    t = sub.add_parser("time", help="whole-process timing, median of --runs")
    t.add_argument("--engines", default=",".join(ENGINES))
    t.add_argument("--sizes", default="10k,100k")
    t.add_argument("--runs", type=int, default=3)
    t.add_argument("--skip", type=lambda s: {k: set(v.split("+")) for k, v in (x.split("=") for x in s.split(",") if x)}, default={}, help="engine=size+size,… to leave out")
    t.add_argument("--work", help="folder for the generated files (default: a new temporary one)")
    t.add_argument("--json")
    r = sub.add_parser("run", help="one validation (used by `time`)")
    r.add_argument("engine", choices=ENGINES + EXTRA)
    r.add_argument("data")
    r.add_argument("shapes")
    args = ap.parse_args(argv)
    return {"compare": compare, "time": timing, "run": run}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
