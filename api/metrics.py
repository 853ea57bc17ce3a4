"""/metrics in Prometheus text format: requests by route and status and their latency
(prometheus-fastapi-instrumentator), answers by reason and mode, the language model's outcomes,
and the index served (prometheus_client). With several workers, `policyqa serve --workers N` sets
PROMETHEUS_MULTIPROC_DIR and every worker's numbers are summed at scrape time."""
from __future__ import annotations

import os
from datetime import datetime

from fastapi import FastAPI
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge
from prometheus_fastapi_instrumentator import Instrumentator

from rag.records import Answer


class Metrics:
    def __init__(self, registry: CollectorRegistry):
        self.answers = Counter(
            "policyqa_answers_total", "Answers given, by reason (answered, not_in_documents, …) and mode",
            ["reason", "mode"], registry=registry,
        )  # fmt: skip
        self.llm = Counter(
            "policyqa_llm_outcomes_total", "Language-model answers: served, or why the extractive answer was served",
            ["outcome"], registry=registry,
        )  # fmt: skip
        self.feedback = Counter("policyqa_feedback_total", "Feedback on answers", ["helpful"], registry=registry)
        self.documents = Gauge("policyqa_index_documents", "Documents in the index served", registry=registry, multiprocess_mode="max")
        self.clauses = Gauge("policyqa_index_clauses", "Clauses in the index served", registry=registry, multiprocess_mode="max")
        self.built = Gauge(
            "policyqa_index_built_timestamp_seconds", "When the index served was built (its age: time() minus this)",
            registry=registry, multiprocess_mode="max",
        )  # fmt: skip
        self._served = None  # the pipeline whose index the gauges describe

    def answered(self, answer: Answer) -> None:
        self.answers.labels(answer.reason, answer.mode).inc()
        if answer.llm is not None:
            self.llm.labels(answer.llm.reason).inc()

    def serving(self, pipeline) -> None:
        """Report the index of `pipeline` (once per pipeline: a reload brings a new one)."""
        if pipeline is self._served:
            return
        self._served = pipeline
        self.index(pipeline.index.manifest)

    def index(self, manifest: dict) -> None:
        counts = manifest.get("counts", {})
        self.documents.set(counts.get("documents", 0))
        self.clauses.set(counts.get("clauses", 0))
        try:
            self.built.set(datetime.fromisoformat(manifest["built_at"]).timestamp())
        except (KeyError, ValueError):
            pass


def install_metrics(app: FastAPI) -> None:
    # One registry per app (tests build several apps in one process); the shared one across workers.
    registry = REGISTRY if os.environ.get("PROMETHEUS_MULTIPROC_DIR") else CollectorRegistry()
    instrumentator = Instrumentator(registry=registry, excluded_handlers=["/metrics"], should_group_status_codes=False)
    instrumentator.instrument(app).expose(app, include_in_schema=False)
    app.state.metrics = Metrics(registry)
