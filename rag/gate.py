"""The citation gate: a language model's answer is kept only where the clauses it cites bear it out.

The answer is cut into statements (a sentence with the markers that follow it). A statement is
kept when it carries at least one marker, every marker names a clause that was given, it says more
than a cited clause's heading line, every 「quote」
is a verbatim substring of a clause it cites, and every figure (number, date, amount, percentage)
and every government unit it names appears in a clause it cites (or that clause's heading line:
document, label, status, date). A statement that fails is removed, with the reason; nothing in it
is repaired. The same checks run on a stream, statement by statement (`Splitter`), so what is sent
is never withdrawn.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from .parse import cn_number
from .places import gazetteer
from .tokens import is_word, longest_first

Problem = Literal[
    "no_marker", "unknown_marker", "no_content", "quote_not_verbatim", "figure_not_in_clause", "unit_not_in_clause"
]
# What the prompt asks the model to answer, alone, when the clauses do not answer the question.
DECLINE = "无法回答"

# [1] [1][3] [1,3] [1、3] 【1】 — normalised to [1][3].
_MARKER = re.compile(r"[\[【]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】]")
_TRAILING = re.compile(r"(?:[ \t]*[\[【]\s*\d{1,2}(?:\s*[,，、]\s*\d{1,2})*\s*[\]】])*")
_PARTIAL_MARKER = re.compile(r"^[ \t]*(?:[\[【][\d\s,，、]*)?$")
_QUOTE = re.compile(r"「([^「」]*)」")
_TERMINATORS = "。！？；!?;\n"
_CN = "零〇一二两三四五六七八九十百千万亿"
# Measure words that make a Chinese numeral a figure (三年, 两倍, 五十万元); a bare numeral (一体化,
# 十四五, 统一) is a word, not a figure. Arabic digits are always figures.
# Not 家, 人, 次, 项: 每一家, 一次性, 一项 are words as often as figures.
_MEASURES = ("平方米", "小时", "公里", "个月", "元", "年", "月", "日", "天", "周", "倍", "%", "岁", "亩", "吨", "条", "款", "号")
_FIGURE = re.compile(
    rf"百分之(?P<pct>[{_CN}]+|\d+(?:\.\d+)?)"
    rf"|(?P<num>\d+(?:\.\d+)?|[{_CN}]+)(?P<section>万亿|万|亿)?(?P<measure>{'|'.join(_MEASURES)})?"
)
# A unit named with its place: 某市商务局, 某市大数据发展局 (not 某市优化产业布局: see unit_names).
_UNIT_SUFFIX = re.compile(r"[\u4e00-\u9fff]{0,8}?(?:局|厅|委员会|委|办公室)")


@dataclass(frozen=True)
class Figure:
    value: float
    measure: str  # "" for a bare Arabic number

    def matches(self, other: "Figure") -> bool:
        return abs(self.value - other.value) < 1e-9 and (not self.measure or self.measure == other.measure)


def figures(text: str) -> list[Figure]:
    """The figures a text states: 2025年 → (2025, 年), 三千万元 → (30000000, 元), 百分之二十 → (20, %)."""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text.translate(_HALF))  # 3,000 is 3000
    found = []
    for m in _FIGURE.finditer(text):
        if m.group("pct"):
            value = _value(m.group("pct"))
            if value is not None:
                found.append(Figure(value, "%"))
            continue
        number, section, measure = m.group("num"), m.group("section") or "", m.group("measure") or ""
        arabic = number[0].isdigit()
        if not arabic:  # the run took its 万/亿 too: 三千万 is 三千 × 万
            head = number.rstrip("万亿")
            if not head:
                continue
            number, section = head, number[len(head) :]
        if not arabic and not (measure or section):
            continue
        value = _value(number)
        if value is None:
            continue
        for ch in section:
            value *= 10_000 if ch == "万" else 100_000_000
        found.append(Figure(value, measure))
    return found


_HALF = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


def _value(number: str) -> float | None:
    if number and number[0].isdigit():
        return float(number)
    value = cn_number(number)
    return float(value) if value is not None else None


@dataclass
class Statement:
    text: str  # as sent to the user: the model's words with markers normalised to [n]
    markers: list[int]
    problem: Problem | None = None
    detail: str = ""


@dataclass
class Gated:
    """A whole answer through the gate."""

    kept: list[Statement] = field(default_factory=list)
    removed: list[Statement] = field(default_factory=list)
    declined: bool = False  # the model said the clauses do not answer

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.kept).strip()

    @property
    def cited(self) -> list[int]:
        return list(dict.fromkeys(n for s in self.kept for n in s.markers))


class Gate:
    """Checks statements against the clauses given to the model: `clauses[i]` is what marker [i+1]
    names, `headers[i]` its heading line, `units` the unit names the corpus knows."""

    def __init__(self, clauses: list[str], headers: list[str], units: Iterable[str] = ()):
        self.clauses = clauses
        self.headers = headers
        self.evidence = [f"{h}\n{c}" for h, c in zip(headers, clauses)]
        self._figures = [figures(e) for e in self.evidence]
        self.units = longest_first({u for u in units if len(u) >= 3})

    def check(self, raw: str) -> Statement | None:
        """One statement; None when it holds no words (a stray marker, blank line)."""
        markers = [int(n) for group in _MARKER.findall(raw) for n in re.split(r"\s*[,，、]\s*", group)]
        markers = list(dict.fromkeys(markers))
        body = _MARKER.sub("", raw)
        if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", body):
            return None
        text = _MARKER.sub(lambda m: "".join(f"[{n}]" for n in re.split(r"\s*[,，、]\s*", m.group(1))), raw)
        statement = Statement(text, markers)
        if not markers:
            statement.problem = "no_marker"
            return statement
        if any(not 1 <= n <= len(self.clauses) for n in markers):
            statement.problem, statement.detail = "unknown_marker", ",".join(map(str, markers))
            return statement
        cited = [n - 1 for n in markers]
        # A clause's heading line copied back ("[1] 《…》二（二）（正式；") says nothing: a small model echoes its prompt.
        said = re.sub(r"[\s。！？；，、：:;,.!?]", "", body)
        if any(said in re.sub(r"[\s。！？；，、：:;,.!?]", "", self.headers[i]) for i in cited):
            statement.problem = "no_content"
            return statement
        for quote in _QUOTE.findall(body):
            if not quote.strip() or not any(quote in self.clauses[i] for i in cited):
                statement.problem, statement.detail = "quote_not_verbatim", quote
                return statement
        given = [f for i in cited for f in self._figures[i]]
        for figure in figures(body):
            if not any(figure.matches(g) for g in given):
                statement.problem, statement.detail = "figure_not_in_clause", f"{figure.value:.12g}{figure.measure}"
                return statement
        evidence = "".join(self.evidence[i] for i in cited)
        for unit in self.unit_names(body):
            if not _named_in(unit, evidence):
                statement.problem, statement.detail = "unit_not_in_clause", unit
                return statement
        return statement

    def unit_names(self, text: str) -> list[str]:
        """Government units the text names: those the corpus knows, and any place followed by a body
        (某市某某局), so an invented unit is caught too."""
        names, taken = [], [False] * len(text)
        for unit in self.units:  # longest first, so 市商务局 inside a longer unit name is not named twice
            for m in re.finditer(re.escape(unit), text):
                if not any(taken[m.start() : m.end()]):
                    names.append(unit)
                    taken[m.start() : m.end()] = [True] * (m.end() - m.start())
        for start, end, _place in gazetteer().find(text):
            if any(taken[start:end]):
                continue
            m = _UNIT_SUFFIX.match(text, end)
            # 布局, 格局, 餐厅 end in a unit's character but are words of their own, not units.
            if m and not is_word(text[m.end() - 2 : m.end()]):
                names.append(text[start : m.end()])
        return names

    def run(self, text: str, complete: bool = True) -> Gated:
        """A whole answer; with `complete` false (the model stopped at its token limit) the last,
        unfinished statement is dropped."""
        splitter = Splitter()
        pieces = splitter.feed(text) + (splitter.close() if complete else [])
        gated = Gated()
        for piece in pieces:
            self.add(gated, piece)
        return gated

    def add(self, gated: Gated, piece: str) -> Statement | None:
        """Check one statement into `gated`; the statement when kept."""
        statement = self.check(piece)
        if statement is None:
            return None
        if statement.problem == "no_marker" and DECLINE in statement.text:
            gated.declined = True
        if statement.problem:
            gated.removed.append(statement)
            return None
        gated.kept.append(statement)
        return statement


def quotes(text: str) -> list[str]:
    """What a text sets in 「」."""
    return _QUOTE.findall(text)


def _named_in(unit: str, evidence: str) -> bool:
    if unit in evidence:
        return True
    spans = gazetteer().find(unit)  # 某市商务局 is cited as 市商务局 in that city's own document
    if spans and spans[0][0] == 0:
        rest = unit[spans[0][1] :]
        return bool(rest) and any(f"{level}{rest}" in evidence for level in ("", "市", "省", "区", "县"))
    return False


class Splitter:
    """Cuts text arriving in pieces into statements: a sentence up to its end mark (not inside
    「」), with the markers that follow it. A statement is released only once what follows cannot
    be one of its markers."""

    def __init__(self) -> None:
        self.buffer = ""

    def feed(self, text: str) -> list[str]:
        self.buffer += text
        out = []
        while (end := self._boundary()) is not None:
            out.append(self.buffer[:end])
            self.buffer = self.buffer[end:]
        return out

    def close(self) -> list[str]:
        rest, self.buffer = self.buffer, ""
        return [rest] if rest.strip() else []

    def _boundary(self) -> int | None:
        depth = 0
        for i, ch in enumerate(self.buffer):
            if ch == "「":
                depth += 1
            elif ch == "」":
                depth = max(depth - 1, 0)
            elif ch in _TERMINATORS and depth == 0:
                end = _TRAILING.match(self.buffer, i + 1).end()
                if _PARTIAL_MARKER.match(self.buffer[end:]):  # nothing yet, or a marker still arriving
                    return None
                return end
        return None
