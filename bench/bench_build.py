#!/usr/bin/env python3
"""Time the build and the validation alone: several runs, medians.

    .venv/bin/python bench/bench_build.py [--runs N]

Each run is a fresh process (`build.py build --out <tmp>` and
`build.py validate`), so imports and parsing are counted as a user meets
them; the build is timed as it runs (a second process for some outputs where
there are two processors) and with PACKTAN_JOBS=1 (one process), wall time
and processor time (user + system, the build's processes together). In-process
figures for loading, validating, rendering and each output are printed too,
with the load average: on a shared machine, read the ratios, not the seconds.
Writes bench/results/build.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str], env: dict | None = None, cpu: list | None = None) -> float:
    t, c = time.perf_counter(), _children_cpu()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{res.stderr}")
    if cpu is not None:
        cpu.append(_children_cpu() - c)
    return elapsed


def outputs(runs: int) -> dict[str, float]:
    """Median seconds of each output's render function (one process)."""
    from packtan import dist
    from packtan.load import load_project
    from packtan.validate import validate_project

    project = load_project()
    result = validate_project(project)
    times: dict[str, list[float]] = {}
    for _ in range(runs):
        files: dict = {}
        for render in dist.OUTPUTS:
            t = time.perf_counter()
            files.update(render(project, result, files))
            times.setdefault(f"{render.__module__}.{render.__name__}", []).append(time.perf_counter() - t)
    return {k: round(statistics.median(v), 3) for k, v in times.items()}


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
    load_before = os.getloadavg()
    one = dict(os.environ, PACKTAN_JOBS="1")
    cpu: list[float] = []
    cpu_one: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        builds = [timed([py, "build.py", "build", "--out", f"{tmp}/dist"], cpu=cpu) for _ in range(args.runs)]
        builds_one = [timed([py, "build.py", "build", "--out", f"{tmp}/dist"], env=one, cpu=cpu_one)
                      for _ in range(args.runs)]
    validations = [timed([py, "build.py", "validate"]) for _ in range(args.runs)]
    phases = in_process(args.runs)
    per_output = outputs(args.runs)
    from packtan.load import load_project

    triples = len(load_project(with_shapes=False).union)
    out = {
        "runs": args.runs,
        "triples": triples,
        "python": platform.python_version(),
        "build_process_median_s": round(statistics.median(builds), 3),
        "build_process_cpu_median_s": round(statistics.median(cpu), 3),
        "build_one_process_median_s": round(statistics.median(builds_one), 3),
        "build_one_process_cpu_median_s": round(statistics.median(cpu_one), 3),
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "validate_process_median_s": round(statistics.median(validations), 3),
        "in_process_median_s": {k: round(v, 3) for k, v in phases.items()},
        "outputs_median_s": per_output,
    }
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "build.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
