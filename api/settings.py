"""The service's settings: the one settings object (rag/settings.py), read once per process."""
from __future__ import annotations

from functools import lru_cache

from rag.settings import ROOT, Settings

__all__ = ["ROOT", "Settings", "get_settings"]


@lru_cache
def get_settings() -> Settings:
    return Settings()
