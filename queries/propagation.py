"""Solvers for the cost-push price model and the demand-pull quantity model.

Price model (Leontief price model with pass-through)::

    Δp = Θ·Aᵀ·Δp + s        =>   Δp = (I − M)⁻¹ s,   M = Θ·Aᵀ

with ``M[j, i] = θ_j · A[i, j]``. The solve is sparse and never inverts a
dense matrix: an acyclic supply chain makes ``M`` nilpotent, so the Neumann
series ``s + M s + M² s + ...`` ends after as many terms as the chain is
deep; a cyclic one is solved by a sparse LU factorisation when small, and
by preconditioned BiCGSTAB when large (see :func:`solve`). Before solving,
a norm bound (one pass) or, when that does not settle it,
:func:`check_convergence` (strongly connected components, then eigenvalue
estimates only where the bounds leave 1 inside) refuses a system whose
spectral radius is at least 1, naming a cycle.

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
    "norm_bound",
    "price_operator",
    "quantity_operator",
    "scatter_matrix",
    "solve",
]

_RTOL = 1e-13
_MAX_TERMS = 5_000
_LU_MAX_NODES = 20_000
_LU_CHECK_MAX_NODES = 200_000
_RADIUS_LIMIT = 1.0 - 1e-9


def price_operator(A: sp.spmatrix, theta: np.ndarray) -> sp.csr_matrix:
    """``M = Θ·Aᵀ``: row ``j`` holds what buyer ``j`` passes on of each input.

    >>> price_operator(sp.csr_matrix([[0.0, 0.5], [0.0, 0.0]]), np.array([1.0, 0.4])).toarray()
    array([[0. , 0. ],
           [0.2, 0. ]])
    """
    # transpose to CSR and scale each row in place: no sparse matrix product (2-4x faster at 2M entries)
    M = sp.csr_matrix(sp.csr_matrix(A).T)
    scale = np.broadcast_to(np.asarray(theta, dtype=float), (M.shape[0],))
    M.data = M.data * np.repeat(scale, np.diff(M.indptr))
    return M


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
    bounds = _component_bounds(M, labels, ncomp)
    worst = 0.0
    for comp in np.flatnonzero(cyclic):
        bound = float(bounds[comp])
        if bound < _RADIUS_LIMIT:
            worst = max(worst, bound)
            continue
        members = np.flatnonzero(labels == comp)
        radius = _radius(abs(M[members][:, members]))
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


def _component_bounds(M: sp.csr_matrix, labels: np.ndarray, ncomp: int) -> np.ndarray:
    """Per strongly connected component: min(largest row sum, largest column sum) of ``|M|`` inside it.

    Either norm bounds the component's spectral radius (Gershgorin). One
    pass over the entries, with no submatrix built.
    """
    coo = M.tocoo()
    inside = labels[coo.row] == labels[coo.col]
    values = np.abs(coo.data[inside])
    n = M.shape[0]
    rows = np.bincount(coo.row[inside], weights=values, minlength=n)
    cols = np.bincount(coo.col[inside], weights=values, minlength=n)
    row_max = np.zeros(ncomp)
    col_max = np.zeros(ncomp)
    np.maximum.at(row_max, labels, rows)
    np.maximum.at(col_max, labels, cols)
    return np.minimum(row_max, col_max)


def norm_bound(M: sp.spmatrix) -> float:
    """``min(‖M‖∞, ‖M‖₁)``: an upper bound on the spectral radius, in one pass.

    >>> norm_bound(sp.csr_matrix([[0.0, 0.3], [0.6, 0.0]]))
    0.6
    """
    M = sp.csr_matrix(M)
    if M.nnz == 0:
        return 0.0
    a = np.abs(M.data)
    rows = np.add.reduceat(a, M.indptr[:-1][np.diff(M.indptr) > 0])
    cols = np.bincount(M.indices, weights=a, minlength=M.shape[1])
    return float(min(rows.max(), cols.max()))


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
    if n > _LU_CHECK_MAX_NODES:
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
    """``(I − M)⁻¹ s``, sparse, after the convergence check; the solver chosen by structure.

    The check costs one pass when ``min(‖M‖∞, ‖M‖₁) < 1`` (then no cycle
    can amplify a shock); only otherwise does :func:`check_convergence`
    look at the strongly connected components and estimate eigenvalues.
    Then:

    - the Neumann series first: an acyclic chain (nilpotent ``M``) ends it
      exactly after as many terms as the chain is deep, and a fast-shrinking
      cyclic one (norm bound at most 0.5) meets the stopping rule in a few
      dozen terms;
    - a cyclic system of at most 20,000 nodes: a sparse LU factorisation;
    - a larger cyclic one: BiCGSTAB on ``(I − M) x = s``, Jacobi-preconditioned
      when ``M`` has a diagonal, started from the partial Neumann sum (GMRES,
      then the Neumann series, if it does not reach the tolerance).

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
    >>> M = sp.csr_matrix([[0.0, 0.5], [0.5, 0.0]])       # a stable two-node cycle
    >>> solve(M, np.array([1.0, 0.0])).round(12).tolist()   # (I − M)⁻¹ [1, 0]
    [1.333333333333, 0.666666666667]
    """
    M = sp.csr_matrix(M, dtype=float)
    s = np.asarray(s, dtype=float)
    bound = norm_bound(M)
    if check and bound >= _RADIUS_LIMIT:
        conv = check_convergence(M, ids)
        if conv.acyclic:
            return neumann(M, s)[0]  # exact after the chain's depth
        bound = conv.radius
    # Neumann terms the stopping rule needs when the bound is the rate; a
    # few more than that decide an acyclic chain (its terms become zero).
    wanted = np.log(_RTOL) / np.log(bound) if 0.0 < bound < 1.0 else np.inf
    probe = int(wanted) + 2 if wanted <= _NEUMANN_FAST_TERMS else _NEUMANN_PROBE_TERMS
    x, done = _neumann_partial(M, s, probe)
    if done:
        return x
    if M.shape[0] <= _LU_MAX_NODES:
        lu = spla.splu(sp.csc_matrix(sp.identity(M.shape[0], format="csc") - M))
        return np.asarray(lu.solve(s))
    return _krylov(M, s, x)


_NEUMANN_FAST_TERMS = 48  # log(1e-13) / log(0.5) ≈ 43: a norm bound of 0.5 or less
_NEUMANN_PROBE_TERMS = 12  # deeper than any real supply chain's tiers


def _neumann_partial(M: sp.csr_matrix, s: np.ndarray, terms: int) -> tuple[np.ndarray, bool]:
    """Up to ``terms`` Neumann terms: (sum, whether the stopping rule was met)."""
    term = s.copy()
    x = s.copy()
    for _ in range(terms):
        term = M @ term
        peak = float(np.abs(term).max()) if term.size else 0.0
        if peak == 0.0:
            return x, True
        x += term
        if peak <= _RTOL * max(float(np.abs(x).max()), 1e-300):
            return x, True
    return x, False


def _krylov(M: sp.csr_matrix, s: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """BiCGSTAB (then GMRES, then Neumann) on ``(I − M) x = s`` from ``x0``."""
    n = M.shape[0]
    system = spla.LinearOperator((n, n), matvec=lambda v: v - M @ v, dtype=float)
    diag = M.diagonal()
    precond = None
    if np.any(diag != 0):
        inv = 1.0 / (1.0 - diag)
        precond = spla.LinearOperator((n, n), matvec=lambda v: inv * v, dtype=float)
    # Same stopping point as the Neumann rule: a residual that small
    # moves no entry by more than rtol / (1 − ρ) of the answer.
    x, info = spla.bicgstab(system, s, x0=x0, rtol=_RTOL, atol=0.0, maxiter=10 * n, M=precond)
    if info != 0 or not np.all(np.isfinite(x)):
        x, info = spla.gmres(system, s, x0=x0, rtol=_RTOL, atol=0.0, restart=50, maxiter=200, M=precond)
    if info != 0 or not np.all(np.isfinite(x)):
        return neumann(M, s)[0]
    return np.asarray(x)


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
