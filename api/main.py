"""The FastAPI app: loads the index once at start, serves the API and the widget."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers

from .admin import router as admin_router
from .docs import install_docs
from .logs import quiet_libraries
from .errors import error_body, install_error_handlers
from .metrics import install_metrics
from .middleware import BodyLimit, Guard
from .ratelimit import RateLimiter
from .routes import router
from .settings import Settings, get_settings
from .state import AppState, load_state

STATIC = Path(__file__).resolve().parent / "static"
# A 500-character question is ~1.5 KB of JSON; its history (8,000 characters) and cited ids up to ~30 KB.
MAX_BODY_BYTES = 64 * 1024

DESCRIPTION = """政策问答：基于已收录政策文件的问答服务，每个回答都引用具体条款原文（收录的文件见 `/api/documents`）。

Ask in Chinese, e.g. `灵活就业人员的社会保险费可以缓缴吗？`"""


class AllowlistCORS(CORSMiddleware):
    """Starlette's CORS; a refused preflight gets the API's bilingual error instead of plain text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        origin = request_headers.get("origin", "")
        return JSONResponse(
            status_code=403,
            content=error_body(
                f"{bytes(response.body).decode()} ({origin}); add it to POLICYQA_ALLOWED_ORIGINS",
                f"跨域请求被拒绝：{origin} 不在允许列表中，请在 POLICYQA_ALLOWED_ORIGINS 中加入该网站",
            ),
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        quiet_libraries()
        app.state.policyqa = load_state(settings)
        yield
        if app.state.policyqa.log is not None:
            app.state.policyqa.log.close()

    app = FastAPI(
        title="PolicyQA 政策问答", version="0.1.0", description=DESCRIPTION, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.policyqa = AppState()
    app.state.settings = settings
    install_error_handlers(app)

    # Uploads have their own limit, checked per file as they are read.
    upload_limit = settings.max_upload_bytes * 4
    app.add_middleware(BodyLimit, limit_for=lambda path: upload_limit if path.startswith("/api/admin/") else MAX_BODY_BYTES)
    limiter = RateLimiter(settings.rate_limit, settings.origin_rate_limit, settings.rate_limit_uri, settings.trusted_proxies)
    app.add_middleware(Guard, limiter=limiter)
    # Outermost, so that a 429 or 413 carries the CORS headers the widget needs to read it.
    app.add_middleware(
        AllowlistCORS,
        allow_origins=settings.allowed_origins,
        allow_methods=["GET", "POST"],  # the admin routes are for servers, not pages
        allow_headers=["Content-Type"],
        expose_headers=["Retry-After"],
    )
    install_metrics(app)
    install_docs(app)

    app.include_router(router)
    app.include_router(admin_router)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")

    @app.get("/", include_in_schema=False)
    def demo_page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/widget.js", include_in_schema=False)
    def widget() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="application/javascript; charset=utf-8")

    return app


app = create_app()
