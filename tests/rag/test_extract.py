"""rag.extract on real documents: gz.gov.cn pages, a Word file and a PDF made from real texts."""
from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import pytest

from rag.errors import CorpusError
from rag.extract import ExtractError, Extracted, _strip_running, extract_bytes, extract_file, sniff

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract"
TEKUN_HTML = FIXTURES / "gz-tekun-support-2021.html"
TEKUN_TXT = FIXTURES / "gz-tekun-support-2021.txt"
TEKUN_PDF = FIXTURES / "gz-tekun-support-2021.pdf"
RENTAL_HTML = FIXTURES / "gz-public-rental-housing-2024.html"
MARKET_HTML = FIXTURES / "gov-market-entity-registration-regulation-746.html"
ANNEX_DOCX = FIXTURES / "gov-innovation-annex-2018-126.docx"
BJ_MD = FIXTURES / "bj-digital-economy-2022-head.md"
ANNEX_TXT = FIXTURES / "gov-innovation-annex-2018-126.txt"

CHROME = ["打印", "分享到", "网站地图", "关闭窗口", "返回顶部", "扫一扫", "当前位置", "字体", "字号",
          "浏览次数", "政策解读", "市委组织部", "索引号", "统一编号", "发布机构", "ICP备"]


def _norm(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


def _reference_lines() -> list[str]:
    """The plain extraction of the tekun page shipped with the real documents."""
    return [line.strip(" \u3000") for line in TEKUN_TXT.read_text(encoding="utf-8").splitlines() if line.strip()]


def _assert_plain(result: Extracted) -> None:
    assert "\r" not in result.text
    assert all(line == line.rstrip() for line in result.text.split("\n"))
    assert not result.text.startswith("\n") and not result.text.endswith("\n")


# --------------------------------------------------------------------------- sniffing


def test_sniff_by_content_not_name():
    html = TEKUN_HTML.read_bytes()
    pdf = TEKUN_PDF.read_bytes()
    docx = ANNEX_DOCX.read_bytes()
    assert sniff(html, "policy.txt") == "html"
    assert sniff(pdf, "policy.docx") == "pdf"
    assert sniff(docx, "policy.pdf") == "docx"
    assert sniff(MARKET_HTML.read_bytes(), "") == "html"  # <!doctype html> then a <!-- saved from --> comment
    assert sniff("<!DOCTYPE html><p>正文</p>".encode(), "a.md") == "html"
    assert sniff("第一条 为了规范。".encode(), "a.txt") == "txt"
    assert sniff("# 标题\n正文".encode(), "a.md") == "md"
    assert sniff("# 标题\n正文".encode(), "a.MARKDOWN") == "md"
    assert sniff("# 标题\n正文".encode(), "") == "txt"
    assert sniff("1 < 2，正文".encode(), "a.txt") == "txt"


def test_html_named_txt_is_extracted_as_html():
    result = extract_bytes(TEKUN_HTML.read_bytes(), "gz-tekun.txt")
    assert result.format == "html"
    assert "<p" not in result.text and "打印" not in result.text


def test_pdf_named_docx_is_extracted_as_pdf():
    result = extract_bytes(TEKUN_PDF.read_bytes(), "gz-tekun.docx")
    assert result.format == "pdf"
    assert "穗府办规〔2021〕7号" in result.text.splitlines()


# --------------------------------------------------------------------------- HTML


def test_html_gz_page_matches_plain_extraction_line_for_line():
    result = extract_file(TEKUN_HTML)
    _assert_plain(result)
    assert result.format == "html" and result.warnings == []
    # every paragraph of the policy body, in order, one per line, and nothing else
    assert result.text.splitlines() == _reference_lines()


def test_html_gz_page_has_no_chrome():
    text = extract_file(TEKUN_HTML).text
    for chrome in CHROME:
        assert chrome not in text, chrome
    assert "GZ0220210007" not in text  # the 统一编号 of the metadata block above the article
    assert "失效（提前废止）" not in text


def test_html_gz_page_keeps_title_number_and_body():
    lines = extract_file(TEKUN_HTML).text.splitlines()
    assert lines[0] == "穗府办规〔2021〕7号"
    assert lines[1] == "广州市人民政府办公厅关于进一步加强特困人员救助供养工作的通知"
    assert "八、其他事宜" in lines
    assert lines[-1] == "广州市人民政府办公厅 2021年4月16日印发"
    assert any(line.startswith("特困人员基本生活标准按本市最低生活保障标准的1.6倍") for line in lines)


def test_html_district_page_drops_metadata_table_keeps_body():
    # the page readability-lxml returns empty: the body is in .article-content under a 索引号 table
    result = extract_file(RENTAL_HTML)
    lines = result.text.splitlines()
    assert lines[:2] == ["穗府办规〔2024〕13号", "广州市人民政府办公厅关于印发广州市公共租赁住房管理办法的通知"]
    assert "广州市公共租赁住房管理办法" in lines
    assert "第一章 总则" in lines and "第八章 附则" in lines
    assert any(line.startswith("第一条为完善本市住房保障体系") for line in lines)
    assert any(line.startswith("第五十四条本办法自印发之日起施行") for line in lines)
    for chrome in CHROME + ["11440106718120458W", "成文日期", "主题词", "下载文字版", "（转载）"]:
        assert chrome not in result.text, chrome


def test_html_title_only_in_h1_is_put_first():
    lines = extract_file(MARKET_HTML).text.splitlines()
    assert lines[0] == "中华人民共和国市场主体登记管理条例"
    assert lines[1] == "（2021年7月27日中华人民共和国国务院令第746号公布）"
    assert lines[2] == "第一章　总则"  # the full-width space of the source is kept
    assert lines[3].startswith("第一条　为了规范市场主体登记管理行为")
    assert lines[-1].startswith("第五十五条　本条例自2022年3月1日起施行")
    text = "\n".join(lines)
    for chrome in CHROME + ["相关附件", "来源：", "标签：", "字体大小"]:
        assert chrome not in text, chrome


# Real rows of the 附件 table of 国办发〔2018〕126号 (gov-innovation-annex-2018-126.txt), in the
# markup a government CMS gives a table, with page chrome around it.
TABLE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>国务院办公厅关于推广第二批支持创新相关改革举措的通知_中国政府网</title>
<script>var x = "打印本页";</script><style>p {{ color: red }}</style></head>
<body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zhengce/">政策</a></li></ul></div>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/zhengce/">政策</a></div>
<table class="bd1"><tr><td>索引号：</td><td>000014349/2019-00004</td><td>主题分类：</td><td>科技、教育\\科技</td></tr>
<tr><td>发文机关：</td><td>国务院办公厅</td><td>成文日期：</td><td>2018年12月23日</td></tr>
<tr><td>发文字号：</td><td>国办发〔2018〕126号</td><td>发布日期：</td><td>2019年01月08日</td></tr></table>
<div class="article">
<h1>国务院办公厅关于推广第二批支持创新相关改革举措的通知</h1>
<div class="pages-date">2019-01-08 15:20　来源：中国政府网　<span class="font">【字体：<a>大</a> <a>中</a> <a>小</a>】</span><span class="print">打印本页</span></div>
<div class="pages_content" id="UCAP-CONTENT">
<p style="text-align: center;">国办发〔2018〕126号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>　　按照党中央、国务院决策部署，京津冀、上海、广东（珠三角）、安徽（合芜蚌）、四川（成德绵）、湖北武汉、陕西西安、辽宁沈阳等8个区域开展全面创新改革试验。</p>
<p>　　一、推广的改革举措（共23项）</p>
<p>　　附件：第二批支持创新相关改革举措推广清单</p>
<p style="text-align: right;">国务院办公厅<br/>2018年12月23日</p>
<p>　　（本文有删减）</p>
<p>附件</p>
<p style="text-align: center;"><strong>第二批支持创新相关改革举措推广清单</strong></p>
<table border="1">
<tbody>
<tr><td><p>序号</p></td><td><p>改革举措</p></td><td><p>主 要 内 容</p></td><td><p>指导部门</p></td><td><p>推广范围</p></td></tr>
<tr><td colspan="5"><p><strong>一、知识产权保护方面（共5项）</strong></p></td></tr>
<tr><td>1</td><td>知识产权民事、刑事、行政案件“三合一”审判</td><td>整合分散的审判资源，实行知识产权民事、刑事、行政案件审判“三合一”，实现审判力量集中、审判标准统一，提高审判效率，缩短审判周期。</td><td>最高人民法院、最高人民检察院、公安部、司法部、国家知识产权局</td><td>全国</td></tr>
<tr><td>3</td><td>以降低侵权损失为核心的专利保险机制</td><td>围绕专利应用和维权，开发包括专利代理责任险、专利执行险、专利被侵权损失险等保险产品，降低创新主体的侵权损失。</td><td>国家知识产权局、中国银保监会</td><td>全国</td></tr>
</tbody>
</table>
</div>
<div class="share">分享到：<a>微信</a><a>微博</a></div>
<div class="related"><h3>相关链接</h3><ul><li><a href="#">国务院关于推广支持创新相关改革举措的通知</a></li></ul></div>
<div class="editor">【我要纠错】 责任编辑：王洋</div>
</div>
<div class="footer"><a href="/map.htm">网站地图</a> | <a>联系我们</a> 版权所有：中国政府网 京ICP备05070218号</div>
</body></html>
"""


def test_html_table_rows_are_tab_joined_cells():
    result = extract_bytes(TABLE_PAGE.format(charset="utf-8").encode("utf-8"), "gov-innovation.html")
    lines = result.text.splitlines()
    assert lines[0] == "国务院办公厅关于推广第二批支持创新相关改革举措的通知"  # from <h1>: not in the body
    assert lines[1] == "国办发〔2018〕126号"
    assert "序号\t改革举措\t主 要 内 容\t指导部门\t推广范围" in lines
    assert "一、知识产权保护方面（共5项）" in lines  # a colspan cell is one cell
    assert ("3\t以降低侵权损失为核心的专利保险机制\t围绕专利应用和维权，开发包括专利代理责任险、专利执行险、"
            "专利被侵权损失险等保险产品，降低创新主体的侵权损失。\t国家知识产权局、中国银保监会\t全国") in lines
    # <br> splits the signature; the table stays where it was
    assert lines.index("国务院办公厅") + 1 == lines.index("2018年12月23日")
    assert lines.index("（本文有删减）") < lines.index("序号\t改革举措\t主 要 内 容\t指导部门\t推广范围")
    for chrome in ["打印本页", "分享到", "网站地图", "当前位置", "相关链接", "我要纠错", "字体", "ICP备",
                   "000014349/2019-00004", "发文机关", "首页", "p {"]:
        assert chrome not in result.text, chrome


def test_html_when_trafilatura_fails_the_page_text_is_kept_with_a_warning(monkeypatch):
    import trafilatura

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(trafilatura, "extract", broken)
    result = extract_bytes(TABLE_PAGE.format(charset="utf-8").encode("utf-8"), "gov-innovation.html")
    assert result.warnings == ["未能定位网页正文，已输出整页文字，可能含有网页导航等内容"]
    lines = result.text.splitlines()
    assert "国办发〔2018〕126号" in lines
    assert "1\t知识产权民事、刑事、行政案件“三合一”审判\t整合分散的审判资源，实行知识产权民事、刑事、行政案件审判" \
           "“三合一”，实现审判力量集中、审判标准统一，提高审判效率，缩短审判周期。\t最高人民法院、最高人民检察院、" \
           "公安部、司法部、国家知识产权局\t全国" in lines
    for chrome in ["打印本页", "分享到", "网站地图", "当前位置", "000014349/2019-00004"]:  # chrome by class/line
        assert chrome not in result.text, chrome


def test_html_gbk_page_is_decoded_with_a_warning():
    data = TABLE_PAGE.format(charset="gb2312").encode("gb18030")
    result = extract_bytes(data, "gov-innovation.htm")
    assert result.format == "html"
    assert "国办发〔2018〕126号" in result.text.splitlines()
    assert any("GB18030" in warning for warning in result.warnings)


def test_html_short_page_keeps_its_text():
    page = "<html><body><p>第一条 本办法自印发之日起施行。</p><p>各地要设置网站地图。</p></body></html>"
    result = extract_bytes(page.encode(), "x.html")
    assert result.text == "第一条 本办法自印发之日起施行。\n各地要设置网站地图。"  # a sentence is no chrome
    assert result.format == "html"


# --------------------------------------------------------------------------- txt / Markdown


def test_txt_is_kept_line_for_line():
    data = TEKUN_TXT.read_bytes()
    result = extract_bytes(data, TEKUN_TXT.name)
    assert result.format == "txt" and result.warnings == []
    _assert_plain(result)
    expected = [line.rstrip() for line in data.decode("utf-8").splitlines()]
    assert result.text.splitlines() == expected  # indentation kept, trailing spaces dropped


def test_txt_crlf_and_bom_are_normalised():
    data = "\ufeff穗府办规〔2021〕7号  \r\n　　一、认定范围\r\n".encode("utf-8")
    result = extract_bytes(data, "a.txt")
    assert result.text == "穗府办规〔2021〕7号\n　　一、认定范围"
    assert result.warnings == []


def test_gb18030_text_gives_a_warning_not_an_error():
    text = TEKUN_TXT.read_text(encoding="utf-8")
    result = extract_bytes(text.encode("gb18030"), "gz-tekun-gbk.txt")
    assert result.text == extract_bytes(text.encode("utf-8"), "gz-tekun.txt").text
    assert len(result.warnings) == 1 and "GB18030" in result.warnings[0]


def test_markdown_syntax_is_stripped_lines_kept():
    result = extract_file(BJ_MD)
    assert result.format == "md"
    lines = result.text.splitlines()
    assert lines[0] == "北京市数字经济促进条例"
    assert "2022年11月25日 北京市第十五届人民代表大会常务委员会第四十五次会议通过" in lines
    assert "第一章 总 则" in lines and "第九章 附 则" in lines
    assert "第二条 本市行政区域内数字经济促进相关活动适用本条例。" in lines
    assert "#" not in result.text and "INFO END" not in result.text and "<!--" not in result.text


def test_markdown_emphasis_links_and_tables():
    md = (
        "## 第五条\n"
        "**市经济和信息化部门**负责具体组织协调指导全市数字经济促进工作，详见[北京市人民政府](https://www.beijing.gov.cn/)。\n"
        "<!-- 注释 -->\n"
        "| 序号 | 改革举措 | 推广范围 |\n"
        "|:---|---|---:|\n"
        "| 1 | 知识产权民事、刑事、行政案件“三合一”审判 | 全国 |\n"
    )
    lines = extract_bytes(md.encode(), "a.md").text.splitlines()
    assert lines[0] == "第五条"
    assert lines[1] == "市经济和信息化部门负责具体组织协调指导全市数字经济促进工作，详见北京市人民政府。"
    assert "序号\t改革举措\t推广范围" in lines
    assert "1\t知识产权民事、刑事、行政案件“三合一”审判\t全国" in lines
    assert not any("---" in line or "注释" in line for line in lines)


# --------------------------------------------------------------------------- DOCX


_ANNEX_LINES = ANNEX_TXT.read_text(encoding="utf-8").splitlines()


def test_docx_paragraphs_and_table_in_order():
    result = extract_file(ANNEX_DOCX)
    assert result.format == "docx" and result.warnings == []
    _assert_plain(result)
    lines = result.text.splitlines()
    assert lines[:3] == ["国务院办公厅关于推广第二批", "支持创新相关改革举措的通知", "国办发〔2018〕126号"]
    header = "序号\t改革举措\t主 要 内 容\t指导部门\t推广范围"
    assert lines.index("（本文有删减）") < lines.index("第二批支持创新相关改革举措推广清单") < lines.index(header)
    # a group row merged across the five columns comes out once, not five times
    assert lines[lines.index(header) + 1] == "一、知识产权保护方面（共5项）"
    assert "四、军民深度融合方面（共6项）" in lines
    assert any(line.startswith("23\t以地方立法形式建立推动改革创新的决策容错机制\t通过制定实施地方性法规")
               and line.endswith("\t全国") for line in lines)
    # every line of the real text is there, in order, table rows with TAB-joined cells
    assert lines == [line.strip() for line in _ANNEX_LINES if line.strip()]


def test_docx_table_between_paragraphs_and_merged_cells(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("附件")
    document.add_paragraph("第二批支持创新相关改革举措推广清单")
    table = document.add_table(rows=3, cols=3)
    for cell, value in zip(table.rows[0].cells, ["序号", "改革举措", "推广范围"]):
        cell.text = value
    table.rows[1].cells[0].merge(table.rows[1].cells[2]).text = "一、知识产权保护方面（共5项）"
    table.rows[2].cells[0].text = "1"
    table.rows[2].cells[1].text = "知识产权民事、刑事、行政案件“三合一”审判"
    table.rows[2].cells[2].text = "全国"
    document.add_paragraph("国务院办公厅")
    path = tmp_path / "table.docx"
    document.save(path)
    assert extract_file(path).text.splitlines() == [
        "附件",
        "第二批支持创新相关改革举措推广清单",
        "序号\t改革举措\t推广范围",
        "一、知识产权保护方面（共5项）",
        "1\t知识产权民事、刑事、行政案件“三合一”审判\t全国",
        "国务院办公厅",
    ]


def test_truncated_docx_is_an_extract_error():
    data = ANNEX_DOCX.read_bytes()
    with pytest.raises(ExtractError) as caught:
        extract_bytes(data[: len(data) // 2], "annex.docx")
    assert "annex.docx" in str(caught.value) and "annex.docx" in caught.value.message_zh
    assert "DOCX" in caught.value.message_zh


def test_zip_that_is_not_word_is_an_extract_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是 Word 文档")
    with pytest.raises(ExtractError, match="not a Word document"):
        extract_bytes(buffer.getvalue(), "a.docx")


def test_legacy_doc_is_an_extract_error():
    with pytest.raises(ExtractError, match=r"\.doc"):
        extract_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old.doc")


# --------------------------------------------------------------------------- PDF


def test_pdf_text_is_the_real_text_without_header_and_page_numbers():
    result = extract_file(TEKUN_PDF)
    assert result.format == "pdf" and result.warnings == []
    _assert_plain(result)
    lines = result.text.splitlines()
    assert "" not in lines  # no blank lines inserted inside paragraphs
    assert lines[0] == "穗府办规〔2021〕7号"  # not "7 号" (what pypdf/pypdfium2 give)
    assert lines[1] == "广州市人民政府办公厅关于进一步加强特困人员救助供养工作的通知"
    assert "广州市人民政府办公厅规范性文件" not in result.text  # running header of the 3 pages
    assert not any(re.fullmatch(r"[—\-\s]*\d+[—\-\s]*", line) for line in lines)  # "— 1 —" footers
    # the PDF's own line breaks are kept, and joined they are the real text
    assert _norm(result.text) == _norm(TEKUN_TXT.read_text(encoding="utf-8"))


def test_pdf_page_without_text_layer_is_a_warning(tmp_path):
    pdfium = pytest.importorskip("pypdfium2")  # installed with pdfplumber
    pdf = pdfium.PdfDocument(str(TEKUN_PDF))
    pdf.new_page(*pdf[0].get_size())  # a fourth page with no text on it
    path = tmp_path / "with-scan.pdf"
    pdf.save(str(path))
    pdf.close()
    result = extract_file(path)
    assert result.warnings == ["PDF 第4页没有文本层（可能是扫描件）"]
    assert _norm(result.text) == _norm(TEKUN_TXT.read_text(encoding="utf-8"))


def test_pdf_without_any_text_layer_is_an_extract_error(tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    with pytest.raises(ExtractError) as caught:
        extract_bytes(buffer.getvalue(), "scan.pdf")
    assert "扫描件" in caught.value.message_zh and "scan.pdf" in caught.value.message_zh


def test_running_headers_and_page_numbers_are_peeled():
    body = [["第一条 为了规范市场主体登记管理行为，", "推进法治化市场建设。"],
            ["第二条 本条例所称市场主体，", "是指在中华人民共和国境内以营利为目的"],
            ["第三条 市场主体应当依照本条例办理登记。", "未经登记，不得以市场主体名义从事经营活动。"],
            ["第四条 市场主体登记管理应当遵循依法合规、规范统一、公开透明、便捷高效的原则。"]]
    footers = ["- 1 -", "2", "第3页", "— 4 —"]
    pages = [["中华人民共和国国务院令", f"国务院公报 2021年第{n}期"] + lines + [footer]
             for n, (lines, footer) in enumerate(zip(body, footers), start=1)]
    assert _strip_running(pages) == body
    # a single page: its page number goes, its first line stays
    assert _strip_running([["国务院令", "第一条 为了规范。", "第 1 页 共 1 页"]]) == [["国务院令", "第一条 为了规范。"]]


def test_password_protected_pdf_is_an_extract_error():
    with pytest.raises(ExtractError) as caught:
        extract_file(FIXTURES / "gz-tekun-support-2021-encrypted.pdf")
    assert "密码" in caught.value.message_zh and "encrypted.pdf" in str(caught.value)


def test_garbage_named_pdf_is_an_extract_error():
    garbage = random.Random(7).randbytes(4096)
    with pytest.raises(ExtractError) as caught:
        extract_bytes(garbage, "report.pdf")
    assert "report.pdf" in str(caught.value)


def test_broken_pdf_is_an_extract_error():
    with pytest.raises(ExtractError, match="PDF"):
        extract_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage\n%%EOF", "broken.pdf")


# --------------------------------------------------------------------------- errors


def test_empty_and_blank_files_are_extract_errors(tmp_path):
    for data in (b"", b"  \n\t\r\n"):
        with pytest.raises(ExtractError) as caught:
            extract_bytes(data, "empty.txt")
        assert "empty.txt" in caught.value.message_zh
    with pytest.raises(ExtractError):
        extract_bytes("<html><body><script>var a = 1;</script></body></html>".encode(), "blank.html")


def test_undecodable_text_is_an_extract_error():
    data = "第一条 本办法自印发之日起施行。".encode("utf-8") + b"\x80\xff" * 50
    with pytest.raises(ExtractError) as caught:
        extract_bytes(data, "odd.txt")
    assert "GB18030" in caught.value.message_zh and "odd.txt" in str(caught.value)


def test_missing_file_is_an_extract_error(tmp_path):
    with pytest.raises(ExtractError) as caught:
        extract_file(tmp_path / "nope.pdf")
    assert "nope.pdf" in str(caught.value)


def test_extract_error_is_a_corpus_error():
    error = ExtractError("x: bad", "x：坏")
    assert isinstance(error, CorpusError)
    assert error.message_zh == "x：坏"
    assert ExtractError("x").message_zh == "无法读取文件"


@pytest.mark.parametrize("fixture", [TEKUN_HTML, RENTAL_HTML, ANNEX_DOCX, TEKUN_PDF, BJ_MD, TEKUN_TXT],
                         ids=lambda p: p.suffix)
def test_cut_or_damaged_files_never_raise_anything_else(fixture):
    data = fixture.read_bytes()
    rng = random.Random(fixture.name)
    variants = [data[: len(data) * k // 5] for k in (1, 2, 3, 4)]
    for _ in range(3):  # a burst of flipped bytes in the middle
        damaged = bytearray(data)
        start = rng.randrange(len(data) // 4, len(data) // 2)
        damaged[start:start + 64] = rng.randbytes(64)
        variants.append(bytes(damaged))
    for variant in variants:
        try:
            result = extract_bytes(variant, fixture.name)
        except ExtractError:
            continue
        assert isinstance(result, Extracted) and result.text.strip()
