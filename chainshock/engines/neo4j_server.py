"""A real Neo4j 5.26 LTS Community server without Docker.

``chainshock neo4j start`` runs the Neo4j server from its Maven Central jars
(``org.neo4j:neo4j`` and its runtime dependencies, fetched once with Maven
into ``~/.cache/chainshock/neo4j-<version>/lib``) on Java 17, bound to
127.0.0.1, with a generated ``neo4j.conf`` and its data, logs and pid under
``$CHAINSHOCK_HOME/neo4j/``. It is the same engine the Docker image runs
(``org.neo4j.server.CommunityEntryPoint``), not a stand-in.

Authentication stays on. A fresh server has the built-in ``neo4j/neo4j``
account with a forced password change; ``start`` performs that change over
Bolt (``ALTER CURRENT USER SET PASSWORD``, the password passed as a query
parameter, never on a command line) to ``NEO4J_PASSWORD`` if set, else to a
generated password kept in ``$CHAINSHOCK_HOME/neo4j/password`` (mode 0600)
where ``chainshock cypher --engine neo4j`` and ``neo4j load`` find it.

``stop`` signals only the process whose pid ``start`` recorded, after
checking that the pid still runs this server with this home directory.

The jars, Java, memory plan and ``neo4j.conf`` are in
:mod:`chainshock.engines.neo4j_install` (re-exported here).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from chainshock.errors import BackendError
from chainshock.home import home

from .neo4j_install import (
    _JVM_FLAGS,
    ADMIN_ENTRY_POINT,
    DEFAULT_PORT,
    DEFAULT_VERSION,
    ENTRY_POINT,
    _java,
    available_memory,
    cache_root,
    fetch_jars,
    memory_plan,
    neo4j_version,
    render_config,
)

__all__ = [
    "ADMIN_ENTRY_POINT",
    "DEFAULT_PORT",
    "DEFAULT_VERSION",
    "ServerInfo",
    "admin_command",
    "cache_root",
    "fetch_jars",
    "free_port",
    "local_connection",
    "neo4j_version",
    "render_config",
    "server_dir",
    "start",
    "status",
    "stop",
]

@dataclass(frozen=True)
class ServerInfo:
    """What ``status`` knows about the local server."""

    running: bool
    uri: str | None = None
    port: int | None = None
    pid: int | None = None
    version: str | None = None
    home: str | None = None
    password_source: str | None = None  # "file" or "env"; never the password
    started_at: str | None = None
    heap: str | None = None
    pagecache: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)



def server_dir() -> Path:
    """The local server's home: ``$CHAINSHOCK_HOME/neo4j``."""
    return home() / "neo4j"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _state_path(folder: Path) -> Path:
    return folder / "server.json"


def _read_state(folder: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(_state_path(folder).read_text()))
    except (OSError, ValueError):
        return {}


def _write_state(folder: Path, state: dict[str, Any]) -> None:
    tmp = folder / f".server.json.{os.getpid()}"
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, _state_path(folder))


def _ours(pid: int, folder: Path) -> bool:
    """Whether ``pid`` is a live Neo4j server started with ``folder`` as home."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    args = [a.decode(errors="replace") for a in cmdline]
    return ENTRY_POINT in args and f"--home-dir={folder}" in args


def _password_file(folder: Path) -> Path:
    return folder / "password"


def _read_password(folder: Path, state: dict[str, Any]) -> str | None:
    if state.get("password_source") == "env":
        return os.environ.get("NEO4J_PASSWORD")
    try:
        return _password_file(folder).read_text().strip() or None
    except OSError:
        return None


def local_connection() -> tuple[str, str | None] | None:
    """``(uri, password)`` of the local server if one was started here, else None."""
    folder = server_dir()
    state = _read_state(folder)
    if not state.get("uri"):
        return None
    return str(state["uri"]), _read_password(folder, state)


def status() -> ServerInfo:
    """Whether the server started under ``$CHAINSHOCK_HOME/neo4j`` runs, and where."""
    folder = server_dir()
    state = _read_state(folder)
    pid = state.get("pid")
    port = int(state.get("port") or 0)
    running = bool(pid) and _ours(int(pid or 0), folder) and _port_in_use(port)
    return ServerInfo(
        running=running,
        uri=state.get("uri"),
        port=state.get("port"),
        pid=pid if running else None,
        version=state.get("version"),
        home=str(folder),
        password_source=state.get("password_source"),
        started_at=state.get("started_at"),
        heap=state.get("heap"),
        pagecache=state.get("pagecache"),
    )


def _log_tail(folder: Path, lines: int = 8) -> str:
    texts = []
    for f in (folder / "logs" / "neo4j.log", folder / "console.log"):
        if f.exists():
            texts.extend(f.read_text(errors="replace").splitlines()[-lines:])
    return " | ".join(t.strip() for t in texts if t.strip())[-800:]


def _set_initial_password(uri: str, password: str) -> None:
    import neo4j
    from neo4j import exceptions as ex

    driver = neo4j.GraphDatabase.driver(uri, auth=("neo4j", "neo4j"), notifications_min_severity="OFF")
    try:
        driver.execute_query(
            "ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
            old="neo4j",
            new=password,
            database_="system",
        )
    except ex.AuthError:
        pass  # already changed by an earlier start; checked by _check_login next
    finally:
        driver.close()


def _check_login(uri: str, password: str) -> None:
    import neo4j
    from neo4j import exceptions as ex

    driver = neo4j.GraphDatabase.driver(uri, auth=("neo4j", password), notifications_min_severity="OFF")
    try:
        driver.execute_query("RETURN 1")
    except ex.AuthError:
        raise BackendError(
            "the local Neo4j's data was set up with another password: set NEO4J_PASSWORD to it, "
            f"or `chainshock neo4j stop` and delete {server_dir() / 'data'} to start afresh"
        ) from None
    finally:
        driver.close()


def _wait_for_bolt(proc: subprocess.Popen[bytes], port: int, folder: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BackendError(
                f"Neo4j exited with code {proc.returncode} while starting: {_log_tail(folder)}"
            )
        if _port_in_use(port):
            return
        time.sleep(0.5)
    raise BackendError(
        f"Neo4j did not answer on Bolt port {port} within {timeout:.0f}s "
        f"(still starting? see {folder / 'logs' / 'neo4j.log'}): {_log_tail(folder)}"
    )


def start(
    port: int | None = None,
    *,
    heap: str = "auto",
    pagecache: str = "auto",
    timeout: float = 180.0,
    log: Callable[[str], None] | None = None,
) -> ServerInfo:
    """Start the local Neo4j (fetching its jars on first use) and wait for Bolt.

    Parameters
    ----------
    port : int, optional
        The Bolt port on 127.0.0.1 (default 7687; 0 picks a free one).
    heap, pagecache : str
        JVM heap and page cache sizes (``512m``, ``2g``); ``auto`` sizes
        them from the memory available now (:func:`memory_plan`).
    timeout : float
        Seconds to wait for Bolt to answer.

    Returns
    -------
    ServerInfo
        With ``uri``; an already running server is returned as is.
    """
    folder = server_dir()
    current = status()
    if current.running:
        if port not in (None, 0, current.port):
            raise BackendError(
                f"a chainshock Neo4j already runs on port {current.port} (pid {current.pid}); "
                "stop it first with `chainshock neo4j stop`"
            )
        return current
    port = DEFAULT_PORT if port is None else port
    if port == 0:
        port = free_port()
    if not 0 < port < 65536:
        raise BackendError(f"--port {port}: give a TCP port between 1 and 65535")
    if _port_in_use(port):
        raise BackendError(
            f"port {port} on 127.0.0.1 is in use (another Neo4j?); pass --port with a free port "
            "or --port 0 to pick one"
        )
    planned_heap, planned_cache = memory_plan(available_memory())
    heap = planned_heap if heap == "auto" else heap
    pagecache = planned_cache if pagecache == "auto" else pagecache
    if not re.fullmatch(r"\d+[kmg]", heap) or not re.fullmatch(r"\d+[kmg]", pagecache):
        raise BackendError("--heap and --pagecache take sizes like 512m or 1g, or auto")
    java = _java()
    version = neo4j_version()
    lib = fetch_jars(version, log)
    for sub in ("conf", "data", "logs", "run", "plugins", "import", "licenses"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "conf" / "neo4j.conf").write_text(render_config(folder, port, pagecache))

    state = _read_state(folder)
    env_password = os.environ.get("NEO4J_PASSWORD")
    if env_password:
        if len(env_password) < 8:
            raise BackendError("NEO4J_PASSWORD must have at least 8 characters (Neo4j's minimum)")
        password, source = env_password, "env"
    else:
        pw_file = _password_file(folder)
        if not pw_file.exists():
            fd = os.open(pw_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(24) + "\n")
        password, source = pw_file.read_text().strip(), "file"

    cmd = [
        java, f"-Xms{heap}", f"-Xmx{heap}", *_JVM_FLAGS,
        "-cp", f"{lib}/*", ENTRY_POINT,
        f"--home-dir={folder}", f"--config-dir={folder / 'conf'}",
    ]
    console = open(folder / "console.log", "ab")  # noqa: SIM115 - handed to the child
    try:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT,
            cwd=folder, start_new_session=True,
        )
    finally:
        console.close()
    uri = f"bolt://127.0.0.1:{port}"
    _write_state(
        folder,
        {
            **state,
            "pid": proc.pid,
            "port": port,
            "uri": uri,
            "version": version,
            "password_source": source,
            "heap": heap,
            "pagecache": pagecache,
            "started_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        },
    )
    if log:
        log(f"starting Neo4j {version} (pid {proc.pid}) on {uri}, heap {heap}, page cache {pagecache}")
    try:
        _wait_for_bolt(proc, port, folder, timeout)
        # Always try the first-start change: on a server whose password is
        # already set, logging in as neo4j/neo4j just fails and is ignored.
        _set_initial_password(uri, password)
        _check_login(uri, password)
    except BaseException:
        _terminate(proc.pid, folder)
        raise
    return status()


def admin_command(*args: str, heap: str = "1g") -> tuple[list[str], dict[str, str]]:
    """``neo4j-admin <args>`` for the local server: the command and its environment.

    ``neo4j-admin`` reads ``NEO4J_HOME`` and ``NEO4J_CONF``; both point at
    ``$CHAINSHOCK_HOME/neo4j``, so it sees the same data directory as the
    server that ``start`` runs. Run it only while that server is stopped.

    Examples
    --------
    >>> cmd, env = admin_command("database", "import", "full", "--help")  # doctest: +SKIP
    >>> cmd[-4:]  # doctest: +SKIP
    ['database', 'import', 'full', '--help']
    """
    folder = server_dir()
    java = _java()
    lib = fetch_jars(neo4j_version())
    cmd = [java, f"-Xmx{heap}", *_JVM_FLAGS, "-cp", f"{lib}/*", ADMIN_ENTRY_POINT, *args]
    env = {**os.environ, "NEO4J_HOME": str(folder), "NEO4J_CONF": str(folder / "conf")}
    return cmd, env


def _terminate(pid: int, folder: Path, timeout: float = 60.0) -> None:
    if not _ours(pid, folder):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reap it if it is our child
        if not _ours(pid, folder):
            return
        time.sleep(0.3)
    if _ours(pid, folder):
        os.kill(pid, signal.SIGKILL)


def stop() -> ServerInfo:
    """Stop the server this home started (by its recorded pid); a no-op if none runs."""
    folder = server_dir()
    state = _read_state(folder)
    pid = state.get("pid")
    if pid and _ours(int(pid), folder):
        _terminate(int(pid), folder)
    if state:
        state.pop("pid", None)
        _write_state(folder, state)
    return status()
