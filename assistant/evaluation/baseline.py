"""The naive pipeline a LangChain tutorial gives, for comparison in every report: 1000-character chunks in
Chroma, top 4, the verdict read off the top chunk's section. It never says `not_covered` and answers in
the document's language."""

from __future__ import annotations

from assistant.corpus import Corpus
from assistant.modality import VERDICT_OF_MODALITY, section_modality

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4


class NaivePipeline:
    """Answers in the JSON contract's shape, so the same metrics score it."""

    def __init__(self, corpus: Corpus, embedder):
        from chromadb import EphemeralClient
        from chromadb.config import Settings as ChromaSettings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from assistant.index import chroma_store

        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True)
        self.corpus = corpus
        client = EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store = chroma_store(client, "naive_chunks", embedder)
        self.store.reset_collection()
        texts, metadatas = [], []
        for document in corpus.documents:
            for chunk in splitter.create_documents([document.text], metadatas=[{"source": document.source}]):
                start = chunk.metadata["start_index"]
                section = _section_at(document, start)
                texts.append(chunk.page_content)
                metadatas.append(
                    {"source": document.source, "start": start, "end": start + len(chunk.page_content),
                     "section": section.id, "heading": section.heading}
                )
        self.store.add_texts(texts=texts, metadatas=metadatas)

    def ask(self, question: str, history=()) -> dict:
        docs = self.store.similarity_search(question, k=TOP_K)
        citations = [
            {"section": d.metadata["section"], "heading": d.metadata["heading"], "quote": d.page_content,
             "source": d.metadata["source"], "start": d.metadata["start"], "end": d.metadata["end"]}
            for d in docs
        ]
        top = citations[0] if citations else None
        verdict = VERDICT_OF_MODALITY[section_modality(top["heading"])] if top else "not_covered"
        return {"question": question, "language": "fi", "verdict": verdict,
                "answer": top["quote"] if top else "", "referral": None, "citations": citations}


def _section_at(document, offset: int):
    current = document.sections[0]
    for section in document.sections:
        if section.start <= offset:
            current = section
    return current
