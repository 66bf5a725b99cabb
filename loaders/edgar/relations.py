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
    "RULES",
    "SCANNED_ITEMS",
    "Concentration",
    "Relation",
    "customer_concentration",
    "extract_relations",
    "find_names",
]

# Items read for relationships: business, risk factors, MD&A, financial
# statements and notes (NVIDIA keeps them in Item 15); 10-Q Part I and risk
# factors; every 8-K item.
SCANNED_ITEMS = {
    "10-K": {"1", "1A", "7", "8", "15"},
    "10-Q": {"I-1", "I-2", "II-1A", "II-5"},
}


@dataclass(frozen=True)
class Relation:
    relation: str
    name: str  # the counterparty as written
    edge_type: str  # SUPPLIES or INVESTS_IN
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
    r"(?:,?\s+(?:Inc\.?|Incorporated|Corporation|Corp\.?|Co\.,?\s*Ltd\.?|Co\.|Ltd\.?|Limited|"
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


def find_names(clause: str, is_company: Callable[[str], bool]) -> list[tuple[int, int, str]]:
    """Company names in a clause: (start, end, name), suffix-bearing or known.

    >>> find_names("such as Hon Hai Precision Industry Co., Ltd., Wistron Corporation, and Fabrinet", lambda n: n == "Fabrinet")
    [(8, 44, 'Hon Hai Precision Industry Co., Ltd.'), (46, 65, 'Wistron Corporation'), (71, 79, 'Fabrinet')]
    """
    out = []
    for m in _NAME.finditer(clause):
        name = m.group(0).rstrip(",")
        if name in _NOT_NAMES or len(name) < 2:
            continue
        if _HAS_SUFFIX.search(name) or is_company(name):
            out.append((m.start(), m.start() + len(name), name))
    return out


@dataclass(frozen=True)
class _Rule:
    relation: str
    pattern: re.Pattern[str]
    edge_type: str
    counterparty_supplies: bool
    product: str | None
    confidence: float


def _rule(relation: str, pattern: str, edge_type: str = "SUPPLIES", supplies: bool = True,
          product: str | None = None, confidence: float = 0.9) -> _Rule:
    return _Rule(relation, re.compile(pattern, re.I), edge_type, supplies, product, confidence)


# The names governed by a trigger follow it, up to a purpose clause ("to
# produce ...") or the end of the sentence.
RULES: tuple[_Rule, ...] = (
    _rule("foundry", r"\b(?:utilize|use|rely on|engage|partner with)\s+(?:third[- ]party\s+)?foundries\s*,?\s*(?:such as|including|like)\s", product="wafer"),
    _rule("foundry", r"\bfoundr(?:y|ies)\s+(?:partners?|suppliers?|vendors?)\s*,?\s*(?:such as|including|like)\s", product="wafer"),
    _rule("memory_supplier", r"\b(?:purchase|buy|source|procure|obtain)s?\s+(?:(?:high[- ]bandwidth\s+|HBM\s+|DRAM\s+)?memory|HBM|DRAM|NAND)(?:\s+products)?\s+from\s", product="memory"),
    _rule("memory_supplier", r"\bmemory\s+(?:suppliers?|vendors?|partners?)\s*,?\s*(?:such as|including|like)\s", product="memory"),
    _rule("contract_manufacturer", r"\b(?:contract manufacturers|subcontractors|assembly and test partners|original design manufacturers|ODMs)\s*,?\s*(?:such as|including|like)\s"),
    _rule("supplier", r"\b(?:we|the company)\s+(?:purchase|buy|source|procure)s?\s+(?P<product>[a-z][a-z\- ]{2,40}?)\s+(?:primarily\s+|exclusively\s+)?from\s", confidence=0.75),
    _rule("supplier", r"\b(?:key|principal|primary|sole|single)\s+(?:source\s+)?suppliers?\s*,?\s*(?:such as|including|like)\s", confidence=0.8),
    _rule("long_term_agreement", r"\b(?:long[- ]term|multi[- ]?year)\s+(?:supply|capacity|purchase|power purchase)\s+agreements?\s+with\s", confidence=0.8),
    _rule("customer", r"(?P<before>)\s+has\s+contracted\s+to\s+purchase\b", supplies=False, confidence=0.85),
    _rule("customer", r"\b(?:earns?|generates?|receives?)\s+revenue\s+from\s+(?:licensing\s+|commercial\s+|revenue[- ]sharing\s+)?(?:arrangements|agreements|contracts)\s+with\s", supplies=False, confidence=0.8),
    _rule("supplier", r"(?P<before>),\s+(?:a|one of our|our)\s+(?:key\s+|primary\s+|main\s+|principal\s+)?suppliers?(?:\s+of ours)?\b", confidence=0.8),
    _rule("customer", r"\b(?:sales|revenue)\s+(?:to|from)\s+(?=(?:[A-Z]))(?!Customer\b)", supplies=False, confidence=0.8),
    _rule("investment", r"\b(?:invested|invests|investing)\s+in\s+(?:an?\s+\$?\s?[\d.,]+\s*(?:billion|million)\s+(?:convertible\s+)?(?:note|notes|stake)\s+(?:from|of|in)\s+)?", edge_type="INVESTS_IN", supplies=False, confidence=0.85),
    _rule("investment", r"\b(?:equity|strategic|minority)\s+investments?\s+in\s", edge_type="INVESTS_IN", supplies=False, confidence=0.85),
    _rule("investment", r"\b(?:we have|we hold|we made)\s+an?\s+investment\s+in\s", edge_type="INVESTS_IN", supplies=False, confidence=0.85),
    _rule("investment", r"\b(?:major|significant|minority)\s+investor\s+in\s", edge_type="INVESTS_IN", supplies=False, confidence=0.85),
    _rule("investment", r"\b(?:committed|agreed|agreement[^.]{0,60}?)\s+to\s+invest\s+(?:up\s+to\s+)?(?:\$\s?[\d.,]+\s*(?:billion|million)\s+)?in\s", edge_type="INVESTS_IN", supplies=False, confidence=0.8),
    _rule("investment", r"\b(?:convertible\s+)?notes?\s+from\s+(?=[A-Z])", edge_type="INVESTS_IN", supplies=False, confidence=0.8),
)

_HEDGE = re.compile(
    r"opportunity to invest|letter of intent|may (?:in the future )?(?:acquire or )?invest|could invest|"
    r"\$100 (?:was )?invested|investment in (?:our|the company)|no assurance",
    re.I,
)
_STOP = re.compile(r",?\s+to\s+(?:produce|perform|manufacture|provide|assemble|build|supply|support|help)\b|;|\s+for\s+the\s+|\s+which\s+")


def _scanned(sections: list[Section], form: str | None) -> list[Section]:
    base = (form or "").upper().split("/")[0]
    allowed = SCANNED_ITEMS.get(base)
    if allowed is None:
        return sections
    return [s for s in sections if s.key in allowed]


def extract_relations(
    text: str,
    sections: list[Section],
    form: str | None,
    is_company: Callable[[str], bool] = lambda name: False,
) -> list[Relation]:
    """Relations stated in the scanned items of a filing (see module docstring)."""
    out: list[Relation] = []
    for sec in _scanned(sections, form):
        for sent in sentences(text, sec.start, sec.end):
            if len(sent.text) > 1500:  # a flattened table, not a sentence
                continue
            s = sent.text
            if _HEDGE.search(s):
                continue
            seen: set[str] = set()  # rules run specific-first; a name takes the first
            for rule in RULES:
                for m in rule.pattern.finditer(s):
                    if "before" in rule.pattern.groupindex:
                        # the name the trigger follows directly ("OpenAI has contracted", "Micron, a supplier")
                        names = [n for n in find_names(s[: m.start()], is_company)[-1:] if n[1] == m.start()]
                    else:
                        clause = s[m.end() :]
                        stop = _STOP.search(clause)
                        clause = clause[: stop.start()] if stop else clause
                        names = find_names(clause, is_company)
                        if rule.relation in ("customer", "investment", "supplier"):
                            # these govern only the name right after the trigger
                            names = [n for n in names if n[0] <= 1][:1]
                    product = rule.product
                    if "product" in rule.pattern.groupindex and m.group("product"):
                        product = m.group("product").strip()
                    if rule.relation == "memory_supplier" and re.search(r"\bHBM\b|high[- ]bandwidth", s, re.I):
                        product = "hbm"
                    for _, _, name in names:
                        if name in seen:
                            continue
                        seen.add(name)
                        out.append(
                            Relation(rule.relation, name, rule.edge_type, rule.counterparty_supplies,
                                     product, rule.confidence, sec.key, sent)
                        )
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
