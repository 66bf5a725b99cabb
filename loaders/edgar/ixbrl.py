"""Read the inline XBRL inside a 10-K/10-Q HTML document.

Pure function :func:`parse_inline_xbrl` over the document's bytes: the
contexts (entity, period, whether dimensional), the units, the DEI cover
facts (``DocumentType``, ``DocumentFiscalYearFocus``, ...) and every
``ix:nonFraction`` of a metric's concept family, with its ``scale``,
``sign`` and ``format`` applied so values are in units (USD). Facts in a
dimensional context (a segment or a member) are not company totals and are
dropped.

Examples
--------
>>> html = b'''<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"
...  xmlns:xbrli="http://www.xbrl.org/2003/instance"><body>
... <ix:header><ix:resources>
... <xbrli:context id="c1"><xbrli:entity><xbrli:identifier scheme="http://www.sec.gov/CIK">0001341439</xbrli:identifier></xbrli:entity>
... <xbrli:period><xbrli:instant>2023-08-31</xbrli:instant></xbrli:period></xbrli:context>
... <xbrli:unit id="usd"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>
... </ix:resources></ix:header>
... <ix:nonNumeric name="dei:DocumentFiscalYearFocus" contextRef="c1">2024</ix:nonNumeric>
... <ix:nonFraction name="us-gaap:RevenueRemainingPerformanceObligation" contextRef="c1" unitRef="usd"
...  scale="9" decimals="-8" format="ixt:num-dot-decimal">64.9</ix:nonFraction></body></html>'''
>>> doc = parse_inline_xbrl(html)
>>> doc.dei["DocumentFiscalYearFocus"], doc.facts[0].concept, doc.facts[0].value
('2024', 'us-gaap:RevenueRemainingPerformanceObligation', 64900000000.0)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree

from .concepts import CONCEPT_METRIC

__all__ = ["InlineDocument", "InlineFact", "parse_inline_xbrl", "parse_ix_number"]


@dataclass(frozen=True)
class InlineFact:
    concept: str
    metric: str
    value: float
    start: dt.date | None
    end: dt.date
    context: str
    unit: str
    scale: int
    text: str  # the displayed number, as the filing shows it


@dataclass
class InlineDocument:
    dei: dict[str, str] = field(default_factory=dict)
    facts: list[InlineFact] = field(default_factory=list)
    n_nonfraction: int = 0  # every ix:nonFraction seen, of any concept

    @property
    def has_xbrl(self) -> bool:
        return self.n_nonfraction > 0 or bool(self.dei)


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


_WORD_ZERO = {"no", "none", "nil", "zero", "-", "—", "–"}


def parse_ix_number(text: str, fmt: str | None) -> Decimal | None:
    """The number an ``ix:nonFraction`` displays, per its ``format``; None when unreadable.

    >>> parse_ix_number("1,234.5", "ixt:num-dot-decimal"), parse_ix_number("—", "ixt:fixed-zero")
    (Decimal('1234.5'), Decimal('0'))
    >>> parse_ix_number("1.234,5", "ixt:num-comma-decimal"), parse_ix_number("abc", None)
    (Decimal('1234.5'), None)
    """
    fmt = (fmt or "").split(":")[-1].lower()
    raw = text.strip()
    if fmt == "fixed-zero" or (fmt in ("numwordsen", "num-word-en") and raw.lower() in _WORD_ZERO):
        return Decimal(0)
    if fmt in ("num-comma-decimal", "numcommadecimal"):
        raw = raw.replace(".", "").replace(" ", "").replace("\u00a0", "").replace(",", ".")
    else:
        raw = raw.replace(",", "").replace(" ", "").replace("\u00a0", "")
    if raw in _WORD_ZERO:
        return Decimal(0)
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", raw):
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def parse_inline_xbrl(data: bytes) -> InlineDocument:
    """DEI cover facts and metric facts from an inline XBRL document.

    Never raises on malformed markup: unreadable facts are dropped, and a
    document without inline XBRL gives an empty :class:`InlineDocument`.
    """
    out = InlineDocument()
    if b"nonFraction" not in data and b"nonNumeric" not in data:
        return out
    parser = etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return out
    if root is None:
        return out
    contexts: dict[str, tuple[dt.date | None, dt.date | None, bool]] = {}
    units: dict[str, str] = {}
    for el in root.iter():
        name = _local(el.tag)
        if name == "context":
            cid = el.get("id")
            start = end = None
            dimensional = False
            for sub in el.iter():
                sub_name = _local(sub.tag)
                if sub_name == "startDate":
                    start = _date(sub.text)
                elif sub_name in ("endDate", "instant"):
                    end = _date(sub.text)
                elif sub_name in ("segment", "scenario", "explicitMember", "typedMember"):
                    dimensional = True
            if cid:
                contexts[cid] = (start, end, dimensional)
        elif name == "unit":
            uid = el.get("id")
            measures = [(m.text or "").strip() for m in el.iter() if _local(m.tag) == "measure"]
            if uid:
                units[uid] = "/".join(m.split(":")[-1] for m in measures)
    for el in root.iter():
        name = _local(el.tag)
        if name == "nonNumeric":
            concept = el.get("name") or ""
            if concept.startswith("dei:"):
                key = concept[4:]
                text = " ".join("".join(el.itertext()).split())
                out.dei.setdefault(key, text)
        elif name == "nonFraction":
            out.n_nonfraction += 1
            concept = el.get("name") or ""
            metric = CONCEPT_METRIC.get(concept.split(":")[-1])
            if metric is None:
                continue
            ctx = contexts.get(el.get("contextRef") or "")
            if ctx is None or ctx[2] or ctx[1] is None:
                continue
            unit = units.get(el.get("unitRef") or "", "")
            if unit != "USD":
                continue
            if el.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true":
                continue
            shown = "".join(el.itertext())
            number = parse_ix_number(shown, el.get("format"))
            if number is None:
                continue
            try:
                scale = int(el.get("scale") or 0)
            except ValueError:
                continue
            if abs(scale) > 15:
                continue
            value = number.scaleb(scale)
            if el.get("sign") == "-":
                value = -value
            out.facts.append(
                InlineFact(
                    concept=concept,
                    metric=metric,
                    value=float(value),
                    start=ctx[0],
                    end=ctx[1],
                    context=el.get("contextRef") or "",
                    unit=unit,
                    scale=scale,
                    text=" ".join(shown.split()),
                )
            )
    out.facts.sort(key=lambda f: (f.metric, f.end, f.start or f.end, f.concept, f.context, f.value))
    return out
