"""Train the judge (rag/judge.py) from labelled questions in the repository: `policyqa train-judge`.

Data: `rag/data/judge_train.jsonl` (questions labelled with their kind, and whether a corpus clause
answers them) and the dev split of `eval/questions.jsonl` (answerable with gold clauses, or not).
The test and fresh splits and ../shared/realq are never read here. Fixed seed, CPU, a few seconds.

The answer model is fed kind probabilities predicted out of fold, as it will see them on new
questions, and its threshold is set on out-of-fold probabilities: the lowest that keeps the share
of answerable training questions declined within `answer_false_decline`, and
likewise for the kind model on policy questions (`kind_false_decline`).
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .fields import FIELDS, FieldModel, char_grams, masked
from .judge import KINDS, SIGNALS, Judge, JudgeModel, kind_features
from .retrieve import Retriever

logger = logging.getLogger(__name__)


@dataclass
class Example:
    question: str
    kind: str | None  # None: kind not labelled (own eval questions that must be declined)
    answerable: bool
    gold: set[str]


def load_examples(train_path: Path, eval_path: Path | None) -> list[Example]:
    examples = []
    for line in train_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            examples.append(Example(row["q"], row["kind"], row["answerable"], set(row.get("gold", []))))
    if eval_path is not None and eval_path.exists():
        for line in eval_path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row["split"] != "dev":
                continue  # test and fresh are only reported
            gold = {cid for group in row["gold"] for cid in group}
            # Every answerable question of our own set asks about policy; declined ones are of mixed kinds.
            examples.append(Example(row["question"], "policy" if row["answerable"] else None, row["answerable"], gold))
    return examples


def _sha256(*paths: Path | None) -> str:
    digest = hashlib.sha256()
    for path in paths:
        if path is not None and path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def train(
    retriever: Retriever,
    train_path: Path,
    eval_path: Path | None,
    seed: int = 0,
    # Calibration targets, chosen on dev (own dev split and ../shared/realq dev), see eval/README.md.
    kind_false_decline: float = 0.03,
    answer_false_decline: float = 0.02,
    folds: int = 5,
) -> tuple[JudgeModel, dict]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    examples = load_examples(train_path, eval_path)
    retrievals = [retriever.retrieve(e.question, k=5) for e in examples]

    # Kind: trained on the labelled questions.
    labelled = [i for i, e in enumerate(examples) if e.kind is not None]
    x_kind = np.stack([kind_features(retrievals[i].vector, examples[i].question) for i in labelled])
    y_kind = np.array([KINDS.index(examples[i].kind) for i in labelled])
    # C chosen by 5-fold cross-validation on the training questions (0.5–32: 8 best policy-vs-rest AUC).
    kind_lr = LogisticRegression(C=8.0, max_iter=5000, class_weight="balanced", random_state=seed)
    split = StratifiedKFold(folds, shuffle=True, random_state=seed)
    oof_kind = cross_val_predict(kind_lr, x_kind, y_kind, cv=split, method="predict_proba")
    kind_lr.fit(x_kind, y_kind)
    kind_accuracy = float((oof_kind.argmax(1) == y_kind).mean())
    # Not a policy question: the lowest bar that, out of fold, turns away at most kind_false_decline of policy questions.
    not_policy = 1 - oof_kind[:, 0]
    policy_scores = np.sort(not_policy[y_kind == 0])[::-1]
    kind_threshold = float(policy_scores[int(np.floor(kind_false_decline * len(policy_scores)))]) + 1e-6
    others_caught = float((not_policy[y_kind != 0] >= kind_threshold).mean())

    # Answer: positive when the question is answerable and a gold clause is among the three best found.
    judge = Judge(retriever.index, model=_placeholder())
    rows, labels = [], []
    for e, r in zip(examples, retrievals):
        if e.kind not in ("policy", None):
            continue  # cases, complaints and small talk are the kind model's to turn away
        if any(h.looked_up for h in r.hits):
            continue  # a clause named by number, or saying the phrase asked after, is answered without the judge
        found = {h.clause.id for h in r.hits[:3]}
        if e.answerable and not (e.gold & found):
            continue  # retrieval missed: no evidence either way about the judge
        signals = judge.signals(e.question, r)
        rows.append([signals[name] for name in SIGNALS])
        labels.append(int(e.answerable))
    x = np.array(rows)
    y = np.array(labels)
    mean, scale = x.mean(0), x.std(0) + 1e-6
    xs = (x - mean) / scale
    answer_lr = LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced", random_state=seed)
    oof = cross_val_predict(answer_lr, xs, y, cv=StratifiedKFold(folds, shuffle=True, random_state=seed), method="predict_proba")[:, 1]
    positives = np.sort(oof[y == 1])
    # The lowest threshold that declines at most answer_false_decline of answerable questions.
    threshold = float(positives[int(np.floor(answer_false_decline * len(positives)))]) if len(positives) else 0.5
    answer_lr.fit(xs, y)
    declined_negatives = float((oof[y == 0] < threshold).mean()) if (y == 0).any() else None

    model = JudgeModel(
        kind_lr.coef_.astype(float), kind_lr.intercept_.astype(float), answer_lr.coef_[0].astype(float),
        float(answer_lr.intercept_[0]), mean, scale, threshold, kind_threshold, {},
    )  # fmt: skip
    report = {
        "seed": seed,
        "embedding_model": str(retriever.embedder.path.name),
        "data_sha256": _sha256(train_path, eval_path),
        "examples": len(examples),
        "kind_examples": len(labelled),
        "kind_out_of_fold_accuracy": round(kind_accuracy, 4),
        "kind_threshold": round(kind_threshold, 4),
        "out_of_fold_other_kinds_turned_away": round(others_caught, 4),
        "answer_examples": int(len(y)),
        "answer_positives": int(y.sum()),
        "kind_false_decline": kind_false_decline,
        "answer_false_decline": answer_false_decline,
        "threshold": round(threshold, 4),
        "answer_out_of_fold_auc": round(float(roc_auc_score(y, oof)), 4),
        "out_of_fold_negatives_declined": round(declined_negatives, 4) if declined_negatives is not None else None,
        "answer_weights": {name: round(float(w), 3) for name, w in zip(SIGNALS, answer_lr.coef_[0])},
    }
    model.info = report
    return model, report


def _placeholder() -> JudgeModel:
    """A model with no weights, for computing signals before any model exists."""
    dim = 1
    return JudgeModel(
        np.zeros((len(KINDS), dim)), np.zeros(len(KINDS)), np.zeros(len(SIGNALS)), 0.0,
        np.zeros(len(SIGNALS)), np.ones(len(SIGNALS)), 0.5, 1.0, {},
    )  # fmt: skip


def train_fields(embedder, path: Path, seed: int = 0, content_false: float = 0.05, folds: int = 5) -> tuple[FieldModel, dict]:
    """The document-fact model (rag/fields.py) from `rag/data/document_questions.jsonl`. Its threshold
    is the lowest that, out of fold, takes at most `content_false` of the questions about content for
    a question about a fact. 5%, not less: the model is consulted only for a question that names a
    document and has no word of its own that tells clauses apart, which turns most of those away
    (at 2% it found 60% of the facts out of fold, at 5% 87%)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [row["q"] for row in rows]
    y = np.array([FIELDS.index(row["field"]) for row in rows])
    grams = [char_grams(masked(q)) for q in questions]
    frequency = Counter(g for counts in grams for g in counts)
    vocabulary = {g: i for i, g in enumerate(sorted(g for g, n in frequency.items() if n >= 2))}
    idf = np.array([math.log((1 + len(rows)) / (1 + frequency[g])) + 1 for g in vocabulary])
    vectors = embedder.encode_queries(questions)
    empty = FieldModel(vocabulary, idf, np.zeros((len(FIELDS), 1)), np.zeros(len(FIELDS)), 1.0, {})
    x = np.stack([empty.features(q, v) for q, v in zip(questions, vectors)])
    lr = LogisticRegression(C=16.0, max_iter=5000, class_weight="balanced", random_state=seed)
    oof = cross_val_predict(lr, x, y, cv=StratifiedKFold(folds, shuffle=True, random_state=seed), method="predict_proba")
    lr.fit(x, y)
    content = FIELDS.index("content")
    best, confidence = oof.argmax(1), oof.max(1)
    # A content question taken for a fact costs an answer; the bar keeps that within content_false.
    misfires = np.sort(confidence[(y == content) & (best != content)])[::-1]
    allowed = int(np.floor(content_false * int((y == content).sum())))
    threshold = float(misfires[allowed]) + 1e-6 if len(misfires) > allowed else 0.0
    proposed = (best != content) & (confidence >= threshold)
    facts = y != content
    report = {
        "examples": len(rows),
        "grams": len(vocabulary),
        "out_of_fold_accuracy": round(float((best == y).mean()), 4),
        "threshold": round(threshold, 4),
        "out_of_fold_facts_found": round(float((proposed & facts & (best == y)).sum() / facts.sum()), 4),
        "out_of_fold_content_taken_for_a_fact": round(float((proposed & ~facts).sum() / (~facts).sum()), 4),
        "data_sha256": _sha256(path),
        "seed": seed,
    }
    model = FieldModel(vocabulary, idf, lr.coef_.astype(float), lr.intercept_.astype(float), threshold, report)
    return model, report
