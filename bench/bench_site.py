#!/usr/bin/env python3
"""What the web site adds to the build, and what the built site holds.

    .venv/bin/python bench/bench_site.py [--runs N]

Each run is a fresh process that builds into a temporary folder, once with
every output and once with the site output left out of `dist.OUTPUTS`; the
extra build time for the site is the difference of the medians (and their
ratio). Then, on the last full build: pages, resources with a page /
resources of the graph, broken links (every relative href/src of every page
resolved to a file and, for #anchors, to an id of that page), the size of
the home page, the accessibility findings of the last browser test run
(tests/artifacts/axe.json) by impact, and the screenshots it wrote.
Writes bench/results/site.json.
"""

from __future__ import annotations

import argparse
import html.parser
import json
import platform
import posixpath
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"

BUILD = """
import sys
sys.path.insert(0, {src!r})
from packtan import dist, site
if {without_site!r}:
    dist.OUTPUTS = tuple(o for o in dist.OUTPUTS if o is not site.render)
dist.build({out!r})
"""


def timed_build(out: Path, without_site: bool) -> float:
    code = BUILD.format(src=str(ROOT / "src"), out=str(out), without_site=without_site)
    t = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if res.returncode != 0:
        raise SystemExit(f"build failed:\n{res.stderr}")
    return elapsed


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "link", "script", "img"):
                self.links.append(a[key])


def inspect(site: Path) -> dict:
    pages = sorted(p for p in site.rglob("*.html"))
    parsed = {}
    for p in pages:
        parser = _Page()
        parser.feed(p.read_text(encoding="utf-8"))
        parsed[p.relative_to(site).as_posix()] = parser
    broken = []
    for name, parser in parsed.items():
        for href in parser.links:
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, frag = href.partition("#")
            if path.startswith("/"):  # from the site root (the 404 page, shown at any path)
                target = posixpath.normpath(path.lstrip("/")) if path != "/" else "index.html"
            else:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
            target = target.split("?", 1)[0]
            if not (site / target).is_file():
                broken.append((name, href))
            elif frag and target in parsed and frag not in parsed[target].ids:
                broken.append((name, href))
    sys.path.insert(0, str(ROOT / "src"))
    from rdflib import Graph, URIRef

    from packtan import config
    from packtan.site.index import Index

    g = Graph().parse(site / "dist" / "packt-an.nt", format="nt")
    iris = sorted({str(s) for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(config.BASE)})
    with_page = [i for i in iris if (site / Index.page_path(i)).is_file()]
    under_id = [i for i in iris if i.startswith(str(config.ID))]
    return {
        "pages": len(pages),
        "resources": len(iris),
        "resources_with_page": len(with_page),
        "resources_under_id": len(under_id),
        "resources_under_id_with_page": sum(1 for i in under_id if i in set(with_page)),
        "broken_links": len(broken),
        "broken_examples": broken[:10],
        "home_page_bytes": (site / "index.html").stat().st_size,
        "site_files": sum(1 for p in site.rglob("*") if p.is_file()),
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        with_site, without = [], []
        for i in range(args.runs):  # interleaved, so that load on the machine hits both alike
            without.append(timed_build(tmp / f"without-{i}", True))
            with_site.append(timed_build(tmp / f"with-{i}", False))
        facts = inspect(tmp / f"with-{args.runs - 1}" / "site")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    axe_file = ARTIFACTS / "axe.json"
    axe = None
    if axe_file.is_file():
        found = json.loads(axe_file.read_text(encoding="utf-8"))
        axe = dict(Counter(v["impact"] for vs in found.values() for v in vs))
        axe["page_types"] = sorted(found)
    result = {
        "machine": platform.platform(),
        "runs": args.runs,
        "build_without_site_s": statistics.median(without),
        "build_with_site_s": statistics.median(with_site),
        "site_extra_s": statistics.median(with_site) - statistics.median(without),
        "ratio": statistics.median(with_site) / statistics.median(without),
        "all_runs": {"without_site": without, "with_site": with_site},
        **facts,
        "axe_findings_by_impact": axe if axe is not None else "no tests/artifacts/axe.json (run the browser tests)",
        "screenshots": sorted(str(p.relative_to(ROOT)) for p in ARTIFACTS.glob("*.png")) if ARTIFACTS.is_dir() else [],
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "site.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "all_runs"}, indent=1))


if __name__ == "__main__":
    main()
