"""corpus.nt is the graphs' lines in order, each once: corpus_build._union
against the plain definition, with Python's hash and with hashes that collide."""

from __future__ import annotations

import random

from packtan.corpus_build import _union


def _reference(graphs) -> str:
    seen, out = set(), []
    for _name, _iri, body in graphs:
        for line in body.splitlines(keepends=True):
            if line not in seen:
                seen.add(line)
                out.append(line)
    return "".join(out)


def _graphs(rng: random.Random) -> list[tuple[str, str, str]]:
    pool = [f"<s{i}> <p> \"{'x' * rng.randint(0, 3)}{i}\" .\n" for i in range(40)]
    graphs = []
    for g in range(rng.randint(1, 6)):
        lines = sorted(set(rng.sample(pool, rng.randint(0, 15))))
        body = "".join(lines)
        if body and rng.random() < 0.2:
            body = body[:-1]  # a last line without its newline
        graphs.append((f"graphs/{g}.nt", f"urn:g{g}", body))
    return graphs


def test_union_is_each_line_once_in_first_seen_order():
    graphs = [("a", "urn:a", "<a> <p> <b> .\n<c> <p> <d> .\n"), ("b", "urn:b", "<c> <p> <d> .\n<e> <p> <f> .\n"), ("c", "urn:c", "")]
    assert _union(graphs) == "<a> <p> <b> .\n<c> <p> <d> .\n<e> <p> <f> .\n"


def test_union_equals_the_definition_whatever_the_hashes():
    rng = random.Random(7349)
    for _ in range(500):
        graphs = _graphs(rng)
        expected = _reference(graphs)
        assert _union(graphs) == expected
        assert _union(graphs, key=len) == expected  # many lines share a length: the collision path
        assert _union(graphs, key=lambda line: 0) == expected  # every line collides
