"""Vectors of texts already embedded, kept across index builds.

An index build embeds about a thousand texts (units, translations, paraphrase questions): ~25 s on two cores.
When the corpus changes, most of those texts are the same as last time, so a rebuild embeds only what is new.
The cache lives in the index folder (`embedding-cache/`), keyed by the embedder's id, the side (query or
passage) and the text's SHA-256; a missing or damaged cache file only means embedding everything again.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from pathlib import Path
from typing import Sequence

import numpy as np

from assistant.embeddings import AssistantEmbeddings

CACHE_FOLDER = "embedding-cache"


class VectorCache:
    """text key -> vector, loaded from and saved to one `.npz` file per embedder."""

    def __init__(self, path: Path):
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        self._used: set[str] = set()
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_embedder(cls, index_dir: Path, embedder_id: str) -> "VectorCache":
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", embedder_id)
        cache = cls(index_dir / CACHE_FOLDER / f"{slug}.npz")
        cache.load()
        return cache

    @staticmethod
    def key(side: str, text: str) -> str:
        return hashlib.sha256(f"{side}\0{text}".encode("utf-8")).hexdigest()

    def load(self) -> None:
        try:
            with np.load(self.path) as data:
                keys, vectors = data["keys"], data["vectors"]
                if keys.ndim != 1 or vectors.ndim != 2 or len(keys) != len(vectors):
                    return
                self._vectors = {str(k): v for k, v in zip(keys, np.asarray(vectors, dtype=np.float32))}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            self._vectors = {}  # no cache, or a damaged one: embed everything again

    def get(self, key: str) -> np.ndarray | None:
        vector = self._vectors.get(key)
        if vector is not None:
            self._used.add(key)
        return vector

    def put(self, key: str, vector: Sequence[float]) -> None:
        self._vectors[key] = np.asarray(vector, dtype=np.float32)
        self._used.add(key)

    def save(self) -> None:
        """Write the vectors this build used (texts no longer in the corpus are dropped); best effort."""
        keys = sorted(self._used)
        if not keys:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp.npz")
            np.savez(tmp, keys=np.array(keys), vectors=np.stack([self._vectors[k] for k in keys]))
            os.replace(tmp, self.path)
        except OSError:
            pass  # the index itself is built; the next build only takes longer


class CachedEmbeddings(AssistantEmbeddings):
    """An embedder whose document and question-side batches go through a VectorCache (queries do not)."""

    def __init__(self, inner: AssistantEmbeddings, cache: VectorCache):
        self.inner = inner
        self.cache = cache
        self.id = inner.id

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._cached("passage", texts, self.inner.embed_documents)

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return self._cached("query", texts, self.inner.embed_queries)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def query_vector(self, text: str):
        return self.inner.query_vector(text)

    def _cached(self, side: str, texts: Sequence[str], embed) -> list[list[float]]:
        keys = [self.cache.key(side, t) for t in texts]
        found = [self.cache.get(k) for k in keys]
        missing = [i for i, vector in enumerate(found) if vector is None]
        self.cache.hits += len(texts) - len(missing)
        self.cache.misses += len(missing)
        if missing:
            for i, vector in zip(missing, embed([texts[i] for i in missing])):
                self.cache.put(keys[i], vector)
                found[i] = np.asarray(vector, dtype=np.float32)
        return [np.asarray(v, dtype=np.float32).tolist() for v in found]
