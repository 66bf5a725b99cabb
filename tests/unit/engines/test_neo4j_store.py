"""The MERGE/CREATE loader's statements and parameter batches (no server needed).

A real Neo4j runs them in ``tests/integration`` (same graph as the embedded
engine, idempotent reloads, interrupted loads); here the batches are checked
to carry every row exactly once, grouped the way the statements expect.
"""

from __future__ import annotations

from chainshock.engines.neo4j_store import _between_element_ids, _node_batches, _rel_batches, _runs
from chainshock.engines.property_graph import NodeTable, PropertyGraph, RelTable

EVIDENCE = {"id": "STRING", "quote": "STRING"}


def cites(n_evidence: int, n_sources: int) -> PropertyGraph:
    evidence = [{"id": f"ev{i}", "quote": None if i % 3 else f"q{i}"} for i in range(n_evidence)]
    sources = [{"id": f"src{k}", "quote": None} for k in range(n_sources)]
    rels = [{"from": f"ev{i}", "to": f"src{i % n_sources}", "id": f"ev{i}"} for i in range(n_evidence)]
    rels.append({"from": "ev-missing", "to": "src0", "id": "dangling"})
    return PropertyGraph(
        "h",
        {
            "Evidence": NodeTable.from_rows("Evidence", EVIDENCE, evidence),
            "Source": NodeTable.from_rows("Source", EVIDENCE, sources),
        },
        [RelTable.from_rows("CITES", "Evidence", "Source", {"id": "STRING"}, rels)],
    )


def unrolled(batches):
    """``(key, other, id)`` for every row the batches carry."""
    out = []
    for b in batches:
        for g, key in enumerate(b["keys"]):
            for i in range(b["starts"][g], b["starts"][g + 1]):
                out.append((key, b["other"][i], b["p0"][i]))
    return out


def test_runs_mark_where_each_value_starts():
    assert _runs([]) == ([], [0])
    assert _runs(["a", "a", "b"]) == (["a", "b"], [0, 2, 3])


def test_node_batches_are_columns_that_keep_nulls_and_every_row():
    graph = cites(7, 2)
    q, batches = _node_batches(graph.nodes["Evidence"], 3, merge=False)
    got = list(batches)
    assert [b["n"] for b in got] == [3, 3, 1]
    assert [v for b in got for v in b["p0"]] == [f"ev{i}" for i in range(7)]
    assert [v for b in got for v in b["p1"]][:4] == ["q0", None, None, "q3"]  # null: no property is stored
    assert q.startswith("UNWIND range(0, $n - 1) AS i CREATE (n:`Evidence`)")
    assert "RETURN collect(i) AS rows, collect(elementId(n)) AS element_ids" in q
    merge_q, _ = _node_batches(graph.nodes["Evidence"], 3, merge=True)
    assert "MERGE (n:`Evidence` {id: $p0[i]})" in merge_q and "RETURN" not in merge_q


def test_relationships_group_by_the_end_with_fewer_nodes_and_keep_their_direction():
    graph = cites(10, 2)
    (t,) = graph.rels
    q, batches = _rel_batches(t, 4, merge=True)
    rows = unrolled(batches)
    # grouped by Source (2 distinct) rather than Evidence (11 distinct)
    assert "MATCH (a:`Source` {id: $keys[g]})" in q and "MATCH (b:`Evidence` {id: $other[i]})" in q
    assert "MERGE (b)-[r:`CITES` {id: $p0[i]}]->(a)" in q
    expected = {(r["to"], r["from"], r["id"]) for r in t.rows}
    assert sorted(rows) == sorted(expected) and len(rows) == len(expected)


def test_a_first_load_links_element_ids_and_drops_relationships_to_missing_nodes():
    graph = cites(5, 2)
    element_ids = {label: [f"4:db:{label}{i}" for i in range(len(t))] for label, t in graph.nodes.items()}
    linked = _between_element_ids(graph.rels[0], graph, element_ids)
    assert len(linked) == 5  # the relationship from "ev-missing" is left out, as a MATCH would
    assert linked.table.column("from").to_pylist() == [f"4:db:Evidence{i}" for i in range(5)]
    assert linked.table.column("to").to_pylist() == [f"4:db:Source{i % 2}" for i in range(5)]
    q, batches = _rel_batches(linked, 100, merge=False, by_element_id=True)
    assert "MATCH (a) WHERE elementId(a) = $keys[g]" in q and "CREATE (b)-[r:`CITES`]->(a)" in q
    assert len(unrolled(batches)) == 5


def test_relationships_to_a_label_the_graph_lacks_are_left_out():
    graph = cites(3, 1)
    element_ids = {"Evidence": [f"e{i}" for i in range(3)]}  # no Source nodes were created
    assert len(_between_element_ids(graph.rels[0], graph, element_ids)) == 0
