"""The trained-classifier experiment's pieces: candidates, labels and the logistic regression."""

from __future__ import annotations

import numpy as np

from chainshock.loaders.edgar.classifier import (
    CLASSES,
    Candidate,
    cross_validate,
    fit,
    label,
    predict,
)


def test_logistic_regression_learns_separable_classes() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(len(CLASSES), 8)) * 4
    y = np.repeat(np.arange(len(CLASSES)), 30)
    x = centres[y] + rng.normal(size=(len(y), 8))
    w = fit(x, y, l2=1e-3)
    assert (predict(w, x) == y).mean() > 0.95
    # deterministic: the same data gives the same weights
    assert np.array_equal(w, fit(x, y, l2=1e-3))


def test_label_needs_the_quote_in_the_sentence_and_the_same_counterparty() -> None:
    gold = [{"type": "foundry", "name": "TSMC", "quote": "We utilize foundries, such as TSMC"}]
    same = lambda a, b: a.split()[0] == b.split()[0]  # noqa: E731
    hit = Candidate("a", "TSMC", "We utilize foundries, such as TSMC, to make wafers.", "")
    other = Candidate("a", "TSMC", "TSMC is in Taiwan.", "")
    assert label(hit, gold, same) == "supply" and label(other, gold, same) == "none"


def test_cross_validation_never_predicts_a_fold_from_itself() -> None:
    # two folds whose labels are opposite for the same features: held out, each is predicted wrong
    x = np.array([[1.0, 0.0]] * 10 + [[1.0, 0.0]] * 10)
    y = np.array([1] * 10 + [2] * 10)
    cands = [Candidate("f1" if i < 10 else "f2", f"N{i}", "s", "s") for i in range(20)]
    found = cross_validate(cands, x, y, lambda c: c.accession, l2=1e-3)
    assert {(a, cls) for a, cls, _ in found} == {("f1", CLASSES[2]), ("f2", CLASSES[1])}
