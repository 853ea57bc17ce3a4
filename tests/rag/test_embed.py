"""The embedding model's backends: exact ONNX Runtime (served by default), ONNX Runtime with 8-bit
questions (optional), and PyTorch (the reference). Real model."""
from __future__ import annotations

import numpy as np
import pytest

from rag.embed import Embedder, QueryBatcher, _length_groups
from rag.settings import Settings

TEXTS = [
    "跨境电商有哪些支持？",
    "天津",
    "我们是做网约车的，司机的社保怎么交？" * 3,
    "支持企业开展跨境电子商务业务，对符合条件的海外仓建设项目给予资金支持。" * 20,  # beyond 512 tokens: truncated
]


@pytest.fixture(scope="module")
def reference():
    return Embedder(backend="torch").encode(TEXTS)


def test_the_served_backend_is_onnx_and_gives_the_models_vectors(embedder, reference):
    assert embedder.backend == "onnx" and embedder.model is None  # PyTorch's copy of the weights is let go
    vectors = embedder.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), embedder.dim) and vectors.dtype == np.float32
    assert float((vectors * reference).sum(1).min()) > 0.9999
    assert np.allclose(embedder.encode_queries(TEXTS), vectors, atol=1e-4)  # questions: the same model
    # In any order and any batching each text gets its own vector.
    again = embedder.embedder.encode(TEXTS[::-1], batch_size=1)[::-1]
    assert np.allclose(again, vectors, atol=1e-4)
    assert embedder.encode([]).shape == (0, embedder.dim)
    assert np.allclose(embedder.embedder.encode(TEXTS, show_progress=True), vectors, atol=1e-4)  # an index build's path


def test_length_groups_cover_every_text_once_and_keep_padding_small():
    lengths = [30, 5, 31, 6, 29, 100, 7, 5]
    groups = _length_groups(lengths, batch_size=3)
    assert sorted(i for g in groups for i in g) == list(range(len(lengths)))
    assert all(len(g) <= 3 for g in groups)
    for group in groups:  # padded tokens stay within a quarter of the real ones (a lone text always fits)
        assert max(lengths[i] for i in group) * len(group) <= 1.25 * sum(lengths[i] for i in group)
    assert _length_groups([], 16) == []


def test_when_the_export_cannot_be_written_pytorch_serves(tmp_path, caplog):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the model cache should be")
    fallback = Embedder(backend="onnx", cache_dir=blocked)
    assert fallback.backend == "torch"
    assert "PyTorch embeds instead" in caplog.text
    assert fallback.encode(TEXTS[:1]).shape == (1, fallback.dim)


def test_onnx_int8_embeds_questions_with_8bit_weights_and_documents_exactly(reference):
    int8 = Embedder(backend="onnx-int8", cache_dir=Settings().model_cache)
    assert int8.backend == "onnx-int8"
    assert float((int8.encode(TEXTS) * reference).sum(1).min()) > 0.9999  # documents, and so the index: exact
    agreement = (int8.encode_queries(TEXTS) * reference).sum(1)
    assert agreement.min() > 0.97 and agreement.max() < 0.99999  # near the exact vectors, not equal to them
    batched = QueryBatcher(int8)
    assert np.allclose(batched.encode_queries(TEXTS[:2]), int8.encode_queries(TEXTS[:2]), atol=1e-4)


def test_a_damaged_export_is_made_again(tmp_path, embedder):
    first = Embedder(backend="onnx-int8", cache_dir=tmp_path)
    assert first._session is None  # a server that only answers questions does not hold the exact model
    first.encode(TEXTS[:1])
    assert first._session is not None  # opened when documents are embedded
    exports = sorted(tmp_path.glob("*.onnx"))
    assert [p.name.endswith(".int8.onnx") for p in exports] == [True, False]
    for export in exports:
        export.write_bytes(export.read_bytes()[:1000])  # cut short, as by a full disk
    again = Embedder(backend="onnx-int8", cache_dir=tmp_path)
    assert again.backend == "onnx-int8" and all(p.stat().st_size > 1_000_000 for p in exports)
    assert np.allclose(again.encode(TEXTS[:2]), first.encode(TEXTS[:2]), atol=1e-5)
    assert np.allclose(again.encode_queries(TEXTS[:2]), first.encode_queries(TEXTS[:2]), atol=1e-4)


def test_without_the_8bit_copy_questions_are_embedded_exactly(tmp_path, monkeypatch, caplog):
    import rag.embed

    def fail(exact, path):
        raise RuntimeError("quantization unavailable")

    monkeypatch.setattr(rag.embed, "_quantize", fail)
    embedder = Embedder(backend="onnx-int8", cache_dir=tmp_path)
    assert embedder.backend == "onnx" and "8-bit question model not used" in caplog.text
    assert np.allclose(embedder.encode_queries(TEXTS[:2]), embedder.encode(TEXTS[:2]))
