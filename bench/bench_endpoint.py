#!/usr/bin/env python3
"""Load benchmark: concurrent clients run the question queries against `serve`.

    .venv/bin/python bench/bench_endpoint.py [--clients 4] [--seconds 10] [--max-requests 20000]

Starts the real Oxigraph server on a free 127.0.0.1 port over the build in
dist/ (built first when missing), runs the clients for a fixed time (and at
most --max-requests requests in all), stops the server and reports p50/p95
latency, queries per second and errors. Writes bench/results/endpoint.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from packtan import config  # noqa: E402
from packtan.catalogue import question_queries  # noqa: E402
from packtan.serve import Server  # noqa: E402
from packtan.query import run_endpoint  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--max-requests", type=int, default=20000)
    args = ap.parse_args()
    if not (config.DIST_DIR / "packt-an.trig").is_file():
        from packtan.dist import build

        build()
    queries = [(q.path.name, q.text) for q in question_queries()]
    if not queries:
        raise SystemExit("no question queries in queries/")
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    budget = {"left": args.max_requests}
    with Server(config.DIST_DIR) as server:
        deadline = time.monotonic() + args.seconds

        def client(offset: int) -> None:
            i = offset
            while time.monotonic() < deadline:
                with lock:
                    if budget["left"] <= 0:
                        return
                    budget["left"] -= 1
                name, text = queries[i % len(queries)]
                i += 1
                t = time.perf_counter()
                try:
                    run_endpoint(server.query_url, text, name, timeout=30)
                    ok = True
                except Exception as exc:  # counted, reported
                    ok = False
                    err = f"{name}: {exc}"
                dt = time.perf_counter() - t
                with lock:
                    if ok:
                        latencies.append(dt)
                    else:
                        errors.append(err)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - started
    latencies.sort()
    out = {
        "clients": args.clients,
        "seconds": round(wall, 2),
        "queries": len(queries),
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "qps": round((len(latencies) + len(errors)) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 2) if latencies else None,
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
        "first_errors": errors[:5],
    }
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "endpoint.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
