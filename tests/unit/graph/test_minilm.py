"""The numpy MiniLM gives sentence-transformers' vectors for the packaged model."""

from __future__ import annotations

import numpy as np
import pytest

from chainshock.graph.minilm import NumpyBertEmbedder, packaged_model

pytestmark = pytest.mark.model

TEXTS = [
    "Amkor Technology",
    "Taiwan Semiconductor Manufacturing Company Limited",
    "We purchase memory from SK Hynix Inc., Micron Technology, Inc., and Samsung.",
    "x",
    "",
    "Hon Hai Précision — 鴻海",
    "word " * 300,  # longer than the model's 256 tokens: truncated the same way
]


def test_vectors_match_sentence_transformers() -> None:
    folder = packaged_model()
    assert folder is not None and NumpyBertEmbedder.supports(folder)
    from chainshock.graph.resolve import SentenceTransformerEmbedder

    ours = NumpyBertEmbedder(folder, batch_size=3).encode(TEXTS)  # several batches, unequal lengths
    theirs = SentenceTransformerEmbedder(folder).encode(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert np.abs(ours - theirs).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_default_embedder_is_the_numpy_one_for_the_packaged_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from chainshock.graph.resolve import SentenceTransformerEmbedder, default_embedder

    monkeypatch.delenv("CHAINSHOCK_EMBEDDING_MODEL", raising=False)
    assert isinstance(default_embedder(), NumpyBertEmbedder)
    monkeypatch.setenv("CHAINSHOCK_EMBEDDING_MODEL", "some-other/model")  # not a folder it computes
    assert isinstance(default_embedder(), SentenceTransformerEmbedder)


def test_supports_refuses_other_folders(tmp_path: object) -> None:
    from pathlib import Path

    assert not NumpyBertEmbedder.supports(Path(str(tmp_path)))
