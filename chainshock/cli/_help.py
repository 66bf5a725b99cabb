"""Readable ``--help``: plain value names instead of Python types.

Typer 0.29 prints each option's Python type (``<bool>``, ``<list[str]>``,
``<int range>``) and wraps required arguments in braces (``{FROM}``). This
pass, run once on the click command tree before the CLI starts, gives every
option a plain value name (``TEXT``, ``PATH``, ``N``, ``NUMBER``), none for
flags (``--json`` takes no value), and drops the type column for arguments
whose name already says what they are.
"""

from __future__ import annotations

from typing import Any

__all__ = ["readable_help"]

_NAMES = {"str": "TEXT", "int": "N", "float": "NUMBER", "path": "PATH", "file": "FILE", "directory": "DIR",
          "bool": "BOOL", "datetime": "DATE"}


# Typer 0.29 vendors click (typer._click) and describes types through
# ``display_type(ctx)`` (``"<list[str]>"``); parameters are told apart by
# their ``param_type_name``. Each parameter gets its own
# ``display_type_rich``, so nothing else about it changes.


def _readable(typed: str) -> str:
    """``"<list[str]>"`` -> ``"TEXT"``; ``"<int range>"`` -> ``"N"``; choices stay ``a|b``.

    >>> [_readable(t) for t in ("<str>", "<list[str]>", "<int range>", "<float>", "<path>", "<a|b>")]
    ['TEXT', 'TEXT', 'N', 'NUMBER', 'PATH', 'a|b']
    """
    label = typed.strip("<>")
    if label.startswith("list[") and label.endswith("]"):
        label = label[5:-1]
    label = label.removesuffix(" range")
    return _NAMES.get(label, label if "|" in label else label.upper())


def _arg_usage(param: Any) -> str:
    name = param.display_name_raw.upper()
    name = name if param.required else f"[{name}]"
    return name + ("..." if param.nargs != 1 else "")


def _option_type(param: Any) -> Any:
    def display_type_rich(ctx: Any) -> str | None:
        if getattr(param, "is_flag", False) or getattr(param, "count", False):
            return None  # a flag takes no value
        if param.metavar is not None:
            return str(param.metavar)
        return _readable(param.display_type(ctx))

    return display_type_rich


def _polish(command: Any) -> None:
    for param in getattr(command, "params", []):
        kind = getattr(param, "param_type_name", "")
        if kind == "option":
            param.display_type_rich = _option_type(param)
        elif kind == "argument":
            # the name column already shows the argument's name (FROM, SCENARIO); no type column
            param.display_type_rich = lambda ctx: None
            if hasattr(param, "_usage_display_name"):
                param._usage_display_name = (lambda p=param: _arg_usage(p))
    if hasattr(command, "get_help_option"):  # --help is made per call, outside command.params
        made = command.get_help_option

        def get_help_option(ctx: Any, made: Any = made) -> Any:
            option = made(ctx)
            if option is not None:
                option.display_type_rich = lambda ctx: None
            return option

        command.get_help_option = get_help_option
    for sub in getattr(command, "commands", {}).values():
        _polish(sub)


def readable_help(command: Any) -> Any:
    """Polish ``command`` (and its subcommands) in place; returns it."""
    _polish(command)
    return command
