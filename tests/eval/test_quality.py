"""Quality guard on the test split: fails when Recall@5 or citation validity drops below target.

Not a timing test and not tuned here: thresholds are the targets of the quality issue.
"""
from eval.harness import answer_metrics, evaluate, load_questions, ranking_metrics


def test_test_split_meets_recall_and_citation_targets(pipeline, corpus_dir):
    rows = evaluate(pipeline, load_questions(split="test"), baselines=False, corpus_dir=corpus_dir)
    ranking = ranking_metrics(rows, "PolicyQA")
    answers = answer_metrics(rows)
    assert ranking["R@5"] >= 0.95, ranking
    assert ranking["MRR@10"] >= 0.85, ranking
    assert answers["citation_verbatim"] == 1.0, answers
    assert answers["quote_verbatim"] == 1.0, answers
    assert answers["wrongly_declined"] <= 0.05, answers
