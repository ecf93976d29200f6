#!/usr/bin/env python3
"""Time the slow outputs and the writing of a build, this tree against another.

    .venv/bin/python bench/bench_outputs.py --against /path/to/other/checkout [--rounds N] [--runs N]

For each round, one fresh process per tree (this one and --against, in turns,
the order swapped every round: on a shared machine both meet the same load)
loads and validates the project, then times `dumps.render`, `plainjson.render`
and `jena_shapes.render` --runs times each, and `dist.write_atomically` of the
whole build into a new folder. Prints the medians of each and the ratio
this/other; the outputs of both trees are compared byte for byte too.
Writes bench/results/outputs.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RENDERS = ("dumps", "plainjson", "jena_shapes")


def worker(src: str, runs: int) -> dict:
    """In a fresh process: the timings of one tree, and a digest of what it wrote."""
    sys.path.insert(0, src)
    import importlib

    from packtan import dist, load, validate

    project = load.load_project()
    result = validate.validate_project(project)
    times: dict[str, list[float]] = {}
    digest = hashlib.sha256()
    for name in RENDERS:
        render = importlib.import_module(f"packtan.{name}").render
        for _ in range(runs):
            t = time.perf_counter()
            files = render(project, result, {})
            times.setdefault(name, []).append(time.perf_counter() - t)
        for key in sorted(files):
            digest.update(key.encode() + b"\0" + (files[key].encode() if isinstance(files[key], str) else files[key]))
    files = dist.render_dist(project, result, jobs=1)
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        for i in range(runs):
            t = time.perf_counter()
            dist.write_atomically(Path(tmp) / f"out{i}", files)
            times.setdefault("write", []).append(time.perf_counter() - t)
    return {"times": times, "digest": digest.hexdigest()}


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a whole number, 1 or more")
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", required=True, help="another checkout (its src/ is timed)")
    ap.add_argument("--rounds", type=_positive, default=3)
    ap.add_argument("--runs", type=_positive, default=3)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.runs)))
        return 0
    other = Path(args.against).resolve() / "src"
    if not (other / "packtan").is_dir():
        print(f"error: {args.against}: no src/packtan in it", file=sys.stderr)
        return 2
    trees = {"this": str(ROOT / "src"), "other": str(other)}
    times: dict[str, dict[str, list[float]]] = {"this": {}, "other": {}}
    digests = {}
    for r in range(args.rounds):
        for tag in ("this", "other") if r % 2 == 0 else ("other", "this"):
            res = subprocess.run(
                [sys.executable, __file__, "--against", args.against, "--runs", str(args.runs), "--worker", trees[tag]],
                capture_output=True, text=True, cwd=ROOT,
            )
            if res.returncode != 0:
                print(res.stderr, file=sys.stderr)
                return 1
            out = json.loads(res.stdout.splitlines()[-1])
            digests[tag] = out["digest"]
            for name, ts in out["times"].items():
                times[tag].setdefault(name, []).extend(ts)
    report = {"load_average": os.getloadavg(), "same_outputs": digests["this"] == digests["other"], "medians": {}}
    for name in (*RENDERS, "write"):
        a, b = statistics.median(times["this"][name]), statistics.median(times["other"][name])
        report["medians"][name] = {"this": round(a, 3), "other": round(b, 3), "ratio": round(a / b, 3)}
        print(f"{name:12s} this {a:7.3f} s  other {b:7.3f} s  ratio {a / b:.2f}")
    print("same outputs:", report["same_outputs"], " load average:", " ".join(f"{x:.2f}" for x in report["load_average"]))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "outputs.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
