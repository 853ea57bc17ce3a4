"""Admin routes: upload and remove documents (off unless POLICYQA_ADMIN_TOKEN is set)."""
from __future__ import annotations

import hmac
import logging
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from rag.errors import CorpusError, Forbidden, NotFound, TooLarge, Unauthorized
from rag.index import read_manifest
from rag.ingest import Options, Report, add, remove, safe_name

from .schemas import ERROR_RESPONSES, ErrorResponse
from .settings import Settings
from .state import reload

logger = logging.getLogger(__name__)
router = APIRouter(
    prefix="/api/admin", tags=["管理"],
    responses={**ERROR_RESPONSES, 401: {"model": ErrorResponse, "description": "需要管理令牌"}, 403: {"model": ErrorResponse, "description": "管理令牌错误"}},
)  # fmt: skip
_WRITING = threading.Lock()  # one corpus change at a time in this process


def require_admin(request: Request, authorization: Annotated[str | None, Header()] = None) -> Settings:
    """The admin token as a Bearer credential, compared in constant time."""
    settings: Settings = request.app.state.settings
    if not settings.admin_token:
        raise NotFound("the admin API is off (set POLICYQA_ADMIN_TOKEN)", "管理接口未开启")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("admin token required: Authorization: Bearer <token>")
    if not hmac.compare_digest(token.strip().encode(), settings.admin_token.encode()):
        raise Forbidden("wrong admin token")
    return settings


AdminDep = Annotated[Settings, Depends(require_admin)]


def _report(report: Report) -> dict:
    return {**asdict(report), "ok": report.ok}


def _rebuild(request: Request, settings: Settings) -> dict:
    """Bring the index up to date (only new clauses are embedded) and serve it without a restart.
    The embedding runs in a child process at a lower CPU priority, so the questions this server is
    answering meanwhile keep their speed."""
    command = [
        sys.executable, "-m", "rag.cli", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir),
        "--model", settings.embedding_model, "index",
    ]  # fmt: skip
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, preexec_fn=lambda: os.nice(10), timeout=3600)
    if done.returncode != 0:
        raise CorpusError(f"index rebuild failed: {done.stderr.strip()[-500:]}", "索引重建失败，请查看服务日志")
    reload(request.app.state.policyqa, settings)
    return read_manifest(settings.index_dir)["counts"]


@router.post("/documents")
def upload_documents(
    request: Request,
    settings: AdminDep,
    files: Annotated[list[UploadFile], File(description="txt, md, html, docx or pdf; the type is read from the content")],
    id: Annotated[str | None, Form()] = None,
    region: Annotated[str | None, Form()] = None,
    short_title: Annotated[str | None, Form()] = None,
    status: Annotated[str | None, Form()] = None,
    replace: Annotated[bool, Form()] = False,
) -> JSONResponse:
    """Add documents to the corpus and serve the new index; the same report as `policyqa check`."""
    options = Options(id or None, region or None, short_title or None, status or None, replace)
    with tempfile.TemporaryDirectory(prefix="policyqa-upload-") as folder:
        paths = []
        for upload in files:
            data = upload.file.read(settings.max_upload_bytes + 1)
            if len(data) > settings.max_upload_bytes:
                raise TooLarge(
                    f"{upload.filename}: larger than {settings.max_upload_bytes} bytes",
                    f"文件 {upload.filename} 超过 {settings.max_upload_bytes // (1024 * 1024)} MB 上限",
                )
            name = Path(upload.filename or "upload")
            path = Path(folder) / (safe_name(name.stem) + name.suffix.lower())
            path.write_bytes(data)
            paths.append(path)
        with _WRITING:
            reports = add(paths, settings.corpus_dir, options)
            counts = _rebuild(request, settings) if any(r.action in ("added", "replaced") for r in reports) else None
    for report, upload in zip(reports, files):
        report.path = upload.filename or report.path  # not the temporary file's name
    body = {"documents": [_report(r) for r in reports], "index": counts}
    return JSONResponse(status_code=200 if any(r.ok for r in reports) else 422, content=body)


@router.delete("/documents/{doc_id}")
def delete_document(doc_id: str, request: Request, settings: AdminDep) -> dict:
    """Remove a document from the corpus and serve the new index."""
    with _WRITING:
        report = remove(settings.corpus_dir, doc_id)
        counts = _rebuild(request, settings)
    return {"documents": [_report(report)], "index": counts}


@router.get("/report")
def report(
    request: Request,
    settings: AdminDep,
    days: Annotated[int, Query(ge=1, le=3650, description="最近多少天")] = 30,
) -> dict:
    """For the office: questions per day, share answered, topics, declined questions grouped, unhelpful answers, most cited clauses."""
    state = request.app.state.policyqa
    if state.log is None:
        raise NotFound("the question log is off (POLICYQA_LOG_DB=off)", "未开启问答记录")
    embed = state.pipeline.embedder.encode if state.pipeline is not None else None
    return state.log.report(days, embed)
