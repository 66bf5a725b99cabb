"""What the embedded engine refuses before the engine sees it, and plain values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chainshock.engines.embedded import check_statement
from chainshock.engines.result import normalise_rows, to_plain
from chainshock.errors import BackendError


@pytest.mark.parametrize(
    "query",
    [
        "COPY (MATCH (n) RETURN n) TO '/tmp/x.csv'",
        "copy Company FROM '/tmp/x.parquet'",
        "LOAD FROM '/etc/passwd' RETURN *",
        "MATCH (n) WITH n LOAD FROM 'x.csv' RETURN *",
        "EXPORT DATABASE '/tmp/x'",
        "INSTALL httpfs",
        "ATTACH '/tmp/other.lbug' AS o",
        "MATCH (n) RETURN n; MATCH (m) RETURN m",
        "",
        "// nothing but a comment",
    ],
)
def test_refused(query):
    with pytest.raises(BackendError):
        check_statement(query)


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n:Company) WHERE n.name = 'Copy; Load' RETURN n.id AS id;",
        "// LOAD FROM x\nMATCH (n) RETURN count(n) AS n",
        "MATCH (n) WHERE n.note = \"COPY TO\" RETURN n.id",
    ],
)
def test_allowed(query):
    check_statement(query)


def test_plain_values():
    assert to_plain(Decimal("7")) == 7 and to_plain(Decimal("0.25")) == 0.25
    assert to_plain(dt.date(2026, 1, 2)) == "2026-01-02"
    assert to_plain(float("nan")) is None
    rel = {"_SRC": {}, "_DST": {}, "_ID": {}, "_LABEL": "SUPPLIES", "id": "e", "x": None}
    assert to_plain(rel) == {"_type": "SUPPLIES", "id": "e"}
    assert to_plain({"_NODES": [{"_LABEL": "Company", "id": "a"}], "_RELS": []}) == {
        "nodes": [{"_label": "Company", "id": "a"}], "relationships": []}
    assert normalise_rows([[Decimal("3"), "x"]]) == normalise_rows([[3.0000000001, "x"]])
    assert normalise_rows([[1]]) != normalise_rows([[2]])
