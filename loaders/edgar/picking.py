"""Pick one fact per company, metric and fiscal period from many observations.

The same figure appears in several filings (a 10-K restates two earlier
years) and under several concepts of a family. The pick is deterministic:

1. XBRL before text;
2. the latest-filed filing (a restatement replaces the original);
3. the concept earliest in the metric's family (:data:`~.concepts.CONCEPT_RANK`);
4. the accession, then the value, as final tie-breaks.

The picked observation is the fact's value and first evidence; every other
filing that reported the period follows as evidence (a text observation
only when it agrees within 1%), so a restated year shows both sources.

Examples
--------
>>> import datetime as dt
>>> from .fiscal import FiscalCalendar
>>> obs = [Observation("0001045810", "capex", dt.date(2024, 1, 28), dt.date(2023, 1, 30), v, a,
...        "us-gaap:PaymentsToAcquireProductiveAssets", "xbrl", "loc", "q", "10-K", f)
...        for v, a, f in [(1069e6, "A1", dt.date(2024, 2, 21)), (1069e6, "A2", dt.date(2025, 2, 26))]]
>>> [p.observation.accession for p in pick(obs, FiscalCalendar.from_month_day("0131"))]
['A2']
>>> pick(obs, FiscalCalendar.from_month_day("0131"))[0].others[0].accession
'A1'
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .concepts import CONCEPT_RANK
from .fiscal import FiscalCalendar, duration_kind
from .observations import Observation

__all__ = ["Picked", "period_of", "pick"]


@dataclass(frozen=True)
class Picked:
    metric: str
    fiscal_year: int
    fiscal_period: str
    observation: Observation
    others: tuple[Observation, ...]


def period_of(obs: Observation, calendar: FiscalCalendar) -> tuple[int, str] | None:
    """(fiscal_year, fiscal_period) of an observation; None for year-to-date spans."""
    if obs.start is None and obs.duration is not None:
        fy = calendar.fiscal_year(obs.end)
        if obs.duration == "year":
            return fy, "FY"
        # a quarter with unknown start: classify from a nominal 13-week span
        label = calendar.fiscal_period(obs.end - dt.timedelta(days=90), obs.end)
        return (fy, label) if label else None
    if duration_kind(obs.start, obs.end) is None:
        return None
    label = calendar.fiscal_period(obs.start, obs.end)
    if label is None:
        return None
    return calendar.fiscal_year(obs.end), label


def _key(o: Observation) -> tuple[int, dt.date, int, str, float]:
    return (
        1 if o.method == "xbrl" else 0,
        o.filed or dt.date.min,
        CONCEPT_RANK.get(o.concept.split(":")[-1], 0),
        o.accession,
        o.value,
    )


def pick(observations: Iterable[Observation], calendar: FiscalCalendar) -> list[Picked]:
    """One :class:`Picked` per (metric, fiscal year, fiscal period), sorted."""
    groups: dict[tuple[str, int, str], list[Observation]] = defaultdict(list)
    for o in observations:
        period = period_of(o, calendar)
        if period is None:
            continue
        groups[(o.metric, *period)].append(o)
    out = []
    for (metric, fy, fp), group in sorted(groups.items()):
        ranked = sorted(group, key=_key, reverse=True)
        best = ranked[0]
        # Within one period the fiscal-period label must describe the same span.
        same_span = [o for o in ranked if o.end == best.end]
        others: list[Observation] = []
        seen = {best.accession}
        for o in same_span[1:]:
            if o.accession in seen:
                continue
            if o.method != "xbrl" and abs(o.value - best.value) > 0.01 * max(abs(best.value), 1.0):
                continue
            seen.add(o.accession)
            others.append(o)
        out.append(Picked(metric, fy, fp, best, tuple(others)))
    return out
