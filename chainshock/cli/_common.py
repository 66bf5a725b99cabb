"""What every command shares: consoles, JSON output, error handling."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console

from chainshock.errors import ChainshockError

if TYPE_CHECKING:  # pydantic costs a tenth of a second to import: not for --help
    from pydantic import BaseModel

__all__ = ["emit_json", "err", "fail", "guarded", "out"]

F = TypeVar("F", bound=Callable[..., Any])

# stdout carries results (and nothing else under --json); stderr carries
# progress, warnings and errors.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


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
