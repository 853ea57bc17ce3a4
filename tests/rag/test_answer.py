import re
from datetime import date

import pytest

from rag.answer import quoted_with_markers

QUESTION = "灵活就业人员的社会保险费可以缓缴吗？"


def assert_well_cited(answer):
    """Every 「quote」 is verbatim in the clause its marker cites; every [n] resolves and is used."""
    numbers = {c.n for c in answer.citations}
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == numbers
    by_n = {c.n: c for c in answer.citations}
    for quote, after in quoted_with_markers(answer.answer):
        assert after, quote
        assert quote in by_n[after[0]].clause.text, quote
    for line in answer.answer.splitlines():
        if "」" in line:  # the line that closes a quote ends the statement with its marker
            assert re.search(r"\[\d+\]$", line.rstrip()), line
    for c in answer.citations:
        assert c.quote is None or c.quote in c.clause.text


def test_flagship_question(pipeline):
    answer = pipeline.ask(QUESTION, today=date(2026, 11, 23))
    assert answer.answerable
    first = answer.citations[0]
    assert first.clause.id == "tianjin-new-consumption#四.十六"
    assert "「落实灵活就业人员缓缴社会保险费政策，支持灵活就业人员按规定参加医疗保险。」" in answer.answer
    assert "责任单位：市人社局、市医保局。[1]" in answer.answer
    assert "征求意见稿" in answer.answer and "已于2025年12月31日废止" in answer.answer
    assert first.validity == "已废止"
    assert_well_cited(answer)


def test_expiry_follows_todays_date(pipeline):
    before = pipeline.ask(QUESTION, today=date(2025, 6, 1))
    assert "有效期至2025年12月31日" in before.answer and "已于" not in before.answer
    assert before.citations[0].validity == "征求意见稿"


@pytest.mark.parametrize(
    "question",
    [
        "我们是做跨境电商的，能享受哪些支持？",
        "天津和重庆在包容审慎监管上分别怎么规定的？",
        "重庆实施意见第三部分第（二）条的原文是什么",
        "网约车平台有什么政策",
        "到2027年天津要引进多少生产性服务领域头部平台企业？",
    ],
)
def test_answers_quote_verbatim_and_cite(pipeline, question):
    answer = pipeline.ask(question)
    assert answer.answerable and answer.citations
    assert_well_cited(answer)


def test_wording_question_quotes_the_whole_clause(pipeline):
    answer = pipeline.ask("重庆实施意见第三部分第（二）条的原文是什么")
    clause = answer.citations[0].clause
    assert clause.id == "chongqing-platform-economy#三.二"
    assert f"「{clause.text}」" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "北京市对平台企业有什么补贴？",
        "上海的跨境电商政策是什么",
        "今天天气怎么样",
        "红烧肉怎么做",
        "电动车上牌需要什么手续？",  # the closest clause shares no word of the question that tells clauses apart
        "天津哪个部门负责发放消费券？",  # the Tianjin documents never mention 消费券
        "个体户怎么开发票？",  # an errand (开发票) the corpus never names, on a topic it never names
        "怎么在天津办理居住证？",  # the place between 怎么 and the errand is skipped
        "我想在重庆开一家奶茶店，要办哪些证？",
        "平台企业员工的加班费怎么计算？",  # 计算 occurs (云计算), 加班费 and 员工 never
        "粤港澳大湾区对跨境电商有什么扶持？",
    ],
)
def test_declines_what_the_corpus_cannot_answer(pipeline, question):
    answer = pipeline.ask(question)
    assert not answer.answerable
    assert answer.citations == []
    assert "[" not in answer.answer and "「" not in answer.answer
    assert "抱歉" in answer.answer


def test_metadata_questions(pipeline):
    answer = pipeline.ask("重庆实施意见的文号是什么？")
    assert answer.answerable and "渝府办发〔2020〕16号" in answer.answer
    answer = pipeline.ask("天津生活性服务实施意见是哪天发布的？")
    assert not answer.answerable and "未载明" in answer.answer
    answer = pipeline.ask("天津新型消费实施方案现在还有效吗？", today=date(2026, 1, 5))
    assert "已于2025年12月31日废止" in answer.answer
    assert_well_cited(answer)


@pytest.mark.parametrize(
    "question, answerable, expected",
    [
        ("天津生产性服务领域的实施意见是哪一天印发的？", True, "2023年5月17日"),
        ("天津生产性服务实施意见是主动公开的吗？", True, "此件主动公开"),
        ("重庆实施意见的主送单位是哪些？", True, "各区县(自治县)人民政府，市政府有关部门，有关单位。"),
        ("浙江意见稿发给哪些单位？", False, "未列主送单位"),
    ],
)
def test_more_metadata_questions(pipeline, question, answerable, expected):
    answer = pipeline.ask(question)
    assert answer.answerable is answerable and expected in answer.answer


@pytest.mark.parametrize(
    "question, lead",
    [
        ("网络货运平台落户天津，税收返还比例是多少？", "没有规定这个具体数字"),
        ("申请天津平台经济专项资金需要提交哪些材料？", "没有写明申请条件、办理材料"),
        ("浙江省平台经济工作领导小组的组长是谁？", "不载明具体人员"),
        ("天津“海河英才”落户需要什么学历条件？", "没有写明申请条件"),
        ("医保卡丢了怎么补办？", "没有写明申请条件"),  # an errand no clause names
        ("怎么注册一个抖音账号？", "没有写明申请条件"),  # 注册 occurs, but for enterprises, not accounts
        ("浙江的消费券怎么领？", "没有写明申请条件"),  # 领 inside 领域 is not the errand
        ("天津地铁晚上几点停运？", "没有规定这个具体数字"),
        ("重庆的5G套餐哪家便宜？", "不载明具体人员或企业"),
        # 税率 must be named by the clause; the "2" in B2B is no figure
        ("跨境电商出口退税率是多少？", "没有规定这个具体数字"),
        ("去年浙江平台经济的交易规模有多大？", "没有规定这个具体数字"),
        # 四（二） says 申报高新技术企业 and, elsewhere, 外部条件: no condition is stated
        ("高新技术企业认定需要满足什么条件？", "没有写明申请条件"),
        ("住房公积金怎么提取？", "没有写明申请条件"),  # 提取 is in no clause
        ("增值税专用发票怎么开？", "没有写明申请条件"),  # 开 is an errand, and no clause has it as a word
        ("网约车驾驶员证考试难不难？", "不评价难易"),
        ("平台经济和共享经济有什么区别？", "没有给出这个概念的定义"),
        ("平台企业反垄断合规指南是哪一年发布的？", "没有规定这个具体数字"),
        ("天津滨海新区有哪些上市公司？", "不载明具体人员或企业"),
        ("网络主播需要办理什么许可证？", "没有写明申请条件"),
        ("京东618活动什么时候开始？", "没有规定这个具体数字"),
        ("天津的“首违不罚”明年还会继续实行吗？", "不预告今后的政策变化"),
        ("浙江有哪些知名的平台企业？", "不载明具体人员或企业"),
        ("支付宝和微信哪个手续费低？", "不载明具体人员或企业"),
        ("推荐几本关于平台经济的书。", "不载明具体人员或企业"),
        ("天津有哪些大学？", "不载明具体人员或企业"),
        ("浙江平台经济发展得好吗？", "不评价难易"),
        ("浙江对平台企业的罚款标准是什么？", "没有规定这个具体数字"),
        ("天津平台经济专项资金的申报入口在哪里？", "没有写明申请条件"),
        ("天津生活性服务领域的直播产业园区具体在哪些街道？", "没有写明申请条件"),
        ("我家孩子上网课用哪个平台好？", "不载明具体人员或企业"),
        # 四（二） says 申请 of another matter and 申报高新技术企业 without a procedure
        ("平台企业怎么申请高新技术企业认定？", "没有写明申请条件"),
        ("天津市商务局在哪个区办公？", "没有写明申请条件"),  # 经营地址 of pharmacies is no office address
        # colloquial question words ask as the written ones do (啥材料 = 什么材料)
        ("重庆开网店能用网店地址登记个体户吗，要带啥材料", "没有写明申请条件"),
    ],
)
def test_details_the_texts_do_not_give_are_declined_with_the_closest_clause(pipeline, question, lead):
    """Declined either by the judge (no clause answers: nothing cited) or, when the judge finds the
    topic covered, by the detail check, which cites the closest clause and says what it lacks."""
    answer = pipeline.ask(question)
    assert not answer.answerable
    if answer.citations:
        assert answer.reason == "detail_not_given"
        assert answer.answer.startswith("已收录的政策文件") and lead in answer.answer
        assert len(answer.citations) == 1
        assert_well_cited(answer)
    else:
        assert answer.reason in ("not_in_documents", "personal_case", "small_talk") and answer.answer.startswith("抱歉")


@pytest.mark.parametrize(
    "question, figure",
    [
        ("天津地铁E站的站点覆盖率要达到多少？", "50%"),
        ("天津的5G基站要建多少个？", "5万个"),  # 要建: its parts 要 and 建 are in 累计建成
        ("天津报关差错网上复核后，审核要多久？", "3个工作日"),
        # 生活性服务领域 names the document, not something the clause must repeat
        ("天津生活性服务领域要培育几个直播产业园区？", "5个以上"),
        # one of the question's words (网上) is worded otherwise in the clause (网络销售)
        ("天津农产品网上销售的线上交易额目标是多少？", "5亿元"),
        # a frequency is a time written in words; 一次 counts, it is not what is counted
        ("天津生活性服务平台经济的综合评价结果多久通报一次？", "按季度"),
        # a numeral written in words, with what it counts
        ("重庆工业互联网平台要构建几个功能体系？", "三大功能体系"),
    ],
)
def test_figures_the_texts_give_are_answered(pipeline, question, figure):
    answer = pipeline.ask(question)
    assert answer.answerable and figure in answer.answer


def test_how_a_document_fact_is_asked_is_no_topic_inside_it(pipeline):
    """到底 / 具体 are how the date is asked, not something of the plan's: its date is answered (not given),
    not a clause that happens to say 出台."""
    answer = pipeline.ask("《天津新型消费实施方案》到底是哪天出台的")
    assert not answer.answerable and "未载明" in answer.answer and not answer.citations


def test_a_batch_is_no_figure(pipeline):
    """一批 counts nothing: 树立一批“平台+企业”数字化转型标杆 does not say how many."""
    answer = pipeline.ask("浙江要培育几个“平台+企业”数字化转型标杆？")
    assert answer.reason == "detail_not_given"


def test_errands_a_clause_names_are_answered(pipeline):
    answer = pipeline.ask("电子商务经营者在天津怎么登记个体工商户？")
    assert answer.answerable
    assert answer.citations[0].clause.id == "tianjin-new-consumption#三.十二"
    assert_well_cited(answer)


def test_broad_questions_without_telling_words_are_still_answered(pipeline):
    """平台企业/支持 are everywhere in the corpus: their absence of rarer words is no reason to decline."""
    answer = pipeline.ask("我们是一家平台企业，在天津能享受哪些支持？")
    assert answer.answerable and answer.citations
    assert all(c.clause.doc_id.startswith("tianjin") for c in answer.citations)


def test_eligibility_without_a_region_covers_every_region(pipeline):
    """跨境电商 in the question, 跨境电子商务 in the Chongqing and Zhejiang texts."""
    answer = pipeline.ask("我们是做跨境电商的，能享受哪些支持？")
    assert answer.answerable
    assert {c.clause.doc_id.split("-")[0] for c in answer.citations} == {"tianjin", "chongqing", "zhejiang"}
    assert_well_cited(answer)


def test_comparisons_quote_each_side_at_length(pipeline):
    answer = pipeline.ask("重庆和天津生产性服务领域在人才政策上有什么异同？")
    assert {c.clause.id for c in answer.citations} >= {
        "tianjin-productive-services#三.二",
        "chongqing-platform-economy#四.六",
    }
    assert "海河英才" in answer.answer  # in the Tianjin clause's first sentences, not its best one
    assert_well_cited(answer)


@pytest.mark.parametrize(
    "question, expected",
    [
        ("天津对老字号品牌有什么支持？", "tianjin-life-services#四.三"),  # 老字号 is not 文号
        ("天津哪个部门负责发布灵活就业供求信息？", "tianjin-new-consumption#四.十六"),  # units, not the issuer
        ("重庆如何实施行动计划推动5G发展？", None),  # 实施行动 is not 施行
    ],
)
def test_content_questions_are_not_taken_for_metadata(pipeline, question, expected):
    answer = pipeline.ask(question)
    assert answer.citations, answer.answer
    assert "文号" not in answer.answer and "发文机关" not in answer.answer and "废止：" not in answer.answer
    if expected:
        assert answer.citations[0].clause.id == expected


def test_metadata_follows_the_document_filter(pipeline):
    answer = pipeline.ask("文号是什么？", doc_id="chongqing-platform-economy")
    assert answer.answerable and "渝府办发〔2020〕16号" in answer.answer


def test_missing_clause_number_is_said_not_replaced(pipeline):
    answer = pipeline.ask("重庆实施意见第九部分第（二）条的原文是什么")
    assert not answer.answerable and answer.citations == []
    assert "没有找到" in answer.answer


def test_one_region_does_not_force_a_citation_per_document(pipeline):
    answer = pipeline.ask("天津对外卖骑手有什么保障？")
    assert answer.citations[0].clause.id == "tianjin-new-consumption#四.十六"
    assert all("序言" not in c.clause.id for c in answer.citations)


@pytest.mark.parametrize("question", ["你好", "您好！", "在吗？"])
def test_greetings_get_an_introduction_not_an_apology(pipeline, question):
    answer = pipeline.ask(question)
    assert not answer.answerable and answer.citations == []
    assert answer.answer.startswith("您好") and "抱歉" not in answer.answer


def test_a_place_or_document_alone_gets_what_there_is_to_ask(pipeline):
    answer = pipeline.ask("天津")
    assert not answer.answerable and answer.citations == []
    assert answer.answer.startswith("已收录3份相关政策文件")
    assert "《天津新型消费实施方案》" in answer.answer and "已废止" in answer.answer
    assert "重庆" not in answer.answer
    overview = pipeline.ask("重庆实施意见")
    assert "大力培育平台经济增长点" in overview.answer  # the parts of the document
    assert pipeline.ask("重庆实施意见四（七）").citations  # a clause number is a question


@pytest.mark.parametrize(
    "question, reply",
    [
        ("我的网店被平台封了怎么办？", "个人情况"),  # a personal case
        ("写一首赞美外卖骑手的诗。", "不代写"),  # a writing request: no search
        ("平台经济的英文怎么说？", "不做翻译"),
    ],
)
def test_fixed_replies_cite_nothing(pipeline, question, reply):
    answer = pipeline.ask(question)
    assert not answer.answerable and answer.citations == []
    assert reply in answer.answer


def test_clauses_found_only_by_the_questions_frame_give_way(pipeline):
    """需要满足什么条件 finds 符合条件的企业挂牌上市 by keywords; the clause on 首违不罚 is the one cited."""
    answer = pipeline.ask("平台企业在天津享受“首违不罚”需要满足什么条件？")
    assert answer.citations[0].clause.id == "tianjin-productive-services#五.一"
    assert not answer.answerable and "没有写明申请条件" in answer.answer
    assert_well_cited(answer)


def test_a_difference_between_regions_is_a_comparison_not_a_definition(pipeline):
    answer = pipeline.ask("天津和重庆的平台经济政策有什么区别？")
    assert answer.answerable
    assert {c.clause.doc_id.split("-")[0] for c in answer.citations} >= {"tianjin", "chongqing"}


def test_a_date_of_something_a_document_plans_is_not_the_documents_date(pipeline):
    answer = pipeline.ask("重庆的平台经济专项政策什么时候出台？")
    assert "落款日期" not in answer.answer and not answer.answerable
    assert pipeline.ask("重庆平台经济实施意见是什么时候印发的？").answer.count("2020年2月12日") == 1


def test_laws_the_corpus_neither_holds_nor_cites_are_declined(pipeline):
    answer = pipeline.ask("《电子商务法》规定平台要保存交易信息多长时间？")
    assert not answer.answerable and answer.citations == [] and "不包括《电子商务法》" in answer.answer
    answer = pipeline.ask("违反反垄断法会被罚多少钱？")
    assert "不包括《反垄断法》" in answer.answer
    # the Zhejiang draft cites this one
    answer = pipeline.ask("浙江要全面落实浙江省电子商务条例吗？")
    assert answer.answerable and answer.citations[0].clause.id == "zhejiang-platform-economy#二.三.20"


def test_asked_who_is_responsible_the_answer_says_when_the_clause_names_no_one(pipeline):
    """Departments are named clause by clause; a clause without them is quoted, and the answer says so."""
    silent = pipeline.ask("《重庆平台经济实施意见》三（五）是哪个部门牵头")
    assert silent.citations and not silent.citations[0].clause.departments
    assert "未列明责任单位" in silent.answer
    named = pipeline.ask("《天津新型消费实施方案》（三）由哪些部门负责")
    assert named.citations[0].clause.departments and "未列明责任单位" not in named.answer


@pytest.mark.parametrize(
    "question, given",
    [
        ("天津对直播基地有什么支持，给多少钱", False),  # 培育5个以上 is a count, not an amount
        ("天津新型消费方案对5G基站有啥目标，投资金额多少", False),  # 2022年 and 5万个 are no amount
        ("天津新型消费方案5G基站要建多少个", True),
        ("天津24小时便利店要占多少比例", True),  # 50%以上
        ("天津对网络货运平台有啥目标，到哪一年", True),  # 到2027年
        ("浙江平台企业合规报告多久交一次", False),  # the clause sets up the reports, with no time nor frequency
    ],
)
def test_a_figure_asked_for_must_come_in_its_unit(pipeline, question, given):
    answer = pipeline.ask(question)
    assert (answer.reason == "answered") is given, answer.answer[:80]


def test_a_word_the_corpus_writes_only_in_full_is_evidence_where_the_full_form_is(pipeline):
    """个体户 is nowhere in the corpus, 个体工商户 is: the clause on registering one is not dropped for
    lacking the question's words (before, a clause on 电商 was cited instead)."""
    _, answer = pipeline.run("我在重庆拼多多上开了个店，没有门面，办个体户执照住址那栏填啥？")
    assert [c.clause.id for c in answer.citations][:1] == ["chongqing-platform-economy#三.一"]


def test_a_name_with_a_digit_is_no_figure_when_a_quote_is_picked(pipeline):
    """报关审核要等多久: the sentence with 3个工作日 is quoted, not the one on B2B (a name, not a number)."""
    _, answer = pipeline.run("天津对做跨境电商有啥新支持，报关审核要等多久")
    assert answer.answerable and "3个工作日" in answer.citations[0].quote


def test_a_shortening_is_chinese_and_a_noun(policy_index):
    """个体户 shortens 个体工商户; 2026 is found in order in many clauses but shortens nothing (a
    validity question asked with a year was no longer answered from the document's metadata)."""
    from rag.answer import _shortened

    assert _shortened("个体户", policy_index)
    assert not _shortened("2026", policy_index)


def test_the_telling_around_a_figure_need_not_be_in_the_clause(pipeline):
    """想知道市里规划要打造几个…: 想知道 and 市里 tell, no clause uses them, and the clause that gives
    the number (2至3个) answers. A counted thing the corpus never names (GDP) is still looked for."""
    from rag.answer import _told_only

    known = lambda word: pipeline.index.bm25.document_share(word) > 0  # noqa: E731
    assert _told_only("想知道", known) and _told_only("市里", known)
    assert not _told_only("GDP", known) and not _told_only("万元", known)
    _, answer = pipeline.run("我是做货运的，想知道市里规划要打造几个网络货运的聚集区")
    assert answer.answerable and "2至3个" in answer.citations[0].quote
