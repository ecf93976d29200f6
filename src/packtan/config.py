"""Paths, namespaces and the one configurable base IRI."""

from __future__ import annotations

import os
from pathlib import Path

from rdflib import Namespace

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = ROOT / "data"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
CHECKS_DIR = QUERIES_DIR / "checks"
SOURCE_FILE = ROOT / "sources" / "drucksache-17-7349.txt"
DIST_DIR = ROOT / "dist"

BASE = "https://w3id.org/packt-an/"  # the IRIs of the graph; never changes with the host
# Where the site, the dumps and the endpoint are hosted (every published URL
# that is not an IRI of the graph). Default: the w3id base, which redirects there.
PUBLIC_BASE = os.environ.get("PACKTAN_PUBLIC_BASE", BASE).rstrip("/") + "/"
# The one version of the graph, its vocabulary, its catalogue entry and its
# release archive: the file VERSION (its release dates are in CHANGELOG.md).
VERSION = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
DOWNLOAD_BASE = PUBLIC_BASE + "dist/"  # where the files of dist/ are published
ENDPOINT_URL = PUBLIC_BASE + "sparql"  # where the SPARQL endpoint (build.py serve's /query) is published
# The data provider's ID at GovData (http://dcat-ap.de/def/contributors/…), given on registration there.
CONTRIBUTOR_ID = os.environ.get("PACKTAN_CONTRIBUTOR_ID", "http://dcat-ap.de/def/contributors/packtAnDatenprojekt")
PA = Namespace(BASE + "vocab#")
PASH = Namespace(BASE + "shapes#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
DOC = ID["doc/17-7349"]

# Prefixes used when writing dumps (sorted, stable).
PREFIXES = {
    "af": ID["action-field/"],
    "ag": ID["org/"],
    "cl": ID["doc/17-7349/claim/"],
    "cpov": Namespace("http://data.europa.eu/m8g/"),
    "d": ID["doc/17-7349/"],
    "dcat": Namespace("http://www.w3.org/ns/dcat#"),
    "dcterms": Namespace("http://purl.org/dc/terms/"),
    "doc": ID["doc/"],
    "eli": Namespace("http://data.europa.eu/eli/ontology#"),
    "ev": ID["event/"],
    "exp": ID["doc/17-7349/expenditure/"],
    "fig": ID["doc/17-7349/figure/"],
    "foaf": Namespace("http://xmlns.com/foaf/0.1/"),
    "fy": ID["fiscal-period/"],
    "goal": ID["goal/"],
    "mem": ID["membership/"],
    "ms": ID["measure/"],
    "oa": Namespace("http://www.w3.org/ns/oa#"),
    "org": Namespace("http://www.w3.org/ns/org#"),
    "owl": Namespace("http://www.w3.org/2002/07/owl#"),
    "pa": PA,
    "per": ID["person/"],
    "pl": ID["place/"],
    "post": ID["post/"],
    "prop": ID["proposal/"],
    "prov": Namespace("http://www.w3.org/ns/prov#"),
    "psg": ID["doc/17-7349/passage/"],
    "query": Namespace(BASE + "query/"),
    "rdf": Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    "rdfs": Namespace("http://www.w3.org/2000/01/rdf-schema#"),
    "schema": Namespace("https://schema.org/"),
    "sel": ID["doc/17-7349/selector/"],
    "sh": Namespace("http://www.w3.org/ns/shacl#"),
    "skos": Namespace("http://www.w3.org/2004/02/skos/core#"),
    "vann": Namespace("http://purl.org/vocab/vann/"),
    "work": ID["work/"],
    "void": Namespace("http://rdfs.org/ns/void#"),
    "xsd": Namespace("http://www.w3.org/2001/XMLSchema#"),
}


def curie(uri: str) -> str | None:
    """`prefix:local` for an IRI in one of the namespaces above (the longest
    that matches), or None when none does or the local part would need escaping."""
    best = None
    for prefix, ns in PREFIXES.items():
        ns = str(ns)
        if uri.startswith(ns) and len(uri) > len(ns) and (best is None or len(ns) > len(best[1])):
            best = (prefix, ns)
    if best is None:
        return None
    local = uri[len(best[1]):]
    if not all(c.isalnum() or c in "-_." for c in local):
        return None
    return f"{best[0]}:{local}"
