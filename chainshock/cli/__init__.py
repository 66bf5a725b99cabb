"""The ``chainshock`` command line: a thin shell over the Python API.

Each command group lives in its own module exposing ``register(app)``.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="chainshock",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="markdown",
)

# Command modules, in the order their commands appear in --help.
_COMMAND_MODULES = (
    "chainshock.cli.build_cmd",
    "chainshock.cli.audit_cmd",
    "chainshock.cli.shock_cmd",
    "chainshock.cli.catalog_cmd",
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


def _version(value: bool) -> None:
    if value:
        from chainshock import __version__

        typer.echo(f"chainshock {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Build a knowledge graph of the AI supply chain from filings and a cited dataset,
    and trace how memory-price and capex shocks move through it.

    Start with `chainshock build`, then `chainshock info`,
    `chainshock paths "SK hynix" Apple`, `chainshock shock memory-squeeze`
    (`chainshock scenarios` lists the shipped scenarios).
    """


def main() -> None:
    """Entry point of the ``chainshock`` console script."""
    from ._help import readable_help

    command = readable_help(typer.main.get_command(app))
    command(prog_name="chainshock")
