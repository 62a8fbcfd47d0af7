"""Running a pipeline over gold cases, and the `library-assistant eval` command."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Callable

from assistant.contract import InputError
from assistant.evaluation.gold import DEFAULT_GOLD_SET, GoldCase, load_gold
from assistant.evaluation.metrics import CaseResult, floor_failures, floors_from, score_case, summarise
from assistant.evaluation.report import html_report, text_report

DEFAULT_REPORT = Path(__file__).resolve().parents[2] / "evals" / "reports" / "report.html"

AskFn = Callable[[str, list], dict]


def run_cases(ask: AskFn, cases: list[GoldCase], documents: dict[str, str]) -> list[CaseResult]:
    results = []
    for case in cases:
        started = time.perf_counter()
        try:
            answer = ask(case.question, list(case.history))
        except InputError as exc:
            answer = {"question": case.question, "language": "", "verdict": "error", "answer": str(exc),
                      "referral": None, "citations": []}
        results.append(score_case(case, answer, documents, time.perf_counter() - started))
    return results


def run_eval_command(settings, args) -> int:
    from assistant.chain import load_assistant

    gold_path = Path(args.gold_set) if args.gold_set else DEFAULT_GOLD_SET
    try:
        floors = floors_from(getattr(args, "floor", None) or [])
    except ValueError as exc:
        print(f"library-assistant: {exc}", file=sys.stderr)
        return 2
    cases = load_gold(gold_path, args.split)
    if not cases:
        print(f"library-assistant: no cases in split {args.split!r} of {gold_path}", file=sys.stderr)
        return 1
    assistant = load_assistant(settings)
    corpus = assistant.writer.corpus
    documents = {d.source: d.text for d in corpus.documents}
    started = time.perf_counter()
    results = run_cases(lambda q, h: assistant.ask(q, h).to_dict(), cases, documents)
    elapsed = time.perf_counter() - started
    runs = {"assistant": summarise(results)}
    if not args.no_baseline:
        from assistant.evaluation.baseline import NaivePipeline

        naive = NaivePipeline(corpus, assistant.ranker.embedder)
        runs["naive baseline"] = summarise(run_cases(naive.ask, cases, documents))
    print(text_report(runs, results))
    meta = {
        "gold set": str(gold_path),
        "split": args.split,
        "cases": len(cases),
        "embedder": assistant.ranker.embedder.id,
        "seconds per question (assistant)": f"{elapsed / len(cases):.4f}",
        "baseline": "1000-char chunks, Chroma top 4, verdict = top chunk's section, same embedder",
    }
    report = Path(args.report) if args.report else DEFAULT_REPORT
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(html_report(f"Evaluation: split {args.split}", runs, results, meta), encoding="utf-8")
    print(f"\nHTML report: {report}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({k: v.as_dict() for k, v in runs.items()}, indent=1), encoding="utf-8")
    failures = floor_failures(runs["assistant"], floors)
    if failures and not args.no_floors:
        print("Below the floors: " + "; ".join(failures), file=sys.stderr)
        return 3
    return 0
