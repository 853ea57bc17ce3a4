"""Compose a cited Chinese answer from retrieved clauses, without an LLM.

Every quote is a verbatim slice of the cited clause, set in 「」, and every statement
ends with its citation marker [n]. When nothing relevant was retrieved, say so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np

from .index import PolicyIndex
from .intent import REGION_NAMES, Scope
from .parse import department_spans
from .records import Answer, Citation, Clause, Department, DocumentMeta, Hit
from .retrieve import Retrieval
from .sentences import split_sentences
from .tokens import tokenize, word_sequence

COVERED = "天津、重庆、浙江"
NO_ANSWER = (
    "抱歉，在已收录的政策文件中没有找到能回答这个问题的条款。"
    f"目前收录的是{COVERED}的五份平台经济与新型消费政策文件；可以换个说法，或指明地区、文件后再问。"
)


PERSONAL_CASE = (
    "抱歉，这是具体个案或纠纷。已收录的政策文件只规定政策方向和部门职责，不处理个案，无法据此回答。"
    "如需帮助，可联系当地政务服务热线或相关主管部门。"
)
GREETING = (
    "您好！我是政策问答助手，回答天津、重庆、浙江五份平台经济与新型消费政策文件的问题，"
    "每个回答都引用条款原文并标明出处。可以这样问：“灵活就业人员的社会保险费可以缓缴吗？”"
    "“浙江意见稿第12条”“重庆实施意见的文号是什么？”"
)
THANKS = "不客气！还有其他政策问题，欢迎继续提问。"
_GREETING = re.compile(r"^\s*(你好|您好|hi|hello|嗨|在吗|在不在|有人吗|早上好|下午好|晚上好)[呀啊哈]?[!！。.～~？?\s]*$", re.I)
_THANKS = re.compile(r"^\s*(谢谢|多谢|感谢|谢了|好的谢谢|再见|拜拜)(你|您)?[啦了呀啊]?[!！。.～~\s]*$")


@dataclass
class AnswerSettings:
    # Thresholds on the best cosine of the question without place/document names (tuned on dev).
    min_dense: float = 0.70  # without keyword support, decline below this
    min_dense_with_terms: float = 0.65  # enough when the question's key terms also match
    max_citations: int = 3
    max_reference_citations: int = 5  # a reference to a whole part lists its clauses
    relative_floor: float = 0.02  # cite a further clause only if its cosine is this close to the best
    keyword_ratio: float = 0.7  # … and its BM25 score is at least this share of the best one (tuned on dev)
    # "我们…能享受哪些支持": an enterprise wants the supports of every document, not the best one only.
    broad_floor: float = 0.04
    broad_keyword_ratio: float = 0.3
    quote_sentences: int = 2
    compare_sentences: int = 3  # per side when a question compares regions or documents …
    compare_whole_chars: int = 320  # … which quote clauses up to this length whole
    detail_rules: bool = True  # decline questions after a figure, person or procedure the clause lacks
    action_rule: bool = True  # … including "怎么补办/去哪投诉" when the clause never names that action
    case_rule: bool = True  # … and a mishap of the asker's own (快递丢了怎么办), which no policy text settles
    # Cite a clause found by search only if it contains one of the question's own words (or a synonym's
    # policy term) that the corpus uses but not everywhere: 骑手 + 投诉 is not answered by a 投诉 clause alone.
    require_support: bool = True
    evidence_max_share: float = 0.3  # words in more windows than this (企业, 支持, 负责) are no evidence


_ASKS_SUPPORT = re.compile(r"哪些支持|什么支持|能享受|可以享受|享受哪些|扶持|优惠政策|哪些政策|什么政策")
# Questions after a figure or a person that policy texts may not give.
_ASKS_QUANTITY = re.compile(r"多少|几[个家项天年次只位点]|多久|多长时间|比例是|税率|费率|金额|百分之|具体数")
_ASKS_PERSON = re.compile(
    r"(组长|副组长|负责人|局长|主任|市长|书记|联系人|领导)(是谁|叫什么)|谁(是|担任)(组长|负责人)|哪家公司|谁开发"
    r"|哪家最?(便宜|好|划算|靠谱|实惠)|推荐(几|一)?[家个只款]"
)
# Practical details (materials, where to apply, contacts, deadlines) and the words a clause
# must contain to answer them; policy texts rarely give these.
_PROCEDURE = {
    re.compile(r"(哪些|什么)材料|提交.{0,4}材料"): ("材料",),
    re.compile(r"(申请|办理|申报)流程|流程是"): ("流程",),
    re.compile(r"(去|到|在)哪(里|儿|个网站|个窗口)?(申请|办理|申报|报名)|哪个网站"): ("窗口", "网上办理", "网站", "网办"),
    re.compile(r"怎么报名|如何报名|报名方式"): ("报名",),
    re.compile(r"截止(时间|日期)?|几号截止"): ("截止",),
    re.compile(r"电话|热线"): ("电话", "热线", "12345"),
    re.compile(r"网址|邮箱|联系方式"): ("网址", "邮箱", "联系"),
    re.compile(r"地址在|在哪办公|办公地点"): ("地址", "办公"),
    re.compile(r"(什么|哪些)学历|学历(要求|条件)"): ("学历",),
    re.compile(r"(什么|哪些)资格|资格(要求|条件)"): ("资格", "资质"),
}

_METADATA_FIELDS = {
    "doc_number": ("文号", "发文字号", "文件编号"),
    "date": ("发布日期", "印发日期", "发文日期", "哪天发布", "何时发布", "什么时候发布", "什么时候印发", "哪天印发", "落款日期", "成文日期", "发布时间", "印发时间"),
    "issuer": ("发文机关", "发文单位", "谁发布", "谁印发", "发布机关", "印发机关", "发布单位"),
    "validity": ("有效期", "是否有效", "还有效", "废止", "失效", "过期", "有效吗", "现行有效", "何时施行", "开始施行", "什么时候施行", "施行日期", "施行时间"),
    "disclosure": ("主动公开", "公开属性", "是否公开", "公开方式", "依申请公开", "不予公开", "能公开吗", "可以公开吗"),
    "addressees": ("主送", "发给哪些单位", "发给谁", "下发给哪", "印发给哪", "发送给哪"),
    "status": ("是不是征求意见稿", "是征求意见稿吗", "是否为征求意见稿", "是否是征求意见稿", "还是征求意见稿", "正式文件", "正式发布", "正式印发", "是草案", "定稿"),
}  # fmt: skip
# Something that happened to the asker, and a remedy asked for: a case, not a policy question.
# The asker must be in it (我, or a mishap that has happened: 丢了), so "防止数据被盗用由哪个部门负责"
# stays a policy question.
_MISHAP = re.compile(
    r"丢了|被.{0,6}?(偷|盗|骗|坑|封|扣)|受骗|偷吃|没收到|收不到|不发货|没发货|不退|退不了|退不回|拖欠|欠薪|"
    r"坏了|封号|扣了|不理我|被辞退|被开除"
)
_REMEDY = re.compile(r"怎么办|怎么处理|去哪|到哪|找谁|找哪个|哪个部门|投诉|维权|报案|报警|举报|赔偿|索赔")
_ASKER = re.compile(r"我|本人|自己|[丢偷盗骗坑封扣坏吃]了")


def personal_case(question: str) -> bool:
    """快递丢了怎么办, 被骗了去哪报案: the asker's own mishap, which no policy text settles."""
    return bool(_MISHAP.search(question) and _REMEDY.search(question) and _ASKER.search(question))
_ISSUER = re.compile(r"(哪个|哪一?级|什么|哪家)(部门|单位|机关|政府)(发布|印发|起草|制定|发的|出台的)")
_ISSUED = "(发布|印发|发文|出台|签发|公布|下发)"
_DATE = re.compile(rf"(哪一?天|哪一?年|何时|什么时候|几月几[日号]|几号|哪个月){_ISSUED}|{_ISSUED}(日期|时间|于何时)")


def quoted_with_markers(text: str) -> list[tuple[str, list[int]]]:
    """Each 「quote」 of an answer with the [n] markers that follow it up to the next quote.

    The answer's own grammar, shared by the evaluation and the tests that check it; a quote
    may span lines (a whole clause with a paragraph break)."""
    found = []
    matches = list(re.finditer(r"「(.*?)」", text, flags=re.S))
    for i, match in enumerate(matches):
        stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        markers = [int(n) for n in re.findall(r"\[(\d+)\]", text[match.end() : stop])]
        found.append((match.group(1), markers))
    return found


def metadata_fields(question: str) -> list[str]:
    fields = [name for name, words in _METADATA_FIELDS.items() if any(w in question for w in words)]
    if "issuer" not in fields and _ISSUER.search(question):
        fields.append("issuer")
    if "date" not in fields and _DATE.search(question):
        fields.append("date")
    return fields


def answer_question(
    question: str,
    retrieval: Retrieval,
    index: PolicyIndex,
    today: date,
    settings: AnswerSettings | None = None,
) -> Answer:
    settings = settings or AnswerSettings()
    scope = retrieval.scope
    if scope.foreign_only:
        places = "、".join(scope.foreign)
        text = (
            f"抱歉，已收录的政策文件只涉及{COVERED}，没有{places}的政策，无法回答这个问题。"
            "请查阅当地政府门户网站，或改问已收录地区的政策。"
        )
        return Answer(question, text, False, [])

    if _GREETING.match(question):
        return Answer(question, GREETING, False, [])
    if _THANKS.match(question):
        return Answer(question, THANKS, False, [])

    fields = metadata_fields(question)
    filtered = len(retrieval.doc_ids) < len(index.documents)
    if fields and (scope.doc_ids or filtered):
        answer = _metadata_answer(question, fields, retrieval, index, today)
        if answer is not None:
            return answer

    if retrieval.unresolved_reference:
        titles = "、".join(f"《{index.meta(d).short_title}》" for d in sorted(scope.doc_ids & retrieval.doc_ids))
        text = f"抱歉，{titles}中没有找到您所说编号的条款。可以通过 /api/documents 查看文件的条款目录，或直接描述想了解的内容。"
        return Answer(question, text, False, [])

    if settings.detail_rules and settings.case_rule and personal_case(question):
        return Answer(question, PERSONAL_CASE, False, [])
    referenced = any(hit.matched_by == "reference" for hit in retrieval.hits)
    if not referenced and not tokenize(retrieval.topic):  # "天津" or "重庆实施意见" alone: nothing asked yet
        return _overview(question, retrieval, index, today)

    cited = select_citations(retrieval, settings, {d.meta.id: d.meta.region for d in index.documents})
    if settings.require_support:
        evidence = evidence_words(retrieval, index, settings)
        cited = [hit for hit in cited if hit.matched_by == "reference" or supported(hit.clause, evidence)]
    if not cited:
        return Answer(question, NO_ANSWER, False, [])

    action = asked_action(question) if settings.detail_rules and settings.action_rule else None
    missing = _missing_detail(question, action) if settings.detail_rules else None
    given = True
    if missing:
        # Cite the best of the top clauses that gives the detail asked for, else the best one.
        options = [(hit, pick_quote(question, hit.clause, retrieval, index, settings)[0]) for hit in retrieval.hits[:3]]
        # The errand alone is no evidence: registering a company is not registering an account.
        besides_action = evidence_words(retrieval, index, settings, besides=action) if action else []
        giving = next(
            (
                hit
                for hit, quote in options
                if _detail_given(missing, question, hit.clause, quote, action, index.meta(hit.clause.doc_id))
                and (not action or supported(hit.clause, besides_action))
            ),
            None,
        )
        given = giving is not None
        cited = [giving or cited[0]]
    citations: list[Citation] = []
    statements: list[str] = []
    metas = {d.meta.id: d.meta for d in index.documents}
    compared = compares(scope) and not missing
    for n, hit in enumerate(cited, start=1):
        meta = metas[hit.clause.doc_id]
        whole = wants_whole_clause(question, hit) and n == 1
        # A comparison weighs whole provisions side by side; a long one gets its best few sentences.
        whole = whole or (compared and len(hit.clause.text) <= settings.compare_whole_chars)
        if whole:
            quote, departments = hit.clause.text, hit.clause.departments
        else:
            sentences = settings.compare_sentences if compared else settings.quote_sentences
            quote, departments = pick_quote(question, hit.clause, retrieval, index, settings, sentences)
        citations.append(Citation(n, hit.clause, hit.score, meta.validity(today.isoformat()), quote))
        statements.append(_statement(meta, hit.clause, quote, departments, n))
    lead, tail, answerable = "根据已收录的政策文件，相关规定如下：", "", True
    if missing and not given:
        lead, tail = _NOT_GIVEN[missing]
        answerable = False
    notes = _status_notes(citations, metas, today)
    if scope.foreign:
        notes.append(f"说明：已收录文件不涉及{'、'.join(scope.foreign)}，以上仅为{COVERED}相关文件的规定。")
    text = "\n".join([lead, *statements, *([tail] if tail else [])])
    if notes:
        text += "\n\n" + "\n".join(notes)
    return Answer(question, text, answerable, citations)


# What to say when the closest clause lacks the detail asked for: (lead line, closing line).
_NOT_GIVEN = {
    "quantity": (
        "已收录的政策文件没有规定这个具体数字（金额、比例、期限或数量）。最相关的条款只作了原则性规定：",
        "如需具体标准，请咨询该条款的责任单位或查阅配套实施细则。",
    ),
    "person": ("已收录的政策文件只规定责任单位，不载明具体人员或企业的名称，无法回答。相关条款如下：", ""),
    "procedure": (
        "已收录的政策文件没有写明申请条件、办理材料、流程、地点、联系方式或时限等具体办事信息。最相关的条款如下：",
        "具体办理事项请咨询该条款的责任单位或当地政务服务热线。",
    ),
}


# Words that frame a question ("有哪些支持/新举措") rather than name its topic.
_FRAME = frozenset("享受 扶持 支持 优惠 政策 措施 举措 办法 要求 方面 情况 工作 内容".split())


def evidence_words(
    retrieval: Retrieval, index: PolicyIndex, settings: AnswerSettings, besides: str | None = None
) -> list[str]:
    """The question's words (other than `besides`) that tell clauses apart: the corpus uses them,
    but not everywhere. Words the corpus never uses say nothing either way, since 新举措 is as
    absent as 个人所得税."""
    return [
        term
        for term in retrieval.terms
        if term != besides and term not in _FRAME and 0 < index.bm25.document_share(term) <= settings.evidence_max_share
    ]


def supported(clause: Clause, evidence: list[str]) -> bool:
    """Does the clause contain an evidence word? A question without any (平台企业能享受哪些支持)
    is left to the relevance threshold."""
    text = clause.text + "".join(clause.path)
    return not evidence or any(term in text for term in evidence)


def _detail_given(
    kind: str, question: str, clause: Clause, quote: str, action: str | None, meta: DocumentMeta
) -> bool:
    if kind == "quantity":
        return _figure_given(question, clause, quote, meta)
    if kind == "procedure":
        return _procedure_given(question, clause, action)
    return False  # policy texts name units, never people or companies


_GENERIC = frozenset("要 达到 达 到 提出 计划 目标 力争 累计 建成 打造 形成 现在 目前 具体 一般 规定 政策 文件 个 家 年 天".split())


def _figure_given(question: str, clause: Clause, quote: str, meta: DocumentMeta) -> bool:
    """Does the clause give the figure asked for? The quote must hold a number, and the words
    around the question's 多少/几 must occur in the clause or its document's title (税收返还比例
    does not; 生活性服务领域 names the document)."""
    if not re.search(r"\d", quote):
        return False
    phrase = next((p for p in re.split(r"[，。？！?!,；]", question) if _ASKS_QUANTITY.search(p)), question)
    names = {n for names in REGION_NAMES.values() for n in names}
    terms = [
        t for t in tokenize(_ASKS_QUANTITY.sub(" ", phrase))
        if len(t) >= 2 and t not in _GENERIC and t not in names and not t.isdigit()
    ]
    haystack = (clause.text + " ".join(clause.path) + meta.title).lower()  # tokens are lower-cased
    return all(t in haystack for t in terms)


def _missing_detail(question: str, action: str | None) -> str | None:
    if _ASKS_PERSON.search(question):
        return "person"
    if action or any(pattern.search(question) for pattern in _PROCEDURE):
        return "procedure"
    if _ASKS_QUANTITY.search(question):
        return "quantity"
    return None


def _procedure_given(question: str, clause: Clause, action: str | None) -> bool:
    needed = [words for pattern, words in _PROCEDURE.items() if pattern.search(question)]
    if action and len(action) == 1 and action not in word_sequence(clause.text):
        return False  # 领 as a word of its own, not inside 领域
    if action and len(action) > 1:
        needed.append((action,))
    return all(any(w in clause.text for w in words) for words in needed)


_HOW = frozenset("怎么 怎样 如何 咋 哪里 哪儿 哪".split())
_HOW_FILLERS = frozenset("去 到 在 来 才 才能 能 可以 要 进行 来说".split())
# Errands a person runs. "天津如何扶持农业电商" asks what a policy does and is not checked here:
# a policy verb (扶持, 帮助, 治理) may be phrased otherwise in the clause (dev q250, q258).
_ERRANDS = frozenset(
    "申请 办理 补办 申报 注册 投诉 举报 报名 操作 缴纳 缴费 领取 退货 退款 退税 开通 查询 预约 登记 认证 "
    "开具 续签 变更 注销 备案 报销 下载 绑定 挂号 维权 索赔 起诉 报警 报送 提交 填报 上报 递交 申领 "
    "领 交 缴 退 考 报".split()  # a one-character errand (怎么领) counts when the clause never has that character
)


def asked_action(question: str) -> str | None:
    """The errand a how-to question asks about: 补办 in 医保卡丢了怎么补办, 投诉 in 去哪投诉.

    Policy texts set directions; they answer "how do I…" only when they name the errand."""
    words = [w for w in word_sequence(question) if w.strip()]
    for i, word in enumerate(words[:-1]):
        if word not in _HOW or (word == "哪" and (i == 0 or words[i - 1] not in ("去", "到", "在"))):
            continue  # 哪 alone is "which" (哪一级), not "where"
        following = [w for w in words[i + 1 : i + 4] if w not in _HOW_FILLERS]
        action = following[0] if following else ""
        if action in _ERRANDS:
            return action
    return None


def select_citations(retrieval: Retrieval, settings: AnswerSettings, region_of: dict[str, str]) -> list[Hit]:
    hits = retrieval.hits
    if not hits:
        return []
    referenced = [h for h in hits if h.matched_by == "reference"]
    if referenced:
        return referenced[: settings.max_reference_citations]
    best = retrieval.best_dense
    has_terms = retrieval.best_content_bm25 > 0
    floor = settings.min_dense_with_terms if has_terms else settings.min_dense
    if retrieval.best_content_dense < floor:
        return []
    chosen = []
    scope = retrieval.scope
    comparing = compares(scope)  # one citation per side
    side = region_of if len(scope.regions) > 1 else {d: d for d in region_of}  # compare regions, else documents
    broad = bool(_ASKS_SUPPORT.search(retrieval.question))
    near, ratio = (
        (settings.broad_floor, settings.broad_keyword_ratio) if broad else (settings.relative_floor, settings.keyword_ratio)
    )
    top_bm25 = max((h.bm25_score for h in hits), default=0.0)
    for hit in hits:
        dense = hit.dense_score if hit.dense_score is not None else -1.0
        close = dense >= best - near and hit.bm25_score >= ratio * top_bm25
        if broad and close and any(c.clause.doc_id == hit.clause.doc_id for c in chosen):
            continue  # breadth: one clause per document
        new_side = comparing and side[hit.clause.doc_id] not in {side[c.clause.doc_id] for c in chosen}
        new_side = new_side and dense >= best - 0.08
        if not chosen or close or new_side:
            chosen.append(hit)
        if len(chosen) == settings.max_citations:
            break
    return chosen


_WHOLE_TEXT = ("原文", "全文", "怎么写", "原话", "具体内容", "讲了什么", "说了什么", "写了什么", "内容是什么", "规定了什么", "具体规定", "完整")


def compares(scope: Scope) -> bool:
    """The question sets regions or named documents side by side (天津和重庆…分别)."""
    return len(scope.regions) > 1 or len(scope.named_docs) > 1


def wants_whole_clause(question: str, hit: Hit) -> bool:
    """Officials asking for wording, or naming a clause by number, get the full clause text."""
    return hit.matched_by == "reference" or any(word in question for word in _WHOLE_TEXT)


def pick_quote(
    question: str,
    clause: Clause,
    retrieval: Retrieval,
    index: PolicyIndex,
    settings: AnswerSettings,
    max_sentences: int | None = None,
) -> tuple[str, list[Department]]:
    """The clause's sentences closest to the question, as one contiguous verbatim slice."""
    max_sentences = max_sentences or settings.quote_sentences
    sentences = split_sentences(clause.text)
    if not sentences:
        return clause.text, clause.departments
    rows = index.sentence_rows(clause.id)
    query_terms = set(tokenize(question))
    wants_figure = bool(_ASKS_QUANTITY.search(question))
    scores = np.zeros(len(sentences))
    for i, sentence in enumerate(sentences):
        terms = set(tokenize(sentence.text))
        overlap = len(query_terms & terms) / max(len(query_terms), 1)
        dense = 0.0
        if retrieval.vector is not None and i < len(rows):
            dense = float(index.sentence_vectors[rows[i]] @ retrieval.vector)
        heading_only = i == 0 and clause.heading and sentence.text.rstrip("。") == clause.heading
        figure = 0.1 if wants_figure and re.search(r"\d", sentence.text) else 0.0
        scores[i] = dense + 0.3 * overlap + figure - (0.5 if heading_only else 0.0)
    best = int(np.argmax(scores))
    first = last = best
    # Grow to a neighbouring sentence, the following one first, that scores nearly as well (any
    # neighbour when more sentences were asked for, as comparisons do): quotes stay contiguous, and a
    # bare heading is left out.
    margin = 0.03 if max_sentences <= settings.quote_sentences else np.inf
    while last - first + 1 < max_sentences:
        options = [i for i in (last + 1, first - 1) if 0 <= i < len(sentences) and not (i == 0 and scores[0] < 0)]
        options = [i for i in options if scores[i] >= scores[best] - margin]
        if not options:
            break
        pick = options[0]
        first, last = min(first, pick), max(last, pick)
    quote = clause.text[sentences[first].start : sentences[last].end]
    if "\n" in quote or department_spans(quote):
        quote = sentences[best].text
        first = last = best
    departments: list[Department] = []
    for i in range(first, last + 1):
        for d in sentences[i].departments:
            if d not in departments:
                departments.append(d)
    return quote, departments


def _statement(meta: DocumentMeta, clause: Clause, quote: str, departments: list[Department], n: int) -> str:
    where = f"《{meta.short_title}》{clause.label}"
    if clause.heading and clause.label not in ("序言", "结语"):
        where += f" {clause.heading}"
    line = f"{n}. {where}：「{quote}」"
    if departments:
        names = "、".join(f"{d.name}（牵头）" if d.lead else d.name for d in departments)
        line += f"责任单位：{names}。"
    return line + f"[{n}]"


def _status_notes(citations: list[Citation], metas: dict[str, DocumentMeta], today: date) -> list[str]:
    """A draft or expired document gets a note, ending with the markers of its citations."""
    notes = []
    for doc_id in dict.fromkeys(c.clause.doc_id for c in citations):
        meta = metas[doc_id]
        parts = []
        if meta.status == "征求意见稿":
            parts.append("为征求意见稿，并非正式印发的文件")
        if meta.valid_until and today.isoformat() > meta.valid_until:
            parts.append(f"已于{_cn_date(meta.valid_until)}废止")
        elif meta.valid_until:
            parts.append(f"有效期至{_cn_date(meta.valid_until)}")
        if parts:
            markers = "".join(f"[{c.n}]" for c in citations if c.clause.doc_id == doc_id)
            notes.append(f"注意：《{meta.short_title}》{'，且'.join(parts)}，相关内容仅供参考。{markers}")
    return notes


def _overview(question: str, retrieval: Retrieval, index: PolicyIndex, today: date) -> Answer:
    """A question that names only places or documents gets what is there to ask about."""
    wanted = retrieval.scope.doc_ids & retrieval.doc_ids if retrieval.scope.doc_ids else retrieval.doc_ids
    documents = [d for d in index.documents if d.meta.id in wanted]
    lines = [f"已收录{len(documents)}份相关政策文件："]
    for n, document in enumerate(documents, start=1):
        meta = document.meta
        parts = list(dict.fromkeys(c.path[0] for c in document.clauses if c.path))
        outline = "、".join(parts[:8]) + ("等" if len(parts) > 8 else "")
        lines.append(f"{n}. 《{meta.short_title}》（{meta.title}），{meta.validity(today.isoformat())}；主要内容：{outline}。")
    lines.append("请说明想了解的具体内容，例如支持政策、责任部门、目标数字，或某一条款（如“二（三）”）。")
    return Answer(question, "\n".join(lines), False, [])


def _cn_date(iso: str) -> str:
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{year}年{month}月{day}日"


def _metadata_answer(
    question: str, fields: list[str], retrieval: Retrieval, index: PolicyIndex, today: date
) -> Answer | None:
    """Answer 文号 / 日期 / 发文机关 / 有效性 questions from document metadata."""
    wanted = retrieval.scope.doc_ids & retrieval.doc_ids if retrieval.scope.doc_ids else retrieval.doc_ids
    metas = [d.meta for d in index.documents if d.meta.id in wanted]
    if not metas or len(metas) > 3:
        return None
    if len(fields) > 1 and "status" in fields:  # 征求意见稿 here names the document rather than asks about it
        fields = [f for f in fields if f != "status"]
    lines: list[str] = []
    citations: list[Citation] = []
    unknown = 0
    for meta in metas:
        name = f"《{meta.short_title}》（{meta.title}）"
        for field in fields:
            if field == "doc_number":
                value = meta.doc_number
                lines.append(f"{name}的文号是{value}。" if value else f"{name}的文本未载明文号。")
                unknown += value is None
            elif field == "date":
                value = meta.date
                lines.append(f"{name}落款日期为{_cn_date(value)}。" if value else f"{name}的文本未载明发布日期。")
                unknown += value is None
            elif field == "issuer":
                value = meta.issuer
                lines.append(f"{name}的发文机关是{value}。" if value else f"{name}的文本未载明发文机关。")
                unknown += value is None
            elif field == "disclosure":
                value = meta.disclosure
                lines.append(f"{name}文末注明“此件{value}”。" if value else f"{name}的文本未注明公开属性。")
                unknown += value is None
            elif field == "addressees":
                value = index.document(meta.id).addressees
                lines.append(f"{name}的主送单位：{value.rstrip('：:')}。" if value else f"{name}的文本未列主送单位。")
                unknown += value is None
            elif field in ("validity", "status"):
                state = meta.validity(today.isoformat())
                text = f"{name}"
                text += "是征求意见稿" if meta.status == "征求意见稿" else "是正式文件"
                if meta.valid_until:
                    verb = "已于" if state == "已废止" else "将于"
                    text += f"，{verb}{_cn_date(meta.valid_until)}废止"
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
    return Answer(question, "\n".join(lines), answerable, citations)
