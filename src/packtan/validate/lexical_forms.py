"""Findings for typed literals whose lexical form, as written, is invalid.

`load` records them while parsing (Oxigraph keeps the lexical form; rdflib
would rewrite it); the rules are in `packtan.lexical`. Each becomes a
finding of the check `lexical-forms`, with its own source shape.
"""

from __future__ import annotations

from rdflib import SH, Literal

from ..load import Project
from .checks import check_shape
from .findings import Finding

LEXICAL_CHECK = "lexical-forms"


def lexical_findings(project: Project) -> list[Finding]:
    return [lexical_finding(s, p, o, why) for _path, s, p, o, why in project.lexical_problems]


def lexical_finding(subject, predicate, literal, why) -> Finding:
    """The finding of one typed literal whose lexical form is invalid (`why`: (en, de))."""
    en, de = why
    return Finding(
        focus=subject,
        path=predicate,
        value=literal,
        messages=(
            Literal(f"The value as written is {en}.", lang="en"),
            Literal(f"Der Wert ist so, wie er geschrieben steht, {de}.", lang="de"),
        ),
        shape=check_shape(LEXICAL_CHECK),
        component=SH.DatatypeConstraintComponent,
        check=LEXICAL_CHECK,
    )
