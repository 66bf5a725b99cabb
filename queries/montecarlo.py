"""Monte Carlo draws over every low/base/high range, vectorised.

Each range is drawn from a triangular distribution with its mode at
``base`` (the analyst's best guess) and its ends at ``low`` and ``high``;
draws are independent across ranges. Two constraints the graph enforces on
base values are kept in every draw: a buyer's cost shares add up to at most
1, and a product's producers' market shares add up to at most 1 — a draw
that breaks one is scaled down to exactly 1 (see ``docs/decisions.md``).

Draw 0 is always the base case, so a run with ``D`` draws holds ``D + 1``
columns and column 0 reproduces the ``--draws 0`` answer.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> x = triangular(np.array([0.0]), np.array([0.5]), np.array([1.0]), 10_000, rng)
>>> x.shape, bool(abs(x.mean() - 0.5) < 0.01)
((1, 10000), True)
>>> triangular(np.array([2.0]), np.array([2.0]), np.array([2.0]), 3, rng).tolist()
[[2.0, 2.0, 2.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .matrices import System

__all__ = ["Draws", "percentiles", "sample", "triangular"]


def triangular(
    low: np.ndarray, mode: np.ndarray, high: np.ndarray, draws: int, rng: np.random.Generator
) -> np.ndarray:
    """``len(low) × draws`` triangular draws by the inverse CDF (degenerate ranges allowed).

    Parameters
    ----------
    low, mode, high : array_like
        One range per row; ``low == high`` gives that value in every draw.
    draws : int
        Columns to draw.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray
        Shape ``(len(low), draws)``.

    Examples
    --------
    >>> x = triangular([0.1, 0.5], [0.2, 0.5], [0.4, 0.5], 10_000, np.random.default_rng(0))
    >>> x.shape, bool(x[0].min() >= 0.1 and x[0].max() <= 0.4), float(x[1].std())
    ((2, 10000), True, 0.0)
    >>> round(float(x[0].mean()), 2)    # the mean of a triangle: (0.1 + 0.2 + 0.4) / 3
    0.23
    """
    low, mode, high = (np.asarray(a, dtype=float)[:, None] for a in (low, mode, high))
    u = rng.random((low.shape[0], draws))
    width = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        cut = np.where(width > 0, (mode - low) / width, 0.5)
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(width > 0, np.where(u < cut, left, right), low + 0.0 * u)


@dataclass(frozen=True)
class Draws:
    """Sampled coefficients: column 0 is the base case."""

    values: np.ndarray  # (E, D+1) entry values of A
    theta: np.ndarray  # (n, D+1) pass-through
    rescaled: int  # draws in which some buyer's cost shares were scaled back to 1
    rescaled_market: int = 0  # draws in which some product's market shares were scaled back

    @property
    def columns(self) -> int:
        """Columns in all: the base case plus the draws."""
        return int(self.values.shape[1])


def _cap_totals(values: np.ndarray, groups: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Scale each group's column sums down to 1 where they exceed it.

    Returns the scaled values and an (n, D) mask of the (group, draw) pairs
    that were scaled.
    """
    totals = np.zeros((n, values.shape[1]))
    if values.shape[0] == 0:
        return values, totals.astype(bool)
    np.add.at(totals, groups, values)
    over = totals > 1.0 + 1e-12
    scale = np.where(over, 1.0 / np.maximum(totals, 1e-300), 1.0)
    return values * scale[groups], over


def sample(system: System, draws: int, seed: int | None) -> Draws:
    """Draw every cost share, market share and pass-through ``draws`` times.

    ``draws == 0`` gives the base case only (one column). A buyer whose
    drawn cost shares add up to more than 1 is scaled back to 1 in that draw
    (and counted in ``rescaled``), as is a product's market shares.

    Parameters
    ----------
    system : System
        The price system (:func:`chainshock.queries.matrices.build_system`).
    draws : int
        Monte Carlo draws.
    seed : int or None
        For the random generator; the same seed gives the same draws.

    Returns
    -------
    Draws
        Column 0 the base case, columns 1.. the draws.

    Examples
    --------
    >>> from chainshock.graph.examples import example_snapshot
    >>> from chainshock.queries.matrices import build_system
    >>> snap = example_snapshot()
    >>> d = sample(build_system(snap.nodes, snap.edges), 200, seed=1)
    >>> d.columns, d.values.shape[0] == len(snap.edges)
    (201, True)
    """
    base_v = system.base[:, None]
    base_t = system.theta_base[:, None]
    if draws <= 0:
        return Draws(base_v.copy(), base_t.copy(), 0)
    rng = np.random.default_rng(seed)
    v = triangular(system.low, system.base, system.high, draws, rng)
    t = np.clip(triangular(system.theta_low, system.theta_base, system.theta_high, draws, rng), 0, 1)
    # cost shares per buyer (USES + SUPPLIES) and market shares per product
    # (PRODUCES) are both "column j's inputs": the same cap applies.
    v, over = _cap_totals(v, system.cols, system.n)
    products = np.array([label == "Product" for label in system.labels], dtype=bool)
    return Draws(
        np.hstack([base_v, v]),
        np.hstack([base_t, t]),
        int(over[~products].any(axis=0).sum()),
        int(over[products].any(axis=0).sum()),
    )


def percentiles(x: np.ndarray, axis: int = -1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P5, P50, P95 over the draw columns (column 0, the base case, excluded).

    >>> x = np.array([[9.0, *range(1, 101)]])     # base case 9, then draws 1..100
    >>> [float(p[0]) for p in percentiles(x)]
    [5.95, 50.5, 95.05]
    """
    body = np.take(x, np.arange(1, x.shape[axis]), axis=axis)
    p = np.percentile(body, [5, 50, 95], axis=axis)
    return p[0], p[1], p[2]
