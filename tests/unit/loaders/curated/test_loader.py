from pathlib import Path

import pytest
from support import MINI

from chainshock.errors import DataError
from chainshock.loaders.curated import load_curated


def test_loads_every_file():
    records, where = load_curated(MINI)
    ids = {n.id for n in records.nodes}
    assert {"company:nvidia", "product:hbm", "contract:hynix-nvidia-hbm-2026", "index:kospi"} <= ids
    types = {str(e.type) for e in records.edges}
    assert {"PRODUCES", "USES", "SUPPLIES", "PARTY_TO", "COVERS", "CONSTITUENT_OF"} <= types
    assert where["company:nvidia"].endswith("companies.yaml:9")
    assert all(e.evidence for e in records.edges)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def error_of(root: Path) -> str:
    with pytest.raises(DataError) as info:
        load_curated(root)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_estimate_out_of_order_names_file_line_field(mini_data):
    replace(mini_data / "edges" / "memory.yaml", "low: 0.57, base: 0.62", "low: 0.67, base: 0.62")
    msg = error_of(mini_data)
    assert "edges/memory.yaml:4" in msg
    assert "market_share" in msg and "low <= base <= high" in msg


def test_bare_number_estimate_is_refused(mini_data):
    replace(mini_data / "edges" / "memory.yaml", "cost_share: {low: 0.2, base: 0.3, high: 0.4, basis: \"test fixture\"}", "cost_share: 0.3")
    msg = error_of(mini_data)
    assert "memory.yaml:12" in msg and "cost_share" in msg and "low, base, high, basis" in msg


def test_missing_evidence(mini_data):
    text = (mini_data / "products.yaml").read_text()
    (mini_data / "products.yaml").write_text("\n".join(line for line in text.splitlines() if "evidence" not in line) + "\n")
    msg = error_of(mini_data)
    assert "products.yaml:1" in msg and "product:hbm" in msg and "evidence" in msg


def test_evidence_without_quote(mini_data):
    replace(mini_data / "facts.yaml", 'quote: "Purchases related to property and equipment and intangible assets (3,236)", ', "")
    assert "evidence needs a non-empty 'quote'" in error_of(mini_data)


def test_unknown_field_and_wrong_type(mini_data):
    replace(mini_data / "companies.yaml", "ticker: NVDA", "tickr: NVDA")
    msg = error_of(mini_data)
    assert "companies.yaml:12" in msg and "tickr" in msg and "not a known field" in msg


def test_broken_yaml_syntax(mini_data):
    (mini_data / "countries.yaml").write_text("- id: country:kr\n  name: [unclosed\n")
    msg = error_of(mini_data)
    assert "countries.yaml:" in msg and "YAML syntax error" in msg


def test_contract_ending_before_start(mini_data):
    replace(mini_data / "contracts.yaml", "end: 2026-12-31", "end: 2024-12-31")
    msg = error_of(mini_data)
    assert "contracts.yaml:1" in msg and "before it starts" in msg


def test_bad_price_terms(mini_data):
    replace(mini_data / "contracts.yaml", "price_terms: fixed", "price_terms: floating")
    assert "must be fixed, indexed, cost_plus or capped" in error_of(mini_data)


def test_file_that_is_not_a_list(mini_data):
    (mini_data / "products.yaml").write_text("id: product:hbm\n")
    assert "expected a list of rows" in error_of(mini_data)


def test_duplicate_key(mini_data):
    replace(mini_data / "products.yaml", "  category: hbm", "  category: hbm\n  category: dram")
    assert "duplicate key 'category'" in error_of(mini_data)
