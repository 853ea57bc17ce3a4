"""One object that answers questions: index + model + retriever + composer."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .answer import AnswerSettings, answer_question, unclear_followup
from .embed import Embedder
from .errors import IndexCorrupt, IndexMissing, IndexStale, UnknownDocument, UnknownRegion
from .followup import Resolution, Turn, on_topic, resolve
from .generate import Generator, StreamEvent, pieces
from .index import PolicyIndex, build_index, load_index
from .judge import Judge, JudgeModel
from .records import Answer, Hit, SearchMode
from .retrieve import Retrieval, RetrievalSettings, Retriever

logger = logging.getLogger(__name__)


class Pipeline:
    def __init__(
        self,
        index: PolicyIndex,
        embedder: Embedder,
        retrieval: RetrievalSettings | None = None,
        answering: AnswerSettings | None = None,
        judge_model: JudgeModel | None = None,
        generator: Generator | None = None,
    ):
        self.index = index
        self.generator = generator  # a language model that writes answers, verified; None: extractive only
        self.embedder = embedder
        self.retriever = Retriever(index, embedder, retrieval)
        self.answering = answering or AnswerSettings()
        self.judge = Judge(index, judge_model)

    def ask(self, question: str, **options) -> Answer:
        """The answer alone; options as for run()."""
        return self.run(question, **options)[1]

    def run(
        self,
        question: str,
        top_k: int = 5,
        region: str | None = None,
        doc_id: str | None = None,
        today: date | None = None,
        history: list[Turn] | None = None,
    ) -> tuple[Retrieval, Answer]:
        """The ranked clauses and the answer composed from them (what /api/ask does). With `history`
        (the conversation so far, oldest first), a follow-up is first resolved into a self-contained
        question (rag/followup.py), which is what is retrieved, judged and answered. With a language
        model, it writes the answer and the citation gate checks it; the extractive answer otherwise."""
        step = self._extractive(question, top_k, region, doc_id, today or date.today(), history)
        answer = step.answer
        if step.generate:
            assert self.generator is not None
            answer = self.generator.compose(step.asked, step.retrieval, answer, self.index, step.today, history, step.deadline)
        return step.retrieval, answer

    def stream(
        self,
        question: str,
        top_k: int = 5,
        region: str | None = None,
        doc_id: str | None = None,
        today: date | None = None,
        history: list[Turn] | None = None,
    ) -> Iterator[StreamEvent]:
        """run() as events: ("citations", answer without its text), ("delta", text)…, ("done", answer).
        A language model's answer is sent statement by statement, each verified before it is sent."""
        step = self._extractive(question, top_k, region, doc_id, today or date.today(), history)
        if step.generate:
            assert self.generator is not None
            yield from self.generator.stream(step.asked, step.retrieval, step.answer, self.index, step.today, history, step.deadline)
            return
        yield "citations", step.answer
        for piece in pieces(step.answer.answer):
            yield "delta", piece
        yield "done", step.answer

    def _extractive(
        self, question: str, top_k: int, region: str | None, doc_id: str | None, today: date, history: list[Turn] | None
    ) -> "_Step":
        self.check_document(doc_id)
        self.check_region(region)
        deadline = self.generator.deadline() if self.generator else 0.0
        resolution = resolve(question, history, self.index)
        asked, understood = resolution.question, resolution.understood
        if self.generator and history:  # the model reads the conversation better than the rules
            rewritten = self.generator.rewrite(question, history, deadline)
            if rewritten:
                asked, understood = rewritten, True
        retrieval = self.retriever.retrieve(asked, k=top_k, region=region, doc_id=doc_id)
        if resolution.about and asked == resolution.question:  # 北京…直播 then 那广州呢: a clause on 直播, or none
            kept = [h for h in retrieval.hits if on_topic(h.clause.text, resolution.about, self.index)]
            retrieval = replace(retrieval, hits=kept)
        if not understood:
            return _Step(asked, retrieval, unclear_followup(question, self.index), today, deadline, False)
        answer = self._compose(asked, retrieval, today)
        if answer.reason in _ELSEWHERE and resolution.within and asked == resolution.question and not (region or doc_id):
            if there := self._where_it_was(asked, resolution, retrieval, top_k, today):
                asked, retrieval, answer = there
        if answer.reason in _ELSEWHERE and resolution.continued and asked == resolution.question:
            if more := self._continuing(resolution, retrieval, top_k, region, doc_id, today):
                asked, retrieval, answer = more
        if answer.citations and asked != question and self.answering.use_judge and resolution.how != "switch":
            # 我在平台交的押金退不回来，我该怎么办 / 能去告它嘛: a personal case stays one, whatever was asked
            # before it, and its 它 is not the document. A pointer (这份, 这条) ties a question to the
            # conversation, so only a sure case overrides it. Checked only when the resolved question
            # would cite clauses: it costs one more embedding. A switch (那广州呢) has no words of its
            # own but names, so nothing to check.
            vector = self.embedder.encode_queries([question])[0]
            if self.judge.personal(question, vector, sure=resolution.how == "deixis"):
                asked = question
                retrieval = self.retriever.retrieve(asked, k=top_k, region=region, doc_id=doc_id)
                answer = self._compose(asked, retrieval, today)
        answer.question, answer.resolved_question = question, asked
        generate = bool(self.generator and understood and self.generator.eligible(answer, retrieval))
        return _Step(asked, retrieval, answer, today, deadline, generate)

    def _where_it_was(
        self, question: str, resolution: Resolution, retrieval: Retrieval, top_k: int, today: date
    ) -> tuple[str, Retrieval, Answer] | None:
        """A question declined as it stands, answered where the conversation was (its document, or its
        place), when the question's own words found a clause there. Asked with the place's name, as
        the user would have typed it; not the document's title, whose words the judge would take for
        the question's own."""
        assert resolution.within is not None
        place, document = resolution.within
        inside = lambda doc_id: doc_id == document if document else self.index.meta(doc_id).region == place  # noqa: E731
        if not any(inside(h.clause.doc_id) for h in retrieval.hits):
            return None
        scoped = f"{place or self.index.meta(document).region or ''}{question}"
        found = self.retriever.retrieve(scoped, k=top_k, region=place, doc_id=document)
        answer = self._compose(scoped, found, today)
        shown = f"《{self.index.meta(document).short_title}》" if document else place
        return (f"{shown}{question}", found, answer) if answer.answerable else None

    def _continuing(
        self, resolution: Resolution, retrieval: Retrieval, top_k: int, region: str | None, doc_id: str | None, today: date
    ) -> tuple[str, Retrieval, Answer] | None:
        """A turn declined as it stands, answered as a continuation of the last answer, when what it
        found as it stands ranks a clause that answer cited among the best, and the continuation is
        answered from one of them: the retrieval, not a list of words, says it asks more of that clause."""
        assert resolution.continued is not None
        if not any(h.clause.id in resolution.cited for h in retrieval.hits[:_CONTINUES_WITHIN]):
            return None
        found = self.retriever.retrieve(resolution.continued, k=top_k, region=region, doc_id=doc_id)
        answer = self._compose(resolution.continued, found, today)
        if answer.answerable and any(c.clause.id in resolution.cited for c in answer.citations):
            return resolution.continued, found, answer
        return None

    def _compose(self, question: str, retrieval: Retrieval, today: date) -> Answer:
        """Judge the retrieval, then compose the extractive answer."""
        judgement = self.judge.judge(question, retrieval, learned=self.answering.use_judge)
        return answer_question(question, retrieval, judgement, self.index, today, self.answering)

    def check_document(self, doc_id: str | None) -> None:
        if doc_id is not None and self.index.document(doc_id) is None:
            raise UnknownDocument(f"unknown document {doc_id!r}", f"未找到文件 {doc_id}")

    def regions(self) -> list[str]:
        """The regions of the documents loaded, in corpus order."""
        return list(dict.fromkeys(d.meta.region for d in self.index.documents if d.meta.region))

    def check_region(self, region: str | None) -> None:
        regions = self.regions()
        if region is not None and region not in regions:
            raise UnknownRegion(
                f"no document of region {region!r}; covered: {', '.join(regions)}",
                f"已收录的文件不涉及{region}，目前收录的地区：{'、'.join(regions)}",
            )

    def search(self, query: str, k: int = 10, mode: SearchMode = "hybrid", **filters: str | None) -> list[Hit]:
        return self.retriever.retrieve(query, k=k, mode=mode, **filters).hits


# Declines that another scope can mend; a personal case or small talk stays one wherever it is asked.
_ELSEWHERE = ("not_in_documents", "detail_not_given")
# How high a clause the last answer cited must rank for a declined turn to be read as asking more of it.
_CONTINUES_WITHIN = 2


@dataclass
class _Step:
    """A question up to its extractive answer, and whether a language model should rewrite it."""

    asked: str
    retrieval: Retrieval
    answer: Answer
    today: date
    deadline: float
    generate: bool


def open_index(
    corpus_dir: Path, index_dir: Path, embedder: Embedder, rebuild: bool = True, show_progress: bool = False
) -> PolicyIndex:
    """Load a current index; with rebuild, build it when missing, stale or corrupt, else raise."""
    try:
        return load_index(index_dir, corpus_dir, str(embedder.path))
    except (IndexMissing, IndexStale, IndexCorrupt) as problem:
        if not rebuild:
            raise
        logger.warning("rebuilding index: %s", problem)
        return build_index(corpus_dir, index_dir, embedder, show_progress=show_progress)
