from rag.tokens import STOPWORDS, abbreviates, plain_jieba, tokenize, word_sequence, words, written_forms


def test_policy_terms_stay_whole_and_search_mode_adds_their_parts():
    assert "新就业形态劳动者" in word_sequence("支持新就业形态劳动者参加社会保险")
    tokens = tokenize("支持新就业形态劳动者参加社会保险")
    assert {"新就业形态劳动者", "劳动者"} <= set(tokens)


def test_words_keep_compounds_and_drop_stopwords():
    assert words("个人所得税怎么算？") == ["个人所得税"]  # 所得税 alone would match 企业所得税
    assert not set(words("我们可以享受哪些政策？")) & STOPWORDS


def test_plain_jieba_is_scoped_to_its_block():
    with plain_jieba():
        assert "新就业形态劳动者" not in word_sequence("新就业形态劳动者的权益")
    assert "新就业形态劳动者" in word_sequence("新就业形态劳动者的权益")


def test_colloquial_question_words_have_their_written_forms():
    assert written_forms("具体咋办 要带啥材料 截止到啥时候 有木有") == "具体怎么办 要带什么材料 截止到什么时候 有没有"
    assert written_forms("重庆平台经济实施意见") == "重庆平台经济实施意见"


def test_a_shortened_name_is_found_in_order_and_close_together():
    assert abbreviates("个体户", "申请个体工商户登记")
    assert abbreviates("网约车", "网络预约出租汽车经营服务管理暂行办法")
    assert not abbreviates("网约车", "网络平台……为预约服务……提供出租汽车")  # too far apart
    assert not abbreviates("户体个", "申请个体工商户登记")  # not in order
