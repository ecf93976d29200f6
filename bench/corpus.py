#!/usr/bin/env python3
"""Corpus benchmark: validate, build, one changed document, Jena SHACL and the endpoint.

    .venv/bin/python bench/corpus.py [--sizes 100k,1M,3M] [--repeat 3] [--jobs N]
                                     [--endpoint-size 1M] [--seconds 3] [--no-jena]
                                     [--no-endpoint] [--keep DIR]
                                     [--parts build,validate,jena,changed,watch,endpoint]

For each size (roughly that many triples; a document, Drucksache 17/7349 or a
copy, is about 15k triples with its derived selectors, so documents =
triples / 15k and copies = documents - 1) it makes a synthetic corpus
with `packtan.synthetic.make_corpus` in a temporary folder and measures, as
medians over --repeat whole-process runs, wall time and peak memory of

- `build.py validate --corpus DIR --no-cache` (from scratch);
- `build.py build --corpus DIR --out OUT` from scratch (empty cache, no OUT);
- one changed document: one literal in one copy's file edited, then
  `build.py build --corpus DIR --out OUT` and `build.py validate --corpus DIR`
  with the cache of the previous run (a fresh edit before each run);
- one changed document in a running `build.py validate --corpus DIR
  --watch` (the corpus kept in memory, `packtan.validate.live`), and in a
  running `build.py build --corpus DIR --out OUT --watch`: after each of
  --watch-edits edits (one literal, as above) of each of two files of one
  copy, the seconds the process reports for following the change (and for
  writing OUT), and the wall time from the edit to its report line (which
  adds up to one --interval of 0.1 s of waiting), with the process's peak
  memory;
- Apache Jena's SHACL engine (`shacl validate`) on the same data and shapes:
  the build's merged N-Triples dump (`OUT/packt-an.nt`: vocabulary, facts and
  derived selectors, what `validate` checks) and `OUT/shapes.de.ttl` (the
  shapes with one sh:message per constraint, which Jena 4.5-6 requires).
  Its runs alternate with ours so that both see the same machine; the ratio
  ours / Jena is taken in the same run. Ours does more: the lexical checks
  and the SPARQL integrity checks besides SHACL.

Peak memory is reported twice: `max_rss_mb`, the largest single process of
the run (what `/usr/bin/time -f %M` shows, from wait4), and `tree_rss_mb`,
the largest sum of the resident sizes of the process and all its children
(sampled every 200 ms), which counts parallel workers together.

Over the corpus of --endpoint-size (default 1M; the nearest size measured)
it starts `build.py serve --dist OUT` (Oxigraph behind the guarding front, on
127.0.0.1) and measures p50/p95 of each question query (queries/q*.rq)
scoped to one document (its `PREFIX d:` line set to a copy in the middle of
the corpus) with 1 and 8 concurrent clients for --seconds each, with the
client of bench_endpoint.py.

Jena is not installed by this script. It is found as
- `$JENA_HOME/bin/shacl` or `shacl` on PATH (the Apache Jena distribution), or
- Debian's package: `apt-get install libapache-jena-java` (Jena 4.5.0, jars in
  /usr/share/java; run as `java -cp ... shacl.shacl`). Debian's jena-core
  lacks the message bundles of its relocated Xerces (`xerces.impl.msg`,
  `xerces.impl.xpath.regex.message`), without which Jena fails at start with
  "internal error" in XSSimpleTypeDecl; the script puts a copy of the
  bundles jena-core carries under its other package name on the classpath
  (a jar in the temporary folder).
Without `java` or Jena, the Jena columns are skipped and say why.

Writes bench/results/corpus.json (and prints it). Figures are from a shared
machine: compare ratios taken in the same run, not absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

# One document with its derived selectors: 984,251 triples for 65 documents
# (the original and 64 copies) is 15,142 each; what validate counts and Jena gets.
TRIPLES_PER_DOCUMENT = 15_000
PARTS = ("build", "validate", "jena", "changed", "watch", "endpoint")
DEBIAN_JARS = Path("/usr/share/java")
# Jena 4.5.0 and what Debian's libapache-jena-java depends on; slf4j-nop
# silences logging (Debian's jar folder also holds conflicting bindings).
DEBIAN_CLASSPATH = (
    "jena-arq jena-base jena-cmds jena-core jena-dboe-base jena-dboe-index jena-dboe-storage "
    "jena-dboe-trans-data jena-dboe-transaction jena-iri jena-rdfconnection jena-shacl jena-shex "
    "jena-tdb jena-tdb2 commons-cli commons-codec commons-compress commons-csv commons-io "
    "commons-lang3 dexx.collection gson guava httpclient httpcore jackson-core jackson-databind "
    "jakarta.json-api jsonld-java protobuf thrift titanium-json-ld slf4j-api slf4j-nop"
).split()


# --- arguments -------------------------------------------------------------


def parse_size(text: str) -> int:
    """'100k' -> 100000, '1M' -> 1000000, '2500' -> 2500."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmM]?)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r}: not a size like 100k or 1M")
    value = float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be at least 1")
    return int(value)


def parse_sizes(text: str) -> list[int]:
    return [parse_size(t) for t in text.split(",") if t.strip()]


def label(size: int) -> str:
    if size >= 1_000_000 and size % 100_000 == 0:
        return f"{size / 1_000_000:g}M"
    if size >= 1_000 and size % 100 == 0:
        return f"{size / 1_000:g}k"
    return str(size)


def copies_for(size: int) -> int:
    """The copies beside the original for a corpus of about `size` triples."""
    return max(1, round(size / TRIPLES_PER_DOCUMENT) - 1)


# --- running one process -----------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_kb(pid: int) -> int:
    kids = _children_map()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _rss_kb(p)
        todo.extend(kids.get(p, ()))
    return total


class Run:
    def __init__(self, cmd, rc, wall, max_rss_kb, tree_kb, stdout, stderr):
        self.cmd, self.rc, self.wall = cmd, rc, wall
        self.max_rss_mb = round(max_rss_kb / 1024, 1)
        self.tree_rss_mb = round(max(tree_kb, max_rss_kb) / 1024, 1)
        self.stdout, self.stderr = stdout, stderr

    def brief(self) -> dict:
        return {"rc": self.rc, "wall_s": round(self.wall, 3), "max_rss_mb": self.max_rss_mb, "tree_rss_mb": self.tree_rss_mb}


def measure(cmd: list[str], cwd: Path = ROOT) -> Run:
    """Run cmd to its end; wall time, peak RSS (largest process, and the whole tree)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                peak[0] = max(peak[0], tree_rss_kb(proc.pid))

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        done.set()
        th.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(cmd, proc.returncode, wall, usage.ru_maxrss, peak[0],
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def summary(runs: list[Run]) -> dict:
    """Medians over the runs that ran to their end: exit 0 (conforms) or 1 (findings reported)."""
    ok = [r for r in runs if r.rc in (0, 1)]
    out = {
        "runs": len(runs),
        "failed": len(runs) - len(ok),
        "rc": sorted({r.rc for r in runs}),
    }
    if any(r.rc == 1 for r in runs):
        out["note"] = "exit 1: the corpus does not conform (findings reported)"
    if ok:
        out["median_s"] = round(statistics.median(r.wall for r in ok), 3)
        out["max_rss_mb"] = max(r.max_rss_mb for r in ok)
        out["tree_rss_mb"] = max(r.tree_rss_mb for r in ok)
        out["walls_s"] = [round(r.wall, 3) for r in ok]
    bad = [r for r in runs if r.rc not in (0, 1)]
    if bad:
        out["stderr_tail"] = bad[-1].stderr.strip().splitlines()[-5:]
    return out


# --- our commands ------------------------------------------------------------


def py_cmd(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), *args]


# Until `validate --corpus` exists on the branch: the same validation through
# its function, in a fresh process (exit 1 when there are findings).
API_VALIDATE = """
import sys
sys.path.insert(0, sys.argv[1] + "/src")
from pathlib import Path
from packtan.corpus import discover
from packtan.validate.corpus import validate_corpus
cache = None if sys.argv[3] == "-" else Path(sys.argv[3])
jobs = int(sys.argv[4]) or None
r = validate_corpus(discover(Path(sys.argv[2])), jobs=jobs, cache_dir=cache)
print(len(r.findings), "findings", r.triples, "triples", len(r.validated), "units validated")
sys.exit(1 if r.findings else 0)
"""


def validate_cmd(v_help: str, corpus: Path, cache: Path | None, jobs: int) -> list[str]:
    """`validate --corpus` with the options this branch's command line has (see validate_how)."""
    if "--corpus" in v_help:
        opts = ["--jobs", str(jobs)] if jobs and "--jobs" in v_help else []
        if cache is None and "--no-cache" in v_help:
            opts.append("--no-cache")
        elif cache is not None and "--cache" in v_help:
            opts += ["--cache", str(cache)]
        return py_cmd("validate", "--corpus", str(corpus), *opts)
    return [sys.executable, "-c", API_VALIDATE, str(ROOT), str(corpus), str(cache) if cache else "-", str(jobs)]


def validate_how(v_help: str) -> str:
    if "--corpus" not in v_help:
        return "no `validate --corpus` yet: packtan.validate.corpus.validate_corpus in a fresh process"
    if "--no-cache" not in v_help:
        return "`validate --corpus` without a cache (the whole corpus in one process, every run from scratch)"
    return "`validate --corpus` (--no-cache from scratch)"


def cli_help(command: str) -> str:
    res = subprocess.run(py_cmd(command, "--help"), cwd=ROOT, capture_output=True, text=True)
    return res.stdout


def edit_one_literal(path: Path, stamp: str) -> bool:
    """Change one label of a copied resource in `path` (still unique, still conforming)."""
    text = path.read_text(encoding="utf-8")
    m = re.search(r'\(Kopie (90/[0-9]{4})[^)"]*\)"@de', text)
    if not m:
        return False
    new = f'(Kopie {m.group(1)}, {stamp})"@de'
    path.write_text(text[: m.start()] + new + text[m.end():], encoding="utf-8")
    return True


def file_to_edit(corpus: Path, last: bool = False) -> Path | None:
    """The first (or `last`) file of the middle copy that has a copied label to edit."""
    docs = sorted(d for d in (corpus / "data").iterdir() if d.is_dir() and d.name.startswith("90-"))
    if not docs:
        return None
    doc = docs[len(docs) // 2]
    for f in sorted(doc.glob("*.ttl"), reverse=last):
        if re.search(r'\(Kopie 90/[0-9]{4}[^)"]*\)"@de', f.read_text(encoding="utf-8")):
            return f
    return None


# --- Jena --------------------------------------------------------------------


def _debian_shim(tmp: Path) -> Path:
    """A jar with the message bundles of Jena's relocated Xerces under `xerces.`."""
    shim = tmp / "jena-xerces-messages.jar"
    if shim.exists():
        return shim
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(DEBIAN_JARS / "jena-core.jar") as src, zipfile.ZipFile(shim, "w") as dst:
        for name in src.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                dst.writestr("xerces/" + name[len(prefix):], src.read(name))
    return shim


def _debian_jar(stem: str) -> Path | None:
    exact = DEBIAN_JARS / f"{stem}.jar"
    if exact.exists():
        return exact
    versioned = sorted(DEBIAN_JARS.glob(f"{stem}-[0-9]*.jar"))
    return versioned[-1] if versioned else None


def jena_command(tmp: Path) -> tuple[list[str] | None, str]:
    """The command prefix for `shacl validate`, and where it comes from (or why it is missing)."""
    home = os.environ.get("JENA_HOME")
    candidates = [Path(home) / "bin" / "shacl"] if home else []
    on_path = shutil.which("shacl")
    if on_path:
        candidates.append(Path(on_path))
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return [str(c)], f"{c}"
    java = shutil.which("java")
    if not java:
        return None, "java not found"
    if (DEBIAN_JARS / "jena-shacl.jar").exists() and (DEBIAN_JARS / "jena-cmds.jar").exists():
        jars = [_debian_jar(s) for s in DEBIAN_CLASSPATH]
        missing = [s for s, j in zip(DEBIAN_CLASSPATH, jars) if j is None]
        if missing:
            return None, f"Debian's Jena is incomplete: no {', '.join(missing)} in {DEBIAN_JARS}"
        cp = ":".join(str(j) for j in jars) + ":" + str(_debian_shim(tmp))
        return [java, "-cp", cp, "shacl.shacl"], "Debian libapache-jena-java (/usr/share/java)"
    return None, "Apache Jena not found (apt-get install libapache-jena-java, or JENA_HOME)"


JENA_INPUTS = """
import json, sys
sys.path.insert(0, sys.argv[1] + "/src")
from pathlib import Path
import pyoxigraph as ox
from packtan import config, selectors
from packtan.corpus import discover
from packtan.jena_shapes import one_language
from packtan.load import read_turtle, turtle_files
from packtan.validate.corpus import stable_shapes
corpus, out = discover(Path(sys.argv[2])), Path(sys.argv[4])
cache = None if sys.argv[3] == "-" else Path(sys.argv[3])
store = ox.Store()
for path in turtle_files(config.ONTOLOGY_DIR) + corpus.files:
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
THIS = "17-7349"

def derive(d):
    triples = [t for f in d.files for t in read_turtle(f)]
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} .\\n" for s, p, o in selectors.selector_triples(triples, d.number, d.source))

LABEL = "<http://www.w3.org/2000/01/rdf-schema#label> "

def as_copy(text, number):
    # IRIs and file names get the copy's number; labels its printed number and,
    # for selectors (labelled after their passages), the copy's suffix; quoted
    # text (oa:exact, oa:prefix, oa:suffix) stays as the source text has it.
    printed, out = number.replace("-", "/"), []
    for line in text.splitlines():
        if LABEL in line:
            line = line.replace("17/7349", printed)
            if "/selector/" in line.split(" ", 1)[0]:
                body, lang = line[: -len(" .")].rsplit("@", 1)
                line = body[:-1] + (" (Kopie " if lang == "de" else " (copy ") + printed + ")\\"@" + lang + " ."
        out.append(line.replace(THIS, number) + "\\n")
    return "".join(out)

template = None
for d in corpus.documents:  # the selectors the validation derived (its cache), else derived here
    hit = cache / (d.number + ".json") if cache else None
    if hit is not None and hit.is_file():
        derived = json.loads(hit.read_text(encoding="utf-8"))["value"]["derived"]
    elif d.number.startswith("90-"):  # a synthetic copy: this document's selectors under the copy's number
        if template is None:
            template = derive(corpus.document(THIS))
        derived = as_copy(template, d.number)
    else:
        derived = derive(d)
    store.bulk_load(derived.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
store.dump(str(out / "packt-an.nt"), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
one_language(stable_shapes(), "de").serialize(out / "shapes.de.ttl", format="turtle")
"""


SHAPES_DE = """
import sys
sys.path.insert(0, sys.argv[1] + "/src")
from packtan.jena_shapes import one_language
from packtan.validate.corpus import stable_shapes
one_language(stable_shapes(), "de").serialize(sys.argv[2], format="turtle")
"""


def jena_inputs(corpus: Path, cache: Path | None, folder: Path) -> tuple[Path, Path]:
    """Without `build --corpus`: the corpus as one N-Triples file (ontology, data
    files and the passages' derived selectors, i.e. what the validation checks)
    and the one-language shapes. The selectors come from a cached validation
    run when there is one; a synthetic copy's are this document's under the
    copy's number (same source text; identical to what the validation derives,
    checked on the 100k corpus)."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", JENA_INPUTS, str(ROOT), str(corpus), str(cache) if cache else "-", str(folder)], check=True)
    return folder / "packt-an.nt", folder / "shapes.de.ttl"


def jena_version(prefix: list[str]) -> str:
    res = subprocess.run([*prefix, "--version"], capture_output=True, text=True)
    m = re.search(r"VERSION:\s*(\S+)", res.stdout + res.stderr)
    return m.group(1) if m else "?"


def jena_conforms(report: str) -> tuple[bool | None, int]:
    m = re.search(r"sh:conforms\s+(true|false)", report)
    return (None if not m else m.group(1) == "true"), report.count("sh:ValidationResult")


# --- the endpoint ------------------------------------------------------------


def scoped(text: str, number: str) -> str:
    return re.sub(r"(PREFIX\s+d:\s*<https://w3id\.org/packt-an/id/doc/)[0-9]{1,2}-[0-9]{1,5}/>",
                  lambda m: f"{m.group(1)}{number}/>", text)


def _answers(port: int) -> bool:
    import http.client
    import urllib.parse

    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("POST", "/query", urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}),
                     {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def endpoint(dist: Path, number: str, clients: list[int], seconds: float) -> dict:
    from bench_endpoint import load
    from packtan.serve import free_port

    queries = sorted((ROOT / "queries").glob("q*.rq"))
    port = free_port()
    log = tempfile.TemporaryFile()
    t = time.perf_counter()
    proc = subprocess.Popen(py_cmd("serve", "--dist", str(dist), "--port", str(port)), cwd=ROOT,
                            stdout=log, stderr=log, start_new_session=True)
    out: dict = {"document": number, "seconds_per_run": seconds, "queries": {}}
    try:
        deadline = time.monotonic() + 900
        while not _answers(port):  # the front binds before the store is loaded
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                return {"error": "serve did not start", "log": log.read().decode()[-500:]}
            time.sleep(0.5)
        out["startup_s"] = round(time.perf_counter() - t, 2)
        out["serve_rss_mb"] = round(tree_rss_kb(proc.pid) / 1024, 1)
        for q in queries:
            text = scoped(q.read_text(encoding="utf-8"), number)
            per = {}
            for n in clients:
                r = load(port, [(q.name, text)], n, seconds)
                per[str(n)] = {k: r[k] for k in ("requests", "errors", "qps", "p50_ms", "p95_ms") if k in r}
                if r.get("first_errors"):
                    per[str(n)]["first_errors"] = r["first_errors"]
            out["queries"][q.name] = per
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    return out


# --- one size ----------------------------------------------------------------


def count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def bench_size(size: int, args, tmp: Path, jena: list[str] | None, log) -> dict:
    from packtan.synthetic import make_corpus

    copies = copies_for(size)
    parts = set(args.parts)
    work = tmp / label(size)
    work.mkdir()
    t = time.perf_counter()
    corpus = make_corpus(work / "corpus", copies)
    res: dict = {"size": label(size), "copies": copies, "make_corpus_s": round(time.perf_counter() - t, 2)}
    log(f"[{label(size)}] corpus of {copies} copies in {res['make_corpus_s']} s: {corpus}")
    v_help, b_help = cli_help("validate"), cli_help("build")
    res["validate_how"] = validate_how(v_help)
    build_cache = "--cache" in b_help
    build_jobs = ["--jobs", str(args.jobs)] if args.jobs and "--jobs" in b_help else []

    # build from scratch (also gives the dumps Jena and the endpoint need)
    builds = []
    has_build_corpus = "--corpus" in b_help
    res["build_has_corpus"] = has_build_corpus
    for i in range(args.repeat if has_build_corpus and "build" in parts else 0):
        out = work / f"out-{i}"
        cache = ["--cache", str(work / f"cache-{i}")] if build_cache else []
        if not build_cache:  # from scratch: no cache left by the run before (its default place)
            shutil.rmtree(corpus / ".packt-an-cache", ignore_errors=True)
        r = measure(py_cmd("build", "--corpus", str(corpus), "--out", str(out), *cache, *build_jobs))
        log(f"[{label(size)}] build scratch {i + 1}: {r.brief()}")
        builds.append(r)
        if i:
            shutil.rmtree(work / f"cache-{i}", ignore_errors=True)
    if builds:
        res["build_scratch"] = summary(builds)
    elif "build" in parts:
        res["build_scratch"] = {"skipped": "no `build --corpus` on this branch"}
    dist = out_dir = work / "out-0"  # dist may become the endpoint's folder; the rebuilds go to out_dir
    for i in range(1, args.repeat):
        shutil.rmtree(work / f"out-{i}", ignore_errors=True)
    nt = dist / "packt-an.nt"
    if not nt.exists() and (dist / "corpus.nt").exists():  # `build --corpus` names its dumps corpus.*
        nt = dist / "corpus.nt"
        serve_dir = work / "serve"
        serve_dir.mkdir()
        (serve_dir / "packt-an.nt").symlink_to(nt)
        (serve_dir / "packt-an.trig").symlink_to(dist / "corpus.trig")
        dist = serve_dir
    if nt.exists():
        res["triples"] = count_lines(nt)
        log(f"[{label(size)}] {res['triples']} triples in packt-an.nt")

    # a first validation that writes its cache (for the one-change runs; its
    # derived selectors for Jena when there is no build)
    v_cache = work / "cache-v"
    if "changed" in parts:
        r = measure(validate_cmd(v_help, corpus, v_cache, args.jobs))
        log(f"[{label(size)}] validate, writing the cache: {r.brief()}")
        res["validate_writing_cache"] = summary([r])
    ours, theirs = [], []
    shapes = dist / "shapes.de.ttl"
    if not nt.exists() and ((jena is not None and "jena" in parts) or "endpoint" in parts):
        log(f"[{label(size)}] no build output: writing Jena's input from the files and the cache")
        nt, shapes = jena_inputs(corpus, v_cache if v_cache.is_dir() else None, work / "jena")
        (nt.parent / "packt-an.trig").write_text("")  # for serve: the union only, no named graphs
        dist = nt.parent
        res["jena_input"] = "ontology, data files and the validation's derived selectors as N-Triples (pyoxigraph; no `build --corpus` yet)"
        res["triples"] = count_lines(nt)
        log(f"[{label(size)}] {res['triples']} triples for Jena")
    if nt.exists() and not shapes.exists():  # a corpus build may not write the one-language shapes
        shapes = work / "shapes.de.ttl"
        subprocess.run([sys.executable, "-c", SHAPES_DE, str(ROOT), str(shapes)], check=True)
        res["jena_shapes"] = "packtan.jena_shapes.one_language(shapes, 'de'), written by the benchmark"
    run_jena = jena is not None and "jena" in parts and nt.exists() and shapes.exists()
    if jena is not None and not run_jena:
        res["jena_skipped"] = "no build output (packt-an.nt, shapes.de.ttl) to give Jena"
    for i in range(args.repeat):
        if "validate" in parts:
            r = measure(validate_cmd(v_help, corpus, None, args.jobs))
            log(f"[{label(size)}] validate scratch {i + 1}: {r.brief()}")
            ours.append(r)
        if run_jena:
            j = measure([*jena, "validate", "--shapes", str(shapes), "--data", str(nt)])
            conforms, results = jena_conforms(j.stdout)
            j.conforms, j.results = conforms, results
            log(f"[{label(size)}] jena {i + 1}: {j.brief()} conforms={conforms} results={results}")
            theirs.append(j)
    if ours:
        res["validate_scratch"] = summary(ours)
    if theirs:
        res["jena"] = summary(theirs)
        res["jena"]["conforms"] = sorted({str(j.conforms) for j in theirs})
        res["jena"]["validation_results"] = sorted({j.results for j in theirs})
        # ratio per repetition (same moment), then the median
        pairs = [(o.wall / j.wall) for o, j in zip(ours, theirs) if o.rc in (0, 1) and j.rc == 0]
        if pairs and ours:
            res["ratio_validate_over_jena"] = round(statistics.median(pairs), 2)
            res["ratio_of_medians"] = round(res["validate_scratch"]["median_s"] / res["jena"]["median_s"], 2)

    # one document changed: build and validate with the cache of the run before
    target = file_to_edit(corpus) if ("changed" in parts or "watch" in parts) else None
    if "changed" not in parts:
        pass
    elif target is None:
        res["one_changed"] = {"skipped": "no copied label to edit"}
    else:
        res["one_changed"] = {"file": str(target.relative_to(corpus))}
        cache = ["--cache", str(work / "cache-0")] if build_cache else []
        rebuilds, revalidations = [], []
        for i in range(args.repeat):
            edit_one_literal(target, f"bearbeitet {i + 1}")
            if has_build_corpus and "build" in parts:
                r = measure(py_cmd("build", "--corpus", str(corpus), "--out", str(out_dir), *cache, *build_jobs))
                if r.rc not in (0, 1):
                    log(f"[{label(size)}] rebuild failed: {r.stderr.strip()[-300:]}")
                log(f"[{label(size)}] rebuild after one change {i + 1}: {r.brief()}")
                rebuilds.append(r)
            edit_one_literal(target, f"bearbeitet {i + 1}b")
            r = measure(validate_cmd(v_help, corpus, v_cache, args.jobs))
            log(f"[{label(size)}] revalidate after one change {i + 1}: {r.brief()}")
            revalidations.append(r)
        if rebuilds:
            res["one_changed"]["rebuild"] = summary(rebuilds)
        if revalidations:
            res["one_changed"]["revalidate"] = summary(revalidations)

    if "watch" in parts and target is not None and "--watch" in v_help:
        targets = [target] + [t for t in [file_to_edit(corpus, last=True)] if t is not None and t != target]
        res["watch"] = watch(corpus, targets, v_cache, args.jobs, args.watch_edits, log, label(size))
        if "--watch" in b_help:
            res["watch_build"] = watch(corpus, targets, v_cache, args.jobs, args.watch_edits, log, label(size),
                                       out=work / "out-watch")
    elif "watch" in parts:
        res["watch"] = {"skipped": "no `validate --watch` on this branch" if "--watch" not in v_help else "no copied label to edit"}

    res["_dist"] = str(dist)
    return res


def watch(corpus: Path, targets: list[Path], cache: Path, jobs: int, edits: int, log, name: str, out: Path | None = None) -> dict:
    """`edits` edits of each target in a running `validate --corpus DIR --watch`
    (with `out`: `build --corpus DIR --out OUT --watch`): its own seconds and
    the wall time to each report, per file, and its peak RSS."""
    command = ["validate"] if out is None else ["build", "--out", str(out)]
    cmd = py_cmd(*command, "--corpus", str(corpus), "--watch", "--interval", "0.1", "--cache", str(cache),
                 "--updates", str(edits * len(targets)))
    if jobs:
        cmd += ["--jobs", str(jobs)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    per_file: dict = {}
    try:
        t = time.perf_counter()
        first = proc.stderr.readline()
        start = round(time.perf_counter() - t, 2)
        log(f"[{name}] watch: first report after {start} s: {first.strip()[-120:]}")
        for target in targets:
            own, walls, lines = [], [], []
            for i in range(edits):
                edit_one_literal(target, f"{'beobachtet' if out is None else 'gebaut'} {i + 1}")
                t = time.perf_counter()
                line = proc.stderr.readline()
                walls.append(time.perf_counter() - t)
                lines.append(line.strip())
                m = re.search(r"\(([0-9.]+) s\): ", line)
                w = re.search(r" files written to .* in ([0-9.]+) s$", line.strip())
                if m:
                    own.append(float(m.group(1)) + (float(w.group(1)) if w else 0.0))
                log(f"[{name}] watch edit {i + 1} of {target.name}: {walls[-1]:.2f} s to the report: {line.strip()[-140:]}")
            per_file[str(target.relative_to(corpus))] = {
                "reported_s": {"median": round(statistics.median(own), 3), "max": max(own)} if own else None,
                "edit_to_report_s": {"median": round(statistics.median(walls), 3), "max": round(max(walls), 3)} if walls else None,
                "last_line": lines[-1] if lines else None,
            }
        hwm = _peak_kb(proc.pid)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return {"first_report_s": start, "edits_per_file": edits, "files": per_file,
            "peak_rss_mb": round(hwm / 1024) if hwm else None, "rc": proc.returncode}


def _peak_kb(pid: int) -> int:
    """The process's peak resident size (VmHWM), 0 when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


# --- main --------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=parse_sizes, default=parse_sizes("100k,1M,3M"), help="triples, e.g. 100k,1M,3M")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measure (default: 3)")
    ap.add_argument("--jobs", type=int, default=0, help="passed as --jobs to validate/build (default: theirs)")
    ap.add_argument("--endpoint-size", type=parse_size, default=parse_size("1M"), help="corpus for the endpoint (default: 1M)")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--seconds", type=float, default=3.0, help="per query and client count (default: 3)")
    ap.add_argument("--parts", type=lambda t: [p for p in t.split(",") if p], default=list(PARTS),
                    help="what to measure, of " + ",".join(PARTS) + " (default: all)")
    ap.add_argument("--watch-edits", type=int, default=5, help="edits in the running `validate --watch` (default: 5)")
    ap.add_argument("--no-jena", action="store_true")
    ap.add_argument("--no-endpoint", action="store_true")
    ap.add_argument("--keep", type=Path, help="make the corpora here and keep them (default: a temporary folder)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "corpus.json")
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if not set(args.parts) <= set(PARTS):
        ap.error(f"--parts: choose from {','.join(PARTS)}")
    if "endpoint" not in args.parts:
        args.no_endpoint = True
    try:
        import packtan.synthetic  # noqa: F401
    except ImportError:
        print("bench/corpus.py: packtan.synthetic (make_corpus) is missing on this branch", file=sys.stderr)
        return 2

    def log(msg: str) -> None:
        print(time.strftime("%H:%M:%S"), msg, file=sys.stderr, flush=True)

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="packt-an-corpus-", dir=args.keep))
    else:
        tmp = Path(tempfile.mkdtemp(prefix="packt-an-corpus-"))
    out: dict = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "repeat": args.repeat,
        "sizes": {},
    }
    jena = None
    if args.no_jena:
        out["jena"] = "skipped (--no-jena)"
    else:
        jena, where = jena_command(tmp)
        out["jena"] = where if jena else f"skipped: {where}"
        if jena:
            out["jena_version"] = jena_version(jena)
    log(f"jena: {out['jena']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    try:
        for size in args.sizes:
            res = bench_size(size, args, tmp, jena, log)
            dist = Path(res.pop("_dist"))
            if not args.no_endpoint and size == min(args.sizes, key=lambda s: abs(s - args.endpoint_size)):
                if (dist / "packt-an.nt").exists() and (dist / "packt-an.trig").exists():
                    number = f"90-{max(1, res['copies'] // 2):04d}"
                    log(f"[{label(size)}] endpoint over {dist}, document {number}")
                    res["endpoint"] = endpoint(dist, number, args.clients, args.seconds)
                else:
                    res["endpoint"] = {"skipped": "no build output to serve"}
            out["sizes"][label(size)] = res
            args.out.write_text(json.dumps(out, indent=2) + "\n")
            if not args.keep:
                shutil.rmtree(tmp / label(size), ignore_errors=True)
    finally:
        out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        args.out.write_text(json.dumps(out, indent=2) + "\n")
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
