"""The examples in the viz modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "chainshock.viz.charts",
    "chainshock.viz.compare_report",
    "chainshock.viz.files",
    "chainshock.viz.layout",
    "chainshock.viz.links",
    "chainshock.viz.outcome",
    "chainshock.viz.report",
    "chainshock.viz.report_model",
    "chainshock.viz.report_render",
    "chainshock.viz.report_sources",
    "chainshock.viz.story",
    "chainshock.viz.synthetic",
    "chainshock.viz.view",
    "chainshock.viz.view_model",
    "chainshock.viz.view_html",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
