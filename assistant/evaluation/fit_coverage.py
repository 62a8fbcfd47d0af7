"""Fit the coverage model on the dev split: `python -m assistant.evaluation.fit_coverage`.

Runs the assistant (without a coverage model) over the dev questions, takes the retrieval signals of each
one the meaning checks leave open (title-only matches and unanswerable amount questions are decided
before the model), and fits the logistic model to the gold label "not covered or not". Prints a 5-fold
cross-validated estimate first: that, not the fit on all of dev, is what to expect on new questions.
The test split is never used here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from assistant.coverage import DEFAULT_MODEL_PATH, FEATURES, coverage_features, fit_coverage_model
from assistant.evaluation.gold import DEFAULT_GOLD_SET, GoldCase, load_gold

FOLDS = 5


def training_rows(assistant, cases: Sequence[GoldCase]) -> tuple[list[dict[str, float]], list[bool]]:
    """Signals and labels of the cases the coverage model decides (the meaning checks leave them open)."""
    from assistant.verdict import answerable  # the meaning checks decide these before any model

    rows, labels = [], []
    for case in cases:
        if "not_covered" in case.verdicts and len(case.verdicts) > 1:
            continue  # either answer is right: no label to learn from
        decided = assistant.explain(case.question, list(case.history))
        retrieval = decided.retrieval
        if retrieval is None or not retrieval.ranked or not answerable(retrieval.ranked[0], retrieval)[0]:
            continue
        rows.append(coverage_features(retrieval))
        labels.append(case.verdicts == ("not_covered",))
    return rows, labels


def cross_validated(rows: list[dict[str, float]], labels: list[bool], l2: float, folds: int = FOLDS) -> dict[str, float]:
    """Accuracy, precision and recall of "not covered" on held-out folds (stratified, fixed order)."""
    labels_a = np.array(labels)
    fold_of = np.empty(len(rows), dtype=int)
    for value in (True, False):  # deal each class round-robin over the folds
        positions = np.flatnonzero(labels_a == value)
        fold_of[positions] = np.arange(len(positions)) % folds
    predicted = np.zeros(len(rows), dtype=bool)
    for fold in range(folds):
        train = np.flatnonzero(fold_of != fold)
        model = fit_coverage_model([rows[i] for i in train], labels_a[train], embedder_id="cv", l2=l2)
        for i in np.flatnonzero(fold_of == fold):
            predicted[i] = model.not_covered_probability(rows[i]) >= model.threshold
    hits = predicted & labels_a
    return {
        "accuracy": float((predicted == labels_a).mean()),
        "precision": float(hits.sum() / max(predicted.sum(), 1)),
        "recall": float(hits.sum() / max(labels_a.sum(), 1)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.evaluation.fit_coverage", description=__doc__.split("\n")[0])
    parser.add_argument("--set", dest="gold_set", default=str(DEFAULT_GOLD_SET), help="gold set JSONL")
    parser.add_argument("--split", default="dev", choices=["dev"], help="only dev: the test split stays held out")
    parser.add_argument("--out", default=str(DEFAULT_MODEL_PATH), help="where to write the model")
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty (inverse of scikit-learn's C)")
    args = parser.parse_args(argv)

    from assistant.chain import load_assistant
    from assistant.config import Settings

    assistant = load_assistant(Settings.from_env(), use_coverage_model=False)
    gold_path = Path(args.gold_set)
    rows, labels = training_rows(assistant, load_gold(gold_path, args.split))
    if not rows:
        print("fit_coverage: no cases to fit on", file=sys.stderr)
        return 1
    cv = cross_validated(rows, labels, args.l2)
    print(f"{len(rows)} questions, {sum(labels)} not covered; {FOLDS}-fold cross-validated: "
          f"accuracy {cv['accuracy']:.3f}, not_covered precision {cv['precision']:.3f}, recall {cv['recall']:.3f}")
    model = fit_coverage_model(
        rows, labels, embedder_id=assistant.ranker.embedder.id, l2=args.l2,
        trained_on=f"{gold_path.name} split {args.split}: {len(rows)} questions, {sum(labels)} not covered",
    )
    model.save(Path(args.out))
    width = max(len(name) for name in FEATURES)
    for name, weight in sorted(zip(model.features, model.weights), key=lambda item: -abs(item[1])):
        print(f"  {name:<{width}} {weight:+.3f}  ({FEATURES[name]})")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
