import datetime as dt

import pytest

from chainshock.loaders.edgar.fiscal import FiscalCalendar, duration_kind


@pytest.mark.parametrize(
    ("fye", "end", "year"),
    [
        ("0131", dt.date(2026, 1, 25), 2026),  # NVIDIA's year ending January 2026 is fiscal 2026
        ("0131", dt.date(2025, 10, 26), 2026),
        ("0531", dt.date(2023, 8, 31), 2024),  # Oracle's quarter ending August 2023 is fiscal 2024
        ("0926", dt.date(2023, 9, 30), 2023),  # Apple's 53-week year ends after the nominal date
        ("0926", dt.date(2022, 10, 1), 2022),
        ("0630", dt.date(2025, 9, 30), 2026),
        ("1231", dt.date(2024, 12, 31), 2024),
    ],
)
def test_fiscal_year_rule(fye: str, end: dt.date, year: int) -> None:
    assert FiscalCalendar.from_month_day(fye).fiscal_year(end) == year


def test_old_mislabelled_dei_does_not_move_years() -> None:
    # NVIDIA's 2010-2012 filings label fiscal 2011 as "2010"; recent ones are right.
    anchors = [(dt.date(2011, 1, 30), 2010), (dt.date(2012, 1, 29), 2011)] + [
        (dt.date(y, 1, 28), y) for y in range(2018, 2026)
    ]
    cal = FiscalCalendar.from_month_day("0131").calibrated(anchors)
    assert cal.offset == 0
    assert cal.fiscal_year(dt.date(2011, 1, 30)) == 2011


def test_offset_for_start_year_labels() -> None:
    # A retailer naming its year after the calendar year it starts in.
    anchors = [(dt.date(y + 1, 2, 1), y) for y in range(2015, 2025)]
    cal = FiscalCalendar.from_month_day("0131").calibrated(anchors)
    assert cal.offset == -1
    assert cal.fiscal_year(dt.date(2025, 2, 1)) == 2024


def test_fiscal_period_labels() -> None:
    cal = FiscalCalendar.from_month_day("0131")
    assert cal.fiscal_period(dt.date(2025, 7, 28), dt.date(2025, 10, 26)) == "Q3"
    assert cal.fiscal_period(dt.date(2024, 1, 29), dt.date(2025, 1, 26)) == "FY"
    assert cal.fiscal_period(None, dt.date(2025, 1, 26)) == "FY"
    assert cal.fiscal_period(dt.date(2025, 1, 27), dt.date(2025, 10, 26)) is None  # nine months YTD
    assert duration_kind(None, dt.date(2025, 1, 1)) == "instant"
