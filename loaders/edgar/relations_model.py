"""Relationships the rules miss, by sentence embeddings (evidence method ``model``).

A fallback behind :mod:`.relations`: a sentence in a scanned item that
names a known company (resolver exact/alias match) but matched no rule is
embedded with the name masked as ``X`` and compared with short prototype
sentences per relation and with negative prototypes (competitors,
litigation, former employers, regulators). It becomes a relation only when
the best positive prototype scores at least ``threshold`` and beats the
best negative by ``margin``; its confidence is that score, capped below the
rules' confidence.

The thresholds were set on the fixture filings so that none of their
competitor lists, lawsuits or biographies pass (``tests/data`` labels them
as non-relationships), while plain statements such as "X is our largest
customer" or "Our servers are assembled by X" do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .relations import Relation, _scanned, find_names
from .sections import Section
from .text import sentences

__all__ = ["NEGATIVES", "PROTOTYPES", "ModelRelations", "extract_model_relations"]

# relation -> (counterparty supplies the filer?, edge type, prototypes)
PROTOTYPES: dict[str, tuple[bool, str, tuple[str, ...]]] = {
    "memory_supplier": (True, "SUPPLIES", ("We buy memory chips from X.", "X supplies high-bandwidth memory for our GPUs.", "Our DRAM is sourced from X.")),
    "foundry": (True, "SUPPLIES", ("X manufactures our chips.", "Our wafers are fabricated by X.", "We rely on X to produce our semiconductor wafers.")),
    "contract_manufacturer": (True, "SUPPLIES", ("X assembles our products.", "We outsource manufacturing of our servers to X.")),
    "supplier": (True, "SUPPLIES", ("X is a key supplier of components to us.", "We depend on X as a sole source supplier.", "We purchase components from X.")),
    "customer": (False, "SUPPLIES", ("X is one of our largest customers.", "Sales to X accounted for a significant portion of our revenue.", "X purchases our products and services.")),
    "investment": (False, "INVESTS_IN", ("We hold an equity investment in X.", "We invested in X.")),
}
NEGATIVES: tuple[str, ...] = (
    "Our competitors include X.",
    "X competes with us.",
    "The Company's products compete with those of X.",
    "X is a supplier of hardware that competes with our products.",
    "X filed a lawsuit against us.",
    "She previously served as an executive at X.",
    "The government announced restrictions on X.",
    "We audited the financial statements of X.",
)


@dataclass
class ModelRelations:
    """Prototype embeddings, computed once per embedder."""

    embedder: Any
    threshold: float = 0.64
    margin: float = 0.12
    max_confidence: float = 0.75

    def __post_init__(self) -> None:
        if self.embedder is None:  # the nlp extra is not installed (see graph.resolve.default_embedder)
            from chainshock.errors import ChainshockError
            from chainshock.graph.resolve import NLP_HINT

            raise ChainshockError(f"relations by embeddings need the nlp extra: {NLP_HINT}")
        self._labels = [(rel, i) for rel, (_, _, protos) in sorted(PROTOTYPES.items()) for i in range(len(protos))]
        self._pos = self.embedder.encode([p for rel, (_, _, protos) in sorted(PROTOTYPES.items()) for p in protos])
        self._neg = self.embedder.encode(list(NEGATIVES))

    def classify(self, masked: Sequence[str]) -> list[tuple[str, float] | None]:
        """(relation, score) per masked sentence, or None when no relation clears the bar."""
        if not masked:
            return []
        vectors = self.embedder.encode(list(masked))
        out: list[tuple[str, float] | None] = []
        for v in vectors:
            pos = self._pos @ v
            best = int(pos.argmax())
            score, negative = float(pos[best]), float((self._neg @ v).max())
            if score >= self.threshold and score - negative >= self.margin:
                out.append((self._labels[best][0], score))
            else:
                out.append(None)
        return out


def extract_model_relations(
    text: str,
    sections: list[Section],
    form: str | None,
    is_company: Callable[[str], bool],
    is_filer: Callable[[str], bool],
    model: ModelRelations,
    covered: set[tuple[int, str]],
) -> list[Relation]:
    """Relations for sentences naming exactly one other company and matched by no rule.

    ``covered`` holds (sentence start, name) pairs the rules already used.
    """
    candidates: list[tuple[Any, str, str, str]] = []
    for sec in _scanned(sections, form):
        for sent in sentences(text, sec.start, sec.end):
            s = sent.text
            if len(s) > 600 or s.startswith(("•", "-")) or not re.search(r"[a-z]{3}", s):
                continue  # bullets are lists (competitors, products), tables are not sentences
            names = [n for n in find_names(s, is_company) if is_company(n[2]) and not is_filer(n[2])]
            distinct = {n[2] for n in names}
            if len(distinct) != 1:
                continue
            name = names[0][2]
            if (sent.start, name) in covered:
                continue
            masked = s
            for a, b, _ in sorted(names, reverse=True):
                masked = masked[:a] + "X" + masked[b:]
            candidates.append((sent, sec.key, name, masked))
    labels = model.classify([c[3] for c in candidates])
    out = []
    for (sent, key, name, _), label in zip(candidates, labels, strict=True):
        if label is None:
            continue
        relation, score = label
        supplies, edge_type, _ = PROTOTYPES[relation]
        out.append(Relation(relation, name, edge_type, supplies, None,
                            round(min(score, model.max_confidence), 4), key, sent, method="model"))
    return out
