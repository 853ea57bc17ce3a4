"""Several server processes that share the load: `policyqa serve --workers N`.

uvicorn's own `--workers` binds one socket in the parent and every worker accepts from it; the
kernel then hands nearly every connection to the same worker (measured here: all 50 keep-alive
connections of a load test on one of two workers, the other idle). So each worker binds its own
listener with SO_REUSEPORT and the kernel spreads connections across them by address hash (Linux).
Where SO_REUSEPORT is missing, uvicorn's supervisor is used as before.

The parent only supervises: it restarts a worker that dies, and on SIGTERM or SIGINT sends each
worker SIGTERM, so it finishes its requests in flight (uvicorn's graceful shutdown) and exits.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import time
from typing import Any

logger = logging.getLogger(__name__)

RESTART_PAUSE = 1.0  # seconds between restarts of a worker that keeps dying


def listener(host: str, port: int) -> socket.socket:
    """A listening socket in the port's SO_REUSEPORT group."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(options: dict[str, Any]) -> None:
    import uvicorn

    config = uvicorn.Config(**options)
    uvicorn.Server(config).run(sockets=[listener(config.host, config.port)])


def serve(workers: int, **options: Any) -> None:
    """Run `workers` uvicorn servers with `options` (uvicorn.Config's arguments) until told to stop."""
    import uvicorn

    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT") or options.get("port") == 0:
        uvicorn.run(workers=workers, **options)
        return
    # Fail here, once, when the address is taken by something that is not in a reuse-port group.
    listener(options["host"], options["port"]).close()
    context = multiprocessing.get_context("spawn")
    processes: list[multiprocessing.process.BaseProcess] = []
    stopping = False

    def start() -> multiprocessing.process.BaseProcess:
        process = context.Process(target=_worker, args=(options,), name="policyqa-worker")
        process.start()
        return process

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for process in processes:
            if process.is_alive() and process.pid:
                try:
                    # SIGTERM, whatever came: after Ctrl-C the workers have had SIGINT from the terminal
                    # already, and a second SIGINT would make uvicorn drop the requests in flight.
                    os.kill(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        processes.extend(start() for _ in range(workers))
        logger.info("started %d workers, each with its own listener on %s:%s", workers, options["host"], options["port"])
        while not stopping:
            time.sleep(0.2)
            for i, process in enumerate(processes):
                if not process.is_alive() and not stopping:
                    logger.warning("worker %s exited with %s; starting another", process.pid, process.exitcode)
                    time.sleep(RESTART_PAUSE)
                    processes[i] = start()
        for process in processes:
            process.join(timeout=float(options.get("timeout_graceful_shutdown") or 30) + 10)
            if process.is_alive():
                process.kill()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
