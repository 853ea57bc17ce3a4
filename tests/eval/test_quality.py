"""Quality guards on the splits never tuned on: the targets of the answerability issue (#9).

Not timing tests and not tuned here. Where a target is missed today, the test is an xfail with the
measured value, strict, so that it fails the day the target is met and must be promoted.
"""
import pytest

from eval.harness import answer_metrics, evaluate, gold_from_snippets, load_questions, load_realq, ranking_metrics


@pytest.fixture(scope="module")
def own_test(pipeline, corpus_dir):
    return evaluate(pipeline, load_questions(split="test"), baselines=False, corpus_dir=corpus_dir)


def test_own_test_split_ranking_citations_and_abstention(own_test):
    ranking = ranking_metrics(own_test, "PolicyQA")
    answers = answer_metrics(own_test)
    assert ranking["R@5"] >= 0.97, ranking
    assert ranking["MRR@10"] >= 0.85, ranking
    assert answers["citation_verbatim"] == 1.0, answers
    assert answers["quote_verbatim"] == 1.0, answers
    assert answers["declined_when_should"] >= 0.95, answers
    assert answers["confidently_wrong"] <= 0.03, answers


@pytest.mark.xfail(
    strict=True,
    reason="missed target: 6.3% of answerable test questions declined (≤3% wanted), facts 90.0% (≥93%); "
    "colloquial paraphrases are declined by the judge (eval/README.md, split dev2: 41.5% of them)",
)
def test_own_test_split_false_declines_and_facts(own_test):
    answers = answer_metrics(own_test)
    assert answers["wrongly_declined"] <= 0.03, answers
    assert answers["facts"] >= 0.93, answers


def test_own_test_split_false_declines_stay_bounded(own_test):
    """A regression floor below the target above, so the miss cannot silently grow."""
    answers = answer_metrics(own_test)
    assert answers["wrongly_declined"] <= 0.08, answers
    assert answers["facts"] >= 0.88, answers


def test_real_questions_test_split_are_declined(pipeline, corpus_dir):
    """../shared/realq test split (real people's questions; nearly all must be declined). Target ≥95%,
    measured 95.4% (125/131); the guard allows two questions of machine noise."""
    questions = gold_from_snippets(load_realq("test"), pipeline)
    if not questions:
        pytest.skip("../shared/realq is not present on this machine")
    answers = answer_metrics(evaluate(pipeline, questions, baselines=False, corpus_dir=corpus_dir))
    assert answers["declined_when_should"] >= 0.94, answers
    assert answers["citation_verbatim"] in (None, 1.0) and answers["quote_verbatim"] in (None, 1.0), answers
