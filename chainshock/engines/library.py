"""The named Cypher query library: headers, parameters and dialects.

Each ``queries/cypher/<name>.cypher`` file starts with a header of ``//``
comment lines::

    // name: suppliers_of
    // question: Who supplies a company directly, with which product, on what evidence?
    // param: company (string, required): the buyer's id, e.g. company:nvidia
    // param: limit (int, default 50): at most this many rows
    // example: chainshock cypher --name suppliers_of --param company=company:nvidia
    MATCH ...

A query that both engines accept is written once. Where the dialects cannot
meet (variable-length path semantics, list comprehensions, date arithmetic),
the file holds both variants side by side, each after a
``// dialect: neo4j`` or ``// dialect: embedded`` line, with a ``// why:``
header line saying what differs. Parameters are always passed to the engine
as parameters; nothing here pastes a user's value into query text. The one
rewrite is ``// hops: <int param>``: hop ranges such as ``*1..6`` are cut to
the bound integer (see :meth:`LibraryQuery.text`), since neither engine
takes a parameter there and a 6-hop pattern explores far more than a 3-hop one.

Examples
--------
>>> q = parse_query('''// name: demo
... // question: What is it?
... // param: n (int, default 2): how many
... // example: chainshock cypher --name demo
... MATCH (c:Company) RETURN c.id AS id LIMIT $n
... ''')
>>> q.name, [p.name for p in q.params]
('demo', ['n'])
>>> q.bind({"n": "5"})
{'n': 5}
>>> q.text("embedded")
'MATCH (c:Company) RETURN c.id AS id LIMIT $n'
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from chainshock.errors import BackendError, NotFoundError

__all__ = [
    "ENGINES",
    "EngineKind",
    "LibraryQuery",
    "Param",
    "get_query",
    "library_dir",
    "load_library",
    "parse_adhoc_params",
    "parse_param_value",
    "parse_query",
    "tighten_hops",
]

EngineKind = Literal["embedded", "neo4j"]
ENGINES: tuple[EngineKind, ...] = ("embedded", "neo4j")
_TYPES = ("string", "int", "float", "bool", "date", "list")
_PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<type>[a-z]+)\s*,\s*"
    r"(?:(?P<required>required)|default\s+(?P<default>[^)]*))\)\s*:\s*(?P<doc>.*)$"
)
_HEADER_KEYS = ("name", "question", "param", "example", "why", "returns", "hops")
# The hop range of a variable-length pattern: `*1..6]`, `* TRAIL 1..6]`, `*0..6]`, and the
# embedded engine's `* TRAIL 1..6 (r, n | {r.id}, {n.id})]` (properties carried by the walk).
_HOP_RANGE = re.compile(r"(\*\s*(?:(?:TRAIL|ACYCLIC|WALK)\s+)?)(\d+)\.\.(\d+)(\s*(?:\([^()\]]*\)\s*)?\])")


@dataclass(frozen=True)
class Param:
    """A declared query parameter."""

    name: str
    type: str
    required: bool
    default: str | None
    doc: str

    def value(self, raw: Any) -> Any:
        """``raw`` (a CLI string or a Python value) as this parameter's type."""
        return parse_param_value(self.name, self.type, raw)

    def default_value(self) -> Any:
        if self.default is None or self.default == "null":
            return None
        if self.type == "date" and self.default == "today":
            return dt.date.today().isoformat()
        return self.value(self.default)


@dataclass(frozen=True)
class LibraryQuery:
    """One named query: its header and its text per engine."""

    name: str
    question: str
    params: tuple[Param, ...]
    examples: tuple[str, ...]
    variants: dict[str, str]  # engine -> text; "any" when portable
    why: str = ""
    returns: str = ""
    hops: str | None = None  # an int parameter that tightens every hop range
    path: Path | None = field(default=None, compare=False)

    @property
    def portable(self) -> bool:
        return "any" in self.variants

    def text(self, engine: EngineKind, params: Mapping[str, Any] | None = None) -> str:
        """The query text to run on ``engine`` with the bound ``params``.

        With a ``// hops: <param>`` header and ``params``, each hop range
        ``*a..b`` is tightened to ``*a..min(b, max(a, 1, params[<param>]))``:
        neither engine takes a parameter as a hop bound, and a pattern that
        may run 6 hops explores far more paths than one that stops at 3
        (the query's ``length(p) <= $<param>`` filter keeps the answer
        exact either way). The value is an int the library bound itself,
        never user text.
        """
        if engine not in ENGINES:
            raise BackendError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
        text = self.variants.get("any") or self.variants[engine]
        if self.hops and params is not None and isinstance(params.get(self.hops), int):
            return tighten_hops(text, int(params[self.hops]))
        return text

    def bind(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Check and type the parameters; fill defaults.

        Raises
        ------
        BackendError
            For a missing required parameter or an unknown one.
        """
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            names = ", ".join(declared) or "none"
            raise BackendError(
                f"query {self.name!r} has no parameter {unknown[0]!r}; its parameters: {names}"
            )
        out: dict[str, Any] = {}
        for p in self.params:
            if p.name in given:
                out[p.name] = p.value(given[p.name])
            elif p.required:
                raise BackendError(
                    f"query {self.name!r} needs --param {p.name}=... ({p.type}: {p.doc})"
                )
            else:
                out[p.name] = p.default_value()
        return out


def tighten_hops(text: str, hops: int) -> str:
    """Every variable-length hop range in ``text`` cut to at most ``hops``.

    The written upper bound stays the ceiling, the lower bound the floor,
    and an upper bound is never below 1.

    >>> tighten_hops("MATCH p = (a)-[:SUPPLIES* TRAIL 1..6]->(b) WHERE length(p) <= $h", 3)
    'MATCH p = (a)-[:SUPPLIES* TRAIL 1..3]->(b) WHERE length(p) <= $h'
    >>> tighten_hops("MATCH (a)-[:SUPPLIES*0..6]->(b)", 0)
    'MATCH (a)-[:SUPPLIES*0..1]->(b)'
    >>> tighten_hops("MATCH (a)-[:SUPPLIES*1..6]->(b)", 10)
    'MATCH (a)-[:SUPPLIES*1..6]->(b)'
    >>> tighten_hops("MATCH (a)-[:SUPPLIES* TRAIL 1..6 (r, n | {r.id}, {n.id})]->(b)", 2)
    'MATCH (a)-[:SUPPLIES* TRAIL 1..2 (r, n | {r.id}, {n.id})]->(b)'
    """

    def cut(m: re.Match[str]) -> str:
        low, high = int(m[2]), int(m[3])
        return f"{m[1]}{low}..{min(high, max(low, 1, hops))}{m[4]}"

    return _HOP_RANGE.sub(cut, text)


def parse_param_value(name: str, kind: str, raw: Any) -> Any:
    """Convert ``raw`` to ``kind`` (string, int, float, bool, date, list).

    A date is checked and passed on as an ISO string (queries call
    ``date($x)``, which both engines accept); a list from the command line is
    comma-separated.

    >>> parse_param_value("months", "int", "12")
    12
    >>> parse_param_value("products", "list", "product:hbm,product:dram")
    ['product:hbm', 'product:dram']
    >>> parse_param_value("as_of", "date", "2026-13-01")
    Traceback (most recent call last):
    ...
    chainshock.errors.BackendError: --param as_of=2026-13-01: expected a date YYYY-MM-DD
    """
    try:
        if raw is None:
            return None
        if kind == "string":
            return str(raw)
        if kind == "int":
            if isinstance(raw, bool):
                raise ValueError
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("true", "1", "yes"):
                return True
            if text in ("false", "0", "no"):
                return False
            raise ValueError
        if kind == "date":
            if isinstance(raw, dt.date):
                return raw.isoformat()
            return dt.date.fromisoformat(str(raw)).isoformat()
        if kind == "list":
            if isinstance(raw, list | tuple):
                return [str(x) for x in raw]
            return [part.strip() for part in str(raw).split(",") if part.strip()]
    except ValueError:
        expected = {"int": "an integer", "float": "a number", "bool": "true or false",
                    "date": "a date YYYY-MM-DD"}.get(kind, kind)
        raise BackendError(f"--param {name}={raw}: expected {expected}") from None
    raise BackendError(f"parameter {name} has unknown type {kind!r}")


def parse_adhoc_params(pairs: list[str]) -> dict[str, Any]:
    """``k=v`` pairs for an ad-hoc query: JSON values where they parse, else strings.

    >>> parse_adhoc_params(["n=3", "id=company:nvidia", 'ids=["a","b"]'])
    {'n': 3, 'id': 'company:nvidia', 'ids': ['a', 'b']}
    """
    out: dict[str, Any] = {}
    for pair in pairs:
        key, value = split_pair(pair)
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def split_pair(pair: str) -> tuple[str, str]:
    """``"k=v"`` -> ``("k", "v")`` with a clear error otherwise."""
    key, sep, value = pair.partition("=")
    key = key.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        raise BackendError(f"--param {pair!r}: write it as name=value, e.g. --param company=company:nvidia")
    return key, value


def parse_query(text: str, path: Path | None = None) -> LibraryQuery:
    """Parse one library file's text (header + one or two dialect variants)."""
    where = str(path) if path else "<query>"
    lines = text.splitlines()
    header: dict[str, list[str]] = {k: [] for k in _HEADER_KEYS}
    i = 0
    while i < len(lines) and lines[i].lstrip().startswith("//"):
        body = lines[i].lstrip()[2:].strip()
        key, sep, value = body.partition(":")
        if sep and key.strip() in _HEADER_KEYS:
            header[key.strip()].append(value.strip())
        elif sep and key.strip() == "dialect":
            break
        elif header["question"] and body and not sep:
            header["question"][-1] += " " + body  # a wrapped question line
        i += 1
    if not header["name"] or not header["question"]:
        raise BackendError(f"{where}: a library query needs '// name:' and '// question:' header lines")
    params = []
    for spec in header["param"]:
        m = _PARAM_RE.match(spec)
        if not m or m["type"] not in _TYPES:
            raise BackendError(
                f"{where}: bad param line {spec!r}; write 'name (type, required|default X): doc' "
                f"with type one of {', '.join(_TYPES)}"
            )
        params.append(
            Param(
                name=m["name"],
                type=m["type"],
                required=bool(m["required"]),
                default=None if m["required"] else m["default"].strip(),
                doc=m["doc"].strip(),
            )
        )
    variants = _split_dialects("\n".join(lines[i:]), where)
    hops = header["hops"][0] if header["hops"] else None
    if hops is not None and not any(p.name == hops and p.type == "int" for p in params):
        raise BackendError(f"{where}: '// hops: {hops}' must name an int parameter of the query")
    return LibraryQuery(
        name=header["name"][0],
        question=header["question"][0],
        params=tuple(params),
        examples=tuple(header["example"]),
        variants=variants,
        why=" ".join(header["why"]),
        returns=" ".join(header["returns"]),
        hops=hops,
        path=path,
    )


def _split_dialects(body: str, where: str) -> dict[str, str]:
    parts: dict[str, list[str]] = {}
    current = "any"
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("//") and stripped[2:].strip().startswith("dialect:"):
            current = stripped[2:].strip().partition(":")[2].strip()
            if current not in ENGINES:
                raise BackendError(f"{where}: unknown dialect {current!r}; use neo4j or embedded")
            parts[current] = []
            continue
        parts.setdefault(current, []).append(line)
    variants = {k: "\n".join(v).strip() for k, v in parts.items() if "\n".join(v).strip()}
    if "any" in variants and len(variants) > 1:
        raise BackendError(f"{where}: text before the first '// dialect:' line; put it in both variants")
    if "any" not in variants and set(variants) != set(ENGINES):
        raise BackendError(f"{where}: give both '// dialect: neo4j' and '// dialect: embedded' variants")
    return variants


def library_dir() -> Path:
    """The folder holding the shipped ``*.cypher`` files."""
    return Path(str(resources.files("chainshock.queries") / "cypher"))


def load_library(folder: Path | None = None) -> dict[str, LibraryQuery]:
    """Every query in ``folder`` (default: the shipped library), by name."""
    folder = folder or library_dir()
    out: dict[str, LibraryQuery] = {}
    for path in sorted(folder.glob("*.cypher")):
        q = parse_query(path.read_text(encoding="utf-8"), path)
        if q.name in out:
            raise BackendError(f"{path}: query name {q.name!r} is used twice")
        out[q.name] = q
    return out


def get_query(name: str, folder: Path | None = None) -> LibraryQuery:
    """The library query called ``name``."""
    library = load_library(folder)
    if name not in library:
        close = [n for n in library if name.lower() in n.lower()]
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `chainshock cypher --list`"
        raise NotFoundError(f"no library query named {name!r}{hint}")
    return library[name]
