#!/usr/bin/env python3
"""Time the document-scoped question and analysis queries on a corpus store.

    .venv/bin/python bench/scoped_queries.py --nt OUT/corpus.nt
        [--docs 90-0032,17-7349] [--runs 30] [--old REV] [--only q03,q05]
        [--out bench/results/scoped_queries.json]

Loads the N-Triples dump of a corpus build (`build.py build --corpus DIR
--out OUT` writes OUT/corpus.nt) into an in-memory pyoxigraph Store, in the
default graph — what `build.py serve` gives its Oxigraph engine, without the
HTTP front — and runs every `queries/q*.rq` and `queries/analysis-*.rq`
scoped to each document of --docs (its `PREFIX d:` line rewritten, as
`build.py query --doc` does), --runs times each, reporting the median and
p95 in milliseconds and the number of rows.

With --old REV (a git revision, e.g. the commit before a rewrite of the
queries) the same files as they were at REV are run too, alternating with
the current ones so that both see the same machine, and their result rows
are compared: the two versions must give the same columns and the same rows
in the same order (a difference is reported and makes the exit status 1).
A query slower than --give-up seconds on its first run is not repeated.

Figures are from whatever else runs on the machine: compare the old and new
columns of one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import pyoxigraph as ox  # noqa: E402

from packtan.query import prepare_query  # noqa: E402


def query_files() -> list[Path]:
    q = ROOT / "queries"
    return sorted(q.glob("q*.rq")) + sorted(q.glob("analysis-*.rq"))


def old_text(rev: str, path: Path) -> str | None:
    rel = path.relative_to(ROOT).as_posix()
    res = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=ROOT, capture_output=True, text=True)
    return res.stdout if res.returncode == 0 else None


def rows(store: ox.Store, text: str) -> tuple[list[str], list[tuple]]:
    res = store.query(text)
    names = [v.value for v in res.variables]
    return names, [tuple(s[n] for n in names) for s in res]


def timed(store: ox.Store, text: str) -> tuple[float, tuple[list[str], list[tuple]]]:
    t = time.perf_counter()
    out = rows(store, text)
    return (time.perf_counter() - t) * 1000, out


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def summary(ms: list[float]) -> dict:
    return {"runs": len(ms), "median_ms": round(statistics.median(ms), 2), "p95_ms": round(p95(ms), 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nt", type=Path, required=True, help="N-Triples of the corpus (a corpus build's corpus.nt)")
    ap.add_argument("--docs", default="90-0032,17-7349", help="documents to scope to (default: 90-0032,17-7349)")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--old", help="git revision whose queries are timed and compared beside the current ones")
    ap.add_argument("--only", default="", help="comma-separated prefixes of query file names")
    ap.add_argument("--give-up", type=float, default=3.0, help="seconds: a slower first run is not repeated")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scoped_queries.json")
    args = ap.parse_args()
    if not args.nt.is_file():
        print(f"bench/scoped_queries.py: --nt {args.nt}: no such file", file=sys.stderr)
        return 2

    t = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(args.nt), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    out: dict = {"nt": str(args.nt), "triples": len(store), "load_s": round(time.perf_counter() - t, 1),
                 "runs": args.runs, "old": args.old, "queries": {}}
    print(f"{out['triples']} triples loaded in {out['load_s']} s", file=sys.stderr)

    only = tuple(p for p in args.only.split(",") if p)
    status = 0
    for path in query_files():
        if only and not path.name.startswith(only):
            continue
        versions = {"new": path.read_text(encoding="utf-8")}
        if args.old:
            old = old_text(args.old, path)
            if old is not None and old != versions["new"]:
                versions["old"] = old
        for doc in args.docs.split(","):
            texts = {k: prepare_query(v, str(path), doc=doc) for k, v in versions.items()}
            ms: dict[str, list[float]] = {k: [] for k in texts}
            answers = {}
            for k, text in texts.items():  # first run: the answer, and whether to repeat
                took, answers[k] = timed(store, text)
                ms[k].append(took)
            for _ in range(args.runs - 1):
                for k, text in texts.items():
                    if ms[k][0] <= args.give_up * 1000:
                        ms[k].append(timed(store, text)[0])
            entry = {k: summary(v) for k, v in ms.items()}
            entry["rows"] = len(answers["new"][1])
            if "old" in answers:
                entry["same_answer"] = answers["old"] == answers["new"]
                if not entry["same_answer"]:
                    status = 1
            out["queries"].setdefault(path.name, {})[doc] = entry
            line = f"{path.name:40} {doc}  rows {entry['rows']:4}  new {entry['new']['median_ms']:9.2f} / {entry['new']['p95_ms']:9.2f} ms"
            if "old" in entry:
                line += f"  old {entry['old']['median_ms']:9.2f} / {entry['old']['p95_ms']:9.2f} ms  same={entry['same_answer']}"
            print(line, file=sys.stderr, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
