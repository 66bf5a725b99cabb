"""The read side of a snapshot: rows decoded once into typed records.

The snapshot stores each node's and edge's label-specific properties as one
canonical JSON string (see :mod:`chainshock.graph.snapshot`), so that the
parquet tables stay flat and byte-identical across builds. Reading code
should never parse that string itself: :class:`~chainshock.graph.snapshot.Snapshot`
decodes it here, once per opened snapshot, into :class:`NodeRecord` and
:class:`EdgeRecord`, and every ``{low, base, high}`` value goes through one
decoder, :func:`decode_estimate`, into the one estimate type,
:class:`~chainshock.graph.schema.Estimate`.

Examples
--------
>>> import pandas as pd
>>> edges = pd.DataFrame({
...     "id": ["uses:company:acme->product:hbm"], "type": ["USES"],
...     "source": ["company:acme"], "target": ["product:hbm"], "product": [None],
...     "properties": ['{"cost_share":{"low":0.1,"base":0.2,"high":0.3,"basis":"fixture","estimate":true}}'],
... })
>>> (edge,) = edge_records(edges)
>>> edge.estimate("cost_share").triple()
(0.1, 0.2, 0.3)
>>> edge.estimate("weight") is None
True
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from chainshock.errors import DataError

from .schema import Estimate

__all__ = [
    "EdgeRecord",
    "NodeRecord",
    "decode_estimate",
    "decode_json",
    "edge_records",
    "node_records",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})
_POINT_BASIS = "a single figure, no range given"


def decode_json(text: Any) -> dict[str, Any]:
    """A snapshot's JSON column value (``properties``, ``estimate``) as a dict.

    This is the one place the read side parses the snapshot's JSON strings.
    Missing values (``None``, ``NaN``, ``""``) decode to ``{}``; a mapping is
    copied as it is (tables built in memory may hold dicts already).

    Parameters
    ----------
    text : str, Mapping or None
        The cell's value.

    Returns
    -------
    dict
        The decoded object.

    Raises
    ------
    DataError
        When the text is not a JSON object: the snapshot is damaged.

    Examples
    --------
    >>> decode_json('{"category":"hbm"}')
    {'category': 'hbm'}
    >>> decode_json(None), decode_json(float("nan")), decode_json("")
    ({}, {}, {})
    """
    if text is None or text == "" or (isinstance(text, float) and math.isnan(text)):
        return {}
    if isinstance(text, Mapping):
        return dict(text)
    try:
        value = json.loads(text)
    except (TypeError, ValueError) as err:
        raise DataError(f"snapshot property {str(text)[:60]!r} is not JSON ({err}); rebuild with `chainshock build`") from err
    if not isinstance(value, dict):
        raise DataError(f"snapshot property {str(text)[:60]!r} is not a JSON object; rebuild with `chainshock build`")
    return value


def decode_estimate(value: Any, where: str = "") -> Estimate | None:
    """The one decoder of a ``{low, base, high}`` value into an :class:`Estimate`.

    Accepts what a snapshot or a hand-built table may hold: an ``Estimate``,
    a mapping with at least ``base`` (a missing ``low``/``high`` is the
    base; a missing ``basis`` says so), a JSON string of such a mapping, or a
    bare number, which becomes a range of width zero whose basis says no
    range was given.

    Parameters
    ----------
    value : Estimate, Mapping, str, float or None
        The stored value.
    where : str, optional
        What the value is (``"edge-id: cost_share"``), for the error message.

    Returns
    -------
    Estimate or None
        ``None`` when the value is missing.

    Raises
    ------
    DataError
        When the value is neither missing nor a range nor a number, or its
        bounds are out of order.

    Examples
    --------
    >>> decode_estimate({"low": 0.1, "base": 0.2, "high": 0.3, "basis": "Epoch AI"}).base
    0.2
    >>> decode_estimate(0.25).triple(), decode_estimate(0.25).basis
    ((0.25, 0.25, 0.25), 'a single figure, no range given')
    >>> decode_estimate(None) is None
    True
    >>> decode_estimate("high", where="x: weight")
    Traceback (most recent call last):
    ...
    chainshock.errors.DataError: x: weight: expected an estimate {low, base, high} or a number, got 'high'
    """
    if value is None or isinstance(value, Estimate):
        return value
    if isinstance(value, str) and value.startswith("{"):
        value = decode_json(value)
    prefix = f"{where}: " if where else ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        v = float(value)
        return _estimate(v, v, v, _POINT_BASIS)
    if isinstance(value, Mapping) and "base" in value:
        base = float(value["base"])
        low, high = float(value.get("low", base)), float(value.get("high", base))
        if not low <= base <= high:
            raise DataError(f"{prefix}range must satisfy low <= base <= high, got {low}, {base}, {high}")
        return _estimate(low, base, high, str(value.get("basis") or "no basis recorded"))
    raise DataError(f"{prefix}expected an estimate {{low, base, high}} or a number, got {value!r}")


def _estimate(low: float, base: float, high: float, basis: str) -> Estimate:
    # The write side validated every field (basis length included) when the
    # snapshot was built; the read side checks only what arithmetic needs,
    # the order of the bounds, and skips pydantic's validation per value.
    return Estimate.model_construct(low=low, base=base, high=high, basis=basis, estimate=True)


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """One row of the ``nodes`` table with its properties decoded.

    Attributes
    ----------
    id, label, name : str
        The node's id (``company:nvidia``), label (``Company``) and name.
    roles : tuple of str
        A company's roles (empty for other labels).
    ticker, cik : str or None
        A company's listing, when it has one.
    properties : Mapping
        The label-specific properties (read-only), as the schema wrote them;
        read ranges through :meth:`estimate`.
    """

    id: str
    label: str
    name: str
    roles: tuple[str, ...] = ()
    ticker: str | None = None
    cik: str | None = None
    properties: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        if not isinstance(self.properties, MappingProxyType):
            object.__setattr__(self, "properties", MappingProxyType(dict(self.properties)))

    def get(self, key: str, default: Any = None) -> Any:
        """A property by name (``default`` when absent).

        >>> NodeRecord("product:hbm", "Product", "HBM", properties={"category": "hbm"}).get("category")
        'hbm'
        """
        return self.properties.get(key, default)

    def estimate(self, key: str) -> Estimate | None:
        """A range property (``pass_through``, ``market_size_usd``, ...) as an :class:`Estimate`.

        >>> node = NodeRecord("company:acme", "Company", "Acme",
        ...                   properties={"pass_through": {"low": 0.4, "base": 0.5, "high": 0.6, "basis": "b"}})
        >>> node.estimate("pass_through").base
        0.5
        """
        return decode_estimate(self.properties.get(key), f"{self.id}: {key}")

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other names the node answers to (curated ``aliases``)."""
        return tuple(str(a) for a in self.properties.get("aliases", ()) or ())

    @property
    def category(self) -> str:
        """A product's category (``hbm``, ``ai_server``, ...); ``""`` for other labels."""
        return str(self.properties.get("category") or "")

    def flat(self) -> dict[str, Any]:
        """The node as one flat dict (columns and properties), for display and JSON.

        >>> NodeRecord("company:acme", "Company", "Acme", ("foundry",), properties={"country": "country:tw"}).flat()
        {'id': 'company:acme', 'label': 'Company', 'name': 'Acme', 'roles': ['foundry'], 'country': 'country:tw'}
        """
        out: dict[str, Any] = {"id": self.id, "label": self.label, "name": self.name, "roles": list(self.roles)}
        out.update(self.properties)
        return out


@dataclass(frozen=True, slots=True)
class EdgeRecord:
    """One row of the ``edges`` table with its properties decoded.

    Attributes
    ----------
    id, type, source, target : str
        The edge's id, type (``SUPPLIES``, ...) and endpoints (supplier → buyer).
    product : str or None
        The product a ``SUPPLIES`` edge carries, when it names one.
    properties : Mapping
        The type-specific properties (read-only); read ranges through :meth:`estimate`.
    """

    id: str
    type: str
    source: str
    target: str
    product: str | None = None
    properties: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        if not isinstance(self.properties, MappingProxyType):
            object.__setattr__(self, "properties", MappingProxyType(dict(self.properties)))

    def get(self, key: str, default: Any = None) -> Any:
        """A property by name (``default`` when absent)."""
        return self.properties.get(key, default)

    def estimate(self, key: str) -> Estimate | None:
        """A range property (``cost_share``, ``weight``, ...) as an :class:`Estimate`."""
        return decode_estimate(self.properties.get(key), f"{self.id}: {key}")


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def node_records(nodes: pd.DataFrame) -> dict[str, NodeRecord]:
    """The ``nodes`` table as records keyed by id, in table order.

    Parameters
    ----------
    nodes : DataFrame
        A snapshot's ``nodes`` table (``properties`` as JSON strings).

    Returns
    -------
    dict of str to NodeRecord

    Examples
    --------
    >>> import pandas as pd
    >>> nodes = pd.DataFrame({"id": ["product:hbm"], "label": ["Product"], "name": ["HBM"],
    ...                       "roles": [[]], "properties": ['{"category":"hbm"}']})
    >>> node_records(nodes)["product:hbm"].category
    'hbm'
    """
    columns = set(nodes.columns)
    out: dict[str, NodeRecord] = {}
    for row in nodes.itertuples(index=False):
        roles = getattr(row, "roles", None)
        out[str(row.id)] = NodeRecord(
            id=str(row.id),
            label=str(row.label),
            name=str(row.name),
            roles=tuple(str(r) for r in roles) if roles is not None and not isinstance(roles, float) else (),
            ticker=_text_or_none(row.ticker) if "ticker" in columns else None,
            cik=_text_or_none(row.cik) if "cik" in columns else None,
            properties=MappingProxyType(decode_json(getattr(row, "properties", None))),
        )
    return out


def edge_records(edges: pd.DataFrame) -> tuple[EdgeRecord, ...]:
    """The ``edges`` table as records, in table order.

    Parameters
    ----------
    edges : DataFrame
        A snapshot's ``edges`` table (``properties`` as JSON strings).

    Returns
    -------
    tuple of EdgeRecord
        One per row, in the table's order (row ``i`` is record ``i``).

    Examples
    --------
    >>> from chainshock.graph.examples import example_snapshot
    >>> [(e.type, e.source) for e in edge_records(example_snapshot().edges)][:2]
    [('PRODUCES', 'company:memco'), ('SUPPLIES', 'company:chipco')]
    """
    has_product = "product" in edges.columns
    return tuple(
        EdgeRecord(
            id=str(row.id),
            type=str(row.type),
            source=str(row.source),
            target=str(row.target),
            product=_text_or_none(row.product) if has_product else None,
            properties=MappingProxyType(decode_json(getattr(row, "properties", None))),
        )
        for row in edges.itertuples(index=False)
    )
