"""Turn a policy document file (txt, Markdown, HTML page, .docx, .pdf) into plain text for the parser.

The result has one paragraph per line ("\\n" line ends, no trailing spaces); a table row is one line
with its cells joined by a TAB. The format is sniffed from the content, never trusted from the name
(the name's suffix only tells Markdown from plain text). Every failure is an `ExtractError` that
names the file; recoverable oddities (a GB18030 file, a PDF page without a text layer) are warnings.

Libraries, and why (evaluated on the five real gz.gov.cn / scjgj.gz.gov.cn pages in
shared/newdocs/originals, and on a LibreOffice PDF of a real text):

- HTML: **trafilatura locates the article, our own walker writes it out.** Neither library's text
  output could be used as it is:
  * trafilatura (tables on) kept every body paragraph of the five pages in order, but appended the
    mobile footer's list of 46 city departments (· 市委组织部 · 市委宣传部 …) to the three
    www.gz.gov.cn pages, dropped the ``<h1>`` title of the scjgj page (the only place its title is),
    writes tables as Markdown pipes and folds the full-width spaces of ``第一章　总则``.
  * readability-lxml (+ BeautifulSoup/lxml for the text) kept the bodies of four pages cleanly but
    returned nothing but the title for gz-public-rental-housing-2024 (the district 政府信息公开
    page: 137 body lines lost), so it cannot be the locator.
  So trafilatura's text is used only as evidence: the page element whose text holds the most of it
  with the least other text (score = 2·covered − length) is the article node — ``#info_cont`` on
  www.gz.gov.cn, ``#zoomcon`` on scjgj, ``.article-content`` on the district page — which leaves
  the department list, the metadata block (索引号/发布机构/成文日期/文号…), the "相关附件" download
  links, share/print/font-size buttons and breadcrumbs outside. Our walker then writes paragraphs,
  ``<br>`` and table rows (cells joined by a TAB) itself, drops hidden elements (the gz pages carry
  a ``display:none`` copy of the whole text run together), and puts the ``<h1>`` title first when
  the article body does not repeat it.
- DOCX: python-docx opens the package; the body XML is walked in order (paragraphs and tables
  interleaved as in the document), table rows from the ``w:tc`` elements so a merged cell counts
  once (python-docx's ``row.cells`` repeats it for every grid column it spans).
- PDF: pdfplumber (pdfminer.six), text per page. On the fixture (gz-tekun text set in LibreOffice)
  pypdf and pypdfium2 both insert a space between CJK and Latin/digits where the PDF only has
  inter-script spacing ("穗府办规〔2021〕7 号", "供养金 20%"), which breaks the parser's 文号 and
  number patterns; pdfplumber gives "穗府办规〔2021〕7号" as printed. Running headers/footers (a
  line repeated at the top or bottom of most pages) and page numbers ("— 3 —", "- 3 -", "3",
  "第3页", "3/10") are peeled off the page edges; the PDF's own line breaks are kept (the parser
  repairs them) and no blank lines are added.
"""
from __future__ import annotations

import io
import logging
import math
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Literal

from .errors import ExtractError

logger = logging.getLogger(__name__)

Format = Literal["txt", "md", "html", "docx", "pdf"]


@dataclass
class Extracted:
    text: str  # plain text, one paragraph per line, "\n" line ends, no trailing spaces
    format: Format
    warnings: list[str] = field(default_factory=list)  # human-readable, Chinese


# --------------------------------------------------------------------------- sniffing

_MD_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
_HTML_START = re.compile(
    rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = re.compile(rb"<(?:html|body)\b", re.IGNORECASE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def sniff(data: bytes, name: str = "") -> Format:
    """The format of `data`, from its content. `name` only tells Markdown from plain text."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"  # any zip: extract_bytes says so if it holds no word/document.xml
    text_head = _ascii_head(data)
    if _HTML_START.match(text_head) or (text_head.startswith(b"<") and _HTML_ANYWHERE.search(text_head)):
        return "html"
    return "md" if name.lower().endswith(_MD_SUFFIXES) else "txt"


def _ascii_head(data: bytes) -> bytes:
    """The first 4 KB as ASCII-compatible bytes, without BOM and leading whitespace."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[2:8194].decode(codec, "ignore").encode("ascii", "ignore").lstrip()
    return data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()


# --------------------------------------------------------------------------- entry points


def extract_file(path: Path) -> Extracted:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"{path}: cannot read file ({exc.strerror or exc})",
                           f"{path}：无法读取文件（{exc.strerror or exc}）") from exc
    return _extract(data, path.name, str(path))


def extract_bytes(data: bytes, name: str = "") -> Extracted:
    return _extract(data, name, name or "<bytes>")


def _extract(data: bytes, name: str, label: str) -> Extracted:
    if not data.strip():
        raise ExtractError(f"{label}: the file is empty", f"{label}：文件为空")
    if data.startswith(_OLE_MAGIC):
        raise ExtractError(
            f"{label}: legacy binary Word/Excel file (.doc/.xls) is not supported; save it as .docx",
            f"{label}：不支持旧版 Word/Excel 二进制格式（.doc/.xls），请另存为 .docx 后再导入",
        )
    fmt = sniff(data, name)
    warnings: list[str] = []
    try:
        if fmt == "pdf":
            lines = _pdf_lines(data, label, warnings)
        elif fmt == "docx":
            lines = _docx_lines(data, label, warnings)
        else:
            text = _decode(data, label, warnings, html=fmt == "html")
            if fmt == "html":
                lines = _html_lines(text, warnings)
            elif fmt == "md":
                lines = _markdown_lines(text)
            else:
                lines = _text_lines(text)
    except ExtractError:
        raise
    except Exception as exc:  # a library failing on a broken file: never a raw traceback
        logger.debug("extraction of %s failed", label, exc_info=True)
        kind = {"pdf": "PDF", "docx": "DOCX", "html": "HTML"}.get(fmt, "text")
        raise ExtractError(
            f"{label}: cannot read {kind} file, it may be damaged ({type(exc).__name__}: {exc})",
            f"{label}：无法读取 {kind} 文件，文件可能已损坏（{type(exc).__name__}）",
        ) from exc
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    if not text.strip():
        raise ExtractError(f"{label}: no text could be extracted", f"{label}：文件中没有可提取的文字")
    return Extracted(text=text, format=fmt, warnings=warnings)


# --------------------------------------------------------------------------- text decoding

_CODEC_NAMES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb18030": "gb18030",
                "utf8": "utf-8", "utf-8": "utf-8"}
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _decode(data: bytes, label: str, warnings: list[str], html: bool = False) -> str:
    """Decode text: UTF-8 (with or without BOM), then GB18030 (a warning says so); UTF-16 only with a
    BOM. A page's declared charset is tried after UTF-8 (valid UTF-8 is UTF-8 whatever a page says)."""
    if b"\x00" in data and not data.startswith(_UTF16_BOMS):
        raise _not_text(label)
    attempts: list[str] = ["utf-16"] if data.startswith(_UTF16_BOMS) else []
    attempts.append("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    if html:
        match = _META_CHARSET.search(data[:8192])
        if match:
            declared = match.group(1).decode("ascii").lower()
            attempts.append(_CODEC_NAMES.get(declared, declared))
    attempts.append("gb18030")
    text = codec = None
    for candidate in dict.fromkeys(attempts):
        try:
            text, codec = data.decode(candidate), candidate
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None:
        lenient = data.decode("utf-8", "replace")
        bad = lenient.count("\ufffd")
        if bad > max(3, len(lenient) // 1000):
            line = lenient[: lenient.index("\ufffd")].count("\n") + 1  # where the first undecodable byte is
            raise ExtractError(
                f"{label}, line {line}: cannot decode the text (tried UTF-8, UTF-8 with BOM, GB18030)",
                f"{label} 第{line}行：无法识别文件的文字编码（已尝试 UTF-8、带 BOM 的 UTF-8、GB18030）",
            )
        text, codec = lenient, "utf-8"
        warnings.append(f"有 {bad} 处字节不是有效的 UTF-8 编码，已替换为“\ufffd”")
    if codec not in ("utf-8", "utf-8-sig"):
        shown = {"gb18030": "GB18030（兼容 GBK/GB2312）", "utf-16": "UTF-16"}.get(codec, codec.upper())
        warnings.append(f"文件编码为 {shown}，不是 UTF-8，已转换为 UTF-8")
    text = text.removeprefix("\ufeff")
    if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise _not_text(label)
    return _CONTROL.sub("", text)


def _not_text(label: str) -> ExtractError:
    return ExtractError(
        f"{label}: not a text, HTML, DOCX or PDF file (binary content)",
        f"{label}：不是可识别的文档（支持 txt、Markdown、HTML、DOCX、PDF），内容为二进制数据",
    )


# --------------------------------------------------------------------------- txt / Markdown


def _text_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return [line.rstrip() for line in text.split("\n")]


_MD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MD_FENCE = re.compile(r"^\s*(```|~~~)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)(.*?)(?:\s+#+)?\s*$")
_MD_RULE = re.compile(r"^\s{0,3}([-*_=])(?:\s*\1){2,}\s*$")
_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_MD_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_MD_EMPHASIS = [re.compile(r"\*\*(.+?)\*\*"), re.compile(r"__(.+?)__"), re.compile(r"~~(.+?)~~")]
_MD_CODE = re.compile(r"`([^`]+)`")
_MD_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MD_INLINE_TAG = re.compile(r"</?(?:span|font|u|b|i|strong|em|sup|sub|small|big|mark|a)\b[^>]*>", re.IGNORECASE)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def _md_inline(text: str) -> str:
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_AUTOLINK.sub(r"\1", text)
    for pattern in _MD_EMPHASIS:
        text = pattern.sub(r"\1", text)
    text = _MD_CODE.sub(r"\1", text)
    text = _MD_INLINE_TAG.sub("", text)
    return _MD_ESCAPE.sub(r"\1", text)


def _md_cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    cells = re.split(r"(?<!\\)\|", line)
    return [_md_inline(_MD_BR.sub(" ", cell)).replace("\\|", "|").strip() for cell in cells]


def _markdown_lines(text: str) -> list[str]:
    """Markdown to text: keep the lines, drop the syntax that is not content."""
    text = _MD_COMMENT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    raw = text.split("\n")
    # a table is a header row followed by a |---|---| row, then rows holding a pipe
    table_rows: set[int] = set()
    for i, line in enumerate(raw):
        if i and _MD_TABLE_SEP.match(line) and "|" in line and "|" in raw[i - 1]:
            table_rows.update((i - 1, i))
            j = i + 1
            while j < len(raw) and "|" in raw[j] and raw[j].strip():
                table_rows.add(j)
                j += 1
    out: list[str] = []
    in_fence = False
    for i, line in enumerate(raw):
        if _MD_FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(line.rstrip())
            continue
        if i in table_rows or re.match(r"^\s*\|.*\|\s*$", line):
            if _MD_TABLE_SEP.match(line):
                continue
            out.append("\t".join(_md_cells(line)).rstrip())
            continue
        if _MD_RULE.match(line):
            out.append("")
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = re.sub(r"^\s{0,3}>\s?", "", line)  # blockquote
        for part in _MD_BR.split(line):
            out.append(_md_inline(part).rstrip())
    collapsed: list[str] = []
    for line in out:  # removed syntax leaves blank lines: keep at most one in a row
        if line.strip() or (collapsed and collapsed[-1].strip()):
            collapsed.append(line if line.strip() else "")
    return collapsed


# --------------------------------------------------------------------------- HTML

_DROP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
              "input", "button", "select", "textarea", "option", "nav", "aside", "footer", "map",
              "audio", "video", "link", "meta", "head"}
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
               "section", "article", "main", "header", "blockquote", "pre", "center", "address",
               "hr", "figure", "figcaption", "caption", "form", "fieldset", "legend", "details",
               "summary", "tr", "td", "th", "tbody", "thead", "tfoot", "table", "body", "html"}
_CHROME_TOKEN = re.compile(
    r"(?:^|[-_])(?:share|bdshare|fenxiang|fx|print|fontsize|font-size|zoom-controls|zoom-btn|"
    r"breadcrumb|crumb|curmb|curb|position|location|nav|navbar|menu|footer|toolbar|qrcode|ewm|"
    r"erweima|jiucuo|related|xgwz|xglj|xgwj|comment|pinglun|sidebar|advert|gbck|llcs|tools?)(?:$|[-_])",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CHROME_LINE = [
    re.compile(r"^(?:[【\[]?\s*(?:打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|返回顶部|回到顶部|"
               r"收藏本页|加入收藏|收藏|分享|纠错|下载原文|下载文字版|下载图片版)\s*[】\]]?\s*)+$"),
    re.compile(r"^[【\[]?\s*(?:字号|字体|字体大小|文字大小)\s*[:：]?\s*[【\[]?\s*[大中小默认\s|｜]+[】\]]*$"),
    re.compile(r"^分享到\s*[:：]?.{0,30}$"),
    re.compile(r"^扫一扫.{0,20}$"),
    re.compile(r"^(?:当前位置|您的位置|您现在的位置|您当前的位置|所在位置)\s*[:：]"),
    re.compile(r"^.{0,40}(?:浏览次数|访问次数|点击数|阅读次数|【打印】|字体：|ICP备|公网安备|网站标识码|网站地图).{0,40}$"),
]
_SENTENCE_END = ("。", "；", "！", "？")
_META_LABELS = ("索引号", "发布机构", "发文机关", "发文机构", "成文日期", "发布日期", "文号", "发文字号",
                "主题分类", "主题词", "分类", "名称", "标题", "统一编号", "有效性", "实施日期", "失效日期",
                "文件状态", "发布机关", "公开方式", "公开范围")
_REPOST = re.compile(r"^[（(【\[]\s*(?:转载|转发|转)\s*[）)】\]]\s*")
_WS = re.compile(r"[ \t\r\n\f\v\xa0]+")
_WIDE = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r\f\v]*\n[ \t\r\n\f\v]*(?=[{_WIDE}])")


def _html_lines(text: str, warnings: list[str]) -> list[str]:
    import lxml.html

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str with an encoding declaration
    root = lxml.html.document_fromstring(text)
    references = _title_references(root)
    for bad in [el for el in root.iter() if not isinstance(el.tag, str)]:  # comments, PIs
        _drop(bad)
    for bad in [el for el in root.iter() if isinstance(el.tag, str) and el.tag.lower() in _DROP_TAGS]:
        _drop(bad)
    body = root.find("body") if root.find("body") is not None else root
    hidden = [el for el in body.iter() if _is_hidden(el)]
    node = _locate_article(text, root, hidden=hidden)
    if node is None:
        warnings.append("未能定位网页正文，已输出整页文字，可能含有网页导航等内容")
        node = body
    for el in [el for el in node.iter() if _is_hidden(el) or _is_chrome(el)]:
        if el is not node:
            _drop(el)
    lines = [line for line in _walk(node) if not _is_chrome_line(line)]
    title = _page_title(root, node, references)
    if title:
        head = _norm("".join(lines[:10]))
        if _norm(title) not in head:
            lines.insert(0, title)
    return lines


def _drop(el) -> None:
    """Remove an element but keep its tail text."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _is_hidden(el) -> bool:
    return isinstance(el.tag, str) and (
        el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))
    )


def _is_chrome(el) -> bool:
    if not isinstance(el.tag, str):
        return False
    tokens = f"{el.get('class') or ''} {el.get('id') or ''}".split()
    if any(_CHROME_TOKEN.search(token) for token in tokens):
        return True
    if el.tag in ("table", "ul", "ol", "dl"):  # the 索引号/发布机构/成文日期/文号 block
        content = el.text_content()
        return len(content) < 800 and sum(label in content for label in _META_LABELS) >= 3 and (
            "索引号" in content or "统一编号" in content or "发布机构" in content or "发文机关" in content)
    return False


def _is_chrome_line(line: str) -> bool:
    return (len(line) <= 120 and not line.endswith(_SENTENCE_END)
            and any(pattern.search(line) for pattern in _CHROME_LINE))


def _norm(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0\u2002-\u200b]+", "", _REPOST.sub("", text.strip()))


def _locate_article(html: str, root, hidden: list):
    """The element holding the article: most of trafilatura's text, least of anything else."""
    try:
        import trafilatura

        found = trafilatura.extract(html, include_tables=True, include_comments=False,
                                    include_links=False, include_images=False, deduplicate=False)
    except Exception:  # trafilatura giving up is not fatal: the caller falls back to <body>
        logger.debug("trafilatura failed", exc_info=True)
        found = None
    if not found:
        return None
    pieces = []
    for line in found.splitlines():
        for part in line.split("|"):
            part = _norm(re.sub(r"^\s*(?:[-*+]\s+|#+\s*)", "", part))
            if len(part) >= 4 and not set(part) <= set("-:"):
                pieces.append(part)
    if not pieces:
        return None
    total = sum(map(len, pieces))
    for hide in (True, False):  # first without hidden elements; pages that hide the body, with them
        best = _best_node(root, pieces, skip=set(hidden) if hide else set())
        if best is not None and best[1] >= 0.5 * total:
            return best[0]
    return None


def _best_node(root, pieces: list[str], skip: set):
    cache: dict = {}

    def text_of(el) -> str:
        if el not in cache:
            if el in skip:
                cache[el] = ""
            else:
                own = _norm(el.text or "")
                parts = [own]
                for child in el:
                    if isinstance(child.tag, str):
                        parts.append(text_of(child))
                    parts.append(_norm(child.tail or ""))
                cache[el] = "".join(parts)
        return cache[el]

    covered: Counter = Counter()
    for piece in set(pieces):
        weight = len(piece) * pieces.count(piece)
        stack = [root] if piece in text_of(root) else []
        while stack:  # every element whose text holds the piece
            el = stack.pop()
            covered[el] += weight
            stack.extend(child for child in el if isinstance(child.tag, str) and piece in text_of(child))
    if not covered:
        return None
    best = max(covered, key=lambda el: 2 * covered[el] - len(text_of(el)))
    return best, covered[best]


def _walk(node) -> list[str]:
    """Paragraphs, <br> and table rows of an element, one per line."""
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = _clean_inline("".join(buffer))
        buffer.clear()
        if line:
            lines.append(line)

    def visit(el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "br":
            flush()
        elif tag == "table" and not _is_layout_table(el):
            flush()
            for row in _html_table_rows(el):
                lines.append(row)
        else:
            block = tag in _BLOCK_TAGS
            if block:
                flush()
            if el.text:
                buffer.append(el.text)
            for child in el:
                visit(child)
                if child.tail:
                    buffer.append(child.tail)
            if block:
                flush()

    visit(node)
    flush()
    return lines


def _clean_inline(text: str) -> str:
    text = _CJK_BREAK.sub("", text)  # a source line break between two CJK characters is no space
    return _WS.sub(" ", text).replace("\t", " ").strip(" \u3000\u2002\u2003\u200b")


def _rows(table) -> Iterator:
    """The rows of a table, not those of tables nested in its cells."""
    for child in table:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag == "tr":
            yield child
        elif tag in ("tbody", "thead", "tfoot"):
            yield from (row for row in child if isinstance(row.tag, str) and row.tag.lower() == "tr")


def _cells(row) -> list:
    return [cell for cell in row if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th")]


def _is_layout_table(table) -> bool:
    """A table used to lay out the page (one column, nested tables, long multi-paragraph cells)."""
    rows = list(_rows(table))
    if not rows or all(len(_cells(row)) <= 1 for row in rows):
        return True
    for row in rows:
        for cell in _cells(row):
            if cell.find(".//table") is not None:
                return True
            if len(cell.text_content()) > 500 and len(_walk(cell)) >= 3:
                return True
    return False


def _html_table_rows(table) -> list[str]:
    out = []
    for row in _rows(table):
        cells = [" ".join(_walk(cell)) for cell in _cells(row)]
        while cells and not cells[-1]:
            cells.pop()
        if any(cells):
            out.append("\t".join(cells))
    return out


def _title_references(root) -> tuple[list[str], list[str]]:
    """What the page says its title is: <meta name="ArticleTitle">, the longest part of <title>."""
    metas = [_clean_inline(m.get("content") or "") for m in root.iter("meta")
             if (m.get("name") or m.get("property") or "").lower() in ("articletitle", "og:title")]
    title_el = root.find(".//title")
    page_title = title_el.text_content() if title_el is not None else ""
    parts = sorted(re.split(r"\s+[-_|｜—]\s+|[-_|｜]", page_title), key=len, reverse=True)
    return [t for t in metas if _norm(t)], [_clean_inline(p) for p in parts[:1] if _norm(p)]


def _page_title(root, node, references: tuple[list[str], list[str]]) -> str | None:
    """The article's title: the heading nearest before the article that matches the page title
    (else the page's ArticleTitle)."""
    metas, parts = references
    keys = [_norm(t) for t in metas + parts]
    headings = []
    for el in root.iter():
        if el is node:
            break
        if isinstance(el.tag, str) and el.tag.lower() in ("h1", "h2"):
            headings.append(el)
    for heading in reversed(headings):
        text = _clean_inline(heading.text_content())
        key = _norm(text)
        if len(key) >= 4 and any(key in ref or ref in key for ref in keys):
            return _REPOST.sub("", text)
    return _REPOST.sub("", metas[0]) if metas else None


# --------------------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _docx_lines(data: bytes, label: str, warnings: list[str]) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ExtractError(f"{label}: damaged DOCX file (not a readable zip archive: {exc})",
                           f"{label}：DOCX 文件已损坏（无法作为压缩包打开），请重新保存或导出") from exc
    if "word/document.xml" not in names:
        raise ExtractError(f"{label}: a zip archive but not a Word document (no word/document.xml)",
                           f"{label}：是压缩包但不是 Word 文档（缺少 word/document.xml）")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ExtractError(f"{label}: damaged DOCX file ({type(exc).__name__}: {exc})",
                           f"{label}：DOCX 文件已损坏，无法读取") from exc
    numbered_styles = set()
    for style in document.styles:
        element = getattr(style, "element", None)
        if element is not None and element.find(f"{_W}pPr/{_W}numPr") is not None:
            numbered_styles.add(style.style_id)
    lines: list[str] = []
    numbered = 0
    for kind, element in _docx_blocks(document.element.body):
        if kind == "p":
            numbered += _docx_is_numbered(element, numbered_styles)
            lines.extend(_docx_paragraph_lines(element))
        else:
            lines.extend(_docx_table_lines(element))
    if numbered:
        warnings.append(f"DOCX 中有 {numbered} 段使用 Word 自动编号，编号（如“一、”“（一）”）不在文字中，未能还原")
    return lines


def _docx_blocks(container) -> Iterator[tuple[str, object]]:
    """Paragraphs and tables in document order (content controls opened)."""
    for child in container.iterchildren():
        if child.tag == f"{_W}p":
            yield "p", child
        elif child.tag == f"{_W}tbl":
            yield "tbl", child
        elif child.tag in (f"{_W}sdt", f"{_W}customXml", f"{_W}sdtContent"):
            inner = child.find(f"{_W}sdtContent") if child.tag == f"{_W}sdt" else child
            if inner is not None:
                yield from _docx_blocks(inner)


def _docx_is_numbered(p, numbered_styles: set) -> bool:
    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        return False
    num = ppr.find(f"{_W}numPr")
    if num is not None:
        num_id = num.find(f"{_W}numId")
        return num_id is None or num_id.get(f"{_W}val") != "0"
    style = ppr.find(f"{_W}pStyle")
    return style is not None and style.get(f"{_W}val") in numbered_styles


def _docx_paragraph_text(p) -> str:
    parts: list[str] = []

    def visit(el) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if tag == _MC_FALLBACK or tag in (f"{_W}del", f"{_W}moveFrom", f"{_W}rPr", f"{_W}pPr"):
                continue
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag in (f"{_W}tab", f"{_W}ptab"):
                parts.append(" ")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            else:
                visit(child)

    visit(p)
    return "".join(parts)


def _docx_paragraph_lines(p) -> list[str]:
    return [line for line in (_clean_docx(part) for part in _docx_paragraph_text(p).split("\n")) if line]


def _clean_docx(text: str) -> str:
    return re.sub(r"[ \t\xa0]+", " ", text).strip(" \u3000\u2002\u2003")


def _docx_cell_lines(tc) -> list[str]:
    lines: list[str] = []
    for kind, element in _docx_blocks(tc):
        if kind == "p":
            lines.extend(_docx_paragraph_lines(element))
        else:  # a table nested in a cell: its rows, flattened
            lines.extend(row.replace("\t", " ") for row in _docx_table_lines(element))
    return lines


def _docx_table_rows(tbl) -> list[list]:
    rows = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells = []
        for child in tr.iterchildren():
            if child.tag == f"{_W}tc":
                cells.append(child)
            elif child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    cells.extend(content.iterchildren(f"{_W}tc"))
        rows.append(cells)
    return rows


def _docx_table_lines(tbl) -> list[str]:
    rows = _docx_table_rows(tbl)
    if rows and all(len(cells) <= 1 for cells in rows):  # a one-column box: its paragraphs as lines
        return [line for cells in rows for tc in cells for line in _docx_cell_lines(tc)]
    out = []
    for cells in rows:
        values = []
        for tc in cells:  # one w:tc per merged cell, however many grid columns it spans
            vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if vmerge is not None and vmerge.get(f"{_W}val") in (None, "continue"):
                values.append("")  # continuation of a vertically merged cell: said once, above
            else:
                values.append(" ".join(_docx_cell_lines(tc)).replace("\t", " "))
        while values and not values[-1]:
            values.pop()
        if any(values):
            out.append("\t".join(values))
    return out


# --------------------------------------------------------------------------- PDF

_PAGE_NUMBER = [
    re.compile(r"^[\-—–－―~～·•\s]*\d{1,4}[\-—–－―~～·•\s]*$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),
    re.compile(r"^第\s*[\d一二三四五六七八九十百]+\s*页(?:\s*[,，/、]?\s*共\s*\d+\s*页)?$"),
    re.compile(r"^共\s*\d+\s*页\s*[,，/、]?\s*第\s*\d+\s*页$"),
    re.compile(r"^(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?$", re.IGNORECASE),
]
_CID = re.compile(r"\(cid:\d+\)")


def _fix_glyphs(text: str) -> str:
    """Kangxi / CJK radical code points that some PDF fonts map ideographs to (⽣ for 生)."""
    return "".join(
        unicodedata.normalize("NFKC", ch) if "\u2e80" <= ch <= "\u2fdf" or "\uf900" <= ch <= "\ufaff" else ch
        for ch in text
    )


def _is_page_number(line: str) -> bool:
    return any(pattern.match(line) for pattern in _PAGE_NUMBER)


def _pdf_lines(data: bytes, label: str, warnings: list[str]) -> list[str]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    pages: list[list[str]] = []
    empty: list[int] = []
    cid_total = 0
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        # pdfplumber wraps pdfminer's errors: PdfminerException(PDFPasswordIncorrect())
        if any(isinstance(arg, PDFPasswordIncorrect) for arg in (exc, *exc.args)):
            raise ExtractError(f"{label}: the PDF is password-protected",
                               f"{label}：PDF 有密码保护，无法读取") from exc
        raise ExtractError(f"{label}: damaged PDF file ({type(exc).__name__}: {exc})",
                           f"{label}：PDF 文件已损坏，无法读取") from exc
    with pdf:
        try:
            for number, page in enumerate(pdf.pages, start=1):
                raw = page.dedupe_chars().extract_text() or ""
                cid_total += len(_CID.findall(raw))
                raw = _CONTROL.sub("", _fix_glyphs(_CID.sub("", raw)))
                lines = [re.sub(r"[ \t\xa0]+", " ", line).strip(" \u3000") for line in raw.splitlines()]
                lines = [line for line in lines if line]
                if not lines:
                    empty.append(number)
                pages.append(lines)
        except Exception as exc:
            raise ExtractError(f"{label}: damaged PDF file ({type(exc).__name__}: {exc})",
                               f"{label}：PDF 文件已损坏，无法读取") from exc
    if not pages:
        raise ExtractError(f"{label}: the PDF has no pages", f"{label}：PDF 没有页面")
    if len(empty) == len(pages):
        raise ExtractError(
            f"{label}: the PDF has no text layer (a scan?); run OCR on it first",
            f"{label}：PDF 没有文本层（可能是扫描件），需要先做文字识别（OCR）",
        )
    if empty:
        shown = "、".join(map(str, empty[:20])) + ("等" if len(empty) > 20 else "")
        warnings.append(f"PDF 第{shown}页没有文本层（可能是扫描件）")
    if cid_total:
        warnings.append(f"PDF 中有 {cid_total} 个字符的字体缺少 Unicode 映射，无法转换为文字，已略去")
    return [line for page in _strip_running(pages) for line in page]


def _strip_running(pages: list[list[str]], depth: int = 3) -> list[list[str]]:
    """Peel page numbers and running headers/footers (a line repeated at the same edge of most
    pages) off the top and bottom of every page."""
    pages = [list(page) for page in pages]
    with_text = sum(1 for page in pages if page)
    need = max(2, math.ceil(0.5 * with_text))

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))

    for edge in (0, -1):
        for _ in range(depth):
            counts = Counter(key(page[edge]) for page in pages if page)
            changed = False
            for page in pages:
                if page and (_is_page_number(page[edge]) or (with_text >= 2 and counts[key(page[edge])] >= need)):
                    page.pop(edge)
                    changed = True
            if not changed:
                break
    return pages
