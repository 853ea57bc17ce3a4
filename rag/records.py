"""Typed records passed between pipeline stages."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

# The document's own word for what it is; 征求意见稿 and 草案 are drafts, not in force.
DocStatus = Literal["征求意见稿", "草案", "试行", "暂行", "正式"]
DRAFT_STATUSES = ("征求意见稿", "草案")
Validity = Literal["现行", "已废止", "征求意见稿", "草案", "尚未施行"]
SearchMode = Literal["hybrid", "dense", "bm25"]
AnswerMode = Literal["extractive", "llm"]  # composed from the clauses, or written by a language model and verified
# Why an answer was given or declined: a short stable code for the widget, the logs and the evaluation.
Reason = Literal[
    "answered",
    "overview",  # a place or document named alone: what is there to ask about
    "metadata",  # 文号, dates, validity from the documents' metadata
    "not_in_documents",
    "region_not_covered",
    "document_not_held",
    "unknown_reference",
    "personal_case",
    "detail_not_given",
    "small_talk",
    "other_language",
    "unclear_followup",  # a follow-up that points back at nothing the conversation gives
]


@dataclass(frozen=True)
class Department:
    name: str
    lead: bool = False  # 牵头单位


@dataclass
class Clause:
    id: str
    doc_id: str
    source: str
    doc_title: str
    label: str
    heading: str
    path: list[str]
    text: str
    departments: list[Department]
    start: int
    end: int

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Clause":
        fields = dict(data)
        fields["departments"] = [Department(**d) for d in data["departments"]]
        return cls(**fields)


@dataclass
class DocumentMeta:
    id: str
    source: str
    short_title: str
    title: str
    region: str
    issuer: str | None
    doc_number: str | None
    date: str | None  # ISO date of signature
    status: DocStatus
    valid_until: str | None  # ISO date
    disclosure: str | None = None  # 主动公开, as noted under the signature
    sha256: str = ""
    effective: str | None = None  # ISO date the text says it takes effect (施行日期)

    def validity(self, today: str) -> Validity:
        if self.valid_until is not None and today > self.valid_until:
            return "已废止"
        if self.status in DRAFT_STATUSES:
            return self.status  # type: ignore[return-value]
        if self.effective is not None and today < self.effective:
            return "尚未施行"
        return "现行"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Hit:
    clause: Clause
    score: float
    dense_score: float | None = None  # best window cosine
    bm25_score: float = 0.0
    # reference: the clause named by number; phrase: it holds word for word what the question asks which
    # document says (哪个文件提到了阳光厨房); search: ranked by similarity.
    matched_by: Literal["reference", "phrase", "search"] = "search"

    @property
    def looked_up(self) -> bool:
        """Found by what the question names, not ranked by similarity: no model need weigh it."""
        return self.matched_by != "search"


@dataclass
class Citation:
    n: int
    clause: Clause
    score: float
    validity: Validity
    quote: str | None = None  # the verbatim slice of clause.text the answer quotes


@dataclass
class LLMOutcome:
    """What became of a language model's answer (for the logs and the evaluation, not for users)."""

    served: bool
    reason: str  # served, or why the extractive answer was served: timeout, http_500, model_declined, nothing_left, …
    kept: int  # statements that passed the citation gate
    removed: list[tuple[str, str]]  # (problem, detail) of each statement the gate removed


@dataclass
class Answer:
    question: str
    answer: str
    answerable: bool
    citations: list[Citation] = field(default_factory=list)
    reason: Reason = "answered"
    resolved_question: str | None = None  # the self-contained question answered, when a follow-up was resolved
    mode: AnswerMode = "extractive"
    model: str | None = None  # the language model that wrote it (mode "llm")
    llm: LLMOutcome | None = None  # set when a language model was asked
