"""The dataset describes itself: VoID (void.ttl) and a DCAT-AP.de 3.0
catalogue entry (catalog.ttl) that open-data portals such as GovData harvest.

Both are derived from the graph and from the files rendered before them
(sizes and SHA-256 checksums of the dumps and of the JSON and CSV bundles,
which are written here as json.zip and csv.zip). Every URL they publish is
built from config.PUBLIC_BASE; their dates come from CHANGELOG.md (release
dates of the first and of the current version), never from the clock.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections import Counter
from dataclasses import dataclass

from rdflib import DCTERMS, OWL, RDF, XSD, Graph, Literal, Namespace, URIRef

from . import config, release

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SCHEMA = Namespace("https://schema.org/")

DATASET = URIRef(config.BASE + "dataset")
CATALOG = URIRef(config.BASE + "catalog")
SERVICE = URIRef(config.BASE + "sparql")
PUBLISHER = URIRef(config.BASE + "id/org/packt-an-datenprojekt")
CONTACT = URIRef(config.BASE + "dataset#contact")
TEMPORAL = URIRef(config.BASE + "dataset#temporal")
# The data's licence: CC BY 4.0, as the IRI of the DCAT-AP.de licence list
# (the Creative Commons IRI for VoID consumers).
LICENSE = URIRef("http://dcat-ap.de/def/licenses/cc-by/4.0")
LICENSE_CC = URIRef("https://creativecommons.org/licenses/by/4.0/")
ATTRIBUTION_DE = "Packt-an-Datenprojekt, nach Drucksache 17/7349 des Niedersächsischen Landtags, CC BY 4.0"
ATTRIBUTION_EN = "packt-an data project, after Drucksache 17/7349 of the Lower Saxony state parliament, CC BY 4.0"

EU = "http://publications.europa.eu/resource/authority/"
FILE_TYPE = EU + "file-type/"
LANGUAGES = (URIRef(EU + "language/DEU"), URIRef(EU + "language/ENG"))
THEMES = (URIRef(EU + "data-theme/GOVE"), URIRef(EU + "data-theme/SOCI"))
THEME_TAXONOMY = URIRef(EU + "data-theme")
STABLE = URIRef(EU + "planned-availability/STABLE")
IANA = "https://www.iana.org/assignments/media-types/"
# Niedersachsen (state key 03) and the level "Land" of DCAT-AP.de's political geocoding
NIEDERSACHSEN = URIRef("http://dcat-ap.de/def/politicalGeocoding/stateKey/03")
STATE_LEVEL = URIRef("http://dcat-ap.de/def/politicalGeocoding/Level/state")


@dataclass(frozen=True)
class Dump:
    name: str  # the file in dist/
    slug: str  # the distribution's IRI: <BASE>dataset/distribution/<slug>
    media: str  # IANA media type
    file_type: str  # EU file-type authority code
    de: str
    en: str
    access: str | None = None  # a folder to browse, for a bundle


DUMPS = (
    Dump("packt-an.ttl", "turtle", "text/turtle", "RDF_TURTLE", "Turtle-Abzug des ganzen Graphen", "Turtle dump of the whole graph"),
    Dump("packt-an.nt", "n-triples", "application/n-triples", "RDF_N_TRIPLES", "N-Triples-Abzug des ganzen Graphen", "N-Triples dump of the whole graph"),
    Dump("packt-an.jsonld", "json-ld", "application/ld+json", "JSON_LD", "JSON-LD-Abzug des ganzen Graphen", "JSON-LD dump of the whole graph"),
    Dump("packt-an.trig", "trig", "application/trig", "RDF_TRIG", "TriG-Abzug, ein benannter Graph je Quelldatei", "TriG dump, one named graph per source file"),
    Dump("json.zip", "json", "application/zip", "ZIP", "JSON je Art (Veranstaltungen, Organisationen, …), als ZIP",
         "JSON per kind of thing (events, organisations, …), as ZIP", access="json/"),
    Dump("csv.zip", "csv", "application/zip", "ZIP", "CSV je Art und je Frage mit CSVW-Metadaten, als ZIP",
         "CSV per kind of thing and per question with CSVW metadata, as ZIP", access="csv/"),
)


def download_url(name: str) -> URIRef:
    return URIRef(config.DOWNLOAD_BASE + name)


def _bound(g: Graph) -> Graph:
    for prefix, ns in config.PREFIXES.items():
        g.bind(prefix, ns)
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcatap", DCATAP), ("dcatde", DCATDE), ("spdx", SPDX), ("vcard", VCARD)):
        g.bind(prefix, ns)
    return g


def _both(g: Graph, s, p, de: str, en: str) -> None:
    g.add((s, p, Literal(de, lang="de")))
    g.add((s, p, Literal(en, lang="en")))


TITLE = ("Packt Niedersachsen an? – Drucksache 17/7349 als verknüpfte Daten",
         "Packt Niedersachsen an? – Drucksache 17/7349 as linked data")
DESCRIPTION = (
    "Alle Tatsachen der Kleinen Anfrage Drucksache 17/7349 des Niedersächsischen Landtags und der Antwort der "
    "Landesregierung vom 28.02.2017 zum Bündnis „Niedersachsen packt an“ als validierter RDF-Wissensgraph, "
    "jede Tatsache mit der Fundstelle, die sie belegt.",
    "Every fact of the minor interpellation Drucksache 17/7349 of the Lower Saxony state parliament and the "
    "government's answer of 28 February 2017 on the alliance \"Niedersachsen packt an\", as a validated RDF "
    "knowledge graph, each fact linked to the passage that states it.",
)


def _publisher(g: Graph) -> None:
    g.add((PUBLISHER, RDF.type, FOAF.Agent))
    g.add((PUBLISHER, RDF.type, FOAF.Organization))
    _both(g, PUBLISHER, FOAF.name, "Packt-an-Datenprojekt", "packt-an data project")
    g.add((PUBLISHER, FOAF.homepage, URIRef(config.PUBLIC_BASE)))


def describe(union: Graph) -> Graph:
    """VoID: the dataset, its dumps, endpoint, size, vocabularies and partitions."""
    g = _bound(Graph())
    d = DATASET
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    _both(g, d, DCTERMS.title, *TITLE)
    _both(g, d, DCTERMS.description, *DESCRIPTION)
    g.add((d, DCTERMS.license, LICENSE_CC))
    g.add((d, DCTERMS.publisher, PUBLISHER))
    _publisher(g)
    g.add((d, DCTERMS.source, config.DOC))
    for lang in LANGUAGES:
        g.add((d, DCTERMS.language, lang))
    _issued, modified = release.issued_and_modified()
    g.add((d, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.date)))
    g.add((d, OWL.versionInfo, Literal(config.VERSION)))
    g.add((d, RDFS.seeAlso, download_url("catalog.ttl")))
    g.add((d, VOID.uriSpace, Literal(str(config.ID))))
    g.add((d, VOID.sparqlEndpoint, URIRef(config.ENDPOINT_URL)))
    g.add((d, VOID.triples, Literal(len(union), datatype=XSD.integer)))
    subjects = {s for s in union.subjects() if isinstance(s, URIRef)}
    g.add((d, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)))
    for dump in DUMPS[:4]:
        url = download_url(dump.name)
        g.add((d, VOID.dataDump, url))
        g.add((url, DCAT.mediaType, URIRef(IANA + dump.media)))
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


def _local(uri: URIRef) -> str:
    short = config.curie(str(uri))
    return short.replace(":", "-") if short else str(uri).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _bytes(content) -> bytes:
    return content if isinstance(content, bytes) else content.encode("utf-8")


def bundle(files: dict, folder: str) -> bytes:
    """The files under `folder` (e.g. "json/") as a deterministic ZIP archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(n for n in files if n.startswith(folder)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, _bytes(files[name]))
    return out.getvalue()


def _temporal(union: Graph) -> tuple[str, str] | None:
    """The period of the events the answer reports (first start to last start or end date)."""
    from .plainjson import KINDS, members

    events = set(members(union, next(k for k in KINDS if k.name == "events")))
    dates = sorted(str(o) for p in (SCHEMA.startDate, SCHEMA.endDate) for s, o in union.subject_objects(p)
                   if s in events and isinstance(o, Literal) and o.datatype == XSD.date)
    return (dates[0], dates[-1]) if dates else None


def catalogue(union: Graph, files: dict) -> Graph:
    """The DCAT-AP.de 3.0 catalogue entry: catalogue, dataset, distributions, data service."""
    g = _bound(Graph())
    issued, modified = release.issued_and_modified()
    issued_lit = Literal(issued.isoformat(), datatype=XSD.date)
    modified_lit = Literal(modified.isoformat(), datatype=XSD.date)
    home = URIRef(config.PUBLIC_BASE)

    c = CATALOG
    g.add((c, RDF.type, DCAT.Catalog))
    _both(g, c, DCTERMS.title, "Katalog des Packt-an-Datenprojekts", "Catalogue of the packt-an data project")
    _both(g, c, DCTERMS.description,
          "Die offenen Daten des Packt-an-Datenprojekts: Drucksachen des Niedersächsischen Landtags als verknüpfte Daten.",
          "The open data of the packt-an data project: papers of the Lower Saxony state parliament as linked data.")
    g.add((c, DCTERMS.publisher, PUBLISHER))
    g.add((c, DCTERMS.issued, issued_lit))
    g.add((c, DCTERMS.modified, modified_lit))
    for lang in LANGUAGES:
        g.add((c, DCTERMS.language, lang))
    g.add((c, FOAF.homepage, home))
    g.add((c, DCTERMS.license, LICENSE))
    g.add((c, DCAT.themeTaxonomy, THEME_TAXONOMY))
    g.add((c, DCATAP.availability, STABLE))
    g.add((c, DCTERMS.spatial, NIEDERSACHSEN))
    g.add((c, DCAT.dataset, DATASET))
    g.add((c, DCAT.service, SERVICE))

    _publisher(g)
    g.add((CONTACT, RDF.type, VCARD.Kind))
    g.add((CONTACT, RDF.type, VCARD.Organization))
    g.add((CONTACT, VCARD.fn, Literal("Packt-an-Datenprojekt", lang="de")))
    g.add((CONTACT, VCARD.hasURL, home))

    d = DATASET
    g.add((d, RDF.type, DCAT.Dataset))
    _both(g, d, DCTERMS.title, *TITLE)
    _both(g, d, DCTERMS.description, *DESCRIPTION)
    g.add((d, DCTERMS.publisher, PUBLISHER))
    g.add((d, DCAT.contactPoint, CONTACT))
    for theme in THEMES:
        g.add((d, DCAT.theme, theme))
    for de, en in (("Landtag Niedersachsen", "Lower Saxony state parliament"), ("Kleine Anfrage", "minor interpellation"),
                   ("Integration", "integration"), ("Flüchtlinge", "refugees"), ("Haushalt", "budget"),
                   ("Verknüpfte Daten", "linked data")):
        _both(g, d, DCAT.keyword, de, en)
    g.add((d, DCATDE.politicalGeocodingLevelURI, STATE_LEVEL))
    g.add((d, DCATDE.politicalGeocodingURI, NIEDERSACHSEN))
    g.add((d, DCTERMS.spatial, NIEDERSACHSEN))
    g.add((d, DCATDE.contributorID, URIRef(config.CONTRIBUTOR_ID)))
    g.add((d, DCATAP.availability, STABLE))
    span = _temporal(union)
    if span:
        g.add((d, DCTERMS.temporal, TEMPORAL))
        g.add((TEMPORAL, RDF.type, DCTERMS.PeriodOfTime))
        g.add((TEMPORAL, DCAT.startDate, Literal(span[0], datatype=XSD.date)))
        g.add((TEMPORAL, DCAT.endDate, Literal(span[1], datatype=XSD.date)))
    g.add((d, DCTERMS.issued, issued_lit))
    g.add((d, DCTERMS.modified, modified_lit))
    g.add((d, DCAT.version, Literal(config.VERSION)))
    g.add((d, DCTERMS.identifier, Literal(str(DATASET))))
    g.add((d, DCAT.landingPage, home))
    g.add((d, DCTERMS.source, config.DOC))
    g.add((d, DCTERMS.conformsTo, URIRef(config.BASE + "vocab")))
    for lang in LANGUAGES:
        g.add((d, DCTERMS.language, lang))

    for dump in DUMPS:
        dist = URIRef(f"{config.BASE}dataset/distribution/{dump.slug}")
        data = _bytes(files[dump.name])
        g.add((d, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        _both(g, dist, DCTERMS.title, dump.de, dump.en)
        g.add((dist, DCAT.accessURL, URIRef(config.DOWNLOAD_BASE + (dump.access or dump.name))))
        g.add((dist, DCAT.downloadURL, download_url(dump.name)))
        g.add((dist, DCTERMS.format, URIRef(FILE_TYPE + dump.file_type)))
        g.add((dist, DCAT.mediaType, URIRef(IANA + dump.media)))
        g.add((dist, DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
        checksum = URIRef(f"{dist}#sha256")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary)))
        g.add((dist, DCTERMS.license, LICENSE))
        _both(g, dist, DCATDE.licenseAttributionByText, ATTRIBUTION_DE, ATTRIBUTION_EN)
        g.add((dist, DCTERMS.issued, issued_lit))
        g.add((dist, DCTERMS.modified, modified_lit))
        g.add((dist, DCATAP.availability, STABLE))

    sparql = URIRef(f"{config.BASE}dataset/distribution/sparql")
    g.add((d, DCAT.distribution, sparql))
    g.add((sparql, RDF.type, DCAT.Distribution))
    _both(g, sparql, DCTERMS.title, "SPARQL-Endpunkt", "SPARQL endpoint")
    g.add((sparql, DCAT.accessURL, URIRef(config.ENDPOINT_URL)))
    g.add((sparql, DCAT.accessService, SERVICE))
    g.add((sparql, DCTERMS.format, URIRef(FILE_TYPE + "SPARQLQ")))
    g.add((sparql, DCTERMS.license, LICENSE))
    _both(g, sparql, DCATDE.licenseAttributionByText, ATTRIBUTION_DE, ATTRIBUTION_EN)
    g.add((sparql, DCTERMS.modified, modified_lit))
    g.add((sparql, DCATAP.availability, STABLE))

    s = SERVICE
    g.add((s, RDF.type, DCAT.DataService))
    _both(g, s, DCTERMS.title, "SPARQL-1.1-Endpunkt", "SPARQL 1.1 endpoint")
    _both(g, s, DCTERMS.description,
          "Abfragen des ganzen Graphen mit SPARQL 1.1 (nur lesend).",
          "Queries of the whole graph with SPARQL 1.1 (read-only).")
    g.add((s, DCAT.endpointURL, URIRef(config.ENDPOINT_URL)))
    g.add((s, DCAT.endpointDescription, download_url("void.ttl")))
    g.add((s, DCAT.servesDataset, d))
    g.add((s, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((s, DCTERMS.license, LICENSE))
    g.add((s, DCATAP.availability, STABLE))
    g.add((s, DCTERMS.publisher, PUBLISHER))
    return g


def render(project, result, files) -> dict[str, str | bytes]:
    from .dumps import to_turtle

    bundles = {"json.zip": bundle(files, "json/"), "csv.zip": bundle(files, "csv/")}
    everything = {**files, **bundles}
    return {
        **bundles,
        "void.ttl": to_turtle(describe(project.union)),
        "catalog.ttl": to_turtle(catalogue(project.union, everything)),
    }
