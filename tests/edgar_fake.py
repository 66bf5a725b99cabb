"""A loopback EDGAR stand-in that serves the real fixtures and misbehaves on purpose.

Used by the live-mode tests (a fixed fault sequence) and by ``make chaos``
(random 429 storms, 5xx, stalls and truncated bodies). It listens on
127.0.0.1 only and never reaches the internet. Every request is logged with
its arrival time, so the client's request rate can be measured from the
server's side.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

__all__ = ["FakeEdgar", "RandomFaults", "serve"]

# A fault decision: None (serve), or one of "429", "500", "502", "503", "stall", "truncate".
Policy = Callable[[str, int], str | None]


class FakeEdgar:
    """State of one fake server: the fixtures, the hit counts, the request log."""

    def __init__(self, filings: Path, policy: Policy | None = None, stall_seconds: float = 0.6) -> None:
        self.filings = filings / "edgar"
        self.policy = policy or (lambda path, n: None)
        self.stall_seconds = stall_seconds
        self.hits: dict[str, int] = defaultdict(int)
        self.log: list[tuple[float, str, str]] = []  # (arrival time, path, user agent)
        self.faults: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()

    def body_for(self, path: str) -> bytes | None:
        """The fixture bytes a real EDGAR would serve at ``path`` (None: 404)."""
        if path == "/files/company_tickers.json":
            rows = {}
            for i, f in enumerate(sorted((self.filings / "submissions").glob("CIK*.json"))):
                doc = json.loads(f.read_bytes())
                rows[str(i)] = {"cik_str": int(doc["cik"]), "ticker": doc["tickers"][0], "title": doc["name"]}
            return json.dumps(rows).encode()
        if path.startswith("/submissions/"):
            f = self.filings / "submissions" / path.rsplit("/", 1)[1]
        elif path.startswith("/api/xbrl/companyfacts/"):
            f = self.filings / "companyfacts" / path.rsplit("/", 1)[1]
        elif path.startswith("/Archives/edgar/data/"):
            parts = path.split("/")
            if len(parts) != 7:
                return None
            _, _, _, _, cik, nodash, name = parts
            matches = [d for d in (self.filings / "filings" / cik).glob("*") if d.name.replace("-", "") == nodash]
            f = matches[0] / name if matches else self.filings / "missing"
        else:
            return None
        return f.read_bytes() if f.is_file() else None

    def tickers(self) -> list[str]:
        """The first ticker of every company the fixtures hold."""
        out = []
        for f in sorted((self.filings / "submissions").glob("CIK*.json")):
            doc = json.loads(f.read_bytes())
            if doc.get("tickers"):
                out.append(doc["tickers"][0])
        return out

    def max_per_window(self, window: float = 1.0) -> int:
        """The most requests that arrived within any ``window`` seconds (half-open)."""
        times = sorted(t for t, _, _ in self.log)
        best = 0
        j = 0
        for i, t in enumerate(times):
            j = max(j, i)
            while j < len(times) and times[j] - t < window:
                j += 1
            best = max(best, j - i)
        return best


@dataclass
class RandomFaults:
    """Random faults, reproducible from ``seed``: storms of 429s plus per-request 5xx, stalls, cut bodies.

    During a storm (``storm_every`` seconds apart, ``storm_seconds`` long)
    every request gets 429 with ``Retry-After: 1``.
    """

    seed: int = 0
    p_5xx: float = 0.12
    p_stall: float = 0.05
    p_truncate: float = 0.08
    storm_every: float = 6.0
    storm_seconds: float = 1.5

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self._t0 = time.monotonic()

    def __call__(self, path: str, n: int) -> str | None:
        elapsed = time.monotonic() - self._t0
        if self.storm_every and (elapsed % self.storm_every) < self.storm_seconds:
            return "429"
        with self._lock:
            r = self._rng.random()
            kind = self._rng.choice(["500", "502", "503"])
        if r < self.p_5xx:
            return kind
        r -= self.p_5xx
        if r < self.p_stall:
            return "stall"
        r -= self.p_stall
        if r < self.p_truncate:
            return "truncate"
        return None


@contextlib.contextmanager
def serve(state: FakeEdgar) -> Iterator[str]:
    """Run the server on a free loopback port; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            with state.lock:
                state.hits[self.path] += 1
                n = state.hits[self.path]
                state.log.append((time.monotonic(), self.path, self.headers.get("User-Agent", "")))
            fault = state.policy(self.path, n)
            if fault is not None:
                with state.lock:
                    state.faults[fault] += 1
            if fault == "429":
                self.send_response(429)
                self.send_header("Retry-After", "1")
                self.end_headers()
                return
            if fault in ("500", "502", "503"):
                self.send_error(int(fault))
                return
            if fault == "stall":
                time.sleep(state.stall_seconds)  # past the client's timeout: it must retry
            body = state.body_for(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                if fault == "truncate" and len(body) > 1:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that gave up on a stalled answer closes the socket: not news

    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
