"""What a question asks for, read from its wording alone.

Figures, people and errands that policy texts seldom give, small talk. The answer module checks
these against the clauses it found. Whether a question is a personal case, and whether the
clauses answer it at all, is the judge's (rag/judge.py), learned rather than listed.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from .intent import ANY_DOCUMENT, DOCUMENT_KINDS, place_spans
from .places import gazetteer
from .tokens import part_of_speech, word_boundaries, word_sequence

ASKS_SUPPORT = re.compile(
    r"哪些支持|什么支持|能享受|可以享受|享受哪些|扶持|优惠政策|哪些政策|什么政策|有没有(什么|哪些)?(支持|补贴|奖励|优惠)"
)
# Questions after a figure (amounts, counts, dates) that policy texts may not give. ASKS_FIGURE
# holds the words that only ask; 税率, 费率 and 奖励标准 also name what is measured, which the clause must
# name too: 退税率 is not given by a clause on 出口.
# 哪几个部门 / 哪几项 ask which ones, not how many (哪几家 asks for firms, which texts do not name either).
_FIGURE_WORDS = r"多少|(?<!哪)几个|几[家天年次只位]|(?<!哪)几[项点]|多久|多长时间|多大|多高|哪一?年|什么时候|何时|比例是|金额|百分之|具体数|标准是(什么|多少)"
ASKS_FIGURE = re.compile(_FIGURE_WORDS)
ASKS_QUANTITY = re.compile(_FIGURE_WORDS + "|税率|费率|(罚款|收费|补贴|奖励)标准")
_CLAUSE = re.compile(r"[^，。？！?!,；;、\s]+[？?]?")
# What makes a clause a question; a clause without any is told, not asked.
_INTERROGATIVE = re.compile(r"[？?吗呢么]|什么|啥|怎|咋|哪|谁|多少|是否|能否|可否|有没有|有无|([\u4e00-\u9fff])不\1")


def quantity_asked(question: str) -> str | None:
    """The clauses of the question that ask for a figure (具体给多少 一个标准补多少钱: both), or None.

    A figure word counts only where a word starts: 黑名单 holds no 名单, 十几个 no 几个, 很多大企业 no
    多大. 几 is also the indefinite "a few": after 好 (摔过好几次), and in a clause that tells rather
    than asks when a later clause asks the question (想挖几个人过来，有啥支持)."""
    clauses = list(_CLAUSE.finditer(question))
    starts = word_boundaries(question)  # where a word starts (or the text ends)
    later_asks = [bool(_INTERROGATIVE.search(c.group())) for c in clauses]
    asking = []
    for n, clause in enumerate(clauses):
        for match in ASKS_QUANTITY.finditer(clause.group()):
            at = clause.start() + match.start()
            if at not in starts:
                continue
            if match.group().startswith("几"):
                told = not clause.group().endswith(("？", "?")) and any(later_asks[n + 1 :])
                if question[at - 1 : at] == "好" or told:
                    continue
            asking.append(clause.group())
            break
    return "，".join(asking) or None


# People and companies, which policy texts never name: officials, inventors, recommendations,
# lists of firms. 由谁牵头 / 归谁管 ask for a department and are not matched.
_ASKS_PERSON = re.compile(
    "|".join(
        (
            r"(组长|副组长|负责人|局长|主任|市长|书记|联系人|领导)(是谁|叫什么)|谁(是|担任)(组长|负责人)",
            # 哪家 / 哪几家 / 哪10家: 家 counts firms and households, which the texts count but never name
            r"哪家公司|哪(?:几|[0-9一二三四五六七八九十]+)家|(?<![由归])谁(最早|首先|第一个)?(提出|发明|创立|创办|开发|创造|设计)",
            r"哪家最?(便宜|好|划算|靠谱|实惠)|推荐(几|一)?[家个只款本部]|(吃|用|买|选|去)(什么|哪个|哪家).{0,4}好",
            r"哪个(平台|软件|app|APP|网站|公司)(好|更|最)|哪个.{0,6}更(好|大|强|便宜|划算)|哪个.{0,6}(便宜|划算|低|高)[吗呢]?[？?]?$",
            r"上市公司|名单|(知名|龙头|头部|有名)的?(平台)?(企业|公司)有哪些|哪些(知名|有名)",
            r"有哪些(大学|高校|学校|医院|银行|景点|酒店|商场|餐厅)",
        )
    )
)
# Practical details (materials, where to apply, contacts, deadlines) and the words a clause
# must contain to answer them; policy texts rarely give these.
PROCEDURE = {
    re.compile(r"(哪些|什么)材料|提交.{0,4}材料"): ("材料",),
    re.compile(r"(申请|办理|申报)流程|流程是"): ("流程",),
    re.compile(r"(什么|哪些)手续|手续是"): ("手续",),
    re.compile(r"办理?(哪些|什么)(证|许可)|(哪些|什么)(证件|许可证|执照)|证件是"): ("证照", "许可证", "执照"),
    re.compile(r"(去|到|在)哪(里|儿|个网站|个窗口)?(申请|办理|申报|报名)|哪个网站|入口在哪|(申请|办理|申报|报名)入口"): (
        "窗口", "网上办理", "网站", "网办", "入口",
    ),
    re.compile(r"哪些(街道|社区)|具体(位置|地址)|在哪条(街|路)"): ("街道", "社区", "路"),
    re.compile(r"怎么报名|如何报名|报名方式"): ("报名",),
    re.compile(r"截止(时间|日期)?|几号截止"): ("截止",),
    re.compile(r"电话|热线"): ("电话", "热线", "12345"),
    re.compile(r"网址|邮箱|联系方式"): ("网址", "邮箱", "联系"),
    re.compile(r"地址在|在哪(个区|里)?办公|办公地点"): ("地址", "办公地点", "办公场所"),  # not 办公厅
    re.compile(r"(什么|哪些)学历|学历(要求|条件)"): ("学历",),
    re.compile(r"(什么|哪些)(资格|资质)|(资格|资质)(要求|条件)"): ("资格", "资质"),
}
# 需要满足哪些条件: the sentence quoted must state conditions, not merely say 符合条件的企业.
# Which department is responsible: policy texts name it clause by clause (责任单位), not per document.
ASKS_DEPARTMENT = re.compile(r"(哪个|哪些|哪几个|什么)(部门|单位)(来|去)?(负责|牵头|落实|主管|管)|由谁(负责|牵头)|归谁管|谁(来)?(负责|牵头)|(责任|牵头)(单位|部门)")
ASKS_CONDITIONS = re.compile(r"(满足|具备|符合)(哪些|什么)|(哪些|什么)(条件|指标|门槛)|(条件|门槛)是什么")
STATES_CONDITIONS = re.compile(r"(?<!符合)(?<!具备)(?<!满足)(?<!有)条件|标准|指标|门槛")

# Laws and regulations a question may name: 《电子商务法》, 个人信息保护法, 网络直播营销管理办法.
_LAW = r"保护法|促进法|管理法|合同法|商务法|竞争法|垄断法|安全法|劳动法|税法|管理办法|条例"
_NAMED_DOCUMENT = re.compile(rf"《([^》]{{2,40}})》|([\u4e00-\u9fff]{{2,12}}(?:{_LAW}))")
_LEADING = frozenset("根据 按照 依据 依照 贯彻 落实 贯彻落实 全面落实 执行 全面 请问 关于 了解 查询 想问 违反 遵守 修订 修改 制定 出台".split())


def named_documents(question: str) -> list[str]:
    """Titles of laws, regulations and other documents the question names. An unbracketed title
    loses the words before it (要全面落实江苏省电子商务条例 → 江苏省电子商务条例)."""
    titles = []
    for match in _NAMED_DOCUMENT.finditer(question):
        if match.group(1):
            titles.append(match.group(1))
            continue
        words = word_sequence(match.group(2))
        # A title names no question: 广州对共享单车有啥管理办法 asks for one, it names none.
        asking = [i for i, w in enumerate(words) if part_of_speech(w) == "r"]
        if asking:
            words = words[asking[-1] + 1 :]
        while len(words) > 1 and (words[0] in _LEADING or len(words[0]) == 1):
            words = words[1:]
        title = "".join(words)
        if re.fullmatch(rf"(?:{_LAW})", title) or not title:
            continue  # the kind of document alone (管理办法, 条例) is no title
        titles.append(title)
    return titles


# Which document (哪个文件, 哪份规定, 哪一政策): a question after a document, not after its content.
WHICH_DOCUMENT = rf"哪[个份些部项一]?(?:{ANY_DOCUMENT}|{DOCUMENT_KINDS}|规定)"
# Asking which document says something (哪个文件提到了…, 有哪份文件说过…, …的是哪份文件): the frame asks
# where, not what; its words (说, 份文件) are no content a clause must hold.
_LOCATING = re.compile(
    rf"(?P<copula>的?(?:是|在|出自|来自|见于))?{WHICH_DOCUMENT}(?:[里中上]面?|当中)?"
    r"(?:都|有|还|也)?(?P<verb>提到|提及|提出|提|说到|讲到|谈到|写到|涉及|说|讲|写|出现|明确)?(?:了|过)?"
)


def without_locating(question: str) -> str:
    """The question without a frame asking which document says it; the question itself when it has none."""
    return _LOCATING.sub(" ", question).strip() or question


# What is said around the phrase, not in it: 的, particles, 这个说法 / 的提法.
_AROUND_PHRASE = re.compile(r"^的+|(?:(?:的|这个|这种|这一)?(?:说法|提法|表述|字眼|词)|的|了|吗|呢|啊)+$")


def located_phrases(question: str) -> list[str]:
    """What a question asking which document says something wants found word for word (哪个文件提到了阳光厨房:
    阳光厨房); nothing when it asks no such thing."""
    # Said to be in a document (…的是哪份文件, 哪个文件提到了…); 有哪些政策支持直播 asks what the policies give.
    if not any(m["copula"] or m["verb"] for m in _LOCATING.finditer(question)):
        return []
    for start, end in reversed(place_spans(question)):  # where to look (广州哪个文件…), not what to find
        question = question[:start] + " " + question[end:]
    rest = _LOCATING.sub(" ", question)
    phrases = (_AROUND_PHRASE.sub("", run) for run in re.findall(r"[\u4e00-\u9fff]{2,}", rest))
    return [phrase for phrase in phrases if len(phrase) >= 2]


# Officials asking for a clause's wording get its full text.
WHOLE_TEXT = ("原文", "全文", "怎么写", "原话", "具体内容", "讲了什么", "说了什么", "写了什么", "内容是什么", "规定了什么", "具体规定", "完整")


# A judgement (难不难, 值不值得, 好不好) that policy texts never pass.
_ASKS_OPINION = re.compile(
    r"难不难|好不好[做干办]?|值不值得?|靠不靠谱|划不划算|划算吗|有没有前途|赚不赚钱|能不能赚钱|最赚钱|得好吗|得怎么样"
)
# What will happen: policy texts set today's measures and say nothing of next year's.
_ASKS_FORECAST = re.compile(
    r"(明年|今后|将来|未来|以后|下一步)[^？?。，,]{0,8}(会不会|还会|是否会|会)|会不会(出台|继续|取消|延长|延续|调整|废止)"
)
# What a term means, or how two notions differ: policy texts use their terms without defining them.
ASKS_DEFINITION = re.compile(r"什么意思|的定义|的含义|指的是什么|是指什么|(有什么|有何|的)区别")


def missing_detail(question: str, action: str | None) -> str | None:
    """The kind of detail asked for that clauses may lack: person, opinion, definition, forecast, procedure
    or quantity."""
    starts = word_boundaries(question)
    if any(match.start() in starts for match in _ASKS_PERSON.finditer(question)):
        return "person"  # a word of its own: 黑名单 is no 名单
    if _ASKS_OPINION.search(question):
        return "opinion"
    if ASKS_DEFINITION.search(question):
        return "definition"
    if _ASKS_FORECAST.search(question):
        return "forecast"
    if action or ASKS_CONDITIONS.search(question) or any(pattern.search(question) for pattern in PROCEDURE):
        return "procedure"
    if quantity_asked(question):
        return "quantity"
    return None


_HOW = frozenset("怎么 怎样 如何 咋 哪里 哪儿 哪".split())
_HOW_FILLERS = frozenset("去 到 在 来 才 才能 能 可以 要 进行 来说".split())


def _is_place(word: str) -> bool:
    """A whole word that names a place (北京, 杭州): skipped between 怎么 and the errand."""
    return any(start == 0 and end == len(word) for start, end, _ in gazetteer().find(word))
# Words after 怎么 that ask what a clause means or says, not how to run an errand.
_READING = frozenset("理解 解读 看待 说 讲 写 规定 表述 体现 落实 执行 样 回事".split())
# Errands a person runs. "北京如何扶持农业电商" asks what a policy does and is not checked here:
# a policy verb (扶持, 帮助, 治理) may be phrased otherwise in the clause (dev q250, q258).
_ERRANDS = frozenset(
    "申请 办理 补办 申报 注册 投诉 举报 报名 操作 缴纳 缴费 领取 退货 退款 退税 开通 查询 预约 登记 认证 "
    "开具 续签 变更 注销 备案 报销 下载 绑定 挂号 维权 索赔 起诉 报警 报送 提交 填报 上报 递交 申领 "
    "计算 收费 领 交 缴 退 考 报 算 开 填 抢".split()  # a one-character errand (怎么领) must be a word of the clause, not part of one
)


def asked_action(question: str, corpus_uses: Callable[[str], bool] | None = None) -> str | None:
    """The errand a how-to question asks about: 补办 in 医保卡丢了怎么补办, 投诉 in 去哪投诉.

    Policy texts set directions; they answer "how do I…" only when they name the errand. With
    `corpus_uses`, a word the corpus never uses is an errand too (怎么开通, 怎么提取): no clause names it."""
    words = [w for w in word_sequence(question) if w.strip()]
    for i, word in enumerate(words[:-1]):
        if word not in _HOW or (word == "哪" and (i == 0 or words[i - 1] not in ("去", "到", "在"))):
            continue  # 哪 alone is "which" (哪一级), not "where"
        following = [w for w in words[i + 1 : i + 4] if w not in _HOW_FILLERS and not _is_place(w)]
        action = following[0] if following else ""
        if action in _ERRANDS:
            return action
        unknown = corpus_uses is not None and len(action) >= 2 and not corpus_uses(action)
        if unknown and action not in _READING and re.fullmatch(r"[\u4e00-\u9fff]+", action):
            return action
    return None


_GREETING = re.compile(r"^\s*(你好|您好|hi|hello|嗨|在吗|在不在|有人吗|早上好|下午好|晚上好)[呀啊哈]?[!！。.～~？?\s]*$", re.I)
# Requests to compose or translate: a writing job, not a question about the documents.
_TASK = re.compile(r"^\s*(请|麻烦)?(你)?(帮我|给我|替我|为我)?(写|编|作|起草|撰写|生成|翻译|拟)(一|个|篇|首|份|段|封|下|成)")
_TRANSLATE = re.compile(r"(英文|英语|日语|外语)(怎么说|怎么翻译|叫什么)")
_THANKS = re.compile(r"^\s*(谢谢|多谢|感谢|谢了|好的谢谢|再见|拜拜)(你|您)?[啦了呀啊]?[!！。.～~\s]*$")


def small_talk(question: str) -> Literal["greeting", "thanks", "task"] | None:
    """你好 / 谢谢 / 帮我写一份计划书: nothing to look up."""
    if _GREETING.match(question):
        return "greeting"
    if _THANKS.match(question):
        return "thanks"
    if _TASK.match(question) or _TRANSLATE.search(question):
        return "task"
    return None
