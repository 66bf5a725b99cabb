"""``make chaos``: a bounded fault campaign that prints a table and writes build/chaos.json.

Campaigns (each bounded; the whole run takes minutes, not hours):

builds
    kill -9 at random moments of ``chainshock build --filings`` (end to end),
    and of the snapshot write itself (a process that writes the real
    ``--filings`` tables, killed at a random moment of the write): after each
    kill the snapshot must be the old one or the new one, fully intact (every
    file's size and sha256 against its manifest), never partial.
concurrency
    builds started together, and a loop of builds raced by ``info``,
    ``shock`` and ``cypher`` readers: no reader may fail or print a traceback,
    and the last snapshot must verify.
neo4j
    the local Neo4j killed (kill -9) at random moments of ``neo4j load``
    (MERGE) and ``neo4j load --bulk``; restarted, the load re-run must give
    the same counts and the same properties as a clean load.
edgar
    live mode against the loopback fake EDGAR (429 storms, 5xx, stalls,
    truncated bodies): the request rate measured at the server, every
    document byte-identical to the fixture or reported, and a fetch killed
    with kill -9 that resumes.
fuzz
    every parser fed hypothesis-generated and mutated inputs for a fixed
    number of examples: no exception other than the documented user error.
disk-full
    a snapshot written onto a tiny tmpfs: one-line error, old snapshot intact.

Run ``python scripts/chaos.py --help`` for the knobs. The figures of the last
run are in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
BIN = Path(sys.executable).parent / "chainshock"
TRACEBACK = "Traceback (most recent call last)"

from chainshock.errors import ChainshockError  # noqa: E402
from chainshock.graph.integrity import check_snapshot, restore_snapshot  # noqa: E402
from chainshock.graph.snapshot import TABLES, read_snapshot  # noqa: E402


def say(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "CHAINSHOCK_HOME": str(home), "COLUMNS": "200", **extra}
    for var in ("NEO4J_URI", "NEO4J_PASSWORD", "NEO4J_USER"):
        env.pop(var, None)
    return env


def cli(home: Path, *args: str, timeout: float = 1800, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args], env=env_for(home, **extra), capture_output=True, text=True, timeout=timeout, cwd=REPO
    )


def spawn(home: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BIN), *args], env=env_for(home, **extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=REPO, start_new_session=True,
    )


def kill9(proc: subprocess.Popen[str]) -> tuple[bool, str]:
    """kill -9 the process group; (whether it was still running, its stderr)."""
    alive = proc.poll() is None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    _, err = proc.communicate()
    return alive, err or ""


def snapshot_state(path: Path) -> tuple[str, str]:
    """('ok', content hash) after a full check and an open, or ('partial', why)."""
    try:
        folder, manifest = check_snapshot(path, TABLES, full=True)
        snap = read_snapshot(path)
        if snap.path != folder:
            return "partial", "the link moved while reading"
        return "ok", str(manifest.get("content_hash"))
    except ChainshockError as e:
        return "partial", str(e)


def staging_leftovers(path: Path) -> int:
    versions = path.parent / f".{path.name}.versions"
    return sum(1 for d in versions.iterdir() if d.name.startswith(".staging-")) if versions.is_dir() else 0


# ---------------------------------------------------------------- builds


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import pyarrow.parquet as pq
    from chainshock.graph.snapshot import TABLES, write_snapshot
    src, dest = Path(sys.argv[1]), Path(sys.argv[2])
    tables = {n: pq.read_table(src / f"{n}.parquet").to_pandas() for n in TABLES}
    print("ready", flush=True)
    write_snapshot(tables, dest)
    print("done", flush=True)
    """
)


def campaign_builds(work: Path, filings: Path, kills: int, e2e_kills: int, rng: random.Random,
                    tables_from: Path | None = None, e2e_window: float = 300.0) -> dict[str, Any]:
    home = work / "builds"
    path = home / "graph"
    say("builds: the old snapshot (bundled data)")
    proc = cli(home, "build")
    assert proc.returncode == 0, proc.stderr
    old = snapshot_state(path)[1]
    tables = work / "filings-tables"
    if tables_from is None:
        say("builds: one full `build --filings` for the new snapshot (its time bounds the end-to-end kills)")
        t0 = time.monotonic()
        proc = cli(home, "build", "--filings", str(filings))
        build_seconds = time.monotonic() - t0
        assert proc.returncode == 0, proc.stderr
        new_e2e = snapshot_state(path)[1]
        shutil.copytree(path.resolve(), tables, ignore=shutil.ignore_patterns("manifest.json", ".*"))
        restore_snapshot(path, TABLES, old)
    else:
        # the tables of an earlier `build --filings` (checked in full first); builds are deterministic
        state, new_e2e = snapshot_state(tables_from)
        assert state == "ok", new_e2e
        shutil.copytree(tables_from.resolve(), tables, ignore=shutil.ignore_patterns("manifest.json", ".*"))
        build_seconds = e2e_window / 1.1
    outcomes: dict[str, int] = {"old": 0, "new": 0, "partial": 0}
    details: list[dict[str, Any]] = []
    details_new: set[str] = set()  # intact snapshots other than the expected new one (should stay empty)
    tracebacks = 0

    def after_kill(kind: str, at: float, new: str, was_running: bool, stderr: str) -> None:
        nonlocal tracebacks
        state, value = snapshot_state(path)
        if state != "ok":
            outcome = "partial"
        else:
            # intact (every size and hash checked): the old snapshot, or the one this writer makes
            outcome = "old" if value == old else "new"
            if value not in (old, new):
                details_new.add(value)
        outcomes[outcome] += 1
        tracebacks += TRACEBACK in stderr
        details.append({"kind": kind, "kill_at_s": round(at, 3), "running": was_running, "snapshot": outcome,
                        "detail": value if outcome == "partial" else None})
        if outcome != "old":
            with contextlib.suppress(ChainshockError):
                restore_snapshot(path, TABLES, old)

    for i in range(e2e_kills):
        at = rng.uniform(0, 1.1 * build_seconds)
        p = spawn(home, "build", "--filings", str(filings))
        time.sleep(at)
        running, err = kill9(p)
        after_kill("build --filings", at, new_e2e, running, err)
        say(f"builds: end-to-end kill {i + 1}/{e2e_kills} at {at:.1f}s -> {details[-1]['snapshot']}")

    # The write itself, from the real --filings tables: a reference run, then kills.
    def writer() -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-c", _WRITER, str(tables), str(path)], env=env_for(home),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)

    def wait_ready(p: subprocess.Popen[str]) -> float:
        line = p.stdout.readline() if p.stdout else ""
        assert line.strip() == "ready", (line, p.stderr.read() if p.stderr else "")
        return time.monotonic()

    write_times = []
    new_w = ""
    for _ in range(3):
        p = writer()
        t = wait_ready(p)
        _, err = p.communicate()
        write_times.append(time.monotonic() - t)
        assert p.returncode == 0, err
        new_w = snapshot_state(path)[1]
        restore_snapshot(path, TABLES, old)
    write_seconds = sorted(write_times)[1]
    say(f"builds: the snapshot write takes {write_seconds:.2f}s; {kills} kills inside it")
    for i in range(kills):
        p = writer()
        wait_ready(p)
        at = rng.uniform(0, 1.1 * write_seconds)
        time.sleep(at)
        running, err = kill9(p)
        after_kill("snapshot write", at, new_w, running, err)
        if (i + 1) % 10 == 0:
            say(f"builds: {i + 1}/{kills} write kills, so far {outcomes}")
    proc = cli(home, "build")  # one more build prunes what the dead ones left
    leftovers = staging_leftovers(path)
    killed_running = sum(1 for d in details if d["running"])
    return {
        "name": "kill -9 during build",
        "runs": len(details),
        "ok": outcomes["partial"] == 0 and tracebacks == 0 and leftovers == 0 and proc.returncode == 0,
        "figures": {
            "kills": len(details),
            "killed_while_running": killed_running,
            "end_to_end_kills": e2e_kills,
            "write_kills": kills,
            "snapshot_old": outcomes["old"],
            "snapshot_new": outcomes["new"],
            "snapshot_partial": outcomes["partial"],
            "tracebacks": tracebacks,
            "staging_left_after_next_build": leftovers,
            "build_filings_seconds": round(build_seconds, 1) if tables_from is None else None,
            "e2e_kill_window_seconds": round(1.1 * build_seconds, 1),
            "unexpected_intact_versions": sorted(details_new),
            "write_seconds": round(write_seconds, 3),
        },
        "summary": f"{len(details)} kills ({killed_running} mid-run): old {outcomes['old']}, new {outcomes['new']}, "
                   f"partial {outcomes['partial']}",
        "details": details,
    }


# ---------------------------------------------------------------- concurrency


def campaign_concurrency(work: Path, rounds: int) -> dict[str, Any]:
    from chainshock.data import data_dir

    home = work / "concurrency"
    alt = work / "alt-data"
    shutil.copytree(data_dir(), alt, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    # the same graph with one source's title changed: a different snapshot the same scenarios run on
    sources = alt / "sources.yaml"
    stext = sources.read_text()
    marker = "title: "
    i = stext.index(marker)
    sources.write_text(stext[: i + len(marker)] + "(chaos copy) " + stext[i + len(marker):])
    datasets = [None, alt]

    def build_args(k: int) -> list[str]:
        d = datasets[k % 2]
        return ["build"] + ([] if d is None else ["--data", str(d)])

    # 1. builds started together
    say("concurrency: 4 builds at once (two data sets)")
    procs = [spawn(home, *build_args(k)) for k in range(4)]
    results = [(p.wait(timeout=1800), p.stderr.read() if p.stderr else "") for p in procs]
    together_failed = sum(1 for rc, _ in results if rc != 0)
    together_tb = sum(1 for _, e in results if TRACEBACK in e)
    state_together = snapshot_state(home / "graph")[0]
    # 2. a loop of builds raced by readers
    say(f"concurrency: {rounds} builds raced by info/shock/cypher readers")
    cli(home, "cypher", "MATCH (c:Company) RETURN count(c) AS n")  # the embedded database exists before the race
    readers = [
        ["info", "--json"],
        ["shock", "scenarios/memory-squeeze.yaml", "--json", "--draws", "50"],
        ["cypher", "MATCH (c:Company) RETURN count(c) AS n", "--json"],
        ["paths", "SK hynix", "NVIDIA", "--json"],
    ]
    reader_runs = reader_failures = reader_tb = 0
    failures: list[str] = []
    builds_ok = 0
    for r in range(rounds):
        b = spawn(home, *build_args(r + 1))
        while b.poll() is None:
            for args in readers:
                proc = cli(home, *args, timeout=600)
                reader_runs += 1
                if proc.returncode != 0:
                    reader_failures += 1
                    failures.append(f"{args[0]}: {proc.stderr.strip()[-300:]}")
                reader_tb += TRACEBACK in proc.stderr
        builds_ok += b.returncode == 0
        b.communicate()
    state_end = snapshot_state(home / "graph")[0]
    ok = (together_failed == 0 and together_tb == 0 and state_together == "ok" and reader_failures == 0
          and reader_tb == 0 and builds_ok == rounds and state_end == "ok")
    return {
        "name": "concurrent builds and readers",
        "runs": 4 + rounds + reader_runs,
        "ok": ok,
        "figures": {
            "concurrent_builds": 4,
            "concurrent_builds_failed": together_failed,
            "raced_builds": rounds,
            "raced_builds_ok": builds_ok,
            "reader_runs": reader_runs,
            "reader_failures": reader_failures,
            "tracebacks": together_tb + reader_tb,
            "snapshot_after": state_end,
        },
        "summary": f"4 builds at once, {rounds} builds raced by {reader_runs} reader runs: "
                   f"{reader_failures} reader failures",
        "failures": failures[:10],
    }


# ---------------------------------------------------------------- neo4j


def _neo4j_digest(settings: Any) -> tuple[dict[str, int], str]:
    from chainshock.engines.neo4j_store import connect, graph_counts

    driver = connect(settings)
    try:
        counts = graph_counts(driver, settings.database)
        with driver.session(database=settings.database) as s:
            nodes = s.run("MATCH (n) RETURN labels(n) AS l, properties(n) AS p").data()
            rels = s.run(
                "MATCH (a)-[r]->(b) RETURN type(r) AS t, a.id AS a, b.id AS b, properties(r) AS p"
            ).data()
    finally:
        driver.close()
    rows = sorted(json.dumps(x, sort_keys=True, default=str) for x in nodes + rels)
    return counts, hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]


def _our_java_pids(home: Path) -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "java" in cmd and str(home) in cmd:
            pids.append(int(d.name))
    return pids


def campaign_neo4j(work: Path, kills: int, rng: random.Random) -> dict[str, Any]:
    from chainshock.engines.neo4j_server import free_port
    from chainshock.engines.neo4j_store import Neo4jSettings, connect

    home = work / "neo4j"
    # the small curated test dataset: a load is minutes on a loaded machine even so
    proc = cli(home, "build", "--data", str(REPO / "tests" / "data" / "curated-mini"))
    assert proc.returncode == 0, proc.stderr
    port = free_port()
    start_args = ["neo4j", "start", "--port", str(port), "--heap", "768m", "--json"]
    say("neo4j: starting a local Neo4j for the campaign")
    proc = cli(home, *start_args, timeout=900)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    password = (home / "neo4j" / "password").read_text().strip()
    settings = Neo4jSettings(uri=info["uri"], user="neo4j", password=password, origin="chaos")
    snapshot_counts = None

    def empty_database() -> None:
        driver = connect(settings)
        try:
            with driver.session(database=settings.database) as s:
                s.run("MATCH (n) DETACH DELETE n").consume()
        finally:
            driver.close()

    def ensure_running() -> None:
        if not _our_java_pids(home) or cli(home, "neo4j", "status", "--json").returncode != 0 or not json.loads(
            cli(home, "neo4j", "status", "--json").stdout or "{}"
        ).get("running"):
            p = cli(home, *start_args, timeout=900)
            if p.returncode != 0:
                raise RuntimeError(f"neo4j start failed: {p.stderr.strip()}")

    refs: dict[str, tuple[dict[str, int], str, float]] = {}
    printed: list[str] = [proc.stdout + proc.stderr]  # everything the commands printed, checked for the password
    try:
        # references: a clean MERGE load and a clean bulk load
        t0 = time.monotonic()
        p = cli(home, "neo4j", "load", "--json", timeout=1800)
        assert p.returncode == 0, p.stderr
        printed.append(p.stdout + p.stderr)
        snapshot_counts = json.loads(p.stdout)["sent"]
        refs["merge"] = (*_neo4j_digest(settings), time.monotonic() - t0)
        empty_database()
        t0 = time.monotonic()
        p = cli(home, "neo4j", "load", "--bulk", "--json", timeout=1800)
        assert p.returncode == 0, p.stderr
        refs["bulk"] = (*_neo4j_digest(settings), time.monotonic() - t0)
        say(f"neo4j: references: MERGE {refs['merge'][2]:.1f}s, bulk {refs['bulk'][2]:.1f}s; "
            f"same properties both ways: {refs['merge'][1] == refs['bulk'][1]}")
        details = []
        for i in range(kills):
            method = "merge" if i % 2 == 0 else "bulk"
            ensure_running()
            empty_database()
            args = ["neo4j", "load"] + (["--bulk"] if method == "bulk" else [])
            at = rng.uniform(0, 1.1 * refs[method][2])
            p = spawn(home, *args)
            time.sleep(at)
            load_running = p.poll() is None
            victims = _our_java_pids(home)
            for pid in victims:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            try:
                _, err = p.communicate(timeout=600)
                hung = False
            except subprocess.TimeoutExpired:
                _, err = kill9(p)
                hung = True
            first_tb = TRACEBACK in err
            printed.append(err)
            ensure_running()
            rerun = cli(home, *args, "--json", timeout=1800)
            printed.append(rerun.stdout + rerun.stderr)
            used = method
            if rerun.returncode != 0 and method == "bulk" and "already holds" in rerun.stderr:
                used = "merge"  # a half-finished bulk left data: the idempotent load finishes the job
                rerun = cli(home, "neo4j", "load", "--json", timeout=1800)
            counts, digest = _neo4j_digest(settings)
            converged = rerun.returncode == 0 and counts == refs[used][0] and digest == refs[used][1]
            details.append({
                "method": method, "kill_at_s": round(at, 2), "load_running": load_running,
                "killed_pids": len(victims),
                "load_exit": p.returncode, "traceback": first_tb or TRACEBACK in rerun.stderr, "hung": hung,
                "rerun_with": used, "converged": converged,
                "error_line": err.strip().splitlines()[-1][:200] if err.strip() else "",
            })
            say(f"neo4j: kill {i + 1}/{kills} ({method} at {at:.1f}s, {len(victims)} java) -> "
                f"converged {converged}")
    finally:
        cli(home, "neo4j", "stop", timeout=300)
        for pid in _our_java_pids(home):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    converged = sum(d["converged"] for d in details)
    tracebacks = sum(d["traceback"] for d in details)
    leaks = sum(password in text for text in printed)
    return {
        "name": "Neo4j killed during load",
        "runs": len(details),
        "ok": converged == len(details) and tracebacks == 0 and not any(d["hung"] for d in details) and not leaks,
        "figures": {
            "kills": len(details),
            "merge_kills": sum(d["method"] == "merge" for d in details),
            "bulk_kills": sum(d["method"] == "bulk" for d in details),
            "converged": converged,
            "killed_mid_load": sum(d["load_running"] for d in details),
            "tracebacks": tracebacks,
            "hung": sum(d["hung"] for d in details),
            "relationships": sum(v for k, v in (snapshot_counts or {}).items() if k.isupper()),
            "merge_seconds": round(refs["merge"][2], 1),
            "bulk_seconds": round(refs["bulk"][2], 1),
            "bulk_equals_merge": refs["merge"][1] == refs["bulk"][1],
            "outputs_checked_for_password": len(printed),
            "password_printed": leaks,
        },
        "summary": f"{len(details)} kills: {converged} re-runs converged to the clean load's counts and properties",
        "details": details,
    }


# ---------------------------------------------------------------- edgar


_FETCH = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from chainshock.loaders.edgar.live import EdgarClient, TokenBucket, fetch
    url, dest, tickers = sys.argv[1], Path(sys.argv[2]), sys.argv[3].split(",")
    client = EdgarClient("Chainshock Chaos chaos@example.com", bucket=TokenBucket(),  # the shipped pace
                         timeout=0.5, max_retries=6, backoff=0.05, max_backoff=1.0)
    fetch(tickers, "Chainshock Chaos chaos@example.com", dest, base_url=url, archives_url=url,
          client=client, per_form=2)
    print(json.dumps({"requests": client.requests}))
    """
)


def _mirror(dest: Path) -> dict[str, bytes]:
    root = dest / "edgar"
    if not root.is_dir():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _reported(dest: Path) -> set[str]:
    log = dest / "fetch-log.json"
    if not log.exists():
        return set()
    return {f"{e.get('accession', '')}/{e.get('what', '')}" for e in json.loads(log.read_text())["errors"]}


def campaign_edgar(work: Path, filings: Path, resume_kills: int, rng: random.Random, rounds: int = 3) -> dict[str, Any]:
    from edgar_fake import FakeEdgar, RandomFaults, serve

    base = FakeEdgar(filings)
    tickers = base.tickers()

    def run_fetch(url: str, dest: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", _FETCH, url, str(dest), ",".join(tickers)],
                              capture_output=True, text=True, timeout=1800, env=env_for(work / "edgar-home"))

    say(f"edgar: a fault-free reference fetch of {len(tickers)} companies")
    with serve(base) as url:
        t0 = time.monotonic()
        ref = run_fetch(url, work / "edgar-ref")
        ref_seconds = time.monotonic() - t0
    assert ref.returncode == 0, ref.stderr
    reference = _mirror(work / "edgar-ref")
    ref_reported = _reported(work / "edgar-ref")

    def compare(dest: Path) -> tuple[int, int, int, int]:
        got = _mirror(dest)
        reported = _reported(dest)
        right = sum(1 for k, v in got.items() if reference.get(k) == v)
        wrong = sum(1 for k, v in got.items() if k in reference and reference[k] != v)
        extra = sum(1 for k in got if k not in reference)
        missing = [k for k in reference if k not in got]
        lost = sum(1 for k in missing if not any(k.endswith(r.split("/", 1)[1]) and r.split("/", 1)[0] in k
                                                   for r in reported if "/" in r))
        return right, wrong, extra, lost

    ref_requests = len(base.log)
    say(f"edgar: {rounds} fetches through 429 storms, 5xx, stalls and truncated bodies")
    right = wrong = extra = lost = requests = 0
    faulty_seconds = 0.0
    faults: dict[str, int] = {}
    rates = []
    tracebacks = False
    failed_runs = []
    for k in range(rounds):
        faulty = FakeEdgar(filings, RandomFaults(seed=rng.randrange(1 << 30)))
        with serve(faulty) as url:
            t0 = time.monotonic()
            run = run_fetch(url, work / f"edgar-faulty-{k}")
            faulty_seconds += time.monotonic() - t0
        r = compare(work / f"edgar-faulty-{k}")
        right, wrong, extra, lost = right + r[0], wrong + r[1], extra + r[2], lost + r[3]
        requests += len(faulty.log)
        for key, v in faulty.faults.items():
            faults[key] = faults.get(key, 0) + v
        rates.append(faulty.max_per_window())
        tracebacks = tracebacks or TRACEBACK in run.stderr
        if run.returncode != 0:
            failed_runs.append(run.stderr.strip()[-300:])

    say(f"edgar: {resume_kills} fetches killed with kill -9, then resumed")
    resumes = []
    for i in range(resume_kills):
        dest = work / f"edgar-resume-{i}"
        state = FakeEdgar(filings, RandomFaults(seed=rng.randrange(1 << 30), storm_every=0))
        with serve(state) as url:
            p = subprocess.Popen([sys.executable, "-c", _FETCH, url, str(dest), ",".join(tickers)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env_for(work / "edgar-home"), start_new_session=True)
            # kill -9 after a random number of requests, so the kill lands mid-fetch
            after = rng.randint(1, max(1, ref_requests - 2))
            t0 = time.monotonic()
            while len(state.log) < after and p.poll() is None and time.monotonic() - t0 < 300:
                time.sleep(0.01)
            at = time.monotonic() - t0
            was_running, _ = kill9(p)
            before = len(_mirror(dest))
            hits_before = len(state.log)
            again = run_fetch(url, dest)
            rates.append(state.max_per_window())
        r_right, r_wrong, _, r_lost = compare(dest)
        temp_left = sum(1 for f in (dest / "edgar").rglob(".*") if f.is_file()) if (dest / "edgar").is_dir() else 0
        tracebacks += TRACEBACK in again.stderr
        resumes.append({"kill_after_requests": after, "kill_at_s": round(at, 2), "running": was_running, "files_before_resume": before,
                        "requests_before_kill": hits_before, "resume_exit": again.returncode,
                        "right": r_right, "wrong": r_wrong, "lost": r_lost, "temp_files_left": temp_left})
    max_rate = max(rates)
    resumed_ok = all(r["running"] and r["resume_exit"] == 0 and r["wrong"] == 0 and r["lost"] == 0 for r in resumes)
    ok = (not failed_runs and wrong == 0 and extra == 0 and lost == 0 and max_rate <= 10
          and not tracebacks and resumed_ok)
    return {
        "name": "live EDGAR under faults",
        "runs": rounds + len(resumes),
        "ok": ok,
        "figures": {
            "faulty_fetches": rounds,
            "documents": len(reference),
            "reported_missing_in_reference": len(ref_reported),
            "right": right,
            "wrong": wrong,
            "lost": lost,
            "requests": requests,
            "faults_injected": faults,
            "max_requests_in_any_second": max_rate,
            "mean_rate_per_second": round(requests / faulty_seconds, 2) if faulty_seconds else None,
            "fault_free_seconds": round(ref_seconds, 1),
            "faulty_seconds": round(faulty_seconds, 1),
            "resumes_after_kill": len(resumes),
            "resumes_ok": sum(r["running"] and r["resume_exit"] == 0 and r["wrong"] == 0 and r["lost"] == 0 for r in resumes),
            "tracebacks": int(tracebacks),
        },
        "summary": f"{rounds} x {len(reference)} documents under {sum(faults.values())} faults: {right} right, "
                   f"{wrong} wrong, {lost} lost; max {max_rate} requests in any second; "
                   f"{sum(r['running'] for r in resumes)} kill -9 mid-fetch + resume",
        "resumes": resumes,
        "fetch_errors": failed_runs,
    }


# ---------------------------------------------------------------- fuzz


def campaign_fuzz(work: Path, filings: Path, examples: int, seed: int) -> dict[str, Any]:
    import chaos_fuzz

    say(f"fuzz: {examples} examples per parser")
    results = chaos_fuzz.run_all(work / "fuzz", filings, examples, seed)
    crashes = sum(r["crashes"] for r in results)
    return {
        "name": "parsers fuzzed",
        "runs": sum(r["examples"] for r in results),
        "ok": crashes == 0,
        "figures": {r["parser"]: {k: r[k] for k in ("examples", "user_errors", "crashes", "seconds")} for r in results},
        "summary": f"{len(results)} parsers, {sum(r['examples'] for r in results)} inputs, {crashes} tracebacks",
        "crash_samples": [c for r in results for c in r["samples"]][:10],
    }


# ---------------------------------------------------------------- disk full


@contextlib.contextmanager
def tmpfs(size: str) -> Iterator[Path | None]:
    mount = Path(tempfile.mkdtemp(prefix="chainshock-chaos-tmpfs-"))
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        mount.rmdir()
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
        with contextlib.suppress(OSError):
            mount.rmdir()


def campaign_disk_full(work: Path, trials: int, rng: random.Random) -> dict[str, Any]:
    from chainshock.data import data_dir

    src_home = work / "disk-src"
    proc = cli(src_home, "build")
    assert proc.returncode == 0, proc.stderr
    version = (src_home / "graph").resolve()
    size = sum(f.stat().st_size for f in version.iterdir())
    details = []
    with tmpfs(f"{max(64, 4 * size // 1024)}k") as mount:
        if mount is None:
            return {"name": "disk full while writing", "runs": 0, "ok": False, "skipped": True,
                    "summary": "could not mount a tmpfs (needs root); not measured",
                    "figures": {}}
        home = mount / "home"
        proc = cli(home, "build", "--data", str(REPO / "tests" / "data" / "curated-mini"))
        assert proc.returncode == 0, proc.stderr
        old = snapshot_state(home / "graph")[1]
        for i in range(trials):
            free = shutil.disk_usage(mount).free
            leave = rng.randint(0, size)  # less room than the new snapshot needs
            filler = mount / "filler"
            with open(filler, "wb") as fh, contextlib.suppress(OSError):
                fh.write(b"\0" * max(0, free - leave))
            p = cli(home, "build", "--data", str(data_dir()))
            state, value = snapshot_state(home / "graph")
            lines = [ln for ln in p.stderr.strip().splitlines() if ln.strip()]
            details.append({
                "free_bytes": shutil.disk_usage(mount).free if i == 0 else None,
                "left_bytes": leave, "exit": p.returncode, "traceback": TRACEBACK in p.stderr,
                "one_line": len(lines) <= 1 and bool(lines), "snapshot": "old" if value == old else
                ("new" if state == "ok" else "partial"),
                "staging_left": staging_leftovers(home / "graph"),
                "message": lines[-1][:240] if lines else "",
            })
            filler.unlink(missing_ok=True)
            if details[-1]["snapshot"] == "new":
                restore_snapshot(home / "graph", TABLES, old)
        # and with room again, the build goes through
        p = cli(home, "build", "--data", str(data_dir()))
        recovered = p.returncode == 0 and snapshot_state(home / "graph")[0] == "ok"
    bad = [d for d in details if d["snapshot"] == "partial" or d["traceback"]
           or (d["exit"] != 0 and not d["one_line"]) or d["staging_left"]]
    refused = sum(d["exit"] != 0 for d in details)
    return {
        "name": "disk full while writing",
        "runs": len(details),
        "ok": not bad and recovered,
        "figures": {
            "trials": len(details),
            "refused_with_one_line": sum(d["exit"] != 0 and d["one_line"] for d in details),
            "fit_anyway": len(details) - refused,
            "partial": sum(d["snapshot"] == "partial" for d in details),
            "tracebacks": sum(d["traceback"] for d in details),
            "staging_left": sum(d["staging_left"] for d in details),
            "build_after_space_freed": "ok" if recovered else "failed",
            "snapshot_bytes": size,
        },
        "summary": f"{len(details)} writes onto a full tmpfs: {refused} refused, "
                   f"{sum(d['snapshot'] == 'partial' for d in details)} partial",
        "sample_message": next((d["message"] for d in details if d["exit"] != 0), ""),
        "details": details,
    }


# ---------------------------------------------------------------- main


CAMPAIGNS = ("builds", "concurrency", "neo4j", "edgar", "fuzz", "disk")


def main(argv: list[str] | None = None) -> int:
    default_filings = Path(os.environ.get("CHAINSHOCK_FILINGS", REPO.parent / "shared" / "filings"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--filings", type=Path, default=default_filings, help="EDGAR layout (default ../shared/filings)")
    ap.add_argument("--only", action="append", choices=CAMPAIGNS, help="run only this campaign (repeatable)")
    ap.add_argument("--kills", type=int, default=50, help="kills inside the snapshot write (default 50)")
    ap.add_argument("--e2e-kills", type=int, default=50, help="kills of the whole build --filings at random moments (default 50)")
    ap.add_argument("--tables-from", type=Path, help="a snapshot an earlier `build --filings` wrote: skip the "
                    "reference build (a full build --filings takes long on a loaded machine)")
    ap.add_argument("--e2e-window", type=float, default=300.0,
                    help="with --tables-from: end-to-end kills land in [0, this many seconds] (default 300)")
    ap.add_argument("--combine", type=Path, nargs="+", help="only print the table of these chaos JSON files and "
                    "write their union to --out (for campaigns run as separate processes)")
    ap.add_argument("--race-rounds", type=int, default=4, help="builds raced by readers (default 4)")
    ap.add_argument("--neo4j-kills", type=int, default=10, help="Neo4j kills, MERGE and bulk alternating (default 10)")
    ap.add_argument("--resume-kills", type=int, default=3, help="EDGAR fetches killed and resumed (default 3)")
    ap.add_argument("--fuzz-examples", type=int, default=300, help="inputs per parser (default 300)")
    ap.add_argument("--disk-trials", type=int, default=8, help="writes onto a full tmpfs (default 8)")
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--out", type=Path, default=REPO / "build" / "chaos.json")
    ap.add_argument("--keep-work", action="store_true", help="keep the working folder")
    args = ap.parse_args(argv)
    if args.combine:
        docs = [json.loads(p.read_text()) for p in args.combine]
        results = [c for d in docs for c in d["campaigns"]]
        doc = {**docs[0], "seconds": max(d["seconds"] for d in docs), "ok": all(d["ok"] for d in docs),
               "campaigns": results, "parts": [str(p) for p in args.combine]}
        args.out.write_text(json.dumps(doc, indent=2, default=str) + "\n")
        _print_table(results, args.out, doc["seconds"])
        return 0 if doc["ok"] else 1
    if not (args.filings / "edgar").is_dir():
        print(f"error: no EDGAR fixtures at {args.filings}; pass --filings or set CHAINSHOCK_FILINGS", file=sys.stderr)
        return 2
    chosen = args.only or list(CAMPAIGNS)
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="chainshock-chaos-"))
    started = time.monotonic()
    results: list[dict[str, Any]] = []
    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "builds": lambda: campaign_builds(work, args.filings, args.kills, args.e2e_kills, rng,
                                          args.tables_from, args.e2e_window),
        "concurrency": lambda: campaign_concurrency(work, args.race_rounds),
        "neo4j": lambda: campaign_neo4j(work, args.neo4j_kills, rng),
        "edgar": lambda: campaign_edgar(work, args.filings, args.resume_kills, rng),
        "fuzz": lambda: campaign_fuzz(work, args.filings, args.fuzz_examples, args.seed),
        "disk": lambda: campaign_disk_full(work, args.disk_trials, rng),
    }
    try:
        for name in chosen:
            t0 = time.monotonic()
            try:
                result = runners[name]()
            except Exception as e:  # a campaign that cannot run is a failed campaign, with its traceback kept
                result = {"name": name, "runs": 0, "ok": False, "summary": f"campaign crashed: {e!r}"[:300],
                          "figures": {}, "traceback": traceback.format_exc()}
            result["campaign"] = name
            result["seconds"] = round(time.monotonic() - t0, 1)
            results.append(result)
            say(f"{name}: {'ok' if result['ok'] else 'FAILED'} - {result['summary']}")
    finally:
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)
    doc = {
        "chainshock_commit": _commit(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - (time.monotonic() - started))),
        "seconds": round(time.monotonic() - started, 1),
        "seed": args.seed,
        "ok": all(r["ok"] for r in results),
        "campaigns": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    _print_table(results, args.out, doc["seconds"])
    return 0 if doc["ok"] else 1


def _commit() -> str:
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return proc.stdout.strip()


def _print_table(results: list[dict[str, Any]], out: Path, seconds: float) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"chainshock chaos ({seconds / 60:.1f} min) -> {out}", title_justify="left")
    table.add_column("campaign")
    table.add_column("runs", justify="right")
    table.add_column("result")
    table.add_column("figures")
    for r in results:
        table.add_row(r["name"], str(r["runs"]), "[green]ok[/]" if r["ok"] else "[red]FAILED[/]", r["summary"])
    Console().print(table)


if __name__ == "__main__":
    sys.exit(main())
