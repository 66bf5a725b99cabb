"""Demand-pull: where a change in hyperscaler capex lands as revenue.

The quantity model of input-output analysis::

    Δx = A·Δx + Δd      =>   Δx = (I − A)⁻¹ Δd

with ``A`` the same value-share matrix as the price model (``A[i, j]`` =
share of ``j``'s spending that goes to ``i``; a product's sales split over its
producers by market share). Capex enters as final demand at the suppliers
the hyperscalers spend it with: ``Δd_i = Σ_j capex_share[i, j] · Δcapex_j``
from ``SUPPLIES`` edges carrying a ``capex_share``.

References
----------
Miller and Blair (2009), *Input-Output Analysis*, 2nd ed., section 2.3.

Examples
--------
>>> # hyperscaler 0 spends 60% of capex with server maker 1, which buys 70% from chip maker 2
>>> rows, cols = np.array([2]), np.array([1])
>>> V = np.array([[0.7]])
>>> dx, dd = demand_pull(rows, cols, V, np.array([1]), np.array([0]), np.array([[0.6]]),
...                      np.array([[100.0], [0.0], [0.0]]))
>>> dx[:, 0].tolist(), dd[:, 0].tolist()
([0.0, 60.0, 42.0], [0.0, 60.0, 0.0])
"""

from __future__ import annotations

import numpy as np

from .propagation import neumann_draws, scatter_matrix

__all__ = ["demand_pull", "final_demand"]


def final_demand(
    capex_rows: np.ndarray, capex_cols: np.ndarray, capex_shares: np.ndarray, dcapex: np.ndarray
) -> np.ndarray:
    """``Δd_i = Σ_j capex_share[i, j]·Δcapex_j`` for every draw.

    ``capex_shares`` is (C, D), ``dcapex`` (n, D); the result (n, D).
    """
    n = dcapex.shape[0]
    if capex_rows.size == 0:
        return np.zeros_like(dcapex, dtype=float)
    G = scatter_matrix(capex_rows, n)
    return np.asarray(G @ (capex_shares * dcapex[capex_cols]))


def demand_pull(
    rows: np.ndarray,
    cols: np.ndarray,
    V: np.ndarray,
    capex_rows: np.ndarray,
    capex_cols: np.ndarray,
    capex_shares: np.ndarray,
    dcapex: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Output change ``Δx`` and direct final demand ``Δd`` per node and draw.

    Parameters
    ----------
    rows, cols : ndarray, shape (E,)
        Entry ``e`` is ``A[rows[e], cols[e]]``.
    V : ndarray, shape (E, D)
        Entry values per draw.
    capex_rows, capex_cols : ndarray, shape (C,)
        Capex edge ``c``: supplier ``capex_rows[c]`` gets ``capex_shares[c]``
        of buyer ``capex_cols[c]``'s capex.
    capex_shares : ndarray, shape (C, D)
    dcapex : ndarray, shape (n, D)
        Capex change (USD) per buyer and draw.
    """
    n = dcapex.shape[0]
    dd = final_demand(capex_rows, capex_cols, capex_shares, dcapex)
    # x_i = d_i + Σ_j A[i, j] x_j: entry e reads the buyer cols[e] and adds to rows[e]
    dx = neumann_draws(cols, scatter_matrix(rows, n), V, dd)
    return dx, dd
