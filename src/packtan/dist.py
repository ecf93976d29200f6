"""`build`: validate, render every output, write dist/ atomically.

Each output is one module with one render function from the validated
project to files (name -> content): the dumps (`dumps`), the validation
reports (`reports` below), the dataset description (`describe`), the
regenerated answer (`answers`), the query files. `OUTPUTS` composes them;
`build` writes their union into a staging folder and moves it into place
only when everything succeeded."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import answers, config, describe, dumps, jena_shapes
from .load import Project, load_project, turtle_files
from .validate import Result, report_graph, report_text, validate_project



class NotConforming(Exception):
    """The facts violate the shapes or the integrity checks. Exit code 1."""

    exit_code = 1

    def __init__(self, result: Result, project: Project):
        super().__init__("the graph does not conform")
        self.result = result
        self.project = project


@dataclass
class BuildSummary:
    out_dir: Path
    files_in: int
    triples: int
    files_out: list[str]


def write_atomically(out_dir: Path, files: dict[str, str | bytes]) -> None:
    """Write `files` (name -> content) as the new content of `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-new-", dir=out_dir.parent))
    try:
        for name, content in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                with open(target, "w", encoding="utf-8", newline="\n") as fh:
                    fh.write(content)
        os.chmod(staging, 0o755)
        old = None
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-old-", dir=out_dir.parent))
            os.rmdir(old)
            os.replace(out_dir, old)
        os.replace(staging, out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_files(out_dir: Path, files: dict[str, str]) -> None:
    """Replace single files of `out_dir`, each atomically (write, then rename)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for name, content in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}-", dir=out_dir)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(content)
            written.append((tmp, out_dir / name))
        for tmp, target in written:
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
    finally:
        for tmp, _target in written:
            if os.path.exists(tmp):
                os.unlink(tmp)


def render_reports(project: Project, result: Result, files=None) -> dict[str, str]:
    where = project.defined_in
    return {
        "shapes.ttl": _concatenate(turtle_files(config.SHAPES_DIR)),
        "validation-report.ttl": dumps.to_turtle(report_graph(result)),
        "validation-report.en.txt": report_text(result, project, "en", where),
        "validation-report.de.txt": report_text(result, project, "de", where),
    }


def render_queries(project: Project, result: Result, files=None) -> dict[str, str]:
    return {f"queries/{p.name}": p.read_text(encoding="utf-8") for p in sorted(config.QUERIES_DIR.glob("*.rq"))}


def _concatenate(files: list[Path]) -> str:
    """The shapes as written, comments included: every file of shapes/ in turn."""
    parts = ["# The SHACL shapes of the packt-an graph: shapes/*.ttl, concatenated (derived file).\n"]
    for f in files:
        parts.append(f"\n# ---- shapes/{f.name}\n")
        parts.append(f.read_text(encoding="utf-8"))
    return "".join(parts)


# Every output of dist/, in one place, in order: render(project, result, files)
# -> {name: content}, where `files` holds what the outputs before it rendered
# (for outputs that describe other files: sizes, checksums, links).
OUTPUTS = (
    dumps.render,
    render_reports,
    jena_shapes.render,  # shapes.de.ttl, shapes.en.ttl: one sh:message per constraint, for Jena
    describe.render,
    answers.render,
    render_queries,
)


def render_dist(project: Project, result: Result) -> dict[str, str | bytes]:
    """Every file of dist/ from a validated project."""
    files: dict[str, str | bytes] = {}
    for render in OUTPUTS:
        part = render(project, result, files)
        clash = files.keys() & part.keys()
        if clash:
            raise ValueError(f"two outputs write {sorted(clash)}")
        files.update(part)
    return files


def build(out_dir: Path = config.DIST_DIR) -> BuildSummary:
    project = load_project()
    result = validate_project(project)
    if not result.conforms:
        raise NotConforming(result, project)
    files = render_dist(project, result)
    write_atomically(out_dir, files)
    return BuildSummary(Path(out_dir), len(project.files), len(project.union), sorted(files))
