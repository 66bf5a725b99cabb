"""The ``chainshock`` command line: a thin shell over the Python API.

Each command group lives in its own module exposing ``register(app)``.
"""

from __future__ import annotations

import importlib

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="chainshock",
    help=(
        "Build a knowledge graph of the AI supply chain from filings and a cited dataset, "
        "and trace how memory-price and capex shocks move through it.\n\n"
        "Start with `chainshock build`, then `chainshock info`, "
        "`chainshock paths \"SK hynix\" Apple`, `chainshock shock scenarios/memory-squeeze.yaml`."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="markdown",
)

# Command modules, in the order their commands appear in --help.
_COMMAND_MODULES = (
    "chainshock.cli.build_cmd",
    "chainshock.cli.shock_cmd",
    "chainshock.cli.cypher_cmd",
    "chainshock.cli.view_cmd",
    "chainshock.cli.neo4j_cmd",
    "chainshock.cli.integrity_cmd",
)

for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as _e:
        if _e.name != _name:
            raise
        continue
    _module.register(app)


def main() -> None:
    """Entry point of the ``chainshock`` console script."""
    app()
