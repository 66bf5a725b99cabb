"""Time: quarters, fixed-price contract shields, lags and the quarterly path.

A fixed-price contract (an LTA or PPA with ``price_terms: fixed``) covering
product ``P`` for buyer ``B`` shields ``fixed_share`` of B's purchases of P
from a price rise while it is in force: the coefficients through which B
buys P (``USES`` B->P, and ``SUPPLIES`` edges into B for P that carry a cost
share) are multiplied by ``1 − fixed_share × coverage`` in each quarter, where
``coverage`` is the fraction of the quarter's days inside the contract's
``[start, end]``. Indexed and cost-plus contracts pass prices through and
change nothing. Several contracts on one input add up, to at most 100%.

Lags: the buyer's cost in quarter ``q`` follows the input's price in quarter
``q − lag``. The path solves, quarter by quarter,

    Δp_q = s_q + Σ_{lag ≥ 1} M_q,lag Δp_{q−lag} + M_q,0 Δp_q

where ``M_q,lag`` holds the entries with that lag, shielded as in quarter q.

Examples
--------
>>> [q.label for q in quarters("2026Q3", 3)]
['2026Q3', '2026Q4', '2027Q1']
>>> import datetime as dt
>>> round(coverage(quarters("2026Q1", 1)[0], None, dt.date(2026, 2, 14)), 3)
0.5
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from chainshock.errors import ScenarioError

from .matrices import KIND_CODES, ContractTerm, System
from .propagation import neumann_draws, scatter_matrix

__all__ = [
    "Quarter",
    "Shields",
    "cost_change",
    "coverage",
    "current_quarter",
    "parse_quarter",
    "quarterly_path",
    "quarters",
    "seller_charges",
    "shields",
]

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True)
class Quarter:
    label: str
    start: dt.date
    end: dt.date  # last day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def parse_quarter(text: str) -> tuple[int, int]:
    """``"2026Q1"`` -> ``(2026, 1)``.

    >>> parse_quarter("2027-q4")
    (2027, 4)
    """
    m = _QUARTER.match(str(text).strip())
    if not m:
        raise ScenarioError(f"quarter {text!r} is not of the form 2026Q1")
    return int(m.group(1)), int(m.group(2))


def current_quarter(today: dt.date | None = None) -> str:
    """The quarter ``today`` falls in, e.g. ``"2026Q4"``."""
    today = today or dt.date.today()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def quarters(start: str, horizon: int) -> list[Quarter]:
    """``horizon`` consecutive calendar quarters from ``start``."""
    year, q = parse_quarter(start)
    out = []
    for _ in range(horizon):
        first = dt.date(year, 3 * q - 2, 1)
        nxt = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
        out.append(Quarter(f"{year}Q{q}", first, nxt - dt.timedelta(days=1)))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def coverage(q: Quarter, start: dt.date | None, end: dt.date | None) -> float:
    """The fraction of the quarter's days inside ``[start, end]`` (open ends are unbounded)."""
    lo = max(q.start, start) if start else q.start
    hi = min(q.end, end) if end else q.end
    return max(0, (hi - lo).days + 1) / q.days


@dataclass(frozen=True)
class Shields:
    """Which entries each fixed-price term shields, and how much of each quarter.

    Attributes
    ----------
    terms : list of ContractTerm
        The fixed-price terms that shield at least one entry.
    entry_map : csr_matrix, shape (E, T)
        1 where term t covers entry e.
    cover : ndarray, shape (Q, T)
        Fraction of quarter q the term is in force.
    idle : list of ContractTerm
        Fixed-price terms with no coefficient to shield (the buyer has no
        cost share for the product in the graph).
    """

    terms: list[ContractTerm]
    entry_map: sp.csr_matrix
    cover: np.ndarray
    idle: list[ContractTerm]

    def multipliers(self, fixed_share: np.ndarray, q: int) -> np.ndarray:
        """``1 − min(1, Σ_t fixed_share_t · cover[q, t])`` per entry and draw.

        ``fixed_share`` has shape (T, D); the result (E, D).
        """
        if not self.terms:
            return np.ones((self.entry_map.shape[0], fixed_share.shape[1]))
        shielded = self.entry_map @ (self.cover[q][:, None] * fixed_share)
        return 1.0 - np.minimum(1.0, np.asarray(shielded))


def shields(system: System, terms: Sequence[ContractTerm], qs: Sequence[Quarter]) -> Shields:
    """Map fixed-price contract terms onto the coefficients they shield."""
    fixed = [t for t in terms if t.price_terms == "fixed"]
    kept: list[ContractTerm] = []
    idle: list[ContractTerm] = []
    rows: list[int] = []
    cols: list[int] = []
    for t in fixed:
        b = system.index.get(t.buyer)
        hits = (
            np.flatnonzero(
                (system.cols == b)
                & (system.kinds != 2)
                & (np.array(system.products, dtype=object) == t.product)
            )
            if b is not None
            else np.array([], dtype=int)
        )
        if hits.size == 0:
            idle.append(t)
            continue
        rows.extend(hits.tolist())
        cols.extend([len(kept)] * hits.size)
        kept.append(t)
    E = len(system.rows)
    entry_map = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(E, len(kept)))
    cover = np.array([[coverage(q, t.start, t.end) for t in kept] for q in qs]).reshape(len(qs), len(kept))
    return Shields(kept, entry_map, cover, idle)


def seller_charges(system: System, sh: Shields, Q: int) -> list[sp.csr_matrix] | None:
    """Who forgoes what a fixed-price contract keeps a buyer from paying: the sellers it names.

    For each quarter a sparse ``(n, E)`` matrix ``R_q``: ``R_q[s, e]`` is the
    share of entry ``e``'s contract shortfall (what the buyer would have paid
    the product's market without the contract, less what it pays) charged to
    company ``s``. Only entries whose seller is a product (a market) are
    concerned; a term's shortfall goes to the producers of that product it
    names, split by their market shares; several terms on one entry share it
    by their base fixed shares in force that quarter. Terms naming no producer
    of the product in the graph leave it to the market (all producers by
    market share, in :func:`~chainshock.queries.ledger.price_ledger`).
    ``None`` when no term names a seller.
    """
    T, n, E = len(sh.terms), system.n, len(system.rows)
    if not T:
        return None
    is_product = np.array([lab == "Product" for lab in system.labels], dtype=bool)
    produces = system.kinds == KIND_CODES["PRODUCES"]
    t_idx: list[int] = []
    s_idx: list[int] = []
    s_val: list[float] = []
    for t, term in enumerate(sh.terms):
        p = system.index.get(term.product)
        if p is None:
            continue
        share = {int(system.rows[e]): float(system.base[e]) for e in np.flatnonzero(produces & (system.cols == p))}
        named = {system.index[s]: share[system.index[s]] for s in term.sellers if system.index.get(s) in share}
        total = sum(named.values())
        for k, w in named.items():
            t_idx.append(t)
            s_idx.append(k)
            s_val.append(w / total if total > 0 else 1.0 / len(named))
    if not t_idx:
        return None
    sellers = sp.csr_matrix((s_val, (t_idx, s_idx)), shape=(T, n))
    on_market = sp.diags(is_product[system.rows].astype(float)) if E else sp.csr_matrix((0, 0))
    base = np.array([t.fixed_share[1] for t in sh.terms], dtype=float)
    out = []
    for q in range(Q):
        W = sp.csr_matrix(sh.entry_map.multiply(base * sh.cover[q][None, :]))
        tot = np.asarray(W.sum(axis=1)).ravel()
        W = sp.diags(np.where(tot > 0, 1.0 / np.where(tot > 0, tot, 1.0), 0.0)) @ W
        out.append(sp.csr_matrix((on_market @ W @ sellers).T))
    return out


def quarterly_path(
    rows: np.ndarray,
    cols: np.ndarray,
    lags: np.ndarray,
    W: np.ndarray,
    S: np.ndarray,
    multipliers: Sequence[np.ndarray] | None,
    n: int,
) -> np.ndarray:
    """Price changes quarter by quarter, with lags and time-varying shields.

    Parameters
    ----------
    rows, cols, lags : ndarray, shape (E,)
        Entry ``e`` passes ``W[e]`` of ``rows[e]``'s change, ``lags[e]``
        quarters later, to ``cols[e]``... as the buyer index of ``M``.
    W : ndarray, shape (E, D)
        ``θ_buyer · A_entry`` per draw.
    S : ndarray, shape (Q, n, D)
        Exogenous shock per quarter.
    multipliers : list of (E, D) arrays, one per quarter, or None
        Contract shields (1 = unshielded).

    Returns
    -------
    ndarray, shape (Q, n, D)

    Examples
    --------
    >>> # 0 -> 1 with one quarter's lag, half passed on
    >>> S = np.zeros((3, 2, 1)); S[:, 0, 0] = 0.1
    >>> P = quarterly_path(np.array([0]), np.array([1]), np.array([1]), np.array([[0.5]]), S, None, 2)
    >>> P[:, 1, 0].round(3).tolist()
    [0.0, 0.05, 0.05]
    """
    Q = S.shape[0]
    P = np.zeros_like(S, dtype=float)
    groups = {int(lag): np.flatnonzero(lags == lag) for lag in np.unique(lags)}
    scatters = {lag: scatter_matrix(cols[idx], n) for lag, idx in groups.items()}
    for q in range(Q):
        Wq = W if multipliers is None else W * multipliers[q]
        rhs = np.array(S[q], dtype=float, copy=True)
        for lag, idx in groups.items():
            if lag == 0 or q - lag < 0:
                continue
            rhs += scatters[lag] @ (Wq[idx] * P[q - lag][rows[idx]])
        if 0 in groups:
            idx = groups[0]
            P[q] = neumann_draws(rows[idx], scatters[0], Wq[idx], rhs)
        else:
            P[q] = rhs
    return P


def cost_change(
    rows: np.ndarray,
    cols: np.ndarray,
    lags: np.ndarray,
    V: np.ndarray,
    P: np.ndarray,
    multipliers: Sequence[np.ndarray] | None,
    n: int,
    q: int,
) -> np.ndarray:
    """The change of each buyer's unit cost in quarter ``q``: ``Σ_i A_q[i, j]·Δp_{q−lag}[i]``.

    Same arguments as :func:`quarterly_path` with ``V`` the entry values
    (no pass-through) and ``P`` its result; returns (n, D).

    >>> P = np.array([[[0.1], [0.0]], [[0.1], [0.0]]])
    >>> cost_change(np.array([0]), np.array([1]), np.array([1]), np.array([[0.5]]), P, None, 2, 1)[:, 0].tolist()
    [0.0, 0.05]
    """
    out = np.zeros(P.shape[1:], dtype=float)
    Vq = V if multipliers is None else V * multipliers[q]
    for lag in np.unique(lags):
        if q - lag < 0:
            continue
        idx = np.flatnonzero(lags == lag)
        out += scatter_matrix(cols[idx], n) @ (Vq[idx] * P[q - int(lag)][rows[idx]])
    return out
