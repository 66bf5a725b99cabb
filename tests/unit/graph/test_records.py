"""The typed read side: a snapshot's rows decoded once into records."""

from __future__ import annotations

import pytest
from support import MINI

from chainshock.build import build
from chainshock.errors import DataError, NotFoundError
from chainshock.graph import records as records_mod
from chainshock.graph.records import decode_estimate
from chainshock.graph.schema import Estimate
from chainshock.graph.snapshot import read_snapshot


@pytest.fixture(scope="module")
def snap(tmp_path_factory):
    out = tmp_path_factory.mktemp("records") / "graph"
    build(out, MINI)
    return read_snapshot(out)


def test_every_row_becomes_a_record_with_its_properties(snap):
    nodes = snap.node_records()
    assert list(nodes) == list(snap.nodes["id"])
    edges = snap.edge_records()
    assert [e.id for e in edges] == list(snap.edges["id"])
    uses = [e for e in edges if e.type == "USES"]
    assert uses, "the mini dataset has USES edges"
    for edge in uses:
        share = edge.estimate("cost_share")
        assert isinstance(share, Estimate)
        assert share.low <= share.base <= share.high
        assert share.basis


def test_companies_keep_their_listing_and_roles(snap):
    companies = [n for n in snap.node_records().values() if n.label == "Company"]
    assert companies
    assert all(n.roles for n in companies)
    listed = [n for n in companies if n.ticker]
    assert listed, "the mini dataset lists some companies"
    row = snap.nodes.set_index("id").loc[listed[0].id]
    assert listed[0].ticker == row["ticker"]


def test_properties_are_decoded_once_per_snapshot(snap, monkeypatch):
    snap.node_records()
    snap.edge_records()
    calls = []
    real = records_mod.decode_json
    monkeypatch.setattr(records_mod, "decode_json", lambda text: calls.append(text) or real(text))
    first = next(iter(snap.node_records()))
    snap.node(first)
    snap.node_props(first)
    snap.edge_records()
    assert calls == []


def test_records_are_read_only(snap):
    node = next(iter(snap.node_records().values()))
    with pytest.raises(TypeError):
        node.properties["name"] = "changed"  # type: ignore[index]


def test_an_unknown_node_says_so(snap):
    with pytest.raises(NotFoundError, match="no node 'company:nobody'"):
        snap.node("company:nobody")
    assert snap.node_props("company:nobody") == {}


@pytest.mark.parametrize(
    ("value", "triple"),
    [
        ({"low": 0.1, "base": 0.2, "high": 0.3, "basis": "b"}, (0.1, 0.2, 0.3)),
        ({"base": 0.2}, (0.2, 0.2, 0.2)),
        ('{"low":1,"base":2,"high":3,"basis":"json text"}', (1.0, 2.0, 3.0)),
        (0.4, (0.4, 0.4, 0.4)),
        (3, (3.0, 3.0, 3.0)),
    ],
)
def test_one_decoder_for_every_stored_form(value, triple):
    assert decode_estimate(value).triple() == triple


def test_the_decoder_refuses_what_is_not_a_range():
    with pytest.raises(DataError, match="edge-x: weight: range must satisfy"):
        decode_estimate({"low": 0.5, "base": 0.2, "high": 0.3}, where="edge-x: weight")
    with pytest.raises(DataError, match="expected an estimate"):
        decode_estimate(True)
    assert decode_estimate(None) is None
    assert decode_estimate(float("nan")) is None
