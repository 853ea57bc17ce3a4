"""Train the quote model (rag/quoting.py) from the repository's questions: `policyqa train-quote`.

Data: the dev split of `eval/questions.jsonl`: answerable questions with gold clauses and facts
(short strings the answer must quote). In each gold clause of two sentences or more, a sentence
that holds one of the question's facts is a positive, the others negatives; clauses where every
sentence or none holds a fact say nothing about choosing and are left out. The test and fresh
splits and ../shared/realq are never read here. Deterministic (L-BFGS from zeros), CPU, a few seconds.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .asks import quantity_asked
from .embed import Embedder
from .index import PolicyIndex
from .quoting import FEATURES, QuoteModel, sentence_features
from .sentences import split_sentences


def train(index: PolicyIndex, embedder: Embedder, questions: Path, penalty: float = 0.1) -> tuple[QuoteModel, dict]:
    rows = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == "dev" and r["answerable"] and r["facts"] and r["gold"]]
    vectors = embedder.encode_queries([r["question"] for r in rows])
    features, labels = [], []
    for row, vector in zip(rows, vectors):
        for clause_id in dict.fromkeys(c for group in row["gold"] for c in group):
            clause = index.clause(clause_id)
            sentences = split_sentences(clause.text) if clause else []
            holds = [any(fact in s.text for fact in row["facts"]) for s in sentences]
            if len(sentences) < 2 or all(holds) or not any(holds):
                continue
            wants_figure = quantity_asked(row["question"]) is not None
            features.append(sentence_features(row["question"], clause, sentences, index, vector, wants_figure))
            labels.append(np.array(holds, dtype=int))
    x, y = np.vstack(features), np.concatenate(labels)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    weights = _fit([(f - mean) / scale for f in features], labels, penalty)
    model = QuoteModel(weights, mean, scale, {})
    # How often the best-scored sentence of a clause holds a fact, before (the hand-set score this
    # replaced: cosine + 0.3 × word share + 0.1 for a figure asked − 0.5 for a bare heading) and after.
    column = {name: i for i, name in enumerate(FEATURES)}
    hand = lambda f: f[:, column["dense"]] + 0.3 * f[:, column["overlap"]] + 0.1 * f[:, column["figure"]] - 0.5 * f[:, column["heading_only"]]  # noqa: E731
    first_right = lambda score: float(np.mean([lab[int(np.argmax(score(f)))] for f, lab in zip(features, labels)]))  # noqa: E731
    model.info = {
        "penalty": penalty,
        "questions": len(rows),
        "clauses": len(features),
        "sentences": int(len(y)),
        "best_sentence_holds_a_fact": round(first_right(model.odds), 4),
        "best_sentence_holds_a_fact_hand_set": round(first_right(hand), 4),
        "weights": {name: round(float(w), 3) for name, w in zip(FEATURES, weights)},
        "data_sha256": hashlib.sha256(questions.read_bytes()).hexdigest(),
    }
    return model, model.info


def _fit(features: list[np.ndarray], labels: list[np.ndarray], penalty: float) -> np.ndarray:
    """Weights of a softmax over each clause's sentences that maximise the probability of the
    sentences holding a fact, with an L2 penalty: what is learned is which sentence of a clause to
    quote, not how likely any sentence is on its own. Deterministic (L-BFGS from zeros)."""
    from scipy.optimize import minimize

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, gradient = penalty * float(w @ w), 2 * penalty * w
        for x, holds in zip(features, labels):
            logits = x @ w
            p = np.exp(logits - logits.max())
            p /= p.sum()
            right = float(p[holds == 1].sum())
            total -= np.log(right + 1e-12)
            gradient -= (np.where(holds == 1, p / right, 0.0) - p) @ x
        return total, gradient

    return minimize(loss, np.zeros(features[0].shape[1]), jac=True, method="L-BFGS-B").x.astype(float)
