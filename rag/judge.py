"""Judge: do the retrieved clauses answer the question?

Two small models learned from labelled questions, stored as plain JSON (`rag/data/judge.json`) and
reproduced by `policyqa train-judge` (rag/judge_train.py):

- the question's **kind** (a policy question, a personal case or dispute, a consumer complaint, an
  everyday service question, small talk, another language) from its sentence embedding: a
  multinomial logistic regression. It knows nothing of the corpus, so it carries over to documents
  added later.
- whether the **best clauses answer it**: a logistic regression over corpus-independent signals
  (cosines, how much of the question's weight the clauses cover, length).

A question is declined when it is unlikely to be a policy question at all (a case, a complaint,
small talk), or when the clauses are unlikely to answer it. Both thresholds are calibrated on
held-out folds of the training questions.

Before the models, the decisions that the wording or scope settle: small talk and writing requests
(rag/asks.py), another language, a place or a named document the corpus does not hold, a clause
number that does not exist, a place or document named alone. No region or document is written
here: what the corpus holds comes from the index.
"""
from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np

from .asks import named_documents, small_talk, without_locating
from .expand import synonyms
from .fields import FieldModel, load_fields
from .index import PolicyIndex
from .intent import DOCUMENT_KINDS
from .metadata import metadata_fields
from .modelfile import read_model, write_model
from .records import Reason
from .retrieve import Retrieval
from .tokens import tokenize

logger = logging.getLogger(__name__)

Kind = Literal["policy", "case", "complaint", "service", "chat", "foreign"]
KINDS: tuple[Kind, ...] = ("policy", "case", "complaint", "service", "chat", "foreign")
MODEL_FILE = "judge.json"
_DOCUMENT_KIND = re.compile(rf"文件|{DOCUMENT_KINDS}")  # a kind of document, not 政策 (广州的政策有哪些 asks content)
# Signals the answer model weighs, in this order (the training command writes their weights).
SIGNALS = (
    "content_dense",  # best cosine of the question (place and document names removed) with any window
    "top_dense",  # cosine of the best-ranked clause
    "top_sentence",  # best cosine of the question with one sentence of the three best clauses
    "coverage_top",  # share of the question's term weight found in the best clause
    "coverage_top3",  # … in the best three clauses together
    "known_share",  # share of the question's term weight in words the corpus uses at all
    "log_length",
)


@dataclass
class Judgement:
    answerable: bool
    reason: Reason
    probability: float  # that the best clauses answer the question (1.0 when decided without the models)
    kind: Kind
    kind_probability: float
    signals: dict[str, float]
    detail: tuple[str, ...] = ()  # what the reason is about: the reply asked for, places, document titles
    fields: tuple[str, ...] = ()  # the document facts asked for (文号, date…): worded, or learned (rag/fields.py)


def ruled(answerable: bool, reason: Reason, *detail: str) -> Judgement:
    """A decision read from the question and its scope, before any model is consulted."""
    return Judgement(answerable, reason, 1.0 if answerable else 0.0, "policy", 1.0, {}, detail)


@dataclass
class JudgeModel:
    kind_weights: np.ndarray  # (len(KINDS), dim + 2)
    kind_bias: np.ndarray
    answer_weights: np.ndarray  # (len(SIGNALS),)
    answer_bias: float
    answer_mean: np.ndarray  # standardisation of the signals
    answer_scale: np.ndarray
    threshold: float  # decline below this probability that the clauses answer
    kind_threshold: float  # decline at or above this probability that it is no policy question
    info: dict

    def kind_probabilities(self, vector: np.ndarray, question: str) -> np.ndarray:
        logits = self.kind_weights @ kind_features(vector, question) + self.kind_bias
        logits = np.exp(logits - logits.max())
        return logits / logits.sum()

    def answer_probability(self, signals: dict[str, float]) -> float:
        x = (np.array([signals[name] for name in SIGNALS]) - self.answer_mean) / self.answer_scale
        return float(1 / (1 + math.exp(-(float(self.answer_weights @ x) + self.answer_bias))))

    def to_dict(self) -> dict:
        return {
            "kinds": list(KINDS),
            "signals": list(SIGNALS),
            "kind_weights": self.kind_weights.round(6).tolist(),
            "kind_bias": self.kind_bias.round(6).tolist(),
            "answer_weights": self.answer_weights.round(6).tolist(),
            "answer_bias": round(self.answer_bias, 6),
            "answer_mean": self.answer_mean.round(6).tolist(),
            "answer_scale": self.answer_scale.round(6).tolist(),
            "threshold": round(self.threshold, 6),
            "kind_threshold": round(self.kind_threshold, 6),
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "JudgeModel":
        if data.get("kinds") != list(KINDS) or data.get("signals") != list(SIGNALS):
            raise ValueError("judge model was trained for other kinds or signals: run `policyqa train-judge`")
        return cls(
            np.array(data["kind_weights"]), np.array(data["kind_bias"]), np.array(data["answer_weights"]),
            float(data["answer_bias"]), np.array(data["answer_mean"]), np.array(data["answer_scale"]),
            float(data["threshold"]), float(data["kind_threshold"]), data.get("info", {}),
        )  # fmt: skip


def save_model(model: JudgeModel, path: Path) -> None:
    write_model(model.to_dict(), path, indent=1)


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> JudgeModel:
    """The trained judge; the packaged one unless a path is given."""
    return JudgeModel.from_dict(read_model(MODEL_FILE, path))


_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def latin_share(question: str) -> float:
    letters = len(_LATIN.findall(question)) + len(_HAN.findall(question))
    return len(_LATIN.findall(question)) / letters if letters else 0.0


def other_language(question: str) -> bool:
    """Mostly Latin letters: a question in English (or another language) rather than Chinese.
    A Chinese question with a product name (iPhone, B2B) stays Chinese."""
    return latin_share(question) > 0.6


def kind_features(vector: np.ndarray, question: str) -> np.ndarray:
    """The question's embedding with its length and script, which the embedding does not show."""
    return np.concatenate([vector, [math.log1p(len(question)) / 5, latin_share(question)]])


_REASON: dict[str, Reason] = {"case": "personal_case", "complaint": "personal_case", "chat": "small_talk"}


class Judge:
    """Weighs a retrieval against the trained models; one per index (it caches clause terms)."""

    def __init__(self, index: PolicyIndex, model: JudgeModel | None = None, fields: FieldModel | None = None):
        self.index = index
        self.model = model or load_model()
        self.fields = fields or load_fields()
        self._clause_tokens: list[set[str]] = [set() for _ in index.clauses]
        for window in index.windows:
            self._clause_tokens[window.clause].update(window.tokens)
        self._n = max(index.bm25.size, 1)
        # Everything the corpus names (titles, aliases, clause texts), to tell a cited law from an unknown one.
        names = "".join(d.meta.title + "".join(d.aliases) + d.meta.short_title for d in index.documents)
        self._known_text = re.sub(r"\s+", "", names + "".join(c.text for c in index.clauses))

    def _weight(self, token: str) -> float:
        """Inverse document frequency; a word the corpus never uses weighs most."""
        share = self.index.bm25.document_share(token)
        return math.log((self._n + 1) / (share * self._n + 0.5))

    def signals(self, question: str, retrieval: Retrieval) -> dict[str, float]:
        # What the clauses must hold: not the names (the topic has none), nor a frame asking where it is said.
        topic_tokens = [t for t in dict.fromkeys(tokenize(without_locating(retrieval.topic or question)))]
        weights = {t: self._weight(t) for t in topic_tokens}
        total = sum(weights.values()) or 1.0
        searched = [h for h in retrieval.hits if not h.looked_up] or retrieval.hits
        top = [self._clause_tokens[self.index.position[h.clause.id]] for h in searched[:3]]
        # An everyday word counts as found when the policy terms it stands for are (外卖骑手 → 新就业形态劳动者).
        alternatives: dict[str, set[str]] = {t: {t} for t in weights}
        for word, terms in synonyms().items():
            if word in question:
                policy_terms = set(tokenize(" ".join(terms)))
                for t in tokenize(word):
                    alternatives.setdefault(t, {t}).update(policy_terms)
        covered = lambda sets: sum(  # noqa: E731
            w for t, w in weights.items() if any(a in s for a in alternatives[t] for s in sets)
        ) / total
        known = sum(w for t, w in weights.items() if self.index.bm25.document_share(t) > 0) / total
        top_dense = searched[0].dense_score if searched and searched[0].dense_score is not None else -1.0
        rows = [row for h in searched[:3] for row in self.index.sentence_rows(h.clause.id)]
        top_sentence = float((self.index.sentence_vectors[rows] @ retrieval.vector).max()) if rows else -1.0
        return {
            "content_dense": retrieval.best_content_dense,
            "top_dense": top_dense,
            "top_sentence": top_sentence,
            "coverage_top": covered(top[:1]) if top else 0.0,
            "coverage_top3": covered(top) if top else 0.0,
            "known_share": known,
            "log_length": math.log1p(len(question)),
        }

    def personal(self, question: str, vector: np.ndarray, sure: bool = False) -> bool:
        """Is the question, in its own words, likeliest a personal case or a complaint? With `sure`, only
        at the bar the kind model was calibrated to (at most kind_false_decline of policy questions reach it)."""
        kinds = dict(zip(KINDS, self.model.kind_probabilities(vector, question)))
        personal = kinds["case"] + kinds["complaint"]
        return personal >= self.model.kind_threshold if sure else max(kinds, key=kinds.get) in ("case", "complaint")

    def judge(self, question: str, retrieval: Retrieval, learned: bool = True) -> Judgement:
        """Whether to answer, and why not. Decisions the wording or scope settle come first (small
        talk, another language, a place or document not held, a clause number that does not exist,
        a place or document named alone); then the learned models weigh the clauses (`learned`).
        Also which document facts it asks for: by their usual words, else by the learned field model."""
        judgement = self._decide(question, retrieval, learned)
        judgement.fields = tuple(metadata_fields(question))
        # Learned, only of a question that names a document (a follow-up's 这份 is replaced by its title):
        # 广州的消费券一般什么时候发 asks for no date of issue.
        # A place's documents named by their kind (北京那份文件, 广州的方案) are named too.
        named = bool(retrieval.scope.named_docs) or "《" in question
        names_document = named or bool(retrieval.scope.regions) and bool(_DOCUMENT_KIND.search(question))
        if not judgement.fields and learned and names_document:
            learned_field = self.fields.field(question, retrieval.vector)
            judgement.fields = (learned_field,) if learned_field else ()
        return judgement

    def _decide(self, question: str, retrieval: Retrieval, learned: bool) -> Judgement:
        scope = retrieval.scope
        talk = small_talk(question)
        if talk:
            return ruled(False, "small_talk", talk)
        if other_language(question):
            return ruled(False, "other_language")
        if scope.foreign_only:
            return ruled(False, "region_not_covered", *scope.foreign)
        outside = documents_outside(question, self._known_text)
        if outside:
            return ruled(False, "document_not_held", *outside)
        if retrieval.unresolved_reference:
            return ruled(False, "unknown_reference")
        if any(hit.looked_up for hit in retrieval.hits):
            return ruled(True, "answered")  # a clause named by number, or one saying the phrase asked after
        if not tokenize(retrieval.topic):  # "北京" or "广州实施意见" alone: nothing asked yet
            return ruled(False, "overview")
        vector = retrieval.vector
        if not learned or vector is None:  # without the models (or BM25 only), the composer's checks decide
            return ruled(True, "answered")
        kinds = self.model.kind_probabilities(vector, question)
        signals = self.signals(question, retrieval)
        signals.update({f"p_{kind}": float(p) for kind, p in zip(KINDS, kinds)})
        probability = self.model.answer_probability(signals)
        other = int(np.argmax(kinds[1:])) + 1  # the likeliest kind other than a policy question
        kind, kind_probability = KINDS[other], float(kinds[other])
        # Probably no policy question (a case, a complaint, small talk): declined unless the clauses clearly
        # answer it (0.5 is not tuned: dev numbers are the same for any bar from 0.4 to 1.0).
        logger.debug("judge %r: kinds %s, answer probability %.3f", question[:40], kinds.round(3).tolist(), probability)
        if 1 - kinds[0] >= self.model.kind_threshold and probability < 0.5:
            return Judgement(False, _REASON.get(kind, "not_in_documents"), probability, kind, kind_probability, signals)
        if probability >= self.model.threshold:
            return Judgement(True, "answered", probability, "policy", float(kinds[0]), signals)
        if kinds[0] < kind_probability:  # declined by the answer model, but more likely a case than a policy question
            return Judgement(False, _REASON.get(kind, "not_in_documents"), probability, kind, kind_probability, signals)
        return Judgement(False, "not_in_documents", probability, "policy", float(kinds[0]), signals)


def documents_outside(question: str, known: str) -> list[str]:
    """Laws or documents the question names that the corpus (`known`: its titles and texts, without
    whitespace) neither holds nor cites (《电子商务法》); a law that a held document cites
    (《江苏省电子商务条例》) is not one of them."""
    titles = named_documents(question)
    # A title is known by its end: 修订反不正当竞争条例 is cited as 《江苏省反不正当竞争条例》.
    return [title for title in titles if not any(title[i:] in known for i in range(max(1, len(title) - 4)))]
