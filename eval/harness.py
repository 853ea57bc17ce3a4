"""Evaluate PolicyQA and three baselines on the question set; print the tables.

    policyqa eval [--split dev|test|all] [--no-baselines] [--write]

With --write the table also goes into eval/README.md between result markers and the raw
per-question results into eval/results/<split>.json, so the README shows what the code produced;
without it nothing tracked is touched.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from rag.parse import repair_breaks
from rag.answer import AnswerSettings, quoted_with_markers
from rag.bm25 import BM25
from rag.index import PolicyIndex, Window
from rag.pipeline import Pipeline
from rag.records import Answer
from rag.retrieve import RetrievalSettings, Retriever
from rag.tokens import plain_jieba, tokenize

from .followup import BATCHES as FOLLOWUP_BATCHES

EVAL_DIR = Path(__file__).resolve().parent
ROOT = EVAL_DIR.parent
QUESTIONS = EVAL_DIR / "questions.jsonl"
# Held-out batches kept in their own files, so adding one leaves the judge's training data (and its hash) alone.
BATCHES = {"fresh2": EVAL_DIR / "fresh2.jsonl", "fresh3": EVAL_DIR / "fresh3.jsonl", "fresh4": EVAL_DIR / "fresh4.jsonl", "fresh5": EVAL_DIR / "fresh5.jsonl", "fresh6": EVAL_DIR / "fresh6.jsonl", "fresh7": EVAL_DIR / "fresh7.jsonl", "fresh8": EVAL_DIR / "fresh8.jsonl", "fresh9": EVAL_DIR / "fresh9.jsonl", "fresh10": EVAL_DIR / "fresh10.jsonl"}
# Follow-up batches held in files of their own (eval/followup.py).
FOLLOWUP_SPLITS = [f"followup-{name}" for name in FOLLOWUP_BATCHES]
# Real people's questions, labelled against the corpus; read in place (research-only sources, not copied).
REALQ = Path(os.environ.get("POLICYQA_REALQ", ROOT.parent / "shared" / "realq" / "questions.jsonl"))
README = EVAL_DIR / "README.md"
RESULTS = EVAL_DIR / "results"
CATEGORIES = [
    "eligibility", "wording", "numbers", "departments", "comparison",
    "reference", "colloquial", "metadata", "unanswerable",
]  # fmt: skip
KS = (1, 5, 10)


@dataclass
class Question:
    id: str
    question: str
    category: str
    answerable: bool
    gold: list[list[str]]
    facts: list[str]
    split: str
    user: str
    source: str = "own"
    snippets: list[list[str]] = field(default_factory=list)  # realq gold: verbatim snippets, not clause ids


def load_questions(path: Path = QUESTIONS, split: str = "all") -> list[Question]:
    rows = [Question(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [q for q in rows if split == "all" or q.split == split]


def load_realq(split: str, path: Path = REALQ) -> list[Question]:
    """Real questions of one split (category "realq"); their gold is snippets, mapped to clauses by `gold_from_snippets`."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if split != "all" and row["split"] != split:
            continue
        source = "web pages" if row["source"].startswith("http") else re.split(r"[:@ ]", row["source"], maxsplit=1)[0]
        out.append(
            Question(row["id"], row["q"], "realq", row["answerable"], [], [], row["split"], "visitor", source, row.get("gold", []))
        )
    return out


def gold_from_snippets(questions: list[Question], pipeline: Pipeline) -> list[Question]:
    """Snippet groups become clause-id groups: the clauses whose text holds the snippet (whitespace ignored)."""
    texts = {c.id: _squash(c.text) for c in pipeline.index.clauses}
    out = []
    for q in questions:
        if q.snippets:
            gold = [[cid for cid, text in texts.items() if any(_squash(s) in text for s in group)] for group in q.snippets]
            q = replace(q, gold=[g for g in gold if g])
        out.append(q)
    return out


# ---- ranking metrics ---------------------------------------------------------------------


def recall_at(ranked_hits: Sequence[set[int]], groups: int, k: int) -> float:
    """Share of gold groups satisfied within the top k; ranked_hits[i] = groups hit at rank i."""
    found: set[int] = set()
    for hit in ranked_hits[:k]:
        found |= hit
    return len(found) / groups


def reciprocal_rank(ranked_hits: Sequence[set[int]], k: int = 10) -> float:
    for rank, hit in enumerate(ranked_hits[:k], start=1):
        if hit:
            return 1 / rank
    return 0.0


def groups_hit_by_clause(clause_id: str, gold: list[list[str]]) -> set[int]:
    return {i for i, group in enumerate(gold) if clause_id in group}


# ---- systems -------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class LangChainBaseline:
    """A plain LangChain pipeline: RecursiveCharacterTextSplitter(500, 50) + same model + FAISS.

    A character chunk counts as a hit for a clause when it contains the clause's text, or,
    for a clause longer than a chunk, when the chunk lies inside the clause (whitespace ignored).
    """

    def __init__(self, pipeline: Pipeline, corpus_dir: Path):
        from langchain_community.vectorstores import FAISS
        from langchain_core.embeddings import Embeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        embedder = pipeline.embedder

        class SameModel(Embeddings):
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return embedder.encode(texts).tolist()

            def embed_query(self, text: str) -> list[float]:
                return embedder.encode([text])[0].tolist()

        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        texts, metadatas = [], []
        for document in pipeline.index.documents:
            raw = (corpus_dir / document.meta.source).read_text(encoding="utf-8")
            for chunk in splitter.split_text(raw):
                texts.append(chunk)
                metadatas.append({"doc_id": document.meta.id})
        self.store = FAISS.from_texts(texts, SameModel(), metadatas=metadatas)
        self.clause_text = {c.id: _squash(c.text) for c in pipeline.index.clauses}

    def hits(self, chunk: str, clause_id: str) -> bool:
        chunk, clause = _squash(chunk), self.clause_text[clause_id]
        return clause in chunk or (len(clause) > len(chunk) and chunk in clause)

    def rank(self, question: str, gold: list[list[str]], k: int = 10) -> list[set[int]]:
        chunks = self.store.similarity_search(question, k=k)
        return [
            {i for i, group in enumerate(gold) if any(self.hits(c.page_content, cid) for cid in group)}
            for c in chunks
        ]


def clause_ranker(retriever: Retriever, mode: str) -> Callable[[str, list[list[str]]], list[set[int]]]:
    def rank(question: str, gold: list[list[str]]) -> list[set[int]]:
        hits = retriever.retrieve(question, k=10, mode=mode).hits
        return [groups_hit_by_clause(h.clause.id, gold) for h in hits]

    return rank


# ---- answer checks -------------------------------------------------------------------------


def citation_checks(answer: Answer, sources: dict[str, str]) -> tuple[int, int, int, int]:
    """(verbatim citations, citations, quotes found in the cited clause, quotes)."""
    verbatim = sum(
        repair_breaks(sources[c.clause.source][c.clause.start : c.clause.end]) == c.clause.text
        for c in answer.citations
    )
    by_n = {c.n: c for c in answer.citations}
    pairs = quoted_with_markers(answer.answer)
    quotes = len(pairs)
    # A quote counts when the first marker after it names a clause that contains it verbatim.
    quotes_ok = sum(bool(markers) and markers[0] in by_n and quote in by_n[markers[0]].clause.text for quote, markers in pairs)
    return verbatim, len(answer.citations), quotes_ok, quotes


@dataclass
class Row:
    id: str
    category: str
    answerable: bool
    ranks: dict[str, list[list[int]]] = field(default_factory=dict)  # system -> groups hit per rank
    groups: int = 0
    declined: bool = False
    facts_ok: bool | None = None
    citations: tuple[int, int, int, int] = (0, 0, 0, 0)
    latency_ms: float = 0.0
    judge_ms: float = 0.0  # the judge alone, timed again on the same retrieval
    cited: list[str] = field(default_factory=list)
    cited_relevant: int = 0  # citations that are gold clauses (questions with gold only)
    missing_facts: list[str] = field(default_factory=list)
    source: str = "own"
    reason: str = ""
    mode: str = "extractive"
    llm_reason: str | None = None  # with a language model: served, or why the extractive answer was served
    llm_kept: int = 0  # statements the citation gate passed
    llm_removed: list[str] = field(default_factory=list)  # the problem of each statement it removed


def evaluate(pipeline: Pipeline, questions: list[Question], baselines: bool, corpus_dir: Path) -> list[Row]:
    sources = {d.meta.source: (corpus_dir / d.meta.source).read_text(encoding="utf-8") for d in pipeline.index.documents}
    rankers: dict[str, Callable[[str, list[list[str]]], list[set[int]]]] = {}
    if baselines:
        plain = RetrievalSettings(use_scope=False, use_reference=False, use_synonyms=False)
        bare = Retriever(pipeline.index, pipeline.embedder, plain)
        rankers["BM25 alone"] = clause_ranker(bare, "bm25")
        rankers["dense alone"] = clause_ranker(bare, "dense")
        rankers["LangChain 500/50 + FAISS"] = LangChainBaseline(pipeline, corpus_dir).rank
    pipeline.ask("预热 warm-up")  # first call pays one-off costs (jieba, torch kernels)
    rows = []
    for q in questions:
        row = Row(q.id, q.category, q.answerable, groups=len(q.gold), source=q.source)
        started = time.perf_counter()
        retrieval, answer = pipeline.run(q.question, top_k=10, today=date.today())
        row.latency_ms = (time.perf_counter() - started) * 1000
        row.declined = not answer.answerable
        row.reason = answer.reason
        row.mode = answer.mode
        if answer.llm is not None:
            row.llm_reason, row.llm_kept = answer.llm.reason, answer.llm.kept
            row.llm_removed = [problem for problem, _ in answer.llm.removed]
        started = time.perf_counter()
        pipeline.judge.judge(q.question, retrieval)
        row.judge_ms = (time.perf_counter() - started) * 1000
        row.cited = [c.clause.id for c in answer.citations]
        row.citations = citation_checks(answer, sources)
        if q.answerable and q.facts:
            row.missing_facts = [f for f in q.facts if f not in answer.answer]
            row.facts_ok = not row.missing_facts
        if q.gold:
            gold_ids = {cid for group in q.gold for cid in group}
            row.cited_relevant = sum(cid in gold_ids for cid in row.cited)
            row.ranks["PolicyQA"] = [sorted(groups_hit_by_clause(h.clause.id, q.gold)) for h in retrieval.hits]
            for name, rank in rankers.items():
                row.ranks[name] = [sorted(s) for s in rank(q.question, q.gold)]
        rows.append(row)
    return rows


# ---- reporting -----------------------------------------------------------------------------


def ranking_metrics(rows: list[Row], system: str) -> dict[str, float] | None:
    scored = [r for r in rows if r.groups and system in r.ranks]
    if not scored:
        return None
    out = {f"R@{k}": statistics.mean(recall_at([set(h) for h in r.ranks[system]], r.groups, k) for r in scored) for k in KS}
    out["MRR@10"] = statistics.mean(reciprocal_rank([set(h) for h in r.ranks[system]]) for r in scored)
    out["n"] = len(scored)
    return out


def answer_metrics(rows: list[Row]) -> dict[str, float | None]:
    unanswerable = [r for r in rows if not r.answerable]
    answerable = [r for r in rows if r.answerable]
    with_facts = [r for r in rows if r.facts_ok is not None]
    verbatim = sum(r.citations[0] for r in rows)
    citations = sum(r.citations[1] for r in rows)
    quotes_ok = sum(r.citations[2] for r in rows)
    quotes = sum(r.citations[3] for r in rows)
    latencies = sorted(r.latency_ms for r in rows)
    judge = sorted(r.judge_ms for r in rows)
    with_gold = [r for r in rows if r.groups and not r.declined]
    # Answered an answerable question without citing any of its gold clauses.
    confidently_wrong = sum(r.answerable and not r.declined and r.groups and not r.cited_relevant for r in rows)
    return {
        "confidently_wrong": _share(confidently_wrong, len(answerable)),
        "citation_precision": _share(sum(r.cited_relevant for r in with_gold), sum(len(r.cited) for r in with_gold)),
        "declined_when_should": _share(sum(r.declined for r in unanswerable), len(unanswerable)),
        "wrongly_declined": _share(sum(r.declined for r in answerable), len(answerable)),
        "facts": _share(sum(bool(r.facts_ok) for r in with_facts), len(with_facts)),
        "citation_verbatim": _share(verbatim, citations),
        "quote_verbatim": _share(quotes_ok, quotes),
        "p50_ms": statistics.median(latencies) if latencies else None,
        "p95_ms": latencies[max(0, int(round(0.95 * len(latencies))) - 1)] if latencies else None,
        "judge_p50_ms": statistics.median(judge) if judge else None,
        "judge_p95_ms": judge[max(0, int(round(0.95 * len(judge))) - 1)] if judge else None,
    }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _fmt(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:.1%}" if percent else f"{value:.3f}"


def render(rows: list[Row], split: str, systems: list[str]) -> str:
    lines = [f"Split `{split}`: {len(rows)} questions ({sum(r.answerable for r in rows)} answerable). "
             f"Generated by `policyqa eval --split {split}` on {date.today().isoformat()}.", ""]  # fmt: skip
    lines += ["| system | R@1 | R@5 | R@10 | MRR@10 |", "|---|---|---|---|---|"]
    for system in systems:
        m = ranking_metrics(rows, system)
        if m:
            lines.append(f"| {system} | {_fmt(m['R@1'])} | {_fmt(m['R@5'])} | {_fmt(m['R@10'])} | {_fmt(m['MRR@10'])} |")
    a = answer_metrics(rows)
    lines += [
        "",
        "| PolicyQA answers | value |",
        "|---|---|",
        f"| unanswerable declined | {_fmt(a['declined_when_should'], True)} |",
        f"| answerable wrongly declined | {_fmt(a['wrongly_declined'], True)} |",
        f"| answerable but confidently wrong (answered, no gold clause cited) | {_fmt(a['confidently_wrong'], True)} |",
        f"| facts present | {_fmt(a['facts'], True)} |",
        f"| citations that are gold clauses (precision) | {_fmt(a['citation_precision'], True)} |",
        f"| citations verbatim in source | {_fmt(a['citation_verbatim'], True)} |",
        f"| 「」 quotes verbatim in cited clause | {_fmt(a['quote_verbatim'], True)} |",
        f"| latency p50 / p95 (ms, in-process) | {a['p50_ms']:.1f} / {a['p95_ms']:.1f} |",
        f"| of which the judge, p50 / p95 (ms) | {a['judge_p50_ms']:.2f} / {a['judge_p95_ms']:.2f} |",
        "",
        "Per category (PolicyQA; R@5 and MRR@10 over questions with gold clauses):",
        "",
        "| category | n | R@1 | R@5 | MRR@10 | declined | facts |",
        "|---|---|---|---|---|---|---|",
    ]
    for category in CATEGORIES:
        subset = [r for r in rows if r.category == category]
        if not subset:
            continue
        m = ranking_metrics(subset, "PolicyQA")
        a = answer_metrics(subset)
        declined = _share(sum(r.declined for r in subset), len(subset))
        lines.append(
            f"| {category} | {len(subset)} | {_fmt(m and m['R@1'])} | {_fmt(m and m['R@5'])} | "
            f"{_fmt(m and m['MRR@10'])} | {_fmt(declined, True)} | {_fmt(a['facts'], True)} |"
        )
    return "\n".join(lines)


def render_realq(rows: list[Row], split: str) -> str:
    """Real people's questions: declined as they should be, per source, and why."""
    if not rows:
        return f"Real questions: `{REALQ}` not found, not measured."
    a = answer_metrics(rows)
    unanswerable = [r for r in rows if not r.answerable]
    answered = [r for r in unanswerable if not r.declined]
    lines = [
        f"Real questions (`../shared/realq`, split `{split}`): {len(rows)} questions "
        f"({len(rows) - len(unanswerable)} answerable).",
        "",
        "| realq | value |",
        "|---|---|",
        f"| unanswerable declined | {_fmt(a['declined_when_should'], True)} ({len(unanswerable) - len(answered)}/{len(unanswerable)}) |",
        f"| unanswerable answered with citations | {sum(bool(r.cited) for r in answered)} |",
        f"| answerable wrongly declined | {_fmt(a['wrongly_declined'], True)} |",
        f"| answerable but confidently wrong | {_fmt(a['confidently_wrong'], True)} |",
        f"| citations verbatim / quotes verbatim | {_fmt(a['citation_verbatim'], True)} / {_fmt(a['quote_verbatim'], True)} |",
        f"| latency p50 / p95 (ms, in-process) | {a['p50_ms']:.1f} / {a['p95_ms']:.1f} |",
        "",
        "| source | n | declined when it should | answered |",
        "|---|---|---|---|",
    ]
    for source in sorted({r.source for r in rows}):
        subset = [r for r in rows if r.source == source]
        bad = [r for r in subset if not r.answerable]
        lines.append(
            f"| {source} | {len(subset)} | {_fmt(_share(sum(r.declined for r in bad), len(bad)), True)} | "
            f"{sum(not r.declined for r in subset)} |"
        )
    reasons = Counter(r.reason for r in rows).most_common()
    lines += ["", "Reasons given: " + ", ".join(f"{k} {v}" for k, v in reasons)]
    return "\n".join(lines)


def render_gate(rows: list[Row], split: str, model: str) -> str:
    """What the citation gate did with a language model's answers (`policyqa eval --llm`)."""
    asked = [r for r in rows if r.llm_reason is not None]
    served = [r for r in asked if r.llm_reason == "served"]
    kept = sum(r.llm_kept for r in asked)
    removed = Counter(p for r in asked for p in r.llm_removed)
    fallbacks = Counter(r.llm_reason for r in asked if r.llm_reason != "served")
    lines = [
        f"Citation gate on split `{split}` with model `{model}`: {len(rows)} questions, the model asked for "
        f"{len(asked)} (the others were declined or answered from metadata or by clause number).",
        "",
        "| gate | value |",
        "|---|---|",
        f"| LLM answers served | {len(served)}/{len(asked)} ({_fmt(_share(len(served), len(asked)), True)}) |",
        f"| statements kept / removed | {kept} / {sum(removed.values())} |",
    ]
    lines += [f"| removed: {problem} | {n} |" for problem, n in removed.most_common()]
    lines += [f"| fallback: {reason} | {n} |" for reason, n in fallbacks.most_common()]
    metrics = answer_metrics(served)
    lines += [
        "",
        f"Quality of the {len(served)} served LLM answers:",
        "",
        "| served answers | value |",
        "|---|---|",
        f"| facts present | {_fmt(metrics['facts'], True)} |",
        f"| citations that are gold clauses (precision) | {_fmt(metrics['citation_precision'], True)} |",
        f"| answered, no gold clause cited | {sum(bool(r.groups) and not r.cited_relevant for r in served)} |",
        f"| citations verbatim in source | {_fmt(metrics['citation_verbatim'], True)} |",
        f"| 「」 quotes verbatim in cited clause | {_fmt(metrics['quote_verbatim'], True)} |",
        f"| latency p50 / p95 (ms, in-process, model included) | {_fmt(metrics['p50_ms'])} / {_fmt(metrics['p95_ms'])} |",
    ]
    return "\n".join(lines)


def misses(rows: list[Row]) -> list[str]:
    out = []
    for r in rows:
        ranks = r.ranks.get("PolicyQA")
        if ranks is not None and recall_at([set(h) for h in ranks], r.groups, 5) < 1:
            out.append(f"{r.id} [{r.category}] gold not in top 5")
        if r.answerable == r.declined:
            out.append(f"{r.id} [{r.category}] {'declined an answerable question' if r.declined else 'answered an unanswerable question'}")
        if r.facts_ok is False:
            out.append(f"{r.id} [{r.category}] missing facts {r.missing_facts}")
    return out


def write_readme(split: str, table: str) -> None:
    text = README.read_text(encoding="utf-8") if README.exists() else "# Evaluation\n"
    start, end = f"<!-- results:{split}:start -->", f"<!-- results:{split}:end -->"
    block = f"{start}\n{table}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + f"\n\n### Results: {split} split\n\n{block}\n"
    README.write_text(text, encoding="utf-8")


LEVERS: dict[str, tuple[RetrievalSettings, AnswerSettings]] = {
    "PolicyQA (all levers)": (RetrievalSettings(), AnswerSettings()),
    "− region/document scope": (RetrievalSettings(use_scope=False), AnswerSettings()),
    "− clause references": (RetrievalSettings(use_reference=False), AnswerSettings()),
    "− colloquial synonyms": (RetrievalSettings(use_synonyms=False), AnswerSettings()),
    "− BM25 (dense only in fusion)": (RetrievalSettings(linear_alpha=1.0), AnswerSettings()),
    "− dense (BM25 only in fusion)": (RetrievalSettings(linear_alpha=0.0), AnswerSettings()),
    "rank fusion (RRF 1:2) instead of linear": (RetrievalSettings(fusion="rrf"), AnswerSettings()),
    "− detail checks (figure, procedure, person, opinion, definition, forecast)": (RetrievalSettings(), AnswerSettings(detail_rules=False)),
    "− how-to action check": (RetrievalSettings(), AnswerSettings(action_rule=False)),
    "− answerability judge (rag/judge.py)": (RetrievalSettings(), AnswerSettings(use_judge=False)),
    "− question-word support for citations": (RetrievalSettings(), AnswerSettings(require_support=False)),
    "− keyword check on extra citations": (RetrievalSettings(), AnswerSettings(keyword_ratio=0.0, relative_floor=0.04)),
}


def ablations(pipeline: Pipeline, questions: list[Question], corpus_dir: Path, real: list[Question] | None = None) -> str:
    """One lever off at a time, same questions: which lever moves which number (and on the real
    questions of the same split, which no rule was written from)."""
    lines = [
        "| configuration | R@5 | MRR@10 | unanswerable declined | answerable declined | confidently wrong | facts "
        "| citation precision | realq declined |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    def measure(name: str, variant: Pipeline) -> None:
        rows = evaluate(variant, questions, baselines=False, corpus_dir=corpus_dir)
        m, a = ranking_metrics(rows, "PolicyQA"), answer_metrics(rows)
        r = answer_metrics(evaluate(variant, real, baselines=False, corpus_dir=corpus_dir)) if real else None
        lines.append(
            f"| {name} | {_fmt(m['R@5'])} | {_fmt(m['MRR@10'])} | {_fmt(a['declined_when_should'], True)} | "
            f"{_fmt(a['wrongly_declined'], True)} | {_fmt(a['confidently_wrong'], True)} | {_fmt(a['facts'], True)} | "
            f"{_fmt(a['citation_precision'], True)} | {_fmt(r and r['declined_when_should'], True)} |"
        )

    for name, (retrieval, answering) in LEVERS.items():
        measure(name, Pipeline(pipeline.index, pipeline.embedder, retrieval, answering))
    with plain_jieba():  # keywords re-cut for index and questions alike; the vectors do not change
        measure("− jieba user dictionary (policy terms)", Pipeline(_retokenized(pipeline.index), pipeline.embedder))
    return "\n".join(lines)


def _retokenized(index: PolicyIndex) -> PolicyIndex:
    """The same index with window tokens cut again by the tokenizer now in effect."""
    windows = [Window(w.clause, w.text, tokenize(w.text)) for w in index.windows]
    return replace(index, windows=windows, bm25=BM25([w.tokens for w in windows]))


def main(argv: list[str] | None = None) -> int:
    from rag.pipeline import open_index

    parser = argparse.ArgumentParser(prog="policyqa eval", description=__doc__)
    parser.add_argument("--split", choices=["dev", "test", "fresh", "dev2", *BATCHES, "followup-dev", "followup-test", *FOLLOWUP_SPLITS, "all"], default="test")
    parser.add_argument("--no-realq", action="store_true", help="skip the real questions of ../shared/realq")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument(
        "--write", action="store_true",
        help="also write the tables into eval/README.md and the rows into eval/results/ (without it: print only)",
    )  # fmt: skip
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--ablations", action="store_true", help="also run with each lever off (use on dev)")
    parser.add_argument("--corpus", default=os.environ.get("POLICYQA_CORPUS_DIR", str(ROOT / "corpus")))
    parser.add_argument("--index", default=os.environ.get("POLICYQA_INDEX_DIR", str(ROOT / "index")))
    parser.add_argument("--model", default=os.environ.get("POLICYQA_EMBEDDING_MODEL", "m3e-small"))
    parser.add_argument(
        "--llm", action="store_true",
        help="answer with the language model of POLICYQA_LLM_* and report the citation gate (prints only)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from rag.settings import Settings

    settings = Settings()
    generator = None
    if args.llm:
        generator = settings.generator()
        if generator is None:
            print("policyqa eval --llm: no model configured; set POLICYQA_LLM_BASE_URL and POLICYQA_LLM_MODEL", file=sys.stderr)
            return 2
        args.write = False  # the README's tables are the extractive answers'; the gate's table is printed
    embedder = settings.embedder(args.model)  # as the server embeds (ONNX Runtime unless POLICYQA_EMBEDDING_BACKEND=torch)
    corpus_dir = Path(args.corpus)
    pipeline = Pipeline(open_index(corpus_dir, Path(args.index), embedder), embedder, generator=generator)
    if args.split.startswith("followup-"):  # conversations, scored per later turn (eval/followup.py)
        from .followup import misses as followup_misses, render as render_followups, run as run_followups

        rows = run_followups(pipeline, args.split.removeprefix("followup-"))
        table = render_followups(rows, args.split)
        print(table)
        if args.show_misses:
            print("\nMisses:\n" + "\n".join(followup_misses(rows)))
        if args.write:
            write_readme(args.split, table)
        return 0
    questions = load_questions(BATCHES[args.split]) if args.split in BATCHES else load_questions(split=args.split)
    rows = evaluate(pipeline, questions, baselines=not args.no_baselines, corpus_dir=corpus_dir)
    systems = ["PolicyQA", "BM25 alone", "dense alone", "LangChain 500/50 + FAISS"]
    table = render(rows, args.split, systems)
    real_rows: list[Row] = []
    if not args.no_realq and args.split in ("dev", "test", "all"):
        real = gold_from_snippets(load_realq(args.split), pipeline)
        real_rows = evaluate(pipeline, real, baselines=False, corpus_dir=corpus_dir)
        table += "\n\n" + render_realq(real_rows, args.split)
    if generator is not None:
        table += "\n\n" + render_gate(rows + real_rows, args.split, generator.model_name)
    print(table)
    if args.show_misses:
        print("\nMisses:\n" + "\n".join(misses(rows + real_rows)))
    if args.write:
        RESULTS.mkdir(exist_ok=True)
        payload = {
            "split": args.split,
            "date": date.today().isoformat(),
            "index_manifest": pipeline.index.manifest,
            "ranking": {s: ranking_metrics(rows, s) for s in systems},
            "answers": answer_metrics(rows),
            "misses": misses(rows),
            "rows": [r.__dict__ for r in rows],
            "realq": {"answers": answer_metrics(real_rows) if real_rows else None, "misses": misses(real_rows)},
        }
        out = RESULTS / f"{args.split}.json"
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        write_readme(args.split, table)
    if args.ablations:
        real = gold_from_snippets(load_realq(args.split), pipeline) if not args.no_realq else []
        levers = ablations(pipeline, questions, corpus_dir, real)
        print("\n" + levers)
        if args.write:
            write_readme(f"{args.split}-levers", f"Each lever switched off alone on the `{args.split}` split:\n\n{levers}")
    if args.write:
        print(f"\nwrote {RESULTS.relative_to(ROOT)}/{args.split}.json and {README.relative_to(ROOT)}")
    return 0
