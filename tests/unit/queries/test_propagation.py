"""The solvers agree with dense linear algebra and with a published worked example."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chainshock.errors import ConvergenceError
from chainshock.queries.demand import demand_pull
from chainshock.queries.propagation import (
    check_convergence,
    neumann,
    neumann_draws,
    price_operator,
    scatter_matrix,
    solve,
)


@st.composite
def stable_systems(draw, acyclic: bool | None = None):
    """A random sparse M with spectral radius < 1 (row sums <= 0.95), and a shock."""
    n = draw(st.integers(1, 25))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    density = draw(st.floats(0.05, 0.6))
    dense = rng.random((n, n)) * (rng.random((n, n)) < density)
    if acyclic if acyclic is not None else draw(st.booleans()):
        dense = np.tril(dense, -1)  # j depends only on i < j
    rows = dense.sum(axis=1)
    cap = draw(st.floats(0.05, 0.95))
    dense = dense * np.where(rows > 0, cap / np.maximum(rows, 1e-300), 0.0)[:, None]
    s = rng.normal(size=n) * (rng.random(n) < 0.5)
    return dense, s


@settings(max_examples=150, deadline=None)
@given(stable_systems())
def test_solve_agrees_with_dense_solve(system):
    dense, s = system
    x = solve(sp.csr_matrix(dense), s)
    expected = np.linalg.solve(np.eye(len(s)) - dense, s)
    scale = max(np.abs(expected).max(), 1e-300)
    assert np.abs(x - expected).max() <= 1e-9 * scale


@settings(max_examples=100, deadline=None)
@given(stable_systems())
def test_neumann_agrees_with_dense_solve(system):
    dense, s = system
    x, _ = neumann(sp.csr_matrix(dense), s)
    expected = np.linalg.solve(np.eye(len(s)) - dense, s)
    scale = max(np.abs(expected).max(), 1e-300)
    assert np.abs(x - expected).max() <= 1e-9 * scale


@settings(max_examples=50, deadline=None)
@given(stable_systems(), st.integers(1, 6))
def test_vectorised_draws_agree_with_one_dense_solve_per_draw(system, draws):
    dense, s = system
    n = len(s)
    rows_j, cols_i = np.nonzero(dense)  # M[j, i]: entry reads i, adds to j
    rng = np.random.default_rng(draws)
    W = dense[rows_j, cols_i][:, None] * rng.uniform(0.5, 1.0, size=(len(rows_j), draws))
    S = np.repeat(s[:, None], draws, axis=1)
    X = neumann_draws(cols_i, scatter_matrix(rows_j, n), W, S)
    for d in range(draws):
        M = np.zeros((n, n))
        np.add.at(M, (rows_j, cols_i), W[:, d])
        expected = np.linalg.solve(np.eye(n) - M, s)
        assert np.allclose(X[:, d], expected, rtol=1e-9, atol=1e-12 * max(1.0, np.abs(expected).max()))


@settings(max_examples=60, deadline=None)
@given(stable_systems(), st.floats(-3, 3), st.floats(-3, 3))
def test_linear_in_the_shock(system, a, b):
    dense, s = system
    M = sp.csr_matrix(dense)
    s2 = np.roll(s, 1)
    combined = solve(M, a * s + b * s2)
    assert np.allclose(combined, a * solve(M, s) + b * solve(M, s2), rtol=1e-9, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(stable_systems(), st.data())
def test_no_price_change_exceeds_the_largest_shock(system, data):
    """Shocks on nodes with no inputs: every change is a sub-convex mix of them."""
    dense, _ = system
    n = dense.shape[0]
    sources = np.flatnonzero(dense.sum(axis=1) == 0)
    assume(sources.size > 0)
    s = np.zeros(n)
    s[sources] = data.draw(st.lists(st.floats(0, 1), min_size=sources.size, max_size=sources.size))
    x = solve(sp.csr_matrix(dense), s)
    assert x.max() <= s.max() + 1e-12
    assert x.min() >= -1e-12


def test_textbook_three_sector_example():
    """Published worked example, reproduced.

    The wood/steel/coal economy of the lecture notes "Matrices:
    Input-Output Analysis" (stored at coursehero.com, file p5otns3): $1 of
    wood needs $.30 wood, $.20 steel, $.10 coal; $1 of steel needs $.30
    steel, $.20 coal; $1 of coal needs $.10 wood, $.20 steel, $.05 coal.
    The notes print (I − A)⁻¹ = [[1.4654, .0469, .1641], [.4924, 1.5358,
    .3751], [.2579, .3283, 1.1489]] and, for final demand D = (1, 4, 2),
    X = (1.98, 7.39, 3.87). We could not verify a stored copy of Miller &
    Blair's ch. 2 price example, so the price-model check uses the duality
    both books state: the price model's inverse is the transpose of the
    quantity model's, ``(I − Aᵀ)⁻¹ = ((I − A)⁻¹)ᵀ``, so a unit cost-push on
    sector k moves prices by row k of the published inverse.
    """
    A = np.array([[0.30, 0.00, 0.10], [0.20, 0.30, 0.20], [0.10, 0.20, 0.05]])
    published_inverse = np.array(
        [[1.4654, 0.0469, 0.1641], [0.4924, 1.5358, 0.3751], [0.2579, 0.3283, 1.1489]]
    )
    # quantity model through the same code path the capex model uses
    rows, cols = np.nonzero(A)
    dx, _ = demand_pull(
        rows, cols, A[rows, cols][:, None], np.array([0, 1, 2]), np.array([0, 1, 2]),
        np.ones((3, 1)), np.array([[1.0], [4.0], [2.0]]),
    )
    assert np.round(dx[:, 0], 2).tolist() == [1.98, 7.39, 3.87]
    # price model, Θ = 1: Δp = (I − Aᵀ)⁻¹ s
    M = price_operator(sp.csr_matrix(A), np.ones(3))
    for k in range(3):
        s = np.zeros(3)
        s[k] = 1.0
        assert np.allclose(solve(M, s), published_inverse[k], atol=5e-5)


def test_pass_through_closed_form_chain():
    """A hand-derived chain: memory -> chip (θ=0.5, share 0.3) -> server (θ=0.9, share 0.6).

    Δp_chip = 0.5·0.3·s = 0.15 s; Δp_server = 0.9·0.6·0.15 s = 0.081 s.
    """
    A = sp.csr_matrix(([0.3, 0.6], ([0, 1], [1, 2])), shape=(3, 3))
    x = solve(price_operator(A, np.array([1.0, 0.5, 0.9])), np.array([0.2, 0.0, 0.0]))
    assert np.allclose(x, [0.2, 0.03, 0.0162], rtol=1e-12)


def test_zero_pass_through_stops_at_the_first_buyer():
    A = sp.csr_matrix(([0.3, 0.6], ([0, 1], [1, 2])), shape=(3, 3))
    x = solve(price_operator(A, np.array([1.0, 0.0, 1.0])), np.array([0.2, 0.0, 0.0]))
    assert x.tolist() == [0.2, 0.0, 0.0]


def test_upstream_of_the_shock_does_not_move():
    A = sp.csr_matrix(([0.3, 0.6], ([0, 1], [1, 2])), shape=(3, 3))
    x = solve(price_operator(A, np.ones(3)), np.array([0.0, 0.1, 0.0]))
    assert x[0] == 0.0 and x[1] == pytest.approx(0.1) and x[2] == pytest.approx(0.06)


def test_an_explosive_cycle_is_refused_with_its_nodes():
    # a -> b -> c -> a passing on 110% of itself, d hangs off it
    M = sp.csr_matrix(([1.0, 1.1, 1.0, 0.5], ([1, 2, 0, 3], [0, 1, 2, 0])), shape=(4, 4))
    with pytest.raises(ConvergenceError) as err:
        check_convergence(M, ["company:a", "company:b", "company:c", "company:d"])
    message = str(err.value)
    assert "company:a" in message and "company:b" in message and "company:c" in message
    assert "company:d" not in message
    with pytest.raises(ConvergenceError):
        solve(M, np.array([1.0, 0, 0, 0]))


def test_a_stable_cycle_reports_its_radius():
    M = sp.csr_matrix(([0.5, 0.5], ([1, 0], [0, 1])), shape=(2, 2))
    conv = check_convergence(M)
    assert not conv.acyclic and conv.components == 1 and conv.radius == pytest.approx(0.5)
    assert check_convergence(sp.csr_matrix(np.tril(np.ones((3, 3)), -1) * 0.3)).acyclic


def test_a_self_loop_at_one_is_refused():
    with pytest.raises(ConvergenceError, match="company:x -> company:x"):
        check_convergence(sp.csr_matrix(np.array([[1.0]])), ["company:x"])


@pytest.mark.parametrize("weak", [0.5, 1.0])
def test_large_cycle_radius_by_collatz_wielandt_bounds(weak):
    """A 600-node loop: row sums of 1 do not decide it; the Perron root does."""
    n = 600
    w = np.ones(n)
    w[0] = weak
    M = sp.csr_matrix((w, ((np.arange(n) + 1) % n, np.arange(n))), shape=(n, n))
    expected = weak ** (1 / n)  # the loop's gain, spread over its n steps
    if weak < 1:
        conv = check_convergence(M)
        assert expected - 1e-9 <= conv.radius < 1  # an upper bound, below 1
    else:
        with pytest.raises(ConvergenceError, match=r"\(600 nodes\)"):
            check_convergence(M, [f"company:c{k}" for k in range(n)])


def _random_cyclic(n: int, per_row: int, row_sum: float, diag: float = 0.0, seed: int = 0) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n), per_row)
    cols = rng.integers(0, n, size=n * per_row)
    vals = rng.random(n * per_row)
    M = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    M = sp.csr_matrix(sp.diags(row_sum / np.asarray(M.sum(axis=1)).ravel()) @ M)
    if diag:
        M = sp.csr_matrix(M * (1 - diag) + sp.identity(n) * diag)
    return M


@pytest.mark.parametrize("diag", [0.0, 0.3])
def test_large_cyclic_systems_solve_by_krylov_to_the_neumann_answer(diag):
    """Beyond the LU size, a slowly shrinking cycle goes to BiCGSTAB; the answer is the series'."""
    n = 25_000
    M = _random_cyclic(n, 4, 0.85, diag)
    s = np.zeros(n)
    s[:50] = 0.3
    x = solve(M, s)
    expected, terms = neumann(M, s)
    assert terms > 48  # slow enough that the series alone is not the chosen path
    assert np.max(np.abs(x - expected)) <= 1e-11 * np.max(np.abs(expected))
    assert np.max(np.abs(x - M @ x - s)) <= 1e-11 * np.max(np.abs(s))


def test_a_deep_acyclic_chain_with_large_norms_is_exact():
    """Norms above 1 send it to the component check; acyclic, the series ends at its depth."""
    n = 40
    M = sp.csr_matrix((np.full(n - 1, 1.5), (np.arange(1, n), np.arange(n - 1))), shape=(n, n))
    s = np.zeros(n)
    s[0] = 1e-6
    x = solve(M, s)
    assert np.allclose(x, [1e-6 * 1.5**k for k in range(n)], rtol=1e-14, atol=0)


def test_norm_bound_is_the_smaller_of_row_and_column_sums():
    from chainshock.queries.propagation import norm_bound

    M = sp.csr_matrix(np.array([[0.0, 0.9, 0.0], [0.0, 0.0, 0.0], [0.0, 0.9, 0.0]]))
    assert norm_bound(M) == pytest.approx(0.9)  # rows 0.9, columns 1.8
    assert norm_bound(sp.csr_matrix((3, 3))) == 0.0
