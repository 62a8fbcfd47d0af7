"""The index in a Chroma server (`chroma run`) instead of the embedded store, for running several replicas.

A replica keeps no state of its own: at start it reads the views and vectors from the server and derives the
lexical terms locally. The server also holds the manifest (corpus and alignment fingerprints, embedder id,
schema version) in a one-record collection, so a replica built for another corpus or embedder notices and the
index is republished once instead of every replica embedding the corpus itself.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict

import numpy as np

from assistant.aligned import Alignment
from assistant.corpus import Corpus
from assistant.index import (
    QUESTION_COLLECTION,
    TEXT_COLLECTION,
    IndexUnavailable,
    LoadedIndex,
    Manifest,
    Progress,
    View,
    _embed_into_chroma,
    build_views,
    expected_manifest_fields,
    normalise_rows,
    view_terms,
)
from assistant.lexical import Analyzer, analysis_fingerprint

MANIFEST_COLLECTION = "assistant_manifest"
MANIFEST_ID = "manifest"


def http_client(host: str, port: int):
    from chromadb import HttpClient
    from chromadb.config import Settings as ChromaSettings

    try:
        client = HttpClient(host=host, port=port, settings=ChromaSettings(anonymized_telemetry=False))
        client.heartbeat()
    except Exception as exc:  # connection refused, DNS, HTTP errors: one clear message
        raise IndexUnavailable(f"cannot reach the Chroma server at {host}:{port} ({exc.__class__.__name__})") from exc
    return client


def read_remote_manifest(client) -> Manifest | None:
    try:
        record = client.get_collection(MANIFEST_COLLECTION).get(ids=[MANIFEST_ID], include=["documents"])
        return Manifest(**json.loads(record["documents"][0]))
    except Exception:  # missing collection or record, or an old format: treat as no index
        return None


def remote_staleness(client, expected: dict) -> str | None:
    manifest = read_remote_manifest(client)
    if manifest is None:
        return "the Chroma server holds no index yet"
    for key, value in expected.items():
        if getattr(manifest, key) != value:
            return f"the index on the Chroma server does not match ({key})"
    return None


def publish(client, location: str, corpus: Corpus, alignment: Alignment, embedder, analyzers: dict[str, Analyzer],
            progress: Progress | None = None) -> Manifest:
    """Embed every view into the server's collections, then record the manifest there."""
    started = time.perf_counter()
    views = build_views(corpus, alignment)
    _embed_into_chroma(client, views, embedder, progress)
    manifest = Manifest(
        **expected_manifest_fields(corpus, alignment, embedder.id, analysis_fingerprint(analyzers)),
        chroma_dir=location,
        snapshot_sha256="",
        views=len(views),
        units=len(corpus.units),
        built_at=time.time(),
        build_seconds=round(time.perf_counter() - started, 3),
    )
    collection = client.get_or_create_collection(MANIFEST_COLLECTION, embedding_function=None)
    collection.upsert(ids=[MANIFEST_ID], documents=[json.dumps(asdict(manifest))], embeddings=[[1.0]])
    return manifest


def load_remote(client, corpus: Corpus, analyzers: dict[str, Analyzer]) -> LoadedIndex:
    """Views, vectors and lexical terms from the server, in the corpus's unit order."""
    manifest = read_remote_manifest(client)
    if manifest is None:
        raise IndexUnavailable("the Chroma server holds no index")
    records = []
    for name in (TEXT_COLLECTION, QUESTION_COLLECTION):
        got = client.get_collection(name).get(include=["embeddings", "documents", "metadatas"])
        records += zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])
    order = {u.id: i for i, u in enumerate(corpus.units)}
    records = [r for r in records if r[2]["unit_id"] in order]
    records.sort(key=lambda r: (order[r[2]["unit_id"]], r[0]))
    if len(records) != manifest.views:
        raise IndexUnavailable("the index on the Chroma server is incomplete")
    views = [View(rid, meta["unit_id"], meta["language"], meta["kind"], doc) for rid, doc, meta, _ in records]
    vectors = normalise_rows(np.asarray([r[3] for r in records], dtype=np.float32))
    return LoadedIndex(manifest=manifest, views=views, vectors=vectors, terms=view_terms(views, analyzers))
