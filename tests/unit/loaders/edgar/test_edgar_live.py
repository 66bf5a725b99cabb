"""Live mode against a local EDGAR stand-in that serves the fixtures and misbehaves.

The server (``tests/edgar_fake.py``, shared with ``make chaos``) on 127.0.0.1
answers the first request for each path with 429, the second with 500,
stalls once past the client's timeout, and only then serves the fixture.
Nothing here touches the internet.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from edgar_fake import FakeEdgar, serve
from edgar_support import known_records

from chainshock.errors import FilingError
from chainshock.loaders.edgar import load_filings
from chainshock.loaders.edgar.live import EdgarClient, TokenBucket, check_user_agent, fetch

UA = "Chainshock Tests tests@example.com"


def _fixed_faults(path: str, n: int) -> str | None:
    """429, then 500, then (for submissions) a stall past the client's timeout, then the document."""
    if n == 1:
        return "429"
    if n == 2:
        return "500"
    if n == 3 and path.startswith("/submissions/"):
        return "stall"
    return None


@pytest.fixture()
def server(filings: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, FakeEdgar]]:
    state = FakeEdgar(filings, _fixed_faults if getattr(request, "param", True) else None)
    with serve(state) as url:
        yield url, state


def _client() -> EdgarClient:
    return EdgarClient(UA, bucket=TokenBucket(), timeout=0.4, backoff=0.01, max_backoff=0.05)


def test_refuses_without_descriptive_user_agent(tmp_path: Path) -> None:
    for bad in ("", "python-urllib/3.11", "Jane Doe", "jane@example.com"):
        with pytest.raises(FilingError, match="--user-agent"):
            fetch(["NVDA"], bad, tmp_path)
    assert check_user_agent(UA) == UA


def test_fetch_survives_faults_mirrors_layout_and_loads(tmp_path: Path, server: tuple[str, FakeEdgar]) -> None:
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


def test_rate_never_exceeds_ten_per_second(tmp_path: Path, server: tuple[str, FakeEdgar]) -> None:
    url, state = server
    fetch(["NVDA", "AAPL"], UA, tmp_path / "m", base_url=url, archives_url=url, client=_client(), per_form=2)
    times = sorted(t for t, _, _ in state.log)
    assert len(times) > 20
    assert state.max_per_window(1.0) <= 10  # the SEC's limit, in any second, measured at the server


def test_two_fetches_into_one_mirror_share_the_pace(tmp_path: Path, server: tuple[str, FakeEdgar]) -> None:
    """Two fetches at once into one mirror, each with its own bucket: still <= 10 in any second.

    (Without the mirror's pace file they would send 2 x 9 requests a second.)
    """
    url, state = server
    dest = tmp_path / "m"
    runs = [threading.Thread(target=fetch, args=([ticker], UA, dest),
                             kwargs=dict(base_url=url, archives_url=url, client=_client(), per_form=2))
            for ticker in ("NVDA", "AAPL")]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert len(state.log) > 20
    assert state.max_per_window(1.0) <= 10


@pytest.mark.parametrize("server", [False], indirect=True)
def test_resume_fetches_only_what_is_missing(tmp_path: Path, server: tuple[str, FakeEdgar]) -> None:
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


def test_unknown_ticker_is_a_clear_error(tmp_path: Path, server: tuple[str, FakeEdgar]) -> None:
    url, _ = server
    with pytest.raises(FilingError, match="not in EDGAR's ticker list"):
        fetch(["ZZZZ"], UA, tmp_path, base_url=url, archives_url=url, client=_client())


def test_gives_up_with_a_clear_error(tmp_path: Path) -> None:
    client = EdgarClient(UA, bucket=TokenBucket(rate=100.0), timeout=0.2, max_retries=1, backoff=0.01)
    with pytest.raises(FilingError, match="did not answer"):
        client.get("http://127.0.0.1:9/nothing")  # discard port: connection refused
