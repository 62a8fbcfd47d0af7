"""Both embedding backends behind LangChain's Embeddings, with the real models shipped in PyPI packages."""

from __future__ import annotations

import subprocess
import sys
import threading

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.embeddings import E5Embeddings, SentenceTransformerEmbeddings, create_embedder, default_minilm_path
from assistant.fakes import HashingEmbeddings


def _cos(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.mark.model
def test_e5_is_multilingual_and_prefixes_queries_and_passages():
    e5 = E5Embeddings()
    assert isinstance(e5, Embeddings)
    passage = e5.embed_documents(["Kaupunginkirjastolla ei myöskään ole kirjamyyntiä tai omaa kustannustoimintaa."])[0]
    related = e5.embed_query("Does the library sell books?")
    unrelated = e5.embed_query("What is the weather like in Lapland?")
    assert len(passage) == 384
    assert _cos(passage, related) > _cos(passage, unrelated)
    assert np.allclose(e5.embed_query("kirja"), e5.as_query_side().embed_documents(["kirja"])[0])


class FixedLoad:
    def __init__(self, cores: float):
        self.cores = cores

    def busy_cores(self) -> float:
        return self.cores


@pytest.mark.model
def test_e5_uses_every_core_for_a_lone_query_and_one_per_query_under_concurrency():
    e5 = E5Embeddings(alone_threads=2, others_load=FixedLoad(0.0))
    assert e5._set_threads is not None, "the engine's OpenMP runtime was not found"
    question = "Järjestääkö kirjasto maksuttomia tapahtumia?"
    alone = e5.query_vector(question)
    chosen: list[int] = []
    inner_set = e5._set_threads
    e5._set_threads = lambda n: (chosen.append(n), inner_set(n))
    e5.query_vector(question)
    entered, release = threading.Barrier(2), threading.Event()

    def busy_query() -> None:
        # Held "in flight" while the main thread embeds.
        with e5._lock:
            e5._in_flight += 1
        entered.wait(5)
        release.wait(5)
        with e5._lock:
            e5._in_flight -= 1

    other = threading.Thread(target=busy_query)
    other.start()
    entered.wait(5)
    concurrent = e5.query_vector(question)
    release.set()
    other.join()
    assert chosen == [2, 1]
    assert _cos(alone, concurrent) > 0.9999  # the thread count changes summation order only
    e5._others_load = FixedLoad(1.0)  # another process holds a core: engine threads would wait for it
    e5.query_vector(question)
    assert chosen == [2, 1, 1]


def test_others_load_is_busy_cpu_time_minus_our_own_per_second():
    from assistant.embeddings import OthersLoad

    samples = iter([(0.0, 100.0, 10.0), (1.0, 101.5, 10.5), (3.0, 101.5, 10.5)])
    load = OthersLoad(interval=0.0, sample=lambda: next(samples))
    assert load.busy_cores() == pytest.approx(1.0)  # 1.5 s busy in 1 s, 0.5 s of it ours
    assert load.busy_cores() == 0.0
    assert OthersLoad(sample=lambda: None).busy_cores() == float("inf")  # unknown: treated as busy


@pytest.mark.model
def test_sentence_transformers_backend_loads_a_local_model_directory():
    embedder = create_embedder(Settings(embedder="sentence-transformers"))
    assert isinstance(embedder, SentenceTransformerEmbeddings)
    assert embedder.id == f"sentence-transformers/{default_minilm_path().name}"
    docs = embedder.embed_documents(["The library lends books.", "Cats sleep a lot."])
    query = embedder.embed_query("Can I borrow books from the library?")
    assert len(query) == 384
    assert _cos(query, docs[0]) > _cos(query, docs[1])


@pytest.mark.model
def test_sentence_transformers_backend_answers_end_to_end(tmp_path):
    from assistant.chain import load_assistant

    settings = Settings(index_dir=tmp_path / "index", embedder="sentence-transformers")
    answer = load_assistant(settings, notify=lambda m: None, progress=lambda *a: None).ask("Kirjasto ei myönnä avustuksia?")
    assert answer.citations and answer.verdict in ("no", "not_covered")


def test_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="model directory not found"):
        SentenceTransformerEmbeddings(tmp_path / "nope")


def test_unknown_embedder_name_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown embedder"):
        create_embedder(Settings(embedder="word2vec"))


def test_e5_path_never_imports_torch():
    code = (
        "import sys; from assistant.embeddings import E5Embeddings; E5Embeddings().embed_query('kirja');"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"


def test_hashing_fake_is_deterministic():
    fake = HashingEmbeddings()
    assert fake.embed_query("kirjasto") == fake.embed_query("kirjasto")
    assert _cos(fake.embed_query("kirjamyynti"), fake.embed_query("kirjamyyntiä")) > 0.5
