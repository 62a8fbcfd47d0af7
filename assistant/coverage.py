"""Coverage: does the description answer the question at all? A small logistic model over retrieval signals.

e5 similarities are bunched, and no one threshold tells "answered" from "not answered": an unrelated
sentence scores 0.78, a paraphrase 0.90. Several weak signals together do better than thresholds on each:
how well the best unit's own text matched, how much of the question the document's words cover, how many
of the question's words the document never uses and whether the match rests on them, and how clearly
the best unit stands out, and how like the question is to questions known to be answered or not
(`KnownQuestions`). Their weights are fitted on the dev split of the gold set and on training
questions written apart from it (`python -m assistant.evaluation.fit_coverage`), for one embedder:
similarities of another model mean something else, so a model fitted for a different embedder is not used.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from assistant.fitted import UNREADABLE, load_fitted
from assistant.retrieval import Retrieval

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "coverage_model.json"

# Signal name -> what it measures, for explanations ("low ..." / "high ...").
FEATURES: dict[str, str] = {
    "dense": "semantic similarity of the best unit",
    "lexical": "share of the question's words the best unit mentions",
    "dense_margin": "lead of the best unit over the next",
    "unknown_share": "share of the question's words the document never uses",
    "min_word_support": "support of the match from its weakest word unknown to the document",
    "max_word_support": "support of the match from its strongest word unknown to the document",
    "has_unknown_words": "presence of words the document never uses",
    "content_words": "number of content words in the question",
    "top_text_view": "similarity of the best unit's own text",
    "top_question_view": "similarity of the best unit's generated questions",
    "best_text_view": "best similarity of any text of the document",
    "top_gap5": "lead of the best unit over the fifth",
    "unknown_name": "presence of a name the document never mentions",
    "branch_name": "mention of one of the library's branches",
    "similar_not_covered": "similarity of known questions the description does not answer",
    "similar_covered": "similarity of known questions the description answers",
}
# Signals that need the known questions (`KnownQuestions`) besides the retrieval.
KNOWN_QUESTION_FEATURES = ("similar_not_covered", "similar_covered")
SIMILAR_QUESTIONS = 10  # how many of the most similar known questions of each kind are averaged
NO_UNKNOWN_WORD_SUPPORT = 0.0  # the support signals' value when every word is known (has_unknown_words says so)


@dataclass(frozen=True)
class Likeness:
    """How like the known questions one question is: the coverage signals and, for explanations, the nearest."""

    not_covered: float  # mean similarity of the closest known questions the description does not answer
    covered: float  # ... of the closest it answers
    nearest: str
    nearest_not_covered: bool
    nearest_similarity: float

    def describe(self) -> str:
        """In words: "'Can I bring my dog?' (not covered, 0.93)"."""
        label = "not covered" if self.nearest_not_covered else "covered"
        return f"'{self.nearest}' ({label}, {self.nearest_similarity:.2f})"


@dataclass(frozen=True)
class KnownQuestions:
    """Questions whose answer is known, covered or not, with e5's vectors of them.

    Word signals cannot tell "can I come study for my exams?" (answered: study spaces) from "can I borrow a
    bike?" (not answered): both bring a word the document never uses. People's questions recur, though, and a
    question much like ones known to be answered usually is too. The questions are the training questions
    (`evals/coverage_training.jsonl`), written apart from the gold set; its test split stays unseen (a test
    checks that none restates a test question).
    """

    questions: tuple[str, ...]
    not_covered: tuple[bool, ...]
    # float16 on disk; fitting uses the same rounded values, so the signals are those the stored model sees.
    vectors: np.ndarray = field(repr=False, compare=False)

    def __post_init__(self):
        vectors = np.asarray(self.vectors, dtype=np.float16).astype(np.float32)
        if vectors.ndim != 2 or not (len(self.questions) == len(self.not_covered) == len(vectors)):
            raise ValueError("known questions: questions, labels and vectors differ in number")
        if all(self.not_covered) or not any(self.not_covered):
            raise ValueError("known questions need both covered and not covered ones")
        object.__setattr__(self, "vectors", vectors)
        object.__setattr__(self, "_labels", np.array(self.not_covered, dtype=bool))

    def likeness(self, vector: np.ndarray, leave_out: str | None = None) -> Likeness:
        """How like the known questions `vector` is (one product with all of them).
        `leave_out`: a question whose own entry must not count (fitting on the known questions themselves)."""
        # einsum, not `@`: see UnitRanker._similarities on OpenBLAS threads.
        similarities = np.einsum("ij,j->i", self.vectors, np.asarray(vector, dtype=np.float32))
        if leave_out is not None:
            similarities[[i for i, q in enumerate(self.questions) if q == leave_out]] = -1.0
        best = int(similarities.argmax())
        return Likeness(
            not_covered=self._closest(similarities[self._labels]),
            covered=self._closest(similarities[~self._labels]),
            nearest=self.questions[best],
            nearest_not_covered=self.not_covered[best],
            nearest_similarity=float(similarities[best]),
        )

    @staticmethod
    def _closest(similarities: np.ndarray) -> float:
        k = min(SIMILAR_QUESTIONS, len(similarities))
        return float(np.partition(similarities, -k)[-k:].mean())

    def save(self, path: Path) -> None:
        """Written only when different from what `path` holds: a zip file records when it was written, and
        refitting should not change a committed file that says the same."""
        try:
            if (old := KnownQuestions.load(path)) == self and np.array_equal(old.vectors, self.vectors):
                return
        except UNREADABLE:
            pass
        np.savez_compressed(
            path, questions=np.array(self.questions), not_covered=np.array(self.not_covered, dtype=bool),
            vectors=self.vectors.astype(np.float16),
        )

    @classmethod
    def load(cls, path: Path) -> "KnownQuestions":
        with np.load(path, allow_pickle=False) as data:
            return cls(
                questions=tuple(str(q) for q in data["questions"]),
                not_covered=tuple(bool(v) for v in data["not_covered"]),
                vectors=data["vectors"],
            )


def coverage_features(retrieval: Retrieval, likeness: Likeness | None = None) -> dict[str, float]:
    """The signals of one retrieval, by name. Runs the unknown-word probes (query embeddings) if any.
    With its `likeness` to the known questions, also those signals (they are missing without it)."""
    top = retrieval.ranked[0]
    others = [e.dense for e in retrieval.ranked[1:]]
    support = [s for _, s in retrieval.unknown_word_support]
    profile = retrieval.profile
    if profile is None:
        raise ValueError("the retrieval has no match profile")
    features = {
        "dense": top.dense,
        "lexical": top.lexical,
        "dense_margin": top.dense - max(others, default=top.dense),
        "unknown_share": retrieval.unknown_words / max(retrieval.content_words, 1),
        "min_word_support": min(support, default=NO_UNKNOWN_WORD_SUPPORT),
        "max_word_support": max(support, default=NO_UNKNOWN_WORD_SUPPORT),
        "has_unknown_words": float(bool(support)),
        "content_words": float(retrieval.content_words),
        "top_text_view": profile.top_text_view,
        "top_question_view": profile.top_question_view,
        "best_text_view": profile.best_text_view,
        "top_gap5": profile.top_gap5,
        "unknown_name": float(bool(retrieval.unknown_names)),
        "branch_name": float(retrieval.names_a_branch),
    }
    if likeness is not None:
        features.update(zip(KNOWN_QUESTION_FEATURES, (likeness.not_covered, likeness.covered)))
    return features


@dataclass(frozen=True)
class CoverageModel:
    """Logistic regression on standardised signals: the probability that the question is *not* covered."""

    embedder_id: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5
    trained_on: str = ""
    known: KnownQuestions | None = None  # needed by the `KNOWN_QUESTION_FEATURES` signals

    def likeness_of(self, retrieval: Retrieval) -> Likeness | None:
        """How like the known questions the retrieved question is; None without them (or without its vector)."""
        if self.known is None or retrieval.question_vector is None:
            return None
        return self.known.likeness(retrieval.question_vector)

    def not_covered_probability(self, features: Mapping[str, float]) -> float:
        z = self.bias + sum(w * c for w, c in zip(self.weights, self._standardised(features)))
        return 1.0 / (1.0 + math.exp(-z))

    def reasons(self, features: Mapping[str, float], count: int = 2) -> list[str]:
        """The signals that pushed most toward "not covered", as words ("low similarity of ...")."""
        standardised = self._standardised(features)
        pushes = sorted(
            ((w * c, name, c) for name, w, c in zip(self.features, self.weights, standardised)), key=lambda t: -t[0]
        )
        return [f"{'high' if c > 0 else 'low'} {FEATURES.get(name, name)}" for push, name, c in pushes[:count] if push > 0]

    def _standardised(self, features: Mapping[str, float]) -> list[float]:
        return [(features[name] - m) / s for name, m, s in zip(self.features, self.mean, self.scale)]

    def save(self, path: Path) -> None:
        """The weights as JSON at `path`; the known questions, if any, beside it (vectors are binary)."""
        data = {name: value for name, value in asdict(self).items() if name != "known"}
        if self.known is not None:
            known_path = path.with_name(f"{path.stem}.known-questions.npz")
            self.known.save(known_path)
            data["known_questions"] = known_path.name
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "CoverageModel":
        data = json.loads(path.read_text(encoding="utf-8"))
        for key in ("features", "mean", "scale", "weights"):
            data[key] = tuple(data[key])
        known_file = data.pop("known_questions", None)
        known = KnownQuestions.load(path.parent / Path(known_file).name) if known_file else None
        model = cls(**data, known=known)
        if not (len(model.features) == len(model.mean) == len(model.scale) == len(model.weights)):
            raise ValueError(f"{path}: features, mean, scale and weights differ in length")
        unknown = set(model.features) - set(FEATURES)
        if unknown:
            raise ValueError(f"{path}: unknown signals {sorted(unknown)}")
        if known is None and set(model.features) & set(KNOWN_QUESTION_FEATURES):
            raise ValueError(f"{path}: the model weighs similarity to known questions but names none")
        return model


def load_coverage_model(
    embedder_id: str, path: Path = DEFAULT_MODEL_PATH, notify: Callable[[str], None] | None = None
) -> CoverageModel | None:
    """The fitted model for this embedder, or None (missing, unreadable, or fitted for another embedder).
    `notify` hears why a model could not be read: answers then come from the less accurate rule gate."""
    return load_fitted(
        CoverageModel.load, path, embedder_id, what="coverage model", notify=notify,
        without_it="whether a question is covered is judged by simpler rules, which are less accurate",
    )


def fit_coverage_model(
    rows: Sequence[Mapping[str, float]],
    not_covered: Sequence[bool],
    *,
    embedder_id: str,
    features: Sequence[str] = tuple(FEATURES),
    l2: float = 1.0,
    threshold: float = 0.5,
    trained_on: str = "",
    known: KnownQuestions | None = None,
) -> CoverageModel:
    """L2-regularised logistic regression by Newton's method (deterministic; the bias is not penalised).

    `l2` is the inverse of scikit-learn's C on the summed log-loss, so l2=1.0 matches C=1.0.
    """
    x = np.array([[row[name] for name in features] for row in rows], dtype=np.float64)
    y = np.array(not_covered, dtype=np.float64)
    if len(x) == 0 or y.min() == y.max():
        raise ValueError("fitting needs examples of both covered and not covered questions")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    design = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    beta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        gradient = design.T @ (p - y) + penalty * beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    return CoverageModel(
        embedder_id=embedder_id,
        features=tuple(features),
        mean=tuple(round(float(v), 8) for v in mean),
        scale=tuple(round(float(v), 8) for v in scale),
        weights=tuple(round(float(v), 8) for v in beta[:-1]),
        bias=round(float(beta[-1]), 8),
        threshold=threshold,
        trained_on=trained_on,
        known=known,
    )
