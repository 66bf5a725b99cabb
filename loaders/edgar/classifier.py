"""A trained relation classifier, measured against the rules on the development filings.

``python -m chainshock.loaders.edgar.classifier`` (needs the ``nlp`` extra
for the packaged sentence model).

Candidates are (sentence, counterparty) pairs: every sentence of a dev
filing naming a company (known to the gazetteer or carrying a legal
suffix; the filer's own names excluded), one candidate per name, the name
masked as ``X``. A candidate's label is the type group of the labelled
relation with the same counterparty whose quote lies in the sentence
(supply, customer, partner, investment, competitor), else ``none``.
Features are the packaged MiniLM's sentence vectors; the model is a
multinomial logistic regression (L2, balanced class weights, fitted with
scipy's L-BFGS): small, deterministic, offline.

It is scored the way ``make eval`` scores the rules, per (filing, type,
counterparty), with leave-one-company-out cross-validation on the dev
filings (NVIDIA's filings repeat whole paragraphs year to year, so holding
out one filing at a time would let its twin train the model). The choice
(rules or classifier) and the numbers are in docs/decisions.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .document import read_filing_text
from .relations import find_names
from .text import sentences

__all__ = ["CLASSES", "Candidate", "candidates", "cross_validate", "fit", "label", "predict"]

CLASSES = ("none", "supply", "customer", "partner", "investment", "competitor")
_GROUP = {"supplier": "supply", "foundry": "supply", "contract_manufacturer": "supply", "assembly_test": "supply",
          "customer": "customer", "partner": "partner", "investment": "investment", "competitor": "competitor"}


@dataclass(frozen=True)
class Candidate:
    accession: str
    name: str
    sentence: str
    masked: str


def candidates(accession: str, text: str, spans: Sequence[tuple[int, int]],
               is_company: Callable[[str], bool], is_filer: Callable[[str], bool]) -> list[Candidate]:
    """(sentence, name) pairs of one filing: names known or suffix-bearing, the filer's own excluded.

    >>> c = candidates("a", "We buy wafers from Acme Foundry Inc. and Beta. Nothing here.", [(0, 61)],
    ...                lambda n: n == "Beta", lambda n: False)
    >>> [(x.name, x.masked) for x in c]
    [('Acme Foundry Inc.', 'We buy wafers from X and Beta.'), ('Beta', 'We buy wafers from Acme Foundry Inc. and X.')]
    """
    out: list[Candidate] = []
    for start, end in spans:
        for sent in sentences(text, start, end):
            s = sent.text
            if len(s) > 1500 or not re.search(r"[a-z]{3}", s):
                continue
            seen: set[str] = set()
            for a, b, name in find_names(s, is_company):
                if name in seen or is_filer(name):
                    continue
                seen.add(name)
                out.append(Candidate(accession, name, s, s[:a] + "X" + s[b:]))
    return out


def _norm(s: str) -> str:
    return " ".join(s.replace("’", "'").split()).lower()


def label(c: Candidate, gold: Sequence[dict[str, Any]], same: Callable[[str, str], bool]) -> str:
    """The type group of the labelled relation this candidate states, or "none"."""
    sent = _norm(c.sentence)
    for g in gold:
        quote = _norm(g["quote"])
        if same(c.name, g["name"]) and (quote in sent or sent in quote):
            return _GROUP.get(g["type"], "none")
    return "none"


def fit(x: Any, y: Any, l2: float = 1.0) -> Any:
    """Multinomial logistic regression weights ``(d + 1, k)``: balanced classes, L2 on the slopes."""
    from scipy.optimize import minimize

    n, d = x.shape
    k = len(CLASSES)
    xb = np.hstack([x, np.ones((n, 1), dtype=x.dtype)]).astype(np.float64)
    counts = np.bincount(y, minlength=k).astype(np.float64)
    weight = (n / (k * np.maximum(counts, 1.0)))[y]
    onehot = np.eye(k)[y]

    def loss(flat: Any) -> tuple[float, Any]:
        w = flat.reshape(d + 1, k)
        z = xb @ w
        z -= z.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        value = -(weight * (onehot * logp).sum(1)).sum() / n + 0.5 * l2 * (w[:-1] ** 2).sum()
        grad = xb.T @ ((np.exp(logp) - onehot) * weight[:, None]) / n
        grad[:-1] += l2 * w[:-1]
        return float(value), grad.ravel()

    res = minimize(loss, np.zeros((d + 1) * k), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x.reshape(d + 1, k)


def predict(w: Any, x: Any) -> Any:
    """Class index per row."""
    return (np.hstack([x, np.ones((x.shape[0], 1))]) @ w).argmax(1)


def cross_validate(cands: list[Candidate], x: Any, y: Any, fold_of: Callable[[Candidate], str],
                   l2: float = 1.0) -> list[tuple[str, str, str]]:
    """Held-out predictions (accession, group, name) for every candidate, fold by fold."""
    folds = sorted({fold_of(c) for c in cands})
    found: list[tuple[str, str, str]] = []
    for fold in folds:
        test = np.array([fold_of(c) == fold for c in cands])
        w = fit(x[~test], y[~test], l2)
        for i in np.flatnonzero(test):
            cls = CLASSES[int(predict(w, x[i : i + 1])[0])]
            if cls != "none":
                found.append((cands[i].accession, cls, cands[i].name))
    return found


def main(argv: list[str] | None = None) -> int:
    from chainshock.graph.resolve import default_embedder

    from .evaluate import (
        CORPUS,
        GROUPS,
        REPO,
        Scored,
        _gazetteer,
        _same,
        corpus,
        evaluate,
        name_key,
        score,
    )

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--filings", type=Path, default=Path(os.environ.get("CHAINSHOCK_FILINGS", REPO.parent / "shared" / "filings")))
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--folds", choices=("company", "filing"), default="company",
                        help="hold out one company (default) or one filing at a time")
    args = parser.parse_args(argv)
    embedder = default_embedder()
    if embedder is None:
        print("classifier: needs the nlp extra (pip install 'chainshock[nlp]')", file=sys.stderr)
        return 2
    docs = {a: d for a, d in corpus(CORPUS).items() if d["split"] == "dev"}  # never the test filings
    resolver = _gazetteer(REPO / "data")

    def ids(name: str) -> str | None:
        m = resolver.lookup(name)
        return m.id if m else None

    cands: list[Candidate] = []
    for acc, doc in sorted(docs.items()):
        _, text, _ = read_filing_text(args.filings / doc["path"])
        filer = name_key(doc["company"]).split()[:1]

        def is_filer(name: str, filer: list[str] = filer) -> bool:
            m = resolver.lookup(name)
            return name_key(m.name if m else name).split()[:1] == filer

        cands += candidates(acc, text, [(0, len(text))], lambda n: resolver.lookup(n) is not None, is_filer)
    y = np.array([CLASSES.index(label(c, docs[c.accession].get("relations") or [], lambda a, b: _same(a, b, ids)))
                  for c in cands])
    x = np.asarray(embedder.encode([c.masked for c in cands]), dtype=np.float64)
    company = {acc: d["company"] for acc, d in docs.items()}
    fold_of: Callable[[Candidate], str] = (lambda c: company[c.accession]) if args.folds == "company" else (lambda c: c.accession)
    found = cross_validate(cands, x, y, fold_of, args.l2)
    by_doc: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for acc, cls, name in found:
        by_doc[acc].append(({"supply": "supplier"}.get(cls, cls), name))
    rules = evaluate(args.filings, "dev", docs, resolver)["groups"]
    out: dict[str, Any] = {"candidates": len(cands), "positives": {c: int((y == i).sum()) for i, c in enumerate(CLASSES)},
                           "folds": args.folds, "l2": args.l2, "groups": {}}
    for g, members in GROUPS.items():
        parts = [score(d.get("relations") or [], by_doc.get(a, []), ids, members)[0] for a, d in sorted(docs.items())]
        total = Scored(sum(p.tp for p in parts), sum(p.extracted for p in parts), sum(p.labelled for p in parts))
        out["groups"][g] = {"classifier": total.row(), "rules": rules[g]}
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
