"""Abuse limits (per-client rate limit, answer time limit) and privacy (no questions or addresses in logs,
feedback retention)."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.feedback import FeedbackStore
from assistant.limits import RateLimiter, parse_rate
from assistant.webapp import create_app
from fakes_web import FakeAssistant

SECRET = "Myykö kirjasto kirjoja salaisuus-7f3a?"


def make_client(tmp_path, assistant=None, client=("203.0.113.7", 5000), **settings):
    app = create_app(assistant or FakeAssistant(), Settings(data_dir=tmp_path, **settings),
                     feedback=FeedbackStore(tmp_path / "f.sqlite3"))
    return TestClient(app, raise_server_exceptions=False, client=client)


def test_parse_rate():
    assert parse_rate("60/minute") == (60, 60.0)
    assert parse_rate("5 / seconds") == (5, 1.0)
    assert parse_rate("off") is None
    with pytest.raises(ValueError):
        parse_rate("lots")


def test_settings_read_the_limits_from_the_environment():
    env = {"LIBRARY_ASSISTANT_RATE_LIMIT": "10/second", "LIBRARY_ASSISTANT_ANSWER_TIMEOUT": "2.5"}
    settings = Settings.from_env(env)
    assert settings.rate_limit == "10/second" and settings.answer_timeout_seconds == 2.5
    assert Settings().rate_limit == "60/minute"


def test_token_bucket_refills_over_time():
    now = [0.0]
    limiter = RateLimiter(2, 60.0, clock=lambda: now[0])
    assert [limiter.acquire("a"), limiter.acquire("a")] == [0.0, 0.0]
    assert limiter.acquire("a") == pytest.approx(30.0)
    assert limiter.acquire("b") == 0.0  # per client
    now[0] = 30.0
    assert limiter.acquire("a") == 0.0


def test_api_rate_limit_is_per_client_with_a_friendly_429(tmp_path):
    with make_client(tmp_path, rate_limit="3/minute") as client:
        codes = [client.post("/api/ask", json={"question": "Myykö kirjasto kirjoja?"}).status_code for _ in range(3)]
        assert codes == [200] * 3
        refused = client.post("/api/ask", json={"question": "Myykö kirjasto kirjoja?"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert "Please wait" in refused.json()["error"] and "odota" in refused.json()["error"]
        assert client.post("/api/feedback", json={}).status_code == 429  # feedback shares the allowance
        assert client.get("/healthz").status_code == 200  # reading pages is not limited
        assert client.get("/widget/").status_code == 200
    with make_client(tmp_path, rate_limit="3/minute", client=("198.51.100.1", 1)) as other:
        assert other.post("/api/ask", json={"question": "Myykö kirjasto kirjoja?"}).status_code == 200


@pytest.mark.parametrize("path", ["/widget/gradio_api/queue/join", "/widget/en/gradio_api/queue/join",
                                  "/gradio_api/queue/join", "/widget/gradio_api/call/ask"])
def test_gradio_events_are_rate_limited(tmp_path, path):
    with make_client(tmp_path, rate_limit="2/minute") as client:
        for _ in range(2):
            assert client.post(path, json={}).status_code != 429
        refused = client.post(path, json={"data": ["x"], "fn_index": 0, "session_hash": "abc"})
        assert refused.status_code == 429 and "retry-after" in refused.headers


def test_rate_limit_off(tmp_path):
    with make_client(tmp_path, rate_limit="off") as client:
        assert {client.post("/api/ask", json={"question": "x?"}).status_code for _ in range(80)} == {200}


def test_slow_answer_times_out_with_a_message(tmp_path):
    with make_client(tmp_path, FakeAssistant(delay=3.0), answer_timeout_seconds=0.3) as client:
        started = time.monotonic()
        response = client.post("/api/ask", json={"question": "Myykö kirjasto kirjoja?"})
        assert time.monotonic() - started < 2.0
    assert response.status_code == 503 and "took too long" in response.json()["error"]


def test_uvicorn_runs_with_timeouts_and_a_connection_limit(tmp_path):
    from assistant.webapp import server_config

    config = server_config(create_app(FakeAssistant(), Settings(data_dir=tmp_path)), port=7999)
    assert config.port == 7999 and config.timeout_keep_alive <= 10 and config.limit_concurrency >= 64
    assert config.access_log is False and config.timeout_graceful_shutdown is not None


# --- Privacy ------------------------------------------------------------------------------------------------


def _logged(caplog) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)


def test_no_question_or_address_in_logs_by_default(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with make_client(tmp_path) as client:
        assert client.post("/api/ask", json={"question": SECRET}).status_code == 200
        assert client.post("/api/ask", json={"question": SECRET + " explode"}).status_code == 503
        shown = client.post("/api/ask", json={"question": SECRET}).json()
        client.post("/api/feedback", json={"question": SECRET, "answer": shown, "rating": "up"})
    logged = _logged(caplog)
    assert "salaisuus" not in logged and "203.0.113.7" not in logged
    assert "answering failed" in logged  # failures are still logged, without the question


def test_questions_are_logged_only_when_asked_for(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with make_client(tmp_path, log_questions=True) as client:
        client.post("/api/ask", json={"question": SECRET})
    assert "salaisuus" in _logged(caplog)


def test_feedback_keeps_only_what_it_needs(tmp_path):
    import sqlite3

    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.add("q?", [], {"verdict": "no", "language": "fi"}, "up", "ok", "api")
    columns = [row[1] for row in sqlite3.connect(tmp_path / "f.sqlite3").execute("PRAGMA table_info(feedback)")]
    assert columns == ["id", "created_at", "view", "question", "history", "language", "answer", "rating", "comment"]


def test_feedback_older_than_retention_is_deleted(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    old, new = (store.add(f"q{i}?", [], {"language": "fi"}, "up") for i in range(2))
    past = (datetime.now(timezone.utc) - timedelta(days=400)).isoformat(timespec="seconds")
    store._conn.execute("UPDATE feedback SET created_at = ? WHERE id = ?", (past, old))
    assert store.delete_older_than(365) == 1
    assert [row["id"] for row in store.all()] == [new]
    with pytest.raises(ValueError):
        store.delete_older_than(-1)


def test_cli_feedback_delete_older_than(tmp_path, monkeypatch, capsys):
    from assistant.cli import main

    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    old = store.add("old?", [], {"language": "fi"}, "up")
    store.add("new?", [], {"language": "fi"}, "down")
    past = (datetime.now(timezone.utc) - timedelta(days=40)).isoformat(timespec="seconds")
    store._conn.execute("UPDATE feedback SET created_at = ? WHERE id = ?", (past, old))
    monkeypatch.setenv("LIBRARY_ASSISTANT_DATA", str(tmp_path))
    assert main(["feedback", "delete", "--older-than", "30", "--yes"]) == 0
    assert "Deleted 1 feedback row(s); 1 kept." in capsys.readouterr().err
    assert [row["question"] for row in store.all()] == ["new?"]
    with pytest.raises(SystemExit):
        main(["feedback", "delete", "--older-than", "soon", "--yes"])
