#!/usr/bin/env python3
"""How long the site's pages take to render, against another checkout, in the same run.

    .venv/bin/python bench/site_pages.py --other /path/to/other/checkout [--runs N]

Two processes, one per checkout (this one's `src/` and the other's), each
loads and validates the project once and then renders `site.render_pages`
(the pages that need only the graph: every resource page with its data
files, the vocabulary, the source, the lists …) when asked; the runs
alternate between the two so that a shared, noisy machine weighs on both
alike. First both render once and compare a hash of every file they made
(name and content): the figures mean something only when the files are the
same. Reports the medians of wall time and of processor time (the rendering
process's own; a forked child's time is not in it) and their ratios
(this / other). Writes bench/results/site_pages.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = r"""
import hashlib, sys, time
sys.path.insert(0, sys.argv[1])
from packtan import site
from packtan.load import load_project
from packtan.validate import validate_project

project = load_project()
validate_project(project)
print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "hash":
        h, n = hashlib.sha256(), 0
        for step, files in sorted(site.render_pages(project).items()):
            for name in sorted(files):
                c = files[name]
                h.update(f"{step}\0{name}\0".encode() + (c.encode() if isinstance(c, str) else c) + b"\0")
                n += 1
        print(h.hexdigest(), n, flush=True)
    else:
        wall, cpu = time.perf_counter(), time.process_time()
        site.render_pages(project)
        print(time.perf_counter() - wall, time.process_time() - cpu, flush=True)
"""


class Worker:
    def __init__(self, checkout: Path):
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER, str(checkout / "src")], cwd=checkout,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if self.ask(None) != "ready":
            raise SystemExit(f"{checkout}: the project did not load")

    def ask(self, command: str | None) -> str:
        if command is not None:
            self.proc.stdin.write(command + "\n")
            self.proc.stdin.flush()
        line = self.proc.stdout.readline().strip()
        if not line:
            raise SystemExit("a rendering process ended early")
        return line

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--other", type=Path, required=True, help="another checkout of the project (its src/ is used)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if not (args.other / "src" / "packtan" / "site").is_dir():
        print(f"site_pages.py: {args.other}: not a checkout of this project (no src/packtan/site)", file=sys.stderr)
        sys.exit(2)
    if args.runs < 1:
        print(f"site_pages.py: --runs {args.runs}: at least 1", file=sys.stderr)
        sys.exit(2)
    this, other = Worker(ROOT), Worker(args.other.resolve())
    try:
        same = this.ask("hash") == other.ask("hash")
        runs: dict[str, list[tuple[float, float]]] = {"this": [], "other": []}
        for _ in range(args.runs):
            for key, w in (("other", other), ("this", this)):
                wall, cpu = (float(x) for x in w.ask("run").split())
                runs[key].append((wall, cpu))
    finally:
        this.close()
        other.close()
    out = {"machine": f"{platform.machine()}, {platform.python_version()}", "runs": args.runs, "same_files": same}
    for key in ("other", "this"):
        out[key] = {"wall_s": [round(w, 3) for w, _c in runs[key]], "cpu_s": [round(c, 3) for _w, c in runs[key]],
                    "wall_median_s": round(statistics.median(w for w, _c in runs[key]), 3),
                    "cpu_median_s": round(statistics.median(c for _w, c in runs[key]), 3)}
    for m in ("wall", "cpu"):
        out[f"{m}_ratio_this_to_other"] = round(out["this"][f"{m}_median_s"] / out["other"][f"{m}_median_s"], 3)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "site_pages.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=1))
    if not same:
        raise SystemExit("the two checkouts render different files: the times do not compare")


if __name__ == "__main__":
    main()
