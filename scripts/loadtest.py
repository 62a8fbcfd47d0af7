"""Load test: N concurrent clients for a bounded time against a `library-assistant serve` on loopback.

    .venv/bin/python scripts/loadtest.py              # 32 clients, 60 s, half /api/ask, half the widget's event
    .venv/bin/python scripts/loadtest.py --quick      # 8 clients, 5 s (what CI runs)

Starts its own server on 127.0.0.1 (a free port, rate limit off for this run), so it never aims anywhere else.
Every client alternates between POST /api/ask and the widget's Gradio `ask` event (POST
/widget/gradio_api/call/ask, then its result stream). Bounded: at most --max-requests in total and
--seconds of load. Reports errors, p50/p95 latency per endpoint and the server's resident memory after a warm-up
and at the end; exits 1 on any error or when memory grew by 10% or more.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

HOST = "127.0.0.1"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "Myykö kirjasto kirjoja?",
    "Does the library organise free events?",
    "Köper biblioteket in artister till sina evenemang?",
    "Voiko kirjastosta vuokrata tilan pitkäaikaiseen käyttöön?",
    "Does the library lend bicycles?",
    "Erbjuder biblioteket digital rådgivning för seniorer?",
]
MAX_RSS_GROWTH = 0.10


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Server:
    """`python -m assistant serve` on a free loopback port, stopped on exit."""

    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.env = env

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--host", HOST, "--port", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=self.env,
            cwd=PROJECT_ROOT,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited: {self.process.stdout.read().decode(errors='replace')[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise SystemExit("the server did not become healthy within 300 s")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def ask_api(client: httpx.Client, url: str, question: str) -> None:
    response = client.post(url + "/api/ask", json={"question": question})
    if response.status_code != 200 or "verdict" not in response.json():
        raise RuntimeError(f"/api/ask {response.status_code}: {response.text[:200]}")


def ask_widget(client: httpx.Client, url: str, question: str) -> None:
    response = client.post(url + "/widget/gradio_api/call/ask", json={"data": [question]})
    if response.status_code != 200:
        raise RuntimeError(f"widget join {response.status_code}: {response.text[:200]}")
    event_id = response.json()["event_id"]
    with client.stream("GET", f"{url}/widget/gradio_api/call/ask/{event_id}") as stream:
        event = None
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error" or "verdict" not in line:
                    raise RuntimeError(f"widget event {event}: {line[:200]}")
                return
    raise RuntimeError("widget stream ended without a result")


def run_load(url: str, clients: int, seconds: float, max_requests: int, pid: int | None,
             warmup: float, endpoints: tuple[str, ...] = ("api", "widget")) -> dict:
    latencies: dict[str, list[float]] = {"api": [], "widget": []}
    errors: list[str] = []
    lock = threading.Lock()
    issued = [0]
    stop_at = time.monotonic() + seconds
    rss: dict[str, int] = {}

    def worker(n: int) -> None:
        with httpx.Client(timeout=30) as client:
            i = n
            while time.monotonic() < stop_at:
                with lock:
                    if issued[0] >= max_requests:
                        return
                    issued[0] += 1
                kind = endpoints[i % len(endpoints)]
                question = QUESTIONS[i % len(QUESTIONS)]
                started = time.perf_counter()
                try:
                    (ask_api if kind == "api" else ask_widget)(client, url, question)
                except Exception as exc:  # counted and reported, the run goes on
                    with lock:
                        errors.append(f"{kind}: {exc.__class__.__name__}: {exc}"[:300])
                else:
                    with lock:
                        latencies[kind].append((time.perf_counter() - started) * 1000)
                i += 1

    timeline: list[tuple[float, int]] = []

    def sample_memory() -> None:
        # A timeline, not just two points: it tells a leak (steady climb) from allocator settling (levels off).
        if pid is None:
            return
        time.sleep(min(warmup, seconds / 2))
        rss["after_warmup_kib"] = rss_kib(pid)
        while time.monotonic() < stop_at:
            timeline.append((round(time.monotonic() - started, 1), rss_kib(pid)))
            time.sleep(5)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    sampler = threading.Thread(target=sample_memory)
    started = time.monotonic()
    sampler.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sampler.join()
    elapsed = time.monotonic() - started
    if pid is not None:
        rss["end_kib"] = rss_kib(pid)
    total = sum(len(v) for v in latencies.values())
    report = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": total + len(errors),
        "errors": len(errors),
        "error_samples": errors[:5],
        "throughput_per_s": round(total / elapsed, 1),
        **{f"{kind}_{name}_ms": round(percentile(values, q), 1)
           for kind, values in latencies.items() for name, q in (("p50", 0.5), ("p95", 0.95))},
        **{f"{kind}_count": len(values) for kind, values in latencies.items()},
        **rss,
        "rss_timeline_kib": timeline,
    }
    if rss:
        report["rss_growth"] = round(rss["end_kib"] / rss["after_warmup_kib"] - 1, 4)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 clients for 5 s (CI)")
    parser.add_argument("--clients", type=int, help="concurrent clients (default 32; 8 with --quick)")
    parser.add_argument("--seconds", type=float, help="duration of the load (default 60; 5 with --quick)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="upper bound on requests in total")
    parser.add_argument("--endpoint", choices=("both", "api", "widget"), default="both",
                        help="load /api/ask, the widget's event, or both alternately (the default)")
    parser.add_argument("--json-out", help="also write the report as JSON here")
    args = parser.parse_args(argv)
    clients = min(args.clients or (8 if args.quick else 32), 64)
    seconds = min(args.seconds or (5.0 if args.quick else 60.0), 600.0)
    warmup = 1.0 if args.quick else 10.0

    env = dict(os.environ, LIBRARY_ASSISTANT_RATE_LIMIT="off", PYTHONUNBUFFERED="1")
    with Server(env) as server:
        # Warm both paths once so start-up costs (lazy imports, first Gradio event) are not counted as growth.
        with httpx.Client(timeout=60) as client:
            ask_api(client, server.url, QUESTIONS[0])
            ask_widget(client, server.url, QUESTIONS[0])
        endpoints = ("api", "widget") if args.endpoint == "both" else (args.endpoint,)
        report = run_load(server.url, clients, seconds, args.max_requests, server.process.pid, warmup, endpoints)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    ok = report["errors"] == 0 and report.get("rss_growth", 0) < MAX_RSS_GROWTH and report["requests"] > 0
    print("PASS" if ok else "FAIL", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
