"""Answers about documents rather than their content: 文号, 落款日期, 发文机关, 有效期,
公开属性, 主送单位, and what there is to ask when a question names only places or documents."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from .corpus import Document
from .index import PolicyIndex
from .records import Answer, Citation
from .retrieve import Retrieval

_METADATA_FIELDS = {
    "doc_number": ("文号", "发文字号", "文件编号"),
    "date": ("发布日期", "印发日期", "发文日期", "哪天发布", "何时发布", "什么时候发布", "什么时候印发", "哪天印发", "落款日期", "成文日期", "发布时间", "印发时间"),
    "issuer": ("发文机关", "发文单位", "谁发布", "谁印发", "发布机关", "印发机关", "发布单位"),
    "validity": ("有效期", "是否有效", "还有效", "废止", "失效", "过期", "有效吗", "现行有效", "何时施行", "开始施行", "什么时候施行", "施行日期", "施行时间"),
    "disclosure": ("主动公开", "公开属性", "是否公开", "公开方式", "依申请公开", "不予公开", "能公开吗", "可以公开吗"),
    "addressees": ("主送", "发给哪些单位", "发给谁", "下发给哪", "印发给哪", "发送给哪"),
    "status": ("是不是征求意见稿", "是征求意见稿吗", "是否为征求意见稿", "是否是征求意见稿", "还是征求意见稿", "正式文件", "正式发布", "正式印发", "是草案", "定稿"),
}  # fmt: skip
_ISSUER = re.compile(r"(哪个|哪一?级|什么|哪家)(部门|单位|机关|政府)(发布|印发|起草|制定|发的|出台的)|谁(发布|印发|制定|发的|出台)")
_ISSUED = "(发布|印发|发文|出台|签发|公布|下发)"
_DATE = re.compile(rf"(哪一?天|哪一?年|何时|什么时候|几月几[日号]|几号|哪个月){_ISSUED}|{_ISSUED}(日期|时间|于何时)")


def about_metadata(word: str) -> bool:
    """Is the word part of how document facts are asked for (印发, 日期, 公开…)?"""
    return any(word in w for words in _METADATA_FIELDS.values() for w in words) or bool(re.fullmatch(_ISSUED, word))


def metadata_fields(question: str) -> list[str]:
    """The document facts a question asks for (文号 → doc_number, 哪天印发 → date…)."""
    fields = [name for name, words in _METADATA_FIELDS.items() if any(w in question for w in words)]
    if "issuer" not in fields and _ISSUER.search(question):
        fields.append("issuer")
    if "date" not in fields and _DATE.search(question):
        fields.append("date")
    return fields


def cn_date(iso: str) -> str:
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{year}年{month}月{day}日"


# field → (the value in a document, how it is said, what is said when the text does not give it)
_FACTS: dict[str, tuple[Callable[[Document], str | None], str, str]] = {
    "doc_number": (lambda d: d.meta.doc_number, "的文号是{}。", "的文本未载明文号。"),
    "date": (lambda d: cn_date(d.meta.date) if d.meta.date else None, "落款日期为{}。", "的文本未载明发布日期。"),
    "issuer": (lambda d: d.meta.issuer, "的发文机关是{}。", "的文本未载明发文机关。"),
    "disclosure": (lambda d: d.meta.disclosure, "文末注明“此件{}”。", "的文本未注明公开属性。"),
    "addressees": (lambda d: d.addressees.rstrip("：:") if d.addressees else None, "的主送单位：{}。", "的文本未列主送单位。"),
}


def _documents_asked_about(retrieval: Retrieval, index: PolicyIndex) -> list[Document]:
    """The documents the question names, within the filters; all the filters allow if it names none."""
    wanted = retrieval.scope.doc_ids & retrieval.doc_ids if retrieval.scope.doc_ids else retrieval.doc_ids
    return [d for d in index.documents if d.meta.id in wanted]


def metadata_answer(
    question: str, fields: list[str], retrieval: Retrieval, index: PolicyIndex, today: date
) -> Answer | None:
    """Answer 文号 / 日期 / 发文机关 / 有效性 / 公开属性 / 主送单位 questions from document metadata."""
    documents = _documents_asked_about(retrieval, index)
    if retrieval.scope.regions and not retrieval.scope.named_docs:
        # 北京的文件是哪天发的: that place's own documents; the national ones apply there but are not its
        documents = [d for d in documents if d.meta.region in retrieval.scope.regions] or documents
    if not documents or len(documents) > 3:
        return None
    if len(fields) > 1 and "status" in fields:  # 征求意见稿 here names the document rather than asks about it
        fields = [f for f in fields if f != "status"]
    lines: list[str] = []
    citations: list[Citation] = []
    unknown = 0
    for document in documents:
        meta = document.meta
        name = f"《{meta.short_title}》（{meta.title}）"
        for field in fields:
            if field in _FACTS:
                read, known, missing = _FACTS[field]
                value = read(document)
                lines.append(name + (known.format(value) if value else missing))
                unknown += value is None
            elif field in ("validity", "status"):
                state = meta.validity(today.isoformat())
                text = f"{name}"
                text += "是征求意见稿" if meta.status == "征求意见稿" else "是正式文件"
                if meta.effective and field == "validity":  # 哪天开始施行 is asked as validity
                    text += f"，{'自' if meta.effective <= today.isoformat() else '将自'}{cn_date(meta.effective)}起施行"
                if meta.valid_until:
                    verb = "已于" if state == "已废止" else "将于"
                    text += f"，{verb}{cn_date(meta.valid_until)}废止"
                elif field == "validity":
                    text += "，文本未规定有效期"
                closing = next((c for c in index.clauses if c.doc_id == meta.id and c.label == "结语"), None)
                if closing is not None and field == "validity":
                    n = len(citations) + 1
                    citations.append(Citation(n, closing, 1.0, state, closing.text))
                    text += f"：「{closing.text}」[{n}]"
                else:
                    text += "。"
                lines.append(text)
    answerable = unknown < len(lines)
    return Answer(question, "\n".join(lines), answerable, citations, "metadata" if answerable else "detail_not_given")


def overview(question: str, retrieval: Retrieval, index: PolicyIndex, today: date) -> Answer:
    """A question that names only places or documents gets what is there to ask about."""
    documents = _documents_asked_about(retrieval, index)
    lines = [f"已收录{len(documents)}份相关政策文件："]
    for n, document in enumerate(documents, start=1):
        meta = document.meta
        parts = list(dict.fromkeys(c.path[0] for c in document.clauses if c.path))
        outline = "、".join(parts[:8]) + ("等" if len(parts) > 8 else "")
        lines.append(f"{n}. 《{meta.short_title}》（{meta.title}），{meta.validity(today.isoformat())}；主要内容：{outline}。")
    lines.append("请说明想了解的具体内容，例如支持政策、责任部门、目标数字，或某一条款（如“二（三）”）。")
    return Answer(question, "\n".join(lines), False, [], "overview")
