"""A real SPARQL endpoint: the Oxigraph server over a build.

`serve` loads a build into a fresh Oxigraph store in a temporary folder — the
N-Triples dump into the default graph (so that queries without GRAPH see each
triple once, as on the embedded graph) and the TriG dump's named graphs beside
it — and starts `oxigraph serve-read-only` (or `serve` when writable) on
127.0.0.1.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import UserError


def oxigraph_binary() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file():
        return str(here)
    found = shutil.which("oxigraph")
    if not found:
        raise UserError("the oxigraph server is not installed (pip install oxigraph, see requirements.txt)")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


class Server:
    """A running Oxigraph server over a temporary store; stop() removes both."""

    def __init__(self, dist: Path | None, host: str = "127.0.0.1", port: int | None = None, writable: bool = False):
        self.host = host
        self.port = port or free_port(host)
        self.writable = writable
        self.store = Path(tempfile.mkdtemp(prefix="packt-an-store-"))
        self.proc: subprocess.Popen | None = None
        binary = oxigraph_binary()
        try:
            if dist is not None:
                for dump in (Path(dist) / "packt-an.nt", Path(dist) / "packt-an.trig"):
                    res = subprocess.run(
                        [binary, "load", "--location", str(self.store), "--file", str(dump)],
                        capture_output=True,
                        text=True,
                    )
                    if res.returncode != 0:
                        err = res.stderr.strip().splitlines()
                        raise UserError(f"{dump}: oxigraph could not load it: {err[-1] if err else 'no message'}")
            if _port_open(host, self.port):
                raise UserError(f"{host}:{self.port}: port already in use")
            mode = "serve" if writable else "serve-read-only"
            self.proc = subprocess.Popen(
                [binary, mode, "--location", str(self.store), "--bind", f"{host}:{self.port}"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        return self.base + "/update"

    @property
    def store_url(self) -> str:
        return self.base + "/store"

    def _wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = (self.proc.stderr.read() or "").strip().splitlines()
                raise UserError(f"oxigraph server exited: {err[-1] if err else 'no message'}")
            if _port_open(self.host, self.port):
                return
            time.sleep(0.05)
        raise UserError(f"oxigraph server did not start within {timeout:g} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.store, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


@contextmanager
def serving(dist: Path | None, **kw):
    server = Server(dist, **kw)
    try:
        yield server
    finally:
        server.stop()
