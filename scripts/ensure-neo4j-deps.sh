#!/usr/bin/env bash
# Java 17+ and Maven for `chainshock neo4j start` (the real Neo4j the test
# session and the Cypher benchmark start); installed with apt-get when missing.
# The Neo4j jars themselves are fetched by `chainshock neo4j start` (once,
# cached in ~/.cache/chainshock/neo4j-<version>/lib and ~/.m2).
set -eu
need=()
if ! java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then need+=(openjdk-17-jre-headless); fi
if ! command -v mvn >/dev/null 2>&1; then need+=(maven); fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
else
  echo "error: install ${need[*]} (Java 17+ and Maven) to run the Neo4j tests, or run them with CHAINSHOCK_TEST_NEO4J_URI" >&2
  exit 1
fi
