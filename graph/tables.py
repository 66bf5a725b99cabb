"""Records to tables: how validated records become the snapshot's five tables.

The write-side encoding, kept apart from the file handling in
:mod:`chainshock.graph.snapshot`: each table's column types, one row per
record sorted by key, properties as canonical JSON (so that equal data gives
equal bytes), evidence in a table of its own. The read side
(:mod:`chainshock.graph.records`) decodes what this writes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import pandas as pd
import pyarrow as pa

from .schema import Estimate, Evidence, GraphRecords

__all__ = ["TABLES", "canonical_json", "records_to_tables", "to_arrow"]

TABLES = ("nodes", "edges", "evidence", "facts", "sources")

_SCHEMAS: dict[str, pa.Schema] = {
    "nodes": pa.schema(
        [
            ("id", pa.string()),
            ("label", pa.string()),
            ("name", pa.string()),
            ("roles", pa.list_(pa.string())),
            ("ticker", pa.string()),
            ("cik", pa.string()),
            ("properties", pa.string()),
        ]
    ),
    "edges": pa.schema(
        [
            ("id", pa.string()),
            ("type", pa.string()),
            ("source", pa.string()),
            ("target", pa.string()),
            ("product", pa.string()),
            ("properties", pa.string()),
        ]
    ),
    "evidence": pa.schema(
        [
            ("subject_id", pa.string()),
            ("source_id", pa.string()),
            ("locator", pa.string()),
            ("quote", pa.string()),
            ("method", pa.string()),
            ("confidence", pa.float64()),
            ("as_of", pa.date32()),
        ]
    ),
    "facts": pa.schema(
        [
            ("id", pa.string()),
            ("company", pa.string()),
            ("metric", pa.string()),
            ("fiscal_year", pa.int64()),
            ("fiscal_period", pa.string()),
            ("period_start", pa.date32()),
            ("period_end", pa.date32()),
            ("value", pa.float64()),
            ("unit", pa.string()),
            ("source_id", pa.string()),
            ("concept", pa.string()),
            ("estimate", pa.string()),
        ]
    ),
    "sources": pa.schema(
        [
            ("id", pa.string()),
            ("kind", pa.string()),
            ("title", pa.string()),
            ("url", pa.string()),
            ("publisher", pa.string()),
            ("accession", pa.string()),
            ("form", pa.string()),
            ("cik", pa.string()),
            ("filed", pa.date32()),
            ("as_of", pa.date32()),
            ("reliability", pa.string()),
        ]
    ),
}


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces, so equal data gives equal bytes.

    Dates become ISO strings and an :class:`Estimate` its fields.

    >>> import datetime as dt
    >>> canonical_json({"b": 1, "a": dt.date(2025, 9, 30)})
    '{"a":"2025-09-30","b":1}'
    """

    def default(obj: Any) -> Any:
        if isinstance(obj, Estimate):
            return obj.model_dump(mode="json")
        if isinstance(obj, dt.date):
            return obj.isoformat()
        raise TypeError(f"not JSON serialisable: {type(obj).__name__}")

    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=default)


def _evidence_rows(subject: str, evidence: Iterable[Evidence]) -> list[dict[str, Any]]:
    return [
        {
            "subject_id": subject,
            "source_id": ev.source_id,
            "locator": ev.locator,
            "quote": ev.quote,
            "method": ev.method,
            "confidence": ev.confidence,
            "as_of": ev.as_of,
        }
        for ev in evidence
    ]


def records_to_tables(records: GraphRecords) -> dict[str, pd.DataFrame]:
    """Turn validated records into the five snapshot tables (sorted, canonical).

    Parameters
    ----------
    records : GraphRecords
        Records that passed :func:`~chainshock.graph.validate.validate_graph`.

    Returns
    -------
    dict of str to DataFrame
        One frame per name in :data:`TABLES`, rows sorted by key, each node's
        and edge's properties as canonical JSON.

    Examples
    --------
    >>> from chainshock.graph.examples import example_records
    >>> tables = records_to_tables(example_records())
    >>> {name: len(frame) for name, frame in tables.items()}
    {'nodes': 4, 'edges': 3, 'evidence': 6, 'facts': 0, 'sources': 1}
    >>> tables["nodes"].set_index("id").loc["product:hbm", "properties"]
    '{"category":"hbm"}'
    """
    nodes = []
    evidence: list[dict[str, Any]] = []
    for node in records.nodes:
        props = node.properties()
        roles = list(props.pop("roles", []) or [])
        nodes.append(
            {
                "id": node.id,
                "label": node.label,
                "name": node.name,
                "roles": sorted(roles),
                "ticker": props.get("ticker"),
                "cik": props.get("cik"),
                "properties": canonical_json(props),
            }
        )
        evidence.extend(_evidence_rows(node.id, node.evidence))
    edges = []
    for edge in records.edges:
        props = {
            k: (v.model_dump(mode="json") if isinstance(v, Estimate) else v)
            for k, v in edge.properties.items()
        }
        edges.append(
            {
                "id": edge.id,
                "type": str(edge.type),
                "source": edge.source,
                "target": edge.target,
                "product": props.get("product"),
                "properties": canonical_json(props),
            }
        )
        evidence.extend(_evidence_rows(edge.id, edge.evidence))
    facts = []
    for fact in records.facts:
        facts.append(
            {
                "id": fact.id,
                "company": fact.company,
                "metric": fact.metric,
                "fiscal_year": fact.fiscal_year,
                "fiscal_period": fact.fiscal_period,
                "period_start": fact.period_start,
                "period_end": fact.period_end,
                "value": float(fact.value),
                "unit": fact.unit,
                "source_id": fact.source_id,
                "concept": fact.concept,
                "estimate": canonical_json(fact.estimate.model_dump(mode="json"))
                if fact.estimate
                else None,
            }
        )
        evidence.extend(_evidence_rows(fact.id, fact.evidence))
    sources = [
        {
            "id": s.id,
            "kind": s.kind,
            "title": s.title,
            "url": s.url,
            "publisher": s.publisher,
            "accession": s.accession,
            "form": s.form,
            "cik": s.cik,
            "filed": s.filed,
            "as_of": s.as_of,
            "reliability": s.reliability,
        }
        for s in records.sources
    ]
    keys = {
        "nodes": ["id"],
        "edges": ["id"],
        "evidence": ["subject_id", "source_id", "locator", "quote"],
        "facts": ["id"],
        "sources": ["id"],
    }
    rows = {"nodes": nodes, "edges": edges, "evidence": evidence, "facts": facts, "sources": sources}
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        schema = _SCHEMAS[name]
        frame = pd.DataFrame(rows[name], columns=schema.names)
        if not frame.empty:
            frame = frame.sort_values(keys[name], kind="mergesort").reset_index(drop=True)
        tables[name] = frame
    return tables


def to_arrow(name: str, frame: pd.DataFrame) -> pa.Table:
    """``frame`` as an Arrow table with the snapshot's column types for ``name``.

    A table without a fixed schema keeps pandas' types; no pandas metadata
    is stored, so equal frames give equal bytes.

    >>> to_arrow("sources", records_to_tables(GraphRecords())["sources"]).schema.field("filed").type
    DataType(date32[day])
    """
    schema = _SCHEMAS.get(name)
    if schema is None:
        return pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False).replace_schema_metadata(
        None
    )
