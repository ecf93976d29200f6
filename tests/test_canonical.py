"""packtan.canonical gives exactly rdflib's canonical blank node labels (RGDA1).

rdflib's `to_canonical_graph` is the reference: same triples, same `cb…`
labels, on graphs whose colour refinement alone separates the blank nodes
(shapes) and on graphs with automorphisms, where rdflib's search (traces)
individuates nodes and refines again.
"""

from __future__ import annotations

import random

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from packtan import canonical, config, dumps

EX = "http://example.org/"

GRAPHS = {
    "siblings": f"@prefix : <{EX}> . :a :p [ :q 1 ], [ :q 1 ], [ :q 2 ] .",
    "equal lists": f"@prefix : <{EX}> . :a :p ( 1 2 3 ), ( 1 2 3 ) . [] :x [] . [] :x [] .",
    "cycles": f"@prefix : <{EX}> . _:a :p _:b . _:b :p _:c . _:c :p _:a . _:d :p _:e . _:e :p _:d . :z :q _:a .",
    "nested": f'@prefix : <{EX}> . :s :p [ :q [ :r "x" ] , [ :r "y"@de ] ] ; :o ( [ :a 1 ] [ :a 1 ] ) .',
    "lonely": f"@prefix : <{EX}> . [] :p [] . [] :p [] . [] :p [] .",
}


def _reference(g: Graph) -> set:
    return set(to_canonical_graph(g))


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_same_labels_as_rdflib_on_small_graphs(name):
    g = Graph().parse(data=GRAPHS[name], format="turtle")
    got = set(canonical.canonical_graph(g))
    assert got == _reference(g)
    assert any(isinstance(t, BNode) and str(t).startswith("cb") for tr in got for t in tr)


@pytest.mark.parametrize("seed", range(6))
def test_same_labels_as_rdflib_on_random_graphs(seed):
    """Random graphs of blank nodes, some with symmetric parts (copies of one part)."""
    rnd = random.Random(seed)
    g = Graph()
    nodes = [BNode() for _ in range(rnd.randint(4, 14))] + [URIRef(EX + f"n{i}") for i in range(3)]
    preds = [URIRef(EX + p) for p in "pqr"]
    part = []
    for _ in range(rnd.randint(4, 20)):
        s = rnd.choice(nodes)
        o = rnd.choice(nodes + [Literal(rnd.randint(0, 2)), Literal("x", lang="de")])
        if isinstance(s, URIRef) and not isinstance(o, BNode):
            continue
        part.append((s, rnd.choice(preds), o))
    copies = rnd.randint(1, 3)
    for _ in range(copies):
        fresh = {n: BNode() for n in nodes if isinstance(n, BNode)}
        for s, p, o in part:
            g.add((fresh.get(s, s), p, fresh.get(o, o)))
    assert set(canonical.canonical_graph(g)) == _reference(g)


@pytest.mark.parametrize("name", ["places.ttl", "figures.ttl"])
def test_same_labels_as_rdflib_on_shapes(name):
    g = Graph().parse(config.SHAPES_DIR / name, format="turtle")
    assert set(canonical.canonical_graph(g)) == _reference(g)


def test_to_turtle_with_blank_nodes_is_rdflibs_writer_over_the_canonical_form():
    g = Graph().parse(config.SHAPES_DIR / "places.ttl", format="turtle")
    expected = Graph()
    for t in to_canonical_graph(g):
        expected.add(t)
    expected = dumps._bind(expected)
    expected.bind("pash", config.PASH, override=True, replace=True)
    assert dumps.to_turtle(g) == expected.serialize(format="turtle")


def test_a_blank_predicate_is_left_to_rdflib():
    g = Graph()
    b = BNode()
    g.add((URIRef(EX + "s"), URIRef(EX + "p"), b))
    # rdflib.Graph refuses a blank node as predicate in add(); the store takes it
    g.store.add((b, b, Literal(1)), context=g)
    assert set(canonical.canonical_graph(g)) == _reference(g)
