"""The fuzz part of ``make chaos``: every parser, a fixed number of inputs, zero tracebacks.

Each parser gets hypothesis-generated inputs: mutations of a real input
(a curated YAML file, a shipped scenario, a real companyfacts/submissions
document, a real inline-XBRL 10-K, a real text filing) and, for Cypher
parameters, arbitrary values for every library query's parameters. A
parser may refuse an input only with its documented user error
(:class:`~chainshock.errors.ChainshockError`, or ``ValueError`` for the
JSON parsers); anything else is counted as a crash and a sample is kept.
"""

from __future__ import annotations

import json
import shutil
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from chainshock.errors import ChainshockError

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "data" / "curated-mini"

NASTY_YAML = [
    "!!python/object/apply:os.system ['echo pwned']",
    "&a [*a, *a]",
    "*undefined_alias",
    "? [complex, key]\n: value",
    "x: !!binary ZZZ",
    "value: 1e999",
    "as_of: 2025-13-45",
    "\tindented: with a tab",
    "\ufeffbom: here",
    "nul: \x00",
    "- - - deep",
    "{unclosed: [flow",
    "'unterminated",
    "value: -.inf",
    "id: " + "x" * 5000,
    "<<: *merge",
    "%YAML 9.9\n---",
    "---\n---\n...",
]


def _text_mutations(base: str) -> st.SearchStrategy[str]:
    """Line deletions, duplications, replacements, truncations and insertions of ``base``."""
    lines = base.splitlines(keepends=True) or [""]
    n = len(lines)
    junk = st.one_of(
        st.sampled_from(NASTY_YAML),
        st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#%@`\t ,?0123456789abcXYZ.\n")), max_size=60),
        st.text(max_size=40),
    )

    @st.composite
    def mutate(draw: st.DrawFn) -> str:
        out = list(lines)
        for _ in range(draw(st.integers(1, 4))):
            op = draw(st.sampled_from(["delete", "dup", "replace", "insert", "truncate", "value"]))
            i = draw(st.integers(0, max(0, len(out) - 1)))
            if not out:
                out = [""]
            if op == "delete" and len(out) > 1:
                del out[i]
            elif op == "dup":
                out.insert(i, out[i])
            elif op == "replace":
                out[i] = draw(junk) + "\n"
            elif op == "insert":
                out.insert(i, draw(junk) + "\n")
            elif op == "truncate":
                text = "".join(out)
                cut = draw(st.integers(0, len(text)))
                out = text[:cut].splitlines(keepends=True) or [""]
            elif op == "value" and ":" in out[i]:
                key = out[i].split(":", 1)[0]
                out[i] = f"{key}: {draw(junk)}\n"
        return "".join(out)

    del n
    return mutate()


def _bytes_mutations(base: bytes) -> st.SearchStrategy[bytes]:
    @st.composite
    def mutate(draw: st.DrawFn) -> bytes:
        data = bytearray(base)
        for _ in range(draw(st.integers(1, 6))):
            op = draw(st.sampled_from(["flip", "cut", "splice", "dup", "drop"]))
            i = draw(st.integers(0, max(0, len(data) - 1)))
            if op == "flip" and data:
                data[i] ^= draw(st.integers(1, 255))
            elif op == "cut":
                data = data[: i]
            elif op == "splice":
                data[i:i] = draw(st.binary(max_size=64) | st.sampled_from(
                    [b"<ix:nonFraction", b"</ix:nonFraction>", b"<![CDATA[", b"&#xFFFF;", b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
                     b'scale="99999999999"', b'format="ixt:num-dot-decimal"', b"\xff\xfe", b"<DOCUMENT>", b"</TEXT>"]))
            elif op == "dup":
                j = draw(st.integers(i, min(len(data), i + 4096)))
                data[j:j] = data[i:j]
            elif op == "drop":
                j = draw(st.integers(i, min(len(data), i + 4096)))
                del data[i:j]
        return bytes(data)

    return mutate()


def _json_mutations(base: Any) -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20)
    values = st.recursive(scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
                          max_leaves=10)

    def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        out = [prefix]
        if isinstance(doc, dict):
            for k, v in doc.items():
                out.extend(paths(v, (*prefix, k)))
        elif isinstance(doc, list):
            for i, v in enumerate(doc[:3]):
                out.extend(paths(v, (*prefix, i)))
        return out

    all_paths = paths(base)

    @st.composite
    def mutate(draw: st.DrawFn) -> Any:
        doc = json.loads(json.dumps(base))
        for _ in range(draw(st.integers(1, 4))):
            path = draw(st.sampled_from(all_paths))
            if not path:
                if draw(st.booleans()):
                    doc = draw(values)
                continue
            parent = doc
            try:
                for key in path[:-1]:
                    parent = parent[key]
                if draw(st.booleans()) and isinstance(parent, dict):
                    parent.pop(path[-1], None)
                else:
                    parent[path[-1]] = draw(values)
            except (KeyError, IndexError, TypeError):
                continue
        return doc

    return mutate()


def _trim(doc: Any, width: int = 3, depth: int = 0) -> Any:
    """A small copy of a big JSON document: ``width`` items per list, 8 keys per dict below the top two levels."""
    if isinstance(doc, dict):
        items = list(doc.items())
        return {k: _trim(v, width, depth + 1) for k, v in (items if depth < 2 else items[:8])}
    if isinstance(doc, list):
        return [_trim(v, width, depth + 1) for v in doc[:width]]
    return doc


class Counter:
    def __init__(self, name: str) -> None:
        self.name = name
        self.examples = 0
        self.user_errors = 0
        self.crashes = 0
        self.samples: list[dict[str, str]] = []

    def run(self, fn: Callable[[], Any], allowed: tuple[type[BaseException], ...], shown: Any) -> None:
        self.examples += 1
        try:
            fn()
        except allowed:
            self.user_errors += 1
        except RecursionError:
            self.crashes += 1
            self._sample("RecursionError", shown)
        except Exception:
            self.crashes += 1
            self._sample(traceback.format_exc(limit=-3), shown)

    def _sample(self, tb: str, shown: Any) -> None:
        if len(self.samples) < 3:
            self.samples.append({"parser": self.name, "traceback": tb[-1500:], "input": repr(shown)[:400]})


def _drive(counter: Counter, strategy: st.SearchStrategy[Any], body: Callable[[Any], None], examples: int,
           rng_seed: int) -> None:
    @seed(rng_seed)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def test(value: Any) -> None:
        body(value)

    test()


def run_all(work: Path, filings: Path, examples: int, rng_seed: int) -> list[dict[str, Any]]:
    from chainshock.build import build as build_snapshot
    from chainshock.engines.library import load_library, parse_adhoc_params
    from chainshock.graph.lookup import resolve_node
    from chainshock.graph.snapshot import read_snapshot
    from chainshock.graph.validate import validate_graph
    from chainshock.loaders.curated import load_curated
    from chainshock.loaders.edgar.companyfacts import parse_companyfacts
    from chainshock.loaders.edgar.ixbrl import parse_inline_xbrl
    from chainshock.loaders.edgar.relations import customer_concentration, extract_relations
    from chainshock.loaders.edgar.sections import split_items
    from chainshock.loaders.edgar.submissions import parse_submissions
    from chainshock.loaders.edgar.text import html_to_text, sentences, sgml_documents
    from chainshock.loaders.edgar.textfacts import balance_sentences, statement_lines
    from chainshock.queries.scenario import load_scenario, resolve_scenario

    work.mkdir(parents=True, exist_ok=True)
    results = []

    def record(counter: Counter, seconds: float) -> None:
        results.append({"parser": counter.name, "examples": counter.examples, "user_errors": counter.user_errors,
                        "crashes": counter.crashes, "seconds": round(seconds, 1), "samples": counter.samples})

    # curated YAML: one file of a copy of the mini dataset mutated at a time
    data = work / "curated"
    shutil.copytree(MINI, data)
    files = sorted(p for p in data.rglob("*.yaml"))
    originals = {p: p.read_text() for p in files}
    c = Counter("curated YAML")
    t0 = time.monotonic()

    def curated(pair: tuple[int, str]) -> None:
        i, text = pair
        path = files[i]
        path.write_text(text)
        try:
            def go() -> None:
                records, where = load_curated(data)
                validate_graph(records, where)
            c.run(go, (ChainshockError,), (path.name, text[:200]))
        finally:
            path.write_text(originals[path])

    strategy = st.integers(0, len(files) - 1).flatmap(lambda i: st.tuples(st.just(i), _text_mutations(originals[files[i]])))
    _drive(c, strategy, curated, examples, rng_seed)
    record(c, time.monotonic() - t0)

    # scenario YAML, resolved against the bundled graph
    snap_path = work / "graph"
    from chainshock.data import data_dir

    build_snapshot(snap_path, data_dir())
    snap = read_snapshot(snap_path)
    scenarios = sorted((REPO / "scenarios").glob("*.yaml"))
    texts = [p.read_text() for p in scenarios]
    target = work / "scenario.yaml"
    c = Counter("scenario YAML")
    t0 = time.monotonic()

    def scenario(pair: tuple[int, str]) -> None:
        _, text = pair
        target.write_text(text)

        def go() -> None:
            sc, where = load_scenario(target)
            resolve_scenario(sc, lambda t, labels: resolve_node(snap, t, labels), where)
        c.run(go, (ChainshockError,), text[:200])

    strategy = st.integers(0, len(texts) - 1).flatmap(lambda i: st.tuples(st.just(i), _text_mutations(texts[i])))
    _drive(c, strategy, scenario, examples, rng_seed + 1)
    record(c, time.monotonic() - t0)

    edgar = filings / "edgar"
    # companyfacts and submissions JSON: structural mutations and byte mutations of real documents
    for name, folder, parse in (("companyfacts JSON", "companyfacts", parse_companyfacts),
                                ("submissions JSON", "submissions", parse_submissions)):
        base_file = sorted((edgar / folder).glob("CIK*.json"), key=lambda p: p.stat().st_size)[0]
        base = _trim(json.loads(base_file.read_bytes()))
        parse(base)  # the unmutated document parses: the mutations start from a valid input
        raw = json.dumps(base).encode()
        c = Counter(name)
        t0 = time.monotonic()

        def parse_json(value: Any, parse: Callable[[Any], Any] = parse, c: Counter = c) -> None:
            if isinstance(value, bytes):
                c.run(lambda: parse(json.loads(value)), (ValueError,), value[:200])
            else:
                c.run(lambda: parse(value), (ValueError,), value)

        strategy = _json_mutations(base) | _bytes_mutations(raw)
        _drive(c, strategy, parse_json, examples, rng_seed + 2)
        record(c, time.monotonic() - t0)

    # inline XBRL: byte mutations of a real 10-K/10-Q (first 300 kB, the parser recovers from the cut)
    htm = next(p for p in sorted(edgar.glob("filings/*/*/*.htm"), key=lambda p: p.stat().st_size)
               if b"nonFraction" in p.read_bytes()[:2_000_000])
    base_bytes = htm.read_bytes()[:300_000]
    c = Counter("inline XBRL")
    t0 = time.monotonic()
    _drive(c, _bytes_mutations(base_bytes), lambda b: c.run(lambda: parse_inline_xbrl(b), (), b[:200]),
           max(20, examples // 3), rng_seed + 3)
    record(c, time.monotonic() - t0)

    # text filings: windows of a real full-submission text file and of a real HTML filing's text, mutated
    txt = sorted(edgar.glob("filings/*/*/*.txt"), key=lambda p: p.stat().st_size)[0].read_bytes()
    html_text = html_to_text(htm.read_text(encoding="utf-8", errors="replace"))
    c = Counter("text filings")
    t0 = time.monotonic()

    def text_parsers(pair: tuple[bytes, str | None]) -> None:
        data_bytes, form = pair
        text = data_bytes.decode("utf-8", errors="replace")

        def go() -> None:
            sgml_documents(text)
            html_to_text(text)
            sections = split_items(text, form)
            list(sentences(text))
            extract_relations(text, sections, form, lambda n: n.lower().startswith("sk"))
            customer_concentration(text, sections)
            statement_lines(text, 0, len(text))
            balance_sentences(text, 0, len(text))
        c.run(go, (), text[:200])

    windows = st.one_of(
        st.integers(0, max(0, len(txt) - 20_000)).map(lambda i: txt[i:i + 20_000]),
        st.integers(0, max(0, len(html_text) - 20_000)).map(lambda i: html_text[i:i + 20_000].encode()),
    )
    strategy = st.tuples(windows.flatmap(_bytes_mutations), st.sampled_from(["10-K", "10-Q", "8-K", None]))
    _drive(c, strategy, text_parsers, max(20, examples // 3), rng_seed + 4)
    record(c, time.monotonic() - t0)

    # Cypher parameters: every library query's parameters with arbitrary values, and ad-hoc k=v pairs
    library = load_library()
    names = sorted(library)
    c = Counter("Cypher parameters")
    t0 = time.monotonic()
    anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                         st.lists(st.text(max_size=8), max_size=3), st.dates().map(str),
                         st.sampled_from(["company:nvidia", "2025-02-30", "1e309", "-0", "' OR 1=1 //", "$x", "{}"]))

    @st.composite
    def params(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[str]]:
        q = library[draw(st.sampled_from(names))]
        keys = [p.name for p in q.params]
        given_keys = draw(st.lists(st.sampled_from([*keys, "extra", "n"]) if keys else st.just("extra"), max_size=4))
        given = {k: draw(anything) for k in given_keys}
        pairs = draw(st.lists(st.text(max_size=30) | st.builds(lambda k, v: f"{k}={v}", st.sampled_from(keys or ["n"]),
                                                              st.text(max_size=20)), max_size=3))
        return q.name, given, pairs

    def cypher_params(value: tuple[str, dict[str, Any], list[str]]) -> None:
        name, given, pairs = value
        c.run(lambda: library[name].bind(given), (ChainshockError,), (name, given))
        c.run(lambda: parse_adhoc_params(pairs), (ChainshockError,), pairs)

    _drive(c, params(), cypher_params, examples, rng_seed + 5)
    record(c, time.monotonic() - t0)
    return results
