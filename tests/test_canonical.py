"""Turtle with blank nodes is written from the RDFC-1.0 canonical form: the
same graph gives the same bytes whatever its blank nodes were called."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from packtan.dumps import canonical_triples, to_turtle

EX = Namespace("https://example.org/")


def _graph(names: list[str]) -> Graph:
    """A shape-like tree: a node with two blank property shapes, one with a list-like chain."""
    a, b, c = (BNode(n) for n in names)
    g = Graph()
    g.add((EX.shape, EX.property, a))
    g.add((EX.shape, EX.property, b))
    g.add((a, EX.path, EX.name))
    g.add((a, EX.message, Literal("Name fehlt", lang="de")))
    g.add((b, EX.path, EX.date))
    g.add((b, EX.next, c))
    g.add((c, EX.value, Literal("x")))
    return g


def test_the_same_graph_under_other_blank_node_names_gives_the_same_bytes():
    one = to_turtle(_graph(["a1", "b1", "c1"]))
    other = to_turtle(_graph(["zz", "q", "m0"]))
    assert one == other


def test_the_canonical_form_is_the_same_graph():
    g = _graph(["a", "b", "c"])
    out = Graph().parse(data=to_turtle(g), format="turtle")
    assert isomorphic(out, g)
    canon = canonical_triples(list(g))
    assert len(canon) == len(g)
    # RDFC-1.0 labels blank nodes c14n0, c14n1, … (https://www.w3.org/TR/rdf-canon/)
    labels = {str(t) for tr in canon for t in tr if isinstance(t, BNode)}
    assert labels == {"c14n0", "c14n1", "c14n2"}


def test_a_graph_without_blank_nodes_is_unaffected():
    g = Graph()
    g.add((EX.a, EX.p, URIRef("https://example.org/b")))
    assert canonical_triples(list(g)) == list(g)
