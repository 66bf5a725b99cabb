"""Split a 10-K, 10-Q or 8-K into its items, with character offsets.

A heading is a line that starts with ``Item <n>`` and carries a title
(``Item 1A. Risk Factors``, ``ITEM 7. MANAGEMENT'S DISCUSSION ...``,
``Item 5.02 Departure of Directors ...``). The table of contents and running
page headers repeat the same headings, so every item keeps its longest span:
a table-of-contents entry runs a line or two to the next entry, the real
section runs to the next real heading. 10-Q items restart in Part II, so
their keys carry the part (``I-2``, ``II-1A``).

Examples
--------
>>> text = "Item 1. Business\\nItem 1A. Risk Factors\\nPART I\\nItem 1. Business\\nWe make GPUs.\\n" \\
...        "Item 1A. Risk Factors\\nSupply is risky.\\nItem 7. MD&A\\nGrew."
>>> [(s.key, text[s.start:s.end].splitlines()[0]) for s in split_items(text, "10-K")]
[('1', 'Item 1. Business'), ('1A', 'Item 1A. Risk Factors'), ('7', 'Item 7. MD&A')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ITEM_NAMES", "Section", "section_at", "split_items"]

ITEM_NAMES = {
    "1": "Business",
    "1A": "Risk Factors",
    "7": "Management's Discussion and Analysis",
    "8": "Financial Statements and Supplementary Data",
    "15": "Exhibits and Financial Statement Schedules",
    "1.01": "Entry into a Material Definitive Agreement",
    "2.02": "Results of Operations and Financial Condition",
    "5.02": "Departure or Election of Directors or Officers",
    "7.01": "Regulation FD Disclosure",
    "8.01": "Other Events",
    "9.01": "Financial Statements and Exhibits",
}


@dataclass(frozen=True)
class Section:
    key: str  # "1A", "7", "5.02", or for 10-Q "I-2"
    title: str
    start: int
    end: int


_HEADING = re.compile(
    r"(?im)^[ \t]*item[ \t]+(\d\.\d{2}|\d{1,2}[a-c]?)(?![\d])[ \t]*([.:\-\u2013\u2014]?)[ \t]*([^\n]*)$"
)
_PART = re.compile(r"(?im)^[ \t]*part[ \t]+(iv|iii|ii|i)\b")


def split_items(text: str, form: str | None) -> list[Section]:
    """Items of a filing's text, each with its longest span, in document order."""
    quarterly = (form or "").upper().startswith("10-Q")
    parts = [(m.start(), m.group(1).upper()) for m in _PART.finditer(text)]
    heads: list[tuple[int, str, str]] = []
    for m in _HEADING.finditer(text):
        title = m.group(3).strip()
        # A heading carries a title. A bare "Item 7" line is a running page
        # header; "Item 7." with the title on the next line is a contents entry.
        if not re.search(r"[A-Za-z]{2}", title):
            if not m.group(2):
                continue
            nxt = text[m.end() : m.end() + 120].lstrip("\n").split("\n", 1)[0].strip()
            if not re.match(r"[A-Z][A-Za-z'’,& ]{3,}$", nxt) or len(nxt) > 100:
                continue
            title = nxt
        item = m.group(1).upper()
        key = item
        if quarterly:
            part = "I"
            for pos, name in parts:
                if pos <= m.start():
                    part = name
            key = f"{part}-{item}"
        heads.append((m.start(), key, " ".join(title.split())[:120]))
    # A repeated heading right after itself (a page header restating the
    # item) does not end the item.
    heads = [h for i, h in enumerate(heads) if i == 0 or h[1] != heads[i - 1][1]]
    best: dict[str, Section] = {}
    for i, (pos, key, title) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        sec = Section(key, title, pos, end)
        if key not in best or (sec.end - sec.start) > (best[key].end - best[key].start):
            best[key] = sec
    return sorted(best.values(), key=lambda s: s.start)


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The section holding a character offset, or None (cover page, exhibits index)."""
    for sec in sections:
        if sec.start <= offset < sec.end:
            return sec
    return None
