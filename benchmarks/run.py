"""Benchmark the assistant beside the naive pipeline on this machine; print a table, write JSON.

    .venv/bin/python -m benchmarks.run [--quick] [--skip-naive] [--skip-http]

Measures cold start, warm in-process latency, a 500-question batch, the index build, the HTTP API at 1, 4
and 16 concurrent clients and the server's peak memory, against the targets of issue 6. Everything runs on
loopback against a temporary index and data folder; see benchmarks/README.md for what each number means.
"""

from __future__ import annotations

import sys

if __name__ == "__main__" and not __package__:  # `python benchmarks/run.py`: import as with `-m`
    from pathlib import Path as _Path

    sys.path.insert(0, str(_Path(__file__).resolve().parent.parent))

import argparse
import json
import os
import re
import shutil
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from benchmarks.measure import CLI, PROJECT_ROOT, load_average, machine, own_peak_rss_mb, summary, timed_run, wait_until_quiet
from benchmarks.report import rows, table, write_json

COLD_QUESTION = "Does the library buy performers for its events?"
HTTP_LEVELS = (1, 4, 16)
SETTLE_MAX_WAIT_S = 180.0  # --settle: the longest wait for a quiet machine before each part


@dataclass(frozen=True)
class Plan:
    """How much to measure: the full run, or `--quick` for CI (about two minutes)."""

    index_builds: int = 3
    cold_runs: int = 5
    naive_cold_runs: int = 5  # 0: skip (the naive warm test still reports its import and load phases)
    naive_cold_warmup: bool = True  # one untimed naive run first (fills the file cache with torch)
    naive_batch: bool = True  # the naive 500-question batch (a fresh process: ~30-75 s here)
    naive_warm_questions: int | None = None  # eval questions for the naive warm latency (None: all)
    warm_warmup: int = 50
    warm_passes: int = 2
    batch_size: int = 500
    http_seconds: float = 10.0
    http_max_requests: int = 5000
    http_warmup_seconds: float = 2.0


QUICK = Plan(index_builds=1, cold_runs=3, naive_cold_runs=0, naive_cold_warmup=False, naive_batch=False,
             naive_warm_questions=120, warm_warmup=20, warm_passes=1,
             http_seconds=3.0, http_max_requests=1000, http_warmup_seconds=1.0)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def gold_cases():
    from assistant.evaluation.gold import load_gold

    return load_gold(split="all")


def batch_questions(questions: list[str], size: int) -> list[str]:
    return [questions[i % len(questions)] for i in range(size)]


def check_json_lines(stdout: str, expected: int) -> dict:
    lines = stdout.splitlines()
    answers = errors = 0
    for line in lines:
        row = json.loads(line)
        if "verdict" in row:
            answers += 1
        else:
            errors += 1
    if len(lines) != expected:
        raise RuntimeError(f"expected {expected} JSON lines, got {len(lines)}")
    return {"answers": answers, "error_lines": errors}


def require_ok(run, what: str) -> None:
    if run.returncode != 0:
        raise RuntimeError(f"{what} exited with {run.returncode}: {run.stderr.strip()[-800:]}")


# --- ours --------------------------------------------------------------------------------------------


def bench_index_build(plan: Plan, env: dict, index_dir: Path) -> dict:
    """`library-assistant index --rebuild` into an emptied folder, `index_builds` times; then the rebuild a
    corpus edit causes (a sentence added to a copy of the corpus), which reuses the earlier builds' vectors."""
    runs = []
    for n in range(plan.index_builds):
        shutil.rmtree(index_dir, ignore_errors=True)
        run = timed_run([CLI, "index", "--rebuild"], env=env, timeout=600)
        require_ok(run, "library-assistant index --rebuild")
        reported = re.search(r"in ([0-9.]+) s\.", run.stderr)
        runs.append({"wall_s": run.seconds, "reported_build_s": float(reported.group(1)) if reported else None})
        log(f"index build {n + 1}/{plan.index_builds}: {run.seconds:.2f} s")
    walls = [r["wall_s"] for r in runs]
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(PROJECT_ROOT / "corpus", corpus)
        document = sorted(corpus.glob("*.txt"))[0]
        document.write_text(document.read_text(encoding="utf-8") + "\nKirjasto ei korjaa polkupyöriä.\n",
                            encoding="utf-8")
        edited = timed_run([CLI, "index"], env=dict(env, LIBRARY_ASSISTANT_CORPUS=str(corpus)), timeout=600)
        require_ok(edited, "library-assistant index (edited corpus)")
    log(f"index rebuild after a corpus edit: {edited.seconds:.2f} s")
    # Back to the real corpus, so the next parts find a current index (this build reuses vectors too).
    require_ok(timed_run([CLI, "index"], env=env, timeout=600), "library-assistant index")
    return {"runs": runs, "wall_s": summary(walls), "value": summary(walls)["p50"],
            "after_corpus_edit_s": edited.seconds}


def bench_cold_start(plan: Plan, env: dict) -> dict:
    """`library-assistant ask --json Q` in fresh processes: one untimed run (file cache), then timed ones."""
    argv = [CLI, "ask", "--json", COLD_QUESTION]
    require_ok(timed_run(argv, env=env), "library-assistant ask --json")
    walls, verdict = [], None
    for n in range(plan.cold_runs):
        run = timed_run(argv, env=env)
        require_ok(run, "library-assistant ask --json")
        verdict = json.loads(run.stdout)["verdict"]
        walls.append(run.seconds)
        log(f"cold start {n + 1}/{plan.cold_runs}: {run.seconds:.2f} s")
    return {"question": COLD_QUESTION, "verdict": verdict, "wall_s": summary(walls), "runs_s": walls,
            "value": summary(walls)["p50"]}


def bench_batch(plan: Plan, env: dict, questions: list[str]) -> dict:
    """`library-assistant ask --jsonl` with `batch_size` questions on stdin, one process, total wall time."""
    batch = batch_questions(questions, plan.batch_size)
    run = timed_run([CLI, "ask", "--jsonl"], env=env, stdin="\n".join(batch) + "\n", timeout=600)
    require_ok(run, "library-assistant ask --jsonl")
    checked = check_json_lines(run.stdout, len(batch))
    log(f"batch of {len(batch)}: {run.seconds:.2f} s")
    return {"questions": len(batch), "wall_s": run.seconds, **checked,
            "questions_per_s": len(batch) / run.seconds, "value": run.seconds}


def bench_warm(plan: Plan, index_dir: Path, data_dir: Path, cases) -> dict:
    """assistant.ask in this process over every eval question (with its history), after a warm-up."""
    from assistant.chain import load_assistant
    from assistant.config import Settings
    from assistant.contract import InputError

    started = time.perf_counter()
    assistant = load_assistant(Settings.from_env(index_dir=index_dir, data_dir=data_dir), notify=log)
    load_s = time.perf_counter() - started
    for case in cases[: plan.warm_warmup]:
        assistant.ask(case.question, case.history)
    latencies, errors = [], 0
    for _ in range(plan.warm_passes):
        for case in cases:
            mark = time.perf_counter()
            try:
                assistant.ask(case.question, case.history)
            except InputError:
                errors += 1
            latencies.append((time.perf_counter() - mark) * 1000)
    stats = summary(latencies)
    log(f"warm ask: p50 {stats['p50']:.1f} ms, p95 {stats['p95']:.1f} ms over {len(latencies)} asks")
    return {"load_assistant_s": load_s, "questions": len(cases), "passes": plan.warm_passes,
            "input_errors": errors, "latency_ms": stats, "runner_peak_rss_mb": own_peak_rss_mb()}


def bench_http(plan: Plan, env: dict, questions: list[str], log_path: Path) -> dict:
    """`library-assistant serve` on a free loopback port, loaded by 1, 4 and 16 client threads."""
    from benchmarks.http_load import Server, load_test

    with Server(env=env, log_path=log_path) as server:
        log(f"server healthy on {server.base_url} after {server.startup_s:.1f} s")
        warmup = load_test(server.base_url, questions, 4, plan.http_warmup_seconds, plan.http_max_requests)
        levels, start = {}, warmup["next_start"]
        for clients in HTTP_LEVELS:
            result = load_test(server.base_url, questions, clients, plan.http_seconds, plan.http_max_requests,
                               start=start, server_pid=server.process.pid)
            start = result["next_start"]
            result["load_average"] = load_average()
            levels[str(clients)] = result
            lat = result["latency_ms"]
            log(f"HTTP {clients:>2} clients: {result['answers_per_s']:.1f} answers/s, "
                f"p50 {lat.get('p50') or 0:.0f} ms, p95 {lat.get('p95') or 0:.0f} ms, {result['errors']} errors, "
                f"server CPU {result['server_cpu_ms_per_answer'] or 0:.0f} ms/answer")
        memory = server.memory_mb()
    return {"startup_s": server.startup_s, "levels": levels, "memory": memory, "port": server.port}


# --- naive -------------------------------------------------------------------------------------------


def naive_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "benchmarks.naive", *args]


def bench_naive_cold(plan: Plan, env: dict) -> dict:
    argv = naive_argv("cold", COLD_QUESTION)
    if plan.naive_cold_warmup:
        require_ok(timed_run(argv, env=env, timeout=600), "benchmarks.naive cold")
    walls, phases = [], []
    for n in range(plan.naive_cold_runs):
        run = timed_run(argv, env=env, timeout=600)
        require_ok(run, "benchmarks.naive cold")
        phases.append(json.loads(run.stdout)["timings"])
        walls.append(run.seconds)
        log(f"naive cold start {n + 1}/{plan.naive_cold_runs}: {run.seconds:.2f} s")
    return {"wall_s": summary(walls), "runs_s": walls, "phases": phases, "value": summary(walls)["p50"]}


def bench_naive_batch(plan: Plan, env: dict, questions: list[str]) -> dict:
    batch = batch_questions(questions, plan.batch_size)
    run = timed_run(naive_argv("batch"), env=env, stdin="\n".join(batch) + "\n", timeout=900)
    require_ok(run, "benchmarks.naive batch")
    checked = check_json_lines(run.stdout, len(batch))
    log(f"naive batch of {len(batch)}: {run.seconds:.2f} s")
    return {"questions": len(batch), "wall_s": run.seconds, **checked, "value": run.seconds}


def bench_naive_warm(plan: Plan, env: dict, questions: list[str], work_dir: Path) -> dict:
    path = work_dir / "questions.json"
    questions = questions[: plan.naive_warm_questions]
    path.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    run = timed_run(naive_argv("warm", str(path), "--passes", str(plan.warm_passes), "--warmup",
                               str(plan.warm_warmup)), env=env, timeout=900)
    require_ok(run, "benchmarks.naive warm")
    data = json.loads(run.stdout)
    stats = summary(data.pop("latencies_ms"))
    builds = summary(data["builds_s"])
    log(f"naive warm ask: p50 {stats['p50']:.1f} ms, p95 {stats['p95']:.1f} ms; build {builds['p50']:.2f} s")
    return {**data, "questions": len(questions), "latency_ms": stats, "build_s": builds}


# --- the run -----------------------------------------------------------------------------------------


def benchmark_env(work_dir: Path) -> dict:
    """The caller's environment, with a temporary index and data folder and every offline switch set."""
    from assistant.config import OFFLINE_ENVIRONMENT

    env = dict(os.environ)
    env.update(OFFLINE_ENVIRONMENT)
    env["LIBRARY_ASSISTANT_INDEX"] = str(work_dir / "index")
    env["LIBRARY_ASSISTANT_DATA"] = str(work_dir / "data")
    # Capacity is what is measured: every benchmark client shares 127.0.0.1, so the per-address rate limit
    # (60/minute by default) would answer nearly everything with 429.
    env["LIBRARY_ASSISTANT_RATE_LIMIT"] = "off"
    return env


def section(details: dict, failures: dict, name: str, fn: Callable[[], dict], settle: float | None = None) -> None:
    """Run one measurement; a failure is recorded (and fails the command) without stopping the others.

    With `settle` (a CPU-busy fraction), first wait a bounded time for other work to calm down."""
    quiet = wait_until_quiet(settle, SETTLE_MAX_WAIT_S) if settle is not None else None
    if quiet:
        log(f"settle: CPUs {quiet['cpu_busy']:.0%} busy after waiting {quiet['waited_s']:.0f} s")
    before = load_average()
    log(f"--- {name} (load average {before})")
    started = time.perf_counter()
    try:
        details[name] = fn()
    except Exception as exc:  # one broken part must not hide the other numbers
        failures[name] = f"{exc.__class__.__name__}: {exc}"
        log(f"{name} FAILED: {failures[name]}")
        traceback.print_exc(file=sys.stderr)
        return
    details[name]["section_seconds"] = time.perf_counter() - started
    details[name]["load_average_before"] = before
    details[name]["load_average_after"] = load_average()
    if quiet:
        details[name]["settle"] = quiet


def summary_values(details: dict) -> tuple[dict, dict]:
    """The headline numbers (ours, naive) from the detailed results."""
    ours, naive = {}, {}
    d = details.get
    if d("index_build"):
        ours["index_build_s"] = d("index_build")["value"]
        ours["index_rebuild_after_edit_s"] = d("index_build").get("after_corpus_edit_s")
    if d("cold_start"):
        ours["cold_start_s"] = d("cold_start")["value"]
    if d("batch"):
        ours["batch_500_s"] = d("batch")["value"]
    if d("warm"):
        ours["warm_p50_ms"] = d("warm")["latency_ms"]["p50"]
        ours["warm_p95_ms"] = d("warm")["latency_ms"]["p95"]
    if d("http"):
        errors = 0
        for clients, level in d("http")["levels"].items():
            ours[f"http_{clients}_answers_per_s"] = level["answers_per_s"]
            ours[f"http_{clients}_p50_ms"] = level["latency_ms"].get("p50")
            ours[f"http_{clients}_p95_ms"] = level["latency_ms"].get("p95")
            errors += level["errors"]
        ours["http_errors"] = errors
        ours["server_peak_rss_mb"] = d("http")["memory"]["peak_rss_mb"]
    if d("naive_cold_start"):
        naive["cold_start_s"] = d("naive_cold_start")["value"]
    if d("naive_batch"):
        naive["batch_500_s"] = d("naive_batch")["value"]
    if d("naive_warm"):
        naive["warm_p50_ms"] = d("naive_warm")["latency_ms"]["p50"]
        naive["warm_p95_ms"] = d("naive_warm")["latency_ms"]["p95"]
        naive["index_build_s"] = d("naive_warm")["build_s"]["p50"]
        naive["server_peak_rss_mb"] = d("naive_warm")["peak_rss_mb"]  # a process, not a server: see README
    return ours, naive


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and shorter load tests (CI, ~2 min)")
    parser.add_argument("--skip-naive", action="store_true", help="do not measure the naive pipeline")
    parser.add_argument("--skip-http", action="store_true", help="do not start the web server")
    parser.add_argument("--settle", type=float, metavar="FRACTION",
                        help="before each part, wait (at most 3 min) until the CPUs are at most this busy, e.g. 0.2")
    parser.add_argument("--results-dir", type=Path, help="where to write latest.json (default benchmarks/results)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    plan = QUICK if args.quick else Plan()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    started = time.perf_counter()
    info = machine()
    log(f"benchmark ({'quick' if args.quick else 'full'}) on {info['cpus']} CPUs, load average "
        f"{info['load_average_at_start']}")
    cases = gold_cases()
    questions = [c.question for c in cases]
    details: dict = {}
    failures: dict = {}
    with tempfile.TemporaryDirectory(prefix="library-assistant-bench-") as tmp:
        work = Path(tmp)
        env = benchmark_env(work)
        index_dir, data_dir = work / "index", work / "data"
        section(details, failures, "index_build", lambda: bench_index_build(plan, env, index_dir), args.settle)
        if not index_dir.joinpath("manifest.json").is_file():
            log("no index was built: building one untimed for the other measurements")
            require_ok(timed_run([CLI, "index"], env=env, timeout=600), "library-assistant index")
        section(details, failures, "cold_start", lambda: bench_cold_start(plan, env), args.settle)
        section(details, failures, "batch", lambda: bench_batch(plan, env, questions), args.settle)
        section(details, failures, "warm", lambda: bench_warm(plan, index_dir, data_dir, cases), args.settle)
        if not args.skip_naive:
            if plan.naive_cold_runs:
                section(details, failures, "naive_cold_start", lambda: bench_naive_cold(plan, env), args.settle)
            if plan.naive_batch:
                section(details, failures, "naive_batch", lambda: bench_naive_batch(plan, env, questions), args.settle)
            section(details, failures, "naive_warm", lambda: bench_naive_warm(plan, env, questions, work), args.settle)
        if not args.skip_http:
            section(details, failures, "http", lambda: bench_http(plan, env, questions, work / "server.log"), args.settle)
    ours, naive = summary_values(details)
    metric_rows = rows(ours, naive)
    info["load_average_at_end"] = load_average()
    result = {
        "schema": 1,
        "started_at": started_at,
        "seconds": time.perf_counter() - started,
        "command": " ".join([Path(sys.executable).name, "-m", "benchmarks.run", *(argv or sys.argv[1:])]),
        "mode": "quick" if args.quick else "full",
        "plan": asdict(plan),
        "machine": info,
        "settings": {"caller": {k: v for k, v in os.environ.items() if k.startswith("LIBRARY_ASSISTANT_")},
                     "benchmark": {"LIBRARY_ASSISTANT_RATE_LIMIT": "off", "index_and_data": "temporary folders"}},
        "metrics": metric_rows,
        "targets_missed": [k for k, r in metric_rows.items() if r["met"] is False],
        "failures": failures,
        "details": details,
    }
    latest, stamped = write_json(result, args.results_dir) if args.results_dir else write_json(result)
    print(table(metric_rows))
    print(f"\nload average {info['load_average_at_start']} at start, {info['load_average_at_end']} at end "
          f"({info['cpus']} CPUs); {result['seconds']:.0f} s in all")
    if result["targets_missed"]:
        print("targets missed: " + ", ".join(result["targets_missed"]))
    for name, message in failures.items():
        print(f"FAILED {name}: {message}")
    print(f"JSON: {latest} (copy: {stamped.name})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
