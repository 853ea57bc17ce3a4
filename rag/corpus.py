"""Load the corpus folder: texts, their metadata, and their clauses."""
from __future__ import annotations

import hashlib
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError
from .parse import parse_document
from .records import Clause, DocumentMeta

logger = logging.getLogger(__name__)

METADATA_FILE = "documents.toml"
_TEXT_FIELDS = ("title", "issuer", "doc_number", "date", "valid_until")


@dataclass
class Document:
    meta: DocumentMeta
    aliases: list[str]
    addressees: str | None
    clauses: list[Clause]


@dataclass
class Skipped:
    """A document that could not be read or parsed: reported, and left out of the index."""

    source: str
    message: str
    message_zh: str


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corpus_hashes(corpus_dir: Path) -> dict[str, str]:
    """sha256 of every file the index depends on (texts and metadata)."""
    return {p.name: sha256_file(p) for p in sorted(corpus_dir.iterdir()) if p.suffix in {".txt", ".toml"}}


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Every document, or the first problem raised (for callers that must have them all)."""
    documents, skipped = read_corpus(corpus_dir)
    if skipped:
        raise CorpusError(skipped[0].message, skipped[0].message_zh)
    return documents


def read_corpus(corpus_dir: Path) -> tuple[list[Document], list[Skipped]]:
    """The documents that can be read and parsed, and a report of those that cannot: one bad
    document never stops the others."""
    entries = _entries(corpus_dir)
    documents, skipped = [], []
    for number, entry in enumerate(entries, start=1):
        source = str(entry.get("source", f"[[document]] #{number}"))
        try:
            documents.append(_load_document(corpus_dir, entry))
        except CorpusError as exc:
            skipped.append(Skipped(source, str(exc), exc.message_zh))
        except (KeyError, TypeError) as exc:  # an entry without id, source, short_title or region
            skipped.append(Skipped(source, f"{METADATA_FILE}: entry {source} lacks {exc}", f"{METADATA_FILE} 中 {source} 缺少字段 {exc}"))
        except ValueError as exc:  # the parser's own checks, such as clause ids that repeat
            skipped.append(Skipped(source, f"{source}: cannot be parsed: {exc}", f"{source} 无法解析：{exc}"))
    for problem in skipped:
        logger.warning("document skipped: %s", problem.message)
    return documents, skipped


def _entries(corpus_dir: Path) -> list[dict]:
    meta_path = corpus_dir / METADATA_FILE
    if not meta_path.is_file():
        raise CorpusError(f"missing {meta_path}", f"缺少语料元数据文件 {meta_path}")
    try:
        entries = tomllib.loads(meta_path.read_text(encoding="utf-8"))["document"]
    except (tomllib.TOMLDecodeError, KeyError) as exc:
        raise CorpusError(f"{meta_path}: {exc}", f"语料元数据文件格式错误：{exc}") from exc
    return entries


def _load_document(corpus_dir: Path, entry: dict) -> Document:
    path = corpus_dir / entry["source"]
    if not path.is_file():
        raise CorpusError(f"missing corpus file {path}", f"缺少语料文件 {path}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path} is not UTF-8", f"语料文件不是 UTF-8 编码：{path}") from exc
    parsed = parse_document(text, entry["id"], entry["source"], entry["short_title"])
    found = {name: getattr(parsed, name) for name in _TEXT_FIELDS}
    unknown = set(entry.get("unknown", []))
    for name in _TEXT_FIELDS:
        declared = entry.get(name)
        if found[name] is not None and name in unknown:
            raise CorpusError(f"{path.name}: {name} is listed unknown but the text says {found[name]!r}")
        if declared is not None and found[name] is not None and declared != found[name]:
            raise CorpusError(f"{path.name}: {name} {declared!r} contradicts the text {found[name]!r}")
        if found[name] is None:
            found[name] = declared
    meta = DocumentMeta(
        id=entry["id"],
        source=entry["source"],
        short_title=entry["short_title"],
        title=found["title"],
        region=entry["region"],
        issuer=found["issuer"],
        doc_number=found["doc_number"],
        date=found["date"],
        status="征求意见稿" if parsed.draft else "正式",
        valid_until=found["valid_until"],
        disclosure=parsed.disclosure,
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    logger.debug("parsed %s: %d clauses", meta.id, len(parsed.clauses))
    return Document(meta, list(entry.get("aliases", [])), parsed.addressees, parsed.clauses)
