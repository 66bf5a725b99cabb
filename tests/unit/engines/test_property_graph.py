"""The property-graph projection both Cypher engines load."""

from __future__ import annotations

import datetime as dt

from minigraph import mini_records

from chainshock.engines.property_graph import (
    NODE_COLUMNS,
    REL_COLUMNS,
    flatten_properties,
    project_tables,
)
from chainshock.graph.snapshot import records_to_tables


def graph():
    return project_tables(records_to_tables(mini_records()), "abc")


def test_every_label_and_type_has_its_fixed_columns_first():
    g = graph()
    assert g.nodes and g.rels
    for label, table in g.nodes.items():
        assert list(table.columns)[: len(NODE_COLUMNS[label])] == list(NODE_COLUMNS[label])
        assert next(iter(table.columns)) == "id"
    types = {r.type for r in g.rels}
    assert set(REL_COLUMNS) <= types  # empty types still get a table
    for r in g.rels:
        assert list(r.columns)[: len(REL_COLUMNS[r.type])] == list(REL_COLUMNS[r.type])
        assert all(row["id"] for row in r.rows)


def test_estimates_are_flattened_and_contract_dates_renamed():
    g = graph()
    produces = next(r for r in g.rels if r.type == "PRODUCES")
    row = next(x for x in produces.rows if x["id"] == "produces:company:sk-hynix->product:hbm")
    assert (row["market_share_low"], row["market_share_base"], row["market_share_high"]) == (0.57, 0.62, 0.64)
    contract = next(x for x in g.nodes["Contract"].rows if x["id"] == "contract:amazon-talen-susquehanna-2025")
    assert contract["end_date"] == dt.date(2042, 12, 31) and "end" not in contract
    assert flatten_properties({"k": {"a": 1}, "l": [1, 2], "m": ("x",)}) == {"k": '{"a":1}', "l": "[1,2]", "m": ["x"]}


def test_evidence_nodes_are_stable_and_cite_their_source():
    a, b = graph(), graph()
    assert [r["id"] for r in a.nodes["Evidence"].rows] == [r["id"] for r in b.nodes["Evidence"].rows]
    cites = next(r for r in a.rels if r.type == "CITES")
    assert len(cites.rows) == len(a.nodes["Evidence"].rows)
    ev = {r["id"]: r for r in a.nodes["Evidence"].rows}
    assert all(ev[c["from"]]["source_id"] == c["to"] for c in cites.rows)
    counts = a.counts()
    assert counts["Company"] == 16 and counts["SUPPLIES"] == 18 and counts["HAS_FACT"] == 6


def test_arrow_tables_keep_types():
    g = graph()
    schema = g.nodes["Company"].arrow().schema
    assert str(schema.field("roles").type) == "list<item: string>"
    assert str(g.nodes["Contract"].arrow().schema.field("end_date").type) == "date32[day]"
    rel = next(r for r in g.rels if r.type == "SUPPLIES").arrow()
    assert rel.column_names[:3] == ["from", "to", "id"]


def test_evidence_ids_rank_rows_in_table_order_sorted_or_not():
    import pyarrow as pa

    from chainshock.engines.property_graph import project_arrow

    tables = {k: pa.Table.from_pandas(v, preserve_index=False) for k, v in records_to_tables(mini_records()).items()}
    for evidence in (tables["evidence"], tables["evidence"].take(list(range(tables["evidence"].num_rows))[::-1])):
        g = project_arrow({**tables, "evidence": evidence})
        seen: dict[str, int] = {}
        expected = []
        for subject in evidence.column("subject_id").to_pylist():
            expected.append(f"evidence:{subject}#{seen.get(subject, 0)}")
            seen[subject] = seen.get(subject, 0) + 1
        rows = g.nodes["Evidence"].rows
        assert [r["id"] for r in rows] == expected
        assert [r["subject_id"] for r in rows] == evidence.column("subject_id").to_pylist()
        supplies = next(r for r in g.rels if r.type == "SUPPLIES")
        for row in supplies.rows:
            assert row["evidence_ids"] == [f"evidence:{row['id']}#{k}" for k in range(seen.get(row["id"], 0))]
