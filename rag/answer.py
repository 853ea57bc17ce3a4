"""Compose a cited Chinese answer from retrieved clauses, without an LLM.

Every quote is a verbatim slice of the cited clause, set in 「」, and every statement
ends with its citation marker [n]. When nothing relevant was retrieved, say so.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from .asks import (
    ASKS_CONDITIONS,
    ASKS_DEPARTMENT,
    ASKS_FIGURE,
    ASKS_SUPPORT,
    PROCEDURE,
    STATES_CONDITIONS,
    WHOLE_TEXT,
    asked_action,
    missing_detail,
    quantity_asked,
)
from .bm25 import TELLING_SHARE
from .expand import synonyms
from .judge import Judgement, ruled
from .index import PolicyIndex
from .intent import NATIONAL, Scope, place_spans
from .metadata import about_metadata, cn_date, metadata_answer, overview
from .parse import clause_path, department_spans
from .records import DRAFT_STATUSES, Answer, Citation, Clause, Department, DocumentMeta, Hit
from .retrieve import Retrieval
from .sentences import split_sentences
from .tokens import abbreviates, names_a_thing, part_of_speech, parts, tokenize, without_question_words, word_sequence, words, written_forms

def covered(index: PolicyIndex) -> str:
    """What the corpus holds, from the documents loaded: "北京、广州、江苏的4份政策文件"."""
    regions = "、".join(dict.fromkeys(d.meta.region for d in index.documents if d.meta.region))
    return f"{regions}的{len(index.documents)}份政策文件" if regions else f"{len(index.documents)}份政策文件"


def example_question(index: PolicyIndex) -> str:
    """A question the corpus answers, from the first measure with a heading and responsible units:
    "《文件》对…有什么规定？"."""
    for document in index.documents:
        clause = next((c for c in document.clauses if c.heading and c.departments), None)
        if clause is not None:
            return f"《{document.meta.short_title}》对{clause.heading.rstrip('。')}有什么规定？"
    return "某项政策的具体规定是什么？"


def greeting(index: PolicyIndex) -> str:
    return (
        f"您好！我是政策问答助手，回答已收录的{covered(index)}的问题，每个回答都引用条款原文并标明出处。"
        f"可以这样问：“{example_question(index)}”"
    )


def unclear_followup(question: str, index: PolicyIndex) -> Answer:
    """A follow-up that points back (这条, 它, 第二条) at nothing the conversation gives: say what was
    understood and ask for the topic, instead of answering something else."""
    text = (
        f"我理解“{question}”是在接着前面的对话追问，但前面的回答中没有可以对应的条款或文件，"
        f"无法确定您指的是哪一项。请把要问的事项说完整，例如“{example_question(index)}”"
    )
    return Answer(question, text, False, [], "unclear_followup")


THANKS = "不客气！还有其他政策问题，欢迎继续提问。"
TASK = (
    "抱歉，我只根据已收录的政策文件回答问题并引用条款原文，不代写文章、诗歌或计划书，也不做翻译。"
    "可以问我某项政策的具体规定。"
)


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
    list_quote_chars: int = 400  # a quote ending 以下条件： goes on through the list it opens, up to this length
    detail_rules: bool = True  # decline questions after a figure, person or procedure the clause lacks
    action_rule: bool = True  # … including "怎么补办/去哪投诉" when the clause never names that action
    use_judge: bool = True  # let the judge's learned models decline (rag/judge.py); off to measure the rules alone
    # Cite a clause found by search only if it contains one of the question's own words (or a synonym's
    # policy term) that the corpus uses but not everywhere: 骑手 + 投诉 is not answered by a 投诉 clause alone.
    require_support: bool = True
    evidence_max_share: float = TELLING_SHARE  # words in more windows than this (企业, 支持, 负责) are no evidence




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


# jieba's tags of adjectives and adverbs: how a question asks (具体, 到底), not what it asks about.
_HOW_ASKED_TAGS = frozenset("a ad d".split())


def answer_question(
    question: str,
    retrieval: Retrieval,
    judgement: Judgement,
    index: PolicyIndex,
    today: date,
    settings: AnswerSettings | None = None,
) -> Answer:
    """Compose the answer. `judgement` (rag/judge.py) decided whether to answer; this says it in words,
    answers document-metadata questions, and checks that the detail asked for is in the quote."""
    settings = settings or AnswerSettings()
    scope = retrieval.scope
    if not judgement.answerable and judgement.reason in _SETTLED_FIRST:
        return _decline(question, judgement, retrieval, index)
    evidence = evidence_words(retrieval, index, settings)
    fields = list(judgement.fields)
    filtered = len(retrieval.doc_ids) < len(index.documents)
    # 广州的专项政策什么时候出台 asks about something the document plans, not about the document.
    # Not how it asks either (具体, 到底: adjectives and adverbs).
    inside = [w for w in evidence if not about_metadata(w) and part_of_speech(w) not in _HOW_ASKED_TAGS]
    if fields and (scope.doc_ids or filtered) and not inside:
        answer = metadata_answer(question, fields, retrieval, index, today)
        if answer is not None:
            return answer
    if judgement.reason == "overview":
        return overview(question, retrieval, index, today)
    if not judgement.answerable:
        return _decline(question, judgement, retrieval, index)

    if settings.require_support:
        # Rank only the clauses that hold an evidence word: a clause found by 满足…条件 alone gives way
        # to the one on 首违不罚.
        kept = [hit for hit in retrieval.hits if hit.looked_up or supported(hit.clause, evidence)]
        retrieval = replace(retrieval, hits=kept)
    cited = select_citations(retrieval, settings, {d.meta.id: d.meta.region for d in index.documents})
    if not cited:
        return _decline(question, ruled(False, "not_in_documents"), retrieval, index)

    known = lambda word: index.bm25.document_share(word) > 0  # noqa: E731
    worded = written_forms(question)  # 要带啥材料 asks for 什么材料
    action = asked_action(worded, known) if settings.detail_rules and settings.action_rule else None
    missing = missing_detail(worded, action) if settings.detail_rules else None
    if missing == "definition" and compares(scope):
        missing = None  # 北京和广州有什么区别 compares regions, not notions
    given = True
    if missing:
        # Cite the best of the top clauses that gives the detail asked for, else the best one.
        options = [(hit, pick_quote(question, hit.clause, retrieval, index, settings)[0]) for hit in retrieval.hits[:3]]
        # The detail must be given on the question's topic, which the corpus must know: a clause on 设立手续
        # does not answer 电动车上牌需要什么手续. The errand alone is no topic either: registering a
        # company is not registering an account.
        topic = evidence_words(retrieval, index, settings, besides=action)
        giving = next(
            (
                hit
                for hit, quote in options
                if _detail_given(missing, worded, hit.clause, quote, action, index.meta(hit.clause.doc_id), known)
                and topic
                and supported(hit.clause, topic)
            ),
            None,
        )
        given = giving is not None
        if not given and not topic and _unknown_words(retrieval, index):
            # 电动车上牌需要什么手续: the corpus never names the topic, so no clause is "closest"
            return _decline(question, ruled(False, "not_in_documents"), retrieval, index)
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
    for item in _list_items(citations, index, settings):  # 符合以下条件的： whose conditions are clauses of their own
        n = len(citations) + 1
        meta = metas[item.doc_id]
        citations.append(Citation(n, item, citations[-1].score, meta.validity(today.isoformat()), item.text))
        statements.append(_statement(meta, item, item.text, item.departments, n))
    lead, tail, answerable = "根据已收录的政策文件，相关规定如下：", "", True
    if missing and not given:
        lead, tail = _NOT_GIVEN[missing]
        answerable = False
    notes = answer_notes(question, citations, retrieval, index, today)
    text = "\n".join([lead, *statements, *([tail] if tail else [])])
    if notes:
        text += "\n\n" + "\n".join(notes)
    return Answer(question, text, answerable, citations, "answered" if answerable else "detail_not_given")


def _list_items(citations: list[Citation], index: PolicyIndex, settings: AnswerSettings) -> list[Clause]:
    """The items a cited clause opens and ends with (以下条件：), when the document numbers them as
    clauses of their own (五（二）1 then 五（二）1.（1）, 1.（2）), up to the citations a reference may list."""
    cited = {c.clause.id for c in citations}
    items: list[Clause] = []
    for citation in citations:
        clause = citation.clause
        if not (citation.quote.endswith(("：", ":")) and clause.text.rstrip().endswith(citation.quote)):
            continue
        path = clause_path(clause.id)
        for child in index.document(clause.doc_id).clauses:
            child_path = clause_path(child.id)
            if child_path[: len(path)] == path and len(child_path) == len(path) + 1 and child.id not in cited:
                items.append(child)
    return items[: max(0, settings.max_reference_citations - len(citations))]


def answer_notes(question: str, citations: list[Citation], retrieval: Retrieval, index: PolicyIndex, today: date) -> list[str]:
    """Notes under an answer: drafts, lapsed or not yet in force documents; national provisions that
    apply to the place named; places the corpus does not cover."""
    metas = {d.meta.id: d.meta for d in index.documents}
    notes = _status_notes(citations, metas, today)
    if citations and ASKS_DEPARTMENT.search(question) and not any(c.clause.departments for c in citations):
        notes.append("说明：所引条款未列明责任单位。")  # asked who is responsible: say the text does not tell
    if place_spans(question):  # a place was named: say which provisions are national and apply there too
        notes += _national_notes(citations, metas)
    if retrieval.scope.foreign:
        notes.append(f"说明：已收录文件不涉及{'、'.join(retrieval.scope.foreign)}，以上仅为{covered(index)}中的规定。")
    return notes


# Declines that stand before document metadata is consulted: a greeting or a question in English
# is never a 文号 question.
_SETTLED_FIRST = frozenset({"small_talk", "other_language", "region_not_covered", "document_not_held"})


def _decline(question: str, judgement: Judgement, retrieval: Retrieval, index: PolicyIndex) -> Answer:
    """The judge's decline in words: why, and what the corpus does cover (from the loaded documents).
    Nothing is cited."""
    reason, detail, holds = judgement.reason, judgement.detail, covered(index)
    if reason == "small_talk" and detail:
        text = {"greeting": greeting(index), "thanks": THANKS, "task": TASK}[detail[0]]
    elif reason == "small_talk":
        text = f"抱歉，这个问题与已收录的政策文件无关，无法回答。我回答{holds}的问题，例如：“{example_question(index)}”"
    elif reason == "personal_case":
        text = (
            "抱歉，这是具体的个人情况或纠纷。政策文件只规定政策方向和部门职责，不对个案作出认定，无法据此回答。"
            "个案请向相关主管部门反映，或拨打12345政务服务便民热线咨询。"
        )
    elif reason == "other_language":
        example = example_question(index)
        text = (
            f"抱歉，本服务只用中文回答已收录政策文件（{holds}）的问题。可以这样问：“{example}”\n"
            "This service answers questions, in Chinese, about the Chinese policy documents it holds; "
            f"for example: “{example}”"
        )
    elif reason == "region_not_covered":
        text = (
            f"抱歉，已收录的政策文件只涉及{holds}，没有{'、'.join(detail)}的政策，无法回答这个问题。"
            "请查阅当地政府门户网站，或改问已收录地区的政策。"
        )
    elif reason == "document_not_held":
        text = (
            f"抱歉，已收录的政策文件不包括{'、'.join(f'《{t}》' for t in detail)}，也没有引用它，无法回答。"
            f"目前收录的是{holds}。"
        )
    elif reason == "unknown_reference":
        scope = retrieval.scope
        titles = "、".join(f"《{index.meta(d).short_title}》" for d in sorted(scope.doc_ids & retrieval.doc_ids))
        text = f"抱歉，{titles}中没有找到您所说编号的条款。可以通过 /api/documents 查看文件的条款目录，或直接描述想了解的内容。"
    else:  # not_in_documents
        text = f"抱歉，在已收录的政策文件中没有找到能回答这个问题的条款。目前收录的是{holds}；可以换个说法，或指明地区、文件后再问。"
    return Answer(question, text, False, [], reason)


# What to say when the closest clause lacks the detail asked for: (lead line, closing line).
_NOT_GIVEN = {
    "quantity": (
        "已收录的政策文件没有规定这个具体数字（金额、比例、期限或数量）。最相关的条款只作了原则性规定：",
        "如需具体标准，请咨询该条款的责任单位或查阅配套实施细则。",
    ),
    "person": ("已收录的政策文件只规定责任单位，不载明具体人员或企业的名称，无法回答。相关条款如下：", ""),
    "opinion": ("已收录的政策文件只作政策规定，不评价难易、好坏或值不值得，无法回答。相关条款如下：", ""),
    "definition": ("已收录的政策文件没有给出这个概念的定义或解释。提到它的条款如下：", ""),
    "forecast": ("已收录的政策文件只规定现行措施，不预告今后的政策变化，无法回答。相关条款如下：", ""),
    "procedure": (
        "已收录的政策文件没有写明申请条件、办理材料、流程、地点、联系方式或时限等具体办事信息。最相关的条款如下：",
        "具体办理事项请咨询该条款的责任单位或当地政务服务热线。",
    ),
}


# Words that frame a question ("有哪些支持/新举措") rather than name its topic.
# So are the details a question asks for (条件, 资质, 材料): a clause on 资质资格 does not answer
# 火锅底料出口需要什么资质.
_FRAME = frozenset(
    "享受 扶持 支持 优惠 政策 措施 举措 办法 要求 方面 情况 工作 内容 影响 作用 "
    "需要 满足 具备 符合 条件 资格 资质 材料 流程 手续".split()
)


def evidence_words(
    retrieval: Retrieval, index: PolicyIndex, settings: AnswerSettings, besides: str | None = None
) -> list[str]:
    """The question's words (other than `besides`) that tell clauses apart: the corpus uses them,
    but not everywhere. Words the corpus never uses say nothing either way, since 新举措 is as
    absent as 个人所得税."""
    # The errand's own policy terms (投诉 → 投诉举报, 消费者权益) are no more evidence than the errand.
    excluded = _FRAME | ({besides, *words(" ".join(synonyms().get(besides, ())))} if besides else set())
    return [
        term
        for term in retrieval.terms
        if term not in excluded and (index.bm25.telling(term, settings.evidence_max_share) or _shortened(term, index))
    ]


_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]+")


def _shortened(term: str, index: PolicyIndex) -> bool:
    """A name the corpus writes only in full (个体户 for 个体工商户): evidence where the full form is.
    A noun, and (`_shortens`) three Chinese characters at least."""
    return (
        index.bm25.document_share(term) == 0 and names_a_thing(term)
        and any(_shortens(term, clause.text) for clause in index.clauses)
    )  # fmt: skip


def _shortens(term: str, text: str) -> bool:
    """Does the term shorten a name the text writes in full? Three Chinese characters at least: two
    are found in order by chance, and a number (2026) shortens nothing."""
    return len(term) >= 3 and _HAN_ONLY.fullmatch(term) is not None and abbreviates(term, text)


def _unknown_words(retrieval: Retrieval, index: PolicyIndex) -> list[str]:
    return [term for term in retrieval.terms if term not in _FRAME and index.bm25.document_share(term) == 0]


def supported(clause: Clause, evidence: list[str]) -> bool:
    """Does the clause contain an evidence word? A question without any (平台企业能享受哪些支持)
    is left to the relevance threshold."""
    text = clause.text + "".join(clause.path)
    return not evidence or any(term in text or _shortens(term, clause.text) for term in evidence)


def _detail_given(
    kind: str, question: str, clause: Clause, quote: str, action: str | None, meta: DocumentMeta,
    known: Callable[[str], bool] | None = None,
) -> bool:
    if kind == "quantity":
        return _figure_given(question, clause, quote, meta, known)
    if kind == "procedure":
        return _procedure_given(question, clause, quote, action)
    if kind == "definition":
        return bool(re.search(r"是指|指的是|是一种|定义为", quote))
    return False  # policy texts name units, never people or companies; they pass no judgements, make no forecasts


_GENERIC = frozenset("要 达到 达 到 提出 计划 目标 力争 累计 建成 打造 形成 现在 目前 具体 一般 规定 政策 文件 个 家 年 天".split())


# A number standing alone: B2B, O2O and 5G are names, not figures. Written in words, a numeral with what
# it counts (四大基础数据库, 两个中心, 十项行动); not 一, which is mostly no number (一批, 一体化, 一网通办).
_FIGURE = re.compile(r"(?<![A-Za-z])\d+(?![A-Za-z\d])|(?<![一二三四五六七八九十])[两二三四五六七八九十][十百千万]?[大个项家类条批座所]")
# A numeral with its measure word (一次, 两个, 三家) counts; it is not what is counted.
_COUNTED = re.compile(r"[一两二三四五六七八九十几]+[次个家项条届批种位]")
# A frequency is a figure of time written in words (按季度, 每半年, 每年): it answers 多久一次.
_FREQUENCY = re.compile(r"[按每][一两三四五六半]?个?(?:季度|年度|年|月|周|日|天)(?![龄期])")  # not 按年龄, 按日期
_ASKS_TIME = re.compile(r"什么时候|何时|哪一?年|多久|多长时间|期限")
# What a figure asked for is counted in: an amount in 元, a share in %, a time in years, months, days.
# 培育5个以上 gives no amount, and 2022年 no share.
_FIGURE_UNITS = (
    (re.compile(r"金额|多少钱|几块钱|资金|(补贴|奖励|补助|资助|投资|扶持)(多少|几)"), re.compile(r"\d[\d.,]*\s*[万亿千]?元")),
    (re.compile(r"比例|百分之|占比|百分比|[几多少]成"), re.compile(r"\d[\d.]*\s*[%％]|百分之|[一二三四五六七八九]成")),
    (_ASKS_TIME, re.compile(r"\d{4}\s*年|\d+\s*个?(?:月|日|天|年|工作日)|" + _FREQUENCY.pattern)),
)


def _figure_given(
    question: str, clause: Clause, quote: str, meta: DocumentMeta, known: Callable[[str], bool] | None = None
) -> bool:
    """Does the clause give the figure asked for? The quote must hold a number (or, for a time, a
    frequency), in the unit asked for (an amount, a share, a time), and the words around the question's 多少/几 must occur in the
    clause or its document's title (税收返还比例 does not; 生活性服务领域 names the document)."""
    phrase = quantity_asked(question) or question
    if not (_FIGURE.search(quote) or _FREQUENCY.search(quote) and _ASKS_TIME.search(phrase)):
        return False
    if any(asks.search(phrase) and not unit.search(quote) for asks, unit in _FIGURE_UNITS):
        return False
    names = {phrase[start:end] for start, end in place_spans(phrase)}
    names |= {t for name in names for t in tokenize(name)}
    terms = [
        t for t in tokenize(without_question_words(ASKS_FIGURE.sub(" ", phrase)))
        if len(t) >= 2 and t not in _GENERIC and t not in names and not t.isdigit() and not _COUNTED.fullmatch(t)
        and not _told_only(t, known)
    ]
    haystack = (clause.text + " ".join(clause.path) + meta.title).lower()  # tokens are lower-cased
    # A compound the clause does not use counts when its parts are there: 要建 in 累计建成.
    missing = sum(not (t in haystack or _parts_in(t, haystack)) for t in terms)
    return missing == 0 or (missing == 1 and len(terms) >= 4)  # a long phrase may word one term otherwise (网上/网络)


# jieba's tags of the words that tell rather than name: verbs, adverbs, places and directions, pronouns,
# prepositions, conjunctions, particles, interjections (想, 知道, 到底, 市里, 里).
_TELLING_TAGS = frozenset("v vd vg d s f r p c u uj ul uz ug ud uv y e".split())


def _told_only(term: str, known: Callable[[str], bool] | None) -> bool:
    """A word of the telling around a figure (想知道, 市里, 到底), not of what is counted: the corpus
    never uses it and each of its dictionary parts tells. GDP, 万元 and 奖励标准 are what is counted."""
    if known is None or known(term):
        return False
    return all(part_of_speech(p) in _TELLING_TAGS for p in parts(term))


def _parts_in(term: str, haystack: str) -> bool:
    """Are the dictionary parts of a compound (要, 建 of 要建) in the haystack, or generic?"""
    pieces = parts(term)
    return len(pieces) > 1 and all(p in haystack or p in _GENERIC for p in pieces)


def _procedure_given(question: str, clause: Clause, quote: str, action: str | None) -> bool:
    """The errand and the details asked for must be named where the clause speaks of the topic (its
    heading or the sentences quoted): 申请 elsewhere in 四（二） does not tell how to apply for 高新技术企业,
    and 经营地址 of pharmacies is not a bureau's address."""
    where = clause.heading + quote
    needed = [words for pattern, words in PROCEDURE.items() if pattern.search(question)]
    if action and len(action) == 1 and action not in word_sequence(where):
        return False  # 领 as a word of its own, not inside 领域
    if action and len(action) > 1:
        needed.append((action,))
    if ASKS_CONDITIONS.search(question) and not STATES_CONDITIONS.search(quote):
        return False
    return all(any(w in where for w in words) for words in needed)


def select_citations(retrieval: Retrieval, settings: AnswerSettings, region_of: dict[str, str]) -> list[Hit]:
    hits = retrieval.hits
    if not hits:
        return []
    referenced = [h for h in hits if h.matched_by == "reference"]
    if referenced:
        return referenced[: settings.max_reference_citations]
    holding = [h for h in hits if h.matched_by == "phrase"]
    if holding:  # 哪个文件提到了阳光厨房: the clauses that say it
        return holding[: settings.max_citations]
    best = retrieval.best_dense
    has_terms = retrieval.best_content_bm25 > 0
    floor = settings.min_dense_with_terms if has_terms else settings.min_dense
    if retrieval.best_content_dense < floor:
        return []
    chosen = []
    scope = retrieval.scope
    comparing = compares(scope)  # one citation per side
    side = region_of if len(scope.regions) > 1 else {d: d for d in region_of}  # compare regions, else documents
    broad = bool(ASKS_SUPPORT.search(retrieval.question))
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


def compares(scope: Scope) -> bool:
    """The question sets regions or named documents side by side (北京和广州…分别)."""
    return len(scope.regions) > 1 or len(scope.named_docs) > 1


def wants_whole_clause(question: str, hit: Hit) -> bool:
    """Officials asking for wording, or naming a clause by number, get the full clause text."""
    return hit.matched_by == "reference" or any(word in question for word in WHOLE_TEXT)


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
    wants_figure = quantity_asked(question) is not None
    scores = np.zeros(len(sentences))
    for i, sentence in enumerate(sentences):
        terms = set(tokenize(sentence.text))
        overlap = len(query_terms & terms) / max(len(query_terms), 1)
        dense = 0.0
        if retrieval.vector is not None and i < len(rows):
            dense = float(index.sentence_vectors[rows[i]] @ retrieval.vector)
        heading_only = i == 0 and clause.heading and sentence.text.rstrip("。") == clause.heading
        figure = 0.1 if wants_figure and _FIGURE.search(sentence.text) else 0.0
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
    # 应当符合以下条件： says nothing by itself: the list it opens is the answer, its items (which may be
    # lines) to the list's end.
    opens = quote.endswith(("：", ":"))
    while opens and last + 1 < len(sentences) and (quote.endswith(("：", ":")) or not quote.rstrip().endswith("。")):
        longer = clause.text[sentences[first].start : sentences[last + 1].end]
        if len(longer) > settings.list_quote_chars or department_spans(longer):
            break
        quote, last = longer, last + 1
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


def _national_notes(citations: list[Citation], metas: dict[str, DocumentMeta]) -> list[str]:
    """A national document cited for a question about a place: its provisions apply everywhere."""
    national = [d for d in dict.fromkeys(c.clause.doc_id for c in citations) if metas[d].region == NATIONAL]
    return [
        f"说明：《{metas[d].short_title}》是全国性规定，适用于各地区。" + "".join(f"[{c.n}]" for c in citations if c.clause.doc_id == d)
        for d in national
    ]


def _status_notes(citations: list[Citation], metas: dict[str, DocumentMeta], today: date) -> list[str]:
    """A draft or expired document gets a note, ending with the markers of its citations."""
    notes = []
    for doc_id in dict.fromkeys(c.clause.doc_id for c in citations):
        meta = metas[doc_id]
        parts = []
        if meta.status in DRAFT_STATUSES:
            parts.append(f"为{meta.status}，并非正式印发的文件")
        if meta.valid_until and today.isoformat() > meta.valid_until:
            parts.append(f"已于{cn_date(meta.valid_until)}废止")
        elif meta.valid_until:
            parts.append(f"有效期至{cn_date(meta.valid_until)}")
        if parts:
            markers = "".join(f"[{c.n}]" for c in citations if c.clause.doc_id == doc_id)
            notes.append(f"注意：《{meta.short_title}》{'，且'.join(parts)}，相关内容仅供参考。{markers}")
    return notes
