"""The integrity checks: SPARQL SELECT queries in queries/checks/ that must return no rows.

Each row (?focus, optionally ?path and ?value) is a Finding whose source
shape is the check's own shape IRI (`check_shape`), with the check's
messages (its `# message@de:`/`# message@en:` header lines) and
sh:SPARQLConstraintComponent: the same form as a SHACL-SPARQL constraint's
result, without pySHACL running the query (an sh:sparql constraint costs
most of pySHACL's time).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rdflib import SH, Literal, URIRef

from .. import config
from ..catalogue import header
from ..errors import UserError
from .findings import Finding


def check_shape(name: str) -> URIRef:
    """The source shape of the findings of the check `name` (any non-SHACL source of findings)."""
    return config.PASH[f"check-{name}"]


INCREMENTAL = ("focus", "label")  # what a check's `# incremental:` header may say (see packtan.validate.live)


@dataclass(frozen=True)
class Check:
    path: Path
    query: str
    messages: dict[str, str]
    names: dict[str, str]
    incremental: str = ""  # "focus", "label" or "" (run over the whole corpus after every change)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def shape(self) -> URIRef:
        return check_shape(self.name)


def load_checks(directory: Path = config.CHECKS_DIR) -> list[Check]:
    checks = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta = header(text)
        messages = {key.split("@", 1)[1]: value for key, value in meta.items() if key.startswith("message@")}
        names = {key.split("@", 1)[1]: value for key, value in meta.items() if key.startswith("name@")}
        incremental = meta.get("incremental", "").strip()
        if incremental and incremental not in INCREMENTAL:
            raise UserError(
                f"{path}:1: '# incremental: {incremental}' is none of {', '.join(INCREMENTAL)}"
            )
        checks.append(Check(path, text, messages, names, incremental))
    return checks


def _uri(node):
    return node if isinstance(node, URIRef) else None


def check_rows(store, check: Check, keep=None) -> list[tuple[Finding, dict]]:
    """Run one check on `store` (an engine.OxGraph): each row as a finding, with the row itself.

    `keep`, when given, is asked first of each row with Oxigraph's terms
    (variable name -> term): only the rows it keeps are made findings."""
    try:
        answer = store.query(check.query, str(check.path), keep=keep)
    except UserError as exc:
        raise UserError(f"{check.path}: malformed integrity check: {exc}") from None
    messages = tuple(Literal(m, lang=lang) for lang, m in sorted(check.messages.items()))
    shape, name = check.shape, check.name
    return [
        (
            Finding(
                focus=row.get("focus"),
                path=_uri(row.get("path")),
                value=row.get("value"),
                messages=messages,
                shape=shape,
                component=SH.SPARQLConstraintComponent,
                check=name,
            ),
            row,
        )
        for row in answer.rows
    ]


def run_integrity_checks(store, checks: list[Check] | None = None, threads: int | None = None) -> list[Finding]:
    """Run the checks on `store` (an engine.OxGraph); each row is a finding, in the checks' order."""
    checks = load_checks() if checks is None else checks
    return [finding for rows in all_check_rows(store, checks, threads) for finding, _row in rows]


def all_check_rows(store, checks: list[Check], threads: int | None = None) -> list[list[tuple[Finding, dict]]]:
    """`check_rows` of each check, in their order; the checks run in `threads`
    threads at once (default: one per CPU). Oxigraph evaluates a query without
    holding Python's lock, so on two CPUs two checks take about the time of one
    (the nine checks on a 1M-triple corpus: 7.1 s one after the other, 3.8 s in two threads)."""
    n = min(len(checks), threads if threads is not None else (os.cpu_count() or 1))
    if n <= 1:
        return [check_rows(store, check) for check in checks]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda check: check_rows(store, check), checks))
