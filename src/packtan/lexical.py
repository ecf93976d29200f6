"""Typed literals checked on their lexical form as written.

rdflib rewrites a literal when it parses it (`"1e3"^^xsd:decimal` becomes
`1000`, `"+538967.95"` loses its sign), so a check on rdflib's terms cannot
see what the file says. Oxigraph's parser keeps the lexical form; `load`
hands each typed literal of the facts to `problem` as it was written.

The rules are XSD 1.1's lexical spaces, made stricter where the project
writes one form only (numbers without a leading `+` or leading zeros, the
booleans `true` and `false`), so that what is published is what was written.
"""

from __future__ import annotations

import calendar
import re

XSD = "http://www.w3.org/2001/XMLSchema#"

_TZ = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_INT = r"-?(?:0|[1-9]\d*)"

# datatype -> (pattern, what is expected in English, in German)
_RULES: dict[str, tuple[re.Pattern[str], str, str]] = {
    "integer": (
        re.compile(_INT),
        "a whole number such as 600 (digits, an optional '-', no '+', no leading zeros)",
        "eine ganze Zahl wie 600 (Ziffern, ein optionales „-“, kein „+“, keine führenden Nullen)",
    ),
    "nonNegativeInteger": (re.compile(r"0|[1-9]\d*"), "a whole number of at least 0, such as 12", "eine ganze Zahl ab 0, etwa 12"),
    "positiveInteger": (re.compile(r"[1-9]\d*"), "a whole number of at least 1, such as 12", "eine ganze Zahl ab 1, etwa 12"),
    "decimal": (
        re.compile(_INT + r"(?:\.\d+)?"),
        "a decimal number such as 538967.95 (a '.' for the decimal point; no exponent, thousands separator or '+')",
        "eine Dezimalzahl wie 538967.95 (Punkt als Dezimaltrennzeichen; kein Exponent, kein Tausenderpunkt, kein „+“)",
    ),
    "boolean": (re.compile(r"true|false"), "true or false", "true oder false"),
    "date": (
        re.compile(r"(-?[1-9]\d{3,}|-?0\d{3})-(\d{2})-(\d{2})" + _TZ),
        "a date YYYY-MM-DD that exists, such as 2016-03-16",
        "ein existierendes Datum JJJJ-MM-TT wie 2016-03-16",
    ),
    "gYear": (re.compile(r"-?(?:[1-9]\d{3,}|0\d{3})" + _TZ), "a year such as 2016", "ein Jahr wie 2016"),
    "gYearMonth": (
        re.compile(r"(-?[1-9]\d{3,}|-?0\d{3})-(\d{2})" + _TZ),
        "a year and month YYYY-MM, such as 2016-11",
        "Jahr und Monat JJJJ-MM wie 2016-11",
    ),
    "anyURI": (re.compile(r"[^\s<>\"{}|\\^`]*"), "an IRI without spaces", "eine IRI ohne Leerzeichen"),
}


def problem(lexical: str, datatype: str) -> tuple[str, str] | None:
    """Why `lexical` is not a valid form of `datatype` (an IRI), in English and German; or None."""
    if not datatype.startswith(XSD):
        return None
    name = datatype[len(XSD):]
    rule = _RULES.get(name)
    if rule is None:
        return None
    pattern, en, de = rule
    m = pattern.fullmatch(lexical)
    if m is None:
        return f"not a valid xsd:{name}: expected {en}", f"kein gültiger Wert für xsd:{name}: erwartet wird {de}"
    if name in ("date", "gYearMonth"):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            return f"not a valid xsd:{name}: there is no month {m.group(2)}", f"kein gültiger Wert für xsd:{name}: es gibt keinen Monat {m.group(2)}"
        if name == "date":
            day = int(m.group(3))
            last = calendar.monthrange(year if year > 0 else 2000, month)[1]
            if not 1 <= day <= last:
                return (
                    f"not a valid xsd:date: {year:04d}-{month:02d} has no day {m.group(3)}",
                    f"kein gültiges xsd:date: {year:04d}-{month:02d} hat keinen Tag {m.group(3)}",
                )
    return None
