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


def normalise_source(text: str) -> str:
    text = re.sub(r"-[ \t]*\r?\n\s*", _BREAK, text)
    return re.sub(r"\s+", "", text)


def _quote_pattern(quote: str) -> re.Pattern[str]:
    parts = []
    for ch in re.sub(r"\s+", "", quote):
        parts.append("(?:-|" + _BREAK + ")" if ch == "-" else re.escape(ch) + _BREAK + "?")
    return re.compile("".join(parts))


@lru_cache(maxsize=4)
def load_source(path: Path = SOURCE_FILE) -> str:
    return normalise_source(path.read_text(encoding="utf-8"))


def quote_in_source(quote: str, source: str | None = None) -> bool:
    """True when `quote` occurs verbatim in the (normalised) source text."""
    haystack = load_source() if source is None else source
    return _quote_pattern(quote).search(haystack) is not None
