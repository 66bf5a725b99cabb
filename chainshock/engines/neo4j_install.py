"""Neo4j 5.26 as installed for chainshock: its jars, Java, memory plan and configuration.

Split from :mod:`chainshock.engines.neo4j_server` (which re-exports these
names and runs the server): the pinned version, the jars fetched once from
Maven Central into ``~/.cache/chainshock/neo4j-<version>/lib``, the Java 17
to run them with, heap and page cache sized from available memory, and the
``neo4j.conf`` a local server runs with.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from chainshock.errors import BackendError

__all__ = [
    "ADMIN_ENTRY_POINT",
    "DEFAULT_PORT",
    "DEFAULT_VERSION",
    "available_memory",
    "cache_root",
    "fetch_jars",
    "memory_plan",
    "neo4j_version",
    "render_config",
]

DEFAULT_VERSION = "5.26.30"
DEFAULT_PORT = 7687
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
# neo4j-admin's main class (org.neo4j:neo4j-command-line); `database import`
# comes from org.neo4j:neo4j-import-tool, both runtime dependencies of org.neo4j:neo4j.
ADMIN_ENTRY_POINT = "org.neo4j.cli.AdminTool"
_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)


def neo4j_version() -> str:
    """The Neo4j version to run: ``CHAINSHOCK_NEO4J_VERSION`` or the pinned 5.26 LTS."""
    version = os.environ.get("CHAINSHOCK_NEO4J_VERSION", DEFAULT_VERSION)
    if not re.fullmatch(r"5\.26\.\d+", version):
        raise BackendError(f"CHAINSHOCK_NEO4J_VERSION={version!r}: chainshock runs Neo4j 5.26.x (LTS)")
    return version


def cache_root() -> Path:
    """``$CHAINSHOCK_CACHE`` or ``$XDG_CACHE_HOME/chainshock`` (``~/.cache/chainshock``)."""
    if os.environ.get("CHAINSHOCK_CACHE"):
        return Path(os.environ["CHAINSHOCK_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "chainshock"


def _pom(version: str) -> str:
    return f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.chainshock</groupId>
  <artifactId>neo4j-runtime</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java or not Path(java).exists():
        raise BackendError(
            "Java 17 is needed to run Neo4j: install it (apt-get install openjdk-17-jre-headless) "
            "or use `docker compose up -d neo4j`"
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    m = re.search(r'version "(\d+)', out.stderr + out.stdout)
    if not m or int(m.group(1)) < 17:
        raise BackendError(f"Neo4j 5.26 needs Java 17 or newer; {java} is {m.group(1) if m else 'unknown'}")
    return java


def fetch_jars(version: str | None = None, log: Callable[[str], None] | None = None) -> Path:
    """Neo4j's jars for ``version``, fetched with Maven once and cached.

    Returns the folder of jars. Maven keeps its own cache in ``~/.m2``; the
    copy here is what the server's classpath points at.
    """
    version = version or neo4j_version()
    root = cache_root() / f"neo4j-{version}"
    lib = root / "lib"
    if (root / ".complete").exists() and lib.is_dir():
        return lib
    mvn = shutil.which("mvn")
    if not mvn:
        raise BackendError(
            "Maven (mvn) is needed once to fetch Neo4j's jars: install it (apt-get install maven) "
            "or use `docker compose up -d neo4j`"
        )
    root.mkdir(parents=True, exist_ok=True)
    (root / "pom.xml").write_text(_pom(version))
    staging = root / f"lib.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    if log:
        log(f"fetching Neo4j {version} jars with Maven into {lib} (once; a few minutes)")
    cmd = [
        mvn, "-B", "-q", "-f", str(root / "pom.xml"), "dependency:copy-dependencies",
        f"-DoutputDirectory={staging}", "-DincludeScope=runtime",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    (root / "maven.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0 or not any(staging.glob("neo4j-*.jar")):
        shutil.rmtree(staging, ignore_errors=True)
        tail = " ".join((proc.stdout + proc.stderr).split()[-30:])
        raise BackendError(
            f"Maven could not fetch org.neo4j:neo4j:{version} (see {root / 'maven.log'}): {tail}"
        )
    shutil.rmtree(lib, ignore_errors=True)
    os.replace(staging, lib)
    (root / ".complete").write_text(version + "\n")
    return lib


_MIB = 1024**2


def available_memory() -> int:
    """Bytes of memory available now (``MemAvailable``; total physical memory if unknown)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def memory_plan(available: int) -> tuple[str, str]:
    """JVM heap and page cache for a machine with ``available`` bytes free.

    A fifth of it for the heap (512 MB to 4 GB: transaction state of
    10,000-row batches and query memory; more only lengthens GC pauses) and
    a quarter for the page cache (256 MB to 8 GB: the store files that fit
    stay in memory), leaving over half to the OS, Python and anything else
    running.

    >>> memory_plan(14 * 1024**3)
    ('2867m', '3584m')
    >>> memory_plan(1024**3)
    ('512m', '256m')
    """
    heap = min(max(available // 5, 512 * _MIB), 4096 * _MIB)
    pagecache = min(max(available // 4, 256 * _MIB), 8192 * _MIB)
    return f"{heap // _MIB}m", f"{pagecache // _MIB}m"


def render_config(folder: Path, port: int, pagecache: str = "256m") -> str:
    """The ``neo4j.conf`` of a local server: loopback only, Bolt only, small memory."""
    d = folder
    lines = [
        "# Generated by chainshock; edits are overwritten by `chainshock neo4j start`.",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        "server.http.enabled=false",
        "server.https.enabled=false",
        f"server.directories.data={d / 'data'}",
        f"server.directories.logs={d / 'logs'}",
        f"server.directories.run={d / 'run'}",
        f"server.directories.plugins={d / 'plugins'}",
        f"server.directories.import={d / 'import'}",
        f"server.directories.licenses={d / 'licenses'}",
        f"server.memory.pagecache.size={pagecache}",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        "db.tx_log.rotation.retention_policy=2 files",
        "db.tx_log.rotation.size=64M",
    ]
    return "\n".join(lines) + "\n"
