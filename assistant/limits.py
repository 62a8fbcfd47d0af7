"""Abuse limits for the public server: a per-client rate limit and a time limit on each answer.

    limiter = RateLimiter.parse("60/minute")     # token bucket per client address
    guard = RateLimitGuard(app, limiter)          # ASGI middleware: 429 with Retry-After on the limited paths
    ask = TimeLimitedAsk(assistant.ask, 10.0)     # raises AnswerTimeout instead of waiting for ever
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}
MAX_TRACKED_CLIENTS = 10_000  # least recently seen addresses are forgotten beyond this
LIMITED_API_PATHS = ("/api/ask", "/api/feedback")
# Every Gradio event (ask, rate, comment, restart) enters through one of these, under each view's mount path.
GRADIO_EVENT_MARKERS = ("/gradio_api/queue/join", "/gradio_api/call/", "/gradio_api/run/", "/gradio_api/api/")
TOO_MANY = (
    "Too many questions from your address. Please wait {seconds} s and try again. "
    "Liian monta kysymystä: odota {seconds} s. För många frågor: vänta {seconds} s."
)


class AnswerTimeout(Exception):
    """Answering took longer than the configured limit."""


def parse_rate(text: str) -> tuple[int, float] | None:
    """'60/minute' -> (60, 60.0); 'off' or '0' -> None (no limit). ValueError for anything else."""
    text = text.strip().lower()
    if text in ("off", "none", "0", "unlimited"):
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(second|minute|hour)s?", text)
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"rate limit must look like '60/minute' (or 'off'), not {text!r}")
    return int(match.group(1)), PERIODS[match.group(2)]


class RateLimiter:
    """Token bucket per key: `count` requests at once, refilled at count/period per second. Thread-safe."""

    def __init__(self, count: int, period: float, clock: Callable[[], float] = time.monotonic):
        self.count, self.period, self.clock = count, period, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def parse(cls, text: str) -> "RateLimiter | None":
        rate = parse_rate(text)
        return None if rate is None else cls(*rate)

    def acquire(self, key: str) -> float:
        """0.0 when the request may go ahead, else the seconds to wait before the next one is allowed."""
        rate = self.count / self.period
        with self._lock:
            now = self.clock()
            tokens, seen = self._buckets.pop(key, (float(self.count), now))
            tokens = min(float(self.count), tokens + (now - seen) * rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / rate
            if wait == 0.0:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > MAX_TRACKED_CLIENTS:
                self._buckets.popitem(last=False)
            return wait


def is_limited_path(method: str, path: str) -> bool:
    """The requests that cost work: asking and feedback in the API, and every Gradio event."""
    if method != "POST":
        return False
    return path.rstrip("/") in LIMITED_API_PATHS or any(marker in path for marker in GRADIO_EVENT_MARKERS)


class RateLimitGuard:
    """Pure ASGI middleware: a friendly 429 JSON answer with Retry-After when a client asks too often.

    The client is the connection's address; behind a reverse proxy on the same host uvicorn takes it from
    X-Forwarded-For (it trusts 127.0.0.1 by default), so each visitor gets their own allowance.
    """

    def __init__(self, app: Any, limiter: RateLimiter | None):
        self.app, self.limiter = app, limiter

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if self.limiter is None or scope["type"] != "http" or not is_limited_path(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        client = scope.get("client") or ("unknown", 0)
        wait = self.limiter.acquire(str(client[0]))
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        seconds = max(1, math.ceil(wait))
        body = json.dumps({"error": TOO_MANY.format(seconds=seconds)}, ensure_ascii=False).encode("utf-8")
        await send({
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(seconds).encode()),
            ],
        })
        await send({"type": "http.response.body", "body": body})


class TimeLimitedAsk:
    """Wraps `ask(question, history)` so a caller waits at most `seconds` (the work itself cannot be killed,
    so a bounded pool of workers keeps runaway answers from piling up)."""

    def __init__(self, ask: Callable[..., Any], seconds: float, workers: int = 32):
        self._ask, self.seconds = ask, seconds
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="answer")

    def __call__(self, question: str, history: Any = ()) -> Any:
        if not self.seconds or self.seconds <= 0:
            return self._ask(question, history)
        future = self._pool.submit(self._ask, question, history)
        try:
            return future.result(timeout=self.seconds)
        except FutureTimeout:
            future.cancel()
            raise AnswerTimeout(f"answering took longer than {self.seconds:g} s") from None
