"""The query adapter: fitting moves questions toward the sections that answer them; storing; the committed one."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.query_adapter import (
    DEFAULT_ADAPTER_PATH,
    AdapterSettings,
    QueryAdapter,
    fit_adapter_matrix,
    load_query_adapter,
)


def unit(*components: float) -> np.ndarray:
    v = np.array(components, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_the_identity_adapter_leaves_a_question_where_e5_put_it_and_a_share_blends_the_turn_in():
    adapter = QueryAdapter(embedder_id="x", matrix=np.eye(3))
    assert adapter.apply(unit(1, 2, 3)) == pytest.approx(unit(1, 2, 3), abs=1e-6)
    swap = QueryAdapter(embedder_id="x", matrix=np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]]), share=0.25)
    assert swap.apply(unit(1, 0, 0)) == pytest.approx(np.array([0.75, 0.25, 0.0]), abs=1e-6)
    with pytest.raises(ValueError, match="square"):
        QueryAdapter(embedder_id="x", matrix=np.ones((2, 3)))


def test_fitting_carries_questions_to_the_section_that_answers_them():
    # Views of section A lie along the first axis, of B along the second. The questions lean toward A by
    # their words (third component shared with A's second view) but B answers them.
    views = np.array([unit(1, 0, 0.3), unit(1, 0.1, 0.6), unit(0, 1, 0), unit(0.1, 1, 0)])
    sections = ["A", "A", "B", "B"]
    questions = np.array([unit(0.5, 0.45, 0.6), unit(0.55, 0.5, 0.5), unit(0.6, 0.5, 0.55)])

    def best_section(matrix, question):
        turned = matrix @ question
        return sections[int(np.argmax(views @ (turned / np.linalg.norm(turned))))]

    assert [best_section(np.eye(3), q) for q in questions] == ["A", "A", "A"]
    matrix = fit_adapter_matrix(questions, [["B"]] * 3, views, sections, AdapterSettings(epochs=200, learning_rate=0.01))
    assert [best_section(matrix, q) for q in questions] == ["B", "B", "B"]
    # Deterministic: the same inputs, the same matrix.
    again = fit_adapter_matrix(questions, [["B"]] * 3, views, sections, AdapterSettings(epochs=200, learning_rate=0.01))
    assert np.allclose(matrix, again, atol=1e-5)
    with pytest.raises(ValueError, match="section"):
        fit_adapter_matrix(questions, [["C"]] * 3, views, sections)


def test_an_adapter_is_used_only_for_the_embedder_it_was_fitted_for(tmp_path):
    path = tmp_path / "adapter.npz"
    adapter = QueryAdapter(embedder_id="e5-test", matrix=np.eye(4) * 2, trained_on="four questions")
    adapter.save(path)
    loaded = load_query_adapter("e5-test", path)
    assert loaded == adapter and np.array_equal(loaded.matrix, adapter.matrix)
    assert load_query_adapter("another-model", path) is None
    assert load_query_adapter("e5-test", tmp_path / "missing.npz") is None  # no adapter: e5 as it is
    heard = []
    path.write_bytes(b"not a zip file")
    assert load_query_adapter("e5-test", path, notify=heard.append) is None
    assert heard and "could not be read" in heard[0]


def test_committed_adapter_and_its_folds_are_fitted_on_todays_training_questions():
    """The training questions changed since the fit: run `python -m assistant.evaluation.fit_adapter`, then
    refit the coverage model (its signals are read through the adapter)."""
    from assistant.evaluation.fit_adapter import FOLDS, fold_of, folds_path, load_fold_adapters
    from assistant.evaluation.fit_coverage import load_training_questions

    covered = [q for q in load_training_questions() if q.covered]
    adapter = QueryAdapter.load(DEFAULT_ADAPTER_PATH)
    assert adapter.trained_on.startswith(f"coverage_training.jsonl: {len(covered)} covered questions")
    folds = load_fold_adapters(folds_path())
    assert sorted(folds) == list(range(FOLDS)) and all(f.embedder_id == adapter.embedder_id for f in folds.values())
    assert {fold_of(q.id) for q in covered} == set(range(FOLDS))


@pytest.mark.model
def test_the_e5_assistant_reads_questions_through_the_committed_adapter(real_assistant):
    adapter = real_assistant.ranker.adapter
    assert adapter is not None and adapter == QueryAdapter.load(DEFAULT_ADAPTER_PATH)
    # The adapter turns vectors (it is not the identity), by its share only.
    vector = real_assistant.ranker.question_vector("Does the library buy performers for its events?", "en")
    turned = adapter.apply(vector)
    cosine = float(turned @ vector) / float(np.linalg.norm(turned))
    assert 0 < adapter.share < 1 and 0.5 < cosine < 0.99
