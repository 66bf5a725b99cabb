"""Snapshot tables -> the arrays the propagation models run on.

The price-carrying nodes are Companies and Products. Each coefficient of
``A`` is one *entry*. The graph stores shares of the buyer's *cost*
(``cost_share``); :func:`value_terms` turns them into the value-terms
coefficients of the price model (``A[i, j]`` = dollars ``j`` spends on ``i``
per dollar of ``j``'s revenue) with each buyer's cost-to-revenue ratio. Each
entry is kept in coordinate form with its low/base/high
range, its lag and the edge it comes from, so Monte Carlo can redraw every
range and contracts can scale single entries over time:

- ``USES`` company -> product gives ``A[product, company] = cost_share``;
- ``SUPPLIES`` supplier -> buyer with a ``cost_share`` gives ``A[supplier, buyer]``;
- ``PRODUCES`` company -> product gives ``A[company, product] = market_share``
  (a product's price is the share-weighted price of its producers);
- ``SUPPLIES`` with a ``product`` and no ``cost_share`` is a *sourcing* edge:
  no coefficient, but it names who the buyer sources the product from.

Pass-through ``Θ`` is 1 for products, the company's ``pass_through``
Estimate, or a default by role (:data:`DEFAULT_PASS_THROUGH`); consumer
segments are final buyers with ``Θ = 0``.

Everything here is a pure function of the snapshot tables.

Examples
--------
>>> import pandas as pd
>>> nodes = pd.DataFrame({"id": ["company:a", "product:x"], "label": ["Company", "Product"],
...     "name": ["A", "X"], "roles": [["server_maker"], []],
...     "properties": ['{}', '{"category":"dram"}']})
>>> share = '{"cost_share":{"low":0.1,"base":0.2,"high":0.3,"basis":"b","estimate":true}}'
>>> edges = pd.DataFrame({"id": ["e1"], "type": ["USES"], "source": ["company:a"],
...     "target": ["product:x"], "product": [None], "properties": [share]})
>>> system = build_system(nodes, edges)
>>> system.ids
('company:a', 'product:x')
>>> system.coefficients("base").toarray()
array([[0. , 0. ],
       [0.2, 0. ]])
>>> float(system.theta_base[0]), float(system.theta_base[1])
(0.9, 1.0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from chainshock.graph.records import decode_estimate, decode_json

__all__ = [
    "DEFAULT_LAG",
    "DEFAULT_PASS_THROUGH",
    "ContractTerm",
    "Sourcing",
    "System",
    "build_system",
    "contract_terms",
    "value_terms",
]

# Default pass-through by role when a company has no ``pass_through``
# Estimate: chainshock's own judgement, not a cited figure, so it is a wide
# range and every run lists it under ``assumptions``. Reasons: server makers
# and utilities price cost-plus or under regulated pass-through; memory,
# foundries and industrials have pricing power in a tight market; clouds,
# software and device makers keep list prices sticky within a year.
DEFAULT_PASS_THROUGH: dict[str, tuple[float, float, float]] = {
    "memory_producer": (0.7, 0.9, 1.0),
    "foundry": (0.6, 0.8, 1.0),
    "packaging": (0.6, 0.8, 1.0),
    "chip_designer": (0.5, 0.7, 0.9),
    "server_maker": (0.7, 0.9, 1.0),
    "hyperscaler": (0.1, 0.3, 0.5),
    "neocloud": (0.3, 0.5, 0.7),
    "software": (0.1, 0.3, 0.5),
    "ai_lab": (0.1, 0.3, 0.5),
    "device_maker": (0.3, 0.5, 0.8),
    "industrial": (0.6, 0.8, 1.0),
    "utility": (0.7, 0.9, 1.0),
    "consumer_segment": (0.0, 0.0, 0.0),
}
_FALLBACK_PASS_THROUGH = (0.3, 0.5, 0.7)

# Default lag in quarters by relationship kind, when an edge has no
# ``lag_quarters``: a product's price follows its producers at once; a buyer's
# unit cost follows its inputs one quarter later (inventory, quarterly price
# resets of memory and component contracts).
DEFAULT_LAG: dict[str, int] = {"PRODUCES": 0, "USES": 1, "SUPPLIES": 1}

KIND_CODES = {"USES": 0, "SUPPLIES": 1, "PRODUCES": 2}


@dataclass(frozen=True)
class Sourcing:
    """A SUPPLIES edge with a product and no cost share: who a buyer sources from."""

    edge: str
    supplier: str
    buyer: str
    product: str


@dataclass(frozen=True)
class ContractTerm:
    """One fixed-price coverage: a buyer's purchases of a product under a contract."""

    contract: str
    name: str
    kind: str
    buyer: str
    sellers: tuple[str, ...]
    product: str
    price_terms: str
    fixed_share: tuple[float, float, float]
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class System:
    """The price system in arrays.

    Attributes
    ----------
    ids, labels, names, tiers : tuple
        One per price-carrying node, in matrix order.
    rows, cols : ndarray of int
        Entry ``e`` is the coefficient ``A[rows[e], cols[e]]``.
    low, base, high : ndarray of float
        The entry's range (equal when the source gives one number).
    lags : ndarray of int
        Quarters between the input's price change and the buyer's cost.
    kinds : ndarray of int8
        0 USES, 1 SUPPLIES, 2 PRODUCES (see ``KIND_CODES``).
    edge_ids, products : tuple of str
        The edge behind each entry, and the product bought (the row itself
        for USES, the edge's ``product`` for SUPPLIES, ``""`` otherwise).
    theta_low, theta_base, theta_high : ndarray
        Pass-through per node.
    theta_source : tuple of str
        Where each node's pass-through comes from.
    """

    ids: tuple[str, ...]
    labels: tuple[str, ...]
    names: tuple[str, ...]
    roles: tuple[tuple[str, ...], ...]
    categories: tuple[str | None, ...]
    rows: np.ndarray
    cols: np.ndarray
    low: np.ndarray
    base: np.ndarray
    high: np.ndarray
    lags: np.ndarray
    kinds: np.ndarray
    edge_ids: tuple[str, ...]
    products: tuple[str, ...]
    theta_low: np.ndarray
    theta_base: np.ndarray
    theta_high: np.ndarray
    theta_source: tuple[str, ...]
    sourcing: tuple[Sourcing, ...] = ()
    index: Mapping[str, int] = field(default_factory=dict)
    # capex entries: SUPPLIES supplier -> buyer with ``capex_share``
    capex_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    capex_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    capex_ranges: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    capex_edges: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return len(self.ids)

    def values(self, which: str) -> np.ndarray:
        """The entry values for ``"low"``, ``"base"`` or ``"high"``."""
        return {"low": self.low, "base": self.base, "high": self.high}[which]

    def coefficients(self, which: str = "base", values: np.ndarray | None = None) -> sp.csr_matrix:
        """``A`` as CSR (duplicates summed). ``values`` overrides the entry values."""
        v = self.values(which) if values is None else values
        return sp.csr_matrix((v, (self.rows, self.cols)), shape=(self.n, self.n))


def value_terms(system: System, ratio: np.ndarray) -> System:
    """Cost shares -> dollars per dollar of the buyer's revenue: ``A[i, j] = share[i, j] · cost_j / revenue_j``.

    ``ratio`` holds each node's cost-to-revenue ratio (1 for products and
    consumer segments). ``PRODUCES`` entries (a producer's share of a
    product's market) are already shares of value and stay as they are.

    >>> import pandas as pd
    >>> nodes = pd.DataFrame({"id": ["company:a", "product:x"], "label": ["Company", "Product"],
    ...     "name": ["A", "X"], "roles": [["server_maker"], []], "properties": ['{}', '{}']})
    >>> edges = pd.DataFrame({"id": ["e"], "type": ["USES"], "source": ["company:a"], "target": ["product:x"],
    ...     "product": [None], "properties": ['{"cost_share": 0.5}']})
    >>> value_terms(build_system(nodes, edges), np.array([0.8, 1.0])).base.tolist()
    [0.4]
    """
    scale = np.where(system.kinds == KIND_CODES["PRODUCES"], 1.0, np.asarray(ratio, dtype=float)[system.cols])
    return replace(system, low=system.low * scale, base=system.base * scale, high=system.high * scale)


def _estimate(value: Any, where: str) -> tuple[float, float, float] | None:
    """(low, base, high) from an Estimate dict or a plain number."""
    est = decode_estimate(value, where)
    return est.triple() if est is not None else None


def _props(text: Any) -> dict[str, Any]:
    return decode_json(text)


def _role_theta(roles: tuple[str, ...]) -> tuple[tuple[float, float, float], str]:
    known = [r for r in roles if r in DEFAULT_PASS_THROUGH]
    if "consumer_segment" in known:
        return DEFAULT_PASS_THROUGH["consumer_segment"], "final buyer (consumer_segment): passes nothing on"
    if not known:
        return _FALLBACK_PASS_THROUGH, "chainshock default (no role default applies), estimate"
    # The lowest default among a company's roles: a firm that is both a
    # hyperscaler and a device maker prices like the stickier of the two.
    role = min(known, key=lambda r: DEFAULT_PASS_THROUGH[r][1])
    return DEFAULT_PASS_THROUGH[role], f"chainshock default for role {role}, estimate"


def build_system(nodes: pd.DataFrame, edges: pd.DataFrame) -> System:
    """Build the price system from the ``nodes`` and ``edges`` tables.

    Parameters
    ----------
    nodes, edges : DataFrame
        Snapshot tables (``properties`` as JSON strings).

    Returns
    -------
    System
    """
    from chainshock.graph.schema import tier_of

    price_nodes = nodes[nodes["label"].isin(["Company", "Product"])]
    ids = tuple(str(i) for i in price_nodes["id"])
    index = {node_id: k for k, node_id in enumerate(ids)}
    labels = tuple(str(x) for x in price_nodes["label"])
    names = tuple(str(x) for x in price_nodes["name"])
    roles: list[tuple[str, ...]] = []
    categories: list[str | None] = []
    theta = np.zeros((3, len(ids)))
    theta_source: list[str] = []
    for k, row in enumerate(price_nodes.itertuples(index=False)):
        props = _props(row.properties)
        raw_roles: Any = row.roles
        r = tuple(str(x) for x in (raw_roles if raw_roles is not None else ()))
        roles.append(r)
        categories.append(props.get("category"))
        if row.label == "Product":
            theta[:, k] = 1.0
            theta_source.append("product: passes its producers' price on in full")
            continue
        if "consumer_segment" in r:
            theta[:, k] = 0.0
            theta_source.append("final buyer (consumer_segment): passes nothing on")
            continue
        est = _estimate(props.get("pass_through"), f"{row.id} pass_through")
        if est is not None:
            theta[:, k] = est
            basis = props["pass_through"].get("basis", "") if isinstance(props["pass_through"], Mapping) else ""
            theta_source.append(f"curated estimate: {basis}".strip())
        else:
            est, why = _role_theta(r)
            theta[:, k] = est
            theta_source.append(why)
    tuple(
        tier_of(lab, rr, cat) for lab, rr, cat in zip(labels, roles, categories, strict=True)
    )

    rows: list[int] = []
    cols: list[int] = []
    ranges: list[tuple[float, float, float]] = []
    lags: list[int] = []
    kinds: list[int] = []
    edge_ids: list[str] = []
    products: list[str] = []
    sourcing: list[Sourcing] = []
    capex: list[tuple[int, int, tuple[float, float, float], str]] = []
    for e in edges[edges["type"].isin(list(KIND_CODES))].itertuples(index=False):
        props = _props(e.properties)
        src, dst, etype = str(e.source), str(e.target), str(e.type)
        if src not in index or dst not in index:
            continue
        if etype == "USES":
            share = _estimate(props.get("cost_share"), f"{e.id} cost_share")
            if share is None:
                continue
            i, j, product = index[dst], index[src], dst
        elif etype == "SUPPLIES":
            capex_share = _estimate(props.get("capex_share"), f"{e.id} capex_share")
            if capex_share is not None:
                capex.append((index[src], index[dst], capex_share, str(e.id)))
            share = _estimate(props.get("cost_share"), f"{e.id} cost_share")
            product = str(props.get("product") or "")
            if share is None:
                if product:
                    sourcing.append(Sourcing(str(e.id), src, dst, product))
                continue
            i, j = index[src], index[dst]
        else:  # PRODUCES
            share = _estimate(props.get("market_share"), f"{e.id} market_share")
            if share is None:
                continue
            i, j, product = index[src], index[dst], ""
        lag = props.get("lag_quarters")
        rows.append(i)
        cols.append(j)
        ranges.append(share)
        lags.append(int(lag) if lag is not None else DEFAULT_LAG[etype])
        kinds.append(KIND_CODES[etype])
        edge_ids.append(str(e.id))
        products.append(product)
    rng = np.array(ranges, dtype=float).reshape(-1, 3)
    return System(
        ids=ids,
        labels=labels,
        names=names,
        roles=tuple(roles),
        categories=tuple(categories),
        rows=np.array(rows, dtype=np.int64),
        cols=np.array(cols, dtype=np.int64),
        low=rng[:, 0].copy(),
        base=rng[:, 1].copy(),
        high=rng[:, 2].copy(),
        lags=np.array(lags, dtype=np.int64),
        kinds=np.array(kinds, dtype=np.int8),
        edge_ids=tuple(edge_ids),
        products=tuple(products),
        theta_low=theta[0].copy(),
        theta_base=theta[1].copy(),
        theta_high=theta[2].copy(),
        theta_source=tuple(theta_source),
        sourcing=tuple(sourcing),
        index=index,
        capex_rows=np.array([c[0] for c in capex], dtype=np.int64),
        capex_cols=np.array([c[1] for c in capex], dtype=np.int64),
        capex_ranges=np.array([c[2] for c in capex], dtype=float).reshape(-1, 3),
        capex_edges=tuple(c[3] for c in capex),
    )


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def contract_terms(nodes: pd.DataFrame, edges: pd.DataFrame) -> list[ContractTerm]:
    """Every (contract, buyer, product) coverage from Contract, PARTY_TO and COVERS.

    A buyer is a party with role ``buyer`` or ``offtaker``; a seller has role
    ``seller`` or ``supplier``. Coverages of every price term are returned;
    only ``fixed`` ones shield (see :mod:`chainshock.queries.contracts`).
    """
    contracts = nodes[nodes["label"] == "Contract"]
    if contracts.empty:
        return []
    party = edges[edges["type"] == "PARTY_TO"]
    covers = edges[edges["type"] == "COVERS"]
    parties: dict[str, list[tuple[str, str]]] = {}
    for e in party.itertuples(index=False):
        role = str(_props(e.properties).get("role", "")).lower()
        parties.setdefault(str(e.target), []).append((str(e.source), role))
    terms: list[ContractTerm] = []
    for c in contracts.itertuples(index=False):
        props = _props(c.properties)
        cid = str(c.id)
        buyers = sorted(p for p, role in parties.get(cid, []) if role in ("buyer", "offtaker"))
        sellers = tuple(sorted(p for p, role in parties.get(cid, []) if role in ("seller", "supplier")))
        for cov in covers[covers["source"] == cid].itertuples(index=False):
            cprops = _props(cov.properties)
            share = _estimate(cprops.get("fixed_share"), f"{cov.id} fixed_share") or (1.0, 1.0, 1.0)
            for buyer in buyers:
                terms.append(
                    ContractTerm(
                        contract=cid,
                        name=str(c.name),
                        kind=str(props.get("kind", "")),
                        buyer=buyer,
                        sellers=sellers,
                        product=str(cov.target),
                        price_terms=str(cprops.get("price_terms", "indexed")),
                        fixed_share=share,
                        start=_date(props.get("start")),
                        end=_date(props.get("end")),
                    )
                )
    return terms
