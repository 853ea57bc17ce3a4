"""Sentence spans inside a clause, with responsible-unit parentheticals split off."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .parse import department_spans
from .records import Department

_END = re.compile(r"[。！？；]|\n")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    departments: tuple[Department, ...]  # units named right after this sentence, if any


def split_sentences(text: str) -> list[Sentence]:
    """Split at sentence ends; a unit parenthetical attaches to the sentences before it."""
    departments = department_spans(text)
    cuts: list[tuple[int, int, tuple[Department, ...]]] = []
    position = 0
    for start, end, units in departments:
        cuts.append((position, start, ()))
        cuts.append((start, end, tuple(units)))
        position = end
    cuts.append((position, len(text), ()))

    sentences: list[Sentence] = []
    pending: list[int] = []  # sentences waiting for the next unit parenthetical
    for start, end, units in cuts:
        if units:
            for i in pending:
                s = sentences[i]
                sentences[i] = Sentence(s.start, s.end, s.text, units)
            pending = []
            continue
        cursor = start
        for match in _END.finditer(text, start, end):
            stop = match.end() if match.group() != "\n" else match.start()
            if text[cursor:stop].strip():
                sentences.append(Sentence(cursor, stop, text[cursor:stop], ()))
                pending.append(len(sentences) - 1)
            cursor = match.end()
        if text[cursor:end].strip():
            sentences.append(Sentence(cursor, end, text[cursor:end], ()))
            pending.append(len(sentences) - 1)
    return sentences
