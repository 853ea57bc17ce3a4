"""Follow-up evaluation: conversations of two or three turns (eval/followup.jsonl), each turn asked
with the history a client would send (the user turns and the assistant's answers and citations).

    policyqa eval --split followup-dev | followup-test | followup-fresh | followup-fresh2 | followup-fresh3 | followup-fresh4 | followup-dev2 [--show-misses]

followup-fresh is eval/followup_fresh.jsonl: 24 conversations a helper wrote later (issue #13's
session), before any change to the follow-up rules and without seeing the system's answers.
followup-fresh2 is eval/followup_fresh2.jsonl: 30 more, written the same way at the start of the
session that changed the rules next (stop 19), without seeing the code or the other sets; fresh3
likewise, and measured only once that session's changes were done. followup-dev2
(eval/followup_dev2.jsonl, 40 conversations, most follow-ups to be declined) was written in that
session too, for tuning, like dev. followup-fresh4 (30) was written the same way at the start of
stop 20, before any change.

Per later turn: recall@5 of the retrieval for the resolved question (answerable turns), declined
when it should (turns the documents do not answer), wrongly declined, and wrongly inherited (a new,
self-contained question rewritten otherwise than it is with no history, so it took the earlier
topic or region)."""
from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

from rag.followup import Turn, resolve
from rag.pipeline import Pipeline

FOLLOWUPS = Path(__file__).resolve().parent / "followup.jsonl"
# Held-out batches, each in a file of its own, by split name.
BATCHES = {name: FOLLOWUPS.with_name(f"followup_{name}.jsonl") for name in ("fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14", "fresh15", "dev2")}


def run(pipeline: Pipeline, split: str, path: Path | None = None) -> list[dict]:
    path = path or BATCHES.get(split, FOLLOWUPS)
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        conversation = json.loads(line)
        if conversation["split"] != split:
            continue
        history: list[Turn] = []
        for n, turn in enumerate(conversation["turns"]):
            started = time.perf_counter()
            retrieval, answer = pipeline.run(turn["q"], top_k=5, history=history)
            seconds = time.perf_counter() - started
            gold = {c for group in turn["gold"] for c in group}
            top = [h.clause.id for h in retrieval.hits[:5]]
            rows.append({
                "id": conversation["id"], "kind": conversation["kind"], "turn": n + 1, "question": turn["q"],
                "resolved": answer.resolved_question or turn["q"], "expected": turn["resolved"],
                # what the question means with no conversation (a document named by its title): inherited
                # is a difference from this, not from the words typed
                "alone": resolve(turn["q"], None, pipeline.index).question,
                "answerable": turn["answerable"], "answered": answer.answerable, "reason": answer.reason,
                "hit": bool(gold & set(top)) if gold else None, "ms": seconds * 1000, "history": len(history),
                # None: an answerable turn labelled with no clause (a document fact whose document is not said)
                "cited_gold": (bool(gold & {c.clause.id for c in answer.citations}) or _names_document(answer, gold, pipeline))
                if gold else None,
            })  # fmt: skip
            history += [Turn("user", turn["q"]), Turn("assistant", answer.answer, [c.clause.id for c in answer.citations])]
    return rows


def _names_document(answer, gold: set[str], pipeline: Pipeline) -> bool:
    """A document fact (文号, date) is answered from the document's metadata, citing no clause: right
    when the answer names that document. Its gold is every clause of the document, or (followup-fresh9
    on) the document's first clause, for a metadata answer."""
    for document in pipeline.index.documents:
        ids = {c.id for c in document.clauses}
        if gold == ids or answer.reason == "metadata" and gold <= ids:
            return document.meta.short_title in answer.answer
    return False


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "—"


def render(rows: list[dict], split: str) -> str:
    later = [r for r in rows if r["turn"] > 1]
    lines = [f"Follow-ups `{split}`: {len({r['id'] for r in rows})} conversations, {len(later)} later turns.", ""]
    lines += [
        "| kind | turns | recall@5 | declined when it should | wrongly declined | confidently wrong | wrongly inherited |",
        "|---|---|---|---|---|---|---|",
    ]
    groups = defaultdict(list)
    for r in later:
        groups[r["kind"]].append(r)
    for kind, group in [("all", later), *sorted(groups.items())]:
        answerable = [r for r in group if r["answerable"]]
        unanswerable = [r for r in group if not r["answerable"]]
        new = [r for r in group if r["kind"] == "new_topic"]
        lines.append(
            f"| {kind} | {len(group)} | {_pct(sum(bool(r['hit']) for r in answerable), len(answerable))} "
            f"| {_pct(sum(not r['answered'] for r in unanswerable), len(unanswerable))} "
            f"| {_pct(sum(not r['answered'] for r in answerable), len(answerable))} "
            f"| {_pct(sum(r['answered'] and r['cited_gold'] is False for r in answerable), len(answerable))} "
            f"| {_pct(sum(r['resolved'] != r['alone'] for r in new), len(new))} |"
        )
    first = [r["ms"] for r in rows if r["history"] == 0]
    follow = [r["ms"] for r in rows if r["history"] > 0]
    if first and follow:
        lines += ["", f"Latency in-process, median: first turns {statistics.median(first):.1f} ms, turns with history {statistics.median(follow):.1f} ms."]
    return "\n".join(lines)


def misses(rows: list[dict]) -> list[str]:
    out = []
    for r in rows:
        if r["turn"] == 1:
            continue
        wrong = [] if r["answered"] == r["answerable"] else ["answered" if r["answered"] else "declined"]
        if r["answerable"] and r["hit"] is False:
            wrong.append("gold not in top 5")
        if r["answerable"] and r["answered"] and r["cited_gold"] is False:
            wrong.append("no gold clause cited")
        if r["kind"] == "new_topic" and r["resolved"] != r["alone"]:
            wrong.append("inherited")
        if wrong:
            out.append(f"{r['id']} turn {r['turn']} [{r['kind']}] {', '.join(wrong)}: {r['question']} → {r['resolved']} (expected {r['expected']})")
    return out
