"""Does a quote name a party? Text matching for the evidence audit (pure functions).

A quote proves an edge only when it names the parties the edge needs
(:mod:`chainshock.graph.audit`); this module holds how names are matched:
:func:`normalise` (entities, NFKC, quotes, spaces, case),
:func:`quote_in_text` (a quote found verbatim in a document, ellipses
allowed), :func:`name_variants` (corporate suffixes dropped),
:func:`names_party` and :func:`country_party`. All are re-exported by
:mod:`chainshock.graph.audit`.

Examples
--------
>>> p = Party(id="company:nvidia", names=("NVIDIA Corporation", "NVIDIA"), ticker="NVDA", cik="1045810")
>>> names_party("NVIDIA buys HBM from SK hynix.", p, own_source=False)
True
>>> quote_in_text("buys  HBM &amp; DRAM", "NVIDIA buys HBM & DRAM from three suppliers.")
True
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Party", "country_party", "name_variants", "names_party", "normalise", "quote_in_text"]


_CORPORATE = re.compile(
    r"[,.]?\s+(?:inc|incorporated|corp|corporation|co|company|ltd|limited|plc|ag|se|sa|nv|n\.v|lp|llc|holdings|group|"
    r"co\.,?\s*ltd|technology|technologies|platforms|international)\.?$",
    re.IGNORECASE,
)
_SELF = re.compile(r"(?<![a-z0-9])(?:we|our|us|ours|the company)(?![a-z0-9])")
# US states and their abbreviations name the United States (incorporation, address).
_US_STATES = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
    "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine",
    "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska",
    "Nevada", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Tennessee", "Texas", "Utah", "Vermont", "Virginia",
    "Washington", "Wisconsin", "Wyoming", "New Hampshire", "New Jersey", "New Mexico", "New York",
    "North Carolina", "North Dakota", "Rhode Island", "South Carolina", "South Dakota", "West Virginia",
)

_US_STATE_CODES = tuple(
    ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"]
)


@dataclass(frozen=True)
class Party:
    """Who an endpoint is, in the words a quote may use for it."""

    id: str
    names: tuple[str, ...]
    ticker: str | None = None
    cik: str | None = None


def normalise(text: str) -> str:
    """Text as compared: entities decoded, NFKC, straight quotes, one space, lower case.

    >>> normalise("SK&nbsp;hynix’s  “HBM3E”\\n chips")
    'sk hynix\\'s "hbm3e" chips'
    """
    text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = (
        text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
        .replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-").replace("\u00ad", "")
        .replace("\u200b", "").replace("®", "").replace("™", "")
    )
    return " ".join(text.split()).casefold()


_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\])\s*")


def quote_in_text(quote: str, text: str) -> bool:
    """Whether ``quote`` appears verbatim in ``text`` (whitespace and entities normalised).

    An ellipsis in the quote ("..." or "…") stands for omitted words: each
    fragment must appear, in order. Tables rendered with other spacing or
    column rules also match when whitespace and ``|`` are ignored.

    >>> quote_in_text("revenue ... grew", "Our revenue in 2025 grew by 10%.")
    True
    >>> quote_in_text("grew ... revenue", "Our revenue in 2025 grew by 10%.")
    False
    """
    fragments = [normalise(f) for f in _ELLIPSIS.split(quote) if normalise(f)]
    if not fragments:
        return False
    body = normalise(text)
    if _in_order(fragments, body):
        return True
    squash = re.compile(r"[\s|]+")
    return _in_order([squash.sub("", f) for f in fragments], squash.sub("", body))


def _in_order(fragments: list[str], body: str) -> bool:
    pos = 0
    for frag in fragments:
        at = body.find(frag, pos)
        if at < 0:
            return False
        pos = at + len(frag)
    return True


def name_variants(names: Iterable[str]) -> list[str]:
    """Normalised ways of writing a name: as given, without parentheses, without the corporate suffix.

    >>> name_variants(["Micron Technology, Inc.", "SK hynix Inc. (SK Group)"])
    ['micron technology, inc', 'micron technology', 'micron', 'sk hynix inc. (sk group)', 'sk hynix inc', 'sk hynix']
    """
    out: list[str] = []

    def add(v: str) -> None:
        v = normalise(v).strip(" ,.;:")
        if len(v) >= 3 and v not in out:
            out.append(v)

    for name in names:
        if not name:
            continue
        out_before = normalise(name).strip(" ,.;:")
        if len(out_before) >= 3 and out_before not in out:
            out.append(out_before)
        bare = re.sub(r"\s*\([^)]*\)", "", name).strip()
        add(bare)
        prev = None
        while prev != bare:
            prev = bare
            bare = _CORPORATE.sub("", bare).strip()
            add(bare)
    return out


def names_party(quote: str, party: Party, own_source: bool) -> bool:
    """Whether ``quote`` names ``party`` (name, alias, ticker; "we"/"our" in its own source)."""
    text = normalise(quote)
    for v in name_variants(party.names):
        if re.search(r"(?<![a-z0-9])" + re.escape(v) + r"(?![a-z0-9])", text):
            return True
    for name in party.names:  # two-letter names ("HP") match in capitals only, like tickers
        short = (name or "").strip()
        if len(short) == 2 and short.isupper() and re.search(
            r"(?<![A-Za-z0-9])" + re.escape(short) + r"(?![A-Za-z0-9])", quote
        ):
            return True
    ticker = party.ticker or ""
    if len(ticker) >= 2 and re.search(r"(?<![A-Za-z0-9])" + re.escape(ticker) + r"(?![A-Za-z0-9])", quote):
        return True
    return bool(own_source and _SELF.search(text))


def country_party(node_id: str, name: str, iso: str | None, aliases: Iterable[str] = ()) -> Party:
    """A country as a party: its name, aliases and ISO code, and for the US its states.

    >>> names_party("Headquartered in Santa Clara, California", country_party("country:us", "United States", "US"), False)
    True
    """
    names: list[str] = [name, *aliases]
    if iso:
        names.append(iso.upper())
    if (iso or "").upper() in ("US", "USA"):
        names += ["United States", "U.S.", "USA", *_US_STATES, *_US_STATE_CODES]
    return Party(id=node_id, names=tuple(names), ticker=(iso or "").upper() or None)
