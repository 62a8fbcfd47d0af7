"""Fit the query adapter on the training questions: `python -m assistant.evaluation.fit_adapter`.

The covered training questions (`evals/coverage_training.jsonl`) say which sections answer them; the adapter
(`assistant/query_adapter.py`) is fitted to carry their vectors toward those sections' views. Five more
adapters are fitted, each without one fifth of the questions (`fold_of`), and saved beside it: the coverage
model is fitted on the training questions too, and a question's signals must come from an adapter that never
saw it, or the model would learn from matches better than new questions ever get. So refit the coverage
model after this (`python -m assistant.evaluation.fit_coverage`).

Prints how often the best-matching unit (by meaning alone) is in a listed section, without and with the
adapter: on the training questions held out fold by fold, the gold set's dev split, and the check questions
(never fitted on). The test split is never used here.
"""

from __future__ import annotations

import argparse
import time
import zlib
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from assistant.evaluation.fit_coverage import (
    DEFAULT_CHECK_SET,
    DEFAULT_TRAINING_SET,
    TrainingQuestion,
    load_training_questions,
)
from assistant.evaluation.gold import DEFAULT_GOLD_SET, load_gold
from assistant.query_adapter import DEFAULT_ADAPTER_PATH, AdapterSettings, QueryAdapter, fit_adapter_matrix

FOLDS = 5


def fold_of(question_id: str) -> int:
    """The fold a training question is held out in: fixed by its id, so adding questions moves no other."""
    return zlib.crc32(question_id.encode("utf-8")) % FOLDS


def folds_path(adapter_path: Path = DEFAULT_ADAPTER_PATH) -> Path:
    return adapter_path.with_name(f"{adapter_path.stem}.folds.npz")


def fit_adapter(
    ranker,
    questions: Sequence[TrainingQuestion],
    settings: AdapterSettings = AdapterSettings(),
    trained_on: str = "",
    vectors: Mapping[str, np.ndarray] | None = None,
) -> QueryAdapter:
    """An adapter fitted on the covered ones of `questions`, for `ranker`'s embedder and views.
    `vectors`: question id -> its vector (`question_vectors`), when already computed."""
    covered = [q for q in questions if q.covered]
    vectors = vectors if vectors is not None else question_vectors(ranker, covered)
    view_vectors, view_sections = ranker.views()
    matrix = fit_adapter_matrix(
        np.array([vectors[q.id] for q in covered]), [q.sections for q in covered], view_vectors, view_sections, settings
    )
    return QueryAdapter(embedder_id=ranker.embedder.id, matrix=matrix, trained_on=trained_on)


def question_vectors(ranker, questions: Sequence[TrainingQuestion]) -> dict[str, np.ndarray]:
    """question id -> e5's vector of it as the ranker reads it, before any adapter."""
    return {q.id: ranker.question_vector(q.question, q.language) for q in questions}


def fit_fold_adapters(
    ranker,
    questions: Sequence[TrainingQuestion],
    settings: AdapterSettings = AdapterSettings(),
    vectors: Mapping[str, np.ndarray] | None = None,
) -> dict[int, QueryAdapter]:
    """fold -> an adapter fitted on the questions of every other fold."""
    vectors = vectors if vectors is not None else question_vectors(ranker, [q for q in questions if q.covered])
    return {
        fold: fit_adapter(
            ranker, [q for q in questions if fold_of(q.id) != fold], settings, f"all but fold {fold}", vectors
        )
        for fold in range(FOLDS)
    }


def save_fold_adapters(adapters: Mapping[int, QueryAdapter], path: Path) -> None:
    for fold, adapter in adapters.items():
        adapter.save(path.with_name(f"{path.stem}-{fold}.npz"))


def load_fold_adapters(path: Path) -> dict[int, QueryAdapter]:
    """The fold adapters saved beside the adapter (`save_fold_adapters`); a missing one is an OSError."""
    return {fold: QueryAdapter.load(path.with_name(f"{path.stem}-{fold}.npz")) for fold in range(FOLDS)}


def top_section_rate(
    ranker,
    vectors: Sequence[np.ndarray],
    sections: Sequence[Sequence[str]],
    adapters: Sequence[QueryAdapter | None],
) -> float:
    """Share of questions whose best unit by meaning alone is in one of their `sections`: each question's vector
    (before any adapter) read through its adapter in `adapters` (None: as e5 read it)."""
    view_vectors, view_sections = ranker.views()
    hits = 0
    for vector, listed, adapter in zip(vectors, sections, adapters, strict=True):
        if adapter is not None:
            vector = adapter.apply(vector)
        hits += view_sections[int(np.argmax(np.einsum("ij,j->i", view_vectors, vector)))] in listed
    return hits / max(len(vectors), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.evaluation.fit_adapter", description=__doc__.split("\n")[0])
    parser.add_argument("--training", default=str(DEFAULT_TRAINING_SET), help="training questions JSONL")
    parser.add_argument("--check", default=str(DEFAULT_CHECK_SET), help="check questions JSONL, never fitted on ('' for none)")
    parser.add_argument("--out", default=str(DEFAULT_ADAPTER_PATH), help="where to write the adapter")
    parser.add_argument("--epochs", type=int, default=AdapterSettings.epochs)
    args = parser.parse_args(argv)

    from assistant.chain import load_assistant
    from assistant.config import Settings

    ranker = load_assistant(Settings.from_env(), use_coverage_model=False, use_query_adapter=False).ranker
    settings = AdapterSettings(epochs=args.epochs)
    training_path = Path(args.training)
    questions = load_training_questions(training_path)
    covered = [q for q in questions if q.covered]
    started = time.perf_counter()
    vectors = question_vectors(ranker, covered)
    folds = fit_fold_adapters(ranker, questions, settings, vectors)
    adapter = fit_adapter(
        ranker, questions, settings,
        trained_on=f"{training_path.name}: {len(covered)} covered questions, {settings.epochs} epochs", vectors=vectors,
    )
    print(f"fitted six adapters in {time.perf_counter() - started:.0f} s")
    print("best unit by meaning alone in a listed section, without -> with the adapter:")
    training = [vectors[q.id] for q in covered], [q.sections for q in covered]
    print(f"  training questions, each by the adapter that did not see it: "
          f"{top_section_rate(ranker, *training, [None] * len(covered)):.3f} -> "
          f"{top_section_rate(ranker, *training, [folds[fold_of(q.id)] for q in covered]):.3f}")
    named = [("gold dev split", [(c.question, c.language, c.sections) for c in load_gold(DEFAULT_GOLD_SET, "dev")
                                 if not c.history and c.verdicts != ("not_covered",)])]
    if args.check:
        named.append(("check questions", [(q.question, q.language, q.sections)
                                          for q in load_training_questions(Path(args.check)) if q.covered]))
    for name, rows in named:
        asked = [ranker.question_vector(question, language) for question, language, _ in rows], [r[2] for r in rows]
        print(f"  {name}: {top_section_rate(ranker, *asked, [None] * len(rows)):.3f} -> "
              f"{top_section_rate(ranker, *asked, [adapter] * len(rows)):.3f}")
    out = Path(args.out)
    adapter.save(out)
    save_fold_adapters(folds, folds_path(out))
    print(f"written: {out} and its {FOLDS} fold adapters; now refit the coverage model")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
