"""The dataset describes itself: VoID and DCAT, derived from the graph."""

from __future__ import annotations

from collections import Counter

from rdflib import DCTERMS, RDF, XSD, Graph, Literal, Namespace, URIRef

from . import config

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

DATASET = URIRef(config.BASE + "dataset")
PUBLISHER = URIRef(config.BASE + "id/org/packt-an-datenprojekt")
DIST_BASE = config.BASE + "dist/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
DEFAULT_ENDPOINT = "http://127.0.0.1:7878/query"

MEDIA_TYPES = {
    "packt-an.ttl": ("text/turtle", "Turtle"),
    "packt-an.nt": ("application/n-triples", "N-Triples"),
    "packt-an.jsonld": ("application/ld+json", "JSON-LD"),
    "packt-an.trig": ("application/trig", "TriG"),
}


def _local(uri: URIRef) -> str:
    short = config.curie(str(uri))
    return short.replace(":", "-") if short else str(uri).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def describe(union: Graph, ontology: Graph, endpoint: str = DEFAULT_ENDPOINT) -> Graph:
    g = Graph()
    for prefix, ns in config.PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    d = DATASET
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.title, Literal("Packt Niedersachsen an? – Drucksache 17/7349 als verknüpfte Daten", lang="de")))
    g.add((d, DCTERMS.title, Literal("Packt Niedersachsen an? – Drucksache 17/7349 as linked data", lang="en")))
    g.add((d, DCTERMS.description, Literal(
        "Alle Tatsachen der Kleinen Anfrage Drucksache 17/7349 des Niedersächsischen Landtags und der Antwort der "
        "Landesregierung vom 28.02.2017 zum Bündnis „Niedersachsen packt an“ als validierter RDF-Wissensgraph, "
        "jede Tatsache mit der Fundstelle, die sie belegt.", lang="de")))
    g.add((d, DCTERMS.description, Literal(
        "Every fact of the minor interpellation Drucksache 17/7349 of the Lower Saxony state parliament and the "
        "government's answer of 28 February 2017 on the alliance \"Niedersachsen packt an\", as a validated RDF "
        "knowledge graph, each fact linked to the passage that states it.", lang="en")))
    g.add((d, DCTERMS.license, LICENSE))
    g.add((d, DCTERMS.publisher, PUBLISHER))
    g.add((PUBLISHER, RDF.type, FOAF.Organization))
    g.add((PUBLISHER, FOAF.name, Literal("Packt-an-Datenprojekt", lang="de")))
    g.add((PUBLISHER, FOAF.name, Literal("packt-an data project", lang="en")))
    g.add((d, DCTERMS.source, config.DOC))
    g.add((d, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/de")))
    g.add((d, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/en")))
    modified = next(ontology.objects(URIRef(config.BASE + "vocab"), DCTERMS.modified), None)
    if modified is not None:
        g.add((d, DCTERMS.modified, modified))
    g.add((d, VOID.uriSpace, Literal(str(config.ID))))
    g.add((d, VOID.sparqlEndpoint, URIRef(endpoint)))
    g.add((d, VOID.triples, Literal(len(union), datatype=XSD.integer)))
    subjects = {s for s in union.subjects() if isinstance(s, URIRef)}
    g.add((d, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)))
    for name, (media, label) in sorted(MEDIA_TYPES.items()):
        dist = URIRef(DIST_BASE + name)
        g.add((d, VOID.dataDump, dist))
        g.add((d, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"{label}-Abzug", lang="de")))
        g.add((dist, DCTERMS.title, Literal(f"{label} dump", lang="en")))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCTERMS.license, LICENSE))
    service = URIRef(config.BASE + "sparql")
    g.add((d, DCAT.distribution, URIRef(DIST_BASE + "sparql")))
    sd = URIRef(DIST_BASE + "sparql")
    g.add((sd, RDF.type, DCAT.Distribution))
    g.add((sd, DCTERMS.title, Literal("SPARQL-Endpunkt (build.py serve)", lang="de")))
    g.add((sd, DCTERMS.title, Literal("SPARQL endpoint (build.py serve)", lang="en")))
    g.add((sd, DCAT.accessURL, URIRef(endpoint)))
    g.add((sd, DCAT.accessService, service))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, URIRef(endpoint)))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCTERMS.title, Literal("SPARQL-1.1-Endpunkt", lang="de")))
    g.add((service, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    # vocabularies: namespaces of every predicate and class used
    used = set(union.predicates()) | set(union.objects(None, RDF.type))
    for prefix, ns in sorted(config.PREFIXES.items()):
        if str(ns).startswith(str(config.ID)):
            continue
        if any(str(u).startswith(str(ns)) for u in used):
            g.add((d, VOID.vocabulary, URIRef(str(ns))))
    classes = Counter(o for o in union.objects(None, RDF.type) if isinstance(o, URIRef))
    for cls, n in sorted(classes.items()):
        part = URIRef(f"{config.BASE}dataset#class-{_local(cls)}")
        g.add((d, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    props = Counter(p for _s, p, _o in union)
    for prop, n in sorted(props.items()):
        part = URIRef(f"{config.BASE}dataset#property-{_local(prop)}")
        g.add((d, VOID.propertyPartition, part))
        g.add((part, VOID.property, prop))
        g.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))
    return g


def render(project, result, files=None) -> dict[str, str]:
    from .dumps import to_turtle

    return {"void.ttl": to_turtle(describe(project.union, project.ontology))}
