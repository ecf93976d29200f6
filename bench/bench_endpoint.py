#!/usr/bin/env python3
"""Load benchmark: the safe `serve` against the bare Oxigraph server, same data, same run.

    .venv/bin/python bench/bench_endpoint.py [--clients 8 32] [--seconds 10] [--port N] [--rounds 2]

For each client count, runs the question queries from concurrent clients for
a fixed time against (a) `serve` — the guarding front with the Oxigraph
engine behind it — on --port (default: a free one), and (b) the bare Oxigraph
server over a store loaded from the same dumps, alternating A/B for --rounds
rounds so that both see the same machine. Reports, per target, p50/p95/p99
latency, queries per second and errors, and the ratios safe / bare. Every
server is on 127.0.0.1 and stopped at the end. Writes bench/results/endpoint.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from packtan import config  # noqa: E402
from packtan.catalogue import question_queries  # noqa: E402
from packtan.serve import Server, _load, _port_open, free_port, oxigraph_binary  # noqa: E402


class Bare:
    """The Oxigraph server alone, over its own copy of the store."""

    def __init__(self, dist: Path):
        self.dir = Path(tempfile.mkdtemp(prefix="packt-an-bench-"))
        _load(self.dir / "store", [dist / "packt-an.nt", dist / "packt-an.trig"])
        self.port = free_port()
        self.proc = subprocess.Popen(
            [oxigraph_binary(), "serve-read-only", "--location", str(self.dir / "store"), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not _port_open("127.0.0.1", self.port):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit("the bare oxigraph server did not start")
            time.sleep(0.05)

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def load(port: int, queries: list[tuple[str, str]], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        i = offset
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], []
        while time.monotonic() < deadline:
            name, text = queries[i % len(queries)]
            i += 1
            body = urllib.parse.urlencode({"query": text})
            t = time.perf_counter()
            try:
                conn.request("POST", "/query", body, {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                data = resp.read()
                if resp.status != 200 or not data:
                    bad.append(f"{name}: HTTP {resp.status}")
                else:
                    mine.append(time.perf_counter() - t)
            except Exception as exc:  # counted and reported
                bad.append(f"{name}: {type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    latencies.sort()

    def pct(p: float):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2) if latencies else None

    return {
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "qps": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "first_errors": errors[:3],
    }


def merge(runs: list[dict]) -> dict:
    """Medians over the rounds (errors summed)."""
    out = {k: statistics.median([r[k] for r in runs]) for k in ("qps", "p50_ms", "p95_ms", "p99_ms") if all(r[k] is not None for r in runs)}
    out["requests"] = sum(r["requests"] for r in runs)
    out["errors"] = sum(r["errors"] for r in runs)
    out["first_errors"] = [e for r in runs for e in r["first_errors"]][:3]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    ap.add_argument("--seconds", type=float, default=10.0, help="per target and round (default: 10)")
    ap.add_argument("--port", type=int, default=0, help="port of the safe serve (default: a free one)")
    ap.add_argument("--rounds", type=int, default=2, help="A/B rounds per client count (default: 2)")
    args = ap.parse_args()
    if not (config.DIST_DIR / "packt-an.trig").is_file():
        from packtan.dist import build

        build()
    queries = [(q.path.name, q.text) for q in question_queries()]
    results = {}
    safe = Server(config.DIST_DIR, port=args.port or None)
    bare = Bare(config.DIST_DIR)
    try:
        for clients in args.clients:
            a, b = [], []
            for _ in range(args.rounds):
                a.append(load(safe.port, queries, clients, args.seconds))
                b.append(load(bare.port, queries, clients, args.seconds))
            sa, sb = merge(a), merge(b)
            ratio = {k: round(sa[k] / sb[k], 2) for k in ("qps", "p50_ms", "p95_ms", "p99_ms") if k in sa and k in sb and sb[k]}
            results[str(clients)] = {"safe": sa, "bare": sb, "ratio_safe_over_bare": ratio}
    finally:
        safe.stop()
        bare.stop()
    out = {"seconds_per_run": args.seconds, "rounds": args.rounds, "queries": len(queries), "by_clients": results}
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "endpoint.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 1 if any(r["safe"]["errors"] or r["bare"]["errors"] for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
