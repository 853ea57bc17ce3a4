"""Clause references across numbering structures, on real documents (tests/fixtures/newdocs)."""
from pathlib import Path

import pytest

from rag.intent import find_reference, resolve_reference
from rag.parse import parse_document

NEWDOCS = Path(__file__).resolve().parent.parent / "fixtures" / "newdocs"


def clauses(name: str):
    text = (NEWDOCS / f"{name}.txt").read_text(encoding="utf-8")
    return parse_document(text, name, f"{name}.txt", name).clauses


@pytest.mark.parametrize(
    "name, question, straight, labels",
    [
        ("bj-digital-economy-2022", "第二十二条讲了什么", False, ["第二十二条"]),
        ("bj-digital-economy-2022", "第三章第二十一条", False, ["第二十一条"]),
        ("nat-ride-hailing-2016", "第三十五条第（四）项是什么", False, ["第三十五条"]),  # the 项 is inside the article
        ("nat-ride-hailing-2016", "第十条第二款", False, ["第十条"]),
        ("gov-ftz-measures-2018-38", "（五十三）讲什么", True, ["（五十三）"]),
        ("gov-ftz-measures-2018-38", "第五十三条", True, ["（五十三）"]),
        ("gov-innovation-annex-2018-126", "附件1第3项", False, ["附件第3项"]),
        ("gov-innovation-annex-2018-126", "第3项", False, []),  # without 附件, no row of the attachment
        ("gz-public-housing-2024", "五（二）1", False, ["五（二）1", "五（二）1.（1）", "五（二）1.（2）"]),  # with its sub-items
    ],
)
def test_references_resolve_in_every_structure(name, question, straight, labels):
    found = resolve_reference(clauses(name), find_reference(question), straight)
    assert [c.label for c in found] == labels
