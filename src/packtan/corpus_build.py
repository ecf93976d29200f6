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

import bisect
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


def _lines(paths, extra: str = "") -> bytes:
    """The sorted, distinct N-Triples lines of some Turtle files (and extra N-Triples), UTF-8."""
    out = set()
    for path in paths:
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            out.add(f"{q.subject} {q.predicate} {q.object} .\n")
    if extra:
        for q in ox.parse(extra.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
            out.add(f"{q.subject} {q.predicate} {q.object} .\n")
    return "".join(sorted(out)).encode("utf-8")


_HEAD = b"# packt-an graph "


def _cached_graph(cache_dir: Path | None, name: str, key: str) -> bytes | None:
    if cache_dir is None:
        return None
    try:
        data = (Path(cache_dir) / f"{name}.nt").read_bytes()
    except OSError:
        return None
    head, _, body = data.partition(b"\n")
    return body if head == _HEAD + key.encode("ascii") else None


def _store_graph(cache_dir: Path | None, name: str, key: str, body: bytes) -> None:
    if cache_dir is None:
        return
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=cache_dir)
        with os.fdopen(fd, "wb") as out:
            out.writelines((_HEAD, key.encode("ascii"), b"\n", body))
        os.replace(tmp, Path(cache_dir) / f"{name}.nt")
    except OSError:
        pass


def _lines_at(body: bytes):
    """(offset, line) of each line of `body`, its newline included."""
    pos, n = 0, len(body)
    while pos < n:
        end = body.find(b"\n", pos) + 1 or n
        yield pos, body[pos:end]
        pos = end


_OFFSET = (1 << 40) - 1


class Union:
    """corpus.nt, kept up to date: the lines of the graphs' N-Triples in order,
    each once (its first time), as one piece per graph.

    Each line is indexed by its hash (`key`; the tests give ones that collide
    often). A hash that one line of one graph has maps to that graph and the
    line's offset in it, so that the lines are not held a second time (at 1M
    triples, about 0.7 GB less than a set of them); a hash more lines or
    graphs share maps each of its lines to the graphs holding it.
    `replace(g, body)` changes one graph: its lines are indexed again, and
    only the pieces that can differ are cut again: its own and those of the
    graphs that gain or lose the first place of one of the lines added or
    removed. A graph none of whose lines came before is its own piece (no
    copy)."""

    def __init__(self, bodies: list[bytes], key=hash):
        self.key = key
        self.bodies = list(bodies)
        self.once: dict[int, int] = {}  # hash -> (graph << 40) | offset
        self.more: dict[int, dict[bytes, list[int]]] = {}  # hash -> {line: the graphs holding it, in order}
        self.pieces: list[bytes] = []
        for g, body in enumerate(self.bodies):
            repeats = False
            for pos, line in _lines_at(body):
                repeats |= self._add(g, pos, line)
            self.pieces.append(self._cut(g) if repeats else body)

    def replace(self, g: int, body: bytes) -> None:
        old = self.bodies[g]
        if old == body:
            return
        before, after = list(_lines_at(old)), list(_lines_at(body))
        changed = {line for _pos, line in before} ^ {line for _pos, line in after}
        touched = {self._first(line) for line in changed}
        for _pos, line in before:
            self._remove(g, line)
        self.bodies[g] = body
        for pos, line in after:
            self._add(g, pos, line)
        touched |= {self._first(line) for line in changed}
        touched.add(g)
        touched.discard(None)
        for t in touched:
            self.pieces[t] = self._cut(t)

    # --- the index -----------------------------------------------------------------

    def _line(self, where: int) -> bytes:
        body = self.bodies[where >> 40]
        start = where & _OFFSET
        return body[start:body.find(b"\n", start) + 1 or len(body)]

    def _add(self, g: int, pos: int, line: bytes) -> bool:
        """Index one line; True when it was there before (so this is not its first place)."""
        h = self.key(line)
        lines = self.more.get(h)
        if lines is None:
            where = self.once.get(h)
            if where is None:
                self.once[h] = (g << 40) | pos
                return False
            lines = self.more[h] = {self._line(where): [where >> 40]}
            del self.once[h]
        graphs = lines.get(line)
        if graphs is None:
            lines[line] = [g]
            return False
        bisect.insort(graphs, g)
        return True

    def _remove(self, g: int, line: bytes) -> None:
        h = self.key(line)
        lines = self.more.get(h)
        if lines is None:
            del self.once[h]
            return
        graphs = lines[line]
        graphs.remove(g)
        if not graphs:
            del lines[line]
            if not lines:
                del self.more[h]

    def _first(self, line: bytes) -> int | None:
        """The graph where `line` has its first place (None: no graph holds it)."""
        h = self.key(line)
        lines = self.more.get(h)
        if lines is not None:
            graphs = lines.get(line)
            return graphs[0] if graphs else None
        where = self.once.get(h)
        return where >> 40 if where is not None and self._line(where) == line else None

    def _cut(self, g: int) -> bytes:
        """The lines of graph g that have their first place there, each once."""
        body = self.bodies[g]
        kept, seen, lines = [], set(), 0
        for _pos, line in _lines_at(body):
            lines += 1
            if self._first(line) == g:
                if self.key(line) in self.more:  # a line a graph may hold twice
                    if line in seen:
                        continue
                    seen.add(line)
                kept.append(line)
        return body if len(kept) == lines else b"".join(kept)


class CorpusDumps:
    """The files of OUT for a validated corpus, kept between changes (`LiveBuild`).

    `update(result)` takes the graphs of the result's units: a unit's graph
    (its files' N-Triples and its derived selectors) is kept while the unit's
    key (`result.keys`) is unchanged, and cached on disk under that key; a
    changed one replaces the old in the union (`Union.replace`)."""

    def __init__(self, cache_dir: Path | None, known: dict[str, bytes] | None = None):
        from .load import graph_iri, turtle_files

        self.known = known or {}  # unit key -> graph, from dumps before (kept in memory without a cache)
        self.cache_dir = Path(cache_dir) / "graphs" if cache_dir is not None else None
        vocab = [(str(graph_iri(f)), _lines([f])) for f in turtle_files(config.ONTOLOGY_DIR)]
        self.first = len(vocab)  # the units' graphs come after the vocabulary's
        self.names: list[str] = [""] * len(vocab)  # graph file (none for the vocabulary's)
        self.iris: list[str] = [iri for iri, _body in vocab]
        self.keys: list[str | None] = [None] * len(vocab)
        self.bodies: list[bytes] = [body for _iri, body in vocab]
        self.union: Union | None = None
        self.changed: list[str] = []  # graph files whose content changed in the last update

    def update(self, result) -> list[str]:
        """Take the result's units; the names of the units whose graph was serialised anew."""
        names = [f"graphs/{task.name}.nt" for task in result.tasks]
        same = self.union is not None and names == self.names[self.first:]
        if not same:
            self.names[self.first:] = names
            self.iris[self.first:] = [str(SHARED_GRAPH) if t.name == SHARED else str(t.document.graph) for t in result.tasks]
            self.keys[self.first:] = [None] * len(names)
            self.bodies[self.first:] = [b""] * len(names)
        rendered, changed = [], []
        for i, task in enumerate(result.tasks, self.first):
            key = result.keys[task.name]
            if key == self.keys[i]:
                continue
            body = self.known.get(key) or _cached_graph(self.cache_dir, task.name, key)
            if body is None:
                derived = result.values.get(task.name, {}).get("derived", "")
                body = _lines(task.own, derived)
                _store_graph(self.cache_dir, task.name, key, body)
                rendered.append(task.name)
            self.keys[i] = key
            if body != self.bodies[i]:
                changed.append(self.names[i])
                if same:
                    self.union.replace(i, body)
                self.bodies[i] = body
        if not same:
            self.union = Union(self.bodies)
        self.changed = changed
        self.known = {}
        return rendered

    def graphs(self) -> dict[str, bytes]:
        """unit key -> graph, of the units as they are now."""
        return {k: b for k, b in zip(self.keys, self.bodies) if k is not None}

    def files(self, result) -> dict[str, bytes | list[bytes]]:
        """name -> content (bytes, or a list of bytes written one after the other)."""
        from .dumps import to_turtle
        from .validate import report_graph, report_text

        files: dict = {name: body for name, body in zip(self.names, self.bodies) if name}
        files["corpus.nt"] = list(self.union.pieces)
        trig: list[bytes] = []
        for iri, body in zip(self.iris, self.bodies):
            trig += (f"<{iri}> {{\n".encode("utf-8"), body, b"}\n")
        files["corpus.trig"] = trig
        view = result.view
        files["validation-report.ttl"] = to_turtle(report_graph(result))
        files["validation-report.en.txt"] = report_text(result, view, "en", view.defined_in)
        files["validation-report.de.txt"] = report_text(result, view, "de", view.defined_in)
        return files


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
    dumps = CorpusDumps(cache_dir)
    rendered = dumps.update(result)
    files = dumps.files(result)
    write_atomically(out_dir, files, wait)
    return CorpusBuildSummary(
        Path(out_dir), len(corpus.documents), len(corpus.files), result.triples, sorted(files), result.validated, rendered
    )


class LiveBuild:
    """`build --corpus DIR --out OUT --watch`: OUT written again after each change (validate.live.LiveCorpus).

    The first build is written like `build_corpus` (a new folder, swapped in
    atomically). After a change, when the corpus still conforms, only the
    files that differ are written again, each atomically
    (`dist.write_files`): the graphs/<NN-NNNN>.nt whose triples changed,
    corpus.nt and corpus.trig (from the graphs kept in memory and the union
    kept up to date, `CorpusDumps`, `Union`) and the reports that changed;
    after a change that validated the corpus from the start, the whole
    folder again. When the corpus does
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
        self.dumps: CorpusDumps | None = None
        self.written: dict[str, bytes | str] = {}  # the reports as last written
        self.complete = False  # OUT holds a whole build of this corpus

    def write(self, full: bool = False) -> list[str] | None:
        """Write OUT for the corpus as it is now: the names written, or None when it does not conform."""
        from .dist import write_atomically, write_files

        live = self.live
        result = live.result
        if not result.conforms:
            return None
        whole = full or not self.complete or self.dumps is None
        if whole:  # the vocabulary may have changed: its graphs are read again
            self.dumps = CorpusDumps(self.cache_dir, self.dumps.graphs() if self.dumps is not None else None)
        self.dumps.update(result)
        files = self.dumps.files(result)
        if whole:
            write_atomically(self.out_dir, files, self.wait)
            names = sorted(files)
        else:
            names = list(self.dumps.changed)
            if names:
                names += ["corpus.nt", "corpus.trig"]
            names += [n for n in files if n.startswith("validation-report.") and self.written.get(n) != files[n]]
            names.sort()
            write_files(self.out_dir, {n: files[n] for n in names}, self.wait)
        self.written = {n: files[n] for n in files if n.startswith("validation-report.")}
        self.complete = True
        return names
