"""How well each edge and fact is proven by its evidence (pure functions).

Every evidence row gets a **grade**:

- ``filed``: an SEC document (a local filing's quote is also checked
  verbatim, see :func:`quote_in_text`);
- ``primary``: the company's own release or page, or a regulator;
- ``secondary``: press, analysts, aggregators;
- ``judgement``: an estimate whose evidence is its stated basis
  (evidence ``method: judgement``);
- ``inferred``: derived from other facts (evidence ``method: inferred``).

An edge is **proven** when one evidence row graded above ``judgement``
quotes text that names each party the edge type needs (see
:data:`REQUIRED_PARTIES`): by name, alias or ticker, or by "we"/"our"/"the
Company" when the source is the party's own filing or release. An edge no
quote proves is **inferred** when it says so (``inferred: true`` and a
``basis``), otherwise **unsupported**; ``build --strict`` refuses those.

Examples
--------
>>> p = Party(id="company:nvidia", names=("NVIDIA Corporation", "NVIDIA"), ticker="NVDA", cik="1045810")
>>> names_party("NVIDIA buys HBM from SK hynix.", p, own_source=False)
True
>>> names_party("We buy HBM.", p, own_source=True)
True
>>> names_party("We buy HBM.", p, own_source=False)
False
>>> quote_in_text("buys  HBM &amp; DRAM", "NVIDIA buys HBM & DRAM from three suppliers.")
True
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .records import decode_json

__all__ = [
    "GRADES",
    "REQUIRED_PARTIES",
    "Audit",
    "EdgeAudit",
    "FactAudit",
    "Party",
    "SourceInfo",
    "audit_edges",
    "audit_facts",
    "audit_tables",
    "closed_guidance",
    "consistency_problems",
    "edge_summary",
    "evidence_grade",
    "grade_counts",
    "name_variants",
    "names_party",
    "normalise",
    "quote_in_text",
    "stale_baselines",
    "undated_sources",
    "verify_quotes",
    "verify_xbrl",
]

Grade = Literal["filed", "primary", "secondary", "judgement", "inferred"]
GRADES: tuple[str, ...] = ("filed", "primary", "secondary", "judgement", "inferred")
Status = Literal["proven", "inferred", "unsupported"]

# Which endpoints of an edge its quote must name: "source", "target".
REQUIRED_PARTIES: dict[str, tuple[str, ...]] = {
    "SUPPLIES": ("source", "target"),
    "INVESTS_IN": ("source", "target"),
    "PARTNERS_WITH": ("source", "target"),
    "USES": ("source",),
    "PRODUCES": ("source",),
    "PARTY_TO": ("source",),
    "LOCATED_IN": ("source", "target"),
    "CONSTITUENT_OF": ("source",),
    "COVERS": (),
}

_CORPORATE = re.compile(
    r"[,.]?\s+(?:inc|incorporated|corp|corporation|co|company|ltd|limited|plc|ag|se|sa|nv|n\.v|lp|llc|holdings|group|"
    r"co\.,?\s*ltd|technology|technologies|platforms|international)\.?$",
    re.IGNORECASE,
)
_SELF = re.compile(r"(?<![a-z0-9])(?:we|our|us|ours|the company)(?![a-z0-9])")
# US states and their abbreviations name the United States (incorporation, address).
_US_STATES = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
    "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine",
    "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska",
    "Nevada", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Tennessee", "Texas", "Utah", "Vermont", "Virginia",
    "Washington", "Wisconsin", "Wyoming", "New Hampshire", "New Jersey", "New Mexico", "New York",
    "North Carolina", "North Dakota", "Rhode Island", "South Carolina", "South Dakota", "West Virginia",
)

_US_STATE_CODES = tuple(
    ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"]
)


@dataclass(frozen=True)
class Party:
    """Who an endpoint is, in the words a quote may use for it."""

    id: str
    names: tuple[str, ...]
    ticker: str | None = None
    cik: str | None = None


@dataclass(frozen=True)
class SourceInfo:
    """What the grade of a citation depends on."""

    id: str
    kind: str
    reliability: str = "primary"
    publisher: str | None = None
    cik: str | None = None
    accession: str | None = None
    as_of: dt.date | None = None
    url: str | None = None


@dataclass
class EdgeAudit:
    """The verdict on one edge."""

    id: str
    type: str
    source: str
    target: str
    status: Status
    grade: str
    names: dict[str, bool] = field(default_factory=dict)  # "source"/"target" -> named by the best row
    basis: str | None = None
    grades: list[str] = field(default_factory=list)  # one per evidence row
    problems: list[str] = field(default_factory=list)
    proof: int | None = None  # index of the evidence row whose quote names every party

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "type": self.type, "source": self.source, "target": self.target,
            "status": self.status, "grade": self.grade, "names": self.names, "basis": self.basis,
            "grades": self.grades, "problems": self.problems, "proof": self.proof,
        }


@dataclass
class FactAudit:
    """The verdict on one fact."""

    id: str
    company: str
    metric: str
    grade: str
    grades: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "company": self.company, "metric": self.metric, "grade": self.grade,
                "grades": self.grades, "problems": self.problems}


def normalise(text: str) -> str:
    """Text as compared: entities decoded, NFKC, straight quotes, one space, lower case.

    >>> normalise("SK&nbsp;hynix’s  “HBM3E”\\n chips")
    'sk hynix\\'s "hbm3e" chips'
    """
    text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = (
        text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
        .replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-").replace("\u00ad", "")
        .replace("\u200b", "").replace("®", "").replace("™", "")
    )
    return " ".join(text.split()).casefold()


_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\])\s*")


def quote_in_text(quote: str, text: str) -> bool:
    """Whether ``quote`` appears verbatim in ``text`` (whitespace and entities normalised).

    An ellipsis in the quote ("..." or "…") stands for omitted words: each
    fragment must appear, in order. Tables rendered with other spacing or
    column rules also match when whitespace and ``|`` are ignored.

    >>> quote_in_text("revenue ... grew", "Our revenue in 2025 grew by 10%.")
    True
    >>> quote_in_text("grew ... revenue", "Our revenue in 2025 grew by 10%.")
    False
    """
    fragments = [normalise(f) for f in _ELLIPSIS.split(quote) if normalise(f)]
    if not fragments:
        return False
    body = normalise(text)
    if _in_order(fragments, body):
        return True
    squash = re.compile(r"[\s|]+")
    return _in_order([squash.sub("", f) for f in fragments], squash.sub("", body))


def _in_order(fragments: list[str], body: str) -> bool:
    pos = 0
    for frag in fragments:
        at = body.find(frag, pos)
        if at < 0:
            return False
        pos = at + len(frag)
    return True


def name_variants(names: Iterable[str]) -> list[str]:
    """Normalised ways of writing a name: as given, without parentheses, without the corporate suffix.

    >>> name_variants(["Micron Technology, Inc.", "SK hynix Inc. (SK Group)"])
    ['micron technology, inc', 'micron technology', 'micron', 'sk hynix inc. (sk group)', 'sk hynix inc', 'sk hynix']
    """
    out: list[str] = []

    def add(v: str) -> None:
        v = normalise(v).strip(" ,.;:")
        if len(v) >= 3 and v not in out:
            out.append(v)

    for name in names:
        if not name:
            continue
        out_before = normalise(name).strip(" ,.;:")
        if len(out_before) >= 3 and out_before not in out:
            out.append(out_before)
        bare = re.sub(r"\s*\([^)]*\)", "", name).strip()
        add(bare)
        prev = None
        while prev != bare:
            prev = bare
            bare = _CORPORATE.sub("", bare).strip()
            add(bare)
    return out


def names_party(quote: str, party: Party, own_source: bool) -> bool:
    """Whether ``quote`` names ``party`` (name, alias, ticker; "we"/"our" in its own source)."""
    text = normalise(quote)
    for v in name_variants(party.names):
        if re.search(r"(?<![a-z0-9])" + re.escape(v) + r"(?![a-z0-9])", text):
            return True
    for name in party.names:  # two-letter names ("HP") match in capitals only, like tickers
        short = (name or "").strip()
        if len(short) == 2 and short.isupper() and re.search(
            r"(?<![A-Za-z0-9])" + re.escape(short) + r"(?![A-Za-z0-9])", quote
        ):
            return True
    ticker = party.ticker or ""
    if len(ticker) >= 2 and re.search(r"(?<![A-Za-z0-9])" + re.escape(ticker) + r"(?![A-Za-z0-9])", quote):
        return True
    return bool(own_source and _SELF.search(text))


def _cik(value: str | None) -> str | None:
    return str(int(value)) if value and str(value).isdigit() else None


def is_own_source(source: SourceInfo | None, party: Party) -> bool:
    """Whether the cited document is the party's own filing or release."""
    if source is None:
        return False
    if _cik(source.cik) and _cik(source.cik) == _cik(party.cik):
        return True
    if source.publisher and source.kind in ("filing", "press_release", "company_page"):
        return names_party(source.publisher, party, own_source=False)
    return False


def evidence_grade(method: str, source: SourceInfo | None) -> str:
    """The grade of one citation.

    >>> evidence_grade("curated", SourceInfo(id="s", kind="filing", accession="0001-25-1"))
    'filed'
    >>> evidence_grade("curated", SourceInfo(id="s", kind="article", reliability="secondary"))
    'secondary'
    >>> evidence_grade("inferred", None)
    'inferred'
    """
    if method in ("inferred", "judgement"):
        return method
    if source is None:
        return "inferred"
    if source.kind == "filing" or source.accession:
        return "filed"
    return "secondary" if source.reliability == "secondary" else "primary"


def _best(grades: Iterable[str]) -> str:
    ranked = sorted(grades, key=GRADES.index)
    return ranked[0] if ranked else "inferred"


def country_party(node_id: str, name: str, iso: str | None, aliases: Iterable[str] = ()) -> Party:
    """A country as a party: its name, aliases and ISO code, and for the US its states.

    >>> names_party("Headquartered in Santa Clara, California", country_party("country:us", "United States", "US"), False)
    True
    """
    names: list[str] = [name, *aliases]
    if iso:
        names.append(iso.upper())
    if (iso or "").upper() in ("US", "USA"):
        names += ["United States", "U.S.", "USA", *_US_STATES, *_US_STATE_CODES]
    return Party(id=node_id, names=tuple(names), ticker=(iso or "").upper() or None)


def audit_edges(
    edges: Iterable[Mapping[str, Any]],
    parties: Mapping[str, Party],
    sources: Mapping[str, SourceInfo],
) -> list[EdgeAudit]:
    """Grade every edge and decide whether its evidence proves it.

    Parameters
    ----------
    edges : iterable of mappings
        ``id, type, source, target, properties (dict), evidence (list of
        {source_id, quote, method})``.
    parties : mapping
        Node id -> :class:`Party` (companies and countries).
    sources : mapping
        Source id -> :class:`SourceInfo`.

    Returns
    -------
    list of EdgeAudit
        One per edge, in input order.

    Examples
    --------
    >>> parties = {"company:a": Party("company:a", ("Acme Corp",)), "company:b": Party("company:b", ("Bolt Inc.",))}
    >>> src = {"s": SourceInfo("s", "article", "secondary")}
    >>> e = {"id": "e", "type": "SUPPLIES", "source": "company:a", "target": "company:b", "properties": {},
    ...      "evidence": [{"source_id": "s", "quote": "Acme sells motors to Bolt.", "method": "curated"}]}
    >>> audit_edges([e], parties, src)[0].status
    'proven'
    >>> e2 = {**e, "evidence": [{"source_id": "s", "quote": "Acme sells motors.", "method": "curated"}]}
    >>> audit_edges([e2], parties, src)[0].status
    'unsupported'
    >>> e3 = {**e2, "properties": {"inferred": True, "basis": "Bolt's motors, filed; Acme is the only maker"}}
    >>> audit_edges([e3], parties, src)[0].status
    'inferred'
    """
    out: list[EdgeAudit] = []
    for edge in edges:
        etype = str(edge["type"])
        props = edge.get("properties") or {}
        evidence = list(edge.get("evidence") or [])
        ends = {"source": str(edge["source"]), "target": str(edge["target"])}
        need = REQUIRED_PARTIES.get(etype, ())
        grades = [evidence_grade(str(ev.get("method") or "curated"), sources.get(str(ev["source_id"]))) for ev in evidence]
        problems: list[str] = []
        best_names: dict[str, bool] = {k: False for k in need}
        proven = False
        proof: int | None = None
        for idx, (ev, grade) in enumerate(zip(evidence, grades, strict=True)):
            if grade in ("inferred", "judgement"):
                continue
            src = sources.get(str(ev["source_id"]))
            named = {}
            for end in need:
                party = parties.get(ends[end])
                own = party is not None and is_own_source(src, party)
                # a filing's cover address or headquarters line is its filer's
                implicit = etype == "LOCATED_IN" and end == "source" and own and src is not None and src.kind == "filing"
                named[end] = party is not None and (implicit or names_party(str(ev.get("quote") or ""), party, own))
            if sum(named.values()) > sum(best_names.values()):
                best_names = named
            if all(named.values()):
                proven = True
                proof = idx
                best_names = named
                break
        inferred = bool(props.get("inferred"))
        basis = props.get("basis")
        if inferred and not (isinstance(basis, str) and len(basis.strip()) >= 10):
            problems.append("inferred: true needs a basis naming the rule and its inputs")
        if inferred:
            status: Status = "inferred"
        elif proven and evidence:
            status = "proven"
        else:
            status = "unsupported"
            missing = [ends[k] for k, ok in best_names.items() if not ok]
            problems.append(
                "no quote names " + " or ".join(missing) if missing else "no citation above judgement grade"
            )
        grade = "inferred" if inferred else _best(grades)
        out.append(EdgeAudit(
            id=str(edge["id"]), type=etype, source=ends["source"], target=ends["target"], status=status,
            grade=grade, names=best_names, basis=basis if inferred else None, grades=grades, problems=problems,
            proof=proof,
        ))
    return out


_TAG = re.compile(r"\b[a-z][a-z0-9-]*:[A-Z][A-Za-z0-9]+\b")


def audit_facts(
    facts: Iterable[Mapping[str, Any]],
    sources: Mapping[str, SourceInfo],
) -> list[FactAudit]:
    """Grade every fact; an XBRL fact must cite its tag, not a sentence.

    Examples
    --------
    >>> src = {"k": SourceInfo("k", "filing", accession="0001-25-1")}
    >>> f = {"id": "f", "company": "company:a", "metric": "capex",
    ...      "evidence": [{"source_id": "k", "method": "xbrl", "quote": "", "locator": "us-gaap:PaymentsToAcquireProductiveAssets, accn 0001-25-1"}]}
    >>> a = audit_facts([f], src)[0]
    >>> (a.grade, a.problems)
    ('filed', [])
    """
    out: list[FactAudit] = []
    for fact in facts:
        evidence = list(fact.get("evidence") or [])
        grades = [evidence_grade(str(ev.get("method") or "curated"), sources.get(str(ev["source_id"]))) for ev in evidence]
        problems = []
        for ev in evidence:
            if ev.get("method") == "xbrl" and not _TAG.search(str(ev.get("locator") or "")):
                problems.append(f"XBRL evidence from {ev['source_id']} names no tag in its locator")
        out.append(FactAudit(id=str(fact["id"]), company=str(fact["company"]), metric=str(fact["metric"]),
                             grade=_best(grades), grades=grades, problems=problems))
    return out


def edge_summary(audits: Iterable[EdgeAudit]) -> dict[str, dict[str, int]]:
    """Counts of proven / inferred / unsupported edges by edge type.

    >>> a = EdgeAudit("e", "USES", "company:a", "product:x", "proven", "filed")
    >>> edge_summary([a])["USES"]
    {'proven': 1, 'inferred': 0, 'unsupported': 0, 'total': 1}
    """
    out: dict[str, dict[str, int]] = {}
    for a in audits:
        row = out.setdefault(a.type, {"proven": 0, "inferred": 0, "unsupported": 0, "total": 0})
        row[a.status] += 1
        row["total"] += 1
    return dict(sorted(out.items()))


def grade_counts(grades: Iterable[str]) -> dict[str, int]:
    """How many of each grade, in grade order.

    >>> grade_counts(["primary", "filed", "primary"])
    {'filed': 1, 'primary': 2, 'secondary': 0, 'judgement': 0, 'inferred': 0}
    """
    c = Counter(grades)
    return {g: c.get(g, 0) for g in GRADES}


@dataclass
class Audit:
    """Everything ``chainshock audit`` reports."""

    edges: list[EdgeAudit]
    facts: list[FactAudit]
    sources: dict[str, str]  # source id -> grade of a citation of it
    warnings: list[str] = field(default_factory=list)
    source_infos: dict[str, SourceInfo] = field(default_factory=dict)

    @property
    def unsupported(self) -> list[EdgeAudit]:
        return [a for a in self.edges if a.status == "unsupported"]

    def summary(self) -> dict[str, Any]:
        rows: list[EdgeAudit | FactAudit] = [*self.edges, *self.facts]
        return {
            "edges": edge_summary(self.edges),
            "edge_grades": grade_counts(a.grade for a in self.edges),
            "fact_grades": grade_counts(a.grade for a in self.facts),
            "evidence_grades": grade_counts(g for a in rows for g in a.grades),
            "unsupported": len(self.unsupported),
            "problems": sum(len(a.problems) for a in rows) - len(self.unsupported),
            "warnings": len(self.warnings),
        }


def _none(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and v != v) else v


def audit_tables(tables: Mapping[str, Any], today: dt.date | None = None) -> Audit:
    """Audit snapshot tables (``nodes, edges, evidence, facts, sources`` DataFrames).

    Works on a written :class:`~chainshock.graph.snapshot.Snapshot` and on the
    tables a build is about to write, so ``audit`` and ``build --strict``
    judge the same thing.
    """
    sources: dict[str, SourceInfo] = {}
    for r in tables["sources"].to_dict("records"):
        sources[r["id"]] = SourceInfo(
            id=r["id"], kind=r["kind"], reliability=_none(r.get("reliability")) or "primary",
            publisher=_none(r.get("publisher")), cik=_none(r.get("cik")), accession=_none(r.get("accession")),
            as_of=_none(r.get("as_of")), url=_none(r.get("url")),
        )
    parties: dict[str, Party] = {}
    for r in tables["nodes"].to_dict("records"):
        props = decode_json(r.get("properties"))
        if r["label"] == "Company":
            parties[r["id"]] = Party(
                id=r["id"], names=(r["name"], *props.get("aliases", ()), *props.get("quote_names", ())),
                ticker=_none(r.get("ticker")),
                cik=_none(r.get("cik")),
            )
        elif r["label"] == "Country":
            parties[r["id"]] = country_party(r["id"], r["name"], props.get("iso"), props.get("aliases", ()))
    evidence: dict[str, list[dict[str, Any]]] = {}
    for r in tables["evidence"].to_dict("records"):
        evidence.setdefault(r["subject_id"], []).append(r)
    edges = [
        {"id": r["id"], "type": r["type"], "source": r["source"], "target": r["target"],
         "properties": decode_json(r.get("properties")),
         "evidence": evidence.get(r["id"], [])}
        for r in tables["edges"].to_dict("records")
    ]
    facts = [{**r, "evidence": evidence.get(r["id"], [])} for r in tables["facts"].to_dict("records")]
    grade_of = {sid: evidence_grade("curated", s) for sid, s in sources.items()}
    warnings = [*consistency_problems(tables), *undated_sources(tables)]
    if today is not None:
        warnings += closed_guidance(tables, today) + stale_baselines(tables, today)
    return Audit(
        edges=audit_edges(edges, parties, sources), facts=audit_facts(facts, sources), sources=grade_of,
        warnings=warnings, source_infos=sources,
    )


BASELINE_METRICS = ("capex", "capex_guidance", "revenue", "cost_of_revenue", "operating_income")


def consistency_problems(tables: Mapping[str, Any]) -> list[str]:
    """Figures that contradict each other: errors a build refuses.

    - a company's ``cost_base_usd`` (base) above its revenue for the latest
      fiscal year with a filed or cited revenue figure (the period a
      baseline reads);
    - one figure (company, metric, fiscal year, period, period end) recorded with two values.
    """
    problems: list[str] = []
    facts = tables["facts"].to_dict("records")
    revenue: dict[str, tuple[int, float]] = {}
    for f in facts:
        if f["metric"] == "revenue" and f["fiscal_period"] == "FY" and f["unit"] == "USD" and not _none(f.get("estimate")):
            fy = int(f["fiscal_year"]) if _none(f.get("fiscal_year")) is not None else 0
            if f["company"] not in revenue or fy > revenue[f["company"]][0]:
                revenue[f["company"]] = (fy, float(f["value"]))
    for r in tables["nodes"].to_dict("records"):
        if r["label"] != "Company" or r["id"] not in revenue:
            continue
        cost = decode_json(r.get("properties")).get("cost_base_usd")
        fy, rev = revenue[r["id"]]
        if cost and float(cost["base"]) > rev * 1.0001:
            problems.append(
                f"{r['id']}: cost_base_usd {cost['base'] / 1e9:,.1f}B exceeds its FY{fy} revenue {rev / 1e9:,.1f}B"
            )
    values: dict[tuple[Any, ...], set[float]] = {}
    for f in facts:
        key = (f["company"], f["metric"], _none(f.get("fiscal_year")), f["fiscal_period"], str(f["period_end"]), f["unit"])
        values.setdefault(key, set()).add(round(float(f["value"]), 2))
    for key, vals in sorted(values.items(), key=lambda kv: str(kv[0])):
        if len(vals) > 1:
            problems.append(f"{key[0]}: {key[1]} FY{key[2]} {key[3]} has two values: {sorted(vals)}")
    return problems


def stale_baselines(tables: Mapping[str, Any], today: dt.date, months: int = 12) -> list[str]:
    """Warnings: the latest figure a baseline reads (per company and metric) is older than ``months``.

    >>> import pandas as pd
    >>> facts = pd.DataFrame([{"company": "company:a", "metric": "capex", "fiscal_year": 2023,
    ...     "fiscal_period": "FY", "period_end": dt.date(2023, 12, 31), "value": 1.0, "unit": "USD", "estimate": None}])
    >>> stale_baselines({"facts": facts}, dt.date(2026, 1, 1))
    ['company:a: latest capex is as of 2023-12-31 (more than 12 months before 2026-01-01)']
    """
    latest: dict[tuple[str, str], dt.date] = {}
    for f in tables["facts"].to_dict("records"):
        if f["metric"] not in BASELINE_METRICS:
            continue
        end = f["period_end"]
        end = end if isinstance(end, dt.date) else dt.date.fromisoformat(str(end)[:10])
        key = (f["company"], f["metric"])
        if key not in latest or end > latest[key]:
            latest[key] = end
    cutoff = today - dt.timedelta(days=round(months * 365.25 / 12))
    return [
        f"{c}: latest {m} is as of {d.isoformat()} (more than {months} months before {today.isoformat()})"
        for (c, m), d in sorted(latest.items())
        if d < cutoff
    ]


def closed_guidance(tables: Mapping[str, Any], today: dt.date) -> list[str]:
    """Warnings: guidance (a ``*_guidance`` metric) for a period that has already closed.

    >>> import pandas as pd
    >>> facts = pd.DataFrame([{"company": "company:a", "metric": "capex_guidance", "fiscal_year": 2026,
    ...     "period_end": dt.date(2026, 6, 30), "estimate": '{"base": 1.0}'}])
    >>> closed_guidance({"facts": facts}, dt.date(2026, 12, 1))
    ['company:a: capex_guidance FY2026 (period ended 2026-06-30) is still guidance or an estimate; replace it with the filed actual']
    """
    out = []
    for f in tables["facts"].to_dict("records"):
        end = f["period_end"]
        end = end if isinstance(end, dt.date) else dt.date.fromisoformat(str(end)[:10])
        if "guidance" in str(f["metric"]) and end < today:
            fy = _none(f.get("fiscal_year"))
            out.append(
                f"{f['company']}: {f['metric']} FY{fy} (period ended {end.isoformat()}) is still guidance or an "
                "estimate; replace it with the filed actual"
            )
    return sorted(out)


def undated_sources(tables: Mapping[str, Any]) -> list[str]:
    """Sources with neither a publication date (``as_of``) nor a filing date."""
    return [
        f"{r['id']}: source has no date (as_of or filed)"
        for r in tables["sources"].to_dict("records")
        if _none(r.get("as_of")) is None and _none(r.get("filed")) is None
    ]


def verify_quotes(
    tables: Mapping[str, Any], texts: Mapping[str, str]
) -> tuple[int, list[dict[str, str]]]:
    """Check every quote citing a locally held filing against its text.

    Parameters
    ----------
    tables : mapping
        Snapshot tables (``evidence``, ``sources``).
    texts : mapping
        Accession -> the plain text of its documents (concatenated).

    Returns
    -------
    checked : int
        Quotes compared.
    failures : list of dict
        ``subject, source_id, accession, quote`` of each quote not found verbatim.
    """
    accession = {r["id"]: _none(r.get("accession")) for r in tables["sources"].to_dict("records")}
    checked = 0
    failures: list[dict[str, str]] = []
    for ev in tables["evidence"].to_dict("records"):
        acc = accession.get(ev["source_id"])
        quote = str(ev.get("quote") or "")
        if not acc or acc not in texts or not quote or ev.get("method") in ("xbrl", "inferred", "judgement"):
            continue
        checked += 1
        if not quote_in_text(quote, texts[acc]):
            failures.append({"subject": ev["subject_id"], "source_id": ev["source_id"], "accession": acc, "quote": quote})
    return checked, failures


_XBRL_LOCATOR = re.compile(r"(?P<ns>[a-z][a-z0-9-]*):(?P<tag>[A-Z][A-Za-z0-9]+).*?accn (?P<accn>[0-9-]+).*?value (?P<value>-?\d+)")


def verify_xbrl(
    tables: Mapping[str, Any], companyfacts: Mapping[str, Mapping[str, Any]]
) -> tuple[int, list[dict[str, str]]]:
    """Check XBRL citations (``method: xbrl``) against companyfacts records.

    A locator ``"us-gaap:Tag, accn 0001652044-26-000018, ..., value 91447000000"``
    must match a reported value of that tag in that filing.

    Parameters
    ----------
    tables : mapping
        Snapshot tables (``evidence``, ``sources``).
    companyfacts : mapping
        CIK (no leading zeros) -> the SEC companyfacts JSON document.

    Returns
    -------
    checked : int
    failures : list of dict
        ``subject, locator`` of each citation the record does not hold.
    """
    cik_of = {r["id"]: _cik(_none(r.get("cik"))) for r in tables["sources"].to_dict("records")}
    checked = 0
    failures: list[dict[str, str]] = []
    for ev in tables["evidence"].to_dict("records"):
        if ev.get("method") != "xbrl":
            continue
        cik = cik_of.get(ev["source_id"])
        m = _XBRL_LOCATOR.search(str(ev.get("locator") or ""))
        if not cik or cik not in companyfacts or not m:
            continue
        checked += 1
        units = companyfacts[cik].get("facts", {}).get(m["ns"], {}).get(m["tag"], {}).get("units", {})
        found = any(
            row.get("accn") == m["accn"] and float(row.get("val", "nan")) == float(m["value"])
            for rows in units.values()
            for row in rows
        )
        if not found:
            failures.append({"subject": ev["subject_id"], "locator": str(ev["locator"])})
    return checked, failures
