"""Links to the documents behind a number: EDGAR URLs and safe web URLs.

Everything shown comes from documents nobody here controls, so a URL is only
ever emitted when it is plain ``http(s)``; a ``javascript:`` or ``data:``
URL in a source row becomes no link at all.

Examples
--------
>>> edgar_url("0001045810-24-000029", cik="1045810")
'https://www.sec.gov/Archives/edgar/data/1045810/000104581024000029/0001045810-24-000029-index.htm'
>>> safe_url("javascript:alert(1)") is None
True
>>> source_url({"url": None, "accession": "0000320193-24-000123", "cik": None})
'https://www.sec.gov/Archives/edgar/data/320193/000032019324000123/0000320193-24-000123-index.htm'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

__all__ = ["edgar_url", "safe_url", "source_url"]

_ACCESSION = re.compile(r"^(\d{10})-?(\d{2})-?(\d{6})$")


def edgar_url(accession: str, cik: str | None = None) -> str | None:
    """The EDGAR filing index page of ``accession``.

    EDGAR files a filing under the filer's CIK; when ``cik`` is unknown the
    accession's first ten digits (the filer agent, usually the company
    itself) stand in.
    """
    m = _ACCESSION.match(accession.strip())
    if not m:
        return None
    dashed = f"{m[1]}-{m[2]}-{m[3]}"
    folder = int(cik) if cik and str(cik).isdigit() else int(m[1])
    return f"https://www.sec.gov/Archives/edgar/data/{folder}/{m[1]}{m[2]}{m[3]}/{dashed}-index.htm"


def safe_url(url: Any) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host, else None."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(c in text for c in "\"'<>` \n\r\t"):
        return None
    return text


def source_url(source: Mapping[str, Any]) -> str | None:
    """The best link for a ``sources`` row: its URL, else its EDGAR filing."""
    url = safe_url(source.get("url"))
    if url:
        return url
    accession = source.get("accession")
    if isinstance(accession, str) and accession:
        cik = source.get("cik")
        return edgar_url(accession, cik if isinstance(cik, str) else None)
    return None
