"""A corpus validated once and then kept up to date, file by file (`validate --corpus DIR --watch`).

`LiveCorpus` validates a corpus as `validate_corpus` does and keeps what it
found: the Oxigraph store (one named graph per file and per document's
derived selectors), the units, their keys and values, and the rows of every
integrity check. `update()` then looks at the files again. When only
documents' data files or source texts changed, it does only the work those
changes can require:

1. the changed files are parsed first (a syntax error: UserError, and
   nothing is changed), then their graphs in the store are replaced;
   the triples removed and added are the change;
2. the units a change can concern are worked out again (`unit_task`: the
   same Task as `tasks()` gives, from lookups on the store): the units of
   the changed files, every unit whose files mention a subject of a changed
   triple, and every unit whose files mention a resource pointing to one
   (the two steps of a unit's context). A unit whose key is unchanged
   keeps its value; the others come from the cache or are validated again;
3. the changed documents' derived selectors replace their old ones, and
   what differs between the two joins the change;
4. each integrity check runs again according to its `# incremental:` header:
   - `focus`: a row depends only on the triples whose subject is its ?focus
     or a term of those triples (object or predicate), the triples whose
     object is its ?focus, and the vocabulary; ?focus is a subject of the
     data. The check runs on a small store with exactly those triples for
     the resources a change touches (the nodes of the changed triples and
     the resources pointing to their subjects), and its rows for those
     resources replace the old ones;
   - `label`: the query returns ?label, and a row depends only on the
     resources carrying that label. It runs on the resources carrying the
     labels of the changed triples' subjects, and its rows for those labels
     replace the old ones;
   - no header: the check runs over the whole corpus again.
   A change to a resource used as a predicate or a class (a term) runs every
   check over the whole corpus.

Anything else (a file added or removed, the vocabulary, shapes, checks or
shared files changed) validates the corpus again from the start, with the
cache. tests/test_live.py checks that after each of a series of changes the
findings equal those of validating the changed corpus from scratch.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import config
from ..corpus import SHARED, Corpus, discover
from ..errors import UserError
from .checks import Check, all_check_rows, check_rows, load_checks
from .corpus import (
    _WORKER,
    DERIVED,
    CorpusResult,
    Task,
    _finding_from_json,
    _view,
    default_cache_dir,
    file_graph,
    read_cache,
    run_units,
    unit_key,
    validate_corpus,
)
from .findings import Finding

_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _stamp(path: Path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _watched(corpus: Corpus) -> dict[Path, object]:
    """Every file whose change can change the findings, with its stamp (time, size, inode)."""
    from ..load import turtle_files

    paths = (
        turtle_files(config.ONTOLOGY_DIR)
        + turtle_files(config.SHAPES_DIR)
        + sorted(config.CHECKS_DIR.glob("*.rq"))
        + corpus.files
        + [d.source for d in corpus.documents]
    )
    return {Path(p): _stamp(p) for p in paths}


def _nodes(triple) -> list:
    s, p, o = triple
    return [s, o] if not isinstance(o, ox.Literal) else [s]


@dataclass
class Update:
    """What one call of `LiveCorpus.update()` did."""

    changed: list[Path]  # the files whose stamps changed
    full: bool  # validated from the start (a change incremental work cannot follow)
    units: list[str] = field(default_factory=list)  # units validated again (not from the cache)
    triples: int = 0  # triples removed and added, derived selectors included
    checks: dict[str, str] = field(default_factory=dict)  # check -> "whole" or how it ran ("focus: N resources" …)
    seconds: float = 0.0


class LiveCorpus:
    def __init__(self, root: Path, jobs: int | None = None, cache_dir: Path | None | str = "default"):
        self.root = Path(root)
        self.jobs = jobs
        self.cache_dir = default_cache_dir(self.root) if cache_dir == "default" else cache_dir
        self.result: CorpusResult | None = None
        self.failed = None  # the stamps of files that could not be read, as last reported
        self._layout_error = None  # the last error of the corpus's layout, as reported
        self.dirty = False
        self.full()

    # --- from the start ---------------------------------------------------------

    def full(self) -> None:
        corpus = discover(self.root)
        stamps = _watched(corpus)  # before reading: a change while reading is seen next time
        result = validate_corpus(corpus, jobs=self.jobs, cache_dir=self.cache_dir, run_checks=False)
        self.corpus = corpus
        self.store: ox.Store = result.store
        self.quads = result.triples  # len(store), kept up to date (counting them takes 0.2 s at 1M)
        self.units: dict[str, Task] = {t.name: t for t in result.tasks}
        self.order = [t.name for t in result.tasks]
        self._graphs = None
        self._memo: dict = {}  # unit_task's lookups, kept between changes
        self.values = result.values
        self.base = result.base
        self.keys = dict(result.keys)
        self.fixed = list(result.vocabulary_findings)
        self.checks = load_checks()
        self.rows: dict[str, list[tuple[Finding, dict]]] = {}
        self._all_checks()
        self.stamps = stamps
        self.failed = None
        self.dirty = False
        self._result(result.shapes, validated=result.validated)
        from .shacl import _compiled, engine

        if engine() == "shacl":  # compiled now, not at the first change (the units ran in workers)
            _compiled(_WORKER["shapes"] if "shapes" in _WORKER else result.shapes)
        shared = self.units.get(SHARED)
        if shared is not None:  # the largest unit's lookups, made now rather than at the first change that concerns it
            unit_task(self.store, self._unit_of(), {n: i for i, n in enumerate(self.order)}, SHARED,
                      shared.own, shared.context, None, self._memo)

    def _all_checks(self, checks: list[Check] | None = None) -> None:
        from ..engine import OxGraph

        whole = OxGraph.from_store(self.store, union=True)
        checks = checks if checks is not None else self.checks
        for check, rows in zip(checks, all_check_rows(whole, checks, threads=self.jobs)):
            self.rows[check.name] = rows

    def _result(self, shapes, validated: list[str]) -> None:
        result = CorpusResult(shapes=shapes)
        result.validated = list(validated)
        result.reused = [n for n in self.order if n not in set(validated)]
        seen = set()
        for name in self.order:
            for d in self.values[name]["findings"]:
                f = _finding_from_json(d)
                if f not in seen:
                    seen.add(f)
                    result.findings.append(f)
        result.findings.extend(self.fixed)
        for check in self.checks:
            result.findings.extend(f for f, _row in self.rows[check.name])
        result.findings.sort(key=Finding.sort_key)
        result.values = self.values
        result.tasks = [self.units[n] for n in self.order]
        result.base, result.keys = self.base, self.keys
        result.store = self.store
        result.triples = self.quads
        result.view = _view(result, self.corpus, shapes, self.store)
        self.result = result

    # --- after a change -----------------------------------------------------------

    def update(self) -> Update | None:
        """Follow the files' changes since the last call; None when nothing changed.

        A file that cannot be read or parsed raises UserError and changes
        nothing: the findings stay those of the last readable state."""
        started = time.perf_counter()
        try:
            corpus = discover(self.root)
        except UserError as exc:  # e.g. a stray file in data/: reported once, until it changes
            if str(exc) == self._layout_error:
                return None
            self._layout_error = str(exc)
            raise
        self._layout_error = None
        stamps = _watched(corpus)
        changed = sorted(p for p in stamps.keys() | self.stamps.keys() if stamps.get(p) != self.stamps.get(p))
        if not changed or stamps == self.failed:
            return None
        try:
            if self.dirty:  # an update stopped half-way: start again
                self.full()
                return Update(changed, True, list(self.result.validated), seconds=time.perf_counter() - started)
            documents = {f: d for d in corpus.documents for f in d.files}
            sources = {d.source: d for d in corpus.documents}
            same_layout = corpus.files == self.corpus.files and [d.source for d in corpus.documents] == [
                d.source for d in self.corpus.documents
            ]
            if not same_layout or any(p not in documents and p not in sources for p in changed):
                self.full()
                return Update(changed, True, list(self.result.validated), seconds=time.perf_counter() - started)
            update = self._incremental(corpus, changed, documents, sources)
        except BaseException:
            self.failed = stamps  # reported once, not at every look until the files change again
            raise
        self.stamps = stamps
        update.seconds = time.perf_counter() - started
        return update

    def _incremental(self, corpus, changed, documents, sources) -> Update:
        from ..load import parse_quads

        store = self.store
        parsed = {p: parse_quads(p) for p in changed if p in documents}  # every file first: then change
        self.dirty = True
        removed: set = set()
        added: set = set()
        for path, quads in parsed.items():
            g = file_graph(path)
            old = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, g)}
            new = {(q.subject, q.predicate, q.object) for q in quads}
            removed |= old - new
            added |= new - old
            store.clear_graph(g)
            store.extend([ox.Quad(s, p, o, g) for s, p, o in new])
            self.quads += len(new) - len(old)
        subjects = {t[0] for t in removed | added}
        self._forget(subjects, [file_graph(p) for p in parsed])
        hit = {documents[p].number for p in parsed} | {sources[p].number for p in changed if p in sources}
        hit |= self._concerned(subjects)
        units, derived_removed, derived_added = self._revalidate(corpus, hit)
        removed |= derived_removed
        added |= derived_added
        self.corpus = corpus
        update = Update(changed, False, units, triples=len(removed) + len(added))
        self._checks(removed, added, update)
        self._result(self.result.shapes, validated=units)
        self.dirty = False
        return update

    def _forget(self, subjects: set, graphs: list) -> None:
        """Drop unit_task's lookups that the change can have made stale: about
        the changed triples' subjects (their statements, their types) and the changed files' graphs."""
        memo = self._memo
        for n in subjects:
            memo.pop(("about", n), None)
            memo.pop(("typed", n), None)
        for g in graphs:
            memo.pop(("graph", g), None)

    def _unit_of(self) -> dict:
        """The store's graph of each unit's file -> the unit (the layout is the same between full runs)."""
        if self._graphs is None:
            self._graphs = {file_graph(f): name for name, t in self.units.items() for f in t.own}
        return self._graphs

    def _concerned(self, subjects: set) -> set[str]:
        """The units whose files mention a changed triple's subject, or a resource pointing to one."""
        unit_of = self._unit_of()
        store = self.store
        hit: set[str] = set()

        def mentioning(node) -> None:
            # A thing the shared files type is neither owned nor pointed to by
            # a document's unit (`tasks`), and stays so while only documents
            # change: through it only the shared unit can be concerned.
            shared = any(unit_of.get(q.graph_name) == SHARED for q in store.quads_for_pattern(node, _TYPE, None, None))
            for q in store.quads_for_pattern(node, None, None, None):
                name = unit_of.get(q.graph_name)
                if name is not None and (not shared or name == SHARED):
                    hit.add(name)
            for q in store.quads_for_pattern(None, None, node, None):
                name = unit_of.get(q.graph_name)
                if name is not None and (not shared or name == SHARED):
                    hit.add(name)

        pointing = set()
        for s in subjects:
            mentioning(s)
            pointing.update(q.subject for q in store.quads_for_pattern(None, None, s, None))
        for x in pointing - subjects:
            mentioning(x)
        return hit

    def _revalidate(self, corpus, hit: set[str]) -> tuple[list[str], set, set]:
        """New tasks for the units `hit`; those whose key changed, from the cache or validated again."""
        unit_of = self._unit_of()
        order = {n: i for i, n in enumerate(self.order)}
        by_name = {d.number: d for d in corpus.documents}
        todo = []
        self._derived = (set(), set())
        for name in sorted(hit, key=order.get):
            old = self.units[name]
            doc = by_name.get(name)
            task = unit_task(self.store, unit_of, order, name, old.own, old.context, doc, self._memo)
            key = unit_key(self.base, task)
            self.units[name] = task
            if key == self.keys[name]:
                continue
            self.keys[name] = key
            cached = read_cache(self.cache_dir, name, key)
            if cached is not None:
                self._arrived(name, cached)
            else:
                todo.append(task)
        # a few units in this process: forking a process that holds the corpus, and
        # handing a worker the shared unit's context, costs more than they take
        run_units(todo, self.jobs, self.result.shapes, self.cache_dir, self.keys, self._arrived, in_process=3)
        derived_removed, derived_added = self._derived
        return [t.name for t in todo], derived_removed, derived_added

    def _arrived(self, name: str, value: dict) -> None:
        """A unit's new value; a document's derived selectors replace its old ones in the store."""
        old = self.values.get(name, {}).get("derived", "")
        self.values[name] = value
        if name == SHARED or value["derived"] == old:
            return
        g = ox.NamedNode(str(DERIVED) + name)
        before = {(q.subject, q.predicate, q.object) for q in self.store.quads_for_pattern(None, None, None, g)}
        self.store.clear_graph(g)
        if value["derived"]:
            self.store.load(value["derived"].encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=g)
        after = {(q.subject, q.predicate, q.object) for q in self.store.quads_for_pattern(None, None, None, g)}
        self.quads += len(after) - len(before)
        self._derived[0].update(before - after)
        self._derived[1].update(after - before)

    # --- the integrity checks after a change ----------------------------------------

    def _checks(self, removed: set, added: set, update: Update) -> None:
        changes = removed | added
        if not changes:
            return
        store = self.store
        subjects = {t[0] for t in changes}
        terms = any(
            next(iter(store.quads_for_pattern(None, s, None, None)), None) is not None
            or next(iter(store.quads_for_pattern(None, _TYPE, s, None)), None) is not None
            for s in subjects
            if isinstance(s, ox.NamedNode)
        )
        whole = [c for c in self.checks if terms or not c.incremental]
        if whole:
            self._all_checks(whole)
            update.checks.update({c.name: "whole" for c in whole})
        if terms:
            return
        focus = [c for c in self.checks if c.incremental == "focus"]
        if focus:
            nodes = {n for t in changes for n in _nodes(t)}
            for s in subjects:
                nodes.update(q.subject for q in store.quads_for_pattern(None, None, s, None))
            described = {n for n in nodes if self._described(n)}
            # a resource no triple describes any more has no rows (the contract above)
            gone = {n for n in nodes if next(iter(store.quads_for_pattern(n, None, None, None)), None) is None}
            small = self._neighbourhood(described)
            drop = described | gone
            for check in focus:
                kept = [(f, row) for f, row in self.rows[check.name] if _term(f.focus) not in drop]
                fresh = check_rows(small, check, keep=lambda row: row.get("focus") in described)
                self.rows[check.name] = kept + fresh
                update.checks[check.name] = f"focus: {len(described)} resources"
        label = [c for c in self.checks if c.incremental == "label"]
        if label:
            labels = {t[2] for t in changes if t[1] == _LABEL and isinstance(t[2], ox.Literal)}
            for s in subjects:
                labels.update(q.object for q in store.quads_for_pattern(s, _LABEL, None, None))
            small = self._carrying(labels)
            for check in label:
                kept = [(f, row) for f, row in self.rows[check.name] if _term(row.get("label")) not in labels]
                fresh = check_rows(small, check, keep=lambda row: row.get("label") in labels)
                self.rows[check.name] = kept + fresh
                update.checks[check.name] = f"label: {len(labels)} labels"

    def _described(self, node) -> bool:
        """Whether a data graph (a file's or derived selectors) has a triple about `node`."""
        vocabulary = self._vocabulary_graphs()
        return any(q.graph_name not in vocabulary for q in self.store.quads_for_pattern(node, None, None, None))

    def _vocabulary_graphs(self) -> set:
        hit = getattr(self, "_vocab_graphs", None)
        if hit is None:
            from ..load import turtle_files

            hit = self._vocab_graphs = {file_graph(p) for p in turtle_files(config.ONTOLOGY_DIR)}
        return hit

    def _neighbourhood(self, focus: set):
        """A small store: the vocabulary; the triples about `focus`, about their
        objects and predicates; the triples pointing to `focus`."""
        from ..engine import OxGraph

        store = self.store
        triples: set = set()
        for g in self._vocabulary_graphs():
            triples.update((q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, g))
        terms = set(focus)
        for n in focus:
            for q in store.quads_for_pattern(n, None, None, None):
                triples.add((q.subject, q.predicate, q.object))
                terms.add(q.predicate)
                if not isinstance(q.object, ox.Literal):
                    terms.add(q.object)
            for q in store.quads_for_pattern(None, None, n, None):
                triples.add((q.subject, q.predicate, q.object))
        for n in terms - focus:
            triples.update((q.subject, q.predicate, q.object) for q in store.quads_for_pattern(n, None, None, None))
        small = ox.Store()
        small.extend([ox.Quad(s, p, o) for s, p, o in triples])
        return OxGraph.from_store(small, union=False)

    def _carrying(self, labels: set):
        """A small store: every triple about the resources carrying one of `labels`."""
        from ..engine import OxGraph

        store = self.store
        triples: set = set()
        for label in labels:
            for q in store.quads_for_pattern(None, _LABEL, label, None):
                triples.update((x.subject, x.predicate, x.object) for x in store.quads_for_pattern(q.subject, None, None, None))
        small = ox.Store()
        small.extend([ox.Quad(s, p, o) for s, p, o in triples])
        return OxGraph.from_store(small, union=False)


def _term(t):
    """An rdflib term (a finding's focus, a row's value) as the Oxigraph term it stands for."""
    if t is None:
        return None
    from ..dumps import _ox

    return _ox(t)


def unit_task(store: ox.Store, unit_of: dict, order: dict, name: str, own, context, document, memo: dict | None = None) -> Task:
    """The Task of one unit, as `tasks()` makes it, from lookups on the store about the unit's nodes only.

    `memo` keeps, between calls, what was looked up about a node (its
    statements with their units, the first unit typing it) and a graph (its
    subjects and objects); the caller drops the entries of the nodes and
    graphs a change touches (`LiveCorpus._forget`)."""
    memo = {} if memo is None else memo
    subjects: set = set()
    objects: set = set()
    for f in own:
        g = file_graph(f)
        hit = memo.get(("graph", g))
        if hit is None:
            s_, o_ = set(), set()
            for q in store.quads_for_pattern(None, None, None, g):
                s_.add(q.subject)
                if isinstance(q.object, ox.NamedNode):
                    o_.add(q.object)
            hit = memo[("graph", g)] = (s_, o_)
        subjects |= hit[0]
        objects |= hit[1]

    def typed(n):
        key = ("typed", n)
        if key in memo:
            return memo[key]
        first = None
        for q in store.quads_for_pattern(n, _TYPE, None, None):
            u = unit_of.get(q.graph_name)
            if u is not None and (first is None or order[u] < order[first]):
                first = u
        memo[key] = first
        return first

    def about(n) -> list:
        """(unit, N-Triples line, object) of each statement about `n` in a unit's file."""
        key = ("about", n)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = [
                (u, f"{q.subject} {q.predicate} {q.object} .\n", q.object)
                for q in store.quads_for_pattern(n, None, None, None)
                if (u := unit_of.get(q.graph_name)) is not None
            ]
        return hit

    skip = {SHARED} if document is not None else set()

    def stated_elsewhere(nodes) -> dict:
        out = {}
        for n in nodes:
            for other, line, obj in about(n):
                if other != name and other not in skip:
                    out[line] = obj
        return out

    owned = {n for n in subjects if isinstance(n, ox.NamedNode) and typed(n) in (None, name)}
    pointed = {n for n in objects if document is None or typed(n) != SHARED}
    first = stated_elsewhere(owned | pointed)
    nodes2 = {o for o in first.values() if isinstance(o, ox.NamedNode)}
    second = stated_elsewhere(nodes2 - owned - objects)
    extra = "".join(sorted(first.keys() | second.keys()))
    return Task(name, tuple(own), tuple(context), document, tuple(sorted(n.value for n in owned)), extra)
