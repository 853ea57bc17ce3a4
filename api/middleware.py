"""ASGI middleware: the body limit (chunked bodies included), rate limits, one log line per request."""
from __future__ import annotations

import json
import logging
import math
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_body
from .ratelimit import RateLimiter

logger = logging.getLogger("policyqa.access")


async def _send_json(send: Send, status: int, body: dict, headers: list[tuple[bytes, bytes]] = ()) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *headers],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": data})


class BodyLimit:
    """413 for a body over the limit, whether it says its length or not. With Content-Length the
    server's framing holds the body to it, so the header is checked; a chunked body is read here up
    to the limit and then handed on, so it cannot slip past."""

    def __init__(self, app: ASGIApp, limit_for) -> None:
        self.app, self.limit_for = app, limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"")
        if length.isdigit():
            if int(length) > limit:
                await _send_json(send, 413, error_body("Request body too large", "请求体过大"))
                return
            await self.app(scope, receive, send)
            return
        if b"chunked" not in headers.get(b"transfer-encoding", b"").lower():
            await self.app(scope, receive, send)
            return
        messages, seen = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > limit:
                await _send_json(send, 413, error_body("Request body too large", "请求体过大"))
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


class Guard:
    """Rate limits for /api/ routes (429 with Retry-After and the bilingual body), then one log line
    per request: method, route, status, milliseconds, answer id."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app, self.limiter = app, limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope["headers"])
        status = 0
        if self.limiter.enabled and scope["path"].startswith("/api/") and scope["method"] != "OPTIONS":
            peer = scope["client"][0] if scope.get("client") else None
            client = self.limiter.client(peer, headers.get(b"x-forwarded-for", b"").decode("latin-1") or None)
            scope.setdefault("state", {})["client"] = client
            origin = headers.get(b"origin", b"").decode("latin-1") or None
            exceeded = self.limiter.hit(client, origin)
            if exceeded is not None:
                wait, rate = exceeded
                seconds = math.ceil(wait)
                per = f"{rate.amount} per {rate.multiples} {rate.GRANULARITY.name}"
                body = error_body(
                    f"Too many requests: at most {per}; retry in {seconds} s",
                    f"请求过于频繁，请 {seconds} 秒后再试。",
                    retry_after=seconds,
                )
                await _send_json(send, 429, body, [(b"retry-after", str(seconds).encode())])
                self._log(scope, 429, started)
                return

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self._log(scope, status, started)

        await self.app(scope, receive, watch)

    @staticmethod
    def _log(scope: Scope, status: int, started: float) -> None:
        route = scope.get("route")
        path = getattr(route, "path", None) or scope["path"]
        ask_id = (scope.get("state") or {}).get("ask_id")
        ms = (time.perf_counter() - started) * 1000
        logger.info(
            "%s %s %d %.1fms%s", scope["method"], path, status, ms, f" ask={ask_id}" if ask_id else "",
            extra={"method": scope["method"], "route": path, "status": status, "ms": round(ms, 1), "ask_id": ask_id},
        )  # fmt: skip
