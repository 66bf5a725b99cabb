"""Facts from text, for filings without XBRL (plain-text renderings).

Two readers:

- :func:`statement_lines`: a financial-statement line ("Additions to property
  and equipment", "Total revenue", ...) followed by its numbers; the first
  number is the current period. The scale comes from the statement's
  "(In millions)" note, the period from its "Year Ended" / "Three Months
  Ended" header; year-to-date columns (six or nine months) are skipped.
- :func:`balance_sentences`: sentences stating a backlog or remaining
  performance obligations: "... was $375 billion as of June 30, 2025".

Examples
--------
>>> text = "CASH FLOWS STATEMENTS\\n(In millions)\\nYear Ended June 30,\\n2025\\n2024\\nInvesting\\n" \\
...        "Additions to property and equipment\\n(64,551\\n)\\n(44,477\\n)\\n"
>>> [(f.metric, f.value, f.duration, f.prior) for f in statement_lines(text, 0, len(text))]
[('capex', 64551000000.0, 'year', ((1, 44477000000.0),))]
>>> s = "Revenue allocated to remaining performance obligations was $375billion as of June 30, 2025, of which $368billion is commercial."
>>> [(f.metric, f.value, str(f.end_date)) for f in balance_sentences(s, 0, len(s))]
[('remaining_performance_obligations', 375000000000.0, '2025-06-30')]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from .text import sentences

__all__ = ["LINE_LABELS", "TextFact", "balance_sentences", "statement_lines"]


@dataclass(frozen=True)
class TextFact:
    metric: str
    value: float
    label: str
    offset_start: int  # offsets of the quoted line or sentence
    offset_end: int
    quote: str
    duration: str | None = None  # "year", "quarter" (statement lines)
    end_date: dt.date | None = None  # balances: the "as of" date
    # statement lines: the comparative columns beside the current one, as
    # (years before the current period, value); a 10-K's prior years, a
    # 10-Q's same quarter of the prior year
    prior: tuple[tuple[int, float], ...] = ()


# Statement line labels, most specific first; matched case-insensitively on a whole line.
LINE_LABELS: tuple[tuple[str, str], ...] = (
    ("capex", r"additions to property(?:,)? (?:plant )?and equipment"),
    ("capex", r"purchases of property(?:,)? (?:plant )?and equipment(?: and intangible assets)?"),
    ("capex", r"purchases related to property and equipment and intangible assets"),
    ("capex", r"capital expenditures"),
    ("capex", r"payments for acquisition of property(?:,)? plant(?:,)? and equipment"),
    ("revenue", r"total (?:net )?revenues?"),
    ("revenue", r"(?:net )?revenues?"),
    ("revenue", r"total net sales"),
    ("cost_of_revenue", r"total cost of (?:revenues?|sales)"),
    ("cost_of_revenue", r"cost of (?:revenues?|sales)"),
    ("rd_expense", r"research and development"),
    ("operating_income", r"(?:total )?operating income(?: \(loss\))?"),
    ("operating_income", r"income from operations"),
)
_NUM = r"\(?\$?\s*\d{1,3}(?:,\d{3})*(?:\.\d+)?\s*\)?"
_SCALE = re.compile(r"\(\s*in (millions|thousands|billions)", re.I)
_PERIOD = re.compile(r"\b(three|six|nine|twelve) months ended|\byears? ended\b", re.I)
_SCALES = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}


def statement_lines(text: str, start: int, end: int) -> list[TextFact]:
    """Current-period values of statement lines in ``text[start:end]`` (first hit per metric)."""
    out: dict[str, TextFact] = {}
    for metric, label in LINE_LABELS:
        if metric in out:
            continue
        pattern = re.compile(rf"(?im)^[ \t]*({label})[ \t]*:?[ \t]*\n?((?:[ \t]*(?:{_NUM}|\))[ \t]*\n?){{1,8}})")
        for m in pattern.finditer(text, start, end):
            numbers = re.findall(_NUM, m.group(2))
            if not numbers:
                continue
            before = text[max(start, m.start() - 6000) : m.start()]
            scales = list(_SCALE.finditer(before))
            periods = list(_PERIOD.finditer(before))
            if not scales or not periods:
                continue  # without a stated scale and period the number means nothing
            word = periods[-1].group(1)
            duration = {"three": "quarter", "twelve": "year", None: "year"}.get(
                word.lower() if word else None
            )
            if duration is None:
                break  # a six/nine-month column: year-to-date, not stored
            scale = _SCALES[scales[-1].group(1).lower()]
            try:
                values = [_value(raw, scale, metric) for raw in numbers]
            except (ArithmeticError, ValueError):
                continue
            value = values[0]
            # Comparative columns: the header's years, newest first ("2025 2024 2023").
            years = [int(y) for y in re.findall(r"\b(20\d\d|19\d\d)\b", before[periods[-1].start() :])]
            columns = 3 if duration == "year" else 2  # a 10-Q: this quarter, the same quarter a year ago
            prior: list[tuple[int, float]] = []
            if len(years) >= 2 and years[0] > years[1]:
                for i in range(1, min(columns, len(years), len(values))):
                    back = years[0] - years[i]
                    if back != i:
                        break
                    prior.append((back, values[i]))
            line_end = m.end(2)
            quote = " ".join(text[m.start() : line_end].split())
            # The quote is verbatim fragments in the filing's order, joined by "...": the scale
            # note, the column header, the line (graph.audit.quote_in_text checks each).
            head_at = periods[-1].start()
            head = re.match(r"\s*(?:\S+\s+){0,5}\S+", before[head_at:])
            header = " ".join(head.group(0).split()) if head else periods[-1].group(0)
            head_end = head_at + (head.end() if head else len(periods[-1].group(0)))
            fragments = [(head_at, header)]
            note = scales[-1]
            if not head_at <= note.start() < head_end:  # a scale inside the header is quoted with it
                closing = ")" if before[note.end() : note.end() + 1] == ")" else ""
                fragments.append((note.start(), " ".join(note.group(0).split()) + closing))
            lead = " ... ".join(f for _, f in sorted(fragments))
            out[metric] = TextFact(metric, value, m.group(1), m.start(), line_end,
                                   f"{lead} ... {quote}", duration, prior=tuple(prior))
            break
    return [out[k] for k in sorted(out)]


def _value(raw: str, scale: float, metric: str) -> float:
    digits = re.sub(r"[^\d.]", "", raw)
    value = float(Decimal(digits) * Decimal(int(scale)))
    if metric != "capex" and raw.strip().startswith("("):
        value = -value  # capex is reported as an outflow; store it positive
    return value


_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_AMOUNT = re.compile(r"\$\s?(\d+(?:\.\d+)?)\s*(billion|million|thousand)", re.I)
_STATED = re.compile(r"\b(?:was|were|of|to|totaled|totaling|reached|at|is)\s*$", re.I)
_ASOF = re.compile(r"\b(?:as of|at|on)\s+(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2}),\s*(\d{4})", re.I)


def balance_sentences(text: str, start: int, end: int, default_date: dt.date | None = None) -> list[TextFact]:
    """Backlog and remaining-performance-obligation totals stated in sentences.

    The amount is the one the total is stated as ("was", "of", "to", "totaled"
    $X), not a change ("increased $5.1 billion to $25.0 billion" gives 25.0).
    Without an "as of <date>" the sentence speaks of the filing's own period
    end, ``default_date``; without either it is skipped.

    >>> s = "Backlog increased $5.1 billion, or 25%, to $25.0 billion at December 31, 2024."
    >>> [(f.metric, f.value, str(f.end_date)) for f in balance_sentences(s, 0, len(s))]
    [('backlog', 25000000000.0, '2024-12-31')]
    >>> s = "Our total backlog was $119.0 billion, up from $91.5 billion a year ago."
    >>> [(f.value, str(f.end_date)) for f in balance_sentences(s, 0, len(s), dt.date(2025, 12, 31))]
    [(119000000000.0, '2025-12-31')]
    """
    out: list[TextFact] = []
    for sent in sentences(text, start, end):
        s = sent.text
        low = s.lower()
        # A filer that calls its RPO "revenue backlog" is still stating RPO.
        if "remaining performance obligation" in low:
            metric = "remaining_performance_obligations"
        elif "backlog" in low:
            metric = "backlog"
        else:
            continue
        if re.search(r"\bcommercial remaining performance", low):
            continue  # a segment's share, not the total
        amounts = list(_AMOUNT.finditer(s))
        if not amounts:
            continue
        stated = [a for a in amounts if _STATED.search(s[max(0, a.start() - 14) : a.start()])]
        amount = stated[-1] if stated and re.search(r"\b(?:increased|decreased|grew|rose|declined)\b", low) else (stated or amounts)[0]
        asof = _ASOF.search(s)
        date: dt.date | None = default_date
        if asof:
            try:
                date = dt.date(int(asof.group(3)), _MONTHS[asof.group(1).lower()], int(asof.group(2)))
            except ValueError:
                date = None
        if date is None:
            continue
        scale = {"billion": 1e9, "million": 1e6, "thousand": 1e3}[amount.group(2).lower()]
        value = float(Decimal(amount.group(1)) * Decimal(int(scale)))
        out.append(TextFact(metric, value, metric, sent.start, sent.end, s[:600], None, date))
    return out
