"""`build.py build --corpus DIR --out OUT`: the dumps and the report of a corpus.

OUT holds, written like the project's build (stamped, swapped in atomically,
`dist.write_atomically`):

- `corpus.nt` — N-Triples of the union (vocabulary, shared things, every
  document with its derived selectors), each triple once;
- `corpus.trig` — TriG of the same, one named graph per document
  (`…/graph/doc/<NN-NNNN>`: its files and its selectors), `…/graph/shared`
  and the vocabulary's graphs;
- `graphs/<NN-NNNN>.nt` and `graphs/shared.nt` — each graph on its own;
- `validation-report.ttl`, `validation-report.en.txt`, `validation-report.de.txt`.

Validation is `validate.corpus.validate_corpus` (parallel, cached). A
document's N-Triples are cached beside its findings, under the same key: an
unchanged document's graph is not parsed or written again. Lines are sorted
within a graph, graphs in order (vocabulary, shared, documents by number):
the same corpus gives byte-identical files.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import config
from .corpus import SHARED, SHARED_GRAPH, Corpus, discover
from .errors import UserError


@dataclass
class CorpusBuildSummary:
    out_dir: Path
    documents: int
    files_in: int
    triples: int
    files_out: list[str]
    validated: list[str]  # units validated anew
    rendered: list[str]  # graphs serialised anew (the rest came from the cache)


def _lines(paths, extra: str = "") -> str:
    """The sorted, distinct N-Triples lines of some Turtle files (and extra N-Triples)."""
    out = set()
    for path in paths:
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            out.add(f"{q.subject} {q.predicate} {q.object} .\n")
    if extra:
        for q in ox.parse(extra.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
            out.add(f"{q.subject} {q.predicate} {q.object} .\n")
    return "".join(sorted(out))


_HEAD = "# packt-an graph "


def _cached_graph(cache_dir: Path | None, name: str, key: str) -> str | None:
    if cache_dir is None:
        return None
    try:
        text = (Path(cache_dir) / f"{name}.nt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    head, _, body = text.partition("\n")
    return body if head == _HEAD + key else None


def _store_graph(cache_dir: Path | None, name: str, key: str, body: str) -> None:
    if cache_dir is None:
        return
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=cache_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(_HEAD + key + "\n" + body)
        os.replace(tmp, Path(cache_dir) / f"{name}.nt")
    except OSError:
        pass


def _union(graphs: list[tuple[str, str, str]], key=hash) -> str:
    """The lines of the graphs' N-Triples in order, each once (its first time).

    Lines are indexed by their hash and their place in the graph that holds
    them, not kept as strings of their own: a graph none of whose lines came
    before is taken as it is (1M triples: about 0.7 GB less at the peak).
    `key` is the hash (the tests give one that collides often)."""
    first: dict[int, int] = {}  # hash of a line -> (graph << 40) | offset of its first occurrence
    collided: set[str] = set()  # lines whose hash another line had first
    pieces: list[str] = []
    for g, (_name, _iri, body) in enumerate(graphs):
        kept: list[str] | None = None
        pos, n = 0, len(body)
        while pos < n:
            end = body.find("\n", pos) + 1 or n
            line = body[pos:end]
            h = key(line)
            where = first.get(h)
            if where is None:
                first[h] = (g << 40) | pos
                dup = False
            else:
                other = graphs[where >> 40][2]
                start = where & ((1 << 40) - 1)
                if other[start:other.find("\n", start) + 1 or len(other)] == line:
                    dup = True
                else:  # another line with the same hash came first
                    dup = line in collided
                    collided.add(line)
            if dup and kept is None:
                kept = [body[:pos]]
            elif not dup and kept is not None:
                kept.append(line)
            pos = end
        pieces.append(body if kept is None else "".join(kept))
    return "".join(pieces)


def render_corpus(corpus: Corpus, result, cache_dir: Path | None, bodies: dict | None = None) -> tuple[dict[str, str], list[str]]:
    """(files of OUT, names of the graphs serialised anew).

    A unit's graph is cached under the key its findings are (`result.keys`);
    `bodies` (unit name -> (key, N-Triples)) keeps the graphs between calls (`LiveBuild`)."""
    from .dumps import to_turtle
    from .load import graph_iri, turtle_files
    from .validate import report_graph, report_text

    graphs_cache = Path(cache_dir) / "graphs" if cache_dir is not None else None
    graphs: list[tuple[str, str, str]] = []  # (file name, graph IRI, N-Triples)
    for f in turtle_files(config.ONTOLOGY_DIR):
        graphs.append(("", str(graph_iri(f)), _lines([f])))
    rendered = []
    for task in result.tasks:
        key = result.keys[task.name]
        kept = bodies.get(task.name) if bodies is not None else None
        body = kept[1] if kept is not None and kept[0] == key else _cached_graph(graphs_cache, task.name, key)
        if body is None:
            derived = result.values.get(task.name, {}).get("derived", "")
            body = _lines(task.own, derived)
            _store_graph(graphs_cache, task.name, key, body)
            rendered.append(task.name)
        if bodies is not None:
            bodies[task.name] = (key, body)
        iri = str(SHARED_GRAPH) if task.name == SHARED else str(task.document.graph)
        graphs.append((f"graphs/{task.name}.nt", iri, body))
    files: dict[str, str] = {name: body for name, _iri, body in graphs if name}
    files["corpus.nt"] = _union(graphs)
    trig: list[str] = []
    for _name, iri, body in graphs:
        trig += (f"<{iri}> {{\n", body, "}\n")
    files["corpus.trig"] = "".join(trig)
    view = result.view
    files["validation-report.ttl"] = to_turtle(report_graph(result))
    files["validation-report.en.txt"] = report_text(result, view, "en", view.defined_in)
    files["validation-report.de.txt"] = report_text(result, view, "de", view.defined_in)
    return files, rendered


def build_corpus(root: Path, out_dir: Path, jobs: int | None = None, cache_dir="default", wait: float | None = None) -> CorpusBuildSummary:
    from .dist import LOCK_WAIT, NotConforming, _check_wait, precheck, write_atomically
    from .validate.corpus import default_cache_dir, validate_corpus

    wait = LOCK_WAIT if wait is None else wait
    _check_wait(wait)
    precheck(out_dir)
    corpus = discover(root)
    if cache_dir == "default":
        cache_dir = default_cache_dir(corpus.root)
    if cache_dir is not None and Path(out_dir).resolve() == Path(cache_dir).resolve():
        raise UserError(f"{out_dir}: the output folder cannot be the cache folder")
    result = validate_corpus(corpus, jobs=jobs, cache_dir=cache_dir)
    if not result.conforms:
        raise NotConforming(result, result.view)
    result.store = None  # rendering needs the units and the report view, not the store
    files, rendered = render_corpus(corpus, result, cache_dir)
    write_atomically(out_dir, files, wait)
    return CorpusBuildSummary(
        Path(out_dir), len(corpus.documents), len(corpus.files), result.triples, sorted(files), result.validated, rendered
    )


class LiveBuild:
    """`build --corpus DIR --out OUT --watch`: OUT written again after each change (validate.live.LiveCorpus).

    The first build is written like `build_corpus` (a new folder, swapped in
    atomically). After a change, when the corpus still conforms, only the
    files that can differ are written again, each atomically
    (`dist.write_files`): the changed documents' graphs/<NN-NNNN>.nt,
    corpus.nt, corpus.trig and the reports; after a change that validated
    the corpus from the start, the whole folder again. When the corpus does
    not conform, OUT is left as it was. The files are those a build from
    scratch of the same corpus writes, byte for byte (tests/test_live.py)."""

    def __init__(self, root: Path, out_dir: Path, jobs: int | None = None, cache_dir="default", wait: float | None = None):
        from .dist import LOCK_WAIT, _check_wait, precheck
        from .validate.corpus import default_cache_dir
        from .validate.live import LiveCorpus

        self.wait = LOCK_WAIT if wait is None else wait
        _check_wait(self.wait)
        precheck(out_dir)
        self.out_dir = Path(out_dir)
        root = Path(root)
        cache = default_cache_dir(root) if cache_dir == "default" else cache_dir
        if cache is not None and self.out_dir.resolve() == Path(cache).resolve():
            raise UserError(f"{out_dir}: the output folder cannot be the cache folder")
        self.cache_dir = cache
        self.live = LiveCorpus(root, jobs=jobs, cache_dir=cache)
        self.bodies: dict = {}
        self.written: dict[str, str] = {}  # graph file -> the key of the unit it was written for
        self.complete = False  # OUT holds a whole build of this corpus

    def write(self, full: bool = False) -> list[str] | None:
        """Write OUT for the corpus as it is now: the names written, or None when it does not conform."""
        from .dist import write_atomically, write_files

        live = self.live
        result = live.result
        if not result.conforms:
            return None
        files, _rendered = render_corpus(live.corpus, result, self.cache_dir, self.bodies)
        graph_keys = {f"graphs/{name}.nt": key for name, (key, _body) in self.bodies.items()}
        if full or not self.complete:
            write_atomically(self.out_dir, files, self.wait)
            names = sorted(files)
        else:
            names = sorted(n for n in files if not n.startswith("graphs/") or self.written.get(n) != graph_keys.get(n))
            write_files(self.out_dir, {n: files[n] for n in names}, self.wait)
        self.written = {n: graph_keys[n] for n in files if n in graph_keys}
        self.complete = True
        return names
