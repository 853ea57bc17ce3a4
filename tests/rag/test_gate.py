"""The citation gate on statements written to break it, against real clauses of the corpus."""
from __future__ import annotations

import pytest

from rag.gate import DECLINE, Figure, Gate, Splitter, figures


@pytest.fixture(scope="module")
def clauses(policy_index):
    """Two real clauses, one with a figure, and their heading lines as the prompt gives them."""
    with_figure = next(c for c in policy_index.clauses if figures(c.text) and "「" not in c.text)
    plain = next(c for c in policy_index.clauses if c.doc_id != with_figure.doc_id and len(c.text) > 40)
    return [with_figure, plain]


@pytest.fixture(scope="module")
def gate(clauses, policy_index):
    headers = [f"《{policy_index.meta(c.doc_id).short_title}》{c.label}（2024年5月10日印发）" for c in clauses]
    units = {d.name for c in policy_index.clauses for d in c.departments}
    return Gate([c.text for c in clauses], headers, units)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024年5月10日", [Figure(2024, "年"), Figure(5, "月"), Figure(10, "日")]),
        ("奖励三千万元", [Figure(30_000_000, "元")]),
        ("奖励3,000万元", [Figure(30_000_000, "元")]),
        ("百分之二十", [Figure(20, "%")]),
        ("降低２０％", [Figure(20, "%")]),
        ("3个月内", [Figure(3, "个月")]),
        ("1.5倍", [Figure(1.5, "倍")]),
        ("第二十二条", [Figure(22, "条")]),
        ("共5", [Figure(5, "")]),
        # words, not figures
        ("十四五规划", []),
        ("一次性补贴", []),
        ("推进一体化", []),
    ],
)
def test_figures(text, expected):
    assert figures(text) == expected


def test_a_faithful_statement_is_kept(gate, clauses):
    quote = clauses[1].text[:15]
    statement = gate.check(f"文件提出「{quote}」[2]。")
    assert statement is not None and statement.problem is None and statement.markers == [2]


def test_marker_forms_are_normalised(gate):
    statement = gate.check("相关内容见条款【1】【2】。")
    assert statement.problem is None and statement.text == "相关内容见条款[1][2]。"
    assert gate.check("见条款[1、2]。").text == "见条款[1][2]。"


@pytest.mark.parametrize(
    "raw, problem",
    [
        ("这句话没有任何编号。", "no_marker"),
        ("这一条规定了相关内容[3]。", "unknown_marker"),
        ("这一条规定了相关内容[0]。", "unknown_marker"),
        ("[1] 2024年5月10日印发", "no_content"),  # its heading line echoed back
        ("文件规定「对每家企业一次性奖励一百万元」[1]。", "quote_not_verbatim"),
        ("文件规定「」[1]。", "quote_not_verbatim"),
        ("每家企业可获得987654元奖励[1]。", "figure_not_in_clause"),
        ("该文件于2019年印发[1]。", "figure_not_in_clause"),
        ("由天津市数字经济发展局负责[2]。", "unit_not_in_clause"),
    ],
)
def test_a_statement_that_fails_is_removed_with_its_reason(gate, raw, problem):
    assert gate.check(raw).problem == problem


def test_a_quote_must_lie_in_a_clause_the_statement_cites(gate, clauses):
    quote = clauses[1].text[:15]
    assert gate.check(f"文件提出「{quote}」[1]。").problem == "quote_not_verbatim"
    assert gate.check(f"文件提出「{quote}」[1][2]。").problem is None


def test_figures_are_checked_by_value_in_either_script(gate, clauses):
    figure = figures(clauses[0].text)[0]
    arabic = f"{figure.value:.12g}{figure.measure}"
    assert gate.check(f"条款规定了{arabic}[1]。").problem is None
    assert gate.check(f"条款规定了{arabic}[2]。").problem == "figure_not_in_clause"
    # the heading line (document, label, date) is evidence too
    assert gate.check("该文件于2024年5月10日印发[1]。").problem is None


def test_a_unit_the_corpus_knows_must_be_in_the_cited_clause(gate, clauses, policy_index):
    units = {d.name for c in policy_index.clauses for d in c.departments if len(d.name) >= 3}
    absent = next(u for u in sorted(units) if u not in clauses[1].text and not any(u in v for v in units if v != u))
    assert gate.check(f"由{absent}负责[2]。").problem == "unit_not_in_clause"


def test_a_clause_that_names_its_unit_supports_it(policy_index):
    clause = next(c for c in policy_index.clauses if c.departments and c.departments[0].name in c.text)
    unit = clause.departments[0].name
    gate = Gate([clause.text], ["《文件》一（一）"], {unit})
    assert gate.check(f"此项由{unit}负责[1]。").problem is None


def test_the_model_declining_is_recognised(gate):
    gated = gate.run(DECLINE)
    assert gated.declined and not gated.kept
    gated = gate.run(f"{DECLINE}。")
    assert gated.declined


def test_run_keeps_what_passes_and_drops_an_unfinished_statement(gate, clauses):
    quote = clauses[1].text[:12]
    text = f"文件提出「{quote}」[2]。编造的句子。以及最后一句没写完[2"
    gated = gate.run(text, complete=False)
    assert [s.text for s in gated.kept] == [f"文件提出「{quote}」[2]。"]
    assert [s.problem for s in gated.removed] == ["no_marker"]
    assert gated.cited == [2]


def test_splitter_waits_for_markers_and_keeps_quotes_whole():
    splitter = Splitter()
    out = []
    for ch in "支持企业「建设云仓。发展」[1]。其次[2][3]；最后一句[1]":
        out += splitter.feed(ch)
    assert out == ["支持企业「建设云仓。发展」[1]。", "其次[2][3]；"]
    assert splitter.close() == ["最后一句[1]"]


def test_splitter_attaches_markers_written_after_the_full_stop():
    splitter = Splitter()
    assert splitter.feed("第一句。[1]") == []  # a second marker may follow
    assert splitter.feed("第二句") == ["第一句。[1]"]
