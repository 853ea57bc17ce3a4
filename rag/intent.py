"""What a question points at: regions, documents, and numbered clause references."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .corpus import Document
from .parse import clause_path, cn_number
from .places import gazetteer
from .records import Clause
from .tokens import abbreviates, longest_first

NATIONAL = "全国"  # the region of national documents: they apply everywhere
# What a document is called: any kind (文件, 政策), or its kind (意见, 方案…).
ANY_DOCUMENT, DOCUMENT_KINDS = "政策|文件", "(?:征求)?意见稿|意见|方案|通知|办法|条例"

_CN = "一二三四五六七八九十百零两"


cn_to_int = cn_number  # '十六' -> 16, '五十三' -> 53, '12' -> 12 (one definition, in the parser)


@dataclass
class Reference:
    part: int | None = None  # 一、 level
    section: int | None = None  # （一） level
    item: int | None = None  # 1. level, or 第N条
    attachment: str | None = None  # "附件1" (or "附件" when not numbered): the reference is inside it

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.part, self.section, self.item))


@dataclass
class Scope:
    regions: set[str] = field(default_factory=set)
    doc_ids: set[str] = field(default_factory=set)  # documents the question names or implies
    foreign: list[str] = field(default_factory=list)  # places outside the corpus
    named_docs: set[str] = field(default_factory=set)  # documents named in the question itself
    reference: Reference = field(default_factory=Reference)

    @property
    def foreign_only(self) -> bool:
        return bool(self.foreign) and not self.regions and not self.doc_ids


def find_reference(question: str) -> Reference:
    ref = Reference()
    if m := re.search(rf"第([{_CN}]+)部分", question):
        ref.part = cn_to_int(m.group(1))
    if m := re.search(rf"(?<![{_CN}])([{_CN}]+)[、]?[（(]([{_CN}]+)[）)]\s*(\d{{1,2}})?", question):
        ref.part = ref.part or cn_to_int(m.group(1))
        ref.section = cn_to_int(m.group(2))
        if m.group(3):
            ref.item = int(m.group(3))
    elif m := re.search(rf"第?[（(]([{_CN}]+)[）)]", question):
        ref.section = cn_to_int(m.group(1))
    # 第12条 / 第七点; beside a section it is the item inside it (二（一）第3条, 第（三）项第20条).
    if ref.item is None and (m := re.search(rf"第\s*(\d{{1,2}}|[{_CN}]+)\s*[条项点]", question)):
        ref.item = cn_to_int(m.group(1))
    if m := re.search(rf"附件\s*(\d{{1,2}}|[{_CN}])?", question):
        ref.attachment = f"附件{cn_to_int(m.group(1)) if m.group(1) else ''}"
    return ref


def place_spans(question: str) -> list[tuple[int, int]]:
    """Where the question names places (provinces, cities, districts, blocs, other countries)."""
    return [(start, end) for start, end, _ in gazetteer().find(question)]


def detect_scope(question: str, documents: list[Document]) -> Scope:
    """The regions and documents a question points at. Regions are those of the documents loaded:
    a place inside one (杭州 in 浙江, 天河区 in 广州) scopes to it; any other place is foreign, and
    then only national documents, which apply everywhere, can answer."""
    scope = Scope()
    places = gazetteer()
    loaded = {d.meta.region for d in documents if d.meta.region and d.meta.region != NATIONAL}
    for _, _, place in places.find(question):
        covering = {region for region in loaded if places.contains(region, place)} if place.level != "group" else set()
        if covering:
            scope.regions |= covering
        elif place.level != "country":
            scope.foreign.append(places.short(place))
    scope.regions |= {region for region in loaded if region in question}  # a region the gazetteer does not know
    named = {d.meta.id for d in documents if any(alias in question for alias in document_names(d))}
    scope.named_docs = named
    region_of = {d.meta.id: d.meta.region for d in documents}
    national = {d.meta.id for d in documents if d.meta.region == NATIONAL}
    chosen = {d for d in named if not scope.regions or region_of[d] in scope.regions or d in national}
    for region in scope.regions:
        # A region named without one of its documents keeps all of its documents.
        if not any(region_of[doc_id] == region for doc_id in named):
            chosen |= {d.meta.id for d in documents if d.meta.region == region}
    if chosen and not named and national:
        chosen |= national  # national provisions apply in every region
    if scope.foreign and not scope.regions and not named and national:
        chosen = set(national)  # a place not covered: only what applies everywhere
        scope.foreign = []
    scope.doc_ids = chosen
    scope.reference = find_reference(question)
    if not scope.reference and len(chosen) == 1 and _ASKS_ITEMS.search(question):
        document = next(d for d in documents if d.meta.id in chosen)
        scope.reference.part = part_named(question, document)
    return scope


# A question after the items of a part (保障措施有哪几条, 政策支持那块有几条, 分哪几个方面).
_ASKS_ITEMS = re.compile(r"[哪几]{1,2}[个]?(?:条|块|项|点|部分|方面)")


def part_named(question: str, document: Document) -> int | None:
    """The part of the document whose heading the question names: the one heading that shares the
    longest run of characters with it, of four or more and most of the heading (政策支持 of
    强化政策支持; 保障措施, not 平台经济 of 优化平台经济生态), the document's own names left out."""
    question = re.sub(r"《[^》]*》", "", question)
    for alias in longest_first(set(document_names(document))):
        question = question.replace(alias, "")
    headings: dict[int, str] = {}
    for clause in document.clauses:
        first = clause_path(clause.id)[0]
        number = cn_to_int(first)
        if number is not None and clause.path and not first.startswith("附件"):
            headings.setdefault(number, clause.path[0])
    runs = {number: _longest_run(question, heading) for number, heading in headings.items()}
    best = max(runs.values(), default=0)
    named = [number for number, run in runs.items() if run == best]
    return named[0] if best >= 4 and 2 * best > len(headings[named[0]]) and len(named) == 1 else None


def _longest_run(a: str, b: str) -> int:
    """The length of the longest run of characters the two texts share."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] not in b:
                break
            best = j - i
    return best


def document_names(document: Document) -> list[str]:
    """How a question may name a document: its short title, its title, its aliases, and each title
    without the 市 or 省 after its region (北京数字经济促进条例 for 北京市数字经济促进条例)."""
    titles = [document.meta.short_title, document.meta.title]
    region = document.meta.region or ""
    spoken = [region + t[len(region) + 1 :] for t in titles if region and t.startswith(region) and t[len(region) : len(region) + 1] in ("市", "省")]
    return [*titles, *document.aliases, *spoken]


def abbreviated(phrase: str, documents: list[Document]) -> Document | None:
    """The one document a shortened name means: its title holds the name's characters in order and
    close together, as Chinese shortens (新消费 for 新型消费, 生活服务平台 for 生活性服务领域平台经济).
    The longest ending of the phrase of at least three characters that any title holds decides; if
    more than one title holds it, the phrase names none (服务平台)."""
    for n in range(len(phrase), 2, -1):
        tail = phrase[-n:]
        found = [d for d in documents if any(abbreviates(tail, t) for t in (d.meta.title, d.meta.short_title))]
        if found:
            return found[0] if len(found) == 1 else None
    return None


def clause_numbers(clause: Clause) -> list[int | None]:
    return [cn_to_int(token) for token in clause_path(clause.id)]


def matches_reference(clause: Clause, ref: Reference, straight_through: bool) -> bool:
    """Does a clause sit at the numbered position the question names?"""
    tokens = clause_path(clause.id)
    if tokens[0].startswith("附件") or ref.attachment:  # 附件1第3项: the row or item of that attachment
        if not tokens[0].startswith("附件") or ref.attachment is None or ref.item is None:
            return False
        return (tokens[0] == ref.attachment or ref.attachment == "附件1" and tokens[0] == "附件") and cn_to_int(tokens[-1]) == ref.item
    article = re.fullmatch(rf"第([{_CN}百零]+)条", clause.label)
    if article:  # a law's articles are numbered through the text (第二十二条); 项 and 款 are inside the article
        return ref.item == cn_to_int(article.group(1))
    numbers = clause_numbers(clause)
    if None in numbers:
        return False  # 序言 / 结语
    part, rest = numbers[0], numbers[1:]
    section = rest[0] if rest else None
    item = rest[1] if len(rest) > 1 else None
    if ref.part is not None and part != ref.part and not (straight_through and ref.section and not ref.item):
        return False
    if ref.item is not None:
        if item is not None:
            return item == ref.item and (ref.section is None or section == ref.section)
        if ref.section is None:
            # 第三部分第二条 of a document without numbered items means its （二）; in a plan
            # numbered （一）…（十九） straight through, 第十六条 means （十六）.
            return section == ref.item and (ref.part is not None or straight_through)
        return False
    if ref.section is not None:
        return section == ref.section
    return ref.part is not None  # a whole part: every clause in it


def resolve_reference(clauses: list[Clause], ref: Reference, straight_through: bool) -> list[Clause]:
    """Clauses of one document at the referenced position, in document order.

    In a plan numbered straight through, 第三部分第（二）条 is read as the second clause of
    part 三 when no clause carries that number inside the part."""
    found = [c for c in clauses if matches_reference(c, ref, straight_through)]
    if straight_through and ref.part is not None and ref.section is not None:
        exact = [c for c in found if clause_numbers(c)[0] == ref.part]
        if exact:
            return exact
        in_part = [c for c in clauses if clause_numbers(c)[0] == ref.part]
        return in_part[ref.section - 1 : ref.section] if 0 < ref.section <= len(in_part) else []
    return found
