"""Okapi BM25 over pre-tokenised documents."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

# Words in more windows than this share (企业, 支持, 负责) do not tell clauses apart.
TELLING_SHARE = 0.3


class BM25:
    def __init__(self, documents: list[list[str]], k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self.size = len(documents)
        lengths = np.array([len(d) for d in documents], dtype=np.float32)
        average = float(lengths.mean()) if self.size else 0.0
        # Per-document length normalisation, precomputed once.
        self._norm = k1 * (1 - b + b * lengths / max(average, 1e-9))
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        frequencies: dict[str, list[tuple[int, int]]] = {}
        for doc_index, tokens in enumerate(documents):
            for token, count in Counter(tokens).items():
                frequencies.setdefault(token, []).append((doc_index, count))
        for token, pairs in frequencies.items():
            ids = np.array([p[0] for p in pairs], dtype=np.int64)
            counts = np.array([p[1] for p in pairs], dtype=np.float32)
            self._postings[token] = (ids, counts)
        self._idf = {
            token: math.log(1 + (self.size - len(ids) + 0.5) / (len(ids) + 0.5))
            for token, (ids, _) in self._postings.items()
        }

    def scores(self, query: list[str]) -> np.ndarray:
        scores = np.zeros(self.size, dtype=np.float32)
        for token in set(query):
            posting = self._postings.get(token)
            if posting is None:
                continue
            ids, counts = posting
            scores[ids] += self._idf[token] * counts * (self.k1 + 1) / (counts + self._norm[ids])
        return scores

    def document_share(self, token: str) -> float:
        """Share of documents containing the token: 0 for a word the corpus never uses."""
        posting = self._postings.get(token)
        return len(posting[0]) / self.size if posting is not None and self.size else 0.0

    def telling(self, token: str, max_share: float = TELLING_SHARE) -> bool:
        """Does the token tell windows apart: the corpus uses it, but not nearly everywhere?"""
        return 0 < self.document_share(token) <= max_share
