"""The ``chainshock`` command line: a thin shell over the Python API.

Each command group lives in its own module exposing ``register(app)``.

Start-up is kept short (``make bench``: ``cli_help``, ``cli_info``): help is
click's plain format (typer's rich help imports markdown-it and pygments),
rich is imported when a command first prints, and only the command being run
is turned into a click command (typer reads every signature otherwise, about
5 ms a command).
"""

from __future__ import annotations

import importlib
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

__all__ = ["app", "main"]

class _LazyGroup(TyperGroup):
    """The root group: a subcommand becomes a click command when it is first asked for.

    ``--help`` lists the commands from their docstrings' first sentences
    without building them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: dict[str, Any] = {}  # name -> typer CommandInfo or TyperInfo

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.commands, *(n for n in self._pending if n not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in self._pending:
            from ._help import readable_help

            self.commands[cmd_name] = readable_help(_build(self._pending.pop(cmd_name)))
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        from typer._click.utils import make_default_short_help

        rows = []
        for name in self.list_commands(ctx):
            info = self._pending.get(name)
            if info is None:
                command = self.commands[name]
                if not command.hidden:
                    rows.append((name, command.get_short_help_str(10_000)))
            elif not info.hidden:
                rows.append((name, make_default_short_help(_doc(info), 10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    name="chainshock",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    cls=_LazyGroup,
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


def _doc(info: Any) -> str:
    """The help text typer would give this command or group."""
    import inspect

    if isinstance(info, typer.models.TyperInfo):
        assert info.typer_instance is not None
        typer_info = info.typer_instance.info
        help_text = info.help if isinstance(info.help, str) else typer_info.help
        if not isinstance(help_text, str):
            help_text = inspect.getdoc(typer_info.callback) if typer_info.callback else ""
        return inspect.cleandoc(help_text or "")
    return inspect.cleandoc(info.help) if info.help else (inspect.getdoc(info.callback) or "")


def _command_name(info: Any) -> str:
    if isinstance(info, typer.models.TyperInfo):
        assert info.typer_instance is not None
        return str(info.name if isinstance(info.name, str) else info.typer_instance.info.name)
    return str(info.name or typer.main.get_command_name(info.callback.__name__))


def _build(info: Any) -> Any:
    """The click command typer would have made for one registered command or group."""
    if isinstance(info, typer.models.TyperInfo):
        return typer.main.get_group_from_info(
            info, pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode, suggest_commands=app.suggest_commands,
        )
    return typer.main.get_command_from_info(
        info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode,
    )


def command() -> TyperGroup:
    """The root click group, its subcommands built on demand.

    >>> root = command()
    >>> root.list_commands(None)[:3]
    ['build', 'info', 'facts']
    >>> root.get_command(None, "info").name
    'info'
    """
    from ._help import readable_help

    registered, groups = app.registered_commands, app.registered_groups
    app.registered_commands, app.registered_groups = [], []
    try:
        root = typer.main.get_command(app)  # the callback and its options only
    finally:
        app.registered_commands, app.registered_groups = registered, groups
    assert isinstance(root, _LazyGroup)
    root._pending = {_command_name(info): info for info in [*registered, *groups]}
    readable_help(root)
    return root


def _one_line_usage_error(self: Any, file: Any = None) -> None:
    """A usage error as one line on stderr, with where to look (click prints usage, hint and error)."""
    import sys

    where = f" (see `{self.ctx.command_path} --help`)" if self.ctx is not None else ""
    sys.stderr.write(f"error: {self.format_message()}{where}\n")


def main() -> None:
    """Entry point of the ``chainshock`` console script."""
    from typer._click.exceptions import UsageError

    UsageError.show = _one_line_usage_error  # type: ignore[method-assign]
    command()(prog_name="chainshock")
