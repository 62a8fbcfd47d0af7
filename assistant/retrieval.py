"""Retrieval: rank the document's units for a question by meaning (e5) and by words (gated by language).

Dense similarity runs across languages against every view of a unit (its Finnish text, its aligned
translations, the questions it answers). Lexical coverage compares the question only with views in the
question's own language: an ungated lexical ranking hurts cross-lingual questions (see STACK-NOTES).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever

from assistant.corpus import Corpus, Unit
from assistant.index import LoadedIndex
from assistant.lexical import Analyzer, LexicalIndex


@dataclass(frozen=True, kw_only=True)
class RetrievalWeights:
    """How dense and lexical evidence combine. Tuned on the dev split only."""

    lexical: float = 0.12
    question_view_bonus: float = 0.0
    context_weight: float = 0.5  # weight of the earlier turn when a follow-up is resolved
    max_unknown_probes: int = 0  # unknown words embedded on their own (a not-covered signal; off: it did not help on dev)


DEFAULT_WEIGHTS = RetrievalWeights()


@dataclass(frozen=True)
class Evidence:
    unit: Unit
    score: float
    dense: float
    lexical: float


@dataclass(frozen=True)
class Retrieval:
    """Ranked evidence plus what the question itself looked like to the lexical side."""

    ranked: tuple[Evidence, ...]
    content_words: int
    unknown_words: int
    best_dense: float
    best_lexical: float
    # For each word of the question the document never uses: how the top unit ranks among all units by
    # similarity to that word alone. A word unrelated to the best unit ("bike" against "lending materials")
    # means the question asks about something the document does not cover.
    unknown_word_ranks: tuple[tuple[str, int], ...] = ()


class UnitRanker:
    """Scores every unit for a question. Stateless after construction, so safe to share across threads."""

    def __init__(
        self,
        index: LoadedIndex,
        corpus: Corpus,
        embedder,
        analyzers: dict[str, Analyzer],
        weights: RetrievalWeights = DEFAULT_WEIGHTS,
    ):
        self.corpus = corpus
        self.embedder = embedder
        self.weights = weights
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="embed")
        self.units: list[Unit] = []
        unit_position: dict[str, int] = {}
        for view in index.views:
            if view.unit_id not in unit_position:
                unit_position[view.unit_id] = len(self.units)
                self.units.append(corpus.unit(view.unit_id))
        self._view_unit = np.array([unit_position[v.unit_id] for v in index.views], dtype=np.int64)
        self._is_question = np.array([v.kind == "question" for v in index.views])
        self._vectors = index.vectors
        self._lexical: dict[str, tuple[LexicalIndex, np.ndarray]] = {}
        for language, analyzer in analyzers.items():
            positions = [i for i, v in enumerate(index.views) if v.language == language]
            lex = LexicalIndex(analyzer, [index.terms[i] for i in positions])
            self._lexical[language] = (lex, self._view_unit[positions])

    def _dense_many(self, texts: list[str]) -> list[np.ndarray]:
        if len(texts) == 1:
            return [self._dense(texts[0])]
        return list(self._pool.map(self._dense, texts))

    def _dense(self, text: str) -> np.ndarray:
        query = np.asarray(self.embedder.query_vector(text), dtype=np.float32)
        sims = self._vectors @ query
        sims = sims + self.weights.question_view_bonus * self._is_question
        per_unit = np.full(len(self.units), -1.0, dtype=np.float32)
        np.maximum.at(per_unit, self._view_unit, sims)
        return per_unit

    def _lexical_scores(self, text: str, language: str) -> tuple[np.ndarray, int, int]:
        lex, view_units = self._lexical[language]
        words = lex.query_words(text)
        per_unit = np.zeros(len(self.units), dtype=np.float32)
        for view_position, coverage in lex.search(words).items():
            unit = view_units[view_position]
            if coverage > per_unit[unit]:
                per_unit[unit] = coverage
        return per_unit, len(words), lex.unknown_words(words)

    def rank(self, question: str, language: str, context: str | None = None) -> Retrieval:
        """Rank units for the question; `context` (an earlier turn) is blended in for follow-ups."""
        unknown_tokens = self._lexical[language][0].unknown_tokens(question)[: self.weights.max_unknown_probes]
        vectors = self._dense_many([question, *unknown_tokens])
        dense = vectors[0]
        lexical, content_words, unknown = self._lexical_scores(question, language)
        if context:
            w = self.weights.context_weight
            combined = f"{context} {question}"
            dense = (1 - w) * dense + w * self._dense(combined)
            ctx_lexical, ctx_words, ctx_unknown = self._lexical_scores(combined, language)
            lexical = (1 - w) * lexical + w * ctx_lexical
            content_words, unknown = ctx_words, ctx_unknown
        fused = dense + self.weights.lexical * lexical
        order = np.argsort(-fused, kind="stable")
        top = order[0]
        word_ranks = tuple((w, int((v > v[top]).sum())) for w, v in zip(unknown_tokens, vectors[1:]))
        ranked = tuple(
            Evidence(self.units[i], float(fused[i]), float(dense[i]), float(lexical[i])) for i in order
        )
        return Retrieval(
            ranked=ranked,
            content_words=content_words,
            unknown_words=unknown,
            best_dense=float(dense.max()) if len(dense) else 0.0,
            best_lexical=float(lexical.max()) if len(lexical) else 0.0,
            unknown_word_ranks=word_ranks,
        )


class UnitRetriever(BaseRetriever):
    """The ranker as a LangChain retriever: units as Documents, most relevant first."""

    ranker: UnitRanker
    language: str = "fi"
    k: int = 4

    model_config = {"arbitrary_types_allowed": True}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        retrieval = self.ranker.rank(query, self.language)
        return [evidence_document(e) for e in retrieval.ranked[: self.k]]


def evidence_document(evidence: Evidence) -> LCDocument:
    unit = evidence.unit
    return LCDocument(
        page_content=unit.text,
        id=unit.id,
        metadata={
            "section": unit.section,
            "heading": unit.heading,
            "source": unit.source,
            "start": unit.start,
            "end": unit.end,
            "modality": unit.modality.value,
            "score": evidence.score,
        },
    )


def top_units(retrieval: Retrieval, n: int) -> Sequence[Evidence]:
    return retrieval.ranked[:n]
