"""The corpus layout: shared things once, one folder (and named graph) per Drucksache.

A corpus root (the project itself, or a folder given with `--corpus`) holds

- `data/shared/*.ttl` — things several documents refer to, defined once
  (organisations, ministries, people, places, fiscal periods, the alliance);
- `data/<NN-NNNN>/*.ttl` — one folder per Drucksache, named by its number
  with `-` (`data/17-7349/`): the document, its questions, answers and
  passages, and what it states (figures, expenditures, events, measures …);
- `sources/drucksache-<NN-NNNN>.txt` — the text of each document, from which
  its passages' selectors are derived.

Anything else in `data/` is a user error: a stray file would otherwise be
published nowhere or in the wrong graph.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from . import config
from .errors import UserError

SHARED = "shared"
NUMBER = re.compile(r"^[0-9]{1,2}-[0-9]{1,5}$")  # legislature-number, e.g. 17-7349
SHARED_GRAPH = URIRef(config.BASE + "graph/shared")


def document_graph(number: str) -> URIRef:
    """The named graph of one document's files (and the selectors derived for it)."""
    return URIRef(config.BASE + "graph/doc/" + number)


def document_iri(number: str) -> URIRef:
    return URIRef(config.BASE + "id/doc/" + number)


@dataclass(frozen=True)
class Document:
    number: str  # "17-7349"
    files: tuple[Path, ...]  # data/<number>/*.ttl, sorted by name
    source: Path  # sources/drucksache-<number>.txt

    @property
    def iri(self) -> URIRef:
        return document_iri(self.number)

    @property
    def graph(self) -> URIRef:
        return document_graph(self.number)

    @property
    def printed_number(self) -> str:
        """The number as the Landtag prints it: 17/7349."""
        return self.number.replace("-", "/", 1)


@dataclass(frozen=True)
class Corpus:
    root: Path
    shared: tuple[Path, ...]  # data/shared/*.ttl, sorted
    documents: tuple[Document, ...]  # sorted by (legislature, number)

    def document(self, number: str) -> Document:
        for d in self.documents:
            if d.number == number:
                return d
        raise UserError(f"{self.root / 'data'}: no document {number} (data/{number}/)")

    @property
    def files(self) -> list[Path]:
        """Every data file: shared first, then the documents in order."""
        return list(self.shared) + [f for d in self.documents for f in d.files]


def _sort_key(number: str) -> tuple[int, int]:
    legislature, num = number.split("-")
    return int(legislature), int(num)


def discover(root: Path | None = None) -> Corpus:
    """The layout under `root` (default: the project); UserError naming what does not fit."""
    from .load import check_regular_file, turtle_files  # load imports this module lazily

    root = Path(root) if root is not None else config.ROOT
    data = root / "data"
    if not data.is_dir():
        raise UserError(f"{data}: no such folder (a corpus holds data/shared/ and data/<NN-NNNN>/)")
    try:
        entries = sorted(os.scandir(data), key=lambda e: e.name)
    except OSError as exc:
        raise UserError(f"{data}: cannot be read: {exc.strerror or exc}") from None
    shared: tuple[Path, ...] = ()
    documents = []
    for entry in entries:
        path = data / entry.name
        if not entry.is_dir(follow_symlinks=True):
            raise UserError(
                f"{path}: not a folder; data/ holds only data/shared/ and one folder per document (data/17-7349/)"
            )
        if entry.name == SHARED:
            shared = tuple(turtle_files(path))
        elif NUMBER.match(entry.name):
            source = root / "sources" / f"drucksache-{entry.name}.txt"
            if not os.path.lexists(source):
                raise UserError(
                    f"{source}: no such file; document {entry.name} ({path}/) needs its source text there"
                )
            check_regular_file(source, "source text")
            documents.append(Document(entry.name, tuple(turtle_files(path)), source))
        else:
            raise UserError(
                f"{path}: not a document folder: name it by the Drucksache's number (17-7349) or shared"
            )
    if not documents:
        raise UserError(f"{data}: no document folder (data/<NN-NNNN>/, e.g. data/17-7349/)")
    documents.sort(key=lambda d: _sort_key(d.number))
    return Corpus(root, shared, tuple(documents))
