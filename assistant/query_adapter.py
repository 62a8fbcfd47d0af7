"""The query adapter: a linear map that turns e5's vector of a question toward the statements it is about.

e5 reads a question by its words: "Does the library pay for guest speakers, like authors or researchers, to
come and give talks?" matched the library's own statutory tasks better than the statement that it buys expert
and event services. People's questions name things the document does not (speakers, puppet theatre, ukulele
clubs), in ways e5 was never taught to connect with the document.
A square matrix, fitted on the training questions (`evals/coverage_training.jsonl`: which sections answer
each one), turns a question's vector before it is compared with the document's views; the views (the index)
stay as e5 made them. Linear adapters of this kind are what Chroma's research on embedding adapters found to
help retrieval when labelled questions exist. The adapter is fitted for one embedder
(`python -m assistant.evaluation.fit_adapter`) and ignored for another, like the coverage model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from assistant.fitted import UNREADABLE, load_fitted

DEFAULT_ADAPTER_PATH = Path(__file__).resolve().parent / "query_adapter.npz"


@dataclass(frozen=True)
class AdapterSettings:
    """How an adapter is fitted; chosen by cross-validation on the training questions (see fit_adapter)."""

    epochs: int = 200
    learning_rate: float = 0.002
    # Softmax temperature over similarities: e5's similarities lie within a few tenths of each other.
    temperature: float = 0.02


@dataclass(frozen=True)
class QueryAdapter:
    """question vector -> (1 - share) * vector + share * (matrix @ vector, normalised). Stored as float16."""

    embedder_id: str
    matrix: np.ndarray = field(repr=False, compare=False)
    trained_on: str = ""
    # How much of the turned vector is used, the rest being e5's own: fully turned, similarities fall from
    # about 0.95 to 0.3 and the lexical and qualifier weights, set on e5's scale, no longer balance. 0.3 did
    # best by meaning alone on the gold dev split, in a sweep over the questions as written (0.2: 96.6%, 0.3: 97.1%,
    # 0.5: 96.1%, 1: 95.6%).
    share: float = 0.3

    def __post_init__(self):
        matrix = np.asarray(self.matrix, dtype=np.float16).astype(np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError(f"a query adapter is a square matrix, not one of shape {matrix.shape}")
        object.__setattr__(self, "matrix", matrix)

    def apply(self, vector: np.ndarray) -> np.ndarray:
        # einsum, not `@`: see UnitRanker._similarities on OpenBLAS threads.
        vector = np.asarray(vector, dtype=np.float32)
        turned = np.einsum("ij,j->i", self.matrix, vector)
        return (1.0 - self.share) * vector + self.share * turned / np.linalg.norm(turned)

    def save(self, path: Path) -> None:
        """Written only when different from what `path` holds (a zip file records when it was written)."""
        try:
            old = QueryAdapter.load(path)
            if old == self and np.array_equal(old.matrix, self.matrix):
                return
        except UNREADABLE:
            pass
        meta = json.dumps(
            {"embedder_id": self.embedder_id, "trained_on": self.trained_on, "share": self.share}, ensure_ascii=False
        )
        np.savez_compressed(path, matrix=self.matrix.astype(np.float16), meta=np.array(meta))

    @classmethod
    def load(cls, path: Path) -> "QueryAdapter":
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            return cls(
                embedder_id=str(meta["embedder_id"]), matrix=data["matrix"], trained_on=str(meta["trained_on"]),
                share=float(meta.get("share", 1.0)),
            )


def load_query_adapter(
    embedder_id: str, path: Path = DEFAULT_ADAPTER_PATH, notify: Callable[[str], None] | None = None
) -> QueryAdapter | None:
    """The adapter fitted for this embedder, or None (missing, unreadable, or fitted for another embedder).
    `notify` hears why an adapter could not be read: questions are then compared as e5 reads them. No adapter
    at all is no news: the embedder is then used as it is."""
    return load_fitted(
        QueryAdapter.load, path, embedder_id, what="query adapter", notify=notify, missing_is_news=False,
        without_it="questions are matched as the embedder reads them, which is less accurate",
    )


def fit_adapter_matrix(
    question_vectors: np.ndarray,
    answering_sections: Sequence[Sequence[str]],
    view_vectors: np.ndarray,
    view_sections: Sequence[str],
    settings: AdapterSettings = AdapterSettings(),
) -> np.ndarray:
    """The matrix I + D that makes each question's answering sections the likeliest, by full-batch Adam.

    A section's score is the soft maximum (log-sum-exp) of the question's similarity to its views, and the
    loss is the negative log of the probability the softmax over sections gives the answering ones. D starts
    at zero, so a question the document's words already place well stays where it is. Full batch from a
    fixed start: the same inputs give the same matrix (up to the float rounding of torch's threads).
    """
    import torch  # only for fitting: answering needs numpy alone

    sections = sorted(set(view_sections))
    wanted = np.zeros((len(answering_sections), len(sections)), dtype=np.float32)
    for row, answering in enumerate(answering_sections):
        for section in answering:
            if section in sections:
                wanted[row, sections.index(section)] = 1.0
    if len(question_vectors) == 0 or not wanted.any(axis=1).all():
        raise ValueError("every question needs a section among the views' sections")
    questions = torch.tensor(np.asarray(question_vectors, dtype=np.float32))
    views = torch.tensor(np.asarray(view_vectors, dtype=np.float32))
    view_section = torch.tensor([sections.index(s) for s in view_sections])
    # log of the views x sections membership: adding it keeps each view's similarity in its own section only.
    membership = torch.log(torch.nn.functional.one_hot(view_section, len(sections)).float() + 1e-30)
    log_wanted = torch.log(torch.tensor(wanted) + 1e-30)
    size = questions.shape[1]
    delta = torch.zeros(size, size, requires_grad=True)
    optimiser = torch.optim.Adam([delta], lr=settings.learning_rate)
    identity = torch.eye(size)
    for _ in range(settings.epochs):
        optimiser.zero_grad()
        turned = questions @ (identity + delta).T
        turned = turned / turned.norm(dim=1, keepdim=True)
        similarity = turned @ views.T / settings.temperature
        section_score = torch.logsumexp(similarity.unsqueeze(2) + membership.unsqueeze(0), dim=1)
        log_probability = section_score - torch.logsumexp(section_score, dim=1, keepdim=True)
        loss = -torch.logsumexp(log_probability + log_wanted, dim=1).mean()
        loss.backward()
        optimiser.step()
    return (identity + delta).detach().numpy()
