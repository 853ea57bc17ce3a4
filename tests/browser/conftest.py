"""Browser-test fixtures: the real app under uvicorn, host pages on other origins, headless Chromium.

Chromium is Debian's (/usr/bin/chromium, `apt-get install chromium`); Playwright only drives it.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "api" / "static"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WAIT_MS = 30_000  # the longest any single browser wait may take
READY_SECONDS = 60  # the longest the app may take to load its model and index


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- host pages
class _PageHandler(BaseHTTPRequestHandler):
    server: "_SiteServer"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")
            return
        page = self.server.pages.get(path)
        if page is None:
            self._send(404, "未找到".encode(), "text/plain; charset=utf-8")
            return
        content_type = "application/javascript; charset=utf-8" if path.endswith(".js") else "text/html; charset=utf-8"
        body = page() if callable(page) else page
        self._send(200, body.encode("utf-8"), content_type)


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    pages: dict


@dataclass
class Site:
    """A plain web server on its own 127.0.0.1 port: a host page on another origin."""

    server: _SiteServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pages(self) -> dict:
        return self.server.pages

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_site(handler: type[BaseHTTPRequestHandler] = _PageHandler) -> Site:
    server = _SiteServer(("127.0.0.1", 0), handler)
    server.pages = {}
    thread = threading.Thread(target=server.serve_forever, name=f"site-{server.server_address[1]}", daemon=True)
    thread.start()
    return Site(server, thread)


@pytest.fixture(scope="session")
def allowed_site():
    """A host page origin listed in POLICYQA_ALLOWED_ORIGINS."""
    site = start_site()
    yield site
    site.close()


@pytest.fixture(scope="session")
def denied_site():
    """A host page origin the app does not allow."""
    site = start_site()
    yield site
    site.close()


# --------------------------------------------------------------------------- a scripted API
class _ScriptedApiHandler(_PageHandler):
    """Same-origin stand-in for the API whose answers a test chooses by the question asked:
    slow streams, mid-stream errors, 422s and hostile text that the real corpus cannot produce."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append(body)
        scenario = self.server.scenarios.get(body.get("question", ""))
        if scenario is None or self.path != "/api/ask/stream":
            self._send(404, b'{"detail": {"message": "no scenario", "message_zh": "\\u672a\\u627e\\u5230"}}', "application/json")
            return
        status, steps = scenario
        if status != 200:
            self._send(status, json.dumps(steps, ensure_ascii=False).encode(), "application/json")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        for step in steps:
            if isinstance(step, (int, float)):
                time.sleep(step)
                continue
            event, data = step
            chunk = f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
            self.wfile.write(chunk.encode("utf-8"))
            self.wfile.flush()
        self.close_connection = True


@pytest.fixture(scope="session")
def scripted_api():
    """Serves widget.js, a host page and a scripted /api/ask/stream, all on one origin."""
    site = start_site(_ScriptedApiHandler)
    site.server.scenarios = {}
    site.server.requests = []
    site.pages["/widget.js"] = lambda: (STATIC / "widget.js").read_text(encoding="utf-8")
    yield site
    site.close()


# --------------------------------------------------------------------------- the real app
@dataclass
class App:
    port: int
    process: subprocess.Popen
    log: Path
    allowed_origins: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _wait_ready(app: App) -> None:
    deadline = time.monotonic() + READY_SECONDS
    last = "no answer"
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            pytest.fail(f"uvicorn exited with {app.process.returncode} before it was ready:\n{app.log_tail()}")
        try:
            with urllib.request.urlopen(f"{app.url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}: {error.read()[:300]!r}"
        except OSError as error:
            last = str(error)
        time.sleep(0.25)
    pytest.fail(f"the app was not ready after {READY_SECONDS} s ({last}):\n{app.log_tail()}")


@pytest.fixture(scope="session")
def app_server(index_dir, allowed_site, tmp_path_factory):
    """The real FastAPI app in a uvicorn subprocess, with allowed_site's origin allowed."""
    port = free_port()
    log = tmp_path_factory.mktemp("uvicorn") / "uvicorn.log"
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "POLICYQA_INDEX_DIR": str(index_dir),
        "POLICYQA_ALLOWED_ORIGINS": allowed_site.origin,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    app = App(port=port, process=process, log=log, allowed_origins=[allowed_site.origin])
    try:
        _wait_ready(app)
        yield app
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --------------------------------------------------------------------------- the browser
@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class Tab:
    """A page plus what it did that a test must notice: dialogs and uncaught errors."""

    page: object
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_tab(browser):
    """open_tab(url, **context_options) -> Tab; contexts are closed after the test."""
    contexts = []
    tabs: list[Tab] = []

    def _open(url: str, **options) -> Tab:
        options.setdefault("viewport", {"width": 1366, "height": 820})
        options.setdefault("locale", "zh-CN")
        context = browser.new_context(**options)
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        page = context.new_page()
        tab = Tab(page)

        def on_dialog(dialog) -> None:
            tab.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: tab.errors.append(str(error)))
        page.goto(url)
        tabs.append(tab)
        return tab

    yield _open
    for context in contexts:
        context.close()
    errors = [e for tab in tabs for e in tab.errors]
    assert not errors, f"uncaught page errors: {errors}"
