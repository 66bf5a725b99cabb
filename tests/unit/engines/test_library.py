"""The Cypher library: headers parse, parameters bind, dialects pair up."""

from __future__ import annotations

import re
import shlex

import pytest

from chainshock.engines.library import (
    get_query,
    load_library,
    parse_adhoc_params,
    parse_param_value,
    parse_query,
)
from chainshock.errors import BackendError, NotFoundError

LIB = load_library()


def test_at_least_fifteen_named_queries_each_fully_described():
    assert len(LIB) >= 15
    for name, q in LIB.items():
        assert q.path is not None and q.path.stem == name, "file name = query name"
        assert q.question.endswith("?")
        assert q.examples, f"{name} has no example"
        for example in q.examples:
            args = shlex.split(example)
            assert args[:4] == ["chainshock", "cypher", "--name", name]
            given = {a.split("=", 1)[0] for a, prev in zip(args[1:], args, strict=False) if prev == "--param"}
            assert given <= {p.name for p in q.params}
            assert {p.name for p in q.params if p.required} <= given
        for p in q.params:
            assert p.doc


def test_params_in_text_are_declared_and_declared_are_used():
    for name, q in LIB.items():
        for engine in ("neo4j", "embedded"):
            used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", q.text(engine)))
            assert used == {p.name for p in q.params}, (name, engine, used)


def test_variants_come_in_pairs_with_a_reason():
    split = [q for q in LIB.values() if not q.portable]
    assert split, "the library has dialect variants"
    for q in split:
        assert q.why, f"{q.name} has two variants but no '// why:' line"
        assert q.text("neo4j") != q.text("embedded")
    assert "TRAIL" in LIB["supply_paths"].text("embedded") and "TRAIL" not in LIB["supply_paths"].text("neo4j")


def test_no_query_writes():
    writes = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP|COPY|LOAD)\b", re.I)
    for q in LIB.values():
        for engine in ("neo4j", "embedded"):
            body = "\n".join(line for line in q.text(engine).splitlines() if not line.strip().startswith("//"))
            assert not writes.search(body), q.name


def test_bind_types_defaults_and_errors():
    q = LIB["expiring_contracts"]
    bound = q.bind({"months": "18", "as_of": "2025-10-01"})
    assert bound == {"months": 18, "as_of": "2025-10-01"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", q.bind({})["as_of"])  # default: today
    with pytest.raises(BackendError, match="expected an integer"):
        q.bind({"months": "soon"})
    with pytest.raises(BackendError, match="no parameter 'month'"):
        q.bind({"month": "3"})
    with pytest.raises(BackendError, match="needs --param company"):
        LIB["suppliers_of"].bind({})
    assert LIB["memory_cost_exposure"].bind({})["products"] == ["product:hbm", "product:dram", "product:nand"]
    assert LIB["hyperscaler_power"].bind({}) == {"hyperscaler": None}


def test_param_values():
    assert parse_param_value("x", "float", "0.5") == 0.5
    assert parse_param_value("x", "bool", "yes") is True
    assert parse_param_value("x", "list", ["a", 1]) == ["a", "1"]
    with pytest.raises(BackendError):
        parse_param_value("x", "bool", "maybe")
    assert parse_adhoc_params(["a=1.5", "b=true", "c=company:x", "d="]) == {"a": 1.5, "b": True, "c": "company:x", "d": ""}
    with pytest.raises(BackendError, match="name=value"):
        parse_adhoc_params(["=x"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("MATCH (n) RETURN n", "needs '// name:'"),
        ("// name: x\n// question: Q?\n// param: n (integer, default 1): x\nRETURN 1", "bad param line"),
        ("// name: x\n// question: Q?\n// dialect: neo4j\nRETURN 1", "both"),
        ("// name: x\n// question: Q?\n// dialect: sqlite\nRETURN 1", "unknown dialect"),
    ],
)
def test_bad_headers_are_refused(text, message):
    with pytest.raises(BackendError, match=message):
        parse_query(text)


def test_unknown_query_suggests_close_names():
    with pytest.raises(NotFoundError, match=r"did you mean .*suppliers_of"):
        get_query("suppliers")


def test_hop_ranges_are_cut_to_the_bound_parameter():
    q = LIB["suppliers_within_hops"]
    assert q.hops == "max_hops"
    for engine in ("neo4j", "embedded"):
        # the range ends the pattern's brackets, or the embedded engine's `(r, n | ...)` after it
        ranges = r"\*\s*(?:TRAIL\s+)?1\.\.{}(?:\s*\([^()]*\))?\]"
        assert re.search(ranges.format(6), q.text(engine))  # as written: runs unchanged, the WHERE cuts
        assert re.search(ranges.format(2), q.text(engine, q.bind({"company": "company:nvidia", "max_hops": "2"})))
        assert re.search(ranges.format(6), q.text(engine, q.bind({"company": "company:nvidia", "max_hops": "9"})))
    spb = LIB["single_point_buyers"]
    assert "*0..1]" in spb.text("embedded", spb.bind({"max_hops": "0"}))
    with pytest.raises(BackendError, match="must name an int parameter"):
        parse_query("// name: x\n// question: q?\n// param: n (string, required): n\n// hops: n\nRETURN $n")
