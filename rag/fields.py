"""Which fact about a document a question asks for (文号, date, issuer, validity…), learned.

The keyword lists of rag/metadata.py catch the usual words (文号, 印发日期); users say it a hundred
other ways (这个文件什么时候出的, 还作数不, 管到哪年为止, 定稿了吗). A multinomial logistic
regression over the question's sentence embedding and its character uni- and bigrams (TF-IDF), trained
on labelled questions about documents of every kind and region (`rag/data/document_questions.jsonl`),
tells them from each other and from questions about what a document *says* ("content"). Document titles
are masked first: the fact asked for is in the frame, not in the title. Stored as plain JSON
(`rag/data/fields.json`), reproduced by `policyqa train-judge`; no scikit-learn when serving.

It only proposes: the composer answers from metadata only when the question names or points at a
document and has no words of its own that tell clauses apart (rag/answer.py).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .modelfile import read_model, write_model

FIELDS = ("doc_number", "date", "issuer", "validity", "disclosure", "addressees", "status", "content")
MODEL_FILE = "fields.json"
_TITLE = re.compile(r"《[^》]*》")
_SPACE = re.compile(r"\s+")


def masked(question: str) -> str:
    """The question with document titles reduced to 《》 and spaces removed."""
    return _SPACE.sub("", _TITLE.sub("《》", question))


def char_grams(text: str) -> Counter[str]:
    return Counter([*text, *(text[i : i + 2] for i in range(len(text) - 1))])


@dataclass
class FieldModel:
    vocabulary: dict[str, int]  # character n-gram → column
    idf: np.ndarray
    weights: np.ndarray  # (len(FIELDS), dim + len(vocabulary))
    bias: np.ndarray
    threshold: float  # propose a fact only at or above this probability
    info: dict

    def features(self, question: str, vector: np.ndarray) -> np.ndarray:
        grams = np.zeros(len(self.vocabulary))
        for gram, count in char_grams(masked(question)).items():
            column = self.vocabulary.get(gram)
            if column is not None:
                grams[column] = 1 + math.log(count)  # sublinear term frequency
        grams *= self.idf
        norm = np.linalg.norm(grams)
        return np.concatenate([vector, grams / norm if norm else grams])

    def probabilities(self, question: str, vector: np.ndarray) -> np.ndarray:
        logits = self.weights @ self.features(question, vector) + self.bias
        logits = np.exp(logits - logits.max())
        return logits / logits.sum()

    def field(self, question: str, vector: np.ndarray | None) -> str | None:
        """The document fact asked for, or None (a question about content, or not sure)."""
        if vector is None:
            return None
        p = self.probabilities(question, vector)
        best = int(np.argmax(p))
        return FIELDS[best] if FIELDS[best] != "content" and p[best] >= self.threshold else None

    def to_dict(self) -> dict:
        grams = sorted(self.vocabulary, key=self.vocabulary.get)
        return {
            "fields": list(FIELDS),
            "grams": grams,
            "idf": self.idf.round(6).tolist(),
            "weights": self.weights.round(6).tolist(),
            "bias": self.bias.round(6).tolist(),
            "threshold": round(self.threshold, 6),
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "FieldModel":
        if data.get("fields") != list(FIELDS):
            raise ValueError("field model was trained for other fields: run `policyqa train-judge`")
        vocabulary = {gram: i for i, gram in enumerate(data["grams"])}
        return cls(
            vocabulary, np.array(data["idf"]), np.array(data["weights"]), np.array(data["bias"]),
            float(data["threshold"]), data.get("info", {}),
        )  # fmt: skip


def save_fields(model: FieldModel, path: Path) -> None:
    write_model(model.to_dict(), path)


@lru_cache(maxsize=4)
def load_fields(path: str | None = None) -> FieldModel:
    """The trained field model; the packaged one unless a path is given."""
    return FieldModel.from_dict(read_model(MODEL_FILE, path))
