"""Relationships from a filing's text, by rules over sentences.

Each rule is a trigger phrase plus the list of names it governs:

===========================  ======================================  ===========
rule                         example (NVIDIA 10-K, Item 1)            edge
===========================  ======================================  ===========
foundry                      "We utilize foundries, such as TSMC..."  X SUPPLIES filer
memory_supplier              "We purchase memory from SK Hynix..."    X SUPPLIES filer
contract_manufacturer        "contract manufacturers such as Hon Hai" X SUPPLIES filer
supplier                     "we purchase <product> from X"           X SUPPLIES filer
long_term_agreement          "a long-term supply agreement with X"    X SUPPLIES filer
customer                     "X has contracted to purchase ..."       filer SUPPLIES X
customer                     "revenue from arrangements with X"       filer SUPPLIES X
supplier                     "made by X, a supplier of ours"          X SUPPLIES filer
investment                   "we invested in a ... note from X"       filer INVESTS_IN X
partner                      "a strategic partnership with X"         filer PARTNERS_WITH X
===========================  ======================================  ===========

A name counts when it is a company: it carries a legal suffix (Inc.,
Corporation, Co., Ltd., ...) or the ``is_company`` callback (the resolver's
exact/alias step) knows it. Hedged statements ("an opportunity to invest",
"a letter of intent", "may invest") are not relationships.

Anonymized customer concentration ("Sales to direct Customers A, B and C
represented 12%, 11% and 11% of total revenue ... for fiscal year 2025") is
returned separately by :func:`customer_concentration`; it becomes facts,
not edges.

Examples
--------
>>> text = "We purchase memory from SK Hynix Inc., Micron Technology, Inc., and Samsung."
>>> known = lambda name: name == "Samsung"
>>> [(r.relation, r.name) for r in extract_relations(text, [Section("1", "Business", 0, len(text))], "10-K", known)]
[('memory_supplier', 'SK Hynix Inc.'), ('memory_supplier', 'Micron Technology, Inc.'), ('memory_supplier', 'Samsung')]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .sections import Section
from .text import Sentence, sentences

__all__ = [
    "EDGE_OF",
    "RULES",
    "SCANNED_ITEMS",
    "SUPPLY_TYPES",
    "Concentration",
    "Relation",
    "customer_concentration",
    "extract_relations",
    "find_names",
]

# Items read for relationships: every item (kept for callers that filter).
SCANNED_ITEMS: dict[str, set[str]] = {}


@dataclass(frozen=True)
class Relation:
    relation: str
    name: str  # the counterparty as written
    edge_type: str  # SUPPLIES, INVESTS_IN, PARTNERS_WITH, or "" (competitor: no edge)
    counterparty_supplies: bool  # True: counterparty -> filer; False: filer -> counterparty
    product: str | None
    confidence: float
    section: str
    sentence: Sentence
    method: str = "rule"


@dataclass(frozen=True)
class Concentration:
    label: str  # "Customer A"
    share: float  # 0.12
    fiscal_year: int | None
    section: str
    sentence: Sentence
    fiscal_period: str = "FY"  # or "Q1".."Q4" for a quarter's shares


_SUFFIX = (
    r"(?:,?\s+(?:Incorporated|Inc\b\.?|Corporation|Corp\.?|Co\.,?\s*Ltd\.?|Co\.|Ltd\.?|Limited|"
    r"LLC|L\.L\.C\.|PBC|plc|N\.V\.|AG|S\.A\.|SE|GmbH|Holdings?))"
)
_WORD = (
    r"(?!(?:Inc|Incorporated|Corp|Corporation|Co|Ltd|Limited|LLC|PBC|plc|AG|SE|GmbH|Holdings?)\b)"
    r"(?:[A-Z][A-Za-z0-9&'’\-]*|eMemory)"
)
_NAME = re.compile(rf"{_WORD}(?:\s+{_WORD}){{0,5}}(?:{_SUFFIX})*")
_HAS_SUFFIX = re.compile(rf"{_SUFFIX}$")
_NOT_NAMES = {
    "We", "Our", "The", "These", "This", "Such", "Company", "United States", "U", "S", "In",
    "Asia-Pacific", "CoWoS", "Azure", "Compute", "Networking", "Graphics", "Item", "Part",
    "Note", "Notes", "Annual Report", "Form", "Customer", "Customers", "PRC", "China", "Taiwan",
    "Korea", "Japan", "Europe", "Q1", "Q2", "Q3", "Q4", "AI", "GPU", "GPUs", "HBM", "DRAM",
}
# Capitalised words that start no company name in a list ("such as China, India ...").
_LOOSE_STOP = re.compile(
    r"^(?:We|Our|The|These|This|Such|In|Item|Part|Note|Form|Customer|Customers|AI|GPU|CPU|"
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"China|Taiwan|Korea|South Korea|Japan|India|Vietnam|Israel|Mexico|Europe|Asia|America|"
    r"United|U\.S|US|EU|PRC|Hong Kong|Singapore|Malaysia|Thailand|Germany|Ireland|California|"
    r"Android|Windows|PlayStation|Xbox|Nintendo|Gemini|Azure|Office|Search|Cloud|Services|"
    r"DGX|HGX|RTX|GeForce|DRIVE|Omniverse|CUDA|Blackwell|Hopper|Class|Exhibit|Section|Rule|"
    r"Compute|Networking|Graphics|Other|Total|Additionally|However|Although|As|For|If|On|At|"
    r"Fiscal|Quarterly|Annual|Board|Committee|Department|Commission|Court|SEC|DOJ|FTC|GAAP|"
    r"Middle East|Russia|European|Africa|Latin|Ukraine|Brazil|Canada|Australia|France|Netherlands|"
    r"Consumer|Direct|Tier|Non-|Operating|Digital|Tensor|Enterprise|Industry|Learning|Exchange)\b"
)
# Generic acronyms and plurals ("OEMs", "CSPs", "VIEs"), and names that end in a generic noun.
_GENERIC = re.compile(
    r"^(?:[A-Z]{2,5}s|OEM|ODM|CSP|AIB|PC|IT|HD|VIE|TPU|GPU|CPU|DPU|SoC|API|ERP|CRM|ISV|VAR|LSP|ESA)$|"
    r"\b(?:Services|Solutions|Experience|Server|Activities|Act|Acts|Units|Entities|Code|Conduct|Law|Regulation|"
    r"Directive|Framework|Segment|Products|Program|Plan|Fund|Agreement|Platform|Neocloud)$"
)


def find_names(clause: str, is_company: Callable[[str], bool], loose: bool = False) -> list[tuple[int, int, str]]:
    """Company names in a clause: (start, end, name), suffix-bearing or known.

    With ``loose`` (a list the sentence says names companies: "such as",
    "include:", "partnership with"), any capitalised name counts unless it
    starts with a place, month, product or generic word.

    >>> find_names("such as Hon Hai Precision Industry Co., Ltd., Wistron Corporation, and Fabrinet", lambda n: n == "Fabrinet")
    [(8, 44, 'Hon Hai Precision Industry Co., Ltd.'), (46, 65, 'Wistron Corporation'), (71, 79, 'Fabrinet')]
    >>> [n for _, _, n in find_names("Adobe, Amazon Web Services (AWS), Microsoft and SAP", lambda n: n == "Amazon", loose=True)]
    ['Adobe', 'Amazon Web Services', 'AWS', 'Microsoft', 'SAP']
    >>> [n for _, _, n in find_names("Enterprise Support Services, OEMs, Nuance professional services", lambda n: False, loose=True)]
    ['Nuance']
    """
    out = []
    for m in _NAME.finditer(clause):
        name = m.group(0).rstrip(",")
        name = re.sub(r"[’']s$", "", name)
        if name in _NOT_NAMES or len(name) < 2:
            continue
        if _HAS_SUFFIX.search(name) or is_company(name) or (loose and not _LOOSE_STOP.match(name) and not (_GENERIC.search(name) and not is_company(name.split()[0]))):
            out.append((m.start(), m.start() + len(name), name))
    return out


# Relation types the extractor emits, and what each means for the graph.
#   counterparty -> filer (SUPPLIES): foundry, memory_supplier, supplier,
#       contract_manufacturer, assembly_test, long_term_agreement
#   filer -> counterparty: customer (SUPPLIES), investment (INVESTS_IN), partner (PARTNERS_WITH)
#   no edge: competitor
SUPPLY_TYPES = frozenset({"foundry", "memory_supplier", "supplier", "contract_manufacturer", "assembly_test", "long_term_agreement"})
EDGE_OF: dict[str, tuple[str | None, bool]] = {
    **{t: ("SUPPLIES", True) for t in SUPPLY_TYPES},
    "customer": ("SUPPLIES", False),
    "investment": ("INVESTS_IN", False),
    "partner": ("PARTNERS_WITH", False),
    "competitor": (None, False),
}


@dataclass(frozen=True)
class _Rule:
    relation: str  # a type, or "list" (the type is read from the words before the list)
    pattern: re.Pattern[str]
    mode: str  # "list": every name after; "first": the name right after; "before": the name right before
    product: str | None
    confidence: float


def _rule(relation: str, pattern: str, mode: str = "first", product: str | None = None, confidence: float = 0.85) -> _Rule:
    return _Rule(relation, re.compile(pattern, re.I), mode, product, confidence)


_AMOUNT = r"(?:\$\s?[\d.,]+\s*(?:billion|million)\s+)"
# Rule families, written from the development filings only (see tests/data/relations-corpus.yaml).
RULES: tuple[_Rule, ...] = (
    # a list whose type the words before it give: "foundries, such as", "contract manufacturers such as",
    # "Our strategic partners include:", "multinational OEMs, including", "Our principal competitors include:"
    _rule("list", r"(?:,\s*|\s+)(?:such as|including|like|include:?|includes:?)\s+(?-i:(?=[A-Z]))", "list"),
    _rule("memory_supplier", r"\b(?:purchase|buy|source|procure|obtain)s?\s+(?:(?:high[- ]bandwidth\s+|HBM\s+|DRAM\s+)?memory|HBM|DRAM|NAND)(?:\s+products)?\s+from\s", "list", "memory", 0.9),
    _rule("memory_supplier", r",?\s+and\s+memory\s+from\s", "list", "memory", 0.9),
    _rule("supplier", r"\b(?:we|the company)\s+(?:purchase|buy|source|procure)s?\s+(?P<product>[a-z][a-z\- ]{2,40}?)\s+(?:primarily\s+|exclusively\s+)?from\s", "list", None, 0.85),
    _rule("supplier", r"(?P<before>),\s+(?:a|one of our|our)\s+(?:key\s+|primary\s+|main\s+|principal\s+|sole\s+)?(?:supplier|vendor)s?(?:\s+of ours)?\b", "before", None, 0.85),
    _rule("supplier", r"\b(?:made|manufactured|supplied|provided)\s+(?:for us\s+)?by\s+", "first", None, 0.75),
    _rule("supplier", r"\blicense agreement with\s+", "first", None, 0.8),
    _rule("supplier", r"\bagreement with\s+(?=.{0,80}?\bpursuant to which we obtained\b.{0,40}?\blicense)", "first", None, 0.8),
    _rule("supplier", r"\b(?:service|platform|application)s?\s+(?:running|hosted|that runs)\s+(?:in|on)\s+", "first", None, 0.75),
    _rule("long_term_agreement", r"\b(?:long[- ]term|multi[- ]?year)\s+(?:supply|capacity|purchase|power purchase)\s+agreements?\s+with\s", "list", None, 0.8),
    _rule("customer", r"(?P<before>)\s+has\s+contracted\s+to\s+purchase\b", "before", None, 0.85),
    _rule("customer", r"\b(?:earns?|generates?|receives?)\s+revenue\s+from\s+(?:licensing\s+|commercial\s+|revenue[- ]sharing\s+)?(?:arrangements|agreements|contracts)\s+with\s", "first", None, 0.8),
    _rule("customer", r"\b(?:sales|revenue)\s+to\s+(?-i:(?=[A-Z]))(?!Customer\b)", "first", None, 0.8),
    _rule("customer", r"\badoption of\b[^.]{0,60}?\b(?:platform|products?|technology|solutions?)\s+(?:with|by)\s+", "list", None, 0.8),
    _rule("customer", r"\bis\s+powering\s+(?:the\s+)?(?:new\s+)?", "first", None, 0.75),
    _rule("partner", r"\b(?:partnership|collaboration|alliance|joint venture)\s+with\s+", "list", None, 0.8),
    _rule("partner", r"\bstrategic partners?,?\s+(?-i:(?=[A-Z]))", "first", None, 0.8),
    _rule("partner", r"\bpartnership with\s+(?:[A-Z][\w.,]*\s+){0,4}\(“|\bmaintain an?\b[^.]{0,40}\bpartnership\b", "sentence", None, 0.8),
    _rule("investment", r"\b(?:invested|invests|investing)\s+(?:" + _AMOUNT + r")?in\s+(?:an?\s+)?(?:" + _AMOUNT + r")?(?:convertible\s+)?(?:note|notes|stake)\s+(?:from|of|in)\s+", "first", None, 0.85),
    _rule("investment", r"\b(?:equity|strategic|minority|majority[- ]owned|significant)\s+investments?\s+in\s+", "first", None, 0.85),
    _rule("investment", r"\b(?:we have|we hold|we made)\s+an?\s+investment\s+in\s+", "first", None, 0.85),
    _rule("investment", r"\binvestments?\s+in\s+(?-i:(?=[A-Z]))", "first", None, 0.8),
    _rule("investment", r"\b(?:major|significant|minority)\s+investor\s+in\s+", "first", None, 0.85),
    _rule("investment", r"\b(?:committed|commitment|agreed|agreement[^.]{0,60}?)\s+to\s+(?:make an equity investment|invest\s+(?:up\s+to\s+)?" + _AMOUNT + r"?)\s*in\s+", "first", None, 0.85),
    _rule("investment", r"\bcommitments?\b[^.]{0,40}\bincluding\s+" + _AMOUNT + r"in\s+", "first", None, 0.8),
    _rule("competitor", r"\bcompet(?:e|es|ing)\s+(?:directly\s+)?(?:with|against)\s+(?-i:(?=[A-Z]))", "list", None, 0.8),
)

_HEDGE = re.compile(
    r"opportunity to invest|letter of intent|may (?:in the future )?(?:acquire or )?invest|could invest|"
    r"\$100 (?:was )?invested|investment in (?:our|the company)|no assurance|Agreement and Plan of Merger|"
    r"Share Purchase Agreement|acqui(?:red|sition of|re)\b",
    re.I,
)
_STOP = re.compile(r",?\s+to\s+(?:produce|perform|manufacture|provide|assemble|build|supply|support|help|develop|offer|communicate)\b|;|:\s|\s+for\s+(?:the|our|their|its|[a-z]+ing)\b|\s+which\s+|\s+as well as\s+|\s+among others|\s+or companies\b|\s+and (?:with )?(?:many|other|numerous|regional)\b|\s+that\s+")
# The words before a list, read right to left, give its type.
_LIST_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("competitor", re.compile(r"compet", re.I)),
    ("foundry", re.compile(r"foundr", re.I)),
    ("assembly_test", re.compile(r"(?:subcontractors|contract manufacturers|ODMs|original design manufacturers)(?=.*\b(?:assembl|test|packag))", re.I)),
    ("contract_manufacturer", re.compile(r"contract manufacturer|subcontractor|original design manufacturer|\bODMs?\b|\bEMS\b", re.I)),
    ("memory_supplier", re.compile(r"memory (?:suppliers?|vendors?|partners?)", re.I)),
    ("supplier", re.compile(r"\bsuppliers?\b|\bvendors?\b|\blicensors?\b", re.I)),
    ("partner", re.compile(r"\bpartners?\b|\balliances?\b", re.I)),
    ("customer", re.compile(r"\bcustomers?\b|\bOEMs\b|\bclients\b|\bdistribution agreements\b", re.I)),
)


def _list_type(head: str, sentence: str, context: str) -> tuple[str | None, str | None]:
    """The relation a list introduces: from the clause before it, then (bullets) from the list's header."""
    clause = re.split(r"[.;]\s|,\s+(?:and|but)\s+", head)[-1]
    if re.search(r"compet", clause + " " + context, re.I):
        return "competitor", None
    clause = " ".join(clause.split()[-3:])  # the list's own head noun ("foundries", "our strategic partners")
    if re.search(r"\bwafers?\b", sentence, re.I) and re.search(r"\bsuppliers?\b|foundr", clause, re.I):
        return "foundry", "wafer"
    for relation, pattern in _LIST_TYPES[1:]:
        if pattern.search(clause if relation != "assembly_test" else clause + " " + sentence):
            return relation, {"foundry": "wafer", "memory_supplier": "memory"}.get(relation)
    return None, None


_FURNITURE = re.compile(r"^(?:\d{1,3}|Table of Contents|[ivx]{1,4})$", re.I)
_BETWEEN = re.compile(r"^[\s,]*(?:\(|\)|“|”|\s|,|and\b|or\b|&)*[\s,]*$")


def _contiguous(clause: str, names: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The names of a list: from the clause's start, while only separators (", and", ", or") lie between.

    >>> c = "Google Services, Google Cloud, and Other Bets, beginning in 2023 DeepMind is reported"
    >>> [n for _, _, n in _contiguous(c, [(0, 15, "Google Services"), (17, 29, "Google Cloud"), (66, 74, "DeepMind")])]
    ['Google Services', 'Google Cloud']
    """
    out: list[tuple[int, int, str]] = []
    pos = 0
    for a, b, name in names:
        gap = clause[pos:a]
        if not _BETWEEN.match(gap) and not (not out and a <= 4):
            break
        out.append((a, b, name))
        pos = b
    return out


def _sections(sections: list[Section], text: str) -> list[Section]:
    """Every item of a 10-K/10-Q/8-K, and the text no item heading claims (read as item "-").

    >>> [(s.key, s.start, s.end) for s in _sections([Section("I-2", "MD&A", 10, 20)], "x" * 30)]
    [('-', 0, 10), ('I-2', 10, 20), ('-', 20, 30)]
    """
    out: list[Section] = []
    pos = 0
    for sec in sorted(sections, key=lambda s: s.start):
        if sec.start > pos:
            out.append(Section("-", "Unlabelled text", pos, sec.start))
        out.append(sec)
        pos = max(pos, sec.end)
    if pos < len(text):
        out.append(Section("-", "Unlabelled text", pos, len(text)))
    return out


def _scanned(sections: list[Section], form: str | None) -> list[Section]:
    """Sections read for relations: all of them (kept for the model pass)."""
    return sections


def extract_relations(
    text: str,
    sections: list[Section],
    form: str | None,
    is_company: Callable[[str], bool] = lambda name: False,
    is_filer: Callable[[str], bool] = lambda name: False,
) -> list[Relation]:
    """Relations stated anywhere in a filing (see module docstring).

    >>> s = "Our strategic partners include: Adobe, Amazon Web Services (AWS), Microsoft and SAP, among others."
    >>> [(r.relation, r.name) for r in extract_relations(s, [], "10-K", lambda n: n == "Amazon")][:2]
    [('partner', 'Adobe'), ('partner', 'Amazon Web Services')]
    >>> s = "Our principal competitors include: Dell Technologies, Intel and NetApp."
    >>> sorted({r.relation for r in extract_relations(s, [], "10-K")})
    ['competitor']
    """
    out: list[Relation] = []
    for sec in _sections(sections, text):
        context = ""
        for sent in sentences(text, sec.start, sec.end):
            s = sent.text
            if len(s) > 1500 or not re.search(r"[a-z]{3}", s):  # a flattened table, not a sentence
                continue
            if _FURNITURE.match(s):
                continue  # page numbers and running heads between a list's bullets
            bullet = s.lstrip().startswith(("•", "-", "·", "◦"))
            if not bullet:
                here, context = context, s
            else:
                here = context
            if _HEDGE.search(s):
                continue
            seen: set[tuple[str, str]] = set()
            taken: set[str] = set()
            for rule in RULES:
                for m in rule.pattern.finditer(s):
                    relation, product = rule.relation, rule.product
                    loose = rule.mode in ("list", "first", "sentence")
                    if relation == "list":
                        listed, product = _list_type(s[: m.start()], s, here if bullet else "")
                        if listed is None:
                            continue
                        relation = listed
                    if rule.mode == "before":
                        names = [n for n in find_names(s[: m.start()], is_company)[-1:] if n[1] == m.start()]
                    elif rule.mode == "sentence":
                        names = find_names(s, is_company, loose=False) or find_names(s, is_company, loose=True)
                    else:
                        clause = s[m.end() :]
                        stop = _STOP.search(clause)
                        clause = clause[: stop.start()] if stop else clause
                        names = find_names(clause, is_company, loose=loose)
                        if rule.mode == "first":
                            names = [n for n in names if n[0] <= 1][:1]
                        elif rule.mode == "list":
                            names = _contiguous(clause, names)
                    if "product" in rule.pattern.groupindex and m.group("product"):
                        product = m.group("product").strip()
                        if re.search(r"memory|dram|hbm|nand", product, re.I):
                            relation = "memory_supplier"
                    if relation == "memory_supplier" and re.search(r"\bHBM\b|high[- ]bandwidth", s, re.I):
                        product = "hbm"
                    edge_type, supplies = EDGE_OF[relation]
                    for _, _, name in names:
                        if is_filer(name) or (relation, name) in seen:
                            continue
                        if relation != "competitor" and name in taken and rule.relation != "list":
                            continue  # a name takes the first, most specific rule
                        seen.add((relation, name))
                        taken.add(name)
                        out.append(Relation(relation, name, edge_type or "", supplies, product,
                                            rule.confidence, sec.key, sent))
    return out


_LETTERS = re.compile(
    r"\b(?:sales|revenue)\s+(?:to|from)\s+(?:one\s+customer,\s+|direct\s+)?Customers?\s+"
    r"(?P<letters>[A-Z](?:(?:,\s*|\s+and\s+|,\s+and\s+)[A-Z])*)\s*,?\s+(?:represented|accounted for)\s+"
    r"(?:approximately\s+)?(?P<pcts>\d+(?:\.\d+)?%(?:(?:,\s*|\s+and\s+|,\s+and\s+)\d+(?:\.\d+)?%)*)",
    re.I,
)
_FY = re.compile(r"fiscal\s+(?:year\s+)?(\d{4})", re.I)
_QUARTER = re.compile(r"\bfor the (first|second|third|fourth) quarter of fiscal (?:year )?(\d{4})", re.I)
_AT = re.compile(r"\bCustomer ([A-Z]) at (\d+(?:\.\d+)?)%")
_ORDINAL = {"first": "Q1", "second": "Q2", "third": "Q3", "fourth": "Q4"}


def customer_concentration(text: str, sections: list[Section]) -> list[Concentration]:
    """Anonymized customers' shares of revenue ("Customer A ... 12%"), per fiscal year.

    >>> t = "Sales to direct Customers A, B and C represented 12%, 11% and 11% of total revenue, respectively, for fiscal year 2025."
    >>> [(c.label, c.share, c.fiscal_year) for c in customer_concentration(t, [Section("8", "FS", 0, len(t))])]
    [('Customer A', 0.12, 2025), ('Customer B', 0.11, 2025), ('Customer C', 0.11, 2025)]
    >>> t = "For the third quarter of fiscal year 2026, four direct customers with sales greater than 10% of total revenue included: Customer A at 22%, Customer B at 15%."
    >>> [(c.label, c.share, c.fiscal_year, c.fiscal_period) for c in customer_concentration(t, [Section("I-2", "MD&A", 0, len(t))])]
    [('Customer A', 0.22, 2026, 'Q3'), ('Customer B', 0.15, 2026, 'Q3')]
    """
    out: list[Concentration] = []
    seen: set[tuple[str, int | None, str]] = set()
    for sec in sections:
        for sent in sentences(text, sec.start, sec.end):
            if "ustomer" not in sent.text:
                continue
            quarter = _QUARTER.search(sent.text)
            if quarter:  # "For the third quarter of fiscal year 2026, ...: Customer A at 22%, ..."
                period, fy_q = _ORDINAL[quarter.group(1).lower()], int(quarter.group(2))
                for m in _AT.finditer(sent.text):
                    label = f"Customer {m.group(1)}"
                    if (label, fy_q, period) in seen:
                        continue
                    seen.add((label, fy_q, period))
                    out.append(Concentration(label, round(float(m.group(2)) / 100, 6), fy_q, sec.key, sent, period))
                continue
            for m in _LETTERS.finditer(sent.text):
                letters = re.findall(r"[A-Z]", m.group("letters"))
                pcts = [float(p) / 100 for p in re.findall(r"(\d+(?:\.\d+)?)%", m.group("pcts"))]
                if len(letters) != len(pcts):
                    continue
                fy_match = _FY.search(sent.text[m.end() :])
                if re.search(r"\b(?:first|nine|six|three) months\b|\bquarter\b", sent.text, re.I):
                    continue  # interim shares are not the year's
                fy = int(fy_match.group(1)) if fy_match else None
                for letter, pct in zip(letters, pcts, strict=True):
                    label = f"Customer {letter}"
                    if (label, fy, "FY") in seen:
                        continue
                    seen.add((label, fy, "FY"))
                    out.append(Concentration(label, round(pct, 6), fy, sec.key, sent))
    return out
