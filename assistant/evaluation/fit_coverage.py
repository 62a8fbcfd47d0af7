"""Fit the coverage model on the dev split and the training questions: `python -m assistant.evaluation.fit_coverage`.

Runs the assistant (without a coverage model) over the dev questions (of the gold set and of the follow-up
conversations, `evals/conversations.jsonl`) and the training questions
(`evals/coverage_training.jsonl`, written apart from the gold set and never evaluated on), takes the
retrieval signals of each one the meaning checks leave open (title-only matches and unanswerable amount
questions are decided before the model), and fits the logistic model to the label "not covered or not".
The training questions are also the model's known questions (`KnownQuestions`, saved beside the model): each
question's similarity to them is a signal, with a training question's own entry left out when it is fitted on.
Prints a 5-fold cross-validated estimate first, on held-out folds of dev only (the training questions are
always on the fitting side): that, not the fit itself, is what to expect on new questions.
Then scores the fitted model on the check questions (`evals/coverage_check.jsonl`), which it never fits on.
The test split is never used here.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from assistant.coverage import (
    DEFAULT_MODEL_PATH,
    FEATURES,
    KNOWN_QUESTION_FEATURES,
    KnownQuestions,
    coverage_features,
    fit_coverage_model,
)
from assistant.contract import LANGUAGES
from assistant.evaluation.gold import DEFAULT_GOLD_SET, GoldCase, GoldSetError, load_gold, parsed_lines
from assistant.query_adapter import QueryAdapter

FOLDS = 5
# Each cross-validation deals the folds this many times (seeded shuffles) and pools the predictions: with one
# fixed deal, adding five questions to the training set moved every later question to another fold and the
# score by up to ten questions, as much as the changes being compared.
REPEATS = 10
DEFAULT_TRAINING_SET = DEFAULT_GOLD_SET.parent / "coverage_training.jsonl"
# Written like the training questions but never fitted on: a fresh look at how the fit generalises.
DEFAULT_CHECK_SET = DEFAULT_GOLD_SET.parent / "coverage_check.jsonl"
# Follow-ups are few in the gold set; these independent conversations' dev cases are fitted on as dev.
DEFAULT_CONVERSATIONS = DEFAULT_GOLD_SET.parent / "conversations.jsonl"
Rows = tuple[list[dict[str, float]], list[bool]]


@dataclass(frozen=True)
class TrainingQuestion:
    """A single-turn question labelled only "covered or not": material for the coverage model, not a gold case."""

    id: str
    question: str
    language: str
    covered: bool
    sections: tuple[str, ...] = ()


def load_training_questions(path: Path = DEFAULT_TRAINING_SET) -> list[TrainingQuestion]:
    """Read `coverage_training.jsonl` (format in evals/README.md); a malformed line is a GoldSetError."""
    questions: list[TrainingQuestion] = []
    seen: set[str] = set()
    for n, item in parsed_lines(path, _training_question):
        if item.id in seen or item.language not in LANGUAGES or not isinstance(item.covered, bool):
            raise GoldSetError(f"{path}:{n}: duplicate id, unknown language or non-boolean `covered`")
        if item.covered != bool(item.sections):
            raise GoldSetError(f"{path}:{n}: a covered question lists its sections, a not covered one none")
        seen.add(item.id)
        questions.append(item)
    return questions


def _training_question(row: dict) -> TrainingQuestion:
    return TrainingQuestion(
        id=str(row["id"]), question=str(row["question"]), language=row["language"],
        covered=row["covered"], sections=tuple(row.get("sections") or ()),
    )


def training_rows(assistant, cases: Sequence[GoldCase], known: KnownQuestions | None = None) -> Rows:
    """Signals and labels of the gold cases the coverage model decides (the meaning checks leave them open)."""
    # Either answer is right when a case accepts not_covered beside a verdict: no label to learn from.
    labelled = (
        (case.question, case.history, case.verdicts == ("not_covered",))
        for case in cases
        if not ("not_covered" in case.verdicts and len(case.verdicts) > 1)
    )
    return _rows(assistant, labelled, known)


def dev_rows(
    assistant,
    gold_path: Path = DEFAULT_GOLD_SET,
    conversations: Path | None = DEFAULT_CONVERSATIONS,
    known: KnownQuestions | None = None,
) -> Rows:
    """Signals and labels of the dev cases: the gold set's and, unless None, the conversations'."""
    rows, labels = training_rows(assistant, load_gold(gold_path, "dev"), known)
    if conversations is not None:
        more_rows, more_labels = training_rows(assistant, load_gold(conversations, "dev"), known)
        rows, labels = rows + more_rows, labels + more_labels
    return rows, labels


def training_question_rows(
    assistant,
    questions: Sequence[TrainingQuestion],
    known: KnownQuestions | None = None,
    *,
    among_known: bool = True,
    fold_adapters: Mapping[int, QueryAdapter] | None = None,
) -> Rows:
    """Signals and labels of the training questions the coverage model decides. When they are `among_known`
    (the training questions themselves), each one's own entry is left out: a question is most like itself.
    With `fold_adapters` (see fit_adapter), each question is read through the adapter of its fold, which was
    fitted without it: through the one fitted on it, it would match better than a new question does."""
    reader_of = _reader_of(assistant, fold_adapters)
    rows, labels = [], []
    for q in questions:
        more_rows, more_labels = _rows(reader_of(q), [(q.question, (), not q.covered)], known, among_known)
        rows += more_rows
        labels += more_labels
    return rows, labels


def _reader_of(assistant, fold_adapters: Mapping[int, QueryAdapter] | None) -> Callable[[TrainingQuestion], object]:
    """training question -> the assistant that reads it: `assistant` itself, or with `fold_adapters` the
    assistant through the adapter of the question's fold (fitted without it)."""
    if fold_adapters is None:
        return lambda question: assistant
    from assistant.evaluation.fit_adapter import fold_of

    readers = {fold: assistant.with_adapter(adapter) for fold, adapter in fold_adapters.items()}
    return lambda question: readers[fold_of(question.id)]


def known_questions(assistant, questions: Sequence[TrainingQuestion]) -> KnownQuestions:
    """The training questions as known questions: e5's vector of each as retrieval reads it (typos respelt)."""
    texts, labels, vectors = [], [], []
    for q in questions:
        decided = assistant.explain(q.question)
        retrieval = decided.whole_question or decided.retrieval
        if retrieval is None or retrieval.question_vector is None:
            continue  # refused before retrieval (too long, unsupported language): nothing to compare with
        texts.append(q.question)
        labels.append(not q.covered)
        vectors.append(retrieval.question_vector)
    return KnownQuestions(tuple(texts), tuple(labels), np.array(vectors))


def top_section_agreement(
    assistant, questions: Sequence[TrainingQuestion], fold_adapters: Mapping[int, QueryAdapter] | None = None
) -> tuple[int, int]:
    """How many covered training questions have their best-ranked unit in one of their listed sections, of how many.

    A check of retrieval on questions written apart from the gold set; the coverage model plays no part in it.
    With `fold_adapters`, each question is read through the adapter fitted without it.
    """
    covered = [q for q in questions if q.covered]
    reader_of = _reader_of(assistant, fold_adapters)
    agree = 0
    for q in covered:
        retrieval = reader_of(q).explain(q.question).retrieval
        agree += bool(retrieval and retrieval.ranked and retrieval.ranked[0].unit.section in q.sections)
    return agree, len(covered)


def _rows(
    assistant,
    labelled: Iterable[tuple[str, Sequence[dict], bool]],
    known: KnownQuestions | None = None,
    leave_own_out: bool = False,
) -> Rows:
    from assistant.verdict import answerable  # the meaning checks decide these before any model

    rows, labels = [], []
    for question, history, not_covered in labelled:
        decided = assistant.explain(question, list(history))
        retrieval = decided.whole_question or decided.retrieval
        if retrieval is None or not retrieval.ranked or not answerable(retrieval.ranked[0], retrieval)[0]:
            continue
        likeness = None
        if known is not None and retrieval.question_vector is not None:
            likeness = known.likeness(retrieval.question_vector, leave_out=question if leave_own_out else None)
        rows.append(coverage_features(retrieval, likeness))
        labels.append(not_covered)
    return rows, labels


def cross_validated(
    rows: list[dict[str, float]],
    labels: list[bool],
    l2: float,
    folds: int = FOLDS,
    *,
    features: Sequence[str] = tuple(FEATURES),
    always_fitted_on: Rows = ([], []),
    repeats: int = REPEATS,
) -> dict[str, float]:
    """Accuracy, precision and recall of "not covered" on held-out folds of `rows` (stratified; `repeats`
    seeded deals, pooled); `always_fitted_on` joins every fold's fitting side and is never scored."""
    extra_rows, extra_labels = always_fitted_on
    labels_a = np.array(labels)
    predicted, truth = [], []
    for deal in range(repeats):
        shuffle = np.random.default_rng(deal)
        fold_of = np.empty(len(rows), dtype=int)
        for value in (True, False):  # deal each class round-robin over the folds
            positions = shuffle.permutation(np.flatnonzero(labels_a == value))
            fold_of[positions] = np.arange(len(positions)) % folds
        for fold in range(folds):
            train = np.flatnonzero(fold_of != fold)
            model = fit_coverage_model(
                [rows[i] for i in train] + list(extra_rows), list(labels_a[train]) + list(extra_labels),
                embedder_id="cv", features=features, l2=l2,
            )
            held_out = np.flatnonzero(fold_of == fold)
            predicted += [model.not_covered_probability(rows[i]) >= model.threshold for i in held_out]
            truth += list(labels_a[held_out])
    return _rates(np.array(predicted), np.array(truth))


def _rates(predicted: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    hits = predicted & truth
    return {
        "accuracy": float((predicted == truth).mean()),
        "precision": float(hits.sum() / max(predicted.sum(), 1)),
        "recall": float(hits.sum() / max(truth.sum(), 1)),
    }


def _scores(model, rows: list[dict[str, float]], labels: list[bool]) -> dict[str, float]:
    predicted = np.array([model.not_covered_probability(r) >= model.threshold for r in rows])
    return _rates(predicted, np.array(labels))


def _report(what: str, scores: dict[str, float]) -> None:
    print(f"  {what}: accuracy {scores['accuracy']:.3f}, "
          f"not_covered precision {scores['precision']:.3f}, recall {scores['recall']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.evaluation.fit_coverage", description=__doc__.split("\n")[0])
    parser.add_argument("--set", dest="gold_set", default=str(DEFAULT_GOLD_SET), help="gold set JSONL")
    parser.add_argument("--split", default="dev", choices=["dev"], help="only dev: the test split stays held out")
    parser.add_argument("--out", default=str(DEFAULT_MODEL_PATH), help="where to write the model")
    parser.add_argument("--training", default=str(DEFAULT_TRAINING_SET),
                        help="training questions JSONL, fitted on but never scored ('' for none)")
    parser.add_argument("--conversations", default=str(DEFAULT_CONVERSATIONS),
                        help="follow-up conversations JSONL whose dev split is fitted on too ('' for none)")
    parser.add_argument("--check", default=str(DEFAULT_CHECK_SET),
                        help="check questions JSONL, scored but never fitted on ('' for none)")
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty (inverse of scikit-learn's C)")
    args = parser.parse_args(argv)

    from assistant.chain import load_assistant
    from assistant.config import Settings

    assistant = load_assistant(Settings.from_env(), use_coverage_model=False)
    gold_path = Path(args.gold_set)
    conversations = Path(args.conversations) if args.conversations else None
    training_path = Path(args.training) if args.training else None
    questions = load_training_questions(training_path) if training_path else []
    known = known_questions(assistant, questions) if questions else None
    rows, labels = dev_rows(assistant, gold_path, conversations, known)
    if not rows:
        print("fit_coverage: no cases to fit on", file=sys.stderr)
        return 1
    fold_adapters = None
    if assistant.ranker.adapter is not None:
        from assistant.evaluation.fit_adapter import folds_path, load_fold_adapters

        fold_adapters = load_fold_adapters(folds_path())
    extra = training_question_rows(assistant, questions, known, fold_adapters=fold_adapters) if questions else ([], [])
    features = tuple(FEATURES) if known is not None else tuple(f for f in FEATURES if f not in KNOWN_QUESTION_FEATURES)
    print(f"dev{' (with the conversations)' if conversations else ''}: {len(rows)} questions, {sum(labels)} not covered; "
          f"training questions: {len(extra[0])}, {sum(extra[1])} not covered")
    if questions:
        agree, covered = top_section_agreement(assistant, questions, fold_adapters)
        print(f"  covered training questions whose best unit is in a listed section: {agree} of {covered}")
    _report("cross-validated on dev, fitted on dev alone", cross_validated(rows, labels, args.l2, features=features))
    if extra[0]:
        # Dev was written with the assistant's failures in view; the training questions were not. A model that
        # only fits dev's kind of question does worse on theirs, so both kinds are scored.
        dev_only = fit_coverage_model(rows, labels, embedder_id="check", features=features, l2=args.l2)
        _report("fitted on dev alone, scored on the training questions", _scores(dev_only, *extra))
        _report("cross-validated on dev, fitted on dev + training questions",
                cross_validated(rows, labels, args.l2, features=features, always_fitted_on=extra))
        _report("cross-validated on dev + training questions, both scored",
                cross_validated(rows + extra[0], labels + extra[1], args.l2, features=features))
    trained_on = f"{gold_path.name} split {args.split}"
    trained_on += f" and {conversations.name} split {args.split}" if conversations else ""
    trained_on += f": {len(rows)} questions, {sum(labels)} not covered"
    if extra[0]:
        trained_on += f"; {training_path.name}: {len(extra[0])} questions, {sum(extra[1])} not covered"
    model = fit_coverage_model(
        rows + extra[0], labels + extra[1], embedder_id=assistant.ranker.embedder.id, features=features, l2=args.l2,
        trained_on=trained_on, known=known,
    )
    model.save(Path(args.out))
    if args.check:
        check = load_training_questions(Path(args.check))
        check_rows = training_question_rows(assistant, check, known, among_known=False)
        print(f"check questions (never fitted on): {len(check_rows[0])}, {sum(check_rows[1])} not covered")
        _report("the fitted model, scored on the check questions", _scores(model, *check_rows))
        agree, covered = top_section_agreement(assistant, check)
        print(f"  covered check questions whose best unit is in a listed section: {agree} of {covered}")
    width = max(len(name) for name in FEATURES)
    for name, weight in sorted(zip(model.features, model.weights), key=lambda item: -abs(item[1])):
        print(f"  {name:<{width}} {weight:+.3f}  ({FEATURES[name]})")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
