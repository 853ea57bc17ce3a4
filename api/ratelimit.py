"""Rate limits per client and per widget origin, with the `limits` library (the one slowapi and
Flask-Limiter are built on): its rate strings ("60/minute") and fixed-window limiter, over a storage
that several workers share. `POLICYQA_RATE_LIMIT_STORAGE` names any storage `limits` knows
(`redis://…` for several hosts); the default is a SQLite file beside the question log, so the
workers of one host count together. A client is its IP address; `X-Forwarded-For` is believed only
when the direct peer is one of `POLICYQA_TRUSTED_PROXIES`."""
from __future__ import annotations

import ipaddress
import logging
import sqlite3
import threading
import time
from pathlib import Path

from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

logger = logging.getLogger(__name__)


class SQLiteStorage(Storage):
    """Counters in one SQLite file (WAL), shared by the processes that open it: policyqa+sqlite:///path"""

    STORAGE_SCHEME = ["policyqa+sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        path = Path(uri.split("://", 1)[1])
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=5, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL)")

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")  # one writer at a time across processes
            try:
                self._db.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
                self._db.execute(
                    "INSERT INTO counters (key, value, expires) VALUES (?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
                    (key, amount, now + expiry),
                )
                (value,) = self._db.execute("SELECT value FROM counters WHERE key = ?", (key,)).fetchone()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return int(value)

    def get(self, key: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT value FROM counters WHERE key = ? AND expires > ?", (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        with self._lock:
            row = self._db.execute("SELECT expires FROM counters WHERE key = ?", (key,)).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            with self._lock:
                self._db.execute("SELECT 1")
            return True
        except sqlite3.Error:
            return False

    def reset(self) -> int | None:
        with self._lock:
            count = self._db.execute("DELETE FROM counters").rowcount
        return count

    def clear(self, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM counters WHERE key = ?", (key,))


def parse_rate(value: str) -> RateLimitItem | None:
    """"60/minute" (any form `limits` reads), or None for "off"."""
    if value.strip().lower() in ("off", "none", "0", ""):
        return None
    return parse(value)


class RateLimiter:
    """Per client and per origin limits; `hit` answers how long to wait (seconds) or None."""

    def __init__(self, client_rate: str, origin_rate: str, storage_uri: str, trusted_proxies: list[str]):
        self.client_rate = parse_rate(client_rate)
        self.origin_rate = parse_rate(origin_rate)
        self.enabled = bool(self.client_rate or self.origin_rate)
        self.limiter = FixedWindowRateLimiter(storage_from_string(storage_uri)) if self.enabled else None
        self.proxies = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]

    def client(self, peer: str | None, forwarded_for: str | None) -> str:
        """The client's address: the peer, or, behind a trusted proxy, the last address in
        X-Forwarded-For that is not itself a trusted proxy."""
        address = peer or "unknown"
        if forwarded_for and self._trusted(address):
            for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
                address = hop
                if not self._trusted(hop):
                    break
        return address

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.proxies)

    def hit(self, client: str, origin: str | None) -> tuple[float, RateLimitItem] | None:
        """Count one request; (seconds to wait, the limit) when a limit is exceeded."""
        if self.limiter is None:
            return None
        checks = [(self.client_rate, f"client:{client}")]
        if origin:
            checks.append((self.origin_rate, f"origin:{origin}"))
        for rate, key in checks:
            if rate is None:
                continue
            try:
                allowed = self.limiter.hit(rate, key)
            except Exception:  # a broken limiter store must not take the service down
                logger.exception("rate limiter storage failed; request let through")
                return None
            if not allowed:
                reset = self.limiter.get_window_stats(rate, key).reset_time
                return max(reset - time.time(), 1.0), rate
        return None
