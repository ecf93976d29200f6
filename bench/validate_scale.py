"""Wall time and peak memory of `build.py validate --corpus` on synthetic corpora.

    .venv/bin/python bench/validate_scale.py [--copies 10 100] [--jobs N] [--work DIR]

For each size: a corpus of this document and N copies (`synthetic.make_corpus`),
validated from scratch (empty cache), again unchanged (everything from the
cache) and after changing one document (one file of copy 90-0001 gets one
more triple). Each run is one `/usr/bin/time -v` child process: its wall
time and its peak RSS (the largest of the process and its workers). Medians
need repetitions (`--repeat`); on a shared machine say how loaded it was.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _run(args: list[str]) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds, peak RSS in kB, summary line) of one build.py run under /usr/bin/time -v."""
    cmd = ["/usr/bin/time", "-v", sys.executable, str(ROOT / "build.py"), *args]
    p = subprocess.run(cmd, capture_output=True, text=True)
    err = p.stderr
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", err)
    h, m, s = (int(wall.group(1) or 0), int(wall.group(2)), float(wall.group(3))) if wall else (0, 0, float("nan"))
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", err))
    line = next((l for l in err.splitlines() if l.startswith("validated")), err.strip().splitlines()[-1] if err.strip() else "")
    if p.returncode not in (0, 1):
        raise SystemExit(f"build.py {' '.join(args)} failed ({p.returncode}): {err.strip()[-500:]}")
    return h * 3600 + m * 60 + s, cpu, int(rss.group(1)) if rss else 0, line


_REFERENCE = """
import sys
sys.path.insert(0, {src!r})
from packtan.corpus import discover
from packtan.engine import OxGraph
from packtan.validate.checks import run_integrity_checks
from packtan.validate.corpus import validate_whole, whole_graph
corpus = discover({root!r})
validate_whole(corpus)
run_integrity_checks(OxGraph(whole_graph(corpus)))
"""


def _reference(root: Path) -> tuple[float, float, int, str]:
    """The whole union at once, as the single-graph validation does it: pySHACL
    over one rdflib graph, the checks on Oxigraph loaded from its N-Triples."""
    code = _REFERENCE.format(src=str(ROOT / "src"), root=str(root))
    cmd = ["/usr/bin/time", "-v", sys.executable, "-c", code]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"reference run failed: {p.stderr.strip()[-500:]}")
    return _times(p.stderr) + ("whole union at once",)


def _times(err: str) -> tuple[float, float, int]:
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", err)
    h, m, s = (int(wall.group(1) or 0), int(wall.group(2)), float(wall.group(3))) if wall else (0, 0, float("nan"))
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", err))
    return h * 3600 + m * 60 + s, cpu, int(rss.group(1)) if rss else 0


def main() -> int:
    from packtan.synthetic import make_corpus

    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, nargs="*", default=[10])
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--project", action="store_true", help="also the project itself (its own cache folder, removed first)")
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--reference", action="store_true", help="also validate the whole union at once (one graph, one pySHACL run)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="packt-an-validate-scale-"))
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    print(f"# {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    print("| corpus | run | wall s | CPU s (user+sys, all processes) | peak RSS MB | units validated |", flush=True)
    print("|---|---|---|---|---|---|", flush=True)
    sizes = ([("project", None)] if args.project else []) + [(f"{n} copies", None) for n in args.copies]
    for label, root in sizes:
        if label == "project":  # a copy of the project's data: the run that changes a document must not touch it
            root = work / "project"
            if not root.exists():
                shutil.copytree(ROOT / "data", root / "data")
                shutil.copytree(ROOT / "sources", root / "sources")
        else:
            n = int(label.split()[0])
            root = work / f"corpus-{n}"
            if not root.exists():
                make_corpus(root, n)
        cache = work / f"cache-{label.replace(' ', '-')}"
        shutil.rmtree(cache, ignore_errors=True)
        base = ["validate", "--corpus", str(root), "--cache", str(cache), "--format", "tsv", *jobs]
        runs = [("from scratch", None), ("unchanged", None), ("one document changed", "change")]
        if args.reference:
            wall, cpu, rss, line = _reference(root)
            print(f"| {label} | {line} | {wall:.1f} | {cpu:.1f} | {rss / 1024:.0f} | - |", flush=True)
        for name, action in runs:
            changed = None
            if action == "change":
                doc = root / "data" / ("90-0001" if (root / "data" / "90-0001").is_dir() else "17-7349")
                changed = sorted(doc.glob("*.ttl"))[0]
                original = changed.read_bytes()
                changed.write_bytes(original + b"\n<https://w3id.org/packt-an/id/doc/x> <http://www.w3.org/2000/01/rdf-schema#comment> \"bench\"@en .\n")
            try:
                wall, cpu, rss, line = _run(base)
            finally:
                if changed is not None:
                    changed.write_bytes(original)
            units = re.search(r"(\d+ of \d+) units", line)
            print(f"| {label} | {name} | {wall:.1f} | {cpu:.1f} | {rss / 1024:.0f} | {units.group(1) if units else line} |", flush=True)
    print(f"# load average {os.getloadavg()[0]:.1f} at the end", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
