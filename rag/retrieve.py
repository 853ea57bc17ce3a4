"""Hybrid retrieval: dense (FAISS) + BM25, fused, windows collapsed to clauses."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .asks import located_phrases, without_locating
from .embed import Embedder
from .expand import expand
from .index import PolicyIndex
from .intent import Scope, detect_scope, document_names, place_spans, resolve_reference
from .records import Hit, SearchMode
from .tokens import longest_first, tokenize, words

logger = logging.getLogger(__name__)


@dataclass
class RetrievalSettings:
    # Linear fusion of min-max normalised scores keeps how far ahead a clause is, which rank
    # fusion loses (dev MRR@10: RRF 1:1 0.949, RRF 1:2 0.985, linear α=0.4 0.993).
    fusion: Literal["rrf", "linear"] = "linear"
    linear_alpha: float = 0.4  # weight of the dense score; BM25 gets the rest
    rrf_k: float = 60.0
    dense_weight: float = 1.0  # RRF weights
    bm25_weight: float = 2.0
    use_scope: bool = True  # restrict to regions/documents the question names
    use_reference: bool = True  # resolve "二（七）" / "第12条" directly
    use_synonyms: bool = True  # add policy terms for everyday words (外卖骑手 → 新就业形态劳动者)


@dataclass
class Retrieval:
    question: str
    hits: list[Hit]
    scope: Scope
    best_dense: float  # highest cosine between the question and any window in scope
    best_bm25: float
    best_content_bm25: float  # keyword evidence from words other than place and document names
    best_content_dense: float  # best cosine of the question with place and document names removed
    doc_ids: set[str]  # documents searched: the filters and the question's scope together
    unresolved_reference: bool  # a numbered clause was named in an identified document but does not exist
    vector: np.ndarray | None  # the question's embedding, reused to pick quotes
    terms: list[str]  # whole content words of the question and its synonyms
    topic: str  # the question with place and document names removed ("天津的政策" → "的政策")


class Retriever:
    def __init__(self, index: PolicyIndex, embedder: Embedder, settings: RetrievalSettings | None = None):
        self.index = index
        self.embedder = embedder
        self.settings = settings or RetrievalSettings()
        self._window_clause = np.array([w.clause for w in index.windows], dtype=np.int64)
        self._clause_doc = [c.doc_id for c in index.clauses]
        self._region = {d.meta.id: d.meta.region for d in index.documents}
        # Tokens of place and document names: they scope a question but are no evidence of an answer.
        names = [d.meta.region for d in index.documents if d.meta.region]
        names += [n for d in index.documents for n in document_names(d)]
        names += ["征求意见稿", "实施意见", "实施方案"]
        self._name_tokens = {t for n in names for t in tokenize(n)} | {"意见", "方案"}
        self._names = re.compile("|".join(sorted(map(re.escape, set(names)), key=len, reverse=True)))
        # Numbered （一）…（五十三） straight through its parts (a few unnumbered parts may follow).
        self._straight = {d.meta.id: _cited_alone_share(d.clauses) >= 0.8 for d in index.documents}

    def retrieve(
        self,
        question: str,
        k: int = 5,
        region: str | None = None,
        doc_id: str | None = None,
        mode: SearchMode = "hybrid",
    ) -> Retrieval:
        scope = detect_scope(question, self.index.documents)
        allowed = self._allowed_clauses(scope, region, doc_id)
        n_clauses = len(self.index.clauses)

        dense_clause = np.full(n_clauses, -1.0, dtype=np.float32)
        bm25_clause = np.zeros(n_clauses, dtype=np.float32)
        content_dense = np.full(n_clauses, -1.0, dtype=np.float32)
        query = expand(question) if self.settings.use_synonyms else question
        # A frame asking which document says it (哪个文件提到了…) is no content to match; its words still say
        # a policy text is asked after, so the whole question is embedded too.
        content_query = without_locating(query)
        # Places named (天津, 杭州, 天河区) say where to look, like document names, not what is asked.
        places = {question[start:end] for start, end in place_spans(question)}
        name_tokens = self._name_tokens | {t for place in places for t in tokenize(place)}
        terms = [w for w in dict.fromkeys(words(query)) if w not in name_tokens]
        topic = self._strip_names(question, places)
        vector = None
        if mode in ("hybrid", "dense"):
            # Names say where to look, not what is asked: "天津今天天气" must not score as 天津 policy.
            stripped = self._strip_names(content_query, places) or query
            vectors = self.embedder.encode_queries([query] if stripped == query else [query, stripped])
            vector = vectors[0]
            window_scores = self._dense_scores(vectors)
            np.maximum.at(dense_clause, self._window_clause, window_scores[0])
            np.maximum.at(content_dense, self._window_clause, window_scores[-1])
        content_clause = np.zeros(n_clauses, dtype=np.float32)
        if mode in ("hybrid", "bm25"):
            tokens = tokenize(content_query)
            window_scores = self.index.bm25.scores(tokens)
            np.maximum.at(bm25_clause, self._window_clause, window_scores)
            content = [t for t in tokens if t not in name_tokens]
            np.maximum.at(content_clause, self._window_clause, self.index.bm25.scores(content))

        candidates = np.flatnonzero(allowed)
        doc_ids = {self._clause_doc[i] for i in candidates}
        if not len(candidates):  # filters that exclude each other (region 重庆, a Tianjin doc_id)
            return Retrieval(question, [], scope, -1.0, 0.0, 0.0, -1.0, doc_ids, False, vector, terms, topic)
        fused = np.zeros(n_clauses, dtype=np.float64)
        dense_rank = _ranks(dense_clause, candidates)
        bm25_rank = _ranks(bm25_clause, candidates, positive_only=True)
        s = self.settings
        if s.fusion == "linear" and mode == "hybrid":
            fused[candidates] = s.linear_alpha * _minmax(dense_clause[candidates]) + (1 - s.linear_alpha) * _minmax(
                bm25_clause[candidates]
            )
        else:
            if mode in ("hybrid", "dense"):
                fused[candidates] += s.dense_weight / (s.rrf_k + dense_rank[candidates])
            if mode in ("hybrid", "bm25"):
                has_terms = bm25_rank[candidates] < np.inf
                fused[candidates[has_terms]] += s.bm25_weight / (s.rrf_k + bm25_rank[candidates[has_terms]])

        order = sorted(candidates, key=lambda i: -fused[i])
        referenced = self._referenced(scope, allowed) if s.use_reference else []
        holding: list[int] = []
        if referenced:  # in document order: 第二部分 lists its clauses as the document does
            ref_set = set(referenced)
            order = referenced + [i for i in order if i not in ref_set]
        elif phrases := located_phrases(question):
            # Which document says 阳光厨房: the clauses that say it word for word come first, best first.
            holding = [i for i in order if all(p in self.index.clauses[i].text for p in phrases)]
            held = set(holding)
            order = holding + [i for i in order if i not in held]
        elif len(scope.regions) > 1:
            order = _diversify(order, [self._region[d] for d in self._clause_doc])
        elif len(scope.named_docs) > 1:
            order = _diversify(order, self._clause_doc)
        unresolved = bool(s.use_reference and scope.reference and scope.doc_ids and not referenced)

        referenced_set, holding_set = set(referenced), set(holding)
        hits = [
            Hit(
                clause=self.index.clauses[i],
                score=round(float(fused[i]), 6),
                dense_score=round(float(dense_clause[i]), 4) if dense_clause[i] > -1 else None,
                bm25_score=round(float(bm25_clause[i]), 4),
                matched_by="reference" if i in referenced_set else "phrase" if i in holding_set else "search",
            )
            for i in order[:k]
        ]
        best = lambda scores: float(scores[candidates].max())  # noqa: E731
        return Retrieval(
            question, hits, scope, best(dense_clause), best(bm25_clause), best(content_clause), best(content_dense),
            doc_ids, unresolved, vector, terms, topic,
        )  # fmt: skip

    def _strip_names(self, text: str, places: set[str]) -> str:
        """The text without document names and the places it names."""
        text = self._names.sub("", text)
        for place in longest_first(places):
            text = text.replace(place, "")
        return text.strip()

    def _dense_scores(self, vectors: np.ndarray) -> np.ndarray:
        """Inner product of each query with every window, from the FAISS index, in window order."""
        total = self.index.dense.ntotal
        scores, ids = self.index.dense.search(vectors, total)
        ordered = np.empty((len(vectors), total), dtype=np.float32)
        np.put_along_axis(ordered, ids, scores, axis=1)
        return ordered

    def _allowed_clauses(self, scope: Scope, region: str | None, doc_id: str | None) -> np.ndarray:
        allowed = np.ones(len(self.index.clauses), dtype=bool)
        if region:
            allowed &= np.array([self._region[d] == region for d in self._clause_doc])
        if doc_id:
            allowed &= np.array([d == doc_id for d in self._clause_doc])
        if self.settings.use_scope and scope.doc_ids:
            narrowed = allowed & np.array([d in scope.doc_ids for d in self._clause_doc])
            if narrowed.any():
                allowed = narrowed
        return allowed

    def _referenced(self, scope: Scope, allowed: np.ndarray) -> list[int]:
        """Positions of the clauses a numbered reference names, document by document."""
        if not scope.reference:
            return []
        found: list[int] = []
        for document in self.index.documents:
            clauses = [c for c in document.clauses if allowed[self.index.position[c.id]]]
            for clause in resolve_reference(clauses, scope.reference, self._straight[document.meta.id]):
                found.append(self.index.position[clause.id])
        # 北京第二十二条: the article of the place's own document, not of every national one that applies there
        own = [i for i in found if self._region[self._clause_doc[i]] in scope.regions]
        return own or found


def _cited_alone_share(clauses) -> float:
    numbered = [c for c in clauses if c.label not in ("序言", "结语") and not c.label.startswith("附件")]
    return sum(c.label.startswith("（") for c in numbered) / len(numbered) if numbered else 0.0


def _minmax(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values, dtype=np.float64)


def _ranks(scores: np.ndarray, candidates: np.ndarray, positive_only: bool = False) -> np.ndarray:
    """1-based rank of each candidate by score; inf for the rest (and for zero scores if asked)."""
    ranks = np.full(len(scores), np.inf)
    ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
    if positive_only:
        ordered = ordered[scores[ordered] > 0]
    ranks[ordered] = np.arange(1, len(ordered) + 1)
    return ranks


def _diversify(order: list[int], group_of: list[str]) -> list[int]:
    """For a question spanning regions or documents, put each group's best clause first."""
    firsts: dict[str, int] = {}
    for i in order:
        firsts.setdefault(group_of[i], i)
    leaders = list(firsts.values())
    return leaders + [i for i in order if i not in set(leaders)]
