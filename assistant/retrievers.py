"""The unit ranker as a LangChain retriever, for composing it into other LangChain pipelines.

Kept apart from `retrieval.py`: importing LangChain's retriever and tracing machinery costs about a
second, which a one-off `ask` on the command line does not need.
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever

from assistant.retrieval import Evidence, UnitRanker


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
