"""Which sentences of a cited clause to quote: a model learned from questions whose facts are known.

A clause often opens with words that locate it (its heading, 推动平台经济协同治理) and answers in a
later sentence (探索建立案件会商和联合执法机制). Each sentence is scored from how close it is to the
question (embedding), how much of the question it holds (words, rarity-weighted words, character
pairs, the words its heading does not already hold), and how it stands against the clause's best
sentence on each; the weights are fitted by `policyqa train-quote` (rag/quote_train.py) on the dev
questions whose facts name the sentence that answers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .asks import FIGURE
from .index import PolicyIndex
from .modelfile import read_model, write_model
from .records import Clause
from .sentences import Sentence
from .tokens import tokenize

MODEL_FILE = "quote.json"
# Per sentence; the "_gap" ones are the sentence's value minus the clause's best.
_OWN = ("dense", "overlap", "weighted_overlap", "pair_overlap", "unheaded_overlap")
FEATURES = (*_OWN, "heading_only", "figure", "first", "log_length", *(f"{name}_gap" for name in _OWN))


@dataclass
class QuoteModel:
    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    info: dict

    def odds(self, features: np.ndarray) -> np.ndarray:
        """Per sentence of one clause, how likely it is to hold what the question asks, against the
        clause's likeliest sentence (1 for that one): the model is a softmax over the clause's sentences."""
        logits = ((features - self.mean) / self.scale) @ self.weights
        return np.exp(logits - logits.max())

    def to_dict(self) -> dict:
        return {
            "features": list(FEATURES),
            "weights": self.weights.round(6).tolist(),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "QuoteModel":
        if data.get("features") != list(FEATURES):
            raise ValueError("quote model was trained on other features: run `policyqa train-quote`")
        return cls(
            np.array(data["weights"]), np.array(data["mean"]), np.array(data["scale"]), data.get("info", {})
        )  # fmt: skip


def sentence_features(
    question: str,
    clause: Clause,
    sentences: list[Sentence],
    index: PolicyIndex,
    vector: np.ndarray | None,
    wants_figure: bool,
) -> np.ndarray:
    """One row of FEATURES per sentence of `clause`; `wants_figure`: the question asks a quantity."""
    n = len(index.clauses)
    rarity = lambda t: math.log((n + 1) / (index.bm25.document_share(t) * n + 0.5))  # noqa: E731
    asked = set(tokenize(question))
    unheaded = asked - set(tokenize(clause.heading or ""))
    pairs = _pairs(question)
    rows = index.sentence_rows(clause.id)
    out = []
    for i, sentence in enumerate(sentences):
        held = set(tokenize(sentence.text))
        dense = float(index.sentence_vectors[rows[i]] @ vector) if vector is not None and i < len(rows) else 0.0
        out.append([
            dense,
            len(asked & held) / max(len(asked), 1),
            sum(map(rarity, asked & held)) / max(sum(map(rarity, asked)), 1e-9),
            len(pairs & _pairs(sentence.text)) / max(len(pairs), 1),
            sum(map(rarity, unheaded & held)) / max(sum(map(rarity, unheaded)), 1e-9),
            float(i == 0 and bool(clause.heading) and sentence.text.rstrip("。") == clause.heading),
            float(wants_figure and bool(FIGURE.search(sentence.text))),
            float(i == 0),
            math.log(len(sentence.text) + 1),
        ])  # fmt: skip
    features = np.array(out, dtype=float).reshape(len(sentences), len(FEATURES) - len(_OWN))
    gaps = features[:, : len(_OWN)] - features[:, : len(_OWN)].max(axis=0) if len(sentences) else features[:, :0]
    return np.hstack([features, gaps])


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def save_quote_model(model: QuoteModel, path: Path) -> None:
    write_model(model.to_dict(), path, indent=1)


@lru_cache(maxsize=4)
def load_quote_model(path: str | None = None) -> QuoteModel:
    """The trained quote model; the packaged one unless a path is given."""
    return QuoteModel.from_dict(read_model(MODEL_FILE, path))
