"""Validate the facts against the shapes and the integrity checks.

SHACL (pySHACL, `shacl`) checks each resource against the shapes in
shapes/; the integrity checks (`checks`) in queries/checks/*.rq are SPARQL
SELECT queries that must return no rows. Both end in one list of findings
(`Finding`, `Result`), from which `report` derives everything else: the
SHACL validation report as the spec defines it (`report_graph`), the report
for people in German or English (`report_text`) and one tab-separated line
per finding (`finding_rows`).
"""

from __future__ import annotations

from ..load import Project
from .checks import Check, check_shape, load_checks, run_integrity_checks
from .findings import Finding, Result
from .lexical_forms import LEXICAL_CHECK, lexical_findings
from .report import finding_rows, node_shape_of, path_text, report_graph, report_text
from .shacl import run_fast_shacl, run_shacl, validate_shacl

__all__ = [
    "Check",
    "Finding",
    "LEXICAL_CHECK",
    "Result",
    "check_shape",
    "finding_rows",
    "lexical_findings",
    "load_checks",
    "node_shape_of",
    "path_text",
    "report_graph",
    "report_text",
    "run_integrity_checks",
    "run_fast_shacl",
    "run_shacl",
    "validate_shacl",
    "validate_project",
]


def validate_project(project: Project, run_checks: bool = True) -> Result:
    """Every finding of the shapes and (unless run_checks is false) the integrity checks."""
    result = Result(shapes=project.shapes)
    if len(project.shapes):
        result.findings.extend(validate_shacl(project.union, project.shapes))
    result.findings.extend(lexical_findings(project))
    if run_checks:
        result.findings.extend(run_integrity_checks(project.store))
    result.findings.sort(key=Finding.sort_key)
    return result
