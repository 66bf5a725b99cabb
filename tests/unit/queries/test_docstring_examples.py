"""The runnable examples in the propagation modules' docstrings stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "attribution",
    "contracts",
    "demand",
    "exposure",
    "matrices",
    "montecarlo",
    "propagation",
    "result",
    "scenario",
    "shock",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"chainshock.queries.{name}")
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert attempted > 0, f"{name} has no examples"
    assert failed == 0
