"""Faults: each either rebuilds automatically with a visible message or fails with a clear one, and stale
answers are never served silently. (tests/test_index.py covers a deleted snapshot, a truncated snapshot, a
garbage manifest, a deleted index folder and a changed corpus at the library level; here the same faults are
seen from the CLI and the server, plus the ones it does not cover.)

Simulations, because tests may run as root (root ignores chmod):
- unreadable corpus file: `Path.read_text` patched to raise PermissionError, and separately a file that is not
  UTF-8; a "file" that became a directory;
- read-only index folder: an index path under a regular file (creating it fails like a read-only mount);
- full disk for feedback: SQLite `PRAGMA max_page_count` capped just above the current size.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.chain import load_assistant
from assistant.config import Settings
from assistant.corpus import CorpusError
from assistant.feedback import FEEDBACK_DISK_FULL, FeedbackStore
from assistant.index import MANIFEST, SNAPSHOT, IndexUnavailable, read_manifest
from assistant.webapp import create_app
from conftest import CORPUS_FILE, no_progress
from fakes_web import FakeAssistant

QUESTION = "Myykö kirjasto kirjoja?"


def load(settings, messages=None):
    return load_assistant(settings, notify=(messages if messages is not None else []).append, progress=no_progress)


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LIBRARY_ASSISTANT_CORPUS=str(settings.corpus_dir),
               LIBRARY_ASSISTANT_INDEX=str(settings.index_dir), LIBRARY_ASSISTANT_DATA=str(settings.data_dir),
               LIBRARY_ASSISTANT_EMBEDDER="hashing")
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def assert_one_line_error(done: subprocess.CompletedProcess, text: str) -> None:
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("library-assistant:")]
    assert len(lines) == 1 and text in lines[0], done.stderr


# --- Index ----------------------------------------------------------------------------------------------------


def test_deleted_index_folder_is_rebuilt_by_the_cli_with_a_message(fake_settings):
    load(fake_settings)
    shutil.rmtree(fake_settings.index_dir)
    done = cli(fake_settings, "ask", "--json", QUESTION)
    assert done.returncode == 0, done.stderr
    assert "Building the index" in done.stderr and "no index yet" in done.stderr
    assert '"verdict"' in done.stdout


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete"])
def test_damaged_chroma_store_is_never_used_silently(fake_settings, damage):
    """Answers are served from the checksummed snapshot; Chroma files only matter when they vanish (rebuild)."""
    before = load(fake_settings).ask(QUESTION)
    chroma = fake_settings.index_dir / read_manifest(fake_settings.index_dir).chroma_dir
    files = [p for p in chroma.rglob("*") if p.is_file()]
    assert files
    for path in files:
        if damage == "truncate":
            path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 3)])
        elif damage == "garbage":
            path.write_bytes(os.urandom(min(4096, max(16, path.stat().st_size))))
    if damage == "delete":
        shutil.rmtree(chroma)
    messages: list[str] = []
    after = load(fake_settings, messages).ask(QUESTION)
    assert after == before
    if damage == "delete":
        assert any("Building the index" in m and "is missing" in m for m in messages)
    else:
        assert messages == []  # the snapshot's checksum still matches: nothing stale is served


@pytest.mark.parametrize("name", [SNAPSHOT, "views.json"])
def test_truncated_serving_files_are_rebuilt_with_a_message(fake_settings, name):
    load(fake_settings)
    path = fake_settings.index_dir / name
    path.write_bytes(path.read_bytes()[:50])
    done = cli(fake_settings, "ask", "--json", QUESTION)
    assert done.returncode == 0, done.stderr
    assert "Building the index" in done.stderr and "damaged" in done.stderr


def test_index_under_a_file_is_a_clear_error(fake_settings, tmp_path):
    """A read-only index location (simulated: its parent is a regular file, so nothing can be created)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings = fake_settings.with_changes(index_dir=blocker / "index")
    with pytest.raises(IndexUnavailable, match="cannot write the index folder"):
        load(settings)
    assert_one_line_error(cli(settings, "ask", QUESTION), "cannot write the index folder")


# --- Corpus ---------------------------------------------------------------------------------------------------


def test_corpus_file_that_is_not_utf8_is_a_clear_error(fake_settings):
    path = fake_settings.corpus_dir / CORPUS_FILE
    path.write_bytes(path.read_bytes()[:200] + b"\xff\xfe\xfa" + path.read_bytes()[200:])
    with pytest.raises(CorpusError, match=f"cannot read corpus file {CORPUS_FILE}"):
        load(fake_settings)
    assert_one_line_error(cli(fake_settings, "ask", QUESTION), f"cannot read corpus file {CORPUS_FILE}")


def test_unreadable_corpus_file_is_a_clear_error(fake_settings, monkeypatch):
    real_read_text = Path.read_text

    def read_text(self, *args, **kwargs):
        if self.name == CORPUS_FILE:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    with pytest.raises(CorpusError, match="Permission denied"):
        load(fake_settings)


def test_corpus_file_replaced_by_a_folder_is_a_clear_error(fake_settings):
    path = fake_settings.corpus_dir / CORPUS_FILE
    path.unlink()
    path.mkdir()
    assert_one_line_error(cli(fake_settings, "ask", QUESTION), "no .txt or .md documents")


def test_changed_corpus_is_rebuilt_by_the_cli_with_a_message(fake_settings):
    load(fake_settings)
    path = fake_settings.corpus_dir / CORPUS_FILE
    path.write_text(path.read_text(encoding="utf-8") + "\nKirjasto ei korjaa polkupyöriä.\n", encoding="utf-8")
    done = cli(fake_settings, "ask", "--json", QUESTION)
    assert done.returncode == 0 and "the corpus changed" in done.stderr


def test_running_server_reports_a_stale_or_broken_corpus_on_healthz(fake_settings):
    app = create_app(FakeAssistant(), fake_settings.with_changes(rate_limit="off"),
                     feedback=FeedbackStore(fake_settings.data_dir / "f.sqlite3"))
    path = fake_settings.corpus_dir / CORPUS_FILE
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        original = path.read_bytes()
        path.write_bytes(original + b"\nKirjasto ei korjaa polkupyori\xc3\xa4.\n")
        stale = client.get("/healthz")
        assert stale.status_code == 503 and stale.json()["status"] == "stale"
        assert "restarted" in stale.json()["detail"]
        path.write_bytes(original)
        assert client.get("/healthz").json() == {"status": "ok"}  # changed back: the index matches again
        path.unlink()
        path.mkdir()
        broken = client.get("/healthz")
        assert broken.status_code == 503 and broken.json()["status"] == "error"


# --- Feedback database ----------------------------------------------------------------------------------------


def _fill_until_full(store: FeedbackStore) -> int:
    stored = 0
    for i in range(10_000):
        try:
            store.add(f"Question {i}?", [], {"language": "fi", "verdict": "no"}, "up", "x" * 1900)
        except sqlite3.OperationalError as exc:
            assert "full" in str(exc)
            return stored
        stored += 1
    raise AssertionError("the capped database never filled up")


def test_full_disk_keeps_earlier_feedback_and_says_so(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(path)
    for i in range(3):
        store.add(f"Early {i}?", [], {"language": "fi", "verdict": "no"}, "down", "kept")
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages + 8}")  # simulate a nearly full disk
    stored = _fill_until_full(store)
    assert store.count() == 3 + stored

    app = create_app(FakeAssistant(), Settings(data_dir=tmp_path, rate_limit="off"), feedback=store)
    with TestClient(app, raise_server_exceptions=False) as client:
        shown = client.post("/api/ask", json={"question": QUESTION}).json()
        response = client.post("/api/feedback", json={"question": QUESTION, "answer": shown, "rating": "up",
                                                       "comment": "y" * 1900})
    assert response.status_code == 503 and response.json() == {"error": FEEDBACK_DISK_FULL}
    store.close()
    reopened = FeedbackStore(path)  # a fresh connection sees every committed row, nothing half-written
    rows = reopened.all()
    assert len(rows) == 3 + stored and [r["question"] for r in rows[:3]] == ["Early 0?", "Early 1?", "Early 2?"]
    assert reopened._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert reopened._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_staff_view_says_the_disk_is_full(tmp_path):
    from assistant.webui import build_staff_view

    class FullStore:
        def add(self, *args, **kwargs):
            raise sqlite3.OperationalError("database or disk is full")

    from assistant.config import DEFAULT_UI_DIR

    demo = build_staff_view(FakeAssistant().ask, FullStore(), "https://www.helmet.fi", DEFAULT_UI_DIR)
    rate = next(fn for fn in demo.fns.values() if fn.name == "<lambda>").fn
    from assistant.webui import StaffSession

    session = StaffSession(exchanges=((QUESTION, FakeAssistant().ask(QUESTION)),))
    status, *_ = rate(session)
    assert "storage is full" in status
