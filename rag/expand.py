"""Query expansion from everyday words to the documents' policy vocabulary."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    raw = json.loads((resources.files("rag") / "data" / "synonyms.json").read_text(encoding="utf-8"))
    return {word: tuple(terms) for word, terms in raw.items() if not word.startswith("_")}


def expand(question: str) -> str:
    """The question followed by the policy terms its everyday words stand for."""
    extra: list[str] = []
    for word, terms in synonyms().items():
        if word in question:
            extra.extend(t for t in terms if t not in question and t not in extra)
    return f"{question}（{' '.join(extra)}）" if extra else question
