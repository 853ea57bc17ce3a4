"""Plain-dict views of records, shared by the API and the CLI's --json."""
from __future__ import annotations

from dataclasses import asdict

from .index import PolicyIndex
from .records import Answer, Citation, Clause, Hit


def clause_payload(clause: Clause, index: PolicyIndex) -> dict:
    meta = index.meta(clause.doc_id)
    return {
        "clause_id": clause.id,
        "doc_id": clause.doc_id,
        "source": clause.source,
        "doc_title": clause.doc_title,
        "doc_full_title": meta.title,
        "label": clause.label,
        "heading": clause.heading,
        "path": clause.path,
        "text": clause.text,
        "departments": [asdict(d) for d in clause.departments],
        "start": clause.start,
        "end": clause.end,
    }


def citation_payload(citation: Citation, index: PolicyIndex) -> dict:
    meta = index.meta(citation.clause.doc_id)
    payload = clause_payload(citation.clause, index)
    payload.update(
        n=citation.n,
        score=round(citation.score, 6),
        quote=citation.quote,
        doc_status=meta.status,
        validity=citation.validity,
        valid_until=meta.valid_until,
    )
    return payload


def answer_payload(answer: Answer, index: PolicyIndex) -> dict:
    return {
        "question": answer.question,
        "resolved_question": answer.resolved_question or answer.question,
        "answer": answer.answer,
        "answerable": answer.answerable,
        "reason": answer.reason,
        "citations": [citation_payload(c, index) for c in answer.citations],
        "mode": answer.mode,
        "model": answer.model,
    }


def hit_payload(rank: int, hit: Hit, index: PolicyIndex) -> dict:
    payload = clause_payload(hit.clause, index)
    payload.update(
        rank=rank,
        score=hit.score,
        dense_score=hit.dense_score,
        bm25_score=hit.bm25_score,
        matched_by=hit.matched_by,
    )
    return payload
