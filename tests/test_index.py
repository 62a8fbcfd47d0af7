"""The index: built when missing, rebuilt with a message when stale or damaged, reused when current."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.aligned import load_alignment
from assistant.chain import analyzers_for_languages, ensure_index
from assistant.corpus import load_corpus
from assistant.fakes import HashingEmbeddings
from assistant.index import MANIFEST, SNAPSHOT, TEXT_COLLECTION, IndexUnavailable, build_index, read_manifest

from conftest import no_progress


def _ensure(settings, embedder=None, **kw):
    messages: list[str] = []
    corpus = load_corpus(settings.corpus_dir)
    alignment = load_alignment(settings.corpus_dir, corpus)
    index = ensure_index(
        settings, corpus, alignment, embedder or HashingEmbeddings(), analyzers_for_languages(),
        notify=messages.append, progress=no_progress, **kw,
    )
    return index, messages


def test_missing_index_is_built_with_a_visible_message(fake_settings):
    index, messages = _ensure(fake_settings)
    assert any("Building the index" in m and "no index yet" in m for m in messages)
    manifest = read_manifest(fake_settings.index_dir)
    assert manifest.embedder_id == HashingEmbeddings.id and manifest.units == len(load_corpus(fake_settings.corpus_dir).units)
    assert index.vectors.shape[0] == manifest.views


def test_current_index_is_reused_without_rebuilding(fake_settings):
    _ensure(fake_settings)
    built_at = read_manifest(fake_settings.index_dir).built_at
    _, messages = _ensure(fake_settings)
    assert messages == []
    assert read_manifest(fake_settings.index_dir).built_at == built_at


def test_changed_corpus_makes_the_index_stale_and_it_is_rebuilt(fake_settings):
    _ensure(fake_settings)
    doc = next(fake_settings.corpus_dir.glob("*.txt"))
    doc.write_text(doc.read_text(encoding="utf-8") + "\nKirjasto ei korjaa polkupyöriä.\n", encoding="utf-8")
    index, messages = _ensure(fake_settings)
    assert any("the corpus changed" in m for m in messages)
    assert any(v.text == "Kirjasto ei korjaa polkupyöriä." for v in index.views)


def test_other_embedder_makes_the_index_stale(fake_settings):
    _ensure(fake_settings)

    class OtherFake(HashingEmbeddings):
        id = "fake/other"

    _, messages = _ensure(fake_settings, OtherFake())
    assert any("another embedder" in m for m in messages)


@pytest.mark.parametrize("damage", ["delete_snapshot", "truncate_snapshot", "garbage_manifest", "delete_folder"])
def test_damaged_index_is_rebuilt(fake_settings, damage):
    import shutil

    _ensure(fake_settings)
    folder = fake_settings.index_dir
    if damage == "delete_snapshot":
        (folder / SNAPSHOT).unlink()
    elif damage == "truncate_snapshot":
        (folder / SNAPSHOT).write_bytes((folder / SNAPSHOT).read_bytes()[:100])
    elif damage == "garbage_manifest":
        (folder / MANIFEST).write_text("{not json", encoding="utf-8")
    else:
        shutil.rmtree(folder)
    index, messages = _ensure(fake_settings)
    assert any("Building the index" in m for m in messages)
    assert index.vectors.shape[0] > 0


def test_snapshot_holds_exactly_what_chroma_stored(fake_settings):
    from chromadb import PersistentClient
    from chromadb.config import Settings as ChromaSettings

    index, _ = _ensure(fake_settings)
    manifest = read_manifest(fake_settings.index_dir)
    client = PersistentClient(path=str(fake_settings.index_dir / manifest.chroma_dir), settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_collection(TEXT_COLLECTION)
    assert collection.metadata["hnsw:space"] == "cosine"
    stored = collection.get(include=["embeddings"])
    position = {v.id: i for i, v in enumerate(index.views)}
    for view_id, vector in zip(stored["ids"], stored["embeddings"]):
        expected = np.asarray(vector) / np.linalg.norm(vector)
        assert np.allclose(index.vectors[position[view_id]], expected, atol=1e-6)


def test_unwritable_index_folder_is_a_clear_error(fake_settings, tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    corpus = load_corpus(fake_settings.corpus_dir)
    with pytest.raises(IndexUnavailable, match="cannot write the index folder"):
        build_index(blocker / "index", corpus, load_alignment(fake_settings.corpus_dir, corpus), HashingEmbeddings(), analyzers_for_languages())


class CountingEmbeddings(HashingEmbeddings):
    """The hashing fake, counting how many texts it was asked to embed for the index."""

    def __init__(self):
        super().__init__()
        self.embedded = 0

    def embed_documents(self, texts):
        self.embedded += len(texts)
        return super().embed_documents(texts)

    def embed_queries(self, texts):
        self.embedded += len(texts)
        return super().embed_queries(texts)


def test_a_rebuild_embeds_only_texts_it_has_not_embedded_before(fake_settings, tmp_path):
    first = CountingEmbeddings()
    index, _ = _ensure(fake_settings, first)
    assert first.embedded == len(index.views) and read_manifest(fake_settings.index_dir).reused_vectors == 0
    doc = next(fake_settings.corpus_dir.glob("*.txt"))
    doc.write_text(doc.read_text(encoding="utf-8") + "\nKirjasto ei korjaa polkupyöriä.\n", encoding="utf-8")
    second = CountingEmbeddings()
    rebuilt, messages = _ensure(fake_settings, second)
    assert 1 <= second.embedded < 10, "only the changed unit's views are embedded again"
    assert read_manifest(fake_settings.index_dir).reused_vectors == len(rebuilt.views) - second.embedded
    assert any("reused from earlier builds" in m for m in messages)
    # The same vectors a build from scratch would give (passage and question sides kept apart).
    scratch, _ = _ensure(fake_settings.with_changes(index_dir=tmp_path / "scratch"), CountingEmbeddings())
    assert [v.id for v in scratch.views] == [v.id for v in rebuilt.views]
    assert np.allclose(scratch.vectors, rebuilt.vectors, atol=1e-6)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong_shapes"])
def test_a_damaged_vector_cache_only_means_embedding_everything_again(fake_settings, damage):
    from assistant.vector_cache import CACHE_FOLDER

    _ensure(fake_settings)
    (cache_file,) = (fake_settings.index_dir / CACHE_FOLDER).glob("*.npz")
    if damage == "garbage":
        cache_file.write_bytes(b"not a zip at all")
    elif damage == "truncated":
        cache_file.write_bytes(cache_file.read_bytes()[:200])
    else:
        np.savez(cache_file, keys=np.array(["a", "b"]), vectors=np.zeros((3, 4)))
    embedder = CountingEmbeddings()
    index, messages = _ensure(fake_settings, embedder, rebuild=True)
    assert embedder.embedded == len(index.views)
    assert any("Index built" in m for m in messages)


def test_changed_word_analysis_makes_the_index_stale(fake_settings, monkeypatch):
    from assistant import lexical

    _ensure(fake_settings)
    # The stored terms were made with these stopwords: a new list must not meet the old terms.
    monkeypatch.setitem(lexical.STOPWORDS, "en", lexical.STOPWORDS["en"] | {"zebra"})
    _, messages = _ensure(fake_settings)
    assert any("word analysis" in m for m in messages)
