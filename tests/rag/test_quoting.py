"""The quote model (rag/quoting.py): which sentences of a cited clause are quoted."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag.quoting import FEATURES, QuoteModel, load_quote_model, sentence_features
from rag.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[2]


def test_the_packaged_model_loads_and_refuses_other_features():
    model = load_quote_model()
    assert model.weights.shape == (len(FEATURES),)
    data = model.to_dict()
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="train-quote"):
        QuoteModel.from_dict(data)


def test_training_reproduces_the_packaged_model(policy_index, embedder):
    """`policyqa train-quote` from the repository's files gives the committed model (fixed seed)."""
    from rag.quote_train import train

    model, report = train(policy_index, embedder, ROOT / "eval" / "questions.jsonl")
    packaged = load_quote_model()
    assert report["data_sha256"] == packaged.info["data_sha256"], "dev questions changed: run `policyqa train-quote`"
    assert np.allclose(model.weights, packaged.weights, atol=1e-3)
    assert report["best_sentence_holds_a_fact"] >= report["best_sentence_holds_a_fact_hand_set"] - 0.01
    json.dumps(model.to_dict(), ensure_ascii=False)  # plain JSON


def test_features_are_one_row_per_sentence_and_gaps_peak_at_zero(policy_index, embedder):
    clause = policy_index.clause("tianjin-life-services#二.一")
    sentences = split_sentences(clause.text)
    vector = embedder.encode_queries(["闲置商品交易"])[0]
    features = sentence_features("闲置商品交易", clause, sentences, policy_index, vector, False)
    assert features.shape == (len(sentences), len(FEATURES))
    gaps = [FEATURES.index(name) for name in FEATURES if name.endswith("_gap")]
    assert np.allclose(features[:, gaps].max(axis=0), 0)


@pytest.mark.parametrize(
    ("question", "clause_id", "quoted"),
    [
        # The clause is located by its heading's words; what is asked is in a later sentence.
        ("天津生活性服务意见里互联网销售平台那条 对闲置商品交易怎么说", "tianjin-life-services#二.一", "闲置商品"),
        ("天津生活性服务意见里互联网销售平台要引进多少家", "tianjin-life-services#二.一", "50家"),
    ],
)
def test_the_sentence_that_answers_is_quoted_not_the_one_that_locates(pipeline, question, clause_id, quoted):
    answer = pipeline.ask(question)
    cited = {c.clause.id: c.quote for c in answer.citations}
    assert clause_id in cited and quoted in cited[clause_id]
