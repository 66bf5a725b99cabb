"""DataFrame helpers of the API: plain cells, small HTML tables for ``_repr_html_``, and file exports."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainshock.errors import ChainshockError

if TYPE_CHECKING:
    import pandas as pd

    from chainshock.graph.snapshot import Snapshot


class ExportError(ChainshockError):
    """An export path cannot be written or has an unknown extension."""


def _fmt_pct(x: float | None) -> str:
    return "" if x is None or x != x else f"{x * 100:+.2f}%"


def _fmt_usd(x: float | None) -> str:
    if x is None or x != x:
        return ""
    a, sign = abs(x), "-" if x < 0 else ""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if a >= scale:
            return f"{sign}${a / scale:.3g}{suffix}"
    return f"{sign}${a:,.0f}"


def _html_table(rows: list[list[str]], header: list[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _sources_by_id(snapshot: Snapshot) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in snapshot.sources.to_dict("records")}


def _first_evidence(snapshot: Snapshot) -> dict[str, dict[str, Any]]:
    """subject id -> its first evidence row (sorted by source id), plus the count."""
    first: dict[str, dict[str, Any]] = {}
    for row in snapshot.evidence.sort_values(["subject_id", "source_id"], kind="mergesort").to_dict("records"):
        if row["subject_id"] in first:
            first[row["subject_id"]]["evidence_count"] += 1
        else:
            first[row["subject_id"]] = {**row, "evidence_count": 1}
    return first


# --------------------------------------------------------------------------- exports


def _plain_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Lists, dicts and dates in object columns as text (CSV, Excel and Parquet take them then)."""
    import json

    def cell(v: Any) -> Any:
        if hasattr(v, "tolist") and not isinstance(v, str | int | float):  # numpy arrays
            v = v.tolist()
        if isinstance(v, list | dict | tuple):
            return json.dumps(v, default=str, ensure_ascii=False)
        return v

    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = [cell(v) for v in out[col]]
    return out


_EXPORT_SUFFIXES = (".csv", ".parquet", ".xlsx")


def export_tables(tables: Mapping[str, pd.DataFrame], path: str | os.PathLike[str]) -> list[Path]:
    """Write ``tables`` to ``path``; the format follows its extension.

    ``.xlsx``: one workbook, a sheet per table. ``.csv`` and ``.parquet``:
    the first table at ``path``, each other one beside it as
    ``<stem>-<table>.<ext>``. Every file is written whole or not at all.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ExportError
        Unknown extension, or the file system refuses (one line: path and reason).
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in _EXPORT_SUFFIXES:
        raise ExportError(f"{target}: use a file ending in .csv, .parquet or .xlsx")
    if target.is_dir():
        raise ExportError(f"{target} is a directory; give a file name")
    names = list(tables)
    written: list[Path] = []
    dest = target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".xlsx":
            tmp = target.with_name(f".{target.name}.tmp")
            import pandas as pd

            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                for name in names:
                    frame = _plain_cells(tables[name])
                    frame.to_excel(xl, sheet_name=name[:31], index=False)
            tmp.replace(target)
            return [target]
        for k, name in enumerate(names):
            dest = target if k == 0 else target.with_name(f"{target.stem}-{name}{suffix}")
            tmp = dest.with_name(f".{dest.name}.tmp")
            frame = tables[name]
            if suffix == ".csv":
                _plain_cells(frame).to_csv(tmp, index=False)
            else:
                try:
                    frame.to_parquet(tmp, index=False)
                except Exception:  # mixed types in an object column: store them as text
                    _plain_cells(frame).astype({c: "string" for c in frame.columns if frame[c].dtype == object}).to_parquet(
                        tmp, index=False
                    )
            tmp.replace(dest)
            written.append(dest)
    except OSError as e:
        raise ExportError(f"cannot write {dest}: {e.strerror or e}") from None
    return written


# --------------------------------------------------------------------------- the view
