"""Quick self-check for data files: quotes, labels, untyped references.

    python -m packtan.checkdata data/*.ttl

Prints one line per problem and exits 1 when there is any.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from .config import ID, ONTOLOGY_DIR, PA
from .provenance import quote_in_source


def problems(files: list[Path]) -> list[str]:
    out: list[str] = []
    g = Graph()
    for f in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        g.parse(f, format="turtle")
    for f in files:
        try:
            g.parse(f, format="turtle")
        except Exception as exc:  # report and go on with the other files
            out.append(f"{f}: does not parse: {exc}")
    for s, q in g.subject_objects(PA.quote):
        if not quote_in_source(str(q)):
            out.append(f"{s}: quote not found in source: {str(q)[:90]}")
    subjects = {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(str(ID))}
    for s in sorted(subjects):
        if (s, RDF.type, None) not in g:
            out.append(f"{s}: has no rdf:type")
        langs = [o.language for o in g.objects(s, RDFS.label) if isinstance(o, Literal)]
        for lang in ("de", "en"):
            if langs.count(lang) != 1:
                out.append(f"{s}: has {langs.count(lang)} rdfs:label@{lang}")
    for o in sorted(set(g.objects())):
        if isinstance(o, URIRef) and str(o).startswith(str(ID)) and (o, RDF.type, None) not in g:
            out.append(f"{o}: referenced but not defined")
    for o in sorted(set(g.objects())):
        if isinstance(o, URIRef) and str(o).startswith(str(PA)) and (o, None, None) not in g:
            out.append(f"{o}: vocabulary term used but not defined")
    for p in sorted(set(g.predicates())):
        if str(p).startswith(str(PA)) and (p, None, None) not in g:
            out.append(f"{p}: vocabulary property used but not defined")
    return out


def main(argv: list[str]) -> int:
    found = problems([Path(a) for a in argv])
    for line in found:
        print(line)
    print(f"{len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
