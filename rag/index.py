"""Build, save, load and check the index: a folder of plain files with a manifest."""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import faiss
import numpy as np

from .bm25 import BM25
from .corpus import Document, corpus_hashes, read_corpus, sha256_file
from .embed import Embedder, model_fingerprint, resolve_model_path
from .errors import CorpusError, IndexCorrupt, IndexMissing, IndexStale, PolicyQAError
from .parse import PARSER_VERSION
from .records import Clause, DocumentMeta
from .sentences import split_sentences
from .tokens import STOPWORDS, names_a_thing, tokenize

_HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CLAUSES = "clauses.jsonl"
DOCUMENTS = "documents.json"
WINDOWS = "windows.jsonl"
DENSE = "dense.faiss"
SENTENCES = "sentences.jsonl"
SENTENCE_VECTORS = "sentences.npy"
DATA_FILES = (CLAUSES, DOCUMENTS, WINDOWS, DENSE, SENTENCES, SENTENCE_VECTORS)

WINDOW_CHARS = 240  # m3e-small reads 512 tokens; short windows keep one topic each
WINDOW_OVERLAP = 1  # sentences shared by consecutive windows


@dataclass
class Window:
    clause: int  # position in the clause list
    text: str  # what is embedded: context line + clause text slice
    tokens: list[str]


@dataclass
class SentenceRef:
    clause: int
    start: int  # offsets into the clause text
    end: int


@dataclass
class PolicyIndex:
    path: Path
    manifest: dict
    documents: list[Document]
    clauses: list[Clause]
    windows: list[Window]
    dense: faiss.Index
    bm25: BM25
    sentences: list[SentenceRef]
    sentence_vectors: np.ndarray  # normalised, one row per sentence, for quoting

    def __post_init__(self) -> None:
        self.position = {c.id: i for i, c in enumerate(self.clauses)}
        self._rows: dict[int, list[int]] = {}
        for row, ref in enumerate(self.sentences):
            self._rows.setdefault(ref.clause, []).append(row)

    def clause(self, clause_id: str) -> Clause | None:
        position = self.position.get(clause_id)
        return None if position is None else self.clauses[position]

    def new_things(self, tokens: Iterable[str]) -> list[str]:
        """The tokens that name a thing no clause uses (房贷, 消费券): a topic the corpus is not about."""
        return [
            t for t in tokens
            if len(t) >= 2 and _HAN_WORD.fullmatch(t) and self.bm25.document_share(t) == 0 and names_a_thing(t)
        ]  # fmt: skip

    def sentence_rows(self, clause_id: str) -> list[int]:
        """Rows of sentence_vectors for a clause's sentences, in text order."""
        return self._rows.get(self.position[clause_id], [])

    def document(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.meta.id == doc_id), None)

    def meta(self, doc_id: str) -> DocumentMeta:
        document = self.document(doc_id)
        assert document is not None, doc_id
        return document.meta


def context_line(meta: DocumentMeta, clause: Clause) -> str:
    return " ".join([meta.short_title, meta.region or "", *clause.path])


def make_windows(clause: Clause, context: str, max_chars: int = WINDOW_CHARS) -> list[str]:
    """Overlapping verbatim slices of a clause at sentence boundaries, each with its context."""
    sentences = split_sentences(clause.text)
    if not sentences:
        return [f"{context}\n{clause.text}"]
    windows: list[str] = []
    start = 0
    while start < len(sentences):
        end = start + 1
        while end < len(sentences) and sentences[end].end - sentences[start].start <= max_chars:
            end += 1
        # Run to the next sentence so a trailing unit parenthetical stays with its task.
        stop = sentences[end].start if end < len(sentences) else len(clause.text)
        body = clause.text[sentences[start].start : stop].strip()
        windows.append(f"{context}\n{body}")
        if end >= len(sentences):
            break
        start = max(end - WINDOW_OVERLAP, start + 1)
    return windows


def build_settings() -> dict:
    """What, besides corpus, parser and model, decides the index's content."""
    userdict = resources.files("rag") / "data" / "userdict.txt"
    return {
        "window_chars": WINDOW_CHARS,
        "window_overlap_sentences": WINDOW_OVERLAP,
        "userdict_sha256": hashlib.sha256(userdict.read_bytes()).hexdigest(),
        "stopwords_sha256": hashlib.sha256(" ".join(sorted(STOPWORDS)).encode()).hexdigest(),
        "jieba": importlib.metadata.version("jieba"),
    }


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def build_index(
    corpus_dir: Path, index_dir: Path, embedder: Embedder, show_progress: bool = False
) -> PolicyIndex:
    """Parse, embed and write the index to a temporary folder, then swap it in."""
    started = time.perf_counter()
    documents, skipped = read_corpus(corpus_dir)
    if not documents:
        reasons = "; ".join(s.message for s in skipped) or "no [[document]] entries"
        raise CorpusError(f"no document could be indexed: {reasons}", f"没有可以建立索引的文件：{'；'.join(s.message_zh for s in skipped)}")
    clauses = [c for d in documents for c in d.clauses]
    metas = {d.meta.id: d.meta for d in documents}
    windows: list[Window] = []
    for position, clause in enumerate(clauses):
        context = context_line(metas[clause.doc_id], clause)
        for text in make_windows(clause, context):
            windows.append(Window(position, text, tokenize(text)))
    sentences = [
        SentenceRef(position, s.start, s.end)
        for position, clause in enumerate(clauses)
        for s in split_sentences(clause.text)
    ]
    texts = [w.text for w in windows] + [clauses[s.clause].text[s.start : s.end] for s in sentences]
    # Texts embedded by the index being replaced are not embedded again: adding one document embeds only its clauses.
    cache = previous_vectors(index_dir, embedder)
    missing = list(dict.fromkeys(t for t in texts if t not in cache))
    logger.info("embedding %d of %d texts (%d clauses; the rest from the previous index)", len(missing), len(texts), len(clauses))
    if missing:
        # Batches of 16 pad less than 32 and are ~15% faster on CPU for these short texts.
        cache.update(zip(missing, embedder.encode(missing, show_progress=show_progress, batch_size=16)))
    vectors = np.stack([cache[t] for t in texts]).astype(np.float32)
    dense = faiss.IndexFlatIP(embedder.dim)
    dense.add(vectors[: len(windows)])
    sentence_vectors = vectors[len(windows) :]

    index_dir = index_dir.resolve()
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.build-", dir=index_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the server may run as another user
    try:
        _write_jsonl(staging / CLAUSES, [c.to_dict() for c in clauses])
        (staging / DOCUMENTS).write_text(
            json.dumps(
                [{"meta": d.meta.to_dict(), "aliases": d.aliases, "addressees": d.addressees} for d in documents],
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
        _write_jsonl(staging / WINDOWS, [{"clause": w.clause, "text": w.text, "tokens": w.tokens} for w in windows])
        faiss.write_index(dense, str(staging / DENSE))
        _write_jsonl(staging / SENTENCES, [{"clause": s.clause, "start": s.start, "end": s.end} for s in sentences])
        np.save(staging / SENTENCE_VECTORS, sentence_vectors)
        manifest = {
            "format_version": FORMAT_VERSION,
            "parser_version": PARSER_VERSION,
            "model": {
                "name": embedder.name,
                "fingerprint": embedder.fingerprint,
                "dimension": embedder.dim,
                "max_seq_length": embedder.max_seq_length,
            },
            "settings": build_settings(),
            "corpus": corpus_hashes(corpus_dir),
            "skipped": [asdict(s) for s in skipped],
            "counts": {
                "documents": len(documents),
                "clauses": len(clauses),
                "windows": len(windows),
                "sentences": len(sentences),
            },
            "files": {name: sha256_file(staging / name) for name in DATA_FILES},
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _swap_in(staging, index_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("index written to %s in %.1f s", index_dir, manifest["build_seconds"])
    bm25 = BM25([w.tokens for w in windows])
    return PolicyIndex(index_dir, manifest, documents, clauses, windows, dense, bm25, sentences, sentence_vectors)


def previous_vectors(index_dir: Path, embedder: Embedder) -> dict[str, np.ndarray]:
    """Text → vector of the index now at index_dir, when it was built with the same model and its files
    are intact; empty otherwise (then everything is embedded)."""
    try:
        manifest = read_manifest(index_dir)
        if manifest["model"]["fingerprint"] != embedder.fingerprint:
            return {}
        for name in DATA_FILES:
            if sha256_file(index_dir / name) != manifest["files"][name]:
                return {}
        windows = [json.loads(line)["text"] for line in (index_dir / WINDOWS).read_text(encoding="utf-8").splitlines()]
        clauses = [json.loads(line)["text"] for line in (index_dir / CLAUSES).read_text(encoding="utf-8").splitlines()]
        sentences = [json.loads(line) for line in (index_dir / SENTENCES).read_text(encoding="utf-8").splitlines()]
        dense = faiss.read_index(str(index_dir / DENSE))
        window_vectors = dense.reconstruct_n(0, dense.ntotal)
        sentence_vectors = np.load(index_dir / SENTENCE_VECTORS)
    except (PolicyQAError, OSError, KeyError, ValueError, RuntimeError, TypeError):
        return {}
    cache = dict(zip(windows, window_vectors))
    cache.update((clauses[s["clause"]][s["start"] : s["end"]], v) for s, v in zip(sentences, sentence_vectors))
    return cache


def _swap_in(staging: Path, index_dir: Path) -> None:
    """Replace index_dir by staging with renames only, so a crash never leaves half an index."""
    old = None
    if index_dir.exists():
        old = index_dir.with_name(f".{index_dir.name}.old-{os.getpid()}-{time.time_ns()}")
        os.rename(index_dir, old)
    os.rename(staging, index_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _recover_swap(index_dir: Path) -> None:
    """A crash between the two renames of _swap_in leaves only the old index: put it back."""
    if index_dir.exists():
        return
    olds = sorted(index_dir.parent.glob(f".{index_dir.name}.old-*"))
    if olds and (olds[-1] / MANIFEST).is_file():
        logger.warning("restoring %s from an interrupted rebuild", index_dir)
        os.rename(olds[-1], index_dir)


def read_manifest(index_dir: Path) -> dict:
    _recover_swap(index_dir)
    path = index_dir / MANIFEST
    if not path.is_file():
        raise IndexMissing(f"no index at {index_dir} (run: policyqa index)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"{path} is not valid JSON: {exc}") from exc
    shape = {"files": dict, "corpus": dict, "model": dict, "counts": dict}
    if not isinstance(manifest, dict) or any(not isinstance(manifest.get(k), t) for k, t in shape.items()):
        raise IndexCorrupt(f"{path} does not describe an index")
    if not isinstance(manifest["model"].get("dimension"), int):
        raise IndexCorrupt(f"{path} has no model dimension")
    return manifest


def staleness(manifest: dict, corpus_dir: Path, model: str) -> list[str]:
    """Why an index no longer matches the corpus, parser or model; empty when current."""
    reasons = []
    if manifest.get("format_version") != FORMAT_VERSION:
        reasons.append(f"index format {manifest.get('format_version')} != {FORMAT_VERSION}")
    if manifest.get("parser_version") != PARSER_VERSION:
        reasons.append(f"parser version {manifest.get('parser_version')} != {PARSER_VERSION}")
    current = corpus_hashes(corpus_dir)
    recorded = manifest.get("corpus", {})
    for name in sorted(set(current) | set(recorded)):
        if current.get(name) != recorded.get(name):
            change = "added" if name not in recorded else "removed" if name not in current else "changed"
            reasons.append(f"corpus file {name} {change}")
    if manifest.get("settings") != build_settings():
        reasons.append("windowing or tokenizer dictionary changed")
    fingerprint = model_fingerprint(resolve_model_path(model))
    if manifest.get("model", {}).get("fingerprint") != fingerprint:
        reasons.append(f"embedding model differs from {manifest.get('model', {}).get('name')}")
    return reasons


def load_index(index_dir: Path, corpus_dir: Path | None = None, model: str | None = None) -> PolicyIndex:
    """Load and verify an index; with corpus_dir and model, also refuse a stale one."""
    manifest = read_manifest(index_dir)
    for name, digest in manifest.get("files", {}).items():
        path = index_dir / name
        if not path.is_file() or sha256_file(path) != digest:
            raise IndexCorrupt(f"{path} is missing or does not match the manifest")
    if set(manifest.get("files", {})) != set(DATA_FILES):
        raise IndexCorrupt(f"{index_dir}/{MANIFEST} does not list the index files")
    if corpus_dir is not None and model is not None:
        reasons = staleness(manifest, corpus_dir, model)
        if reasons:
            raise IndexStale(f"index at {index_dir} is stale: {'; '.join(reasons)} (run: policyqa index)")
    try:
        clauses = [Clause.from_dict(json.loads(line)) for line in (index_dir / CLAUSES).open(encoding="utf-8")]
        raw_documents = json.loads((index_dir / DOCUMENTS).read_text(encoding="utf-8"))
        windows = [Window(**json.loads(line)) for line in (index_dir / WINDOWS).open(encoding="utf-8")]
        # The vectors are memory-mapped, read-only: workers on one host share the page cache's copy,
        # and a rebuild replaces the files by rename, so a mapping never sees a half-written file.
        dense = faiss.read_index(str(index_dir / DENSE), getattr(faiss, "IO_FLAG_MMAP_IFC", 0))
        sentences = [SentenceRef(**json.loads(line)) for line in (index_dir / SENTENCES).open(encoding="utf-8")]
        sentence_vectors = np.load(index_dir / SENTENCE_VECTORS, allow_pickle=False, mmap_mode="r")
    except (ValueError, TypeError, KeyError, RuntimeError, OSError) as exc:
        raise IndexCorrupt(f"cannot read index at {index_dir}: {exc}") from exc
    dim = manifest["model"]["dimension"]
    if dense.ntotal != len(windows) or dense.d != dim:
        raise IndexCorrupt(f"{DENSE} holds {dense.ntotal}x{dense.d}, manifest expects {len(windows)} windows")
    if sentence_vectors.shape != (len(sentences), dim):
        raise IndexCorrupt(f"{SENTENCE_VECTORS} shape {sentence_vectors.shape} does not match {len(sentences)} sentences")
    by_doc: dict[str, list[Clause]] = {}
    for clause in clauses:
        by_doc.setdefault(clause.doc_id, []).append(clause)
    documents = [
        Document(DocumentMeta(**d["meta"]), d["aliases"], d["addressees"], by_doc.get(d["meta"]["id"], []))
        for d in raw_documents
    ]
    bm25 = BM25([w.tokens for w in windows])
    return PolicyIndex(index_dir, manifest, documents, clauses, windows, dense, bm25, sentences, sentence_vectors)

