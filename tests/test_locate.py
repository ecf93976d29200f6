"""Locating quotes without a regex per quote gives what the regex gives.

`provenance.locate` finds candidates by plain search and checks them with a
small backtracking matcher; `provenance._locate_regex` (each quote compiled
to a regex, `finditer`) is the reference. Both are compared on every quote of
the project and on generated texts and quotes (fixed seed), including cases
where only the regex's order of preference (take an optional line-end mark
first) decides the span.
"""

from __future__ import annotations

import random
import re

import pytest

from packtan import config, provenance
from packtan.load import read_turtle
from packtan.provenance import _BREAK, _HYPHEN_BREAK, _quote_pattern

SEED = 20170228


def _old_normalise(text: str) -> tuple[str, list[int]]:
    """The normalisation as it was written first: one step per character (the reference)."""
    out: list[str] = []
    where: list[int] = []
    i, n = 0, len(text)
    while i < n:
        m = _HYPHEN_BREAK.match(text, i) if text[i] == "-" else None
        if m:
            out.append(_BREAK)
            where.append(i)
            i = m.end()
            continue
        if not text[i].isspace():
            out.append(text[i])
            where.append(i)
        i += 1
    return "".join(out), where


def _regex_spans(norm: str, quote: str) -> list[tuple[int, int]]:
    return [m.span() for m in _quote_pattern(quote).finditer(norm)]


def _spans(norm: str, quote: str) -> list[tuple[int, int]]:
    """What `locate` does on a normalised text (the regex where it falls back to it)."""
    chars = provenance._quote_chars(quote)
    if not provenance._plain(chars):
        return _regex_spans(norm, quote)
    return provenance._spans(norm, chars)


def _lazy_spans(norm: str, quote: str) -> list[tuple[int, int]]:
    """The spans a matcher would give that left an optional mark out first."""
    pattern = _quote_pattern(quote).pattern.replace(_BREAK + "?", _BREAK + "??")
    return [m.span() for m in re.finditer(pattern, norm)]


# --- generated texts and quotes ---------------------------------------------

# Pieces of a raw text: letters, hyphens within a line and at line ends
# (hyphenation or a hyphen that stays), whitespace of several kinds (ASCII,
# Unicode, the separators \x1c and \x85), a literal mark character.
PIECES = ["a", "a", "b", "b", "c", "-", "-", " ", "\n", "-\n", "-\n", "- \n", "-\t\r\n  ", "-\r\r\n",
          "\n\n", "\u00a0", "\u2028", "\x1c", "\x85", "\u3000", "\t", "ä"]
RARE = [_BREAK, "-\n-\n", "-\n-"]


def _text(rng: random.Random) -> str:
    n = rng.randint(0, 30)
    return "".join(rng.choice(RARE) if rng.random() < 0.05 else rng.choice(PIECES) for _ in range(n))


def _quote(rng: random.Random, text: str) -> str:
    """A quote cut from the text as a reader would write it, often mutated; or made up.

    Mostly one with a letter in it (one without is for the regex to find)."""
    for _ in range(10):
        quote = _any_quote(rng, text)
        if re.search("[a-cä]", quote):
            break
    return quote


def _any_quote(rng: random.Random, text: str) -> str:
    kind = rng.random()
    if kind < 0.25 or not text:
        return "".join(rng.choice("ab- ") for _ in range(rng.randint(1, 6)))
    reading = provenance.reading_text(text)
    read_as = rng.choice([reading, reading.replace("-", ""), text])
    if not read_as:
        return "a"
    a = rng.randrange(len(read_as))
    b = rng.randint(a + 1, min(len(read_as), a + 12))
    quote = list(read_as[a:b])
    for _ in range(rng.choice([0, 0, 1, 2])):  # mutations: a hyphen in or out, a letter changed
        op, at = rng.random(), rng.randint(0, len(quote))
        if op < 0.4:
            quote.insert(at, "-")
        elif op < 0.7 and quote:
            del quote[min(at, len(quote) - 1)]
        elif quote:
            quote[min(at, len(quote) - 1)] = rng.choice("abc-")
    if rng.random() < 0.1:
        quote.insert(0, "-")
    if rng.random() < 0.1:
        quote.append("-")
    return "".join(quote) or "b"


@pytest.fixture(scope="module")
def cases() -> list[tuple[str, str]]:
    rng = random.Random(SEED)
    out = []
    for _ in range(2500):
        text = _text(rng)
        out += [(text, _quote(rng, text)) for _ in range(3)]
    return out


def test_normalisation_equals_the_per_character_loop_on_the_source_and_generated_texts():
    raw = config.SOURCE_FILE.read_text(encoding="utf-8")
    assert provenance._normalise_with_offsets(raw) == _old_normalise(raw)
    rng = random.Random(SEED)
    for _ in range(3000):
        text = _text(rng)
        assert provenance._normalise_with_offsets(text) == _old_normalise(text), repr(text)
    assert provenance._normalise_with_offsets("Integra-\ntion -\n-x a-b") == _old_normalise("Integra-\ntion -\n-x a-b")
    assert _old_normalise("Integra-\ntion -\n-x a-b")[0] == "Integra¬tion¬-xa-b"


def test_locate_equals_the_regex_on_generated_texts_and_quotes(cases):
    plain = wrong = greedy_decides = 0
    for text, quote in cases:
        norm = provenance.normalise_source(text)
        got, want = _spans(norm, quote), _regex_spans(norm, quote)
        if got != want:
            wrong += 1
            assert got == want, (text, quote, norm)
        chars = provenance._quote_chars(quote)
        plain += provenance._plain(chars)
        greedy_decides += provenance._plain(chars) and _lazy_spans(norm, quote) != want
        assert provenance.quote_in_source(quote, norm) == bool(want), (text, quote)
    assert not wrong
    assert plain > 0.9 * len(cases)  # nearly all go through the matcher, not the fallback
    # the cases can tell the regex's order of preference from its opposite
    assert greedy_decides >= 100, greedy_decides
    assert sum(bool(_regex_spans(provenance.normalise_source(t), q)) for t, q in cases) > len(cases) / 3


def test_spans_quote_equals_the_regex_fullmatch_on_generated_slices():
    rng = random.Random(SEED + 1)
    checked = matched = 0
    for _ in range(3000):
        text = _text(rng)
        a = rng.randint(0, len(text))
        piece = text[a:rng.randint(a, len(text))]
        quote = _quote(rng, text) if rng.random() < 0.5 else provenance.reading_text(piece) or "a"
        norm = provenance.normalise_source(piece)
        want = _quote_pattern(quote).fullmatch(norm) is not None
        assert provenance.spans_quote(quote, piece) == want, (piece, quote)
        checked += 1
        matched += want
    assert checked == 3000 and matched > 300


def test_where_only_the_order_of_preference_decides():
    # "a-" after "a", a mark, a mark: the regex takes the optional mark after
    # "a" first, so its hyphen is the second mark; leaving it out would end earlier.
    norm = provenance.normalise_source("a-\n-\nx")
    assert norm == "a¬¬x"
    assert _regex_spans(norm, "a-") == [(0, 3)] != _lazy_spans(norm, "a-")
    assert _spans(norm, "a-") == [(0, 3)]
    # a quote starting with a hyphen starts at the mark just before its letter
    norm = provenance.normalise_source("a-\n-\na-\n-\n")
    assert norm == "a¬¬a¬¬"
    assert _spans(norm, "-a") == _regex_spans(norm, "-a") == [(2, 4)]
    assert _spans(norm, "a-") == _regex_spans(norm, "a-") == [(0, 3), (3, 6)]
    # leftmost first, and a candidate overlapping the span before is not taken
    assert _spans("a¬aaa", "aa") == _regex_spans("a¬aaa", "aa") == [(0, 3), (3, 5)]
    assert _spans("a¬-a", "a-a") == _regex_spans("a¬-a", "a-a") == [(0, 4)]
    assert _spans("a-¬a", "a-a") == _regex_spans("a-¬a", "a-a") == []


def test_odd_quotes_fall_back_to_the_regex():
    for quote in ["", "   ", "-", "--", "a" + _BREAK + "b"]:
        assert not provenance._plain(provenance._quote_chars(quote))
    assert provenance._plain("-a-")


# --- the project's own quotes ------------------------------------------------


def _project_quotes() -> list[str]:
    files = sorted((config.ROOT / "data" / "17-7349").glob("*.ttl"))
    return sorted({str(o) for f in files for _s, p, o in read_turtle(f) if p == config.PA.quote})


def test_locate_equals_the_regex_on_every_quote_of_the_project():
    quotes = _project_quotes()
    assert len(quotes) > 400
    found = twice = 0
    for quote in quotes:
        got = provenance.locate(quote)
        assert got == provenance._locate_regex(quote), quote
        found += bool(got)
        twice += len(got) > 1
    assert found == len(quotes)  # every quote stands in the source
    assert twice >= 4  # the quotes that need pa:occurrence


def test_locate_equals_the_regex_in_files_of_generated_text(tmp_path, cases):
    for i, (text, quote) in enumerate(cases[:600]):
        path = tmp_path / f"t{i}.txt"
        path.write_text(text, encoding="utf-8", newline="")
        assert provenance.locate(quote, path) == provenance._locate_regex(quote, path), (text, quote)


def test_selectors_are_the_same_as_with_the_regex_reference(monkeypatch):
    from packtan import selectors

    files = sorted((config.ROOT / "data" / "17-7349").glob("*.ttl"))
    own = [t for f in files for t in read_turtle(f)]
    passages = {s for s, p, o in own if p == selectors.RDF.type and o == config.PA.Passage}
    fast = selectors.selector_triples(own, "17-7349")
    monkeypatch.setattr(selectors, "locate", provenance._locate_regex)
    reference = selectors.selector_triples(own, "17-7349")
    # 15 triples for each passage, 6 describing the source text
    assert len(fast) == 15 * len(passages) + 6 and len(passages) > 400
    assert [tuple(x.n3() for x in t) for t in fast] == [tuple(x.n3() for x in t) for t in reference]
    assert [tuple(map(type, t)) for t in fast] == [tuple(map(type, t)) for t in reference]
