"""The index in a Chroma server (`chroma run`, shipped with chromadb), as replicas behind a load balancer use it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.chain import load_assistant
from assistant.config import Settings
from assistant.index import IndexUnavailable

from conftest import no_progress

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.skip("the chroma command of the chromadb package is not installed")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    process = subprocess.Popen([str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("chroma run did not start within 60 s")
    yield port
    process.terminate()
    process.wait(timeout=20)


def test_replicas_share_one_index_in_the_server_and_keep_no_local_state(chroma_server, corpus_copy, tmp_path):
    def replica(messages):
        settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "unused", embedder="hashing",
                            chroma_host="127.0.0.1", chroma_port=chroma_server)
        return load_assistant(settings, notify=messages.append, progress=no_progress)

    first_messages: list[str] = []
    first = replica(first_messages)
    assert any("Publishing the index" in m for m in first_messages)
    second_messages: list[str] = []
    second = replica(second_messages)
    assert second_messages == []  # the second replica reuses what the first published
    assert not (tmp_path / "unused").exists()
    for question in ("Myykö kirjasto kirjoja?", "Does the library buy performers?"):
        assert first.ask(question) == second.ask(question)

    doc = next(corpus_copy.glob("*.txt"))
    doc.write_text(doc.read_text(encoding="utf-8") + "\nKirjasto ei korjaa polkupyöriä.\n", encoding="utf-8")
    third_messages: list[str] = []
    replica(third_messages)
    assert any("does not match" in m for m in third_messages)


def test_unreachable_server_is_a_clear_error(corpus_copy, tmp_path):
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path, embedder="hashing", chroma_host="127.0.0.1", chroma_port=_free_port())
    with pytest.raises(IndexUnavailable, match="cannot reach the Chroma server"):
        load_assistant(settings, notify=lambda m: None, progress=no_progress)
