"""`serve`: a SPARQL 1.1 endpoint over a build, safe to put in front of the public.

Two processes, one port:

- the **engine**, the Oxigraph server (`oxigraph serve-read-only`, or `serve`
  when writable), on a private 127.0.0.1 port over a store in a temporary
  folder: the N-Triples dump in the default graph (every triple once, as on
  the embedded graph), the TriG dump's named graphs beside it;
- the **front**, an HTTP server in this process on the public address, that
  every request passes first. It refuses what must not reach the engine
  (`guard`: oversized or deeply nested requests, SERVICE and LOAD outside an
  allow-list), allows a bounded number of queries at once (the rest wait
  briefly, then get 503), stops a query at the time limit by restarting the
  engine (the Oxigraph server's own timeout does not stop a running query),
  caps the size of a result, answers CORS for reads, and restarts the engine
  when it dies. Paths other than /query, /update and /store go to a site
  responder when one is given, else 404.

The engine dies with this process whatever ends it: it is started with a
parent-death signal (SIGKILL), and its temporary folder carries this
process's id, so the next `serve` removes folders whose owner is gone.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import guard
from .errors import UserError

WORKDIR_PREFIX = "packt-an-serve-"
OWNER_FILE = "owner.pid"


def oxigraph_binary() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file():
        return str(here)
    found = shutil.which("oxigraph")
    if not found:
        raise UserError("the oxigraph server is not installed (pip install oxigraph, see requirements.txt)")
    return found


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(_family(host)) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _port_open(host: str, port: int) -> bool:
    with socket.socket(_family(host)) as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def check_host(host: str) -> str:
    """The address to bind: an IP address (IPv4 or IPv6) or `localhost`."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        raise UserError(f"--host {host!r}: not an IP address (e.g. 127.0.0.1 or ::1)") from None


def remove_stale_workdirs(tmp: Path | None = None) -> list[Path]:
    """Remove the temporary folders of `serve` processes that no longer run."""
    removed = []
    base = Path(tmp or tempfile.gettempdir())
    for d in base.glob(WORKDIR_PREFIX + "*"):
        owner = d / OWNER_FILE
        try:
            if d.is_symlink() or not d.is_dir() or not owner.is_file():
                continue
            pid = int(owner.read_text().strip())
        except (OSError, ValueError):
            continue
        if pid == os.getpid() or _alive(pid):
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
    return removed


def _alive(pid: int) -> bool:
    """True while process `pid` runs (a zombie, killed but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


# --- the engine ---------------------------------------------------------------


class Engine:
    """The Oxigraph server as a child process on a private loopback port.

    Started, restarted and stopped only by its supervisor thread, which lives
    as long as the engine: the parent-death signal is bound to the thread
    that started the child."""

    def __init__(self, store: Path, log: Path, writable: bool, max_restarts: int = 5):
        self.binary = oxigraph_binary()
        self.store, self.log, self.writable = store, log, writable
        self.max_restarts = max_restarts
        self.port = 0
        self.generation = 0
        self.proc: subprocess.Popen | None = None
        self.ready = threading.Event()
        self.failed: str | None = None  # why the engine could not be kept up
        self._cond = threading.Condition()
        self._restart_for: int | None = None  # generation to replace
        self._stopping = False
        self._crashes: list[float] = []
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._supervise, name="engine-supervisor", daemon=True)
        self.on_failure = None  # called once when the engine cannot be kept up

    # public

    def start(self, timeout: float = 30.0) -> None:
        self._thread.start()
        self._started.wait(timeout)
        if self.failed:
            raise UserError(self.failed)
        if not self.ready.wait(timeout):
            raise UserError(f"the oxigraph server did not start within {timeout:g} s")

    def restart(self, generation: int) -> None:
        """Replace the engine of `generation` (no-op when it was replaced already)."""
        with self._cond:
            if generation == self.generation and self._restart_for is None:
                self.ready.clear()
                self._restart_for = generation
                self._cond.notify_all()

    def replaced(self, generation: int) -> bool:
        """True when the engine of `generation` is gone or going (restarted on purpose)."""
        with self._cond:
            return self.generation != generation or self._restart_for == generation

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(15)
        self._kill()

    # supervisor

    def _spawn(self) -> None:
        self.port = free_port()
        mode = "serve" if self.writable else "serve-read-only"
        cmd = [self.binary, mode, "--location", str(self.store), "--bind", f"127.0.0.1:{self.port}"]
        if shutil.which("setpriv"):
            cmd = ["setpriv", "--pdeathsig", "KILL", "--", *cmd]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise UserError(f"the oxigraph server exited at start: {self._last_log_line()}")
            if _port_open("127.0.0.1", self.port):
                self.generation += 1
                self.ready.set()
                return
            time.sleep(0.02)
        raise UserError("the oxigraph server did not start within 30 s")

    def _kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def _last_log_line(self) -> str:
        try:
            lines = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return lines[-1] if lines else "no message"

    def _crashed_too_often(self) -> bool:
        now = time.monotonic()
        self._crashes = [t for t in self._crashes if now - t < 60] + [now]
        return len(self._crashes) > self.max_restarts

    def _give_up(self, why: str) -> None:
        self.failed = why
        self._kill()
        self._started.set()
        if self.on_failure:
            self.on_failure(why)

    def _respawn(self) -> bool:
        """Start an engine, retrying after a failed start; False when giving up."""
        while True:
            try:
                self._spawn()
                return True
            except UserError as exc:
                if self.generation == 0 or self._crashed_too_often():  # never started, or keeps failing
                    self._give_up(str(exc))
                    return False
                print(f"serve: {exc}; retrying", file=sys.stderr, flush=True)

    def _supervise(self) -> None:
        if not self._respawn():
            return
        self._started.set()
        while True:
            with self._cond:
                self._cond.wait_for(
                    lambda: self._stopping or self._restart_for is not None or (self.proc and self.proc.poll() is not None),
                    timeout=0.2,
                )
                if self._stopping:
                    self._kill()
                    return
                crashed = self.proc is not None and self.proc.poll() is not None and self._restart_for is None
                wanted = self._restart_for is not None
            if not (crashed or wanted):
                continue
            if crashed:
                code = self.proc.returncode
                print(f"serve: the query engine exited (code {code}); restarting", file=sys.stderr, flush=True)
                if self._crashed_too_often():
                    self._give_up(f"the query engine exited {len(self._crashes)} times within a minute; giving up")
                    return
            self.ready.clear()
            self._kill()
            if not self._respawn():
                return
            with self._cond:
                self._restart_for = None


# --- the front ----------------------------------------------------------------


@dataclass
class Options:
    writable: bool = False
    timeout: float = 30.0  # seconds a query may run
    max_concurrent: int = 4  # queries at once; the rest wait
    queue_wait: float = 10.0  # seconds a request waits for a slot, then 503
    max_query_bytes: int = guard.DEFAULT_MAX_BYTES
    max_depth: int = guard.DEFAULT_MAX_DEPTH
    max_result_bytes: int = 64 * 1024 * 1024
    max_upload_bytes: int = 512 * 1024 * 1024  # Graph Store writes (writable only)
    upload_timeout: float = 600.0  # seconds a Graph Store write may take (writable only)
    allow_service: frozenset[str] = field(default_factory=frozenset)
    cors: bool = True

    @property
    def limits(self) -> guard.Limits:
        return guard.Limits(max_bytes=self.max_query_bytes, max_depth=self.max_depth, allow_service=self.allow_service)


class _Reply(Exception):
    def __init__(self, status: int, text: str, headers: tuple = ()):
        super().__init__(text)
        self.status, self.text, self.headers = status, text, headers


_PASS_HEADERS = ("content-type", "content-location", "location", "vary", "etag", "last-modified")
_READ_PATHS = ("/query", "/sparql", "/store")


class _Handler(BaseHTTPRequestHandler):
    server: "_Front"
    protocol_version = "HTTP/1.1"
    timeout = 20  # seconds to send a request: slow clients do not hold a thread for ever
    # TCP_NODELAY: the headers and the body go out in two writes; with Nagle's algorithm the
    # body waits for the client's delayed ACK of the headers (40 ms on Linux) on keep-alive
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return "packt-an"

    def log_message(self, format, *args):  # quiet: one line per problem, not per request
        pass

    # dispatch

    def do_GET(self):
        self._handle("GET")

    def do_HEAD(self):
        self._handle("HEAD")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_OPTIONS(self):
        self._handle("OPTIONS")

    def _handle(self, method: str) -> None:
        try:
            url = urllib.parse.urlsplit(self.path)
            path = url.path
            if path == "/sparql":  # the published endpoint URL (config.ENDPOINT_URL) is an alias of /query
                path = "/query"
            if path in ("/query", "/update", "/store"):
                if method == "OPTIONS":
                    return self._preflight(path)
                self._endpoint(method, path, url.query)
            else:
                self._site(method, path, url.query)
        except _Reply as r:
            self._text(r.status, r.text, r.headers)
        except (BrokenPipeError, ConnectionResetError, socket.timeout, TimeoutError):
            self.close_connection = True
        except Exception as exc:  # never a traceback to the client; one line to the log
            print(f"serve: {method} {self.path[:200]}: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            try:
                self._text(500, "internal error")
            except OSError:
                self.close_connection = True

    # responses

    def _cors(self, path: str) -> list[tuple[str, str]]:
        if self.server.options.cors and path in _READ_PATHS:
            return [("Access-Control-Allow-Origin", "*")]
        return []

    def _send(self, status: int, headers, body: bytes) -> None:
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, text: str, headers=()) -> None:
        path = urllib.parse.urlsplit(self.path).path
        body = (text.rstrip("\n") + "\n").encode("utf-8")
        self._send(status, [("Content-Type", "text/plain; charset=utf-8"), *self._cors(path), *headers], body)

    def _preflight(self, path: str) -> None:
        if not (self.server.options.cors and path in _READ_PATHS):
            raise _Reply(405, "method not allowed", (("Allow", "GET, POST, HEAD"),))
        self._send(
            204,
            [
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS"),
                ("Access-Control-Allow-Headers", "Accept, Content-Type"),
                ("Access-Control-Max-Age", "86400"),
            ],
            b"",
        )

    # request body

    def _body(self, limit: int) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() not in ("", "identity"):
            raise _Reply(411, "send the request body with a Content-Length")
        raw = self.headers.get("Content-Length")
        if raw is None:
            if self.command in ("POST", "PUT"):
                raise _Reply(411, "send the request body with a Content-Length")
            return b""
        try:
            n = int(raw)
            if n < 0:
                raise ValueError
        except ValueError:
            raise _Reply(400, "invalid Content-Length") from None
        if n > limit:
            self.close_connection = True
            raise _Reply(413, f"the request body is larger than {limit} bytes")
        return self.rfile.read(n)

    # the SPARQL endpoint

    def _endpoint(self, method: str, path: str, query: str) -> None:
        opts = self.server.options
        writes = path == "/update" or (path == "/store" and method in ("PUT", "POST", "DELETE"))
        if writes and not opts.writable:
            raise _Reply(403, "this endpoint is read-only")
        if method not in ("GET", "HEAD", "POST", "PUT", "DELETE"):
            raise _Reply(405, "method not allowed")
        headers = {"Accept": self.headers.get("Accept") or "*/*"}
        body = b""
        if path == "/query":
            if method not in ("GET", "HEAD", "POST"):
                raise _Reply(405, "use GET or POST for queries", (("Allow", "GET, POST, HEAD"),))
            params, text = self._query_params(method, query)
            self._check(text, update=False)
            body = urllib.parse.urlencode(params).encode("utf-8")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            method, upstream = "POST", "/query"
        elif path == "/update":
            if method != "POST":
                raise _Reply(405, "use POST for updates", (("Allow", "POST"),))
            body = self._body(opts.max_query_bytes)
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/x-www-form-urlencoded":
                fields = _form(body)
                text = fields.get("update", [None])[0]
                if text is None or len(fields.get("update", [])) != 1:
                    raise _Reply(400, "give exactly one update parameter")
            elif ctype == "application/sparql-update":
                text = _utf8(body)
            else:
                raise _Reply(415, "send an update as application/sparql-update or a form")
            self._check(text, update=True)
            headers["Content-Type"] = self.headers["Content-Type"]
            upstream = "/update" + (f"?{query}" if query else "")
        else:  # the Graph Store
            if method in ("PUT", "POST"):
                body = self._body(opts.max_upload_bytes)
                headers["Content-Type"] = self.headers.get("Content-Type") or "application/n-triples"
            upstream = "/store" + (f"?{query}" if query else "")
        status, out_headers, out = self.server.forward(method, upstream, body, headers)
        self._send(status, [*out_headers, *self._cors(path)], out)

    def _query_params(self, method: str, query: str) -> tuple[list[tuple[str, str]], str]:
        opts = self.server.options
        if method in ("GET", "HEAD"):
            if len(query) > 3 * opts.max_query_bytes:
                raise _Reply(413, f"the request is larger than {opts.max_query_bytes} bytes")
            params = _pairs(query)
        else:
            body = self._body(3 * opts.max_query_bytes)
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-query":
                params = _pairs(query) + [("query", _utf8(body))]
            elif ctype == "application/x-www-form-urlencoded":
                params = _pairs(query) + _pairs(_utf8(body))
            else:
                raise _Reply(415, "send a query as application/sparql-query or a form (application/x-www-form-urlencoded)")
        texts = [v for k, v in params if k == "query"]
        if len(texts) != 1:
            raise _Reply(400, "give exactly one query parameter")
        # the protocol's parameters go on; others (clients add `format`, `output` …) are dropped
        allowed = {"query", "default-graph-uri", "named-graph-uri"}
        return [(k, v) for k, v in params if k in allowed], texts[0]

    def _check(self, text: str, update: bool) -> None:
        try:
            guard.check(text, self.server.options.limits, update=update)
        except guard.Refused as exc:
            raise _Reply(400, f"refused: {exc}") from None

    # the site

    def _site(self, method: str, path: str, query: str) -> None:
        responder = self.server.site
        if responder is None or method not in ("GET", "HEAD"):
            if method not in ("GET", "HEAD"):
                raise _Reply(405, "method not allowed", (("Allow", "GET, HEAD"),))
            raise _Reply(404, f"not found: {path} (the SPARQL endpoint is /query)")
        status, headers, body = responder(method, path, self.headers.get("Accept"))
        self._send(status, headers, body)


def _pairs(qs: str) -> list[tuple[str, str]]:
    try:
        return urllib.parse.parse_qsl(qs, keep_blank_values=True, strict_parsing=False, errors="strict", max_num_fields=64)
    except UnicodeDecodeError:
        raise _Reply(400, "the request is not UTF-8") from None
    except ValueError as exc:
        raise _Reply(400, f"malformed parameters: {exc}") from None


def _form(body: bytes) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in _pairs(_utf8(body)):
        out.setdefault(k, []).append(v)
    return out


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Reply(400, "the request is not UTF-8") from None


class _Front(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, host: str, port: int, engine: Engine, options: Options, site=None):
        self.address_family = _family(host)
        self.engine, self.options, self.site = engine, options, site
        self.slots = threading.BoundedSemaphore(options.max_concurrent)
        super().__init__((host, port), _Handler)

    def forward(self, method: str, path: str, body: bytes, headers: dict) -> tuple[int, list, bytes]:
        """Send a request to the engine within the time limit; (status, headers, body)."""
        opts = self.options
        if not self.slots.acquire(timeout=opts.queue_wait):
            raise _Reply(503, "the endpoint is busy; try again shortly", (("Retry-After", "2"),))
        try:
            upload = path.startswith("/store") and method in ("PUT", "POST")
            limit = max(opts.timeout, opts.upload_timeout) if upload else opts.timeout
            deadline = time.monotonic() + limit
            for attempt in (1, 2):
                if not self.engine.ready.wait(max(0.0, deadline - time.monotonic())):
                    raise _Reply(503, "the query engine is restarting; try again shortly", (("Retry-After", "2"),))
                if self.engine.failed:
                    raise _Reply(503, "the query engine is down")
                generation, port = self.engine.generation, self.engine.port
                try:
                    return self._exchange(port, method, path, body, headers, deadline)
                except (socket.timeout, TimeoutError):
                    self.engine.restart(generation)  # the only way to stop a running query
                    raise _Reply(503, f"the request took longer than {limit:g} s and was stopped") from None
                except (ConnectionError, http.client.HTTPException, OSError):
                    if attempt == 1 and self.engine.replaced(generation):
                        continue  # replaced under us (another query's time limit): once more
                    self.engine.restart(generation)
                    raise _Reply(502, "the query engine failed on this request and is being restarted") from None
            raise _Reply(502, "the query engine failed on this request")
        finally:
            self.slots.release()

    def _exchange(self, port, method, path, body, headers, deadline) -> tuple[int, list, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=max(0.05, deadline - time.monotonic()))
        try:
            conn.request(method, path, body=body or None, headers=headers)
            resp = conn.getresponse()
            chunks, size = [], 0
            while True:
                conn.sock.settimeout(max(0.05, deadline - time.monotonic()))
                chunk = resp.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.options.max_result_bytes:
                    raise _Reply(
                        400, f"the result is larger than {self.options.max_result_bytes} bytes; narrow the query or add a LIMIT"
                    )
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise socket.timeout()
            out_headers = [(k, v) for k, v in resp.getheaders() if k.lower() in _PASS_HEADERS]
            return resp.status, out_headers, b"".join(chunks)
        finally:
            conn.close()


# --- the whole server ----------------------------------------------------------


class Server:
    """Front and engine over a build (or an empty store when `dist` is None); stop() removes everything."""

    def __init__(
        self,
        dist: Path | None,
        host: str = "127.0.0.1",
        port: int | None = None,
        writable: bool = False,
        options: Options | None = None,
        site=None,
    ):
        self.host = check_host(host)
        self.options = options or Options(writable=writable)
        self.options.writable = self.options.writable or writable
        self.writable = self.options.writable
        self.front: _Front | None = None
        self.engine: Engine | None = None
        self.stopped = threading.Event()
        self.failure: str | None = None
        remove_stale_workdirs()
        self.workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
        try:
            (self.workdir / OWNER_FILE).write_text(f"{os.getpid()}\n")
            try:
                self.front = _Front(self.host, port or 0, None, self.options, site)  # bind first: fail fast
            except OSError as exc:
                raise UserError(f"cannot listen on {url_host(self.host)}:{port or 0}: {exc.strerror or exc}") from None
            self.port = self.front.server_address[1]
            store = self.workdir / "store"
            if dist is not None:
                _load(store, [Path(dist) / "packt-an.nt", Path(dist) / "packt-an.trig"])
            self.engine = Engine(store, self.workdir / "engine.log", self.writable)
            self.engine.on_failure = self._fail
            self.front.engine = self.engine
            self.engine.start()
            self._thread = threading.Thread(target=self.front.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
            self._thread.start()
        except BaseException:
            self.stop()
            raise

    def _fail(self, why: str) -> None:
        self.failure = why
        self.stopped.set()

    @property
    def base(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        return self.base + "/update"

    @property
    def store_url(self) -> str:
        return self.base + "/store"

    def stop(self) -> None:
        if self.front is not None:
            if getattr(self, "_thread", None) is not None and self._thread.is_alive():
                self.front.shutdown()
            self.front.server_close()
            self.front = None
        if self.engine is not None:
            self.engine.stop()
            self.engine = None
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.stopped.set()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _load(store: Path, dumps: list[Path]) -> None:
    binary = oxigraph_binary()
    for dump in dumps:
        if not dump.is_file():
            raise UserError(f"{dump}: no such file (run `build.py build` first)")
        res = subprocess.run([binary, "load", "--location", str(store), "--file", str(dump)], capture_output=True, text=True)
        if res.returncode != 0:
            err = res.stderr.strip().splitlines()
            raise UserError(f"{dump}: oxigraph could not load it: {err[-1] if err else 'no message'}")


def site_responder(dist: Path):
    """The web site of a build (dist/site) as the front's responder for every
    other path, with content negotiation; None when the build has no site."""
    site_dir = Path(dist) / "site"
    if not site_dir.is_dir():
        return None
    from .site.negotiate import respond

    def site(method: str, path: str, accept: str | None):
        return respond(site_dir, method, path, accept)

    return site


@contextmanager
def serving(dist: Path | None, **kw):
    server = Server(dist, **kw)
    try:
        yield server
    finally:
        server.stop()


def run_until_signalled(server: Server) -> str | None:
    """Block until SIGINT, SIGTERM or SIGHUP (or the engine gives up); stop; return the failure, if any."""
    def _stop(_sig, _frame):
        server.stopped.set()

    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        previous[sig] = signal.signal(sig, _stop)
    try:
        while not server.stopped.wait(0.5):
            pass
    finally:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)  # a second signal must not interrupt the clean-up
        failure = server.failure
        server.stop()
    return failure
