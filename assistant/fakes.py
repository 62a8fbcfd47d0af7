"""Deterministic stand-ins for tests: same input, same vector, on every machine."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from assistant.embeddings import AssistantEmbeddings


class HashingEmbeddings(AssistantEmbeddings):
    """Bag of hashed word 4-grams, L2-normalised: texts sharing word pieces get similar vectors."""

    id = "fake/hashing-256"

    def __init__(self, dimensions: int = 256):
        self.dimensions = dimensions

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimensions, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            padded = f"<{word}>"
            for i in range(max(1, len(padded) - 3)):
                gram = padded[i : i + 4]
                bucket = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little")
                vec[bucket % self.dimensions] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t).tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text).tolist()

    def query_vector(self, text: str) -> np.ndarray:
        return self._vector(text)
