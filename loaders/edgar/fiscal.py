"""Fiscal calendars: which fiscal year and quarter a period falls in.

A company names its fiscal year after the calendar year in which it ends
(NVIDIA's year ending 26 January 2025 is fiscal 2025; Oracle's quarter ending
31 August 2023 is in fiscal 2024). Companies on 52/53-week years end their
year on a weekday near a nominal month-day (Apple: the last Saturday of
September), so a period ending up to :data:`TOLERANCE_DAYS` after the
nominal year end still belongs to the year that just ended.

The rule is calibrated against the filings' own DEI
``DocumentFiscalYearFocus`` (the fy of each filing for its own report
period): their consensus sets an offset for filers that name a year after
the calendar year it starts in. Individual old labels are not trusted
(NVIDIA's 2009-2012 filings call fiscal 2011 "2010"). companyfacts' ``fy`` names the *filing* that
reported a value, not the value's year, so it is never used directly.

Examples
--------
>>> import datetime as dt
>>> cal = FiscalCalendar.from_month_day("0131")
>>> cal.fiscal_year(dt.date(2025, 1, 26))
2025
>>> cal.fiscal_year(dt.date(2024, 10, 27))
2025
>>> FiscalCalendar.from_month_day("0531").fiscal_year(dt.date(2023, 8, 31))
2024
>>> FiscalCalendar.from_month_day("0926").fiscal_year(dt.date(2023, 9, 30))
2023
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["TOLERANCE_DAYS", "FiscalCalendar", "duration_kind"]

TOLERANCE_DAYS = 7


def duration_kind(start: dt.date | None, end: dt.date) -> str | None:
    """Classify a period: ``"instant"``, ``"year"``, ``"quarter"`` or None (YTD, odd spans).

    >>> duration_kind(dt.date(2024, 1, 29), dt.date(2025, 1, 26))
    'year'
    >>> duration_kind(dt.date(2025, 7, 28), dt.date(2025, 10, 26))
    'quarter'
    >>> duration_kind(dt.date(2025, 1, 27), dt.date(2025, 10, 26)) is None
    True
    """
    if start is None:
        return "instant"
    days = (end - start).days + 1
    if 350 <= days <= 380:
        return "year"
    if 80 <= days <= 100:
        return "quarter"
    return None


def _nominal_end(year: int, month: int, day: int) -> dt.date:
    # Feb 29 does not exist in most years; the nominal end then falls back a day.
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1


@dataclass(frozen=True)
class FiscalCalendar:
    """A company's fiscal calendar: nominal year end plus a calibrated label offset.

    Parameters
    ----------
    month, day : int
        The nominal fiscal year end (EDGAR's ``fiscalYearEnd`` "MMDD").
    offset : int
        Added to the rule's year, for the rare filer that names its fiscal
        year after the calendar year it starts in (calibrated from anchors).
    """

    month: int = 12
    day: int = 31
    offset: int = 0

    @classmethod
    def from_month_day(cls, mmdd: str | None) -> FiscalCalendar:
        """A calendar from EDGAR's ``fiscalYearEnd`` ("0131"); December 31 when unknown.

        >>> FiscalCalendar.from_month_day("--06-30").month
        6
        """
        digits = "".join(ch for ch in (mmdd or "") if ch.isdigit())
        if len(digits) == 4:
            month, day = int(digits[:2]), int(digits[2:])
            if 1 <= month <= 12 and 1 <= day <= 31:
                return cls(month=month, day=day)
        return cls()

    def rule_year(self, end: dt.date) -> int:
        """The fiscal-year-end rule: the year whose nominal end (plus tolerance) is on/after ``end``."""
        nominal = _nominal_end(end.year, self.month, self.day)
        if end <= nominal + dt.timedelta(days=TOLERANCE_DAYS):
            return end.year
        return end.year + 1

    def calibrated(self, anchors: Iterable[tuple[dt.date, int]], recent: int = 8) -> FiscalCalendar:
        """A copy whose ``offset`` is calibrated on the filings' own labels.

        ``anchors`` are (report period end, DocumentFiscalYearFocus) of 10-K/10-Q
        filings. Old DEI labels are unreliable (NVIDIA's 2009-2012 filings call
        fiscal 2011 "2010"), so only the ``recent`` latest anchors vote, and the
        rule plus that offset decides every date: one mislabelled filing cannot
        move a year.

        >>> cal = FiscalCalendar.from_month_day("0131").calibrated(
        ...     [(dt.date(2011, 1, 30), 2010), (dt.date(2024, 1, 28), 2024), (dt.date(2025, 1, 26), 2025)],
        ...     recent=2)
        >>> cal.offset, cal.fiscal_year(dt.date(2011, 1, 30))
        (0, 2011)
        """
        usable = sorted((end, fy) for end, fy in anchors if fy is not None and 1900 < fy < 2200)
        votes = Counter(fy - self.rule_year(end) for end, fy in usable[-recent:])
        offset = votes.most_common(1)[0][0] if votes else 0
        if abs(offset) > 1:
            offset = 0
        return FiscalCalendar(self.month, self.day, offset)

    def fiscal_year(self, end: dt.date) -> int:
        """The company's label for the fiscal year a period ending on ``end`` falls in."""
        return self.rule_year(end) + self.offset

    def year_end(self, fiscal_year: int) -> dt.date:
        """The nominal end of a fiscal year."""
        return _nominal_end(fiscal_year - self.offset, self.month, self.day)

    def fiscal_period(self, start: dt.date | None, end: dt.date) -> str | None:
        """``FY``, ``Q1``..``Q4`` for a year, a quarter or a balance at a period end; None for YTD spans.

        >>> cal = FiscalCalendar.from_month_day("0531")
        >>> cal.fiscal_period(dt.date(2023, 6, 1), dt.date(2023, 8, 31))
        'Q1'
        >>> cal.fiscal_period(None, dt.date(2023, 5, 31))
        'FY'
        """
        kind = duration_kind(start, end)
        if kind is None:
            return None
        if kind == "year":
            return "FY"
        fy = self.fiscal_year(end)
        previous_end = self.year_end(fy - 1)
        quarter = round((end - previous_end).days / 91.3)
        quarter = min(max(quarter, 1), 4)
        if kind == "instant" and quarter == 4:
            return "FY"
        return f"Q{quarter}"
