"""Bring documents into the corpus folder: check, add (with --replace), remove, list.

A file of any supported format is turned into text (rag/extract.py), stored as `<name>.txt` next to
its original, parsed, and checked against the documents already held (the same 文号, or the same
title and date, is the same document). Options the text cannot state (id, region, short title,
status) go into `documents.toml` as overrides. One file that cannot be read never stops the others:
each gets its own report. The caller rebuilds the index afterwards (only new clauses are embedded).
"""
from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from .corpus import METADATA_FILE, Document, build_document, duplicate_of, read_corpus, read_entries
from .errors import PolicyQAError

logger = logging.getLogger(__name__)

Action = Literal["checked", "added", "replaced", "duplicate", "failed", "removed"]
OVERRIDE_FIELDS = ("id", "short_title", "region", "status")
ORIGINAL_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")


@dataclass
class Options:
    id: str | None = None
    region: str | None = None
    short_title: str | None = None
    status: str | None = None
    replace: bool = False


@dataclass
class Report:
    path: str
    action: Action
    source: str | None = None  # the text file in the corpus folder
    doc_id: str | None = None
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    date: str | None = None
    effective: str | None = None
    valid_until: str | None = None
    validity: str | None = None
    status: str | None = None
    region: str | None = None
    clauses: int = 0
    format: str | None = None
    warnings: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    message: str | None = None
    message_zh: str | None = None

    @property
    def ok(self) -> bool:
        return self.action not in ("failed",)


def safe_name(stem: str) -> str:
    """A file name that is safe in the corpus folder and in clause ids (no '#', '/', spaces)."""
    return re.sub(r"[\s#/\\?%*:|\"<>]+", "-", stem).strip("-.") or "document"


def _describe(report: Report, document: Document, today: date) -> Report:
    meta = document.meta
    report.doc_id, report.title, report.doc_number, report.issuer = meta.id, meta.title, meta.doc_number, meta.issuer
    report.date, report.effective, report.valid_until = meta.date, meta.effective, meta.valid_until
    report.validity, report.status, report.region = meta.validity(today.isoformat()), meta.status, meta.region
    report.clauses = len(document.clauses)
    report.warnings += document.warnings
    if meta.region is None:
        report.warnings.append("未能从文本判断地区，可用 --region 指定")
    if meta.date is None:
        report.warnings.append("文本未载明成文日期")
    return report


def _entry(source: str, options: Options, doc_id: str | None = None) -> dict:
    entry: dict = {"source": source}
    for name in OVERRIDE_FIELDS:
        value = doc_id if name == "id" and doc_id else getattr(options, name)
        if value:
            entry[name] = value
    return entry


def prepare(path: Path, corpus_dir: Path, options: Options, today: date | None = None) -> tuple[Report, str | None, Document | None]:
    """Read, extract and parse one file without changing anything: the report, the extracted text
    and the document it makes."""
    from .extract import extract_file

    today = today or date.today()
    report = Report(str(path), "checked")
    try:
        extracted = extract_file(path)
        report.format = extracted.format
        report.warnings += extracted.warnings
        name = safe_name(options.id or path.stem) + ".txt"
        report.source = name
        raw = extracted.text.encode("utf-8")
        document = build_document(extracted.text, raw, _entry(name, options), name)
    except PolicyQAError as exc:
        report.action, report.message, report.message_zh = "failed", f"{path}: {exc}", f"{path.name}：{exc.message_zh}（{exc}）"
        return report, None, None
    except (OSError, ValueError) as exc:
        report.action, report.message, report.message_zh = "failed", f"{path}: {exc}", f"{path.name} 无法读取：{exc}"
        return report, None, None
    _describe(report, document, today)
    held, _ = read_corpus(corpus_dir)
    twin = duplicate_of(document.meta, [d.meta for d in held])
    if twin is not None:
        report.duplicate_of = twin.id
        report.message = f"{path.name}: the same document as {twin.id} ({twin.source})"
        report.message_zh = f"{path.name} 与已收录的 {twin.id}（{twin.source}）是同一文件"
    return report, extracted.text, document


def check(paths: list[Path], corpus_dir: Path, options: Options) -> list[Report]:
    """What `add` would read from each file; nothing is written."""
    return [prepare(path, corpus_dir, options)[0] for path in paths]


def add(paths: list[Path], corpus_dir: Path, options: Options) -> list[Report]:
    """Add each file to the corpus folder: the original, its text, and its overrides. A duplicate is
    skipped unless options.replace, which makes it the new version of the held document (its id kept)."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    reports = []
    for path in paths:
        report, text, document = prepare(path, corpus_dir, options)
        if text is None or document is None:
            reports.append(report)
            continue
        keep_id = None
        if report.duplicate_of is not None:
            if not options.replace:
                report.action = "duplicate"
                reports.append(report)
                continue
            old = _held(corpus_dir, report.duplicate_of)
            keep_id = report.duplicate_of
            _delete(corpus_dir, old)
            report.action = "replaced"
        else:
            report.action = "added"
        name = report.source or safe_name(path.stem) + ".txt"
        target = corpus_dir / name
        if target.exists() and target.read_text(encoding="utf-8", errors="replace") != text:
            report.action, report.message = "failed", f"{path}: {target.name} exists in the corpus with other text"
            report.message_zh = f"{path.name}：语料目录中已有同名文件 {target.name}，内容不同（可用 --id 另取名称）"
            reports.append(report)
            continue
        target.write_text(text, encoding="utf-8")
        if report.format != "txt":  # the original beside its text, named by what it is (sniffed, not its name)
            original = corpus_dir / f"{Path(name).stem}.{report.format}"
            if path.resolve() != original.resolve():
                shutil.copyfile(path, original)
        entry = _entry(name, options, keep_id)
        if len(entry) > 1 or keep_id:
            _write_entries(corpus_dir, [e for e in read_entries(corpus_dir) if e.get("source") != name] + [entry])
        if keep_id:
            report.doc_id = keep_id
        reports.append(report)
    return reports


def remove(corpus_dir: Path, doc_id: str) -> Report:
    """Take a document out of the corpus folder: its text, its original and its overrides."""
    document = _held(corpus_dir, doc_id)
    _delete(corpus_dir, document)
    return Report(document.meta.source, "removed", document.meta.source, doc_id, document.meta.title)


def _held(corpus_dir: Path, doc_id: str) -> Document:
    documents, _ = read_corpus(corpus_dir)
    document = next((d for d in documents if d.meta.id == doc_id), None)
    if document is None:
        from .errors import UnknownDocument

        raise UnknownDocument(f"no document {doc_id!r} in {corpus_dir}", f"语料中没有文件 {doc_id}")
    return document


def _delete(corpus_dir: Path, document: Document) -> None:
    text = corpus_dir / document.meta.source
    for original in corpus_dir.glob(f"{glob_escape(text.stem)}.*"):
        if original.suffix.lower() in ORIGINAL_SUFFIXES:
            original.unlink()
    entries = read_entries(corpus_dir)
    kept = [e for e in entries if e.get("source") != document.meta.source]
    if len(kept) != len(entries):
        _write_entries(corpus_dir, kept)


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _toml_value(value: object) -> str:
    # JSON strings and lists of strings are valid TOML basic strings and arrays.
    return json.dumps(value, ensure_ascii=False)


def _write_entries(corpus_dir: Path, entries: list[dict]) -> None:
    """Rewrite documents.toml with these entries, keeping its leading comments; atomically."""
    path = corpus_dir / METADATA_FILE
    header = ""
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        header = text[: text.find("[[document]]")] if "[[document]]" in text else text
    blocks = []
    for entry in entries:
        lines = ["[[document]]"] + [f"{key} = {_toml_value(value)}" for key, value in entry.items()]
        blocks.append("\n".join(lines))
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(header.rstrip("\n") + ("\n\n" if header.strip() else "") + "\n\n".join(blocks) + "\n", encoding="utf-8")
    tmp.replace(path)
