"""Scenarios by name: the shipped ones, a file, or shocks given inline.

Every command and the Python API accept a scenario as

- the name of a shipped scenario (``memory-squeeze``, with or without ``.yaml``),
- a path to a scenario YAML file,
- a mapping of node to percent (``{"hbm": 30, "dram": 20}``) for the API,

and this module turns each into a validated :class:`~.scenario.Scenario`.
A path that exists wins over a shipped name, so a local
``memory-squeeze.yaml`` is never shadowed.

Examples
--------
>>> sorted(bundled())[1:3]
['capex-doubling', 'contract-cliff']
>>> locate("memory-squeeze").name
'memory-squeeze.yaml'
>>> locate("memory-sqeeze")
Traceback (most recent call last):
...
chainshock.errors.ScenarioError: no scenario file at memory-sqeeze, nor a shipped scenario by that name; did you mean 'memory-squeeze'? (`chainshock scenarios` lists them)
>>> inline({"hbm": 30, "dram": 20}).name
'hbm +30%, dram +20%'
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chainshock.errors import ScenarioError

from .scenario import Scenario, Shock, load_scenario

__all__ = ["ScenarioEntry", "bundled", "catalog", "inline", "load", "locate", "run"]


def _dir() -> Path:
    from chainshock.scenarios import scenarios_dir

    return scenarios_dir()


def bundled() -> dict[str, Path]:
    """Shipped scenarios: name (file stem) -> file."""
    return {p.stem: p for p in sorted(_dir().glob("*.yaml"))}


@dataclass(frozen=True)
class ScenarioEntry:
    """One line of ``chainshock scenarios``."""

    name: str
    file: str
    description: str
    shocks: list[str]
    capex: bool
    horizon_quarters: int


def catalog() -> list[ScenarioEntry]:
    """Every shipped scenario, read and validated (a broken one raises)."""
    out = []
    for name, path in bundled().items():
        sc, _ = load_scenario(path)
        out.append(
            ScenarioEntry(
                name=name,
                file=str(path),
                description=" ".join(sc.description.split()),
                shocks=[f"{s.node} {s.pct:+g}%" for s in sc.shocks],
                capex=sc.capex is not None,
                horizon_quarters=sc.horizon_quarters,
            )
        )
    return out


def locate(ref: str | Path) -> Path:
    """The scenario file ``ref`` names: an existing path, else a shipped scenario's name.

    Raises
    ------
    ScenarioError
        Neither a file nor a shipped name; suggests the closest name.
    """
    path = Path(ref)
    if path.is_file():
        return path
    names = bundled()
    key = path.name.removesuffix(".yaml").removesuffix(".yml")
    if key in names and (path.parent == Path(".") or path.parent == _dir()):
        return names[key]
    if path.exists():
        raise ScenarioError(f"{path} is a directory; give a scenario YAML file")
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"shipped: {', '.join(names)}"
    raise ScenarioError(
        f"no scenario file at {ref}, nor a shipped scenario by that name; {hint} (`chainshock scenarios` lists them)"
    )


def inline(shocks: Mapping[str, float], *, name: str | None = None, **settings: Any) -> Scenario:
    """A scenario from ``{node: percent}``; nodes are ids, tickers or names.

    ``settings`` are other scenario fields (``draws``, ``seed``,
    ``horizon_quarters``, ``start``, ...).
    """
    if not shocks:
        raise ScenarioError("give at least one shock, e.g. {'hbm': 30}")
    label = name or ", ".join(f"{k} {float(v):+g}%" for k, v in shocks.items())
    try:
        return Scenario(
            name=label,
            description=f"inline shocks: {label}",
            shocks=[Shock(node=str(k), pct=float(v)) for k, v in shocks.items()],
            **settings,
        )
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "scenario"
        raise ScenarioError(f"{field}: {first['msg'].removeprefix('Value error, ')}") from None
    except (TypeError, ValueError) as e:
        raise ScenarioError(f"shocks must map a node to a percent, e.g. {{'hbm': 30}}: {e}") from None


def load(ref: str | Path) -> tuple[Scenario, Callable[[tuple[Any, ...]], str], Path]:
    """Read the scenario ``ref`` names (see :func:`locate`): scenario, ``where``, file."""
    path = locate(ref)
    scenario, where = load_scenario(path)
    return scenario, where, path


def run(
    snapshot: Any,
    scenario: Scenario,
    *,
    file: str | Path | None = None,
    where: Callable[[tuple[Any, ...]], str] | None = None,
    draws: int | None = None,
    seed: int | None = None,
    top_k: int | None = None,
    horizon: int | None = None,
    start: str | None = None,
    allow_extreme: bool = False,
) -> Any:
    """Run a :class:`Scenario` object the way :func:`~.shock.run_scenario` runs a file.

    Same overrides, bounds, name resolution and engine; for scenarios built
    in memory (inline shocks, sweeps). Returns a :class:`~.result.ShockResult`.
    """
    from .shock import run_loaded

    return run_loaded(
        snapshot, scenario, where=where, file=file, draws=draws, seed=seed, top_k=top_k, horizon=horizon,
        start=start, allow_extreme=allow_extreme,
    )
