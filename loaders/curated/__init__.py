"""Load the curated, cited dataset (``data/*.yaml``) into graph records.

Every row is validated against :mod:`chainshock.graph.schema`; the first
problem stops the load with a :class:`~chainshock.errors.DataError` naming
the file, the line, the field and what is wrong. Nothing is written here:
the builder writes a snapshot only after every row has passed.

Examples
--------
>>> from chainshock.data import data_dir
>>> records, where = load_curated(data_dir())
>>> len(records.nodes) > 50
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from chainshock.errors import DataError
from chainshock.graph.schema import (
    Company,
    Contract,
    Country,
    Edge,
    Estimate,
    Evidence,
    Fact,
    GraphRecords,
    Index,
    Product,
    Source,
    edge_id,
)
from chainshock.yamlio import KEY_LINES, LINE, line_of, load_yaml, strip_marks

__all__ = ["CURATED_FILES", "load_curated"]

CURATED_FILES = (
    "sources.yaml",
    "countries.yaml",
    "companies.yaml",
    "products.yaml",
    "contracts.yaml",
    "indexes.yaml",
    "facts.yaml",
)
_EDGE_KEYS = {"type", "source", "target", "evidence", "id", LINE, KEY_LINES}
_ESTIMATE_KEYS = {
    "cost_share",
    "capex_share",
    "revenue_share",
    "market_share",
    "fixed_share",
    "weight",
    "amount_usd",
    "stake",
}
M = TypeVar("M", bound=BaseModel)


class _File:
    """One YAML file being read: its path (as shown to users) and rows."""

    def __init__(self, path: Path, shown: str):
        self.path = path
        self.shown = shown
        raw = load_yaml(path)
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise DataError(f"{shown}:1: expected a list of rows (each starting with '- '), got {type(raw).__name__}")
        self.rows: list[Any] = raw

    def where(self, row: Any, loc: tuple[Any, ...] = ()) -> str:
        line = line_of(row, loc)
        return f"{self.shown}:{line}" if line else self.shown

    def rows_checked(self) -> Iterator[dict[str, Any]]:
        for i, row in enumerate(self.rows):
            if not isinstance(row, dict):
                raise DataError(f"{self.shown}: row {i + 1} is a {type(row).__name__}, expected a mapping")
            yield row

    def fail(self, row: Any, loc: tuple[Any, ...], message: str) -> DataError:
        field = ".".join(str(p) for p in loc) if loc else None
        label = None
        if isinstance(row, dict):
            label = row.get("id") or row.get("name")
            if not label and row.get("source") and row.get("target"):
                label = f"{row.get('type', 'edge')} {row['source']} -> {row['target']}"
        parts = [self.where(row, loc)]
        if label:
            parts.append(str(label))
        if field:
            parts.append(field)
        return DataError(": ".join(parts) + f": {message}")

    def model(self, cls: type[M], row: dict[str, Any], data: dict[str, Any], prefix: tuple[Any, ...] = ()) -> M:
        try:
            return cls.model_validate(data)
        except ValidationError as err:
            first = err.errors()[0]
            loc = prefix + tuple(p for p in first["loc"] if p != "__root__")
            raise self.fail(row, loc, _message(first)) from None


def _message(error: Any) -> str:
    msg = str(error.get("msg", "invalid"))
    msg = re.sub(r"^Value error, ", "", msg)
    if error.get("type") == "missing":
        return "is required"
    if error.get("type") == "extra_forbidden":
        return "is not a known field (check the spelling against data/README.md)"
    value = error.get("input")
    if value is not None and not isinstance(value, dict | list):
        return f"{msg} (got {value!r})"
    return msg


_XBRL_TAG = re.compile(r"\b[a-z][a-z0-9-]*:[A-Z][A-Za-z0-9]+\b")


def _evidence(
    file: _File, row: dict[str, Any], key: str = "evidence", method: str = "curated"
) -> tuple[Evidence, ...]:
    """Evidence rows of ``row``; ``method`` is the default (``inferred`` on an inferred edge).

    An XBRL citation (``method: xbrl``) names the tag in its ``locator`` and
    needs no quote: the filing holds a tagged number, not a sentence.
    """
    raw = row.get(key)
    if raw is None:
        raise file.fail(row, (key,), "is required: every row cites a source, an as_of date and a quote")
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise file.fail(row, (key, i), "must be a mapping with source, as_of and quote")
        data = strip_marks(item)
        if "source" in data:
            data["source_id"] = data.pop("source")
        data.setdefault("method", method)
        needed_keys: tuple[str, ...] = ("source_id", "as_of", "quote")
        if data["method"] == "xbrl":
            needed_keys = ("source_id", "as_of")
            if not _XBRL_TAG.search(str(data.get("locator") or "")):
                loc = (key, i) if isinstance(raw, list) else (key,)
                raise file.fail(row, loc, "XBRL evidence needs a locator naming the tag, e.g. 'us-gaap:Revenues, accn ...'")
            data.setdefault("quote", "")
        for needed in needed_keys:
            if not data.get(needed):
                name = "source" if needed == "source_id" else needed
                loc = (key, i) if isinstance(raw, list) else (key,)
                raise file.fail(row, loc, f"evidence needs a non-empty '{name}'")
        loc_prefix: tuple[Any, ...] = (key, i) if isinstance(raw, list) else (key,)
        out.append(file.model(Evidence, row, data, loc_prefix))
    return tuple(out)


def _estimates(file: _File, row: dict[str, Any], data: dict[str, Any], keys: set[str]) -> None:
    for key in keys:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise file.fail(
                row, (key,), "an estimate must be {low, base, high, basis} (a single number hides its uncertainty)"
            )
        data[key] = file.model(Estimate, row, value, (key,))


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _company(file: _File, row: dict[str, Any]) -> Company:
    data = strip_marks(row)
    for i, alias in enumerate(data.get("aliases") or []):
        if not _balanced(str(alias)):
            raise file.fail(
                row, ("aliases", i),
                f"alias {alias!r} has unbalanced parentheses: a comma inside [a, b (c, d)] splits the alias; "
                'quote it: ["b (c, d)"]',
            )
    data["evidence"] = _evidence(file, row)
    _estimates(file, row, data, {"pass_through", "cost_base_usd"})
    if isinstance(data.get("cik"), int):
        data["cik"] = str(data["cik"])
    return file.model(Company, row, data)


def _simple(cls: type[M], estimates: set[str]) -> Callable[[_File, dict[str, Any]], M]:
    def parse(file: _File, row: dict[str, Any]) -> M:
        data = strip_marks(row)
        data["evidence"] = _evidence(file, row)
        _estimates(file, row, data, estimates)
        return file.model(cls, row, data)

    return parse


def _edge(file: _File, row: dict[str, Any], extra_evidence: tuple[Evidence, ...] = ()) -> Edge:
    for key in ("type", "source", "target"):
        if not row.get(key):
            raise file.fail(row, (key,), "is required")
    props = {k: strip_marks(v) for k, v in row.items() if k not in _EDGE_KEYS}
    _estimates(file, row, props, _ESTIMATE_KEYS)
    evidence = extra_evidence or _evidence(file, row, method="inferred" if row.get("inferred") else "curated")
    type_ = str(row["type"]).upper()
    qualifier = props.get("product") if type_ == "SUPPLIES" else None
    data = {
        "id": row.get("id") or edge_id(type_, row["source"], row["target"], qualifier),
        "type": type_,
        "source": row["source"],
        "target": row["target"],
        "properties": props,
        "evidence": evidence,
    }
    return file.model(Edge, row, data)


def _contract(file: _File, row: dict[str, Any], records: GraphRecords, where: dict[str, str]) -> None:
    data = strip_marks(row)
    evidence = _evidence(file, row)
    parties = data.pop("parties", None)
    data.pop("covers", None)  # expanded into COVERS edges below
    if not parties:
        raise file.fail(row, ("parties",), "a contract needs parties [{company, role}]")
    data["evidence"] = evidence
    _estimates(file, row, data, {"value_usd"})
    contract = file.model(Contract, row, data)
    records.nodes.append(contract)
    where[contract.id] = file.where(row)
    for i, party in enumerate(row.get("parties") or []):
        if not isinstance(party, dict) or "company" not in party or "role" not in party:
            raise file.fail(row, ("parties", i), "each party needs company and role")
        edge = Edge(
            id=edge_id("PARTY_TO", party["company"], contract.id),
            type="PARTY_TO",  # type: ignore[arg-type]
            source=party["company"],
            target=contract.id,
            properties={"role": party["role"]},
            evidence=evidence,
        )
        records.edges.append(edge)
        where[edge.id] = file.where(row, ("parties", i))
    for i, cover in enumerate(row.get("covers") or []):
        if not isinstance(cover, dict) or "product" not in cover:
            raise file.fail(row, ("covers", i), "each cover needs a product")
        props = {k: strip_marks(v) for k, v in cover.items() if k not in (LINE, KEY_LINES, "product")}
        _estimates(file, cover, props, {"fixed_share"})
        terms = props.get("price_terms")
        if terms not in ("fixed", "indexed", "cost_plus", "capped"):
            raise file.fail(
                row, ("covers", i, "price_terms"), f"must be fixed, indexed, cost_plus or capped (got {terms!r})"
            )
        edge = Edge(
            id=edge_id("COVERS", contract.id, cover["product"]),
            type="COVERS",  # type: ignore[arg-type]
            source=contract.id,
            target=cover["product"],
            properties=props,
            evidence=evidence,
        )
        records.edges.append(edge)
        where[edge.id] = file.where(row, ("covers", i))


def _index(file: _File, row: dict[str, Any], records: GraphRecords, where: dict[str, str]) -> None:
    data = strip_marks(row)
    data.pop("constituents", None)
    data["evidence"] = _evidence(file, row)
    _estimates(file, row, data, {"market_cap_usd"})
    index = file.model(Index, row, data)
    records.nodes.append(index)
    where[index.id] = file.where(row)
    for i, member in enumerate(row.get("constituents") or []):
        if not isinstance(member, dict) or "company" not in member:
            raise file.fail(row, ("constituents", i), "each constituent needs company, weight, as_of, evidence")
        edge_row = dict(member)
        edge_row.update({"type": "CONSTITUENT_OF", "source": member["company"], "target": index.id})
        edge_row.pop("company")
        edge_row[KEY_LINES] = member.get(KEY_LINES, {})
        edge_row[LINE] = member.get(LINE)
        if "as_of" in edge_row and hasattr(edge_row["as_of"], "isoformat"):
            edge_row["as_of"] = edge_row["as_of"].isoformat()
        edge = _edge(file, edge_row)
        records.edges.append(edge)
        where[edge.id] = file.where(member)


def _fact(file: _File, row: dict[str, Any]) -> Fact:
    data = strip_marks(row)
    evidence = _evidence(file, row)
    data["evidence"] = evidence
    data.setdefault("source_id", evidence[0].source_id)
    _estimates(file, row, data, {"estimate"})
    company = str(data.get("company", "")).split(":", 1)[-1]
    period = data.get("fiscal_period", "FY")
    data.setdefault("id", f"fact:{company}:{data.get('metric')}:{data.get('fiscal_year')}:{period}:curated")
    return file.model(Fact, row, data)


def load_curated(root: Path) -> tuple[GraphRecords, dict[str, str]]:
    """Read every curated file under ``root``.

    Returns
    -------
    records : GraphRecords
    where : dict
        record id -> ``"file:line"`` for pointing validation problems at data.

    Raises
    ------
    DataError
        On the first malformed row, naming the file, line and field.
    """
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"curated data directory {root} does not exist")
    records = GraphRecords()
    where: dict[str, str] = {}

    def open_file(rel: str) -> _File | None:
        path = root / rel
        if not path.exists():
            return None
        return _File(path, _shown(path))

    parsers: dict[str, Callable[[_File, dict[str, Any]], Any]] = {
        "countries.yaml": _simple(Country, set()),
        "companies.yaml": _company,
        "products.yaml": _simple(Product, {"market_size_usd"}),
    }
    if (f := open_file("sources.yaml")) is None:
        raise DataError(f"{root}/sources.yaml is missing: every row must cite a source listed there")
    for row in f.rows_checked():
        source = f.model(Source, row, strip_marks(row))
        records.sources.append(source)
        where[source.id] = f.where(row)
    for name, parse in parsers.items():
        if (f := open_file(name)) is None:
            continue
        for row in f.rows_checked():
            node = parse(f, row)
            records.nodes.append(node)
            where[node.id] = f.where(row)
    if (f := open_file("contracts.yaml")) is not None:
        for row in f.rows_checked():
            _contract(f, row, records, where)
    if (f := open_file("indexes.yaml")) is not None:
        for row in f.rows_checked():
            _index(f, row, records, where)
    for path in sorted((root / "edges").glob("*.yaml")):
        f = _File(path, _shown(path))
        for row in f.rows_checked():
            edge = _edge(f, row)
            records.edges.append(edge)
            where.setdefault(edge.id, f.where(row))
    fact_files = [open_file("facts.yaml")] + [_File(p, _shown(p)) for p in sorted((root / "facts").glob("*.yaml"))]
    for f in fact_files:
        if f is None:
            continue
        for row in f.rows_checked():
            fact = _fact(f, row)
            records.facts.append(fact)
            where[fact.id] = f.where(row)
    return records, where


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
