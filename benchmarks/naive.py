"""The naive pipeline in a fresh process (a LangChain tutorial's shape): import sentence-transformers,
LangChain and Chroma, chunk the document (1000 characters) into an in-memory Chroma with
all-MiniLM-L6-v2, then answer (top 4 chunks, verdict from the top chunk's section).

    python -m benchmarks.naive cold "QUESTION"      # one answer as JSON (what cold start times)
    python -m benchmarks.naive batch < questions    # one JSON line per stdin line (the batch)
    python -m benchmarks.naive warm QUESTIONS.json  # build time and per-question latencies as JSON

Run from the checkout root. Measured by `benchmarks/run.py`; not meant to be fast.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

BUILDS = 3  # chunk+embed+Chroma builds timed in `warm` mode (the median is reported)


def load_pipeline(timings: dict):
    """Import the stack, load the model and build the chunk store, recording each phase's seconds."""
    started = time.perf_counter()
    from assistant.config import DEFAULT_CORPUS_DIR, enforce_offline

    enforce_offline()
    import chromadb  # noqa: F401  the tutorial stack, imported up front as a tutorial does
    import langchain  # noqa: F401
    import langchain_chroma  # noqa: F401
    import sentence_transformers  # noqa: F401

    from assistant.corpus import load_corpus
    from assistant.embeddings import SentenceTransformerEmbeddings, default_minilm_path
    from assistant.evaluation.baseline import NaivePipeline

    timings["import_s"] = time.perf_counter() - started
    mark = time.perf_counter()
    corpus = load_corpus(DEFAULT_CORPUS_DIR)
    embedder = SentenceTransformerEmbeddings(default_minilm_path())
    timings["model_load_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    pipeline = NaivePipeline(corpus, embedder)
    timings["build_s"] = time.perf_counter() - mark
    timings["chunks"] = pipeline.store._collection.count()
    return pipeline, corpus, embedder


def peak_rss_mb() -> float | None:
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cold(question: str) -> int:
    timings: dict = {}
    pipeline, _, _ = load_pipeline(timings)
    mark = time.perf_counter()
    answer = pipeline.ask(question)
    timings["ask_s"] = time.perf_counter() - mark
    print(json.dumps({"answer": answer, "timings": timings}, ensure_ascii=False))
    return 0


def batch() -> int:
    pipeline, _, _ = load_pipeline({})
    for line in sys.stdin:
        question = line.rstrip("\r\n")
        sys.stdout.write(json.dumps(pipeline.ask(question), ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


def warm(questions_file: str, passes: int, warmup: int) -> int:
    from assistant.evaluation.baseline import NaivePipeline

    questions = json.loads(open(questions_file, encoding="utf-8").read())
    timings: dict = {}
    pipeline, corpus, embedder = load_pipeline(timings)
    builds = [timings["build_s"]]  # the first build pays one-off costs (Chroma client, tokenizer warm-up)
    for _ in range(BUILDS - 1):
        mark = time.perf_counter()
        pipeline = NaivePipeline(corpus, embedder)
        builds.append(time.perf_counter() - mark)
    for question in questions[:warmup]:
        pipeline.ask(question)
    latencies, errors = [], 0
    for _ in range(passes):
        for question in questions:
            mark = time.perf_counter()
            try:
                pipeline.ask(question)
            except Exception:  # counted, not fatal: the benchmark reports errors
                errors += 1
            latencies.append((time.perf_counter() - mark) * 1000)
    print(json.dumps({"timings": timings, "builds_s": builds, "latencies_ms": latencies, "errors": errors,
                      "peak_rss_mb": peak_rss_mb()}))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.naive", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    sub.add_parser("cold").add_argument("question")
    sub.add_parser("batch")
    w = sub.add_parser("warm")
    w.add_argument("questions_file")
    w.add_argument("--passes", type=int, default=1)
    w.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args(argv)
    if args.mode == "cold":
        return cold(args.question)
    if args.mode == "batch":
        return batch()
    return warm(args.questions_file, args.passes, args.warmup)


if __name__ == "__main__":
    sys.exit(main())
