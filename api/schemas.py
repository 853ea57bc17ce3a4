"""Request and response models (these also document the API at /docs)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from rag.records import AnswerMode, Reason

MAX_QUESTION_CHARS = 500
MAX_HISTORY_TURNS = 20
MAX_HISTORY_CHARS = 8000


class HistoryTurn(BaseModel):
    """One earlier turn of the conversation, as the client kept it."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_HISTORY_CHARS)
    # The clause ids the assistant cited, in order; ids the index does not hold are ignored.
    citations: list[str] = Field(default_factory=list, max_length=50)


class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"question": "灵活就业人员的社会保险费可以缓缴吗？", "top_k": 5}]},
    )

    question: str = Field(max_length=MAX_QUESTION_CHARS, description="中文问题，最多500字")
    top_k: int = Field(5, ge=1, le=50, strict=True, description="检索的条款数（1–50）")
    # Checked against the documents loaded (422 naming the covered regions), not a fixed list.
    region: str | None = Field(None, max_length=20, description="只在该地区的文件中查找（已收录文件的地区，见 /api/documents）")
    doc_id: str | None = Field(None, description="只在该文件中查找，见 /api/documents")
    history: list[HistoryTurn] = Field(
        default_factory=list, max_length=MAX_HISTORY_TURNS,
        description="此前的对话（从早到晚，最多20轮、共8000字）；追问据此理解，服务端不保存对话",
    )  # fmt: skip

    @field_validator("history")
    @classmethod
    def _history_size(cls, turns: list[HistoryTurn]) -> list[HistoryTurn]:
        if sum(len(t.content) for t in turns) > MAX_HISTORY_CHARS:
            raise PydanticCustomError("history_too_long", f"history holds more than {MAX_HISTORY_CHARS} characters")
        return turns

    @field_validator("question", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value:
            raise PydanticCustomError("blank", "must not be blank")
        return value


class Department(BaseModel):
    name: str
    lead: bool


class ClauseOut(BaseModel):
    clause_id: str
    doc_id: str
    source: str
    doc_title: str
    doc_full_title: str
    label: str
    heading: str
    path: list[str]
    text: str
    departments: list[Department]
    start: int
    end: int


class CitationOut(ClauseOut):
    n: int
    score: float
    quote: str | None
    doc_status: Literal["征求意见稿", "草案", "试行", "暂行", "正式"]
    validity: Literal["现行", "征求意见稿", "草案", "尚未施行", "已废止"]
    valid_until: str | None


class AskResponse(BaseModel):
    id: str = Field(description="这次回答的编号，用于 POST /api/feedback")
    question: str
    resolved_question: str = Field(description="实际回答的完整问题：追问按对话补全后的问题；未补全时与 question 相同")
    answer: str
    answerable: bool
    reason: Reason = Field(description="why it was answered or declined: answered, not_in_documents, personal_case, …")
    citations: list[CitationOut]
    mode: AnswerMode = Field(description="extractive：由条款原文组成；llm：由语言模型撰写，每句的引文、编号、数字均已核对")
    model: str | None = Field(default=None, description="撰写回答的语言模型（mode 为 llm 时）")


class SearchHit(ClauseOut):
    rank: int
    score: float
    dense_score: float | None
    bm25_score: float
    matched_by: Literal["reference", "phrase", "search"]


class SearchResponse(BaseModel):
    query: str
    hits: list[SearchHit]


class DocumentOut(BaseModel):
    id: str
    source: str
    short_title: str
    title: str
    region: str | None
    issuer: str | None
    doc_number: str | None
    date: str | None
    effective: str | None
    status: Literal["征求意见稿", "草案", "试行", "暂行", "正式"]
    valid_until: str | None
    disclosure: str | None
    validity: Literal["现行", "征求意见稿", "草案", "尚未施行", "已废止"]
    sha256: str
    clause_count: int


class TreeNode(BaseModel):
    label: str
    heading: str
    clause_id: str | None = None
    children: list["TreeNode"] = []


class DocumentDetail(DocumentOut):
    addressees: str | None
    tree: list[TreeNode]
    clauses: list[ClauseOut]


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ask_id: str = Field(min_length=1, max_length=64, description="回答编号（/api/ask 返回的 id）")
    helpful: bool = Field(description="回答是否有帮助")
    comment: str | None = Field(default=None, max_length=500, description="补充意见，最多 500 字")


class FeedbackResponse(BaseModel):
    ask_id: str
    recorded: bool


class ErrorItem(BaseModel):
    loc: list[str | int]
    type: str | None = None
    msg: str | None = None
    msg_zh: str | None = None


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")  # e.g. retry_after on a 429

    message: str
    message_zh: str
    errors: list[ErrorItem] | None = None


class ErrorResponse(BaseModel):
    """Every error: an English and a Chinese message (and, for invalid input, what was wrong)."""

    detail: ErrorDetail


# Declared on every route, so the schema says what an error looks like (FastAPI's own 422 shape is not ours).
ERROR_RESPONSES: dict = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in {
        404: "未找到 / not found", 413: "请求体过大 / body too large", 422: "请求无效 / invalid request",
        429: "请求过于频繁 / rate limited (Retry-After)", 503: "索引未就绪 / index not ready",
    }.items()
}  # fmt: skip
