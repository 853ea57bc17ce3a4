"""Turn library and validation errors into bilingual JSON responses; never a traceback."""
from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag.errors import Forbidden, IndexUnavailable, InvalidRequest, NotFound, PolicyQAError, TooLarge, Unauthorized

logger = logging.getLogger(__name__)

_LIMITS = {
    "question": "问题", "top_k": "top_k", "k": "k", "q": "查询词", "region": "地区", "doc_id": "文件编号",
    "history": "对话历史", "role": "对话角色", "content": "对话内容", "citations": "引用条款",
    "ask_id": "回答编号", "helpful": "helpful", "comment": "意见",
}  # fmt: skip


def error_body(message: str, message_zh: str, **extra: object) -> dict:
    return {"detail": {"message": message, "message_zh": message_zh, **extra}}


def _zh(error: dict) -> str:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
    field = _LIMITS.get(loc[-1], loc[-1]) if loc else "请求"
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "json_invalid":
        return "请求体不是合法的 JSON"
    if kind == "missing":
        return f"缺少必填字段：{field}"
    if kind in ("string_type", "str_type"):
        return f"{field}必须是字符串"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{field}必须是整数"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{field}必须在 1 到 50 之间"
    if kind == "string_too_long":
        return f"{field}过长，最多 {ctx.get('max_length')} 个字"
    if kind == "literal_error":
        options = "、".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return f"{field}取值无效，可选：{options}"
    if kind == "blank":
        return f"{field}不能为空"
    if kind == "history_too_long":
        return "对话历史过长，最多 8000 字，请删去较早的对话"
    if kind == "too_long":
        return f"{field}过多，最多 {ctx.get('max_length')} 项"
    if kind in ("bool_parsing", "bool_type"):
        return f"{field}必须是 true 或 false"
    if kind == "list_type":
        return f"{field}必须是列表"
    if kind == "extra_forbidden":
        return f"不支持的字段：{field}"
    if kind == "model_attributes_type" or kind == "dict_type":
        return "请求体必须是 JSON 对象"
    return f"{field}无效"


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"loc": list(e.get("loc", ())), "type": e.get("type"), "msg": e.get("msg"), "msg_zh": _zh(e)}
        for e in exc.errors()
    ]
    english = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    chinese = "；".join(dict.fromkeys(e["msg_zh"] for e in errors))
    return JSONResponse(status_code=422, content=error_body(f"Invalid request: {english}", chinese, errors=errors))


async def _policyqa_error(request: Request, exc: PolicyQAError) -> JSONResponse:
    status = (
        401 if isinstance(exc, Unauthorized)
        else 403 if isinstance(exc, Forbidden)
        else 413 if isinstance(exc, TooLarge)
        else 404 if isinstance(exc, NotFound)
        else 422 if isinstance(exc, InvalidRequest)
        else 503 if isinstance(exc, IndexUnavailable)
        else 500
    )  # fmt: skip
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(status_code=status, content=error_body(str(exc), exc.message_zh), headers=headers)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400:  # a body FastAPI could not even decode is invalid input like any other
        return JSONResponse(status_code=422, content=error_body(f"Invalid request: {exc.detail}", "请求体无法解析"))
    zh = {404: "未找到", 405: "不支持该请求方法", 413: "请求体过大"}.get(exc.status_code, "请求错误")
    return JSONResponse(status_code=exc.status_code, content=error_body(str(exc.detail), zh), headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unexpected error on %s", request.url.path)
    return JSONResponse(status_code=500, content=error_body("Internal error", "服务内部错误，请稍后再试"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(PolicyQAError, _policyqa_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
