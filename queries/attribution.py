"""Which walks carry a shock to each node, and how much each carries.

For the linear model the Neumann series ``Δp = Σ_k M^k s`` splits exactly
into walks: a walk ``k -> v1 -> ... -> t`` from a shocked node ``k``
carries ``s_k · M[v1, k] · ... · M[t, ·]`` to ``t``, and the walks ending at
``t`` add up to ``Δp_t``. Every coefficient of ``M`` is at most 1 (a
pass-through times a share), so extending a walk never increases what it
carries; a best-first search that keeps the first ``k`` walks reaching each
node therefore finds each node's top-``k`` walks exactly (a walk through the
``(k+1)``-th best walk into an intermediate node is beaten by the same
suffix on that node's ``k`` better walks, so those are pruned).

Examples
--------
>>> import scipy.sparse as sp
>>> M = sp.csr_matrix([[0, 0, 0], [0.5, 0, 0], [0.2, 0.4, 0]])   # 0 -> 1 -> 2 and 0 -> 2
>>> walks = top_walks(M, np.array([1.0, 0, 0]), k=2)
>>> [(w, round(v, 3)) for w, v in walks[2]]
[((0, 2), 0.2), ((0, 1, 2), 0.2)]
"""

from __future__ import annotations

import heapq
import itertools

import numpy as np
import scipy.sparse as sp

__all__ = ["top_walks"]


def top_walks(
    M: sp.spmatrix,
    s: np.ndarray,
    k: int = 5,
    *,
    floor: float = 1e-9,
    budget: int = 2_000_000,
) -> dict[int, list[tuple[tuple[int, ...], float]]]:
    """The top-``k`` walks (by absolute contribution) into every node.

    Parameters
    ----------
    M : sparse matrix
        The price operator, ``M[j, i]`` = what ``j`` passes on of ``i``.
    s : ndarray
        The exogenous shock.
    k : int
        Walks kept per node.
    floor : float
        Walks carrying less than ``floor × max|s|`` are not followed.
    budget : int
        At most this many walks are taken off the queue (a guard on huge
        graphs; the answer is exact when the queue empties first).

    Returns
    -------
    dict
        ``node -> [(walk, contribution), ...]`` best first; walks of at
        least one step only (the shocked node's own shock is not a walk).

    Examples
    --------
    A chain 0 → 1 → 2 passing on half at each step, shocked +10% at 0:

    >>> import numpy as np, scipy.sparse as sp
    >>> M = sp.csr_matrix([[0.0, 0.0, 0.0], [0.5, 0.0, 0.0], [0.0, 0.5, 0.0]])
    >>> walks = top_walks(M, np.array([0.10, 0.0, 0.0]), k=2)
    >>> walks[2]
    [((0, 1, 2), 0.025)]
    """
    if k <= 0:
        return {}
    out_edges = sp.csc_matrix(M)  # column i: the buyers w with M[w, i] != 0
    scale = float(np.abs(s).max()) if len(s) else 0.0
    if scale == 0.0:
        return {}
    cutoff = floor * scale
    tie = itertools.count()
    heap: list[tuple[float, int, int, tuple[int, ...], float]] = [
        (-abs(float(v)), next(tie), int(node), (int(node),), float(v))
        for node, v in enumerate(s)
        if v != 0
    ]
    heapq.heapify(heap)
    taken = np.zeros(M.shape[0], dtype=np.int64)
    found: dict[int, list[tuple[tuple[int, ...], float]]] = {}
    pops = 0
    while heap and pops < budget:
        _, _, node, walk, value = heapq.heappop(heap)
        pops += 1
        if taken[node] >= k:
            continue
        taken[node] += 1
        if len(walk) > 1:
            found.setdefault(node, []).append((walk, value))
        start, end = out_edges.indptr[node], out_edges.indptr[node + 1]
        for buyer, m in zip(out_edges.indices[start:end], out_edges.data[start:end], strict=True):
            carried = value * float(m)
            if abs(carried) < cutoff or taken[buyer] >= k:
                continue
            heapq.heappush(heap, (-abs(carried), next(tie), int(buyer), (*walk, int(buyer)), carried))
    return found
