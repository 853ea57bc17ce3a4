"""The parser on real documents of other structures (tests/fixtures/newdocs, copied from ../shared/newdocs)."""
from pathlib import Path

import pytest

from rag.parse import parse_document

NEWDOCS = Path(__file__).resolve().parent.parent / "fixtures" / "newdocs"

# Clause counts as a careful reader counts them.
EXPECTED = {
    "nat-ride-hailing-2016": 41,  # the cover notice (序言) + 第一条…第四十条; （一） items stay in their article
    "bj-digital-economy-2022": 58,  # 第一条…第五十八条; the table of contents is skipped
    # 序言 + 一 + 二（一）（二） + 三（一）–（三） + 四（一）（二） + 五（一） + 五（二）, its 1. with （1）（2）, 2. + 六 + 七
    "gz-public-housing-2024": 17,
    "gz-tekun-support-2021": 9,  # 序言 + 一…八 (八 holds 施行 and 有效期)
    "gov-ftz-measures-2018-38": 55,  # 序言 + （一）…（五十三） + 五 (four headed paragraphs)
    # 序言 + 一（一）…（五） + 二 + 三; attachment: title, table header, rows 1–14 and 21–23, the empty group 四
    "gov-innovation-annex-2018-126": 28,
}


def parsed(name: str):
    text = (NEWDOCS / f"{name}.txt").read_text(encoding="utf-8")
    return text, parse_document(text, name, f"{name}.txt", name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_clause_counts_and_unique_ids(name):
    _, doc = parsed(name)
    ids = [c.id for c in doc.clauses]
    assert len(ids) == len(set(ids))
    assert len(doc.clauses) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_line_of_the_body_is_in_one_clause_or_the_metadata(name):
    """Each non-blank line lies in exactly one clause span or metadata span, or is a numbered heading
    that the clauses under it carry in their path."""
    text, doc = parsed(name)
    headings = {h for c in doc.clauses for h in c.path}
    offset = 0
    for line in text.split("\n"):
        content = line.strip(" \t\u3000#")
        if content:
            start = offset + line.index(content[0])
            end = start + len(content)
            inside = [c.id for c in doc.clauses if c.start < end and start < c.end]
            meta = [m for m in doc.metadata_lines if m[0] < end and start < m[1]]
            if not inside and not meta:
                assert any(h and h in content for h in headings), f"{name}: line lost: {content[:40]}"
            assert len(inside) + bool(meta) <= 1, f"{name}: line in two places: {content[:40]} {inside}"
        offset += len(line) + 1


def test_articles_keep_their_items_and_are_cited_alone():
    _, doc = parsed("nat-ride-hailing-2016")
    fifth = next(c for c in doc.clauses if c.label == "第五条")
    assert fifth.text.startswith("申请从事网约车经营的") and "（六）法律法规规定的其他条件" in fifth.text
    assert fifth.text.endswith("还应当符合外商投资相关法律法规的规定。")  # the 款 after the items
    assert doc.clauses[0].label == "序言" and "现予公布" in doc.clauses[0].text
    assert "杨传堂" not in "".join(c.text for c in doc.clauses)  # the signature is metadata
    assert doc.status == "暂行" and doc.effective == "2016-11-01" and doc.date == "2016-07-27"
    assert doc.doc_number.endswith("令2016年第60号") and doc.issuer.startswith("交通运输部、工业和信息化部")


def test_markdown_law_with_table_of_contents():
    _, doc = parsed("bj-digital-economy-2022")
    assert doc.title == "北京市数字经济促进条例"
    assert [c.label for c in doc.clauses[:2]] == ["第一条", "第二条"]
    assert doc.clauses[21].label == "第二十二条" and doc.clauses[21].path == ["数字产业化"] or doc.clauses[21].path
    assert not any("总 则" == c.text for c in doc.clauses)
    assert doc.issuer == "北京市人民代表大会常务委员会" and doc.date == "2022-11-25" and doc.effective == "2023-01-01"


def test_four_levels_full_width_digits_attachment_list_and_footer():
    _, doc = parsed("gz-public-housing-2024")
    labels = [c.label for c in doc.clauses]
    assert "五（二）1.（1）" in labels and "五（二）2" in labels
    assert doc.clauses[0].text.endswith("通知如下：")  # the preamble is kept, whatever its last words
    assert doc.addressees == "各区人民政府，市政府各部门、各直属机构："
    assert doc.attachments == ["申请公共租赁住房保障家庭收入及财产限额", "住房租赁补贴标准", "政府公共租赁住房分档租金标准"]
    body = "".join(c.text for c in doc.clauses)
    assert "公开方式" not in body and ".doc" not in body and "附件：" not in body
    assert doc.disclosure == "主动公开" and doc.doc_number == "穗建规字〔2024〕5号"
    assert doc.effective == "2024-03-04" and doc.valid_until == "2029-03-03"  # 有效期5年


def test_validity_from_the_date_of_printing():
    _, doc = parsed("gz-tekun-support-2021")
    assert doc.date == "2021-04-13" and doc.effective == "2021-04-16"  # 自印发之日起施行; 2021年4月16日印发
    assert doc.valid_until == "2026-04-15"
    assert doc.clauses[-1].label == "八" and doc.clauses[-1].text.startswith("本通知自印发之日起施行")


def test_straight_through_items_and_labelled_departments():
    _, doc = parsed("gov-ftz-measures-2018-38")
    item = next(c for c in doc.clauses if c.label == "（五十三）")
    assert item.id == "gov-ftz-measures-2018-38#四.五十三"
    assert [d.name for d in item.departments] == ["人力资源社会保障部"]
    banks = next(c for c in doc.clauses if c.label == "（三十八）")
    assert [d.name for d in banks.departments] == ["人民银行", "银保监会", "外汇局"]
    assert doc.issuer == "国务院" and doc.disclosure == "公开发布"


def test_attachment_is_its_own_part_and_table_rows_are_clauses():
    _, doc = parsed("gov-innovation-annex-2018-126")
    rows = [c for c in doc.clauses if c.id.startswith("gov-innovation-annex-2018-126#附件.")]
    assert rows[0].text == "第二批支持创新相关改革举措推广清单"
    row = next(c for c in rows if c.label == "附件第21项")
    assert row.text.startswith("允许地方高校自主开展人才引进和职称评审\t") and row.text.endswith("8个改革试验区域")
    assert "\t" in row.text and "\n" not in row.text


def test_headed_articles_and_nested_items():
    text = (
        "某市促进办法\n第一章 总则\n第一条（目的与依据）为了促进发展，制定本办法。\n"
        "第二条（适用范围）本办法适用于：\n（一）平台企业；\n（二）平台内经营者。\n"
        "第二章 附则\n第三条 本办法自2025年1月1日起施行，有效期3年。\n"
    )
    doc = parse_document(text, "m", "m.txt", "m")
    assert [c.label for c in doc.clauses] == ["第一条", "第二条", "第三条"]
    assert doc.clauses[0].heading == "目的与依据" and doc.clauses[0].text == "为了促进发展，制定本办法。"
    assert doc.clauses[1].text.endswith("（二）平台内经营者。")
    assert doc.effective == "2025-01-01" and doc.valid_until == "2027-12-31"


# Three real pages that come only as HTML: extracted (rag/extract.py), then parsed.
HTML = Path(__file__).resolve().parent.parent / "fixtures" / "extract"
HTML_EXPECTED = {
    # 第一条…第五十五条; the 国务院令 number and date sit in the title's （…公布） parenthetical
    "gov-market-entity-registration-regulation-746": (55, "中华人民共和国国务院令第746号", "2021-07-27", None, "第五十五条"),
    # the cover notice (序言) + 第一条…第五十四条 of the enclosed 办法; 有效期5年 from 施行 2024-07-29
    "gz-public-rental-housing-2024": (55, "穗府办规〔2024〕13号", "2024-07-26", "2029-07-28", "第五十四条"),
    # the cover notice + 第一条…第十八条 of the 实施细则; 自印发之日起施行 (2021-12-06), 有效期5年
    "gz-temporary-relief-2021": (19, "穗府办规〔2021〕19号", "2021-12-01", "2026-12-05", "第十八条"),
}


@pytest.mark.parametrize("name", sorted(HTML_EXPECTED))
def test_documents_given_only_as_web_pages(name):
    from rag.extract import extract_file

    text = extract_file(HTML / f"{name}.html").text
    doc = parse_document(text, name, f"{name}.txt", name)
    count, doc_number, issued, valid_until, last = HTML_EXPECTED[name]
    assert (len(doc.clauses), doc.doc_number, doc.date, doc.valid_until) == (count, doc_number, issued, valid_until)
    assert doc.clauses[-1].label == last
