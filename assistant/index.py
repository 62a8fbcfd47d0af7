"""The index: every unit's views (Finnish text, aligned translations, questions) embedded into Chroma.

Layout of the index folder:
- `chroma-<build>/`  Chroma persistent store: collection `unit_texts` (passage side) and `unit_questions`
  (question side), cosine space, embedded with our own embedder (never Chroma's default).
- `serving.npz`       the same vectors read back from Chroma, so a one-off `ask` need not import chromadb
                      (importing it alone costs about 1.5 s, the whole cold-start budget).
- `views.json`        view texts, their unit ids and lexical terms.
- `manifest.json`     written last, atomically: schema version, corpus and alignment fingerprints,
                      embedder id, lexical backend. Anything missing, unreadable or different -> rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from assistant.aligned import Alignment
from assistant.corpus import Corpus
from assistant.embeddings import AssistantEmbeddings
from assistant.fitted import UNREADABLE
from assistant.lexical import Analyzer, analysis_fingerprint
from assistant.vector_cache import CachedEmbeddings, VectorCache

SCHEMA_VERSION = 5
MANIFEST = "manifest.json"
SNAPSHOT = "serving.npz"
VIEWS = "views.json"
TEXT_COLLECTION = "unit_texts"
QUESTION_COLLECTION = "unit_questions"
EMBED_BATCH = 256

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class View:
    """One way of saying what a unit says: its text in some language, or a question it answers."""

    id: str
    unit_id: str
    language: str
    kind: str  # "text" or "question"
    text: str


@dataclass(frozen=True)
class Manifest:
    schema_version: int
    corpus_fingerprint: str
    alignment_fingerprint: str
    embedder_id: str
    lexical_backend: str
    chroma_dir: str
    snapshot_sha256: str
    views: int
    units: int
    built_at: float
    build_seconds: float
    reused_vectors: int = 0  # views whose vectors came from the cache of earlier builds (not re-embedded)


class IndexUnavailable(Exception):
    """The index cannot be built or read; the message says what to do."""


@dataclass
class LoadedIndex:
    """What answering needs, in memory: views, their vectors and lexical terms."""

    manifest: Manifest
    views: list[View]
    vectors: np.ndarray  # (n_views, dim) float32, L2-normalised
    terms: list[list[str]]  # per view


def build_views(corpus: Corpus, alignment: Alignment) -> list[View]:
    views: list[View] = []
    for unit in corpus.units:
        views.append(View(f"{unit.id}|text|fi", unit.id, "fi", "text", unit.text))
        entry = alignment.units.get(unit.id)
        if entry is None:
            continue
        for lang in ("sv", "en"):
            if text := entry.text.get(lang):
                views.append(View(f"{unit.id}|text|{lang}", unit.id, lang, "text", text))
        for lang, questions in entry.questions.items():
            for n, question in enumerate(questions):
                views.append(View(f"{unit.id}|q|{lang}|{n}", unit.id, lang, "question", question))
    return views


def expected_manifest_fields(corpus: Corpus, alignment: Alignment, embedder_id: str, lexical_backend: str) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "corpus_fingerprint": corpus.fingerprint,
        "alignment_fingerprint": alignment.fingerprint,
        "embedder_id": embedder_id,
        "lexical_backend": lexical_backend,
    }


def read_manifest(index_dir: Path) -> Manifest | None:
    try:
        data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None


def staleness(index_dir: Path, expected: dict) -> str | None:
    """Why the index cannot be used as it is, or None when it matches the corpus and settings."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        return "no index yet" if not (index_dir / MANIFEST).exists() else "the index manifest is unreadable"
    for key, value in expected.items():
        if getattr(manifest, key) != value:
            return {
                "schema_version": "the index was built by another version of the assistant",
                "corpus_fingerprint": "the corpus changed since the index was built",
                "alignment_fingerprint": "the aligned translations changed since the index was built",
                "embedder_id": f"the index was built with another embedder ({manifest.embedder_id})",
                "lexical_backend": "the word analysis (Voikko or Snowball, tokenizer, stopwords) changed since the index was built",
            }[key]
    for name in (SNAPSHOT, VIEWS, manifest.chroma_dir):
        if not (index_dir / name).exists():
            return f"index file {name} is missing"
    return None


def build_index(
    index_dir: Path,
    corpus: Corpus,
    alignment: Alignment,
    embedder: AssistantEmbeddings,
    analyzers: dict[str, Analyzer],
    *,
    chroma_client_factory: Callable[[Path], object] | None = None,
    progress: Progress | None = None,
) -> Manifest:
    """Embed every view into Chroma, export the serving snapshot and lexical terms, then write the manifest."""
    started = time.perf_counter()
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        probe = index_dir / f".write-test-{uuid.uuid4().hex[:8]}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise IndexUnavailable(f"cannot write the index folder {index_dir}: {exc.strerror or exc}") from exc

    views = build_views(corpus, alignment)
    chroma_dir = f"chroma-{uuid.uuid4().hex[:12]}"
    factory = chroma_client_factory or _persistent_client
    client = factory(index_dir / chroma_dir)
    cache = VectorCache.for_embedder(index_dir, embedder.id)
    vectors = _embed_into_chroma(client, views, CachedEmbeddings(embedder, cache), progress)
    cache.save()

    terms = view_terms(views, analyzers)
    np.savez(index_dir / (SNAPSHOT + ".tmp.npz"), vectors=vectors.astype(np.float32))
    os.replace(index_dir / (SNAPSHOT + ".tmp.npz"), index_dir / SNAPSHOT)
    _write_json(index_dir / VIEWS, {"views": [asdict(v) for v in views], "terms": terms})
    manifest = Manifest(
        **expected_manifest_fields(corpus, alignment, embedder.id, analysis_fingerprint(analyzers)),
        chroma_dir=chroma_dir,
        snapshot_sha256=_sha256(index_dir / SNAPSHOT),
        views=len(views),
        units=len(corpus.units),
        built_at=time.time(),
        build_seconds=round(time.perf_counter() - started, 3),
        reused_vectors=cache.hits,
    )
    _write_json(index_dir / MANIFEST, asdict(manifest))
    for old in index_dir.glob("chroma-*"):
        if old.name != chroma_dir:
            shutil.rmtree(old, ignore_errors=True)
    return manifest


def load_index(index_dir: Path) -> LoadedIndex:
    """Read the serving snapshot; raise IndexUnavailable when any part is missing or inconsistent."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexUnavailable(f"no usable index manifest in {index_dir}")
    try:
        if _sha256(index_dir / SNAPSHOT) != manifest.snapshot_sha256:
            raise IndexUnavailable(f"the index in {index_dir} is damaged (snapshot checksum mismatch)")
        with np.load(index_dir / SNAPSHOT) as data:
            vectors = np.ascontiguousarray(data["vectors"], dtype=np.float32)
        payload = json.loads((index_dir / VIEWS).read_text(encoding="utf-8"))
        views = [View(**v) for v in payload["views"]]
        terms = payload["terms"]
    except UNREADABLE as exc:
        raise IndexUnavailable(f"the index in {index_dir} is damaged ({exc.__class__.__name__})") from exc
    if not (len(views) == len(terms) == vectors.shape[0] == manifest.views):
        raise IndexUnavailable(f"the index in {index_dir} is inconsistent")
    return LoadedIndex(manifest=manifest, views=views, vectors=vectors, terms=terms)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_json(path: Path, data) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _persistent_client(path: Path):
    from chromadb import PersistentClient
    from chromadb.config import Settings as ChromaSettings

    return PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


def chroma_store(client, collection: str, embedder):
    """A LangChain Chroma vector store on our embedder, in cosine space."""
    from langchain_chroma import Chroma

    return Chroma(
        client=client,
        collection_name=collection,
        embedding_function=embedder,
        collection_metadata={"hnsw:space": "cosine"},
    )


def _embed_into_chroma(client, views: Sequence[View], embedder: AssistantEmbeddings, progress: Progress | None) -> np.ndarray:
    """Add the views to the two collections in batches; return their vectors as Chroma stored them."""
    stores = {
        "text": chroma_store(client, TEXT_COLLECTION, embedder),
        "question": chroma_store(client, QUESTION_COLLECTION, embedder.as_query_side()),
    }
    for store in stores.values():
        store.reset_collection()
    done = 0
    for kind, store in stores.items():
        subset = [v for v in views if v.kind == kind]
        for i in range(0, len(subset), EMBED_BATCH):
            batch = subset[i : i + EMBED_BATCH]
            store.add_texts(
                texts=[v.text for v in batch],
                metadatas=[{"unit_id": v.unit_id, "language": v.language, "kind": v.kind} for v in batch],
                ids=[v.id for v in batch],
            )
            done += len(batch)
            if progress:
                progress("embedding", done, len(views))
    position = {v.id: i for i, v in enumerate(views)}
    vectors: np.ndarray | None = None
    for store in stores.values():
        stored = store.get(include=["embeddings"])
        for view_id, vector in zip(stored["ids"], stored["embeddings"]):
            if vectors is None:
                vectors = np.zeros((len(views), len(vector)), dtype=np.float32)
            vectors[position[view_id]] = vector
    if vectors is None:
        raise IndexUnavailable("nothing to index: the corpus has no units")
    return normalise_rows(vectors)


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to unit length (zero rows stay zero), so a dot product is the cosine."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def view_terms(views: Sequence[View], analyzers: dict[str, Analyzer]) -> list[list[str]]:
    return [analyzers[v.language].text_terms(v.text) for v in views]


def print_progress(stage: str, done: int, total: int, stream=None) -> None:
    """A one-line progress bar on stderr; in a log (not a terminal) only the final count."""
    stream = stream or sys.stderr
    interactive = getattr(stream, "isatty", lambda: False)()
    if not interactive:
        if done >= total:
            stream.write(f"{stage}: {done}/{total}\n")
            stream.flush()
        return
    width = 30
    filled = int(width * done / max(total, 1))
    stream.write(f"\r{stage:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        stream.write("\n")
    stream.flush()
