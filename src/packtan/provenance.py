"""Find verbatim quotes in the source text.

The source is the plain text of a PDF: words are hyphenated at line ends,
page breaks insert blank lines, and a real hyphen may also fall at a line
end ("SPRINT-\\nDual"). A quote is written as a reader sees it: hyphenation
undone, line breaks as single spaces. Matching ignores whitespace and treats
a hyphen at a line end as either nothing or a hyphen.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .config import SOURCE_FILE

_BREAK = "\u00ac"  # marks a hyphen that stood at a line end


_HYPHEN_BREAK = re.compile(r"-[ \t]*\r?\n\s*")


def _normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, its offset in `text`."""
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


def normalise_source(text: str) -> str:
    return _normalise_with_offsets(text)[0]


@lru_cache(maxsize=4096)
def _quote_pattern(quote: str) -> re.Pattern[str]:
    chars = re.sub(r"\s+", "", quote)
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


def locate(quote: str, path: Path = SOURCE_FILE) -> list[tuple[int, int]]:
    """Every span (start, end) of the source file's text where `quote` stands.

    Offsets count characters (Unicode code points) of the file's text from 0,
    end exclusive, as a W3C Web Annotation TextPositionSelector does; the
    span starts at the quote's first character and ends after its last.
    """
    _raw, norm, where = _source(path)
    return [(where[m.start()], where[m.end() - 1] + 1) for m in _quote_pattern(quote).finditer(norm)]


def quote_in_source(quote: str, source: str | None = None) -> bool:
    """True when `quote` occurs verbatim in the (normalised) source text."""
    haystack = load_source() if source is None else source
    return _quote_pattern(quote).search(haystack) is not None


def spans_quote(quote: str, raw_slice: str) -> bool:
    """True when `raw_slice` of the source file reads exactly as `quote`.

    The documented normalisation: whitespace (line breaks, page breaks) is
    not compared, and a hyphen at a line end is either nothing (hyphenation,
    `Chris-\\ntian` = `Christian`) or a hyphen (`SPRINT-\\nDual`).
    """
    norm = _normalise_with_offsets(raw_slice)[0]
    return _quote_pattern(quote).fullmatch(norm) is not None


_SOFT_BREAK = re.compile(r"-[ \t]*\r?\n\s*(?=[a-zäöüß])")
_HARD_BREAK = re.compile(r"-[ \t]*\r?\n\s*")


def reading_text(raw: str) -> str:
    """Raw source text as a reader sees it, for the context of a quote
    (oa:prefix, oa:suffix): a hyphen at a line end before a lower-case letter
    is hyphenation and goes, any other stays; runs of whitespace become one space."""
    return re.sub(r"\s+", " ", _HARD_BREAK.sub("-", _SOFT_BREAK.sub("", raw)))
