"""Solvers for the cost-push price model and the demand-pull quantity model.

Price model (Leontief price model with pass-through)::

    Δp = Θ·Aᵀ·Δp + s        =>   Δp = (I − M)⁻¹ s,   M = Θ·Aᵀ

with ``M[j, i] = θ_j · A[i, j]``. The solve is sparse and never inverts a
dense matrix: an acyclic supply chain makes ``M`` nilpotent, so the Neumann
series ``s + M s + M² s + ...`` ends after as many terms as the chain is
deep; a cyclic one is solved by a sparse LU factorisation (or the Neumann
series with a stopping rule when too large to factorise). Before solving,
:func:`check_convergence` finds the strongly connected components of ``M``
and refuses a system whose spectral radius is at least 1, naming a cycle.

Monte Carlo runs many draws per solve: :func:`neumann_draws` takes one value
per (entry, draw) and propagates an ``n × D`` block at once.

References
----------
Miller, R. E. and Blair, P. D. (2009). *Input-Output Analysis: Foundations
and Extensions*, 2nd ed., Cambridge University Press, section 2.6 (the
price model) and section 2.3 (the Leontief inverse and its power series).

Examples
--------
>>> import scipy.sparse as sp
>>> A = sp.csr_matrix([[0.0, 0.5], [0.0, 0.0]])     # input 0 is half of 1's cost
>>> M = price_operator(A, np.array([1.0, 0.4]))
>>> solve(M, np.array([0.10, 0.0]))                 # +10% on 0 -> +2% on 1
array([0.1 , 0.02])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph
import scipy.sparse.linalg as spla

from chainshock.errors import ConvergenceError

__all__ = [
    "Convergence",
    "check_convergence",
    "neumann",
    "neumann_draws",
    "price_operator",
    "quantity_operator",
    "scatter_matrix",
    "solve",
]

_RTOL = 1e-13
_MAX_TERMS = 5_000
_LU_MAX_NODES = 200_000
_RADIUS_LIMIT = 1.0 - 1e-9


def price_operator(A: sp.spmatrix, theta: np.ndarray) -> sp.csr_matrix:
    """``M = Θ·Aᵀ``: row ``j`` holds what buyer ``j`` passes on of each input.

    >>> price_operator(sp.csr_matrix([[0.0, 0.5], [0.0, 0.0]]), np.array([1.0, 0.4])).toarray()
    array([[0. , 0. ],
           [0.2, 0. ]])
    """
    return sp.csr_matrix(sp.diags(theta) @ sp.csr_matrix(A).T)


def quantity_operator(A: sp.spmatrix) -> sp.csr_matrix:
    """The demand-pull operator: ``A`` itself (``Δx = A·Δx + Δd``).

    >>> quantity_operator(sp.csr_matrix([[0.0, 0.5], [0.0, 0.0]])).toarray()
    array([[0. , 0.5],
           [0. , 0. ]])
    """
    return sp.csr_matrix(A)


@dataclass(frozen=True)
class Convergence:
    """What :func:`check_convergence` learnt about ``M``."""

    radius: float  # spectral radius: exact up to 500-node cycles, else a tight upper bound; 0 if acyclic
    acyclic: bool
    components: int  # number of non-trivial strongly connected components


def _cycle_in(M: sp.csr_matrix, members: np.ndarray) -> list[int]:
    """A cycle inside one strongly connected component, in the direction prices flow.

    ``M[j, i] != 0`` means j's price depends on i's, so a breadth-first walk
    along rows goes upstream; the cycle is reversed to read supplier -> buyer.
    """
    sub = sp.csr_matrix(M[members][:, members])
    start = int(np.argmax(np.asarray(abs(sub).sum(axis=1)).ravel()))
    order, pred = csgraph.breadth_first_order(sub, start, directed=True, return_predecessors=True)
    for u in order:
        inputs = sub.indices[sub.indptr[u] : sub.indptr[u + 1]]
        if start in inputs:  # u depends on start: start -> ... -> u -> start upstream
            path = [int(u)]
            while path[-1] != start:
                path.append(int(pred[path[-1]]))
            # pred[x] buys from x, so u -> pred(u) -> ... -> start is the way
            # prices flow, and start -> u closes the loop.
            return [int(members[k]) for k in path]
    return [int(members[start])]


def check_convergence(M: sp.spmatrix, ids: Sequence[str] | None = None) -> Convergence:
    """Refuse a system whose spectral radius is at least 1.

    The radius of ``M`` is the largest radius of its strongly connected
    components; a component whose row sums and column sums are all below 1
    is stable without an eigenvalue computation (Gershgorin / norm bound).

    Raises
    ------
    ConvergenceError
        Naming one cycle of the offending component and its radius.

    Examples
    --------
    >>> M = sp.csr_matrix([[0.0, 1.0], [1.0, 0.0]])
    >>> check_convergence(M, ["a", "b"])
    Traceback (most recent call last):
    ...
    chainshock.errors.ConvergenceError: the shock cannot settle: the cycle b -> a -> b passes on 100% or more of itself (spectral radius 1.000); lower a pass-through or cost share on it
    """
    M = sp.csr_matrix(M)
    n = M.shape[0]
    if n == 0:
        return Convergence(0.0, True, 0)
    diag = M.diagonal()
    ncomp, labels = csgraph.connected_components(M, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=ncomp)
    cyclic = (sizes > 1) | np.bincount(labels, weights=(diag != 0).astype(float), minlength=ncomp).astype(bool)
    if not cyclic.any():
        return Convergence(0.0, True, 0)
    absM = abs(M)
    worst = 0.0
    for comp in np.flatnonzero(cyclic):
        members = np.flatnonzero(labels == comp)
        sub = absM[members][:, members]
        bound = min(
            float(np.asarray(sub.sum(axis=1)).max()), float(np.asarray(sub.sum(axis=0)).max())
        )
        if bound < _RADIUS_LIMIT:
            worst = max(worst, bound)
            continue
        radius = _radius(sub)
        worst = max(worst, radius)
        if radius >= _RADIUS_LIMIT:
            cycle = _cycle_in(M, members)
            names = [ids[k] if ids is not None else str(k) for k in cycle]
            if len(names) > 8:  # a long loop: its ends and its length say enough
                names = [*names[:3], f"... ({len(cycle)} nodes) ...", *names[-2:]]
            loop = " -> ".join([*names, names[0]])
            raise ConvergenceError(
                f"the shock cannot settle: the cycle {loop} passes on 100% or more of itself "
                f"(spectral radius {radius:.3f}); lower a pass-through or cost share on it"
            )
    return Convergence(worst, False, int(cyclic.sum()))


def _radius(sub: sp.spmatrix) -> float:
    """Spectral radius (or a tight upper bound) of a non-negative irreducible block.

    Small blocks: dense eigenvalues. Large ones: the Collatz–Wielandt bounds
    ``min_i (Mx)_i/x_i <= ρ <= max_i (Mx)_i/x_i`` for any positive ``x``,
    first on a few shifted power iterations, then, if those leave 1 inside
    the bounds, on ``x = (I − M)⁻¹·1`` from one sparse LU: there
    ``(Mx)_i/x_i = 1 − 1/x_i``, and a positive ``x`` exists exactly when
    ``ρ < 1``. Returns the upper bound when stable, a value >= 1 when not.
    """
    if sub.shape[0] <= 500:
        return float(np.max(np.abs(np.linalg.eigvals(sub.toarray()))))
    sub = sp.csr_matrix(sub, dtype=float)
    x = np.ones(sub.shape[0])
    for _ in range(200):
        y = sub @ x
        ratio = y / x
        lo, hi = float(ratio.min()), float(ratio.max())
        if hi < _RADIUS_LIMIT:
            return hi
        if lo >= _RADIUS_LIMIT:
            return lo
        x = y + x  # (M + I) x: stays positive, and primitive even on a pure loop
        x /= x.max()
    n = sub.shape[0]
    if n > _LU_MAX_NODES:
        return hi  # undecided and too large to factorise: the Neumann series will tell
    try:
        z = spla.splu(sp.csc_matrix(sp.identity(n, format="csc") - sub)).solve(np.ones(n))
    except RuntimeError:  # exactly singular: an eigenvalue at 1
        return 1.0
    if not np.all(np.isfinite(z)) or z.min() <= 0:
        return max(1.0, lo)
    return float(1.0 - 1.0 / z.max())


def neumann(
    M: sp.spmatrix, s: np.ndarray, *, rtol: float = _RTOL, max_terms: int = _MAX_TERMS
) -> tuple[np.ndarray, int]:
    """Sum ``s + M s + M² s + ...`` until a term is negligible.

    Stops when the largest entry of a term is below ``rtol`` times the
    largest entry of the sum (or the term is exactly zero, as it becomes in
    an acyclic chain). ``s`` may be a vector or an ``n × D`` block.

    Returns
    -------
    x : ndarray
    terms : int
        How many terms were added.

    Raises
    ------
    ConvergenceError
        When ``max_terms`` terms do not meet the stopping rule.

    >>> x, k = neumann(sp.csr_matrix([[0.0, 0.0], [0.5, 0.0]]), np.array([1.0, 0.0]))
    >>> x.tolist(), k
    ([1.0, 0.5], 2)
    """
    M = sp.csr_matrix(M)
    term = np.array(s, dtype=float, copy=True)
    x = term.copy()
    for k in range(1, max_terms + 1):
        term = M @ term
        peak = float(np.abs(term).max()) if term.size else 0.0
        if peak == 0.0:
            return x, k
        x += term
        if peak <= rtol * max(float(np.abs(x).max()), 1e-300):
            return x, k + 1
    raise ConvergenceError(
        f"the price system did not settle after {max_terms} Neumann terms; "
        "a cycle passes on nearly all of itself: lower a pass-through or cost share on it"
    )


def solve(M: sp.spmatrix, s: np.ndarray, *, check: bool = True, ids: Sequence[str] | None = None) -> np.ndarray:
    """``(I − M)⁻¹ s``, sparse, after the convergence check.

    Acyclic systems use the Neumann series (exact after the chain's depth);
    cyclic ones a sparse LU when they have at most 200,000 nodes, else the
    Neumann series with its stopping rule.

    Parameters
    ----------
    M : sparse matrix
        The operator (:func:`price_operator` or :func:`quantity_operator`).
    s : ndarray
        The exogenous shock (price) or final-demand change (quantity).
    check : bool
        Run :func:`check_convergence` first (refuse a radius >= 1).
    ids : sequence of str, optional
        Node ids, to name a runaway cycle in the error.

    Returns
    -------
    ndarray
        ``Δp`` (or ``Δx``), one value per node.

    Raises
    ------
    ConvergenceError
        When a cycle passes on all of itself or more.

    Examples
    --------
    Two firms buying 60% of their cost from each other and passing all of it
    on: each dollar of shock returns ``1 / (1 − 0.36)`` dollars.

    >>> M = sp.csr_matrix([[0.0, 0.6], [0.6, 0.0]])
    >>> solve(M, np.array([0.1, 0.0])).round(4)
    array([0.1562, 0.0938])
    >>> solve(sp.csr_matrix([[0.0, 1.0], [1.0, 0.0]]), np.array([0.1, 0.0]), ids=["company:a", "company:b"])
    Traceback (most recent call last):
    ...
    chainshock.errors.ConvergenceError: ...
    """
    M = sp.csr_matrix(M)
    conv = check_convergence(M, ids) if check else Convergence(float("nan"), False, -1)
    if conv.acyclic or M.shape[0] > _LU_MAX_NODES:
        return neumann(M, s)[0]
    lu = spla.splu(sp.csc_matrix(sp.identity(M.shape[0], format="csc") - M))
    return np.asarray(lu.solve(np.asarray(s, dtype=float)))


def scatter_matrix(cols: np.ndarray, n: int) -> sp.csr_matrix:
    """``G`` with ``G[cols[e], e] = 1``: sums per-entry values into their buyer rows.

    >>> (scatter_matrix(np.array([1, 1, 0]), 2) @ np.array([0.2, 0.3, 0.5])).round(2)
    array([0.5, 0.5])
    """
    e = len(cols)
    return sp.csr_matrix((np.ones(e), (cols, np.arange(e))), shape=(n, e))


def neumann_draws(
    rows: np.ndarray,
    G: sp.csr_matrix,
    W: np.ndarray,
    S: np.ndarray,
    *,
    rtol: float = _RTOL,
    max_terms: int = _MAX_TERMS,
) -> np.ndarray:
    """Neumann series with different coefficients in every draw.

    Entry ``e`` passes ``W[e, d]`` of node ``rows[e]``'s change into the
    node ``G`` scatters it to, in draw ``d``: one step is
    ``G @ (W * X[rows])`` for all draws at once.

    Parameters
    ----------
    rows : ndarray of int, shape (E,)
    G : csr_matrix, shape (n, E)
        From :func:`scatter_matrix` of the entries' buyer columns.
    W : ndarray, shape (E, D)
        ``θ_buyer · A_entry`` per draw.
    S : ndarray, shape (n, D)
        The right-hand side per draw.

    >>> G = scatter_matrix(np.array([1]), 2)
    >>> neumann_draws(np.array([0]), G, np.array([[0.5, 0.25]]), np.array([[1.0, 1.0], [0.0, 0.0]]))
    array([[1.  , 1.  ],
           [0.5 , 0.25]])
    """
    term = np.array(S, dtype=float, copy=True)
    x = term.copy()
    if W.shape[0] == 0:
        return x
    for _ in range(max_terms):
        term = np.asarray(G @ (W * term[rows]))
        peak = float(np.abs(term).max()) if term.size else 0.0
        if peak == 0.0:
            return x
        x += term
        if peak <= rtol * max(float(np.abs(x).max()), 1e-300):
            return x
    raise ConvergenceError(
        f"a Monte Carlo draw did not settle after {max_terms} Neumann terms; "
        "a cycle passes on nearly all of itself at the high end of its ranges: narrow them"
    )
