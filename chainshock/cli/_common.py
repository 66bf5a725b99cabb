"""What every command shares: consoles, JSON output, error handling.

Rich is imported on first use, not at start-up: ``chainshock --help`` never
prints through it, and importing ``rich.console`` and ``rich.table`` costs
about a tenth of a second (see ``make bench``, ``cli_help``). Command modules
take ``Table``/``Text`` from here so that importing them stays cheap.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import typer

from chainshock.errors import ChainshockError

if TYPE_CHECKING:  # pydantic costs a tenth of a second to import: not for --help
    from pydantic import BaseModel
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text as RichText

__all__ = ["Table", "Text", "emit_json", "err", "fail", "guarded", "out"]

F = TypeVar("F", bound=Callable[..., Any])


class _LazyConsole:
    """A ``rich.console.Console`` made on first use, with these arguments."""

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._console: Console | None = None

    def _made(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._kwargs)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)

    # special methods are looked up on the class, not through __getattr__
    def __enter__(self) -> Console:
        return self._made().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._made().__exit__(*exc)


# stdout carries results (and nothing else under --json); stderr carries
# progress, warnings and errors.
out = cast("Console", _LazyConsole(highlight=False, soft_wrap=True))
err = cast("Console", _LazyConsole(stderr=True, highlight=False))


def Table(*args: Any, **kwargs: Any) -> RichTable:  # stands in for the class
    """``rich.table.Table(*args, **kwargs)``, importing rich on first use."""
    from rich.table import Table as RichTable

    return RichTable(*args, **kwargs)


def Text(*args: Any, **kwargs: Any) -> RichText:  # stands in for the class
    """``rich.text.Text(*args, **kwargs)``, importing rich on first use."""
    from rich.text import Text as RichText

    return RichText(*args, **kwargs)


def emit_json(document: BaseModel | dict[str, Any] | list[Any]) -> None:
    """Print one JSON document on stdout."""
    if hasattr(document, "model_dump_json"):  # a pydantic model
        text = document.model_dump_json(indent=2)
    else:
        text = json.dumps(document, indent=2, default=str, ensure_ascii=False)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line on stderr and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def guarded(fn: F) -> F:
    """Turn user errors into one line on stderr and a non-zero exit."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ChainshockError as e:
            raise fail(_one_line(str(e)), e.exit_code) from None
        except OSError as e:  # the file system refused: say which file and why, in one line
            where = f"{e.filename}: " if e.filename else ""
            raise fail(_one_line(f"{where}{e.strerror or e}"), 1) from None
        except KeyboardInterrupt:
            raise fail("interrupted; nothing was written", 130) from None

    return wrapper  # type: ignore[return-value]


def _one_line(message: str) -> str:
    from rich.markup import escape

    return escape(" ".join(message.split()))
