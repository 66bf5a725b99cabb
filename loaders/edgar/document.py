"""One filing document's text and items, read the way the loader reads it.

:func:`read_filing_text` is the reading half of the loader for callers that
need only the text (the evaluation, a single never-seen filing): it accepts
an inline-XBRL/HTML primary document, a plain-text rendering, or a full
submission ``<accession>.txt`` (SGML), and returns the form, the text and
the items.
"""

from __future__ import annotations

import re
from pathlib import Path

from .ixbrl import parse_inline_xbrl
from .sections import Section, split_items
from .text import html_to_text, normalize_text, sgml_documents

__all__ = ["read_filing_text"]

_SGML_TYPE = re.compile(r"^\s*CONFORMED SUBMISSION TYPE:\s*(\S+)", re.M)
_TEXT_FORM = re.compile(r"^\s*(?:FORM\s+)?(10-K|10-Q|8-K|424B\d|S-1|DEF 14A|20-F)\b", re.M)


def read_filing_text(path: Path) -> tuple[str | None, str, list[Section]]:
    """(form, text, items) of a filing document; the form is None when nothing states it."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    form: str | None = None
    is_html = path.suffix.lower() in (".htm", ".html") or raw.lstrip()[:200].lower().startswith(("<html", "<?xml", "<!doctype"))
    if not is_html and "<SEC-DOCUMENT>" in raw[:2000]:
        m = _SGML_TYPE.search(raw[:20000])
        form = m.group(1) if m else None
        inner = sgml_documents(raw)
        primary = next((d for d in inner if d.get("type", "").upper() == (form or "").upper()), inner[0] if inner else None)
        if primary is not None:
            raw = primary["body"]
            is_html = "<html" in raw[:2000].lower()
    if is_html and form is None:
        ix = parse_inline_xbrl(raw.encode("utf-8"))
        if ix is not None and ix.dei:
            form = ix.dei.get("DocumentType")
    text = html_to_text(raw) if is_html else normalize_text(raw)
    if form is None:
        m = _TEXT_FORM.search(text[:5000])
        form = m.group(1) if m else None
    return form, text, split_items(text, (form or "").upper())
