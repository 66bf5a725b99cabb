"""Build graph records from an EDGAR-layout directory: the loader's imperative shell.

:func:`load_filings` walks ``companyfacts/``, ``submissions/`` and
``filings/<cik>/<accession>/<file>``, parses each file with the pure
readers of this package, and returns only what the filings add to the
curated records in ``known``: sources (one per filing), facts (one per
company, metric and fiscal period), relationship edges, new companies and
the list of skipped files with reasons. One bad file never stops the load.

Outputs are sorted, so the same inputs give the same records.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainshock.errors import FilingError
from chainshock.graph.resolve import Embedder, Entry, Match, Resolver, default_embedder, slug
from chainshock.graph.schema import (
    Company,
    Edge,
    EdgeType,
    Evidence,
    Fact,
    GraphRecords,
    Role,
    Source,
    edge_id,
)

from .companyfacts import PERIODIC_FORMS, parse_companyfacts
from .fiscal import FiscalCalendar
from .ixbrl import parse_inline_xbrl
from .observations import FilingMeta, Observation
from .picking import pick
from .relations import Relation, customer_concentration, extract_relations
from .sections import Section, section_at, split_items
from .submissions import FilerInfo, parse_submissions
from .text import html_to_text, normalize_text, sgml_documents
from .textfacts import balance_sentences, statement_lines

__all__ = ["PARSED_FORMS", "archive_url", "find_layout", "load_filings"]

Progress = Callable[[str, int, int], None]

PARSED_FORMS = frozenset({"10-K", "10-Q", "8-K", "10-K/A", "10-Q/A", "8-K/A"})
_ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")
_CIK_FILE = re.compile(r"^CIK(\d{10})\.json$")

# SIC code -> role, for filers the curated data does not know.
_SIC_ROLES = [
    (range(3674, 3675), "chip_designer"),
    (range(3570, 3580), "device_maker"),
    (range(3600, 3700), "industrial"),
    (range(3500, 3570), "industrial"),
    (range(1500, 1800), "industrial"),
    (range(4900, 5000), "utility"),
    (range(7370, 7380), "software"),
    (range(5961, 5962), "hyperscaler"),
]
_RELATION_ROLES = {
    "foundry": "foundry",
    "memory_supplier": "memory_producer",
    "contract_manufacturer": "server_maker",
    "assembly_test": "packaging",
}
_NAME_ROLES = {
    "anthropic": "ai_lab", "openai": "ai_lab", "intel": "chip_designer", "rivian-automotive": "device_maker",
    "samsung-electronics": "memory_producer", "sk-hynix": "memory_producer", "micron": "memory_producer",
    "tsmc": "foundry", "foxconn": "server_maker", "wistron": "server_maker", "fabrinet": "server_maker",
    "alphabet": "hyperscaler", "amazon": "hyperscaler", "microsoft": "hyperscaler", "meta-platforms": "hyperscaler",
    "oracle": "hyperscaler", "apple": "device_maker", "nvidia": "chip_designer", "nextera-energy": "utility",
}
# Product categories a curated SUPPLIES edge may carry for a relation found in text.
_COMPATIBLE = {
    "memory_supplier": {"hbm", "dram", "nand", "memory"},
    "foundry": {"wafer", "gpu_accelerator", "custom_accelerator", "advanced_packaging", "foundry"},
    "contract_manufacturer": {"ai_server", "consumer_device", "gpu_accelerator", "server"},
    "assembly_test": {"ai_server", "gpu_accelerator", "advanced_packaging", "server"},
}


def archive_url(cik: str, accession: str, file: str | None) -> str:
    """The sec.gov address of a filing's document (or of its index when the file is unknown).

    >>> archive_url("0001045810", "0001045810-25-000023", "nvda-20250126.htm")
    'https://www.sec.gov/Archives/edgar/data/1045810/000104581025000023/nvda-20250126.htm'
    """
    base = f"https://www.sec.gov/Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}"
    return f"{base}/{file}" if file else f"{base}/{accession}-index.htm"


def find_layout(root: Path) -> Path:
    """The directory holding ``companyfacts/``, ``submissions/`` or ``filings/`` (``root`` or ``root/edgar``).

    Raises
    ------
    FilingError
        When ``root`` is missing or holds none of them.
    """
    if not root.is_dir():
        raise FilingError(f"--filings {root}: no such directory")
    for cand in (root / "edgar", root):
        if any((cand / d).is_dir() for d in ("companyfacts", "submissions", "filings")):
            return cand
    raise FilingError(
        f"--filings {root}: not an EDGAR layout; expected companyfacts/, submissions/ or "
        "filings/<cik>/<accession>/<file> under it (or under its edgar/ folder)"
    )


@dataclass
class _Doc:
    path: Path
    cik: str
    accession: str
    form: str | None = None
    filed: dt.date | None = None
    report_date: dt.date | None = None
    name: str | None = None
    fy: int | None = None
    fye: str | None = None


@dataclass
class _State:
    known: GraphRecords
    skipped: list[tuple[str, str]] = field(default_factory=list)
    filers: dict[str, FilerInfo] = field(default_factory=dict)
    facts_docs: dict[str, Any] = field(default_factory=dict)  # cik -> CompanyFacts
    filings: dict[str, FilingMeta] = field(default_factory=dict)  # accession -> meta
    docs: dict[str, _Doc] = field(default_factory=dict)  # accession -> primary document
    observations: list[Observation] = field(default_factory=list)
    anchors: dict[str, list[tuple[dt.date, int]]] = field(default_factory=lambda: defaultdict(list))
    fye: dict[str, str] = field(default_factory=dict)
    relations: list[tuple[_Doc, Relation]] = field(default_factory=list)
    concentrations: list[tuple[_Doc, Any]] = field(default_factory=list)
    resolver: Resolver | None = None
    texts: list[tuple[_Doc, str, list[Section], str]] = field(default_factory=list)  # for the model pass

    def skip(self, path: Path, reason: str) -> None:
        self.skipped.append((str(path), reason))


def _rel(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_bytes())


def load_filings(
    root: Path,
    known: GraphRecords,
    *,
    progress: Progress | None = None,
    embedder: Embedder | str | None = "default",
    model_relations: bool = False,
) -> GraphRecords:
    """What the filings under ``root`` add to the curated records ``known``.

    Parameters
    ----------
    root : Path
        An EDGAR-layout directory (or its parent holding ``edgar/``).
    known : GraphRecords
        The curated records so far: companies (names, tickers, CIKs,
        aliases), products, edges and sources.
    progress : callable, optional
        ``progress(stage, done, total)``, counting each stage on its own:
        "company data" (files), "filings" (accessions), "matching names and relations".
    embedder : Embedder, None or "default"
        Names the alias table cannot place are matched by this embedder
        ("default": the packaged MiniLM, loaded only if needed; None: off).
    model_relations : bool
        Also classify sentences the rules left alone by embedding similarity
        (:mod:`.relations_model`). Off by default: measured on the shared
        filings it added one evidence row to an edge the rules had.

    Returns
    -------
    GraphRecords
        New sources, facts, edges and companies, and ``skipped`` as
        ``(path, reason)`` for every file not read. Sorted by id.

    Raises
    ------
    FilingError
        When ``root`` is not an EDGAR layout.
    """
    base = find_layout(Path(root))
    state = _State(known=known)
    files = sorted(p for p in base.rglob("*") if p.is_file())
    report = progress or (lambda stage, done, total: None)

    # Company-level JSON first: the documents need their filers' calendars.
    doc_files: dict[tuple[str, str], list[Path]] = defaultdict(list)
    n_company = sum(
        1 for p in files
        if len(p.relative_to(base).parts) == 2 and p.relative_to(base).parts[0] in ("companyfacts", "submissions")
        and _CIK_FILE.match(p.relative_to(base).parts[1])
    )
    done = 0
    for path in files:
        rel = path.relative_to(base).parts
        if len(rel) == 2 and rel[0] in ("companyfacts", "submissions") and _CIK_FILE.match(rel[1]):
            try:
                data = _read_json(path)
                if rel[0] == "companyfacts":
                    cf = parse_companyfacts(data)
                    state.facts_docs[cf.cik] = cf
                    state.observations.extend(cf.observations)
                    state.anchors[cf.cik].extend(cf.anchors)
                    for accn, meta in cf.filings.items():
                        state.filings.setdefault(accn, meta)
                else:
                    info = parse_submissions(data)
                    state.filers[info.cik] = info
                    if info.fiscal_year_end:
                        state.fye[info.cik] = info.fiscal_year_end
                    for accn, meta in info.filings.items():
                        state.filings[accn] = meta  # submissions know forms and primary documents best
            except (ValueError, OSError, RecursionError) as err:
                state.skip(path, f"unreadable {rel[0]} JSON: {str(err)[:160]}")
            done += 1
            report("company data", done, n_company)
        elif len(rel) == 4 and rel[0] == "filings" and rel[1].isdigit() and _ACCESSION.match(rel[2]):
            doc_files[(rel[1].zfill(10), rel[2])].append(path)
        else:
            state.skip(path, "not in the EDGAR layout (companyfacts/CIK##########.json, "
                             "submissions/CIK##########.json or filings/<cik>/<accession>/<file>)")

    # progress counts each stage on its own: files of company data, then filings (one per accession)
    for k, ((cik, accession), paths) in enumerate(sorted(doc_files.items()), 1):
        primary = _primary(paths, state.filings.get(accession))
        for path in paths:
            if path != primary:
                state.skip(path, f"not the primary document of {accession} ({primary.name} was read)")
        try:
            _read_document(state, primary, cik, accession)
        except Exception as err:  # one bad document never stops the build
            state.skip(primary, f"could not parse: {type(err).__name__}: {str(err)[:160]}")
        report("filings", k, len(doc_files))

    return _assemble(state, embedder, report, model_relations)


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


def _resolver(state: _State, embedder: Embedder | None = None) -> Resolver:
    """The load's resolver over ``known`` companies, built once; embeddings switch on for assembly."""
    if state.resolver is None:
        companies = [n for n in state.known.nodes if isinstance(n, Company)]
        entries = [Entry(c.id, c.name, (*c.aliases, *([c.ticker] if c.ticker else ())), c.resolved) for c in companies]
        state.resolver = Resolver(entries, embedder=None)
    resolver = state.resolver
    if embedder is not None and resolver.embedder is None:
        resolver.set_embedder(embedder)
    return resolver


def state_is_company(state: _State) -> Callable[[str], bool]:
    def is_company(name: str) -> bool:
        return _resolver(state).lookup(name) is not None

    return is_company


def _roles_for_sic(sic: str | None) -> tuple[Role, ...]:
    if sic and sic.isdigit():
        for codes, role in _SIC_ROLES:
            if int(sic) in codes:
                return (Role(role),)
    return (Role.industrial,)


def _filer_company(state: _State, cik: str) -> tuple[str, Company | None]:
    """The company id of a filer, and a new Company when ``known`` lacks it."""
    companies = [n for n in state.known.nodes if isinstance(n, Company)]
    for c in companies:
        if c.cik and c.cik == cik:
            return c.id, None
    info = state.filers.get(cik)
    tickers = info.tickers if info else ()
    for c in companies:
        if c.ticker and c.ticker.upper() in {t.upper() for t in tickers}:
            return c.id, None
    cf = state.facts_docs.get(cik)
    docs = [d for d in state.docs.values() if d.cik == cik and d.name]
    name = (info.name if info and info.name else None) or (cf.name if cf and cf.name else None) or (docs[0].name if docs else None)
    if name:
        match = _resolver(state).resolve(name)
        if match.method in ("exact", "alias") and match.id in {c.id for c in companies}:
            return match.id, None
        ident = match.id if match.method == "alias" else f"company:{slug(name)}"
        display = match.name if match.method == "alias" else name
    else:
        ident, display = f"company:cik-{cik}", f"CIK {cik}"
    aliases = tuple(sorted({*(info.former_names if info else ()), *([name] if name and name != display else [])}))
    named_role = _NAME_ROLES.get(ident.split(":", 1)[1])
    company = Company(
        id=ident, name=display, roles=(Role(named_role),) if named_role else _roles_for_sic(info.sic if info else None),
        ticker=tickers[0] if tickers else None, cik=cik, aliases=aliases, resolved=name is not None,
    )
    return ident, company


def _source(state: _State, cik: str, accession: str, filer_name: str) -> Source:
    meta = state.filings.get(accession)
    doc = state.docs.get(accession)
    form = (doc.form if doc and doc.form else None) or (meta.form if meta else None)
    filed = (doc.filed if doc else None) or (meta.filed if meta else None)
    report = (doc.report_date if doc else None) or (meta.report_date if meta else None)
    file = doc.path.name if doc else (meta.primary_document if meta else None)
    when = report or filed
    title = f"{filer_name} {form or 'filing'}" + (f" for {when.isoformat()}" if when else "") + f" ({accession})"
    return Source(
        id=f"edgar:{accession}", kind="filing", title=title, url=archive_url(cik, accession, file),
        publisher="SEC EDGAR", accession=accession, form=form, cik=cik, filed=filed, as_of=report or filed,
    )


def _assemble(state: _State, embedder: Embedder | str | None, report: Progress | None = None,
              model_relations: bool = False) -> GraphRecords:
    out = GraphRecords()
    known_ids = {n.id for n in state.known.nodes}
    new_companies: dict[str, Company] = {}
    filer_ids: dict[str, str] = {}
    ciks = sorted({*state.filers, *state.facts_docs, *(d.cik for d in state.docs.values())})
    for cik in ciks:
        ident, new_company = _filer_company(state, cik)
        filer_ids[cik] = ident
        if new_company is not None and ident not in known_ids:
            new_companies.setdefault(ident, new_company)
    names = {c.id: c.name for c in state.known.nodes if isinstance(c, Company)}
    names.update({c.id: c.name for c in new_companies.values()})

    sources: dict[str, Source] = {}

    def source_for(cik: str, accession: str) -> str:
        sid = f"edgar:{accession}"
        if sid not in sources:
            sources[sid] = _source(state, cik, accession, names.get(filer_ids.get(cik, ""), f"CIK {cik}"))
        return sid

    # Every filing document read (or recorded and skipped for its form) is a source.
    for accession, doc in sorted(state.docs.items()):
        source_for(doc.cik, accession)

    # Facts
    by_cik: dict[str, list[Observation]] = defaultdict(list)
    for o in state.observations:
        by_cik[o.cik].append(o)
    facts: list[Fact] = []
    for cik, obs in sorted(by_cik.items()):
        calendar = _calendar(state, cik)
        company = filer_ids[cik]
        suffix = company.split(":", 1)[1]
        for p in pick(obs, calendar):
            o = p.observation
            evidence = [_fact_evidence(source_for(cik, x.accession), x) for x in (o, *p.others)]
            facts.append(Fact(
                id=f"fact:{suffix}:{p.metric}:{p.fiscal_year}:{p.fiscal_period}",
                company=company, metric=p.metric, fiscal_year=p.fiscal_year, fiscal_period=p.fiscal_period,
                period_start=o.start, period_end=o.end, value=o.value, unit=o.unit,
                source_id=source_for(cik, o.accession), concept=o.concept, evidence=tuple(evidence),
            ))
    for doc, c in state.concentrations:
        if c.fiscal_year is None or doc.report_date is None:
            continue
        company = filer_ids[doc.cik]
        metric = f"{c.label.lower().replace(' ', '_')}_revenue_share"
        fid = f"fact:{company.split(':', 1)[1]}:{metric}:{c.fiscal_year}:{c.fiscal_period}"
        if c.fiscal_period == "FY":
            period_end = _year_end_for(state, doc, c.fiscal_year)
        else:
            # a quarter's shares are stated in that quarter's own 10-Q
            cal = _calendar(state, doc.cik)
            here = (cal.fiscal_year(doc.report_date), cal.fiscal_period(doc.report_date - dt.timedelta(days=90), doc.report_date))
            if here != (c.fiscal_year, c.fiscal_period):
                continue
            period_end = doc.report_date
        sid = source_for(doc.cik, doc.accession)
        facts.append(Fact(
            id=fid, company=company, metric=metric, fiscal_year=c.fiscal_year, fiscal_period=c.fiscal_period,
            period_end=period_end, value=c.share, unit="fraction", source_id=sid,
            concept=f"text:{c.label}",
            evidence=(Evidence(source_id=sid, locator=f"item {c.section} chars {c.sentence.start}-{c.sentence.end}",
                               quote=c.sentence.text[:600], method="text", confidence=0.9,
                               as_of=doc.report_date),),
        ))
    # Same fact id from two documents (a later 10-K restating the share): keep the later filing.
    dedup: dict[str, Fact] = {}
    for f in facts:
        prev = dedup.get(f.id)
        if prev is None or (sources[f.source_id].filed or dt.date.min) > (sources[prev.source_id].filed or dt.date.min):
            if prev is not None:
                f = f.model_copy(update={"evidence": (*f.evidence, *prev.evidence)})
            dedup[f.id] = f
        else:
            dedup[f.id] = prev.model_copy(update={"evidence": (*prev.evidence, *f.evidence)})

    # Edges
    emb: Embedder | None = default_embedder() if embedder == "default" else (embedder if not isinstance(embedder, str) else None)
    resolver = _resolver(state, emb)
    for cid, filer_company in new_companies.items():
        resolver.add(Entry(cid, filer_company.name, filer_company.aliases, filer_company.resolved))
    # every name the edge loop below may resolve, encoded in one batch (with the known names)
    resolver.prefetch(rel.name for _, rel in state.relations if rel.edge_type)
    if emb is not None and model_relations:
        # off by default: over the shared filings it added one evidence row to an
        # existing edge (docs/decisions.md, extraction section)
        _model_pass(state, resolver, emb, filer_ids, report)
    products = {n.id: getattr(n, "category", "") for n in state.known.nodes if n.label == "Product"}
    curated = defaultdict(list)
    for e in state.known.edges:
        curated[(str(e.type), e.source, e.target)].append(e)
    edges: dict[str, Edge] = {}
    ordered = sorted(state.relations, key=lambda dr: (dr[1].relation == "supplier", dr[0].accession, dr[1].sentence.start, dr[1].name))
    for doc, rel in ordered:
        if not rel.edge_type:
            continue  # partners and competitors are extracted and measured, not supply edges
        filer = filer_ids[doc.cik]
        if resolver.lookup(rel.name.split()[0]) is not None and resolver.lookup(rel.name.split()[0]).id == filer:  # type: ignore[union-attr]
            continue  # the filer's own divisions ("Google Services" in Alphabet's filing)
        match: Match = resolver.resolve(rel.name)
        other = match.id
        if other == filer:
            continue
        if other not in known_ids and other not in new_companies:
            role = _NAME_ROLES.get(other.split(":", 1)[1]) or _RELATION_ROLES.get(rel.relation) or "industrial"
            new_companies[other] = Company(id=other, name=match.name, roles=(Role(role),), resolved=match.resolved,
                                           aliases=tuple(sorted({rel.name} - {match.name})))
            resolver.add(Entry(other, match.name, (rel.name,), match.resolved))
        source, target = (other, filer) if rel.counterparty_supplies else (filer, other)
        ev = Evidence(
            source_id=source_for(doc.cik, doc.accession),
            locator=f"item {rel.section} chars {rel.sentence.start}-{rel.sentence.end}",
            quote=rel.sentence.text[:600], method="model" if rel.method == "model" else "rule", confidence=rel.confidence,
            as_of=doc.report_date or doc.filed or dt.date(1970, 1, 1),
        )
        if rel.relation == "supplier" and rel.product is None:
            # "X, a supplier of ours" adds evidence to a more specific edge between the same pair
            specific = sorted(eid for eid, e in edges.items() if (str(e.type), e.source, e.target) == ("SUPPLIES", source, target))
            if specific:
                target_edge = edges[specific[0]]
                if ev not in target_edge.evidence:
                    edges[specific[0]] = target_edge.model_copy(update={"evidence": (*target_edge.evidence, ev)})
                continue
        props: dict[str, Any] = {"relation": rel.relation}
        qualifier = None
        product_id = _product_id(rel.product, products)
        same = curated.get((rel.edge_type, source, target), [])
        if rel.relation in _COMPATIBLE:
            compatible = [e for e in same if products.get(str(e.properties.get("product")), "") in _COMPATIBLE[rel.relation]
                          or (product_id and e.properties.get("product") == product_id)]
        else:
            # customer, supplier, agreement: any single curated edge between the pair is the one meant
            compatible = same if len(same) == 1 else []
        if rel.edge_type == "SUPPLIES":
            if len(compatible) == 1 and compatible[0].properties.get("product"):
                product_id = str(compatible[0].properties["product"])
            if product_id:
                props["product"] = product_id
                qualifier = product_id
            elif rel.product:
                props["product_text"] = rel.product
            if qualifier is None and not [e for e in same if e.id == edge_id(rel.edge_type, source, target)]:
                qualifier = rel.relation
        eid = edge_id(rel.edge_type, source, target, qualifier)
        if eid in edges:
            existing = edges[eid]
            if ev not in existing.evidence:
                edges[eid] = existing.model_copy(update={"evidence": (*existing.evidence, ev)})
        else:
            edges[eid] = Edge(id=eid, type=EdgeType(rel.edge_type), source=source, target=target, properties=props, evidence=(ev,))

    out.nodes = sorted(new_companies.values(), key=lambda c: c.id)
    out.facts = sorted(dedup.values(), key=lambda f: f.id)
    out.edges = [
        e.model_copy(update={"evidence": tuple(sorted(e.evidence, key=lambda v: (v.source_id, v.locator)))})
        for e in sorted(edges.values(), key=lambda e: e.id)
    ]
    out.sources = sorted(sources.values(), key=lambda s: s.id)
    out.skipped = sorted(state.skipped)
    return out


def _model_pass(state: _State, resolver: Resolver, embedder: Embedder, filer_ids: dict[str, str],
                report: Progress | None = None) -> None:
    """Add embedding-classified relations for sentences the rules left alone."""
    from .relations_model import ModelRelations, extract_model_relations

    model: ModelRelations | None = None
    covered = {(d.accession, r.sentence.start, r.name) for d, r in state.relations}
    texts = sorted(state.texts, key=lambda t: t[0].accession)
    if report is not None:
        report("relations by embeddings", 0, len(texts))
    for k, (doc, text, sections, form) in enumerate(texts, 1):
        filer = filer_ids.get(doc.cik)

        def is_company(name: str) -> bool:
            return resolver.lookup(name) is not None

        def is_filer(name: str, filer: str | None = filer) -> bool:
            match = resolver.lookup(name)
            return match is not None and match.id == filer

        if model is None:
            model = ModelRelations(embedder)
        mine = {(start, name) for acc, start, name in covered if acc == doc.accession}
        found = extract_model_relations(text, sections, form, is_company, is_filer, model, mine)
        state.relations.extend((doc, r) for r in found)
        if report is not None:
            report("relations by embeddings", k, len(texts))


def _product_id(hint: str | None, products: dict[str, str]) -> str | None:
    if not hint:
        return None
    for pid, category in sorted(products.items()):
        if hint in (category, pid.split(":", 1)[1]):
            return pid
    return None


def _calendar(state: _State, cik: str) -> FiscalCalendar:
    """A filer's calendar: its fiscal year end, calibrated on its filings' own labels."""
    base = FiscalCalendar.from_month_day(state.fye.get(cik) or _fye_from_anchors(state.anchors.get(cik, [])))
    return base.calibrated(state.anchors.get(cik, []))


def _year_end_for(state: _State, doc: _Doc, fiscal_year: int) -> dt.date:
    cal = _calendar(state, doc.cik)
    if doc.report_date and cal.fiscal_year(doc.report_date) == fiscal_year and doc.form and doc.form.startswith("10-K"):
        return doc.report_date
    return cal.year_end(fiscal_year)


def _fye_from_anchors(anchors: list[tuple[dt.date, int]]) -> str | None:
    if not anchors:
        return None
    # the latest annual period end is the best guide to the nominal year end
    latest = max(anchors)[0]
    return f"{latest.month:02d}{latest.day:02d}"


def _fact_evidence(source_id: str, o: Observation) -> Evidence:
    return Evidence(
        source_id=source_id, locator=o.locator, quote=o.quote[:600], method="xbrl" if o.method == "xbrl" else "text",
        confidence=1.0 if o.method == "xbrl" else 0.9, as_of=o.end,
    )
