"""dist/json/: one plain JSON file per kind of thing, framed from the graph.

Each file is JSON-LD 1.1 (it carries its context inline) that reads as plain
JSON: the things of one kind under "data", sorted by "id" (a full IRI), with
"web" (the page at the public base), "type" (always a list, with the
general kind first-class: every file of events has "Event" in every "type"),
labels as {"de": …, "en": …}, ISO dates as strings, money as
"money": {"amount": 75739.24, "currency": "EUR"} (a JSON-LD nest: amount and
currency stay properties of the thing itself), every key that can hold more
than one value always a list, and linked things as {"id", "label"}.

The files are made by JSON-LD framing (PyLD): the things of a kind and the
labels of what they link to are taken from the graph, converted to expanded
JSON-LD, framed with a frame that embeds every linked thing as {id, label},
and compacted with a context generated from what the kind uses. Two things
are done around framing, both for readers of plain JSON: decimal amounts are
written as JSON numbers exactly as the graph writes them (75739.24, never a
binary float's rounding), and lists are sorted, so that the same graph
always gives the same bytes.

A JSON-LD processor reads an amount as a JSON number (JSON-LD maps a
non-integral number to xsd:double); the exact xsd:decimal is in the dumps.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from . import config
from .dumps import value_kinds

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PA = config.PA


@dataclass(frozen=True)
class Kind:
    name: str  # the file: json/<name>.json
    general: URIRef  # the general kind every thing of the file has in "type"
    seeds: tuple  # its members: instances of these classes and their subclasses
    title_de: str
    title_en: str


KINDS = (
    Kind("events", PA.Event, (PA.Event,), "Veranstaltungen", "Events"),
    Kind(
        "organisations",
        ORG.Organization,
        (ORG.Organization, ORG.FormalOrganization, ORG.OrganizationalUnit, ORG.OrganizationalCollaboration, FOAF.Group),
        "Organisationen",
        "Organisations",
    ),
    Kind("people", FOAF.Person, (FOAF.Person,), "Personen", "People"),
    Kind("places", SCHEMA.Place, (SCHEMA.Place,), "Orte", "Places"),
    Kind("measures", PA.Measure, (PA.Measure,), "Maßnahmen", "Measures"),
    Kind("proposals", PA.Proposal, (PA.Proposal,), "Lösungsvorschläge", "Proposals"),
    Kind("expenditures", PA.MonetaryFigure, (PA.MonetaryFigure,), "Ausgaben und Haushaltsmittel", "Expenditures and budgets"),
    Kind("figures", PA.Figure, (PA.Count,), "Zahlenangaben", "Figures"),
    Kind("passages", PA.Passage, (PA.Passage,), "Fundstellen", "Passages"),
    Kind("questions", PA.Question, (PA.Question,), "Fragen", "Questions"),
)

# Keys with a fixed meaning in every file.
WEB = FOAF.page  # "web": the page of a thing at the public base
RESERVED = {"id", "type", "data", "web", "label", "money", "amount", "currency", "value"}
_DECIMAL_MARK = "\u0000decimal:"


def web_url(iri: str) -> str:
    """The page of an IRI of the graph at the public base (same path)."""
    if not iri.startswith(config.BASE):
        raise ValueError(f"not an IRI of the graph: {iri}")
    return config.PUBLIC_BASE + iri[len(config.BASE):]


def subclasses(g: Graph, seeds) -> set[URIRef]:
    out, todo = set(), list(seeds)
    while todo:
        c = todo.pop()
        if c in out:
            continue
        out.add(c)
        todo.extend(s for s in g.subjects(RDFS.subClassOf, c) if isinstance(s, URIRef))
    return out


def members(g: Graph, kind: Kind) -> list[URIRef]:
    classes = subclasses(g, kind.seeds)
    return sorted({s for c in classes for s in g.subjects(RDF.type, c) if isinstance(s, URIRef)}, key=str)


class Index:
    """The graph's triples by subject, read from rdflib's store once for every kind."""

    def __init__(self, g: Graph):
        self.triples = list(g)
        out: dict = defaultdict(list)
        self.sub: dict = defaultdict(set)  # class -> its direct subclasses
        self.instances: dict = defaultdict(set)  # class -> its instances
        for s, p, o in self.triples:
            out[s].append((p, o))
            if isinstance(s, URIRef):
                if p == _SUBCLASS:
                    self.sub[o].add(s)
                elif p == _TYPE:
                    self.instances[o].add(s)
        self.out = out

    def objects(self, s, p) -> list:
        return [o for q, o in self.out.get(s, ()) if q == p]

    def members(self, kind: Kind) -> list[URIRef]:
        """As `members`: instances of the kind's classes and their subclasses, sorted."""
        classes, todo = set(), list(kind.seeds)
        while todo:
            c = todo.pop()
            if c not in classes:
                classes.add(c)
                todo.extend(self.sub.get(c, ()))
        return sorted({s for c in classes for s in self.instances.get(c, ())}, key=str)

    def labels(self, node) -> list[Literal]:
        """rdfs:label, or skos:prefLabel (a sub-property of it) where a concept has no rdfs:label."""
        found = self.objects(node, _LABEL) or self.objects(node, _PREF_LABEL)
        return [lit for lit in found if isinstance(lit, Literal)]


_TYPE, _SUBCLASS, _LABEL, _PREF_LABEL = RDF.type, RDFS.subClassOf, RDFS.label, SKOS.prefLabel


def view_triples(index: Index, kind: Kind) -> tuple[set, list[URIRef]]:
    """What the file of a kind shows, as a set of triples: its members' triples,
    their general kind, their page, and the labels of everything they link to."""
    v: set = set()
    add = v.add
    things = index.members(kind)
    linked = set()
    for s in things:
        add((s, _TYPE, kind.general))
        add((s, WEB, URIRef(web_url(str(s)))))
        for p, o in index.out.get(s, ()):
            add((s, p, o))
            if isinstance(o, URIRef) and p != _TYPE:
                linked.add(o)
    for o in linked:
        for lit in index.labels(o):
            add((o, _LABEL, lit))
    return v, things


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def _prefix(iri: str) -> str:
    short = config.curie(iri)
    return short.split(":", 1)[0] if short else "x"


def _names(iris: set[str], taken: set[str]) -> dict[str, str]:
    """A short name per IRI: its local name; on a clash, prefix + LocalName."""
    by_local = defaultdict(list)
    for iri in iris:
        by_local[_local(iri)].append(iri)
    names = {}
    for local, group in by_local.items():
        for iri in group:
            if len(group) == 1 and local not in taken:
                names[iri] = local
            else:
                names[iri] = _prefix(iri) + local[:1].upper() + local[1:]
    return names


def multi_valued(g) -> set[URIRef]:
    """The predicates that have more than one value (in one language) for some
    subject of the graph: lists in every file, whatever the file holds."""
    many: set[URIRef] = set()
    count: dict = defaultdict(int)
    for s, p, o in g:
        key = (s, p, o.language if isinstance(o, Literal) and o.language else None)
        count[key] += 1
        if count[key] > 1:
            many.add(p)
    return many


def make_context(v, things: list[URIRef], many: set[URIRef]) -> tuple[dict, dict]:
    """The context of one file (and the term of each predicate); `v`: its view
    (a graph or a set of triples)."""
    subjects = set(things)
    kinds = value_kinds(t for t in v if t[0] in subjects)
    ctx: dict = {
        "@version": 1.1,
        "id": "@id",
        "type": {"@id": "@type", "@container": "@set"},
        "data": "@graph",
        "web": {"@id": str(WEB), "@type": "@id"},
        "label": {"@id": str(RDFS.label), "@container": "@language"},
        "money": "@nest",
    }
    special = {RDFS.label, WEB}
    if SCHEMA.value in kinds:
        special.add(SCHEMA.value)
        if SCHEMA.currency in kinds:  # money: "money": {"amount": …, "currency": "EUR"}
            ctx["amount"] = {"@id": str(SCHEMA.value), "@nest": "money"}
        else:
            ctx["value"] = {"@id": str(SCHEMA.value)}
    if SCHEMA.currency in kinds:
        special.add(SCHEMA.currency)
        ctx["currency"] = {"@id": str(SCHEMA.currency), "@nest": "money"}
    preds = {str(p) for p in kinds if p not in special}
    terms = _names(preds, RESERVED)
    for iri, term in sorted(terms.items(), key=lambda kv: kv[1]):
        p = URIRef(iri)
        k = kinds[p]
        d: dict = {"@id": iri}
        if k == {"@id"}:
            pass  # linked things are embedded as {id, label}
        elif "@language" in k and k <= {"@language", str(XSD.string)}:
            # a language map; a string without language goes under "@none" ("%", "m²")
            d["@container"] = ["@language", "@set"] if p in many else "@language"
            ctx[term] = d
            continue
        elif len(k) == 1:
            dt = next(iter(k))
            if dt not in (str(XSD.string), str(XSD.integer), str(XSD.boolean), str(XSD.decimal)):
                d["@type"] = dt
        if p in many:
            d["@container"] = "@set"
        ctx[term] = d
    # class names for "type"
    classes = {str(o) for s, p, o in v if p == _TYPE and s in subjects}
    for iri, term in _names(classes, set(ctx) | RESERVED).items():
        ctx[term] = iri
    return ctx, {"links": sorted(t for i, t in terms.items() if kinds[URIRef(i)] == {"@id"})}


def expanded(v) -> list[dict]:
    """The graph as expanded JSON-LD, as JSON-LD's RDF-to-JSON-LD algorithm makes
    it with useNativeTypes (integers and booleans as JSON values); PyLD's own
    N-Quads reader compares every triple with every other and takes seconds."""
    nodes: dict = {}
    for s, p, o in sorted(v, key=lambda t: (str(t[0]), str(t[1]), t[2].n3())):
        node = nodes.setdefault(str(s), {"@id": str(s)})
        if p == RDF.type:
            node.setdefault("@type", []).append(str(o))
            continue
        if isinstance(o, URIRef):
            value: dict = {"@id": str(o)}
        elif o.language:
            value = {"@value": str(o), "@language": o.language}
        elif o.datatype == XSD.integer:
            value = {"@value": int(o)}
        elif o.datatype == XSD.boolean:
            value = {"@value": str(o) == "true"}
        elif o.datatype == XSD.decimal:  # written as a JSON number by dumps(), digit for digit
            value = {"@value": _mark(str(o))}
        elif o.datatype is None or o.datatype == XSD.string:
            value = {"@value": str(o)}
        else:
            value = {"@value": str(o), "@type": str(o.datatype)}
        node.setdefault(str(p), []).append(value)
    # (a linked thing without triples of its own is no node of its own: expansion
    # drops a top-level node object that has only "@id", and the node map holds
    # every linked thing anyway)
    return [nodes[k] for k in sorted(nodes)]


def frame_kind(g: Graph, kind: Kind, many: set[URIRef] | None = None, index: Index | None = None) -> dict:
    """The framed, compacted JSON-LD document of one kind (before number writing);
    `index`: the graph's `Index`, when many kinds are framed."""
    from pyld import jsonld

    index = index if index is not None else Index(g)
    v, things = view_triples(index, kind)
    ctx, info = make_context(v, things, multi_valued(index.triples) if many is None else many)
    doc = expanded(v)
    frame_ctx = ctx
    # every linked thing as {id, label}: matched by its id (so that a thing
    # without a label is kept too) or by any language-tagged label
    nested = {
        "@embed": "@always",
        "@explicit": True,
        "@omitDefault": True,
        "@requireAll": False,
        "@id": {},
        str(RDFS.label): [{"@value": {}, "@language": {}}],
    }
    frame = {"@context": frame_ctx, "type": [str(kind.general)]}
    for term in info["links"]:
        frame[term] = dict(nested)
    framed = jsonld.frame(doc, frame, {"embed": "@never", "omitGraph": False, "processingMode": "json-ld-1.1"})
    framed["@context"] = ctx
    framed = _sorted(framed)
    # PyLD reuses the output object of a thing framed at the top level where the
    # same thing is linked from another (events linking events), so the frame's
    # @explicit {id, label} is not kept there: project every link to {id, label}
    for thing in framed.get("data", []):
        for key, value in thing.items():
            if isinstance(value, dict) and "id" in value:
                thing[key] = _ref(value)
            elif isinstance(value, list) and value and all(isinstance(x, dict) and "id" in x for x in value):
                thing[key] = [_ref(x) for x in value]
    if "data" not in framed:
        framed["data"] = []
    ids = [node["id"] for node in framed["data"]]
    if ids != [str(t) for t in things]:
        raise ValueError(f"json/{kind.name}.json: framing lost or added things")
    return framed


def _ref(node: dict) -> dict:
    return {k: node[k] for k in ("id", "label") if k in node}


def _key(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _sorted(value):
    if isinstance(value, dict):  # (PyLD writes a null for a missing label despite @omitDefault)
        return {k: _sorted(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        items = [_sorted(x) for x in value]
        if len(items) < 2:
            return items
        if all(isinstance(x, dict) and "id" in x for x in items):
            return sorted(items, key=lambda x: x["id"])
        return sorted(items, key=_key)
    return value


def _mark(lexical: str) -> str:
    number = Decimal(lexical)  # raises on anything that is not a decimal
    text = format(number, "f")
    return _DECIMAL_MARK + text


def dumps(doc: dict) -> str:
    """JSON text with decimals written as they are, as JSON numbers."""
    text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False)
    pattern = re.compile('"' + re.escape(json.dumps(_DECIMAL_MARK)[1:-1]) + r'(-?[0-9]+(?:\.[0-9]+)?)"')
    return pattern.sub(r"\1", text) + "\n"


def _ordered(doc: dict) -> dict:
    """Keys in a fixed order: context and data; in a thing id, type, label, web first."""
    first = ("id", "type", "label", "web")

    def node(n):
        if not isinstance(n, dict):
            return n
        keys = [k for k in first if k in n] + sorted(k for k in n if k not in first)
        return {k: (node(n[k]) if isinstance(n[k], dict) else [node(x) for x in n[k]] if isinstance(n[k], list) else n[k]) for k in keys}

    return {"@context": dict(sorted(doc["@context"].items(), key=lambda kv: (not kv[0].startswith("@"), kv[0]))), "data": [node(n) for n in doc["data"]]}


def render(project, result, files=None) -> dict[str, str]:
    out = {}
    index = Index(project.union)
    many = multi_valued(index.triples)
    for kind in KINDS:
        out[f"json/{kind.name}.json"] = dumps(_ordered(frame_kind(project.union, kind, many, index)))
    return out
