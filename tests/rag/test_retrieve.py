import pytest

from rag.intent import cn_to_int, detect_scope, find_reference

KNOWN = [
    ("灵活就业人员的社会保险费可以缓缴吗？", "tianjin-new-consumption#四.十六"),
    ("我们是做跨境电商的，能享受哪些支持？", "tianjin-new-consumption#一.三"),
    ("到2022年底天津要建成多少5G基站？", "tianjin-new-consumption#二.四"),
    ("网络货运平台有什么支持政策", "tianjin-productive-services#二.四"),
    ("重庆怎么优化平台经济市场准入", "chongqing-platform-economy#三.一"),
    ("浙江对网络直播等新业态怎么监管", "zhejiang-platform-economy#二.三.18"),
    ("电子商务经营者能不能用网络经营场所登记个体工商户", "tianjin-new-consumption#三.十二"),
]


@pytest.mark.parametrize("question, expected", KNOWN)
def test_known_questions_find_their_clause(pipeline, question, expected):
    ids = [h.clause.id for h in pipeline.search(question, k=3)]
    assert expected in ids, ids


@pytest.mark.parametrize(
    "question, expected",
    [
        ("重庆实施意见第三部分第（二）条", "chongqing-platform-economy#三.二"),
        ("浙江意见稿第12条", "zhejiang-platform-economy#二.二.12"),
        ("天津新型消费实施方案（十六）讲了什么", "tianjin-new-consumption#四.十六"),
        ("天津生活性服务实施意见二（四）", "tianjin-life-services#二.四"),
        ("浙江意见二（一）3", "zhejiang-platform-economy#二.一.3"),
        ("浙江意见稿二（一）第3条的原文", "zhejiang-platform-economy#二.一.3"),
        ("浙江意见稿第二部分第（三）项第20条写了什么？", "zhejiang-platform-economy#二.三.20"),
        ("天津生产性服务实施意见的第二部分第七点讲什么？", "tianjin-productive-services#二.七"),
    ],
)
def test_clause_references_resolve_directly(pipeline, question, expected):
    hit = pipeline.search(question, k=5)[0]
    assert (hit.clause.id, hit.matched_by) == (expected, "reference")


def test_ambiguous_reference_returns_every_match_first(pipeline):
    hits = pipeline.search("二（七）", k=5)
    referenced = {h.clause.id for h in hits if h.matched_by == "reference"}
    assert referenced == {"tianjin-new-consumption#二.七", "tianjin-productive-services#二.七"}


def test_reference_parsing():
    assert cn_to_int("十六") == 16 and cn_to_int("二十五") == 25 and cn_to_int("十") == 10
    ref = find_reference("第三部分第（二）条")
    assert (ref.part, ref.section, ref.item) == (3, 2, None)
    assert find_reference("第12条").item == 12
    ref = find_reference("二（一）第3条")
    assert (ref.part, ref.section, ref.item) == (2, 1, 3)
    assert not find_reference("到2025年引进20个总部")
    assert not find_reference("一、二线城市")


def test_scope_from_region_and_document(documents):
    docs = list(documents.values())
    scope = detect_scope("天津新型消费方案里灵活就业怎么规定", docs)
    assert scope.doc_ids == {"tianjin-new-consumption"}
    scope = detect_scope("杭州的平台企业能享受什么", docs)
    assert scope.doc_ids == {"zhejiang-platform-economy"}
    scope = detect_scope("北京的平台经济政策", docs)
    assert scope.foreign_only and scope.foreign == ["北京"]


def test_filters_restrict_results(pipeline):
    hits = pipeline.search("平台企业", k=10, region="重庆")
    assert {h.clause.doc_id for h in hits} == {"chongqing-platform-economy"}
    hits = pipeline.search("平台企业", k=10, doc_id="zhejiang-platform-economy")
    assert {h.clause.doc_id for h in hits} == {"zhejiang-platform-economy"}


def test_comparison_covers_each_region(pipeline):
    hits = pipeline.search("天津和重庆在包容审慎监管上分别怎么规定的？", k=5)
    regions = {h.clause.doc_id.split("-")[0] for h in hits[:2]}
    assert regions == {"tianjin", "chongqing"}


@pytest.mark.parametrize(
    "question, expected",
    [
        ("重庆实施意见第三部分第二条的原文是什么", ["chongqing-platform-economy#三.二"]),
        ("天津新型消费实施方案第三部分第（二）条原文", ["tianjin-new-consumption#三.十"]),  # 2nd clause of part 三
        ("天津新型消费实施方案第十六条", ["tianjin-new-consumption#四.十六"]),
        ("天津生活性服务实施意见第一部分讲了什么", ["tianjin-life-services#一.一", "tianjin-life-services#一.二"]),
        (
            "浙江意见稿第二部分第（一）条的原文",
            [f"zhejiang-platform-economy#二.一.{n}" for n in range(1, 6)],  # items 1–6 in document order, k=5
        ),
    ],
)
def test_references_in_document_order(pipeline, question, expected):
    hits = [h for h in pipeline.search(question, k=5) if h.matched_by == "reference"]
    assert [h.clause.id for h in hits] == expected


def test_ordinary_words_are_not_references_or_places(documents):
    docs = list(documents.values())
    assert not find_reference("一、二线城市的平台企业有什么支持政策？")
    for question in ("平台企业扩大连锁经营有什么支持？", "如何形成都市商圈消费新场景？", "沿海口岸跨境电商有什么政策？"):
        assert detect_scope(question, docs).foreign == [], question
    assert detect_scope("创新消费模式有哪些", docs).doc_ids == set()


def test_filters_that_exclude_each_other_give_no_hits(pipeline):
    assert pipeline.search("消费券", k=5, region="重庆", doc_id="tianjin-new-consumption") == []


def test_which_document_says_a_phrase_finds_the_clauses_saying_it(pipeline):
    """哪个文件提到了X is a lookup: the clauses holding X word for word come first, marked as found by it,
    and they are answered without the models; a phrase no clause holds is not looked up."""
    retrieval, answer = pipeline.run("溯源码出自哪份文件")
    holding = [h for h in retrieval.hits if h.matched_by == "phrase"]
    assert holding and retrieval.hits[0] is holding[0]
    assert all("溯源码" in h.clause.text for h in holding)
    assert answer.answerable and all("溯源码" in c.clause.text for c in answer.citations)
    retrieval, answer = pipeline.run("哪个文件里写到了量子通信")
    assert all(h.matched_by == "search" for h in retrieval.hits)
    assert not answer.answerable
