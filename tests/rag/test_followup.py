"""Follow-up resolution (rag/followup.py) on the real index: the classes of ellipsis, not questions."""
import pytest

from rag.followup import Turn, on_topic, resolve


def conversation(*turns):
    history = []
    for question, cited in turns:
        history += [Turn("user", question), Turn("assistant", "……", cited)]
    return history


def answer_after(pipeline, first, followup):
    """The follow-up's answer, after the first question asked and answered by the pipeline."""
    _, answer = pipeline.run(first)
    history = [Turn("user", first), Turn("assistant", answer.answer, [c.clause.id for c in answer.citations])]
    return pipeline.run(followup, history=history)[1]


FIRST = ("天津对跨境电商有哪些支持？", ["tianjin-new-consumption#一.三", "tianjin-life-services#二.一"])


@pytest.mark.parametrize(
    "question, expected, how",
    [
        ("那浙江呢？", "浙江对跨境电商有哪些支持？", "switch"),
        ("重庆的呢", "重庆对跨境电商有哪些支持？", "switch"),
        ("这条由哪些部门负责？", "《天津新型消费实施方案》（三）由哪些部门负责？", "deixis"),
        ("上面第2条是哪个文件的？", "《天津生活性服务平台经济实施意见》二（一）是哪个文件的？", "deixis"),
        ("这项政策现在还有效吗？", "《天津新型消费实施方案》现在还有效吗？", "deixis"),
        ("具体怎么申请？", "天津对跨境电商有哪些支持，具体怎么申请？", "carry"),
        ("咋申请", "天津对跨境电商有哪些支持，咋申请", "carry"),  # colloquial question words are not a topic
        ("有木有具体指标", "天津对跨境电商有哪些支持，有木有具体指标", "carry"),  # nor a dialect 有没有
        ("重庆那份咋说的", "《重庆平台经济实施意见》对跨境电商有哪些支持？", "switch"),  # 那份 with another place: its document
        ("天津这份文件什么时候印发的", "天津《天津新型消费实施方案》什么时候印发的", "deixis"),  # the same place: the cited one
        ("天津这个是哪年发的", "《天津新型消费实施方案》是哪年发的", "deixis"),  # 这个是… after the place
        ("上面那个是正式文件吗", "《天津新型消费实施方案》是正式文件吗", "deixis"),  # 上面那个是…: the one cited
        ("重庆平台经济联席会议的办公室设在哪个部门？", "重庆平台经济联席会议的办公室设在哪个部门？", "none"),
        ("房贷利率多少", "房贷利率多少", "none"),  # words the corpus never uses: a new topic
        # A place with words that only frame a question (写, 这块, 说法) switches like 那浙江呢.
        ("浙江的文件里又是咋写的", "浙江对跨境电商有哪些支持？", "switch"),
        ("重庆这块有啥说法", "重庆对跨境电商有哪些支持？", "switch"),
        # A place with a topic of its own, known to the corpus or not, is a new question.
        ("那重庆对直播电商呢", "那重庆对直播电商呢", "none"),
        ("那重庆的公积金呢", "那重庆的公积金呢", "none"),
        # Short once its question words are out (说要引进家): the topic carries.
        ("有没有说要引进多少家", "天津对跨境电商有哪些支持，有没有说要引进多少家", "carry"),
        # Longer, with a topic of its own: a new question.
        ("平台企业能申报高新技术企业吗", "平台企业能申报高新技术企业吗", "none"),
        # The last (or first) of the clauses cited.
        ("后面那个由哪些部门负责", "《天津生活性服务平台经济实施意见》二（一）由哪些部门负责", "deixis"),
        # A passage or sentence quoted is the clause cited (刚那段, 这句话), but 那段时间 is a time.
        ("刚那段归哪些单位管", "《天津新型消费实施方案》（三）归哪些单位管", "deixis"),
        ("这句话出自哪个文件", "《天津新型消费实施方案》（三）出自哪个文件", "deixis"),
        ("前者是哪个文件的", "《天津新型消费实施方案》（三）是哪个文件的", "deixis"),
        # A pointer is whole words: the 其 of 其他 points at nothing, so "anything else" carries.
        ("还有其他支持吗", "天津对跨境电商有哪些支持，还有其他支持吗", "carry"),
        # A locative with nothing before it is inside the document cited.
        ("那里面冷链物流有啥要求", "《天津新型消费实施方案》冷链物流有啥要求", "deixis"),
        ("里头有没有说海外仓", "《天津新型消费实施方案》有没有说海外仓", "deixis"),
        # Thanks and another language carry no topic.
        ("谢谢", "谢谢", "none"),
        ("what about Zhejiang?", "what about Zhejiang?", "none"),
    ],
)
def test_follow_up_classes(policy_index, question, expected, how):
    resolution = resolve(question, conversation(FIRST), policy_index)
    assert (resolution.question, resolution.how, resolution.understood) == (expected, how, True)


def test_a_pointer_after_a_place_names_its_document_itself(policy_index):
    """浙江那份对… opening a conversation is that place's document, not a pointer at nothing, so the
    switch after it has a topic to carry."""
    history = conversation(("浙江那份对灵活就业人员的社保是怎么说的", ["zhejiang-platform-economy#二.一.4"]))
    assert resolve("重庆那边有没有类似的说法", history, policy_index).question == "重庆对灵活就业人员的社保是怎么说的"


def test_a_switch_drops_the_whole_mention_of_the_last_document(policy_index):
    history = conversation(("天津新消费方案里互联网医院是怎么讲的", ["tianjin-new-consumption#一.一"]))
    assert resolve("浙江那份呢", history, policy_index).question == "《浙江平台经济实施意见》互联网医院是怎么讲的"


def test_pointer_at_nothing_is_not_understood(policy_index):
    history = [Turn("user", "你好"), Turn("assistant", "您好！", ["not#a-clause"])]
    assert not resolve("这条由哪些部门负责？", history, policy_index).understood


def test_chains_resolve_turn_by_turn_and_no_history_changes_nothing(policy_index):
    second = ("那浙江呢？", ["zhejiang-platform-economy#二.一.2"])
    third = resolve("它现在还有效吗？", conversation(FIRST, second), policy_index)
    assert third.question == "《浙江平台经济实施意见》现在还有效吗？"
    assert resolve("那浙江呢？", [], policy_index).question == "那浙江呢？"


def test_a_personal_case_is_never_carried(pipeline):
    """The kind model reads the user's own words: a story about their own deposit stays a case,
    though it is short of a topic of its own and follows a policy question on deposits."""
    followup = answer_after(pipeline, "浙江对平台押金、保证金这些费用怎么监管？", "那我交的押金一直退不回来，该咋办")
    assert followup.resolved_question == "那我交的押金一直退不回来，该咋办"
    assert not followup.answerable and not followup.citations


def test_a_document_fact_asked_in_other_words_after_a_pointer(pipeline):
    followup = answer_after(pipeline, "重庆对完善社会信用体系提了哪些要求？", "这个文件是哪年出的")
    assert followup.resolved_question == "《重庆平台经济实施意见》是哪年出的"
    assert followup.reason == "metadata" and "2020年" in followup.answer


def test_a_switch_is_answered_only_by_a_clause_on_the_same_thing(pipeline):
    """The issue's example: 重庆's text never mentions 直播, so 那重庆呢 after a question on 直播电商 is
    declined without citations, while 那浙江呢 after 跨境电商 is answered from its 跨境电子商务 clause."""
    declined = answer_after(pipeline, "天津对直播电商有什么支持措施？", "那重庆呢？")
    assert declined.resolved_question == "重庆对直播电商有什么支持措施？"
    assert not declined.answerable and not declined.citations
    answered = answer_after(pipeline, "天津对跨境电商有哪些支持？", "那浙江呢？")
    assert answered.answerable and answered.citations[0].clause.id == "zhejiang-platform-economy#二.二.15"


@pytest.mark.parametrize(
    "question, expected",
    [
        ("生活性服务那份的目标又是啥", "《天津生活性服务平台经济实施意见》的目标又是啥"),
        ("天津新型消费这个方案几时到期", "《天津新型消费实施方案》几时到期"),  # the place before it goes too
        ("生活性服务那块有啥支持", "生活性服务那块有啥支持"),  # 那块 is a part of a topic, not a document
        # A place pointed at as a document: its one document, or its one of the kind named.
        ("浙江那份对骑手社保怎么说", "《浙江平台经济实施意见》对骑手社保怎么说"),
        ("浙江那个意见稿现在生效了没", "《浙江平台经济实施意见》现在生效了没"),
        ("天津那个方案几时到期", "《天津新型消费实施方案》几时到期"),
        ("天津那份对骑手社保怎么说", "天津那份对骑手社保怎么说"),  # which of its documents is not said
        ("浙江那个直播怎么管", "浙江那个直播怎么管"),  # 那个 alone points at no document
    ],
)
def test_a_document_named_and_pointed_at_is_named_by_its_title(policy_index, question, expected):
    assert resolve(question, None, policy_index).question == expected


def test_a_pointer_that_belongs_to_a_name_is_not_the_cited_document(policy_index):
    """生活性服务那份 after an answer from 天津新型消费 is the document it names, not the one cited."""
    resolution = resolve("生活性服务那份的目标又是啥", conversation(FIRST), policy_index)
    assert resolution.question == "《天津生活性服务平台经济实施意见》的目标又是啥"


def test_a_clause_on_the_topic_carries_most_of_its_rare_words(policy_index):
    about = ("互联网", "保险", "兼业", "代理", "资质")
    assert on_topic("允许符合条件的互联网平台申请保险兼业代理资质", about, policy_index)
    assert not on_topic("鼓励互联网平台企业与检验、保险机构开展三方合作", about, policy_index)  # the common ones only
    assert on_topic("支持直播电商发展", ("直播",), policy_index) and not on_topic("支持电商发展", ("直播",), policy_index)


def test_a_switch_asking_another_kind_of_detail_keeps_only_the_subject(pipeline):
    """咋写的 after 要建到多少个 asks how the other document handles 工业互联网平台, not for its count,
    which it does not give: the clause answers it. A bare 那重庆呢 asks the whole question again."""
    first = "天津工业互联网平台要建到多少个"
    _, answer = pipeline.run(first)
    history = [Turn("user", first), Turn("assistant", answer.answer, [c.clause.id for c in answer.citations])]
    _, how = pipeline.run("重庆的文件又是咋写的", history=history)
    assert "多少" not in how.resolved_question and "工业互联网平台" in how.resolved_question
    assert how.answerable and how.citations[0].clause.id == "chongqing-platform-economy#二.一"
    assert resolve("那重庆呢", history, pipeline.index).question == "重庆工业互联网平台要建到多少个"


def test_a_document_name_holds_the_place_inside_it(policy_index):
    """北京 in 《北京…》 is part of the title: a switch drops the title whole, whatever the hash seed."""
    history = conversation(("《天津生活性服务平台经济实施意见》对平台收费有啥要求", ["tianjin-life-services#二.二"]))
    assert resolve("重庆呢", history, policy_index).question == "重庆对平台收费有啥要求"


def test_a_question_of_its_own_on_what_the_cited_document_covers_is_scoped_to_it(policy_index):
    """冷链物流 after an answer from the plan that also speaks of it continues in that plan; a question
    after the document itself (哪个文件…) is asked of all of them."""
    history = conversation(("天津新型消费方案 农产品网上卖有啥目标没", ["tianjin-new-consumption#一.二"]))
    resolution = resolve("冷链物流那块还有别的措施没", history, policy_index)
    assert (resolution.question, resolution.how) == ("《天津新型消费实施方案》冷链物流那块还有别的措施没", "carry")
    assert resolve("哪个文件提到了冷链物流", history, policy_index).how == "none"


def test_a_pointer_at_another_kind_of_document_is_not_the_cited_one(policy_index):
    """国务院那份指导意见 after an answer from an 实施意见 is a document the corpus does not hold: the
    pointer is not replaced by the cited title. 这个是征求意见稿吗 still points at the cited one."""
    history = conversation(("重庆平台数据安全咋规定的", ["chongqing-platform-economy#三.三"]))
    assert "《" not in resolve("国务院那份指导意见咋说的", history, policy_index).question
    assert resolve("这个是征求意见稿吗", history, policy_index).question == "《重庆平台经济实施意见》是征求意见稿吗"


def test_this_clause_asked_of_another_document_is_a_switch(policy_index):
    """生活性服务那个文件里有这条不: does the document named say what the cited clause (of another one) said?"""
    history = conversation(("天津对跨境电商有哪些支持？", ["tianjin-new-consumption#一.三"]))
    resolution = resolve("生活性服务那个文件里有这条不", history, policy_index)
    assert (resolution.question, resolution.how) == ("《天津生活性服务平台经济实施意见》对跨境电商有哪些支持？", "switch")


def test_only_a_pointer_right_after_the_name_is_taken_for_it(policy_index):
    """其 of 其他 is no pointer: 重庆其他的呢 keeps its own words when it asks another kind of detail."""
    history = conversation(("天津工业互联网平台要建到多少个", ["tianjin-productive-services#二.一"]))
    assert resolve("重庆其他的呢", history, policy_index).question == "重庆关于工业互联网平台，其他的呢"


def test_who_is_responsible_for_this_is_asked_of_the_clause_cited(policy_index):
    """这个是哪个部门牵头: documents name departments clause by clause, so a bare pointer asking for
    one means the clause cited; 这份文件是哪个部门发的 still asks of the document."""
    history = conversation(("重庆对平台从业人员的社保有啥规定", ["chongqing-platform-economy#三.五"]))
    assert resolve("这个是哪个部门牵头", history, policy_index).question == "《重庆平台经济实施意见》三（五）是哪个部门牵头"
    assert resolve("这份文件是哪个部门发的", history, policy_index).question == "《重庆平台经济实施意见》是哪个部门发的"


def test_a_pointer_after_a_decline_reaches_the_answer_before_it(policy_index):
    """刚才那条 after an answer that cited nothing is the clause the answer before it cited; not when
    the question names another place (把重庆那条… is no clause of Tianjin's)."""
    history = conversation(
        ("天津生活性服务那份对平台经济人才有啥保障", ["tianjin-life-services#三.二"]),
        ("新型消费那个方案里呢", []),
    )
    assert resolve("刚才那条是哪些部门负责", history, policy_index).question == "《天津生活性服务平台经济实施意见》三（二）是哪些部门负责"
    elsewhere = resolve("把重庆那条原话给我贴一下", history, policy_index)
    assert "天津" not in elsewhere.question


def test_after_a_document_fact_the_topic_carried_is_the_document_not_the_fact(policy_index):
    """有没有说冷链物流 after 它啥时候到期 asks of the document, not for its expiry again; a question of
    its own after a fact answered without citing a clause is scoped to the document the fact was of."""
    dated = conversation(("《天津新型消费实施方案》啥时候到期", ["tianjin-new-consumption#结语"]))
    assert resolve("有没有说冷链物流", dated, policy_index).question == "《天津新型消费实施方案》有没有说冷链物流"
    issued = conversation(("天津生产性服务平台经济实施意见是哪天印发的", []))
    assert resolve("对人力资源平台有啥目标", issued, policy_index).question == "天津生产性服务平台经济实施意见对人力资源平台有啥目标"
    content = conversation(("天津新型消费方案里有没有讲智慧商圈", ["tianjin-new-consumption#二.六"]))
    assert resolve("有没有时间要求", content, policy_index).question == "天津新型消费方案里有没有讲智慧商圈，有没有时间要求"


def test_a_switch_keeps_how_places_are_joined_and_drops_the_last_turns_opener(policy_index):
    """重庆和浙江呢 asks of both places (not of 重庆浙江); 换个问题， opened the last turn, not the switch."""
    history = conversation(("天津对冷链物流有什么安排", ["tianjin-life-services#四.二"]))
    assert resolve("重庆和浙江呢", history, policy_index).question == "重庆和浙江对冷链物流有什么安排"
    history = conversation(("换个问题，天津5G基站要建多少个", ["tianjin-new-consumption#二.四"]))
    assert resolve("浙江呢", history, policy_index).question == "浙江5G基站要建多少个"


def test_a_fact_of_a_document_asked_alone_is_asked_of_the_document_cited(policy_index):
    """文号是多少 after an answer from one document: that document's 文号 (文号 is no new topic,
    though no clause uses the word), not the last topic and its 文号."""
    history = conversation(("重庆对网约车有啥规定", ["chongqing-platform-economy#三.一"]))
    resolution = resolve("文号是多少", history, policy_index)
    assert (resolution.question, resolution.how) == ("《重庆平台经济实施意见》文号是多少", "carry")


@pytest.mark.parametrize(
    "question, expected",
    [
        ("这是哪一年的文件", "《天津新型消费实施方案》是哪一年的文件"),  # jieba's 这是 holds the pointer
        ("其它支持呢", "天津对跨境电商有哪些支持，其它支持呢"),  # the 它 of 其它 is none
    ],
)
def test_one_character_pronouns_are_words_of_their_own(policy_index, question, expected):
    assert resolve(question, conversation(FIRST), policy_index).question == expected


@pytest.mark.parametrize(
    "question, expected",
    [
        ("生活服务平台那份文件对人才有啥支持", "《天津生活性服务平台经济实施意见》对人才有啥支持"),
        ("天津新消费那个方案对夜间经济有啥", "《天津新型消费实施方案》对夜间经济有啥"),
        ("浙江平台经济那个文件里有没有写", "《浙江平台经济实施意见》里有没有写"),  # the place picks among titles
        ("服务平台那个文件里有没有写", "服务平台那个文件里有没有写"),  # two titles hold it: none named
    ],
)
def test_a_document_named_short_and_pointed_at_is_the_one_title_that_holds_the_name(policy_index, question, expected):
    assert resolve(question, None, policy_index).question == expected


def test_a_bare_switch_then_a_short_ask_asks_the_last_question_there_with_that_ask(policy_index):
    """浙江的呢 外地户口能交吗: the last question, of 浙江, with the ask of this turn."""
    history = conversation(("跑外卖的能自己交社保吗", ["tianjin-new-consumption#四.十六"]))
    resolution = resolve("浙江的呢 外地户口能交吗", history, policy_index)
    assert (resolution.question, resolution.how) == ("浙江跑外卖的能自己交社保吗，外地户口能交吗", "switch")


def test_a_switch_keeps_the_punctuation_between_two_names_of_the_last_question(policy_index):
    """…过来天津，《…》对人才…: removing both names keeps the comma, so the narrative is not glued to the ask."""
    history = conversation(("想挖几个运营过来天津，生活服务平台那份文件对人才有啥支持", ["tianjin-life-services#三.二"]))
    assert resolve("换成生产性服务那份呢", history, policy_index).question == "《天津生产性服务平台经济实施意见》想挖几个运营过来，对人才有啥支持"


def test_a_question_naming_no_place_is_asked_where_the_conversation_was_when_nothing_answers_it_as_it_stands(pipeline):
    """A question of its own that names no place is first answered as it stands; declined so, it is
    asked of the document the last answer cited. A new topic that another document answers keeps
    its own answer, and a personal case stays declined wherever it is asked."""
    assert not pipeline.ask("利用地铁公交捎带快递吗").answerable  # alone: no place, declined
    scoped = answer_after(pipeline, "天津对快递进社区有什么措施", "利用地铁公交捎带快递吗")
    assert scoped.answerable and scoped.citations[0].clause.id == "tianjin-life-services#四.二"
    assert scoped.resolved_question == "《天津生活性服务平台经济实施意见》利用地铁公交捎带快递吗"
    elsewhere = answer_after(pipeline, "天津对快递进社区有什么措施", "超大型平台要不要定期交合规报告")
    assert elsewhere.resolved_question == "超大型平台要不要定期交合规报告"
    assert [c.clause.id for c in elsewhere.citations] == ["zhejiang-platform-economy#二.三.19"]
    case = answer_after(pipeline, "重庆对中小企业上云有啥支持", "我在平台交的押金退不回来，我该怎么办")
    assert case.reason == "personal_case" and not case.citations


def test_a_turn_declined_as_it_stands_is_answered_as_asking_more_of_the_clause_just_cited(pipeline):
    """A follow-up with words of its own (保费谁来掏) that nothing answers as it stands, yet whose words
    find the clause just cited first, is answered as a continuation: what the last answer was about,
    in its document, then this turn, which alone says what detail is asked. A detail that clause does not
    give (赔多少) stays declined, and a personal case stays one."""
    first = "浙江对外卖骑手的商业保险有什么规定"
    assert not pipeline.ask("保费谁来掏 文件里怎么讲").answerable  # alone: declined
    more = answer_after(pipeline, first, "保费谁来掏 文件里怎么讲")
    assert more.answerable and [c.clause.id for c in more.citations] == ["zhejiang-platform-economy#二.一.4"]
    assert more.resolved_question.startswith("《浙江平台经济实施意见》关于") and more.resolved_question.endswith("保费谁来掏 文件里怎么讲")
    assert not answer_after(pipeline, first, "买了以后出事能赔多少").answerable
    assert answer_after(pipeline, first, "那跑腿小哥摔伤了医药费谁出").reason == "personal_case"


def test_a_question_of_its_own_carries_the_continuation_it_may_be(policy_index):
    """Resolution offers the continuation with what the last answer cited; the pipeline decides. A
    turn with words the last answer's document uses is scoped to it first."""
    history = conversation(("浙江对外卖骑手的商业保险有什么规定", ["zhejiang-platform-economy#二.一.4"]))
    own = resolve("保费谁来掏 文件里怎么讲", history, policy_index)
    assert own.how == "carry" and own.question == "《浙江平台经济实施意见》保费谁来掏 文件里怎么讲"
    assert own.cited == ("zhejiang-platform-economy#二.一.4",) and own.continued.endswith("，保费谁来掏 文件里怎么讲")
    assert resolve("保费谁来掏 文件里怎么讲", None, policy_index).continued is None


def test_a_part_named_by_its_heading_lists_its_clauses_and_then_its_nth_is_reachable(pipeline):
    """保障措施分哪几条 names a part by its heading, not its number: its clauses, in order; then
    第一条 is the first of them. A word of the title found in many headings names no part."""
    first = "天津生产性服务那份 保障措施分哪几条"
    _, answer = pipeline.run(first)
    cited = [c.clause.id for c in answer.citations]
    assert cited == ["tianjin-productive-services#六.一", "tianjin-productive-services#六.二", "tianjin-productive-services#六.三"]
    history = [Turn("user", first), Turn("assistant", answer.answer, cited)]
    _, followup = pipeline.run("第一条具体说啥", history=history)
    assert followup.resolved_question == "《天津生产性服务平台经济实施意见》六（一）具体说啥"
    assert [c.clause.id for c in followup.citations] == ["tianjin-productive-services#六.一"]
    listed = pipeline.ask("浙江那个征求意见稿的保障措施有哪几项")  # 哪几项 asks which, not how many
    assert [c.clause.id for c in listed.citations] == [f"zhejiang-platform-economy#三.{n}" for n in "一二三四"]
    loose = pipeline.ask("天津生产性服务那份 平台经济有哪几条")
    assert not any(c.clause.id.startswith("tianjin-productive-services#四.") for c in loose.citations)


def test_a_fact_of_a_document_asked_after_an_answer_is_of_the_document_cited(pipeline):
    """发布单位和文号: words that ask a document's facts are no topic of their own (单位 tells clauses
    apart elsewhere), so the question asks them of the document the last answer cited."""
    answer = answer_after(pipeline, "重庆对平台企业申报高新技术企业有什么支持？", "发布单位和文号发我一下")
    title = pipeline.index.meta("chongqing-platform-economy").short_title
    assert answer.reason == "metadata" and answer.answerable
    assert answer.resolved_question.startswith(f"《{title}》")
    assert pipeline.index.meta("chongqing-platform-economy").doc_number in answer.answer


@pytest.mark.parametrize(
    ("first", "followup", "resolved", "answerable"),
    [
        ("天津对跨境电商有哪些支持？", "浙江也有这条吗", "浙江对跨境电商有哪些支持？", True),
        # 重庆's text never mentions 直播: declined, not answered from the clause of 天津 that 这条 was
        ("天津对直播电商有什么支持措施？", "我们公司要是注册在重庆 也有这条吗", "重庆对直播电商有什么支持措施？", False),
    ],
)
def test_this_clause_asked_of_another_place_is_its_topic_there(pipeline, first, followup, resolved, answerable):
    answer = answer_after(pipeline, first, followup)
    assert answer.resolved_question == resolved
    assert answer.answerable is answerable
    assert all(c.clause.doc_id in {d.meta.id for d in pipeline.index.documents if d.meta.region == resolved[:2]} for c in answer.citations)


@pytest.mark.parametrize(
    ("followup", "resolved"),
    [
        # "the same" of another place, told as a story: the last question asked there
        ("我同事在浙江也做跨境电商 他那边有没有类似说法", "浙江对跨境电商有哪些支持"),
        ("浙江是不是也一样", "浙江对跨境电商有哪些支持"),
        # 这样的 before a noun of its own: a question of its own, nothing inherited
        ("重庆对直播这样的新业态有什么支持", "重庆对直播这样的新业态有什么支持"),
        # a topic the last question did not speak of is the turn's own
        ("重庆的网约车怎么管的 跟这个一样严吗", "重庆的网约车怎么管的 跟这个一样严吗"),
    ],
)
def test_the_same_asked_of_another_place_is_the_last_question_there(pipeline, followup, resolved):
    answer = answer_after(pipeline, FIRST[0], followup)
    assert answer.resolved_question.startswith(resolved)


def test_a_stretch_of_time_is_no_passage_cited(policy_index):
    """那段时间 is a time, not the passage the answer quoted."""
    resolution = resolve("疫情那段时间平台企业有没有减免", conversation(FIRST), policy_index)
    assert "（三）" not in resolution.question
