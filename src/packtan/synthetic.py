"""Synthetic corpora: copies of this document with disjoint IRIs, for tests and benchmarks.

`make_corpus(dest, copies)` writes a corpus folder (the layout of
`packtan.corpus`): `dest/data/shared/` (the project's shared files, as they
are), `dest/data/17-7349/` (this document, as it is) and `copies` copies of
it, document `90-<k:04d>` for k = 1 … copies, each with its source text
`dest/sources/drucksache-90-<k:04d>.txt` (the same text). A copy, as the
corpus contract says:

- every IRI under `…/id/doc/17-7349` is under `…/id/doc/90-<k:04d>`;
- every other IRI typed in `data/17-7349/` (events, measures, proposals,
  works, reports) gets `-d<k:04d>` appended to its last path segment;
  shared things keep their IRIs;
- labels (`rdfs:label`, `skos:prefLabel`, `schema:name`, `foaf:name`) say
  the copy's own number where they say "17/7349", and every resource but
  the document gets the suffix ` (Kopie 90/<k:04d>)` (` (copy 90/<k:04d>)`
  in English), so that no two resources of a class share a label; the
  document's `dcterms:identifier` is its own number.

Parsing and writing are pyoxigraph's (Turtle); the same arguments give
byte-identical files.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pyoxigraph as ox

from . import config
from .errors import UserError

THIS = "17-7349"
LEGISLATURE = "90"  # no real Landtag has a 90th legislature: copies cannot collide with real numbers
LABELS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "https://schema.org/name",
    "http://xmlns.com/foaf/0.1/name",
}
IDENTIFIER = "http://purl.org/dc/terms/identifier"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def copy_number(k: int) -> str:
    """The number of copy k: 90-0001 for k = 1."""
    return f"{LEGISLATURE}-{k:04d}"


def _parse(path: Path) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def _prefixes(number: str) -> dict[str, str]:
    old = config.BASE + "id/doc/" + THIS
    new = config.BASE + "id/doc/" + number
    return {p: str(ns).replace(old, new, 1) for p, ns in config.PREFIXES.items()}


class _Copier:
    """Rewrites the terms of this document for one copy.

    The triples are read once into rows of terms; a label's row holds the key
    ("label", literal, is-the-document's) in place of the literal. A copy maps
    every distinct term (a few thousand) once and then only looks rows up."""

    def __init__(self, files: list[tuple[str, list[ox.Triple]]]):
        self.doc = config.BASE + "id/doc/" + THIS
        doc = ox.NamedNode(self.doc)
        triples = [t for _name, ts in files for t in ts]
        self.defined = {
            t.subject.value
            for t in triples
            if t.predicate.value == RDF_TYPE and isinstance(t.subject, ox.NamedNode)
            and not self._own(t.subject.value)
        }
        self.rows: list[tuple[str, list[tuple]]] = []
        for name, ts in files:
            rows = []
            for t in ts:
                o = t.object
                if isinstance(o, ox.Literal) and (t.predicate.value in LABELS or t.predicate.value == IDENTIFIER):
                    o = ("label", o, t.subject == doc or t.predicate.value == IDENTIFIER)
                rows.append((t.subject, t.predicate, o))
            self.rows.append((name, rows))
        self.terms = {x for _name, rows in self.rows for row in rows for x in row}

    def _own(self, iri: str) -> bool:
        return iri == self.doc or iri.startswith(self.doc + "/")

    def term_map(self, number: str) -> dict:
        """Every term of this document as it stands in copy `number`."""
        new_doc = config.BASE + "id/doc/" + number
        suffix = "-d" + number.split("-")[1]
        printed, this_printed = number.replace("-", "/", 1), THIS.replace("-", "/", 1)
        de, en = f" (Kopie {printed})", f" (copy {printed})"
        out = {}
        for t in self.terms:
            if isinstance(t, tuple):  # a label (or the document's identifier)
                _, lit, own_number_only = t
                text = lit.value.replace(this_printed, printed)
                if not own_number_only:
                    text += en if lit.language == "en" else de
                out[t] = ox.Literal(text, language=lit.language) if lit.language else ox.Literal(text, datatype=lit.datatype)
            elif isinstance(t, ox.NamedNode) and self._own(t.value):
                out[t] = ox.NamedNode(new_doc + t.value[len(self.doc):])
            elif isinstance(t, ox.NamedNode) and t.value in self.defined:
                out[t] = ox.NamedNode(t.value + suffix)
            else:
                out[t] = t
        return out


def make_corpus(dest: Path, copies: int) -> Path:
    """Write a corpus of this document and `copies` copies of it under `dest`; returns `dest`."""
    from .corpus import discover

    dest = Path(dest)
    if copies < 0 or copies > 9999:
        raise UserError(f"copies: {copies}: give a number from 0 to 9999")
    if (dest / "data").exists() and any((dest / "data").iterdir()):
        raise UserError(f"{dest / 'data'}: not empty; a synthetic corpus is written into an empty folder")
    project = discover(config.ROOT)
    this = project.document(THIS)
    data, sources = dest / "data", dest / "sources"
    for sub in ("shared", THIS):
        (data / sub).mkdir(parents=True, exist_ok=True)
    sources.mkdir(parents=True, exist_ok=True)
    for f in project.shared:
        shutil.copyfile(f, data / "shared" / f.name)
    for f in this.files:
        shutil.copyfile(f, data / THIS / f.name)
    shutil.copyfile(this.source, sources / this.source.name)
    copier = _Copier([(f.name, _parse(f)) for f in this.files])
    triple = ox.Triple
    for k in range(1, copies + 1):
        number = copy_number(k)
        folder = data / number
        folder.mkdir()
        m = copier.term_map(number)
        prefixes = _prefixes(number)
        for name, rows in copier.rows:
            out = [triple(m[s], m[p], m[o]) for s, p, o in rows]
            ox.serialize(out, str(folder / name), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        shutil.copyfile(this.source, sources / f"drucksache-{number}.txt")
    return dest


def main(argv: list[str] | None = None) -> int:
    """`python -m packtan.synthetic DEST COPIES`"""
    args = sys.argv[1:] if argv is None else argv
    try:
        if len(args) != 2 or not args[1].isdigit():
            raise UserError("usage: python -m packtan.synthetic DEST COPIES")
        make_corpus(Path(args[0]), int(args[1]))
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
