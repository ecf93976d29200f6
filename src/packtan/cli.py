"""Command line: build, validate and query the graph.

Exit codes: 0 success (graph conforms), 1 the graph does not conform,
2 usage or input error (bad file, bad query, unreachable endpoint).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import config
from .errors import UserError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors: one line, exit 2
        raise UserError(f"{self.prog}: {message} (see `{self.prog} --help`)")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="build.py", description="Build, validate and query the knowledge graph of Drucksache 17/7349.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    b = sub.add_parser("build", help="validate and write every dump to dist/ (the default)")
    b.add_argument("--out", type=Path, default=config.DIST_DIR, help="output folder (default: dist/)")
    b.add_argument("--lang", choices=("de", "en"), default="en", help="language of the report on failure")
    b.add_argument(
        "--wait", type=float, default=60.0, metavar="S",
        help="seconds to wait for another build into the same folder before giving up (default: 60)",
    )
    _corpus_options(b)
    _watch_options(b, "write OUT again (only the files that change)")

    v = sub.add_parser("validate", help="validate the data (or FILEs in its place) against the shapes")
    v.add_argument("files", nargs="*", type=Path, metavar="FILE", help="Turtle files to validate instead of data/")
    v.add_argument("--lang", choices=("de", "en"), default="en", help="language of the report (default: en)")
    v.add_argument(
        "--format",
        choices=("text", "turtle", "tsv"),
        default="text",
        help="readable text, a SHACL report in Turtle, or one tab-separated line per finding (focus, shape, constraint, path)",
    )
    _corpus_options(v)
    _watch_options(v, "report again")

    q = sub.add_parser(
        "query",
        help="run a SPARQL query on the graph or on an endpoint",
        description="Run a SPARQL query from FILE.rq, from standard input (-) or from --text; "
        "the project's prefixes (--prefixes lists them) need no PREFIX lines.",
    )
    q.add_argument("query", nargs="?", metavar="FILE.rq", help="a query file, or - to read the query from standard input")
    q.add_argument("--text", "-t", metavar="SPARQL", help="the query itself, instead of a file")
    q.add_argument(
        "--doc",
        metavar="NN-NNNN",
        help="ask Drucksache NN-NNNN (or NN/NNNN): the query's PREFIX d: is rewritten to "
        "https://w3id.org/packt-an/id/doc/NN-NNNN/ (default: the query as written)",
    )
    q.add_argument("--prefixes", action="store_true", help="list the predeclared prefixes and stop")
    q.add_argument("--endpoint", metavar="URL", help="a SPARQL 1.1 endpoint instead of the embedded graph")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.add_argument("--timeout", type=_positive, default=30.0, help="seconds to wait for an endpoint (default: 30)")
    q.add_argument(
        "--allow-service",
        action="append",
        default=[],
        type=_absolute_url,
        metavar="URL",
        help="an endpoint a federated query (SERVICE) may call; repeatable (default: none)",
    )
    a = sub.add_parser("answers", help="regenerate the government's answer from the graph (Markdown and HTML in dist/)")
    a.add_argument("--out", type=Path, default=config.DIST_DIR, help="output folder (default: dist/)")

    c = sub.add_parser("class-map", help="regenerate docs/class-map.md, the table of how the classes link, from the shapes")
    c.add_argument("--out", type=Path, default=config.ROOT / "docs" / "class-map.md", help="file to write (default: docs/class-map.md)")


    s = sub.add_parser("serve", help="serve the built graph through a safe SPARQL 1.1 endpoint (Oxigraph behind a guarding front)")
    s.add_argument("--port", type=_port, default=7878, help="port (default: 7878; 0 picks a free one)")
    s.add_argument("--host", default="127.0.0.1", help="address to bind, IPv4 or IPv6 (default: 127.0.0.1)")
    s.add_argument("--writable", action="store_true", help="accept SPARQL Update and Graph Store writes")
    s.add_argument("--dist", type=Path, default=config.DIST_DIR, help="the build to serve (built first when missing)")
    s.add_argument("--timeout", type=_positive, default=30.0, metavar="S", help="seconds a query may run before it is stopped (default: 30)")
    s.add_argument("--max-concurrent", type=_count, default=4, metavar="N", help="queries run at once; the rest wait, then get 503 (default: 4)")
    s.add_argument("--max-query-bytes", type=_count, default=64 * 1024, metavar="B", help="largest query or update accepted (default: 65536)")
    s.add_argument("--max-result-bytes", type=_count, default=64 * 1024 * 1024, metavar="B", help="largest result sent (default: 64 MiB)")
    s.add_argument(
        "--allow-service",
        action="append",
        default=[],
        type=_absolute_url,
        metavar="URL",
        help="an endpoint federated queries (SERVICE) may call; repeatable (default: none)",
    )

    u = sub.add_parser("publish", help="push the build into a SPARQL 1.1 Graph Store Protocol endpoint")
    u.add_argument("--endpoint", required=True, metavar="URL", help="Graph Store endpoint, e.g. http://127.0.0.1:7879/store")
    u.add_argument("--graph", default=None, metavar="IRI", help="push the whole build into this one named graph (default: each named graph of the build as itself)")
    u.add_argument("--dist", type=Path, default=config.DIST_DIR, help="the build to push (built first when missing)")
    u.add_argument("--timeout", type=_positive, default=60.0, metavar="S", help="deadline in seconds for the whole publish, every push and read-back (default: 60)")
    u.add_argument("--state", type=Path, default=None, metavar="FILE", help="what was last published there (default: .packt-an-cache/publish-<hash of the endpoint>.json)")
    u.add_argument("--all", action="store_true", help="push every graph, whatever the state says")
    u.add_argument("--prune", action="store_true", help="delete graphs published before that the build no longer has")

    r = sub.add_parser("release", help="write dist/ as a deterministic archive packt-an-<version>.tar.gz")
    r.add_argument("--dist", type=Path, default=config.DIST_DIR, help="the build to archive (built first when missing)")
    r.add_argument("--out", type=Path, default=config.ROOT, help="folder for the archive (default: next to dist/)")
    return p


def _port(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"port {n} is outside 0-65535")
    return n


def _positive(text: str) -> float:
    import math

    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not (x > 0 and math.isfinite(x)):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text!r}")
    return x


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def _absolute_url(text: str) -> str:
    from .query import check_url

    try:
        return check_url(text)
    except UserError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    import logging

    argv = sys.argv[1:] if argv is None else argv
    started = time.perf_counter()
    # rdflib logs a traceback for every literal it cannot convert; such a
    # literal is reported by validation (lexical forms), not by a warning
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
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
    except BrokenPipeError:  # the reader went away (e.g. `| head`)
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except MemoryError:
        print("error: out of memory", file=sys.stderr)
        return 2
    except OSError as exc:  # disk full, a read-only folder, … while reading or writing
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2


def _elapsed(started: float) -> str:
    return f"{time.perf_counter() - started:.2f} s"


def cmd_build(args, started) -> int:
    from .dist import NotConforming, build
    from .validate import report_text

    if args.corpus is not None:
        return _cmd_build_corpus(args, started)
    if args.jobs is not None or args.cache is not None or args.no_cache:
        raise UserError("build.py build: --jobs, --cache and --no-cache need --corpus DIR")
    if args.watch or args.updates is not None:
        raise UserError("build.py build: --watch and --updates need --corpus DIR")
    try:
        summary = build(args.out, wait=args.wait)
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


def _watch_options(p, what: str) -> None:
    p.add_argument(
        "--watch",
        action="store_true",
        help=f"with --corpus: keep the corpus in memory, look at its files every --interval seconds "
        f"and {what} after each change, validating only what the change can concern (stop with Ctrl-C)",
    )
    p.add_argument("--interval", type=_positive, default=0.5, metavar="S", help="seconds between looks at the files with --watch (default: 0.5)")
    p.add_argument("--updates", type=_count, default=None, metavar="N", help="with --watch: stop after N changes followed (default: run until interrupted)")


def _cache_option(args):
    """The cache folder of --cache/--no-cache: a path, None, or "default"."""
    if args.no_cache and args.cache is not None:
        raise UserError("build.py: give --cache DIR or --no-cache, not both")
    return None if args.no_cache else (args.cache if args.cache is not None else "default")


def _corpus_options(p) -> None:
    p.add_argument("--corpus", type=Path, metavar="DIR", help="validate a corpus folder (DIR/data/shared/, DIR/data/<NN-NNNN>/, DIR/sources/)")
    p.add_argument("--jobs", type=_count, default=None, metavar="N", help="worker processes for a corpus, and threads for its integrity checks (default: the number of CPUs; 1 = in process)")
    p.add_argument("--cache", type=Path, default=None, metavar="DIR", help="cache of per-document findings (default: DIR/.packt-an-cache/validation/)")
    p.add_argument("--no-cache", action="store_true", help="validate every document again and write no cache")


def _cmd_build_corpus(args, started) -> int:
    from .corpus_build import build_corpus
    from .dist import NotConforming
    from .validate import report_text

    cache = _cache_option(args)
    if args.watch:
        with _Stoppable():
            return _watch_build(args, cache, started)
    if args.updates is not None:
        raise UserError("build.py build: --updates needs --watch")
    try:
        summary = build_corpus(args.corpus, args.out, jobs=args.jobs, cache_dir=cache, wait=args.wait)
    except NotConforming as exc:
        view = exc.project
        sys.stdout.write(report_text(exc.result, view, args.lang, view.defined_in))
        print(f"build failed: the corpus does not conform; {args.out} left unchanged ({_elapsed(started)})", file=sys.stderr)
        return 1
    print(
        f"built {summary.out_dir}: {summary.documents} documents, {summary.files_in} source files, {summary.triples} triples, "
        f"conforms, {len(summary.files_out)} files written; {len(summary.validated)} units validated and "
        f"{len(summary.rendered)} graphs written anew, the rest from the cache ({_elapsed(started)})",
        file=sys.stderr,
    )
    return 0


def _corpus_validation(args):
    """(corpus, result) of `--corpus DIR` with the --jobs and --cache options."""
    from .corpus import discover
    from .validate.corpus import validate_corpus

    cache = _cache_option(args)
    corpus = discover(args.corpus)
    return corpus, validate_corpus(corpus, jobs=args.jobs, cache_dir=cache)


def cmd_validate(args, started) -> int:
    if getattr(args, "corpus", None) is not None:
        return _cmd_validate_corpus(args, started)
    if args.watch or args.updates is not None:
        raise UserError("build.py validate: --watch and --updates need --corpus DIR")
    if args.jobs is not None or args.cache is not None or args.no_cache:
        raise UserError("build.py validate: --jobs, --cache and --no-cache need --corpus DIR")
    from .load import load_project
    from .validate import validate_project

    project = load_project(args.files or None)
    result = validate_project(project)
    _write_report(args, result, project)
    state = "conforms" if result.conforms else f"{len(result.violations)} violation(s)"
    print(f"validated {len(project.files)} files, {len(project.union)} triples: {state} ({_elapsed(started)})", file=sys.stderr)
    return 0 if result.conforms else 1


def _write_report(args, result, project) -> None:
    """The validation report on stdout in the format asked for (`project`:
    a Project, or a corpus's view of one)."""
    from .validate import finding_rows, report_graph, report_text

    if args.format == "turtle":
        from .dumps import to_turtle

        sys.stdout.write(to_turtle(report_graph(result)))
    elif args.format == "tsv":
        sys.stdout.write("".join("\t".join(row) + "\n" for row in finding_rows(result, project)))
    else:
        sys.stdout.write(report_text(result, project, args.lang, project.defined_in))


def _cmd_validate_corpus(args, started) -> int:
    if args.files:
        raise UserError("build.py validate: give FILEs or --corpus DIR, not both")
    if args.watch:
        with _Stoppable():
            return _watch_corpus(args, started)
    if args.updates is not None:
        raise UserError("build.py validate: --updates needs --watch")
    corpus, result = _corpus_validation(args)
    _write_report(args, result, result.view)
    state = "conforms" if result.conforms else f"{len(result.violations)} violation(s)"
    units = len(result.validated) + len(result.reused)
    print(
        f"validated {len(corpus.documents)} documents ({len(corpus.files)} files, {result.triples} triples): {state}; "
        f"{len(result.validated)} of {units} units validated, {len(result.reused)} from the cache ({_elapsed(started)})",
        file=sys.stderr,
    )
    return 0 if result.conforms else 1


def _watch_build(args, cache, started) -> int:
    """`build --corpus DIR --out OUT --watch`: OUT now, and again after every change that conforms."""
    from .corpus_build import LiveBuild
    from .validate import report_text

    build = LiveBuild(args.corpus, args.out, jobs=args.jobs, cache_dir=cache, wait=args.wait)

    def written(line: str, full: bool) -> None:
        t = time.perf_counter()
        names = build.write(full=full)
        result = build.live.result
        if names is None:
            sys.stdout.write(report_text(result, result.view, args.lang, result.view.defined_in))
            sys.stdout.flush()
            print(f"{line}: {len(result.violations)} violation(s); {args.out} left as it was", file=sys.stderr, flush=True)
        else:
            print(f"{line}: conforms; {len(names)} files written to {args.out} in {time.perf_counter() - t:.2f} s", file=sys.stderr, flush=True)

    corpus = build.live.corpus
    written(f"validated {len(corpus.documents)} documents ({len(corpus.files)} files, {build.live.result.triples} triples) "
            f"({_elapsed(started)}); watching for changes every {args.interval:g} s", True)
    return _follow(args, build.live, lambda update, line: written(line, update.full))


class _Stoppable:
    """SIGINT and SIGTERM stop a --watch (KeyboardInterrupt), also where the
    process was started with SIGINT ignored (a background job of a shell)."""

    def __enter__(self):
        import signal

        def stop(_signum, _frame):
            raise KeyboardInterrupt

        self.previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        return self

    def __exit__(self, *exc):
        import signal

        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        return False


def _follow(args, live, report) -> int:
    """Look at the files every --interval seconds; `report(update, line)` after each change followed."""
    followed = 0
    try:
        while args.updates is None or followed < args.updates:
            time.sleep(args.interval)
            try:
                update = live.update()
                if update is None:
                    continue
                followed += 1
                names = ", ".join(str(p) for p in update.changed[:3]) + (f" and {len(update.changed) - 3} more" if len(update.changed) > 3 else "")
                how = "from the start" if update.full else f"{len(update.units)} units validated again, {update.triples} triples changed"
                report(update, f"changed {names}: {how} ({update.seconds:.2f} s)")
            except UserError as exc:
                print(f"error: {exc} (the last report stands until the file is fixed)", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        pass
    return 0 if live.result.conforms else 1


def _watch_corpus(args, started) -> int:
    """`validate --corpus DIR --watch`: a report now, and again after every change of the files."""
    from .validate.live import LiveCorpus

    cache = _cache_option(args)
    live = LiveCorpus(args.corpus, jobs=args.jobs, cache_dir=cache)

    def report(line: str) -> None:
        result = live.result
        _write_report(args, result, result.view)
        sys.stdout.flush()
        state = "conforms" if result.conforms else f"{len(result.violations)} violation(s)"
        print(f"{line}: {state}", file=sys.stderr, flush=True)

    corpus = live.corpus
    report(
        f"validated {len(corpus.documents)} documents ({len(corpus.files)} files, {live.result.triples} triples); "
        f"watching for changes every {args.interval:g} s ({_elapsed(started)})"
    )
    return _follow(args, live, lambda _update, line: report(line))


def _query_text(args, limits) -> tuple[str, str]:
    """(text, source) of the query: FILE.rq, standard input (-) or --text."""
    from .query import document_number, prepare_query, read_query

    if (args.query is None) == (args.text is None):
        raise UserError("build.py query: give exactly one of FILE.rq, - (standard input) or --text SPARQL")
    doc = document_number(args.doc) if args.doc is not None else None
    if args.text is not None:
        return prepare_query(args.text, "--text", limits, doc), "--text"
    if args.query == "-":
        try:
            text = sys.stdin.read(limits.max_bytes + 1)
        except UnicodeDecodeError as exc:
            raise UserError(f"standard input: not UTF-8 text ({exc.reason})") from None
        return prepare_query(text, "standard input", limits, doc), "standard input"
    return read_query(Path(args.query), limits, doc), args.query


def cmd_query(args, started) -> int:
    from .guard import Limits
    from .query import check_url, prefix_lines, render, run_endpoint, run_local

    if args.prefixes:
        sys.stdout.write("".join(line + "\n" for line in prefix_lines()))
        return 0
    if args.endpoint:
        # the endpoint decides on federation and datasets; size and nesting still checked here
        limits = Limits(check_remote=False)
        check_url(args.endpoint)
    else:
        limits = Limits(allow_service=frozenset(args.allow_service), allow_dataset_clause=False)
    text, source = _query_text(args, limits)
    if args.endpoint:
        answer = run_endpoint(args.endpoint, text, source, args.timeout)
        where = args.endpoint
    else:
        from .load import load_project

        project = load_project(with_shapes=False)
        answer = run_local(project.union, text, source, limits)
        where = "embedded graph"
    sys.stdout.write(render(answer, args.format))
    n = len(answer.rows) if answer.kind == "SELECT" else (len(answer.graph) if answer.graph is not None else 1)
    print(f"{answer.kind} on {where}: {n} result(s) ({_elapsed(started)})", file=sys.stderr)
    return 0


def cmd_answers(args, started) -> int:
    from .answers import render_answers
    from .load import load_project
    from .dist import precheck, write_files

    precheck(args.out)  # refuse a folder it may not write into before the work
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
    from .dist import NotConforming, build, precheck

    precheck(dist)  # a folder it may not build into: one line, before any work
    print(f"{dist} has no build yet: building it first", file=sys.stderr)
    try:
        build(dist)
    except NotConforming:
        raise UserError("the graph does not conform; run `build.py validate` for the report") from None


def cmd_serve(args, started) -> int:
    from .serve import Options, Server, check_host, run_until_signalled, site_responder

    check_host(args.host)  # a bad address: one line, before a build is made
    _ensure_built(args.dist)
    options = Options(
        writable=args.writable,
        timeout=args.timeout,
        max_concurrent=args.max_concurrent,
        max_query_bytes=args.max_query_bytes,
        max_result_bytes=args.max_result_bytes,
        allow_service=frozenset(args.allow_service),
    )
    site = site_responder(args.dist)  # the web site on the same port, with content negotiation
    server = Server(args.dist, host=args.host, port=args.port, options=options, site=site)
    mode = "read-write" if args.writable else "read-only"
    print(f"SPARQL endpoint ({mode}): {server.query_url}", flush=True)
    print(f"Graph Store: {server.store_url}", flush=True)
    if site is not None:
        print(f"Web site: {server.base}/", flush=True)
    print(f"Queries stop after {args.timeout:g} s; at most {args.max_concurrent} run at once. Press Ctrl-C to stop.", file=sys.stderr, flush=True)
    failure = run_until_signalled(server)
    if failure:
        print(f"error: {failure}", file=sys.stderr)
        return 2
    print(f"stopped ({_elapsed(started)})", file=sys.stderr)
    return 0


def cmd_publish(args, started) -> int:
    from .publish import check_endpoint, check_graph, check_state_file, check_timeout, default_state_file, graphs_from_trig, publish_graphs

    check_endpoint(args.endpoint)  # the arguments before anything is built or sent
    if args.graph is not None:
        check_graph(args.graph)
    check_timeout(args.timeout)
    state = args.state or default_state_file(args.endpoint)
    check_state_file(state)
    _ensure_built(args.dist)
    if args.graph is not None:  # the whole build as one graph
        graphs = {args.graph: (args.dist / "packt-an.nt").read_text(encoding="utf-8")}
    else:
        graphs = graphs_from_trig(args.dist / "packt-an.trig")
    done = publish_graphs(
        args.endpoint,
        graphs,
        state,
        prune=args.prune,
        everything=args.all,
        timeout=args.timeout,
        say=lambda line: print(line, flush=True),
        notice=lambda line: print(line, file=sys.stderr, flush=True),
    )
    stale = f", {len(done.stale)} stale (--prune deletes them)" if done.stale else ""
    n = len(done.pushed)
    print(
        f"published {done.triples} triples to {args.endpoint}: {n} graph{'' if n == 1 else 's'} pushed and read back the same, "
        f"{len(done.unchanged)} unchanged, {len(done.deleted)} deleted{stale} ({_elapsed(started)})",
        file=sys.stderr,
    )
    return 0


def cmd_release(args, started) -> int:
    from .dist import write_bytes
    from .release import archive, archive_name

    if not args.out.is_dir():
        raise UserError(f"{args.out}: no such folder")
    _ensure_built(args.dist)
    if not (args.dist / "catalog.ttl").is_file():
        raise UserError(f"{args.dist}: not a complete build (no catalog.ttl); run `build.py build --out {args.dist}`")
    data = archive(args.dist)
    target = write_bytes(args.out, archive_name(), data)
    print(f"wrote {target} ({len(data)} bytes) ({_elapsed(started)})", file=sys.stderr)
    return 0


_COMMANDS = {
    "build": cmd_build,
    "answers": cmd_answers,
    "class-map": cmd_class_map,
    "validate": cmd_validate,
    "query": cmd_query,
    "serve": cmd_serve,
    "publish": cmd_publish,
    "release": cmd_release,
}
