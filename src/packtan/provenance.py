"""Find verbatim quotes in the source text.

The source is the plain text of a PDF: words are hyphenated at line ends,
page breaks insert blank lines, and a real hyphen may also fall at a line
end ("SPRINT-\\nDual"). A quote is written as a reader sees it: hyphenation
undone, line breaks as single spaces. Matching ignores whitespace and treats
a hyphen at a line end as either nothing or a hyphen.

What that means exactly is the quote's regex (`_quote_pattern`) over the
normalised text; `locate` gives what its `finditer` gives, by plain search and
a small matcher (`_spans`), since compiling a regex per quote costs
milliseconds and every document has its own quotes.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

from .config import SOURCE_FILE

_BREAK = "\u00ac"  # marks a hyphen that stood at a line end


_HYPHEN_BREAK = re.compile(r"-[ \t]*\r?\n\s*")


def _normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, its offset in `text`.

    Whitespace goes (`str.isspace`); a hyphen at a line end becomes the mark
    `_BREAK` and the whitespace after it goes; every other character stays.
    So the characters kept are exactly those that are not whitespace (what
    follows a line-end hyphen is whitespace), each at its own offset.
    """
    norm = "".join(_HYPHEN_BREAK.sub(_BREAK, text).split())  # str.split() splits at str.isspace()
    return norm, [i for i, c in enumerate(text) if not c.isspace()]


def normalise_source(text: str) -> str:
    return _normalise_with_offsets(text)[0]


@lru_cache(maxsize=4096)
def _quote_pattern(quote: str) -> re.Pattern[str]:
    """The reference: the quote (whitespace removed) as a regex over the normalised text."""
    chars = _quote_chars(quote)
    parts = []
    for i, ch in enumerate(chars):
        if ch == "-":
            parts.append("(?:-|" + _BREAK + ")")
        else:  # a line-end hyphen may follow any character but the last
            parts.append(re.escape(ch) + (_BREAK + "?" if i < len(chars) - 1 else ""))
    return re.compile("".join(parts))


@lru_cache(maxsize=4)
def _source(path: Path = SOURCE_FILE) -> tuple[str, str, tuple[int, ...]]:
    raw = path.read_text(encoding="utf-8")
    norm, where = _normalise_with_offsets(raw)
    return raw, norm, tuple(where)


def load_source(path: Path = SOURCE_FILE) -> str:
    return _source(path)[1]


def raw_source(path: Path = SOURCE_FILE) -> str:
    """The source text exactly as in the file (what character offsets count into)."""
    return _source(path)[0]


_SPACE = re.compile(r"\s+")
_WORD = re.compile("[^-" + _BREAK + "]+")  # a run of characters that are neither hyphens nor marks


def _quote_chars(quote: str) -> str:
    """The quote as it is matched: whitespace removed."""
    return _SPACE.sub("", quote)


@lru_cache(maxsize=4)
def _compact(norm: str) -> tuple[str, tuple[int, ...]]:
    """`norm` without hyphens and line-end marks, and for each of its characters its index in `norm`."""
    text: list[str] = []
    where: list[int] = []
    for m in _WORD.finditer(norm):
        text.append(m.group())
        where.extend(range(*m.span()))
    return "".join(text), tuple(where)


def _match_end(norm: str, start: int, chars: str, end: int | None = None) -> int | None:
    """Where a match of `_quote_pattern(chars)` at `norm[start]` ends, or None.

    The first match in the order a backtracking regex engine tries them: an
    optional line-end mark after a character is taken first, then left out;
    a hyphen of the quote is a hyphen or a mark. With `end` given, only a
    match ending there counts (as `fullmatch` asks).
    """
    n, k = len(norm), len(chars)
    if end is None and norm.startswith(chars, start):
        # No mark in the way: the first way tried (taking a mark where one
        # follows a character) fails at once everywhere, so this is the match.
        return start + k
    stack = [(0, start)]
    while stack:
        i, p = stack.pop()
        while True:
            if i == k:
                if end is None or p == end:
                    return p
                break
            if p >= n:
                break
            if chars[i] == "-":
                if norm[p] != "-" and norm[p] != _BREAK:
                    break
                i, p = i + 1, p + 1
                continue
            # a run of the quote's characters up to its next hyphen, compared
            # at once up to the next mark in the text (no mark within it, so
            # no optional mark to take after any but the run's last character)
            run = chars.find("-", i)
            run = (k if run < 0 else run) - i
            mark = norm.find(_BREAK, p, p + run)
            d = run if mark < 0 else mark - p
            if d == 0 or not norm.startswith(chars[i:i + d], p):
                break  # a mark where a character of the quote must be, or another character
            i, p = i + d, p + d
            if i < k and p < n and norm[p] == _BREAK:
                stack.append((i, p))  # without the mark, tried later
                p += 1
    return None


def _plain(chars: str) -> bool:
    """Whether `_spans` can find a quote (whitespace removed) without its regex."""
    return bool(chars.replace("-", "")) and _BREAK not in chars


def _spans(norm: str, chars: str, first: bool = False) -> list[tuple[int, int]]:
    """The spans (start, end) of `norm` that `_quote_pattern(chars).finditer` gives.

    Every match reads, without hyphens and marks, as the quote without
    hyphens, so the candidates are where that stands in the compact text
    (`str.find`, overlapping), mapped back to `norm` and checked there with
    `_match_end`; accepted from the left, none overlapping the one before.
    """
    text, where = _compact(norm)
    needle = chars.replace("-", "")
    lead = len(chars) - len(chars.lstrip("-"))  # hyphens before the first character
    out: list[tuple[int, int]] = []
    j = text.find(needle)
    pos = 0
    while j >= 0:
        start = where[j] - lead
        if start >= pos:
            end = _match_end(norm, start, chars)
            if end is not None:
                out.append((start, end))
                if first:
                    break
                pos = end
                j = bisect_left(where, end + lead, j + 1)  # the first candidate starting at or after it
                j = text.find(needle, j)
                continue
        j = text.find(needle, j + 1)
    return out


def _locate_regex(quote: str, path: Path = SOURCE_FILE) -> list[tuple[int, int]]:
    """`locate` by the quote's regex (the reference; compiling it costs milliseconds)."""
    _raw, norm, where = _source(path)
    return [(where[m.start()], where[m.end() - 1] + 1) for m in _quote_pattern(quote).finditer(norm)]


def locate(quote: str, path: Path = SOURCE_FILE) -> list[tuple[int, int]]:
    """Every span (start, end) of the source file's text where `quote` stands.

    Offsets count characters (Unicode code points) of the file's text from 0,
    end exclusive, as a W3C Web Annotation TextPositionSelector does; the
    span starts at the quote's first character and ends after its last.
    Leftmost first, none overlapping another: what `_locate_regex` gives.
    """
    chars = _quote_chars(quote)
    if not _plain(chars):
        return _locate_regex(quote, path)
    _raw, norm, where = _source(path)
    return [(where[a], where[b - 1] + 1) for a, b in _spans(norm, chars)]


def quote_in_source(quote: str, source: str | None = None) -> bool:
    """True when `quote` occurs verbatim in the (normalised) source text."""
    haystack = load_source() if source is None else source
    chars = _quote_chars(quote)
    if not _plain(chars):
        return _quote_pattern(quote).search(haystack) is not None
    return bool(_spans(haystack, chars, first=True))


def spans_quote(quote: str, raw_slice: str) -> bool:
    """True when `raw_slice` of the source file reads exactly as `quote`.

    The documented normalisation: whitespace (line breaks, page breaks) is
    not compared, and a hyphen at a line end is either nothing (hyphenation,
    `Chris-\\ntian` = `Christian`) or a hyphen (`SPRINT-\\nDual`).
    """
    norm = _normalise_with_offsets(raw_slice)[0]
    chars = _quote_chars(quote)
    if not _plain(chars):
        return _quote_pattern(quote).fullmatch(norm) is not None
    return _match_end(norm, 0, chars, end=len(norm)) is not None


_SOFT_BREAK = re.compile(r"-[ \t]*\r?\n\s*(?=[a-zäöüß])")
_HARD_BREAK = re.compile(r"-[ \t]*\r?\n\s*")


def reading_text(raw: str) -> str:
    """Raw source text as a reader sees it, for the context of a quote
    (oa:prefix, oa:suffix): a hyphen at a line end before a lower-case letter
    is hyphenation and goes, any other stays; runs of whitespace become one space."""
    return re.sub(r"\s+", " ", _HARD_BREAK.sub("-", _SOFT_BREAK.sub("", raw)))
