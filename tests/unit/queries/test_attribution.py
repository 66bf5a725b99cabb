"""Top-k walks are exact: checked against brute-force enumeration."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from chainshock.queries.attribution import top_walks
from chainshock.queries.propagation import solve


def _all_walks(M: np.ndarray, s: np.ndarray, depth: int):
    """Every walk of 1..depth steps from a shocked node, by brute force."""
    n = len(s)
    out: dict[int, list[tuple[tuple[int, ...], float]]] = {}
    frontier = [((k,), float(s[k])) for k in range(n) if s[k] != 0]
    for _ in range(depth):
        nxt = []
        for walk, value in frontier:
            for j in range(n):
                m = M[j, walk[-1]]
                if m != 0:
                    w = ((*walk, j), value * m)
                    out.setdefault(j, []).append(w)
                    nxt.append(w)
        frontier = nxt
    return out


@st.composite
def dags(draw):
    n = draw(st.integers(2, 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    M = np.tril(rng.random((n, n)) * (rng.random((n, n)) < 0.5), -1)
    rows = M.sum(axis=1)
    M = M * np.where(rows > 1, 1 / np.maximum(rows, 1e-300), 1.0)[:, None]
    s = np.zeros(n)
    s[0] = 0.3
    if n > 2 and draw(st.booleans()):
        s[1] = -0.1
    return M, s


@settings(max_examples=120, deadline=None)
@given(dags(), st.integers(1, 4))
def test_top_k_matches_brute_force_on_dags(system, k):
    M, s = system
    got = top_walks(sp.csr_matrix(M), s, k, floor=0.0)
    every = _all_walks(M, s, len(s))
    for node, walks in every.items():
        best = sorted((abs(v) for _, v in walks), reverse=True)[:k]
        mine = sorted((abs(v) for _, v in got.get(node, [])), reverse=True)
        assert np.allclose(mine, best, rtol=1e-12), (node, mine, best)


@settings(max_examples=60, deadline=None)
@given(dags())
def test_all_walks_add_up_to_the_solution(system):
    """With k large enough, the walks into a node sum to its change: Neumann terms are exact."""
    M, s = system
    x = solve(sp.csr_matrix(M), s)
    got = top_walks(sp.csr_matrix(M), s, k=10_000, floor=0.0)
    for node in range(len(s)):
        total = s[node] + sum(v for _, v in got.get(node, []))
        assert np.isclose(total, x[node], rtol=1e-12, atol=1e-15)


def test_cycles_are_walked_round_until_negligible():
    # 0 -> 1 <-> 2 with 0.5 each way: infinitely many walks into 2
    M = sp.csr_matrix(([1.0, 0.5, 0.5], ([1, 2, 1], [0, 1, 2])), shape=(3, 3))
    got = top_walks(M, np.array([1.0, 0.0, 0.0]), k=3)
    assert [w for w, _ in got[2]] == [(0, 1, 2), (0, 1, 2, 1, 2), (0, 1, 2, 1, 2, 1, 2)]
    assert [round(v, 6) for _, v in got[2]] == [0.5, 0.125, 0.03125]
