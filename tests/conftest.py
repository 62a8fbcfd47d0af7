"""Shared fixtures: the real corpus, settings pointing at temporary folders, and assistants built on a
deterministic fake embedder (fast) or the real e5 model (marked `model`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.config import DEFAULT_CORPUS_DIR, Settings, enforce_offline
from assistant.corpus import load_corpus

enforce_offline()

CORPUS_FILE = "kirjastopalvelukokonaisuuden-tyonjaot.txt"


def quiet(_message: str) -> None:
    """A notify callback that drops index messages in tests."""


def no_progress(*_args) -> None:
    """A progress callback that draws nothing."""


@pytest.fixture(scope="session")
def corpus():
    return load_corpus(DEFAULT_CORPUS_DIR)


@pytest.fixture(scope="session")
def document(corpus):
    return corpus.document(CORPUS_FILE)


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the corpus folder (document and aligned translations)."""
    target = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS_DIR, target)
    return target


@pytest.fixture
def fake_settings(tmp_path, corpus_copy) -> Settings:
    return Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index", data_dir=tmp_path / "data", embedder="hashing")


@pytest.fixture
def fake_assistant(fake_settings):
    from assistant.chain import load_assistant

    return load_assistant(fake_settings, notify=quiet, progress=no_progress)


@pytest.fixture(scope="session")
def e5_index_dir(tmp_path_factory) -> Path:
    """One e5 index for the whole session (building it takes a few seconds)."""
    from assistant.chain import load_assistant

    index_dir = tmp_path_factory.mktemp("e5-index")
    load_assistant(Settings(index_dir=index_dir), notify=quiet, progress=no_progress)
    return index_dir


@pytest.fixture(scope="session")
def real_assistant(e5_index_dir):
    from assistant.chain import load_assistant

    return load_assistant(Settings(index_dir=e5_index_dir), notify=quiet, progress=no_progress)
