"""The query catalogue: queries/*.rq with their comment headers.

A question query is named `qNN-<slug>.rq` (`q06a-…`, `q06b-…` for the
sub-questions) and opens with comment lines of the form `# key: value`:

    # question: 9
    # Frage: Wie groß waren die Kosten für die genannten Veranstaltungen …?
    # summary: Every row of the cost table of question 9: date, event, amount.
    # columns: position, date, event, amount_eur
    # Spalten: Nr., Datum, Veranstaltung, Kosten

An analysis query (`analysis-<slug>.rq`) has `# analysis:` (English title),
`# Analyse:` (German title), `# after: <question number>`, `# summary:` and
`# columns:`. `# Spalten:` gives the German column titles of the
regenerated answer, one per column. `# currency: EUR` says that the query's
xsd:decimal values are amounts in euros (the regenerated answer prints them
"538 967,95 €"); the queries return typed values and never format them.
`# scope: document` says that the query names its Drucksache only through
`PREFIX d:` and answers only from that document's sections, so that
`build.py query --doc NN-NNNN` asks it of another document (see query.py).
The build turns the catalogue into triples, so that every
question in the graph links to the query that answers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import DCTERMS, RDF, RDFS, Graph, Literal, Namespace, URIRef

from . import config
from .errors import UserError

SCHEMA = Namespace("https://schema.org/")
QUERY_BASE = config.BASE + "query/"
_HEAD = re.compile(r"^#\s*([A-Za-z][A-Za-z_@-]*)\s*:\s*(.*?)\s*$")


@dataclass
class CatalogueQuery:
    path: Path
    text: str
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.path.stem

    @property
    def iri(self) -> URIRef:
        return URIRef(QUERY_BASE + self.slug)

    @property
    def question(self) -> str | None:
        return self.meta.get("question")

    @property
    def columns(self) -> list[str]:
        return [c.strip() for c in self.meta.get("columns", "").split(",") if c.strip()]


def header(text: str) -> dict[str, str]:
    """The `# key: value` lines at the top of a .rq file (keys may carry @de/@en)."""
    meta: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEAD.match(line)
        if m:
            key = m.group(1)
            meta[key] = (meta[key] + " " + m.group(2)) if key in meta else m.group(2)
    return meta


def load_catalogue(directory: Path = config.QUERIES_DIR) -> list[CatalogueQuery]:
    out = []
    for path in sorted(Path(directory).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        out.append(CatalogueQuery(path, text, header(text)))
    return out


def question_queries(directory: Path = config.QUERIES_DIR) -> list[CatalogueQuery]:
    qs = [q for q in load_catalogue(directory) if q.slug.startswith("q")]
    for q in qs:
        if not q.question:
            raise UserError(f"{q.path}:1: the header has no '# question:' line")
    return sorted(qs, key=lambda q: _qkey(q.question))


def analysis_queries(directory: Path = config.QUERIES_DIR) -> list[CatalogueQuery]:
    return [q for q in load_catalogue(directory) if q.slug.startswith("analysis-")]


def _qkey(number: str) -> tuple[int, str]:
    m = re.match(r"(\d+)(.*)", number)
    return (int(m.group(1)), m.group(2)) if m else (999, number)


def catalogue_graph(questions: Graph) -> Graph:
    """Triples linking each question of the graph to its query, and describing the queries."""
    pa = config.PA
    g = Graph()
    number_to_question = {str(n): q for q, n in questions.subject_objects(pa.questionNumber)}
    for cq in question_queries():
        q = number_to_question.get(cq.question)
        if q is None:
            raise UserError(f"{cq.path}: '# question: {cq.question}' names no question of the graph")
        g.add((q, pa.answerQuery, cq.iri))
        _describe(g, cq, f"Abfrage zu Frage {cq.question}", f"Query answering question {cq.question}")
        g.add((cq.iri, SCHEMA.about, q))
    for cq in analysis_queries():
        _describe(g, cq, cq.meta.get("Analyse", cq.slug), cq.meta.get("analysis", cq.slug))
    return g


def _describe(g: Graph, cq: CatalogueQuery, label_de: str, label_en: str) -> None:
    g.add((cq.iri, RDF.type, SCHEMA.SoftwareSourceCode))
    g.add((cq.iri, RDFS.label, Literal(label_de, lang="de")))
    g.add((cq.iri, RDFS.label, Literal(label_en, lang="en")))
    if cq.meta.get("summary"):
        g.add((cq.iri, DCTERMS.description, Literal(cq.meta["summary"], lang="en")))
    g.add((cq.iri, SCHEMA.programmingLanguage, Literal("SPARQL 1.1")))
    g.add((cq.iri, SCHEMA.text, Literal(cq.text)))
    g.add((cq.iri, SCHEMA.url, URIRef(config.DOWNLOAD_BASE + "queries/" + cq.path.name)))
