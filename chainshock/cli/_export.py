"""``--csv``, ``--parquet`` and ``--xlsx``: the tables behind a command's output, as files.

Each option takes a file path; several may be given at once. ``.xlsx`` holds
one sheet per table; ``.csv`` and ``.parquet`` write the first table at the
path and each other one beside it as ``<stem>-<table>.<ext>`` (see
:func:`chainshock.api.export_tables`). The files written are listed on
stderr, so ``--json`` output on stdout stays one document.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._common import err

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import pandas as pd

__all__ = ["CsvOpt", "ParquetOpt", "XlsxOpt", "check", "export", "wanted"]

CsvOpt = Annotated[
    Path | None, typer.Option("--csv", help="Also write the tables as CSV (FILE.csv, FILE-<table>.csv).")
]
ParquetOpt = Annotated[
    Path | None, typer.Option("--parquet", help="Also write the tables as Parquet (FILE.parquet, FILE-<table>.parquet).")
]
XlsxOpt = Annotated[Path | None, typer.Option("--xlsx", help="Also write the tables as one Excel workbook, a sheet each.")]


def wanted(*paths: Path | None) -> bool:
    """Whether any export was asked for."""
    return any(p is not None for p in paths)


def check(csv: Path | None, parquet: Path | None, xlsx: Path | None) -> None:
    """Refuse a path whose extension does not match its option (before any work is done)."""
    from chainshock.api import ExportError

    for flag, path, suffix in (("--csv", csv, ".csv"), ("--parquet", parquet, ".parquet"), ("--xlsx", xlsx, ".xlsx")):
        if path is not None and path.suffix.lower() != suffix:
            raise ExportError(f"{flag} {path}: give a file ending in {suffix}")


def export(
    tables: Mapping[str, pd.DataFrame] | Callable[[], Mapping[str, pd.DataFrame]],
    csv: Path | None,
    parquet: Path | None,
    xlsx: Path | None,
) -> list[Path]:
    """Write ``tables`` (or what the callable returns) to every path given; list them on stderr."""
    if not wanted(csv, parquet, xlsx):
        return []
    from chainshock.api import export_tables

    check(csv, parquet, xlsx)
    data = tables() if callable(tables) else tables
    written: list[Path] = []
    for path in (csv, parquet, xlsx):
        if path is not None:
            written += export_tables(data, path)
    for p in written:
        err.print(f"wrote {p}", markup=False, highlight=False)
    return written
