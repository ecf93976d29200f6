#!/usr/bin/env python3
"""Time the build and the validation alone: several runs, medians.

    .venv/bin/python bench/bench_build.py [--runs N]

Each run is a fresh process (`build.py build --out <tmp>` and
`build.py validate`), so imports and parsing are counted as a user meets
them; in-process figures for loading, validating and writing are printed too.
Writes bench/results/build.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{res.stderr}")
    return elapsed


def in_process(runs: int) -> dict[str, float]:
    from packtan.load import load_project
    from packtan.dist import render_dist
    from packtan.validate import validate_project

    phases: dict[str, list[float]] = {"load": [], "validate": [], "render": []}
    for _ in range(runs):
        t0 = time.perf_counter()
        project = load_project()
        t1 = time.perf_counter()
        result = validate_project(project)
        t2 = time.perf_counter()
        render_dist(project, result)
        t3 = time.perf_counter()
        phases["load"].append(t1 - t0)
        phases["validate"].append(t2 - t1)
        phases["render"].append(t3 - t2)
    return {k: statistics.median(v) for k, v in phases.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        builds = [timed([py, "build.py", "build", "--out", f"{tmp}/dist"]) for _ in range(args.runs)]
    validations = [timed([py, "build.py", "validate"]) for _ in range(args.runs)]
    phases = in_process(args.runs)
    from packtan.load import load_project

    triples = len(load_project(with_shapes=False).union)
    out = {
        "runs": args.runs,
        "triples": triples,
        "python": platform.python_version(),
        "build_process_median_s": round(statistics.median(builds), 3),
        "validate_process_median_s": round(statistics.median(validations), 3),
        "in_process_median_s": {k: round(v, 3) for k, v in phases.items()},
    }
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "build.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
