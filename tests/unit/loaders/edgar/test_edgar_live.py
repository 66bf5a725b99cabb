"""Live mode against a local EDGAR stand-in that serves the fixtures and misbehaves.

The server on 127.0.0.1 answers the first request for each path with 429,
the second with 500, stalls once past the client's timeout, and only then
serves the fixture. Nothing here touches the internet.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from edgar_support import known_records

from chainshock.errors import FilingError
from chainshock.loaders.edgar import load_filings
from chainshock.loaders.edgar.live import EdgarClient, TokenBucket, check_user_agent, fetch

UA = "Chainshock Tests tests@example.com"


class _Server:
    def __init__(self, filings: Path, faults: bool) -> None:
        self.filings = filings / "edgar"
        self.faults = faults
        self.hits: dict[str, int] = defaultdict(int)
        self.log: list[tuple[float, str, str]] = []  # (time, path, user agent)
        self.lock = threading.Lock()

    def body_for(self, path: str) -> bytes | None:
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
            _, _, _, _, cik, nodash, name = path.split("/")
            matches = [d for d in (self.filings / "filings" / cik).glob("*") if d.name.replace("-", "") == nodash]
            f = matches[0] / name if matches else self.filings / "missing"
        else:
            return None
        return f.read_bytes() if f.is_file() else None


@pytest.fixture()
def server(filings: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, _Server]]:
    state = _Server(filings, faults=getattr(request, "param", True))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            with state.lock:
                state.hits[self.path] += 1
                n = state.hits[self.path]
                state.log.append((time.monotonic(), self.path, self.headers.get("User-Agent", "")))
            if state.faults and n == 1:
                self.send_response(429)
                self.send_header("Retry-After", "0")
                self.end_headers()
                return
            if state.faults and n == 2:
                self.send_error(500)
                return
            if state.faults and n == 3 and self.path.startswith("/submissions/"):
                time.sleep(0.6)  # past the client's timeout: it must retry
            body = state.body_for(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", state
    finally:
        httpd.shutdown()
        httpd.server_close()


def _client() -> EdgarClient:
    return EdgarClient(UA, bucket=TokenBucket(rate=10.0), timeout=0.4, backoff=0.01, max_backoff=0.05)


def test_refuses_without_descriptive_user_agent(tmp_path: Path) -> None:
    for bad in ("", "python-urllib/3.11", "Jane Doe", "jane@example.com"):
        with pytest.raises(FilingError, match="--user-agent"):
            fetch(["NVDA"], bad, tmp_path)
    assert check_user_agent(UA) == UA


def test_fetch_survives_faults_mirrors_layout_and_loads(tmp_path: Path, server: tuple[str, _Server]) -> None:
    url, state = server
    dest = fetch(["NVDA"], UA, tmp_path / "mirror", base_url=url, archives_url=url, client=_client(), per_form=2)
    edgar = dest / "edgar"
    assert (edgar / "submissions" / "CIK0001045810.json").is_file()
    assert (edgar / "companyfacts" / "CIK0001045810.json").is_file()
    assert (edgar / "filings" / "1045810" / "0001045810-25-000023" / "nvda-20250126.htm").is_file()
    # every request carried the identity
    assert {ua for _, _, ua in state.log} == {UA}
    # every path went through 429 and 500 before it was served
    assert all(n >= 3 for n in state.hits.values())
    # missing documents are logged, not fatal
    log = json.loads((dest / "fetch-log.json").read_text())
    assert any(e["accession"] == "0001045810-26-000021" for e in log["errors"] if "accession" in e)
    records = load_filings(dest, known_records(), embedder=None)
    capex = {f.id: f.value for f in records.facts}
    assert capex["fact:nvidia:capex:2025:FY"] == 3_236_000_000
    assert not [s for s in records.skipped if "could not parse" in s[1]]


def test_rate_never_exceeds_ten_per_second(tmp_path: Path, server: tuple[str, _Server]) -> None:
    url, state = server
    fetch(["NVDA", "AAPL"], UA, tmp_path / "m", base_url=url, archives_url=url, client=_client(), per_form=2)
    times = sorted(t for t, _, _ in state.log)
    assert len(times) > 20
    for i, t in enumerate(times):
        in_window = [u for u in times[i:] if u - t < 1.0]
        assert len(in_window) <= 10 + 1  # +1: a request at the window's far edge


@pytest.mark.parametrize("server", [False], indirect=True)
def test_resume_fetches_only_what_is_missing(tmp_path: Path, server: tuple[str, _Server]) -> None:
    url, state = server
    dest = tmp_path / "m"
    fetch(["NVDA"], UA, dest, base_url=url, archives_url=url, client=_client())
    first = dict(state.hits)
    # an interrupted run: one document never arrived
    doc = dest / "edgar" / "filings" / "1045810" / "0001045810-25-000023" / "nvda-20250126.htm"
    doc.unlink()
    fetch(["NVDA"], UA, dest, base_url=url, archives_url=url, client=_client())
    again = sorted(p for p, n in state.hits.items() if n > first.get(p, 0))
    assert again == ["/Archives/edgar/data/1045810/000104581025000023/nvda-20250126.htm"]
    assert doc.is_file()
    assert not [p for p in dest.rglob("*") if p.name.startswith(".nvda")]  # no temporary files left


def test_unknown_ticker_is_a_clear_error(tmp_path: Path, server: tuple[str, _Server]) -> None:
    url, _ = server
    with pytest.raises(FilingError, match="not in EDGAR's ticker list"):
        fetch(["ZZZZ"], UA, tmp_path, base_url=url, archives_url=url, client=_client())


def test_gives_up_with_a_clear_error(tmp_path: Path) -> None:
    client = EdgarClient(UA, bucket=TokenBucket(rate=100.0), timeout=0.2, max_retries=1, backoff=0.01)
    with pytest.raises(FilingError, match="did not answer"):
        client.get("http://127.0.0.1:9/nothing")  # discard port: connection refused
