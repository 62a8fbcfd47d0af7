"""The HTTP API under load: start `library-assistant serve` on a free loopback port, drive POST /api/ask
from N client threads for a bounded time and count, read the server's peak memory, stop the server."""

from __future__ import annotations

import itertools
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import httpx

from benchmarks.measure import CLI, PROJECT_ROOT, proc_cpu_seconds, proc_status_kib, summary

HOST = "127.0.0.1"
START_TIMEOUT_S = 180.0
REQUEST_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 15.0


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class ServerFailed(RuntimeError):
    """The server did not come up (or died); the message includes the tail of its log."""


@dataclass
class Server:
    """A `library-assistant serve` subprocess on loopback; use as a context manager so it always stops."""

    env: dict
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    startup_s: float | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> "Server":
        self.log = open(self.log_path, "wb")
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [CLI, "serve", "--host", HOST, "--port", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, env=self.env, cwd=PROJECT_ROOT,
        )
        try:
            self._wait_healthy(started)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_healthy(self, started: float) -> None:
        deadline = started + START_TIMEOUT_S
        with httpx.Client(timeout=2.0) as client:
            while time.perf_counter() < deadline:
                if self.process.poll() is not None:
                    raise ServerFailed(f"the server exited with {self.process.returncode}: {self.log_tail()}")
                try:
                    if client.get(self.base_url + "/healthz").status_code == 200:
                        self.startup_s = time.perf_counter() - started
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
        raise ServerFailed(f"no healthy /healthz within {START_TIMEOUT_S:.0f} s: {self.log_tail()}")

    def log_tail(self, chars: int = 1500) -> str:
        self.log.flush()
        return self.log_path.read_bytes()[-chars:].decode("utf-8", "replace")

    def cpu_seconds(self) -> float | None:
        return proc_cpu_seconds(self.process.pid)

    def memory_mb(self) -> dict:
        """Peak (VmHWM) and current (VmRSS) resident memory of the server process, in MB."""
        pid = self.process.pid
        peak, now = proc_status_kib(pid, "VmHWM"), proc_status_kib(pid, "VmRSS")
        return {"peak_rss_mb": None if peak is None else peak / 1024, "rss_mb": None if now is None else now / 1024}

    def __exit__(self, *exc) -> None:
        """SIGINT (uvicorn's graceful stop), then SIGTERM, then SIGKILL: only this process, by its pid."""
        proc = self.process
        if proc is not None and proc.poll() is None:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
                proc.send_signal(sig)
                try:
                    proc.wait(timeout=STOP_TIMEOUT_S)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.log.close()


def load_test(base_url: str, questions: Sequence[str], clients: int, duration_s: float, max_requests: int,
              *, start: int = 0, server_pid: int | None = None) -> dict:
    """`clients` threads POST /api/ask back to back until `duration_s` passes or `max_requests` are sent.

    Questions are taken in order from position `start` (so consecutive tests continue through the list
    rather than repeating its beginning); `next_start` in the result is where the next test should begin.
    With `server_pid`, the server's CPU seconds per answer are reported too."""
    counter = itertools.count()
    lock = threading.Lock()
    latencies_ms: list[float] = []
    errors: dict[str, int] = {}
    stop_at = time.perf_counter() + duration_s

    def worker() -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
            while time.perf_counter() < stop_at:
                n = next(counter)
                if n >= max_requests:
                    return
                question = questions[(start + n) % len(questions)]
                started = time.perf_counter()
                try:
                    response = client.post("/api/ask", json={"question": question})
                    ok = response.status_code == 200 and "verdict" in response.json()
                    problem = None if ok else f"HTTP {response.status_code}"
                except (httpx.HTTPError, ValueError) as exc:
                    problem = exc.__class__.__name__
                elapsed_ms = (time.perf_counter() - started) * 1000
                with lock:
                    if problem is None:
                        latencies_ms.append(elapsed_ms)
                    else:
                        errors[problem] = errors.get(problem, 0) + 1

    threads = [threading.Thread(target=worker, name=f"client-{i}", daemon=True) for i in range(clients)]
    server_cpu = proc_cpu_seconds(server_pid) if server_pid else None
    client_cpu = time.process_time()
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration_s + REQUEST_TIMEOUT_S + 5)
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu
    if server_cpu is not None:
        server_cpu = proc_cpu_seconds(server_pid) - server_cpu
    sent = min(next(counter), max_requests)
    answered = len(latencies_ms)
    return {
        "clients": clients,
        "wall_s": wall,
        "answers": len(latencies_ms),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "answers_per_s": len(latencies_ms) / wall if wall else None,
        "latency_ms": summary(latencies_ms),
        "questions_from": start % len(questions),
        "requests": sent,
        "distinct_questions": min(sent, len(questions)),
        "next_start": start + sent,
        "server_cpu_ms_per_answer": server_cpu * 1000 / answered if server_cpu is not None and answered else None,
        "client_cpu_ms_per_answer": client_cpu * 1000 / answered if answered else None,
    }

