"""Fetch filings from SEC EDGAR into the EDGAR layout that :func:`load_filings` reads.

``fetch(["NVDA"], "Jane Doe jane@example.com", dest)`` mirrors, for each ticker:

- ``edgar/submissions/CIK##########.json`` (data.sec.gov/submissions/...),
- ``edgar/companyfacts/CIK##########.json`` (data.sec.gov/api/xbrl/companyfacts/...),
- ``edgar/filings/<cik>/<accession>/<primary document>`` for the latest
  ``per_form`` filings of each form in ``forms``.

Politeness, as the SEC asks: a descriptive User-Agent is required (a name and
an email); one token bucket shared by every request keeps the rate at or
under 10 requests per second; 429 and 5xx answers and timeouts are retried
with exponential backoff (honouring ``Retry-After``). Every file is written
atomically (temporary file, then rename) and an existing file is never
fetched again, so the mirror is the cache and an interrupted fetch resumes
where it stopped. Documents that cannot be fetched are listed in
``<dest>/fetch-log.json``; they do not stop the fetch.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import http.client
import json
import os
import re
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from chainshock.errors import FilingError

__all__ = ["PACE", "SEC_RATE", "EdgarClient", "TokenBucket", "check_user_agent", "fetch"]

SEC_RATE = 10.0  # requests per second, the SEC's published fair-access limit
# We pace at 90% of it: requests leave 1/rate apart, but a request delayed on its
# way (a slow connect, a retry's socket) can arrive closer to the next one, and
# at exactly 1/rate an 11th request lands on a window's edge. 9/s leaves 0.1 s
# of slack per window (the chaos campaign measured 11 in one second at 10/s).
PACE = 0.9 * SEC_RATE
PACE_FILE = ".last-request"  # in a mirror folder: the pacing carries over to the next process
_UA = re.compile(r"^\s*\S.*\s+[^\s@]+@[^\s@]+\.[^\s@]+\s*$")


def check_user_agent(user_agent: str | None) -> str:
    """The User-Agent if it names a person or company and an email; else a FilingError.

    >>> check_user_agent("Jane Doe jane@example.com")
    'Jane Doe jane@example.com'
    >>> check_user_agent("python-requests/2.32")
    Traceback (most recent call last):
    ...
    chainshock.errors.FilingError: --user-agent must name you and give a contact email, e.g. --user-agent "Jane Doe jane@example.com" (the SEC refuses anonymous clients)
    """
    if not user_agent or not _UA.match(user_agent):
        raise FilingError(
            '--user-agent must name you and give a contact email, e.g. --user-agent "Jane Doe jane@example.com" '
            "(the SEC refuses anonymous clients)"
        )
    return user_agent.strip()


class TokenBucket:
    """At most ``rate`` acquisitions per second on average, bursts up to ``capacity``.

    Thread-safe; one bucket is shared by every request of a process
    (:data:`BUCKET`), so parallel fetches cannot add up past the limit.
    """

    def __init__(self, rate: float = PACE, capacity: float | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.rate = rate
        # capacity 1: requests are spaced 1/rate apart, so any one-second window holds <= rate.
        self.capacity = capacity if capacity is not None else 1.0
        self._tokens = self.capacity
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            while True:
                now = self._clock()
                self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
                self._last = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                self._sleep((1.0 - self._tokens) / self.rate)


BUCKET = TokenBucket()


class EdgarClient:
    """GET with the SEC's manners: identity, shared rate limit, retries with backoff."""

    def __init__(self, user_agent: str, *, bucket: TokenBucket | None = None, timeout: float = 30.0,
                 max_retries: int = 6, backoff: float = 0.5, max_backoff: float = 30.0) -> None:
        self.user_agent = check_user_agent(user_agent)
        self.bucket = bucket or BUCKET
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.requests = 0

    pace_file: Path | None = None  # set by fetch(): the mirror's record of its latest request

    def _pace_with_other_processes(self) -> None:
        """Keep 1/rate after the latest request any client made into the same mirror.

        A fetch killed and started again, or two fetches into one folder at
        once, each have their own bucket; the mirror's pace file (under an
        exclusive lock) spaces their requests as if they shared one.
        """
        if self.pace_file is None:
            return
        try:
            with open(self.pace_file, "a+") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)  # released when the file closes
                fh.seek(0)
                try:
                    last = float(fh.read() or "nan")
                except ValueError:
                    last = float("nan")
                wait = last + 1.0 / self.bucket.rate - time.time()
                if 0 < wait <= 1.0:  # a stamp from the future (clock change) is ignored
                    time.sleep(wait)
                fh.seek(0)
                fh.truncate()
                fh.write(repr(time.time()))
        except OSError:
            pass  # an unwritable mirror: pacing within the process still holds

    def get(self, url: str) -> bytes | None:
        """The body at ``url``; None for 404/410. Raises FilingError after the last retry."""
        last = ""
        for attempt in range(self.max_retries + 1):
            self.bucket.acquire()
            self._pace_with_other_processes()
            self.requests += 1
            request = urllib.request.Request(url, headers={
                "User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate",
            })
            wait = min(self.max_backoff, self.backoff * (2 ** attempt))
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                    body = resp.read()
                    encoding = (resp.headers.get("Content-Encoding") or "").lower()
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                return bytes(body)
            except urllib.error.HTTPError as err:
                if err.code in (404, 410):
                    return None
                if err.code != 429 and err.code < 500:
                    raise FilingError(f"EDGAR refused {url}: HTTP {err.code} {err.reason}") from err
                last = f"HTTP {err.code}"
                retry_after = err.headers.get("Retry-After") if err.headers else None
                if retry_after and retry_after.strip().isdigit():
                    wait = min(self.max_backoff, float(retry_after))
            except (TimeoutError, urllib.error.URLError, ConnectionError, OSError, http.client.HTTPException) as err:
                # HTTPException covers IncompleteRead: a body cut short is retried, never kept
                last = f"{type(err).__name__}: {err}"
            if attempt < self.max_retries:
                time.sleep(wait)
        raise FilingError(f"EDGAR did not answer {url} after {self.max_retries + 1} tries ({last}); try again later")


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cached(client: EdgarClient, url: str, path: Path, missing: Path | None = None) -> bytes | None:
    """The mirrored file, fetched once; a 404 is remembered in ``missing`` so a resumed run skips it."""
    if path.exists():
        return path.read_bytes()
    marker = missing / hashlib.sha256(url.encode()).hexdigest()[:32] if missing else None
    if marker is not None and marker.exists():
        return None
    body = client.get(url)
    if body is not None:
        _write_atomic(path, body)
    elif marker is not None:
        _write_atomic(marker, url.encode())
    return body


def fetch(
    tickers: Sequence[str],
    user_agent: str,
    dest: Path,
    *,
    base_url: str = "https://data.sec.gov",
    archives_url: str = "https://www.sec.gov",
    forms: Sequence[str] = ("10-K", "10-Q", "8-K"),
    per_form: int = 2,
    progress: Callable[[str, int, int], None] | None = None,
    client: EdgarClient | None = None,
) -> Path:
    """Mirror EDGAR data for ``tickers`` under ``dest``; returns ``dest`` (pass it to ``load_filings``).

    Raises
    ------
    FilingError
        Without a descriptive User-Agent, for an unknown ticker, or when EDGAR
        keeps failing after retries.
    """
    check_user_agent(user_agent)
    for url in (base_url, archives_url):
        if not url.startswith(("https://", "http://")):
            raise FilingError(f"EDGAR base URL must be http(s), got {url!r}")
    if not tickers:
        raise FilingError("--live needs at least one --ticker")
    client = client or EdgarClient(user_agent)
    report = progress or (lambda stage, done, total: None)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if client.pace_file is None:
        client.pace_file = dest / PACE_FILE
    root = dest / "edgar"
    log: list[dict[str, Any]] = []
    missing = dest / ".missing"  # negative cache, outside the edgar/ layout

    index_body = _cached(client, f"{archives_url}/files/company_tickers.json", dest / "company_tickers.json")
    if index_body is None:
        raise FilingError(f"EDGAR's ticker list is missing at {archives_url}/files/company_tickers.json")
    try:
        index = json.loads(index_body)
    except json.JSONDecodeError as err:
        (dest / "company_tickers.json").unlink(missing_ok=True)
        raise FilingError(f"EDGAR's ticker list is not JSON ({err}); run again") from err
    by_ticker = {str(v.get("ticker", "")).upper(): int(v["cik_str"]) for v in index.values() if isinstance(v, dict) and "cik_str" in v}
    ciks = []
    for t in tickers:
        if t.upper() not in by_ticker:
            raise FilingError(f"ticker {t!r} is not in EDGAR's ticker list; check the symbol (e.g. NVDA)")
        ciks.append(by_ticker[t.upper()])

    done, total = 0, len(ciks) * (2 + len(forms) * per_form)
    for cik in ciks:
        padded = f"{cik:010d}"
        sub_path = root / "submissions" / f"CIK{padded}.json"
        body = _cached(client, f"{base_url}/submissions/CIK{padded}.json", sub_path, missing)
        done += 1
        report("fetch", done, total)
        body_cf = _cached(client, f"{base_url}/api/xbrl/companyfacts/CIK{padded}.json",
                          root / "companyfacts" / f"CIK{padded}.json", missing)
        if body_cf is None:
            log.append({"cik": padded, "what": "companyfacts", "error": "not found"})
        done += 1
        report("fetch", done, total)
        if body is None:
            log.append({"cik": padded, "what": "submissions", "error": "not found"})
            done += len(forms) * per_form
            continue
        try:
            recent = json.loads(body)["filings"]["recent"]
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            sub_path.unlink(missing_ok=True)  # a bad body must not be cached
            raise FilingError(f"EDGAR's submissions for CIK {padded} are unreadable ({err}); run again") from err
        picks: list[tuple[str, str]] = []
        for form in forms:
            rows = [(a, d) for a, f, d in zip(recent.get("accessionNumber", []), recent.get("form", []),
                                              recent.get("primaryDocument", []), strict=False) if f == form and d]
            picks.extend(rows[:per_form])
            done += per_form - len(rows[:per_form])
        for accession, document in picks:
            url = f"{archives_url}/Archives/edgar/data/{cik}/{accession.replace('-', '')}/{document}"
            target = root / "filings" / str(cik) / accession / Path(document).name
            try:
                if _cached(client, url, target, missing) is None:
                    log.append({"cik": padded, "accession": accession, "what": document, "error": "not found"})
            except FilingError as err:
                log.append({"cik": padded, "accession": accession, "what": document, "error": str(err)})
            done += 1
            report("fetch", done, total)
    _write_atomic(dest / "fetch-log.json", (json.dumps({"errors": log}, indent=2, sort_keys=True) + "\n").encode())
    return dest
