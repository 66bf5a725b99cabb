"""The dollar ledger balances on any graph: random chains with contracts and lags."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chainshock.queries.contracts import quarterly_path
from chainshock.queries.ledger import balance, price_ledger


@st.composite
def graphs(draw):
    n = draw(st.integers(3, 9))
    Q = draw(st.integers(1, 6))
    C = draw(st.integers(1, 3))
    kinds = draw(st.lists(st.sampled_from(["firm", "product", "segment"]), min_size=n, max_size=n))
    kinds[0], kinds[1] = "firm", "product"
    product = np.array([k == "product" for k in kinds])
    segment = np.array([k == "segment" for k in kinds])
    # acyclic (sellers before buyers); segments sell nothing; a product's sellers are its producers (firms)
    pairs = [(i, j) for i in range(n) for j in range(n) if i < j and not segment[i] and not (product[i] and product[j])]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=min(len(pairs), 14), unique=True))
    rows = np.array([p[0] for p in chosen])
    cols = np.array([p[1] for p in chosen])
    E = len(rows)
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    V = rng.uniform(0.01, 0.3, (E, C))
    lags = rng.integers(0, 3, E)
    revenue = rng.uniform(1e9, 1e11, n)
    revenue[segment] = np.nan
    theta = rng.uniform(0, 1, (n, C))
    S = np.zeros((Q, n, C))
    S[rng.integers(0, Q) :, 0] = rng.uniform(-0.5, 1.0, C)
    mults = [rng.uniform(0, 1, (E, C)) for _ in range(Q)] if draw(st.booleans()) else None
    P = quarterly_path(rows, cols, lags, theta[cols] * V, S, mults, n)
    return rows, cols, lags, V, revenue, P, mults, segment, product


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_every_quarter_balances(g):
    rows, cols, lags, V, revenue, P, mults, segment, product = g
    led = price_ledger(rows, cols, lags, V, revenue, P, mults, segment=segment, product=product)
    for q, b in enumerate(balance(led)):
        # rounding is relative to the dollars moved, not to the net: a shock with mixed signs
        # can net a quarter to ~0 while billions change hands (hypothesis found 6e-8 on a 0 net)
        gross = (np.abs(led.revenue[q]).sum(axis=0) + np.abs(led.cost[q]).sum(axis=0)
                 + np.abs(led.outside_producers[q]) + np.abs(led.outside_buyers[q]))
        assert np.all(np.abs(b.residual) <= 1e-9 * np.maximum(gross, 1.0))
    # products are markets: they keep nothing
    assert np.all(led.revenue[:, product] == 0) and np.all(led.cost[:, product] == 0)


def test_a_contract_shields_both_parties():
    # seller 1 (revenue 100) sells 40 a year to buyer 2; half of it is under a fixed price
    rows, cols, lags = np.array([1]), np.array([2]), np.array([0])
    P = np.zeros((1, 3, 1))
    P[0, 1, 0] = 0.1
    seg, prod = np.zeros(3, dtype=bool), np.zeros(3, dtype=bool)
    free = price_ledger(rows, cols, lags, np.array([[0.4]]), np.array([0, 100.0, 100.0]), P, None, segment=seg, product=prod)
    half = price_ledger(rows, cols, lags, np.array([[0.4]]), np.array([0, 100.0, 100.0]), P, [np.array([[0.5]])],
                        segment=seg, product=prod)
    assert half.cost[0, 2, 0] == free.cost[0, 2, 0] / 2
    assert free.revenue[0, 1, 0] - half.revenue[0, 1, 0] == free.cost[0, 2, 0] / 2
