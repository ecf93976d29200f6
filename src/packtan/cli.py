"""Command line: build, validate and query the graph.

Exit codes: 0 success (graph conforms), 1 the graph does not conform,
2 usage or input error (bad file, bad query, unreachable endpoint).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import config
from .errors import UserError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors: one line, exit 2
        self.print_usage(sys.stderr)
        raise UserError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="build.py", description="Build, validate and query the knowledge graph of Drucksache 17/7349.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    b = sub.add_parser("build", help="validate and write every dump to dist/ (the default)")
    b.add_argument("--out", type=Path, default=config.DIST_DIR, help="output folder (default: dist/)")
    b.add_argument("--lang", choices=("de", "en"), default="en", help="language of the report on failure")

    v = sub.add_parser("validate", help="validate the data (or FILEs in its place) against the shapes")
    v.add_argument("files", nargs="*", type=Path, metavar="FILE", help="Turtle files to validate instead of data/")
    v.add_argument("--lang", choices=("de", "en"), default="en", help="language of the report (default: en)")
    v.add_argument(
        "--format",
        choices=("text", "turtle", "tsv"),
        default="text",
        help="readable text, a SHACL report in Turtle, or one tab-separated line per finding (focus, shape, constraint, path)",
    )

    q = sub.add_parser(
        "query",
        help="run a SPARQL query on the graph or on an endpoint",
        description="Run a SPARQL query from FILE.rq, from standard input (-) or from --text; "
        "the project's prefixes (--prefixes lists them) need no PREFIX lines.",
    )
    q.add_argument("query", nargs="?", metavar="FILE.rq", help="a query file, or - to read the query from standard input")
    q.add_argument("--text", "-t", metavar="SPARQL", help="the query itself, instead of a file")
    q.add_argument("--prefixes", action="store_true", help="list the predeclared prefixes and stop")
    q.add_argument("--endpoint", metavar="URL", help="a SPARQL 1.1 endpoint instead of the embedded graph")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for an endpoint (default: 30)")
    a = sub.add_parser("answers", help="regenerate the government's answer from the graph (Markdown and HTML in dist/)")
    a.add_argument("--out", type=Path, default=config.DIST_DIR, help="output folder (default: dist/)")

    c = sub.add_parser("class-map", help="regenerate docs/class-map.md, the table of how the classes link, from the shapes")
    c.add_argument("--out", type=Path, default=config.ROOT / "docs" / "class-map.md", help="file to write (default: docs/class-map.md)")

    s = sub.add_parser("serve", help="serve the built graph through a real SPARQL 1.1 endpoint (Oxigraph)")
    s.add_argument("--port", type=int, default=7878, help="port (default: 7878; 0 picks a free one)")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    s.add_argument("--writable", action="store_true", help="accept SPARQL Update and Graph Store writes")
    s.add_argument("--dist", type=Path, default=config.DIST_DIR, help="the build to serve (built first when missing)")

    u = sub.add_parser("publish", help="push the build into a SPARQL 1.1 Graph Store Protocol endpoint")
    u.add_argument("--endpoint", required=True, metavar="URL", help="Graph Store endpoint, e.g. http://127.0.0.1:7879/store")
    u.add_argument("--graph", default=DEFAULT_GRAPH, metavar="IRI", help=f"named graph to replace (default: {DEFAULT_GRAPH})")
    u.add_argument("--dist", type=Path, default=config.DIST_DIR, help="the build to push (built first when missing)")
    return p


DEFAULT_GRAPH = config.BASE + "graph/17-7349"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    started = time.perf_counter()
    try:
        args = _parser().parse_args(argv or ["build"])
        command = args.command or "build"
        return _COMMANDS[command](args, started)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _elapsed(started: float) -> str:
    return f"{time.perf_counter() - started:.2f} s"


def cmd_build(args, started) -> int:
    from .dist import NotConforming, build
    from .validate import report_text

    try:
        summary = build(args.out)
    except NotConforming as exc:
        where = exc.project.defined_in
        sys.stdout.write(report_text(exc.result, exc.project, args.lang, where))
        print(f"build failed: the graph does not conform; {args.out} left unchanged ({_elapsed(started)})", file=sys.stderr)
        return 1
    print(
        f"built {summary.out_dir}: {summary.files_in} source files, {summary.triples} triples, "
        f"conforms, {len(summary.files_out)} files written ({_elapsed(started)})",
        file=sys.stderr,
    )
    return 0


def cmd_validate(args, started) -> int:
    from .load import load_project
    from .validate import report_graph, report_text, validate_project

    project = load_project(args.files or None)
    result = validate_project(project)
    if args.format == "turtle":
        from .dumps import to_turtle

        sys.stdout.write(to_turtle(report_graph(result)))
    elif args.format == "tsv":
        from .validate import finding_rows

        sys.stdout.write("".join("\t".join(row) + "\n" for row in finding_rows(result, project)))
    else:
        sys.stdout.write(report_text(result, project, args.lang, project.defined_in))
    state = "conforms" if result.conforms else f"{len(result.violations)} violation(s)"
    print(f"validated {len(project.files)} files, {len(project.union)} triples: {state} ({_elapsed(started)})", file=sys.stderr)
    return 0 if result.conforms else 1


def _query_text(args) -> tuple[str, str]:
    """(text, source) of the query: FILE.rq, standard input (-) or --text."""
    from .query import prepare_query, read_query

    if (args.query is None) == (args.text is None):
        raise UserError("build.py query: give exactly one of FILE.rq, - (standard input) or --text SPARQL")
    if args.text is not None:
        return prepare_query(args.text, "--text"), "--text"
    if args.query == "-":
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError as exc:
            raise UserError(f"standard input: not UTF-8 text ({exc.reason})") from None
        return prepare_query(text, "standard input"), "standard input"
    return read_query(Path(args.query)), args.query


def cmd_query(args, started) -> int:
    from .query import prefix_lines, render, run_endpoint, run_local

    if args.prefixes:
        sys.stdout.write("".join(line + "\n" for line in prefix_lines()))
        return 0
    text, source = _query_text(args)
    if args.endpoint:
        answer = run_endpoint(args.endpoint, text, source, args.timeout)
        where = args.endpoint
    else:
        from .load import load_project

        project = load_project(with_shapes=False)
        answer = run_local(project.union, text, source)
        where = "embedded graph"
    sys.stdout.write(render(answer, args.format))
    n = len(answer.rows) if answer.kind == "SELECT" else (len(answer.graph) if answer.graph is not None else 1)
    print(f"{answer.kind} on {where}: {n} result(s) ({_elapsed(started)})", file=sys.stderr)
    return 0


def cmd_answers(args, started) -> int:
    from .answers import render_answers
    from .load import load_project
    from .dist import write_files

    project = load_project(with_shapes=False)
    files = render_answers(project)
    write_files(args.out, files)
    print(f"wrote {', '.join(sorted(files))} to {args.out} ({_elapsed(started)})", file=sys.stderr)
    return 0


def cmd_class_map(args, started) -> int:
    from .classmap import markdown, rows
    from .load import load_project

    text = markdown(rows(load_project()))
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{args.out}: cannot be written: {exc.strerror}") from None
    print(f"wrote {args.out} ({_elapsed(started)})", file=sys.stderr)
    return 0


def _ensure_built(dist: Path) -> None:
    if (dist / "packt-an.trig").is_file() and (dist / "packt-an.nt").is_file():
        return
    print(f"{dist} has no build yet: building it first", file=sys.stderr)
    from .dist import NotConforming, build

    try:
        build(dist)
    except NotConforming:
        raise UserError("the graph does not conform; run `build.py validate` for the report") from None


def cmd_serve(args, started) -> int:
    import signal

    from .serve import Server

    _ensure_built(args.dist)
    server = Server(args.dist, host=args.host, port=args.port or None, writable=args.writable)
    stop = {"now": False}

    def _stop(_sig, _frame):
        stop["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    mode = "read-write" if args.writable else "read-only"
    print(f"SPARQL endpoint ({mode}): {server.query_url}", flush=True)
    print(f"Graph Store: {server.store_url}", flush=True)
    print("Press Ctrl-C to stop.", file=sys.stderr, flush=True)
    try:
        while not stop["now"] and server.proc.poll() is None:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        # a second Ctrl-C must not interrupt the clean-up
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        crashed = server.proc.poll() is not None and not stop["now"]
        server.stop()
    if crashed:
        print("error: the oxigraph server exited unexpectedly", file=sys.stderr)
        return 2
    print(f"stopped ({_elapsed(started)})", file=sys.stderr)
    return 0


def cmd_publish(args, started) -> int:
    from .publish import push_graph

    _ensure_built(args.dist)
    nt = (args.dist / "packt-an.nt").read_text(encoding="utf-8")
    expected = sum(1 for line in nt.splitlines() if line.strip())
    n = push_graph(args.endpoint, args.graph, nt, expected)
    print(f"published {n} triples to <{args.graph}> at {args.endpoint}; read back {n} ({_elapsed(started)})", file=sys.stderr)
    return 0


_COMMANDS = {
    "build": cmd_build,
    "answers": cmd_answers,
    "class-map": cmd_class_map,
    "validate": cmd_validate,
    "query": cmd_query,
    "serve": cmd_serve,
    "publish": cmd_publish,
}
