"""Shared helpers: run the command line as a user would, in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PROJECT_PARTS = ("build.py", "src", "ontology", "data", "shapes", "queries", "sources", "VERSION", "CHANGELOG.md")


def run(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python build.py ARGS` and capture its output."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, str(Path(cwd) / "build.py"), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_error_line(res: subprocess.CompletedProcess, *needles: str, quiet_stdout: bool = False) -> str:
    """A user's mistake: exit 2, one line on stderr that starts with `error:`
    and names each of `needles`, no traceback anywhere; returns the line."""
    out = res.stdout + res.stderr
    assert "Traceback" not in out, out
    assert res.returncode == 2, (res.returncode, out)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    if quiet_stdout:
        assert res.stdout == "", res.stdout
    return lines[0]


def copy_project(dest: Path) -> Path:
    """A copy of the project's sources, to break on purpose."""
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """dist/ of one build of the project, shared by the tests that read it."""
    out = tmp_path_factory.mktemp("dist") / "dist"
    res = run("build", "--out", str(out))
    assert res.returncode == 0, res.stdout + res.stderr
    return out


@pytest.fixture(scope="session")
def vocabulary():
    """The ontology and the shapes, parsed once for the whole run (never changed)."""
    from packtan.load import load_vocabulary

    return load_vocabulary()


@pytest.fixture(scope="session")
def project(vocabulary):
    """The project as `build` loads it, parsed once for the whole run (never changed)."""
    from packtan.load import load_project

    return load_project(vocabulary=vocabulary)
