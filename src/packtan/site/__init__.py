"""The web site of the graph: `dist/site/`, static, from the validated project.

Every IRI `https://w3id.org/packt-an/PATH` of the graph has its page at
`site/PATH.html` and its description at `site/PATH.ttl`, `PATH.jsonld` and
`PATH.nt` (its triples plus the labels of what it links); terms of the
vocabulary (`vocab#Term`) have theirs at `site/vocab/Term.html`. `PATH.html`
rather than `PATH/index.html`: the page then has the same relative links
whether it is reached as `/PATH.html` (any static host) or as `/PATH` (the
negotiating `serve`, Apache, nginx), and a resource and the resources below
it (`…/17-7349` and `…/17-7349/frage-9`) never compete for one name.

Links inside the site are relative, so it works under any host and path;
the RDF keeps the w3id IRIs. Pages are rendered by Jinja2 templates
(autoescaping on) from precomputed indexes of the graph (`index.Index`), one
environment for all pages. Besides the pages: the source document with every
passage highlighted, a page per question with its answer, charts and query,
the vocabulary, downloads, a SPARQL editor form, a static search index, a 404
page, and the rules that make Apache, nginx and w3id.org negotiate the same
way (`deploy`).
"""

from __future__ import annotations

import hashlib
from functools import cached_property, lru_cache
import json
import re
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import jinja2
from markupsafe import Markup, escape
import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef

from .. import config, dumps, provenance
from ..catalogue import CatalogueQuery, analysis_queries, question_queries
from . import charts, deploy, source
from .index import _curie
from .index import (DCT, KINDS, MONTHS, OWL, PROV, SDO, SKOS, VOCAB, Index, german_date, german_number, money,
                    relative, root_of)

PA = config.PA
TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
SOURCE_PAGE = "source/drucksache-17-7349.html"
LICENCE = ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
DATA_FORMATS = [("ttl", "text/turtle", "Turtle"), ("jsonld", "application/ld+json", "JSON-LD"),
                ("nt", "application/n-triples", "N-Triples")]
DUMP_MEDIA = {
    ".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json",
    ".trig": "application/trig", ".rq": "application/sparql-query", ".md": "text/markdown",
    ".html": "text/html", ".txt": "text/plain",
}
SCHEMA_TYPES = {  # schema.org type of the embedded description, by the graph's types
    str(PA.Event): "Event", str(PA.RegionalConference): "Event", str(PA.IntegrationConference): "Event",
    str(PA.CulturalEvent): "Event", str(PA.Visit): "Event", str(PA.EventGroup): "Event", SDO + "Event": "Event",
    SDO + "Place": "Place", "http://xmlns.com/foaf/0.1/Person": "Person",
    "http://www.w3.org/ns/org#FormalOrganization": "Organization", str(PA.OrganisationGroup): "Organization",
    str(PA.PublicBody): "GovernmentOrganization", str(PA.Ministry): "GovernmentOrganization",
    str(PA.Alliance): "Organization", str(PA.Drucksache): "CreativeWork", str(PA.Question): "Question",
    str(PA.Expenditure): "MonetaryAmount", str(PA.ExpenditureTotal): "MonetaryAmount",
    SDO + "SoftwareSourceCode": "SoftwareSourceCode", SKOS + "Concept": "DefinedTerm",
}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # the templates do not change during a build: no stat per page
    )
    env.filters["num"] = german_number
    env.filters["money"] = money
    env.filters["val"] = value_html
    # the two fragments of every resource page, in Python (what the loops of Jinja macros made, faster)
    env.globals["props_html"] = props_html
    env.globals["data_links_html"] = data_links_html
    return env


def value_html(v: dict) -> Markup:
    """A value of a page: its German text (linked where it has a page), its English label beside."""
    key = (v["text"], v.get("href"), v.get("lang"), v.get("en"))  # all it shows; the same values recur
    try:
        return _VALUE_HTML[key]
    except (KeyError, TypeError):
        pass
    out = _value_html(v)
    try:
        _VALUE_HTML[key] = out
    except TypeError:
        pass
    return out


_VALUE_HTML: dict[tuple, Markup] = {}


def _value_html(v: dict) -> Markup:
    text = escape(v["text"])
    if v.get("href"):
        out = f'<a href="{escape(v["href"])}">{text}</a>'
    elif v.get("lang"):
        out = f'<span lang="{escape(v["lang"])}">{text}</span>'
    else:
        out = f"<span>{text}</span>"
    if v.get("en"):
        out += f' <span class="en" lang="en">{escape(v["en"])}</span>'
    return Markup(out)


class _Attrs(dict):
    """A dict whose keys a template reads as attributes (`nav.css`) without the failed attribute
    lookup Jinja tries first on a plain dict (the same values: a key named like a dict method,
    `items`, still gives the method, as on a plain dict)."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def props_html(rows: list[dict]) -> Markup:
    """The list of a page's properties (or of what points to it): each with its label, English
    label and compact IRI, then its values."""
    out = ['<dl class="props">\n']
    add = out.append
    for r in rows:
        key = (r["de"], r["href"], r["en"], r["curie"])
        head = _PROP_HEADS.get(key)
        if head is None:
            de = escape(r["de"])
            head = f'<dt><a href="{escape(r["href"])}">{de}</a>' if r["href"] else f"<dt>{de}"
            if r["en"]:
                head += f' <span class="en" lang="en">{escape(r["en"])}</span>'
            head = _PROP_HEADS[key] = head + f' <code class="curie">{escape(r["curie"])}</code></dt>\n'
        add(head)
        for v in r["values"]:
            add(f'<dd class="long">{value_html(v)}</dd>\n' if v.get("long") else f"<dd>{value_html(v)}</dd>\n")
    add("</dl>")
    return Markup("".join(out))


_PROP_HEADS: dict[tuple, str] = {}


def data_links_html(items: list[dict]) -> Markup:
    """The links to a page's data files (Turtle, JSON-LD, N-Triples)."""
    out = ['<ul class="data">\n']
    for d in items:
        t = escape(d["type"])
        out.append(f'<li><a href="{escape(d["href"])}" type="{t}">{escape(d["label"])}</a> <code>{t}</code></li>\n')
    out.append("</ul>")
    return Markup("".join(out))


class SiteBuilder:
    def __init__(self, project, files: dict):
        self.project = project
        self.files = files
        self.ix = Index(project)
        self.env = environment()
        self.out: dict[str, str | bytes] = {}
        self.pages_count = 0
        self._ox_cache: dict = {}
        self._rec_cache: dict[tuple, _Rec] = {}
        self._links: dict[tuple[str, int], tuple] = {}
        self._navs: dict[tuple[int, bool], _Attrs] = {}
        self._json_nodes: dict[tuple, str] = {}
        _VALUE_HTML.clear()  # the fragments' memos hold one build's values at a time
        _PROP_HEADS.clear()
        self._label_recs: dict[str, list[_Rec]] = {}

    # made when a step first needs them (the steps that need `files` need none of them)
    @cached_property
    def spans(self) -> dict:
        return source.passage_spans(self.ix)

    @cached_property
    def questions(self) -> list[URIRef]:
        return sorted(
            (s for s in self.ix.subjects if PA.Question in self.ix.types.get(s, ())),
            key=lambda q: _qkey(self.ix.literal(q, PA.questionNumber) or ""),
        )

    @cached_property
    def _passages(self) -> frozenset:
        """The subjects typed pa:Passage."""
        ix = self.ix
        return frozenset(s for s, types in ix.types.items() if PA.Passage in types)

    @cached_property
    def _passages_part_of(self) -> list[tuple]:
        """Each passage with what it is part of (dcterms:isPartOf)."""
        ix = self.ix
        return [(s, ix.values(s, DCT + "isPartOf")) for s in ix.subjects if PA.Passage in ix.types.get(s, ())]

    @cached_property
    def by_number(self) -> dict:
        return {self.ix.literal(q, PA.questionNumber): q for q in self.questions}

    @cached_property
    def sections(self) -> dict[str, list[dict]]:
        return self._run_queries()

    @cached_property
    def terms(self) -> dict[str, list[URIRef]]:
        return self._vocabulary_terms()

    # ------------------------------------------------------------------ helpers
    def write(self, name: str, content: str | bytes) -> None:
        if name in self.out:
            raise ValueError(f"the site writes {name} twice")
        self.out[name] = content

    def page(self, name: str, template: str, **ctx) -> None:
        ctx.setdefault("alternates", [])
        ctx.setdefault("jsonld", None)
        nav = self._nav(name, absolute=ctx.pop("absolute", False))
        html = self.env.get_template(template).render(page=name, root=root_of(name), nav=nav, **ctx)
        self.write(name, html)
        self.pages_count += 1

    def _nav(self, page: str, absolute: bool = False) -> dict:
        """Links of the page frame; the 404 page, shown at any path, links from the site root."""
        key = (page.count("/"), absolute)  # the same for every page as deep
        hit = self._navs.get(key)
        if hit is None:
            r = (lambda p: "/" + p) if absolute else (lambda p: relative(page, p))  # noqa: E731
            hit = self._navs[key] = _Attrs({
                "home": r("index.html"), "document": r("id/doc/17-7349.html"), "source": r(SOURCE_PAGE),
                "vocab": r("vocab.html"), "sparql": r("sparql.html"), "downloads": r("dataset.html"),
                "search": r("search.html"), "css": r("style.css"), "js": r("search.js"), "searchindex": r("search.json"),
            })
        return hit

    def link(self, term, page: str) -> dict:
        """A value for a template: text (German label), its English label, href (None when no page)."""
        if isinstance(term, Literal):
            return {"text": str(term), "en": "", "href": None, "lang": term.language}
        key = (str(term), page.count("/"))  # labels and href depend on nothing else
        hit = self._links.get(key)
        if hit is None:
            de, en = self.ix.label_pair(term)
            hit = self._links[key] = (de, en, self.ix.href(term, page))
        return {"text": hit[0], "en": hit[1], "href": hit[2], "lang": None}

    # ----------------------------------------------------------------- queries
    def _run_queries(self) -> dict[str, list[dict]]:
        """The question and analysis queries, run once on the in-process engine, by question number."""
        store = self.project.store
        after: dict[str, list[CatalogueQuery]] = defaultdict(list)
        for a in analysis_queries():
            after[a.meta.get("after", "")].append(a)
        out: dict[str, list[dict]] = defaultdict(list)
        for q in question_queries():
            out[q.question].append(self._section("question", q, store.query(q.text, str(q.path))))
            for a in after.get(q.question, []):
                out[q.question].append(self._section("analysis", a, store.query(a.text, str(a.path))))
        return out

    def _section(self, kind: str, cq: CatalogueQuery, answer) -> dict:
        head = cq.columns or answer.vars
        titles = [t.strip() for t in cq.meta.get("Spalten", "").split(",")] if cq.meta.get("Spalten") else []
        if len(titles) != len(answer.vars):
            titles = list(answer.vars)
        rows = [[row.get(v) for v in answer.vars] for row in answer.rows]
        if cq.slug == "analysis-spending-by-month":
            rows = _fill_months(rows)
        return {"kind": kind, "cq": cq, "vars": answer.vars, "titles": titles, "rows": rows,
                "boolean": answer.boolean if answer.kind == "ASK" else None, "head": head}

    def cell(self, var: str, term, page: str) -> dict:
        if term is None:
            return {"text": "", "href": None, "num": False}
        if isinstance(term, URIRef):
            d = self.link(term, page)
            return {"text": d["text"], "href": d["href"], "num": False}
        text = str(term)
        if var.endswith("_eur"):
            try:
                return {"text": money(Decimal(text)), "href": None, "num": True}
            except ArithmeticError:
                pass
        if var == "month" and re.fullmatch(r"\d{4}-\d{2}", text):
            y, m = text.split("-")
            return {"text": f"{MONTHS[int(m) - 1]} {y}", "href": None, "num": False}
        if "year" in var or var in ("position", "step") or var.endswith("_position"):
            return {"text": text, "href": None, "num": True}
        if isinstance(term, Literal) and term.datatype is not None:
            shown = self.ix.format_literal(None, None, term)
            return {"text": shown, "href": None, "num": shown[:1].isdigit() and "." not in shown}
        # a label in a cell links to the one resource that has it as German label
        target = self.label_index.get(text)
        return {"text": text, "href": relative(page, target) if target else None, "num": False}

    def chart(self, section: dict, chart_id: str) -> str | None:
        spec = CHARTS.get(section["cq"].slug)
        if spec is None:
            return None
        label_vars, value_var = spec
        vars_ = section["vars"]
        if value_var not in vars_ or any(v not in vars_ for v in label_vars):
            return None
        labels, values, texts = [], [], []
        for row in section["rows"]:
            r = dict(zip(vars_, row))
            if r.get(value_var) is None:
                return None  # a row without a value: the table alone tells it honestly
            try:
                v = Decimal(str(r[value_var]))
            except ArithmeticError:
                return None
            parts = [_chart_label(self.cell(lv, r.get(lv), "x")["text"]) for lv in label_vars]
            labels.append(" · ".join(p for p in parts if p))
            values.append(float(v))
            texts.append(money(v) if value_var.endswith("_eur") else german_number(v))
        if not labels:
            return None
        cq = section["cq"]
        title = cq.meta.get("Analyse") or f"Frage {cq.question}: {section['titles'][vars_.index(value_var)]}"
        desc = "Balkendiagramm; " + "; ".join(f"{l}: {t}" for l, t in zip(labels, texts))
        return charts.bar_chart(labels, values, title, desc, texts, chart_id)

    # -------------------------------------------------------------- vocabulary
    def _vocabulary_terms(self) -> dict[str, list[URIRef]]:
        ix = self.ix
        out: dict[str, list[URIRef]] = {"classes": [], "properties": [], "schemes": [], "concepts": []}
        for s in ix.subjects:
            if not str(s).startswith(str(PA)):
                continue
            types = {str(t) for t in ix.types.get(s, ())}
            if OWL + "Class" in types:
                out["classes"].append(s)
            elif OWL + "ObjectProperty" in types or OWL + "DatatypeProperty" in types:
                out["properties"].append(s)
            elif SKOS + "ConceptScheme" in types:
                out["schemes"].append(s)
            elif SKOS + "Concept" in types:
                out["concepts"].append(s)
        return out

    # ------------------------------------------------------------------ build
    # The steps of the site in the order of its files. Three need the files the
    # outputs before the site rendered (`files`); the others only the graph, so
    # that a build can render them before those files exist (`render_pages`).
    STEPS = ("static", "dumps", "resources", "vocabulary", "source", "lists", "home", "downloads", "shapes",
             "graphs", "sparql", "search", "404", "deploy")
    NEEDS_FILES = frozenset({"dumps", "downloads", "shapes"})

    def build(self) -> dict[str, str | bytes]:
        return merge_steps(self.run_steps(self.STEPS))

    def run_steps(self, names) -> dict[str, dict[str, str | bytes]]:
        """The files of each of the named steps (in STEPS order), by step."""
        parts = {}
        for name in self.STEPS:
            if name in names:
                self.out = {}
                getattr(self, "_step_" + name.replace("404", "not_found"))()
                parts[name] = self.out
        return parts

    def _step_static(self) -> None:
        self.label_index = self._label_index()
        self.write("style.css", (STATIC / "style.css").read_text(encoding="utf-8"))
        self.write("search.js", (STATIC / "search.js").read_text(encoding="utf-8"))
        self.write("sparql.js", (STATIC / "sparql.js").read_text(encoding="utf-8"))

    def _step_dumps(self) -> None:
        self._copy_dumps()

    def _step_resources(self) -> None:
        ix = self.ix
        for s in ix.subjects:
            iri = str(s)
            page = ix.pages.get(iri)
            if page is None or iri == VOCAB or page.startswith("vocab/") or not page.endswith(".html"):
                continue
            self.resource_page(s, page)

    def _step_vocabulary(self) -> None:
        self.vocabulary_pages()

    def _step_source(self) -> None:
        self.source_page()

    def _step_lists(self) -> None:
        self.list_pages()

    def _step_home(self) -> None:
        self.home_page()

    def _step_downloads(self) -> None:
        self.downloads_page()

    def _step_shapes(self) -> None:
        self.shapes_page()

    def _step_graphs(self) -> None:
        self.graph_pages()

    def _step_sparql(self) -> None:
        self.sparql_page()

    def _step_search(self) -> None:
        self.search_files()

    def _step_not_found(self) -> None:
        self.page("404.html", "404.html", title="Nicht gefunden", absolute=True)

    def _step_deploy(self) -> None:
        for name, content in deploy.render(self).items():
            self.write(name, content)

    def _label_index(self) -> dict[str, str]:
        seen: dict[str, str | None] = {}
        for s in self.ix.subjects:
            page = self.ix.pages.get(str(s))
            lab = self.ix.labels.get(s, {}).get("de")
            if page and lab:
                seen[lab] = page if lab not in seen else None
        return {k: v for k, v in seen.items() if v}

    def _copy_dumps(self) -> None:
        for name, content in sorted(self.files.items()):
            self.write("dist/" + name, content)

    # --- resource pages ----------------------------------------------------
    def resource_description(self, s: URIRef) -> list[tuple]:
        """Its triples, plus the labels of what it links (objects and types)."""
        return [r.triple for r in self._description_records(s)]

    def _description_records(self, s: URIRef) -> list[_Rec]:
        """`resource_description(s)` as records: its own triples', then the labels' of what it
        links (the labels' records made once per linked resource, for every page that links it)."""
        ix = self.ix
        pos = ix.out.get(s, ())
        recs = [_Rec((s, p, o)) for p, o in pos]
        cache = self._rec_cache  # for the named graphs' data files, which hold the same triples
        for r in recs:
            cache.setdefault(r.triple, r)
        own = str(s)
        linked = {str(o) for _p, o in pos if isinstance(o, URIRef)}
        linked.discard(own)
        label_recs = self._label_recs
        for o in sorted(linked):
            hit = label_recs.get(o)
            if hit is None:
                hit = label_recs[o] = [_Rec((term, p, lab), shared=True) for term in (URIRef(o),)
                                       for p, lab in ix.out.get(term, ())
                                       if str(p) in _DESCRIPTION_LABELS and isinstance(lab, Literal)]
            recs.extend(hit)
        return recs

    def _records(self, triples) -> list[_Rec]:
        cache = self._rec_cache
        out = []
        for t in triples:
            r = cache.get(t)
            if r is None:
                r = cache[t] = _Rec(t)
            out.append(r)
        return out

    def data_files(self, base: str, triples: list[tuple], records: list[_Rec] | None = None) -> None:
        """PATH.ttl, PATH.jsonld, PATH.nt of a description, sorted, with the project's prefixes.
        (`records`: the triples as `_Rec`s, when the caller has them.)"""
        recs = self._records(triples) if records is None else records
        prefixes = _prefix_map(recs)
        if any(r.bnode for r in recs):
            g = Graph()
            for r in recs:
                g.add(r.triple)
            self.write(base + ".ttl", dumps.to_turtle(g))
            nt = g.serialize(format="nt")
            nt_lines = {line + "\n" for line in nt.splitlines() if line.strip()}
        else:
            items = sorted(dict.fromkeys(recs), key=_rec_key)
            self._ox_and_nt(items)
            ttl = ox.serialize([r.ox for r in items], format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")
            self.write(base + ".ttl", dumps._header(prefixes) + "\n" + dumps._strip_header(ttl))
            nt_lines = {line for r in items for line in r.nt}
        self.write(base + ".jsonld", _jsonld(recs, prefixes, self._json_nodes))
        self.write(base + ".nt", "".join(sorted(nt_lines)))

    def _ox_and_nt(self, recs: list[_Rec]) -> None:
        """Each record's Oxigraph triple and N-Triples line(s), for those that have none yet
        (one serialization for all of them: N-Triples writes one line per triple, in order)."""
        todo = [r for r in recs if r.nt is None]
        if not todo:
            return
        ox_term = self._ox_term
        for r in todo:
            a, b, c = r.triple
            r.ox = ox.Triple(ox_term(a), ox_term(b), ox_term(c))
        text = ox.serialize([r.ox for r in todo], format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        lines = text.split("\n")
        if len(lines) == len(todo) + 1 and lines[-1] == "":
            for r, line in zip(todo, lines):
                r.nt = tuple(x + "\n" for x in line.splitlines() if x.strip())
        else:  # not one line per triple: each on its own
            for r in todo:
                one = ox.serialize([r.ox], format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
                r.nt = tuple(x + "\n" for x in one.splitlines() if x.strip())

    def _ox_term(self, t):
        hit = self._ox_cache.get(t)
        if hit is None:
            hit = self._ox_cache[t] = dumps._ox(t)
        return hit

    def properties(self, s: URIRef, page: str, skip=()) -> list[dict]:
        ix = self.ix
        groups: dict[URIRef, list] = defaultdict(list)
        for p, o in ix.out.get(s, ()):
            if (type(p) is URIRef and str(p) == _RDF_TYPE) or str(p) in skip:  # p == RDF.type
                continue
            groups[p].append(o)
        rows = []
        for p, objs in groups.items():
            values = []
            for o in objs:
                if isinstance(o, Literal):
                    values.append({"text": ix.format_literal(s, p, o), "en": "", "href": None,
                                   "lang": o.language, "long": len(str(o)) > 200})
                else:
                    d = self.link(o, page)
                    d["long"] = False
                    values.append(d)
            values.sort(key=lambda v: (v["lang"] or "", v["text"]))
            de, en = ix.label_pair(p)
            rows.append({"de": de, "en": en, "href": ix.href(p, page), "curie": ix.curie(p), "values": values})
        rows.sort(key=lambda r: (ORDER.get(r["curie"], 50), r["de"].lower(), r["curie"]))
        return rows

    def inverse(self, s: URIRef, page: str) -> list[dict]:
        ix = self.ix
        groups: dict[URIRef, list] = defaultdict(list)
        for p, o in ix.inv.get(s, ()):
            groups[p].append(o)
        rows = []
        for p, subs in groups.items():
            de, en = INVERSE_LABELS.get(str(p)) or ix.label_pair(p)
            vals = sorted((self.link(x, page) for x in subs), key=lambda v: v["text"])
            rows.append({"de": de, "en": en, "href": ix.href(p, page), "curie": ix.curie(p), "values": vals})
        rows.sort(key=lambda r: (r["curie"] == "prov:wasDerivedFrom", r["de"].lower()))
        return rows

    def provenance(self, s: URIRef, page: str) -> list[dict]:
        ix = self.ix
        out = []
        passages = self._passages
        for p in sorted(ix.values(s, PROV + "wasDerivedFrom"), key=str):
            if p not in passages:  # PA.Passage in ix.types.get(p, ())
                continue
            q = ix.passage_question(p)
            out.append(_Attrs({
                "quote": ix.literal(p, PA.quote) or "",
                "label": ix.label(p),
                "href": relative(page, f"{SOURCE_PAGE}#{source.anchor(p)}") if p in self.spans else None,
                "passage": ix.href(p, page),
                "question": self.link(q, page) if q is not None else None,
                "question_text": ix.literal(q, PA.questionText) if q is not None else None,
            }))
        return out

    def resource_page(self, s: URIRef, page: str) -> None:
        ix = self.ix
        iri = str(s)
        base = page[: -len(".html")]
        recs = self._description_records(s)
        self.data_files(base, [r.triple for r in recs], recs)
        name = base.rsplit("/", 1)[-1]
        de, en = ix.label_pair(s)
        types = [self.link(t, page) for t in ix.types.get(s, ())]
        ctx = {
            "title": de or ix.curie(s), "title_en": en, "iri": iri, "types": types,
            "figure": ix.figure_words(s),
            "props": self.properties(s, page, skip=(str(RDFS.label),)),
            "inverse": self.inverse(s, page),
            "provenance": self.provenance(s, page),
            "data": [_Attrs(href=f"{name}.{ext}", type=mt, label=lab) for ext, mt, lab in DATA_FORMATS],
            "jsonld": self.schema_org(s, page),
            "question": None, "passage": None, "query": None,
        }
        ctx["alternates"] = ctx["data"]
        types_s = {str(t) for t in ix.types.get(s, ())}
        if str(PA.Question) in types_s:
            ctx["question"] = self.question_context(s, page)
        if str(PA.Passage) in types_s and s in self.spans:
            ctx["passage"] = _Attrs(href=relative(page, f"{SOURCE_PAGE}#{source.anchor(s)}"),
                                    quote=ix.literal(s, PA.quote) or "",
                                    question=self.link(ix.passage_question(s), page) if ix.passage_question(s) else None)
        if SDO + "SoftwareSourceCode" in types_s:
            slug = iri.rsplit("/", 1)[-1]
            ctx["query"] = {"editor": relative(page, f"sparql.html#{slug}"), "text": ix.literal(s, SDO + "text") or ""}
        self.page(page, "resource.html", **ctx)

    def schema_org(self, s: URIRef, page: str) -> str:
        ix = self.ix
        kind = "Thing"
        for t in ix.types.get(s, ()):
            if str(t) in SCHEMA_TYPES:
                kind = SCHEMA_TYPES[str(t)]
                break
        d: dict = {"@context": "https://schema.org", "@type": kind, "@id": str(s), "url": str(s)}
        de, en = ix.label_pair(s)
        d["name"] = [{"@value": de, "@language": "de"}] + ([{"@value": en, "@language": "en"}] if en else [])
        comment = ix.literal(s, RDFS.comment) or ix.literal(s, SKOS + "definition")
        if comment:
            d["description"] = comment
        for p, key in ((SDO + "startDate", "startDate"), (SDO + "endDate", "endDate")):
            v = ix.value(s, p)
            if v is not None:
                d[key] = str(v)
        for p, key in ((SDO + "location", "location"), (SDO + "organizer", "organizer"),
                       (SDO + "containedInPlace", "containedInPlace"), (SDO + "superEvent", "superEvent")):
            vals = [{"@id": str(o), "name": ix.label(o)} for o in ix.values(s, p) if isinstance(o, URIRef)]
            if vals:
                d[key] = vals if len(vals) > 1 else vals[0]
        if kind == "MonetaryAmount":
            v = ix.value(s, SDO + "value")
            if v is not None:
                d["value"] = float(Decimal(str(v)))
                d["currency"] = ix.literal(s, SDO + "currency") or "EUR"
        derived = [{"@id": str(p)} for p in ix.values(s, PROV + "wasDerivedFrom")]
        if derived:
            d["isBasedOn"] = derived
        text = json.dumps(d, ensure_ascii=False, indent=1, sort_keys=True)
        return text.replace("</", "<\\/")

    # --- questions -------------------------------------------------------------
    def question_context(self, q: URIRef, page: str) -> dict:
        ix = self.ix
        number = ix.literal(q, PA.questionNumber) or ""
        sections = []
        for i, sec in enumerate(self.sections.get(number, [])):
            cq = sec["cq"]
            rows = [[self.cell(v, t, page) for v, t in zip(sec["vars"], row)] for row in sec["rows"]]
            chart = self.chart(sec, f"chart-{cq.slug}")
            sections.append({
                "kind": sec["kind"], "slug": cq.slug,
                "title": (f"Antwort aus der Abfrage {cq.path.name}" if sec["kind"] == "question"
                          else f"Analyse: {cq.meta.get('Analyse', cq.slug)}"),
                "title_en": cq.meta.get("analysis", ""), "summary": cq.meta.get("summary", ""),
                "titles": sec["titles"], "rows": rows, "boolean": sec["boolean"], "chart": chart,
                "sparql": cq.text, "editor": relative(page, f"sparql.html#{cq.slug}"),
                "file": relative(page, f"dist/queries/{cq.path.name}"),
                "resource": ix.href(cq.iri, page),
            })
        answers = [self.link(a, page) for p, a in ix.inv.get(q, ()) if str(p) == str(PA.answers)]
        parts = [self.link(x, page) for x in ix.values(q, DCT + "hasPart")]
        return {
            "number": number,
            "text_de": ix.literal(q, PA.questionText, "de") or "",
            "text_en": ix.literal(q, PA.questionText, "en") or "",
            "sections": sections, "answers": answers, "parts": parts,
            "related": self.related(q, page),
            "source": relative(page, f"{SOURCE_PAGE}#frage-{re.sub(r'[a-z]+$', '', number)}"),
        }

    def related(self, q: URIRef, page: str) -> list[dict]:
        """The resources derived from the passages of the question's answer, and what they are about, by kind."""
        ix = self.ix
        parts = {a for p, a in ix.inv.get(q, ()) if str(p) == str(PA.answers)} | {q}
        passages = {s for s, whole in self._passages_part_of if any(x in parts for x in whole)}
        found = set()
        for psg in passages:
            for p, s in ix.inv.get(psg, ()):
                if str(p) == PROV + "wasDerivedFrom":
                    found.add(s)
        for s in list(found):
            for p in (PA.paidFor, PA.figureOf, SDO + "about"):
                for o in ix.values(s, p):
                    if isinstance(o, URIRef) and str(o) in ix.pages:
                        found.add(o)
        groups: dict[str, list] = defaultdict(list)
        for s in found:
            kind = ix.kind_of(str(s))
            if kind is not None and str(s) in ix.pages:
                groups[kind].append(self.link(s, page))
        out = []
        for prefix, de, en in KINDS:
            if prefix in groups and prefix != "doc/17-7349/passage/":
                out.append({"de": de, "en": en, "items": sorted(groups[prefix], key=lambda v: v["text"])})
        return out

    # --- the source page -----------------------------------------------------
    def source_page(self) -> None:
        ix, page = self.ix, SOURCE_PAGE
        raw = provenance.raw_source()
        pieces = source.render_text(
            raw, self.spans,
            href_of=lambda p: ix.href(p, page) or "#",
            title_of=lambda p: "Fundstelle: " + ix.label(p),
        )
        # sections: the cover and preliminary remark, then each question with its answer
        starts = []
        for q in self.questions:
            number = ix.literal(q, PA.questionNumber)
            if not re.search(r"[a-z]$", number or ""):  # sub-questions (6a, 6b) stand inside their question
                psgs = [p for p in ix.values(q, PROV + "wasDerivedFrom") if p in self.spans]
                if psgs:
                    starts.append((min(self.spans[p][0] for p in psgs), q, number))
        starts.sort()
        bounds = [(0, None, None)] + starts
        sections = []
        cur = {"id": "deckblatt", "title": "Deckblatt und Vorbemerkung", "title_en": "Cover and preliminary remark",
               "html": [], "question": None, "passages": []}
        bi = 1
        for at, depth, closing, rest in pieces:
            cur["html"].append(closing)
            while bi < len(bounds) and at >= bounds[bi][0] and depth == 0:
                sections.append(cur)
                _start, q, number = bounds[bi]
                cur = {"id": f"frage-{number}", "title": f"Frage {number} und Antwort",
                       "title_en": f"Question {number} and answer", "html": [],
                       "question": {"href": ix.href(q, page), "label": ix.label(q)}, "passages": []}
                bi += 1
            cur["html"].append(rest)
        sections.append(cur)
        # per section: its passages, each with the resources derived from it
        by_start = sorted(self.spans.items(), key=lambda kv: (kv[1][0], -kv[1][1], str(kv[0])))
        edges = [b[0] for b in bounds[1:]]
        for p, (a, _b) in by_start:
            idx = sum(1 for e in edges if a >= e)
            derived = sorted((self.link(s, page) for pr, s in ix.inv.get(p, ()) if str(pr) == PROV + "wasDerivedFrom"),
                             key=lambda v: v["text"])
            sections[idx]["passages"].append({"anchor": source.anchor(p), "label": ix.label(p),
                                              "href": ix.href(p, page), "derived": derived})
        for sec in sections:
            sec["html"] = Markup("".join(sec["html"]))
        self.page(page, "source.html", title="Drucksache 17/7349 im Wortlaut", sections=sections,
                  passages=len(self.spans), document=ix.href(config.DOC, page),
                  raw=relative(page, "dist/source/drucksache-17-7349.txt"))
        self.write("dist/source/drucksache-17-7349.txt", raw)

    # --- lists and home ----------------------------------------------------------
    def kind_members(self) -> dict[str, list[URIRef]]:
        members: dict[str, list[URIRef]] = defaultdict(list)
        for s in self.ix.subjects:
            k = self.ix.kind_of(str(s))
            if k is not None and str(s) in self.ix.pages:
                members[k].append(s)
        return members

    def list_pages(self) -> None:
        self.lists = []
        members = self.kind_members()
        for prefix, de, en in KINDS:
            items = members.get(prefix, [])
            if not items:
                continue
            name = "list/" + prefix.strip("/").replace("/", "-") + ".html"
            self.lists.append({"prefix": prefix, "de": de, "en": en, "page": name, "count": len(items)})
            entries = sorted((self._entry(s, name) for s in items), key=lambda e: (e["sort"], e["text"]))
            self.page(name, "list.html", title=de, title_en=en, entries=entries)

    def _entry(self, s: URIRef, page: str) -> dict:
        d = self.link(s, page)
        start = self.ix.value(s, SDO + "startDate")
        d["date"] = german_date(start.toPython()) if isinstance(start, Literal) and start.datatype is not None else ""
        d["sort"] = str(start) if start is not None else "9999"
        d["types"] = ", ".join(self.ix.label(t) for t in self.ix.types.get(s, ()))
        fig = self.ix.figure_words(s)
        d["figure"] = fig[0] if fig else ""
        return d

    def home_page(self) -> None:
        ix, page = self.ix, "index.html"
        questions = []
        for q in self.questions:
            number = ix.literal(q, PA.questionNumber)
            d = self.link(q, page)
            d["number"] = number
            d["sub"] = bool(re.search(r"[a-z]$", number or ""))
            questions.append(d)
        counts = {
            "triples": german_number(len(self.project.union)),
            "resources": german_number(sum(1 for s in ix.subjects if str(s).startswith(str(config.ID)))),
            "passages": german_number(len(self.spans)),
            "terms": german_number(sum(len(v) for v in self.terms.values())),
        }
        lists = [dict(l, href=relative(page, l["page"]), count=german_number(l["count"])) for l in self.lists]
        self.page(page, "home.html", title="Packt Niedersachsen an? – Drucksache 17/7349 als verknüpfte Daten",
                  questions=questions, counts=counts, lists=lists,
                  document=self.link(config.DOC, page))

    def downloads_page(self) -> None:
        page = "dataset.html"
        rows = []
        for name, content in sorted(self.files.items()):
            data = content.encode("utf-8") if isinstance(content, str) else content
            suffix = Path(name).suffix
            rows.append({"name": name, "href": relative(page, "dist/" + name), "size": german_number(len(data)),
                         "sha256": hashlib.sha256(data).hexdigest(),
                         "media": DUMP_MEDIA.get(suffix, "application/octet-stream")})
        if "void.ttl" in self.files:
            self.write("dataset.ttl", self.files["void.ttl"])
        self.page(page, "downloads.html", title="Daten herunterladen", title_en="Downloads", rows=rows,
                  licence=LICENCE, triples=german_number(len(self.project.union)),
                  alternates=[{"href": "dataset.ttl", "type": "text/turtle", "label": "VoID/DCAT (Turtle)"}]
                  if "void.ttl" in self.files else [])

    def shapes_page(self) -> None:
        from rdflib import Namespace

        SH = Namespace("http://www.w3.org/ns/shacl#")
        shapes = self.project.shapes
        page = "shapes.html"
        items = []
        for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
            target = shapes.value(shape, SH.targetClass)
            items.append({"id": str(shape).rsplit("#", 1)[-1], "target": self.link(target, page) if target else None,
                          "de": _lang(shapes, shape, RDFS.comment, "de"), "en": _lang(shapes, shape, RDFS.comment, "en"),
                          "constraints": self.constraints(shape, page)})
        if "shapes.ttl" in self.files:
            self.write("shapes.ttl", self.files["shapes.ttl"])
        self.page(page, "shapes.html", title="Formen (SHACL)", title_en="Shapes (SHACL)", shapes=items,
                  alternates=[{"href": "shapes.ttl", "type": "text/turtle", "label": "Turtle"}] if "shapes.ttl" in self.files else [])

    def constraints(self, shape, page: str) -> list[dict]:
        from rdflib import Namespace

        SH = Namespace("http://www.w3.org/ns/shacl#")
        shapes = self.project.shapes
        out = []
        for ps in shapes.objects(shape, SH.property):
            path = shapes.value(ps, SH.path)
            if isinstance(path, URIRef):
                shown = self.link(path, page)
            else:  # a path of several steps (a list, an inverse): in SHACL's own words
                shown = {"text": self.path_words(shapes, path), "href": None, "en": "", "lang": None}
            out.append({"path": shown,
                        "de": _lang(shapes, ps, SH.message, "de") or _lang(shapes, ps, SH.description, "de"),
                        "en": _lang(shapes, ps, SH.message, "en") or _lang(shapes, ps, SH.description, "en"),
                        "path_iri": str(path) if isinstance(path, URIRef) else shown["text"]})
        node_msg = _lang(shapes, shape, SH.message, "de")
        if node_msg:
            out.insert(0, {"path": {"text": "Bezeichner", "href": None, "en": "", "lang": None}, "de": node_msg,
                           "en": _lang(shapes, shape, SH.message, "en"), "path_iri": ""})
        out.sort(key=lambda c: (c["path_iri"], c["de"]))
        return out

    def path_words(self, shapes, path) -> str:
        """A SHACL property path as text: `a / b` for a sequence, `^a` for an inverse path."""
        from rdflib import Namespace
        from rdflib.collection import Collection

        SH = Namespace("http://www.w3.org/ns/shacl#")
        if isinstance(path, URIRef):
            return self.ix.curie(path)
        inverse = shapes.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + self.path_words(shapes, inverse)
        alternatives = shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            return " | ".join(self.path_words(shapes, step) for step in Collection(shapes, alternatives))
        if shapes.value(path, RDF.first) is not None:
            return " / ".join(self.path_words(shapes, step) for step in Collection(shapes, path))
        for key in ("zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
            inner = shapes.value(path, SH[key])
            if inner is not None:
                return self.path_words(shapes, inner) + {"zeroOrMorePath": "*", "oneOrMorePath": "+", "zeroOrOnePath": "?"}[key]
        return "(Pfad)"

    def graph_pages(self) -> None:
        self.graphs = []
        for g_iri in sorted(self.project.named, key=str):
            page = self.ix.page_path(str(g_iri))
            if page is None:
                continue
            triples = self.project.named[g_iri]
            base = page[: -len(".html")]
            self.data_files(base, triples)
            subjects = sorted({s for s, _p, _o in triples if isinstance(s, URIRef)}, key=str)
            rest = str(g_iri)[len(config.GRAPH):]
            name = base.rsplit("/", 1)[-1]
            self.graphs.append({"iri": str(g_iri), "page": page, "count": len(triples)})
            self.page(page, "graph.html", title=f"Benannter Graph {rest}", iri=str(g_iri), file=rest + ".ttl",
                      count=german_number(len(triples)),
                      subjects=sorted((self.link(s, page) for s in subjects), key=lambda v: v["text"]),
                      data=[{"href": f"{name}.{ext}", "type": mt, "label": lab} for ext, mt, lab in DATA_FORMATS],
                      alternates=[{"href": f"{name}.{ext}", "type": mt, "label": lab} for ext, mt, lab in DATA_FORMATS])

    def sparql_page(self) -> None:
        page = "sparql.html"
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(config.PREFIXES.items()))
        queries = []
        for number, secs in sorted(self.sections.items(), key=lambda kv: _qkey(kv[0])):
            for sec in secs:
                cq = sec["cq"]
                title = (f"Frage {number}" if sec["kind"] == "question" else f"Analyse: {cq.meta.get('Analyse', cq.slug)}")
                queries.append({"slug": cq.slug, "title": title, "file": cq.path.name, "text": cq.text,
                                "resource": self.ix.href(cq.iri, page)})
        default = prefixes + "\nSELECT ?s ?label WHERE {\n  ?s a pa:RegionalConference ; rdfs:label ?label .\n  FILTER(LANG(?label) = \"de\")\n} ORDER BY ?label\n"
        self.page(page, "sparql.html", title="SPARQL-Abfrage", title_en="SPARQL query", queries=queries,
                  default=default, endpoint=relative(page, "query"))

    def search_files(self) -> None:
        ix = self.ix
        from .index import SEARCH_PREDICATES

        entries = []
        for s in ix.subjects:
            page = ix.pages.get(str(s))
            if page is None or not page.endswith(".html"):
                continue
            labels = sorted({str(o) for p, o in ix.out.get(s, ()) if str(p) in SEARCH_PREDICATES and isinstance(o, Literal)})
            if not labels:
                continue
            kind = ", ".join(ix.label(t) for t in ix.types.get(s, ()))
            entries.append([ix.label(s), page, kind, [l for l in labels if l != ix.label(s)]])
        entries.sort(key=lambda e: (e[0].lower(), e[1]))
        self.write("search.json", json.dumps(entries, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.page("search.html", "search.html", title="Suche", title_en="Search", count=len(entries),
                  lists=[dict(l, href=l["page"]) for l in self.lists])

    def vocabulary_pages(self) -> None:
        ix = self.ix
        page = "vocab.html"
        onto = URIRef(VOCAB)
        groups = []
        for key, de, en in (("classes", "Klassen", "Classes"), ("properties", "Eigenschaften", "Properties"),
                            ("schemes", "Konzeptschemata", "Concept schemes")):
            items = []
            for t in sorted(self.terms[key], key=lambda t: ix.label(t).lower()):
                d = self.link(t, page)
                d["id"] = str(t).rsplit("#", 1)[-1]
                d["comment"] = ix.literal(t, RDFS.comment) or ""
                items.append(d)
            groups.append({"key": key, "de": de, "en": en, "items": items})
        concepts = []
        for c in sorted(self.terms["concepts"], key=str):
            scheme = ix.value(c, SKOS + "inScheme")
            d = self.link(c, page)
            d["id"] = str(c).rsplit("#", 1)[-1]
            d["scheme"] = self.link(scheme, page) if scheme is not None else None
            concepts.append(d)
        self.data_files("vocab", list(self.project.ontology))
        self.page(page, "vocab.html", title=ix.label(onto), title_en=ix.label(onto, "en"),
                  props=self.properties(onto, page, skip=(str(RDFS.label),)), groups=groups, concepts=concepts,
                  alternates=[{"href": "vocab.ttl", "type": "text/turtle", "label": "Turtle"}])
        supers: dict = defaultdict(set)  # rdfs:subClassOf, transitively
        for c, sup in self.project.ontology.subject_objects(RDFS.subClassOf):
            supers[c].add(sup)
        changed = True
        while changed:
            changed = False
            for c in list(supers):
                more = set().union(*(supers.get(x, set()) for x in supers[c])) - supers[c]
                if more:
                    supers[c] |= more
                    changed = True
        usage_class = Counter()
        for s in ix.subjects:
            classes = set(ix.types.get(s, ()))
            for t in list(classes):
                classes |= supers.get(t, set())
            usage_class.update(classes)
        usage_prop = Counter(p for pos in ix.out.values() for p, _o in pos)  # each triple of the union once
        examples_class: dict = defaultdict(list)
        for s in ix.subjects:
            for t in ix.types.get(s, ()):
                examples_class[t].append(s)
        examples_prop: dict = defaultdict(list)
        for s in ix.subjects:
            for p, _o in ix.out[s]:
                if str(p).startswith(str(PA)) and (not examples_prop[p] or examples_prop[p][-1] != s):
                    examples_prop[p].append(s)
        shape_of: dict = defaultdict(list)
        from rdflib import Namespace

        SH = Namespace("http://www.w3.org/ns/shacl#")
        shapes = self.project.shapes
        for shape in shapes.subjects(SH.targetClass, None):
            for cls in shapes.objects(shape, SH.targetClass):
                shape_of[cls].append(shape)
        prop_shapes: dict = defaultdict(list)
        for ps, path in shapes.subject_objects(SH.path):
            if isinstance(path, URIRef):
                prop_shapes[path].append(ps)
        for key in ("classes", "properties", "schemes", "concepts"):
            for t in self.terms[key]:
                tpage = ix.pages[str(t)]
                ctx = {"term": t, "iri": str(t), "curie": ix.curie(t), "kind": key}
                de, en = ix.label_pair(t)
                ctx.update(title=de, title_en=en,
                           comment_de=ix.literal(t, RDFS.comment, "de") or ix.literal(t, SKOS + "definition", "de") or "",
                           comment_en=ix.literal(t, RDFS.comment, "en") or ix.literal(t, SKOS + "definition", "en") or "",
                           types=[self.link(x, tpage) for x in ix.types.get(t, ())],
                           props=self.properties(t, tpage, skip=(str(RDFS.label), str(RDFS.comment), SKOS + "prefLabel", SKOS + "definition")),
                           inverse=self.inverse(t, tpage), vocab=relative(tpage, f"vocab.html#{str(t).rsplit('#', 1)[-1]}"))
                if key == "classes":
                    ctx["usage"] = usage_class.get(t, 0)
                    ex = sorted(examples_class.get(t, []), key=str)[:8]
                    ctx["constraints"] = [c for sh in sorted(shape_of.get(t, []), key=str) for c in self.constraints(sh, tpage)]
                elif key == "properties":
                    ctx["usage"] = usage_prop.get(t, 0)
                    ex = examples_prop.get(t, [])[:8]
                    ctx["constraints"] = [
                        {"path": self.link(t, tpage), "de": _lang(shapes, ps, SH.message, "de") or _lang(shapes, ps, SH.description, "de"),
                         "en": _lang(shapes, ps, SH.message, "en") or _lang(shapes, ps, SH.description, "en"), "path_iri": str(t)}
                        for ps in sorted(prop_shapes.get(t, []), key=lambda n: (_lang(shapes, n, SH.message, "de"), _lang(shapes, n, SH.message, "en"), _lang(shapes, n, SH.description, "de")))]
                elif key == "schemes":
                    members = sorted((c for c in self.terms["concepts"] if ix.value(c, SKOS + "inScheme") == t), key=str)
                    ctx["usage"] = len(members)
                    ex = members
                    ctx["constraints"] = []
                else:
                    ctx["usage"] = sum(1 for p, _s in ix.inv.get(t, ()) if str(p) != SKOS + "hasTopConcept")
                    ex = sorted({s for p, s in ix.inv.get(t, ())}, key=str)[:8]
                    ctx["constraints"] = []
                ctx["examples"] = [self.link(x, tpage) for x in ex]
                ctx["alternates"] = [{"href": relative(tpage, "vocab.ttl"), "type": "text/turtle", "label": "Turtle (Vokabular)"}]
                self.page(tpage, "term.html", **ctx)


# What to chart: query -> (label columns, value column). Each chart has one
# bar per row of its table; a query whose rows are not all quantities (e.g.
# question 8, whose first row is "nicht ermittelbar") is not charted.
CHARTS = {
    "q07-finanzierung": (["year"], "amount_eur"),
    "q09-kosten-veranstaltungen": (["date", "item"], "amount_eur"),
    "q10-weitere-kosten": (["item"], "amount_eur"),
    "analysis-spending-by-month": (["month"], "amount_eur"),
    "analysis-spending-by-kind": (["kind"], "amount_eur"),
    "analysis-regional-conferences": (["grouping", "name"], "conferences"),
    "analysis-cost-per-participant": (["target"], "spending_per_participant_eur"),
}

# How a link reads backwards, where the forward label would mislead ("Unterklasse von" -> "Unterklassen").
INVERSE_LABELS = {
    "http://www.w3.org/2000/01/rdf-schema#subClassOf": ("Unterklassen", "subclasses"),
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf": ("Untereigenschaften", "subproperties"),
    "http://www.w3.org/2000/01/rdf-schema#domain": ("Eigenschaften dieser Klasse (Definitionsbereich)", "properties with this domain"),
    "http://www.w3.org/2000/01/rdf-schema#range": ("Eigenschaften mit Werten dieser Klasse", "properties with this range"),
    SKOS + "inScheme": ("Konzepte des Schemas", "concepts of the scheme"),
    DCT + "isPartOf": ("Teile", "parts"),
    DCT + "hasPart": ("Teil von", "part of"),
    str(PA.figureOf): ("Zahlen dazu", "figures about it"),
    str(PA.paidFor): ("Ausgaben dafür", "spending on it"),
}

ORDER = {"rdfs:comment": 1, "skos:definition": 1, "pa:quote": 0, "pa:questionText": 0, "schema:startDate": 2,
         "schema:endDate": 3, "schema:location": 4, "schema:organizer": 5, "prov:wasDerivedFrom": 99}


def _jsonld(recs: list[_Rec], prefixes: dict[str, str], memo: dict | None = None) -> str:
    """The JSON-LD document of the records: one node per subject, in order of subjects, each
    written on its own (the same text as the whole document written at once). `memo`: the
    written nodes of shared records (the labels of linked resources), by the records."""
    groups: dict[str, list[_Rec]] = {}
    for r in recs:
        g = groups.get(r.skey)
        if g is None:
            g = groups[r.skey] = []
        g.append(r)
    nodes = []
    for key in sorted(groups):
        g = groups[key]
        if memo is not None and all(r.shared for r in g):
            ids = tuple(map(id, g))
            text = memo.get(ids)
            if text is None:
                text = memo[ids] = _node_json(g)
            nodes.append(text)
        else:
            nodes.append(_node_json(g))
    return '{"@context":' + _compact_json(prefixes) + ',"@graph":[' + ",".join(nodes) + "]}\n"


def _node_json(g: list[_Rec]) -> str:
    out: dict = {"@id": g[0].subject}
    types = [r.value for r in g if r.is_type]
    if types:
        out["@type"] = sorted(types)
    props: dict[str, list] = {}
    for r in g:
        if not r.is_type:
            props.setdefault(r.pred, []).append(r.vkv)
    for k in sorted(props):
        out[k] = [v for _k, v in sorted(props[k], key=_first)]
    return _compact_json(out)


def _compact_json(o) -> str:
    return json.dumps(o, ensure_ascii=False, separators=(",", ":"))


def _first(kv):
    return kv[0]


_NAMESPACES = sorted(((str(ns), p) for p, ns in config.PREFIXES.items()), key=lambda x: -len(x[0]))
_RDF_TYPE = str(RDF.type)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_DESCRIPTION_LABELS = (str(RDFS.label), SKOS + "prefLabel")


@lru_cache(maxsize=None)
def _namespaces_of(iri: str) -> tuple[str, ...]:
    return tuple(p for ns, p in _NAMESPACES if iri.startswith(ns))


_KIND_OF_TYPE: dict[type, str] = {}


def _kind(t) -> str:
    """"iri", "literal", "bnode" or "" (isinstance against rdflib's classes, once per type)."""
    k = _KIND_OF_TYPE.get(type(t))
    if k is None:
        k = _KIND_OF_TYPE[type(t)] = ("iri" if isinstance(t, URIRef) else "literal" if isinstance(t, Literal)
                                      else "bnode" if isinstance(t, BNode) else "")
    return k


def _kind_prefixes(t, kind: str) -> tuple[str, ...]:
    """The prefixes of the namespaces a term of that kind uses (an IRI's, a literal's datatype's)."""
    if kind == "iri":
        return _namespaces_of(str(t))
    if kind == "literal" and t.datatype is not None:
        return _namespaces_of(str(t.datatype))
    return ()


def _prefix_map(recs) -> dict[str, str]:
    used: set[str] = set()
    for r in recs:
        used.update(r.prefixes)
    return {p: _PREFIX_IRIS[p] for p in sorted(used)}


_PREFIX_IRIS = {p: str(ns) for p, ns in config.PREFIXES.items()}


class _Rec:
    """What the data files of a description need of one triple, worked out once: its sort key,
    prefixes, JSON-LD node key, key and value (with the value's sort key), Oxigraph triple and
    N-Triples line(s) (these two filled in by `SiteBuilder._ox_and_nt`)."""

    __slots__ = ("triple", "key", "prefixes", "bnode", "skey", "subject", "is_type", "pred", "value", "vkv", "ox", "nt",
                 "shared")

    def __init__(self, t: tuple, shared: bool = False):
        s, p, o = t
        self.triple = t
        self.shared = shared  # held for the whole build (by SiteBuilder._label_recs)
        s_str, p_str, o_str = str(s), str(p), str(o)
        ks, kp, ko = _kind(s), _kind(p), _kind(o)
        self.is_type = is_type = type(p) is URIRef and p_str == _RDF_TYPE  # p == RDF.type
        lit = ko == "literal"
        # subject, rdf:type first, predicate, then literals after IRIs by text, language, datatype
        self.key = (s_str, not is_type, p_str, lit, o_str, (o.language or "") if lit else "",
                    str(o.datatype or "") if lit else "")
        self.prefixes = _kind_prefixes(s, ks) + _kind_prefixes(p, kp) + _kind_prefixes(o, ko)
        self.bnode = "bnode" in (ks, kp, ko)
        self.skey = s_str
        self.subject = str(_curie(s_str))
        self.ox = None
        self.nt = None
        if is_type:
            self.pred = None
            self.value = str(_curie(o_str))
            self.vkv = None
            return
        self.pred = str(_curie(p_str))
        if ko == "iri":
            v = {"@id": str(_curie(o_str))}
            k = (0, v["@id"], "", "")
        elif o.language:
            v = {"@value": str(o), "@language": o.language}
            k = (2, v["@value"], o.language, "")
        elif o.datatype is not None and str(o.datatype) != _XSD_STRING:
            v = {"@value": str(o), "@type": str(_curie(o.datatype))}
            k = (2, v["@value"], "", v["@type"])
        else:
            v = str(o)
            k = (1, v, "", "")
        self.value = v
        self.vkv = (k, v)


def _rec_key(r: _Rec) -> tuple:
    return r.key


def _chart_label(text: str) -> str:
    """A shorter label for a bar: "Ausgaben Auftaktveranstaltung (7. Januar 2016)" -> "Auftaktveranstaltung";
    the city of a regional conference stays in sight."""
    text = re.sub(r"^Ausgaben (für |im Haushaltsjahr )?", "", text)
    text = text.replace("Regionale Integrationskonferenz", "Regionalkonferenz")
    return re.sub(r" \([^()]*\d{4}\)$", "", text)


def _lang(g, s, p, lang):
    for o in g.objects(s, p):
        if isinstance(o, Literal) and o.language == lang:
            return str(o)
    return ""


def _qkey(number: str):
    m = re.match(r"(\d+)(.*)", number or "")
    return (int(m.group(1)), m.group(2)) if m else (999, number or "")


def _fill_months(rows: list[list]) -> list[list]:
    """The month table with every month between the first and the last, months without spending as 0."""
    dated = {str(r[0]): r for r in rows if r and r[0] is not None and re.fullmatch(r"\d{4}-\d{2}", str(r[0]))}
    if not dated:
        return rows
    first, last = min(dated), max(dated)
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        key = f"{y:04d}-{m:02d}"
        out.append(dated.get(key) or [Literal(key), Literal(0), Literal("0.00")])
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out + [r for r in rows if str(r[0]) not in dated]


def merge_steps(parts: dict[str, dict]) -> dict[str, str | bytes]:
    """The files of the steps, in the order of STEPS; a name written by two steps is an error."""
    out: dict[str, str | bytes] = {}
    for name in SiteBuilder.STEPS:
        part = parts[name]
        clash = out.keys() & part.keys()
        if clash:
            raise ValueError(f"the site writes {sorted(clash)} twice")
        out.update(part)
    return out


def _named(built: dict) -> dict[str, str | bytes]:
    return {(name if name.startswith("deploy/") else "site/" + name): content for name, content in built.items()}


def render_pages(project) -> dict[str, dict]:
    """The steps of the site that need only the graph, by step (see `render`'s `pages`)."""
    builder = SiteBuilder(project, {})
    return builder.run_steps([s for s in SiteBuilder.STEPS if s not in SiteBuilder.NEEDS_FILES])


def render(project, result, files=None, pages: dict[str, dict] | None = None) -> dict[str, str | bytes]:
    """site/…: every page, description, chart and index of the web site; deploy/… the server rules.

    `pages`: what `render_pages(project)` gave, rendered earlier (or elsewhere); only the
    steps that need `files` are rendered then."""
    builder = SiteBuilder(project, dict(files or {}))
    if pages is None:
        return _named(builder.build())
    parts = dict(pages)
    parts.update(builder.run_steps(SiteBuilder.NEEDS_FILES))
    return _named(merge_steps(parts))
