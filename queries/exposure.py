"""Index exposure: company earnings shocks times index weights.

With price-to-earnings held constant, a company's share price moves by its
earnings change ``Δe_c / e_c``, and an index moves by the weighted sum over
its constituents::

    ΔI = Σ_c w_c · Δe_c / e_c

Cap weighting uses the index's published weights; equal weighting gives
every member ``1 / N``. Constituents whose earnings change is unknown count
as zero and lower ``coverage`` (the weight the answer rests on).

Examples
--------
>>> w = np.array([[0.2, 0.1]])                       # one index, two companies
>>> change = np.array([[-0.05, -0.04], [0.20, 0.12]])  # (companies, draws)
>>> known = np.array([True, True])
>>> d, cov = index_change(w, change, known)
>>> d.round(4).tolist(), cov.round(3).tolist()
([[0.01, 0.004]], [0.3])
"""

from __future__ import annotations

import numpy as np

__all__ = ["equal_weights", "index_change"]


def index_change(
    weights: np.ndarray, change: np.ndarray, known: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Index changes per draw, and the weight covered.

    Parameters
    ----------
    weights : ndarray, shape (I, C)
        Weight of company ``c`` in index ``i`` (fractions).
    change : ndarray, shape (C, D)
        Earnings change per company and draw (fractions).
    known : ndarray of bool, shape (C,)
        Whether the company's earnings change could be computed.

    Returns
    -------
    change : ndarray, shape (I, D)
    coverage : ndarray, shape (I,)
    """
    filled = np.where(known[:, None], change, 0.0)
    return weights @ filled, weights @ known.astype(float)


def equal_weights(members: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``1/N`` for each index's members (``members`` is a 0/1 (I, C) matrix).

    >>> equal_weights(np.array([[1, 1, 0]]), np.array([500])).tolist()
    [[0.002, 0.002, 0.0]]
    """
    return members / np.asarray(count, dtype=float)[:, None]
