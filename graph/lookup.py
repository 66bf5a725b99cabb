"""Find a node from what a user types: an id, ticker, CIK, name or alias.

This is for lookups at the command line, where the user knows what they
mean; :mod:`chainshock.graph.resolve` handles names found in documents.

Examples
--------
>>> import pandas as pd
>>> nodes = pd.DataFrame([
...     {"id": "company:sk-hynix", "label": "Company", "name": "SK hynix", "roles": ["memory_producer"],
...      "ticker": "000660.KS", "cik": None, "properties": '{"aliases": ["SK Hynix Inc."]}'},
... ])
>>> resolve_node(nodes, "sk hynix")
'company:sk-hynix'
>>> resolve_node(nodes, "000660")
'company:sk-hynix'
>>> resolve_node(nodes.assign(ticker="000660"), "000660.KS")  # an exchange suffix on a bare ticker
'company:sk-hynix'
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from chainshock.errors import NotFoundError

__all__ = ["normalise_name", "resolve_node"]

_SUFFIXES = re.compile(
    r"\b(incorporated|inc|corp|corporation|co|company|ltd|limited|plc|holdings?|group|"
    r"technology|technologies|electronics|platforms|the|sa|se|ag|nv|llc|lp)\b"
)


_EXCHANGE_SUFFIX = re.compile(
    r"([a-z0-9]+)\.(ks|kq|tw|two|t|hk|ss|sz|pa|l|de|as|sw|mi|to|ax|si|ns|bo)"
)


def normalise_name(name: str) -> str:
    """Lowercase, drop punctuation and legal suffixes.

    >>> normalise_name("Micron Technology, Inc.")
    'micron'
    """
    text = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("&", " and "))
    text = _SUFFIXES.sub(" ", text)
    return " ".join(text.split())


def _frame(nodes: Any) -> pd.DataFrame:
    return nodes.nodes if hasattr(nodes, "nodes") and isinstance(nodes.nodes, pd.DataFrame) else nodes


def _keys(row: Any) -> Iterable[tuple[int, str]]:
    """(priority, key) pairs a row answers to; lower priority wins."""
    yield 0, row.id.lower()
    yield 1, row.id.split(":", 1)[-1].lower()
    if isinstance(row.ticker, str) and row.ticker:
        t = row.ticker.lower()
        yield 1, t
        yield 2, t.split(".")[0]
    if isinstance(row.cik, str) and row.cik:
        yield 1, row.cik.lstrip("0")
    yield 2, row.name.lower()
    yield 3, normalise_name(row.name)
    props = json.loads(row.properties) if isinstance(row.properties, str) else {}
    for alias in props.get("aliases", []) or []:
        yield 2, str(alias).lower()
        yield 3, normalise_name(str(alias))


def resolve_node(nodes: Any, text: str, labels: Iterable[str] | None = None) -> str:
    """The id of the node ``text`` names.

    Parameters
    ----------
    nodes : DataFrame or Snapshot
        The snapshot's ``nodes`` table (or the snapshot).
    text : str
        An id (``company:nvidia``), ticker (``NVDA``), CIK, name or alias.
    labels : iterable of str, optional
        Only consider nodes with these labels.

    Raises
    ------
    NotFoundError
        ``no company matches 'X'; did you mean ...``.
    """
    frame = _frame(nodes)
    if labels is not None:
        frame = frame[frame["label"].isin(list(labels))]
    query = text.strip().lower()
    digits = query.lstrip("0") if query.isdigit() else None
    # "000660.KS", "2330.TW", "SU.PA": a ticker with its exchange suffix names the bare ticker too
    listed = _EXCHANGE_SUFFIX.fullmatch(query)
    bare = listed.group(1) if listed else None
    norm = normalise_name(text)
    best: tuple[int, list[str]] = (99, [])
    names: dict[str, str] = {}
    for row in frame.itertuples(index=False):
        names[row.id] = row.name
        for priority, key in _keys(row):
            if key and (key in (query, digits, norm) or (bare is not None and priority == 1 and key == bare)):
                if priority < best[0]:
                    best = (priority, [row.id])
                elif priority == best[0] and row.id not in best[1]:
                    best[1].append(row.id)
    if len(best[1]) == 1:
        return best[1][0]
    kind = "company" if labels is None or set(labels) == {"Company"} else "node"
    if len(best[1]) > 1:
        options = ", ".join(sorted(best[1]))
        raise NotFoundError(f"'{text}' is ambiguous: it matches {options}; use an id")
    # a unique substring match is what people expect from "hynix" or "talen"
    contains = [i for i, n in names.items() if query and (query in n.lower() or query in i)]
    if len(contains) == 1:
        return contains[0]
    lowered = {n.lower(): n for n in names.values()}
    lowered.update({i.split(":", 1)[-1]: names[i] for i in names})
    close = [lowered[c] for c in difflib.get_close_matches(query, list(lowered), n=3, cutoff=0.6)]
    close += [names[i] for i in contains[:3] if names[i] not in close]
    hint = f"; did you mean {', '.join(repr(c) for c in dict.fromkeys(close))}?" if close else \
        "; `chainshock info` counts what the graph holds, `chainshock cypher --list` shows queries to list it"
    raise NotFoundError(f"no {kind} matches '{text}'{hint}")
