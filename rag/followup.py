"""Follow-up questions: what an elliptical question means, given the conversation so far.

The first stage of answering a turn (understand → retrieve → judge → compose), without a language
model. The classes are those of Chinese ellipsis, not words of particular questions:

- **deixis**: a demonstrative or pronoun pointing at what the last answer cited — a clause (这条,
  该条, 上面第2条, 第一条 when no document is named) or its document (这个政策, 这份文件, 它). The
  pointer is replaced by the clause's or document's name: "这条由哪些部门负责？" →
  "《北京数字消费实施方案》（三）由哪些部门负责？".
- **switch**: a place or document named with no topic of its own (那广州呢？ 生产性服务那份呢？
  广州的文件又是咋写的): the last question is asked again of it, or only its subject when the
  follow-up asks another kind of detail (咋写的 after 要建到多少个).
- **carry**: a question that names nothing and has no topic of its own, or is short once its
  question words are out (还有别的支持吗？ 具体怎么申请？ 有没有说要引进多少家): it continues the last
  question's topic; a longer one whose own words the documents last cited use is scoped to that answer's
  document (冷链物流这块呢 有啥安排).
- anything else is **self-contained** and inherits nothing: neither the topic nor the region.

"A topic of its own" is read from the corpus, not listed: a word that tells clauses apart (the
corpus uses it, but not nearly everywhere), or a noun the corpus never uses (房贷, 公积金). The pipeline
keeps a personal case as asked (rag/pipeline.py).

A follow-up that points back when there is nothing to point at is `understood=False`: the answer
says so and asks for the topic instead of answering something else. The server stays stateless:
the client sends the history, each turn is resolved again from it.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal

from .asks import ASKS_DEPARTMENT, WHICH_DOCUMENT, missing_detail, small_talk
from .corpus import Document
from .expand import synonyms
from .index import PolicyIndex
from .intent import ANY_DOCUMENT, DOCUMENT_KINDS, abbreviated, detect_scope, document_names, place_spans
from .metadata import about_metadata, metadata_fields
from .parse import cn_number
from .tokens import longest_first, names_a_thing, tokenize, without_question_words, word_boundaries, word_sequence

How = Literal["none", "deixis", "switch", "carry"]

_NUMBER = "0-9一二三四五六七八九十"
# Demonstratives and pronouns that point at a cited clause (这条, 刚那段, 这句话), or at its document.
_CLAUSE_POINTER = re.compile(rf"(?:上面|上述|刚才|前面)?(?:的)?第([{_NUMBER}]+)(?:条|个|项)(?!款)|(?:刚才|刚刚|刚|前面)?(?:这|该|此|那|上面这?)一?(?:条|款|项|段|句)(?!政策|文件|规定|措施|工作|意见|方案|时间|时期|日子|路)(?:条款|内容|话)?")
_ANY_KIND, _KINDS = ANY_DOCUMENT, DOCUMENT_KINDS  # how documents are called (rag/intent.py)
# A locative with nothing before it (那里面…, 里头有没有…) is inside what was last spoken of.
_DOCUMENT_POINTER = re.compile(
    rf"(?:这|该|此|那|上述|上面)(?:个|份|项|部|一)?(?:{_ANY_KIND}|规定|{_KINDS}|措施)|(?:这|该|此|那)[份部]"
    rf"|^(?:上面|刚才)?(?:这|那)个?(?=是)|^(?:那么?|在)?(?:这|那)?(?:里面|里头|里边)|它们?|其中|其"
)
# The first or the last of what was cited (前者 / 后面那个 / 最后一条).
_ORDINAL_POINTER = re.compile(r"(?P<last>后面|后一|最后)(?:那|一)?[个条项]|(?P<first>前面|前一)(?:那|一)?个|(?P<latter>后者)|(?P<former>前者)")
# What is left of a question once names, pointers, punctuation and sentence particles are taken out.
_PARTICLES = re.compile(r"[\s，。？！?!、；：“”\"'（）()《》]|[呢吗吧啊呀嘛哦]|^(?:那么?|还有|那请问|请问)")
# A pointer right after a document's name, part of the name (生活性服务那份, 新型消费这个方案).
_NAMED_POINTER = re.compile(rf"的?(?:这|那|该)(?:[个份部项](?:{_ANY_KIND}|{_KINDS})?|(?:{_ANY_KIND}|{_KINDS}))")
# What in such a pointer says it is a document: a kind, or 份 / 部 (那份, 这部).
_KIND_NAMED = re.compile(rf"{_ANY_KIND}|{_KINDS}|[份部]")
# A question after the document itself (哪个文件提到了…): it cannot be scoped to the last one.
_WHICH_DOCUMENT = re.compile(WHICH_DOCUMENT)
# A kind of document, named with what makes it one (指导意见, 管理办法).
_KIND = re.compile(rf"([\u4e00-\u9fff]{{2,4}}?)(?:{_KINDS}|规定)")
# Where a name ends a phrase of place: 方案里, 文件中, 意见上.
_POSTPOSITION = re.compile(r"[里中内上]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# What opens a turn without being asked (换个问题，另外问下，顺便问一嘴): conversation, not topic.
_OPENER = re.compile(r"^(?:[再还]?换个(?:问题|话题|事儿?)|另外(?:再)?(?:问下|问一下|想问一下|想问)?|顺便(?:再)?问(?:一嘴|一下|下)?|[再还]?问个别的|我?(?:还)?想(?:再)?问(?:一下|下)?|请问)[，,：:、\s]*")
# "The same" pointing back at what was asked (也一样, 类似的, 差不多的提法, 也能这么弄); not 这样的 before a
# noun of the question's own (这样的新业态).
_LIKEWISE = re.compile(r"(?:类似|一样|同样|差不多|相同|这样|这么)(?!的[\u4e00-\u9fff])")
_CONJUNCTION = re.compile(r"[和与及跟、]|以及|还有")
CARRY_REST = 8  # characters: "具体怎么申请", "有没有时间要求"


@dataclass
class Turn:
    role: Literal["user", "assistant"]
    content: str
    citations: list[str] = field(default_factory=list)  # clause ids the assistant cited, in order


@dataclass
class Resolution:
    question: str  # the self-contained question to answer
    how: How
    understood: bool = True  # False: it points back, but at nothing
    # A switch asks the last question of another place: only a clause on what the last answer was
    # about (the last question's words that every clause it cited uses) answers it there.
    about: tuple[str, ...] = ()
    # A question of its own that names no place nor document, in a conversation that had one: where
    # to look when nothing answers it as it stands (the last answer's document, or the one place the
    # last question named), as (region, doc_id).
    within: tuple[str | None, str | None] | None = None
    # The same turn read as continuing the last answer (what it was about, in its document, then
    # this turn), with what that answer cited: tried when the turn is declined as it stands yet what
    # it finds as it stands is one of those clauses (有没有给个数 / 括号里是哪几家 after that clause).
    continued: str | None = None
    cited: tuple[str, ...] = ()


def resolve(question: str, history: list[Turn] | None, index: PolicyIndex) -> Resolution:
    """The question as it is meant after `history` (oldest turn first)."""
    topic: str | None = None  # the last self-contained or resolved user question
    cited: list[str] = []
    shown: list[str] = []  # what the last answer that cited anything cited
    for turn in history or []:
        if turn.role == "assistant":
            cited = [c for c in turn.citations if index.clause(c) is not None]  # unknown ids are ignored
            shown = cited or shown
            continue
        earlier = _resolve_one(turn.content, topic, cited, index, shown)
        topic = earlier.question if earlier.understood and _has_topic(earlier.question, index) else topic
        cited = []
    if not history:
        return Resolution(_titled(question, index), "none")
    return _resolve_one(question, topic, cited, index, shown)


def _resolve_one(
    question: str, topic: str | None, cited: list[str], index: PolicyIndex, shown: list[str] | None = None
) -> Resolution:
    """`cited`: what the last answer cited; `shown`: what the last answer that cited anything cited,
    which a pointer still reaches after a decline (刚才那条 after 没有找到)."""
    question = _titled(question, index)
    pointer = _CLAUSE_POINTER.search(question)
    scope = detect_scope(question, index.documents)
    named_docs = scope.named_docs
    ordinal = _ORDINAL_POINTER.search(question)
    if not cited and shown and scope.regions and all(index.meta(index.clause(c).doc_id).region not in scope.regions for c in shown):
        shown = []  # 把广州那条… after a decline: not a clause of another place, cited before it
    cited_before = cited or shown or []
    if ordinal and not pointer and not named_docs and len(cited_before) > 1:  # 后面那个 of two clauses cited: the last
        clause = index.clause(cited_before[-1] if ordinal.group("last") or ordinal.group("latter") else cited_before[0])
        return Resolution(_replace(question, ordinal, _clause_name(clause, index)), "deixis")
    # 生活性服务那个文件里有这条不: the cited clause's topic, asked of another document named (a switch, below)
    elsewhere = bool(named_docs) and bool(cited) and all(index.clause(c).doc_id not in named_docs for c in cited)
    # 要是注册在广州 也有这条吗 after a clause of 北京: the clause's topic, asked of the place named
    elsewhere = elsewhere or not named_docs and bool(scope.regions) and bool(cited) and all(
        index.meta(index.clause(c).doc_id).region not in scope.regions for c in cited
    )
    names = _names(question, index.documents)
    if pointer and elsewhere and topic is not None:  # 这条 asked of another place or document: its topic, there
        return Resolution(_switched(question, topic, names, index), "switch", about=_about(topic, cited, index))
    if pointer and not (pointer.group(1) and named_docs) and not elsewhere:  # 北京条例第二十二条 names a clause of a document
        if not cited_before:
            return Resolution(question, "deixis", understood=False)
        n = cn_number(pointer.group(1)) if pointer.group(1) else 1
        if not n:
            return Resolution(question, "deixis", understood=False)
        if n > len(cited_before):  # 第二十二条 after an answer from a law: that article of the document cited
            meta = index.meta(index.clause(cited_before[0]).doc_id)
            return Resolution(_replace(question, pointer, f"《{meta.short_title}》{pointer.group(0)}"), "deixis")
        clause = index.clause(cited_before[n - 1])
        return Resolution(_replace(question, pointer, _clause_name(clause, index)), "deixis")
    pointer = _document_pointer(question, names)
    if pointer and not named_docs:
        # The document cited last; else the one the last question named; else the one cited before.
        doc_id = index.clause(cited[0]).doc_id if cited else _only_document(topic, index)
        if doc_id is None and shown:
            doc_id = index.clause(shown[0]).doc_id
        if doc_id is not None and _another_kind(question[pointer[1]:], index.meta(doc_id).short_title):
            doc_id = None  # 国务院那份指导意见 after an answer from an 实施意见: not that document
        placed = bool(scope.foreign) or bool(scope.regions)
        if doc_id is None and not placed:
            return Resolution(question, "deixis", understood=False)
        # "<another place>那份咋写的": a pointer at that place's document, so a switch (below), not the
        # cited one; with nothing cited, "广州那份对…" names its document itself.
        if doc_id is not None and not (scope.foreign or placed and index.meta(doc_id).region not in scope.regions):
            if cited and not _KIND_NAMED.search(question[slice(*pointer)]) and ASKS_DEPARTMENT.search(question):
                # 这个是哪个部门牵头 / 它归谁管: departments are named clause by clause, so the clause cited
                return Resolution(_replace(question, pointer, _clause_name(index.clause(cited[0]), index)), "deixis")
            return Resolution(_replace(question, pointer, f"《{index.meta(doc_id).short_title}》"), "deixis")
    if topic is None:
        return Resolution(question, "none", understood=bool(_rest(question, names)) or bool(names) or _has_topic(question, index))
    lead = re.match(r"[^，,。？?！!\s]+[，,。？?！!\s]+(?=\S)", question)
    if lead and names and not scope.reference and not metadata_fields(question):
        # 广州的呢 外地户口能交吗 / 换成广州那个意见稿呢 也能这么登记不: a bare switch, then a short ask
        # with no topic of its own: the last question of what is named, with that ask
        first, rest = lead.group(0), question[lead.end() :]
        first_names = _names(first, index.documents)
        # the ask names no thing of its own (登记 asks, 工业互联网 and 金融支持 are topics that lead)
        bare = not _telling_words(first, first_names, index) and not any(map(names_a_thing, _telling_words(rest, [], index)))
        if first_names and bare and len(_rest(without_question_words(rest), [])) <= CARRY_REST:
            switched = _switched(first, topic, first_names, index).rstrip("？?。！!")
            return Resolution(f"{switched}，{rest}", "switch", about=_about(topic, cited, index))
    if small_talk(question) or not _HAN.search(question):
        return Resolution(question, "none")  # 谢谢; another language
    if names and _LIKEWISE.search(question) and not named_docs and not metadata_fields(question) and not _WHICH_DOCUMENT.search(question):
        # 广州那边是不是也一样 / 我表哥在广州也跑外卖 他那边有没有类似说法: "the same" of another place is
        # the last question asked there, when the turn tells nothing the last question did not
        before = set(detect_scope(topic, index.documents).regions)
        told = [w for w in _telling_words(question, names, index) if w not in topic]
        if set(scope.regions) - before and not told:  # 广州的网约车 跟这个一样严吗 has a topic of its own
            return Resolution(_switched(question, topic, names, index), "switch", about=_about(topic, cited, index))
    own_question = Resolution(question, "none")
    if not names and not _WHICH_DOCUMENT.search(question):
        own_question.within = _within(topic, cited, index)
        own_question.continued, own_question.cited = _continued(topic, question, cited, index), tuple(cited)
    if _OPENER.match(question) and _rest(_OPENER.sub("", question), names):
        return own_question  # 再问个别的，… / 换个问题，…: a question of its own
    if _names_new_thing(question, names, index):
        return own_question  # 房贷, 高考: a topic the corpus never names
    own = _telling_words(question, names, index)
    if metadata_fields(question):  # 发文单位和文号给我下: 单位 asks a fact of a document, it is no topic
        own = [w for w in own if not about_metadata(w)]
    # 广州的呢 / 广州的文件又是咋写的: the last question, asked of what is named (广州那份的文号 asks its own fact)
    if names and not own and not scope.reference and not metadata_fields(question):
        return Resolution(_switched(question, topic, names, index), "switch", about=_about(topic, cited, index))
    short = len(_rest(without_question_words(question), names)) <= CARRY_REST
    if not names and not _WHICH_DOCUMENT.search(question) and (short or _spoken_of(own, topic, cited, index)):
        # 具体怎么申请 / 有没有说要引进多少家: too short to be a question of its own; 原文是怎么写的？发我看看 /
        # 里面提到了哪些基金: nothing of its own, or only what the last answer spoke of. A longer one with
        # words of its own (冷链物流这块呢 有啥安排) leads, and the last turn only scopes it (the document
        # cited, or the places named): the last topic's words would outweigh its own.
        # After 它哪天印发的, 有没有说冷链 asks of the document; 文号是多少 asks a fact of it, whatever the topic was.
        if own and not short or _asks_of_document(topic, index) or metadata_fields(question) and not own:
            scoped = Resolution(f"{_scope_of(topic, cited, index)}{question}", "carry")
            if not _asks_of_document(topic, index):
                scoped.continued, scoped.cited = _continued(topic, question, cited, index), tuple(cited)
            return scoped
        return Resolution(_after_topic(topic, question), "carry")
    return own_question


def _continued(topic: str, question: str, cited: list[str], index: PolicyIndex) -> str:
    """The turn asked as a continuation of the last answer: where it was and what it was about, then
    this turn, which alone says what is asked (有没有给个数 after 是啥态度 asks a figure, not a view)."""
    # What the answer was about (the last question's words every clause cited uses), else the
    # last question's subject: 商业保险, not 温州、空调、时候、商业保险.
    about = _about(topic, cited, index)
    about = [w for w in about if not any(w != longer and w in longer for longer in about)]  # 商业保险, not 商业、保险
    subject = "、".join(about) or _subject(_asked_again(topic, index), index)
    return f"{_scope_of(topic, cited, index)}关于{subject}，{question}" if subject else _after_topic(topic, question)


def _after_topic(topic: str, question: str) -> str:
    """The turn after the whole last question: 天津对跨境电商有哪些支持，具体怎么申请？"""
    return f"{topic.rstrip('？?。！!')}，{question}"


def _about(topic: str, cited: list[str], index: PolicyIndex) -> tuple[str, ...]:
    """What the last answer was about: the last question's words that every clause it cited uses."""
    texts = [index.clause(c).text for c in cited]
    words = _telling_words(topic, _names(topic, index.documents), index)
    return tuple(w for w in words if texts and all(w in text for text in texts))


def _spoken_of(words: list[str], topic: str, cited: list[str], index: PolicyIndex) -> bool:
    """Did the last turn speak of all these words: its question, or the documents its answer cited
    (冷链物流 after a question on 农产品 answered from the plan that also speaks of 冷链物流)?"""
    doc_ids = list(dict.fromkeys(index.clause(c).doc_id for c in cited))
    if not doc_ids and (named := _only_document(topic, index)):  # a document fact answered, citing no clause
        doc_ids = [named]
    documents = [index.document(d) for d in doc_ids]
    context = topic + "".join(c.text for document in documents for c in document.clauses)
    return all(word in context for word in words)


def _switched(question: str, topic: str, names: list[str], index: PolicyIndex) -> str:
    """The last question asked of what is named. A follow-up that asks for another kind of detail
    keeps only what the last question was about: 广州的文件又是咋写的 after 工业互联网平台要建到多少个
    asks how, of 工业互联网平台, not how many. A bare one (那广州呢), or one asking as the last did,
    asks the whole last question again."""
    last = _asked_again(topic, index)
    own = _without_names(question, index.documents)
    pointer = _DOCUMENT_POINTER.match(own)
    if pointer and pointer.end() in word_boundaries(own):  # 广州那份咋写的: the pointer after the name is the name
        own = own[pointer.end():].lstrip("的里中，, ")  # (其 of 其他的呢 is none)
    named = _joined(question, names)
    if without_question_words(own) == own or missing_detail(own, None) == missing_detail(last, None):
        return named + last
    subject = _subject(last, index)
    return named + (f"关于{subject}，{own}" if subject else last)


def _asked_again(topic: str, index: PolicyIndex) -> str:
    """The last question as a switch asks it again: without its names, nor the opener of its turn
    (换个问题，…), which opened that turn, not this one."""
    return _OPENER.sub("", _without_names(topic, index.documents))


def _joined(question: str, names: list[str]) -> str:
    """The names as the question joins them: 北京和广州 stays two places, 北京数字消费 one name."""
    joined, end = "", None
    for name in names:
        at = question.find(name, end or 0)
        between = question[end:at] if end is not None and at >= 0 else ""
        joined += (between if _CONJUNCTION.fullmatch(between) else "") + name
        end = at + len(name) if at >= 0 else end
    return joined


def _subject(question: str, index: PolicyIndex) -> str:
    """What a question is about: its runs of content words (nouns, and words that tell clauses apart)
    that hold a word the corpus uses rarely or never (工业互联网平台 in 工业互联网平台要建到多少个;
    政企数据共享), joined."""
    runs: list[list[str]] = [[]]
    for token in word_sequence(without_question_words(question)):
        parts = tokenize(token)  # 5G基站 is searched as 5g, 基站
        if parts and (names_a_thing(token) or len(token) >= 2 and any(map(index.bm25.telling, parts))):
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    rare = [run for run in runs if any(index.bm25.telling(p) or index.new_things([p]) for t in run for p in tokenize(t))]
    return "、".join("".join(run) for run in rare)


def _titled(question: str, index: PolicyIndex) -> str:
    """A document named by what it is about and pointed at (数字消费那份, 北京数字消费那个方案) is
    that document, by its title: the pointer is part of the name, not a reference to the history."""
    for document in index.documents:
        for alias in longest_first(set(document_names(document))):
            at = question.find(alias)
            pointer = _NAMED_POINTER.match(question, at + len(alias)) if at >= 0 else None
            if pointer is None:
                continue
            if sum(alias in document_names(d) for d in index.documents) > 1:
                break  # 实施方案: more than one document goes by it
            start = next((s for s, e in place_spans(question) if e == at), at)  # 北京 in 北京数字消费那份
            return question[:start] + f"《{document.meta.short_title}》" + question[pointer.end():]
    # A place pointed at as a document (北京那份, 广州那个意见稿): its one document (of that kind).
    for start, end in place_spans(question):
        pointer = _NAMED_POINTER.match(question, end)
        if pointer is None or not _KIND_NAMED.search(pointer.group(0)):
            continue  # 北京那个直播…: 那个 alone is no pointer at a document
        regions = detect_scope(question[start:end], index.documents).regions
        kind = re.search(_KINDS, pointer.group(0))  # 那个方案: only a 方案 of that place
        found = [
            d for d in index.documents
            if d.meta.region in regions and (kind is None or kind.group(0).removeprefix("征求") in d.meta.title)
        ]  # fmt: skip
        if len(found) == 1:
            return question[:start] + f"《{found[0].meta.short_title}》" + question[pointer.end():]
    # A document named short and pointed at (网约车那个办法, 北京新消费那个): the one title that holds the
    # name (of the place named, when one is).
    regions = detect_scope(question, index.documents).regions
    documents = [d for d in index.documents if not regions or d.meta.region in regions]
    spans = place_spans(question)
    for pointer in _NAMED_POINTER.finditer(question):
        run = re.search(r"[\u4e00-\u9fff]*$", question[: pointer.start()])
        start = max([run.start(), *(e for s, e in spans if run.start() <= e <= pointer.start())])
        document = abbreviated(question[start : pointer.start()], documents)
        if document is not None:
            place = next((s for s, e in spans if e == start), start)  # 北京 in 北京新消费那个
            return question[:place] + f"《{document.meta.short_title}》" + question[pointer.end():]
    return question


def on_topic(text: str, about: tuple[str, ...], index: PolicyIndex) -> bool:
    """Does a clause speak of what the last answer was about: most of the weight of its words, each
    weighted by how rarely the corpus uses it (兼业代理 outweighs 互联网)?"""
    weights = {w: -math.log(index.bm25.document_share(w)) for w in about if index.bm25.document_share(w) > 0}
    total = sum(weights.values())
    said = [w for w in weights if w in text or any(term in text for term in synonyms().get(w, ()))]  # 跨境电子商务
    return total > 0 and sum(weights[w] for w in said) >= 0.5 * total


def _scope_of(topic: str, cited: list[str], index: PolicyIndex) -> str:
    """Where the last turn was: the one document its answer cited, else what its question named."""
    if doc_id := _one_document(cited, index):
        return f"《{index.meta(doc_id).short_title}》"
    return "".join(_names(topic, index.documents))


def _one_document(cited: list[str], index: PolicyIndex) -> str | None:
    """The document of the clauses cited, when they are all of one."""
    documents = {index.clause(c).doc_id for c in cited}
    return documents.pop() if len(documents) == 1 else None


def _within(topic: str, cited: list[str], index: PolicyIndex) -> tuple[str | None, str | None] | None:
    """Where the last turn was, as a retrieval filter (region, doc_id): the one document its answer
    cited, else the one place its question named; None when it was not in one."""
    if doc_id := _one_document(cited, index):
        return None, doc_id
    regions = detect_scope(topic, index.documents).regions
    return (next(iter(regions)), None) if len(regions) == 1 else None


def _asks_of_document(question: str, index: PolicyIndex) -> bool:
    """Does the question ask a fact of a document it names (its date, 文号, status), not of its content?"""
    names = _names(question, index.documents)
    if not detect_scope(question, index.documents).named_docs and not any(n.startswith("《") for n in names):
        return False
    telling = _telling_words(question, names, index)
    # Nothing of its own but how facts are asked (印发, 正式), and a fact asked, or nothing of its own at all.
    return not [w for w in telling if not about_metadata(w)] and (bool(metadata_fields(question)) or not telling)


def _only_document(topic: str | None, index: PolicyIndex) -> str | None:
    """The one document the last question named (or the one document of the region it named), when
    its answer cited nothing."""
    if topic is None:
        return None
    scope = detect_scope(topic, index.documents)
    candidates = scope.named_docs or scope.doc_ids
    return next(iter(candidates)) if len(candidates) == 1 else None


def _replace(question: str, match: re.Match[str] | tuple[int, int], name: str) -> str:
    start, end = match if isinstance(match, tuple) else match.span()
    return question[:start] + name + question[end:]


def _document_pointer(question: str, names: list[str]) -> tuple[int, int] | None:
    """Where the question points at a document: 这份文件, 它, or 这个是… at its start, also after a
    place named first (广州这个是哪天出的, which then stands for the whole 广州这个)."""
    bounds = word_boundaries(question)
    # A pronoun of one character is a word of its own: the 其 of 其他 or 尤其, the 它 of 其它, point at nothing.
    whole = lambda m: m.group(0) not in ("其", "它") or {m.start(), m.end()} <= bounds  # noqa: E731
    if match := next((m for m in _DOCUMENT_POINTER.finditer(question) if whole(m)), None):
        return match.span()
    lead = next((name for name in names if question.startswith(name)), "")
    if lead and (match := _DOCUMENT_POINTER.match(question[len(lead):])):
        return 0, len(lead) + match.end()
    return None


def _another_kind(after: str, short_title: str) -> bool:
    """Does the pointer go on with a kind of document (指导意见, 管理办法: nouns, then the kind) that
    the title is not? A bare 意见 or 方案 is loose usage, and 是征求意见稿 no kind at all."""
    kind = _KIND.match(after)
    if kind is None or not all(names_a_thing(w) for w in word_sequence(kind.group(1))):
        return False
    return not short_title.endswith(kind.group(0))


def _clause_name(clause, index: PolicyIndex) -> str:
    meta = index.meta(clause.doc_id)
    label = "" if clause.label in ("序言", "结语") else clause.label
    return f"《{meta.short_title}》{label}"


def _names(question: str, documents: list[Document]) -> list[str]:
    """Places and document names in the question, in order."""
    return [question[s:e] for s, e in _name_spans(question, documents)]


def _name_spans(question: str, documents: list[Document]) -> list[tuple[int, int]]:
    """Where the question names documents and places, in order. Overlapping names of documents are one
    name, and a document's name holds the place in it (北京 in 《北京数字消费实施方案》)."""
    found = sorted(
        (at, at + len(alias))
        for document in documents for alias in set(document_names(document))
        if alias and (at := question.find(alias)) >= 0
    )  # fmt: skip
    names: list[tuple[int, int]] = []
    for start, end in found:
        if names and start < names[-1][1]:
            names[-1] = (names[-1][0], max(end, names[-1][1]))
        else:
            names.append((start, end))
    # A title in its marks is named whole: the switch then asks of 《…》, as the reader sees it.
    names = [(s - 1, e + 1) if question[s - 1 : s] == "《" and question[e : e + 1] == "》" else (s, e) for s, e in names]
    places = [(s, e) for s, e in place_spans(question) if not any(a < e and s < b for a, b in names)]
    return sorted(names + places)


def _rest(question: str, names: list[str]) -> str:
    rest = question
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name, "")
    return _PARTICLES.sub("", rest)


def _without_names(question: str, documents: list[Document]) -> str:
    """The question with the places and documents it names removed ("北京对跨境电商…" → "对跨境电商…").
    Names a character apart are one mention, with its postposition: 北京数字消费方案里 goes whole
    (北京，《…》 are two: the comma stays between what they named)."""
    spans: list[list[int]] = []
    for start, end in _name_spans(question, documents):
        if spans and (start == spans[-1][1] or start - spans[-1][1] == 1 and _HAN.match(question, spans[-1][1])):
            spans[-1][1] = max(end, spans[-1][1])
        else:
            spans.append([start, end])
    for start, end in reversed(spans):
        end += bool(_POSTPOSITION.match(question, end))
        question = question[:start] + question[end:]
    return question.replace("《》", "").lstrip("的在，, ")


def _question_words(question: str, names: list[str]) -> list[str]:
    """The question's tokens, without its names and its question words (什么时候 is not 时候)."""
    for name in sorted(names, key=len, reverse=True):
        question = question.replace(name, " ")
    return tokenize(without_question_words(question))


def _names_new_thing(question: str, names: list[str], index: PolicyIndex) -> bool:
    """A thing the corpus never names (房贷, 高考): a new topic, not a follow-up. 说法, 这块 and 看看
    are no topic."""
    return bool(index.new_things([w for w in _question_words(question, names) if not about_metadata(w)]))  # 文号: a fact of a document


def _telling_words(question: str, names: list[str], index: PolicyIndex) -> list[str]:
    """The question's own topic: the words that tell clauses apart, other than how documents are
    called (意见, 方案, 通知: the last word of the loaded documents' titles)."""
    kinds = {tokenize(t)[-1] for d in index.documents for t in (d.meta.title, d.meta.short_title) if tokenize(t)}
    return [t for t in _question_words(question, names) if len(t) >= 2 and index.bm25.telling(t) and t not in kinds]


def _has_topic(question: str, index: PolicyIndex) -> bool:
    return len(_rest(question, _names(question, index.documents))) > 0
