"""The embedding fallback for relationships the rules miss (loads the MiniLM model)."""

from __future__ import annotations

import pytest

from chainshock.loaders.edgar.relations_model import ModelRelations, extract_model_relations
from chainshock.loaders.edgar.sections import Section

pytestmark = pytest.mark.model

KNOWN = {"Acme Memory", "Contoso", "Globex", "Initech", "Hooli"}


@pytest.fixture(scope="module")
def model() -> ModelRelations:
    from chainshock.graph.resolve import default_embedder

    return ModelRelations(default_embedder())


def _run(model: ModelRelations, text: str):
    sections = [Section("1", "Business", 0, len(text))]
    return extract_model_relations(text, sections, "10-K", lambda n: n in KNOWN, lambda n: n == "Hooli", model, set())


def test_plain_statements_become_model_relations(model: ModelRelations) -> None:
    text = "Contoso is our largest customer, representing 20% of revenue.\nOur servers are assembled by Globex in Mexico.\n"
    found = {(r.relation, r.name, r.method) for r in _run(model, text)}
    assert ("customer", "Contoso", "model") in found
    assert ("contract_manufacturer", "Globex", "model") in found
    assert all(r.confidence <= model.max_confidence for r in _run(model, text))


def test_competitors_lawsuits_and_biographies_are_not(model: ModelRelations) -> None:
    text = (
        "The Company's products compete with those of Initech.\n"
        "Beginning in October 2023, Initech filed complaints alleging infringement of patents against us.\n"
        "Prior to joining us, Ms. Smith served as Chief Financial Officer at Contoso, a networking company.\n"
        "Our competitors include Globex.\n"
    )
    assert _run(model, text) == []


def test_filer_and_multi_company_sentences_are_left_alone(model: ModelRelations) -> None:
    text = "Hooli is our largest customer.\nContoso and Globex are our largest customers.\n"
    assert _run(model, text) == []
