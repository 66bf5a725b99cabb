"""The opened graph (:class:`Graph`): companies, shocks, paths, Cypher and networkx over one snapshot."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainshock.errors import ChainshockError

from .results import Company, Shock

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from chainshock.graph.snapshot import Snapshot


_NODE_PARAMS = {
    "company": ["Company"], "hyperscaler": ["Company"], "producer": ["Company"], "segment": ["Company"],
    "product": ["Product"], "index_id": ["Index"],
}


@dataclass
class Graph:
    """An opened graph: companies, shocks, Cypher and networkx over one snapshot."""

    snapshot: Snapshot
    home: Path
    found: str = "given"

    def __repr__(self) -> str:
        s = self.snapshot
        return (
            f"<chainshock graph {s.content_hash[:12]} at {self.home / 'graph'} ({self.found}): "
            f"{len(s.nodes):,} nodes, {len(s.edges):,} edges, {len(s.facts):,} facts, {len(s.sources):,} sources>"
        )

    def _repr_html_(self) -> str:
        from collections import Counter

        s = self.snapshot
        labels = ", ".join(f"{k} {v:,}" for k, v in sorted(Counter(s.nodes["label"]).items()))
        return (
            f"<b>chainshock graph</b> <code>{html.escape(s.content_hash[:12])}</code> at "
            f"<code>{html.escape(str(self.home / 'graph'))}</code> ({html.escape(self.found)})<br>"
            f"nodes {len(s.nodes):,}: {html.escape(labels)}; edges {len(s.edges):,}; facts {len(s.facts):,}"
        )

    def resolve(self, text: str, labels: list[str] | None = None) -> str:
        """The id a name, ticker, CIK or id names (raises NotFoundError with suggestions)."""
        from chainshock.graph.lookup import resolve_node

        return resolve_node(self.snapshot, text, labels)

    def company(self, ref: str) -> Company:
        """A company by id, ticker (``NVDA``, ``000660.KS``), CIK or name."""
        node_id = self.resolve(ref, ["Company"])
        row = self.snapshot.nodes[self.snapshot.nodes["id"] == node_id].iloc[0]
        from chainshock.queries.frames import flatten

        return Company(
            id=node_id, name=row["name"], roles=list(row["roles"]),
            ticker=row["ticker"] if isinstance(row["ticker"], str) else None,
            cik=row["cik"] if isinstance(row["cik"], str) else None,
            properties=flatten(row["properties"]), _snapshot=self.snapshot,
        )

    def companies(self, role: str | None = None, query: str | None = None) -> pd.DataFrame:
        """Companies (id, name, ticker, cik, roles, country), optionally one role or matching ``query``."""
        from chainshock.queries.frames import frame

        rows = _company_rows(self.snapshot, role, query)
        return frame(rows, ["id", "name", "ticker", "cik", "roles", "country"])

    @property
    def nodes(self) -> pd.DataFrame:
        """Every node with its properties as typed columns."""
        from chainshock.queries.frames import flatten, frame

        rows = [{"id": r["id"], "label": r["label"], "name": r["name"], "roles": list(r["roles"]),
                 "ticker": r["ticker"], "cik": r["cik"], **flatten(r["properties"])}
                for r in self.snapshot.nodes.to_dict("records")]
        return frame(rows)

    @property
    def edges(self) -> pd.DataFrame:
        """Every edge with its properties as typed columns."""
        from chainshock.queries.frames import flatten, frame

        rows = [{"id": r["id"], "type": r["type"], "source": r["source"], "target": r["target"],
                 **{k: v for k, v in flatten(r["properties"]).items() if k not in ("id", "type", "source", "target")}}
                for r in self.snapshot.edges.to_dict("records")]
        return frame(rows)

    def scenarios(self) -> pd.DataFrame:
        """The shipped scenarios, runnable by name with :meth:`shock`."""
        from chainshock.queries.catalog import catalog
        from chainshock.queries.frames import frame

        return frame([{**e.__dict__, "shocks": ", ".join(e.shocks)} for e in catalog()])

    def shock(
        self,
        scenario: str | os.PathLike[str] | Mapping[str, float],
        *,
        draws: int | None = None,
        seed: int | None = None,
        top_k: int | None = None,
        horizon: int | None = None,
        start: str | None = None,
    ) -> Shock:
        """Run a shock: a shipped scenario's name, a scenario YAML path, or ``{node: percent}``.

        ``{"hbm": 30, "dram": 20}`` shocks HBM +30% and DRAM +20% (nodes by id,
        ticker or name). The keywords override the scenario's settings, as
        the CLI's ``--draws``, ``--seed``, ``--top``, ``--horizon``, ``--start`` do.
        """
        from chainshock.queries import catalog

        if isinstance(scenario, Mapping):
            result = catalog.run(
                self.snapshot, catalog.inline(scenario), draws=draws, seed=seed, top_k=top_k, horizon=horizon, start=start
            )
        else:
            from chainshock.queries.shock import run_scenario

            path = catalog.locate(Path(scenario))
            result = run_scenario(
                self.snapshot, path, draws=draws, seed=seed, top_k=top_k, horizon=horizon, start=start
            )
        return Shock(result=result, _snapshot=self.snapshot)

    def sweep(
        self,
        spec: str,
        scenario: str | os.PathLike[str] | Mapping[str, float] | None = None,
        **overrides: Any,
    ) -> pd.DataFrame:
        """Run once per value of ``spec`` (``"hbm=10:50:10"``: percent), the rest of ``scenario`` held.

        Returns the long table ``chainshock shock --sweep ... --csv`` writes:
        pct, kind (price or index), node, name, change, margin_hit_usd.
        """
        from chainshock.queries import catalog
        from chainshock.queries.frames import sweep_frame
        from chainshock.queries.scenario import scenario_from_shock
        from chainshock.queries.sweep import parse_sweep, sweep

        parsed = parse_sweep(spec)
        if scenario is None:
            base = scenario_from_shock(parsed.node, parsed.values[0]).model_copy(update={"name": f"{parsed.node} sweep"})
        elif isinstance(scenario, Mapping):
            base = catalog.inline(scenario)
        else:
            base = catalog.load(Path(scenario))[0]
        return sweep_frame(sweep(self.snapshot, base, parsed, **overrides))

    def paths(self, source: str, target: str, *, max_hops: int = 4, limit: int = 5) -> pd.DataFrame:
        """Supply paths (one row per hop, with its first evidence), shortest first."""
        from chainshock.queries.frames import frame
        from chainshock.queries.paths import supply_paths

        labels = ["Company", "Product"]
        res = supply_paths(self.snapshot, self.resolve(source, labels), self.resolve(target, labels), max_hops, limit)
        rows = []
        for k, p in enumerate(res.paths, 1):
            for h, hop in enumerate(p.edges, 1):
                ev = hop.evidence[0] if hop.evidence else {}
                rows.append({"path": k, "hop": h, "type": hop.type, "source": hop.source, "target": hop.target,
                             "route": " → ".join(p.names), "source_id": ev.get("source_id"),
                             "quote": ev.get("quote"), "url": ev.get("url"), "accession": ev.get("accession")})
        return frame(rows, ["path", "hop", "type", "source", "target", "route", "source_id", "quote", "url", "accession"])

    def cypher(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        engine: str = "embedded",
        **kwparams: Any,
    ) -> pd.DataFrame:
        """Run Cypher read-only and return the rows as a DataFrame.

        ``query`` is Cypher text or the name of a library query
        (``chainshock cypher --list``); parameters come as keywords or
        ``params=``, and are always sent as parameters. For library queries a
        node parameter (``company=...``) takes an id, ticker or name.
        ``engine="neo4j"`` uses ``NEO4J_URI``/``NEO4J_USER``/``NEO4J_PASSWORD``.
        """
        from chainshock.engines import open_engine
        from chainshock.engines.library import load_library
        from chainshock.queries.frames import frame

        if engine not in ("embedded", "neo4j"):
            raise ChainshockError(f"engine={engine!r}: use 'embedded' or 'neo4j'")
        given = {**dict(params or {}), **kwparams}
        library = load_library()
        text = query
        if query.strip() in library:
            lib = library[query.strip()]
            given = lib.bind({k: str(v) if not isinstance(v, str) else v for k, v in given.items()})
            text = lib.text("neo4j" if engine == "neo4j" else "embedded", given)
            for key, labels in _NODE_PARAMS.items():
                if isinstance(given.get(key), str):
                    given[key] = self.resolve(given[key], labels)
        with open_engine(engine, snapshot_path=self.home / "graph", folder=self.home / "cypher") as opened:
            result = opened.run(text, given)
        return frame(result.records(), list(result.columns))

    def to_networkx(self, with_evidence: bool = False) -> nx.MultiDiGraph:
        """The whole graph as a networkx MultiDiGraph (edge key = edge id, properties as attributes)."""
        from chainshock.graph.project import to_networkx

        return to_networkx(self.snapshot, with_evidence=with_evidence)


def _company_rows(snapshot: Snapshot, role: str | None, query: str | None) -> list[dict[str, Any]]:
    """Companies as plain rows, filtered by role and by a case-insensitive substring of id, name, ticker or alias."""
    from chainshock.graph.names import lookup_key

    q = (query or "").strip().lower()
    qn = lookup_key(query) if query else ""
    rows = []
    for node in snapshot.node_records().values():
        if node.label != "Company" or (role is not None and role not in node.roles):
            continue
        if q:
            keys = [node.id, node.name, node.ticker or "", node.cik or "", *node.aliases]
            if not any(q in str(k).lower() or (qn and qn in lookup_key(str(k))) for k in keys):
                continue
        country = node.get("country")
        rows.append({
            "id": node.id, "name": node.name, "ticker": node.ticker, "cik": node.cik, "roles": ", ".join(node.roles),
            "country": country.split(":", 1)[-1].upper() if isinstance(country, str) else None,
        })
    return sorted(rows, key=lambda x: x["name"].lower())
