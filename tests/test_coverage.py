"""The coverage model: fitting, applying, storing, and that the committed one is the fit of today's pipeline."""

from __future__ import annotations

import json
import os
import random

import pytest

import numpy as np

from assistant.coverage import (
    DEFAULT_MODEL_PATH,
    FEATURES,
    KNOWN_QUESTION_FEATURES,
    CoverageModel,
    KnownQuestions,
    fit_coverage_model,
    load_coverage_model,
)

NAMES = ("dense", "unknown_share")


def synthetic(n: int = 200, seed: int = 7):
    """Not covered when the match is weak and many words are unknown, with noise."""
    rng = random.Random(seed)
    rows, labels = [], []
    for _ in range(n):
        dense, share = rng.uniform(0.8, 1.0), rng.uniform(0.0, 1.0)
        rows.append({"dense": dense, "unknown_share": share})
        labels.append(share - 5 * (dense - 0.9) + rng.gauss(0, 0.1) > 0.5)
    return rows, labels


def test_fitted_model_separates_what_it_was_fitted_on_and_reads_signals_the_right_way():
    rows, labels = synthetic()
    model = fit_coverage_model(rows, labels, embedder_id="fake", features=NAMES)
    predicted = [model.not_covered_probability(r) >= 0.5 for r in rows]
    assert sum(p == t for p, t in zip(predicted, labels)) / len(rows) > 0.9
    weights = dict(zip(model.features, model.weights))
    assert weights["dense"] < 0 < weights["unknown_share"]
    assert model.reasons({"dense": 0.8, "unknown_share": 1.0}) == [
        "high " + FEATURES["unknown_share"], "low " + FEATURES["dense"]]


def test_fitting_is_deterministic_and_needs_both_kinds_of_question():
    rows, labels = synthetic()
    assert fit_coverage_model(rows, labels, embedder_id="x", features=NAMES) == fit_coverage_model(
        rows, labels, embedder_id="x", features=NAMES)
    with pytest.raises(ValueError, match="both"):
        fit_coverage_model(rows, [True] * len(rows), embedder_id="x", features=NAMES)


def test_a_model_is_used_only_for_the_embedder_it_was_fitted_for(tmp_path):
    rows, labels = synthetic()
    path = tmp_path / "model.json"
    model = fit_coverage_model(rows, labels, embedder_id="e5-test", features=NAMES)
    model.save(path)
    assert load_coverage_model("e5-test", path) == model
    assert load_coverage_model("another-model", path) is None
    assert load_coverage_model("e5-test", tmp_path / "missing.json") is None
    path.write_text("{not json", encoding="utf-8")
    assert load_coverage_model("e5-test", path) is None
    broken = json.loads(json.dumps(model.__dict__, default=list))
    broken["features"] = ["dense", "shoe_size"]
    path.write_text(json.dumps(broken), encoding="utf-8")
    assert load_coverage_model("e5-test", path) is None


def test_committed_model_uses_known_signals():
    model = CoverageModel.load(DEFAULT_MODEL_PATH)
    assert set(model.features) <= set(FEATURES) and model.trained_on.startswith("gold.jsonl split dev")


@pytest.mark.model
def test_committed_model_is_the_fit_of_the_current_pipeline_on_dev_and_the_training_questions(real_assistant):
    """Signals change when retrieval changes; then the model must be fitted again
    (`python -m assistant.evaluation.fit_coverage`), or it would weigh signals it was not fitted on."""
    from assistant.evaluation.fit_adapter import folds_path, load_fold_adapters
    from assistant.evaluation.fit_coverage import (
        dev_rows,
        known_questions,
        load_training_questions,
        training_question_rows,
    )

    committed = CoverageModel.load(DEFAULT_MODEL_PATH)
    assert real_assistant.coverage == committed  # the e5 assistant uses it
    training = load_training_questions()
    known = known_questions(real_assistant, training)
    assert known == committed.known  # the same questions and labels
    # Named, not dumped as arrays: a changed vector means retrieval now reads that question differently.
    moved = np.abs(known.vectors - committed.known.vectors).max(axis=1)
    changed = [f"{q!r} ({d:.4f})" for q, d in zip(known.questions, moved) if d >= 1e-3]
    assert not changed, f"{len(changed)} known questions read differently, refit: " + "; ".join(changed[:5])
    rows, labels = dev_rows(real_assistant, known=known)
    # Each training question is read through the adapter fitted without it, as fit_coverage does.
    fold_adapters = load_fold_adapters(folds_path())
    extra_rows, extra_labels = training_question_rows(real_assistant, training, known, fold_adapters=fold_adapters)
    refit = fit_coverage_model(
        rows + extra_rows, labels + extra_labels, embedder_id=committed.embedder_id, features=committed.features
    )
    assert refit.weights == pytest.approx(committed.weights, abs=0.02)
    assert refit.bias == pytest.approx(committed.bias, abs=0.02)


@pytest.mark.model
def test_no_training_or_check_question_restates_a_held_out_test_question(real_assistant):
    """The training and check questions were written without seeing the gold set, but people ask the same
    things: any that came within 0.95 e5 similarity of a test question was dropped, so the test split stays unseen."""
    import numpy as np

    from assistant.evaluation.fit_coverage import DEFAULT_CHECK_SET, load_training_questions
    from assistant.evaluation.gold import DEFAULT_GOLD_SET, load_gold

    embedder = real_assistant.ranker.embedder
    held_out = np.array([embedder.query_vector(c.question) for c in load_gold(DEFAULT_GOLD_SET, "test")])
    training, check = load_training_questions(), load_training_questions(DEFAULT_CHECK_SET)
    assert len(training) >= 200 and len(check) >= 150
    assert not {q.id for q in training} & {q.id for q in check}
    closest = [float((held_out @ np.asarray(embedder.query_vector(q.question))).max()) for q in training + check]
    assert max(closest) < 0.95


def test_training_questions_are_read_and_checked(tmp_path):
    from assistant.evaluation.fit_coverage import load_training_questions
    from assistant.evaluation.gold import GoldSetError

    path = tmp_path / "training.jsonl"
    good = [
        {"id": "t-1", "language": "en", "question": "Does the library sell coffee?", "covered": False, "sections": []},
        {"id": "t-2", "language": "fi", "question": "Myykö kirjasto kirjoja?", "covered": True, "sections": ["2.4"]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in good) + "\n\n", encoding="utf-8")
    questions = load_training_questions(path)
    assert [(q.id, q.covered, q.sections) for q in questions] == [("t-1", False, ()), ("t-2", True, ("2.4",))]

    for broken, message in [
        ({**good[0], "covered": "no"}, "non-boolean"),
        ({**good[0], "id": "t-2"}, "duplicate"),
        ({**good[1], "id": "t-3", "sections": []}, "sections"),
        ({"id": "t-3", "question": "?"}, "KeyError"),
    ]:
        path.write_text("\n".join(json.dumps(r) for r in good[1:] + [broken]), encoding="utf-8")
        with pytest.raises(GoldSetError, match=message):
            load_training_questions(path)


def unit_vector(*components: float) -> np.ndarray:
    v = np.array(components, dtype=np.float32)
    return v / np.linalg.norm(v)


def known_fixture() -> KnownQuestions:
    # Two not-covered questions near the first axis, two covered ones near the second.
    return KnownQuestions(
        questions=("Can I bring my dog?", "Do you lend bikes?", "Do you sell books?", "Is there a law?"),
        not_covered=(True, True, False, False),
        vectors=np.array([unit_vector(1, 0.1, 0), unit_vector(1, 0, 0.2), unit_vector(0.1, 1, 0), unit_vector(0, 1, 0.1)]),
    )


def test_known_questions_give_the_similarity_of_the_closest_of_each_kind_and_can_leave_one_out():
    known = known_fixture()
    near_dog = unit_vector(1, 0.1, 0)
    likeness = known.likeness(near_dog)
    not_covered, covered = likeness.not_covered, likeness.covered
    assert not_covered == pytest.approx((1.0 + float(unit_vector(1, 0, 0.2) @ near_dog)) / 2, abs=2e-3)
    assert covered < 0.2 < not_covered
    # Fitting on the known questions themselves: a question's own entry must not count.
    alone = known.likeness(near_dog, leave_out="Can I bring my dog?").not_covered
    assert alone < not_covered
    assert (likeness.nearest, likeness.nearest_not_covered) == ("Can I bring my dog?", True)
    with pytest.raises(ValueError, match="both"):
        KnownQuestions(("a", "b"), (True, True), np.eye(2))
    with pytest.raises(ValueError, match="number"):
        KnownQuestions(("a", "b"), (True, False), np.eye(3))


def test_a_model_with_known_questions_keeps_them_beside_its_json(tmp_path):
    rows, labels = synthetic()
    rng = random.Random(5)
    for row in rows:  # any values: only storing is tested here
        row.update({name: rng.uniform(0.8, 1.0) for name in KNOWN_QUESTION_FEATURES})
    features = NAMES + KNOWN_QUESTION_FEATURES
    model = fit_coverage_model(rows, labels, embedder_id="e5-test", features=features, known=known_fixture())
    path = tmp_path / "model.json"
    model.save(path)
    assert json.loads(path.read_text(encoding="utf-8"))["known_questions"] == "model.known-questions.npz"
    loaded = load_coverage_model("e5-test", path)
    assert loaded == model
    assert np.array_equal(loaded.known.vectors, model.known.vectors)  # float16 on disk, rounded alike when fitted
    known_file = tmp_path / "model.known-questions.npz"
    os.utime(known_file, (1_000_000_000, 1_000_000_000))
    loaded.save(path)  # the same again: the file is left as it is (a zip file records when it was written)
    assert known_file.stat().st_mtime == 1_000_000_000
    (tmp_path / "model.known-questions.npz").write_bytes(b"not a zip")
    heard = []
    assert load_coverage_model("e5-test", path, notify=heard.append) is None
    assert len(heard) == 1 and "could not be read" in heard[0] and "less accurate" in heard[0]
    (tmp_path / "model.known-questions.npz").unlink()
    assert load_coverage_model("e5-test", path) is None
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["known_questions"]  # weighs similarity to known questions, but names none
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_coverage_model("e5-test", path) is None


def test_cross_validation_scores_only_the_dev_rows_but_fits_on_the_training_questions_too():
    from assistant.evaluation.fit_coverage import cross_validated

    rows, labels = synthetic(n=20, seed=3)
    extra_rows, extra_labels = synthetic(n=400, seed=4)
    alone = cross_validated(rows, labels, l2=1.0, features=NAMES)
    helped = cross_validated(rows, labels, l2=1.0, features=NAMES, always_fitted_on=(extra_rows, extra_labels))
    assert helped["accuracy"] >= alone["accuracy"]
    # Contradicting training questions (every label flipped) pull the held-out dev folds down.
    flipped = cross_validated(rows, labels, l2=1.0, features=NAMES, always_fitted_on=(extra_rows, [not v for v in extra_labels]))
    assert flipped["accuracy"] < alone["accuracy"]


def test_top_section_agreement_counts_covered_questions_whose_best_unit_is_in_a_listed_section():
    from types import SimpleNamespace

    from assistant.evaluation.fit_coverage import TrainingQuestion, top_section_agreement

    best_section = {"Myykö kirjasto kirjoja?": "2.4", "Does the library buy concerts?": "2.1", "Sauna?": "2.1"}

    class Ranked:  # answers with a fixed best unit per question
        def explain(self, question):
            unit = SimpleNamespace(section=best_section[question])
            return SimpleNamespace(retrieval=SimpleNamespace(ranked=(SimpleNamespace(unit=unit),)))

    questions = [
        TrainingQuestion("a", "Myykö kirjasto kirjoja?", "fi", True, ("2.4",)),
        TrainingQuestion("b", "Does the library buy concerts?", "en", True, ("2.2",)),
        TrainingQuestion("c", "Sauna?", "en", False),  # not covered: not counted
    ]
    assert top_section_agreement(Ranked(), questions) == (1, 2)
