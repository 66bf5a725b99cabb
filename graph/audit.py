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

How a quote is matched to a name lives in :mod:`chainshock.graph.quotes`,
and the checks over a whole dataset (contradictions, stale baselines,
quotes against local filings) in :mod:`chainshock.graph.dataset_checks`;
both are re-exported here, so ``from chainshock.graph.audit import
quote_in_text`` keeps working.

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
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .dataset_checks import (
    closed_guidance,
    consistency_problems,
    stale_baselines,
    undated_sources,
    verify_quotes,
    verify_xbrl,
)
from .quotes import (
    Party,
    country_party,
    name_variants,
    names_party,
    normalise,
    quote_in_text,
)
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
