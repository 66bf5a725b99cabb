"""Benchmark: the Cypher backends on a 1,000,000-edge synthetic supply chain.

Run with ``python tests/bench/bench_cypher.py [--edges N]`` (``make bench``
runs it). It starts its own Neo4j 5.26 (``chainshock neo4j start`` on a free
port under a temporary CHAINSHOCK_HOME, stopped at the end), appends its
records to ``build/bench.json`` (read-modify-write: other benchmarks'
records are kept, this one's replaced) and prints a table.

Cases (every baseline is measured in the same run)
--------------------------------------------------
- ``cypher_neo4j_load_1m``: ``load_graph`` of the projected snapshot into an
  empty Neo4j (nodes, key constraints, then relationships, ``UNWIND``
  batches of 20,000 with ``CREATE``, then the other constraints). Target:
  >= 25,000 relationships/s. Baseline: the naive loader, one ``MERGE`` per
  relationship per transaction, timed on 5,000 relationships and scaled to
  the whole graph.
- ``cypher_neo4j_reload_1m``: the same load again (idempotent: MERGE finds
  everything, removes nothing). Baseline: the first load.
- ``cypher_neo4j_bulk_load_1m``: ``chainshock neo4j load --bulk`` of the
  same projection into a second, empty local Neo4j (its own
  CHAINSHOCK_HOME): CSV files, stop, ``neo4j-admin database import full``,
  start, constraints and indexes, all inside the timing. Target: >= 60,000
  relationships/s end to end at 2M relationships, >= 100,000 at 10M. Baseline: the MERGE load above (``ratio`` = how many
  times faster). The record also says whether the counts equal the MERGE
  load's, and whether a MERGE load over the bulk-loaded database left the
  counts unchanged (that reload is timed as ``merge_after_bulk_seconds``).
- ``cypher_embedded_load_1m``: ``ensure_database`` from the snapshot on disk
  (projection, DDL, ``COPY`` from parquet). Baseline: the Neo4j load.
- ``cypher_{1,3}hop_{embedded,neo4j}``: median latency of the library's
  ``suppliers_of`` (1 hop, with evidence) and ``suppliers_within_hops``
  with ``max_hops=3``, over 15 buyers in the deepest tier. Baseline: the same
  query's median on the other engine.

The graph: ``edges / 5`` companies in 8 tiers, every SUPPLIES edge from a
company of tier t-1 to one of tier t with a cost-share estimate and one
piece of evidence citing one of 1,000 sources (so the graph holds
``edges`` SUPPLIES relationships, as many Evidence nodes and CITES
relationships).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from benchlib import write_records

REPO = Path(__file__).resolve().parents[2]
TIERS = 8


def synthetic_tables(n_edges: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Snapshot tables of a tiered chain with ``n_edges`` SUPPLIES edges (vectorised)."""
    rng = np.random.default_rng(seed)
    n_nodes = max(TIERS * 10, n_edges // 5)
    size = n_nodes // TIERS
    n_nodes = size * TIERS
    buyers = size + rng.integers(0, n_nodes - size, size=n_edges)
    suppliers = (buyers // size - 1) * size + rng.integers(0, size, size=n_edges)
    shares = np.round(rng.uniform(0.01, 0.2, size=n_edges), 4)
    ids = np.array([f"company:c{i}" for i in range(n_nodes)], dtype=object)
    roles = ["memory_producer", "chip_designer", "foundry", "server_maker", "hyperscaler",
             "software", "device_maker", "consumer_segment"]
    nodes = pd.DataFrame(
        {
            "id": ids,
            "label": "Company",
            "name": [f"Synthetic Co {i}" for i in range(n_nodes)],
            "roles": [[roles[i // size]] for i in range(n_nodes)],
            "ticker": None,
            "cik": None,
            "properties": "{}",
        }
    )
    edge_ids = [f"supplies:{s}->{b}#e{k}" for k, (s, b) in enumerate(zip(ids[suppliers], ids[buyers], strict=True))]
    props = [
        json.dumps(
            {"cost_share": {"base": v, "basis": "synthetic", "estimate": True, "high": round(v * 1.2, 5),
                            "low": round(v * 0.8, 5)}, "product": f"product:p{t}"},
            sort_keys=True, separators=(",", ":"),
        )
        for v, t in zip(shares.tolist(), (buyers // size).tolist(), strict=True)
    ]
    edges = pd.DataFrame(
        {
            "id": edge_ids,
            "type": "SUPPLIES",
            "source": ids[suppliers],
            "target": ids[buyers],
            "product": [f"product:p{t}" for t in (buyers // size).tolist()],
            "properties": props,
        }
    )
    n_src = 1000
    src = rng.integers(0, n_src, size=n_edges)
    evidence = pd.DataFrame(
        {
            "subject_id": edge_ids,
            "source_id": [f"src:synthetic-{i}" for i in src.tolist()],
            "locator": "",
            "quote": "synthetic supply relationship",
            "method": "curated",
            "confidence": 1.0,
            "as_of": pd.Timestamp("2025-09-30").date(),
        }
    ).sort_values(["subject_id", "source_id"], kind="mergesort")
    sources = pd.DataFrame(
        {
            "id": [f"src:synthetic-{i}" for i in range(n_src)],
            "kind": "web",
            "title": [f"Synthetic source {i}" for i in range(n_src)],
            "url": [f"https://example.org/synthetic/{i}" for i in range(n_src)],
            "publisher": None, "accession": None, "form": None, "cik": None,
            "filed": None, "as_of": None, "reliability": "primary",
        }
    )
    facts = pd.DataFrame(columns=["id", "company", "metric", "fiscal_year", "fiscal_period", "period_start",
                                  "period_end", "value", "unit", "source_id", "concept", "estimate"])
    return {"nodes": nodes, "edges": edges.sort_values("id", kind="mergesort"), "evidence": evidence,
            "facts": facts, "sources": sources}


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHAINSHOCK_HOME": str(home)}
    for var in ("NEO4J_URI", "NEO4J_PASSWORD", "NEO4J_USER"):
        env.pop(var, None)
    exe = Path(sys.executable).parent / "chainshock"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, check=False, timeout=1800)


def median_latency(engine: Any, text: str, param_sets: list[dict[str, Any]], repeat: int = 1) -> float:
    times = []
    engine.run(text, param_sets[0])  # warm up plans and caches
    for params in param_sets:
        for _ in range(repeat):
            t0 = time.perf_counter()
            engine.run(text, params)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def naive_load_seconds(driver: Any, graph: Any, sample: int) -> float:
    """One MERGE per relationship, one transaction each, on ``sample`` relationships."""
    table = next(t for t in graph.rels if t.type == "SUPPLIES")
    rows = table.rows[:sample]
    q = ("MATCH (a:Company {id: $from}) MATCH (b:Company {id: $to}) "
         "MERGE (a)-[r:SUPPLIES_NAIVE {id: $id}]->(b) SET r.cost_share_base = $share")
    t0 = time.perf_counter()
    with driver.session() as session:
        for r in rows:
            session.execute_write(lambda tx, r=r: tx.run(q, {"from": r["from"], "to": r["to"], "id": r["id"],
                                                             "share": r["cost_share_base"]}).consume())
    elapsed = time.perf_counter() - t0
    with driver.session() as session:
        session.run("MATCH ()-[r:SUPPLIES_NAIVE]->() DELETE r").consume()
    return elapsed


def bulk_record(home: Path, graph: Any, tag: str, n_nodes: int, n: int, n_rels: int, merge: Any) -> dict[str, Any]:
    """``bulk_load`` into a fresh local Neo4j under ``home/bulk``; a MERGE load over it after."""
    from chainshock.engines.neo4j_bulk import bulk_load
    from chainshock.engines.neo4j_store import Neo4jSettings, connect, graph_counts, load_graph

    bulk_home = home / "bulk"
    bulk_home.mkdir()
    proc = cli("neo4j", "start", "--port", "0", "--json", home=bulk_home)  # sized from free memory
    if proc.returncode != 0:
        raise SystemExit(f"chainshock neo4j start failed: {proc.stderr}")
    info = json.loads(proc.stdout)
    settings = Neo4jSettings(uri=info["uri"], user="neo4j",
                             password=(bulk_home / "neo4j" / "password").read_text().strip(), origin="local")
    old_home = os.environ.get("CHAINSHOCK_HOME")
    os.environ["CHAINSHOCK_HOME"] = str(bulk_home)  # bulk_load manages the server of this home
    try:
        report = bulk_load(settings, graph, log=lambda m: print(f"  bulk: {m}", file=sys.stderr))
        print(f"neo4j bulk load: {report.seconds:.1f} s", file=sys.stderr)
        driver = connect(settings)
        try:
            again = load_graph(driver, graph)
            after = graph_counts(driver)
        finally:
            driver.close()
        print(f"merge load over the bulk load: {again.seconds:.1f} s", file=sys.stderr)
    finally:
        if old_home is None:
            os.environ.pop("CHAINSHOCK_HOME", None)
        else:
            os.environ["CHAINSHOCK_HOME"] = old_home
        cli("neo4j", "stop", home=bulk_home)
    return {
        "name": f"cypher_neo4j_bulk_load_{tag}", "nodes": n_nodes, "edges": n, "seconds": round(report.seconds, 3),
        "baseline": "MERGE load (UNWIND batches of 20,000)", "baseline_seconds": round(merge.seconds, 3),
        "relationships": n_rels, "rels_per_second": round(n_rels / report.seconds, 1),
        "counts_equal_merge_load": report.counts == merge.counts,
        "merge_after_bulk_seconds": round(again.seconds, 3),
        "merge_after_bulk_counts_unchanged": after == report.counts and again.removed == {},
        "stages_seconds": report.stages,
        "fixed_seconds": round(sum(report.stages.get(k, 0.0) for k in ("stop_wait", "start")), 3),
    }


def child_bulk(edges: int, out: Path) -> None:
    """Runs in a child process: a bulk load of ``2 * edges`` relationships into a fresh local Neo4j."""
    from chainshock.engines.neo4j_bulk import bulk_load
    from chainshock.engines.neo4j_store import Neo4jSettings
    from chainshock.engines.property_graph import project_arrow, read_tables
    from chainshock.graph.snapshot import write_snapshot

    with tempfile.TemporaryDirectory(prefix="chainshock-bench-bulk-") as tmp:
        home = Path(tmp)
        tables = synthetic_tables(edges)
        n_nodes = len(tables["nodes"])
        write_snapshot(tables, home / "graph")
        del tables
        t0 = time.perf_counter()
        graph = project_arrow(read_tables(home / "graph"))
        projection_s = time.perf_counter() - t0
        proc = cli("neo4j", "start", "--port", "0", "--json", home=home)
        if proc.returncode != 0:
            raise SystemExit(f"chainshock neo4j start failed: {proc.stderr}")
        info = json.loads(proc.stdout)
        settings = Neo4jSettings(uri=info["uri"], user="neo4j",
                                 password=(home / "neo4j" / "password").read_text().strip(), origin="local")
        os.environ["CHAINSHOCK_HOME"] = str(home)
        try:
            report = bulk_load(settings, graph, log=lambda m: print(f"  bulk: {m}", file=sys.stderr))
        finally:
            cli("neo4j", "stop", home=home)
        n_rels = sum(len(t) for t in graph.rels)
        out.write_text(json.dumps({
            "nodes": n_nodes, "relationships": n_rels, "seconds": report.seconds, "stages": report.stages,
            "projection_seconds": projection_s, "counts_equal": report.counts == {k: v for k, v in sorted(graph.counts().items()) if v},
        }))


def bulk_10m_record(edges: int, limit_s: float) -> dict[str, Any]:
    """The bulk path at ``2 * edges`` relationships in a child process, bounded by ``limit_s``."""
    rels = 2 * edges
    size = f"{rels // 1_000_000}m" if rels >= 1_000_000 else f"{rels // 1000}k"
    name = f"cypher_neo4j_bulk_load_{size}_rels"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bulk.json"
        try:
            subprocess.run([sys.executable, __file__, "--child-bulk", str(edges), str(out)],
                           check=True, timeout=limit_s)
        except subprocess.TimeoutExpired:
            return {"name": name, "nodes": None, "edges": edges, "seconds": None, "baseline": None,
                    "baseline_seconds": None, "note": f"> {limit_s:.0f} s (limit)"}
        except subprocess.CalledProcessError as e:  # recorded, never a crash of the whole bench
            return {"name": name, "nodes": None, "edges": edges, "seconds": None, "baseline": None,
                    "baseline_seconds": None, "note": f"failed (exit {e.returncode}; see stderr)"}
        got = json.loads(out.read_text())
    fixed = sum(got["stages"].get(k, 0.0) for k in ("stop_wait", "start"))
    return {
        "name": name, "nodes": got["nodes"], "edges": edges, "seconds": round(got["seconds"], 3),
        "baseline": None, "baseline_seconds": None, "relationships": got["relationships"],
        "rels_per_second": round(got["relationships"] / got["seconds"], 1),
        "rels_per_second_without_fixed": round(got["relationships"] / (got["seconds"] - fixed), 1),
        "fixed_seconds": round(fixed, 3), "stages_seconds": got["stages"],
        "projection_seconds": round(got["projection_seconds"], 3), "counts_equal_projection": got["counts_equal"],
        "target": ">= 100,000 rels/s end to end",
    }


def _target(name: str) -> str:
    """The issue's target for a record with a rels/s figure."""
    if "bulk" in name:
        return ">= 100,000" if name.endswith("_rels") else ">= 60,000"
    return ">= 25,000"


def print_table(records: list[dict[str, Any]]) -> None:
    print(f"{'benchmark':30} {'nodes':>10} {'edges':>10} {'seconds':>9} {'baseline s':>11} {'ratio':>8}  baseline / note")
    for r in records:
        secs = r.get("seconds")
        ratio = f"{r['baseline_seconds'] / secs:.2f}x" if r.get("baseline_seconds") and secs else "-"
        base = f"{r['baseline_seconds']:.4f}" if r.get("baseline_seconds") else "-"
        note = r.get("baseline") or ""
        if r.get("rels_per_second"):
            note += f"; {r['rels_per_second']:,.0f} rels/s (target {_target(r['name'])})"
        nodes = f"{r['nodes']:,}" if r.get("nodes") is not None else "-"
        edges = f"{r['edges']:,}" if r.get("edges") is not None else "-"
        if secs is None:  # cut at its limit: recorded as "> limit", never a crash
            print(f"{r['name']:30} {nodes:>10} {edges:>10} {'-':>9} {base:>11} {ratio:>8}  {r.get('note') or ''}")
            continue
        print(f"{r['name']:30} {nodes:>10} {edges:>10} {secs:>9.4f} {base:>11} {ratio:>8}  {note.lstrip('; ')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--no-bulk", action="store_true", help="Skip the bulk-import case.")
    parser.add_argument("--big-edges", type=int, default=5_000_000,
                        help="Edges of the big bulk case (relationships: twice as many); 0 skips it.")
    parser.add_argument("--big-limit", type=float, default=1800.0, help="Seconds before the big case is cut.")
    args = parser.parse_args()

    from chainshock.engines.embedded import EmbeddedEngine, ensure_database
    from chainshock.engines.library import load_library
    from chainshock.engines.neo4j_store import Neo4jEngine, Neo4jSettings, connect, load_graph
    from chainshock.engines.property_graph import project
    from chainshock.graph.snapshot import read_snapshot, write_snapshot

    n = args.edges
    tag = "1m" if n == 1_000_000 else f"{n}"
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="chainshock-bench-") as tmp:
        home = Path(tmp)
        t0 = time.perf_counter()
        tables = synthetic_tables(n)
        write_snapshot(tables, home / "graph")
        n_nodes = len(tables["nodes"])
        size = n_nodes // TIERS
        deepest = sorted(
            {b for b in tables["edges"]["target"] if int(b.rsplit("c", 1)[1]) >= (TIERS - 1) * size},
            key=lambda b: int(b.rsplit("c", 1)[1]),
        )
        buyers = deepest[:: max(1, len(deepest) // 15)][:15]  # buyers in the deepest tier that have suppliers
        print(f"synthetic snapshot: {n_nodes:,} companies, {n:,} edges ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
        del tables

        t0 = time.perf_counter()
        graph = project(read_snapshot(home / "graph"))
        projection_s = time.perf_counter() - t0
        n_rels = sum(len(t.rows) for t in graph.rels)
        print(f"projection: {projection_s:.1f} s, {n_rels:,} relationships", file=sys.stderr)

        proc = cli("neo4j", "start", "--port", "0", "--json", home=home)  # sized from free memory, as a user runs it
        if proc.returncode != 0:
            raise SystemExit(f"chainshock neo4j start failed: {proc.stderr}")
        info = json.loads(proc.stdout)
        settings = Neo4jSettings(uri=info["uri"], user="neo4j",
                                 password=(home / "neo4j" / "password").read_text().strip())
        try:
            driver = connect(settings)
            report = load_graph(driver, graph)
            naive = naive_load_seconds(driver, graph, sample=min(5000, n)) * (n_rels / min(5000, n))
            records.append({
                "name": f"cypher_neo4j_load_{tag}", "nodes": n_nodes, "edges": n, "seconds": round(report.seconds, 3),
                "baseline": "one MERGE per relationship per transaction (5,000 timed, scaled)",
                "baseline_seconds": round(naive, 3), "relationships": n_rels,
                "rels_per_second": round(n_rels / report.seconds, 1),
            })
            print(f"neo4j load: {report.seconds:.1f} s", file=sys.stderr)
            write_records(records)  # as we go: a run cut short still leaves what it measured
            again = load_graph(driver, graph)
            records.append({
                "name": f"cypher_neo4j_reload_{tag}", "nodes": n_nodes, "edges": n, "seconds": round(again.seconds, 3),
                "baseline": "first load", "baseline_seconds": round(report.seconds, 3),
                "relationships": n_rels, "rels_per_second": round(n_rels / again.seconds, 1),
                "counts_unchanged": again.counts == report.counts,
            })
            driver.close()

            t0 = time.perf_counter()
            ensure_database(home / "graph", home / "cypher")
            emb_s = time.perf_counter() - t0
            records.append({
                "name": f"cypher_embedded_load_{tag}", "nodes": n_nodes, "edges": n, "seconds": round(emb_s, 3),
                "baseline": "Neo4j load (UNWIND/MERGE)", "baseline_seconds": round(report.seconds, 3),
                "projection_seconds": round(projection_s, 3),
            })
            print(f"embedded load: {emb_s:.1f} s", file=sys.stderr)
            write_records(records)

            lib = load_library()
            emb = EmbeddedEngine(home / "cypher" / "graph.lbug")
            neo = Neo4jEngine(settings)
            cases = [
                ("1hop", lib["suppliers_of"], [{"company": b} for b in buyers]),
                ("3hop", lib["suppliers_within_hops"], [{"company": b, "max_hops": 3} for b in buyers]),
            ]
            for label, q, params in cases:
                bound = [q.bind(p) for p in params]
                # Every parameter set here has the same max_hops, so one text serves all.
                e = median_latency(emb, q.text("embedded", bound[0]), bound)
                m = median_latency(neo, q.text("neo4j", bound[0]), bound)
                rows = len(emb.run(q.text("embedded", bound[0]), bound[0]).rows)
                for engine, secs, other, other_name in (("embedded", e, m, "neo4j"), ("neo4j", m, e, "embedded")):
                    records.append({
                        "name": f"cypher_{label}_{engine}_{tag}", "nodes": n_nodes, "edges": n,
                        "seconds": round(secs, 5), "baseline": f"{q.name} median on {other_name}",
                        "baseline_seconds": round(other, 5), "rows_per_query": rows,
                    })
            emb.close()
            neo.close()
            write_records(records)
        finally:
            cli("neo4j", "stop", home=home)
        if not args.no_bulk:
            records.append(bulk_record(home, graph, tag, n_nodes, n, n_rels, report))
            write_records(records)
    if not args.no_bulk and args.big_edges:
        del graph
        records.append(bulk_10m_record(args.big_edges, args.big_limit))
    write_records(records)
    print_table(records)


if __name__ == "__main__":
    if "--child-bulk" in sys.argv:
        i = sys.argv.index("--child-bulk")
        child_bulk(int(sys.argv[i + 1]), Path(sys.argv[i + 2]))
    else:
        main()
