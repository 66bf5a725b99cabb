"""The report's numbered sources: each document cited once, as [1], [2], ... in the order first cited.

:class:`Sources` turns source ids (and the ``*_source`` strings a result
carries: filings by accession, curated estimates, URLs) into
:class:`~chainshock.viz.report_model.ReportSource` entries with a grade and a
safe link. Used by :func:`chainshock.viz.report.build_report`.

Examples
--------
>>> s = Sources(None)
>>> s.cite_text("curated estimate: memory share of AI-server cost", "cost share of X")
1
>>> s.cite_text("10-K, accession 0001045810-25-000023", "revenue of Y")
2
>>> s.items["filing:0001045810-25-000023"].url
'https://www.sec.gov/Archives/edgar/data/1045810/000104581025000023/0001045810-25-000023-index.htm'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .links import edgar_url, safe_url, source_url
from .report_model import (
    ReportSource,
)

if TYPE_CHECKING:
    from chainshock.graph.snapshot import Snapshot


__all__ = ["Sources"]

_ACCESSION = re.compile(r"\b(\d{10}-\d{2}-\d{6})\b")
_URL = re.compile(r"https?://[^\s)\"'<>]+")


class Sources:
    """Numbers sources as they are first cited: [1], [2], ..."""

    def __init__(self, snapshot: Snapshot | None) -> None:
        self.items: dict[str, ReportSource] = {}
        self.rows: dict[str, dict[str, Any]] = {}
        self.by_accession: dict[str, str] = {}
        if snapshot is not None:
            frame = snapshot.sources.astype(object).where(snapshot.sources.notna(), None)
            for row in frame.to_dict("records"):
                self.rows[row["id"]] = row
                if row.get("accession"):
                    self.by_accession[str(row["accession"])] = row["id"]

    def cite(self, source_id: str, used_for: str, quote: str | None = None) -> int:
        item = self.items.get(source_id)
        if item is None:
            from chainshock.graph.audit import SourceInfo, evidence_grade

            row = self.rows.get(source_id, {"id": source_id})
            info = SourceInfo(
                id=source_id, kind=str(row.get("kind") or "web"), reliability=str(row.get("reliability") or "primary"),
                accession=row.get("accession"),
            )
            item = ReportSource(
                ref=len(self.items) + 1,
                id=source_id,
                title=str(row.get("title") or source_id),
                url=source_url(row),
                kind=row.get("kind"),
                grade=evidence_grade("curated", info) if source_id in self.rows else None,
            )
            self.items[source_id] = item
        if used_for not in item.used_for and len(item.used_for) < 12:
            item.used_for.append(used_for)
        if quote and quote not in item.quotes and len(item.quotes) < 3:
            item.quotes.append(quote)
        return item.ref

    def cite_text(self, text: str | None, used_for: str) -> int | None:
        """Cite the document a result's ``*_source`` string names."""
        if not text:
            return None
        if text.startswith("curated estimate") or "estimate" in text.split(":")[0]:
            key = f"estimate:{used_for}"
            if key not in self.items:
                # An estimate's basis often names the filing it was read from.
                m = _ACCESSION.search(text)
                self.items[key] = ReportSource(
                    ref=len(self.items) + 1,
                    id=key,
                    title=text,
                    url=edgar_url(m[1]) if m else None,
                    kind="estimate",
                    estimate=True,
                )
            self.items[key].used_for.append(used_for) if used_for not in self.items[key].used_for else None
            return self.items[key].ref
        m = _ACCESSION.search(text)
        if m:
            sid = self.by_accession.get(m[1])
            if sid:
                return self.cite(sid, used_for)
            key = f"filing:{m[1]}"
            if key not in self.items:
                self.items[key] = ReportSource(
                    ref=len(self.items) + 1, id=key, title=text, url=edgar_url(m[1]), kind="filing"
                )
            self.items[key].used_for.append(used_for) if used_for not in self.items[key].used_for else None
            return self.items[key].ref
        u = _URL.search(text)
        key = f"text:{text}"
        if key not in self.items:
            self.items[key] = ReportSource(
                ref=len(self.items) + 1, id=key, title=text, url=safe_url(u[0]) if u else None, kind="web" if u else None
            )
        if used_for not in self.items[key].used_for:
            self.items[key].used_for.append(used_for)
        return self.items[key].ref
