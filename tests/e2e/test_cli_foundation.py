"""The CLI as a user runs it: real console script, real files."""

import json

import pytest
from support import MINI, run_cli


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli-home")
    proc = run_cli("build", "--data", str(MINI), home=home, check=True)
    assert "built snapshot" in proc.stdout
    assert "nodes 8" in proc.stdout
    return home


def test_info_json_is_one_document(home):
    proc = run_cli("info", "--json", home=home, check=True)
    doc = json.loads(proc.stdout)
    assert doc["nodes"]["Company"] == 3
    assert doc["edges"]["PRODUCES"] == 1
    assert doc["roles"]["memory_producer"] == 1
    assert doc["sources"] == 2


def test_facts_json_carries_sources(home):
    doc = json.loads(run_cli("facts", "NVDA", "--json", home=home, check=True).stdout)
    assert doc["company"]["id"] == "company:nvidia"
    [capex] = [f for f in doc["facts"] if f["metric"] == "capex"]
    assert capex["fiscal_year"] == 2025
    assert capex["value"] == 3_236_000_000
    assert capex["source"]["accession"] == "0001045810-25-000023"
    assert capex["source"]["quote"]


def test_paths_json_has_evidence_on_every_hop(home):
    doc = json.loads(run_cli("paths", "SK hynix", "Device buyers", "--json", home=home, check=True).stdout)
    path = doc["paths"][0]
    assert path["nodes"] == ["company:sk-hynix", "product:hbm", "company:nvidia", "company:device-buyers"]
    for hop in path["edges"]:
        assert hop["evidence"] and hop["evidence"][0]["source_id"]


def test_paths_human_output_names_sources(home):
    proc = run_cli("paths", "hynix", "device buyers", home=home, check=True)
    assert "SK hynix → HBM → NVIDIA → Device buyers" in proc.stdout
    assert proc.stdout.count("source:") >= 3


def test_unknown_company_is_one_line_and_nonzero(home):
    proc = run_cli("facts", "Nvdia", home=home)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "no company matches 'Nvdia'; did you mean" in lines[0]


def test_no_snapshot_says_build_first(tmp_path):
    proc = run_cli("info", home=tmp_path / "empty")
    assert proc.returncode == 2
    assert "run `chainshock build` first" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_data_keeps_previous_snapshot(tmp_path):
    home = tmp_path / "home"
    run_cli("build", "--data", str(MINI), home=home, check=True)
    before = json.loads(run_cli("info", "--json", home=home, check=True).stdout)["snapshot"]["content_hash"]
    broken = tmp_path / "broken"
    import shutil

    shutil.copytree(MINI, broken)
    text = (broken / "companies.yaml").read_text().replace("roles: [chip_designer]", "roles: [chip_maker]")
    (broken / "companies.yaml").write_text(text)
    proc = run_cli("build", "--data", str(broken), home=home)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "companies.yaml:" in proc.stderr and "roles" in proc.stderr
    after = json.loads(run_cli("info", "--json", home=home, check=True).stdout)["snapshot"]["content_hash"]
    assert after == before


def test_help_teaches(tmp_path):
    proc = run_cli("--help", home=tmp_path)
    assert proc.returncode == 0
    for command in ("build", "info", "facts", "paths"):
        assert command in proc.stdout
    assert "chainshock build --filings" in run_cli("build", "--help", home=tmp_path).stdout
