"""Parse a policy document into a numbering tree and emit one clause per leaf.

The text is used as received: PDF line breaks, Markdown heading marks, half-width and full-width
brackets and digits, and indentation are handled here, never by editing the corpus.

Numbering families (any nesting order; a family's depth is where it first opens):
第X编/章/节/条 (legal texts: the 条 is the clause, its 款, （一）项 and 1. 目 stay inside it),
一、 （一） 1. （1） ①, and numbered table rows. A marker counts only where its number continues
its list (1 to open one, the next number after its sibling, or the next number straight through
the document), so ids are unique by construction and "1.6倍" or a date never opens an item.
Around the body: header (title over several lines, 文号, status, addressees), a table of contents
(skipped), the preamble (always kept), a cover notice that encloses the document, the attachment
list, the signature block (issuer, date, 公开方式, 抄送, 印发 lines) as metadata, and attachments
(附件1…) as their own parts with their own numbering.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from .records import Clause, Department

logger = logging.getLogger(__name__)

PARSER_VERSION = "4"

CN_NUM = "一二三四五六七八九十百零〇两"
PREAMBLE = "序言"
CLOSING = "结语"
ATTACHMENT = "附件"

_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_SECTIONS = {"万": 10_000, "亿": 100_000_000}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Legal families have a fixed order; the others nest in the order they open.
_LEGAL = ("编", "章", "节", "条")
_FAMILIES: list[tuple[str, re.Pattern[str]]] = [
    ("编", re.compile(rf"^第([{CN_NUM}]+)编(?:[\s\u3000]+|$)")),
    ("章", re.compile(rf"^第([{CN_NUM}]+)章(?:[\s\u3000]+|$)")),
    ("节", re.compile(rf"^第([{CN_NUM}]+)节(?:[\s\u3000]+|$)")),
    ("条", re.compile(rf"^第([{CN_NUM}]+)条(?:[\s\u3000]*[（(]([^（）()]{{1,20}})[）)])?[\s\u3000]*")),
    ("cn", re.compile(rf"^([{CN_NUM}]+)、")),
    ("pcn", re.compile(rf"^[（(]([{CN_NUM}]+)[）)]")),
    ("num", re.compile(r"^([0-9０-９]{1,3})[.．、](?![0-9０-９])")),
    ("pnum", re.compile(r"^[（(]([0-9０-９]{1,3})[）)]")),
    ("circ", re.compile(rf"^([{_CIRCLED}])")),
    ("row", re.compile(r"^([0-9０-９]{1,3})\t")),
]
_LEADING_NOISE = re.compile(r"^[ \t\u3000\xa0]*(?:#+[ \t\u3000]*)?")
_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_DATE_LINE = re.compile(rf"^(?:(.{{2,40}}?)[\s\u3000]*)?{_DATE}(印发|公布|发布|通过)?$")
_DISCLOSURE = re.compile(r"^[（(]此件(.{2,8}?)[）)]$")  # （此件主动公开） under the signature
_OPENNESS = re.compile(r"^公开(?:方式|属性)[：:]\s*(\S{2,8})$")  # 公开方式：主动公开
_FOOTER_NOTE = re.compile(
    r"^(?:[（(](?:本文有删减|此件.{2,8})[）)]|抄送[：:].*|相关附件|附件\d*[：:].*\.(?:docx?|pdf|xlsx?|wps|ofd)"
    r"|.{2,40}[\s\u3000]+\d{4}年\d{1,2}月\d{1,2}日印发|(?:扫一扫|打印本页|关闭窗口).*)$"
)
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,14}[〔［\[（(]\d{4}[〕］\]）)]\s*第?\d+\s*号$")
# （…令2016年第60号） or （2021年7月27日中华人民共和国国务院令第746号公布）
_ORDER_NUMBER = re.compile(r"[（(](?:(\d{4})年(\d{1,2})月(\d{1,2})日)?([^（）()]{2,80}令[^（）()]{0,12}第\s*\d+\s*号)(?:公布|发布)?[）)]$")
_STATUS_WORDS = ("征求意见稿", "草案", "试行", "暂行")
_EXPIRY = re.compile(rf"{_DATE}(?:起)?废止")
_UNTIL = re.compile(rf"有效期至{_DATE}")
_VALID_YEARS = re.compile(r"有效期(?:为)?([0-9一二三四五六七八九十两]{1,3})年")
_EFFECTIVE = re.compile(rf"自{_DATE}起(?:施行|实施|执行|生效)")
_EFFECTIVE_ON_ISSUE = re.compile(r"自(?:印发|发布|公布)之日起(?:施行|实施|执行|生效)")
_CLOSING_START = re.compile(r"^本(?:实施)?(?:方案|意见|办法|规定|细则|通知|条例|措施|决定|规则|准则)")
_ATTACHMENT_LIST = re.compile(r"^附件[：:]\s*(.*)$")
_ATTACHMENT_HEAD = re.compile(r"^附件\s*([0-9０-９一二三四五六七八九十]*)\s*$")
# Characters after which a line break ends a paragraph rather than cutting a word.
_PARAGRAPH_END = set("。；：！？）)”")
_BREAK = re.compile(r"[ \t\u3000\r]*\n[\s\u3000]*")

_ORG_SUFFIX = re.compile(
    r"(局|委|办|厅|部|部门|海关|集团|机场|分行|社|政府|管委会|单位|中心|院|银行|总署|署|会|公司|所)$"
)
# A unit named at its level (市…局, 国家…局), or by the general words documents use for units.
_ORG_PREFIX = re.compile(r"^(市|省|区|县|镇|乡|国家|国务院|中国|全国|中央|各|相关|有关)")


def repair_breaks(raw: str) -> str:
    """Join lines broken by extraction; keep real paragraph breaks as one newline.

    A break after sentence-ending punctuation is a paragraph break; any other break
    cut a sentence (often a word, as in 平 / 台企业) and is removed.
    """

    def join(match: re.Match[str]) -> str:
        before = raw[match.start() - 1] if match.start() > 0 else ""
        if before in _PARAGRAPH_END:
            return "\n"
        # Table rows (cells joined by tabs) are lines of their own.
        line_before = raw[raw.rfind("\n", 0, match.start()) + 1 : match.start()]
        after = raw.find("\n", match.end())
        line_after = raw[match.end() : after if after >= 0 else len(raw)]
        return "\n" if "\t" in line_before or "\t" in line_after else ""

    return _BREAK.sub(join, raw.strip())


def clause_id(doc_id: str, path: list[str]) -> str:
    """A clause's id: its document, then its place in the numbering (五.二.1 for 五（二）1)."""
    return f"{doc_id}#{'.'.join(path)}"


def clause_path(id_: str) -> list[str]:
    """The place in the numbering a clause id names (["五", "二", "1"]; ["序言"])."""
    return id_.split("#", 1)[1].split(".")


def cn_number(token: str) -> int | None:
    """'十六' -> 16, '五十三' -> 53, '一百零二' -> 102, '三千万' -> 30000000, '二〇二四' -> 2024,
    '１２' -> 12, '③' -> 3."""
    token = token.translate(_FULLWIDTH)
    if token.isascii() and token.isdigit():  # '③'.isdigit() is true as well
        return int(token)
    if len(token) == 1 and token in _CIRCLED:
        return _CIRCLED.index(token) + 1
    if not token or any(ch not in _CN_DIGITS and ch not in _CN_UNITS and ch not in _CN_SECTIONS for ch in token):
        return None
    if not any(ch in _CN_UNITS or ch in _CN_SECTIONS for ch in token):  # digit by digit: 二〇二四
        value = 0
        for ch in token:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    total, section, current = 0, 0, 0
    for ch in token:
        if ch in _CN_SECTIONS:  # 万, 亿 multiply everything before them in their section
            total += (section + current or 1) * _CN_SECTIONS[ch]
            section = current = 0
        elif ch in _CN_UNITS:
            section += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            current = _CN_DIGITS[ch]
    return total + section + current


@dataclass
class _Line:
    text: str  # content without indentation or heading marks
    start: int  # offset of text in the source
    end: int


@dataclass
class _Node:
    family: str
    number: str | None  # the id token: Chinese numerals as written, digits in ASCII
    value: int
    heading: str
    lines: list[_Line] = field(default_factory=list)  # body lines, marker excluded
    children: list["_Node"] = field(default_factory=list)


@dataclass
class ParsedDocument:
    title: str
    status: str  # 征求意见稿 / 草案 / 试行 / 暂行 / 正式: the document's own word
    doc_number: str | None
    issuer: str | None  # from the signature, else from the title
    date: str | None  # date of issue (the signature date)
    effective: str | None  # 施行日期
    valid_until: str | None
    addressees: str | None
    disclosure: str | None  # 主动公开 / 依申请公开 / 不予公开, from the note under the signature
    clauses: list[Clause]
    attachments: list[str] = field(default_factory=list)  # names in the attachment list
    warnings: list[str] = field(default_factory=list)
    metadata_lines: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of text kept as metadata

    @property
    def draft(self) -> bool:
        return self.status in ("征求意见稿", "草案")


def _lines(text: str) -> list[_Line]:
    out = []
    offset = 0
    for raw in text.split("\n"):
        noise = _LEADING_NOISE.match(raw)
        content = raw[noise.end():].rstrip(" \t\u3000\r\xa0")
        start = offset + noise.end()
        out.append(_Line(content, start, start + len(content)))
        offset += len(raw) + 1
    return out


def _marker(line: str) -> tuple[str, str, int, str] | None:
    """(family, number token, where the content starts, bracketed heading) of a numbered line."""
    for family, pattern in _FAMILIES:
        match = pattern.match(line)
        if match:
            heading = match.group(2) if family == "条" and match.lastindex and match.lastindex >= 2 else ""
            return family, match.group(1).translate(_FULLWIDTH), match.end(), heading or ""
    return None


def _iso(year: str, month: str, day: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _squeeze(text: str) -> str:
    """Remove whitespace between CJK characters (titles split over lines or by OCR)."""
    return re.sub(r"[\s\u3000]+", "", text)


def _split_heading(content: str) -> tuple[str, str]:
    """Split '完善劳动保障政策。完善…' into (heading, rest); a long first sentence is no heading."""
    match = re.match(r"^([^。；：]{1,40})。", content)
    if match:
        return match.group(1), content[match.end():]
    if "。" not in content and "；" not in content and len(content) <= 40:
        return content, ""
    return "", content


def department_spans(text: str) -> list[tuple[int, int, list[Department]]]:
    """Find responsible-unit parentheticals like （市人社局牵头，相关部门按职责分工负责） or
    （负责部门：商务部、海关总署…）.

    Returns (start, end, departments) for each, in order. Only parentheses that
    follow a sentence end and hold nothing but unit names count.
    """
    spans = []
    for match in re.finditer(r"（([^（）]{2,200})）", text):
        if match.start() == 0 or text[match.start() - 1] not in "。；":
            continue
        departments = parse_departments(match.group(1))
        if departments:
            spans.append((match.start(), match.end(), departments))
    return spans


def parse_departments(content: str) -> list[Department] | None:
    labelled = re.match(r"^(?:负责|责任|牵头|主管|指导)(?:部门|单位)[：:](.+)$", content)
    explicit = content.endswith("负责") or labelled is not None
    body = labelled.group(1) if labelled else content
    body = re.split(r"[，；,;]\s*(?:适用范围|推广范围|完成时限|时间)[：:]", body)[0]  # further labelled fields
    body = re.sub(r"(按职责分工)?负责$", "", body)
    found: list[Department] = []
    for segment in re.split(r"[，,；;]", body):
        lead = segment.endswith("牵头")
        segment = segment.removesuffix("牵头")
        for item in re.split(r"、|及|和(?=相关|各)", segment):
            name = re.sub(r"等(部门|单位)?$", "", item).strip()
            if not name or name in ("相关部门", "有关部门"):
                continue
            if not (_ORG_SUFFIX.search(name) and (_ORG_PREFIX.match(name) or explicit)):
                return None
            found.append(Department(name, lead))
    return found or None


def merge_departments(groups: list[list[Department]]) -> list[Department]:
    """Unique units in order of first mention; a unit that leads anywhere is marked lead."""
    merged: dict[str, bool] = {}
    for group in groups:
        for dept in group:
            merged[dept.name] = merged.get(dept.name, False) or dept.lead
    return [Department(name, lead) for name, lead in merged.items()]


def _label_part(node: _Node) -> str:
    number = node.number or ""
    return {
        "编": f"第{number}编", "章": f"第{number}章", "节": f"第{number}节", "条": f"第{number}条",
        "cn": number, "pcn": f"（{number}）", "num": f"{number}.", "pnum": f"（{number}）",
        "circ": number, "row": f"第{number}项",
    }.get(node.family, number)  # fmt: skip


def _label(path: list[_Node], straight: set[str]) -> str:
    """How officials cite the clause: 二（三）, 三（二）1., 第二十二条, （五十三）, 附件1第3项."""
    if any(n.family == "条" for n in path):
        # Articles are numbered through the whole text: 第二十二条, not 第三章第二十二条.
        path = [n for n in path if n.family not in ("编", "章", "节")]
    parts: list[str] = []
    for node in path:
        if node.family in straight:
            parts = []  # numbered straight through: cited by its own number
        parts.append(_label_part(node))
    label = "".join(parts)
    return label.removesuffix(".") if path and path[-1].family == "num" else label


def _status(header: str) -> str:
    for word in _STATUS_WORDS:
        if word in header:
            return word
    return "正式"


def _add_years(iso: str, years: int) -> str:
    """The last day of a period of `years` starting on `iso` (2024-03-04 + 5 → 2029-03-03)."""
    from datetime import date, timedelta

    start = date.fromisoformat(iso)
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return (end - timedelta(days=1)).isoformat()


def _is_toc(lines: list[_Line], index: list[int]) -> set[int]:
    """Lines of a table of contents: a run of heading-only chapter lines (or a 目录 line and such a
    run) whose markers appear again later in the body."""
    toc: set[int] = set()
    seen: dict[tuple[str, str], int] = {}
    for i in index:
        marker = _marker(lines[i].text)
        if marker and marker[0] in ("编", "章", "节", "cn"):
            key = (marker[0], marker[1])
            if key in seen:
                first = seen[key]
                run = [j for j in index if first <= j < i]
                # everything from the first occurrence up to here must be short heading lines
                if all(_marker(lines[j].text) and len(lines[j].text) <= 40 and "。" not in lines[j].text for j in run):
                    toc.update(run)
                    for j in index:
                        if j < first and lines[j].text.strip("：:") in ("目录", "目 录", "目　录"):
                            toc.add(j)
                break
            seen[key] = i
    return toc


def parse_document(text: str, doc_id: str, source: str, doc_title: str) -> ParsedDocument:
    text = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    lines = _lines(text)
    nonblank = [i for i, line in enumerate(lines) if line.text]
    metadata: list[tuple[int, int]] = []
    warnings: list[str] = []

    def keep_as_metadata(i: int) -> None:
        metadata.append((lines[i].start, lines[i].end))

    toc = _is_toc(lines, nonblank)
    for i in sorted(toc):
        keep_as_metadata(i)
    nonblank = [i for i in nonblank if i not in toc and not lines[i].text.startswith("<!--")]
    for i in (i for i, line in enumerate(lines) if line.text.startswith("<!--")):
        keep_as_metadata(i)

    # Header: title lines, then optional （征求意见稿）, 文号, addressees, up to the preamble.
    title_parts: list[str] = []
    doc_number = None
    addressees = None
    header_text = ""
    body_start = len(lines)
    for i in nonblank:
        content = lines[i].text
        # The preamble starts with 为… or is the first full sentence; titles carry no 。
        if content.startswith("为") or _marker(content) or content.endswith(("。", "；")) or len(content) > 80:
            body_start = i
            break
        if _DOC_NUMBER.match(content):
            doc_number = content
        elif re.match(rf"^{_DATE}.{{2,60}}(?:通过|批准|公布)$", content) and title_parts:
            header_text += content  # 2022年11月25日 …常务委员会第四十五次会议通过
        elif content.endswith(("：", ":")) and title_parts and addressees is None and "如下" not in content:
            addressees = content
        elif content.strip("（）()") in _STATUS_WORDS:
            header_text += content
        elif addressees is not None:
            body_start = i  # the first line after the addressees is body, whatever its form
            break
        else:
            title_parts.append(content)
        keep_as_metadata(i)
    order = _ORDER_NUMBER.search(title_parts[-1]) if title_parts else None
    order_issuer = None
    if order:  # 暂行办法（交通运输部…令2016年第60号）: the order number is the 文号, its units the issuer
        doc_number = doc_number or order.group(4).strip()
        title_parts[-1] = title_parts[-1][: order.start()]
        order_issuer = "、".join(re.split(r"[\s\u3000]+", re.sub(r"令[^令]*$", "", order.group(4)).strip()))
        if order.group(1):
            header_text += f"{order.group(1)}年{order.group(2)}月{order.group(3)}日公布"
    title = _squeeze("".join(title_parts))
    adopted = re.match(rf"^{_DATE}[\s\u3000]*(.{{2,60}}?)(?:第[{CN_NUM}\d]+次会议)?(?:通过|批准)$", header_text)
    published = re.fullmatch(rf"{_DATE}公布", header_text)
    status = _status(title + header_text)
    if status in ("征求意见稿",) and "征求意见稿" not in title:
        title += "（征求意见稿）"

    # Attachments after the body: 附件 / 附件1 alone on a line, then its own title and numbering.
    tail = [i for i in nonblank if i >= body_start]
    attachment_starts = [i for i in tail if _ATTACHMENT_HEAD.match(lines[i].text)]
    main_end = attachment_starts[0] if attachment_starts else len(lines)

    # Footer: signature block (issuer, date, 公开方式, notes) after the last body line.
    issuer = None
    date = None
    printed = None
    disclosure = None
    body_end = main_end
    main_tail = [i for i in tail if i < main_end]
    pos = len(main_tail) - 1
    while pos >= 0:
        i = main_tail[pos]
        content = lines[i].text
        date_match = _DATE_LINE.match(content)
        note = _DISCLOSURE.match(content) or _OPENNESS.match(content)
        if note:
            disclosure = note.group(1)
        elif date_match and not content.endswith("。"):
            if date_match.group(5) == "印发":
                printed = _iso(*date_match.group(2, 3, 4))
            else:
                date = _iso(*date_match.group(2, 3, 4))
                if date_match.group(1):
                    issuer = _squeeze(date_match.group(1))
                elif pos > 0:
                    previous = lines[main_tail[pos - 1]].text
                    if previous and previous[-1] not in _PARAGRAPH_END and not _marker(previous) and len(previous) <= 40:
                        issuer = _squeeze(previous)
                        keep_as_metadata(main_tail[pos - 1])
                        pos -= 1
                        body_end = main_tail[pos]
                keep_as_metadata(i)
                body_end = min(body_end, main_tail[pos])
                break
        elif not _FOOTER_NOTE.match(content):
            break
        keep_as_metadata(i)
        body_end = i
        pos -= 1
    if adopted:  # a law adopted by a congress: its date and body (北京市人民代表大会常务委员会)
        date = date or _iso(*adopted.group(1, 2, 3))
        issuer = issuer or re.sub(rf"第[{CN_NUM}]+届", "", adopted.group(4))
    if published:
        date = date or _iso(*published.groups())
    issuer = issuer or order_issuer
    if issuer is None:
        issuer_match = re.match(r"^(.{2,30}?(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|国务院|委员会|局|部|厅))关于", title)
        issuer = issuer_match.group(1) if issuer_match else None

    # The attachment list before the signature (附件：1.… 2.…) is metadata.
    attachments: list[str] = []
    for i in [i for i in main_tail if i < body_end]:
        match = _ATTACHMENT_LIST.match(lines[i].text)
        if match:
            rest = [j for j in main_tail if i <= j < body_end]
            names = [match.group(1)] if match.group(1) else []
            names += [re.sub(r"^[0-9０-９]+[.．、]\s*", "", lines[j].text) for j in rest[1:]]
            attachments = [n for n in names if n]
            for j in rest:
                keep_as_metadata(j)
            body_end = i
            break

    # A cover notice enclosing the document (…现予公布，…起施行。 signature, date, then the title again).
    parts: list[tuple[str, list[int]]] = [("main", [i for i in tail if i < body_end])]
    main_lines = parts[0][1]
    first_marker = next((k for k, i in enumerate(main_lines) if _marker(lines[i].text)), None)
    if first_marker:
        before = main_lines[:first_marker]
        cover_dates = [k for k, i in enumerate(before) if _DATE_LINE.match(lines[i].text)]
        if cover_dates:
            k = cover_dates[-1]
            if date is None:
                date = _iso(*_DATE_LINE.match(lines[before[k]].text).group(2, 3, 4))
            signature_from = max((j + 1 for j in range(k) if lines[before[j]].text.endswith("。")), default=k)
            for i in before[signature_from:]:
                keep_as_metadata(i)  # signature, date and the enclosed title
            parts[0] = ("main", before[:signature_from] + main_lines[first_marker:])

    # Body: build the numbering tree of the main text and of each attachment.
    clauses: list[Clause] = []
    closing_text = ""
    for n, start in enumerate(attachment_starts):
        keep_as_metadata(start)  # "附件1" names the part
        end = attachment_starts[n + 1] if n + 1 < len(attachment_starts) else len(lines)
        parts.append((f"{ATTACHMENT}{lines[start].text[2:].strip().translate(_FULLWIDTH) or (n + 1 if len(attachment_starts) > 1 else '')}", [i for i in tail if start <= i < end]))

    for part, indices in parts:
        part_clauses, part_closing = _parse_part(text, lines, indices, part, doc_id, source, doc_title, warnings)
        clauses.extend(part_clauses)
        closing_text += part_closing

    valid_until = None
    effective = None
    expiry = _EXPIRY.search(closing_text) or _UNTIL.search(closing_text)
    if expiry:
        valid_until = _iso(*expiry.groups())
    effective_match = _EFFECTIVE.search(closing_text)
    if effective_match:
        effective = _iso(*effective_match.groups())
    elif _EFFECTIVE_ON_ISSUE.search(closing_text):
        effective = printed or date
    years = _VALID_YEARS.search(closing_text)
    if years and valid_until is None and (effective or date):
        count = cn_number(years.group(1))
        if count:
            valid_until = _add_years(effective or date, count)

    ids = [c.id for c in clauses]
    if len(ids) != len(set(ids)):  # cannot happen by construction; a bug if it does
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"{source}: duplicate clause ids {dupes}")
    return ParsedDocument(
        title, status, doc_number, issuer, date, effective, valid_until, addressees, disclosure, clauses,
        attachments, warnings, sorted(metadata),
    )  # fmt: skip


def _parse_part(
    text: str, lines: list[_Line], indices: list[int], part: str, doc_id: str, source: str, doc_title: str,
    warnings: list[str],
) -> tuple[list[Clause], str]:  # fmt: skip
    """Clauses of the main text or of one attachment; and the text that states dates and validity."""
    prefix = [] if part == "main" else [part]
    root = _Node("root", None, 0, "")
    intro = _Node("preamble", PREAMBLE if part == "main" else "说明", 0, "")
    closing: _Node | None = None
    stack: list[_Node] = [root]
    current: _Node = intro
    last_global: dict[str, int] = {}
    legal = False
    title_taken = part == "main"
    caption: _Node | None = None
    if part != "main" and indices and _ATTACHMENT_HEAD.match(lines[indices[0]].text):
        indices = indices[1:]  # the 附件1 line names the part
    for i in indices:
        line = lines[i]
        marker = _marker(line.text)
        if not title_taken and not marker:
            # An attachment's own title line.
            caption = caption or _Node("caption", "标题", 0, line.text)
            caption.lines.append(line)
            title_taken = True
            continue
        title_taken = True
        # Items and 款 inside an article stay in the article.
        if marker and current is not closing and not (legal and marker[0] not in _LEGAL):
            family, number, content_at, bracket = marker
            value = cn_number(number) or 0
            # Where would it go: a sibling of an open node of its family, or a child of the innermost node.
            depth = next((d for d in range(len(stack) - 1, 0, -1) if stack[d].family == family), None)
            if family in _LEGAL:
                rank = _LEGAL.index(family)
                # the outermost open legal node at or below its rank: 第二章 closes 第一章 and its articles
                depth = next((d for d in range(1, len(stack)) if stack[d].family in _LEGAL and _LEGAL.index(stack[d].family) >= rank), None)
            parent = stack[depth - 1] if depth is not None else stack[-1]
            siblings = [c for c in parent.children if c.family == family]
            previous = siblings[-1].value if siblings else 0
            accepted = (
                value == previous + 1
                or (value == last_global.get(family, -1) + 1 and value > previous)
                or (family == "row" and value > max(previous, last_global.get(family, 0)))  # a table may skip rows
            )
            if accepted:
                del stack[(depth if depth is not None else len(stack)):]
                content = line.text[content_at:]
                # An article's heading is only the bracketed one (第一条（目的）); its first sentence is text.
                heading = bracket if family == "条" else _split_heading(content)[0]
                node = _Node(family, number if not number.isdigit() else str(int(number)), value, heading)
                node.lines.append(_Line(content, line.start + content_at, line.end))
                parent.children.append(node)
                stack.append(node)
                current = node
                last_global[family] = value
                legal = legal or family == "条"
                if family in ("编", "章", "节"):
                    legal = False  # a new chapter waits for its first article
                continue
        if (
            _CLOSING_START.match(line.text)
            and ("施行" in line.text or "废止" in line.text or "有效期" in line.text)
            and current is not closing
            and part == "main"
            and not legal
            and current.family not in ("条",)
            and not _awaits_body(current)
        ):
            closing = _Node("closing", CLOSING, 0, "")
            closing.lines.append(line)
            current = closing
        else:
            current.lines.append(line)  # unnumbered text continues the clause before it

    clauses: list[Clause] = []
    straight = _straight_through(root)
    closing_text = ""

    def emit(node: _Node, path: list[_Node], own_lines: list[_Line] | None = None, is_intro: bool = False) -> None:
        body = own_lines if own_lines is not None else node.lines
        if node.family in ("preamble", "closing", "caption"):
            clause_path, label, headings = [node.number or ""], node.number or "", []
            if part != "main":
                label = f"{part}{label}" if node.family != "preamble" else f"{part}说明"
        else:
            clause_path = [n.number or "" for n in path]
            label = _label(path, straight)
            if part != "main":
                label = f"{part}{label}"
            headings = [n.heading for n in path if n.heading]
        first, last = body[0], body[-1]
        clause_text = repair_breaks(text[first.start:last.end])
        if node.family not in ("preamble", "closing", "caption") and node.heading and not is_intro and not node.children:
            # A section heading without a sentence ("一、总体要求") is not part of the body.
            if body[0].text == node.heading and len(body) > 1:
                first = body[1]
                clause_text = repair_breaks(text[first.start:last.end])
        if not clause_text:
            return
        spans = department_spans(clause_text)
        clauses.append(
            Clause(
                id=clause_id(doc_id, prefix + clause_path),
                doc_id=doc_id,
                source=source,
                doc_title=doc_title,
                label=label,
                heading=node.heading,
                path=headings,
                text=clause_text,
                departments=merge_departments([s[2] for s in spans]),
                start=first.start,
                end=last.end,
            )
        )

    def walk(node: _Node, path: list[_Node]) -> None:
        for child in node.children:
            child_path = path + [child]
            if child.children:
                # Text under a heading before its first item is a clause of its own (never dropped).
                first = child.lines[0].text
                heading_only = bool(child.heading) and _split_heading(first)[1].strip() == "" and len(first) <= len(child.heading) + 1
                own = child.lines[1:] if heading_only else child.lines
                if own:
                    emit(child, child_path, own, is_intro=True)
                walk(child, child_path)
            else:
                emit(child, child_path)

    if caption is not None:
        emit(caption, [caption])
    if intro.lines:
        emit(intro, [intro])
    walk(root, [])
    if closing is not None:
        emit(closing, [closing])
        closing_text = "".join(l.text for l in closing.lines)
    if part == "main":
        # In legal texts and documents whose last item states it, dates and validity sit in the text itself.
        last_lines = [c.text for c in clauses[-3:]]
        closing_text += "".join(t for t in last_lines if "施行" in t or "有效期" in t or "废止" in t or "实施" in t)
    return clauses, closing_text


def _awaits_body(node: _Node) -> bool:
    """A numbered heading with no sentence yet (八、其他事宜): the next paragraph is its body."""
    return node.family not in ("preamble", "closing", "root") and len(node.lines) == 1 and node.lines[0].text == node.heading


def _straight_through(root: _Node) -> set[str]:
    """Families numbered straight through their parents ((一)…(十九) across parts; articles across
    chapters): such items are cited by their own number alone."""
    found: set[str] = {"条"}
    by_family: dict[str, list[tuple[int, int]]] = {}

    def collect(node: _Node) -> None:
        for child in node.children:
            by_family.setdefault(child.family, []).append((id(node), child.value))
            collect(child)

    collect(root)
    top = {id(child) for child in root.children}
    for family, items in by_family.items():
        parents = {p for p, _ in items}
        if not parents <= top:
            continue  # only items under the top level are cited alone (（十七） of 二、, not 7 of 二（一）)
        values = [v for _, v in items]
        if len(parents) > 1 and len(values) == len(set(values)):
            found.add(family)
    return found
