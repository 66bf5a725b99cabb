"""Reading one filing document into the load's state: metadata, inline XBRL, text facts, relations.

:func:`_read_document` accepts an inline-XBRL/HTML primary document, a
plain-text rendering or a full-submission SGML file, and appends what it
finds to the :class:`~.state._State`. :func:`_primary` picks the document of
an accession to read.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .companyfacts import PERIODIC_FORMS
from .ixbrl import parse_inline_xbrl
from .observations import FilingMeta, Observation
from .relations import customer_concentration, extract_relations
from .sections import section_at, split_items
from .state import _Doc, _State, state_is_company
from .text import html_to_text, normalize_text, sgml_documents
from .textfacts import balance_sentences, statement_lines

PARSED_FORMS = frozenset({"10-K", "10-Q", "8-K", "10-K/A", "10-Q/A", "8-K/A"})
_ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")


def _primary(paths: list[Path], meta: FilingMeta | None) -> Path:
    if meta and meta.primary_document:
        for p in paths:
            if p.name == meta.primary_document:
                return p
    docs = [p for p in paths if p.suffix.lower() in (".htm", ".html", ".txt", ".xml")]
    # A full-submission text file (<accession>.txt) holds every document; the
    # primary document beside it is the cleaner read.
    singles = [p for p in docs if not _ACCESSION.match(p.stem)]
    pool = singles or docs or paths
    return sorted(pool, key=lambda p: (-p.stat().st_size, p.name))[0]


_DATE_IN_NAME = re.compile(r"-(\d{8})\.\w+$")
_SGML_FIELD = re.compile(r"^\s*(CONFORMED SUBMISSION TYPE|FILED AS OF DATE|CONFORMED PERIOD OF REPORT|COMPANY CONFORMED NAME|FISCAL YEAR END):\s*(\S.*)$", re.M)
_TEXT_FORM = re.compile(r"^\s*(?:FORM\s+)?(10-K|10-Q|8-K|424B\d|S-1|DEF 14A|20-F)\b", re.M)


def _date8(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip()[:8], "%Y%m%d").date()
    except ValueError:
        return None


def _read_document(state: _State, path: Path, cik: str, accession: str) -> None:
    raw = path.read_bytes()
    meta = state.filings.get(accession)
    doc = _Doc(path=path, cik=cik, accession=accession)
    if meta is not None:
        doc.form, doc.filed, doc.report_date = meta.form, meta.filed, meta.report_date
    text_raw = raw.decode("utf-8", errors="replace")
    is_html = path.suffix.lower() in (".htm", ".html") or text_raw.lstrip()[:200].lower().startswith(("<html", "<?xml", "<!doctype"))
    if not is_html and "<SEC-DOCUMENT>" in text_raw[:2000]:
        header = dict((k, v.strip()) for k, v in _SGML_FIELD.findall(text_raw[:20000]))
        doc.form = doc.form or header.get("CONFORMED SUBMISSION TYPE")
        doc.filed = doc.filed or _date8(header.get("FILED AS OF DATE", ""))
        doc.report_date = doc.report_date or _date8(header.get("CONFORMED PERIOD OF REPORT", ""))
        doc.name = header.get("COMPANY CONFORMED NAME")
        doc.fye = header.get("FISCAL YEAR END")
        inner = sgml_documents(text_raw)
        primary = next((d for d in inner if d.get("type", "").upper() == (doc.form or "").upper()), inner[0] if inner else None)
        if primary is not None:
            body = primary["body"]
            is_html = "<html" in body[:2000].lower()
            text_raw = body
            raw = body.encode("utf-8")
    ix = parse_inline_xbrl(raw) if is_html else None
    if ix is not None and ix.dei:
        doc.form = doc.form or ix.dei.get("DocumentType")
        doc.name = doc.name or ix.dei.get("EntityRegistrantName")
        fy = ix.dei.get("DocumentFiscalYearFocus", "")
        doc.fy = int(fy) if fy.isdigit() else None
        doc.fye = doc.fye or ix.dei.get("CurrentFiscalYearEndDate")
        if doc.report_date is None:
            doc.report_date = _parse_long_date(ix.dei.get("DocumentPeriodEndDate", ""))
    if doc.form is None:
        m = _TEXT_FORM.search(text_raw[:5000])
        doc.form = m.group(1) if m else None
    if doc.report_date is None and (m := _DATE_IN_NAME.search(path.name)):
        doc.report_date = _date8(m.group(1))
    if doc.filed is None and accession in state.filings:
        doc.filed = state.filings[accession].filed
    state.docs[accession] = doc
    if doc.fye and cik not in state.fye:
        state.fye[cik] = _fye_digits(doc.fye)
    if doc.fy and doc.report_date and (doc.form or "") in PERIODIC_FORMS:
        state.anchors[cik].append((doc.report_date, doc.fy))
    form = (doc.form or "").upper()
    if form not in PARSED_FORMS:
        state.skip(path, f"form {doc.form or 'unknown'} is not parsed (recorded as a source)")
        return
    text = html_to_text(text_raw) if is_html else normalize_text(text_raw)
    sections = split_items(text, form)
    periodic = form.split("/")[0] in ("10-K", "10-Q")
    if ix is not None:
        for f in ix.facts:
            span = f"{f.start}..{f.end}" if f.start else f"instant {f.end}"
            state.observations.append(Observation(
                cik=cik, metric=f.metric, end=f.end, start=f.start, value=f.value,
                accession=accession, concept=f.concept, method="xbrl",
                locator=f"ix {f.concept} context={f.context} {span}",
                quote=f"{f.concept} = {f.text} (scale {f.scale}) {f.unit} for {span}",
                form=doc.form, filed=doc.filed, fy=doc.fy,
            ))
    has_xbrl = ix is not None and ix.n_nonfraction > 0
    if periodic and doc.report_date is not None:
        if not has_xbrl:
            for key in ("8", "15", "I-1"):
                sec = next((s for s in sections if s.key == key), None)
                if sec is None:
                    continue
                for tf in statement_lines(text, sec.start, sec.end):
                    duration = "year" if (tf.duration == "year" and form.startswith("10-K")) else tf.duration
                    # the current column, then the comparatives with their own period ends
                    for back, value in ((0, tf.value), *tf.prior):
                        column = "" if back == 0 else f" (comparative column: {back} year{'s' if back > 1 else ''} earlier)"
                        state.observations.append(Observation(
                            cik=cik, metric=tf.metric, end=_years_before(doc.report_date, back), start=None, value=value,
                            accession=accession, concept=tf.label, method="text",
                            locator=f"item {sec.key} chars {tf.offset_start}-{tf.offset_end}{column}",
                            quote=tf.quote, form=doc.form, filed=doc.filed, fy=doc.fy - back if doc.fy else None,
                            duration=duration,
                        ))
        for tf in balance_sentences(text, 0, len(text), doc.report_date):
            if tf.end_date is None:
                continue
            sec = section_at(sections, tf.offset_start)
            where = f"item {sec.key} " if sec else ""
            state.observations.append(Observation(
                cik=cik, metric=tf.metric, end=tf.end_date, start=None, value=tf.value,
                accession=accession, concept=f"text:{tf.metric}", method="text",
                locator=f"{where}chars {tf.offset_start}-{tf.offset_end}",
                quote=tf.quote, form=doc.form, filed=doc.filed, fy=doc.fy,
            ))
        for c in customer_concentration(text, [s for s in sections if s.key in ("1", "1A", "7", "8", "15", "I-1", "I-2")]):
            state.concentrations.append((doc, c))
    state.relations.extend((doc, r) for r in extract_relations(text, sections, form, state_is_company(state)))
    state.texts.append((doc, text, sections, form))


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (28 February for a leap day).

    >>> _years_before(dt.date(2024, 2, 29), 1)
    datetime.date(2023, 2, 28)
    """
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


_LONG_DATE = re.compile(r"(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2}),\s*(\d{4})")


def _parse_long_date(text: str) -> dt.date | None:
    m = _LONG_DATE.search(text)
    if not m:
        return None
    try:
        return dt.datetime.strptime(f"{m.group(1)} {m.group(2)} {m.group(3)}", "%B %d %Y").date()
    except ValueError:
        return None


def _fye_digits(text: str) -> str:
    """"--05-31" or "September 28" -> "0531" / "0928"."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 4:
        return digits
    m = re.match(r"([A-Za-z]+)\s+(\d{1,2})", text.strip())
    if m:
        try:
            month = dt.datetime.strptime(m.group(1)[:3], "%b").month
            return f"{month:02d}{int(m.group(2)):02d}"
        except ValueError:
            pass
    return "1231"
