"""Load the corpus folder: texts, their metadata, and their clauses.

Every `*.txt` in the folder is a document. What the text says about itself (title, 文号, issuer,
dates, validity, status) is read by the parser, its region from the gazetteer (rag/places.py);
`documents.toml` is optional: per-file overrides (id, short title, region, status, aliases) and
fields the text does not state (`unknown`). A field set there for a document whose text states it
must agree with the text."""
from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

from .errors import CorpusError
from .parse import parse_document
from .places import gazetteer
from .records import Clause, DocStatus, DocumentMeta

logger = logging.getLogger(__name__)

METADATA_FILE = "documents.toml"
_TEXT_FIELDS = ("title", "issuer", "doc_number", "date", "valid_until", "effective")


@dataclass
class Document:
    meta: DocumentMeta
    aliases: list[str]
    addressees: str | None
    clauses: list[Clause]
    warnings: list[str] = field(default_factory=list)


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
    if not documents:
        raise CorpusError(f"no document in {corpus_dir} (add some: policyqa add PATH)", f"语料目录 {corpus_dir} 中没有文件（可用 policyqa add 添加）")
    return documents


def read_corpus(corpus_dir: Path) -> tuple[list[Document], list[Skipped]]:
    """The documents that can be read and parsed, and a report of those that cannot: one bad
    document never stops the others. A document that repeats one already read (the same 文号, or
    the same title and date) is reported and left out."""
    entries = read_entries(corpus_dir)
    listed = {str(e["source"]) for e in entries if "source" in e}
    entries += [{"source": p.name} for p in sorted(corpus_dir.glob("*.txt")) if p.name not in listed]
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for number, entry in enumerate(entries, start=1):
        source = str(entry.get("source", f"[[document]] #{number}"))
        try:
            document = _load_document(corpus_dir, entry)
            twin = duplicate_of(document.meta, [d.meta for d in documents])
            if twin is not None:
                skipped.append(Skipped(source, f"{source}: the same document as {twin.id} ({twin.source})", f"{source} 与已收录的 {twin.id}（{twin.source}）是同一文件"))
                continue
            documents.append(document)
        except CorpusError as exc:
            skipped.append(Skipped(source, str(exc), exc.message_zh))
        except (KeyError, TypeError) as exc:  # an entry without a source
            skipped.append(Skipped(source, f"{METADATA_FILE}: entry {source} lacks {exc}", f"{METADATA_FILE} 中 {source} 缺少字段 {exc}"))
        except ValueError as exc:  # the parser's own checks, such as clause ids that repeat
            skipped.append(Skipped(source, f"{source}: cannot be parsed: {exc}", f"{source} 无法解析：{exc}"))
    for problem in skipped:
        logger.warning("document skipped: %s", problem.message)
    return documents, skipped


def duplicate_of(meta: DocumentMeta, others: list[DocumentMeta]) -> DocumentMeta | None:
    """A document already held that this one repeats: the same 文号, or the same title and date."""
    for other in others:
        if other.id == meta.id:
            return other
        if meta.doc_number and meta.doc_number == other.doc_number:
            return other
        if meta.date and meta.title == other.title and meta.date == other.date:
            return other
    return None


def short_title_of(title: str) -> str:
    """The title without its issuer and draft mark: 广州市人民政府办公厅关于进一步加强…的通知 →
    进一步加强…的通知."""
    short = re.sub(r"[（(](?:征求意见稿|草案)[）)]$", "", title)
    if "关于" in short[:40]:
        short = short.split("关于", 1)[1] or short
    return short or title


def read_entries(corpus_dir: Path) -> list[dict]:
    """The [[document]] entries of documents.toml (none when there is no such file)."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"missing corpus folder {corpus_dir}", f"缺少语料目录 {corpus_dir}")
    meta_path = corpus_dir / METADATA_FILE
    if not meta_path.is_file():
        return []
    try:
        entries = tomllib.loads(meta_path.read_text(encoding="utf-8")).get("document", [])
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
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
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusError(f"{path}, line {line}: not UTF-8", f"语料文件不是 UTF-8 编码：{path} 第{line}行") from exc
    return build_document(text, raw, entry, path.name)


def build_document(text: str, raw: bytes, entry: dict, name: str) -> Document:
    """A document from its text and its overrides (an entry of documents.toml, possibly only `source`)."""
    path = Path(name)
    doc_id = str(entry.get("id") or path.stem)
    parsed = parse_document(text, doc_id, entry["source"], entry.get("short_title") or "")
    found = {name: getattr(parsed, name) for name in _TEXT_FIELDS}
    unknown = set(entry.get("unknown", []))
    for key in _TEXT_FIELDS:
        declared = entry.get(key)
        if found[key] is not None and key in unknown:
            raise CorpusError(f"{path.name}: {key} is listed unknown but the text says {found[key]!r}")
        if declared is not None and found[key] is not None and declared != found[key]:
            raise CorpusError(f"{path.name}: {key} {declared!r} contradicts the text {found[key]!r}")
        if found[key] is None:
            found[key] = declared
    if not parsed.clauses:
        raise CorpusError(f"{path.name}: no clause found in the text", f"{path.name} 中没有找到条款")
    title = found["title"] or path.stem
    short_title = entry.get("short_title") or short_title_of(title)
    if not entry.get("short_title"):  # clauses carry the document's short title
        for clause in parsed.clauses:
            clause.doc_title = short_title
    region = entry.get("region") or gazetteer().region_of_document(title, found["issuer"], found["doc_number"])
    status = entry.get("status") or parsed.status
    if status not in get_args(DocStatus):
        raise CorpusError(f"{path.name}: unknown status {status!r}", f"{path.name} 的状态 {status} 无法识别")
    meta = DocumentMeta(
        id=doc_id,
        source=entry["source"],
        short_title=short_title,
        title=title,
        region=region,
        issuer=found["issuer"],
        doc_number=found["doc_number"],
        date=found["date"],
        status=status,
        valid_until=found["valid_until"],
        disclosure=parsed.disclosure,
        sha256=hashlib.sha256(raw).hexdigest(),
        effective=found["effective"],
    )
    logger.debug("parsed %s: %d clauses", meta.id, len(parsed.clauses))
    return Document(meta, list(entry.get("aliases", [])), parsed.addressees, parsed.clauses, parsed.warnings)
