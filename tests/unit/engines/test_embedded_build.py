"""The embedded build: node tables copied on a second thread while the relationships are projected."""

from __future__ import annotations

import threading
from pathlib import Path

import pyarrow as pa
import pytest
from minigraph import mini_records

from chainshock.engines.embedded import EmbeddedEngine, _build, build_database
from chainshock.engines.property_graph import NodeTable, project_nodes, project_rels, project_tables
from chainshock.errors import BackendError
from chainshock.graph.snapshot import records_to_tables


def arrow_tables():
    return {k: pa.Table.from_pandas(v, preserve_index=False) for k, v in records_to_tables(mini_records()).items()}


def counts(path: Path) -> dict[str, int]:
    with EmbeddedEngine(path) as engine:
        nodes = engine.run("MATCH (n) RETURN label(n) AS l, count(*) AS n").rows
        rels = engine.run("MATCH ()-[r]->() RETURN label(r) AS l, count(*) AS n").rows
    return {str(k): int(v) for k, v in [*nodes, *rels]}


def test_two_stage_build_holds_what_the_whole_projection_holds(tmp_path):
    stage = project_nodes(arrow_tables())
    seen: list[str] = []

    def rels():
        seen.append(threading.current_thread().name)
        return project_rels(stage)

    _build(tmp_path / "staged.lbug", stage.nodes, rels)
    build_database(project_tables(records_to_tables(mini_records())), tmp_path / "whole.lbug")
    assert seen == [threading.main_thread().name]  # projected here while the nodes were copied there
    staged = counts(tmp_path / "staged.lbug")
    assert staged == counts(tmp_path / "whole.lbug")
    assert staged["SUPPLIES"] == 18 and staged["Company"] == 16


def test_a_failed_node_copy_is_the_error_even_when_the_relationships_fail_too(tmp_path):
    stage = project_nodes(arrow_tables())
    company = stage.nodes["Company"]
    twice = NodeTable("Company", company.columns, pa.concat_tables([company.table, company.table]))
    nodes = {**stage.nodes, "Company": twice}  # duplicate primary keys: the COPY fails

    def rels():
        raise ValueError("projection failed")

    with pytest.raises(BackendError, match="cannot build the embedded database"):
        _build(tmp_path / "bad.lbug", nodes, rels)


def test_a_failed_projection_surfaces_after_the_copy_ends(tmp_path):
    stage = project_nodes(arrow_tables())

    def rels():
        raise ValueError("projection failed")

    with pytest.raises(ValueError, match="projection failed"):
        _build(tmp_path / "half.lbug", stage.nodes, rels)
