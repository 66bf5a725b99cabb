"""Two purposes, two keys: a typed lookup is loose, a filed name is strict."""

from __future__ import annotations

import pytest

from chainshock.graph.names import entity_key, lookup_key, slug


@pytest.mark.parametrize(
    ("name", "loose", "strict"),
    [
        ("Micron Technology, Inc.", "micron", "micron technology"),
        ("Broadcom Inc.", "broadcom", "broadcom"),
        ("Meta Platforms, Inc.", "meta", "meta platforms"),
        ("NVIDIA CORP/CA", "nvidia ca", "nvidia"),
    ],
)
def test_lookup_is_loose_and_resolution_strict(name, loose, strict):
    assert lookup_key(name) == loose
    assert entity_key(name) == strict


def test_strict_key_keeps_the_words_that_tell_firms_apart():
    assert entity_key("Micron Technology") != entity_key("Micron Solutions")
    assert lookup_key("Samsung Electronics Co., Ltd.") == "samsung"


def test_slug_builds_on_the_strict_key():
    assert slug("SK Hynix Inc.") == "sk-hynix"
    assert slug("!!!") == "unnamed"
