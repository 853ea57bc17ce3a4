"""Load benchmark (not a test): concurrent clients against the real server, 1 and 2 workers side by side.

    python -m eval.bench_load [--clients 50] [--seconds 20] [--workers 1,2] [--backends torch,onnx]

For each embedding backend and worker count, `policyqa serve --workers N` on a free 127.0.0.1 port (rate limits off,
question log in a temporary folder), then `--clients` concurrent connections each sending dev
questions to /api/ask one after another for `--seconds`: from Debian's `wrk` when it is installed
(`.ci/run` and `make bench` do not need it; `apt-get install wrk`), else from asyncio clients in
this process. Prints requests/s, errors and p50/p95/p99 latency.
Then the rate limit: one client floods with the limit on while ten others ask normally; the flooder
must get 429s and the others' latency must hold. The clients run in this process on the same
2 cores as the server, so absolute numbers are lower than with a separate load generator.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

from .bench import free_port, percentile, wait_ready
from .harness import ROOT, load_questions


def start(workers: int, env: dict[str, str], checkout: str | None = None) -> tuple[subprocess.Popen, str]:
    """`policyqa serve` here, or plain uvicorn in another checkout (an older commit, for comparison)."""
    port = free_port()
    if checkout:
        command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    else:
        command = [sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(
        command, cwd=checkout or ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return server, f"http://127.0.0.1:{port}"


async def _client(
    url: str, questions: list[str], offset: int, until: float, out: list, headers: dict | None = None, pause: float = 0.0
) -> None:
    """One connection asking dev questions one after another (with `pause` seconds between them) until `until`."""
    async with httpx.AsyncClient(base_url=url, timeout=60, headers=headers) as client:
        i = offset
        while time.perf_counter() < until:
            t0 = time.perf_counter()
            try:
                response = await client.post("/api/ask", json={"question": questions[i % len(questions)]})
                out.append((time.perf_counter() - t0, response.status_code))
            except httpx.HTTPError:
                out.append((time.perf_counter() - t0, 0))
            i += 1
            if pause:
                await asyncio.sleep(pause)


def load(url: str, questions: list[str], clients: int, seconds: float) -> list[tuple[float, int]]:
    results: list[tuple[float, int]] = []
    until = time.perf_counter() + seconds

    async def main() -> None:
        await asyncio.gather(*(_client(url, questions, n * 7, until, results) for n in range(clients)))

    asyncio.run(main())
    return results


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[(i %% #bodies) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "seconds": %%f, "errors": %%d, "p50": %%d, "p95": %%d, "p99": %%d}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def wrk_row(name: str, url: str, questions: list[str], clients: int, seconds: float, folder: str) -> str:
    """The load from wrk (Debian's wrk: a separate C process, so the load generator costs the server little)."""
    bodies = ",".join(f"[==[{json.dumps({'question': q}, ensure_ascii=False)}]==]" for q in questions)
    script = os.path.join(folder, "load.lua")
    with open(script, "w", encoding="utf-8") as out:
        out.write(WRK_SCRIPT % bodies)
    done = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "--timeout", "30s", "-s", script, f"{url}/api/ask"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    stats = json.loads(done.stdout.strip().splitlines()[-1])
    ERRORS.append(stats["errors"])
    return (
        f"| {name} (wrk) | {stats['requests'] / stats['seconds']:.1f} | {stats['errors']} | {stats['p50'] / 1000:.0f} | "
        f"{stats['p95'] / 1000:.0f} | {stats['p99'] / 1000:.0f} |"
    )


ERRORS: list[int] = []  # per load run, so that `make bench` fails when any request failed


def table_row(name: str, results: list[tuple[float, int]], seconds: float, count: bool = True) -> str:
    ok = [t * 1000 for t, status in results if status == 200]
    errors = sum(status not in (200,) for _, status in results)
    if count:
        ERRORS.append(errors)
    if not ok:
        return f"| {name} | 0 | {errors} | — | — | — |"
    return (
        f"| {name} | {len(ok) / seconds:.1f} | {errors} | {statistics.median(ok):.0f} | "
        f"{percentile(ok, 0.95):.0f} | {percentile(ok, 0.99):.0f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--backends", default="onnx", help="embedding backends to load side by side, e.g. torch,onnx")
    parser.add_argument("--compare", help="also load another checkout (e.g. `git worktree add /tmp/old <commit>`), 1 worker")
    args = parser.parse_args()
    questions = [q.question for q in load_questions(split="dev")]
    base_env = {
        "POLICYQA_INDEX_DIR": str(ROOT / "index"), "POLICYQA_CORPUS_DIR": str(ROOT / "corpus"), "POLICYQA_RATE_LIMIT": "off",
    }  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        backends = args.backends.split(",")
        runs = [(int(w), None, backend) for backend in backends for w in args.workers.split(",")]
        if args.compare:
            runs.insert(0, (1, args.compare, backends[0]))
        for workers, checkout, backend in runs:
            env = {**base_env, "POLICYQA_LOG_DB": f"{tmp}/{backend}-w{workers}.sqlite3", "POLICYQA_EMBEDDING_BACKEND": backend}
            server, url = start(workers, env, checkout)
            try:
                with httpx.Client(base_url=url, timeout=30) as client:
                    wait_ready(client, 180)
                    for _ in range(4 * workers):  # warm every worker
                        client.post("/api/ask", json={"question": questions[0]})
                name = f"{workers} worker{'s' if workers > 1 else ''}, {args.clients} clients"
                name = f"{checkout} (before), {name}" if checkout else name
                name = f"{name}, {backend}" if len(backends) > 1 else name
                if shutil.which("wrk"):
                    rows.append(wrk_row(name, url, questions, args.clients, args.seconds, tmp))
                else:
                    rows.append(table_row(name, load(url, questions, args.clients, args.seconds), args.seconds))
            finally:
                server.terminate()
                server.wait(timeout=60)

        # One client floods with a limit of 30/minute while ten others ask at a normal pace.
        env = {**base_env, "POLICYQA_LOG_DB": f"{tmp}/limited.sqlite3", "POLICYQA_RATE_LIMIT": "30/minute",
               "POLICYQA_TRUSTED_PROXIES": "127.0.0.1"}  # fmt: skip
        server, url = start(1, env)
        try:
            with httpx.Client(base_url=url, timeout=30) as client:
                wait_ready(client, 180)
            flood: list = []
            normal: list = []
            until = time.perf_counter() + args.seconds

            async def both() -> None:
                tasks = [_client(url, questions, 0, until, flood, {"X-Forwarded-For": "203.0.113.66"}) for _ in range(5)]
                # Normal visitors, each from its own address, one question every 3 s: 20 a minute, under the limit.
                tasks += [
                    _client(url, questions, n * 11, until, normal, {"X-Forwarded-For": f"198.51.100.{n + 1}"}, pause=3.0)
                    for n in range(10)
                ]
                await asyncio.gather(*tasks)

            asyncio.run(both())
        finally:
            server.terminate()
            server.wait(timeout=60)
    limited = sum(status == 429 for _, status in flood)
    flood_ms = sorted(t * 1000 for t, status in flood if status == 429)
    generator = "wrk (a separate process)" if shutil.which("wrk") else "clients in this process (install wrk for less overhead)"
    print(f"machine: {os.cpu_count()} cores; load from {generator}; {args.seconds:.0f} s per run\n")
    print("| server | req/s | errors | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(table_row("1 worker, 10 normal clients beside a flooder", normal, args.seconds))
    print(
        f"\nflooder (5 connections, one address, limit 30/minute): {len(flood)} requests, {limited} got 429"
        + (f" (p50 {statistics.median(flood_ms):.1f} ms)" if flood_ms else "")
    )
    if any(ERRORS) or not limited:
        print(f"FAILED: {sum(ERRORS)} failed requests; flooder limited: {limited}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
