"""corpus.nt is the graphs' lines in order, each once: corpus_build.Union
against the plain definition, with Python's hash and with hashes that
collide, built at once and kept up to date graph by graph."""

from __future__ import annotations

import random

from packtan.corpus_build import Union

KEYS = (hash, len, lambda line: 0)  # Python's; many lines share a length; every line collides


def _reference(bodies) -> bytes:
    seen, out = set(), []
    for body in bodies:
        for line in body.splitlines(keepends=True):
            if line not in seen:
                seen.add(line)
                out.append(line)
    return b"".join(out)


def _body(rng: random.Random, pool: list[bytes]) -> bytes:
    lines = sorted(set(rng.sample(pool, rng.randint(0, 15))))
    body = b"".join(lines)
    if body and rng.random() < 0.2:
        body = body[:-1]  # a last line without its newline
    if lines and rng.random() < 0.1:
        body = lines[0] + body  # a line twice in one graph
    return body


def _pool(rng: random.Random) -> list[bytes]:
    return [f"<s{i}> <p> \"{'x' * rng.randint(0, 3)}{i}\" .\n".encode() for i in range(40)]


def test_union_is_each_line_once_in_first_seen_order():
    bodies = [b"<a> <p> <b> .\n<c> <p> <d> .\n", b"<c> <p> <d> .\n<e> <p> <f> .\n", b""]
    assert b"".join(Union(bodies).pieces) == b"<a> <p> <b> .\n<c> <p> <d> .\n<e> <p> <f> .\n"


def test_union_equals_the_definition_whatever_the_hashes():
    rng = random.Random(7349)
    for _ in range(500):
        pool = _pool(rng)
        bodies = [_body(rng, pool) for _g in range(rng.randint(1, 6))]
        expected = _reference(bodies)
        for key in KEYS:
            assert b"".join(Union(bodies, key).pieces) == expected


def test_a_graph_without_earlier_lines_is_its_own_piece():
    a, b = b"<a> <p> <b> .\n", b"<c> <p> <d> .\n"
    union = Union([a, b])
    assert union.pieces[0] is a and union.pieces[1] is b


def test_union_kept_up_to_date_equals_the_definition_after_every_replacement():
    rng = random.Random(17)
    for _ in range(200):
        pool = _pool(rng)
        bodies = [_body(rng, pool) for _g in range(rng.randint(1, 5))]
        unions = [Union(bodies, key) for key in KEYS]
        for _step in range(8):
            g = rng.randrange(len(bodies))
            bodies[g] = _body(rng, pool) if rng.random() < 0.7 else b""
            expected = _reference(bodies)
            for union in unions:
                union.replace(g, bodies[g])
                assert b"".join(union.pieces) == expected
                assert union.bodies == bodies
