"""Sampling: inside the ranges, reproducible, share totals kept at most 1."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chainshock.queries.matrices import build_system
from chainshock.queries.montecarlo import percentiles, sample, triangular


def test_triangular_stays_in_range_and_peaks_at_base():
    rng = np.random.default_rng(1)
    x = triangular(np.array([0.1, 0.5]), np.array([0.2, 0.5]), np.array([0.6, 0.5]), 20_000, rng)
    assert x[0].min() >= 0.1 and x[0].max() <= 0.6
    assert np.all(x[1] == 0.5)
    # mean of a triangular is (low + mode + high) / 3
    assert abs(x[0].mean() - 0.3) < 0.005
    hist, edges = np.histogram(x[0], bins=10, range=(0.1, 0.6))
    assert edges[hist.argmax()] <= 0.2 < edges[hist.argmax() + 1]


def _system(shares):
    nodes = pd.DataFrame(
        {
            "id": ["company:b", "product:x", "product:y"],
            "label": ["Company", "Product", "Product"],
            "name": ["B", "X", "Y"],
            "roles": [["server_maker"], [], []],
            "properties": ["{}", "{}", "{}"],
        }
    )
    est = '{{"cost_share":{{"low":{0},"base":{1},"high":{2},"basis":"t","estimate":true}}}}'
    edges = pd.DataFrame(
        {
            "id": ["u1", "u2"],
            "type": ["USES", "USES"],
            "source": ["company:b", "company:b"],
            "target": ["product:x", "product:y"],
            "product": [None, None],
            "properties": [est.format(*shares[0]), est.format(*shares[1])],
        }
    )
    return build_system(nodes, edges)


def test_draws_keep_a_buyers_cost_shares_at_most_one():
    system = _system([(0.4, 0.5, 0.7), (0.3, 0.45, 0.6)])
    d = sample(system, 2000, seed=5)
    totals = d.values.sum(axis=0)
    assert totals.max() <= 1.0 + 1e-12
    assert d.rescaled > 0
    assert np.allclose(d.values[:, 0], [0.5, 0.45])  # column 0 is the base case


def test_same_seed_same_draws_and_zero_draws_is_the_base():
    system = _system([(0.1, 0.2, 0.3), (0.1, 0.1, 0.1)])
    assert np.array_equal(sample(system, 50, 9).values, sample(system, 50, 9).values)
    assert not np.array_equal(sample(system, 50, 9).values, sample(system, 50, 10).values)
    base = sample(system, 0, None)
    assert base.values.shape == (2, 1) and base.theta.shape == (3, 1)


def test_percentiles_leave_out_the_base_column():
    x = np.array([[100.0, *range(1, 101)]])
    p5, p50, p95 = percentiles(x)
    assert p5[0] < 10 and 50 <= p50[0] <= 51 and p95[0] > 90
