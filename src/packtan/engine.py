"""A fast in-process SPARQL engine (pyoxigraph) over the same graph.

rdflib's SPARQL engine is the reference for `build.py query`; the build's
own bulk work — the integrity checks and the regenerated answers, about 25
queries — runs on an in-memory Oxigraph store loaded from the same triples,
which answers them in milliseconds. The test suite checks that every query
gives the same result on both engines.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from .errors import UserError
from .load import from_oxigraph
from .query import Answer, _one_line


class OxGraph:
    union = False  # query the union of the named graphs as the default graph

    def __init__(self, graph: Graph):
        self.store = ox.Store()
        data = graph.serialize(format="nt", encoding="utf-8")
        self.store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)

    @classmethod
    def from_store(cls, store: ox.Store, union: bool = True) -> "OxGraph":
        """Queries on an existing store (e.g. loaded from Turtle files, one named graph each)."""
        self = cls.__new__(cls)
        self.store = store
        self.union = union
        return self

    def query(self, text: str, source: str = "query", keep=None) -> Answer:
        """The answer to a query; `keep` (a SELECT's rows as variable name ->
        Oxigraph term, before they are made rdflib terms) drops the rows it refuses."""
        try:
            res = self.store.query(text, use_default_graph_as_union=self.union)
        except SyntaxError as exc:
            raise UserError(f"{source}: malformed SPARQL query: {_one_line(exc)}") from None
        except Exception as exc:
            raise UserError(f"{source}: query failed: {_one_line(exc)}") from None
        if isinstance(res, ox.QueryBoolean):
            return Answer("ASK", [], [], boolean=bool(res))
        if isinstance(res, ox.QueryTriples):
            g = Graph()
            for t in res:
                g.add((from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)))
            return Answer("CONSTRUCT", [], [], graph=g)
        names = [v.value for v in res.variables]
        rows = []
        for sol in res:
            if keep is not None and not keep({name: sol[name] for name in names}):
                continue
            row = {}
            for name in names:
                v = sol[name]
                if v is not None:
                    row[name] = from_oxigraph(v)
            rows.append(row)
        return Answer("SELECT", names, rows)
