import re
import shutil

import pytest

from rag.corpus import load_corpus
from rag.errors import CorpusError
from rag.parse import parse_departments, parse_document, repair_breaks

EXPECTED_COUNTS = {
    "tianjin-life-services": 20,  # 序言 + 2 + 5 + 3 + 3 + 4 + 2
    "tianjin-productive-services": 25,  # 序言 + 2 + 8 + 4 + 3 + 4 + 3
    "tianjin-new-consumption": 21,  # 序言 + （一）…（十九） + 结语
    "chongqing-platform-economy": 20,  # 序言 + 一 (leaf) + 6 + 5 + 7
    "zhejiang-platform-economy": 31,  # 序言 + 一 (leaf) + items 1–25 + 三（一）…（四）
}


def clause(documents, clause_id):
    doc_id = clause_id.split("#")[0]
    return next(c for c in documents[doc_id].clauses if c.id == clause_id)


def test_clause_counts_per_document(documents):
    assert {doc_id: len(d.clauses) for doc_id, d in documents.items()} == EXPECTED_COUNTS


def test_ids_follow_the_numbering(documents):
    ids = [c.id for c in documents["zhejiang-platform-economy"].clauses]
    assert ids[:4] == [
        "zhejiang-platform-economy#序言",
        "zhejiang-platform-economy#一",
        "zhejiang-platform-economy#二.一.1",
        "zhejiang-platform-economy#二.一.2",
    ]
    assert ids[-1] == "zhejiang-platform-economy#三.四"
    assert "zhejiang-platform-economy#二.三.25" in ids
    new = [c.id.split("#")[1] for c in documents["tianjin-new-consumption"].clauses]
    assert new[1] == "一.一" and new[16] == "四.十六" and new[-1] == "结语"


def test_labels_as_officials_write_them(documents):
    assert clause(documents, "tianjin-life-services#二.四").label == "二（四）"
    assert clause(documents, "tianjin-new-consumption#四.十六").label == "（十六）"
    assert clause(documents, "zhejiang-platform-economy#二.一.3").label == "二（一）3"
    assert clause(documents, "chongqing-platform-economy#三.三").label == "三（三）"  # from half-width (三)
    assert clause(documents, "chongqing-platform-economy#一").label == "一"


def test_heading_and_path(documents):
    c = clause(documents, "tianjin-life-services#二.四")
    assert c.heading == "医疗健康平台"
    assert c.path == ["聚焦重点领域", "医疗健康平台"]
    assert c.text.startswith("医疗健康平台。聚焦医药电商")  # the path is not glued into the text
    z = clause(documents, "zhejiang-platform-economy#二.一.3")
    assert z.path == ["主要举措", "发挥平台经济作用，提振信心稳定预期", "加大财税奖补力度"]


def test_text_is_the_repaired_source_span(documents, corpus_dir):
    for document in documents.values():
        source = (corpus_dir / document.meta.source).read_text(encoding="utf-8")
        for c in document.clauses:
            assert repair_breaks(source[c.start : c.end]) == c.text, c.id
            assert c.source == document.meta.source


def test_no_clause_merged_or_cut(documents, corpus_dir):
    """Spans are ordered and disjoint, and every numbered line starts exactly one clause or a parent."""
    for document in documents.values():
        source = (corpus_dir / document.meta.source).read_text(encoding="utf-8")
        spans = [(c.start, c.end) for c in document.clauses]
        assert spans == sorted(spans)
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
        for c in document.clauses:
            # No numbered item hides inside a clause's text.
            inner = c.text.split("\n")[1:]
            assert not any(re.match(r"^[（(][一二三四五六七八九十]+[）)]|^\d+[.．]|^[一二三四五六七八九十]+、", p) for p in inner), c.id
        body = source[spans[0][0] : spans[-1][1]]
        covered = "".join(source[s:e] for s, e in spans)
        # What lies between clauses is only headings of parts and whitespace.
        assert len(re.sub(r"\s", "", covered)) > 0.9 * len(re.sub(r"\s", "", body))


def test_pdf_line_breaks_are_joined(documents):
    c = clause(documents, "chongqing-platform-economy#一")
    assert "具有全国性影响力的平台企业，推动我市平台经济" in c.text
    assert "\n" not in c.text
    assert "IPv6等新型基础设施建设" in clause(documents, "chongqing-platform-economy#四.三").text


def test_unnumbered_paragraph_continues_the_clause_before(documents):
    c = clause(documents, "chongqing-platform-economy#三.三")
    assert c.text.startswith("创新监管方式。")
    assert c.text.endswith("探索开展差异化监管。")
    assert "\n鼓励平台经济行业协会联盟" in c.text
    assert "分领域制定监管规则 and 标准" in c.text  # OCR noise is kept verbatim


def test_section_with_body_and_no_children_is_a_leaf(documents):
    for doc_id in ("chongqing-platform-economy", "zhejiang-platform-economy"):
        c = clause(documents, f"{doc_id}#一")
        assert c.heading == "总体要求"
        assert c.text.startswith("以习近平新时代中国特色社会主义思想为指导")


def test_preamble_and_closing_are_clauses(documents):
    pre = clause(documents, "tianjin-productive-services#序言")
    assert pre.text.startswith("为推动生产性服务领域平台经济") and pre.text.endswith("提出如下实施意见。")
    closing = clause(documents, "tianjin-new-consumption#结语")
    assert closing.text == "本实施方案自印发之日起施行，2025年12月31日废止，文件中有明确施行期限的除外。"


def test_signature_is_metadata_not_text(documents):
    texts = "".join(c.text for d in documents.values() for c in d.clauses)
    assert "2023年5月17日" not in texts and "此件主动公开" not in texts
    assert "2020年2月12日" not in texts and "渝府办发〔2020〕16号" not in texts
    assert "各区人民政府，市政府各委、办、局：" not in texts


def test_departments_per_task_with_lead_units(documents):
    c = clause(documents, "tianjin-new-consumption#四.十六")
    assert [(d.name, d.lead) for d in c.departments] == [("市人社局", True), ("市医保局", False)]
    leads = {d.name for d in clause(documents, "tianjin-new-consumption#三.十").departments if d.lead}
    assert leads == {"市市场监管委", "市发展改革委"}
    names = [d.name for d in clause(documents, "tianjin-life-services#二.一").departments]
    assert names == ["市商务局", "市市场监管委", "市税务局", "各区人民政府", "滨海新区各开发区管委会"]
    names = [d.name for d in clause(documents, "tianjin-new-consumption#一.三").departments]
    assert "天津海关" in names and "人民银行天津分行" in names and "天津港集团" in names
    assert clause(documents, "zhejiang-platform-economy#二.一.4").departments == []


def test_department_parser_rejects_ordinary_parentheses():
    assert parse_departments("含幼儿园") is None
    assert parse_departments("人力资源平台") is None
    assert [d.name for d in parse_departments("市文化和旅游局、市商务局和相关区人民政府按职责分工负责")] == [
        "市文化和旅游局",
        "市商务局",
        "相关区人民政府",
    ]


def test_metadata_read_from_text(documents):
    cq = documents["chongqing-platform-economy"].meta
    assert (cq.doc_number, cq.date, cq.issuer, cq.status) == ("渝府办发〔2020〕16号", "2020-02-12", "重庆市人民政府办公厅", "正式")
    assert cq.title == "重庆市人民政府办公厅关于促进平台经济规范健康发展的实施意见"
    prod = documents["tianjin-productive-services"].meta
    assert (prod.date, prod.issuer, prod.doc_number) == ("2023-05-17", "天津市人民政府办公厅", None)
    assert prod.disclosure == "主动公开"  # （此件主动公开） under the signature, not part of the last clause
    assert "此件" not in documents["tianjin-productive-services"].clauses[-1].text
    assert cq.disclosure is None
    assert documents["tianjin-life-services"].addressees == "各区人民政府，市政府各委、办、局："
    new = documents["tianjin-new-consumption"].meta
    assert (new.status, new.valid_until, new.issuer) == ("征求意见稿", "2025-12-31", None)
    assert new.title == "天津市加快发展新型消费实施方案（征求意见稿）"
    zj = documents["zhejiang-platform-economy"].meta
    assert (zj.status, zj.issuer, zj.date, zj.region) == ("征求意见稿", None, None, "浙江")
    assert zj.title == "关于促进平台经济规范健康高质量发展的实施意见（征求意见稿）"
    life = documents["tianjin-life-services"].meta
    assert (life.date, life.doc_number, life.issuer) == (None, None, "天津市人民政府办公厅")


def test_metadata_file_cannot_contradict_the_text(tmp_path, corpus_dir):
    shutil.copytree(corpus_dir, tmp_path / "corpus")
    toml = tmp_path / "corpus" / "documents.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'unknown = ["valid_until"]', 'doc_number = "渝府办发〔2021〕1号"\nunknown = ["valid_until"]'
        ),
        encoding="utf-8",
    )
    with pytest.raises(CorpusError, match="contradicts"):
        load_corpus(tmp_path / "corpus")


def test_parse_is_deterministic(corpus_dir):
    text = (corpus_dir / "zhejiang-platform-economy-draft.txt").read_text(encoding="utf-8")
    first = parse_document(text, "z", "z.txt", "浙")
    second = parse_document(text, "z", "z.txt", "浙")
    assert [c.to_dict() for c in first.clauses] == [c.to_dict() for c in second.clauses]


def test_chapter_and_article_numbering():
    text = "某某条例\n\n第一章 总则\n第一条 为了规范平台经济，制定本条例。\n第二条 本条例适用于本市。\n第二章 监管\n第三条 市场监管部门负责监管。\n"
    parsed = parse_document(text, "reg", "reg.txt", "条例")
    assert [c.id for c in parsed.clauses] == ["reg#一.一", "reg#一.二", "reg#二.三"]
    assert parsed.clauses[0].label == "第一条"  # articles are numbered through the text and cited alone
    assert parsed.clauses[2].text == "市场监管部门负责监管。"


def test_messy_input_variants():
    """Windows line endings, a preamble not starting with 为, units without 部门/按职责分工."""
    text = (
        "某市关于支持平台经济的实施意见\r\n\r\n近年来平台经济快速发展，现提出如下意见。\r\n"
        "一、总体要求\r\n（一）目标。支持电商\r\n发展。（市商务局、市医保局等按职责分工负责）\r\n"
        "（二）措施。加强监管。（市场监管局负责）\r\n二、保障措施\r\n加强组织领导。\r\n"
    )
    parsed = parse_document(text, "m", "m.txt", "某市")
    assert parsed.title == "某市关于支持平台经济的实施意见"
    ids = [c.id for c in parsed.clauses]
    assert ids == ["m#序言", "m#一.一", "m#一.二", "m#二"]
    assert parsed.clauses[0].text == "近年来平台经济快速发展，现提出如下意见。"
    first = parsed.clauses[1]
    assert "\r" not in first.text and "支持电商发展。" in first.text
    assert first.label == "一（一）"  # one part with sections is not numbering straight through
    assert [d.name for d in first.departments] == ["市商务局", "市医保局"]
    assert [d.name for d in parsed.clauses[2].departments] == ["市场监管局"]
