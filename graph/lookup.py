"""Find a node from what a user types: an id, ticker, CIK, name or alias.

This is for lookups at the command line, where the user knows what they
mean, so names compare by the loose :func:`~chainshock.graph.names.lookup_key`;
:mod:`chainshock.graph.resolve` handles names found in documents.

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
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from chainshock.errors import NotFoundError

from .names import lookup_key
from .records import NodeRecord, node_records

if TYPE_CHECKING:
    from .snapshot import Snapshot

__all__ = ["resolve_node"]

_EXCHANGE_SUFFIX = re.compile(
    r"([a-z0-9]+)\.(ks|kq|tw|two|t|hk|ss|sz|pa|l|de|as|sw|mi|to|ax|si|ns|bo)"
)

def _frame_records(nodes: Snapshot | pd.DataFrame) -> Iterable[NodeRecord]:
    if isinstance(nodes, pd.DataFrame):
        return node_records(nodes).values()
    return nodes.node_records().values()


def _keys(node: NodeRecord) -> Iterable[tuple[int, str]]:
    """(priority, key) pairs a node answers to; lower priority wins."""
    yield 0, node.id.lower()
    yield 1, node.id.split(":", 1)[-1].lower()
    if node.ticker:
        t = node.ticker.lower()
        yield 1, t
        yield 2, t.split(".")[0]
    if node.cik:
        yield 1, node.cik.lstrip("0")
    yield 2, node.name.lower()
    yield 3, lookup_key(node.name)
    for alias in node.aliases:
        yield 2, alias.lower()
        yield 3, lookup_key(alias)


def resolve_node(nodes: Snapshot | pd.DataFrame, text: str, labels: Iterable[str] | None = None) -> str:
    """The id of the node ``text`` names.

    Parameters
    ----------
    nodes : Snapshot or DataFrame
        The snapshot (its decoded node records are reused), or a ``nodes``
        table.
    text : str
        An id (``company:nvidia``), ticker (``NVDA``), CIK, name or alias.
    labels : iterable of str, optional
        Only consider nodes with these labels.

    Returns
    -------
    str
        The node's id. An exact id, ticker or CIK wins over a name, a name
        over an alias, and a unique substring is accepted last.

    Raises
    ------
    NotFoundError
        ``no company matches 'X'; did you mean ...``, or ``'X' is ambiguous``.

    Examples
    --------
    >>> from chainshock.graph.examples import example_snapshot
    >>> snap = example_snapshot()
    >>> resolve_node(snap, "MEMC"), resolve_node(snap, "ChipCo Technology"), resolve_node(snap, "cloud")
    ('company:memco', 'company:chipco', 'company:cloudco')
    >>> resolve_node(snap, "chipko")
    Traceback (most recent call last):
    ...
    chainshock.errors.NotFoundError: no company matches 'chipko'; did you mean 'ChipCo Technology, Inc.'?
    """
    wanted = set(labels) if labels is not None else None
    query = text.strip().lower()
    digits = query.lstrip("0") if query.isdigit() else None
    # "000660.KS", "2330.TW", "SU.PA": a ticker with its exchange suffix names the bare ticker too
    listed = _EXCHANGE_SUFFIX.fullmatch(query)
    bare = listed.group(1) if listed else None
    norm = lookup_key(text)
    best: tuple[int, list[str]] = (99, [])
    names: dict[str, str] = {}
    for node in _frame_records(nodes):
        if wanted is not None and node.label not in wanted:
            continue
        names[node.id] = node.name
        for priority, key in _keys(node):
            if key and (key in (query, digits, norm) or (bare is not None and priority == 1 and key == bare)):
                if priority < best[0]:
                    best = (priority, [node.id])
                elif priority == best[0] and node.id not in best[1]:
                    best[1].append(node.id)
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
