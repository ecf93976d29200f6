"""Write the graph as Turtle, N-Triples, JSON-LD and TriG, byte for byte stable.

rdflib's Turtle writer sorts what it writes; its N-Triples, JSON-LD and TriG
writers do not, so those are ordered here. The JSON-LD is compacted with a
context generated from the graph, so that it reads as plain JSON: short keys
("label", "startDate"), language maps ({"de": …, "en": …}), IRIs as strings.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import defaultdict
from functools import lru_cache

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef

from . import config


def _bind(g: Graph) -> Graph:
    for prefix, ns in config.PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def assert_no_blank_nodes(g) -> None:
    """`g`: a graph or a list of triples."""
    for s, p, o in g:
        if isinstance(s, BNode) or isinstance(o, BNode):
            raise ValueError(f"blank node in the published graph: {s} {p} {o}")


_TYPE = RDF.type  # looked up once: a Namespace attribute costs a call each time


def _ox(t):
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    if t.language:
        return ox.Literal(str(t), language=t.language)
    if t.datatype is not None:
        return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
    return ox.Literal(str(t))


def _order(triple) -> tuple:
    s, p, o = triple
    # subjects in order, rdf:type first within a subject, then by predicate and object
    return (isinstance(s, BNode), str(s), p != _TYPE, str(p), o.n3())


class _Sorted:
    """Triples in `_order`, each converted to Oxigraph terms once: what the
    Turtle, N-Triples and TriG writers share when they write the same graph."""

    def __init__(self, triples):
        self.triples = sorted(triples, key=_order)
        named: dict = {}  # IRIs repeat (subjects, predicates, classes): one Oxigraph term each

        def term(t):
            if type(t) is URIRef:
                hit = named.get(t)
                if hit is None:
                    hit = named[t] = ox.NamedNode(t)
                return hit
            return _ox(t)

        self.terms = [(term(s), term(p), term(o)) for s, p, o in self.triples]
        self._rank = None
        self._ox_triples = None

    @property
    def ox_triples(self) -> list:
        if self._ox_triples is None:
            self._ox_triples = [ox.Triple(s, p, o) for s, p, o in self.terms]
        return self._ox_triples

    def of(self, triples) -> list[tuple]:
        """The Oxigraph terms of `triples` (some of the sorted ones), in the same order."""
        if self._rank is None:
            self._rank = {t: i for i, t in enumerate(self.triples)}
        rank = self._rank
        try:
            return [self.terms[i] for i in sorted(rank[t] for t in triples)]
        except KeyError:  # not all among the sorted ones
            return _Sorted(triples).terms


def _prefixes(triples, extra=()) -> dict[str, str]:
    """The configured prefixes whose namespace the triples use, sorted."""
    terms = {str(t) for tr in triples for t in tr if isinstance(t, URIRef)} | {str(t) for t in extra}
    for tr in triples:
        o = tr[2]
        if isinstance(o, Literal) and o.datatype is not None:
            terms.add(str(o.datatype))
    ordered = sorted(terms)
    used = {}
    for prefix, ns in sorted(config.PREFIXES.items()):
        ns = str(ns)
        i = bisect_left(ordered, ns)  # the first term >= ns: one that starts with ns, if any does
        if i < len(ordered) and ordered[i].startswith(ns):
            used[prefix] = ns
    return used


def _strip_header(text: str) -> str:
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (lines[i].startswith("@prefix") or not lines[i].strip()):
        i += 1
    return "".join(lines[i:])


def _header(prefixes: dict[str, str]) -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items())


def _serialize(triples, fmt, graph=None, prefixes=None, terms=None) -> str:
    """`triples` written by Oxigraph, in `_order`; `terms`: the same triples
    already sorted and converted (a `_Sorted`, or its `terms`)."""
    if terms is None:
        terms = _Sorted(triples)
    if fmt is ox.RdfFormat.TURTLE:
        items = terms.ox_triples if isinstance(terms, _Sorted) else [ox.Triple(s, p, o) for s, p, o in terms]
    else:
        g = ox.NamedNode(str(graph)) if graph is not None else ox.DefaultGraph()
        items = [ox.Quad(s, p, o, g) for s, p, o in (terms.terms if isinstance(terms, _Sorted) else terms)]
    out = _strip_header(ox.serialize(items, format=fmt, prefixes=prefixes or {}).decode("utf-8"))
    # a blank line before each subject (Oxigraph writes literals on one line,
    # so a line that starts a subject is one indented once less than its predicates)
    lead = "" if fmt is ox.RdfFormat.TURTLE else "\t"
    lines = out.splitlines(keepends=True)
    spaced = []
    for i, line in enumerate(lines):
        starts_subject = line.startswith(lead) and not line[len(lead):].startswith("\t") and line.strip() not in ("}", "")
        if starts_subject and i > 0 and not lines[i - 1].rstrip().endswith("{"):
            spaced.append("\n")
        spaced.append(line)
    return "".join(spaced)


def canonical_triples(triples) -> list[tuple]:
    """The triples with blank nodes renamed by W3C RDF Canonicalization (RDFC-1.0).

    The labels follow from the content, never from chance: the same graph
    always gets the same labels, so writers that order by label write the
    same bytes. Oxigraph's implementation (in Rust); rdflib's own
    `to_canonical_graph` can take minutes on the shapes graph with some
    hash seeds."""
    from .load import from_oxigraph

    dataset = ox.Dataset(ox.Quad(_ox(s), _ox(p), _ox(o)) for s, p, o in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    term = {}

    def back(t):
        hit = term.get(t)
        if hit is None:
            hit = term[t] = from_oxigraph(t)
        return hit

    return [(back(q.subject), back(q.predicate), back(q.object)) for q in dataset]


def to_turtle(g, sorted_: _Sorted | None = None) -> str:
    """Turtle, subjects in order, with the project's prefixes.

    Oxigraph's writer for graphs without blank nodes (fast); for a graph
    with blank nodes, rdflib's writer (it nests them as [ … ]) over the
    canonical form, so that the order of nested [ … ] does not depend on
    generated labels. `g`: a graph or a list of triples; `sorted_`: its
    triples sorted and converted already.
    """
    triples = list(g) if sorted_ is None else sorted_.triples
    if any(isinstance(t, BNode) for tr in triples for t in tr):
        canonical = Graph(store="SimpleMemory")  # no named graphs: quicker to fill and to read
        canonical.addN((s, p, o, canonical) for s, p, o in canonical_triples(triples))
        canonical = _bind(canonical)
        canonical.bind("pash", config.PASH, override=True, replace=True)
        return canonical.serialize(format="turtle")
    prefixes = _prefixes(triples)
    return _header(prefixes) + "\n" + _serialize(triples, ox.RdfFormat.TURTLE, prefixes=prefixes, terms=sorted_)


# Characters of a literal that rdflib's N-Triples writer leaves as they are and
# Oxigraph's escapes (\t, \b, \f, \u0001 …, as canonical N-Triples does).
_NT_ESCAPED_BY_OXIGRAPH = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")


_XSD_STRING = XSD.string


def _oxigraph_writes_the_same(triples) -> bool:
    """rdflib and Oxigraph write the N-Triples lines of these triples alike."""
    literals = []
    for s, _p, o in triples:
        if isinstance(s, BNode) or isinstance(o, BNode):
            return False  # labels are the writers' own
        if isinstance(o, Literal):
            if o.datatype == _XSD_STRING:  # rdflib writes ^^xsd:string, Oxigraph does not
                return False
            literals.append(o)
    return not _NT_ESCAPED_BY_OXIGRAPH.search("\n".join(literals))


def to_ntriples(g: Graph, sorted_: _Sorted | None = None) -> str:
    """One line per triple, distinct, sorted (as rdflib's writer writes each line).
    With the triples sorted and converted already (`sorted_`) and where Oxigraph's
    writer writes the same lines (no blank nodes, tabs or other control
    characters), Oxigraph writes them: same bytes, much faster."""
    if sorted_ is not None and _oxigraph_writes_the_same(sorted_.triples):
        text = ox.serialize(sorted_.ox_triples, format=ox.RdfFormat.N_TRIPLES)
        lines = text.decode("utf-8").splitlines()
    else:
        lines = g.serialize(format="nt").splitlines()
    return "".join(sorted({line + "\n" for line in lines if line.strip()}))


def to_trig(named: dict, sorted_: _Sorted | None = None) -> str:
    """One named graph per source file, graphs and their content in order.
    `sorted_`: every triple of `named` sorted and converted already."""
    everything = [t for triples in named.values() for t in triples]
    if sorted_ is None:
        sorted_ = _Sorted(dict.fromkeys(everything))
    prefixes = _prefixes(everything)
    out = [_header(prefixes)]
    for iri in sorted(named, key=str):
        triples = named[iri]
        if triples:
            terms = sorted_.of(triples)
            out.append("\n" + _serialize(triples, ox.RdfFormat.TRIG, graph=iri, prefixes=prefixes, terms=terms))
    return "".join(out)


# --- JSON-LD ----------------------------------------------------------------

_NATIVE = {XSD.integer, XSD.boolean}


@lru_cache(maxsize=None)
def compact_iri(uri: str) -> str:
    return config.curie(uri) or uri


def value_kinds(triples) -> dict[URIRef, set]:
    """For each predicate but rdf:type: "@id", "@language" or the datatypes its values have."""
    kinds: dict[URIRef, set] = defaultdict(set)
    for _s, p, o in triples:
        if p == RDF.type:
            continue
        if isinstance(o, URIRef):
            kinds[p].add("@id")
        elif o.language:
            kinds[p].add("@language")
        else:
            kinds[p].add(str(o.datatype or XSD.string))
    return kinds


def make_context(g: Graph) -> dict:
    """Terms for every predicate, named by local name (prefixed on a clash)."""
    kinds = value_kinds(g)
    local = defaultdict(list)
    for p in kinds:
        short = config.curie(str(p))
        name = short.split(":", 1)[1] if short else str(p)
        local[name].append(p)
    ctx: dict = {"id": "@id", "type": "@type"}
    for prefix, ns in sorted(config.PREFIXES.items()):
        ctx[prefix] = str(ns)
    terms = {}
    for name, preds in local.items():
        for p in preds:
            term = name if len(preds) == 1 and name not in ctx else compact_iri(str(p)).replace(":", "_")
            terms[p] = term
            k = kinds[p]
            definition: dict = {"@id": compact_iri(str(p))}
            if k == {"@id"}:
                definition["@type"] = "@id"
            elif k == {"@language"}:
                definition["@container"] = "@language"
            elif len(k) == 1 and next(iter(k)) not in (str(XSD.string),) and URIRef(next(iter(k))) not in _NATIVE:
                definition["@type"] = compact_iri(next(iter(k)))
            ctx[term] = definition
    return {"@context": dict(sorted(ctx.items())), "_terms": terms, "_kinds": kinds}


def to_jsonld(g: Graph, context_url: str | None = None) -> tuple[str, str]:
    """Return (document, context document) as JSON text."""
    made = make_context(g)
    ctx, terms, kinds = made["@context"], made["_terms"], made["_kinds"]
    by_subject: dict = defaultdict(lambda: defaultdict(list))  # s -> p -> objects, one scan
    for s, p, o in g:
        by_subject[s][p].append(o)
    nodes = []
    for s in sorted(by_subject, key=str):
        props = by_subject[s]
        node: dict = {"id": compact_iri(str(s))}
        types = sorted(compact_iri(str(t)) for t in props.get(RDF.type, ()))
        if types:
            node["type"] = types if len(types) > 1 else types[0]
        for p in sorted(set(props) - {RDF.type}, key=lambda p: terms[p]):
            objs = props[p]
            key = terms[p]
            k = kinds[p]
            if k == {"@language"}:
                langmap: dict = defaultdict(list)
                for o in objs:
                    langmap[o.language].append(str(o))
                node[key] = {lang: (v[0] if len(v) == 1 else sorted(v)) for lang, v in sorted(langmap.items())}
                continue
            if len(objs) == 1:
                node[key] = _value(objs[0], k)
                continue
            node[key] = sorted((_value(o, k) for o in objs), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        nodes.append(node)
    doc = {"@context": context_url or ctx, "@graph": nodes}
    text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    ctx_text = json.dumps({"@context": ctx}, ensure_ascii=False, indent=2) + "\n"
    return text, ctx_text


def _value(o, kinds: set):
    if isinstance(o, URIRef):
        return compact_iri(str(o)) if kinds == {"@id"} else {"id": compact_iri(str(o))}
    assert isinstance(o, Literal)
    dt = o.datatype
    if dt in _NATIVE and len(kinds) == 1:
        return o.toPython() if dt == XSD.boolean else int(o)
    if len(kinds) == 1 and not o.language:
        if dt is None or dt == XSD.string:
            return str(o)
        return str(o)  # coerced by the term's @type
    if o.language:
        return {"@value": str(o), "@language": o.language}
    if dt == XSD.integer:
        return int(o)
    if dt == XSD.boolean:
        return o.toPython()
    if dt is None or dt == XSD.string:
        return str(o)
    return {"@value": str(o), "@type": compact_iri(str(dt))}


def render(project, result, files=None) -> dict[str, str]:
    """The graph's dumps: Turtle, N-Triples, JSON-LD (with its context) and TriG."""
    union = project.union
    triples = list(union)  # one pass over rdflib's store; the writers share the list
    assert_no_blank_nodes(triples)
    jsonld, context = to_jsonld(triples)
    everything = _Sorted(triples)
    return {
        "packt-an.ttl": to_turtle(triples, everything),
        "packt-an.nt": to_ntriples(union, everything),
        "packt-an.jsonld": jsonld,
        "context.jsonld": context,
        "packt-an.trig": to_trig(project.named, everything),
    }
