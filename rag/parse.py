"""Parse a policy document into a numbering tree and emit one clause per leaf.

The text is used as received: PDF line breaks, Markdown heading marks, half-width
brackets and indentation are handled here, never by editing the corpus.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from .records import Clause, Department

logger = logging.getLogger(__name__)

PARSER_VERSION = "3"

CN_NUM = "一二三四五六七八九十百零〇"
PREAMBLE = "序言"
CLOSING = "结语"

# A numbered line: level, number token, and where the content after the marker starts.
_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(rf"^第([{CN_NUM}]+)章\s*")),
    (1, re.compile(rf"^([{CN_NUM}]+)、")),
    (2, re.compile(rf"^[（(]([{CN_NUM}]+)[）)]")),
    (3, re.compile(r"^(\d{1,3})[.．、](?!\d)")),
    (3, re.compile(rf"^第([{CN_NUM}]+)条\s*")),
]
_LEADING_NOISE = re.compile(r"^[ \t\u3000]*(?:#+[ \t\u3000]*)?")
_DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_DISCLOSURE = re.compile(r"^[（(]此件(.{2,8}?)[）)]$")  # （此件主动公开） under the signature
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}〔\d{4}〕\d+号$")
_DRAFT = "征求意见稿"
_EXPIRY = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日废止")
_CLOSING_START = re.compile(r"^本(?:实施)?(?:方案|意见|办法|规定|细则)")
# Characters after which a line break ends a paragraph rather than cutting a word.
_PARAGRAPH_END = set("。；：！？）)”")
_BREAK = re.compile(r"[ \t\u3000\r]*\n[\s\u3000]*")

_ORG_SUFFIX = re.compile(r"(局|委|办|厅|部|部门|海关|集团|机场|分行|社|政府|管委会|单位|中心|院)$")
_ORG_PREFIX = re.compile(r"^(市|省|区|县|天津|重庆|浙江|人民银行|国家|各|相关)")


def repair_breaks(raw: str) -> str:
    """Join lines broken by extraction; keep real paragraph breaks as one newline.

    A break after sentence-ending punctuation is a paragraph break; any other break
    cut a sentence (often a word, as in 平 / 台企业) and is removed.
    """

    def join(match: re.Match[str]) -> str:
        before = raw[match.start() - 1] if match.start() > 0 else ""
        return "\n" if before in _PARAGRAPH_END else ""

    return _BREAK.sub(join, raw.strip())


@dataclass
class _Line:
    text: str  # content without indentation or heading marks
    start: int  # offset of text in the source
    end: int


@dataclass
class _Node:
    level: int
    number: str | None
    heading: str
    lines: list[_Line] = field(default_factory=list)  # body lines, marker excluded
    children: list["_Node"] = field(default_factory=list)
    label_number: str = ""


@dataclass
class ParsedDocument:
    title: str
    draft: bool
    doc_number: str | None
    issuer: str | None  # from the signature, else from the title
    date: str | None
    valid_until: str | None
    addressees: str | None
    disclosure: str | None  # 主动公开 / 依申请公开 / 不予公开, from the note under the signature
    clauses: list[Clause]


def _lines(text: str) -> list[_Line]:
    out = []
    offset = 0
    for raw in text.split("\n"):
        noise = _LEADING_NOISE.match(raw)
        content = raw[noise.end():].rstrip()
        start = offset + noise.end()
        out.append(_Line(content, start, start + len(content)))
        offset += len(raw) + 1
    return out


def _marker(line: str) -> tuple[int, str, int] | None:
    for level, pattern in _MARKERS:
        match = pattern.match(line)
        if match:
            return level, match.group(1), match.end()
    return None


def _iso(year: str, month: str, day: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _squeeze(text: str) -> str:
    """Remove whitespace between CJK characters (titles split over lines or by OCR)."""
    return re.sub(r"\s+", "", text)


def _split_heading(content: str) -> tuple[str, str]:
    """Split '完善劳动保障政策。完善…' into (heading, rest); a long first sentence is no heading."""
    match = re.match(r"^([^。；：]{1,40})。", content)
    if match:
        return match.group(1), content[match.end():]
    if "。" not in content and len(content) <= 40:
        return content, ""
    return "", content


def department_spans(text: str) -> list[tuple[int, int, list[Department]]]:
    """Find responsible-unit parentheticals like （市人社局牵头，相关部门按职责分工负责）.

    Returns (start, end, departments) for each, in order. Only parentheses that
    follow a sentence end and hold nothing but unit names count.
    """
    spans = []
    for match in re.finditer(r"（([^（）]{2,120})）", text):
        if match.start() == 0 or text[match.start() - 1] not in "。；":
            continue
        departments = parse_departments(match.group(1))
        if departments:
            spans.append((match.start(), match.end(), departments))
    return spans


def parse_departments(content: str) -> list[Department] | None:
    explicit = content.endswith("负责")
    body = re.sub(r"(按职责分工)?负责$", "", content)
    found: list[Department] = []
    for segment in body.split("，"):
        lead = segment.endswith("牵头")
        segment = segment.removesuffix("牵头")
        for item in re.split(r"、|及|和(?=相关|各)", segment):
            name = re.sub(r"等(部门|单位)?$", "", item).strip()
            if not name or name == "相关部门":
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


def _chinese_label(path: list[tuple[int, str]], straight_through: bool) -> str:
    parts = []
    for i, (level, number) in enumerate(path):
        if level == 1 and not (straight_through and i < len(path) - 1):
            parts.append(number)
        elif level == 2:
            parts.append(f"（{number}）")
        elif level == 0:
            parts.append(f"第{number}章")
        elif level == 3:
            parts.append(number if number.isdigit() else f"第{number}条")
    if straight_through:
        # A document numbering （一）…（十九） through all parts is cited by the clause alone.
        parts = [p for p in parts if p.startswith("（")] or parts
    return "".join(parts)


def parse_document(text: str, doc_id: str, source: str, doc_title: str) -> ParsedDocument:
    lines = _lines(text)
    nonblank = [i for i, line in enumerate(lines) if line.text]

    # Header: title lines, then optional （征求意见稿）, 文号, addressees, up to the preamble.
    title_parts: list[str] = []
    draft = False
    doc_number = None
    addressees = None
    body_start = len(lines)
    for i in nonblank:
        content = lines[i].text
        # The preamble starts with 为… or is the first full sentence; titles carry no 。
        if content.startswith("为") or _marker(content) or content.endswith("。"):
            body_start = i
            break
        if _DRAFT in content and content.strip("（）()") == _DRAFT:
            draft = True
        elif _DOC_NUMBER.match(content):
            doc_number = content
        elif content.endswith("：") and title_parts:
            addressees = content
        else:
            title_parts.append(content)
    title = _squeeze("".join(title_parts))
    if _DRAFT in title:
        draft = True
    elif draft:
        title += f"（{_DRAFT}）"

    # Footer: signature (issuer line, date line, notes) after the last body line.
    issuer = None
    date = None
    body_end = len(lines)
    tail = [i for i in nonblank if i >= body_start]
    for pos in range(len(tail) - 1, max(len(tail) - 5, -1), -1):
        match = _DATE_LINE.match(lines[tail[pos]].text)
        if match:
            date = _iso(*match.groups())
            body_end = tail[pos]
            previous = lines[tail[pos - 1]].text if pos > 0 else ""
            if previous and previous[-1] not in _PARAGRAPH_END and not _marker(previous):
                issuer = previous
                body_end = tail[pos - 1]
            break
    disclosure = None
    for i in tail[-5:]:
        note = _DISCLOSURE.match(lines[i].text)
        if note:
            disclosure = note.group(1)
            body_end = min(body_end, i)
    if issuer is None:
        issuer_match = re.match(r"^(.{2,20}?(?:人民政府办公厅|人民政府|办公厅))关于", title)
        issuer = issuer_match.group(1) if issuer_match else None

    # Body: build the numbering tree.
    root = _Node(level=-1, number=None, heading="")
    preamble = _Node(level=99, number=PREAMBLE, heading="")
    closing: _Node | None = None
    stack: list[_Node] = [root]
    current: _Node = preamble
    for i in range(body_start, body_end):
        line = lines[i]
        if not line.text:
            continue
        marker = _marker(line.text)
        if marker and current is not closing:
            level, number, content_at = marker
            content = line.text[content_at:]
            heading, _ = _split_heading(content)
            node = _Node(level, number, heading)
            node.lines.append(_Line(content, line.start + content_at, line.end))
            while stack[-1].level >= level:
                stack.pop()
            stack[-1].children.append(node)
            stack.append(node)
            current = node
        elif _CLOSING_START.match(line.text) and ("施行" in line.text or "废止" in line.text):
            closing = _Node(level=99, number=CLOSING, heading="")
            closing.lines.append(line)
            current = closing
        else:
            current.lines.append(line)  # unnumbered text continues the clause before it

    valid_until = None
    if closing is not None:
        expiry = _EXPIRY.search("".join(l.text for l in closing.lines))
        if expiry:
            valid_until = _iso(*expiry.groups())

    # Is the second level numbered straight through the first (（一）…（十九) across parts)?
    second = [c.number for part in root.children for c in part.children if c.level == 2]
    parts_with_sections = sum(any(c.level == 2 for c in part.children) for part in root.children)
    straight_through = parts_with_sections > 1 and len(second) == len(set(second))

    clauses: list[Clause] = []

    def emit(node: _Node, path: list[_Node]) -> None:
        numbers = [(n.level, n.number or "") for n in path]
        if node.level == 99:
            clause_path, label, headings = [node.number or ""], node.number or "", []
        else:
            clause_path = [n.number or "" for n in path]
            label = _chinese_label(numbers, straight_through)
            headings = [n.heading for n in path if n.heading]
        first, last = node.lines[0], node.lines[-1]
        raw = text[first.start:last.end]
        clause_text = repair_breaks(raw)
        if node.level != 99 and node.heading and not node.children:
            # A section heading without a sentence ("一、总体要求") is not part of the body.
            marker_line = node.lines[0].text
            if marker_line == node.heading and len(node.lines) > 1:
                first = node.lines[1]
                clause_text = repair_breaks(text[first.start:last.end])
        spans = department_spans(clause_text)
        clauses.append(
            Clause(
                id=f"{doc_id}#{'.'.join(clause_path)}",
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
                if child.lines[1:]:
                    logger.warning("%s: text under %s before its first item is dropped", doc_id, child.number)
                walk(child, child_path)
            else:
                emit(child, child_path)

    if preamble.lines:
        emit(preamble, [preamble])
    walk(root, [])
    if closing is not None:
        emit(closing, [closing])

    ids = [c.id for c in clauses]
    if len(ids) != len(set(ids)):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"{source}: duplicate clause ids {dupes}")
    return ParsedDocument(title, draft, doc_number, issuer, date, valid_until, addressees, disclosure, clauses)
