"""Quality guards on the splits never tuned on: the targets of the answerability issue (#9) and of
the follow-up issue (#11).

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
    reason="missed target: 5.3% of answerable test questions declined (≤3% wanted), facts 90.0% (≥93%); "
    "colloquial paraphrases are declined by the judge (eval/README.md, split dev2: 32.3% of its answerable questions)",
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


@pytest.fixture(scope="module")
def followup_test(pipeline):
    from eval.followup import run

    later = [r for r in run(pipeline, "test") if r["turn"] > 1]
    answerable = [r for r in later if r["answerable"]]
    return {
        "recall": sum(bool(r["hit"]) for r in answerable) / len(answerable),
        "declined": sum(not r["answered"] for r in later if not r["answerable"]) / sum(not r["answerable"] for r in later),
        "inherited": [r["question"] for r in later if r["kind"] == "new_topic" and r["resolved"] != r["question"]],
    }


def test_followup_test_split_new_questions_inherit_nothing(followup_test):
    """Target ≤5% wrongly inherited: measured 0 of 6."""
    assert not followup_test["inherited"], followup_test


@pytest.mark.xfail(
    strict=True,
    reason="missed target: follow-up test recall@5 86.4% (≥90% wanted), declined when it should 83.3% (≥90%); "
    "an unanswerable switch or three-turn chain is answered, details asked after a carry are not checked (eval/README.md)",
)
def test_followup_test_split_recall_and_declines(followup_test):
    assert followup_test["recall"] >= 0.9 and followup_test["declined"] >= 0.9, followup_test


def test_followup_test_split_stays_bounded(followup_test):
    """A regression floor below the targets above, so the miss cannot silently grow."""
    assert followup_test["recall"] >= 0.8 and followup_test["declined"] >= 0.6, followup_test
