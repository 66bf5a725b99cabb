"""The CSV files and importer arguments of ``neo4j load --bulk`` (no server needed)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from minigraph import mini_records

from chainshock.engines.neo4j_bulk import (
    _empty_list_fixes,
    import_arguments,
    node_header,
    rel_header,
    write_import_csv,
)
from chainshock.engines.property_graph import NodeTable, PropertyGraph, RelTable, project_tables
from chainshock.errors import BackendError
from chainshock.graph.snapshot import records_to_tables


def tiny(names: list[str | None], roles: list[list[str] | None]) -> PropertyGraph:
    cols = {"id": "STRING", "name": "STRING", "roles": "STRING[]", "founded": "DATE", "share": "DOUBLE",
            "n": "INT64", "listed": "BOOLEAN"}
    rows = [
        {"id": f"c{i}", "name": name, "roles": r, "founded": dt.date(2020, 1, i + 1), "share": 0.1 * (i + 1),
         "n": i, "listed": i % 2 == 0}
        for i, (name, r) in enumerate(zip(names, roles, strict=True))
    ]
    rels = [RelTable.from_rows("SUPPLIES", "Company", "Company", {"id": "STRING", "lag_quarters": "INT64"},
                               [{"from": "c0", "to": "c1", "id": "s0", "lag_quarters": None}])]
    return PropertyGraph("h", {"Company": NodeTable.from_rows("Company", cols, rows)}, rels)


def read(path: Path) -> list[list[str]]:
    with open(path, newline="") as fh:
        return list(csv.reader(fh))


def raw(path: Path) -> list[str]:
    return path.read_text().splitlines()


def test_headers_are_typed_with_store_ids():
    assert node_header("Company", {"id": "STRING", "share": "DOUBLE", "on": "DATE"}) == [
        ":ID", "id:string", "share:double", "on:date", ":LABEL"]
    assert rel_header("CITES", "Evidence", "Source", {"id": "STRING", "w": "BOOLEAN", "l": "STRING[]"}) == [
        ":START_ID", ":END_ID", "id:string", "w:boolean", "l:string[]", ":TYPE"]
    with pytest.raises(BackendError):
        node_header("Company", {"id": "STRING", "bad:name": "STRING"})
    with pytest.raises(BackendError):
        rel_header("SUPPLIES`) DELETE", "Company", "Company", {"id": "STRING"})


def test_null_is_an_empty_field_and_empty_string_is_quoted(tmp_path):
    files = write_import_csv(tiny([None, "", 'Say "hi", ok'], [["a", "b"], [], None]), tmp_path)
    lines = raw(files.nodes[0])
    assert lines[0] == ":ID,id:string,name:string,roles:string[],founded:date,share:double,n:long,listed:boolean,:LABEL"
    first, second, third = lines[1:]
    assert first.startswith('0,"c0",,"a;b",2020-01-01,0.1,0,true,')  # None -> nothing between the commas
    assert second.startswith('1,"c1","","",')  # "" and [] -> a quoted empty string
    assert third.startswith('2,"c2","Say ""hi"", ok",,')  # quotes doubled (RFC 4180), None list -> empty field
    assert [r[-1] for r in read(files.nodes[0])[1:]] == ["Company"] * 3
    rel = read(files.relationships[0])
    assert rel[0] == [":START_ID", ":END_ID", "id:string", "lag_quarters:long", ":TYPE"]
    assert rel[1] == ["0", "1", "s0", "", "SUPPLIES"]  # c0 -> c1 as store ids


def test_floats_round_trip_exactly(tmp_path):
    g = tiny(["a", "b", "c"], [[], [], []])
    rows = g.nodes["Company"].rows
    for row, share in zip(rows, [0.1 + 0.2, 8.2999e10, 1.23456789012345e-7], strict=True):
        row["share"] = share
    companies = NodeTable.from_rows("Company", g.nodes["Company"].columns, rows)
    g = PropertyGraph("h", {"Company": companies}, g.rels)
    files = write_import_csv(g, tmp_path)
    shares = [float(r[5]) for r in read(files.nodes[0])[1:]]
    assert shares == [0.1 + 0.2, 8.2999e10, 1.23456789012345e-7]


def test_store_ids_number_all_labels_and_drop_dangling_ends(tmp_path):
    g = project_tables(records_to_tables(mini_records()), "h")
    extra = RelTable.from_rows("SUPPLIES", "Company", "Company", {"id": "STRING"},
                     [{"from": "company:nvidia", "to": "company:nobody", "id": "dangling"}])
    g = PropertyGraph("h", g.nodes, [*g.rels, extra])
    files = write_import_csv(g, tmp_path)
    store: dict[str, str] = {}
    for path in files.nodes:
        for row in read(path)[1:]:
            store[row[0]] = row[1]
    assert sorted(map(int, store)) == list(range(sum(len(t.rows) for t in g.nodes.values())))
    seen = set()
    for path, rt in zip(files.relationships, [r for r in g.rels if r.rows], strict=False):
        for row in read(path)[1:]:
            seen.add((rt.type, store[row[0]], store[row[1]], row[2]))
    expected = {(r.type, row["from"], row["to"], row["id"]) for r in g.rels[:-1] for row in r.rows}
    assert seen == expected  # every relationship once, between the right nodes; the dangling one dropped


def test_array_delimiter_avoids_characters_in_list_items(tmp_path):
    files = write_import_csv(tiny(["a", "b"], [["x;y"], ["z"]]), tmp_path / "one")
    assert files.array_delimiter == "|"
    assert '"x;y"' in raw(files.nodes[0])[1]
    files = write_import_csv(tiny(["a", "b"], [["x;y"], ["p|q"]]), tmp_path / "two")
    assert files.array_delimiter == "\x1f"
    assert "--array-delimiter=U+001F" in import_arguments(files, tmp_path / "r")


def test_a_delimiter_in_relationship_lists_rewrites_the_node_files_too(tmp_path):
    g = tiny(["a", "b"], [["x"], ["y"]])
    rel = RelTable.from_rows("SUPPLIES", "Company", "Company", {"id": "STRING", "evidence_ids": "STRING[]"},
                   [{"from": "c0", "to": "c1", "id": "s0", "evidence_ids": ["ev;1", "ev2"]}])
    files = write_import_csv(PropertyGraph("h", g.nodes, [rel]), tmp_path)
    assert files.array_delimiter == "|"
    assert read(files.relationships[0])[1][3] == "ev;1|ev2"
    assert read(files.nodes[0])[1][3] == "x"


def test_newlines_switch_on_multiline_fields(tmp_path):
    plain = write_import_csv(tiny(["a", "b"], [[], []]), tmp_path / "plain")
    assert not plain.multiline and "--multiline-fields=true" not in import_arguments(plain, tmp_path / "r")
    multi = write_import_csv(tiny(["line\nbreak", "b"], [[], []]), tmp_path / "multi")
    assert multi.multiline and "--multiline-fields=true" in import_arguments(multi, tmp_path / "r")


def test_importer_arguments_put_the_database_first(tmp_path):
    files = write_import_csv(project_tables(records_to_tables(mini_records()), "h"), tmp_path)
    args = import_arguments(files, tmp_path / "import.report")
    assert args[:5] == ["database", "import", "full", "neo4j", "--overwrite-destination=true"]
    assert "--bad-tolerance=0" in args
    assert sum(a.startswith("--nodes=") for a in args) == len(files.nodes) == 8
    assert sum(a.startswith("--relationships=") for a in args) == len(files.relationships)
    assert all(Path(a.split("=", 1)[1]).exists() for a in args if a.startswith(("--nodes=", "--relationships=")))


def test_empty_lists_are_restored_label_wide_or_by_id():
    whole = _empty_list_fixes(tiny(["a", "b"], [["x"], []]))
    assert [q for q, _ in whole] == [
        "MATCH (x:`Company`) WHERE x.`roles` IS NULL CALL (x) { SET x.`roles` = [] } IN TRANSACTIONS OF 250000 ROWS"
    ]
    by_id = _empty_list_fixes(tiny(["a", "b", "c"], [["x"], [], None]))
    assert len(by_id) == 1 and by_id[0][1] == {"ids": ["c1"]}
    assert _empty_list_fixes(tiny(["a"], [["x"]])) == []
