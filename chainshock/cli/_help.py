"""Readable ``--help`` in click's plain format, without rich.

The CLI prints help with click's own formatter (``rich_markup_mode=None``):
typer's rich help imports ``rich.markdown``, pygments and markdown-it, about
0.3 s before the first line appears. The docstrings are written in a small
markdown (paragraphs, indented example blocks, ``*`` bullets, backticks);
:func:`plain_help` turns them into what click prints well: example blocks and
bullet lists are kept line for line (click's ``\b`` marker), paragraphs are
rewrapped, and the command list shows each command's whole first sentence
instead of cutting it at 45 characters.

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


def plain_help(text: str) -> str:
    r"""Mark a docstring's example blocks and bullet lists so click keeps their lines.

    Paragraphs are separated by blank lines. A paragraph whose lines are all
    indented or all start with ``chainshock`` (an example block), or a run of
    ``*`` bullets, becomes one block starting with click's ``\b`` (no rewrap)
    marker; bullets print as ``-``.

    >>> plain_help("Run it.\n\n    a --x\n    b --y")
    'Run it.\n\n\x08\n  a --x\n  b --y'
    >>> plain_help("Examples:\n\n* `a`\n\n* `b` (long)\n  wrapped")
    'Examples:\n\n\x08\n- `a`\n- `b` (long) wrapped'
    """
    out: list[str] = []
    bullets: list[str] = []
    for para in text.split("\n\n"):
        lines = [ln for ln in para.split("\n") if ln.strip()]
        if not lines:
            continue
        if lines[0].startswith(("* ", "- ")):
            bullets.append("- " + " ".join(ln.strip() for ln in lines)[2:])
            continue
        if bullets:
            out.append("\b\n" + "\n".join(bullets))
            bullets = []
        if all(ln.startswith("    ") for ln in lines) or all(ln.startswith("chainshock ") for ln in lines):
            out.append("\b\n" + "\n".join("  " + ln.strip() for ln in lines))
        else:
            out.append("\n".join(lines))
    if bullets:
        out.append("\b\n" + "\n".join(bullets))
    return "\n\n".join(out)


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
    if getattr(command, "help", None):
        if not command.short_help:  # the whole first sentence in the command list, not 45 characters
            from typer._click.utils import make_default_short_help

            command.short_help = make_default_short_help(command.help, 10_000)
        command.help = plain_help(command.help)
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
                # Not given, click's help flag holds None, which typer 0.29 coerces through a
                # pydantic TypeAdapter: importing pydantic for every command (0.1-0.2 s).
                # A bool default is taken as it is; the flag still shows help when given.
                option.default = False
            return option

        command.get_help_option = get_help_option
    for sub in getattr(command, "commands", {}).values():
        _polish(sub)


def readable_help(command: Any) -> Any:
    """Polish ``command`` (and its subcommands) in place; returns it."""
    _polish(command)
    return command
