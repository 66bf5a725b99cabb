"""Entity resolution for names found in documents."""

from __future__ import annotations

import pytest

from chainshock.graph.names import entity_key, slug
from chainshock.graph.resolve import Entry, Resolver

KNOWN = [
    Entry("company:tsmc", "Taiwan Semiconductor Manufacturing Company", ("TSM",)),
    Entry("company:hon-hai", "Hon Hai Precision Industry", ("Foxconn",)),
    Entry("company:micron", "Micron Technology, Inc.", ("MU",)),
    Entry("company:microsoft", "Microsoft Corporation", ("MSFT",)),
    Entry("company:apple", "Apple Inc.", ("AAPL", "Apple Computer, Inc.")),
]


@pytest.mark.parametrize(
    ("name", "expected", "method"),
    [
        ("TSMC", "company:tsmc", "alias"),
        ("Taiwan Semiconductor Manufacturing Company Limited", "company:tsmc", "exact"),
        ("Foxconn", "company:hon-hai", "exact"),
        ("Hon Hai Precision Industry Co., Ltd.", "company:hon-hai", "exact"),
        ("MICRON TECHNOLOGY INC", "company:micron", "exact"),
        ("MSFT", "company:microsoft", "exact"),
        ("APPLE COMPUTER INC", "company:apple", "exact"),  # a former name
    ],
)
def test_exact_and_alias(name: str, expected: str, method: str) -> None:
    match = Resolver(KNOWN, embedder=None).resolve(name)
    assert (match.id, match.method, match.resolved) == (expected, method, True)


def test_unknown_name_is_new_and_unresolved() -> None:
    match = Resolver(KNOWN, embedder=None).resolve("Acme Widgets Holdings, Inc.")
    assert match.id == "company:acme-widgets" and match.resolved is False and match.method == "new"


def test_normalize_and_slug() -> None:
    assert entity_key("The Micron Technology, Inc.") == "micron technology"
    assert slug("SK Hynix Inc.") == "sk-hynix"


@pytest.mark.model
def test_embeddings_link_variants_and_refuse_strangers() -> None:
    from chainshock.graph.resolve import default_embedder

    resolver = Resolver(KNOWN, embedder=default_embedder())
    near = resolver.resolve("Micron Tech")
    assert (near.id, near.method) == ("company:micron", "embedding")
    far = resolver.resolve("Hershey Chocolate Company")
    assert far.resolved is False and far.method == "new"
    # a near-homonym must not be linked to the wrong company
    assert resolver.resolve("Micro Focus International").id != "company:microsoft"


class _Counting:
    """The real embedder, counting its calls and texts (a spy, not a stand-in)."""

    def __init__(self, inner: object) -> None:
        self.inner, self.calls, self.texts = inner, 0, 0

    def encode(self, texts: list[str]) -> object:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.encode(texts)  # type: ignore[attr-defined]


@pytest.mark.model
def test_prefetch_encodes_once_and_adding_companies_reencodes_nothing() -> None:
    from chainshock.graph.resolve import default_embedder

    names = ["Micron Tech", "Hershey Chocolate Company", "Acme Widgets, Inc.", "Hon Hai", "Amkor Technology, Inc."]
    plain = Resolver(KNOWN, embedder=default_embedder())
    expected = [plain.resolve(n) for n in names]

    spy = _Counting(default_embedder())
    resolver = Resolver(KNOWN, embedder=spy)  # type: ignore[arg-type]
    assert resolver.prefetch(names) > len(KNOWN)
    assert spy.calls == 1
    got = []
    for n in names:
        m = resolver.resolve(n)
        got.append(m)
        if m.method == "new":  # the loader adds each new company as it goes
            resolver.add(Entry(m.id, m.name, (n,), False))
    assert spy.calls == 1, "resolving prefetched names after add() must not call the model again"
    assert [(m.id, m.method) for m in got] == [(m.id, m.method) for m in expected]
