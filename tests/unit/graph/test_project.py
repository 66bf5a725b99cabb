import pytest
from support import MINI

from chainshock.build import build
from chainshock.graph.project import supply_flow_graph, to_networkx
from chainshock.graph.snapshot import read_snapshot
from chainshock.queries.matrices import build_system


@pytest.fixture(scope="module")
def snap(tmp_path_factory):
    path = tmp_path_factory.mktemp("project") / "graph"
    build(path, MINI)
    return read_snapshot(path)


def test_networkx_projection_keeps_every_node_and_edge(snap):
    g = to_networkx(snap, with_evidence=True)
    assert g.number_of_nodes() == len(snap.nodes)
    assert g.number_of_edges() == len(snap.edges)
    data = g.get_edge_data("company:sk-hynix", "product:hbm")["produces:company:sk-hynix->product:hbm"]
    assert data["type"] == "PRODUCES"
    assert data["market_share"]["base"] == 0.62
    assert data["evidence"][0]["quote"].startswith("SK hynix stood")
    assert g.nodes["company:nvidia"]["ticker"] == "NVDA"


def test_supply_flow_runs_supplier_to_buyer(snap):
    g = supply_flow_graph(snap)
    # USES is stored buyer -> product; the flow runs product -> buyer
    assert g.has_edge("product:hbm", "company:nvidia")
    assert not g.has_edge("company:nvidia", "product:hbm")
    assert g["product:hbm"]["company:nvidia"]["edges"] == [("uses:company:nvidia->product:hbm", True)]
    assert "contract:hynix-nvidia-hbm-2026" not in g


def test_sparse_cost_share_projection(snap):
    system = build_system(snap.nodes, snap.edges)
    a = system.coefficients("base").toarray()
    i, j = system.ids.index("product:hbm"), system.ids.index("company:nvidia")
    assert a[i, j] == pytest.approx(0.3)
    k, p = system.ids.index("company:sk-hynix"), system.ids.index("product:hbm")
    assert a[k, p] == pytest.approx(0.62)
    assert set(system.ids) == set(snap.nodes[snap.nodes["label"].isin(["Company", "Product"])]["id"])
