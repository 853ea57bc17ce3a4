import pytest

from rag.asks import asked_action, located_phrases, missing_detail, named_documents, quantity_asked, small_talk, without_locating


@pytest.mark.parametrize(
    "question, action",
    [
        ("医保卡丢了怎么补办？", "补办"),
        ("外卖被骑手偷吃了，去哪投诉？", "投诉"),
        ("浙江如何扶持农业电商？", None),  # what a policy does, not an errand
        ("浙江意见稿提出设立的平台经济工作领导小组是哪一级的？", None),  # 哪 as "which"
        ("天津新型消费方案中“完善劳动保障政策”这条原文怎么写的？", None),
    ],
)
def test_asked_action(question, action):
    assert asked_action(question) == action


@pytest.mark.parametrize(
    "question, action",
    [
        ("住房公积金怎么提取？", "提取"),  # a word the corpus never uses is an errand no clause names
        ("怎么在天津办理居住证？", "办理"),  # the place is skipped
        ("这一条怎么理解？", None),  # asks what a clause means
        ("浙江如何扶持农业电商？", None),  # the corpus uses 扶持
    ],
)
def test_asked_action_with_the_corpus_vocabulary(question, action):
    corpus = {"扶持", "办理", "电商"}
    assert asked_action(question, corpus_uses=lambda word: word in corpus) == action


def test_small_talk():
    assert small_talk("你好！") == "greeting" and small_talk("谢谢您") == "thanks"
    assert small_talk("你好，灵活就业人员社保可以缓缴吗？") is None
    assert small_talk("帮我写一份直播电商的商业计划书。") == "task"
    assert small_talk("请翻译成英文：促进平台经济发展") == "task"
    assert small_talk("浙江意见稿第12条写了什么？") is None


@pytest.mark.parametrize(
    "question, kind",
    [
        ("平台经济的概念是谁最早提出的？", "person"),
        ("天津新型消费方案中的政策评估工作由谁牵头？", None),  # a department, which the texts name
        ("明年会不会出台新的平台经济政策？", "forecast"),
        ("浙江会不会通过淘宝这类购物平台发购物补贴券？", None),  # what the policy does
        ("“首违不罚”是什么意思？", "definition"),
        ("网约车驾驶员证考试难不难？", "opinion"),
        ("到2025年天津要培育几家领军平台企业？", "quantity"),
        ("这条是哪几个部门负责的", None),  # which departments, not how many
        ("要培育的头部企业具体是哪几家", "person"),  # which firms: counted, never named
        ("保障措施有哪几项", None),  # which items: listed, not counted
        ("保障措施有几项", "quantity"),
    ],
)
def test_missing_detail(question, kind):
    assert missing_detail(question, None) == kind


def test_named_documents():
    assert named_documents("《电子商务法》规定平台要保存交易信息多长时间？") == ["电子商务法"]
    assert named_documents("我想问个人信息保护法对APP有什么要求") == ["个人信息保护法"]
    assert named_documents("违反反垄断法会被罚多少钱") == ["反垄断法"]
    assert named_documents("依法依规办事的方法有哪些") == []
    # A title names no question: the kind of document alone, after 啥 or 什么, is asked for.
    assert named_documents("重庆对共享单车有啥管理办法") == []
    assert named_documents("我们这里的物业管理条例怎么规定的") == ["物业管理条例"]


@pytest.mark.parametrize(
    "question, asked",
    [
        ("补贴多少，怎么申请", "补贴多少"),
        ("具体给多少 一个标准补多少钱", "具体给多少，一个标准补多少钱"),  # both ask: the unit is in the second
        ("需要几个人", "需要几个人"),
        ("补贴几年？怎么申请", "补贴几年？"),
        ("跑单路上摔过好几次，有没有类似工伤的保障", None),  # 好几 is "several"
        ("想从外地挖几个运营过来，对人才有啥支持", None),  # 几 told, the question asked after it
        ("我们公司十几个人 能申请补贴吗", None),  # 十几个 is one word: no 几个 of its own
        ("很多大企业有补贴吗", None),  # 很多 大: no 多大
    ],
)
def test_the_figure_asked_is_a_question_word_where_a_word_starts(question, asked):
    assert quantity_asked(question) == asked


def test_a_person_word_must_be_a_word_of_its_own():
    assert missing_detail("贷款能不能缓一缓 会不会上征信黑名单", None) is None  # 黑名单 is no 名单
    assert missing_detail("重点平台企业名单有哪些", None) == "person"


@pytest.mark.parametrize(
    "question, rest, phrases",
    [
        ("哪个文件里说到了“绿色直播间”", "“绿色直播间”", ["绿色直播间"]),
        ("溯源码出自哪份文件", "溯源码", ["溯源码"]),
        ("重庆哪个意见提过渝快融", "重庆 渝快融", ["渝快融"]),  # the place says where to look
        ("“订单班”是哪个方案里的说法", "“订单班” 的说法", ["订单班"]),
        # which policies give something is asked of their content: nothing to find word for word
        ("天津有哪些政策扶持网络货运", "天津有 扶持网络货运", []),
        ("网络货运平台有什么支持政策", "网络货运平台有什么支持政策", []),
    ],
)
def test_a_frame_asking_which_document_says_it(question, rest, phrases):
    assert without_locating(question) == rest
    assert located_phrases(question) == phrases
