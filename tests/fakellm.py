"""A scripted OpenAI-compatible chat server on 127.0.0.1 — a fake, because no language model can be
downloaded here. The real client (LangChain's ChatOpenAI over the openai package) talks to it over
HTTP, streaming (server-sent events) and not, so everything but the model's wording is real.

A test sets `server.script`: a function from the request's JSON to a reply — `Text` (the model's
answer, optionally slow), `Status` (an HTTP error), `Cut` (the stream or body stops in the middle),
`Invalid` (a body that is not JSON) or `Hang` (no answer at all).
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Text:
    content: str
    finish: str = "stop"
    delay: float = 0.0  # seconds before the answer starts
    piece_chars: int = 3  # streamed this many characters at a time


@dataclass
class Status:
    code: int
    message: str = "error"


@dataclass
class Cut:
    content: str  # what is sent before the connection drops


@dataclass
class Invalid:
    pass


@dataclass
class Hang:
    seconds: float


Reply = Text | Status | Cut | Invalid | Hang


def clauses_in(request: dict) -> dict[int, str]:
    """The clauses the prompt gave, by their number: [n] header line, then the text."""
    prompt = request["messages"][-1]["content"]
    listing = prompt.split("条款：\n", 1)[-1].split("\n\n问题：", 1)[0]
    out = {}
    for block in re.split(r"\n\n(?=\[\d+\] )", listing):
        head, _, text = block.partition("\n")
        m = re.match(r"\[(\d+)\] ", head)
        if m:
            out[int(m.group(1))] = text
    return out


def question_in(request: dict) -> str:
    return request["messages"][-1]["content"].rsplit("问题：", 1)[-1]


class FakeLLM:
    def __init__(self) -> None:
        self.script: Callable[[dict], Reply] = lambda request: Text("无法回答")
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(request)
                reply = fake.script(request)
                if isinstance(reply, Hang):
                    time.sleep(reply.seconds)
                    self.close_connection = True
                    return
                if isinstance(reply, Status):
                    self._json(reply.code, {"error": {"message": reply.message, "type": "server_error"}})
                    return
                if isinstance(reply, Invalid):
                    self._raw(200, b"{this is not json", "application/json")
                    return
                if isinstance(reply, Text) and reply.delay:
                    time.sleep(reply.delay)
                if request.get("stream"):
                    self._stream(reply)
                elif isinstance(reply, Cut):
                    body = json.dumps(_completion(reply.content, "stop")).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.close_connection = True
                else:
                    self._json(200, _completion(reply.content, reply.finish))

            def _stream(self, reply: Reply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                content = reply.content if isinstance(reply, (Text, Cut)) else ""
                step = reply.piece_chars if isinstance(reply, Text) else 3
                for i in range(0, len(content), step):
                    self._chunk(_delta(content[i : i + step], None))
                if isinstance(reply, Cut):  # the connection drops: no finish reason, no [DONE], no last chunk
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self._chunk(_delta("", reply.finish))
                self._send_chunk(b"data: [DONE]\n\n")
                self._send_chunk(b"")

            def _chunk(self, data: dict) -> None:
                self._send_chunk(f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode())

            def _send_chunk(self, data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def _json(self, code: int, data: dict) -> None:
                self._raw(code, json.dumps(data, ensure_ascii=False).encode(), "application/json")

            def _raw(self, code: int, body: bytes, kind: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _completion(content: str, finish: str) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _delta(content: str, finish: str | None) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [{"index": 0, "delta": {"content": content} if content else {}, "finish_reason": finish}],
    }
