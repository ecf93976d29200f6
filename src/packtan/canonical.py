"""rdflib's canonical blank node labels (RGDA1, `rdflib.compare.to_canonical_graph`), fast.

`dumps.to_turtle` writes a graph with blank nodes (the shapes) through
rdflib's canonical form, so that the order of nested `[ … ]` follows the
content, not generated labels. rdflib's refinement asks its store for the
triples between every blank-node colour and every other colour of each step
and keeps its colours in lists it searches; on the shapes (about a thousand
blank nodes) that is minutes. `canonical_graph` runs the same algorithm,
step for step and in the same order, with the triples that touch blank nodes
indexed by node and the colours' positions kept, so it gives the very same
labels (tests/test_canonical.py compares it with rdflib on graphs that need
rdflib's search for automorphisms too). Where its assumptions do not hold (a
blank node as predicate, a colour mixing blank and other nodes) it leaves the
graph to rdflib's own implementation.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import BNode, Graph
from rdflib.compare import Color, _TripleCanonicalizer, to_canonical_graph
from rdflib.term import Node


class _Unsupported(Exception):
    """A graph outside what the fast refinement covers: rdflib's own is used."""


def _eligible(c: Color) -> bool:
    # the colours rdflib's _refine distinguishes on every step
    return len(c.nodes) > 1 or isinstance(c.nodes[0], BNode)


class _FastCanonicalizer(_TripleCanonicalizer):
    def __init__(self, graph: Graph):
        super().__init__(graph)
        # triples (n, p, w) and (w, p, n) of every node, only triples with a blank node:
        # rdflib's distinguish only ever asks for triples between a blank node and another node
        self._subj_of: dict = defaultdict(lambda: defaultdict(list))  # w -> n -> [p] for (n, p, w)
        self._obj_of: dict = defaultdict(lambda: defaultdict(list))  # w -> n -> [p] for (w, p, n)
        for s, p, o in graph:
            if isinstance(p, BNode):
                raise _Unsupported("a blank node as predicate")
            if isinstance(s, BNode):  # only blank nodes are ever distinguished
                self._subj_of[o][s].append(p)
            if isinstance(o, BNode):
                self._obj_of[s][o].append(p)
        # plain dicts of (node, predicates) pairs
        self._subj_of = {w: list(d.items()) for w, d in self._subj_of.items()}
        self._obj_of = {w: list(d.items()) for w, d in self._obj_of.items()}
        self._item_hash: dict = {}

    def _value(self, c: Color) -> int:
        """The integer whose hex digits are the colour's hash (a sum of item hashes)."""
        return int(c.hash_color(), 16)

    def _h(self, item: tuple) -> int:
        hit = self._item_hash.get(item)
        if hit is None:
            text = " ".join(x.n3() if isinstance(x, Node) else str(x) for x in item)
            hit = self._item_hash[item] = self.hashfunc(text)
        return hit

    def _refine(self, coloring: list[Color], sequence: list[Color]) -> list[Color]:
        sequence = sorted(sequence, key=lambda x: x.key(), reverse=True)
        coloring = coloring[:]
        if sequence and not self._discrete(coloring):
            coloring = self._passes(coloring, sequence)
        # as rdflib: colours with the same hash are one colour
        combined_colors: list[Color] = []
        combined_color_map: dict[str, Color] = {}
        for color in coloring:
            color_hash = color.hash_color()
            if color_hash in combined_color_map:
                combined_color_map[color_hash].nodes.extend(color.nodes)
            else:
                combined_colors.append(color)
                combined_color_map[color_hash] = color
        return combined_colors

    def _passes(self, coloring: list[Color], sequence: list[Color]) -> list[Color]:
        """rdflib's refinement loop. On each step rdflib distinguishes every eligible
        colour by W, in the order of the colouring, and moves the results to its end:
        after the first step the colouring is the other colours in their order, then
        the eligible ones in theirs, and only colours with a node linked to W change."""
        front = [c for c in coloring if not _eligible(c)]
        elig = [c for c in coloring if _eligible(c)]
        color_of: dict = {}
        for c in elig:
            for n in c.nodes:
                if not isinstance(n, BNode):
                    raise _Unsupported("a colour with a node that is not blank")
                color_of[n] = c
        in_seq = {id(c) for c in sequence}
        nondiscrete = sum(1 for c in elig if len(c.nodes) > 1)
        cache = self._hash_cache
        hashfunc = self.hashfunc
        subj_get, obj_get = self._subj_of.get, self._obj_of.get
        while sequence and nondiscrete:
            W = sequence.pop()  # noqa: N806
            in_seq.discard(id(W))
            linked = [(w, subj_get(w), obj_get(w)) for w in W.nodes]
            if not any(a or b for _w, a, b in linked):
                continue
            wh = W.hash_color()
            items: dict = defaultdict(list)
            for _w, a, b in linked:
                for n, ps in a or ():  # (n, p, w)
                    if n in color_of:
                        items[n].extend((1, p, wh) for p in ps)
                for n, ps in b or ():  # (w, p, n)
                    if n in color_of:
                        items[n].extend((wh, p, 3) for p in ps)
            if not items:
                continue
            affected = {id(color_of[n]): color_of[n] for n in items}
            at = {key: elig.index(c) for key, c in affected.items()}  # identity: colours have no __eq__
            replaced: list = []
            for c in sorted(affected.values(), key=lambda x: at[id(x)]):
                base = self._value(c)
                groups: dict = {}
                for n in c.nodes:
                    add = items.get(n)
                    if add:
                        new_color = c.color + tuple(add)
                        val = "%x" % (base + sum(self._h(i) for i in add))
                    else:
                        new_color = c.color
                        val = c.hash_color()
                    g = groups.get(val)
                    if g is None:
                        cache.setdefault(new_color, val)
                        g = groups[val] = Color([], hashfunc, new_color, hash_cache=cache)
                    g.nodes.append(n)
                colors = sorted(groups.values(), key=lambda x: x.key(), reverse=True)
                if id(c) in in_seq:
                    si = sequence.index(c)
                    sequence[si:si + 1] = colors
                    in_seq.discard(id(c))
                    in_seq.update(id(x) for x in colors)
                else:
                    sequence[0:0] = colors[1:]
                    in_seq.update(id(x) for x in colors[1:])
                nondiscrete += sum(1 for x in colors if len(x.nodes) > 1) - (len(c.nodes) > 1)
                for x in colors:
                    for n in x.nodes:
                        color_of[n] = x
                replaced.append((at[id(c)], colors))
            for i, colors in reversed(replaced):  # from the end: the positions before stay valid
                elig[i:i + 1] = colors
        return front + elig


def canonical_graph(g: Graph) -> Graph:
    """The triples of `to_canonical_graph(g)`: blank nodes labelled `cb<hash>` by content."""
    out = Graph()
    try:
        triples = list(_FastCanonicalizer(g).canonical_triples())
    except _Unsupported:
        triples = list(to_canonical_graph(g))
    for t in triples:
        out.add(t)
    return out
