"""The question log: what was asked and answered, feedback on it, and the office's report.

A real embedded database: SQLite in WAL mode (several workers write to one file), standard library
only. An entry keeps time, question, resolved question, answered or not and why, cited clause ids,
latency, mode, model and widget origin; the client only as a salted hash, never its address. The
salt is made once per database and kept in it. Entries older than the retention are purged at
start and by `policyqa log purge`.
"""
from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from .tokens import words

_SCHEMA = """
CREATE TABLE IF NOT EXISTS asks (
    id TEXT PRIMARY KEY,
    ts TEXT NOT NULL,
    route TEXT NOT NULL,
    question TEXT NOT NULL,
    resolved_question TEXT NOT NULL,
    answerable INTEGER NOT NULL,
    reason TEXT NOT NULL,
    citations TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    mode TEXT NOT NULL,
    model TEXT,
    llm_outcome TEXT,
    origin TEXT,
    client TEXT
);
CREATE INDEX IF NOT EXISTS asks_ts ON asks (ts);
CREATE TABLE IF NOT EXISTS feedback (
    ask_id TEXT NOT NULL REFERENCES asks (id) ON DELETE CASCADE,
    ts TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    comment TEXT
);
CREATE INDEX IF NOT EXISTS feedback_ask ON feedback (ask_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def new_id() -> str:
    return uuid.uuid4().hex


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Entry:
    id: str
    route: str  # ask or stream
    question: str
    resolved_question: str
    answerable: bool
    reason: str
    citations: list[str]
    latency_ms: float
    mode: str
    model: str | None = None
    llm_outcome: str | None = None  # served, or why the extractive answer was served
    origin: str | None = None
    client: str | None = None  # the salted hash made by QuestionLog.client_hash
    ts: str = field(default_factory=lambda: _now().isoformat(timespec="seconds"))


class QuestionLog:
    def __init__(self, path: Path | str):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=5, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL keeps it consistent; a crash loses at most the last entries
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('salt', ?)", (secrets.token_hex(16),))
        (self._salt,) = self._db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def client_hash(self, address: str) -> str:
        return hashlib.sha256(f"{self._salt}:{address}".encode()).hexdigest()[:16]

    def record(self, entry: Entry) -> None:
        row = asdict(entry)
        row["answerable"] = int(entry.answerable)
        row["citations"] = json.dumps(entry.citations, ensure_ascii=False)
        columns = ", ".join(row)
        with self._lock:
            self._db.execute(f"INSERT INTO asks ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))

    def exists(self, ask_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM asks WHERE id = ?", (ask_id,)).fetchone() is not None

    def feedback(self, ask_id: str, helpful: bool, comment: str | None) -> bool:
        """Record feedback on an answer; False when no answer has that id."""
        with self._lock:
            if self._db.execute("SELECT 1 FROM asks WHERE id = ?", (ask_id,)).fetchone() is None:
                return False
            self._db.execute(
                "INSERT INTO feedback (ask_id, ts, helpful, comment) VALUES (?, ?, ?, ?)",
                (ask_id, _now().isoformat(timespec="seconds"), int(helpful), comment),
            )
        return True

    def purge(self, days: int) -> int:
        """Delete entries (and their feedback) older than `days`; how many entries went."""
        cutoff = (_now() - timedelta(days=days)).isoformat(timespec="seconds")
        with self._lock:
            return self._db.execute("DELETE FROM asks WHERE ts < ?", (cutoff,)).rowcount

    def report(self, days: int = 30, embed: Callable[[list[str]], np.ndarray] | None = None, top: int = 20) -> dict:
        """What the office reads: questions per day, share answered, most asked topics, the declined
        questions grouped by similarity (what the corpus lacks), unhelpful answers with their
        comments, the most cited clauses. `embed` (normalised sentence vectors) groups paraphrases;
        without it only identical questions group."""
        since = (_now() - timedelta(days=days)).isoformat(timespec="seconds")
        with self._lock:
            rows = self._db.execute(
                "SELECT id, ts, resolved_question, answerable, reason, citations FROM asks WHERE ts >= ? ORDER BY ts", (since,)
            ).fetchall()
            unhelpful = self._db.execute(
                "SELECT f.ts, a.question, a.reason, f.comment, a.id FROM feedback f JOIN asks a ON a.id = f.ask_id "
                "WHERE f.helpful = 0 AND f.ts >= ? ORDER BY f.ts DESC LIMIT ?",
                (since, top),
            ).fetchall()
            helpful = self._db.execute(
                "SELECT helpful, COUNT(*) FROM feedback WHERE ts >= ? GROUP BY helpful", (since,)
            ).fetchall()
        per_day: dict[str, list[int]] = {}
        for _, ts, _, answerable, _, _ in rows:
            day = per_day.setdefault(ts[:10], [0, 0])
            day[0] += 1
            day[1] += answerable
        topics = Counter(w for _, _, q, _, _, _ in rows for w in set(words(q)))
        cited = Counter(c for *_, citations in rows for c in json.loads(citations))
        declined = [(q, reason) for _, _, q, answerable, reason, _ in rows if not answerable]
        votes = dict(helpful)
        return {
            "days": days,
            "since": since,
            "questions": len(rows),
            "answered_share": round(sum(r[3] for r in rows) / len(rows), 4) if rows else None,
            "per_day": [{"date": d, "questions": n, "answered": a} for d, (n, a) in sorted(per_day.items())],
            "topics": [{"word": w, "questions": n} for w, n in topics.most_common(top)],
            "declined_groups": group_similar(declined, embed)[:top],
            "feedback": {"helpful": votes.get(1, 0), "unhelpful": votes.get(0, 0)},
            "unhelpful": [{"ts": ts, "question": q, "reason": r, "comment": c, "ask_id": i} for ts, q, r, c, i in unhelpful],
            "most_cited": [{"clause_id": c, "citations": n} for c, n in cited.most_common(top)],
        }


def group_similar(
    questions: list[tuple[str, str]], embed: Callable[[list[str]], np.ndarray] | None, similarity: float = 0.85
) -> list[dict]:
    """Questions grouped greedily: each joins the first group whose first question is at least
    `similarity` (cosine) like it; largest groups first. 0.85 is m3e's usual paraphrase range."""
    if not questions:
        return []
    texts = [q for q, _ in questions]
    keys = [re.sub(r"[\s？?！!。，,]", "", t) for t in texts]
    vectors = embed(texts) if embed is not None else None
    groups: list[dict] = []
    heads: list[int] = []
    for i, (text, reason) in enumerate(questions):
        home = None
        for g, head in enumerate(heads):
            same = keys[i] == keys[head]
            if same or (vectors is not None and float(vectors[i] @ vectors[head]) >= similarity):
                home = g
                break
        if home is None:
            heads.append(i)
            groups.append({"example": text, "count": 0, "questions": [], "reasons": Counter()})
            home = len(groups) - 1
        group = groups[home]
        group["count"] += 1
        if text not in group["questions"] and len(group["questions"]) < 5:
            group["questions"].append(text)
        group["reasons"][reason] += 1
    for group in groups:
        group["reasons"] = dict(group["reasons"].most_common())
    return sorted(groups, key=lambda g: -g["count"])
