"""Grid-search retrieval weights and gate thresholds on the DEV split only (query vectors cached).

    .venv/bin/python scripts/tune.py
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from functools import lru_cache

from assistant.chain import Assistant, load_assistant
from assistant.config import Settings
from assistant.evaluation.gold import load_gold
from assistant.evaluation.metrics import summarise
from assistant.evaluation.runner import run_cases
from assistant.retrieval import DEFAULT_WEIGHTS, UnitRanker
from assistant.verdict import DEFAULT_POLICY


def main() -> None:
    base = load_assistant(Settings.from_env())
    embedder = base.ranker.embedder
    cached = lru_cache(maxsize=None)(embedder.query_vector)
    embedder.query_vector = cached  # tuning only: the same question is embedded once
    cases = load_gold(split="dev")
    documents = {d.source: d.text for d in base.writer.corpus.documents}
    index = base.ranker._index
    grid = {
        "max_unknown_share": [0.5, 0.67, 1.01],
        "min_lexical": [0.0, 0.2, 0.34],
        "min_dense": [0.80, 0.85],
        "min_unknown_word_support": [-0.01, -0.0125, -0.015, -0.02],
    }
    ranker = UnitRanker(index, base.ranker.corpus, embedder, base.ranker.analyzers, DEFAULT_WEIGHTS)
    rows = []
    for values in itertools.product(*grid.values()):
        policy = replace(DEFAULT_POLICY, **dict(zip(grid, values)))
        assistant = Assistant(ranker, base.writer, policy=policy)
        summary = summarise(run_cases(lambda q, h: assistant.ask(q, h).to_dict(), cases, documents))
        rows.append((summary.verdict_accuracy, summary.precise_citations, summary.not_covered_precision, summary.not_covered_recall, dict(zip(grid, values))))
    rows.sort(key=lambda r: (r[0], r[1]), reverse=True)
    for row in rows[:15]:
        print("verdict %.3f cite %.3f nc-p %.2f nc-r %.2f %s" % row)


if __name__ == "__main__":
    main()
