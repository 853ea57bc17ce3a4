"""What the app loads once: the embedding model (shared across apps) and the pipeline."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from rag.embed import Embedder
from rag.errors import PolicyQAError
from rag.index import load_index
from rag.pipeline import Pipeline

from .settings import Settings

logger = logging.getLogger(__name__)


@lru_cache(maxsize=2)
def embedder_for(model: str) -> Embedder:
    return Embedder(model)


@dataclass
class AppState:
    pipeline: Pipeline | None = None
    problem: PolicyQAError | None = None  # why the index is not served


def load_state(settings: Settings) -> AppState:
    """Load the model and a current index; a missing, stale or corrupt index is refused, not served."""
    try:
        embedder = embedder_for(settings.embedding_model)
        index = load_index(settings.index_dir, settings.corpus_dir, str(embedder.path))
    except PolicyQAError as problem:
        logger.error("index not served: %s", problem)
        return AppState(problem=problem)
    pipeline = Pipeline(index, embedder)
    pipeline.ask("预热")  # pay one-off costs (jieba dictionary, first forward pass) before serving
    return AppState(pipeline=pipeline)
