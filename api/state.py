"""What the app loads: the embedding model (shared across apps) and the pipeline, reloaded when the
index on disk changes (a document added by `policyqa add` or the admin API) without a restart."""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rag.embed import Embedder, QueryBatcher
from rag.errors import PolicyQAError
from rag.generate import Generator
from rag.questionlog import QuestionLog
from rag.index import MANIFEST, load_index
from rag.pipeline import Pipeline

from .settings import Settings

logger = logging.getLogger(__name__)

CHECK_SECONDS = 1.0  # how often a request may look at the manifest (one stat call)


def embedder_for(settings: Settings) -> QueryBatcher:
    """The model, once per process; concurrent requests' questions are embedded in one batch."""
    return _embedder(settings.embedding_model, settings.embedding_backend, str(settings.model_cache))


@lru_cache(maxsize=2)
def _embedder(model: str, backend: str, cache_dir: str) -> QueryBatcher:
    return QueryBatcher(Embedder(model, backend=backend, cache_dir=Path(cache_dir)))  # type: ignore[arg-type]


def manifest_stamp(index_dir: Path) -> tuple[int, int, int] | None:
    """Identifies the index on disk: the swap of a rebuild replaces the manifest file."""
    try:
        stat = os.stat(index_dir / MANIFEST)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


@dataclass
class AppState:
    pipeline: Pipeline | None = None
    problem: PolicyQAError | None = None  # why the index is not served
    stamp: tuple[int, int, int] | None = None  # of the index being served
    checked_at: float = 0.0
    generator: Generator | None = None  # one per process: its circuit outlives index reloads
    log: QuestionLog | None = None  # the question log; None when POLICYQA_LOG_DB=off
    reloading: threading.Lock = field(default_factory=threading.Lock)


def _load(settings: Settings, generator: Generator | None) -> tuple[Pipeline, tuple[int, int, int] | None]:
    stamp = manifest_stamp(settings.index_dir)
    embedder = embedder_for(settings)
    index = load_index(settings.index_dir, settings.corpus_dir, str(embedder.path))
    pipeline = Pipeline(index, embedder, generator=generator)
    pipeline.ask("预热")  # pay one-off costs (jieba dictionary, first forward pass) before serving
    return pipeline, stamp


def open_log(settings: Settings) -> QuestionLog | None:
    path = settings.question_log_path
    if path is None:
        return None
    log = QuestionLog(path)
    purged = log.purge(settings.log_days)
    if purged:
        logger.info("question log: %d entries older than %d days purged", purged, settings.log_days)
    return log


def load_state(settings: Settings) -> AppState:
    """Load the model and a current index; a missing, stale or corrupt index is refused, not served."""
    log = open_log(settings)
    generator = settings.generator()
    if generator is not None:
        logger.info("answers written by %s at %s, checked by the citation gate", settings.llm_model, settings.llm_base_url)
    try:
        pipeline, stamp = _load(settings, generator)
    except PolicyQAError as problem:
        logger.error("index not served: %s", problem)
        return AppState(problem=problem, stamp=manifest_stamp(settings.index_dir), generator=generator, log=log)
    return AppState(pipeline=pipeline, stamp=stamp, generator=generator, log=log)


def reload(state: AppState, settings: Settings) -> None:
    """Load the index now on disk and swap it in; requests in flight keep the pipeline they hold.
    A new index that cannot be loaded leaves the one being served (and is logged)."""
    with state.reloading:
        stamp = manifest_stamp(settings.index_dir)
        if stamp == state.stamp and state.pipeline is not None:
            return
        try:
            pipeline, stamp = _load(settings, state.generator)
        except PolicyQAError as problem:
            logger.error("new index not loaded, still serving the previous one: %s", problem)
            state.stamp = stamp  # not retried until the index changes again
            if state.pipeline is None:
                state.problem = problem
            return
        state.pipeline, state.problem, state.stamp = pipeline, None, stamp
        logger.info("index reloaded: %s", pipeline.index.manifest["counts"])


def reload_if_changed(state: AppState, settings: Settings) -> None:
    """At most once a second: when the manifest on disk changed, reload in the background."""
    now = time.monotonic()
    if now - state.checked_at < CHECK_SECONDS:
        return
    state.checked_at = now
    if manifest_stamp(settings.index_dir) != state.stamp and not state.reloading.locked():
        threading.Thread(target=reload, args=(state, settings), name="policyqa-reload", daemon=True).start()
